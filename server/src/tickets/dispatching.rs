//! What dispatchers change on a ticket besides its steps: co-handling units (协办) and
//! the deadline tier.

use gridline_core::api::auth::StaffProfile;
use gridline_core::api::ticket::{CoUnitRequest, TierChangeRequest};
use gridline_core::deadline::{CHINA_OFFSET, add_working_days, warning_at};
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::store::Store;
use crate::tickets::actions::save;
use crate::tickets::store::{NewEvent, TicketRecord, TicketStore, TicketVersion};
use crate::tickets::{WARN_FRACTION, event, field_error};

fn require_dispatcher(staff: &StaffProfile) -> AppResult<()> {
    if staff.roles.contains(&Role::Dispatcher) || staff.roles.contains(&Role::Admin) {
        Ok(())
    } else {
        Err(AppError::client(
            ErrorCode::Forbidden,
            "only dispatchers do this",
        ))
    }
}

/// A dispatcher adds a unit to help the lead unit (协办).
pub async fn add_co_unit(
    store: &dyn TicketStore,
    snapshot: &Snapshot,
    ticket: &TicketRecord,
    staff: &StaffProfile,
    request: CoUnitRequest,
    now: OffsetDateTime,
) -> AppResult<()> {
    require_dispatcher(staff)?;
    let unit = request.unit_code.trim();
    if !snapshot.units.contains_key(unit) {
        return Err(field_error("unit_code", "no such unit"));
    }
    if ticket.lead_unit_code.as_deref() == Some(unit) {
        return Err(field_error("unit_code", "this is the lead unit"));
    }
    if !ticket.state.status.with_unit() {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "co-handling units join tickets that a unit is handling",
        ));
    }
    let event = NewEvent {
        staff_id: Some(staff.id),
        unit_code: Some(unit.to_owned()),
        ..event(
            crate::store::shared::stored_time(now),
            "co_unit_added",
            false,
            "",
        )
    };
    if !store.add_co_unit(ticket.id, unit, &event).await? {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "this unit co-handles the ticket already",
        ));
    }
    Ok(())
}

/// A dispatcher changes the handling time; the deadline is computed again from the
/// dispatch time (until the next dispatch, which applies the rules again), and
/// notices not yet due are cleared.
pub async fn change_tier(
    store: &dyn Store,
    snapshot: &Snapshot,
    mut ticket: TicketRecord,
    staff: &StaffProfile,
    request: TierChangeRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    require_dispatcher(staff)?;
    request.validate().map_err(AppError::Validation)?;
    let expected = TicketVersion::of(&ticket);
    let (Some(dispatched_at), true) = (ticket.dispatched_at, ticket.state.status.with_unit())
    else {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "the tier can change while a unit is handling the ticket",
        ));
    };
    let now = crate::store::shared::stored_time(now);
    let (handling_due, estimated_years) = add_working_days(
        &snapshot.calendar,
        CHINA_OFFSET,
        dispatched_at,
        request.tier_days,
    )
    .map_err(|_| AppError::Internal("the calendar has no working days".into()))?;
    let from = ticket.tier_days;
    ticket.tier_days = request.tier_days;
    ticket.handling_due = Some(handling_due);
    ticket.warn_at = Some(warning_at(dispatched_at, handling_due, WARN_FRACTION));
    ticket.deadline_estimated = !estimated_years.is_empty();
    if ticket.warn_at.is_some_and(|w| w > now) {
        ticket.warned_at = None;
    }
    if handling_due > now {
        ticket.overdue_at = None;
    }
    let event = NewEvent {
        staff_id: Some(staff.id),
        ..event(
            now,
            "tier_changed",
            false,
            format!(
                "{from} -> {} working days: {}",
                request.tier_days,
                request.reason.trim()
            ),
        )
    };
    let unit = ticket.lead_unit_code.clone();
    save(store, snapshot, ticket, &expected, unit.as_deref(), &event).await
}
