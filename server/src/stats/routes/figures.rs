//! The evaluation figures (评) for supervisors, dispatchers and admins: rates for any
//! grouping and period, the monthly ranking with its 12-month trend, and the tickets
//! behind any number; with the dates, periods and groupings the other views share.

use std::collections::BTreeMap;

use axum::extract::State;
use gridline_core::Role;
use gridline_core::api::reference::RegionLevel;
use gridline_core::api::stats::{
    GroupBy, RankingQuery, RankingResponse, RatedTicket, RatedTicketsQuery, RatedTicketsResponse,
    RatesQuery, RatesResponse, RatesRow, TrendResponse, TrendRow,
};
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::stats::{RateCounts, Rates};
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, Month, OffsetDateTime, Time};

use crate::auth::CurrentStaff;
use crate::catalogue::cache::Snapshot;
use crate::error::{ApiJson, ApiQuery, AppResult};
use crate::http::state::AppState;
use crate::stats::store::{RateGrouping, RateRow, RateScope};
use crate::tickets::field_error;

/// Who reads the figures.
pub const STATS_ROLES: &[Role] = &[Role::Supervisor, Role::Dispatcher, Role::Admin];

/// A drill-down lists at most this many tickets (and says how many there are).
const DRILL_DOWN_LIMIT: u32 = 1000;

pub(crate) fn at(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_offset(CHINA_OFFSET)
}

pub(crate) fn today(now: OffsetDateTime) -> Date {
    now.to_offset(CHINA_OFFSET).date()
}

pub(crate) fn day(field: &str, text: &str) -> AppResult<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format).map_err(|_| field_error(field, "a date as YYYY-MM-DD"))
}

/// The first day of the month `months` after `first`'s (negative: before).
pub(crate) fn add_months(first: Date, months: i32) -> Date {
    let index = first.year() * 12 + i32::from(u8::from(first.month())) - 1 + months;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(Month::January);
    Date::from_calendar_date(index.div_euclid(12), month, 1).unwrap_or(first)
}

pub(crate) fn first_of_month(date: Date) -> Date {
    date.replace_day(1).expect("every month has a first day")
}

pub(crate) fn date_text(t: OffsetDateTime) -> String {
    t.to_offset(CHINA_OFFSET).date().to_string()
}

pub(crate) fn read_at(now: OffsetDateTime) -> String {
    now.to_offset(CHINA_OFFSET)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// `[from, to)` from the query's days, defaulting to this month; at most 2 years.
pub(crate) fn period(
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
pub(crate) fn checked(from: Date, to: Date) -> AppResult<(OffsetDateTime, OffsetDateTime)> {
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
pub(crate) fn grouped<'a>(
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
        .rate_counts(&[from, to], now, RateGrouping::Detail, None)
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
        .rate_counts(&[from, to], now, RateGrouping::Unit, None)
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
        .rate_counts(&bounds, now, RateGrouping::Unit, None)
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
                RateScope::Grids(snapshot.grids_of(code))
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

#[cfg(test)]
mod tests;
