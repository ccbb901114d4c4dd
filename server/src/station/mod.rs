//! Community station tablets (便民服务驿站): one-time enrollment codes, device tokens,
//! the sealing key, and filing what a tablet sealed on a resident's behalf.
//!
//! A tablet proves itself with its device token (header `x-station-device`); only the
//! token's SHA-256 is stored. A station's filings are sealed on the tablet to the
//! server's P-256 key (ECDH with a one-off key, HKDF-SHA-256, AES-256-GCM; see
//! `gridline_core::api::station::SEAL_INFO`), so what waits in a tablet's outbox cannot
//! be read back at the counter. The key is made at first start and kept in the
//! database (`server_keys`), the same for every server process.

pub mod routes;
pub mod store;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use gridline_core::ErrorCode;
use gridline_core::api::station::{
    DEVICE_HEADER, EnrollmentCodeResponse, SEAL_INFO, Sealed, SealedFilingRequest, StationFiling,
};
use gridline_core::api::ticket::{Channel, CreateTicketRequest, RequestKind};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;
use time::{Duration, OffsetDateTime};

use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::station::store::{StationDevice, StationStore};
use crate::store::Store;
use crate::tickets::store::TicketRecord;
use crate::tickets::{self, filing::Filer};

/// The name the sealing key is kept under.
const SEAL_KEY_NAME: &str = "station_seal_p256";

/// How long an enrollment code may be used.
pub const ENROLLMENT_TTL: Duration = Duration::hours(24);

/// Letters and digits that cannot be mistaken for one another when read aloud or typed.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A new one-time enrollment code: 10 characters (~49 bits), shown as `ABCDE-FGHJK`.
pub fn new_enrollment_code() -> String {
    let mut bytes = [0u8; 10];
    OsRng.fill_bytes(&mut bytes);
    let code: String = bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &code[..5], &code[5..])
}

/// What is stored of an enrollment code (normalised as people type it).
pub fn code_hash(code: &str) -> Vec<u8> {
    crate::auth::token_hash(&gridline_core::api::station::normalize_code(code))
}

/// Issues a one-time code for a tablet of the station `station_code`.
pub async fn issue_code(
    store: &dyn StationStore,
    station_code: &str,
    now: OffsetDateTime,
) -> AppResult<EnrollmentCodeResponse> {
    let station = store
        .list_stations()
        .await?
        .into_iter()
        .find(|s| s.code == station_code)
        .ok_or_else(|| AppError::client(ErrorCode::NotFound, "no such station"))?;
    let code = new_enrollment_code();
    let expires_at = crate::store::shared::stored_time(now + ENROLLMENT_TTL);
    let device_id = store
        .issue_enrollment(station.id, &code_hash(&code), expires_at)
        .await?;
    Ok(EnrollmentCodeResponse {
        device_id,
        station_code: station.code,
        code,
        expires_at,
    })
}

/// The server's sealing key pair.
pub struct SealKey {
    secret: SecretKey,
    public: String,
}

/// Why a sealed filing could not be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("{0} is not valid base64url")]
    Encoding(&'static str),
    #[error("epk is not a P-256 public key")]
    Key,
    #[error("iv must be 12 bytes")]
    Nonce,
    #[error("sealed to another key, or altered")]
    Open,
}

impl SealKey {
    /// The kept key, or a new one kept now.
    pub async fn load(store: &dyn Store) -> AppResult<SealKey> {
        let candidate = SecretKey::random(&mut OsRng);
        let kept = store
            .server_key(SEAL_KEY_NAME, &candidate.to_bytes())
            .await?;
        let secret = SecretKey::from_slice(&kept)
            .map_err(|e| AppError::Internal(format!("the kept sealing key is unusable: {e}")))?;
        Ok(SealKey::from_secret(secret))
    }

    fn from_secret(secret: SecretKey) -> SealKey {
        let public = B64.encode(secret.public_key().to_encoded_point(false).as_bytes());
        SealKey { secret, public }
    }

    /// The public key as tablets get it (uncompressed point, base64url).
    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// The plaintext of what a tablet sealed to this key.
    pub fn open(&self, sealed: &Sealed) -> Result<Vec<u8>, SealError> {
        let epk = B64
            .decode(&sealed.epk)
            .map_err(|_| SealError::Encoding("epk"))?;
        let iv = B64
            .decode(&sealed.iv)
            .map_err(|_| SealError::Encoding("iv"))?;
        let ct = B64
            .decode(&sealed.ct)
            .map_err(|_| SealError::Encoding("ct"))?;
        let their = PublicKey::from_sec1_bytes(&epk).map_err(|_| SealError::Key)?;
        if iv.len() != 12 {
            return Err(SealError::Nonce);
        }
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), their.as_affine());
        let cipher = cipher_for(shared.raw_secret_bytes(), &epk);
        cipher
            .decrypt(Nonce::from_slice(&iv), ct.as_ref())
            .map_err(|_| SealError::Open)
    }
}

fn cipher_for(shared: &[u8], epk: &[u8]) -> Aes256Gcm {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(epk), shared)
        .expand(SEAL_INFO.as_bytes(), &mut key)
        .expect("32 bytes is a valid HKDF-SHA-256 length");
    Aes256Gcm::new(&key.into())
}

