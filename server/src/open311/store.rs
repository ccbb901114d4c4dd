//! Open311 as stored: the records and the `Open311Store` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::store::shared::StoreResult;
use crate::tickets::store::TicketRecord;

/// Which tickets the Open311 server lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestQuery {
    /// These tracking codes (a partner's `service_request_id`s) and these ticket ids
    /// (the public ones), whatever their dates.
    Named { codes: Vec<String>, ids: Vec<i64> },
    /// The ticket filed under this client id (an Open311 token).
    ClientId(String),
    /// Filed in `[from, to]`, of any of `matters` (all when empty), open or closed
    /// (done counts as closed) or either, at most `limit`.
    Window {
        matters: Vec<String>,
        from: OffsetDateTime,
        to: OffsetDateTime,
        closed: Option<bool>,
        limit: u32,
    },
}

/// A key of a system that files through the Open311 server (the key itself is never
/// stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Key {
    pub name: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// The Open311 server's keys and the requests it shows.
#[async_trait]
pub trait Open311Store: Send + Sync {
    /// Adds a key a system files Open311 service requests with (its SHA-256).
    async fn add_open311_key(&self, name: &str, key_hash: &[u8]) -> StoreResult<i64>;

    /// The name of the key with this hash, unless it is revoked.
    async fn open311_key(&self, key_hash: &[u8]) -> StoreResult<Option<String>>;

    async fn open311_keys(&self) -> StoreResult<Vec<Open311Key>>;

    /// `false` when there is no such key, or it is revoked already.
    async fn revoke_open311_key(&self, name: &str) -> StoreResult<bool>;

    /// Tickets as the Open311 server lists them, newest first.
    async fn open311_requests(&self, query: &RequestQuery) -> StoreResult<Vec<TicketRecord>>;
}
