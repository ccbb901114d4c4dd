//! Reference data (基础数据): the matter catalogue (事项目录), the jurisdiction tree
//! down to the grids with their shapes, the handling units and what each answers for,
//! and the working-day calendar.
//!
//! - `store.rs`, `sql.rs`: how they are kept (`CatalogueStore`).
//! - `import/`: reading them from CSV and GeoJSON (every problem reported, nothing
//!   written unless there are none) and writing them back out; `demo.rs`: the demo set.
//! - `cache.rs`: the snapshot every request routes and validates against (grid index,
//!   routing table, calendar), read again when the reference data's revision changes.
//! - `map.rs`: regions drawn as SVG (the heat view, the map to tap a position on).
//! - `routes.rs`: the catalogue, the regions and their maps, the units, locating a point
//!   and routing a matter for the apps.
//!
//! Data flows one way: an import writes, bumps the revision; each process's cache
//! sees the new revision at its next read and builds a new snapshot.

pub mod cache;
pub mod demo;
pub mod import;
pub mod map;
pub mod routes;
pub mod store;
