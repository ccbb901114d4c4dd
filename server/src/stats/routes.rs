//! The evaluation figures (评) and reports (报) for supervisors, dispatchers and
//! admins: rates for any grouping and period, the monthly ranking with its 12-month
//! trend, the tickets behind any number, hotspots, and the daily, weekly and monthly
//! reports (also as CSV).

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gridline_core::Role;
use gridline_core::api::reference::{Region, RegionLevel};
use gridline_core::api::stats::{
    Change, GridHeat, GroupBy, HotspotsQuery, HotspotsResponse, RankingQuery, RankingResponse,
    RatedTicket, RatedTicketsQuery, RatedTicketsResponse, RatesQuery, RatesResponse, RatesRow,
    ReportKind, ReportQuery, ReportResponse, TrendResponse, TrendRow,
};
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::geo::Polygon;
use gridline_core::stats::{RateCounts, Rates};
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, Month, OffsetDateTime, Time};

use crate::auth::CurrentStaff;
use crate::catalogue::cache::Snapshot;
use crate::error::{ApiJson, ApiQuery, AppResult};
use crate::http::state::AppState;
use crate::stats::store::{IntakeRow, RateGrouping, RateRow, RateScope};
use crate::tickets::field_error;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stats/rates", get(rates))
        .route("/stats/ranking", get(ranking))
        .route("/stats/trend", get(trend))
        .route("/stats/tickets", get(rated_tickets))
        .route("/stats/hotspots", get(hotspots))
        .route("/stats/report", get(report))
        .route("/stats/report.csv", get(report_csv))
}

/// Who reads the figures.
pub const STATS_ROLES: &[Role] = &[Role::Supervisor, Role::Dispatcher, Role::Admin];

/// A drill-down lists at most this many tickets (and says how many there are).
const DRILL_DOWN_LIMIT: u32 = 1000;

fn at(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_offset(CHINA_OFFSET)
}

fn today(now: OffsetDateTime) -> Date {
    now.to_offset(CHINA_OFFSET).date()
}

fn day(field: &str, text: &str) -> AppResult<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format).map_err(|_| field_error(field, "a date as YYYY-MM-DD"))
}

/// The first day of the month `months` after `first`'s (negative: before).
fn add_months(first: Date, months: i32) -> Date {
    let index = first.year() * 12 + i32::from(u8::from(first.month())) - 1 + months;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(Month::January);
    Date::from_calendar_date(index.div_euclid(12), month, 1).unwrap_or(first)
}

fn first_of_month(date: Date) -> Date {
    date.replace_day(1).expect("every month has a first day")
}

fn date_text(t: OffsetDateTime) -> String {
    t.to_offset(CHINA_OFFSET).date().to_string()
}

