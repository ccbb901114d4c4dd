//! The ticket consoles: one tab per queue the account's roles give it: the unit's
//! queue (承办), the dispatchers' queue (派单: not routed, return requests) and the
//! supervisors' overdue board (督办). Nearest deadline first, as the server sorts.
//! Under them: open consultations and the advance notices (未诉先办).

use gridline_core::Role;
use gridline_core::api::ticket::{QueueView, RequestKind, TicketView};
use leptos::prelude::*;
use leptos_router::components::A;

use super::reference::use_reference;
use super::{CONSOLE_ROLES, RequireRole, use_session};
use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::kind::{KindSelect, kind_key};
use crate::components::ticket::{StatusBadge, format_time};
use crate::i18n::{Key, use_i18n};

#[component]
pub fn ConsolePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page console">
            <h1>{move || i18n.t(Key::ConsoleTitle)}</h1>
            <RequireRole roles=CONSOLE_ROLES>
                <crate::push::StaffNotifyButton />
                <Console />
            </RequireRole>
        </section>
    }
}

fn queue_views(roles: &[Role]) -> Vec<QueueView> {
    let mut views = Vec::new();
    if roles.contains(&Role::UnitHandler) {
        views.push(QueueView::Unit);
    }
    if roles.contains(&Role::Dispatcher) || roles.contains(&Role::Admin) {
        views.push(QueueView::Dispatch);
    }
    if roles.contains(&Role::Supervisor) {
        views.push(QueueView::Overdue);
        views.push(QueueView::Review);
        views.push(QueueView::Stalled);
    }
    views
}

fn view_key(view: QueueView) -> Key {
    match view {
        QueueView::Unit => Key::QueueUnit,
        QueueView::Dispatch => Key::QueueDispatch,
        QueueView::Overdue => Key::QueueOverdue,
        QueueView::Review => Key::QueueReview,
        QueueView::Stalled => Key::QueueStalled,
    }
}

#[component]
fn Console() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let views = session
        .user
        .get_untracked()
        .map(|u| queue_views(&u.roles))
        .unwrap_or_default();
    let Some(first) = views.first().copied() else {
        return view! { <p class="notice">{move || i18n.t(Key::ErrForbidden)}</p> }.into_any();
    };
    let selected = RwSignal::new(first);
    let refresh = RwSignal::new(0u32);
    // The tickets skipped: the queue comes in pages of QUEUE_PAGE.
    let offset = RwSignal::new(0u32);
    // 民生, 发展, 执法, or all.
    let kind = RwSignal::new(String::new());
    // Another kind starts at its first page.
    Effect::new(move |_| {
        kind.track();
        if offset.get_untracked() != 0 {
            offset.set(0);
        }
    });
    let queue = LocalResource::new(move || {
        refresh.track();
        let kind = kind.get();
        let (view, offset) = (selected.get(), offset.get());
        async move { api::queue(view, offset, &kind).await }
    });
    // Live: a ticket of these queues changed; changes close together read it once.
    let waiting = StoredValue::new(false);
    api::follow_queues(move || {
        if !waiting.get_value() {
            waiting.set_value(true);
            set_timeout(
                move || {
                    waiting.set_value(false);
                    refresh.update(|n| *n += 1);
                },
                std::time::Duration::from_millis(300),
            );
        }
    });
    let tabs = views
        .into_iter()
        .map(|v| {
            view! {
                <button
                    role="tab"
                    class="tab"
                    aria-selected=move || (selected.get() == v).to_string()
                    data-testid=format!("tab-{}", v.as_str())
                    on:click=move |_| {
                        offset.set(0);
                        selected.set(v);
                    }
                >
                    {move || i18n.t(view_key(v))}
                </button>
            }
        })
        .collect_view();
    view! {
        // The refresh button sits beside the tab list, not in it: a tab list holds tabs.
        <div class="tabs">
            <div class="tabs" role="tablist">{tabs}</div>
            <button class="button small" on:click=move |_| refresh.update(|n| *n += 1)>
                {move || i18n.t(Key::Refresh)}
            </button>
        </div>
        <div class="form inline"><KindSelect value=kind /></div>
        <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
            {move || queue.get().map(|result| match result {
                Ok(queue) if queue.tickets.is_empty() => {
                    view! { <p class="empty" data-testid="queue-empty">{move || i18n.t(Key::QueueEmpty)}</p> }.into_any()
                }
                Ok(queue) => {
                    let more = queue.more;
                    let rows = queue.tickets.into_iter().map(|t| view! { <TicketRow ticket=t /> }).collect_view();
                    let page = gridline_core::api::ticket::QUEUE_PAGE;
                    view! {
                        <ul class="queue" data-testid="queue">{rows}</ul>
                        <div class="pager">
                            {(offset.get_untracked() > 0).then(|| view! {
                                <button class="button small" data-testid="page-previous"
                                    on:click=move |_| offset.update(|o| *o = o.saturating_sub(page))>
                                    {move || i18n.t(Key::PagePrevious)}
                                </button>
                            })}
                            {more.then(|| view! {
                                <button class="button small" data-testid="page-next"
                                    on:click=move |_| offset.update(|o| *o += page)>
                                    {move || i18n.t(Key::PageNext)}
                                </button>
                            })}
                        </div>
                    }.into_any()
                }
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </Transition>
        <super::consult::ConsultationBoard />
        <super::advance::AdvanceBoard />
    }
    .into_any()
}

#[component]
fn TicketRow(ticket: TicketView) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let href = format!("/staff/tickets/{}", ticket.tracking_code);
    let matter = ticket.matter_code.clone();
    let unit = ticket.lead_unit_code.clone();
    let due = ticket.handling_due.map(format_time);
    let code = ticket.tracking_code.clone();
    let data_code = code.clone();
    view! {
        <li class="queue-row" data-code=data_code>
            <A href=href>
                <span class="code">{code}</span>
                <StatusBadge status=ticket.status overdue=ticket.overdue />
                {ticket.return_pending.then(|| view! {
                    <span class="badge">{move || i18n.t(Key::ReturnPending)}</span>
                })}
                {(ticket.kind != RequestKind::Livelihood).then(|| view! {
                    <span class="badge" data-testid="kind">{move || i18n.t(kind_key(ticket.kind))}</span>
                })}
                <span class="matter">{move || reference.matter(&matter, i18n.locale())}</span>
                <span class="address">{ticket.address.clone()}</span>
                <span class="unit">
                    {move || match &unit {
                        Some(u) => reference.unit(u, i18n.locale()),
                        None => i18n.t(Key::NotRouted).to_owned(),
                    }}
                </span>
                {due.map(|due| view! {
                    <span class="due">{move || i18n.t(Key::HandlingDue)} " " {due.clone()}</span>
                })}
            </A>
        </li>
    }
}
