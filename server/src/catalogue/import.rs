//! Importing (and exporting) reference data: the matter catalogue (CSV), the jurisdiction tree with
//! grid shapes (GeoJSON), the handling units with their responsibilities (CSV), the
//! working-day calendar and the deadline rules (CSV).
//!
//! An import is checked whole before anything is written: every problem is reported
//! with where it is (a CSV line, a GeoJSON feature), references are checked against the
//! file and what is stored already, and responsibilities are checked for conflicts the
//! way routing will use them. Then everything is written in one transaction. Rows are
//! inserted or updated by code and never deleted, since tickets refer to them. The
//! formats are those of `server/demo/`, which is also how the demo data is loaded.

pub mod deadlines;
pub mod export;
pub mod grids;
pub mod matters;
pub mod problems;
pub mod units;

use gridline_core::calendar::WorkCalendar;

use crate::catalogue::import::grids::parse_grids;
use crate::catalogue::import::matters::parse_catalogue;
use crate::catalogue::import::problems::{At, ImportError, ImportProblem, problem};
use crate::catalogue::import::units::parse_units;
use crate::catalogue::store::{CatalogueStore, ReferenceData};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    Catalogue,
    Grids,
    Units,
    /// The working-day calendar (CSV `date,kind,note`); replaces the years it names.
    Calendar,
    /// The deadline rules (CSV, see [`deadlines`]); replaces the whole set.
    Deadlines,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub matter_types: usize,
    pub regions: usize,
    pub units: usize,
}

pub fn parse_calendar(text: &str) -> Result<WorkCalendar, Vec<ImportProblem>> {
    WorkCalendar::parse_csv(text).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| problem(&At::Line(e.line), e.message))
            .collect()
    })
}

/// Checks `text` as `kind` against what is stored, then writes it in one transaction.
pub async fn import(
    store: &dyn CatalogueStore,
    kind: ImportKind,
    text: &str,
) -> Result<ImportSummary, ImportError> {
    let mut data = ReferenceData::default();
    match kind {
        ImportKind::Catalogue => {
            let stored = store.list_matter_types().await?;
            data.matter_types = parse_catalogue(text, &stored).map_err(ImportError::Invalid)?;
        }
        ImportKind::Grids => {
            let stored = store.list_regions().await?;
            data.regions = parse_grids(text, &stored).map_err(ImportError::Invalid)?;
        }
        ImportKind::Units => {
            let matters = store.list_matter_types().await?;
            let regions = store.list_regions().await?;
            let units = store.list_units().await?;
            data.units =
                parse_units(text, &matters, &regions, &units).map_err(ImportError::Invalid)?;
        }
        ImportKind::Calendar => {
            let calendar = parse_calendar(text).map_err(ImportError::Invalid)?;
            store.save_calendar_years(&calendar).await?;
            return Ok(ImportSummary::default());
        }
        ImportKind::Deadlines => {
            let matters = store.list_matter_types().await?;
            let rules =
                deadlines::parse_deadline_rules(text, &matters).map_err(ImportError::Invalid)?;
            store
                .save_deadline_rules(&deadlines::rules_csv(&rules))
                .await?;
            return Ok(ImportSummary::default());
        }
    }
    store.upsert_reference_data(&data).await?;
    Ok(ImportSummary {
        matter_types: data.matter_types.len(),
        regions: data.regions.len(),
        units: data.units.len(),
    })
}
