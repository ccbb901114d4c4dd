//! Reading back what Open311 endpoints did with the tickets sent to them: each round
//! resolves the tokens of requests not yet given an id, then reads the open requests in
//! batches and applies what changed (accepted, progress noted, closed) to the ticket as
//! its lead unit would; the outbox is woken for what that changes.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use gridline_core::api::ticket::ActionRequest;
use gridline_core::ticket::{Action, Status};
use serde_json::Value;
use time::OffsetDateTime;

use crate::SharedStore;
use crate::catalogue::cache::ReferenceCache;
use crate::outbox::Notifier;
use crate::outbox::open311::{BATCH, get_json};
use crate::outbox::store::{ForwardLink, ForwardTarget, OutboxStore, TargetKind};
use crate::tickets::store::TicketRecord;

/// What polling needs: the store, the reference data (to act on tickets as their unit)
/// and the notifier (woken for what the changes send).
#[derive(Clone)]
pub struct Poller {
    pub store: SharedStore,
    pub reference: Arc<ReferenceCache>,
    pub notifier: Arc<Notifier>,
}

/// One round over every Open311 target: tokens resolved, progress applied. Returns
/// how many tickets moved.
pub async fn poll_once(state: &Poller, client: &reqwest::Client) -> Result<usize, String> {
    let store = state.store.as_ref();
    let targets = store.forward_targets().await.map_err(|e| e.to_string())?;
    let mut moved = 0;
    for target in targets
        .iter()
        .filter(|t| t.kind == TargetKind::Open311 && !t.disabled)
    {
        match poll_target(state, client, target).await {
            Ok(n) => moved += n,
            Err(e) => tracing::warn!(target = %target.name, error = %e, "open311 polling failed"),
        }
    }
    Ok(moved)
}

async fn poll_target(
    state: &Poller,
    client: &reqwest::Client,
    target: &ForwardTarget,
) -> Result<usize, String> {
    let store = state.store.as_ref();
    let mut links = store
        .open_forward_links(target.id)
        .await
        .map_err(|e| e.to_string())?;
    // Tokens first: a batch service gives the id once it has made the request.
    resolve_tokens(store, client, target, &mut links).await?;
    let known: Vec<&ForwardLink> = links
        .iter()
        .filter(|l| l.service_request_id.is_some())
        .collect();
    let mut moved = 0;
    for batch in known.chunks(BATCH) {
        let ids = batch
            .iter()
            .filter_map(|l| l.service_request_id.clone())
            .collect::<Vec<_>>()
            .join(",");
        let answer = get_json(
            client,
            target,
            "requests.json",
            &[("service_request_id", ids)],
        )
        .await?;
        for request in answer.as_array().into_iter().flatten() {
            let Some(id) = request["service_request_id"].as_str() else {
                continue;
            };
            let Some(link) = batch
                .iter()
                .find(|l| l.service_request_id.as_deref() == Some(id))
            else {
                continue;
            };
            if apply(state, target, link, request).await? {
                moved += 1;
            }
        }
    }
    Ok(moved)
}

/// Asks for the id of each request known only by its token, and keeps those given.
async fn resolve_tokens(
    store: &dyn OutboxStore,
    client: &reqwest::Client,
    target: &ForwardTarget,
    links: &mut [ForwardLink],
) -> Result<(), String> {
    for link in links.iter_mut().filter(|l| l.service_request_id.is_none()) {
        let Some(token) = link.token.clone() else {
            continue;
        };
        let answer = get_json(client, target, &format!("tokens/{token}.json"), &[]).await;
        let Some(id) = answer
            .ok()
            .and_then(|v| v[0]["service_request_id"].as_str().map(str::to_owned))
            .filter(|id| !id.is_empty())
        else {
            continue;
        };
        let resolved = ForwardLink {
            service_request_id: Some(id),
            ..link.clone()
        };
        if store
            .update_forward_link(link, &resolved)
            .await
            .map_err(|e| e.to_string())?
        {
            *link = resolved;
        }
    }
    Ok(())
}

