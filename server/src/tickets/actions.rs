//! Acting on a ticket under the core state machine (`gridline_core::ticket`): the step
//! checked, its effects applied (deadlines, units, reopening), saved only if the ticket
//! is still what was read, with the timeline entry and the outbox items it causes in the
//! same transaction. Rating by the resident is one such step.

use gridline_core::ErrorCode;
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::ticket::{ActionRequest, RatingRequest};
use gridline_core::ticket::{Action, Actor, RatingOutcome, TransitionError};
use time::OffsetDateTime;

use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::media::Uploader;
use crate::store::Store;
use crate::tickets::access::actors_of;
use crate::tickets::store::{NewEvent, TicketRecord, TicketVersion};
use crate::tickets::{
    changed_meanwhile, dispatch_to, event, field_error, outbox_for, stored_media, tell_merged,
};

fn refusal(err: TransitionError) -> AppError {
    let code = if err.is_permission() {
        ErrorCode::Forbidden
    } else {
        ErrorCode::Conflict
    };
    AppError::client(code, err.to_string())
}

fn apply_effects(
    ticket: &mut TicketRecord,
    action: Action,
    unit: Option<&str>,
    snapshot: &Snapshot,
    now: OffsetDateTime,
) -> AppResult<()> {
    match action {
        Action::Dispatch | Action::Redispatch | Action::ApproveReturn => {
            let unit = unit.ok_or_else(|| field_error("unit_code", "say which unit"))?;
            if !snapshot.units.contains_key(unit) {
                return Err(field_error("unit_code", "no such unit"));
            }
            dispatch_to(ticket, unit, snapshot, now)?;
        }
        Action::Reopen => {
            let unit = ticket
                .lead_unit_code
                .clone()
                .ok_or_else(|| AppError::Internal("a done ticket without a unit".into()))?;
            reopen(ticket, &unit, snapshot, now)?;
        }
        Action::Accept => ticket.responded_at = Some(now),
        Action::Resolve => ticket.resolved_at = Some(now),
        Action::Rate | Action::Close => {
            ticket.closed_at = Some(now);
            ticket.review_pending = false;
        }
        Action::Progress | Action::RequestReturn | Action::RejectReturn | Action::Supervise => {}
    }
    Ok(())
}

/// Back to its unit to handle again, with new deadlines; the next resolution is rated
/// afresh.
fn reopen(
    ticket: &mut TicketRecord,
    unit: &str,
    snapshot: &Snapshot,
    now: OffsetDateTime,
) -> AppResult<()> {
    dispatch_to(ticket, unit, snapshot, now)?;
    ticket.resolved_at = None;
    ticket.closed_at = None;
    ticket.satisfaction = None;
    ticket.review_pending = false;
    ticket.reopen_count += 1;
    Ok(())
}

/// Whether the complainant sees this step (return requests and supervision are internal).
fn public_step(action: Action, requested_public: bool) -> bool {
    match action {
        Action::Progress => requested_public,
        Action::RequestReturn
        | Action::ApproveReturn
        | Action::RejectReturn
        | Action::Supervise => false,
        _ => true,
    }
}

/// One attempted step on a ticket: who, what, and the timeline entry it writes.
struct Step<'a> {
    actor: Actor,
    action: Action,
    event: NewEvent,
    /// The unit to dispatch to, for dispatching actions.
    target_unit: Option<&'a str>,
}

async fn transition(
    store: &dyn Store,
    snapshot: &Snapshot,
    mut ticket: TicketRecord,
    step: Step<'_>,
) -> AppResult<TicketRecord> {
    let expected = TicketVersion::of(&ticket);
    ticket.state = expected
        .state
        .apply(step.actor, step.action)
        .map_err(refusal)?;
    let previous_unit = ticket.lead_unit_code.clone();
    apply_effects(
        &mut ticket,
        step.action,
        step.target_unit,
        snapshot,
        step.event.at,
    )?;
    save(
        store,
        snapshot,
        ticket,
        &expected,
        previous_unit.as_deref(),
        &step.event,
    )
    .await
}

/// Saves a changed ticket with its timeline entry, unless someone acted meanwhile; the
/// forwarding targets that take the ticket (or took it, led by `previous_unit`) hear of
/// the change in the same transaction.
pub(crate) async fn save(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: TicketRecord,
    expected: &TicketVersion,
    previous_unit: Option<&str>,
    event: &NewEvent,
) -> AppResult<TicketRecord> {
    let outbox = outbox_for(store, snapshot, &ticket, previous_unit, event).await?;
    if !store.save_ticket(&ticket, expected, event, &outbox).await? {
        return Err(changed_meanwhile());
    }
    if event.public {
        tell_merged(store, &ticket, event).await;
    }
    Ok(ticket)
}

