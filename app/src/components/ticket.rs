//! Views of a ticket shared by both apps: status, deadlines, the timeline.

use gridline_core::api::media::{MediaKind, MediaRef};
use gridline_core::api::ticket::{TicketView, TimelineEntry};
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::ticket::Status;
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::api::{self, Proof};
use crate::i18n::{Key, use_i18n};

/// `2026-11-24 10:32`, in China time (where every ticket is handled).
pub fn format_time(at: OffsetDateTime) -> String {
    let local = at.to_offset(CHINA_OFFSET);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    )
}

pub fn status_key(status: Status) -> Key {
    match status {
        Status::Received => Key::StatusReceived,
        Status::Dispatched => Key::StatusDispatched,
        Status::Accepted => Key::StatusAccepted,
        Status::InProgress => Key::StatusInProgress,
        Status::Done => Key::StatusDone,
        Status::Closed => Key::StatusClosed,
    }
}

/// What a timeline entry's kind is called; `None` for a kind this release does not know.
pub fn event_key(kind: &str) -> Option<Key> {
    Some(match kind {
        "received" => Key::EventReceived,
        "queued" => Key::EventQueued,
        "dispatched" | "dispatch" => Key::EventDispatched,
        "redispatch" => Key::EventRedispatched,
        "accept" => Key::EventAccepted,
        "progress" => Key::EventProgress,
        "resolve" => Key::EventResolved,
        "request_return" => Key::EventReturnRequested,
        "approve_return" => Key::EventReturnApproved,
        "reject_return" => Key::EventReturnRejected,
        "rate" => Key::EventRated,
        "rate_reopen" => Key::EventRatedReopened,
        "rate_review" => Key::EventRatedReview,
        "close" => Key::EventClosed,
        "merged" => Key::EventMerged,
        "merged_into" => Key::EventMergedInto,
        "transferred" => Key::EventTransferred,
        "reopen" => Key::EventReopened,
        "supervise" => Key::EventSupervised,
        "co_unit_added" => Key::EventCoUnitAdded,
        "tier_changed" => Key::EventTierChanged,
        "deadline_warning" => Key::EventDeadlineWarning,
        "response_overdue" => Key::EventResponseOverdue,
        "overdue" => Key::EventOverdue,
        "checkpoint" => Key::EventCheckpoint,
        "checkpoint_stalled" => Key::EventCheckpointStalled,
        "rating_requested" => Key::EventRatingRequested,
        _ => return None,
    })
}

#[component]
pub fn StatusBadge(
    status: Status,
    #[prop(optional)] overdue: bool,
    /// Closed as merged into another report of the same problem.
    #[prop(optional)]
    merged: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = if merged {
        Key::StatusMerged
    } else {
        status_key(status)
    };
    view! {
        <span class=format!("badge status-{}", status.as_str()) data-testid="status">
            {move || i18n.t(key)}
        </span>
        {overdue.then(|| view! {
            <span class="badge overdue" data-testid="overdue">{move || i18n.t(Key::Overdue)}</span>
        })}
    }
}

/// Tracking code, status and deadlines of a ticket.
#[component]
pub fn TicketHeader(ticket: TicketView) -> impl IntoView {
    let i18n = use_i18n();
    let due = ticket.handling_due.map(format_time);
    view! {
        <div class="ticket-header">
            <p class="tracking-code" data-testid="tracking-code">{ticket.tracking_code.clone()}</p>
            <StatusBadge status=ticket.status overdue=ticket.overdue merged=ticket.merged />
            {ticket.return_pending.then(|| view! {
                <span class="badge">{move || i18n.t(Key::ReturnPending)}</span>
            })}
            {due.map(|due| view! {
                <p class="due">{move || i18n.t(Key::HandlingDue)} " " <time>{due.clone()}</time></p>
            })}
        </div>
    }
}

/// Every step of a ticket, oldest first, with its photos and voice notes. Internal
/// entries (staff only) are marked.
#[component]
pub fn Timeline(
    /// The ticket's tracking code (media are fetched through the ticket).
    code: String,
    entries: Vec<TimelineEntry>,
    /// What proves the public viewer; `None` for staff.
    #[prop(optional)]
    proof: Option<Proof>,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = entries
        .into_iter()
        .map(|entry| {
            let media = entry
                .media
                .iter()
                .map(
                    |m| view! { <Medium code=code.clone() medium=m.clone() proof=proof.clone() /> },
                )
                .collect_view();
            let kind = entry.kind.clone();
            let label =
                move || event_key(&kind).map_or_else(|| kind.clone(), |k| i18n.t(k).to_owned());
            view! {
                <li class:internal=!entry.public data-kind=entry.kind.clone()>
                    <time>{format_time(entry.at)}</time>
                    <strong>{label}</strong>
                    {entry.unit_code.clone().map(|u| view! { <span class="unit">{u}</span> })}
                    {(!entry.public).then(|| view! {
                        <span class="badge">{move || i18n.t(Key::Internal)}</span>
                    })}
                    {(!entry.note.is_empty()).then(|| view! { <p>{entry.note.clone()}</p> })}
                    <div class="media">{media}</div>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{move || i18n.t(Key::TimelineTitle)}</h2>
        <ol class="timeline" data-testid="timeline">{items}</ol>
    }
}

/// One photo or voice note of a timeline entry. A link carries the phone digits; a
/// device secret goes in a header, so those are fetched first and shown from memory.
#[component]
fn Medium(code: String, medium: MediaRef, proof: Option<Proof>) -> impl IntoView {
    let i18n = use_i18n();
    let src = RwSignal::new(None::<String>);
    match &proof {
        Some(proof @ Proof::Device(_)) => {
            let (code, id, proof) = (code, medium.id.clone(), proof.clone());
            leptos::task::spawn_local(async move {
                if let Ok(blob) = api::media_blob(&code, &id, &proof).await
                    && let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob)
                {
                    src.set(Some(url));
                }
            });
            on_cleanup(move || {
                if let Some(url) = src.get_untracked() {
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
            });
        }
        _ => src.set(Some(api::media_url(&code, &medium.id, proof.as_ref()))),
    }
    move || {
        src.get().map(|src| match medium.kind {
            MediaKind::Image => {
                let href = src.clone();
                view! {
                    <a href=href target="_blank" rel="noopener">
                        <img src=src alt=move || i18n.t(Key::Photo) loading="lazy" />
                    </a>
                }
                .into_any()
            }
            MediaKind::Audio => view! { <audio controls src=src></audio> }.into_any(),
            MediaKind::Video => {
                view! { <video controls preload="metadata" src=src></video> }.into_any()
            }
        })
    }
}