fn read_at(now: OffsetDateTime) -> String {
    now.to_offset(CHINA_OFFSET)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// `[from, to)` from the query's days, defaulting to this month; at most 2 years.
fn period(
    from: &Option<String>,
    to: &Option<String>,
    now: OffsetDateTime,
) -> AppResult<(OffsetDateTime, OffsetDateTime)> {
    let month = first_of_month(today(now));
    let from = match from {
        Some(text) => day("from", text)?,
        None => month,
    };
    let to = match to {
        Some(text) => day("to", text)?,
        None => add_months(month, 1),
    };
    checked(from, to)
}

/// `[from, to)` as instants, when it ends after it starts and spans at most 2 years.
fn checked(from: Date, to: Date) -> AppResult<(OffsetDateTime, OffsetDateTime)> {
    if to <= from {
        return Err(field_error("to", "the period ends after it starts"));
    }
    if to - from > Duration::days(732) {
        return Err(field_error("to", "a period of at most 2 years"));
    }
    Ok((at(from), at(to)))
}

fn unknown_grid() -> (String, String, String) {
    ("-".to_owned(), "未知网格".to_owned(), "No grid".to_owned())
}

fn region_level(by: GroupBy) -> Option<RegionLevel> {
    match by {
        GroupBy::Street => Some(RegionLevel::Street),
        GroupBy::Community => Some(RegionLevel::Community),
        GroupBy::Grid => Some(RegionLevel::Grid),
        GroupBy::Unit | GroupBy::Matter => None,
    }
}

/// The group a row of counts belongs to: its code and names.
fn group(snapshot: &Snapshot, by: GroupBy, row: &RateRow) -> (String, String, String) {
    match by {
        GroupBy::Unit => unit_names(snapshot, &row.unit_code),
        GroupBy::Matter => {
            let matter = row
                .matter_code
                .as_ref()
                .and_then(|c| snapshot.matters.get(c));
            (
                row.matter_code.clone().unwrap_or_default(),
                matter.map(|m| m.name_zh.clone()).unwrap_or_default(),
                matter.map(|m| m.name_en.clone()).unwrap_or_default(),
            )
        }
        GroupBy::Street | GroupBy::Community | GroupBy::Grid => {
            let level = region_level(by).expect("a region grouping");
            let Some(grid) = &row.region_code else {
                return unknown_grid();
            };
            snapshot
                .lineage(grid)
                .into_iter()
                .find(|r| r.level == level)
                .map(|r| (r.code, r.name_zh, r.name_en))
                .unwrap_or_else(unknown_grid)
        }
    }
}

fn unit_names(snapshot: &Snapshot, code: &str) -> (String, String, String) {
    let unit = snapshot.units.get(code);
    (
        code.to_owned(),
        unit.map(|u| u.name_zh.clone()).unwrap_or_default(),
        unit.map(|u| u.name_en.clone()).unwrap_or_default(),
    )
}

fn row(code: String, name_zh: String, name_en: String, counts: RateCounts) -> RatesRow {
    RatesRow {
        code,
        name_zh,
        name_en,
        rates: counts.rates(),
        counts,
    }
}

fn total_row(counts: RateCounts) -> RatesRow {
    row("*".into(), "合计".into(), "Total".into(), counts)
}

/// Adds rows of counts up per group; by code, and their total.
fn grouped<'a>(
    snapshot: &Snapshot,
    by: GroupBy,
    counted: impl IntoIterator<Item = &'a RateRow>,
) -> (Vec<RatesRow>, RatesRow) {
    let mut groups: BTreeMap<String, (String, String, RateCounts)> = BTreeMap::new();
    let mut total = RateCounts::default();
    for r in counted {
        let (code, zh, en) = group(snapshot, by, r);
        groups
            .entry(code)
            .or_insert_with(|| (zh, en, RateCounts::default()))
            .2
            .add(&r.counts);
        total.add(&r.counts);
    }
    let rows = groups
        .into_iter()
        .map(|(code, (zh, en, counts))| row(code, zh, en, counts))
        .collect();
    (rows, total_row(total))
}

#[utoipa::path(get, path = "/api/v1/stats/rates", tag = "stats", params(RatesQuery),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = RatesResponse, description = "the figures per group, by code, and their total; formulas in docs/evaluation.md"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor, dispatcher or admin"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a date that is not one, or a period that ends before it starts or spans more than 2 years"),
    ))]
pub async fn rates(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<RatesQuery>,
) -> AppResult<ApiJson<RatesResponse>> {
    staff.require_any(STATS_ROLES)?;
    let now = OffsetDateTime::now_utc();
    let (from, to) = period(&query.from, &query.to, now)?;
    let by = query.by.unwrap_or_default();
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let counted = state
        .store
        .rate_counts(&[from, to], now, RateGrouping::Detail)
        .await?;
    let (rows, total) = grouped(&snapshot, by, &counted);
    Ok(ApiJson(RatesResponse {
        by,
        from: date_text(from),
        to: date_text(to),
        read_at: read_at(now),
        rows,
        total,
    }))
}

fn month_of(query: &RankingQuery, now: OffsetDateTime) -> AppResult<Date> {
    match &query.month {
        Some(text) => day("month", &format!("{}-01", text.trim()))
            .map_err(|_| field_error("month", "a month as YYYY-MM")),
        None => Ok(first_of_month(today(now))),
    }
}

fn month_label(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

#[utoipa::path(get, path = "/api/v1/stats/ranking", tag = "stats", params(RankingQuery),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = RankingResponse, description = "every unit's figures for the month"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor, dispatcher or admin"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a month that is not YYYY-MM"),
    ))]
