pub mod csv;
pub mod routes;
pub mod store;
