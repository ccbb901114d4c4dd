//! The knowledge base and the enquiries as stored: the `KnowledgeStore` trait. Its
//! queries are in `sql.rs`, written once for both backends. Every change to the
//! entries bumps the reference revision in the same transaction, so each process
//! rebuilds its search index on its next lookup (`mod.rs`).

use async_trait::async_trait;
use gridline_core::api::knowledge::{KnowledgeEntry, KnowledgeFields};
use time::OffsetDateTime;

use crate::store::shared::StoreResult;

/// An enquiry answered (咨询), as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnquiryRecord {
    pub at: OffsetDateTime,
    pub text: String,
    pub entry_id: Option<i64>,
    pub matter_code: Option<String>,
    pub call_id: Option<String>,
    pub staff_id: Option<i64>,
}

#[async_trait]
pub trait KnowledgeStore: Send + Sync {
    /// Every entry, by id.
    async fn knowledge_entries(&self) -> StoreResult<Vec<KnowledgeEntry>>;

    async fn add_knowledge_entry(
        &self,
        fields: &KnowledgeFields,
        at: OffsetDateTime,
    ) -> StoreResult<i64>;

    /// False when there is no entry `id`.
    async fn update_knowledge_entry(
        &self,
        id: i64,
        fields: &KnowledgeFields,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;

    /// False when there is no entry `id`.
    async fn delete_knowledge_entry(&self, id: i64) -> StoreResult<bool>;

    /// Makes the entries those given, in one transaction: those with an id updated,
    /// those without added, the others removed.
    async fn replace_knowledge(
        &self,
        entries: &[(Option<i64>, KnowledgeFields)],
        at: OffsetDateTime,
    ) -> StoreResult<()>;

    /// Up to `limit` tickets' (matter code, description), Gridline's newest first,
    /// then the previous system's that have one: what the matter-type classifier
    /// learns from.
    async fn training_tickets(&self, limit: i64) -> StoreResult<Vec<(String, String)>>;

    /// Records an enquiry; a second one with the same call id is the same enquiry.
    /// Its id, and whether it was new.
    async fn add_enquiry(&self, enquiry: &EnquiryRecord) -> StoreResult<(i64, bool)>;

    /// How many enquiries were answered from `from` up to `to`.
    async fn count_enquiries(&self, from: OffsetDateTime, to: OffsetDateTime) -> StoreResult<u64>;
}