/// Seals `plaintext` to `public_key` (base64url) as a tablet does: for tests and tools
/// (the app seals with the browser's WebCrypto).
pub fn seal(public_key: &str, plaintext: &[u8]) -> Result<Sealed, SealError> {
    let server = B64
        .decode(public_key)
        .map_err(|_| SealError::Encoding("public key"))?;
    let server = PublicKey::from_sec1_bytes(&server).map_err(|_| SealError::Key)?;
    let one_off = p256::ecdh::EphemeralSecret::random(&mut OsRng);
    let epk = one_off
        .public_key()
        .to_encoded_point(false)
        .as_bytes()
        .to_vec();
    let shared = one_off.diffie_hellman(&server);
    let mut iv = [0u8; 12];
    OsRng.fill_bytes(&mut iv);
    let ct = cipher_for(shared.raw_secret_bytes(), &epk)
        .encrypt(Nonce::from_slice(&iv), plaintext)
        .map_err(|_| SealError::Open)?;
    Ok(Sealed {
        epk: B64.encode(epk),
        iv: B64.encode(iv),
        ct: B64.encode(ct),
    })
}

/// The refusal for a tablet that is not (or no longer) enrolled.
pub fn not_enrolled() -> AppError {
    AppError::client(
        ErrorCode::DeviceRevoked,
        "this tablet is not enrolled at a station (or was revoked); ask an admin for a new enrollment code",
    )
}

/// The enrolled, unrevoked tablet a request comes from, if it names one; a request
/// naming a revoked or unknown token is refused.
pub async fn device_of(
    store: &dyn StationStore,
    headers: &HeaderMap,
) -> AppResult<Option<StationDevice>> {
    let Some(token) = headers.get(DEVICE_HEADER) else {
        return Ok(None);
    };
    let token = token.to_str().map_err(|_| not_enrolled())?;
    let device = store
        .touch_device(&crate::auth::token_hash(token), OffsetDateTime::now_utc())
        .await?
        .ok_or_else(not_enrolled)?;
    if device.revoked_at.is_some() {
        return Err(not_enrolled());
    }
    Ok(Some(device))
}

/// Files what `device` sealed: opened, checked (name and phone required, the client
/// ids agree), then filed like any complaint, marked as this station's; with `sms`, a
/// text message tells the resident the tracking code (queued with the ticket).
pub async fn file(
    store: &dyn Store,
    snapshot: &Snapshot,
    key: &SealKey,
    device: &StationDevice,
    request: SealedFilingRequest,
    sms: bool,
    now: OffsetDateTime,
) -> AppResult<(TicketRecord, bool)> {
    let plain = key
        .open(&request.sealed)
        .map_err(|e| tickets::field_error("sealed", e.to_string()))?;
    let filing: StationFiling = serde_json::from_slice(&plain)
        .map_err(|e| tickets::field_error("sealed", format!("not a station filing: {e}")))?;
    filing.validate().map_err(AppError::Validation)?;
    if filing.ticket.kind == RequestKind::Enforcement {
        return Err(tickets::field_error(
            "kind",
            "enforcement requests are filed by streets and departments",
        ));
    }
    if filing.ticket.client_id.as_deref() != Some(request.client_id.as_str()) {
        return Err(tickets::field_error(
            "client_id",
            "differs from the sealed filing's",
        ));
    }
    let filer = Filer {
        channel: Channel::Station,
        // What this tablet uploaded, not another's.
        uploaders: vec![crate::media::Uploader::Station(device.id)],
        station: Some((device.station.id, filing.consent)),
        outbox: if sms {
            vec![crate::outbox::sms::Message::Filed.sms()]
        } else {
            Vec::new()
        },
        // The counter files each resident's complaint on its own.
        follows: None,
        police: None,
    };
    // The tablet is not the resident's: whatever secret it sealed in, no device may
    // prove this ticket; the resident proves it with their phone.
    let ticket = CreateTicketRequest {
        device_secret: None,
        ..filing.ticket
    };
    tickets::filing::create(store, snapshot, ticket, filer, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_opens_with_its_key_only_and_unaltered() {
        let key = SealKey::from_secret(SecretKey::random(&mut OsRng));
        let other = SealKey::from_secret(SecretKey::random(&mut OsRng));
        let sealed = seal(key.public_key(), "王秀英 13800001111".as_bytes()).unwrap();
        assert_eq!(key.open(&sealed).unwrap(), "王秀英 13800001111".as_bytes());
        assert_eq!(other.open(&sealed), Err(SealError::Open));
        let mut altered = sealed.clone();
        let mut ct = B64.decode(&altered.ct).unwrap();
        ct[0] ^= 1;
        altered.ct = B64.encode(ct);
        assert_eq!(key.open(&altered), Err(SealError::Open));
        let bad_key = Sealed {
            epk: B64.encode([4u8; 65]),
            ..sealed.clone()
        };
        assert_eq!(key.open(&bad_key), Err(SealError::Key));
        let short_iv = Sealed {
            iv: B64.encode([0u8; 8]),
            ..sealed
        };
        assert_eq!(key.open(&short_iv), Err(SealError::Nonce));
    }

    #[test]
    fn enrollment_codes_are_readable_and_normalised() {
        let code = new_enrollment_code();
        assert_eq!(code.len(), 11);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_lowercase().replace('-', " "))
        );
        assert_ne!(code_hash(&code), code_hash(&new_enrollment_code()));
    }
}
