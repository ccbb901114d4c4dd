//! What the filing screen needs to know, kept on the device so filing works offline:
//! the matter types residents can choose (leaves of the catalogue, with their search
//! words), the most filed ones, and the communities and grids.

use gridline_core::api::reference::{MatterType, Region, RegionLevel};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::offline::db::{self, META_STORE};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Matter {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub keywords: Vec<String>,
}

impl Matter {
    /// Whether `query` (already lower case) is in its names or search words.
    fn matches(&self, query: &str) -> bool {
        self.name_zh.contains(query)
            || self.name_en.to_lowercase().contains(query)
            || self.keywords.iter().any(|k| k.contains(query))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResidentReference {
    pub matters: Vec<Matter>,
    /// The most filed matter types, most first.
    pub common: Vec<String>,
    pub communities: Vec<Region>,
    pub grids: Vec<Region>,
}

impl ResidentReference {
    pub fn matter(&self, code: &str) -> Option<&Matter> {
        self.matters.iter().find(|m| m.code == code)
    }

    /// At most `limit` matter types whose names or search words hold `query`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Matter> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        self.matters
            .iter()
            .filter(|m| m.matches(&query))
            .take(limit)
            .cloned()
            .collect()
    }

    pub fn grids_of(&self, community: &str) -> impl Iterator<Item = &Region> {
        self.grids
            .iter()
            .filter(move |g| g.parent_code.as_deref() == Some(community))
    }
}

const CACHE_KEY: &str = "resident_reference";

fn leaves(all: Vec<MatterType>) -> Vec<Matter> {
    let parents: std::collections::HashSet<String> =
        all.iter().filter_map(|m| m.parent_code.clone()).collect();
    all.into_iter()
        .filter(|m| m.parent_code.is_some() && !parents.contains(&m.code))
        .map(|m| Matter {
            code: m.code,
            name_zh: m.name_zh,
            name_en: m.name_en,
            keywords: m.keywords,
        })
        .collect()
}

/// Online: fresh from the server, and kept; offline: what was kept last time.
async fn load() -> ResidentReference {
    let Ok(database) = crate::offline::database().await else {
        return ResidentReference::default();
    };
    let kept = || async {
        db::get_json(&database, META_STORE, CACHE_KEY)
            .await
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    };
    let (catalogue, common, regions) =
        futures_util::future::join3(api::catalogue(), api::common_matters(), api::regions()).await;
    let (Ok(catalogue), Ok(common), Ok(regions)) = (catalogue, common, regions) else {
        return kept().await;
    };
    let (communities, grids) = regions
        .regions
        .into_iter()
        .filter(|r| matches!(r.level, RegionLevel::Community | RegionLevel::Grid))
        .partition(|r| r.level == RegionLevel::Community);
    let fresh = ResidentReference {
        matters: leaves(catalogue.matter_types),
        common: common.matter_codes,
        communities,
        grids,
    };
    if let Ok(json) = serde_json::to_string(&fresh) {
        let _ = db::put_json(&database, META_STORE, CACHE_KEY, &json).await;
    }
    fresh
}

/// Loads the reference once for the resident app's pages.
pub fn provide_reference() {
    let reference = RwSignal::new(ResidentReference::default());
    provide_context(reference);
    leptos::task::spawn_local(async move { reference.set(load().await) });
}

pub fn use_reference() -> RwSignal<ResidentReference> {
    use_context().expect("provide_reference in ResidentApp")
}
