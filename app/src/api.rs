//! Typed calls to the server. Every failure is an [`ApiError`]: either the network
//! (no answer at all) or the server's one error shape (`gridline_core::ErrorResponse`).

use gloo_net::http::{Request, Response};
use gridline_core::api::API_PREFIX;
use gridline_core::api::auth::{LoginRequest, SessionResponse};
use gridline_core::api::media::MediaResponse;
use gridline_core::api::reference::{CatalogueResponse, UnitsResponse};
use gridline_core::api::ticket::{
    ActionRequest, CoUnitRequest, QueueResponse, QueueView, TicketView, TierChangeRequest,
};
use gridline_core::{ErrorCode, ErrorResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The request never got an answer (offline, DNS, connection reset).
    Network,
    /// The server answered with an error in the one shape.
    Server(ErrorResponse),
}

impl ApiError {
    /// An error response that is not in the shape (a proxy's HTML page, say).
    fn unexpected(status: u16) -> ApiError {
        let code = match status {
            413 => ErrorCode::PayloadTooLarge,
            502..=504 => ErrorCode::Unavailable,
            _ => ErrorCode::Internal,
        };
        ApiError::Server(ErrorResponse::new(code, format!("HTTP {status}")))
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|_| ApiError::unexpected(response.status()));
    }
    match response.json::<ErrorResponse>().await {
        Ok(body) => Err(ApiError::Server(body)),
        Err(_) => Err(ApiError::unexpected(response.status())),
    }
}

fn url(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = Request::get(&url(path))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    read(response).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let response = Request::post(&url(path))
        .json(body)
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    read(response).await
}

pub async fn login(request: &LoginRequest) -> Result<SessionResponse, ApiError> {
    post("/auth/login", request).await
}

pub async fn me() -> Result<SessionResponse, ApiError> {
    get("/auth/me").await
}

pub async fn logout() -> Result<(), ApiError> {
    let response = Request::post(&url("/auth/logout"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if response.ok() {
        Ok(())
    } else {
        read::<serde_json::Value>(response).await.map(|_| ())
    }
}

pub async fn catalogue() -> Result<CatalogueResponse, ApiError> {
    get("/catalogue").await
}

pub async fn units() -> Result<UnitsResponse, ApiError> {
    get("/units").await
}

/// Uploads a photo or voice note (its bytes as the body); the server says what it is.
pub async fn upload_media(blob: &web_sys::Blob) -> Result<MediaResponse, ApiError> {
    let response = Request::post(&url("/media"))
        .header("content-type", "application/octet-stream")
        .body(blob.clone())
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    read(response).await
}

/// Where a medium on a ticket's timeline is fetched from; `proof` is the phone's last
/// digits for the public, `None` for staff (their session cookie proves them).
pub fn media_url(code: &str, id: &str, proof: Option<&str>) -> String {
    let base = format!("{API_PREFIX}/tickets/{}/media/{}", plain(code), plain(id));
    match proof {
        Some(suffix) => format!("{base}?phone_suffix={}", plain(suffix)),
        None => base,
    }
}

/// Letters and digits only: what may go into a path segment or query value unescaped.
fn plain(value: &str) -> String {
    value.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// A ticket as the public sees it: the tracking code proved by the phone's last digits.
pub async fn ticket_public(code: &str, phone_suffix: &str) -> Result<TicketView, ApiError> {
    get(&format!(
        "/tickets/{}?phone_suffix={}",
        plain(code),
        plain(phone_suffix)
    ))
    .await
}

/// A ticket as the signed-in staff member sees it.
pub async fn ticket(code: &str) -> Result<TicketView, ApiError> {
    get(&format!("/tickets/{}", plain(code))).await
}

pub async fn queue(view: QueueView) -> Result<QueueResponse, ApiError> {
    get(&format!("/queue?view={}", view.as_str())).await
}

pub async fn act(code: &str, request: &ActionRequest) -> Result<TicketView, ApiError> {
    post(&format!("/tickets/{}/actions", plain(code)), request).await
}

pub async fn add_co_unit(code: &str, request: &CoUnitRequest) -> Result<TicketView, ApiError> {
    post(&format!("/tickets/{}/co-units", plain(code)), request).await
}

pub async fn change_tier(code: &str, request: &TierChangeRequest) -> Result<TicketView, ApiError> {
    post(&format!("/tickets/{}/tier", plain(code)), request).await
}
