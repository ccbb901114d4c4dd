// TicketStore: the writes (a ticket with its entries and outbox items, saved steps,
// notices, co-units) and the trait's implementation; the reads are in read_sql.rs.
// Written once for both backends (the including module defines `Pool`, `Db` and
// `This`, the backend's store).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use gridline_core::ticket::Satisfaction;
use sqlx::Row as _;
use time::OffsetDateTime;

use super::{OPEN, opt_time, placeholders};
use crate::outbox::store::NewOutboxItem;
use crate::store::rows as read;
use crate::store::shared::{StoreError, StoreResult, stored_time};
use crate::tickets::store::{
    Created, NewEvent, Notice, Page, TicketFilter, TicketRecord, TicketVersion,
};

/// Writes a change's timeline entries and the outbox items it causes (due from `due`),
/// in the change's transaction: what is sent is stored with what causes it.
pub(crate) async fn insert_change(
    tx: &mut sqlx::Transaction<'_, Db>,
    ticket_id: i64,
    events: &[NewEvent],
    outbox: &[NewOutboxItem],
    due: OffsetDateTime,
) -> StoreResult<()> {
    for event in events {
        insert_events(tx, ticket_id, event).await?;
    }
    super::outbox::insert_items(tx, ticket_id, outbox, due).await
}

/// Writes one timeline entry and links the media it names, in the caller's transaction.
pub(crate) async fn insert_events(
    conn: &mut <Db as sqlx::Database>::Connection,
    ticket_id: i64,
    event: &NewEvent,
) -> StoreResult<()> {
    let row = sqlx::query(
        "INSERT INTO ticket_events (ticket_id, at, kind, staff_id, unit_code, public, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id",
    )
    .bind(ticket_id)
    .bind(stored_time(event.at))
    .bind(&event.kind)
    .bind(event.staff_id)
    .bind(&event.unit_code)
    .bind(event.public)
    .bind(&event.note)
    .fetch_one(&mut *conn)
    .await?;
    let event_id: i64 = row.try_get("id")?;
    for (position, media_id) in event.media.iter().enumerate() {
        sqlx::query("INSERT INTO event_media (event_id, media_id, position) VALUES ($1, $2, $3)")
            .bind(event_id)
            .bind(media_id)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::from_write(e, "this medium on this entry"))?;
    }
    Ok(())
}

pub(crate) async fn create_ticket(
    pool: &Pool,
    t: &TicketRecord,
    events: &[NewEvent],
    outbox: &[crate::outbox::store::NewOutboxItem],
) -> StoreResult<Created> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query(
        "INSERT INTO tickets (tracking_code, client_id, channel, matter_code, region_code, lon, lat,
             address, description, contact_name, contact_phone, status, return_pending,
             lead_unit_code, tier_days, urgent, created_at, dispatched_at, response_due, warn_at,
             handling_due, deadline_estimated, device_secret_hash, station_id, consent, closed_at,
             merged_into, sms_consent, call_id, kind, enterprise_name, credit_code,
             police_target_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33)
         ON CONFLICT (client_id) DO NOTHING
         RETURNING id",
    )
    .bind(&t.tracking_code)
    .bind(&t.client_id)
    .bind(t.channel.as_str())
    .bind(&t.matter_code)
    .bind(&t.region_code)
    .bind(t.lon)
    .bind(t.lat)
    .bind(&t.address)
    .bind(&t.description)
    .bind(&t.contact_name)
    .bind(&t.contact_phone)
    .bind(t.state.status.as_str())
    .bind(t.state.return_pending)
    .bind(&t.lead_unit_code)
    .bind(i32::from(t.tier_days))
    .bind(t.urgent)
    .bind(stored_time(t.created_at))
    .bind(opt_time(t.dispatched_at))
    .bind(opt_time(t.response_due))
    .bind(opt_time(t.warn_at))
    .bind(opt_time(t.handling_due))
    .bind(t.deadline_estimated)
    .bind(&t.device_secret_hash)
    .bind(t.station_id)
    .bind(t.consent.map(gridline_core::api::station::Consent::as_str))
    .bind(opt_time(t.closed_at))
    .bind(t.merged_into)
    .bind(t.sms_consent)
    .bind(&t.call_id)
    .bind(t.kind.as_str())
    .bind(&t.enterprise_name)
    .bind(&t.credit_code)
    .bind(t.police_target)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| StoreError::from_write(e, "a ticket with this tracking code"))?;
    let Some(row) = row else {
        // The client id was seen before: hand back that ticket.
        drop(tx);
        let existing = sqlx::query(concat!(
            "SELECT ",
            ticket_columns!(),
            " FROM tickets WHERE client_id = $1"
        ))
        .bind(&t.client_id)
        .fetch_one(pool)
        .await?;
        return Ok(Created::Existing(read::ticket(&existing)?));
    };
    let id: i64 = row.try_get("id")?;
    insert_change(&mut tx, id, events, outbox, t.created_at).await?;
    tx.commit().await?;
    Ok(Created::New(TicketRecord { id, ..t.clone() }))
}