/// A staff member acts on a ticket.
pub async fn act(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: TicketRecord,
    staff: &StaffProfile,
    request: ActionRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    request.validate().map_err(AppError::Validation)?;
    let actors = actors_of(store, staff, &ticket).await?;
    let allowed = request.action.allowed_actors();
    let Some((actor, own_unit)) = actors.iter().find(|(a, _)| allowed.contains(a)).cloned() else {
        // Report as the state machine would for the first relation, or plainly.
        return Err(match actors.first() {
            Some((actor, _)) => refusal(TransitionError::NotAllowed {
                actor: *actor,
                action: request.action,
            }),
            None => AppError::client(ErrorCode::Forbidden, "you do not handle this ticket"),
        });
    };
    act_as(
        store,
        snapshot,
        ticket,
        (actor, own_unit),
        Some(staff.id),
        request,
        now,
    )
    .await
}

/// The ticket's lead unit acts through its own dispatch system (a signed report).
pub async fn act_for_lead_unit(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: TicketRecord,
    request: ActionRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    request.validate().map_err(AppError::Validation)?;
    let unit = ticket
        .lead_unit_code
        .clone()
        .ok_or_else(|| AppError::client(ErrorCode::Conflict, "the ticket has no unit yet"))?;
    act_as(
        store,
        snapshot,
        ticket,
        (Actor::LeadUnit, Some(unit)),
        None,
        request,
        now,
    )
    .await
}

async fn act_as(
    store: &dyn Store,
    snapshot: &Snapshot,
    mut ticket: TicketRecord,
    (actor, own_unit): (Actor, Option<String>),
    staff_id: Option<i64>,
    request: ActionRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    let now = crate::store::shared::stored_time(now);
    // A dispatcher's complexity (validated: only when dispatching) sets the checkpoints
    // the dispatch lays out.
    if let Some(complexity) = request.complexity {
        ticket.complexity = complexity;
    }
    let target = request.unit_code.as_deref().map(str::trim);
    let event = NewEvent {
        at: now,
        kind: request.action.as_str().into(),
        staff_id,
        unit_code: own_unit.or_else(|| target.map(str::to_owned)),
        public: public_step(request.action, request.public),
        note: request.note.trim().to_owned(),
        media: stored_media(
            store,
            "media",
            &request.media,
            staff_id.map(Uploader::Staff).as_slice(),
        )
        .await?,
    };
    transition(
        store,
        snapshot,
        ticket,
        Step {
            actor,
            action: request.action,
            event,
            target_unit: target,
        },
    )
    .await
}

/// Whoever holds the tracking code rates a done ticket, once per resolution:
/// satisfied or basically satisfied closes it; dissatisfied reopens it to its unit the
/// first time and puts it before a supervisor after that (see [`RatingOutcome`]).
pub async fn rate(
    store: &dyn Store,
    snapshot: &Snapshot,
    mut ticket: TicketRecord,
    rating: RatingRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    let mut v = gridline_core::api::error::Validator::new();
    v.text(
        "comment",
        &rating.comment,
        0,
        gridline_core::api::ticket::NOTE_MAX,
    );
    v.finish().map_err(AppError::Validation)?;
    if ticket.satisfaction.is_some() {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "this resolution has been rated already",
        ));
    }
    let now = crate::store::shared::stored_time(now);
    let outcome = RatingOutcome::of(rating.satisfaction, ticket.reopen_count);
    let expected = TicketVersion::of(&ticket);
    ticket.state = expected.state.rate(outcome).map_err(refusal)?;
    ticket.satisfaction = Some(rating.satisfaction);
    let label = rating.satisfaction.as_str();
    let note = if rating.comment.trim().is_empty() {
        label.to_owned()
    } else {
        format!("{label}: {}", rating.comment.trim())
    };
    match outcome {
        RatingOutcome::Close => ticket.closed_at = Some(now),
        RatingOutcome::Reopen => {
            let unit = ticket
                .lead_unit_code
                .clone()
                .ok_or_else(|| AppError::Internal("a done ticket without a unit".into()))?;
            reopen(&mut ticket, &unit, snapshot, now)?;
            // The reopened ticket waits for a new rating; the dissatisfied one stays on
            // the timeline.
        }
        RatingOutcome::ToSupervisor => ticket.review_pending = true,
    }
    let kind = match outcome {
        RatingOutcome::Close => "rate",
        RatingOutcome::Reopen => "rate_reopen",
        RatingOutcome::ToSupervisor => "rate_review",
    };
    let unit = ticket.lead_unit_code.clone();
    save(
        store,
        snapshot,
        ticket,
        &expected,
        unit.as_deref(),
        &event(now, kind, true, note),
    )
    .await
}
