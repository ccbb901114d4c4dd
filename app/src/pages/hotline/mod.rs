//! The hotline operator's seat (热线坐席): one screen per call. The telephone system
//! announces each call put through to this operator and the page pops up with it (or
//! the operator types the caller's number); it shows the number's earlier tickets, the
//! knowledge base, and the filing form with the caller's words. The call ends either as
//! an enquiry answered from the knowledge base (counted, never a ticket) or as a ticket
//! filed from the call (channel `hotline`, the call's id kept, the tracking code texted
//! to the caller by the server).
//!
//! The knowledge base is kept here too (`knowledge`), by admins and the units.
//!
//! Keyboard only: every control is a native one in tab order, the caller's words take
//! the focus when a call comes, and Ctrl+Enter files from anywhere in the form.

pub mod knowledge;

use gridline_core::Role;
use gridline_core::api::hotline::{CallView, CallerTicket};
use gridline_core::api::knowledge::{EnquiryRequest, KnowledgeEntry};
use gridline_core::api::ticket::{CreateTicketRequest, RequestKind};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::ticket::{StatusBadge, format_time};
use crate::i18n::{Key, use_i18n};
use crate::offline::complaints::new_id;
use crate::pages::resident::file::{Form, LocationPicker, MatterPicker, TextsConsent, request_of};
use crate::pages::resident::reference::use_reference;
use crate::pages::resident::suggest::Suggestions;
use crate::pages::staff::RequireRole;

/// Who takes calls (the server checks the same).
const OPERATORS: &[Role] = &[Role::HotlineOperator];

/// The call being handled: the telephone system's id (or one made here for a number
/// typed by hand) and the caller's number.
#[derive(Debug, Clone, PartialEq)]
struct Call {
    id: String,
    caller: String,
}

/// How the call ended.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Filed as a ticket: its tracking code.
    Filed(String),
    /// Answered from the knowledge base.
    Enquiry,
}

#[component]
pub fn HotlinePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page hotline">
            <h1>{move || i18n.t(Key::HotlineTitle)}</h1>
            <RequireRole roles=OPERATORS><Seat /></RequireRole>
        </section>
    }
}

#[component]
fn Seat() -> impl IntoView {
    let i18n = use_i18n();
    let call = RwSignal::new(None::<Call>);
    let outcome = RwSignal::new(None::<Outcome>);
    let form = Form::new();
    let name = RwSignal::new(String::new());
    let words = NodeRef::<leptos::html::Textarea>::new();
    // Calls taken on this page: none pops up twice.
    let taken = StoredValue::new(Vec::<String>::new());

    let take = move |next: Call| {
        taken.update_value(|t| t.push(next.id.clone()));
        form.id.set(new_id());
        for field in [
            form.matter,
            form.description,
            form.community,
            form.grid,
            form.address,
        ] {
            field.set(String::new());
        }
        form.fix.set(None);
        form.texts.set(false);
        form.phone.set(next.caller.clone());
        name.set(String::new());
        outcome.set(None);
        call.set(Some(next));
        // The caller's words are what the operator types first.
        request_animation_frame(move || {
            if let Some(words) = words.get_untracked() {
                let _ = words.focus();
            }
        });
    };
    // The pop-up: each time the telephone system rings this seat (and when the stream
    // opens, and when a call ends), the newest call not yet settled or taken comes up,
    // unless a call is still being handled.
    let look = move || {
        leptos::task::spawn_local(async move {
            let Ok(answer) = api::calls().await else {
                return;
            };
            let busy = call.try_with_untracked(Option::is_some) == Some(true)
                && outcome.try_with_untracked(Option::is_none) == Some(true);
            if busy {
                return;
            }
            let fresh = answer.calls.into_iter().find(|c: &CallView| {
                !c.handled && taken.try_with_value(|t| !t.contains(&c.call_id)) == Some(true)
            });
            if let Some(c) = fresh {
                take(Call {
                    id: c.call_id,
                    caller: c.caller,
                });
            }
        });
    };
    api::follow_calls(look);

    let typed = RwSignal::new(String::new());
    let take_typed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = typed.get_untracked().trim().to_owned();
        if !number.is_empty() {
            take(Call {
                id: format!("typed-{}", new_id()),
                caller: number,
            });
            typed.set(String::new());
        }
    };
    let end = move |_| {
        call.set(None);
        outcome.set(None);
        look();
    };

    view! {
        <p class="lead">{move || i18n.t(Key::HotlineIntro)}</p>
        {move || match call.get() {
            None => view! {
                <form class="form call-start" on:submit=take_typed novalidate>
                    <p data-testid="waiting" role="status">{move || i18n.t(Key::WaitingForCall)}</p>
                    <label>
                        <span>{move || i18n.t(Key::CallerNumber)}</span>
                        <input type="tel" name="caller" inputmode="tel" maxlength="20" bind:value=typed />
                    </label>
                    <button class="button" type="submit">{move || i18n.t(Key::TakeCall)}</button>
                </form>
            }.into_any(),
            Some(current) => view! {
                <div class="call-bar" data-testid="call" role="status">
                    <strong>{move || i18n.t(Key::CallFrom)} " " <span data-testid="caller">{current.caller.clone()}</span></strong>
                    <button type="button" class="button small" on:click=end>{move || i18n.t(Key::EndCall)}</button>
                </div>
                <div class="seat">
                    <CallerHistory caller=current.caller.clone() />
                    <Knowledge call=current.clone() form outcome />
                    <CallFiling call=current form name outcome words />
                </div>
            }.into_any(),
        }}
    }
}

