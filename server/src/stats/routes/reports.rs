//! The daily, weekly and monthly reports (日报, 周报, 月报): each period's intake, rates
//! and rankings in one document, as JSON for the app and as CSV for spreadsheets.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gridline_core::api::reference::Region;
use gridline_core::api::stats::{
    Change, GroupBy, RatesRow, ReportKind, ReportQuery, ReportResponse,
};
use time::{Date, Duration, OffsetDateTime};

use crate::auth::CurrentStaff;
use crate::catalogue::cache::Snapshot;
use crate::error::{ApiJson, ApiQuery, AppResult};
use crate::http::state::AppState;
use crate::stats::repeats;
use crate::stats::routes::figures::{
    STATS_ROLES, add_months, at, date_text, day, first_of_month, grouped, read_at, today,
};
use crate::stats::routes::hotspots::{change, intake_by, matter_change, scope_region};
use crate::stats::store::{RateGrouping, RateRow};

/// A report's period holding `date`, and the one before it.
pub(crate) fn report_period(kind: ReportKind, date: Date) -> (Date, Date, Date) {
    match kind {
        ReportKind::Daily => (date, date + Duration::days(1), date - Duration::days(1)),
        ReportKind::Weekly => {
            let monday = date - Duration::days(i64::from(date.weekday().number_days_from_monday()));
            (
                monday,
                monday + Duration::days(7),
                monday - Duration::days(7),
            )
        }
        ReportKind::Monthly => {
            let first = first_of_month(date);
            (first, add_months(first, 1), add_months(first, -1))
        }
    }
}

/// The period's rates per unit, in total, and per area one level below the scope
/// (streets for the district, communities for a street).
fn rates_by_unit_and_area(
    snapshot: &Snapshot,
    scope: &Region,
    counted: &[&RateRow],
) -> (Vec<RatesRow>, RatesRow, GroupBy, Vec<RatesRow>) {
    let (units, total) = grouped(snapshot, GroupBy::Unit, counted.iter().copied());
    let area_level = if scope.parent_code.is_none() {
        GroupBy::Street
    } else {
        GroupBy::Community
    };
    let (areas, _) = grouped(snapshot, area_level, counted.iter().copied());
    (units, total, area_level, areas)
}

/// The ten matter types received most in the period (then by code).
fn top_matters(snapshot: &Snapshot, per_matter: &BTreeMap<String, [u64; 2]>) -> Vec<Change> {
    let mut matters: Vec<Change> = per_matter
        .iter()
        .filter(|(_, c)| c[1] > 0)
        .map(|(code, c)| matter_change(snapshot, code, *c))
        .collect();
    matters.sort_by(|a, b| b.current.cmp(&a.current).then(a.code.cmp(&b.code)));
    matters.truncate(10);
    matters
}

async fn build_report(
    state: &AppState,
    staff: &CurrentStaff,
    query: &ReportQuery,
) -> AppResult<ReportResponse> {
    staff.require_any(STATS_ROLES)?;
    let now = OffsetDateTime::now_utc();
    let kind = query.kind.unwrap_or_default();
    let date = match &query.date {
        Some(text) => day("date", text)?,
        None => today(now),
    };
    let (from, to, previous) = report_period(kind, date);
    let (from, to, previous) = (at(from), at(to), at(previous));
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let scope = scope_region(&snapshot, &query.street)?;
    let grids = snapshot.grids_of(&scope.code);
    let in_scope = |grid: &Option<String>| {
        // The district's report also counts tickets without a grid.
        grid.as_ref().map_or(scope.parent_code.is_none(), |g| {
            grids.binary_search(g).is_ok()
        })
    };
    let of_kind = query.request_kind;
    let intake = state
        .store
        .intake_counts(&[previous, from, to], of_kind)
        .await?;
    let received = intake_by(&intake, |r| in_scope(&r.region_code), |_| ());
    let per_matter = intake_by(
        &intake,
        |r| in_scope(&r.region_code),
        |r| r.matter_code.clone(),
    );
    let matters = top_matters(&snapshot, &per_matter);
    let counted = state
        .store
        .rate_counts(&[from, to], now, RateGrouping::Detail, of_kind)
        .await?;
    let counted: Vec<&RateRow> = counted
        .iter()
        .filter(|r| in_scope(&r.region_code))
        .collect();
    let (units, total, area_level, areas) = rates_by_unit_and_area(&snapshot, scope, &counted);
    let mut received_rows = state.store.received_tickets(from, to, of_kind).await?;
    received_rows.retain(|r| in_scope(&r.region_code));
    let radius_m = state.repeats().radius_m;
    // Enquiries are no ticket of any kind: counted in the district's report of all.
    let enquiries = match (&scope.parent_code, of_kind) {
        (Some(_), _) | (_, Some(_)) => None,
        (None, None) => Some(change(
            "*".into(),
            "咨询".into(),
            "Enquiries".into(),
            [
                state.store.count_enquiries(previous, from).await?,
                state.store.count_enquiries(from, to).await?,
            ],
        )),
    };
    Ok(ReportResponse {
        kind,
        request_kind: of_kind,
        scope: scope.code.clone(),
        scope_zh: scope.name_zh.clone(),
        scope_en: scope.name_en.clone(),
        from: date_text(from),
        to: date_text(to),
        last_day: date_text(to - Duration::days(1)),
        previous_from: date_text(previous),
        read_at: read_at(now),
        received: change(
            "*".into(),
            "受理".into(),
            "Received".into(),
            received.get(&()).copied().unwrap_or_default(),
        ),
        total,
        units,
        area_by: area_level,
        areas,
        matters,
        repeat_places: repeats::places(&snapshot, &received_rows, radius_m),
        repeat_callers: repeats::callers(&received_rows),
        enquiries,
    })
}

#[utoipa::path(get, path = "/api/v1/stats/report", tag = "stats", params(ReportQuery),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = ReportResponse, description = "the daily report, weekly analysis or monthly bulletin of the district or a street"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor, dispatcher or admin"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a bad date or street"),
    ))]
pub async fn report(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> AppResult<ApiJson<ReportResponse>> {
    Ok(ApiJson(build_report(&state, &staff, &query).await?))
}

#[utoipa::path(get, path = "/api/v1/stats/report.csv", tag = "stats", params(ReportQuery),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, content_type = "text/csv", body = String, description = "the same report as CSV (UTF-8 with a byte-order mark, for spreadsheets)"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor, dispatcher or admin"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a bad date or street"),
    ))]
pub async fn report_csv(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> AppResult<Response> {
    let report = build_report(&state, &staff, &query).await?;
    let name = format!(
        "gridline-{}-{}-{}.csv",
        match report.kind {
            ReportKind::Daily => "daily",
            ReportKind::Weekly => "weekly",
            ReportKind::Monthly => "monthly",
        },
        report.scope,
        report.from
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        crate::stats::csv::write(&report),
    )
        .into_response())
}
