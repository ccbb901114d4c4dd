// The outbox: items claimed with a lease (one statement, so of two processes on one
// PostgreSQL database one wins), delivered or failed. An item waits only for the
// earlier undelivered items of its own ticket and lane (one receiver). Written once for both backends
// like every feature's `sql.rs` (the including module defines `Pool`).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.

use sqlx::Row as _;
use time::OffsetDateTime;

use crate::outbox::store::{ForwardLink, ForwardTarget, NewForwardTarget, OutboxItem, OutboxRow};
use crate::store::shared::{StoreError, StoreResult, stored_time};

fn item(row: &impl crate::store::rows::RowExt) -> StoreResult<OutboxItem> {
    let attempts = row.int32("attempts")?;
    Ok(OutboxItem {
        id: row.int64("id")?,
        kind: row.text("kind")?,
        ticket_id: row.opt_int64("ticket_id")?,
        target_id: row.opt_int64("target_id")?,
        payload: row.text("payload")?,
        attempts: u32::try_from(attempts)
            .map_err(|_| StoreError::Corrupt(format!("outbox attempts {attempts}")))?,
    })
}

pub(crate) async fn claim(
    pool: &Pool,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
) -> StoreResult<Option<OutboxItem>> {
    let row = sqlx::query(
        "UPDATE outbox SET claimed_until = $2, attempts = attempts + 1
         WHERE id = (
             SELECT o.id FROM outbox o
             WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND o.next_attempt_at <= $1
               AND (o.claimed_until IS NULL OR o.claimed_until <= $1)
               AND NOT EXISTS (
                   SELECT 1 FROM outbox p
                   WHERE p.ticket_id = o.ticket_id AND p.lane = o.lane AND p.id < o.id
                     AND p.delivered_at IS NULL AND p.dead_at IS NULL)
             ORDER BY o.id LIMIT 1)
           AND (claimed_until IS NULL OR claimed_until <= $1)
         RETURNING id, kind, ticket_id, target_id, payload, attempts",
    )
    .bind(stored_time(now))
    .bind(stored_time(lease_until))
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(item).transpose()
}

