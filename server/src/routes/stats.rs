//! The evaluation figures (评) for supervisors, dispatchers and admins.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use gridline_core::Role;
use gridline_core::api::reference::RegionLevel;
use gridline_core::api::stats::{GroupBy, RatesQuery, RatesResponse, RatesRow};
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::stats::RateCounts;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppResult};
use crate::reference::Snapshot;
use crate::serve::AppState;
use crate::tickets::field_error;

pub fn router() -> Router<AppState> {
    Router::new().route("/stats/rates", get(rates))
}

/// Who reads the figures.
pub const STATS_ROLES: &[Role] = &[Role::Supervisor, Role::Dispatcher, Role::Admin];

fn day(field: &str, text: &str) -> AppResult<OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date =
        Date::parse(text.trim(), format).map_err(|_| field_error(field, "a date as YYYY-MM-DD"))?;
    Ok(date.with_time(Time::MIDNIGHT).assume_offset(CHINA_OFFSET))
}

/// This month's first day and the next month's, in China time.
fn this_month(now: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
    let today = now.to_offset(CHINA_OFFSET).date();
    let first = today.replace_day(1).expect("every month has a first day");
    let next = first
        .replace_month(first.month().next())
        .ok()
        .filter(|d| d > &first)
        .unwrap_or_else(|| {
            Date::from_calendar_date(first.year() + 1, time::Month::January, 1)
                .expect("1 January exists")
        });
    let at = |d: Date| d.with_time(Time::MIDNIGHT).assume_offset(CHINA_OFFSET);
    (at(first), at(next))
}

/// The group a row of counts belongs to: its code and names.
fn group(
    snapshot: &Snapshot,
    by: GroupBy,
    row: &crate::store::RateRow,
) -> (String, String, String) {
    let unknown = || ("-".to_owned(), "未知网格".to_owned(), "No grid".to_owned());
    match by {
        GroupBy::Unit => {
            let unit = snapshot.units.get(&row.unit_code);
            (
                row.unit_code.clone(),
                unit.map(|u| u.name_zh.clone()).unwrap_or_default(),
                unit.map(|u| u.name_en.clone()).unwrap_or_default(),
            )
        }
        GroupBy::Matter => {
            let matter = snapshot.matters.get(&row.matter_code);
            (
                row.matter_code.clone(),
                matter.map(|m| m.name_zh.clone()).unwrap_or_default(),
                matter.map(|m| m.name_en.clone()).unwrap_or_default(),
            )
        }
        GroupBy::Street | GroupBy::Community | GroupBy::Grid => {
            let level = match by {
                GroupBy::Street => RegionLevel::Street,
                GroupBy::Community => RegionLevel::Community,
                _ => RegionLevel::Grid,
            };
            let Some(grid) = &row.region_code else {
                return unknown();
            };
            snapshot
                .lineage(grid)
                .into_iter()
                .find(|r| r.level == level)
                .map(|r| (r.code, r.name_zh, r.name_en))
                .unwrap_or_else(unknown)
        }
    }
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

#[utoipa::path(get, path = "/api/v1/stats/rates", tag = "stats", params(RatesQuery),
    responses(
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
    let (default_from, default_to) = this_month(now);
    let from = match &query.from {
        Some(text) => day("from", text)?,
        None => default_from,
    };
    let to = match &query.to {
        Some(text) => day("to", text)?,
        None => default_to,
    };
    if to <= from {
        return Err(field_error("to", "the period ends after it starts"));
    }
    if to - from > time::Duration::days(732) {
        return Err(field_error("to", "a period of at most 2 years"));
    }
    let by = query.by.unwrap_or_default();
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let counted = state.store.rate_counts(from, to, now).await?;
    let mut groups: BTreeMap<String, (String, String, RateCounts)> = BTreeMap::new();
    let mut total = RateCounts::default();
    for r in &counted {
        let (code, zh, en) = group(&snapshot, by, r);
        groups
            .entry(code)
            .or_insert_with(|| (zh, en, RateCounts::default()))
            .2
            .add(&r.counts);
        total.add(&r.counts);
    }
    let date = |t: OffsetDateTime| t.to_offset(CHINA_OFFSET).date().to_string();
    Ok(ApiJson(RatesResponse {
        by,
        from: date(from),
        to: date(to),
        read_at: now
            .to_offset(CHINA_OFFSET)
            .format(&Rfc3339)
            .unwrap_or_default(),
        rows: groups
            .into_iter()
            .map(|(code, (zh, en, counts))| row(code, zh, en, counts))
            .collect(),
        total: row("*".into(), "合计".into(), "Total".into(), total),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_the_year() {
        let (from, to) = this_month(time::macros::datetime!(2026-12-31 20:00 UTC));
        // 2027-01-01 04:00 in China: January.
        assert_eq!(from.date().to_string(), "2027-01-01");
        assert_eq!(to.date().to_string(), "2027-02-01");
        let (from, to) = this_month(time::macros::datetime!(2026-11-24 01:00 UTC));
        assert_eq!(
            (from.date().to_string(), to.date().to_string()),
            ("2026-11-01".into(), "2026-12-01".into())
        );
    }
}
