//! Reference data for filing: the matter catalogue and the jurisdiction tree. Public:
//! residents need them before anyone knows who they are, and they hold no personal data.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use gridline_core::api::reference::{CatalogueResponse, RegionsResponse};

use crate::error::{ApiJson, AppResult};
use crate::serve::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalogue", get(catalogue))
        .route("/regions", get(regions))
}

#[utoipa::path(get, path = "/api/v1/catalogue", tag = "reference",
    responses((status = 200, body = CatalogueResponse)))]
pub async fn catalogue(State(state): State<AppState>) -> AppResult<ApiJson<CatalogueResponse>> {
    Ok(ApiJson(CatalogueResponse {
        matter_types: state.store.list_matter_types().await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/regions", tag = "reference",
    responses((status = 200, body = RegionsResponse)))]
pub async fn regions(State(state): State<AppState>) -> AppResult<ApiJson<RegionsResponse>> {
    Ok(ApiJson(RegionsResponse {
        regions: state.store.list_regions().await?,
    }))
}
