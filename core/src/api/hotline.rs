//! The 12345 hotline: calls the telephone system announces to an operator's seat (the
//! pop-up), and a caller's earlier tickets, found by their number.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::{FieldError, FieldIssue, Validator};
use super::ticket::{valid_call_id, valid_phone};
use crate::ticket::Status;

/// `POST /api/v1/calls`: the telephone system tells the server a call was put through
/// to an operator (signed, see the API docs); the operator's console pops up with it.
/// Sending the same `call_id` again rings nothing twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallRing {
    /// The telephone system's id of the call.
    pub call_id: String,
    /// The caller's number as the telephone system shows it.
    pub caller: String,
    /// The operator who took the call: their sign-in name (the seat's agent id is set
    /// to it in the telephone system).
    pub operator: String,
}

impl CallRing {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        if !valid_call_id(&self.call_id) {
            v.add(
                "call_id",
                FieldIssue::Invalid,
                "1 to 100 visible ASCII characters",
            );
        }
        if !valid_phone(&self.caller) {
            v.add("caller", FieldIssue::Invalid, "5 to 20 digits");
        }
        v.text("operator", &self.operator, 1, 64);
        v.finish()
    }
}

/// A call as its operator's console sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallView {
    pub call_id: String,
    pub caller: String,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub rang_at: OffsetDateTime,
    /// Settled already: a ticket was filed from it, or an enquiry answered.
    pub handled: bool,
}

/// `GET /api/v1/calls`: the operator's calls of the last hour, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallsResponse {
    pub calls: Vec<CallView>,
}

/// `GET /api/v1/callers/tickets?phone=`: what a number filed before.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct CallerQuery {
    pub phone: String,
}

/// One of a caller's earlier tickets: enough for the operator to tell them where it
/// stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallerTicket {
    pub tracking_code: String,
    pub status: Status,
    pub matter_code: String,
    /// The unit handling it.
    pub unit_name: Option<String>,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub filed_at: OffsetDateTime,
    /// What the resident told, cut to 100 characters.
    pub description: String,
    /// The latest public step's note (the answer, once done).
    pub last_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallerTicketsResponse {
    /// Newest first, at most 20.
    pub tickets: Vec<CallerTicket>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ticket::phone_key;

    #[test]
    fn a_ring_needs_an_id_a_number_and_an_operator() {
        let mut ring = CallRing {
            call_id: "cti-2026-0001".into(),
            caller: "+86 139-0000-1234".into(),
            operator: "operator".into(),
        };
        assert!(ring.validate().is_ok());
        ring.call_id = "two words".into();
        ring.caller = "call me".into();
        ring.operator = String::new();
        let fields: Vec<String> = ring
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["call_id", "caller", "operator"]);
    }

    #[test]
    fn one_number_written_three_ways_is_one_key() {
        assert_eq!(phone_key("+86 139-0000-1234"), "13900001234");
        assert_eq!(phone_key("13900001234"), "13900001234");
        assert_eq!(phone_key("139 0000 1234"), "13900001234");
        assert_eq!(phone_key("010-12345678"), "01012345678");
    }
}
