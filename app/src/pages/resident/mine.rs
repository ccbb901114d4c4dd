//! "My complaints" (我的投诉): what this device filed, waiting, sending or sent, with
//! the current status; one complaint with its tracking code, QR code, timeline and
//! rating.

use gridline_core::api::ticket::TicketView;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use time::OffsetDateTime;

use super::rating::Rating;
use super::reference::use_reference;
use super::{send, use_outbox};
use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::ticket::{StatusBadge, TicketHeader, Timeline, format_time};
use crate::i18n::{Key, use_i18n};
use crate::offline::complaints::{self, Complaint, ComplaintState};
use crate::offline::sync::{SyncProblem, online};

fn filed_at(complaint: &Complaint) -> String {
    OffsetDateTime::from_unix_timestamp_nanos((complaint.created_ms * 1_000_000.0) as i128)
        .map(format_time)
        .unwrap_or_default()
}

fn state_key(complaint: &Complaint, sending: bool, problem: Option<&SyncProblem>) -> Key {
    match complaint.state {
        ComplaintState::Sent => Key::StateSent,
        ComplaintState::Rejected => Key::StateRejected,
        ComplaintState::Pending if sending => Key::StateSending,
        ComplaintState::Pending if problem == Some(&SyncProblem::Offline) || !online() => {
            Key::StateWaiting
        }
        ComplaintState::Pending => Key::StateSending,
    }
}

/// The complaint's kind, in the current language.
fn matter_name(code: String) -> impl Fn() -> String {
    let i18n = use_i18n();
    let reference = use_reference();
    move || {
        reference.with(|r| {
            r.matter(&code)
                .map(|m| i18n.pick(&m.name_zh, &m.name_en).to_owned())
                .unwrap_or_else(|| code.clone())
        })
    }
}

/// Reads the device's complaints and, online, their current statuses; the signal says
/// when the device's list has been read.
fn load_complaints() -> RwSignal<bool> {
    let outbox = use_outbox();
    let loaded = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(database) = crate::offline::database().await {
            complaints::refresh(&database, outbox).await;
            loaded.set(true);
            complaints::update_statuses(&database, outbox).await;
        }
        loaded.set(true);
    });
    loaded
}

#[component]
pub fn MinePage() -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    load_complaints();
    let rows = move || {
        let (sending, problem) = (outbox.running.get(), outbox.problem.get());
        outbox.entries.get().into_iter().map(|c| {
            let state = state_key(&c, sending, problem.as_ref());
            let name = matter_name(c.request.matter_code.clone());
            let data_state = format!("{:?}", c.state).to_lowercase();
            view! {
                <li data-testid="complaint" data-state=data_state>
                    <A href=format!("/mine/{}", c.id)>
                        <strong>{name}</strong>
                        <time>{filed_at(&c)}</time>
                        <span class="badge" data-testid="complaint-state">{move || i18n.t(state)}</span>
                        {c.status.map(|status| view! { <StatusBadge status merged=c.merged /> })}
                        {c.tracking_code.clone().map(|code| view! { <span class="tracking-code small">{code}</span> })}
                    </A>
                </li>
            }
        }).collect_view()
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::NavMine)}</h1>
            <Show
                when=move || outbox.entries.with(|c| !c.is_empty())
                fallback=move || view! { <p class="hint">{move || i18n.t(Key::MineEmpty)}</p> }
            >
                <ul class="list complaints" data-testid="complaints">{rows}</ul>
            </Show>
        </section>
    }
}

#[component]
pub fn ComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let loaded = load_complaints();
    let complaint = Memo::new(move |_| {
        let id = id();
        outbox
            .entries
            .with(|all| all.iter().find(|c| c.id == id).cloned())
    });
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::NavMine)}</h1>
            {move || match complaint.get() {
                Some(c) => view! { <ComplaintView complaint=c /> }.into_any(),
                // Not (or no longer) on this device.
                None if loaded.get() => view! {
                    <p class="notice" data-testid="complaint-missing">{move || i18n.t(Key::ErrNotFound)}</p>
                }
                .into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}

#[component]
fn ComplaintView(complaint: Complaint) -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let name = matter_name(complaint.request.matter_code.clone());
    let state = {
        let c = complaint.clone();
        move || {
            i18n.t(state_key(
                &c,
                outbox.running.get(),
                outbox.problem.get().as_ref(),
            ))
        }
    };
    let body = match (complaint.state, complaint.tracking_code.clone()) {
        (ComplaintState::Sent, Some(code)) => {
            view! { <Sent complaint=complaint.clone() code /> }.into_any()
        }
        (ComplaintState::Rejected, _) => {
            let id = complaint.id.clone();
            let delete = move |_| {
                let id = id.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(database) = crate::offline::database().await {
                        let _ = complaints::delete(&database, &id).await;
                        complaints::refresh(&database, outbox).await;
                    }
                });
            };
            view! {
                {complaint.refusal.clone().map(|body| view! { <ErrorNotice error=ApiError::Server(body) /> })}
                <button type="button" class="button" on:click=delete>{move || i18n.t(Key::Delete)}</button>
            }
            .into_any()
        }
        _ => view! {
            <p class="notice" role="status">{move || i18n.t(Key::ComplaintSaved)}</p>
            <button type="button" class="button" data-testid="send-now"
                disabled=move || outbox.running.get()
                on:click=move |_| send(outbox, true)>
                {move || i18n.t(Key::SendNow)}
            </button>
        }
        .into_any(),
    };
    view! {
        <article class="complaint" data-testid="complaint-view">
            <p><strong>{name}</strong> " " <time>{filed_at(&complaint)}</time></p>
            <p class="badge" data-testid="complaint-state">{state}</p>
            <p class="description">{complaint.request.description.clone()}</p>
            {body}
        </article>
    }
}

/// A sent complaint: its tracking code and QR code, and the ticket as it stands.
#[component]
fn Sent(complaint: Complaint, code: String) -> impl IntoView {
    let i18n = use_i18n();
    let proof = complaint.proof();
    let ticket = RwSignal::new(None::<Result<TicketView, ApiError>>);
    if let Some(proof) = proof.clone() {
        // Read now, and again whenever it changes on the server.
        let load = {
            let code = code.clone();
            move || {
                let (code, proof) = (code.clone(), proof.clone());
                leptos::task::spawn_local(async move {
                    ticket.set(Some(api::ticket_public(&code, &proof).await));
                });
            }
        };
        load();
        api::follow_ticket(&code, load);
    }
    let rated = Callback::new(move |view: TicketView| ticket.set(Some(Ok(view))));
    view! {
        <div class="tracking">
            <p class="tracking-code large" data-testid="tracking-code">{code.clone()}</p>
            <p class="hint">{move || i18n.t(Key::TrackingCodeHint)}</p>
            <img class="qr" src=api::tracking_qr_url(&code) width="200" height="200"
                alt=move || i18n.t(Key::TrackingQr) data-testid="tracking-qr" />
        </div>
        {proof.clone().map(|proof| view! { <crate::push::NotifyButton code=code.clone() proof /> })}
        {move || ticket.get().map(|result| match (result, proof.clone()) {
            (Ok(view), Some(proof)) => view! {
                <TicketHeader ticket=view.clone() />
                <Rating ticket=view.clone() proof=proof.clone() rated />
                <Timeline code=view.tracking_code.clone() entries=view.timeline proof />
            }.into_any(),
            (Err(ApiError::Network), _) => ().into_any(),
            (Err(error), _) => view! { <ErrorNotice error /> }.into_any(),
            (Ok(_), None) => ().into_any(),
        })}
    }
}
