//! Typed calls to the server. Every failure is an [`ApiError`]: either the network
//! (no answer at all) or the server's one error shape (`gridline_core::ErrorResponse`).

use gloo_net::http::{Request, Response};
use gridline_core::api::API_PREFIX;
use gridline_core::api::auth::{LoginRequest, SessionResponse};
use gridline_core::api::reference::CatalogueResponse;
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