pub async fn ranking(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<RankingQuery>,
) -> AppResult<ApiJson<RankingResponse>> {
    staff.require_any(STATS_ROLES)?;
    let now = OffsetDateTime::now_utc();
    let month = month_of(&query, now)?;
    let (from, to) = (at(month), at(add_months(month, 1)));
    let counted = state
        .store
        .rate_counts(&[from, to], now, RateGrouping::Unit)
        .await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let (rows, total) = grouped(&snapshot, GroupBy::Unit, &counted);
    Ok(ApiJson(RankingResponse {
        month: month_label(month),
        from: month.to_string(),
        to: add_months(month, 1).to_string(),
        read_at: read_at(now),
        rows,
        total,
    }))
}

#[utoipa::path(get, path = "/api/v1/stats/trend", tag = "stats", params(RankingQuery),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = TrendResponse, description = "each unit's rates in the 12 months up to the month"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor, dispatcher or admin"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a month that is not YYYY-MM"),
    ))]
pub async fn trend(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<RankingQuery>,
) -> AppResult<ApiJson<TrendResponse>> {
    staff.require_any(STATS_ROLES)?;
    let now = OffsetDateTime::now_utc();
    let month = month_of(&query, now)?;
    // 12 months up to and including `month`: 13 bounds, one query.
    let bounds: Vec<OffsetDateTime> = (-11..=1).map(|n| at(add_months(month, n))).collect();
    let counted = state
        .store
        .rate_counts(&bounds, now, RateGrouping::Unit)
        .await?;
    let mut units: BTreeMap<&str, [RateCounts; 12]> = BTreeMap::new();
    let mut total = [RateCounts::default(); 12];
    for r in counted.iter().filter(|r| r.period < 12) {
        units
            .entry(&r.unit_code)
            .or_insert([RateCounts::default(); 12])[r.period]
            .add(&r.counts);
        total[r.period].add(&r.counts);
    }
    let trend_row = |code: &str, months: &[RateCounts; 12]| TrendRow {
        code: code.to_owned(),
        rates: months.iter().map(RateCounts::rates).collect::<Vec<Rates>>(),
    };
    Ok(ApiJson(TrendResponse {
        months: (-11..=0)
            .map(|n| month_label(add_months(month, n)))
            .collect(),
        read_at: read_at(now),
        rows: units
            .iter()
            .map(|(code, months)| trend_row(code, months))
            .collect(),
        total: trend_row("*", &total),
    }))
}

/// The grid codes of a region (itself, when it is a grid).
fn grids_of(snapshot: &Snapshot, code: &str) -> Vec<String> {
    let mut grids: Vec<String> = snapshot
        .within(code)
        .into_iter()
        .filter(|r| r.level == RegionLevel::Grid)
        .map(|r| r.code.clone())
        .collect();
    grids.sort();
    grids
}

#[utoipa::path(get, path = "/api/v1/stats/tickets", tag = "stats", params(RatedTicketsQuery),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = RatedTicketsResponse, description = "the tickets behind one number of `rates` or `ranking`: exactly those it counts"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor, dispatcher or admin"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a bad period, or a code that is no group of `by`"),
    ))]
