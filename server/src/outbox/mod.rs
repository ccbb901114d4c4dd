//! What leaves the system, delivered from the outbox with retries: the worker
//! ([`Notifier`], here) and one module per kind of delivery: `sms.rs` (text messages to
//! residents through the city's gateway), `webhook.rs` (signed webhooks to dispatch
//! systems), `open311.rs` (filing into Open311 endpoints; `poll.rs` reads their
//! progress back), `push.rs` (Web Push). `routes.rs` shows admins what was given up and requeues it;
//! `routes/progress.rs` takes progress reported back by dispatch systems.
//!
//! Items are written with the change that causes them (in its transaction), claimed
//! with a lease (so of two processes one delivers, and a process that died frees its
//! items), and tried again exponentially later with jitter (from
//! `GRIDLINE_OUTBOX_RETRY_SECS`, at most an hour) until `GRIDLINE_OUTBOX_MAX_ATTEMPTS`,
//! then kept as given up. An item waits only for the earlier items of its own ticket and
//! lane, so one slow receiver holds back nothing else. Every request carries an
//! `Idempotency-Key` naming the item, so a receiver that dedups never acts twice.

pub mod open311;
pub mod poll;
pub mod push;
pub mod routes;
pub mod sms;
pub mod store;
pub mod target;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use time::{Duration, OffsetDateTime};
use tokio::sync::Notify;

use crate::config::Config;
use crate::outbox::sms::SmsGateway;
use crate::outbox::store::OutboxItem;
use crate::outbox::target::target_and_ticket;
use crate::store::Store;
use crate::store::shared::StoreResult;

const MAX_BACKOFF: StdDuration = StdDuration::from_secs(3600);

/// How many deliveries one process has in flight at once (each with its own 10 s
/// timeout), so a few slow receivers cannot hold up the rest.
pub const IN_FLIGHT: usize = 16;

/// Delivers outbox items.
pub struct Notifier {
    /// For the city's systems (SMS gateway, webhook and Open311 targets).
    client: reqwest::Client,
    /// For push services: public addresses only (`egress`).
    push_client: reqwest::Client,
    push_allow_loopback: bool,
    sms: Option<SmsGateway>,
    public_url: Option<String>,
    max_attempts: u32,
    retry_base: StdDuration,
    /// How long a process holds an item it is delivering before another may take it
    /// (a process that died mid-delivery frees its items after this).
    lease: Duration,
    /// Woken when an item is written, so it goes out at once.
    pub wake: Notify,
    /// The VAPID key pair, read (or made) at first use.
    vapid: tokio::sync::OnceCell<crate::push::Vapid>,
    /// The key of the tracking links texts carry, read (or made) at first use.
    link_key: tokio::sync::OnceCell<crate::tickets::link::LinkKey>,
    push_subject: String,
}

impl Notifier {
    pub fn from_config(config: &Config) -> Notifier {
        let sms = config
            .sms_url
            .as_ref()
            .filter(|url| !url.is_empty())
            .map(|url| SmsGateway {
                url: url.clone(),
                template: config.sms_template.clone(),
                authorization: config.sms_authorization.clone().filter(|a| !a.is_empty()),
            });
        Notifier {
            client: crate::egress::target_client(StdDuration::from_secs(10)),
            push_client: crate::egress::push_client(config.push_allow_loopback),
            push_allow_loopback: config.push_allow_loopback,
            sms,
            public_url: config.public_url.clone(),
            max_attempts: config.outbox_max_attempts.max(1),
            retry_base: StdDuration::from_secs(config.outbox_retry_secs.max(1)),
            lease: Duration::seconds(i64::from(config.outbox_lease_secs.max(1))),
            wake: Notify::new(),
            vapid: tokio::sync::OnceCell::new(),
            link_key: tokio::sync::OnceCell::new(),
            push_subject: config.push_subject.clone(),
        }
    }

    /// The server's VAPID key pair (kept in the database, made at first start).
    pub async fn vapid(&self, store: &dyn Store) -> crate::error::AppResult<&crate::push::Vapid> {
        self.vapid
            .get_or_try_init(|| crate::push::Vapid::load(store))
            .await
    }

    /// The key of tracking links (kept in the database, made at first use).
    pub async fn link_key(
        &self,
        store: &dyn Store,
    ) -> crate::error::AppResult<&crate::tickets::link::LinkKey> {
        Ok(self
            .link_key
            .get_or_try_init(|| crate::tickets::link::LinkKey::load(store))
            .await?)
    }

    /// Whether text messages are sent (a gateway is configured).
    pub fn sms_enabled(&self) -> bool {
        self.sms.is_some()
    }

