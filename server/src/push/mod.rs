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

pub mod routes;
pub mod store;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use gridline_core::Role;
use gridline_core::ticket::Status;
use p256::SecretKey;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::rand_core::OsRng;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use crate::error::{AppError, AppResult};
/// The catalogue by code (for the matter's name in staff notifications).
pub type Matters = std::collections::HashMap<String, gridline_core::api::reference::MatterType>;
use crate::outbox::store::NewOutboxItem;
use crate::push::store::{PushSubscription, StaffSubscription};
use crate::store::Store;
use crate::store::shared::StoreResult;
use crate::tickets::store::{NewEvent, TicketRecord};

/// How many browsers may follow one ticket: each public step is one outbox item per
/// follower, so a ticket's notifications stay bounded.
pub const MAX_FOLLOWERS: usize = 10;

/// The outbox kind of a push notification to one subscription.
pub const PUSH: &str = "push";
const VAPID_KEY_NAME: &str = "vapid";
/// How long a push service keeps an undelivered message (a day).
const TTL_SECS: u32 = 86_400;

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

/// What a notification says, as the service worker reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub title: String,
    pub body: String,
    /// The page a tap opens.
    pub url: String,
    /// One notification per ticket: a newer one replaces the older.
    pub tag: String,
}

/// An outbox item's payload: the subscription and what to tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Item {
    subscription: i64,
    /// For a staff member's queue: whom it was for. Sent only while the subscription is
    /// still theirs (not after signing out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    staff: Option<i64>,
    #[serde(flatten)]
    payload: Payload,
}

fn zh(lang: &str) -> bool {
    lang != "en"
}

fn status_name(status: Status, zh: bool) -> &'static str {
    match (status, zh) {
        (Status::Received, true) => "已受理",
        (Status::Dispatched, true) => "已派单",
        (Status::Accepted, true) => "已接单",
        (Status::InProgress, true) => "办理中",
        (Status::Done, true) => "已办结",
        (Status::Closed, true) => "已结案",
        (Status::Received, false) => "Received",
        (Status::Dispatched, false) => "Dispatched",
        (Status::Accepted, false) => "Accepted",
        (Status::InProgress, false) => "In progress",
        (Status::Done, false) => "Done",
        (Status::Closed, false) => "Closed",
    }
}

/// What a resident following `ticket` is told of the step `event`.
pub fn for_resident(ticket: &TicketRecord, event: &NewEvent, lang: &str) -> Payload {
    let zh = zh(lang);
    let code = &ticket.tracking_code;
    let status = status_name(ticket.state.status, zh);
    let note = event.note.trim();
    let body = match (note.is_empty(), zh) {
        // Merged into another report of the same problem (whose code it does not tell:
        // a code with a guessed phone suffix would open someone else's complaint).
        (_, true) if event.kind == "merged" => {
            "已与同一问题的其他诉求合并办理，进展将同步告知".to_owned()
        }
        (_, false) if event.kind == "merged" => {
            "Merged with another report of the same problem; its steps will follow".to_owned()
        }
        (true, _) => status.to_owned(),
        (false, true) => format!("{status}：{note}"),
        (false, false) => format!("{status}: {note}"),
    };
    Payload {
        title: if zh {
            format!("您的诉求 {code} 有新进展")
        } else {
            format!("News on your complaint {code}")
        },
        body,
        url: format!("/track/{code}"),
        tag: format!("ticket-{code}"),
    }
}

