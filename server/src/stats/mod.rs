pub mod csv;
pub mod routes;
