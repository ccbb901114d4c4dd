//! Consultation (会商): when a unit asks to hand a ticket back as not its duty, or units
//! disagree whose it is, the platform invites the units involved, each states its
//! view, and a dispatcher decides the responsible unit, all on the ticket's record.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::{FieldError, FieldIssue, Validator};
use super::ticket::NOTE_MAX;

/// The most units one consultation invites.
pub const MAX_INVITED: usize = 8;

/// `POST /api/v1/tickets/{code}/consultation`: opens one (dispatchers, supervisors).
/// The ticket's lead unit is invited whatever the list says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenConsultationRequest {
    /// The other units invited, by code.
    pub units: Vec<String>,
    /// What is disputed.
    pub note: String,
}

impl OpenConsultationRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        if self.units.is_empty() || self.units.len() > MAX_INVITED {
            v.add(
                "units",
                FieldIssue::Invalid,
                format!("1 to {MAX_INVITED} units besides the lead unit"),
            );
        }
        v.text("note", &self.note, 1, NOTE_MAX);
        v.finish()
    }
}

/// `POST /api/v1/tickets/{code}/consultation/views`: an invited unit states its view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsultationViewRequest {
    pub note: String,
    /// Which of the caller's units speaks, when they act for several invited ones.
    #[serde(default)]
    pub unit_code: Option<String>,
}

impl ConsultationViewRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        v.text("note", &self.note, 1, NOTE_MAX);
        v.finish()
    }
}

/// `POST /api/v1/tickets/{code}/consultation/decision`: a dispatcher decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsultationDecisionRequest {
    /// The responsible unit: one of those invited.
    pub unit_code: String,
    pub note: String,
}

impl ConsultationDecisionRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        v.text("unit_code", &self.unit_code, 1, 32);
        v.text("note", &self.note, 1, NOTE_MAX);
        v.finish()
    }
}

/// One invited unit and what it said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultedUnit {
    pub unit_code: String,
    pub view: Option<String>,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub stated_at: Option<OffsetDateTime>,
}

/// A consultation, open or decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consultation {
    pub id: i64,
    pub tracking_code: String,
    pub matter_code: String,
    /// The ticket's lead unit now.
    pub lead_unit_code: Option<String>,
    /// A unit's return request waits on it.
    pub return_pending: bool,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opened_at: OffsetDateTime,
    pub note: String,
    pub units: Vec<ConsultedUnit>,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub decided_at: Option<OffsetDateTime>,
    pub decided_unit_code: Option<String>,
    pub decision_note: Option<String>,
    /// The ticket's handling deadline: a consultation's time counts on it.
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub handling_due: Option<OffsetDateTime>,
}

/// `GET /api/v1/consultations` and `GET /api/v1/tickets/{code}/consultation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationsResponse {
    pub consultations: Vec<Consultation>,
}
