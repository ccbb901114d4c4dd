//! What the filing screen needs to know, kept on the device so filing works offline:
//! the matter types residents can choose (leaves of the catalogue, with their search
//! words), the most filed ones, and the communities and grids.

use gridline_core::api::reference::{MatterType, Region, RegionLevel};
use indexed_db_futures::database::Database;
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
    /// How well `query` (already lower case) fits: 0 a name starts with it, 1 a name
    /// holds it, 2 a search word holds it; `None` when nothing does.
    fn rank(&self, query: &str) -> Option<u8> {
        let en = self.name_en.to_lowercase();
        if self.name_zh.starts_with(query) || en.starts_with(query) {
            Some(0)
        } else if self.name_zh.contains(query) || en.contains(query) {
            Some(1)
        } else if self.keywords.iter().any(|k| k.contains(query)) {
            Some(2)
        } else {
            None
        }
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

    /// At most `limit` matter types whose names or search words hold `query`: names
    /// that start with it first, then names that hold it, then search words; catalogue
    /// order within each.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Matter> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<(u8, &Matter)> = self
            .matters
            .iter()
            .filter_map(|m| m.rank(&query).map(|rank| (rank, m)))
            .collect();
        // Stable: catalogue order within a rank.
        found.sort_by_key(|(rank, _)| *rank);
        found
            .into_iter()
            .take(limit)
            .map(|(_, m)| m.clone())
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

/// Online: fresh from the server (`true`), to be kept; offline: what was kept last
/// time (`false`).
async fn load(database: &Database) -> (ResidentReference, bool) {
    let (catalogue, common, regions) =
        futures_util::future::join3(api::catalogue(), api::common_matters(), api::regions()).await;
    let (Ok(catalogue), Ok(common), Ok(regions)) = (catalogue, common, regions) else {
        let kept = db::get_json(database, META_STORE, CACHE_KEY)
            .await
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        return (kept, false);
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
    (fresh, true)
}

/// Keeps the reference (as JSON) on the device for offline filing, unless that is what
/// is kept already (most visits).
async fn keep(database: &Database, json: &str) {
    let kept = db::get_json(database, META_STORE, CACHE_KEY)
        .await
        .ok()
        .flatten();
    if kept.as_deref() != Some(json) {
        let _ = db::put_json(database, META_STORE, CACHE_KEY, json).await;
    }
}

/// Loads the reference once for the resident app's pages, after the first render; a
/// fresh one is kept in a later task than the one that shows it.
pub fn provide_reference() {
    let reference = RwSignal::new(ResidentReference::default());
    provide_context(reference);
    crate::later::spawn_after_render(async move {
        let Ok(database) = crate::offline::database().await else {
            return;
        };
        let (loaded, fresh) = load(&database).await;
        reference.set(loaded);
        if fresh {
            crate::later::next_task().await;
            if let Ok(json) = reference.with_untracked(serde_json::to_string) {
                keep(&database, &json).await;
            }
        }
    });
}

pub fn use_reference() -> RwSignal<ResidentReference> {
    use_context().expect("provide_reference in ResidentApp")
}
