//! Merging a repeat report into the ticket that leads its problem (重复诉求): the
//! duplicate is closed with a pointer, its followers told, the lead ticket notes it.

use gridline_core::api::auth::StaffProfile;
use gridline_core::ticket::Status;
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::store::Store;
use crate::tickets::store::{TicketRecord, TicketVersion};
use crate::tickets::{changed_meanwhile, field_error, merge_entries, outbox_for};

/// The roles that merge duplicates (those who dispatch and supervise).
pub const MERGE_ROLES: &[Role] = &[Role::Dispatcher, Role::Supervisor, Role::Admin];

/// `dup` is the same problem as `lead`: it is closed and follows the lead from now on.
pub async fn merge(
    store: &dyn Store,
    snapshot: &Snapshot,
    dup: TicketRecord,
    lead: &TicketRecord,
    staff: &StaffProfile,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    if !staff.roles.iter().any(|r| MERGE_ROLES.contains(r)) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "only dispatchers, supervisors and admins merge tickets",
        ));
    }
    let refuse = |message: &str| Err(AppError::client(ErrorCode::Conflict, message));
    if dup.id == lead.id {
        return Err(field_error("into", "another ticket than this one"));
    }
    if dup.matter_code != lead.matter_code {
        return refuse("only reports of the same matter type are merged");
    }
    if matches!(dup.state.status, Status::Done | Status::Closed) {
        return refuse("this ticket is answered already; it is not merged");
    }
    if lead.state.status == Status::Closed {
        return refuse("the lead ticket is closed; merge into an open one");
    }
    if lead.merged_into.is_some() {
        return refuse("the lead ticket is merged into another; merge into that one");
    }
    if dup.merged_into.is_some() {
        return refuse("this ticket is merged already");
    }
    if !store.merged_ids(dup.id).await?.is_empty() {
        return refuse("other tickets follow this one; merge them the other way round");
    }
    let now = crate::store::shared::stored_time(now);
    let expected = TicketVersion::of(&dup);
    let previous_unit = dup.lead_unit_code.clone();
    let mut merged = dup;
    merged.state.status = Status::Closed;
    merged.state.return_pending = false;
    merged.closed_at = Some(now);
    merged.merged_into = Some(lead.id);
    let [event, into] = merge_entries(now, Some(staff.id), lead);
    let outbox = outbox_for(store, snapshot, &merged, previous_unit.as_deref(), &event).await?;
    if store
        .merge_ticket(&merged, &expected, lead.id, &[event, into], &outbox)
        .await?
    {
        Ok(merged)
    } else {
        Err(changed_meanwhile())
    }
}
