//! Acting before complaints (未诉先办, issue 18): from last year's tickets, the weeks
//! ahead in which a matter type rose in a street (heating each autumn, floods in
//! summer) are listed for the units in advance, with last year's volume and grids; a
//! unit logs a preventive measure against one, and a year on the same week shows this
//! year's count beside last year's and the measures taken then.
//!
//! A week "rose" when the same week 52 weeks earlier had at least [`MIN_TICKETS`]
//! tickets of the matter type in the street and at least twice that pair's weekly
//! average over the 52 weeks before this week.
//!
//! - `history.rs`: the previous system's tickets (往年工单), imported so there is a
//!   last year from the first day; read with Gridline's own.
//! - `store.rs`, `sql.rs`: preventive measures and the previous system's tickets.
//! - `routes.rs`: `/api/v1/advance`.

pub mod history;
pub mod routes;
pub mod store;

use std::collections::BTreeMap;

use gridline_core::api::advance::{AdvanceNotice, GridCount, PreventiveMeasure};
use gridline_core::api::reference::RegionLevel;
use gridline_core::deadline::CHINA_OFFSET;
use time::{Date, Duration, OffsetDateTime};

use crate::advance::store::MeasureRecord;
use crate::catalogue::cache::Snapshot;
use crate::catalogue::import::problems::ImportError;
use crate::stats::store::ReceivedRow;
use crate::store::Store;

/// A week must have had at least this many tickets to be noticed.
pub const MIN_TICKETS: u64 = 3;
/// 52 weeks: the same weekday a year before.
pub const YEAR: Duration = Duration::days(364);

/// Checks a history export (`history.rs`) against what is stored and adds its rows,
/// all or nothing: how many were new, and how many the file held.
pub async fn import_history(store: &dyn Store, text: &str) -> Result<(u64, usize), ImportError> {
    let tickets = history::parse_history(
        text,
        &store.list_matter_types().await?,
        &store.list_regions().await?,
        &store.list_units().await?,
    )
    .map_err(ImportError::Invalid)?;
    Ok((store.add_past_tickets(&tickets).await?, tickets.len()))
}

/// The Monday of `now`'s week, China time.
pub fn this_monday(now: OffsetDateTime) -> Date {
    let today = now.to_offset(CHINA_OFFSET).date();
    today - Duration::days(i64::from(today.weekday().number_days_from_monday()))
}

/// The instant `date` begins, China time.
pub fn start_of(date: Date) -> OffsetDateTime {
    date.midnight().assume_offset(CHINA_OFFSET)
}

fn measures_of(
    measures: &[MeasureRecord],
    matter: &str,
    street: &str,
    week: Date,
) -> Vec<PreventiveMeasure> {
    let week = week.to_string();
    measures
        .iter()
        .filter(|m| m.matter_code == matter && m.street_code == street && m.week_from == week)
        .map(|m| PreventiveMeasure {
            week_from: m.week_from.clone(),
            unit_code: m.unit_code.clone(),
            note: m.note.clone(),
        })
        .collect()
}

/// The notices for the `weeks` weeks from `monday`, from `rows` (every ticket received
/// from 52 weeks before `monday` to the end of the last week) and the `measures` of
/// those weeks and of the same weeks a year before.
pub fn notices(
    snapshot: &Snapshot,
    monday: Date,
    weeks: u8,
    rows: &[ReceivedRow],
    measures: &[MeasureRecord],
    now: OffsetDateTime,
) -> Vec<AdvanceNotice> {
    let baseline_from = start_of(monday) - YEAR;
    let baseline_to = start_of(monday);
    // Per (matter, street): the baseline count.
    let mut baseline: BTreeMap<(String, String), u64> = BTreeMap::new();
    let keyed: Vec<(&ReceivedRow, String)> = rows
        .iter()
        .filter_map(|r| {
            snapshot
                .ancestor(r.region_code.as_deref(), RegionLevel::Street)
                .map(|s| (r, s))
        })
        .collect();
    for (r, street) in &keyed {
        if r.created_at >= baseline_from && r.created_at < baseline_to {
            *baseline
                .entry((r.matter_code.clone(), street.clone()))
                .or_default() += 1;
        }
    }
    let mut found = Vec::new();
    for i in 0..i64::from(weeks) {
        let week = monday + Duration::weeks(i);
        let (from, to) = (start_of(week), start_of(week + Duration::weeks(1)));
        let (last_from, last_to) = (from - YEAR, to - YEAR);
        let mut groups: BTreeMap<(String, String), Vec<&ReceivedRow>> = BTreeMap::new();
        for (r, street) in &keyed {
            if r.created_at >= last_from && r.created_at < last_to {
                groups
                    .entry((r.matter_code.clone(), street.clone()))
                    .or_default()
                    .push(r);
            }
        }
        for ((matter, street), tickets) in groups {
            let last_year = tickets.len() as u64;
            let average = baseline
                .get(&(matter.clone(), street.clone()))
                .copied()
                .unwrap_or(0) as f64
                / 52.0;
            if last_year < MIN_TICKETS || (last_year as f64) < 2.0 * average {
                continue;
            }
            let mut grids: BTreeMap<&str, u64> = BTreeMap::new();
            let mut units: BTreeMap<&str, u64> = BTreeMap::new();
            for t in &tickets {
                if let Some(g) = &t.region_code {
                    *grids.entry(g).or_default() += 1;
                }
                if let Some(u) = &t.lead_unit_code {
                    *units.entry(u).or_default() += 1;
                }
            }
            let mut grids: Vec<GridCount> = grids
                .into_iter()
                .map(|(g, n)| GridCount {
                    region_code: g.to_owned(),
                    tickets: n,
                })
                .collect();
            grids.sort_by_key(|g| std::cmp::Reverse(g.tickets));
            grids.truncate(5);
            let unit = units
                .into_iter()
                .max_by_key(|(code, n)| (*n, std::cmp::Reverse(*code)))
                .map(|(u, _)| u.to_owned());
            let this_year = keyed
                .iter()
                .filter(|(r, s)| {
                    r.matter_code == matter
                        && *s == street
                        && r.created_at >= from
                        && r.created_at < to
                })
                .count() as u64;
            let m = snapshot.matters.get(&matter);
            let s = snapshot.regions.get(&street);
            found.push(AdvanceNotice {
                week_from: week.to_string(),
                week_to: (week + Duration::weeks(1)).to_string(),
                matter_zh: m.map(|m| m.name_zh.clone()).unwrap_or_default(),
                matter_en: m.map(|m| m.name_en.clone()).unwrap_or_default(),
                street_zh: s.map(|s| s.name_zh.clone()).unwrap_or_default(),
                street_en: s.map(|s| s.name_en.clone()).unwrap_or_default(),
                last_year,
                weekly_average: (average * 10.0).round() / 10.0,
                grids,
                unit_code: unit,
                this_year: if now >= from { this_year } else { 0 },
                measures: measures_of(measures, &matter, &street, week),
                measures_last_year: measures_of(
                    measures,
                    &matter,
                    &street,
                    week - Duration::weeks(52),
                ),
                matter_code: matter,
                street_code: street,
            });
        }
    }
    found
}
