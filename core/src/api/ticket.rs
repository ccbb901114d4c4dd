//! Tickets over the wire: filing, viewing (with personal data masked for those who do
//! not handle the ticket), acting on a ticket, and the queues.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::{FieldError, FieldIssue, Validator};
use crate::ticket::{Action, Satisfaction, Status};

pub const DESCRIPTION_MAX: usize = 4000;
pub const ADDRESS_MAX: usize = 200;
pub const NAME_MAX: usize = 50;
/// The longest enterprise name, in characters.
pub const ENTERPRISE_NAME_MAX: usize = 100;
pub const NOTE_MAX: usize = 4000;

/// Where a ticket came from (多口归一: every channel, one queue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A resident's own phone (and what a [`TicketView`] read back holds: see there).
    #[default]
    Resident,
    /// Filed by staff (a station on behalf of a resident, a dispatcher taking a call).
    Staff,
    /// Reported upward by a grid worker from a patrol finding (上报).
    GridWorker,
    /// Filed at a community station's tablet on behalf of a walk-in resident (代办).
    Station,
    /// Filed by another system through the Open311 GeoReport v2 server.
    Open311,
    /// Filed by a hotline operator from a call to 12345 (热线).
    Hotline,
    /// Filed by an enterprise about the business environment (企业诉求, 发展类).
    Enterprise,
    /// Handed over by the police (110) system (110 联动): urgent, with a 1-hour
    /// feedback deadline.
    Police,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Resident => "resident",
            Channel::Staff => "staff",
            Channel::GridWorker => "grid_worker",
            Channel::Station => "station",
            Channel::Open311 => "open311",
            Channel::Hotline => "hotline",
            Channel::Enterprise => "enterprise",
            Channel::Police => "police",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [
            Channel::Resident,
            Channel::Staff,
            Channel::GridWorker,
            Channel::Station,
            Channel::Open311,
            Channel::Hotline,
            Channel::Enterprise,
            Channel::Police,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// The kind of request (诉求类型), on every ticket: what residents ask for in their
/// daily lives (民生), what enterprises ask for (发展: the business environment), and
/// what streets and departments file for law enforcement (执法).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    #[default]
    Livelihood,
    Development,
    Enforcement,
}

impl RequestKind {
    pub const ALL: [RequestKind; 3] = [
        RequestKind::Livelihood,
        RequestKind::Development,
        RequestKind::Enforcement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Livelihood => "livelihood",
            RequestKind::Development => "development",
            RequestKind::Enforcement => "enforcement",
        }
    }

    pub fn parse(s: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn is_livelihood(&self) -> bool {
        *self == RequestKind::Livelihood
    }
}

/// The characters of a unified social credit code (统一社会信用代码, GB 32100-2015):
/// digits and capitals without I, O, S, V and Z.
const CREDIT_CODE_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Whether `code` is a unified social credit code: 18 characters of the code's
/// alphabet whose last is the check character of the first 17.
pub fn valid_credit_code(code: &str) -> bool {
    let value = |c: u8| CREDIT_CODE_CHARS.iter().position(|&x| x == c);
    let bytes = code.as_bytes();
    if bytes.len() != 18 {
        return false;
    }
    let mut sum = 0;
    for (&c, weight) in bytes[..17].iter().zip(CREDIT_CODE_WEIGHTS) {
        match value(c) {
            Some(v) => sum += v as u32 * weight,
            None => return false,
        }
    }
    let check = (31 - sum % 31) % 31;
    value(bytes[17]) == Some(check as usize)
}