pub(crate) async fn delivered(pool: &Pool, id: i64, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query(
        "UPDATE outbox SET delivered_at = $2, claimed_until = NULL, last_error = NULL WHERE id = $1",
    )
    .bind(id)
    .bind(stored_time(now))
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn failed(
    pool: &Pool,
    id: i64,
    error: &str,
    retry_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let query = match retry_at {
        Some(at) => sqlx::query(
            "UPDATE outbox SET next_attempt_at = $2, claimed_until = NULL, last_error = $3
             WHERE id = $1",
        )
        .bind(id)
        .bind(stored_time(at)),
        None => sqlx::query(
            "UPDATE outbox SET dead_at = $2, claimed_until = NULL, last_error = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(stored_time(now)),
    };
    query.bind(error).execute(pool).await?;
    Ok(())
}

fn outbox_row(row: &impl crate::store::rows::RowExt) -> StoreResult<OutboxRow> {
    Ok(OutboxRow {
        item: item(row)?,
        delivered_at: row.opt_time("delivered_at")?,
        dead_at: row.opt_time("dead_at")?,
        last_error: row.opt_text("last_error")?,
    })
}

pub(crate) async fn of_ticket(pool: &Pool, ticket_id: i64) -> StoreResult<Vec<OutboxRow>> {
    let rows = sqlx::query(
        "SELECT id, kind, ticket_id, target_id, payload, attempts, delivered_at, dead_at, last_error
         FROM outbox WHERE ticket_id = $1 ORDER BY id",
    )
    .bind(ticket_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(outbox_row).collect()
}

/// Inserts outbox items for `ticket_id` inside a ticket's own transaction.
pub(crate) async fn insert_items(
    tx: &mut sqlx::Transaction<'_, Db>,
    ticket_id: i64,
    items: &[crate::outbox::store::NewOutboxItem],
    at: OffsetDateTime,
) -> StoreResult<()> {
    for item in items {
        sqlx::query(
            "INSERT INTO outbox (kind, ticket_id, target_id, payload, created_at, next_attempt_at, lane)
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(&item.kind)
        .bind(ticket_id)
        .bind(item.target_id)
        .bind(&item.payload)
        .bind(stored_time(at))
        .bind(&item.lane)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn target(row: &impl crate::store::rows::RowExt) -> StoreResult<ForwardTarget> {
    let kind = row.text("kind")?;
    Ok(ForwardTarget {
        id: row.int64("id")?,
        name: row.text("name")?,
        url: row.text("url")?,
        secret: row.text("secret")?,
        unit_code: row.opt_text("unit_code")?,
        matter_code: row.opt_text("matter_code")?,
        disabled: row.flag("disabled")?,
        kind: crate::outbox::store::TargetKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("forwarding kind {kind:?}")))?,
        jurisdiction_id: row.opt_text("jurisdiction_id")?,
        service_code: row.opt_text("service_code")?,
    })
}

fn link(row: &impl crate::store::rows::RowExt) -> StoreResult<crate::outbox::store::ForwardLink> {
    Ok(crate::outbox::store::ForwardLink {
        target_id: row.int64("target_id")?,
        ticket_id: row.int64("ticket_id")?,
        service_request_id: row.opt_text("service_request_id")?,
        token: row.opt_text("token")?,
        status: row.text("status")?,
        status_notes: row.text("status_notes")?,
    })
}

const LINK_COLUMNS: &str = "target_id, ticket_id, service_request_id, token, status, status_notes";

pub(crate) async fn link_of(
    pool: &Pool,
    target_id: i64,
    ticket_id: i64,
) -> StoreResult<Option<crate::outbox::store::ForwardLink>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {LINK_COLUMNS} FROM forward_links WHERE target_id = $1 AND ticket_id = $2"
    )))
    .bind(target_id)
    .bind(ticket_id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(link).transpose()
}

pub(crate) async fn add_link(
    pool: &Pool,
    l: &crate::outbox::store::ForwardLink,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO forward_links
             (target_id, ticket_id, service_request_id, token, status, status_notes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(l.target_id)
    .bind(l.ticket_id)
    .bind(&l.service_request_id)
    .bind(&l.token)
    .bind(&l.status)
    .bind(&l.status_notes)
    .bind(stored_time(OffsetDateTime::now_utc()))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn open_links(
    pool: &Pool,
    target_id: i64,
) -> StoreResult<Vec<crate::outbox::store::ForwardLink>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {LINK_COLUMNS} FROM forward_links WHERE target_id = $1 AND status = 'open'
         ORDER BY ticket_id"
    )))
    .bind(target_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(link).collect()
}

pub(crate) async fn update_link(
    pool: &Pool,
    before: &crate::outbox::store::ForwardLink,
    after: &crate::outbox::store::ForwardLink,
) -> StoreResult<bool> {
    // `IS NOT DISTINCT FROM` would be PostgreSQL only; COALESCE compares NULLs alike.
    let done = sqlx::query(
        "UPDATE forward_links SET service_request_id = $3, token = $4, status = $5,
             status_notes = $6
         WHERE target_id = $1 AND ticket_id = $2
           AND COALESCE(service_request_id, '') = $7 AND COALESCE(token, '') = $8
           AND status = $9 AND status_notes = $10",
    )
    .bind(before.target_id)
    .bind(before.ticket_id)
    .bind(&after.service_request_id)
    .bind(&after.token)
    .bind(&after.status)
    .bind(&after.status_notes)
    .bind(before.service_request_id.as_deref().unwrap_or(""))
    .bind(before.token.as_deref().unwrap_or(""))
    .bind(&before.status)
    .bind(&before.status_notes)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn add_target(pool: &Pool, t: &NewForwardTarget) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO forward_targets (name, url, secret, unit_code, matter_code, created_at,
             kind, jurisdiction_id, service_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&t.name)
    .bind(&t.url)
    .bind(&t.secret)
    .bind(&t.unit_code)
    .bind(&t.matter_code)
    .bind(stored_time(OffsetDateTime::now_utc()))
    .bind(t.kind.as_str())
    .bind(&t.jurisdiction_id)
    .bind(&t.service_code)
    .fetch_one(pool)
    .await
    .map_err(|e| StoreError::from_write(e, "a forwarding target with this name"))?;
    Ok(row.try_get("id")?)
}

