//! Service requests as Open311 shows them: a list (by ids, or by window, status and
//! service), or one; full words and address only for a partner with a valid `api_key`.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::catalogue::cache::Snapshot;
use crate::http::state::AppState;
use crate::open311::routes::params::{
    Params, Result, bad, internal, parse_time, partner, read, snapshot,
};
use crate::open311::store::RequestQuery;
use crate::open311::{self as doc, Format, Lang, Open311Error, RequestView};
use crate::tickets::store::TicketRecord;

/// The longest span `start_date`..`end_date` may cover, and the default window.
const WINDOW_DAYS: i64 = 90;

/// At most this many requests in one list (the newest).
pub const LIST_LIMIT: u32 = 200;

/// At most this many `service_request_id`s in one list.
const IDS_LIMIT: usize = 100;

pub(crate) async fn list_requests(
    state: &AppState,
    params: &Params,
    format: Format,
) -> Result<Response> {
    let partner = partner(state, params, format).await?;
    let snapshot = snapshot(state, format).await?;
    let query = if let Some(ids) = params.get("service_request_id") {
        // The spec: this overrides every other filter.
        let ids: Vec<&str> = ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if ids.len() > IDS_LIMIT {
            return Err(bad(
                format,
                format!("at most {IDS_LIMIT} service_request_id at once"),
            ));
        }
        let (codes, ids) = doc::named(&ids, partner.is_some());
        RequestQuery::Named { codes, ids }
    } else {
        window_query(&snapshot, params, format)?
    };
    let tickets = state
        .store
        .open311_requests(&query)
        .await
        .map_err(|e| internal(format, e))?;
    requests_document(
        state,
        &snapshot,
        &tickets,
        partner.is_some(),
        params.lang(),
        format,
    )
    .await
}

/// The requests filed in a window (by default the last [`WINDOW_DAYS`] days), of the
/// service codes and status asked for.
fn window_query(snapshot: &Snapshot, params: &Params, format: Format) -> Result<RequestQuery> {
    let mut matters = Vec::new();
    if let Some(codes) = params.get("service_code") {
        for code in codes.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !snapshot.matters.contains_key(code) {
                return Err(bad(format, format!("service_code not found: {code}")));
            }
            matters.push(code.to_owned());
        }
    }
    let (from, to) = window(params, format)?;
    Ok(RequestQuery::Window {
        matters,
        from,
        to,
        closed: status_closed(params, format)?,
        limit: LIST_LIMIT,
    })
}

/// `status`: `Some(true)` for closed requests only, `Some(false)` for open ones only,
/// `None` for both.
fn status_closed(params: &Params, format: Format) -> Result<Option<bool>> {
    let Some(list) = params.get("status") else {
        return Ok(None);
    };
    let mut open = false;
    let mut closed = false;
    for s in list.split(',').map(str::trim) {
        match s {
            "open" => open = true,
            "closed" => closed = true,
            other => {
                return Err(bad(
                    format,
                    format!("status must be open or closed, not {other:?}"),
                ));
            }
        }
    }
    Ok((open != closed).then_some(closed))
}

/// `start_date` and `end_date`, either filling in the other [`WINDOW_DAYS`] away, and at
/// most that far apart.
fn window(params: &Params, format: Format) -> Result<(OffsetDateTime, OffsetDateTime)> {
    let start = parse_time(params, "start_date", format)?;
    let end = parse_time(params, "end_date", format)?;
    let window = Duration::days(WINDOW_DAYS);
    let (from, to) = match (start, end) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from + window),
        (None, Some(to)) => (to - window, to),
        (None, None) => {
            let now = OffsetDateTime::now_utc();
            (now - window, now)
        }
    };
    if from > to {
        return Err(bad(format, "start_date is after end_date"));
    }
    if to - from > window {
        return Err(bad(
            format,
            format!("start_date to end_date may not span more than {WINDOW_DAYS} days"),
        ));
    }
    Ok((from, to))
}

/// The `service_requests` document of `tickets`, each with its newest public note.
async fn requests_document(
    state: &AppState,
    snapshot: &Snapshot,
    tickets: &[TicketRecord],
    partner: bool,
    lang: Lang,
    format: Format,
) -> Result<Response> {
    let mut out = Vec::with_capacity(tickets.len());
    for ticket in tickets {
        let timeline = state
            .store
            .ticket_timeline(ticket.id)
            .await
            .map_err(|e| internal(format, e))?;
        let notes = timeline
            .iter()
            .rev()
            .find(|e| doc::is_public_reply(e))
            .map(|e| e.note.as_str());
        let updated = timeline
            .iter()
            .map(|e| e.at)
            .max()
            .unwrap_or(ticket.created_at);
        out.push(doc::request(
            snapshot,
            &RequestView {
                ticket,
                notes,
                updated,
                partner,
                lang,
            },
        ));
    }
    Ok(doc::document(
        format,
        "service_requests",
        &Value::Array(out),
    ))
}

pub(crate) async fn one_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let (id, format, params) = read(&file, query.as_deref())?;
    let partner = partner(&state, &params, format).await?;
    let missing = || {
        Open311Error::new(
            StatusCode::NOT_FOUND,
            format,
            "service_request_id not found",
        )
    };
    // The same 404 for a tracking code asked without an api_key as for one that does
    // not exist: the public cannot tell whether a code is real.
    let (codes, ids) = doc::named(&[id], partner.is_some());
    let tickets = state
        .store
        .open311_requests(&RequestQuery::Named { codes, ids })
        .await
        .map_err(|e| internal(format, e))?;
    if tickets.is_empty() {
        return Err(missing());
    }
    let snapshot = snapshot(&state, format).await?;
    requests_document(
        &state,
        &snapshot,
        &tickets,
        partner.is_some(),
        params.lang(),
        format,
    )
    .await
}
