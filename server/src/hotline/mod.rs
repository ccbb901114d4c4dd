//! The 12345 hotline (热线): the telephone system announces each call put through to an
//! operator's seat (`POST /api/v1/calls`, signed like the webhooks and safe to replay),
//! the operator's console pops up with it over the seat's live stream
//! (`/api/v1/calls/events`, in `crate::live`), and shows the caller's earlier tickets
//! found by their number. What the operator then does goes through the other features:
//! an enquiry answered from the knowledge base (`crate::knowledge`), or a ticket filed
//! with the call's id (channel `hotline`, the tracking code texted to the caller).

pub mod routes;
pub mod store;

use gridline_core::ErrorCode;
use time::OffsetDateTime;

use crate::error::AppError;

/// How far a call's timestamp may be from the server's clock: an announcement replayed
/// later is refused, and one replayed within it rings nothing twice (the call id).
pub const WINDOW_SECS: i64 = 300;

/// Checks the telephone system's signature over `body` (see `outbox::webhook::sign`).
/// Refused alike when no secret is configured: nothing can be signed then.
pub fn check_signature(
    secret: Option<&str>,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &str,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let signed = match (secret.filter(|s| !s.is_empty()), timestamp) {
        (Some(secret), Some(timestamp)) => timestamp.parse::<i64>().is_ok_and(|t| {
            crate::outbox::webhook::verify(
                secret,
                t,
                body,
                signature.unwrap_or_default(),
                now,
                WINDOW_SECS,
            )
        }),
        _ => false,
    };
    if signed {
        Ok(())
    } else {
        Err(AppError::client(
            ErrorCode::Unauthenticated,
            "the signature does not match, or the timestamp is more than 5 minutes off",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::webhook::sign;

    #[test]
    fn only_a_fresh_signature_with_the_secret_passes() {
        let now = OffsetDateTime::now_utc();
        let t = now.unix_timestamp();
        let body = r#"{"call_id":"c1"}"#;
        let good = sign("tel", t, body);
        let check = |secret, ts: &str, sig: &str| {
            check_signature(secret, Some(ts), Some(sig), body, now).is_ok()
        };
        assert!(check(Some("tel"), &t.to_string(), &good));
        assert!(!check(None, &t.to_string(), &good), "no secret configured");
        assert!(!check(Some(""), &t.to_string(), &sign("", t, body)));
        assert!(!check(Some("other"), &t.to_string(), &good));
        let old = t - WINDOW_SECS - 1;
        assert!(!check(
            Some("tel"),
            &old.to_string(),
            &sign("tel", old, body)
        ));
        assert!(!check(Some("tel"), "soon", &good));
        assert!(check_signature(Some("tel"), None, Some(&good), body, now).is_err());
    }
}
