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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogueResponse {
    pub matter_types: Vec<MatterType>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionsResponse {
    pub regions: Vec<Region>,
}
