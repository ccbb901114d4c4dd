pub mod cache;
pub mod demo;
pub mod import;
pub mod routes;
pub mod store;