pub async fn rated_tickets(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<RatedTicketsQuery>,
) -> AppResult<ApiJson<RatedTicketsResponse>> {
    staff.require_any(STATS_ROLES)?;
    let now = OffsetDateTime::now_utc();
    let (from, to) = period(&query.from, &query.to, now)?;
    let by = query.by.unwrap_or_default();
    let measure = query.measure.unwrap_or_default();
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let unknown = || field_error("code", format!("no {by:?} has this code").to_lowercase());
    let scope = match query.code.as_deref().map(str::trim) {
        None | Some("*") => RateScope::All,
        Some(code) => match by {
            GroupBy::Unit => RateScope::Unit(code.to_owned()),
            GroupBy::Matter => RateScope::Matter(code.to_owned()),
            _ if code == "-" => RateScope::NoGrid,
            _ => {
                let level = region_level(by).expect("a region grouping");
                if snapshot.regions.get(code).map(|r| r.level) != Some(level) {
                    return Err(unknown());
                }
                RateScope::Grids(grids_of(&snapshot, code))
            }
        },
    };
    let (count, rows) = state
        .store
        .rated_tickets(from, to, now, &scope, measure, DRILL_DOWN_LIMIT)
        .await?;
    let tickets: Vec<RatedTicket> = rows
        .into_iter()
        .map(|t| RatedTicket {
            tracking_code: t.tracking_code,
            matter_code: t.matter_code,
            lead_unit_code: t.lead_unit_code,
            region_code: t.region_code,
            response_due: t.response_due,
            responded_at: t.responded_at,
            handling_due: t.handling_due,
            resolved_at: t.resolved_at,
            satisfaction: t.satisfaction,
            counts: t.counts,
        })
        .collect();
    Ok(ApiJson(RatedTicketsResponse {
        measure,
        from: date_text(from),
        to: date_text(to),
        read_at: read_at(now),
        truncated: count > tickets.len() as u64,
        count,
        tickets,
    }))
}

/// The district (the one region without a parent) or a street named by the query.
fn scope_region<'a>(snapshot: &'a Snapshot, street: &Option<String>) -> AppResult<&'a Region> {
    match street.as_deref().map(str::trim) {
        Some(code) => snapshot
            .regions
            .get(code)
            .filter(|r| r.level == RegionLevel::Street)
            .ok_or_else(|| field_error("street", "no street has this code")),
        None => {
            let mut roots = snapshot
                .regions
                .values()
                .filter(|r| r.parent_code.is_none());
            match (roots.next(), roots.next()) {
                (Some(root), None) => Ok(root),
                _ => Err(field_error(
                    "street",
                    "the regions have no single root; name a street",
                )),
            }
        }
    }
}

/// Intake in the scope's grids: `[previous, current]` per key.
fn intake_by<K: Ord>(
    rows: &[IntakeRow],
    in_scope: impl Fn(&IntakeRow) -> bool,
    key: impl Fn(&IntakeRow) -> K,
) -> BTreeMap<K, [u64; 2]> {
    let mut out: BTreeMap<K, [u64; 2]> = BTreeMap::new();
    for r in rows.iter().filter(|r| in_scope(r) && r.period < 2) {
        out.entry(key(r)).or_default()[r.period] += r.tickets;
    }
    out
}

fn change(code: String, zh: String, en: String, counts: [u64; 2]) -> Change {
    Change {
        code,
        name_zh: zh,
        name_en: en,
        previous: counts[0],
        current: counts[1],
    }
}

fn matter_change(snapshot: &Snapshot, code: &str, counts: [u64; 2]) -> Change {
    let matter = snapshot.matters.get(code);
    change(
        code.to_owned(),
        matter.map(|m| m.name_zh.clone()).unwrap_or_default(),
        matter.map(|m| m.name_en.clone()).unwrap_or_default(),
        counts,
    )
}

/// The grids' outlines as SVG paths: longitude scaled by the cosine of the middle
/// latitude (so shapes keep their proportions), north up, 1000 units wide.
fn svg_paths<'a>(
    shapes: impl IntoIterator<Item = (&'a str, &'a [Polygon])>,
) -> (String, BTreeMap<&'a str, String>) {
    let shapes: Vec<(&str, &[Polygon])> = shapes.into_iter().collect();
    let points = || {
        shapes
            .iter()
            .flat_map(|(_, polygons)| polygons.iter())
            .flat_map(|p| p.outer.iter())
    };
    let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in points() {
        west = west.min(p.lon);
        east = east.max(p.lon);
        south = south.min(p.lat);
        north = north.max(p.lat);
    }
    if west > east {
        return ("0 0 1000 1000".into(), BTreeMap::new());
    }
    let squeeze = ((south + north) / 2.0).to_radians().cos();
    let width = ((east - west) * squeeze).max(f64::EPSILON);
    let height = (north - south).max(f64::EPSILON);
    let scale = 1000.0 / width.max(height);
    let project = |lon: f64, lat: f64| ((lon - west) * squeeze * scale, (north - lat) * scale);
    let ring = |points: &[gridline_core::geo::Point]| {
        let mut d = String::new();
        for (i, p) in points.iter().enumerate() {
            let (x, y) = project(p.lon, p.lat);
            d.push_str(&format!("{}{x:.1} {y:.1} ", if i == 0 { "M" } else { "L" }));
        }
        d.push('Z');
        d
    };
    let paths = shapes
        .iter()
        .map(|(code, polygons)| {
            let d = polygons
                .iter()
                .flat_map(|p| std::iter::once(&p.outer).chain(p.holes.iter()))
                .map(|r| ring(r))
                .collect::<Vec<_>>()
                .join(" ");
            (*code, d)
        })
        .collect();
    let view_box = format!(
        "0 0 {:.0} {:.0}",
        (width * scale).ceil(),
        (height * scale).ceil()
    );
    (view_box, paths)
}