/// What a unit does that counts as progress at a checkpoint (and ends a stall).
pub(crate) const UNIT_PROGRESS: [&str; 3] = ["accept", "progress", "resolve"];

pub(crate) async fn save_ticket(
    pool: &Pool,
    t: &TicketRecord,
    expected: &TicketVersion,
    event: &NewEvent,
    outbox: &[crate::outbox::store::NewOutboxItem],
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE tickets SET status = $1, return_pending = $2, lead_unit_code = $3, tier_days = $4,
             dispatched_at = $5, response_due = $6, warn_at = $7, handling_due = $8,
             deadline_estimated = $9, responded_at = $10, resolved_at = $11, closed_at = $12,
             warned_at = $13, response_overdue_at = $14, overdue_at = $15, satisfaction = $16,
             reopen_count = $17, review_pending = $18, complexity = $24,
             checks_done = CASE WHEN $28 THEN $25 ELSE checks_done END,
             next_check_at = CASE WHEN $28 THEN $26 ELSE next_check_at END,
             stalled_at = CASE WHEN $27 OR $28 OR dispatched_at IS NULL
                 THEN NULL ELSE stalled_at END
         WHERE id = $19 AND status = $20 AND return_pending = $21
             AND (satisfaction IS NOT NULL) = $22 AND reopen_count = $23",
    )
    .bind(t.state.status.as_str())
    .bind(t.state.return_pending)
    .bind(&t.lead_unit_code)
    .bind(i32::from(t.tier_days))
    .bind(opt_time(t.dispatched_at))
    .bind(opt_time(t.response_due))
    .bind(opt_time(t.warn_at))
    .bind(opt_time(t.handling_due))
    .bind(t.deadline_estimated)
    .bind(opt_time(t.responded_at))
    .bind(opt_time(t.resolved_at))
    .bind(opt_time(t.closed_at))
    .bind(opt_time(t.warned_at))
    .bind(opt_time(t.response_overdue_at))
    .bind(opt_time(t.overdue_at))
    .bind(t.satisfaction.map(Satisfaction::as_str))
    .bind(i64::from(t.reopen_count))
    .bind(t.review_pending)
    .bind(t.id)
    .bind(expected.state.status.as_str())
    .bind(expected.state.return_pending)
    .bind(expected.rated)
    .bind(i64::from(expected.reopen_count))
    .bind(i32::from(t.complexity))
    .bind(i32::from(t.checks_done))
    .bind(opt_time(t.next_check_at))
    .bind(UNIT_PROGRESS.contains(&event.kind.as_str()))
    // A dispatch laid out new checkpoints. Told by the change itself, not by comparing
    // dispatch times in the database: those are whole seconds, and a redispatch in the
    // second of the dispatch before it kept the old checkpoints.
    .bind(crate::tickets::store::schedule_of(t) != expected.schedule)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    insert_change(&mut tx, t.id, std::slice::from_ref(event), outbox, event.at).await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn add_co_unit(
    pool: &Pool,
    ticket_id: i64,
    unit_code: &str,
    event: &NewEvent,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO ticket_co_units (ticket_id, unit_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(ticket_id)
    .bind(unit_code)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted != 1 {
        return Ok(false);
    }
    insert_events(&mut tx, ticket_id, event).await?;
    tx.commit().await?;
    Ok(true)
}

/// Adds timeline entries (and their outbox items) to a ticket without changing it: a
/// merged ticket hears of its lead's steps.
pub(crate) async fn append_events(
    pool: &Pool,
    ticket_id: i64,
    events: &[NewEvent],
    outbox: &[NewOutboxItem],
) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let at = events
        .first()
        .map_or_else(OffsetDateTime::now_utc, |e| e.at);
    insert_change(&mut tx, ticket_id, events, outbox, at).await?;
    tx.commit().await?;
    Ok(())
}

