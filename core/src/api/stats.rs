//! The evaluation figures (评) and reports (报): `GET /api/v1/stats/rates` per unit,
//! street, community, grid or matter type for a period, `ranking` (the supervisors'
//! dashboard), `tickets` (the tickets behind a number), `hotspots` and `report`
//! (daily, weekly, monthly; also as CSV). The formulas: [`crate::stats`].

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::stats::{Measure, RateCounts, Rates};
use crate::ticket::Satisfaction;

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

/// `GET /api/v1/stats/ranking` and `GET /api/v1/stats/trend`: the supervisors'
/// dashboard.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct RankingQuery {
    /// `YYYY-MM` (China time); default: this month.
    #[serde(default)]
    pub month: Option<String>,
}

/// Every unit's figures for a month (the app ranks them by the rate chosen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankingResponse {
    /// `YYYY-MM`.
    pub month: String,
    /// The month's first day and the next month's (`YYYY-MM-DD`).
    pub from: String,
    pub to: String,
    pub read_at: String,
    /// By unit code; every unit with a ticket counted in the month.
    pub rows: Vec<RatesRow>,
    pub total: RatesRow,
}

/// One unit's rates in each of the 12 months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendRow {
    pub code: String,
    /// Oldest first, as the response's `months`.
    pub rates: Vec<Rates>,
}

/// The 12 months up to a month (the dashboard's sparklines), asked for apart from the
/// ranking: it reads a year of tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendResponse {
    /// `YYYY-MM`, oldest first; the last is the month asked for.
    pub months: Vec<String>,
    pub read_at: String,
    /// By unit code; every unit with a ticket counted in the 12 months.
    pub rows: Vec<TrendRow>,
    pub total: TrendRow,
}

/// `GET /api/v1/stats/tickets`: the tickets behind one number of `rates` or `ranking`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct RatedTicketsQuery {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub by: Option<GroupBy>,
    /// The group's code as `rates` gives it (`-` for no grid); `*` or none: all.
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// tickets (default), response, on_time, resolution, satisfaction, reopens,
    /// returns_approved or returns_rejected (the last two by the asking unit and the
    /// time of the decision).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub measure: Option<Measure>,
}

/// One ticket as counted: its deadlines, outcome and its own counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatedTicket {
    pub tracking_code: String,
    pub matter_code: String,
    pub lead_unit_code: String,
    pub region_code: Option<String>,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub response_due: Option<OffsetDateTime>,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub responded_at: Option<OffsetDateTime>,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub handling_due: Option<OffsetDateTime>,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub resolved_at: Option<OffsetDateTime>,
    pub satisfaction: Option<Satisfaction>,
    /// This ticket's part of the group's counts (each 0 or 1, but for the two counts).
    pub counts: RateCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatedTicketsResponse {
    pub measure: Measure,
    pub from: String,
    pub to: String,
    pub read_at: String,
    /// How many tickets are behind the number (all of them, also when `truncated`).
    pub count: u64,
    /// Nearest handling deadline first; at most 1000.
    pub tickets: Vec<RatedTicket>,
    pub truncated: bool,
}

/// `GET /api/v1/stats/hotspots`: tickets received per grid and matter type in a period
/// and in the period of the same length just before it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct HotspotsQuery {
    /// First day (`YYYY-MM-DD`, China time); default: 30 days before `to`.
    #[serde(default)]
    pub from: Option<String>,
    /// The day after the period; default: tomorrow.
    #[serde(default)]
    pub to: Option<String>,
    /// A street's code: only its grids; default: the whole district.
    #[serde(default)]
    pub street: Option<String>,
}

/// A count now and in the period before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub current: u64,
    pub previous: u64,
}

/// A grid of the heat view: its counts and its outline as an SVG path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridHeat {
    #[serde(flatten)]
    pub change: Change,
    /// SVG path data in the response's `view_box` (north up); empty without a shape.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotspotsResponse {
    pub from: String,
    pub to: String,
    /// The period before, of the same length, ends at `from`.
    pub previous_from: String,
    /// The district's or the street's code.
    pub scope: String,
    /// The SVG `viewBox` the grids' paths are drawn in.
    pub view_box: String,
    /// Every grid in the scope, by code (no ticket: 0).
    pub grids: Vec<GridHeat>,
    /// Matter types received more often than before, most added first (at most 10).
    pub rising: Vec<Change>,
    pub total: Change,
}

/// 日报, 周分析, 月通报.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    #[default]
    Daily,
    /// Monday to Sunday.
    Weekly,
    Monthly,
}

/// `GET /api/v1/stats/report` (and `report.csv`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// daily (default), weekly or monthly.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub kind: Option<ReportKind>,
    /// A day in the period (`YYYY-MM-DD`); default: today (China time).
    #[serde(default)]
    pub date: Option<String>,
    /// A street's code; default: the whole district.
    #[serde(default)]
    pub street: Option<String>,
    /// Only requests of this kind (livelihood, development, enforcement); default: all.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub request_kind: Option<super::ticket::RequestKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportResponse {
    pub kind: ReportKind,
    /// The kind of request it counts; none: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub request_kind: Option<super::ticket::RequestKind>,
    pub scope: String,
    pub scope_zh: String,
    pub scope_en: String,
    pub from: String,
    /// The day after the period (exclusive), as everywhere in this API.
    pub to: String,
    /// The period's last day, for people (`to` minus a day).
    pub last_day: String,
    pub previous_from: String,
    pub read_at: String,
    /// Received in the period and the one before.
    pub received: Change,
    /// Figures of the tickets due in the period (the rates' rule), all of the scope.
    pub total: RatesRow,
    /// The same per lead unit.
    pub units: Vec<RatesRow>,
    /// What `areas` are: streets (the district's report) or communities (a street's).
    pub area_by: GroupBy,
    /// The same per street or community.
    pub areas: Vec<RatesRow>,
    /// The most received matter types, with the period before (at most 10).
    pub matters: Vec<Change>,
    /// Places complained of more than once in the period (the same matter type within
    /// the repeat radius, or at the same address without a position), most first (at
    /// most 20).
    #[serde(default)]
    pub repeat_places: Vec<RepeatPlace>,
    /// Phones that filed more than once in the period, masked, most first (at most 20).
    #[serde(default)]
    pub repeat_callers: Vec<RepeatCaller>,
    /// Enquiries answered on the hotline (咨询, no unit's ticket) in the period and the
    /// one before; the district's report only (an enquiry has no place).
    #[serde(default)]
    pub enquiries: Option<Change>,
}

/// A place complained of more than once in a report's period (重复点位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepeatPlace {
    pub matter_code: String,
    pub matter_zh: String,
    pub matter_en: String,
    /// The grid of its first report.
    pub region_code: Option<String>,
    /// The address of its first report that has one.
    pub address: String,
    pub tickets: u64,
    /// Its reports' tracking codes, oldest first.
    pub codes: Vec<String>,
}

/// A phone that filed more than once in a report's period (重复来电).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepeatCaller {
    /// Masked: the first three digits.
    pub phone: String,
    pub tickets: u64,
    /// Its tickets' tracking codes, oldest first.
    pub codes: Vec<String>,
    /// The matter types they were about, by code, each once.
    pub matters: Vec<String>,
}
