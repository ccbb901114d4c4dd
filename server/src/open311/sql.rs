// The Open311 GeoReport v2 server's keys and its queries over tickets. Written once for
// both backends like every feature's `sql.rs` (the including module defines `Pool`).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use time::OffsetDateTime;

use crate::open311::store::{Open311Key, RequestQuery};
use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreError, StoreResult, stored_time};
use crate::tickets::store::TicketRecord;

pub(crate) async fn add_key(pool: &Pool, name: &str, key_hash: &[u8]) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO open311_keys (name, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(key_hash)
    .bind(stored_time(OffsetDateTime::now_utc()))
    .fetch_one(pool)
    .await
    .map_err(|e| StoreError::from_write(e, "an Open311 key with this name"))?;
    row.int64("id")
}

pub(crate) async fn key_name(pool: &Pool, key_hash: &[u8]) -> StoreResult<Option<String>> {
    let row =
        sqlx::query("SELECT name FROM open311_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(key_hash)
            .fetch_optional(pool)
            .await?;
    row.as_ref().map(|r| r.text("name")).transpose()
}

pub(crate) async fn keys(pool: &Pool) -> StoreResult<Vec<Open311Key>> {
    let rows = sqlx::query("SELECT name, created_at, revoked_at FROM open311_keys ORDER BY name")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Open311Key {
                name: r.text("name")?,
                created_at: r.time("created_at")?,
                revoked_at: r.opt_time("revoked_at")?,
            })
        })
        .collect()
}

pub(crate) async fn revoke_key(pool: &Pool, name: &str) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE open311_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
    )
    .bind(name)
    .bind(stored_time(OffsetDateTime::now_utc()))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `$first, $first+1, …` for `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) async fn requests(pool: &Pool, query: &RequestQuery) -> StoreResult<Vec<TicketRecord>> {
    let rows = match query {
        RequestQuery::Named { codes, ids } if codes.is_empty() && ids.is_empty() => Vec::new(),
        RequestQuery::Named { codes, ids } => {
            // An empty IN () is not SQL: a list that cannot match stands in for it.
            let codes_in = if codes.is_empty() {
                "NULL".to_owned()
            } else {
                placeholders(1, codes.len())
            };
            let ids_in = if ids.is_empty() {
                "NULL".to_owned()
            } else {
                placeholders(codes.len() + 1, ids.len())
            };
            let sql = format!(
                "SELECT {} FROM tickets WHERE tracking_code IN ({codes_in}) OR id IN ({ids_in}) \
                 ORDER BY created_at DESC, id DESC",
                ticket_columns!(),
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for code in codes {
                q = q.bind(code);
            }
            for id in ids {
                q = q.bind(id);
            }
            q.fetch_all(pool).await?
        }
        RequestQuery::ClientId(id) => {
            sqlx::query(concat!(
                "SELECT ",
                ticket_columns!(),
                " FROM tickets WHERE client_id = $1"
            ))
            .bind(id)
            .fetch_all(pool)
            .await?
        }
        RequestQuery::Window {
            matters,
            from,
            to,
            closed,
            limit,
        } => {
            let mut sql = format!(
                "SELECT {} FROM tickets WHERE created_at >= $1 AND created_at <= $2",
                ticket_columns!()
            );
            match closed {
                Some(true) => sql.push_str(" AND status IN ('done', 'closed')"),
                Some(false) => sql.push_str(" AND status NOT IN ('done', 'closed')"),
                None => {}
            }
            if !matters.is_empty() {
                sql.push_str(&format!(
                    " AND matter_code IN ({})",
                    placeholders(3, matters.len())
                ));
            }
            sql.push_str(&format!(
                " ORDER BY created_at DESC, id DESC LIMIT ${}",
                3 + matters.len()
            ));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(stored_time(*from))
                .bind(stored_time(*to));
            for matter in matters {
                q = q.bind(matter);
            }
            q.bind(i64::from(*limit)).fetch_all(pool).await?
        }
    };
    rows.iter().map(crate::store::rows::ticket).collect()
}

#[async_trait::async_trait]
impl crate::open311::store::Open311Store for This {
    async fn add_open311_key(&self, name: &str, key_hash: &[u8]) -> StoreResult<i64> {
        add_key(&self.pool, name, key_hash).await
    }

    async fn open311_key(&self, key_hash: &[u8]) -> StoreResult<Option<String>> {
        key_name(&self.pool, key_hash).await
    }

    async fn open311_keys(&self) -> StoreResult<Vec<Open311Key>> {
        keys(&self.pool).await
    }

    async fn revoke_open311_key(&self, name: &str) -> StoreResult<bool> {
        revoke_key(&self.pool, name).await
    }

    async fn open311_requests(&self, query: &RequestQuery) -> StoreResult<Vec<TicketRecord>> {
        requests(&self.pool, query).await
    }
}
