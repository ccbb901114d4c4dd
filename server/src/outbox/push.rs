//! Delivering one push outbox item: the payload encrypted for the subscription
//! (aes128gcm, RFC 8291), signed with the server's VAPID key (RFC 8292), posted to the
//! push service; a subscription the service says is gone is deleted.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use time::OffsetDateTime;

use crate::push::Vapid;
use crate::push::news::{Item, Payload};
use crate::push::store::{PushStore, PushSubscription};

/// How long a push service keeps an undelivered message (a day).
const TTL_SECS: u32 = 86_400;

/// How a delivery went.
#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    Delivered,
    /// The push service no longer knows the subscription: it was forgotten.
    Gone,
}

/// Sends one push item: encrypted for the subscription, signed with VAPID.
pub async fn deliver(
    client: &reqwest::Client,
    allow_loopback: bool,
    vapid: &Vapid,
    subject: &str,
    store: &dyn PushStore,
    payload: &str,
) -> Result<Sent, String> {
    let item: Item =
        serde_json::from_str(payload).map_err(|e| format!("unreadable payload: {e}"))?;
    let Some(subscription) = store
        .push_subscription(item.subscription)
        .await
        .map_err(|e| e.to_string())?
    else {
        // Forgotten meanwhile: nothing to send.
        return Ok(Sent::Gone);
    };
    if item.staff.is_some() && item.staff != subscription.staff_id {
        // The staff member signed out of that browser meanwhile.
        return Ok(Sent::Gone);
    }
    let encrypted = encrypted_for(&subscription, &item.payload, allow_loopback)?;
    let authorization =
        vapid.authorization(&subscription.endpoint, subject, OffsetDateTime::now_utc())?;
    let response = client
        .post(&subscription.endpoint)
        .header("content-encoding", "aes128gcm")
        .header("content-type", "application/octet-stream")
        .header("ttl", TTL_SECS.to_string())
        .header("urgency", "normal")
        .header("authorization", authorization)
        .body(encrypted)
        .send()
        .await
        // The endpoint carries the subscription's secret path: never in the error.
        .map_err(|e| format!("the push service did not answer ({})", e.without_url()))?;
    match response.status().as_u16() {
        200..=299 => Ok(Sent::Delivered),
        404 | 410 => {
            store
                .delete_push_subscription(subscription.id)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(
                subscription = subscription.id,
                "push subscription expired: forgotten"
            );
            Ok(Sent::Gone)
        }
        other => Err(format!("the push service answered {other}")),
    }
}

/// The payload encrypted for the subscription (RFC 8291), once its keys and its
/// endpoint are checked: the endpoint must be on the internet, checked again at each
/// delivery (`client` resolves names to public addresses only, and a literal address
/// must be one).
fn encrypted_for(
    subscription: &PushSubscription,
    payload: &Payload,
    allow_loopback: bool,
) -> Result<Vec<u8>, String> {
    let key = B64
        .decode(&subscription.p256dh)
        .ok()
        .and_then(|k| p256::PublicKey::from_sec1_bytes(&k).ok())
        .ok_or("the subscription's p256dh key is unusable")?;
    let auth = B64
        .decode(&subscription.auth)
        .ok()
        .filter(|a| a.len() == 16)
        .ok_or("the subscription's auth secret is unusable")?;
    let endpoint = reqwest::Url::parse(&subscription.endpoint)
        .map_err(|e| format!("the subscription's endpoint is unusable: {e}"))?;
    if !crate::egress::allowed_push_url(&endpoint, allow_loopback) {
        return Err("the subscription's endpoint is not on the internet".into());
    }
    let body = serde_json::to_vec(payload).map_err(|e| e.to_string())?;
    web_push_native::encrypt(body, &key, web_push_native::Auth::from_slice(&auth))
        .map_err(|e| format!("could not encrypt: {e}"))
}