/// Applies what the endpoint says of one request, if it changed since last read.
async fn apply(
    state: &Poller,
    target: &ForwardTarget,
    link: &ForwardLink,
    request: &Value,
) -> Result<bool, String> {
    let status = match request["status"].as_str() {
        Some("closed") => "closed",
        _ => "open",
    };
    let notes = request["status_notes"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if status == link.status && notes == link.status_notes {
        return Ok(false);
    }
    let after = ForwardLink {
        status: status.into(),
        status_notes: notes.clone(),
        ..link.clone()
    };
    // Of two processes reading the same change, one applies it.
    let store = state.store.as_ref();
    if !store
        .update_forward_link(link, &after)
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(false);
    }
    let Some(ticket) = store
        .ticket_by_id(link.ticket_id)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(false);
    };
    // The link acts for the unit (or matter) the request was sent for: a ticket moved
    // to another unit since is that unit's, whatever the old unit's system says.
    if !target.takes(&ticket.matter_code, ticket.lead_unit_code.as_deref()) {
        return Ok(unapplied(target, "the ticket is with another unit now"));
    }
    if let Err(e) = act_on(state, target, ticket, status == "closed", notes).await {
        return Ok(unapplied(target, &e));
    }
    tracing::info!(target = %target.name, status, "progress read back from an Open311 endpoint");
    Ok(true)
}

/// Acts on the ticket as its unit reported: accepted first if it was only dispatched,
/// then the progress note, or resolved when the endpoint closed the request.
async fn act_on(
    state: &Poller,
    target: &ForwardTarget,
    ticket: TicketRecord,
    closed: bool,
    notes: String,
) -> Result<(), String> {
    let store = state.store.as_ref();
    let snapshot = state
        .reference
        .get(store)
        .await
        .map_err(|e| e.to_string())?;
    let now = OffsetDateTime::now_utc();
    let mut ticket = ticket;
    // A unit that reports progress has taken the ticket.
    if ticket.state.status == Status::Dispatched {
        ticket = match act(state, &snapshot, ticket, Action::Accept, String::new(), now).await {
            Ok(ticket) => ticket,
            Err(e) => return Err(e),
        };
    }
    let (action, note) = if closed {
        let note = if notes.is_empty() {
            format!("已在{}办结", target.name)
        } else {
            notes
        };
        (Action::Resolve, note)
    } else {
        (Action::Progress, notes)
    };
    let done = matches!(ticket.state.status, Status::Done | Status::Closed);
    if !note.is_empty() && !done {
        act(state, &snapshot, ticket, action, note, now).await?;
    }
    Ok(())
}

/// A change read that the ticket cannot take (it moved on here meanwhile, or is with
/// another unit): said in the log; the endpoint still shows it to whoever looks.
fn unapplied(target: &ForwardTarget, error: &str) -> bool {
    tracing::warn!(target = %target.name, %error, "open311 progress could not be applied");
    false
}

async fn act(
    state: &Poller,
    snapshot: &crate::catalogue::cache::Snapshot,
    ticket: TicketRecord,
    action: Action,
    note: String,
    now: OffsetDateTime,
) -> Result<TicketRecord, String> {
    let request = ActionRequest {
        action,
        note,
        public: true,
        unit_code: None,
        media: Vec::new(),
        complexity: None,
    };
    let ticket = crate::tickets::actions::act_for_lead_unit(
        state.store.as_ref(),
        snapshot,
        ticket,
        request,
        now,
    )
    .await
    .map_err(|e| e.to_string())?;
    state.notifier.wake.notify_one();
    Ok(ticket)
}

/// Polls every `every` until the task is dropped.
pub async fn poll_forever(state: Poller, every: StdDuration) {
    let client = crate::egress::target_client(StdDuration::from_secs(20));
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = poll_once(&state, &client).await {
            tracing::warn!(error = %e, "open311 polling failed; trying again next round");
        }
    }
}
