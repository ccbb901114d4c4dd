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

use serde_json::Value;

use crate::outbox::store::{ForwardLink, ForwardTarget, OutboxStore};
use crate::tickets::store::TicketRecord;

/// The outbox kind of a ticket to send to an Open311 target.
pub const OPEN311: &str = "open311";
/// At most this many ids in one `requests.json` query.
pub(super) const BATCH: usize = 50;

pub(super) fn endpoint(target: &ForwardTarget, path: &str) -> String {
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
    store: &dyn OutboxStore,
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
    let form = request_form(target, ticket);
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

/// The ticket as an Open311 `POST requests` form: the service, where, what (with the
/// tracking code, so both sides can name the same complaint) and who.
fn request_form(target: &ForwardTarget, ticket: &TicketRecord) -> Vec<(&'static str, String)> {
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
    form
}

pub(super) async fn get_json(
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