#[utoipa::path(get, path = "/api/v1/stats/hotspots", tag = "stats", params(HotspotsQuery),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = HotspotsResponse, description = "tickets received per grid (with its outline) and the rising matter types, against the period just before"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor, dispatcher or admin"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a bad period or street"),
    ))]
pub async fn hotspots(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<HotspotsQuery>,
) -> AppResult<ApiJson<HotspotsResponse>> {
    staff.require_any(STATS_ROLES)?;
    let now = OffsetDateTime::now_utc();
    let to = match &query.to {
        Some(text) => day("to", text)?,
        None => today(now) + Duration::days(1),
    };
    let from = match &query.from {
        Some(text) => day("from", text)?,
        None => to - Duration::days(30),
    };
    let (from, to) = checked(from, to)?;
    let previous = from - (to - from);
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let scope = scope_region(&snapshot, &query.street)?;
    let grids = grids_of(&snapshot, &scope.code);
    let counted = state.store.intake_counts(&[previous, from, to]).await?;
    let in_scope = |r: &IntakeRow| {
        r.region_code
            .as_ref()
            .is_some_and(|g| grids.binary_search(g).is_ok())
    };
    let per_grid = intake_by(&counted, in_scope, |r| {
        r.region_code.clone().unwrap_or_default()
    });
    let per_matter = intake_by(&counted, in_scope, |r| r.matter_code.clone());
    let (view_box, paths) = svg_paths(grids.iter().filter_map(|g| {
        snapshot
            .shapes
            .get(g)
            .map(|polygons| (g.as_str(), polygons.as_slice()))
    }));
    let mut total = [0u64; 2];
    for counts in per_grid.values() {
        total[0] += counts[0];
        total[1] += counts[1];
    }
    let mut rising: Vec<Change> = per_matter
        .iter()
        .filter(|(_, c)| c[1] > c[0])
        .map(|(code, c)| matter_change(&snapshot, code, *c))
        .collect();
    rising.sort_by(|a, b| {
        (b.current - b.previous)
            .cmp(&(a.current - a.previous))
            .then(b.current.cmp(&a.current))
            .then(a.code.cmp(&b.code))
    });
    rising.truncate(10);
    Ok(ApiJson(HotspotsResponse {
        from: date_text(from),
        to: date_text(to),
        previous_from: date_text(previous),
        scope: scope.code.clone(),
        view_box,
        grids: grids
            .iter()
            .map(|g| {
                let region = &snapshot.regions[g];
                GridHeat {
                    change: change(
                        g.clone(),
                        region.name_zh.clone(),
                        region.name_en.clone(),
                        per_grid.get(g).copied().unwrap_or_default(),
                    ),
                    path: paths.get(g.as_str()).cloned().unwrap_or_default(),
                }
            })
            .collect(),
        rising,
        total: change("*".into(), "合计".into(), "Total".into(), total),
    }))
}

