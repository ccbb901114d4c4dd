//! Media as stored: the records and the `MediaRecords` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::store::shared::StoreResult;

/// A stored photo or voice note (the bytes are in the object store under `id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    /// SHA-256 (hex) of the stored bytes.
    pub id: String,
    pub kind: gridline_core::api::media::MediaKind,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: OffsetDateTime,
}

impl MediaRecord {
    pub(crate) fn kind_text(&self) -> &'static str {
        match self.kind {
            gridline_core::api::media::MediaKind::Image => "image",
            gridline_core::api::media::MediaKind::Audio => "audio",
            gridline_core::api::media::MediaKind::Video => "video",
        }
    }

    pub fn as_ref(&self) -> gridline_core::api::media::MediaRef {
        gridline_core::api::media::MediaRef {
            id: self.id.clone(),
            kind: self.kind,
            content_type: self.content_type.clone(),
        }
    }
}

/// What is known of each stored photo and voice note (the bytes are in `media::objects`).
#[async_trait]
pub trait MediaRecords: Send + Sync {
    /// Records a stored medium (known already: uploaded again now) and who uploaded it
    /// (`crate::media::Uploader::key`), in one transaction.
    async fn insert_media(&self, media: &MediaRecord, uploaders: &[String]) -> StoreResult<()>;

    /// Deletes up to `limit` media rows nothing names, last uploaded before `before`,
    /// and returns their ids (their bytes are the caller's to delete).
    async fn delete_orphan_media(
        &self,
        before: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<String>>;

    /// The media among `ids` that are stored and were uploaded by one of `uploaders`,
    /// in the order of `ids`.
    async fn find_media(
        &self,
        ids: &[String],
        uploaders: &[String],
    ) -> StoreResult<Vec<MediaRecord>>;

    /// A medium on `ticket`'s timeline, and whether any public entry shows it.
    async fn ticket_media(
        &self,
        ticket_id: i64,
        media_id: &str,
    ) -> StoreResult<Option<(MediaRecord, bool)>>;
}
