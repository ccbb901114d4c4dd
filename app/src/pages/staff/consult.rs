//! Consultation (会商) on the staff ticket page: the invited units and their views; an
//! invited unit states its view, a dispatcher decides, a dispatcher or supervisor
//! opens one. The server checks each step; the page offers what the roles may do.

use gridline_core::Role;
use gridline_core::api::consult::{
    Consultation, ConsultationDecisionRequest, ConsultationViewRequest, OpenConsultationRequest,
};
use gridline_core::api::ticket::TicketView;
use leptos::prelude::*;

use super::reference::use_reference;
use super::ticket::UnitSelect;
use super::use_session;
use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::ticket::format_time;
use crate::i18n::{Key, use_i18n};

#[component]
pub fn ConsultationPanel(
    code: String,
    ticket: RwSignal<Option<Result<TicketView, ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let version = RwSignal::new(0u32);
    let code_read = code.clone();
    let listed = LocalResource::new(move || {
        version.track();
        let code = code_read.clone();
        async move { api::consultations_of(&code).await }
    });
    let note = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let code_send = code.clone();
    // After a step: the list again, and the ticket (a decision may move it).
    let send = leptos::prelude::Action::new_local(move |step: &Step| {
        let (code, step) = (code_send.clone(), step.clone());
        async move {
            let result = match step {
                Step::Open(r) => api::open_consultation(&code, &r).await,
                Step::View(r) => api::consultation_view(&code, &r).await,
                Step::Decide(r) => api::decide_consultation(&code, &r).await,
            };
            match result {
                Ok(_) => {
                    error.set(None);
                    note.set(String::new());
                    version.update(|v| *v += 1);
                    ticket.set(Some(api::ticket(&code).await));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let dispatcher = session.has_any(&[Role::Dispatcher]);
    let opener = session.has_any(&[Role::Dispatcher, Role::Supervisor]);
    let handler = session.has_any(&[Role::UnitHandler]);
    move || {
        let consultations = match listed.get() {
            Some(Ok(list)) => list.consultations,
            _ => return ().into_any(),
        };
        let open = consultations
            .iter()
            .find(|c| c.decided_at.is_none())
            .cloned();
        if open.is_none() && !opener {
            return ().into_any();
        }
        let units = move |c: &Consultation| {
            c.units
                .iter()
                .map(|u| {
                    let name = reference.unit(&u.unit_code, i18n.locale());
                    let view = u
                        .view
                        .clone()
                        .unwrap_or_else(|| i18n.t(Key::ConsultNoView).to_owned());
                    view! {
                        <li data-unit=u.unit_code.clone()>
                            <strong>{name}</strong> "：" {view}
                            {u.stated_at.map(|at| view! { " (" {format_time(at)} ")" })}
                        </li>
                    }
                })
                .collect_view()
        };
        let body = match open {
            Some(c) => {
                let invited: Vec<(String, String)> = c
                    .units
                    .iter()
                    .map(|u| (u.unit_code.clone(), reference.unit(&u.unit_code, i18n.locale())))
                    .collect();
                view! {
                    <p>{c.note.clone()} " · " {move || i18n.t(Key::ConsultOpened)} " " {format_time(c.opened_at)}</p>
                    <ul class="consulted">{units(&c)}</ul>
                    {handler.then(|| view! {
                        <form class="form" novalidate data-testid="consult-view" on:submit=move |ev| {
                            ev.prevent_default();
                            send.dispatch(Step::View(ConsultationViewRequest { note: note.get_untracked(), unit_code: None }));
                        }>
                            <label>
                                <span>{move || i18n.t(Key::ConsultYourView)}</span>
                                <textarea name="consult_view" rows="2" maxlength="4000" bind:value=note></textarea>
                            </label>
                            <button class="button" type="submit">{move || i18n.t(Key::ConsultState)}</button>
                        </form>
                    })}
                    {dispatcher.then(|| view! {
                        <form class="form" novalidate data-testid="consult-decide" on:submit=move |ev| {
                            ev.prevent_default();
                            send.dispatch(Step::Decide(ConsultationDecisionRequest { unit_code: unit.get_untracked(), note: note.get_untracked() }));
                        }>
                            <label>
                                <span>{move || i18n.t(Key::ConsultDecideFor)}</span>
                                <select name="decided_unit" bind:value=unit>
                                    <option value="">{move || i18n.t(Key::ChooseUnit)}</option>
                                    {invited.iter().map(|(code, name)| view! { <option value=code.clone()>{name.clone()}</option> }).collect_view()}
                                </select>
                            </label>
                            <label>
                                <span>{move || i18n.t(Key::Reason)}</span>
                                <textarea name="decision_note" rows="2" maxlength="4000" bind:value=note></textarea>
                            </label>
                            <button class="button primary" type="submit">{move || i18n.t(Key::ConsultDecide)}</button>
                        </form>
                    })}
                }
                .into_any()
            }
            None => view! {
                <form class="form" novalidate data-testid="consult-open" on:submit=move |ev| {
                    ev.prevent_default();
                    send.dispatch(Step::Open(OpenConsultationRequest { units: vec![unit.get_untracked()], note: note.get_untracked() }));
                }>
                    <UnitSelect label=Key::ConsultInvite name="consult_unit" value=unit />
                    <label>
                        <span>{move || i18n.t(Key::ConsultWhat)}</span>
                        <textarea name="consult_note" rows="2" maxlength="4000" bind:value=note></textarea>
                    </label>
                    <button class="button" type="submit">{move || i18n.t(Key::ConsultOpen)}</button>
                </form>
            }
            .into_any(),
        };
        view! {
            <section class="consultation" data-testid="consultation">
                <h2>{move || i18n.t(Key::ConsultTitle)}</h2>
                {body}
                {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            </section>
        }
        .into_any()
    }
}

#[derive(Clone)]
enum Step {
    Open(OpenConsultationRequest),
    View(ConsultationViewRequest),
    Decide(ConsultationDecisionRequest),
}

/// The open consultations the signed-in staff member takes part in (all of them for
/// dispatchers and supervisors), shown under the queues when there are any.
#[component]
pub fn ConsultationBoard() -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let listed = LocalResource::new(api::consultations);
    move || {
        let Some(Ok(list)) = listed.get() else {
            return ().into_any();
        };
        if list.consultations.is_empty() {
            return ().into_any();
        }
        let rows = list
            .consultations
            .into_iter()
            .map(|c| {
                let href = format!("/staff/tickets/{}", c.tracking_code);
                let (code, data_code) = (c.tracking_code.clone(), c.tracking_code.clone());
                let opened = format_time(c.opened_at);
                let units = c
                    .units
                    .iter()
                    .map(|u| reference.unit(&u.unit_code, i18n.locale()))
                    .collect::<Vec<_>>()
                    .join("、");
                view! {
                    <li data-code=data_code>
                        <leptos_router::components::A href=href>
                            <span class="code">{code}</span>
                            " " <span>{units}</span>
                            " · " <span>{opened}</span>
                        </leptos_router::components::A>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="consultation-board" data-testid="consultation-board">
                <h2>{move || i18n.t(Key::ConsultBoard)}</h2>
                <ul class="queue">{rows}</ul>
            </section>
        }
        .into_any()
    }
}
