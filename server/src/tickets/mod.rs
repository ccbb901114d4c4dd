//! Tickets (工单): filing from any channel, the steps of the core state machine,
//! and what each viewer sees.
//!
//! - `filing.rs`: validated, given a tracking code, routed at once where one unit is
//!   responsible; `actions.rs`: acting and rating; `dispatching.rs`: co-units and
//!   tiers; `merge.rs`: repeat reports into the ticket that leads the problem;
//!   `access.rs`: who may do what; `view.rs`: proofs and masking.
//! - `store.rs`, `sql.rs`, `read_sql.rs`: the ticket, its timeline and its notices
//!   (`TicketStore`).
//! - `routes/`: the HTTP API (`lookup.rs` finds the ticket a request names and who is
//!   asking).
//!
//! How a change flows: the ticket, its new timeline entries and the outbox items the
//! change causes (SMS, webhooks, Open311, push) are written in one transaction, and
//! only if the ticket is still what was read; the live hub then hears the entries
//! (`live`) and the outbox delivers the items (`outbox`), with retries. Nothing is
//! sent before it is stored, and nothing stored is left unsent.
//!
//! What several of the files here share stays in this module.

pub mod access;
pub mod actions;
pub mod dispatching;
pub mod filing;
pub mod link;
pub mod merge;
pub mod routes;
pub mod store;
pub mod view;

use gridline_core::api::media::{MAX_AUDIO, MAX_PHOTOS, MAX_VIDEO, MediaKind};
use gridline_core::deadline::{CHINA_OFFSET, checkpoint_at, deadlines, warning_at};
use gridline_core::{ErrorCode, FieldError, FieldIssue};
use time::OffsetDateTime;

use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::media::Uploader;
use crate::media::store::MediaRecords;
use crate::store::Store;
use crate::tickets::store::{NewEvent, TicketRecord};

/// Share of the handling time after which the unit is warned.
pub const WARN_FRACTION: f64 = 0.75;

pub(crate) fn field_error(field: &str, message: impl Into<String>) -> AppError {
    AppError::Validation(vec![gridline_core::FieldError {
        field: field.into(),
        issue: FieldIssue::Invalid,
        message: message.into(),
    }])
}

pub(crate) fn event(
    at: OffsetDateTime,
    kind: &str,
    public: bool,
    note: impl Into<String>,
) -> NewEvent {
    NewEvent {
        at,
        kind: kind.into(),
        staff_id: None,
        unit_code: None,
        public,
        note: note.into(),
        media: Vec::new(),
    }
}

