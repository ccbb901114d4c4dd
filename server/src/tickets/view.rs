//! What a ticket shows to whom: a resident proves the ticket is theirs (the phone's last
//! four digits or the filing device's secret); personal data is masked for everyone who
//! does not handle it.

use gridline_core::api::ticket::{TicketView, TimelineEntry};
use gridline_core::privacy::{mask_name, mask_phone};
use gridline_core::ticket::Action;
use time::OffsetDateTime;

use crate::tickets::store::TicketRecord;

/// Whether a public viewer proved they may see `ticket`: the last four digits of its
/// contact phone, or the filing device's secret.
pub fn proves(
    ticket: &TicketRecord,
    phone_suffix: Option<&str>,
    device_secret: Option<&str>,
) -> bool {
    let by_phone = match (phone_suffix, &ticket.contact_phone) {
        (Some(suffix), Some(phone))
            if suffix.len() == 4 && suffix.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            digits.ends_with(suffix)
        }
        _ => false,
    };
    let by_device = match (device_secret, &ticket.device_secret_hash) {
        (Some(secret), Some(hash)) => crate::auth::device_secret_hash(secret) == *hash,
        _ => false,
    };
    by_phone || by_device
}

/// What a viewer sees: everything when they handle the ticket; otherwise personal data
/// masked and only the public timeline.
pub fn view(
    ticket: &TicketRecord,
    co_units: Vec<String>,
    timeline: Vec<TimelineEntry>,
    full: bool,
    actions: Vec<Action>,
    now: OffsetDateTime,
) -> TicketView {
    let open = ticket.state.status.with_unit();
    TicketView {
        tracking_code: ticket.tracking_code.clone(),
        status: ticket.state.status,
        return_pending: ticket.state.return_pending,
        channel: ticket.channel,
        kind: ticket.kind,
        enterprise_name: ticket.enterprise_name.clone(),
        credit_code: ticket.credit_code.clone(),
        matter_code: ticket.matter_code.clone(),
        region_code: ticket.region_code.clone(),
        address: ticket.address.clone(),
        description: ticket.description.clone(),
        lead_unit_code: ticket.lead_unit_code.clone(),
        co_unit_codes: co_units,
        tier_days: ticket.tier_days,
        complexity: ticket.complexity,
        stalled: ticket.stalled_at.is_some() && ticket.state.status.with_unit(),
        urgent: ticket.urgent,
        created_at: ticket.created_at,
        response_due: ticket.response_due,
        handling_due: ticket.handling_due,
        deadline_estimated: ticket.deadline_estimated,
        overdue: open && ticket.handling_due.is_some_and(|due| due <= now),
        contact_name: ticket
            .contact_name
            .as_deref()
            .map(|n| if full { n.to_owned() } else { mask_name(n) }),
        contact_phone: ticket
            .contact_phone
            .as_deref()
            .map(|p| if full { p.to_owned() } else { mask_phone(p) }),
        satisfaction: ticket.satisfaction,
        reopen_count: ticket.reopen_count,
        review_pending: ticket.review_pending,
        timeline: timeline.into_iter().filter(|e| full || e.public).collect(),
        merged: ticket.merged_into.is_some(),
        actions,
    }
}
