//! The Open311 GeoReport v2 server at `/open311/v2/`: discovery, services and their
//! definitions, requests (list, one, filing with an `api_key`) and tokens, each as
//! `.json` or `.xml`. Errors take the spec's shape in the format asked for.
//!
//! Reading is open to anyone, as the spec has it, but without a valid `api_key` a
//! request shows neither its words nor its address and its position only to about
//! 100 m (see [`crate::open311::RequestView`]).

pub mod filing;
pub mod params;
pub mod requests;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use crate::http::state::AppState;
use crate::open311::routes::filing::{file_request, token};
use crate::open311::routes::params::{Result, read, snapshot};
use crate::open311::routes::requests::{list_requests, one_request};
use crate::open311::{self as doc, Format, Open311Error};

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
