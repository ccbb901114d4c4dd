//! Filing through Open311 (`POST requests`, with a partner's `api_key`), and the tokens
//! it answers with until the request has its id.

use axum::extract::rejection::StringRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gridline_core::api::reference::MatterType;
use gridline_core::api::ticket::{Channel, CreateTicketRequest};
use serde_json::json;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::http::state::AppState;
use crate::open311::routes::params::{Params, Result, bad, internal, partner, snapshot, split};
use crate::open311::store::RequestQuery;
use crate::open311::{self as doc, Format, Open311Error};
use crate::tickets::{self, filing::Filer};

/// Tickets filed here get this prefix before their token as their client id.
const TOKEN_PREFIX: &str = "o311-";

pub(crate) async fn token(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response> {
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

pub(crate) async fn file_request(
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
    let params = Params::parse(&body, format)?
        .then(Params::parse(query.as_deref().unwrap_or_default(), format)?);
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
    let token = uuid::Uuid::new_v4().simple().to_string();
    let request = ticket_request(&params, format, matter, &token)?;
    let now = OffsetDateTime::now_utc();
    let filer = Filer::from(Channel::Open311);
    let (ticket, _) = tickets::filing::create(state.store.as_ref(), &snapshot, request, filer, now)
        .await
        .map_err(|e| refused(format, e))?;
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

/// The complaint an Open311 request describes: where (a position, an address or a
/// grid, at least one), what (the description, else the service's name, with a
/// `media_url` appended) and who (name and phone).
fn ticket_request(
    params: &Params,
    format: Format,
    matter: &MatterType,
    token: &str,
) -> Result<CreateTicketRequest> {
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
    Ok(CreateTicketRequest {
        client_id: Some(format!("{TOKEN_PREFIX}{token}")),
        matter_code: matter.code.clone(),
        description,
        lon,
        lat,
        region_code: grid.map(str::to_owned),
        address,
        contact_name: full_name(params.get("first_name"), params.get("last_name")),
        contact_phone: params.get("phone").map(str::to_owned),
        ..CreateTicketRequest::default()
    })
}

/// A filing the ticket service refused, in the spec's error shape and its field names.
fn refused(format: Format, error: AppError) -> Open311Error {
    match error {
        AppError::Validation(errors) => bad(
            format,
            errors
                .iter()
                .map(|e| format!("{}: {}", spec_field(&e.field), e.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => internal(format, other),
    }
}