/// The supervision checkpoints.
mod checks {
    use super::Pool;
    include!("checks_sql.rs");
}

/// The reads: one ticket, its timeline, the queues, the deadlines' notices.
mod reads {
    use super::Pool;
    include!("read_sql.rs");
}

#[async_trait::async_trait]
impl crate::tickets::store::TicketStore for This {
    async fn create_ticket(
        &self,
        ticket: &TicketRecord,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<Created> {
        self.wrote(create_ticket(&self.pool, ticket, events, outbox).await)
    }

    async fn ticket_by_code(&self, tracking_code: &str) -> StoreResult<Option<TicketRecord>> {
        reads::ticket_by_code(&self.pool, tracking_code).await
    }

    async fn ticket_by_id(&self, id: i64) -> StoreResult<Option<TicketRecord>> {
        reads::ticket_by_id(&self.pool, id).await
    }

    async fn last_event_id(&self, tracking_code: &str) -> StoreResult<Option<i64>> {
        reads::last_event_id(&self.pool, tracking_code).await
    }

    async fn ticket_timeline(
        &self,
        ticket_id: i64,
    ) -> StoreResult<Vec<::gridline_core::api::ticket::TimelineEntry>> {
        reads::ticket_timeline(&self.pool, ticket_id).await
    }

    async fn save_ticket(
        &self,
        ticket: &TicketRecord,
        expected: &TicketVersion,
        event: &NewEvent,
        outbox: &[NewOutboxItem],
    ) -> StoreResult<bool> {
        self.wrote(save_ticket(&self.pool, ticket, expected, event, outbox).await)
    }

    async fn list_tickets(
        &self,
        filter: &TicketFilter,
        kind: Option<gridline_core::api::ticket::RequestKind>,
        page: Page,
    ) -> StoreResult<Vec<TicketRecord>> {
        reads::list_tickets(&self.pool, filter, kind, page).await
    }

    async fn due_checkpoints(&self, now: ::time::OffsetDateTime) -> StoreResult<Vec<i64>> {
        checks::due_checkpoints(&self.pool, now).await
    }

    async fn progressed_since_check(
        &self,
        ticket_id: i64,
        dispatched_at: ::time::OffsetDateTime,
    ) -> StoreResult<bool> {
        checks::progressed_since_check(&self.pool, ticket_id, dispatched_at).await
    }

    async fn record_checkpoint(
        &self,
        ticket: &TicketRecord,
        next: Option<::time::OffsetDateTime>,
        stalled_at: Option<::time::OffsetDateTime>,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<bool> {
        let Some(dispatched_at) = ticket.dispatched_at else {
            return Ok(false);
        };
        let recorded = checks::record_checkpoint(
            &self.pool,
            ticket.id,
            dispatched_at,
            ticket.checks_done,
            next,
            stalled_at,
            events,
            outbox,
        );
        self.wrote(recorded.await)
    }

    async fn due_notices(
        &self,
        notice: Notice,
        now: ::time::OffsetDateTime,
    ) -> StoreResult<Vec<i64>> {
        reads::due_notices(&self.pool, notice, now).await
    }

    async fn record_notice(
        &self,
        ticket_id: i64,
        notice: Notice,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<bool> {
        self.wrote(checks::record_notice(&self.pool, ticket_id, notice, events, outbox).await)
    }

    async fn add_co_unit(
        &self,
        ticket_id: i64,
        unit_code: &str,
        event: &NewEvent,
    ) -> StoreResult<bool> {
        self.wrote(add_co_unit(&self.pool, ticket_id, unit_code, event).await)
    }

    async fn co_units(&self, ticket_id: i64) -> StoreResult<Vec<String>> {
        reads::co_units(&self.pool, ticket_id).await
    }

    async fn most_filed_matters(
        &self,
        since: ::time::OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<String>> {
        reads::most_filed_matters(&self.pool, since, limit).await
    }

    async fn append_events(
        &self,
        ticket_id: i64,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<()> {
        self.wrote(append_events(&self.pool, ticket_id, events, outbox).await)
    }
}
