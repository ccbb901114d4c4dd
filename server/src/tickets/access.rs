//! Who may do what to a ticket: the actors a staff member is for it (dispatcher,
//! supervisor, lead or co-handling unit) and what the ticket page lets them do.

use gridline_core::Role;
use gridline_core::api::auth::StaffProfile;
use gridline_core::ticket::{Action, Actor};

use crate::error::AppResult;
use crate::store::Store;
use crate::tickets::store::TicketRecord;

/// How `staff` may relate to `ticket`, most specific first.
pub(crate) async fn actors_of(
    store: &dyn Store,
    staff: &StaffProfile,
    ticket: &TicketRecord,
) -> AppResult<Vec<(Actor, Option<String>)>> {
    let mut actors = Vec::new();
    if staff.roles.contains(&Role::UnitHandler) {
        let units = store.staff_units(staff.id).await?;
        if let Some(lead) = &ticket.lead_unit_code
            && units.contains(lead)
        {
            actors.push((Actor::LeadUnit, Some(lead.clone())));
        }
        let co_units = store.co_units(ticket.id).await?;
        if let Some(co) = co_units.iter().find(|c| units.contains(c)) {
            actors.push((Actor::CoUnit, Some(co.clone())));
        }
    }
    if staff.roles.contains(&Role::Dispatcher) || staff.roles.contains(&Role::Admin) {
        actors.push((Actor::Dispatcher, None));
    }
    if staff.roles.contains(&Role::Supervisor) {
        actors.push((Actor::Supervisor, None));
    }
    Ok(actors)
}

/// How a staff member stands towards a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    /// They handle it (its unit, a co-unit, a dispatcher, a supervisor): they see it whole.
    pub handles: bool,
    /// What they may do to it now, as the state machine allows to any of those relations.
    pub actions: Vec<Action>,
}

/// `staff`'s rights on `ticket`, from one look at how they relate to it.
pub async fn rights(
    store: &dyn Store,
    staff: &StaffProfile,
    ticket: &TicketRecord,
) -> AppResult<Rights> {
    let actors = actors_of(store, staff, ticket).await?;
    let actions = Action::ALL
        .into_iter()
        .filter(|action| {
            actors
                .iter()
                .any(|(actor, _)| ticket.state.apply(*actor, *action).is_ok())
        })
        .collect();
    Ok(Rights {
        handles: !actors.is_empty(),
        actions,
    })
}

/// Whether `staff` handles `ticket` (and so may see its personal data in full).
pub async fn handles(
    store: &dyn Store,
    staff: &StaffProfile,
    ticket: &TicketRecord,
) -> AppResult<bool> {
    Ok(!actors_of(store, staff, ticket).await?.is_empty())
}
