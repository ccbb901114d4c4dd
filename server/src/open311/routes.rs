//! The Open311 GeoReport v2 server at `/open311/v2/`: discovery, services and their
//! definitions, requests (list, one, filing with an `api_key`) and tokens, each as
//! `.json` or `.xml`. Errors take the spec's shape in the format asked for.
//!
//! Reading is open to anyone, as the spec has it, but without a valid `api_key` a
//! request shows neither its words nor its address and its position only to about
//! 100 m (see [`crate::open311::RequestView`]).

use axum::Router;
use axum::extract::rejection::StringRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gridline_core::api::ticket::{Channel, CreateTicketRequest};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::catalogue::cache::Snapshot;
use crate::error::AppError;
use crate::http::state::AppState;
use crate::open311::store::RequestQuery;
use crate::open311::{self as doc, Format, Lang, Open311Error, RequestView};
use crate::tickets::store::TicketRecord;
use crate::tickets::{self, filing::Filer};

/// The longest span `start_date`..`end_date` may cover, and the default window.
const WINDOW_DAYS: i64 = 90;
/// At most this many requests in one list (the newest).
pub const LIST_LIMIT: u32 = 200;
/// At most this many `service_request_id`s in one list.
const IDS_LIMIT: usize = 100;
/// Tickets filed here get this prefix before their token as their client id.
const TOKEN_PREFIX: &str = "o311-";

pub fn router(state: &AppState) -> Router<AppState> {
    let v2 = Router::new()
        .route("/{file}", get(top).post(file_request))
        .route("/services/{file}", get(definition))
        .route("/requests/{file}", get(one_request))
        .route("/tokens/{file}", get(token))
        .fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
        .layer(DefaultBodyLimit::max(state.config.json_limit));
    Router::new().nest("/open311/v2", v2)
}

type Result<T> = std::result::Result<T, Open311Error>;

async fn not_found() -> Open311Error {
    Open311Error::new(
        StatusCode::NOT_FOUND,
        Format::Json,
        "no such Open311 resource",
    )
}

async fn not_allowed() -> Open311Error {
    Open311Error::new(
        StatusCode::METHOD_NOT_ALLOWED,
        Format::Json,
        "method not allowed on this resource",
    )
}

/// The query string's (or form body's) parameters; the first of each name counts.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(text: &str, format: Format) -> Result<Params> {
        serde_urlencoded::from_str(text).map(Params).map_err(|e| {
            Open311Error::new(
                StatusCode::BAD_REQUEST,
                format,
                format!("unreadable parameters: {e}"),
            )
        })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn lang(&self) -> Lang {
        match self.get("locale") {
            Some(l) if l.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Zh,
        }
    }
}

/// The resource's name and format from the path, and the query's parameters.
fn read<'a>(file: &'a str, query: Option<&str>) -> Result<(&'a str, Format, Params)> {
    let (name, format) = split(file)?;
    Ok((
        name,
        format,
        Params::parse(query.unwrap_or_default(), format)?,
    ))
}

fn split(file: &str) -> Result<(&str, Format)> {
    doc::split(file).ok_or_else(|| {
        Open311Error::new(StatusCode::NOT_FOUND, Format::Json, "ask for .json or .xml")
    })
}

fn internal(format: Format, err: impl std::fmt::Display) -> Open311Error {
    tracing::error!(error = %err, "open311 request failed");
    Open311Error::new(StatusCode::INTERNAL_SERVER_ERROR, format, "internal error")
}

fn bad(format: Format, description: impl Into<String>) -> Open311Error {
    Open311Error::new(StatusCode::BAD_REQUEST, format, description)
}

async fn snapshot(state: &AppState, format: Format) -> Result<std::sync::Arc<Snapshot>> {
    state
        .reference
        .get(state.store.as_ref())
        .await
        .map_err(|e| internal(format, e))
}