/// Checks that every medium `ids` names is stored and was uploaded by one of
/// `uploaders`, and that there are no more photos or voice notes than one step may
/// carry; refuses the whole request otherwise (nothing is stored half). A medium
/// someone else uploaded is refused as an unknown one: the answer does not tell
/// whether a photo is on the server.
pub(crate) async fn stored_media(
    store: &dyn MediaRecords,
    field: &str,
    ids: &[String],
    uploaders: &[Uploader],
) -> AppResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found = store.find_media(ids, &Uploader::keys(uploaders)).await?;
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if !found.iter().any(|m| &m.id == id) {
            errors.push(FieldError {
                field: format!("{field}[{i}]"),
                issue: FieldIssue::Invalid,
                message: "no such medium of yours: upload it first (POST /api/v1/media, \
                          from the device, session or tablet that files it)"
                    .into(),
            });
        }
    }
    let count = |kind: MediaKind| found.iter().filter(|m| m.kind == kind).count();
    if count(MediaKind::Image) > MAX_PHOTOS
        || count(MediaKind::Audio) > MAX_AUDIO
        || count(MediaKind::Video) > MAX_VIDEO
    {
        errors.push(FieldError {
            field: field.to_owned(),
            issue: FieldIssue::TooLong,
            message: format!(
                "at most {MAX_PHOTOS} photos, {MAX_AUDIO} voice note and {MAX_VIDEO} video"
            ),
        });
    }
    if errors.is_empty() {
        Ok(ids.to_vec())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Hands `ticket` to `unit` at `now`: the clocks start again, with the terms the
/// deadline rules give its matter type and the unit's level.
pub(crate) fn dispatch_to(
    ticket: &mut TicketRecord,
    unit: &str,
    snapshot: &Snapshot,
    now: OffsetDateTime,
) -> AppResult<()> {
    let terms = snapshot.terms(
        &ticket.matter_code,
        snapshot.units.get(unit).map(|u| u.kind),
    );
    let due = deadlines(
        &snapshot.calendar,
        &snapshot.deadline_rules.office_hours,
        CHINA_OFFSET,
        now,
        terms,
        ticket.urgent,
    )
    .map_err(|_| AppError::Internal("the calendar has no working days".into()))?;
    ticket.tier_days = terms.handling_days;
    ticket.checks_done = 0;
    ticket.next_check_at = Some(checkpoint_at(now, due.handling_due, 1, ticket.complexity));
    ticket.stalled_at = None;
    ticket.lead_unit_code = Some(unit.to_owned());
    // A response deadline set before the first dispatch (a police hand-over's, an hour
    // from the hand-over) holds however long the ticket waited for a dispatcher.
    ticket.response_due = Some(match (ticket.dispatched_at, ticket.response_due) {
        (None, Some(set)) => set.min(due.response_due),
        _ => due.response_due,
    });
    ticket.dispatched_at = Some(now);
    ticket.handling_due = Some(due.handling_due);
    ticket.warn_at = Some(warning_at(now, due.handling_due, WARN_FRACTION));
    ticket.deadline_estimated = !due.estimated_years.is_empty();
    ticket.responded_at = None;
    ticket.warned_at = None;
    ticket.response_overdue_at = None;
    ticket.overdue_at = None;
    Ok(())
}

pub(crate) fn changed_meanwhile() -> AppError {
    AppError::client(
        ErrorCode::Conflict,
        "the ticket changed meanwhile; reload it and try again",
    )
}

/// What a change to `ticket` sends out: to the forwarding targets that take it (or took
/// it, led by `previous_unit`), and the push notifications of its followers and staff.
pub(crate) async fn outbox_for(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: &TicketRecord,
    previous_unit: Option<&str>,
    event: &NewEvent,
) -> AppResult<Vec<crate::outbox::store::NewOutboxItem>> {
    let targets = store.forward_targets().await?;
    let mut outbox =
        crate::outbox::webhook::items_for(&targets, ticket, previous_unit, "ticket.updated", event);
    outbox.extend(crate::outbox::sms::items_for(ticket, event));
    outbox.extend(
        crate::push::news::items_for(
            store,
            &snapshot.matters,
            ticket,
            std::slice::from_ref(event),
        )
        .await?,
    );
    Ok(outbox)
}

/// The tickets merged into `lead` follow it: each public step of the lead is written on
/// their timelines too (their pages update live) and their followers are pushed it.
/// After the lead's change is saved, not in its transaction: a failure here is logged,
/// and the lead's step stands.
pub(crate) async fn tell_merged(store: &dyn Store, lead: &TicketRecord, event: &NewEvent) {
    let result: AppResult<()> = async {
        for id in store.merged_ids(lead.id).await? {
            let Some(merged) = store.ticket_by_id(id).await? else {
                continue;
            };
            // The lead's step as it is (its timeline says the steps after the merge
            // are the lead's).
            let step = event.clone();
            // Its residents are told with the lead's status ("已办结：…") under its own
            // code; its staff heard of the merge and follow the lead.
            let told = TicketRecord {
                state: lead.state,
                ..merged.clone()
            };
            let outbox =
                crate::push::news::resident_items(store, &told, std::slice::from_ref(&step))
                    .await?;
            store.append_events(merged.id, &[step], &outbox).await?;
        }
        Ok(())
    }
    .await;
    if let Err(error) = result {
        tracing::warn!(lead = %lead.tracking_code, error = %error, "merged tickets not told of their lead's step");
    }
}

/// A ticket's timeline entries as it is merged into `lead`: the complainant is told it
/// was merged; the lead's code is for staff only (with a guessed phone suffix it would
/// open someone else's complaint).
pub(crate) fn merge_entries(
    at: OffsetDateTime,
    staff_id: Option<i64>,
    lead: &TicketRecord,
) -> [NewEvent; 2] {
    let merged = NewEvent {
        staff_id,
        ..event(at, "merged", true, "")
    };
    let into = NewEvent {
        kind: "merged_into".into(),
        public: false,
        note: lead.tracking_code.clone(),
        ..merged.clone()
    };
    [merged, into]
}
