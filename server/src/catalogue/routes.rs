//! Reference data for filing and dispatch: the matter catalogue, the jurisdiction tree,
//! the handling units, finding the grid of a point, and who would handle what.
//! Catalogue, regions, units and locating are public (residents need them before
//! anyone knows who they are, and they hold no personal data); the routing preview is
//! for dispatchers, supervisors and admins.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use gridline_core::Role;
use gridline_core::api::error::Validator;
use gridline_core::api::reference::{
    CalendarResponse, CatalogueResponse, CommonMattersResponse, LocateResponse, RegionMapResponse,
    RegionsResponse, RouteResponse, UnitsResponse,
};
use gridline_core::geo::Point;
use gridline_core::routing::Route;
use serde::Deserialize;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalogue", get(catalogue))
        .route("/catalogue/common", get(common_matters))
        .route("/regions", get(regions))
        .route("/regions/{code}/map", get(region_map))
        .route("/units", get(units))
        .route("/locate", get(locate))
        .route("/route", get(route))
        .route("/calendar", get(calendar))
}

#[utoipa::path(get, path = "/api/v1/regions/{code}/map", tag = "reference",
    params(("code" = String, Path, description = "a region with a shape (a grid)")),
    responses(
        (status = 200, body = RegionMapResponse, description = "the outline as SVG path data and its projection"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no region with a shape has this code"),
    ))]
pub async fn region_map(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<ApiJson<RegionMapResponse>> {
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let polygons = snapshot
        .shapes
        .get(code.as_str())
        .ok_or_else(AppError::not_found)?;
    let projection =
        crate::catalogue::map::Projection::fitting(polygons.iter().flat_map(|p| p.outer.iter()))
            .ok_or_else(AppError::not_found)?;
    Ok(ApiJson(RegionMapResponse {
        code,
        view_box: projection.view_box(),
        width: projection.width.ceil() as u32,
        height: projection.height.ceil() as u32,
        outline: projection.path(polygons),
        west: projection.west,
        north: projection.north,
        units_per_lon: projection.units_per_lon,
        units_per_lat: projection.units_per_lat,
    }))
}

#[utoipa::path(get, path = "/api/v1/calendar", tag = "reference",
    responses((status = 200, body = CalendarResponse)))]
pub async fn calendar(State(state): State<AppState>) -> AppResult<ApiJson<CalendarResponse>> {
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    Ok(ApiJson(CalendarResponse {
        years: snapshot.calendar.years().collect(),
        csv: snapshot.calendar.to_csv(),
    }))
}

#[utoipa::path(get, path = "/api/v1/catalogue", tag = "reference",
    responses((status = 200, body = CatalogueResponse)))]
pub async fn catalogue(State(state): State<AppState>) -> AppResult<ApiJson<CatalogueResponse>> {
    Ok(ApiJson(CatalogueResponse {
        matter_types: state.store.list_matter_types().await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/catalogue/common", tag = "reference",
    responses((status = 200, body = CommonMattersResponse)))]
pub async fn common_matters(
    State(state): State<AppState>,
) -> AppResult<ApiJson<CommonMattersResponse>> {
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let matter_codes = state
        .common_matters
        .get(
            state.store.as_ref(),
            &snapshot,
            time::OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(ApiJson(CommonMattersResponse { matter_codes }))
}

#[utoipa::path(get, path = "/api/v1/regions", tag = "reference",
    responses((status = 200, body = RegionsResponse)))]
pub async fn regions(State(state): State<AppState>) -> AppResult<ApiJson<RegionsResponse>> {
    Ok(ApiJson(RegionsResponse {
        regions: state.store.list_regions().await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/units", tag = "reference",
    responses((status = 200, body = UnitsResponse)))]
pub async fn units(State(state): State<AppState>) -> AppResult<ApiJson<UnitsResponse>> {
    Ok(ApiJson(UnitsResponse {
        units: state.store.list_units().await?,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LocateQuery {
    /// Longitude, WGS 84 degrees.
    lon: f64,
    /// Latitude, WGS 84 degrees.
    lat: f64,
}

#[utoipa::path(get, path = "/api/v1/locate", tag = "reference", params(LocateQuery),
    responses(
        (status = 200, body = LocateResponse, description = "the grid and its parents; empty when outside every grid"),
        (status = 422, body = gridline_core::ErrorResponse),
    ))]
pub async fn locate(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LocateQuery>,
) -> AppResult<ApiJson<LocateResponse>> {
    let mut v = Validator::new();
    v.position(query.lon, query.lat);
    v.finish().map_err(AppError::Validation)?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let regions = snapshot
        .locator
        .locate(Point::new(query.lon, query.lat))
        .map(|grid| snapshot.lineage(grid))
        .unwrap_or_default();
    Ok(ApiJson(LocateResponse { regions }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RouteQuery {
    /// Matter type code.
    matter: String,
    /// Grid (or any region) code.
    region: String,
}

#[utoipa::path(get, path = "/api/v1/route", tag = "reference", params(RouteQuery),
    responses(
        (status = 200, body = RouteResponse),
        (status = 401, body = gridline_core::ErrorResponse),
        (status = 403, body = gridline_core::ErrorResponse),
    ))]
pub async fn route(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<RouteQuery>,
) -> AppResult<ApiJson<RouteResponse>> {
    staff.require_any(&[Role::Dispatcher, Role::Supervisor, Role::Admin])?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    Ok(ApiJson(
        match snapshot.routing.route(&query.matter, &query.region) {
            Route::Unit(code) => RouteResponse {
                unit: snapshot.units.get(&code).cloned(),
                unrouted: None,
            },
            Route::Unrouted(reason) => RouteResponse {
                unit: None,
                unrouted: Some(reason),
            },
        },
    ))
}
