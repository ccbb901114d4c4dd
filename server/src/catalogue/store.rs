//! Catalogue as stored: the records and the `CatalogueStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use gridline_core::api::reference::{HandlingUnit, MatterType, Region, RegionWithShape};
use gridline_core::calendar::WorkCalendar;
use gridline_core::geo::Polygon;

use crate::store::shared::{StoreError, StoreResult};

/// Reference data written in one transaction (demo data, the importers). Rows are
/// inserted or updated by code, never deleted (tickets refer to them); a unit's
/// responsibilities are replaced by those given for it.
#[derive(Debug, Clone, Default)]
pub struct ReferenceData {
    /// Parents before children.
    pub matter_types: Vec<MatterType>,
    /// Parents before children.
    pub regions: Vec<RegionWithShape>,
    pub units: Vec<HandlingUnit>,
}

/// One row of `unit_responsibilities`.
pub(crate) struct ResponsibilityRow {
    pub unit_code: String,
    pub matter_code: String,
    pub region_code: String,
}

/// Groups responsibility rows under their units (rows sorted by unit, then matter and
/// region, as the queries return them).
pub(crate) fn attach_responsibilities(
    mut units: Vec<HandlingUnit>,
    rows: Vec<ResponsibilityRow>,
) -> Vec<HandlingUnit> {
    for unit in &mut units {
        for row in rows.iter().filter(|r| r.unit_code == unit.code) {
            if !unit.matters.contains(&row.matter_code) {
                unit.matters.push(row.matter_code.clone());
            }
            if !unit.areas.contains(&row.region_code) {
                unit.areas.push(row.region_code.clone());
            }
        }
    }
    units
}

pub(crate) fn keywords_to_text(keywords: &[String]) -> String {
    keywords.join("|")
}

pub(crate) fn shape_to_text(shape: &Option<Vec<Polygon>>) -> Option<String> {
    shape
        .as_ref()
        .map(|s| serde_json::to_string(s).expect("polygons serialize"))
}

/// Parses stored calendar years back into one calendar.
pub(crate) fn calendar_from_years(rows: Vec<(i32, String)>) -> StoreResult<WorkCalendar> {
    let mut calendar = WorkCalendar::default();
    for (year, csv) in rows {
        let parsed = WorkCalendar::parse_csv(&csv).map_err(|errors| {
            StoreError::Corrupt(format!("stored calendar {year}: {}", errors[0]))
        })?;
        calendar.merge(parsed);
    }
    Ok(calendar)
}

pub(crate) fn level_from_text(
    text: &str,
) -> StoreResult<gridline_core::api::reference::RegionLevel> {
    gridline_core::api::reference::RegionLevel::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown region level {text:?}")))
}

/// The matter catalogue, the jurisdiction tree, the units, the working-day calendar and
/// the deadline rules.
#[async_trait]
pub trait CatalogueStore: Send + Sync {
    /// Writes all of it or nothing, and bumps the reference revision.
    async fn upsert_reference_data(&self, data: &ReferenceData) -> StoreResult<()>;

    /// Changes whenever reference data does (in any process).
    async fn reference_revision(&self) -> StoreResult<i64>;

    async fn list_matter_types(&self) -> StoreResult<Vec<MatterType>>;

    async fn list_regions(&self) -> StoreResult<Vec<Region>>;

    /// Every region that has a shape, with it (for locating points).
    async fn list_shapes(&self) -> StoreResult<Vec<(String, Vec<Polygon>)>>;

    /// Units with their matters and areas.
    async fn list_units(&self) -> StoreResult<Vec<HandlingUnit>>;

    /// The working-day calendar: every stored year.
    async fn load_calendar(&self) -> StoreResult<WorkCalendar>;

    /// Stores each year `calendar` holds, replacing those years; bumps the reference
    /// revision.
    async fn save_calendar_years(&self, calendar: &WorkCalendar) -> StoreResult<()>;

    /// The deadline rules as imported (CSV, see `catalogue::import::deadlines`); `None`
    /// when none were.
    async fn load_deadline_rules(&self) -> StoreResult<Option<String>>;

    /// Replaces the deadline rules with `csv` (checked by the caller); bumps the
    /// reference revision.
    async fn save_deadline_rules(&self, csv: &str) -> StoreResult<()>;
}
