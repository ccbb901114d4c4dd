//! Sealing to the server (station filings): the tablet encrypts with the server's
//! P-256 public key so that what waits in its outbox cannot be read back on the tablet.
//!
//! ECDH with a one-off key pair made for each sealing (its private half is never
//! kept), HKDF-SHA-256 over the shared secret (salt: the one-off public key, info:
//! `SEAL_INFO`), AES-256-GCM with a random 12-byte nonce: the server's
//! `station::SealKey::open` undoes it. All through the browser's WebCrypto.

use gridline_core::api::station::{SEAL_INFO, Sealed};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, CryptoKeyPair, SubtleCrypto};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealError {
    /// No WebCrypto here (an insecure page: http other than localhost).
    Unavailable,
    /// The server's key is not a P-256 public key.
    BadKey,
    Failed(String),
}

fn failed(e: JsValue) -> SealError {
    SealError::Failed(format!("{e:?}"))
}

fn object(pairs: &[(&str, &JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}

fn usages(names: &[&str]) -> JsValue {
    names
        .iter()
        .map(|n| JsValue::from_str(n))
        .collect::<Array>()
        .into()
}

fn subtle() -> Result<SubtleCrypto, SealError> {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or(SealError::Unavailable)?;
    // `crypto.subtle` is undefined on insecure pages.
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(|_| SealError::Unavailable)?;
    if subtle.is_undefined() {
        return Err(SealError::Unavailable);
    }
    Ok(crypto.subtle())
}

async fn call(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, SealError> {
    JsFuture::from(promise.map_err(failed)?)
        .await
        .map_err(failed)
}

fn bytes_of(value: &JsValue) -> Vec<u8> {
    Uint8Array::new(value).to_vec()
}

/// Seals `plaintext` to the server's public key (uncompressed P-256 point, base64url).
pub async fn seal(public_key: &str, plaintext: &[u8]) -> Result<Sealed, SealError> {
    let subtle = subtle()?;
    let server_raw = from_base64url(public_key).ok_or(SealError::BadKey)?;
    let ecdh = object(&[("name", &"ECDH".into()), ("namedCurve", &"P-256".into())]);
    let server: CryptoKey = call(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(server_raw.as_slice()),
        &ecdh,
        false,
        &usages(&[]),
    ))
    .await
    .map_err(|_| SealError::BadKey)?
    .unchecked_into();
    let pair: CryptoKeyPair =
        call(subtle.generate_key_with_object(&ecdh, false, &usages(&["deriveBits"])))
            .await?
            .unchecked_into();
    let epk = bytes_of(&call(subtle.export_key("raw", &pair.get_public_key())).await?);
    let derive = object(&[("name", &"ECDH".into()), ("public", &server)]);
    let shared =
        call(subtle.derive_bits_with_object(&derive, &pair.get_private_key(), 256)).await?;
    let hkdf_key: CryptoKey = call(subtle.import_key_with_object(
        "raw",
        &Uint8Array::new(&shared),
        &object(&[("name", &"HKDF".into())]),
        false,
        &usages(&["deriveKey"]),
    ))
    .await?
    .unchecked_into();
    let hkdf = object(&[
        ("name", &"HKDF".into()),
        ("hash", &"SHA-256".into()),
        ("salt", &Uint8Array::from(epk.as_slice())),
        ("info", &Uint8Array::from(SEAL_INFO.as_bytes())),
    ]);
    let aes_type = object(&[("name", &"AES-GCM".into()), ("length", &256.into())]);
    let aes: CryptoKey = call(subtle.derive_key_with_object_and_object(
        &hkdf,
        &hkdf_key,
        &aes_type,
        false,
        &usages(&["encrypt"]),
    ))
    .await?
    .unchecked_into();
    let mut iv = [0u8; 12];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or(SealError::Unavailable)?
        .get_random_values_with_u8_array(&mut iv)
        .map_err(failed)?;
    let params = object(&[
        ("name", &"AES-GCM".into()),
        ("iv", &Uint8Array::from(&iv[..])),
    ]);
    let ct =
        bytes_of(&call(subtle.encrypt_with_object_and_u8_array(&params, &aes, plaintext)).await?);
    Ok(Sealed {
        epk: to_base64url(&epk),
        iv: to_base64url(&iv),
        ct: to_base64url(&ct),
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding.
pub fn to_base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Base64url (padding optional); `None` when it is not.
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut n, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        n = (n << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((n >> bits) & 0xff) as u8);
        }
    }
    (bits < 6).then_some(out)
}