/// `POST /api/v1/tickets`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTicketRequest {
    /// Made on the device; sending the same one again returns the same ticket.
    #[serde(default)]
    pub client_id: Option<String>,
    pub matter_code: String,
    pub description: String,
    /// WGS 84; both or neither.
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    /// A grid chosen from the list, when there is no position.
    #[serde(default)]
    pub region_code: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// A secret the device keeps (16-128 visible ASCII characters): with the tracking
    /// code, it opens the ticket when there is no phone number to prove with.
    #[serde(default)]
    pub device_secret: Option<String>,
    /// Photos and the voice note, by the ids their uploads returned.
    #[serde(default)]
    pub media: Vec<String>,
    /// The `reference` of a nearby open report of the same kind (`GET
    /// /api/v1/nearby`) this complaint follows instead of being handled on its own:
    /// it is filed merged into that report and hears of its steps. When that report is
    /// no longer open (or no longer near), the complaint is filed on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow: Option<String>,
    /// The resident agrees to be texted at `contact_phone` when the ticket is done and
    /// to be asked for a rating (the consent is kept on the ticket).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sms_consent: bool,
    /// The telephone system's id of the call this was filed from (hotline operators and
    /// dispatchers): the ticket's channel is then `hotline`, and the caller is texted
    /// the tracking code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// 民生 (the default), 发展 (with the enterprise's name and credit code; filed by
    /// the public it comes in on the `enterprise` channel) or 执法 (staff only).
    #[serde(default, skip_serializing_if = "RequestKind::is_livelihood")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: RequestKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_name: Option<String>,
    /// The enterprise's unified social credit code (18 characters, checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
}

/// Whether `secret` may be a device's secret: 16 to 128 visible ASCII characters.
pub fn valid_device_secret(secret: &str) -> bool {
    (16..=128).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_graphic())
}

/// How long a nearby report's `reference` is (base64url).
pub const NEARBY_REFERENCE_LEN: usize = 16;

/// Whether `reference` has the form of a nearby report's reference.
pub fn valid_reference(reference: &str) -> bool {
    reference.len() == NEARBY_REFERENCE_LEN
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn valid_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `phone` may be a phone number: 5 to 20 digits, with `+`, `-` or spaces.
pub fn valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
}

/// A phone number as the server finds a caller's tickets by it: its digits, without
/// China's country code (`+86 139-0000-1234` and `13900001234` are one number). The
/// tickets table computes the same in its `phone_key` column (migration 0035).
pub fn phone_key(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        13 if digits.starts_with("86") => digits[2..].to_owned(),
        _ => digits,
    }
}

