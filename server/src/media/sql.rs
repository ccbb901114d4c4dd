// MediaRecords: the queries, written once for both backends (the including module
// defines `Pool`, `Db` and `This`, the backend's store).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.

use sqlx::Row as _;
use time::OffsetDateTime;

use crate::media::store::MediaRecord;
use crate::store::rows::{self as read, RowExt as _};
use crate::store::shared::{StoreResult, stored_time};

pub(crate) async fn insert_media(
    pool: &Pool,
    m: &MediaRecord,
    uploaders: &[String],
) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    // The id is the content's hash: the same bytes uploaded again are the same medium.
    sqlx::query(
        "INSERT INTO media (id, kind, content_type, size_bytes, created_at, last_uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (id) DO UPDATE SET last_uploaded_at = excluded.last_uploaded_at",
    )
    .bind(&m.id)
    .bind(m.kind_text())
    .bind(&m.content_type)
    .bind(m.size_bytes)
    .bind(stored_time(m.created_at))
    .execute(&mut *tx)
    .await?;
    for uploader in uploaders {
        sqlx::query(
            "INSERT INTO media_uploaders (media_id, uploader) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(&m.id)
        .bind(uploader)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes up to `limit` media that nothing names and that were last uploaded before
/// `before`; returns the ids deleted. Each delete checks again, in one statement, that
/// the medium is still unnamed and not uploaded again meanwhile.
pub(crate) async fn delete_orphan_media(
    pool: &Pool,
    before: OffsetDateTime,
    limit: u32,
) -> StoreResult<Vec<String>> {
    const UNNAMED: &str = "NOT EXISTS (SELECT 1 FROM event_media em WHERE em.media_id = media.id)
         AND NOT EXISTS (SELECT 1 FROM field_revision_media fm WHERE fm.media_id = media.id)";
    let before = stored_time(before);
    let candidates = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM media WHERE last_uploaded_at < $1 AND {UNNAMED} ORDER BY last_uploaded_at LIMIT $2"
    )))
    .bind(before)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let mut deleted = Vec::new();
    for row in candidates {
        let id: String = row.try_get("id")?;
        let gone = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM media WHERE id = $1 AND last_uploaded_at < $2 AND {UNNAMED}"
        )))
        .bind(&id)
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected();
        if gone == 1 {
            deleted.push(id);
        }
    }
    Ok(deleted)
}

pub(crate) async fn find_media(
    pool: &Pool,
    ids: &[String],
    uploaders: &[String],
) -> StoreResult<Vec<MediaRecord>> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        for uploader in uploaders {
            let row = sqlx::query(
                "SELECT m.id, m.kind, m.content_type, m.size_bytes, m.created_at
                 FROM media m JOIN media_uploaders u ON u.media_id = m.id
                 WHERE m.id = $1 AND u.uploader = $2",
            )
            .bind(id)
            .bind(uploader)
            .fetch_optional(pool)
            .await?;
            if let Some(row) = row {
                found.push(read::media(&row)?);
                break;
            }
        }
    }
    Ok(found)
}

pub(crate) async fn ticket_media(
    pool: &Pool,
    ticket_id: i64,
    media_id: &str,
) -> StoreResult<Option<(MediaRecord, bool)>> {
    let row = sqlx::query(
        "SELECT m.id, m.kind, m.content_type, m.size_bytes, m.created_at,
                MAX(CASE WHEN e.public THEN 1 ELSE 0 END) AS any_public
         FROM event_media em
         JOIN ticket_events e ON e.id = em.event_id
         JOIN media m ON m.id = em.media_id
         WHERE e.ticket_id = $1 AND em.media_id = $2
         GROUP BY m.id, m.kind, m.content_type, m.size_bytes, m.created_at",
    )
    .bind(ticket_id)
    .bind(media_id)
    .fetch_optional(pool)
    .await?;
    row.map(|row| Ok((read::media(&row)?, row.int32("any_public")? == 1)))
        .transpose()
}

#[async_trait::async_trait]
impl crate::media::store::MediaRecords for This {
    async fn insert_media(&self, media: &MediaRecord, uploaders: &[String]) -> StoreResult<()> {
        insert_media(&self.pool, media, uploaders).await
    }

    async fn delete_orphan_media(
        &self,
        before: ::time::OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<String>> {
        delete_orphan_media(&self.pool, before, limit).await
    }

    async fn find_media(
        &self,
        ids: &[String],
        uploaders: &[String],
    ) -> StoreResult<Vec<MediaRecord>> {
        find_media(&self.pool, ids, uploaders).await
    }

    async fn ticket_media(
        &self,
        ticket_id: i64,
        media_id: &str,
    ) -> StoreResult<Option<(MediaRecord, bool)>> {
        ticket_media(&self.pool, ticket_id, media_id).await
    }
}
