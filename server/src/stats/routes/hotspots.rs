//! Hotspots (热点): where complaints of a street's grids came from in a period, drawn as
//! the grids' own shapes (SVG paths, north up), with the matter types and grids that rose
//! or fell against the period before.

use std::collections::BTreeMap;

use axum::extract::State;
use gridline_core::api::reference::{Region, RegionLevel};
use gridline_core::api::stats::{Change, GridHeat, HotspotsQuery, HotspotsResponse};
use time::{Duration, OffsetDateTime};

use crate::auth::CurrentStaff;
use crate::catalogue::cache::Snapshot;
use crate::catalogue::map::svg_paths;
use crate::error::{ApiJson, ApiQuery, AppResult};
use crate::http::state::AppState;
use crate::stats::routes::figures::{STATS_ROLES, checked, date_text, day, today};
use crate::stats::store::IntakeRow;
use crate::tickets::field_error;

/// The district (the one region without a parent) or a street named by the query.
pub(crate) fn scope_region<'a>(
    snapshot: &'a Snapshot,
    street: &Option<String>,
) -> AppResult<&'a Region> {
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
pub(crate) fn intake_by<K: Ord>(
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

pub(crate) fn change(code: String, zh: String, en: String, counts: [u64; 2]) -> Change {
    Change {
        code,
        name_zh: zh,
        name_en: en,
        previous: counts[0],
        current: counts[1],
    }
}

pub(crate) fn matter_change(snapshot: &Snapshot, code: &str, counts: [u64; 2]) -> Change {
    let matter = snapshot.matters.get(code);
    change(
        code.to_owned(),
        matter.map(|m| m.name_zh.clone()).unwrap_or_default(),
        matter.map(|m| m.name_en.clone()).unwrap_or_default(),
        counts,
    )
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
    let (from, to) = hotspot_period(&query)?;
    let previous = from - (to - from);
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let scope = scope_region(&snapshot, &query.street)?;
    let grids = snapshot.grids_of(&scope.code);
    let counted = state
        .store
        .intake_counts(&[previous, from, to], None)
        .await?;
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
    let rising = rising(&snapshot, &per_matter);
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

/// The period asked for: by default the 30 days up to today (inclusive).
fn hotspot_period(query: &HotspotsQuery) -> AppResult<(OffsetDateTime, OffsetDateTime)> {
    let to = match &query.to {
        Some(text) => day("to", text)?,
        None => today(OffsetDateTime::now_utc()) + Duration::days(1),
    };
    let from = match &query.from {
        Some(text) => day("from", text)?,
        None => to - Duration::days(30),
    };
    checked(from, to)
}

/// The ten matter types that rose most against the period before (then the most
/// received, then by code).
fn rising(snapshot: &Snapshot, per_matter: &BTreeMap<String, [u64; 2]>) -> Vec<Change> {
    let mut rising: Vec<Change> = per_matter
        .iter()
        .filter(|(_, c)| c[1] > c[0])
        .map(|(code, c)| matter_change(snapshot, code, *c))
        .collect();
    rising.sort_by(|a, b| {
        (b.current - b.previous)
            .cmp(&(a.current - a.previous))
            .then(b.current.cmp(&a.current))
            .then(a.code.cmp(&b.code))
    });
    rising.truncate(10);
    rising
}
