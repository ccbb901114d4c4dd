//! Forwarding tickets into dispatch systems (a department's work-order system, a 12345
//! platform) as signed webhooks.
//!
//! A forwarding target takes the tickets dispatched to its unit, or those of its matter
//! type; the police system those linked with it (`crate::police`). Every change of such
//! a ticket (filed, dispatched, accepted, progress, resolved, rated, …) becomes an
//! outbox item in the change's own transaction: delivered in order per ticket, retried,
//! exactly the change's facts (what happened, the status after it, the unit) with the
//! ticket's current details added when it is sent.
//!
//! The receiver checks a request like this (documented in docs/api.md):
//! `X-Gridline-Signature: v1=<hex HMAC-SHA256(secret, "<X-Gridline-Timestamp>.<body>")>`;
//! `Idempotency-Key` is the same on every retry of one change.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::outbox::store::{ForwardTarget, NewOutboxItem, OutboxItem, TargetKind};
use crate::tickets::store::{NewEvent, TicketRecord};

/// The outbox kind of a webhook to a forwarding target.
pub const WEBHOOK: &str = "webhook";
pub const SIGNATURE_HEADER: &str = "x-gridline-signature";
pub const TIMESTAMP_HEADER: &str = "x-gridline-timestamp";

/// The webhooks a change of `ticket` (its timeline entry `event`) sends: one to each
/// target that takes the ticket now, or took it before the change (`previous_unit`,
/// when it was dispatched elsewhere).
pub fn items_for(
    targets: &[ForwardTarget],
    ticket: &TicketRecord,
    previous_unit: Option<&str>,
    name: &str,
    event: &NewEvent,
) -> Vec<NewOutboxItem> {
    let payload = json!({
        "event": name,
        "kind": event.kind,
        "at": crate::store::shared::stored_time(event.at).format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "status": ticket.state.status.as_str(),
        "lead_unit_code": ticket.lead_unit_code,
        "note": if event.public { event.note.as_str() } else { "" },
        "tracking_code": ticket.tracking_code,
    })
    .to_string();
    // An Open311 endpoint gets the ticket once: when it is filed, or when it is
    // dispatched to the target's unit (it has no way to take each change).
    let newly_taken = |t: &ForwardTarget| {
        t.takes(&ticket.matter_code, ticket.lead_unit_code.as_deref())
            && (name == "ticket.created"
                || (t.unit_code.is_some() && previous_unit != ticket.lead_unit_code.as_deref()))
    };
    targets
        .iter()
        .filter_map(|t| match t.kind {
            TargetKind::Webhook => (t.takes(&ticket.matter_code, ticket.lead_unit_code.as_deref())
                || (!t.disabled
                    && previous_unit.is_some()
                    && t.unit_code.as_deref() == previous_unit))
                .then(|| NewOutboxItem::for_target(WEBHOOK, t.id, payload.clone())),
            TargetKind::Open311 => newly_taken(t).then(|| {
                NewOutboxItem::for_target(crate::outbox::open311::OPEN311, t.id, payload.clone())
            }),
            TargetKind::Police => t
                .linked(ticket.police_target)
                .then(|| NewOutboxItem::for_target(WEBHOOK, t.id, payload.clone())),
        })
        .collect()
}

/// The body sent: the change, and the ticket as it is now (the receiver handles it, so
/// it gets the contact details).
pub fn body(payload: &str, ticket: &TicketRecord) -> Result<String, String> {
    let mut value: Value =
        serde_json::from_str(payload).map_err(|e| format!("unreadable payload: {e}"))?;
    value["ticket"] = json!({
        "tracking_code": ticket.tracking_code,
        "channel": ticket.channel.as_str(),
        "matter_code": ticket.matter_code,
        "region_code": ticket.region_code,
        "lon": ticket.lon,
        "lat": ticket.lat,
        "address": ticket.address,
        "description": ticket.description,
        "contact_name": ticket.contact_name,
        "contact_phone": ticket.contact_phone,
        "status": ticket.state.status.as_str(),
        "lead_unit_code": ticket.lead_unit_code,
        "tier_days": ticket.tier_days,
        "urgent": ticket.urgent,
        "response_due": ticket.response_due.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
        "handling_due": ticket.handling_due.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
    });
    Ok(value.to_string())
}

/// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a signature made by [`sign`], in constant time, and that its timestamp is
/// within `window_secs` of `now` (a replayed old request is refused).
pub fn verify(
    secret: &str,
    timestamp: i64,
    body: &str,
    signature: &str,
    now: OffsetDateTime,
    window_secs: i64,
) -> bool {
    use subtle::ConstantTimeEq;
    if (now.unix_timestamp() - timestamp).abs() > window_secs {
        return false;
    }
    let expected = sign(secret, timestamp, body);
    expected.as_bytes().ct_eq(signature.as_bytes()).into()
}

/// How far a signed request's timestamp may be from the server's clock: one replayed
/// later is refused.
pub const WINDOW_SECS: i64 = 300;

/// Checks a request another system signed as [`sign`] does (headers
/// [`TIMESTAMP_HEADER`] and [`SIGNATURE_HEADER`] over `body`, within [`WINDOW_SECS`]):
/// a dispatch system's progress report, the telephone system's call. Refused alike
/// (401) when there is no secret to check with: nothing can be signed then.
pub fn check_signed(
    secret: Option<&str>,
    headers: &axum::http::HeaderMap,
    body: &str,
    now: OffsetDateTime,
) -> Result<(), crate::error::AppError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signed = match (secret.filter(|s| !s.is_empty()), header(TIMESTAMP_HEADER)) {
        (Some(secret), Some(timestamp)) => timestamp.parse::<i64>().is_ok_and(|t| {
            let signature = header(SIGNATURE_HEADER).unwrap_or_default();
            verify(secret, t, body, signature, now, WINDOW_SECS)
        }),
        _ => false,
    };
    if signed {
        Ok(())
    } else {
        Err(crate::error::AppError::client(
            gridline_core::ErrorCode::Unauthenticated,
            "the signature does not match, or the timestamp is more than 5 minutes off",
        ))
    }
}

/// The `Idempotency-Key` of a request another system signed (1 to 200 characters, the
/// same on each retry of one request); 400 without one.
pub fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<String, crate::error::AppError> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| (1..=200).contains(&k.len()))
        .map(str::to_owned)
        .ok_or_else(|| {
            crate::error::AppError::client(
                gridline_core::ErrorCode::BadRequest,
                "an Idempotency-Key header is required",
            )
        })
}

/// Posts a `webhook` item to its target, signed with the target's secret (see
/// [`sign`]) and keyed by the item so the receiver can drop a repeat.
pub(crate) async fn send(
    client: &reqwest::Client,
    target: &ForwardTarget,
    ticket: &TicketRecord,
    item: &OutboxItem,
) -> Result<(), String> {
    let body = body(&item.payload, ticket)?;
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    let response = client
        .post(&target.url)
        .header("content-type", "application/json")
        .header("idempotency-key", format!("gridline-outbox-{}", item.id))
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, sign(&target.secret, timestamp, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("{} did not answer ({})", target.name, e.without_url()))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("{} answered {}", target.name, response.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_unaltered_and_fresh() {
        let now = OffsetDateTime::now_utc();
        let t = now.unix_timestamp();
        let signature = sign("s3cret", t, r#"{"a":1}"#);
        assert!(signature.starts_with("v1=") && signature.len() == 3 + 64);
        assert!(verify("s3cret", t, r#"{"a":1}"#, &signature, now, 300));
        assert!(!verify("s3cret", t, r#"{"a":2}"#, &signature, now, 300));
        assert!(!verify("other", t, r#"{"a":1}"#, &signature, now, 300));
        assert!(!verify("s3cret", t + 1, r#"{"a":1}"#, &signature, now, 300));
        let old = sign("s3cret", t - 600, "{}");
        assert!(
            !verify("s3cret", t - 600, "{}", &old, now, 300),
            "outside the window"
        );
    }

    #[test]
    fn only_a_fresh_signature_with_the_secret_passes_the_check() {
        let now = OffsetDateTime::now_utc();
        let t = now.unix_timestamp();
        let body = r#"{"call_id":"c1"}"#;
        let check = |secret, ts: &str, sig: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(TIMESTAMP_HEADER, ts.parse().unwrap());
            headers.insert(SIGNATURE_HEADER, sig.parse().unwrap());
            check_signed(secret, &headers, body, now).is_ok()
        };
        let good = sign("tel", t, body);
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
        let unsigned = axum::http::HeaderMap::new();
        assert!(check_signed(Some("tel"), &unsigned, body, now).is_err());
    }
}
