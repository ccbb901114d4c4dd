//! Consultation (会商, issue 18): a unit that believes a ticket is not its duty asks to
//! return it, or units disagree; a dispatcher or supervisor opens a consultation that
//! invites the units involved (the lead unit always), each invited unit states its
//! view, and a dispatcher decides the responsible unit. The decision acts on the
//! ticket as a dispatcher would: a pending return request is approved (to the unit
//! decided) or rejected (it stays); otherwise the ticket is redispatched when another
//! unit was decided. Every step is an internal entry on the ticket's timeline. The
//! ticket's clocks run on meanwhile: a consultation's time counts on the ticket's.
//!
//! - `store.rs`, `sql.rs`: consultations and their invited units.
//! - `routes.rs`: opening, views and the decision under `/api/v1/tickets/{code}`, and
//!   the board of open ones (`/api/v1/consultations`).

pub mod routes;
pub mod store;

use gridline_core::api::auth::StaffProfile;
use gridline_core::api::consult::{
    Consultation, ConsultationDecisionRequest, ConsultationViewRequest, OpenConsultationRequest,
};
use gridline_core::api::ticket::ActionRequest;
use gridline_core::ticket::Action;
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::store::Store;
use crate::tickets::store::{NewEvent, TicketRecord};
use crate::tickets::{event, field_error};

fn internal(kind: &str, staff: &StaffProfile, unit: Option<&str>, note: String) -> NewEvent {
    NewEvent {
        staff_id: Some(staff.id),
        unit_code: unit.map(str::to_owned),
        ..event(
            crate::store::shared::stored_time(OffsetDateTime::now_utc()),
            kind,
            false,
            note,
        )
    }
}

fn open_one(consultations: Vec<Consultation>) -> AppResult<Consultation> {
    consultations
        .into_iter()
        .find(|c| c.decided_at.is_none())
        .ok_or_else(|| AppError::client(ErrorCode::Conflict, "no consultation is open"))
}

/// Opens a consultation on `ticket`, inviting its lead unit and `request.units`.
pub async fn open(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: &TicketRecord,
    staff: &StaffProfile,
    request: OpenConsultationRequest,
) -> AppResult<Consultation> {
    if !staff
        .roles
        .iter()
        .any(|r| matches!(r, Role::Dispatcher | Role::Supervisor))
    {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "dispatchers and supervisors open consultations",
        ));
    }
    request.validate().map_err(AppError::Validation)?;
    let Some(lead) = ticket
        .lead_unit_code
        .clone()
        .filter(|_| ticket.state.status.with_unit())
    else {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "only a ticket a unit is handling is consulted on",
        ));
    };
    let mut units = vec![lead];
    for unit in &request.units {
        let unit = unit.trim().to_owned();
        if !snapshot.units.contains_key(&unit) {
            return Err(field_error("units", format!("no such unit {unit}")));
        }
        if !units.contains(&unit) {
            units.push(unit);
        }
    }
    if units.len() < 2 {
        return Err(field_error("units", "invite a unit besides the lead unit"));
    }
    let note = format!("会商：邀请 {}。{}", units.join("、"), request.note.trim());
    let entry = internal("consultation_opened", staff, None, note);
    store
        .open_consultation(ticket.id, &units, request.note.trim(), staff.id, &entry)
        .await?
        .ok_or_else(|| AppError::client(ErrorCode::Conflict, "a consultation is open already"))?;
    open_one(store.consultations_of(ticket.id).await?)
}

/// An invited unit's handler states the unit's view.
pub async fn state_view(
    store: &dyn Store,
    ticket: &TicketRecord,
    staff: &StaffProfile,
    request: ConsultationViewRequest,
) -> AppResult<Consultation> {
    request.validate().map_err(AppError::Validation)?;
    let consultation = open_one(store.consultations_of(ticket.id).await?)?;
    let own = if staff.roles.contains(&Role::UnitHandler) {
        store.staff_units(staff.id).await?
    } else {
        Vec::new()
    };
    let invited: Vec<&str> = consultation
        .units
        .iter()
        .map(|u| u.unit_code.as_str())
        .filter(|u| own.iter().any(|o| o == u))
        .collect();
    let unit = match (
        request.unit_code.as_deref().map(str::trim),
        invited.as_slice(),
    ) {
        (_, []) => {
            return Err(AppError::client(
                ErrorCode::Forbidden,
                "none of your units is invited to this consultation",
            ));
        }
        (Some(asked), _) if invited.contains(&asked) => asked.to_owned(),
        (Some(_), _) => return Err(field_error("unit_code", "not one of your invited units")),
        (None, [one]) => (*one).to_owned(),
        (None, _) => return Err(field_error("unit_code", "say which of your units speaks")),
    };
    let entry = internal(
        "consultation_view",
        staff,
        Some(&unit),
        request.note.trim().to_owned(),
    );
    if !store
        .state_view(consultation.id, ticket.id, &unit, &entry)
        .await?
    {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "the consultation was decided meanwhile",
        ));
    }
    open_one(store.consultations_of(ticket.id).await?)
}

/// A dispatcher decides the responsible unit and acts on the ticket accordingly.
pub async fn decide(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: TicketRecord,
    staff: &StaffProfile,
    request: ConsultationDecisionRequest,
    now: OffsetDateTime,
) -> AppResult<Consultation> {
    if !staff.roles.contains(&Role::Dispatcher) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "dispatchers decide consultations",
        ));
    }
    request.validate().map_err(AppError::Validation)?;
    let consultation = open_one(store.consultations_of(ticket.id).await?)?;
    let unit = request.unit_code.trim().to_owned();
    if !consultation.units.iter().any(|u| u.unit_code == unit) {
        return Err(field_error(
            "unit_code",
            "decide for one of the invited units",
        ));
    }
    let note = request.note.trim().to_owned();
    let stays = ticket.lead_unit_code.as_deref() == Some(unit.as_str());
    let action = match (ticket.state.return_pending, stays) {
        (true, true) => Some(Action::RejectReturn),
        (true, false) => Some(Action::ApproveReturn),
        (false, false) => Some(Action::Redispatch),
        (false, true) => None,
    };
    let ticket_id = ticket.id;
    if let Some(action) = action {
        let step = ActionRequest {
            action,
            note: format!("会商决定：{note}"),
            public: false,
            unit_code: (!stays).then(|| unit.clone()),
            media: Vec::new(),
            complexity: None,
        };
        crate::tickets::actions::act(store, snapshot, ticket, staff, step, now).await?;
    }
    let entry = internal(
        "consultation_decided",
        staff,
        Some(&unit),
        format!("会商决定由 {unit} 承办：{note}"),
    );
    if !store
        .decide_consultation(consultation.id, ticket_id, &unit, staff.id, &entry)
        .await?
    {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "the consultation was decided meanwhile",
        ));
    }
    Ok(store
        .consultations_of(ticket_id)
        .await?
        .into_iter()
        .find(|c| c.id == consultation.id)
        .expect("just decided"))
}