/// Whether `id` may be a telephone system's call id: 1 to 100 visible ASCII characters.
pub fn valid_call_id(id: &str) -> bool {
    (1..=100).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

impl CreateTicketRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        if let Some(id) = &self.client_id
            && !valid_client_id(id)
        {
            v.add(
                "client_id",
                FieldIssue::Invalid,
                "8 to 64 letters, digits, - or _",
            );
        }
        v.text("matter_code", &self.matter_code, 1, 32);
        v.text("description", &self.description, 1, DESCRIPTION_MAX);
        v.text("address", &self.address, 0, ADDRESS_MAX);
        match (self.lon, self.lat) {
            (None, None) => {}
            (Some(lon), Some(lat)) => v.position(lon, lat),
            (None, Some(_)) => v.add("lon", FieldIssue::Required, "lon and lat go together"),
            (Some(_), None) => v.add("lat", FieldIssue::Required, "lon and lat go together"),
        }
        if let Some(name) = &self.contact_name {
            v.text("contact_name", name, 0, NAME_MAX);
        }
        if let Some(phone) = &self.contact_phone
            && !phone.trim().is_empty()
            && !valid_phone(phone)
        {
            v.add("contact_phone", FieldIssue::Invalid, "5 to 20 digits");
        }
        super::media::validate_media_ids(&mut v, "media", &self.media);
        if let Some(secret) = &self.device_secret
            && !valid_device_secret(secret)
        {
            v.add(
                "device_secret",
                FieldIssue::Invalid,
                "16 to 128 visible ASCII characters",
            );
        }
        if self.sms_consent
            && self
                .contact_phone
                .as_deref()
                .is_none_or(|p| p.trim().is_empty())
        {
            v.add(
                "sms_consent",
                FieldIssue::Required,
                "a phone number to text is needed",
            );
        }
        match self.kind {
            RequestKind::Development => {
                v.text(
                    "enterprise_name",
                    self.enterprise_name.as_deref().unwrap_or_default(),
                    1,
                    ENTERPRISE_NAME_MAX,
                );
                if !self.credit_code.as_deref().is_some_and(valid_credit_code) {
                    v.add(
                        "credit_code",
                        FieldIssue::Invalid,
                        "a unified social credit code: 18 characters, its last the check",
                    );
                }
            }
            _ => {
                for (name, value) in [
                    ("enterprise_name", &self.enterprise_name),
                    ("credit_code", &self.credit_code),
                ] {
                    if value.is_some() {
                        v.add(name, FieldIssue::Invalid, "only on development requests");
                    }
                }
            }
        }
        if self.call_id.as_deref().is_some_and(|id| !valid_call_id(id)) {
            v.add(
                "call_id",
                FieldIssue::Invalid,
                "1 to 100 visible ASCII characters",
            );
        }
        if let Some(reference) = &self.follow {
            if !valid_reference(reference) {
                v.add("follow", FieldIssue::Invalid, "a nearby report's reference");
            } else if self.lon.is_none() {
                v.add(
                    "follow",
                    FieldIssue::Invalid,
                    "following a nearby report needs the position",
                );
            }
        }
        v.finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketCreatedResponse {
    pub tracking_code: String,
    pub status: Status,
    /// Filed merged into the nearby report it follows.
    #[serde(default)]
    pub merged: bool,
}

/// One step on a ticket's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    /// `received`, `dispatched`, `queued`, an action's name, `deadline_warning`,
    /// `response_overdue`, `overdue`.
    pub kind: String,
    /// The unit that acted, when one did.
    pub unit_code: Option<String>,
    /// Shown to the complainant; internal entries only to staff.
    pub public: bool,
    pub note: String,
    /// Photos and voice notes attached to this step.
    #[serde(default)]
    pub media: Vec<super::media::MediaRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketView {
    pub tracking_code: String,
    pub status: Status,
    pub return_pending: bool,
    /// Sent, never read: no app shows it, and reading it would cost every bundle the
    /// names of the channels (a view read back holds the default).
    #[serde(skip_deserializing)]
    pub channel: Channel,
    /// 民生, 发展 or 执法.
    #[serde(default)]
    pub kind: RequestKind,
    /// A development request's enterprise and its credit code (not personal data: shown
    /// to whoever may see the ticket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    pub matter_code: String,
    pub region_code: Option<String>,
    pub address: String,
    pub description: String,
    pub lead_unit_code: Option<String>,
    /// Units helping the lead unit (协办).
    pub co_unit_codes: Vec<String>,
    pub tier_days: u8,
    /// Supervision checkpoints (督办节点) it gets: 1 to 4.
    #[serde(default = "one")]
    pub complexity: u8,
    /// A checkpoint found no progress, and the unit has not acted since (督办).
    #[serde(default)]
    pub stalled: bool,
    pub urgent: bool,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub response_due: Option<OffsetDateTime>,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub handling_due: Option<OffsetDateTime>,
    /// The handling deadline assumed plain weekends for a year without a calendar.
    pub deadline_estimated: bool,
    pub overdue: bool,
    /// Masked (`张*`, `138********`) unless the viewer handles the ticket.
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// The complainant's rating of the latest resolution; none until rated (a done
    /// ticket without one can be rated).
    #[serde(default)]
    pub satisfaction: Option<crate::ticket::Satisfaction>,
    /// How often it was reopened after being done.
    #[serde(default)]
    pub reopen_count: u32,
    /// Rated dissatisfied after a reopening: waiting for a supervisor's decision.
    #[serde(default)]
    pub review_pending: bool,
    pub timeline: Vec<TimelineEntry>,
    /// Merged into another report of the same problem: closed here, and its
    /// timeline carries that report's public steps.
    #[serde(default)]
    pub merged: bool,
    /// What the signed-in viewer may do to the ticket now (empty for the public), as
    /// the state machine and the viewer's relation to the ticket allow.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub actions: Vec<crate::ticket::Action>,
}

/// What proves a public viewer may see a ticket, besides its tracking code: the last
/// four digits of the contact phone, or the filing device's secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct TicketProof {
    /// Last 4 digits of the contact phone.
    #[serde(default)]
    pub phone_suffix: Option<String>,
}

