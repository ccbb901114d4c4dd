//! Forwarding to an Open311 GeoReport v2 endpoint (a department's own system): each
//! ticket the target takes is POSTed once to `requests.json` with the target's
//! api_key, and the `service_request_id` it is given (or the `token` a batch service
//! gives first) is kept. A poller reads those requests back (`tokens/…` to resolve a
//! token, `requests.json?service_request_id=…` for the state) and moves the ticket's
//! timeline as the ticket's lead unit: new status notes become a progress entry, a
//! closed request resolves the ticket with its notes.
//!
//! Open311 has no idempotency key: a process that dies after the endpoint answered and
//! before the id was kept sends the ticket again on retry (at least once, documented).

use std::time::Duration as StdDuration;

use gridline_core::api::ticket::ActionRequest;
use gridline_core::ticket::{Action, Status};
use serde_json::Value;
use time::OffsetDateTime;

use crate::http::AppState;
use crate::outbox::store::{ForwardLink, ForwardTarget, TargetKind};
use crate::store::Store;
use crate::tickets::store::TicketRecord;

/// The outbox kind of a ticket to send to an Open311 target.
pub const OPEN311: &str = "open311";
/// At most this many ids in one `requests.json` query.
const BATCH: usize = 50;

fn endpoint(target: &ForwardTarget, path: &str) -> String {
    format!("{}/{path}", target.url.trim_end_matches('/'))
}

/// The parameters every request to the target carries.
fn auth(target: &ForwardTarget) -> Vec<(&'static str, String)> {
    let mut params = vec![("api_key", target.secret.clone())];
    if let Some(jurisdiction) = &target.jurisdiction_id {
        params.push(("jurisdiction_id", jurisdiction.clone()));
    }
    params
}

/// What the endpoint said when it refused: its spec error's description, if any.
async fn refusal(response: reqwest::Response, target: &ForwardTarget) -> String {
    let status = response.status();
    let body = crate::egress::read_capped(response, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let said = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v[0]["description"].as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{} answered {status} {said}", target.name)
        .trim_end()
        .to_owned()
}

/// Sends `ticket` to `target` unless it was sent before.
pub async fn deliver(
    client: &reqwest::Client,
    store: &dyn Store,
    target: &ForwardTarget,
    ticket: &TicketRecord,
) -> Result<(), String> {
    if store
        .forward_link(target.id, ticket.id)
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Ok(());
    }
    let mut form = auth(target);
    form.push((
        "service_code",
        target
            .service_code
            .clone()
            .unwrap_or_else(|| ticket.matter_code.clone()),
    ));
    if let (Some(lat), Some(lon)) = (ticket.lat, ticket.lon) {
        form.push(("lat", lat.to_string()));
        form.push(("long", lon.to_string()));
    }
    if !ticket.address.is_empty() {
        form.push(("address_string", ticket.address.clone()));
    }
    if let Some(grid) = &ticket.region_code {
        form.push(("attribute[grid]", grid.clone()));
    }
    // The tracking code, so both sides can name the same complaint.
    form.push((
        "description",
        format!(
            "{}\n\n（网格通查询码 {}）",
            ticket.description, ticket.tracking_code
        ),
    ));
    if let Some(name) = &ticket.contact_name {
        form.push(("first_name", name.clone()));
    }
    if let Some(phone) = &ticket.contact_phone {
        form.push(("phone", phone.clone()));
    }
    let response = client
        .post(endpoint(target, "requests.json"))
        .form(&form)
        .send()
        .await
        .map_err(|e| format!("{} did not answer ({})", target.name, e.without_url()))?;
    if !response.status().is_success() {
        return Err(refusal(response, target).await);
    }
    let answer = json_of(response, target).await?;
    let first = &answer[0];
    let text = |field: &str| {
        first[field]
            .as_str()
            .map(str::to_owned)
            .filter(|s| !s.is_empty())
    };
    let (id, token) = (text("service_request_id"), text("token"));
    if id.is_none() && token.is_none() {
        return Err(format!(
            "{} answered neither a service_request_id nor a token",
            target.name
        ));
    }
    store
        .add_forward_link(&ForwardLink {
            target_id: target.id,
            ticket_id: ticket.id,
            service_request_id: id,
            token,
            status: "open".into(),
            status_notes: String::new(),
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

async fn get_json(
    client: &reqwest::Client,
    target: &ForwardTarget,
    path: &str,
    extra: &[(&str, String)],
) -> Result<Value, String> {
    let mut query = auth(target);
    query.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    let response = client
        .get(endpoint(target, path))
        .query(&query)
        .send()
        .await
        .map_err(|e| format!("{} did not answer ({})", target.name, e.without_url()))?;
    if !response.status().is_success() {
        return Err(refusal(response, target).await);
    }
    json_of(response, target).await
}

/// The JSON an endpoint answered, read within [`crate::egress::MAX_BODY`].
async fn json_of(response: reqwest::Response, target: &ForwardTarget) -> Result<Value, String> {
    let body = crate::egress::read_capped(response, crate::egress::MAX_BODY)
        .await
        .map_err(|e| format!("{}: {e}", target.name))?;
    serde_json::from_slice(&body)
        .map_err(|e| format!("{} answered what is not JSON: {e}", target.name))
}

/// One round over every Open311 target: tokens resolved, progress applied. Returns
/// how many tickets moved.
pub async fn poll_once(state: &AppState, client: &reqwest::Client) -> Result<usize, String> {
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
    state: &AppState,
    client: &reqwest::Client,
    target: &ForwardTarget,
) -> Result<usize, String> {
    let store = state.store.as_ref();
    let mut links = store
        .open_forward_links(target.id)
        .await
        .map_err(|e| e.to_string())?;
    // Tokens first: a batch service gives the id once it has made the request.
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

/// Applies what the endpoint says of one request, if it changed since last read.
async fn apply(
    state: &AppState,
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
            Err(e) => return Ok(unapplied(target, &e)),
        };
    }
    let (action, note) = if status == "closed" {
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
    if !note.is_empty()
        && !done
        && let Err(e) = act(state, &snapshot, ticket, action, note, now).await
    {
        return Ok(unapplied(target, &e));
    }
    tracing::info!(target = %target.name, status, "progress read back from an Open311 endpoint");
    Ok(true)
}

/// A change read that the ticket cannot take (it moved on here meanwhile, or is with
/// another unit): said in the log; the endpoint still shows it to whoever looks.
fn unapplied(target: &ForwardTarget, error: &str) -> bool {
    tracing::warn!(target = %target.name, %error, "open311 progress could not be applied");
    false
}

async fn act(
    state: &AppState,
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
    };
    let ticket =
        crate::tickets::act_for_lead_unit(state.store.as_ref(), snapshot, ticket, request, now)
            .await
            .map_err(|e| e.to_string())?;
    state.notifier.wake.notify_one();
    Ok(ticket)
}

/// Polls every `every` until the task is dropped.
pub async fn poll_forever(state: AppState, every: StdDuration) {
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
