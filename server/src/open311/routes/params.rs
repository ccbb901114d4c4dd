//! Reading an Open311 request: the file name's format (`.json`, `.xml`), the query or form
//! parameters, the partner's `api_key`, and errors in the spec's shape and format.

use axum::http::StatusCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::catalogue::cache::Snapshot;
use crate::http::state::AppState;
use crate::open311::{self as doc, Format, Lang, Open311Error};

pub(crate) type Result<T> = std::result::Result<T, Open311Error>;

/// The query string's (or form body's) parameters; the first of each name counts.
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn parse(text: &str, format: Format) -> Result<Params> {
        serde_urlencoded::from_str(text).map(Params).map_err(|e| {
            Open311Error::new(
                StatusCode::BAD_REQUEST,
                format,
                format!("unreadable parameters: {e}"),
            )
        })
    }

    /// These, then `more` (whose names count only where these lack them).
    pub(crate) fn then(mut self, more: Params) -> Params {
        self.0.extend(more.0);
        self
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn lang(&self) -> Lang {
        match self.get("locale") {
            Some(l) if l.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Zh,
        }
    }
}

/// The resource's name and format from the path, and the query's parameters.
pub(crate) fn read<'a>(file: &'a str, query: Option<&str>) -> Result<(&'a str, Format, Params)> {
    let (name, format) = split(file)?;
    Ok((
        name,
        format,
        Params::parse(query.unwrap_or_default(), format)?,
    ))
}

pub(crate) fn split(file: &str) -> Result<(&str, Format)> {
    doc::split(file).ok_or_else(|| {
        Open311Error::new(StatusCode::NOT_FOUND, Format::Json, "ask for .json or .xml")
    })
}

pub(crate) fn internal(format: Format, err: impl std::fmt::Display) -> Open311Error {
    tracing::error!(error = %err, "open311 request failed");
    Open311Error::new(StatusCode::INTERNAL_SERVER_ERROR, format, "internal error")
}

pub(crate) fn bad(format: Format, description: impl Into<String>) -> Open311Error {
    Open311Error::new(StatusCode::BAD_REQUEST, format, description)
}

pub(crate) async fn snapshot(state: &AppState, format: Format) -> Result<std::sync::Arc<Snapshot>> {
    state
        .reference
        .get(state.store.as_ref())
        .await
        .map_err(|e| internal(format, e))
}

/// The name of the system whose `api_key` this is; `None` without one; 403 for a key
/// that is not (or no longer) valid.
pub(crate) async fn partner(
    state: &AppState,
    params: &Params,
    format: Format,
) -> Result<Option<String>> {
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

pub(crate) fn parse_time(
    params: &Params,
    name: &str,
    format: Format,
) -> Result<Option<OffsetDateTime>> {
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
