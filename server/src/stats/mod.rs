pub mod csv;
pub mod figures;
pub mod hotspots;
pub mod reports;
pub mod routes;
pub mod store;
