//! What a forwarding item names: its target and its ticket, read when it is delivered
//! (so a target's new URL or secret applies to what is still queued).

use crate::outbox::store::OutboxItem;
use crate::store::Store;
use crate::tickets::store::TicketRecord;

/// The forwarding target and the ticket an item names.
pub(crate) async fn target_and_ticket(
    store: &dyn Store,
    item: &OutboxItem,
) -> Result<(crate::outbox::store::ForwardTarget, TicketRecord), String> {
    let target_id = item.target_id.ok_or("a forwarding item without a target")?;
    let target = store
        .forward_targets()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|t| t.id == target_id)
        .ok_or("its forwarding target is gone")?;
    let ticket_id = item.ticket_id.ok_or("a forwarding item without a ticket")?;
    let ticket = store
        .ticket_by_id(ticket_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("its ticket is gone")?;
    Ok((target, ticket))
}