/// The header that carries the device secret: a resident's proof of a ticket filed
/// from that device, and the name of the device uploading media
/// (`crate::api::media`). The server keeps only its hash.
pub const DEVICE_SECRET_HEADER: &str = "x-device-secret";

/// `POST /api/v1/tickets/{code}/actions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub action: Action,
    /// Required to resolve (the public reply), to progress, and for return requests.
    #[serde(default)]
    pub note: String,
    /// Progress notes may be internal.
    #[serde(default = "yes")]
    pub public: bool,
    /// The unit to dispatch to (dispatch, redispatch, approve a return request).
    #[serde(default)]
    pub unit_code: Option<String>,
    /// Photos and voice notes of a progress update or a resolution, by upload id.
    #[serde(default)]
    pub media: Vec<String>,
    /// How complex the matter is (1 to 4: how many supervision checkpoints, 督办节点),
    /// set by the dispatcher when dispatching; default: the matter type's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<u8>,
}

fn yes() -> bool {
    true
}

fn one() -> u8 {
    1
}

/// `POST /api/v1/forwarding/{target}/progress`: a dispatch system reports what the
/// unit did (signed like the webhooks it receives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProgressReport {
    pub tracking_code: String,
    /// `accept`, `progress`, `resolve` or `request_return`: what a unit may do.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub action: Action,
    #[serde(default)]
    pub note: String,
    #[serde(default = "yes")]
    pub public: bool,
}

impl ProgressReport {
    /// As the unit's own action.
    pub fn into_action(self) -> Result<ActionRequest, Vec<FieldError>> {
        if !matches!(
            self.action,
            Action::Accept | Action::Progress | Action::Resolve | Action::RequestReturn
        ) {
            return Err(vec![FieldError {
                field: "action".into(),
                issue: FieldIssue::Invalid,
                message: "a unit reports accept, progress, resolve or request_return".into(),
            }]);
        }
        Ok(ActionRequest {
            action: self.action,
            note: self.note,
            public: self.public,
            unit_code: None,
            media: Vec::new(),
            complexity: None,
        })
    }
}

impl ActionRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        let note_required = matches!(
            self.action,
            Action::Resolve | Action::Progress | Action::RequestReturn | Action::RejectReturn
        );
        v.text("note", &self.note, usize::from(note_required), NOTE_MAX);
        if !self.media.is_empty() && !matches!(self.action, Action::Progress | Action::Resolve) {
            v.add(
                "media",
                FieldIssue::Invalid,
                "only progress updates and resolutions carry photos",
            );
        }
        super::media::validate_media_ids(&mut v, "media", &self.media);
        if let Some(complexity) = self.complexity {
            let dispatching = matches!(
                self.action,
                Action::Dispatch | Action::Redispatch | Action::ApproveReturn
            );
            if !dispatching {
                v.add(
                    "complexity",
                    FieldIssue::Invalid,
                    "the complexity is set when dispatching",
                );
            } else if !(1..=crate::deadline::MAX_CHECKPOINTS).contains(&complexity) {
                v.add("complexity", FieldIssue::Invalid, "1 to 4");
            }
        }
        let needs_unit = matches!(
            self.action,
            Action::Dispatch | Action::Redispatch | Action::ApproveReturn
        );
        if needs_unit
            && self
                .unit_code
                .as_deref()
                .is_none_or(|u| u.trim().is_empty())
        {
            v.add(
                "unit_code",
                FieldIssue::Required,
                "say which unit to dispatch to",
            );
        }
        v.finish()
    }
}