/// The name of the system whose `api_key` this is; `None` without one; 403 for a key
/// that is not (or no longer) valid.
async fn partner(state: &AppState, params: &Params, format: Format) -> Result<Option<String>> {
    let Some(key) = params.get("api_key") else {
        return Ok(None);
    };
    match state.store.open311_key(&crate::auth::token_hash(key)).await {
        Ok(Some(name)) => Ok(Some(name)),
        Ok(None) => Err(Open311Error::new(
            StatusCode::FORBIDDEN,
            format,
            "api_key is not valid",
        )),
        Err(e) => Err(internal(format, e)),
    }
}

async fn top(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let (name, format, params) = read(&file, query.as_deref())?;
    match name {
        "discovery" => Ok(discovery(&state, format)),
        "services" => {
            let snapshot = snapshot(&state, format).await?;
            let lang = params.lang();
            let list: Vec<Value> = doc::services(&snapshot)
                .into_iter()
                .map(|m| doc::service(&snapshot, m, lang))
                .collect();
            Ok(doc::document(format, "services", &Value::Array(list)))
        }
        "requests" => list_requests(&state, &params, format).await,
        _ => Err(Open311Error::new(
            StatusCode::NOT_FOUND,
            format,
            "no such Open311 resource",
        )),
    }
}

fn discovery(state: &AppState, format: Format) -> Response {
    let base = state
        .config
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/');
    let value = json!({
        "changeset": "2026-11-24T00:00:00+08:00",
        "contact": "接入请向本市 12345 热线管理机构申请 api_key",
        "key_service": "接入请向本市 12345 热线管理机构申请 api_key",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": format!("{base}/open311/v2"),
            "changeset": "2026-11-24T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    });
    doc::document(format, "discovery", &value)
}

async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let (code, format, params) = read(&file, query.as_deref())?;
    let snapshot = snapshot(&state, format).await?;
    let matter = doc::services(&snapshot)
        .into_iter()
        .find(|m| m.code == code)
        .ok_or_else(|| {
            Open311Error::new(StatusCode::NOT_FOUND, format, "service_code not found")
        })?;
    let value = doc::service_definition(&snapshot, matter, params.lang());
    Ok(doc::document(format, "service_definition", &value))
}

fn parse_time(params: &Params, name: &str, format: Format) -> Result<Option<OffsetDateTime>> {
    params
        .get(name)
        .map(|v| {
            OffsetDateTime::parse(v, &Rfc3339).map_err(|_| {
                bad(
                    format,
                    format!("{name} must be a W3C date and time, e.g. 2026-11-01T00:00:00+08:00"),
                )
            })
        })
        .transpose()
}

async fn list_requests(state: &AppState, params: &Params, format: Format) -> Result<Response> {
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
        let mut matters = Vec::new();
        if let Some(codes) = params.get("service_code") {
            for code in codes.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if !snapshot.matters.contains_key(code) {
                    return Err(bad(format, format!("service_code not found: {code}")));
                }
                matters.push(code.to_owned());
            }
        }
        let closed = match params.get("status") {
            None => None,
            Some(list) => {
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
                (open != closed).then_some(closed)
            }
        };
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
        RequestQuery::Window {
            matters,
            from,
            to,
            closed,
            limit: LIST_LIMIT,
        }
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

async fn one_request(
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

async fn token(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response> {
    let (token, format) = split(&file)?;
    let missing = || Open311Error::new(StatusCode::NOT_FOUND, format, "token not found");
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(missing());
    }
    let tickets = state
        .store
        .open311_requests(&RequestQuery::ClientId(format!("{TOKEN_PREFIX}{token}")))
        .await
        .map_err(|e| internal(format, e))?;
    let ticket = tickets.first().ok_or_else(missing)?;
    let value = json!([{ "service_request_id": ticket.tracking_code, "token": token }]);
    Ok(doc::document(format, "service_requests", &value))
}

/// The name a request gives, in the order its script writes names.
fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, last) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (Some(first), Some(last)) if first.is_ascii() && last.is_ascii() => {
            Some(format!("{first} {last}"))
        }
        (Some(first), Some(last)) => Some(format!("{last}{first}")),
    }
}

