//! Reference data the app needs to file a complaint: the matter catalogue and the
//! jurisdiction tree (district > street > community > grid).

use serde::{Deserialize, Serialize};

/// One matter type of the catalogue (事项目录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterType {
    pub code: String,
    /// The parent's code; `None` for a top-level category.
    pub parent_code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    /// Handling tier in working days: 1, 3, 7 or 11.
    pub tier_days: u8,
    pub urgent: bool,
    /// Words residents use for it (search while filing).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The kind of unit usually responsible (a hint for dispatchers).
    #[serde(default)]
    pub unit_kind: Option<UnitKind>,
    /// On the grid workers' list (巡查事项): what a patrol logs findings of.
    #[serde(default)]
    pub patrol: bool,
    /// How complex it usually is, 1 to 4: how many supervision checkpoints (督办节点)
    /// its tickets get.
    #[serde(default = "one")]
    pub complexity: u8,
    /// A police matter (110 联动): its tickets are transferred to the police system when
    /// the city has one configured. Sent, never read: the apps need not know it (and
    /// leave it out of their bundles).
    #[serde(
        default,
        skip_deserializing,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub police: bool,
}

fn one() -> u8 {
    1
}

/// The kinds of handling unit (承办单位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A district department (区直部门).
    Department,
    /// A street office (街道办事处).
    StreetOffice,
    /// A community (社区居委会).
    Community,
    /// An enterprise (utility, property company).
    Enterprise,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::Department,
        UnitKind::StreetOffice,
        UnitKind::Community,
        UnitKind::Enterprise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Department => "department",
            UnitKind::StreetOffice => "street_office",
            UnitKind::Community => "community",
            UnitKind::Enterprise => "enterprise",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A handling unit and what it answers for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlingUnit {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: UnitKind,
    /// The region the unit belongs to (its jurisdiction).
    pub region_code: String,
    /// Matter types it handles (each with everything below it in the catalogue).
    pub matters: Vec<String>,
    /// Regions it handles them in (each with every grid below it).
    pub areas: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitsResponse {
    pub units: Vec<HandlingUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogueResponse {
    pub matter_types: Vec<MatterType>,
}

/// `GET /api/v1/catalogue/common`: the matter types residents file most (the filing
/// screen's large buttons), most first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommonMattersResponse {
    pub matter_codes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    District,
    Street,
    Community,
    Grid,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::District => "district",
            RegionLevel::Street => "street",
            RegionLevel::Community => "community",
            RegionLevel::Grid => "grid",
        }
    }

    pub fn parse(s: &str) -> Option<RegionLevel> {
        [
            RegionLevel::District,
            RegionLevel::Street,
            RegionLevel::Community,
            RegionLevel::Grid,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
    }
}

/// One node of the jurisdiction tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub code: String,
    pub parent_code: Option<String>,
    pub level: RegionLevel,
    pub name_zh: String,
    pub name_en: String,
}

/// A region with its shape (grids have one; higher levels may not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionWithShape {
    pub region: Region,
    pub shape: Option<Vec<crate::geo::Polygon>>,
}

/// `GET /api/v1/regions/{code}/map`: a region's outline as SVG path data (north up), and
/// the projection between the drawing's units and degrees, so a tap on it is a place:
/// `lon = west + x / units_per_lon`, `lat = north - y / units_per_lat`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionMapResponse {
    pub code: String,
    /// `0 0 W H`, and W and H (1000 across the longer side).
    pub view_box: String,
    pub width: u32,
    pub height: u32,
    pub outline: String,
    pub west: f64,
    pub north: f64,
    pub units_per_lon: f64,
    pub units_per_lat: f64,
}

/// `GET /api/v1/locate?lon=…&lat=…`: the grid holding a point, and its parents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocateResponse {
    /// Grid, community, street, district: nearest first. Empty when no grid holds it.
    pub regions: Vec<Region>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionsResponse {
    pub regions: Vec<Region>,
}

/// `GET /api/v1/route?matter=…&region=…`: who would handle such a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteResponse {
    /// The lead unit, when one is responsible.
    pub unit: Option<HandlingUnit>,
    /// Why the ticket would go to the dispatchers' queue instead.
    pub unrouted: Option<crate::routing::Unrouted>,
}

/// `GET /api/v1/calendar`: the working-day calendar in effect, so the app computes
/// the same due times offline (`calendar::WorkCalendar::parse_csv` reads `csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarResponse {
    /// Years with an official schedule; other years count plain weekends.
    pub years: Vec<i32>,
    /// `date,kind,note` lines: days off on weekdays and weekend days worked.
    pub csv: String,
}