/// What enters a staff queue with `event`, and who hears of it: a ticket dispatched to
/// a unit (its handlers), one waiting for dispatch (dispatchers), a deadline warning
/// (the unit's handlers), an escalation (the unit's handlers and the supervisors).
fn staff_news(
    ticket: &TicketRecord,
    event: &NewEvent,
    matters: &Matters,
    zh: bool,
) -> Option<(Audience, String)> {
    let code = &ticket.tracking_code;
    let matter = matters
        .get(&ticket.matter_code)
        .map(|m| {
            if zh {
                m.name_zh.as_str()
            } else {
                m.name_en.as_str()
            }
        })
        .unwrap_or(&ticket.matter_code);
    let unit = ticket.lead_unit_code.clone();
    let (audience, zh_text, en_text) = match event.kind.as_str() {
        "dispatched" | "dispatch" | "redispatch" | "approve_return" | "reopen" | "rate_reopen" => (
            Audience::Unit(unit?),
            format!("新工单 {code}：{matter}"),
            format!("New ticket {code}: {matter}"),
        ),
        "queued" | "request_return" => (
            Audience::Dispatchers,
            format!("待派单 {code}：{matter}"),
            format!("To dispatch {code}: {matter}"),
        ),
        "deadline_warning" => (
            Audience::Unit(unit?),
            format!("即将超期 {code}：{matter}"),
            format!("Deadline near {code}: {matter}"),
        ),
        "overdue" | "response_overdue" => (
            Audience::Escalation(unit?),
            format!("已超期 {code}：{matter}"),
            format!("Overdue {code}: {matter}"),
        ),
        "rate_review" => (
            Audience::Supervisors,
            format!("不满意待复核 {code}：{matter}"),
            format!("Dissatisfied, to review {code}: {matter}"),
        ),
        _ => return None,
    };
    Some((audience, if zh { zh_text } else { en_text }))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Audience {
    Unit(String),
    Dispatchers,
    /// The unit and the supervisors.
    Escalation(String),
    /// Supervisors (the review queue).
    Supervisors,
}

impl Audience {
    fn includes(&self, staff: &StaffSubscription) -> bool {
        let handles = |unit: &str| {
            staff.roles.contains(&Role::UnitHandler) && staff.units.iter().any(|u| u == unit)
        };
        match self {
            Audience::Unit(unit) => handles(unit),
            Audience::Dispatchers => staff.roles.contains(&Role::Dispatcher),
            Audience::Escalation(unit) => handles(unit) || staff.roles.contains(&Role::Supervisor),
            Audience::Supervisors => staff.roles.contains(&Role::Supervisor),
        }
    }
}

fn item(subscription: &PushSubscription, staff: Option<i64>, payload: Payload) -> NewOutboxItem {
    NewOutboxItem {
        kind: PUSH.into(),
        target_id: None,
        lane: format!("{PUSH}:{}", subscription.id),
        payload: serde_json::to_string(&Item {
            subscription: subscription.id,
            staff,
            payload,
        })
        .expect("a push item serialises"),
    }
}

/// The notifications one step of `ticket` sends: to the residents' devices following
/// it (public steps only) and to the staff whose queue it enters. `ticket` is as it
/// is after the step; a new ticket (id 0) has no followers yet.
pub async fn items_for(
    store: &dyn Store,
    matters: &Matters,
    ticket: &TicketRecord,
    events: &[NewEvent],
) -> StoreResult<Vec<NewOutboxItem>> {
    // Every action on a ticket comes here: ask the database only for what this step
    // can send (followers hear of public steps; staff of what enters a queue).
    let mut items = resident_items(store, ticket, events).await?;
    let staff = if events
        .iter()
        .any(|e| staff_news(ticket, e, matters, true).is_some())
    {
        // Sessions expire by the clock on the wall, whatever time the step is at.
        store.staff_subscriptions(OffsetDateTime::now_utc()).await?
    } else {
        Vec::new()
    };
    for event in events {
        for member in &staff {
            let zh = zh(&member.subscription.lang);
            if let Some((audience, body)) = staff_news(ticket, event, matters, zh)
                && audience.includes(member)
            {
                let code = &ticket.tracking_code;
                items.push(item(
                    &member.subscription,
                    member.subscription.staff_id,
                    Payload {
                        title: if zh {
                            "网格通工单".into()
                        } else {
                            "Gridline".into()
                        },
                        body,
                        url: format!("/staff/tickets/{code}"),
                        tag: format!("staff-{code}"),
                    },
                ));
            }
        }
    }
    Ok(items)
}

/// The push items telling the residents who follow `ticket` of its public `events`.
pub async fn resident_items(
    store: &dyn Store,
    ticket: &TicketRecord,
    events: &[NewEvent],
) -> StoreResult<Vec<NewOutboxItem>> {
    if ticket.id == 0 || !events.iter().any(|e| e.public) {
        return Ok(Vec::new());
    }
    let followers = store.ticket_followers(ticket.id).await?;
    let mut items = Vec::new();
    for event in events.iter().filter(|e| e.public) {
        for follower in followers.iter().filter(|f| f.staff_id.is_none()) {
            items.push(item(
                follower,
                None,
                for_resident(ticket, event, &follower.lang),
            ));
        }
    }
    Ok(items)
}

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
    store: &dyn Store,
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
    // Checked again at each delivery: `client` resolves names to public addresses
    // only, and a literal address must be one.
    let endpoint = reqwest::Url::parse(&subscription.endpoint)
        .map_err(|e| format!("the subscription's endpoint is unusable: {e}"))?;
    if !crate::egress::allowed_push_url(&endpoint, allow_loopback) {
        return Err("the subscription's endpoint is not on the internet".into());
    }
    let body = serde_json::to_vec(&item.payload).map_err(|e| e.to_string())?;
    let encrypted = web_push_native::encrypt(body, &key, web_push_native::Auth::from_slice(&auth))
        .map_err(|e| format!("could not encrypt: {e}"))?;
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

#[cfg(test)]
mod tests;