/// The number's earlier tickets, newest first: what the operator may tell the caller.
#[component]
fn CallerHistory(caller: String) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let found = RwSignal::new(None::<Result<Vec<CallerTicket>, ApiError>>);
    leptos::task::spawn_local(async move {
        let answer = api::caller_tickets(&caller).await.map(|a| a.tickets);
        found.try_set(Some(answer));
    });
    let row = move |t: CallerTicket| {
        let matter = reference.with(|r| {
            r.matter(&t.matter_code)
                .map(|m| i18n.pick(&m.name_zh, &m.name_en).to_owned())
                .unwrap_or_else(|| t.matter_code.clone())
        });
        view! {
            <li data-testid="caller-ticket">
                <p>
                    <strong class="code">{t.tracking_code}</strong> " "
                    <StatusBadge status=t.status /> " "
                    <span>{matter}</span>
                </p>
                <p class="hint">{format_time(t.filed_at)} " " {t.unit_name.unwrap_or_default()}</p>
                <p>{t.description}</p>
                {(!t.last_note.is_empty()).then(|| view! { <p class="note">{t.last_note}</p> })}
            </li>
        }
    };
    view! {
        <section class="panel" data-testid="caller-history">
            <h2>{move || i18n.t(Key::CallerHistory)}</h2>
            {move || match found.get() {
                None => view! { <p>{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
                Some(Ok(tickets)) if tickets.is_empty() => {
                    view! { <p class="hint">{move || i18n.t(Key::CallerNoHistory)}</p> }.into_any()
                }
                Some(Ok(tickets)) => {
                    view! { <ul class="list">{tickets.into_iter().map(row).collect_view()}</ul> }.into_any()
                }
            }}
        </section>
    }
}

/// The knowledge base, searched by the caller's words (or what the operator types):
/// an answer given ends the call as an enquiry.
#[component]
fn Knowledge(call: Call, form: Form, outcome: RwSignal<Option<Outcome>>) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Result<Vec<KnowledgeEntry>, ApiError>>);
    let error = RwSignal::new(None::<ApiError>);
    let call = StoredValue::new(call);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut q = query.get_untracked();
        if q.trim().is_empty() {
            q = form.description.get_untracked();
            query.set(q.clone());
        }
        if q.trim().is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let answer = api::search_knowledge(q.trim()).await.map(|a| a.entries);
            found.try_set(Some(answer));
        });
    };
    let answered = move |entry_id: i64| {
        let words = form.description.get_untracked();
        let text = if words.trim().is_empty() {
            query.get_untracked()
        } else {
            words
        };
        let matter = form.matter.get_untracked();
        let request = EnquiryRequest {
            text: text.trim().to_owned(),
            entry_id: Some(entry_id),
            matter_code: (!matter.is_empty()).then_some(matter),
            call_id: Some(call.get_value().id),
        };
        leptos::task::spawn_local(async move {
            match api::record_enquiry(&request).await {
                Ok(_) => {
                    outcome.try_set(Some(Outcome::Enquiry));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let entry = move |e: KnowledgeEntry| {
        let id = e.id;
        view! {
            <li data-testid="knowledge-entry">
                <details>
                    <summary>{e.fields.question}</summary>
                    <p>{e.fields.answer}</p>
                </details>
                <button type="button" class="button small" data-testid="answered"
                    disabled=move || outcome.with(Option::is_some)
                    on:click=move |_| answered(id)>
                    {move || i18n.t(Key::AnsweredEnquiry)}
                </button>
            </li>
        }
    };
    view! {
        <section class="panel" data-testid="knowledge">
            <h2>{move || i18n.t(Key::KnowledgeSearch)}</h2>
            <form class="inline-form" role="search" on:submit=search novalidate>
                <input type="search" name="knowledge" aria-label=move || i18n.t(Key::KnowledgeSearch)
                    bind:value=query />
                <button class="button" type="submit">{move || i18n.t(Key::KnowledgeSearch)}</button>
            </form>
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            {move || found.get().map(|answer| match answer {
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
                Ok(entries) if entries.is_empty() => {
                    view! { <p class="hint">{move || i18n.t(Key::KnowledgeNone)}</p> }.into_any()
                }
                Ok(entries) => {
                    view! { <ul class="list">{entries.into_iter().map(entry).collect_view()}</ul> }.into_any()
                }
            })}
        </section>
    }
}

/// The ticket filed from the call, on one screen: the caller's words with the
/// suggested matter types, the kind, where, who; Ctrl+Enter files it.
#[component]
fn CallFiling(
    call: Call,
    form: Form,
    name: RwSignal<String>,
    outcome: RwSignal<Option<Outcome>>,
    words: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let i18n = use_i18n();
    let problem = RwSignal::new(None::<Key>);
    let error = RwSignal::new(None::<ApiError>);
    let sending = RwSignal::new(false);
    let call = StoredValue::new(call);
    // 民生, or 发展 for an enterprise calling (with its name and credit code).
    let enterprise = RwSignal::new(false);
    let enterprise_name = RwSignal::new(String::new());
    let credit_code = RwSignal::new(String::new());
    let file = move || {
        if sending.get_untracked() || outcome.with_untracked(Option::is_some) {
            return;
        }
        let placed = !form.grid.get_untracked().is_empty()
            || !form.address.get_untracked().trim().is_empty();
        if form.matter.get_untracked().is_empty()
            || form.description.get_untracked().trim().is_empty()
            || !placed
        {
            problem.set(Some(Key::CallIncomplete));
            return;
        }
        problem.set(None);
        let caller_name = name.get_untracked().trim().to_owned();
        let for_enterprise = enterprise.get_untracked();
        let text =
            |s: RwSignal<String>| for_enterprise.then(|| s.get_untracked().trim().to_owned());
        let request = CreateTicketRequest {
            contact_name: (!caller_name.is_empty()).then_some(caller_name),
            call_id: Some(call.get_value().id),
            kind: if for_enterprise {
                RequestKind::Development
            } else {
                RequestKind::Livelihood
            },
            enterprise_name: text(enterprise_name),
            credit_code: text(credit_code).map(|c| c.to_uppercase()),
            ..request_of(&form.draft(), None)
        };
        sending.set(true);
        leptos::task::spawn_local(async move {
            match api::file_ticket(&request).await {
                Ok(created) => {
                    outcome.try_set(Some(Outcome::Filed(created.tracking_code)));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            sending.try_set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        file();
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            file();
        }
    };
    view! {
        <section class="panel filing" data-testid="call-filing">
            <h2>{move || i18n.t(Key::FileFromCall)}</h2>
            {move || outcome.get().map(|done| match done {
                Outcome::Filed(code) => view! {
                    <div class="notice done" role="status" data-testid="filed">
                        <p>{move || i18n.t(Key::TrackingCode)} " " <strong class="code" data-testid="filed-code">{code}</strong></p>
                        <p>{move || i18n.t(Key::FiledFromCall)}</p>
                    </div>
                }.into_any(),
                Outcome::Enquiry => view! {
                    <p class="notice done" role="status" data-testid="enquiry-recorded">
                        {move || i18n.t(Key::EnquiryRecorded)}
                    </p>
                }.into_any(),
            })}
            <form class="form" on:submit=submit on:keydown=keys novalidate>
                <label>
                    <span>{move || i18n.t(Key::CallerWords)}</span>
                    <textarea name="description" rows="4" maxlength="4000" node_ref=words
                        bind:value=form.description></textarea>
                </label>
                <Suggestions description=form.description matter=form.matter matters_only=true />
                <MatterPicker value=form.matter />
                <LocationPicker form remote=true />
                <label class="check">
                    <input type="checkbox" name="enterprise" bind:checked=enterprise />
                    <span>{move || i18n.t(Key::EnterpriseCall)}</span>
                </label>
                <Show when=move || enterprise.get()>
                    <label>
                        <span>{move || i18n.t(Key::EnterpriseName)}</span>
                        <input type="text" name="enterprise_name" maxlength="100" autocomplete="off"
                            bind:value=enterprise_name />
                    </label>
                    <label>
                        <span>{move || i18n.t(Key::CreditCode)}</span>
                        <input type="text" name="credit_code" maxlength="18" autocomplete="off"
                            bind:value=credit_code />
                    </label>
                </Show>
                <label>
                    <span>{move || i18n.t(Key::CallerName)}</span>
                    <input type="text" name="caller_name" maxlength="50" autocomplete="off" bind:value=name />
                </label>
                <label>
                    <span>{move || i18n.t(Key::CallerPhone)}</span>
                    <input type="tel" name="phone" inputmode="tel" maxlength="20" autocomplete="off"
                        bind:value=form.phone />
                </label>
                <TextsConsent form />
                {move || problem.get().map(|key| view! {
                    <p class="error" role="alert" data-testid="file-problem">{move || i18n.t(key)}</p>
                })}
                {move || error.get().map(|error| view! { <ErrorNotice error /> })}
                <button class="button primary" type="submit" data-testid="file-call"
                    disabled=move || sending.get() || outcome.with(Option::is_some)>
                    {move || i18n.t(Key::FileFromCall)}
                </button>
                <p class="hint">{move || i18n.t(Key::CtrlEnter)}</p>
            </form>
        </section>
    }
}
