//! Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291):
//! residents hear of every public step of the tickets their device filed or follows,
//! staff of what enters their queues (a new ticket for their unit or for dispatch, a
//! deadline warning, an escalation).
//!
//! The VAPID key pair is made at the server's first start and kept in the database
//! (`server_keys`), so every process signs with the same key and browsers' existing
//! subscriptions stay valid. Each notification is one outbox item per subscription,
//! written in the transaction of the change it tells of; delivery encrypts the payload
//! for the subscription's keys, signs a VAPID JWT for the push service's origin, and
//! forgets a subscription the push service answers 404 or 410 for.

pub mod news;
pub mod routes;
pub mod store;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::SecretKey;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::rand_core::OsRng;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use serde_json::json;
use time::OffsetDateTime;

use crate::error::{AppError, AppResult};
use crate::store::Store;

/// The catalogue by code (for the matter's name in staff notifications).
pub type Matters = std::collections::HashMap<String, gridline_core::api::reference::MatterType>;

/// How many browsers may follow one ticket: each public step is one outbox item per
/// follower, so a ticket's notifications stay bounded.
pub const MAX_FOLLOWERS: usize = 10;

/// The outbox kind of a push notification to one subscription.
pub const PUSH: &str = "push";

const VAPID_KEY_NAME: &str = "vapid";

/// The server's VAPID key pair.
pub struct Vapid {
    signing: SigningKey,
    public: String,
}

impl Vapid {
    /// The kept key, or a new one kept now.
    pub async fn load(store: &dyn Store) -> AppResult<Vapid> {
        let candidate = SecretKey::random(&mut OsRng);
        let kept = store
            .server_key(VAPID_KEY_NAME, &candidate.to_bytes())
            .await?;
        let secret = SecretKey::from_slice(&kept)
            .map_err(|e| AppError::Internal(format!("the kept VAPID key is unusable: {e}")))?;
        let public = B64.encode(secret.public_key().to_encoded_point(false).as_bytes());
        Ok(Vapid {
            signing: SigningKey::from(secret),
            public,
        })
    }

    /// The public key as `pushManager.subscribe` takes it (`applicationServerKey`):
    /// the uncompressed point, base64url.
    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// The `Authorization` header for a request to `endpoint`: a JWT (ES256) for the
    /// endpoint's origin, valid 12 hours, with `subject` to contact the sender.
    pub fn authorization(
        &self,
        endpoint: &str,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<String, String> {
        let url = reqwest::Url::parse(endpoint).map_err(|e| format!("bad endpoint: {e}"))?;
        let audience = url.origin().ascii_serialization();
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = B64.encode(
            json!({
                "aud": audience,
                "exp": (now + time::Duration::hours(12)).unix_timestamp(),
                "sub": subject,
            })
            .to_string(),
        );
        let signed = format!("{header}.{claims}");
        let signature: Signature = self.signing.sign(signed.as_bytes());
        Ok(format!(
            "vapid t={signed}.{}, k={}",
            B64.encode(signature.to_bytes()),
            self.public
        ))
    }
}
