//! `GET /api/v1/stats/rates`: the evaluation figures (评) per unit, street, community,
//! grid or matter type for a period. The formulas: [`crate::stats`].

use serde::{Deserialize, Serialize};

use crate::stats::{RateCounts, Rates};

/// What the figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// The lead unit (承办单位).
    #[default]
    Unit,
    Street,
    Community,
    Grid,
    /// The matter type (the catalogue's leaf).
    Matter,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct RatesQuery {
    /// unit (default), street, community, grid or matter.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub by: Option<GroupBy>,
    /// First day of the period (China time, `YYYY-MM-DD`); default: this month's first.
    #[serde(default)]
    pub from: Option<String>,
    /// The day after the period (exclusive); default: next month's first.
    #[serde(default)]
    pub to: Option<String>,
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatesRow {
    /// The unit's, region's or matter type's code; `-` for tickets without a grid.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub counts: RateCounts,
    pub rates: Rates,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatesResponse {
    pub by: GroupBy,
    pub from: String,
    pub to: String,
    /// The time the figures were read at (tickets not yet due do not count).
    pub read_at: String,
    /// By code.
    pub rows: Vec<RatesRow>,
    pub total: RatesRow,
}
