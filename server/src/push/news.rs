//! What is pushed for which change: to the resident's devices that follow a ticket, its
//! public steps (in the language each device chose); to staff, news of the tickets of
//! their units (and for dispatchers and supervisors, every new one). Each becomes an
//! outbox item written with the change.

use gridline_core::Role;
use gridline_core::ticket::Status;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::outbox::store::NewOutboxItem;
use crate::push::store::{PushStore, PushSubscription, StaffSubscription};
use crate::push::{Matters, PUSH};
use crate::store::Store;
use crate::store::shared::StoreResult;
use crate::tickets::store::{NewEvent, TicketRecord};

/// What a notification says, as the service worker reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub title: String,
    pub body: String,
    /// The page a tap opens.
    pub url: String,
    /// One notification per ticket: a newer one replaces the older.
    pub tag: String,
}

/// An outbox item's payload: the subscription and what to tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Item {
    pub(crate) subscription: i64,
    /// For a staff member's queue: whom it was for. Sent only while the subscription is
    /// still theirs (not after signing out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) staff: Option<i64>,
    #[serde(flatten)]
    pub(crate) payload: Payload,
}

fn zh(lang: &str) -> bool {
    lang != "en"
}

fn status_name(status: Status, zh: bool) -> &'static str {
    match (status, zh) {
        (Status::Received, true) => "已受理",
        (Status::Dispatched, true) => "已派单",
        (Status::Accepted, true) => "已接单",
        (Status::InProgress, true) => "办理中",
        (Status::Done, true) => "已办结",
        (Status::Closed, true) => "已结案",
        (Status::Received, false) => "Received",
        (Status::Dispatched, false) => "Dispatched",
        (Status::Accepted, false) => "Accepted",
        (Status::InProgress, false) => "In progress",
        (Status::Done, false) => "Done",
        (Status::Closed, false) => "Closed",
    }
}

/// What a resident following `ticket` is told of the step `event`.
pub fn for_resident(ticket: &TicketRecord, event: &NewEvent, lang: &str) -> Payload {
    let zh = zh(lang);
    let code = &ticket.tracking_code;
    let status = status_name(ticket.state.status, zh);
    let note = event.note.trim();
    let body = match (note.is_empty(), zh) {
        // Merged into another report of the same problem (whose code it does not tell:
        // a code with a guessed phone suffix would open someone else's complaint).
        (_, true) if event.kind == "merged" => {
            "已与同一问题的其他诉求合并办理，进展将同步告知".to_owned()
        }
        (_, false) if event.kind == "merged" => {
            "Merged with another report of the same problem; its steps will follow".to_owned()
        }
        (true, _) => status.to_owned(),
        (false, true) => format!("{status}：{note}"),
        (false, false) => format!("{status}: {note}"),
    };
    Payload {
        title: if zh {
            format!("您的诉求 {code} 有新进展")
        } else {
            format!("News on your complaint {code}")
        },
        body,
        url: format!("/track/{code}"),
        tag: format!("ticket-{code}"),
    }
}

