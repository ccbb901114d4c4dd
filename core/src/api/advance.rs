//! Acting before complaints (未诉先办): from last year's tickets, the weeks ahead in
//! which a matter type rose in a street are listed for the units in advance, with last
//! year's volume and where; a unit logs a preventive measure against one, and the
//! same week's figures a year on show whether complaints fell.

use serde::{Deserialize, Serialize};

use super::error::{FieldError, FieldIssue, Validator};
use super::ticket::NOTE_MAX;

/// `GET /api/v1/advance?weeks=`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct AdvanceQuery {
    /// How many weeks ahead, this one included (1-26, default 8).
    #[serde(default)]
    pub weeks: Option<u8>,
}

/// A grid and how many of last year's tickets it had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridCount {
    pub region_code: String,
    pub tickets: u64,
}

/// A preventive measure logged against a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreventiveMeasure {
    /// The notice's week (its Monday, `YYYY-MM-DD`).
    pub week_from: String,
    pub unit_code: Option<String>,
    pub note: String,
}

/// One advance notice: a matter type that rose in a street in this week last year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdvanceNotice {
    /// The week ahead (Monday, and the Monday after), `YYYY-MM-DD`, China time.
    pub week_from: String,
    pub week_to: String,
    pub matter_code: String,
    pub matter_zh: String,
    pub matter_en: String,
    pub street_code: String,
    pub street_zh: String,
    pub street_en: String,
    /// Tickets received in the same week last year (52 weeks before).
    pub last_year: u64,
    /// Last year's weekly average of the matter type in the street.
    pub weekly_average: f64,
    /// Where they were, most first (at most 5 grids).
    pub grids: Vec<GridCount>,
    /// The unit that led most of them (the one told in advance).
    pub unit_code: Option<String>,
    /// Received so far in the week this year (0 before it begins).
    pub this_year: u64,
    /// Preventive measures logged for this week, and for the same week last year.
    pub measures: Vec<PreventiveMeasure>,
    pub measures_last_year: Vec<PreventiveMeasure>,
}

/// `GET /api/v1/advance`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdvanceResponse {
    pub notices: Vec<AdvanceNotice>,
}

/// `POST /api/v1/advance/measures`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreventiveMeasureRequest {
    pub matter_code: String,
    pub street_code: String,
    /// The notice's week (its Monday, `YYYY-MM-DD`).
    pub week_from: String,
    pub note: String,
}

impl PreventiveMeasureRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        v.text("matter_code", &self.matter_code, 1, 32);
        v.text("street_code", &self.street_code, 1, 64);
        if self.week_from.len() != 10 {
            v.add("week_from", FieldIssue::Invalid, "a Monday as YYYY-MM-DD");
        }
        v.text("note", &self.note, 1, NOTE_MAX);
        v.finish()
    }
}
