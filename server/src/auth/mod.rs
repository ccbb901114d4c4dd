//! Staff authentication: Argon2id password hashes and server-side sessions.
//!
//! A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie; the
//! database keeps only its SHA-256, so reading the table does not let anyone in.
//! Sessions slide: each use extends them by the configured idle time.

pub mod routes;
pub mod store;
pub mod users;

use std::sync::Arc;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use gridline_core::api::auth::StaffProfile;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};

use crate::auth::store::StaffStore;
use crate::config::Config;
use crate::error::{AppError, AppResult};

pub const SESSION_COOKIE: &str = "gridline_session";

/// What checking a staff session needs: the staff store and the sessions' lifetimes.
/// Handlers reach it through the extractor ([`CurrentStaff`]) or from their state.
#[derive(Clone)]
pub struct Sessions {
    store: Arc<dyn StaffStore>,
    /// Each use extends a session by this much.
    pub ttl: Duration,
    /// The longest a session lasts from its sign-in, however often it is used.
    pub max_age: Duration,
}

impl Sessions {
    pub fn new(store: Arc<dyn StaffStore>, config: &Config) -> Sessions {
        Sessions {
            store,
            ttl: Duration::hours(i64::from(config.session_hours)),
            max_age: Duration::hours(i64::from(config.session_max_hours.max(1))),
        }
    }
}

/// Hashes a password with Argon2id (the crate's default parameters, OWASP's minimum).
/// CPU-heavy: call from `spawn_blocking` in request paths.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored PHC hash; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// How many password checks (Argon2, about 19 MiB and tens of milliseconds each) run
/// at once in this process: as many as it has cores, however many sign-ins arrive.
fn password_checks() -> &'static tokio::sync::Semaphore {
    static CHECKS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    CHECKS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        tokio::sync::Semaphore::new(cores)
    })
}

/// [`verify_password`] on a blocking thread, at most one per core at a time (the rest
/// wait their turn), so a flood of sign-ins cannot take all memory or threads.
pub async fn check_password(password: String, stored: String) -> Result<bool, String> {
    let _turn = password_checks()
        .acquire()
        .await
        .map_err(|e| format!("password checks closed: {e}"))?;
    tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| format!("password check failed: {e}"))
}

/// A hash to verify against when the username is unknown, so that a wrong username
/// takes as long as a wrong password and does not reveal which accounts exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").expect("argon2 works"))
}

/// A new random password for generated accounts: 16 characters, easy to type.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// A new session token (sent to the client) and its hash (stored).
pub fn new_session_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The session's CSRF token: derived from the session token, so it needs no storage,
/// and a page on another site can learn neither (the cookie is HttpOnly, and answers
/// to cross-site requests are not readable there).
pub fn csrf_token(session_token: &str) -> String {
    hex::encode(Sha256::digest(
        [b"gridline-csrf\0", session_token.as_bytes()].concat(),
    ))
}

/// Writes made with the session cookie must carry the session's CSRF token (a second
/// guard besides the SameSite=Strict cookie). Reads need none.
fn check_csrf(method: &Method, headers: &HeaderMap, session_token: &str) -> AppResult<()> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let sent = headers
        .get(gridline_core::api::auth::CSRF_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let expected = csrf_token(session_token);
    let same: bool = sent.ct_eq(expected.as_bytes()).into();
    if same {
        Ok(())
    } else {
        Err(AppError::client(
            gridline_core::ErrorCode::CsrfRejected,
            "a write with the session cookie needs the x-csrf-token header (see GET /api/v1/auth/me)",
        ))
    }
}

/// The `Set-Cookie` value for a session (or, with `None`, one that deletes it).
pub fn session_cookie(token: Option<&str>, max_age: Duration, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            max_age.whole_seconds()
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

/// The session token from the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The signed-in staff member; rejects with 401 in the one error shape otherwise.
#[derive(Debug, Clone)]
pub struct CurrentStaff(pub StaffProfile);

impl CurrentStaff {
    /// Refuses (403) unless the staff member holds one of `roles`.
    pub fn require_any(&self, roles: &[gridline_core::Role]) -> AppResult<()> {
        if self.0.roles.iter().any(|r| roles.contains(r)) {
            Ok(())
        } else {
            Err(AppError::client(
                gridline_core::ErrorCode::Forbidden,
                "your role may not do this",
            ))
        }
    }
}

impl CurrentStaff {
    /// For endpoints open to everyone that do more for staff: the staff member whose
    /// live session the request carries, if any; a write with a session must carry its
    /// CSRF token.
    pub async fn optional(
        sessions: &Sessions,
        method: &Method,
        headers: &HeaderMap,
    ) -> AppResult<Option<CurrentStaff>> {
        let staff = CurrentStaff::from_headers(sessions, headers).await?;
        if staff.is_some()
            && let Some(token) = session_token(headers)
        {
            check_csrf(method, headers, &token)?;
        }
        Ok(staff)
    }

    /// The staff member whose live session the request carries, if any (and slides
    /// that session's expiry). For reads; writes go through `optional` or the
    /// extractor, which check the CSRF token.
    pub async fn from_headers(
        sessions: &Sessions,
        headers: &HeaderMap,
    ) -> AppResult<Option<CurrentStaff>> {
        let Some(token) = session_token(headers) else {
            return Ok(None);
        };
        let now = OffsetDateTime::now_utc();
        let born_after = now - sessions.max_age;
        Ok(sessions
            .store
            .touch_session(&token_hash(&token), now, now + sessions.ttl, born_after)
            .await?
            .map(CurrentStaff))
    }
}

impl<S> FromRequestParts<S> for CurrentStaff
where
    S: Send + Sync,
    Sessions: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> AppResult<Self> {
        CurrentStaff::optional(&Sessions::from_ref(state), &parts.method, &parts.headers)
            .await?
            .ok_or_else(AppError::unauthenticated)
    }
}

/// How a resident's device secret is kept with what it filed and uploaded (hex SHA-256):
/// the device proves it by the secret, the database holds only this.
pub fn device_secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_hashes_are_salted() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong horse", &a));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (t1, h1) = new_session_token();
        let (t2, _) = new_session_token();
        assert_eq!(t1.len(), 64);
        assert_ne!(t1, t2);
        assert_eq!(h1, token_hash(&t1));
        assert_ne!(h1, t1.as_bytes());
    }

    #[test]
    fn generated_passwords_avoid_lookalikes() {
        let p = generate_password();
        assert_eq!(p.chars().count(), 16);
        assert!(!p.contains(['0', 'O', '1', 'l', 'I']));
    }
}