/// Our field names in the spec's words, for error messages.
fn spec_field(field: &str) -> &str {
    match field {
        "matter_code" => "service_code",
        "lon" => "long",
        "region_code" => "attribute[grid]",
        "contact_phone" => "phone",
        "contact_name" => "first_name/last_name",
        "address" => "address_string",
        other => other,
    }
}

async fn file_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    body: std::result::Result<String, StringRejection>,
) -> Result<Response> {
    let (name, format) = split(&file)?;
    if name != "requests" {
        return Err(Open311Error::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format,
            "only requests take POST",
        ));
    }
    let body = body.map_err(|e| Open311Error::new(e.status(), format, e.body_text()))?;
    // The form body, then the query string (some clients put api_key there).
    let mut params = Params::parse(&body, format)?;
    params
        .0
        .extend(Params::parse(query.as_deref().unwrap_or_default(), format)?.0);
    if params.get("api_key").is_none() {
        return Err(Open311Error::new(
            StatusCode::FORBIDDEN,
            format,
            "api_key was not provided",
        ));
    }
    let system = partner(&state, &params, format).await?.unwrap_or_default();
    let snapshot = snapshot(&state, format).await?;
    let code = params
        .get("service_code")
        .ok_or_else(|| bad(format, "service_code is required"))?;
    let matter = snapshot
        .matters
        .get(code)
        .ok_or_else(|| bad(format, format!("service_code not found: {code}")))?;
    let number = |name: &str| -> Result<Option<f64>> {
        params
            .get(name)
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| bad(format, format!("{name} must be a number")))
            })
            .transpose()
    };
    let (lat, lon) = (number("lat")?, number("long")?);
    let grid = params.get(&format!("attribute[{}]", doc::GRID_ATTRIBUTE));
    let address = match (params.get("address_string"), params.get("address_id")) {
        (Some(text), _) => text.to_owned(),
        (None, Some(id)) => format!("address_id {id}"),
        (None, None) => String::new(),
    };
    if lat.is_none() && lon.is_none() && address.is_empty() && grid.is_none() {
        return Err(bad(
            format,
            "a location is required: lat and long, address_string, address_id or attribute[grid]",
        ));
    }
    let mut description = params
        .get("description")
        .map(str::to_owned)
        .unwrap_or_else(|| matter.name_zh.clone());
    if let Some(url) = params.get("media_url") {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 500 {
            return Err(bad(
                format,
                "media_url must be an http(s) URL of at most 500 characters",
            ));
        }
        description.push_str(&format!("\n\n附件：{url}"));
    }
    let token = uuid::Uuid::new_v4().simple().to_string();
    let request = CreateTicketRequest {
        client_id: Some(format!("{TOKEN_PREFIX}{token}")),
        matter_code: matter.code.clone(),
        description,
        lon,
        lat,
        region_code: grid.map(str::to_owned),
        address,
        contact_name: full_name(params.get("first_name"), params.get("last_name")),
        contact_phone: params.get("phone").map(str::to_owned),
        device_secret: None,
        media: Vec::new(),
        follow: None,
    };
    let now = OffsetDateTime::now_utc();
    let (ticket, _) = tickets::filing::create(
        state.store.as_ref(),
        &snapshot,
        request,
        Filer::from(Channel::Open311),
        now,
    )
    .await
    .map_err(|e| match e {
        AppError::Validation(errors) => bad(
            format,
            errors
                .iter()
                .map(|e| format!("{}: {}", spec_field(&e.field), e.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => internal(format, other),
    })?;
    tracing::info!(system = %system, "service request filed through Open311");
    state.notifier.wake.notify_one();
    let value = json!([{
        "service_request_id": ticket.tracking_code,
        "token": token,
        "service_notice": doc::service_notice(matter, params.lang()),
        "account_id": null,
    }]);
    let mut response = doc::document(format, "service_requests", &value);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response.into_response())
}
