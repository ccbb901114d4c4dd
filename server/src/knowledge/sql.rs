// The knowledge base and the enquiries. Written once for both backends like every
// feature's `sql.rs` (the including module defines `Pool`); included by
// store/sqlite.rs and store/postgres.rs.

use gridline_core::api::knowledge::{KnowledgeEntry, KnowledgeFields};

use crate::knowledge::store::EnquiryRecord;
use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreResult, stored_time};

fn codes_text(codes: &[String]) -> String {
    codes.join("|")
}

fn codes_from(text: String) -> Vec<String> {
    text.split('|')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn bump_revision(tx: &mut sqlx::Transaction<'_, Db>) -> StoreResult<()> {
    sqlx::query("UPDATE reference_revision SET revision = revision + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn knowledge_entries(pool: &Pool) -> StoreResult<Vec<KnowledgeEntry>> {
    let rows = sqlx::query(
        "SELECT id, question, answer, matter_codes, valid_from, valid_to, owner_unit_code
         FROM knowledge_entries ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(KnowledgeEntry {
                id: row.int64("id")?,
                fields: KnowledgeFields {
                    question: row.text("question")?,
                    answer: row.text("answer")?,
                    matter_codes: codes_from(row.text("matter_codes")?),
                    valid_from: row.opt_text("valid_from")?,
                    valid_to: row.opt_text("valid_to")?,
                    owner_unit_code: row.opt_text("owner_unit_code")?,
                },
            })
        })
        .collect()
}

async fn insert_entry(
    tx: &mut sqlx::Transaction<'_, Db>,
    f: &KnowledgeFields,
    at: ::time::OffsetDateTime,
) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO knowledge_entries
             (question, answer, matter_codes, valid_from, valid_to, owner_unit_code, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(f.question.trim())
    .bind(f.answer.trim())
    .bind(codes_text(&f.matter_codes))
    .bind(&f.valid_from)
    .bind(&f.valid_to)
    .bind(&f.owner_unit_code)
    .bind(stored_time(at))
    .fetch_one(&mut **tx)
    .await?;
    row.int64("id")
}

async fn update_entry(
    tx: &mut sqlx::Transaction<'_, Db>,
    id: i64,
    f: &KnowledgeFields,
    at: ::time::OffsetDateTime,
) -> StoreResult<bool> {
    let changed = sqlx::query(
        "UPDATE knowledge_entries SET question = $1, answer = $2, matter_codes = $3,
             valid_from = $4, valid_to = $5, owner_unit_code = $6, updated_at = $7
         WHERE id = $8",
    )
    .bind(f.question.trim())
    .bind(f.answer.trim())
    .bind(codes_text(&f.matter_codes))
    .bind(&f.valid_from)
    .bind(&f.valid_to)
    .bind(&f.owner_unit_code)
    .bind(stored_time(at))
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

pub(crate) async fn add_knowledge_entry(
    pool: &Pool,
    fields: &KnowledgeFields,
    at: ::time::OffsetDateTime,
) -> StoreResult<i64> {
    let mut tx = pool.begin().await?;
    let id = insert_entry(&mut tx, fields, at).await?;
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn update_knowledge_entry(
    pool: &Pool,
    id: i64,
    fields: &KnowledgeFields,
    at: ::time::OffsetDateTime,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let found = update_entry(&mut tx, id, fields, at).await?;
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(found)
}

pub(crate) async fn delete_knowledge_entry(pool: &Pool, id: i64) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let gone = sqlx::query("DELETE FROM knowledge_entries WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(gone == 1)
}

pub(crate) async fn replace_knowledge(
    pool: &Pool,
    entries: &[(Option<i64>, KnowledgeFields)],
    at: ::time::OffsetDateTime,
) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let mut keep = Vec::new();
    for (id, fields) in entries {
        match id {
            Some(id) if update_entry(&mut tx, *id, fields, at).await? => keep.push(*id),
            _ => keep.push(insert_entry(&mut tx, fields, at).await?),
        }
    }
    let stored = sqlx::query("SELECT id FROM knowledge_entries")
        .fetch_all(&mut *tx)
        .await?;
    for row in stored {
        let id = row.int64("id")?;
        if !keep.contains(&id) {
            sqlx::query("DELETE FROM knowledge_entries WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn training_tickets(
    pool: &Pool,
    limit: i64,
) -> StoreResult<Vec<(String, String)>> {
    // Gridline's own tickets first, then the previous system's (`advance/history.rs`).
    let rows = sqlx::query(
        "SELECT matter_code, description FROM (
             SELECT 0 AS origin, id, matter_code, description FROM tickets
             WHERE merged_into IS NULL
             UNION ALL
             SELECT 1 AS origin, id, matter_code, description FROM past_tickets
             WHERE description IS NOT NULL
         ) AS learned ORDER BY origin, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.text("matter_code")?, row.text("description")?)))
        .collect()
}

pub(crate) async fn add_enquiry(pool: &Pool, e: &EnquiryRecord) -> StoreResult<(i64, bool)> {
    let inserted = sqlx::query(
        "INSERT INTO enquiries (at, text, entry_id, matter_code, call_id, staff_id)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (call_id) DO NOTHING RETURNING id",
    )
    .bind(stored_time(e.at))
    .bind(e.text.trim())
    .bind(e.entry_id)
    .bind(&e.matter_code)
    .bind(&e.call_id)
    .bind(e.staff_id)
    .fetch_optional(pool)
    .await?;
    if let Some(row) = inserted {
        return Ok((row.int64("id")?, true));
    }
    let row = sqlx::query("SELECT id FROM enquiries WHERE call_id = $1")
        .bind(&e.call_id)
        .fetch_one(pool)
        .await?;
    Ok((row.int64("id")?, false))
}

pub(crate) async fn count_enquiries(
    pool: &Pool,
    from: ::time::OffsetDateTime,
    to: ::time::OffsetDateTime,
) -> StoreResult<u64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM enquiries WHERE at >= $1 AND at < $2")
        .bind(stored_time(from))
        .bind(stored_time(to))
        .fetch_one(pool)
        .await?;
    Ok(u64::try_from(row.int64("n")?).unwrap_or(0))
}

#[async_trait::async_trait]
impl crate::knowledge::store::KnowledgeStore for This {
    async fn knowledge_entries(&self) -> StoreResult<Vec<KnowledgeEntry>> {
        knowledge_entries(&self.pool).await
    }

    async fn add_knowledge_entry(
        &self,
        fields: &KnowledgeFields,
        at: ::time::OffsetDateTime,
    ) -> StoreResult<i64> {
        add_knowledge_entry(&self.pool, fields, at).await
    }

    async fn update_knowledge_entry(
        &self,
        id: i64,
        fields: &KnowledgeFields,
        at: ::time::OffsetDateTime,
    ) -> StoreResult<bool> {
        update_knowledge_entry(&self.pool, id, fields, at).await
    }

    async fn delete_knowledge_entry(&self, id: i64) -> StoreResult<bool> {
        delete_knowledge_entry(&self.pool, id).await
    }

    async fn replace_knowledge(
        &self,
        entries: &[(Option<i64>, KnowledgeFields)],
        at: ::time::OffsetDateTime,
    ) -> StoreResult<()> {
        replace_knowledge(&self.pool, entries, at).await
    }

    async fn training_tickets(&self, limit: i64) -> StoreResult<Vec<(String, String)>> {
        training_tickets(&self.pool, limit).await
    }

    async fn add_enquiry(&self, enquiry: &EnquiryRecord) -> StoreResult<(i64, bool)> {
        add_enquiry(&self.pool, enquiry).await
    }

    async fn count_enquiries(
        &self,
        from: ::time::OffsetDateTime,
        to: ::time::OffsetDateTime,
    ) -> StoreResult<u64> {
        count_enquiries(&self.pool, from, to).await
    }
}