pub(crate) async fn targets(pool: &Pool) -> StoreResult<Vec<ForwardTarget>> {
    let rows = sqlx::query(
        "SELECT id, name, url, secret, unit_code, matter_code, disabled, kind, jurisdiction_id,
             service_code
         FROM forward_targets ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(target).collect()
}

pub(crate) async fn set_target_disabled(
    pool: &Pool,
    name: &str,
    disabled: bool,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE forward_targets SET disabled = $2 WHERE name = $1")
        .bind(name)
        .bind(disabled)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn dead(pool: &Pool) -> StoreResult<Vec<OutboxRow>> {
    let rows = sqlx::query(
        "SELECT id, kind, ticket_id, target_id, payload, attempts, delivered_at, dead_at, last_error
         FROM outbox WHERE dead_at IS NOT NULL ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(outbox_row).collect()
}

pub(crate) async fn requeue(pool: &Pool, id: i64, now: OffsetDateTime) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = $2, claimed_until = NULL
         WHERE id = $1 AND dead_at IS NOT NULL",
    )
    .bind(id)
    .bind(stored_time(now))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn record_inbound(
    pool: &Pool,
    target_id: i64,
    key: &str,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO inbound_events (target_id, idempotency_key, received_at) VALUES ($1, $2, $3)
         ON CONFLICT (target_id, idempotency_key) DO NOTHING",
    )
    .bind(target_id)
    .bind(key)
    .bind(stored_time(now))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn forget_inbound(pool: &Pool, target_id: i64, key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM inbound_events WHERE target_id = $1 AND idempotency_key = $2")
        .bind(target_id)
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl crate::outbox::store::OutboxStore for This {
    async fn claim_outbox(
        &self,
        now: ::time::OffsetDateTime,
        lease_until: ::time::OffsetDateTime,
    ) -> StoreResult<Option<OutboxItem>> {
        claim(&self.pool, now, lease_until).await
    }

    async fn outbox_delivered(&self, id: i64, now: ::time::OffsetDateTime) -> StoreResult<()> {
        delivered(&self.pool, id, now).await
    }

    async fn outbox_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<::time::OffsetDateTime>,
        now: ::time::OffsetDateTime,
    ) -> StoreResult<()> {
        failed(&self.pool, id, error, retry_at, now).await
    }

    async fn outbox_items(&self, ticket_id: i64) -> StoreResult<Vec<OutboxRow>> {
        of_ticket(&self.pool, ticket_id).await
    }

    async fn record_inbound(
        &self,
        target_id: i64,
        key: &str,
        now: ::time::OffsetDateTime,
    ) -> StoreResult<bool> {
        record_inbound(&self.pool, target_id, key, now).await
    }

    async fn forget_inbound(&self, target_id: i64, key: &str) -> StoreResult<()> {
        forget_inbound(&self.pool, target_id, key).await
    }

    async fn dead_outbox(&self) -> StoreResult<Vec<OutboxRow>> {
        dead(&self.pool).await
    }

    async fn requeue_outbox(&self, id: i64, now: ::time::OffsetDateTime) -> StoreResult<bool> {
        requeue(&self.pool, id, now).await
    }

    async fn add_forward_target(&self, target: &NewForwardTarget) -> StoreResult<i64> {
        add_target(&self.pool, target).await
    }

    async fn forward_targets(&self) -> StoreResult<Vec<ForwardTarget>> {
        targets(&self.pool).await
    }

    async fn set_forward_target_disabled(&self, name: &str, disabled: bool) -> StoreResult<bool> {
        set_target_disabled(&self.pool, name, disabled).await
    }

    async fn forward_link(
        &self,
        target_id: i64,
        ticket_id: i64,
    ) -> StoreResult<Option<ForwardLink>> {
        link_of(&self.pool, target_id, ticket_id).await
    }

    async fn add_forward_link(&self, link: &ForwardLink) -> StoreResult<bool> {
        add_link(&self.pool, link).await
    }

    async fn open_forward_links(&self, target_id: i64) -> StoreResult<Vec<ForwardLink>> {
        open_links(&self.pool, target_id).await
    }

    async fn update_forward_link(
        &self,
        before: &ForwardLink,
        after: &ForwardLink,
    ) -> StoreResult<bool> {
        update_link(&self.pool, before, after).await
    }
}