/// `POST /api/v1/tickets/{code}/co-units`: a dispatcher adds a co-handling unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CoUnitRequest {
    pub unit_code: String,
}

/// `POST /api/v1/tickets/{code}/tier`: a dispatcher changes the handling time (1 to
/// 60 working days; the consoles offer 1, 3, 7 and 11 first), with a reason; the
/// handling deadline is computed again from the dispatch time.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TierChangeRequest {
    pub tier_days: u8,
    pub reason: String,
}

impl TierChangeRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        if !(1..=crate::deadline::MAX_HANDLING_DAYS).contains(&self.tier_days) {
            v.add(
                "tier_days",
                FieldIssue::Invalid,
                format!("1 to {} working days", crate::deadline::MAX_HANDLING_DAYS),
            );
        }
        v.text("reason", &self.reason, 1, NOTE_MAX);
        v.finish()
    }
}

/// `POST /api/v1/tickets/{code}/rating`, by whoever holds the tracking code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub satisfaction: Satisfaction,
    #[serde(default)]
    pub comment: String,
}

/// Which of the queues `GET /api/v1/queue` returns; without one, every queue the
/// signed-in staff member's roles give them, merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QueueView {
    /// Unit handlers: open tickets of their units.
    Unit,
    /// Dispatchers: tickets not routed, and return requests to decide.
    Dispatch,
    /// Supervisors: open tickets past their deadline (the overdue board).
    Overdue,
    /// Supervisors: done tickets rated dissatisfied again after a reopening (不满意复核).
    Review,
    /// Supervisors: open tickets a checkpoint found without progress, the unit silent
    /// since (督办).
    Stalled,
}

impl QueueView {
    /// The name used in the query string.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueView::Unit => "unit",
            QueueView::Dispatch => "dispatch",
            QueueView::Overdue => "overdue",
            QueueView::Review => "review",
            QueueView::Stalled => "stalled",
        }
    }
}

/// The query of `GET /api/v1/queue`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// unit, dispatch, overdue, review or stalled.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub view: Option<QueueView>,
    /// Tickets per page (per view, when no view is named): 1 to [`QUEUE_PAGE_MAX`],
    /// [`QUEUE_PAGE`] by default.
    #[serde(default)]
    pub limit: Option<u32>,
    /// Tickets skipped (the ones of earlier pages), at most [`QUEUE_OFFSET_MAX`].
    #[serde(default)]
    pub offset: Option<u32>,
    /// Only requests of this kind: livelihood, development or enforcement.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub kind: Option<RequestKind>,
}

/// Tickets per queue page unless asked otherwise.
pub const QUEUE_PAGE: u32 = 100;
/// The most tickets one queue page holds.
pub const QUEUE_PAGE_MAX: u32 = 500;
/// The most tickets a queue page may skip.
pub const QUEUE_OFFSET_MAX: u32 = 100_000;

impl QueueQuery {
    /// The page asked for, or the fields that are out of range.
    pub fn page(&self) -> Result<(u32, u32), Vec<super::error::FieldError>> {
        let mut v = super::error::Validator::new();
        let limit = self.limit.unwrap_or(QUEUE_PAGE);
        if !(1..=QUEUE_PAGE_MAX).contains(&limit) {
            v.add("limit", super::error::FieldIssue::Invalid, "1 to 500");
        }
        let offset = self.offset.unwrap_or(0);
        if offset > QUEUE_OFFSET_MAX {
            v.add(
                "offset",
                super::error::FieldIssue::Invalid,
                "at most 100000",
            );
        }
        v.finish().map(|()| (limit, offset))
    }
}