    /// Delivers every item due at `now`, up to [`IN_FLIGHT`] at once, each on a task
    /// of its own; returns how many went out. An item waits only for the earlier items
    /// of its own ticket and lane (the store does not hand it out before), so a
    /// receiver that is slow or failing holds back nothing but its own later items:
    /// each delivery has its own timeout and the others go on meanwhile.
    pub async fn deliver_due(
        self: &Arc<Self>,
        store: &crate::SharedStore,
        now: OffsetDateTime,
    ) -> StoreResult<usize> {
        let started = std::time::Instant::now();
        let mut in_flight = tokio::task::JoinSet::new();
        let mut delivered = 0;
        let mut exhausted = false;
        loop {
            while !exhausted && in_flight.len() < IN_FLIGHT {
                // The lease runs from when the item is taken, however long this run is.
                let at = now + started.elapsed();
                match store.claim_outbox(now, at + self.lease).await? {
                    Some(item) => {
                        let (notifier, store) = (Arc::clone(self), Arc::clone(store));
                        in_flight.spawn(async move {
                            notifier.attempt(store.as_ref(), item, now).await
                        });
                    }
                    None => exhausted = true,
                }
            }
            match in_flight.join_next().await {
                Some(outcome) => {
                    match outcome {
                        Ok(went_out) => delivered += usize::from(went_out?),
                        // Its item stays taken until the lease ends, then is tried again.
                        Err(e) => tracing::error!(error = %e, "an outbox delivery task failed"),
                    }
                    // The item's lane may have its next item ready now.
                    exhausted = false;
                }
                None => return Ok(delivered),
            }
        }
    }

    /// Delivers one claimed item and records how it went; `true` when it went out.
    async fn attempt(
        &self,
        store: &dyn Store,
        item: OutboxItem,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        match self.deliver(store, &item).await {
            Ok(()) => {
                store
                    .outbox_delivered(item.id, OffsetDateTime::now_utc())
                    .await?;
                Ok(true)
            }
            Err(error) => {
                let failed_at = OffsetDateTime::now_utc().max(now);
                // A text with no gateway to send it through will never go out: it is
                // given up at once (a resident's consent does not configure a gateway).
                let unsendable = item.kind == sms::SMS && self.sms.is_none();
                let retry_at = (!unsendable && item.attempts < self.max_attempts).then(|| {
                    failed_at
                        + Duration::try_from(self.backoff(item.attempts)).unwrap_or(self.lease)
                });
                if retry_at.is_none() {
                    tracing::warn!(outbox_id = item.id, kind = %item.kind, %error, "outbox item dead after its last attempt");
                } else {
                    tracing::info!(outbox_id = item.id, kind = %item.kind, %error, "outbox delivery failed; trying again later");
                }
                store
                    .outbox_failed(item.id, &error, retry_at, failed_at)
                    .await?;
                Ok(false)
            }
        }
    }

    /// The wait after the `attempts`-th failure: doubling from the base, with jitter
    /// (0.5 to 1.5 times), at most an hour.
    fn backoff(&self, attempts: u32) -> StdDuration {
        let doubled = self
            .retry_base
            .saturating_mul(1u32 << attempts.saturating_sub(1).min(16))
            .min(MAX_BACKOFF);
        let jitter = 0.5 + f64::from(OsRng.next_u32()) / f64::from(u32::MAX);
        doubled.mul_f64(jitter).min(MAX_BACKOFF)
    }

    async fn deliver(&self, store: &dyn Store, item: &OutboxItem) -> Result<(), String> {
        match item.kind.as_str() {
            sms::SMS => {
                let Some(gateway) = &self.sms else {
                    return Err("no SMS gateway is configured (GRIDLINE_SMS_URL)".into());
                };
                // The link to the ticket's page, when the server knows its address.
                let link = match &self.public_url {
                    Some(url) => {
                        let key = self.link_key(store).await.map_err(|e| e.to_string())?;
                        Some((url.as_str(), key))
                    }
                    None => None,
                };
                sms::send(&self.client, gateway, link, store, item).await
            }
            webhook::WEBHOOK => {
                let (target, ticket) = target_and_ticket(store, item).await?;
                webhook::send(&self.client, &target, &ticket, item).await
            }
            open311::OPEN311 => {
                let (target, ticket) = target_and_ticket(store, item).await?;
                open311::deliver(&self.client, store, &target, &ticket).await
            }
            crate::push::PUSH => {
                let vapid = self.vapid(store).await.map_err(|e| e.to_string())?;
                push::deliver(
                    &self.push_client,
                    self.push_allow_loopback,
                    vapid,
                    &self.push_subject,
                    store,
                    &item.payload,
                )
                .await
                .map(|_| ())
            }
            other => Err(format!("unknown outbox kind {other}")),
        }
    }
}

/// Delivers what is due now, every `every` and whenever woken, until aborted.
pub async fn run_forever(notifier: Arc<Notifier>, store: crate::SharedStore, every: StdDuration) {
    loop {
        if let Err(e) = notifier
            .deliver_due(&store, OffsetDateTime::now_utc())
            .await
        {
            tracing::warn!(error = %e, "outbox delivery run failed");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {},
            () = notifier.wake.notified() => {},
        }
    }
}

#[cfg(test)]
mod tests;
