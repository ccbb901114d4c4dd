//! Tracking links: the link a text message carries, `/track/CODE?k=TOKEN`. The token is
//! a keyed hash of the code (the server's `track-links` key), so only the server makes
//! one and it opens nothing but the page's first paint (the status, the matter type and
//! the times: `routes::page`); the whole complaint still needs the phone's digits or the
//! filing device. Whoever has the text has the link, as with any link in a message.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::store::Store;
use crate::store::shared::StoreResult;

const KEY_NAME: &str = "track-links";
/// 12 bytes of the hash: 16 base64url characters.
const TOKEN_BYTES: usize = 12;

pub struct LinkKey(Vec<u8>);

impl LinkKey {
    /// The kept key, or a new one kept now (the first process to start wins).
    pub async fn load(store: &dyn Store) -> StoreResult<LinkKey> {
        let mut candidate = [0u8; 32];
        OsRng.fill_bytes(&mut candidate);
        Ok(LinkKey(store.server_key(KEY_NAME, &candidate).await?))
    }

    fn mac(&self, code: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(b"track:");
        mac.update(code.as_bytes());
        mac
    }

    /// The token of the link to `code`.
    pub fn token(&self, code: &str) -> String {
        B64.encode(&self.mac(code).finalize().into_bytes()[..TOKEN_BYTES])
    }

    /// Whether `token` is the token of `code` (compared in constant time).
    pub fn checks(&self, code: &str, token: &str) -> bool {
        match B64.decode(token) {
            Ok(bytes) if bytes.len() == TOKEN_BYTES => {
                self.mac(code).verify_truncated_left(&bytes).is_ok()
            }
            _ => false,
        }
    }

    /// The page a text message links to (under the server's public address).
    pub fn page(&self, public_url: &str, code: &str) -> String {
        format!(
            "{}/track/{code}?k={}",
            public_url.trim_end_matches('/'),
            self.token(code)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_its_own_code_only() {
        let key = LinkKey(b"a key for the test".to_vec());
        let token = key.token("ABCD2345");
        assert_eq!(token.len(), 16);
        assert!(key.checks("ABCD2345", &token));
        assert!(!key.checks("ABCD2346", &token));
        assert!(!LinkKey(b"another key".to_vec()).checks("ABCD2345", &token));
        assert!(!key.checks("ABCD2345", &token[..15]));
        assert!(!key.checks("ABCD2345", "not base64 at all!"));
        assert_eq!(
            key.page("https://12345.example.cn/", "ABCD2345"),
            format!("https://12345.example.cn/track/ABCD2345?k={token}")
        );
    }
}