/// `GET /api/v1/queue`: the signed-in staff member's work, nearest deadline first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueResponse {
    pub tickets: Vec<TicketView>,
    /// More tickets follow this page: ask again with `offset` moved on by `limit`.
    #[serde(default)]
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CreateTicketRequest {
        CreateTicketRequest {
            client_id: Some("device-1-0001".into()),
            matter_code: "0201".into(),
            description: "路灯不亮".into(),
            lon: Some(120.41),
            lat: Some(36.07),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_request_passes() {
        assert!(request().validate().is_ok());
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CreateTicketRequest {
            client_id: Some("short".into()),
            description: "x".repeat(DESCRIPTION_MAX + 1),
            lon: Some(500.0),
            lat: None,
            contact_phone: Some("call me".into()),
            ..request()
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["client_id", "description", "lat", "contact_phone"]);
    }

    #[test]
    fn following_takes_a_reference_and_a_position() {
        let follow = |reference: &str| CreateTicketRequest {
            follow: Some(reference.into()),
            ..request()
        };
        assert!(follow("AbCd-_0123456789").validate().is_ok());
        for bad in ["short", "AbCd-_0123456789x", "AbCd+/0123456789", ""] {
            assert_eq!(
                follow(bad).validate().unwrap_err()[0].field,
                "follow",
                "{bad}"
            );
        }
        let nowhere = CreateTicketRequest {
            lon: None,
            lat: None,
            region_code: Some("D01-S01-C01-G01".into()),
            ..follow("AbCd-_0123456789")
        };
        assert_eq!(nowhere.validate().unwrap_err()[0].field, "follow");
    }

    #[test]
    fn actions_need_their_notes_and_units() {
        let resolve = ActionRequest {
            action: Action::Resolve,
            note: " ".into(),
            public: true,
            unit_code: None,
            media: Vec::new(),
            complexity: None,
        };
        assert_eq!(resolve.validate().unwrap_err()[0].field, "note");
        let dispatch = ActionRequest {
            action: Action::Dispatch,
            note: String::new(),
            public: true,
            unit_code: None,
            media: Vec::new(),
            complexity: None,
        };
        assert_eq!(dispatch.validate().unwrap_err()[0].field, "unit_code");
        // Only progress updates and resolutions carry photos.
        let accept = ActionRequest {
            action: Action::Accept,
            media: vec!["a".repeat(64)],
            ..dispatch.clone()
        };
        assert_eq!(accept.validate().unwrap_err()[0].field, "media");
        let progress = ActionRequest {
            action: Action::Progress,
            note: "已到现场".into(),
            ..accept
        };
        assert!(progress.validate().is_ok());
    }
}

/// A report of the same matter type filed near a ticket within the configured period
/// (`GET /api/v1/tickets/{code}/similar`): the same problem, reported again (重复诉求).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarTicket {
    pub tracking_code: String,
    pub status: Status,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
    /// From the ticket asked about, rounded to the metre.
    pub distance_m: u32,
    pub address: String,
    /// The tracking code of the ticket it was merged into (it follows that one).
    pub merged_into: Option<String>,
}

/// `POST /api/v1/tickets/{code}/merge`: this ticket is a duplicate of `into`, which
/// leads the problem from now on; this one is closed and follows it (its complainant
/// sees and is notified of the lead's public steps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The lead ticket's tracking code.
    pub into: String,
}

/// `GET /api/v1/nearby`: where a resident is about to file, and about what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct NearbyQuery {
    pub matter_code: String,
    /// WGS 84.
    pub lon: f64,
    pub lat: f64,
}

/// An open report of the same kind near where a resident is filing, as anyone may see
/// it: no tracking code, address, description or exact place, only enough to tell
/// whether it is the same problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NearbyReport {
    /// Names this report for `follow` when filing; it opens nothing.
    pub reference: String,
    pub status: Status,
    /// Whole days since it was filed (0: today).
    pub days_ago: u32,
    /// From the place asked about, rounded up to 50 metres.
    pub distance_m: u32,
    /// How many other complaints follow it already.
    pub followers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NearbyResponse {
    /// Nearest first; at most 5.
    pub reports: Vec<NearbyReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarResponse {
    /// The distance and period that make reports similar (the server's settings).
    pub radius_m: u32,
    pub days: u32,
    /// Nearest first; at most 50. Empty for a ticket without a position.
    pub tickets: Vec<SimilarTicket>,
}