/// What enters a staff queue with `event`, and who hears of it: a ticket dispatched to
/// a unit (its handlers), one waiting for dispatch (dispatchers), a deadline warning
/// (the unit's handlers), an escalation (the unit's handlers and the supervisors).
fn staff_news(
    ticket: &TicketRecord,
    event: &NewEvent,
    matters: &Matters,
    zh: bool,
) -> Option<(Audience, String)> {
    let code = &ticket.tracking_code;
    let matter = matters
        .get(&ticket.matter_code)
        .map(|m| {
            if zh {
                m.name_zh.as_str()
            } else {
                m.name_en.as_str()
            }
        })
        .unwrap_or(&ticket.matter_code);
    let unit = ticket.lead_unit_code.clone();
    let (audience, zh_text, en_text) = match event.kind.as_str() {
        "dispatched" | "dispatch" | "redispatch" | "approve_return" | "reopen" | "rate_reopen" => (
            Audience::Unit(unit?),
            format!("新工单 {code}：{matter}"),
            format!("New ticket {code}: {matter}"),
        ),
        "queued" | "request_return" => (
            Audience::Dispatchers,
            format!("待派单 {code}：{matter}"),
            format!("To dispatch {code}: {matter}"),
        ),
        "checkpoint_stalled" => (
            Audience::Unit(unit?),
            format!("督办提醒 {code}：{matter}，请尽快办理"),
            format!("Reminder {code}: {matter}, no progress yet"),
        ),
        "deadline_warning" => (
            Audience::Unit(unit?),
            format!("即将超期 {code}：{matter}"),
            format!("Deadline near {code}: {matter}"),
        ),
        "overdue" | "response_overdue" => (
            Audience::Escalation(unit?),
            format!("已超期 {code}：{matter}"),
            format!("Overdue {code}: {matter}"),
        ),
        "rate_review" => (
            Audience::Supervisors,
            format!("不满意待复核 {code}：{matter}"),
            format!("Dissatisfied, to review {code}: {matter}"),
        ),
        _ => return None,
    };
    Some((audience, if zh { zh_text } else { en_text }))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Audience {
    Unit(String),
    Dispatchers,
    /// The unit and the supervisors.
    Escalation(String),
    /// Supervisors (the review queue).
    Supervisors,
}

impl Audience {
    fn includes(&self, staff: &StaffSubscription) -> bool {
        let handles = |unit: &str| {
            staff.roles.contains(&Role::UnitHandler) && staff.units.iter().any(|u| u == unit)
        };
        match self {
            Audience::Unit(unit) => handles(unit),
            Audience::Dispatchers => staff.roles.contains(&Role::Dispatcher),
            Audience::Escalation(unit) => handles(unit) || staff.roles.contains(&Role::Supervisor),
            Audience::Supervisors => staff.roles.contains(&Role::Supervisor),
        }
    }
}

pub(crate) fn item(
    subscription: &PushSubscription,
    staff: Option<i64>,
    payload: Payload,
) -> NewOutboxItem {
    NewOutboxItem {
        kind: PUSH.into(),
        target_id: None,
        lane: format!("{PUSH}:{}", subscription.id),
        payload: serde_json::to_string(&Item {
            subscription: subscription.id,
            staff,
            payload,
        })
        .expect("a push item serialises"),
    }
}

/// The notifications one step of `ticket` sends: to the residents' devices following
/// it (public steps only) and to the staff whose queue it enters. `ticket` is as it
/// is after the step; a new ticket (id 0) has no followers yet.
pub async fn items_for(
    store: &dyn Store,
    matters: &Matters,
    ticket: &TicketRecord,
    events: &[NewEvent],
) -> StoreResult<Vec<NewOutboxItem>> {
    // Every action on a ticket comes here: ask the database only for what this step
    // can send (followers hear of public steps; staff of what enters a queue).
    let mut items = resident_items(store, ticket, events).await?;
    let staff = if events
        .iter()
        .any(|e| staff_news(ticket, e, matters, true).is_some())
    {
        // Sessions expire by the clock on the wall, whatever time the step is at.
        store.staff_subscriptions(OffsetDateTime::now_utc()).await?
    } else {
        Vec::new()
    };
    for event in events {
        for member in &staff {
            let zh = zh(&member.subscription.lang);
            if let Some((audience, body)) = staff_news(ticket, event, matters, zh)
                && audience.includes(member)
            {
                let code = &ticket.tracking_code;
                items.push(item(
                    &member.subscription,
                    member.subscription.staff_id,
                    Payload {
                        title: if zh {
                            "网格通工单".into()
                        } else {
                            "Gridline".into()
                        },
                        body,
                        url: format!("/staff/tickets/{code}"),
                        tag: format!("staff-{code}"),
                    },
                ));
            }
        }
    }
    Ok(items)
}

/// The push items telling the residents who follow `ticket` of its public `events`.
pub async fn resident_items(
    store: &dyn PushStore,
    ticket: &TicketRecord,
    events: &[NewEvent],
) -> StoreResult<Vec<NewOutboxItem>> {
    if ticket.id == 0 || !events.iter().any(|e| e.public) {
        return Ok(Vec::new());
    }
    let followers = store.ticket_followers(ticket.id).await?;
    let mut items = Vec::new();
    for event in events.iter().filter(|e| e.public) {
        for follower in followers.iter().filter(|f| f.staff_id.is_none()) {
            items.push(item(
                follower,
                None,
                for_resident(ticket, event, &follower.lang),
            ));
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests;
