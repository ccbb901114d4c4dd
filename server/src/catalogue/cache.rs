//! Reference data in memory: the grid index, the routing table and the working-day
//! calendar, rebuilt when the
//! stored reference revision changes (an import from the command line bumps it, so
//! running servers pick it up on their next lookup without a restart).

use std::collections::HashMap;
use std::sync::Arc;

use gridline_core::api::reference::{HandlingUnit, MatterType, Region, RegionLevel, UnitKind};
use gridline_core::calendar::WorkCalendar;
use gridline_core::deadline::{DeadlineRules, Terms, Tier};
use gridline_core::geo::{GridLocator, Polygon};
use gridline_core::routing::RoutingTable;
use tokio::sync::RwLock;

use crate::Store;
use crate::catalogue::import::deadlines::read_rules;
use crate::catalogue::store::CatalogueStore;
use crate::store::shared::{StoreError, StoreResult};

/// One consistent view of the reference data.
pub struct Snapshot {
    pub revision: i64,
    pub locator: GridLocator,
    /// Every shaped region's polygons (for drawing grids).
    pub shapes: HashMap<String, Vec<Polygon>>,
    pub routing: RoutingTable,
    pub regions: HashMap<String, Region>,
    pub units: HashMap<String, HandlingUnit>,
    pub matters: HashMap<String, MatterType>,
    pub calendar: WorkCalendar,
    pub deadline_rules: DeadlineRules,
}

impl Snapshot {
    /// The region and its ancestors, nearest first.
    pub fn lineage(&self, code: &str) -> Vec<Region> {
        let mut out = Vec::new();
        let mut current = self.regions.get(code);
        while let Some(region) = current {
            if out.len() > 8 {
                break;
            }
            out.push(region.clone());
            current = region
                .parent_code
                .as_ref()
                .and_then(|p| self.regions.get(p));
        }
        out
    }

    /// What the deadline rules give a ticket of `matter_code` led by a unit of `kind`
    /// (`None`: no unit yet).
    pub fn terms(&self, matter_code: &str, kind: Option<UnitKind>) -> Terms {
        let mut lineage = Vec::new();
        let mut current = self.matters.get(matter_code);
        while let Some(matter) = current {
            if lineage.len() > 16 {
                break;
            }
            lineage.push(matter.code.as_str());
            current = matter
                .parent_code
                .as_ref()
                .and_then(|p| self.matters.get(p));
        }
        let catalogue_days = self
            .matters
            .get(matter_code)
            .map_or(Tier::Three.working_days(), |m| m.tier_days);
        self.deadline_rules.terms(&lineage, kind, catalogue_days)
    }

    /// The grid codes of a region (itself, when it is a grid), sorted.
    pub fn grids_of(&self, code: &str) -> Vec<String> {
        let mut grids: Vec<String> = self
            .within(code)
            .into_iter()
            .filter(|r| r.level == RegionLevel::Grid)
            .map(|r| r.code.clone())
            .collect();
        grids.sort();
        grids
    }

    /// The region of `level` that `grid` lies in (`None`: no grid, or none such).
    pub fn ancestor(&self, grid: Option<&str>, level: RegionLevel) -> Option<String> {
        self.lineage(grid?)
            .into_iter()
            .find(|r| r.level == level)
            .map(|r| r.code)
    }

    /// The region and every region under it, by code (not the tree's order).
    pub fn within(&self, code: &str) -> Vec<&Region> {
        self.regions
            .values()
            .filter(|r| self.lineage(&r.code).iter().any(|a| a.code == code))
            .collect()
    }
}

#[derive(Default)]
pub struct ReferenceCache {
    current: RwLock<Option<Arc<Snapshot>>>,
}

impl ReferenceCache {
    /// The snapshot for the stored revision (one cheap query when nothing changed).
    pub async fn get(&self, store: &dyn Store) -> StoreResult<Arc<Snapshot>> {
        let revision = store.reference_revision().await?;
        if let Some(snapshot) = self.current.read().await.as_ref()
            && snapshot.revision == revision
        {
            return Ok(snapshot.clone());
        }
        let mut slot = self.current.write().await;
        if let Some(snapshot) = slot.as_ref()
            && snapshot.revision == revision
        {
            return Ok(snapshot.clone());
        }
        let snapshot = Arc::new(build(store, revision).await?);
        *slot = Some(snapshot.clone());
        Ok(snapshot)
    }
}

async fn build(store: &dyn Store, revision: i64) -> StoreResult<Snapshot> {
    let matters = store.list_matter_types().await?;
    let regions = store.list_regions().await?;
    let units = store.list_units().await?;
    let routing = RoutingTable::for_reference(&matters, &regions, &units).map_err(|errors| {
        StoreError::Corrupt(format!(
            "stored responsibilities do not form a routing table: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    let shapes = store.list_shapes().await?;
    let locator = GridLocator::new(shapes.clone());
    tracing::info!(
        revision,
        grids = locator.len(),
        units = units.len(),
        "reference data loaded"
    );
    Ok(Snapshot {
        revision,
        locator,
        shapes: shapes.into_iter().collect(),
        routing,
        regions: regions.into_iter().map(|r| (r.code.clone(), r)).collect(),
        units: units.into_iter().map(|u| (u.code.clone(), u)).collect(),
        calendar: store.load_calendar().await?,
        deadline_rules: deadline_rules(store).await?,
        matters: matters.into_iter().map(|m| (m.code.clone(), m)).collect(),
    })
}

/// The stored deadline rules (none: the defaults).
pub async fn deadline_rules(store: &dyn CatalogueStore) -> StoreResult<DeadlineRules> {
    match store.load_deadline_rules().await? {
        None => Ok(DeadlineRules::default()),
        Some(csv) => read_rules(&csv).map_err(|problems| {
            StoreError::Corrupt(format!("stored deadline rules: {}", problems[0]))
        }),
    }
}

/// The matter types residents file most, for the filing screen's large buttons:
/// counted over the last 90 days, kept for 10 minutes (every resident's filing screen
/// asks), and topped up with the first type of each category while there are few
/// tickets.
#[derive(Default)]
pub struct CommonMatters {
    current: tokio::sync::Mutex<Option<(std::time::Instant, Vec<String>)>>,
}

impl CommonMatters {
    /// How many buttons.
    pub const COUNT: usize = 8;
    const KEEP: std::time::Duration = std::time::Duration::from_secs(600);

    pub async fn get(
        &self,
        store: &dyn Store,
        snapshot: &Snapshot,
        now: time::OffsetDateTime,
    ) -> StoreResult<Vec<String>> {
        let mut slot = self.current.lock().await;
        if let Some((at, codes)) = slot.as_ref()
            && at.elapsed() < Self::KEEP
        {
            return Ok(codes.clone());
        }
        let mut codes = store
            .most_filed_matters(now - time::Duration::days(90), Self::COUNT as u32)
            .await?;
        codes.retain(|c| snapshot.matters.contains_key(c));
        let mut categories: Vec<&MatterType> = snapshot
            .matters
            .values()
            .filter(|m| m.parent_code.is_none())
            .collect();
        categories.sort_by(|a, b| a.code.cmp(&b.code));
        for category in categories {
            if codes.len() >= Self::COUNT {
                break;
            }
            let first = snapshot
                .matters
                .values()
                .filter(|m| m.parent_code.as_deref() == Some(category.code.as_str()))
                .map(|m| &m.code)
                .min();
            if let Some(code) = first
                && !codes.contains(code)
            {
                codes.push(code.clone());
            }
        }
        *slot = Some((std::time::Instant::now(), codes.clone()));
        Ok(codes)
    }
}
