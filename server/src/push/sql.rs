// Web Push subscriptions: residents' devices following tickets, staff members' browsers
// for their queues. Written once for both backends like every feature's `sql.rs` (the including
// module defines `Pool`).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.

use time::OffsetDateTime;

use crate::auth::store::roles_from_text;
use crate::push::store::{NewPushSubscription, PushSubscription, StaffSubscription};
use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreResult, stored_time};

const COLUMNS: &str = "p.id, p.endpoint, p.p256dh, p.auth, p.lang, p.staff_id";

fn subscription(row: &impl crate::store::rows::RowExt) -> StoreResult<PushSubscription> {
    Ok(PushSubscription {
        id: row.int64("id")?,
        endpoint: row.text("endpoint")?,
        p256dh: row.text("p256dh")?,
        auth: row.text("auth")?,
        lang: row.text("lang")?,
        staff_id: row.opt_int64("staff_id")?,
    })
}

pub(crate) async fn save(pool: &Pool, s: &NewPushSubscription) -> StoreResult<i64> {
    // The same browser subscribing again (new keys, another language, a staff member
    // signing in) updates its one row; a resident's follow leaves a staff member's
    // session on it as it was.
    let row = sqlx::query(
        "INSERT INTO push_subscriptions
             (endpoint, p256dh, auth, lang, staff_id, session_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth,
             lang = excluded.lang,
             staff_id = CASE WHEN excluded.session_hash IS NULL
                 THEN push_subscriptions.staff_id ELSE excluded.staff_id END,
             session_hash = COALESCE(excluded.session_hash, push_subscriptions.session_hash)
         RETURNING id",
    )
    .bind(&s.endpoint)
    .bind(&s.p256dh)
    .bind(&s.auth)
    .bind(&s.lang)
    .bind(s.staff_id)
    .bind(s.session_hash.as_deref())
    .bind(stored_time(OffsetDateTime::now_utc()))
    .fetch_one(pool)
    .await?;
    row.int64("id")
}

pub(crate) async fn follow(
    pool: &Pool,
    subscription_id: i64,
    ticket_id: i64,
    cap: usize,
) -> StoreResult<bool> {
    let cap = i64::try_from(cap).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO push_follows (subscription_id, ticket_id)
         SELECT $1, $2 WHERE (SELECT COUNT(*) FROM push_follows WHERE ticket_id = $2) < $3
         ON CONFLICT DO NOTHING",
    )
    .bind(subscription_id)
    .bind(ticket_id)
    .bind(cap)
    .execute(pool)
    .await?;
    let following =
        sqlx::query("SELECT 1 FROM push_follows WHERE subscription_id = $1 AND ticket_id = $2")
            .bind(subscription_id)
            .bind(ticket_id)
            .fetch_optional(pool)
            .await?;
    Ok(following.is_some())
}

pub(crate) async fn by_id(pool: &Pool, id: i64) -> StoreResult<Option<PushSubscription>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM push_subscriptions p WHERE p.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(subscription).transpose()
}

pub(crate) async fn delete(pool: &Pool, id: i64) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM push_follows WHERE subscription_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn followers(pool: &Pool, ticket_id: i64) -> StoreResult<Vec<PushSubscription>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM push_subscriptions p
         JOIN push_follows f ON f.subscription_id = p.id
         WHERE f.ticket_id = $1 ORDER BY p.id"
    )))
    .bind(ticket_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(subscription).collect()
}

/// Staff members' subscriptions whose session is live at `now` (not expired, not
/// signed out, the account enabled).
pub(crate) async fn of_staff(
    pool: &Pool,
    now: OffsetDateTime,
) -> StoreResult<Vec<StaffSubscription>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, s.roles FROM push_subscriptions p
         JOIN sessions x ON x.token_hash = p.session_hash AND x.staff_id = p.staff_id
         JOIN staff s ON s.id = p.staff_id
         WHERE s.disabled = $1 AND x.expires_at > $2
         ORDER BY p.id"
    )))
    .bind(false)
    .bind(stored_time(now))
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let subscription = subscription(row)?;
        let units = sqlx::query("SELECT unit_code FROM staff_units WHERE staff_id = $1")
            .bind(subscription.staff_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| r.text("unit_code"))
            .collect::<StoreResult<Vec<_>>>()?;
        out.push(StaffSubscription {
            roles: roles_from_text(&row.text("roles")?)?,
            units,
            subscription,
        });
    }
    Ok(out)
}

/// Ends the queue notifications of the subscriptions made by sessions that are gone
/// (signed out, expired and purged): the staff member and session are taken off, and a
/// subscription so ended that serves nothing else (it follows no ticket) is forgotten.
/// Only those: a resident's subscription is saved before it follows its ticket, and is
/// not to be taken in between.
pub(crate) async fn end_staff_sessions(pool: &Pool) -> StoreResult<u64> {
    let mut tx = pool.begin().await?;
    let ended: Vec<i64> = sqlx::query_scalar(
        "UPDATE push_subscriptions SET staff_id = NULL, session_hash = NULL
         WHERE staff_id IS NOT NULL
           AND (session_hash IS NULL
                OR NOT EXISTS (SELECT 1 FROM sessions x WHERE x.token_hash = session_hash))
         RETURNING id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for id in &ended {
        sqlx::query(
            "DELETE FROM push_subscriptions
             WHERE id = $1 AND staff_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM push_follows f WHERE f.subscription_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(ended.len() as u64)
}

#[async_trait::async_trait]
impl crate::push::store::PushStore for This {
    async fn save_push_subscription(&self, subscription: &NewPushSubscription) -> StoreResult<i64> {
        save(&self.pool, subscription).await
    }

    async fn follow_ticket(
        &self,
        subscription_id: i64,
        ticket_id: i64,
        cap: usize,
    ) -> StoreResult<bool> {
        follow(&self.pool, subscription_id, ticket_id, cap).await
    }

    async fn push_subscription(&self, id: i64) -> StoreResult<Option<PushSubscription>> {
        by_id(&self.pool, id).await
    }

    async fn delete_push_subscription(&self, id: i64) -> StoreResult<()> {
        delete(&self.pool, id).await
    }

    async fn ticket_followers(&self, ticket_id: i64) -> StoreResult<Vec<PushSubscription>> {
        followers(&self.pool, ticket_id).await
    }

    async fn staff_subscriptions(
        &self,
        now: ::time::OffsetDateTime,
    ) -> StoreResult<Vec<StaffSubscription>> {
        of_staff(&self.pool, now).await
    }
}
