//! Types that cross the wire between the app and the server (`*Request`/`*Response`).

pub mod advance;
pub mod auth;
pub mod consult;
pub mod error;
pub mod field;
pub mod health;
pub mod hotline;
pub mod knowledge;
pub mod media;
pub mod outbox;
pub mod police;
pub mod push;
pub mod reference;
pub mod station;
pub mod stats;
pub mod ticket;
pub mod timestamp;
pub mod topic;

/// Every JSON API path starts with this.
pub const API_PREFIX: &str = "/api/v1";