/// A report's period holding `date`, and the one before it.
fn report_period(kind: ReportKind, date: Date) -> (Date, Date, Date) {
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
    let grids = grids_of(&snapshot, &scope.code);
    let in_scope = |grid: &Option<String>| {
        // The district's report also counts tickets without a grid.
        grid.as_ref().map_or(scope.parent_code.is_none(), |g| {
            grids.binary_search(g).is_ok()
        })
    };
    let intake = state.store.intake_counts(&[previous, from, to]).await?;
    let received = intake_by(&intake, |r| in_scope(&r.region_code), |_| ());
    let mut matters: Vec<Change> = intake_by(
        &intake,
        |r| in_scope(&r.region_code),
        |r| r.matter_code.clone(),
    )
    .iter()
    .filter(|(_, c)| c[1] > 0)
    .map(|(code, c)| matter_change(&snapshot, code, *c))
    .collect();
    matters.sort_by(|a, b| b.current.cmp(&a.current).then(a.code.cmp(&b.code)));
    matters.truncate(10);
    let counted = state
        .store
        .rate_counts(&[from, to], now, RateGrouping::Detail)
        .await?;
    let counted: Vec<&RateRow> = counted
        .iter()
        .filter(|r| in_scope(&r.region_code))
        .collect();
    let (units, total) = grouped(&snapshot, GroupBy::Unit, counted.iter().copied());
    let area_level = if scope.parent_code.is_none() {
        GroupBy::Street
    } else {
        GroupBy::Community
    };
    let (areas, _) = grouped(&snapshot, area_level, counted.iter().copied());
    Ok(ReportResponse {
        kind,
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

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn months_roll_over_the_year() {
        assert_eq!(add_months(date!(2026 - 12 - 01), 1), date!(2027 - 01 - 01));
        assert_eq!(add_months(date!(2026 - 01 - 01), -1), date!(2025 - 12 - 01));
        assert_eq!(
            add_months(date!(2026 - 11 - 01), -11),
            date!(2025 - 12 - 01)
        );
        assert_eq!(add_months(date!(2026 - 11 - 01), 0), date!(2026 - 11 - 01));
        // 2027-01-01 04:00 in China: January.
        assert_eq!(
            first_of_month(today(time::macros::datetime!(2026-12-31 20:00 UTC))),
            date!(2027 - 01 - 01)
        );
    }

    #[test]
    fn report_periods() {
        // 2026-11-25 is a Wednesday.
        let wed = date!(2026 - 11 - 25);
        assert_eq!(
            report_period(ReportKind::Weekly, wed),
            (
                date!(2026 - 11 - 23),
                date!(2026 - 11 - 30),
                date!(2026 - 11 - 16)
            )
        );
        assert_eq!(
            report_period(ReportKind::Weekly, date!(2026 - 11 - 29)).0,
            date!(2026 - 11 - 23),
            "Sunday ends the week"
        );
        assert_eq!(
            report_period(ReportKind::Monthly, date!(2026 - 03 - 31)),
            (
                date!(2026 - 03 - 01),
                date!(2026 - 04 - 01),
                date!(2026 - 02 - 01)
            )
        );
        assert_eq!(
            report_period(ReportKind::Daily, date!(2026 - 03 - 01)),
            (
                date!(2026 - 03 - 01),
                date!(2026 - 03 - 02),
                date!(2026 - 02 - 28)
            )
        );
    }

    #[test]
    fn grids_are_drawn_north_up_and_in_proportion() {
        use gridline_core::geo::Point;
        let square = |west: f64, south: f64| Polygon {
            outer: vec![
                Point::new(west, south),
                Point::new(west + 0.01, south),
                Point::new(west + 0.01, south + 0.01),
                Point::new(west, south + 0.01),
            ],
            holes: Vec::new(),
        };
        let north = [square(120.0, 36.01)];
        let south = [square(120.0, 36.0)];
        let (view_box, paths) = svg_paths([("N", &north[..]), ("S", &south[..])]);
        // Two squares stacked: 0.01° of longitude is cos(36°) as wide as 0.01° of
        // latitude is high.
        assert_eq!(view_box, "0 0 405 1000");
        assert!(paths["N"].starts_with("M0.0 500.0 "), "{}", paths["N"]);
        assert!(paths["S"].starts_with("M0.0 1000.0 "), "{}", paths["S"]);
        assert!(paths["S"].ends_with('Z'));
    }
}
