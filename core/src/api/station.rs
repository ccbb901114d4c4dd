//! Community station tablets (便民服务驿站): a tablet enrolled to one station files on
//! behalf of walk-in residents (帮办代办).
//!
//! A tablet is enrolled once with a one-time code an admin issues (`gridline station
//! enroll`); the answer is the device's token, sent with every station call in the
//! [`DEVICE_HEADER`] header, until an admin revokes the device.
//!
//! What the tablet queues while offline is sealed to the server ([`SealedFiling`]): the
//! resident's name, phone and words are encrypted on the tablet with the server's
//! public key, so once the resident's session ends nobody at the counter can read them
//! back, while the queued filing still reaches the server.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::{FieldError, FieldIssue, Validator};
use crate::ticket::Status;

/// The header carrying an enrolled tablet's device token.
pub const DEVICE_HEADER: &str = "x-station-device";

/// The sealing scheme's label: ECDH P-256 with a one-off key, HKDF-SHA-256 (salt = the
/// one-off public key, info = this label), AES-256-GCM.
pub const SEAL_INFO: &str = "gridline station seal v1";

/// Seconds of no use after which the tablet ends a resident's session (default).
pub const RESIDENT_IDLE_SECONDS: u32 = 120;
/// Minutes of no use after which the station's staff member is signed out (default).
pub const STAFF_IDLE_MINUTES: u32 = 30;

/// `POST /api/v1/station/enroll`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The one-time code from `gridline station enroll` (spaces and case do not matter).
    pub code: String,
    /// What the tablet calls itself (shown to admins), e.g. "counter 1".
    #[serde(default)]
    pub label: String,
}

impl EnrollRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        v.text("code", &self.code, 6, 40);
        v.text("label", &self.label, 0, 60);
        v.finish()
    }

    /// The code as issued: letters and digits only, upper case.
    pub fn normalized_code(&self) -> String {
        normalize_code(&self.code)
    }
}

/// An enrollment code without the spaces and dashes people type, in upper case.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The station a tablet belongs to and how it behaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationInfo {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The community the station serves: filings default to it.
    pub community_code: String,
    /// The server's sealing key: an uncompressed P-256 point (65 bytes), base64url
    /// without padding.
    pub seal_key: String,
    /// A resident's session ends after this many seconds without a touch.
    pub resident_idle_seconds: u32,
    /// The station's staff member is signed out after this many minutes without use.
    pub staff_idle_minutes: u32,
    /// Whether the resident gets a text message with the tracking code (the city has
    /// configured an SMS gateway).
    #[serde(default)]
    pub texts_residents: bool,
}

/// `GET /api/v1/station/device` and the enrollment's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceResponse {
    pub device_id: i64,
    pub station: StationInfo,
}

/// The answer to an enrollment: the token is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolledResponse {
    pub device_token: String,
    pub device: DeviceResponse,
}

/// How the resident agreed to have their complaint filed for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// Said so at the counter.
    Spoken,
    /// Signed a paper form.
    Written,
}

impl Consent {
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Spoken => "spoken",
            Consent::Written => "written",
        }
    }

    pub fn parse(s: &str) -> Option<Consent> {
        [Consent::Spoken, Consent::Written]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// What a station files, before sealing: the complaint plus the resident's consent.
/// Name and phone are required here, so the unit can call the resident back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StationFiling {
    pub ticket: super::ticket::CreateTicketRequest,
    pub consent: Consent,
}

impl StationFiling {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut fields = self.ticket.validate().err().unwrap_or_default();
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        for (field, value) in [
            ("contact_name", &self.ticket.contact_name),
            ("contact_phone", &self.ticket.contact_phone),
        ] {
            if blank(value) && !fields.iter().any(|f| f.field == field) {
                fields.push(FieldError {
                    field: field.into(),
                    issue: FieldIssue::Required,
                    message: "required when a station files for a resident".into(),
                });
            }
        }
        if self.ticket.client_id.is_none() {
            fields.push(FieldError {
                field: "client_id".into(),
                issue: FieldIssue::Required,
                message: "a station's filing carries its client id".into(),
            });
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(fields)
        }
    }
}

/// A [`StationFiling`] as JSON, sealed to the server's key. All binary fields are
/// base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    /// The one-off public key (uncompressed P-256 point).
    pub epk: String,
    /// The AES-GCM nonce (12 bytes).
    pub iv: String,
    /// Ciphertext and tag.
    pub ct: String,
}

/// `POST /api/v1/station/filings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SealedFilingRequest {
    /// The filing's client id, also inside the sealed request (they must agree).
    pub client_id: String,
    pub sealed: Sealed,
}

/// One of the station's filings of today, as the counter may see it: masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationFilingSummary {
    pub tracking_code: String,
    pub status: Status,
    pub matter_code: String,
    /// Masked (`张*`).
    pub contact_name: String,
    /// Masked (`138********`: never a digit of the last four, which prove the ticket).
    pub contact_phone: String,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub filed_at: OffsetDateTime,
}

/// `GET /api/v1/station/filings`: today's (China time), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationFilingsResponse {
    pub filings: Vec<StationFilingSummary>,
}

/// `POST /api/v1/stations/{code}/enrollments` (admins): a code for one tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollmentCodeResponse {
    pub device_id: i64,
    pub station_code: String,
    /// Shown once; typed into the tablet.
    pub code: String,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: OffsetDateTime,
}

/// Where a station's tablet stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// A code was issued and not used yet.
    Waiting,
    /// The code ran out unused.
    Expired,
    Enrolled,
    Revoked,
}

impl DeviceState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceState::Waiting => "waiting",
            DeviceState::Expired => "expired",
            DeviceState::Enrolled => "enrolled",
            DeviceState::Revoked => "revoked",
        }
    }
}

/// One tablet, as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationDeviceView {
    pub id: i64,
    pub station_code: String,
    pub station_name_zh: String,
    pub label: String,
    pub state: DeviceState,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub last_seen_at: Option<OffsetDateTime>,
}

/// `GET /api/v1/stations/devices` (admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationDevicesResponse {
    pub devices: Vec<StationDeviceView>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ticket::CreateTicketRequest;

    fn filing() -> StationFiling {
        StationFiling {
            ticket: CreateTicketRequest {
                client_id: Some("station-0001".into()),
                matter_code: "A01".into(),
                description: "路灯不亮".into(),
                contact_name: Some("王秀英".into()),
                contact_phone: Some("13800001111".into()),
                ..Default::default()
            },
            consent: Consent::Spoken,
        }
    }

    #[test]
    fn a_station_filing_needs_name_phone_and_client_id() {
        assert_eq!(filing().validate(), Ok(()));
        let mut f = filing();
        f.ticket.contact_name = Some("  ".into());
        f.ticket.contact_phone = None;
        f.ticket.client_id = None;
        let fields: Vec<String> = f
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["contact_name", "contact_phone", "client_id"]);
    }

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(normalize_code(" abcd-efgh 23 "), "ABCDEFGH23");
        let request = EnrollRequest {
            code: "ab".into(),
            label: String::new(),
        };
        assert!(request.validate().is_err());
    }

    #[test]
    fn consent_round_trips() {
        for c in [Consent::Spoken, Consent::Written] {
            assert_eq!(Consent::parse(c.as_str()), Some(c));
        }
        assert_eq!(Consent::parse("nodded"), None);
    }
}
