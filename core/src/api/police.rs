//! Police linkage (110 联动): the city's police (110) system hands over the calls that
//! are the 12345 side's to handle (a blocked fire lane, a neighbours' quarrel over
//! noise), signed like the webhooks it receives and once per idempotency key. The
//! ticket is urgent: the police hear back within the hour, and of every step after.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ticket::CreateTicketRequest;
use crate::ticket::Status;

/// `POST /api/v1/forwarding/{target}/tickets`: what the police system hands over.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PoliceHandover {
    /// A code of the city's matter catalogue (`GET /api/v1/reference/catalogue`).
    pub matter_code: String,
    pub description: String,
    /// WGS 84; both or neither.
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    /// The grid, when there is no position.
    #[serde(default)]
    pub region_code: Option<String>,
    #[serde(default)]
    pub address: String,
    /// The person who called 110, for the unit to contact.
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
}

impl PoliceHandover {
    /// As a filing, under the client id its idempotency key gives (validated with the
    /// rest when it is filed).
    pub fn into_request(self, client_id: String) -> CreateTicketRequest {
        CreateTicketRequest {
            client_id: Some(client_id),
            matter_code: self.matter_code,
            description: self.description,
            lon: self.lon,
            lat: self.lat,
            region_code: self.region_code,
            address: self.address,
            contact_name: self.contact_name,
            contact_phone: self.contact_phone,
            ..CreateTicketRequest::default()
        }
    }
}

/// The answer to a hand-over: the ticket the police system follows, and when it hears
/// back at the latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverResponse {
    pub tracking_code: String,
    pub status: Status,
    /// An hour after the hand-over: the unit's response (accepted, or its first step) is
    /// due, and told to the police system as it happens.
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub feedback_due: Option<OffsetDateTime>,
}
