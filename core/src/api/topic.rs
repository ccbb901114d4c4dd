//! The monthly topic (每月一题): a supervisor picks one problem class for the month (a
//! matter type, in an area or the whole district), names a lead unit and the units
//! working with it; the topic gathers every ticket of the class, past and new, logs
//! the measures taken, and is closed when the class is solved, with a look back three
//! months on.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::{FieldError, FieldIssue, Validator};
use super::ticket::NOTE_MAX;

/// A problem class the dashboard suggests: a matter type in a street.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicSuggestion {
    pub matter_code: String,
    pub matter_zh: String,
    pub matter_en: String,
    /// The street (`None`: tickets without a grid).
    pub region_code: Option<String>,
    pub region_zh: String,
    pub region_en: String,
    /// Received in the last 90 days, and in the 90 days before.
    pub received: u64,
    pub received_before: u64,
    /// Of those received, not resolved yet.
    pub unresolved: u64,
    /// Of those received, reported again at the same place (重复诉求).
    pub repeated: u64,
}

/// `GET /api/v1/topics/suggestions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicSuggestionsResponse {
    /// The classes with the most repeated and unresolved complaints (at most 10).
    pub most: Vec<TopicSuggestion>,
    /// The classes that rose most against the 90 days before (at most 5).
    pub rising: Vec<TopicSuggestion>,
}

/// `POST /api/v1/topics` (supervisors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTopicRequest {
    /// `YYYY-MM`.
    pub month: String,
    pub title: String,
    /// The class: a matter type (with everything below it) ...
    pub matter_code: String,
    /// ... in a region (with every grid below it); none: the whole district.
    #[serde(default)]
    pub region_code: Option<String>,
    pub lead_unit_code: String,
    /// The units working with it.
    #[serde(default)]
    pub unit_codes: Vec<String>,
}

impl NewTopicRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        let month_ok = self.month.len() == 7
            && self.month.as_bytes()[4] == b'-'
            && self.month[..4].parse::<u16>().is_ok()
            && self.month[5..]
                .parse::<u8>()
                .is_ok_and(|m| (1..=12).contains(&m));
        if !month_ok {
            v.add("month", FieldIssue::Invalid, "a month as YYYY-MM");
        }
        v.text("title", &self.title, 1, 200);
        v.text("matter_code", &self.matter_code, 1, 32);
        v.text("lead_unit_code", &self.lead_unit_code, 1, 32);
        if self.unit_codes.len() > 20 {
            v.add("unit_codes", FieldIssue::TooLong, "at most 20 units");
        }
        v.finish()
    }
}

/// `POST /api/v1/topics/{id}/measures`: a measure taken (措施), with the households it
/// reached where counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TopicMeasureRequest {
    pub note: String,
    #[serde(default)]
    pub households: Option<u32>,
}

impl TopicMeasureRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        v.text("note", &self.note, 1, NOTE_MAX);
        if self.households.is_some_and(|h| h > 1_000_000) {
            v.add("households", FieldIssue::Invalid, "at most 1,000,000");
        }
        v.finish()
    }
}

/// `POST /api/v1/topics/{id}/close`: the class is solved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseTopicRequest {
    pub note: String,
}

/// One measure on a topic's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicMeasure {
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub unit_code: Option<String>,
    pub note: String,
    pub households: Option<u32>,
}

/// One ticket of a topic's class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicTicket {
    pub tracking_code: String,
    pub matter_code: String,
    pub region_code: Option<String>,
    pub status: crate::ticket::Status,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
}

/// Did complaints of the class come back? Received in the three months after the
/// topic closed against the three months before it opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicLookBack {
    pub before: u64,
    pub after: u64,
    /// The three months after closing are over.
    pub complete: bool,
}

/// A topic with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Topic {
    pub id: i64,
    pub month: String,
    pub title: String,
    pub matter_code: String,
    pub region_code: Option<String>,
    pub lead_unit_code: String,
    pub unit_codes: Vec<String>,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opened_at: OffsetDateTime,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub closed_at: Option<OffsetDateTime>,
    pub close_note: Option<String>,
    /// Every ticket of the class.
    pub tickets: u64,
    pub resolved: u64,
    pub open: u64,
    /// Communities with a ticket of the class.
    pub communities: u64,
    /// Households the measures reached, where counted.
    pub households: u64,
    pub measures: Vec<TopicMeasure>,
    pub look_back: Option<TopicLookBack>,
    /// The class's tickets, newest first (at most 200; `tickets` counts all).
    pub ticket_list: Vec<TopicTicket>,
}

/// `GET /api/v1/topics`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicsResponse {
    pub topics: Vec<Topic>,
}
