//! One ticket for staff: everything about it (personal data in full for those who
//! handle it), the actions the server says this account may take now, the
//! dispatcher's tools (co-handling units, tier change) and the whole timeline.

use gridline_core::Role;
use gridline_core::api::ticket::{
    ActionRequest, CoUnitRequest, MergeRequest, SimilarResponse, TicketView, TierChangeRequest,
};
use gridline_core::deadline::Tier;
use gridline_core::ticket::{Action as TicketAction, Status};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsCast;

use super::reference::use_reference;
use super::{CONSOLE_ROLES, RequireRole, use_session};
use crate::api::{self, ApiError};
use crate::components::clip::VideoClip;
use crate::components::error_notice::ErrorNotice;
use crate::components::ticket::{StatusBadge, TicketHeader, Timeline, format_time};
use crate::i18n::{Key, use_i18n};

#[component]
pub fn StaffTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let ticket = RwSignal::new(None::<Result<TicketView, ApiError>>);
    // Changed on the server while someone types here: said, not redrawn under them.
    let stale = RwSignal::new(false);
    // Read the ticket. A live reload (`forced` false) that brings a change while a form
    // here is being filled in says so instead of drawing it: redrawing empties forms.
    let load = move |code: String, forced: bool| {
        leptos::task::spawn_local(async move {
            let fresh = api::ticket(&code).await;
            // Often the change is this desk's own, already drawn from its answer. Every
            // change to a ticket is a step on its timeline (a whole `==` costs 1 KB).
            let drawn = ticket.with_untracked(|shown| match (shown, &fresh) {
                (Some(Ok(shown)), Ok(fresh)) => {
                    shown.timeline.len() == fresh.timeline.len()
                        && shown.status == fresh.status
                        && shown.stalled == fresh.stalled
                }
                _ => false,
            });
            if forced || !(drawn || editing()) {
                ticket.set(Some(fresh));
            } else if !drawn {
                stale.set(true);
            }
        });
    };
    // Whatever draws the ticket (a reload, an action's answer) draws it as it is now.
    Effect::new(move |_| {
        ticket.track();
        stale.set(false);
    });
    Effect::new(move |_| {
        let code = code();
        load(code.clone(), true);
        // Live: read again when it changes (and when the stream opens).
        let again = code.clone();
        api::follow_ticket(&code, move || load(again.clone(), false));
    });
    view! {
        <section class="page ticket-page">
            <h1>{move || i18n.t(Key::TicketTitle)}</h1>
            {move || stale.get().then(|| view! {
                <p class="notice changed" role="status" data-testid="ticket-changed">
                    {move || i18n.t(Key::TicketChanged)} " "
                    <button class="button small" on:click=move |_| load(code(), true)>
                        {move || i18n.t(Key::Refresh)}
                    </button>
                </p>
            })}
            <RequireRole roles=CONSOLE_ROLES>
                {move || match ticket.get() {
                    None => view! { <p>{move || i18n.t(Key::Loading)}</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
                    Some(Ok(t)) => view! { <TicketDetail current=t ticket /> }.into_any(),
                }}
            </RequireRole>
        </section>
    }
}

/// Whether a form on the ticket is being filled in: a field in it has the focus, or
/// one of its fields was changed (typed in, chosen) since it was drawn.
fn editing() -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let focused = document.active_element().is_some_and(|e| {
        matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            && e.closest("[data-testid=ticket] form")
                .ok()
                .flatten()
                .is_some()
    });
    focused
        || document
            .query_selector("[data-testid=ticket] form[data-edited]")
            .ok()
            .flatten()
            .is_some()
}

/// Marks the form an input or change event came from as edited (see [`editing`]); a
/// redrawn form starts unmarked.
fn mark_edited(ev: web_sys::Event) {
    if let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("form").ok().flatten())
    {
        let _ = form.set_attribute("data-edited", "");
    }
}

#[component]
fn TicketDetail(
    current: TicketView,
    ticket: RwSignal<Option<Result<TicketView, ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let session = use_session();
    let matter = current.matter_code.clone();
    let lead = current.lead_unit_code.clone();
    let co_units = current.co_unit_codes.clone();
    let dispatcher =
        session.has_any(&[Role::Dispatcher, Role::Admin]) && current.status.with_unit();
    // Answered or closed tickets are not merged (the server says the same).
    let can_merge = session.has_any(&[Role::Dispatcher, Role::Supervisor, Role::Admin])
        && !matches!(current.status, Status::Done | Status::Closed);
    let contact = [current.contact_name.clone(), current.contact_phone.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <article class="ticket" data-testid="ticket" on:input=mark_edited on:change=mark_edited>
            <TicketHeader ticket=current.clone() />
            <dl class="facts">
                <dt>{move || i18n.t(Key::Matter)}</dt>
                <dd data-testid="matter">{move || reference.matter(&matter, i18n.locale())}</dd>
                <dt>{move || i18n.t(Key::RequestKindLabel)}</dt>
                <dd data-testid="request-kind">
                    {move || i18n.t(crate::components::kind::kind_key(current.kind))}
                    {current.enterprise_name.clone().map(|name| format!(" · {name}"))}
                    {current.credit_code.clone().map(|code| format!(" · {code}"))}
                </dd>
                <dt>{move || i18n.t(Key::Address)}</dt>
                <dd>{current.address.clone()}</dd>
                <dt>{move || i18n.t(Key::Description)}</dt>
                <dd class="description">{current.description.clone()}</dd>
                <dt>{move || i18n.t(Key::LeadUnit)}</dt>
                <dd data-testid="lead-unit">
                    {move || match &lead {
                        Some(u) => reference.unit(u, i18n.locale()),
                        None => i18n.t(Key::NotRouted).to_owned(),
                    }}
                </dd>
                {(!co_units.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Key::CoUnits)}</dt>
                    <dd data-testid="co-units">{move || co_units.iter().map(|u| reference.unit(u, i18n.locale())).collect::<Vec<_>>().join("、")}</dd>
                })}
                <dt>{move || i18n.t(Key::Tier)}</dt>
                <dd>{current.tier_days} " " {move || i18n.t(Key::WorkingDays)}</dd>
                <dt>{move || i18n.t(Key::Complexity)}</dt>
                <dd data-testid="complexity">
                    {current.complexity}
                    {current.stalled.then(|| view! { " · " <strong>{move || i18n.t(Key::QueueStalled)}</strong> })}
                </dd>
                {current.response_due.map(|due| view! {
                    <dt>{move || i18n.t(Key::ResponseDue)}</dt>
                    <dd>{format_time(due)}</dd>
                })}
                {(!contact.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Key::Contact)}</dt>
                    <dd data-testid="contact">{contact.clone()}</dd>
                })}
            </dl>
            <SimilarReports code=current.tracking_code.clone() can_merge ticket />
            <ActionPanel code=current.tracking_code.clone() actions=current.actions.clone() ticket />
            {dispatcher.then(|| view! { <DispatcherTools code=current.tracking_code.clone() ticket /> })}
            {current.status.with_unit().then(|| view! {
                <super::consult::ConsultationPanel code=current.tracking_code.clone() ticket />
            })}
            <Timeline code=current.tracking_code.clone() entries=current.timeline.clone() />
        </article>
    }
}

/// Reports of the same kind filed nearby lately (重复诉求), shown when there are any;
/// dispatchers, supervisors and admins may merge this ticket into one of them.
#[component]
fn SimilarReports(
    code: String,
    can_merge: bool,
    ticket: RwSignal<Option<Result<TicketView, ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let similar = RwSignal::new(None::<SimilarResponse>);
    let fetch_code = code.clone();
    leptos::task::spawn_local(async move {
        // Without them the ticket page is still whole: a failure shows nothing.
        similar.set(api::similar(&fetch_code).await.ok());
    });
    let error = RwSignal::new(None::<ApiError>);
    let merge = Action::new_local(move |into: &String| {
        let (code, request) = (code.clone(), MergeRequest { into: into.clone() });
        async move {
            match api::merge(&code, &request).await {
                Ok(view) => ticket.set(Some(Ok(view))),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    move || {
        let found = similar.get().filter(|s| !s.tickets.is_empty())?;
        let rows = found
            .tickets
            .into_iter()
            .map(|t| {
                let href = format!("/staff/tickets/{}", t.tracking_code);
                let code = t.tracking_code.clone();
                let open = !matches!(t.status, Status::Closed) && t.merged_into.is_none();
                let into = t.tracking_code.clone();
                view! {
                    <li class="queue-row" data-code=t.tracking_code>
                        <A href=href>
                            <span class="code">{code}</span>
                            <StatusBadge status=t.status />
                            <span class="due">{t.distance_m} " " {move || i18n.t(Key::Metres)} " · " {format_time(t.created_at)}</span>
                            <span class="address">{t.address.clone()}</span>
                            {t.merged_into.map(|lead| view! {
                                <span class="unit">{move || i18n.t(Key::MergedInto)} " " {lead.clone()}</span>
                            })}
                        </A>
                        {(can_merge && open).then(|| view! {
                            <button class="button small" data-testid="merge-into"
                                disabled=move || merge.pending().get()
                                on:click=move |_| { merge.dispatch(into.clone()); }>
                                {move || i18n.t(Key::MergeInto)}
                            </button>
                        })}
                    </li>
                }
            })
            .collect_view();
        let count = rows.len();
        Some(view! {
            <section class="similar notice" data-testid="similar">
                <h2>{count} " " {move || i18n.t(Key::SimilarCount)}</h2>
                <p>
                    {move || i18n.t(Key::SimilarWithin)} " " {found.radius_m} " "
                    {move || i18n.t(Key::Metres)} " · " {found.days} " " {move || i18n.t(Key::DaysUnit)}
                </p>
                {move || error.get().map(|error| view! { <ErrorNotice error /> })}
                <ul class="queue">{rows}</ul>
            </section>
        })
    }
}

fn action_key(action: TicketAction) -> Key {
    match action {
        TicketAction::Dispatch => Key::ActDispatch,
        TicketAction::Redispatch => Key::ActRedispatch,
        TicketAction::Accept => Key::ActAccept,
        TicketAction::Progress => Key::ActProgress,
        TicketAction::Resolve => Key::ActResolve,
        TicketAction::RequestReturn => Key::ActRequestReturn,
        TicketAction::ApproveReturn => Key::ActApproveReturn,
        TicketAction::RejectReturn => Key::ActRejectReturn,
        TicketAction::Rate => Key::ActRate,
        TicketAction::Close => Key::ActClose,
        TicketAction::Reopen => Key::ActReopen,
        TicketAction::Supervise => Key::ActSupervise,
    }
}

/// What the note of an action is called; `None` when the action takes no note.
fn note_key(action: TicketAction) -> Option<Key> {
    match action {
        TicketAction::Resolve => Some(Key::PublicReply),
        TicketAction::RequestReturn | TicketAction::RejectReturn => Some(Key::Reason),
        TicketAction::Accept => None,
        _ => Some(Key::Note),
    }
}

fn needs_unit(action: TicketAction) -> bool {
    matches!(
        action,
        TicketAction::Dispatch | TicketAction::Redispatch | TicketAction::ApproveReturn
    )
}

fn takes_photos(action: TicketAction) -> bool {
    matches!(action, TicketAction::Progress | TicketAction::Resolve)
}

/// Uploads the photos chosen in `input` (none when it is not on the page), made small
/// and upright first like every photo the apps send; their ids.
async fn upload_photos(input: NodeRef<leptos::html::Input>) -> Result<Vec<String>, ApiError> {
    let Some(files) = input.get_untracked().and_then(|i| i.files()) else {
        return Ok(Vec::new());
    };
    let mut ids = Vec::new();
    for i in 0..files
        .length()
        .min(gridline_core::api::media::MAX_PHOTOS as u32)
    {
        if let Some(file) = files.get(i) {
            // A file the browser cannot draw goes as it is: the server decides.
            let photo = crate::offline::photo::prepare(&file)
                .await
                .unwrap_or_else(|_| file.into());
            ids.push(api::upload_media(&photo, None).await?.id);
        }
    }
    Ok(ids)
}

/// One button per action the server allows; the chosen one opens its small form.
#[component]
fn ActionPanel(
    code: String,
    actions: Vec<TicketAction>,
    ticket: RwSignal<Option<Result<TicketView, ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(None::<TicketAction>);
    let note = RwSignal::new(String::new());
    let public = RwSignal::new(true);
    let unit = RwSignal::new(String::new());
    let complexity = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let photos = NodeRef::<leptos::html::Input>::new();
    let clip = RwSignal::new(None::<web_sys::Blob>);
    let send =
        leptos::prelude::Action::new_local(move |(code, request): &(String, ActionRequest)| {
            let (code, mut request) = (code.clone(), request.clone());
            async move {
                // Photos and the clip first, then the step that names them.
                let uploaded = async {
                    let mut ids = upload_photos(photos).await?;
                    if let Some(blob) = clip.get_untracked() {
                        ids.push(api::upload_media(&blob, None).await?.id);
                    }
                    Ok::<_, ApiError>(ids)
                };
                match uploaded.await {
                    Ok(ids) => request.media = ids,
                    Err(e) => {
                        error.set(Some(e));
                        return;
                    }
                }
                match api::act(&code, &request).await {
                    Ok(view) => {
                        error.set(None);
                        clip.set(None);
                        chosen.set(None);
                        note.set(String::new());
                        ticket.set(Some(Ok(view)));
                    }
                    Err(e) => error.set(Some(e)),
                }
            }
        });
    let actions: Vec<TicketAction> = actions
        .into_iter()
        .filter(|a| *a != TicketAction::Rate)
        .collect();
    if actions.is_empty() {
        return ().into_any();
    }
    let buttons = actions
        .iter()
        .map(|&action| {
            view! {
                <button
                    class="button"
                    class:primary=move || chosen.get() == Some(action)
                    data-action=action.as_str()
                    on:click=move |_| {
                        error.set(None);
                        chosen.set(Some(action));
                    }
                >
                    {move || i18n.t(action_key(action))}
                </button>
            }
        })
        .collect_view();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(action) = chosen.get_untracked() else {
            return;
        };
        let unit_code = unit.get_untracked();
        let complexity = complexity.get_untracked().parse::<u8>().ok();
        send.dispatch((
            code.clone(),
            ActionRequest {
                action,
                note: note.get_untracked(),
                public: action != TicketAction::Progress || public.get_untracked(),
                unit_code: (needs_unit(action) && !unit_code.is_empty()).then_some(unit_code),
                media: Vec::new(),
                complexity: complexity.filter(|_| needs_unit(action)),
            },
        ));
    };
    view! {
        <div class="actions" data-testid="actions">
            <h2>{move || i18n.t(Key::ActionsTitle)}</h2>
            <div class="action-buttons">{buttons}</div>
            {move || chosen.get().map(|action| view! {
                <form class="form" on:submit=submit.clone() novalidate data-testid="action-form">
                    {needs_unit(action).then(|| view! {
                        <UnitSelect label=Key::Unit name="unit_code" value=unit />
                        <label>
                            <span>{move || i18n.t(Key::Complexity)}</span>
                            <select name="complexity" bind:value=complexity>
                                <option value="">{move || i18n.t(Key::ComplexityOfMatter)}</option>
                                {(1..=gridline_core::deadline::MAX_CHECKPOINTS).map(|n| view! {
                                    <option value=n.to_string()>{n}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    {note_key(action).map(|key| view! {
                        <label>
                            <span>{move || i18n.t(key)}</span>
                            <textarea name="note" rows="3" maxlength="4000" bind:value=note></textarea>
                        </label>
                    })}
                    {takes_photos(action).then(|| view! {
                        <label>
                            <span>{move || i18n.t(Key::Photos)}</span>
                            <input type="file" name="photos" accept="image/*" multiple node_ref=photos />
                        </label>
                        <VideoClip clip />
                    })}
                    {(action == TicketAction::Progress).then(|| view! {
                        <label class="check">
                            <input type="checkbox" name="public" bind:checked=public />
                            <span>{move || i18n.t(Key::PublicNote)}</span>
                        </label>
                    })}
                    {move || error.get().map(|error| view! { <ErrorNotice error /> })}
                    <button class="button primary" type="submit" disabled=move || send.pending().get()>
                        {move || i18n.t(Key::Confirm)} " " {move || i18n.t(action_key(action))}
                    </button>
                </form>
            })}
        </div>
    }
    .into_any()
}

/// A labelled choice of one handling unit (its code in `value`).
#[component]
pub(super) fn UnitSelect(label: Key, name: &'static str, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    view! {
        <label>
            <span>{move || i18n.t(label)}</span>
            <select name=name bind:value=value>
                <option value="">{move || i18n.t(Key::ChooseUnit)}</option>
                {move || reference.unit_choices(i18n.locale()).into_iter().map(|(code, name)| view! {
                    <option value=code>{name}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// Dispatchers: add a co-handling unit (协办) and change the handling tier with a reason.
#[component]
fn DispatcherTools(
    code: String,
    ticket: RwSignal<Option<Result<TicketView, ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let co_unit = RwSignal::new(String::new());
    let tier = RwSignal::new(String::from("3"));
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let done = move |result: Result<TicketView, ApiError>| match result {
        Ok(view) => {
            error.set(None);
            ticket.set(Some(Ok(view)));
        }
        Err(e) => error.set(Some(e)),
    };
    let code_co = code.clone();
    let add = leptos::prelude::Action::new_local(move |unit_code: &String| {
        let (code, unit_code) = (code_co.clone(), unit_code.clone());
        async move { done(api::add_co_unit(&code, &CoUnitRequest { unit_code }).await) }
    });
    let change = leptos::prelude::Action::new_local(move |request: &TierChangeRequest| {
        let (code, request) = (code.clone(), request.clone());
        async move { done(api::change_tier(&code, &request).await) }
    });
    view! {
        <div class="dispatcher-tools">
            <h2>{move || i18n.t(Key::DispatcherTools)}</h2>
            <form class="form inline" novalidate on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(co_unit.get_untracked());
            }>
                <UnitSelect label=Key::AddCoUnit name="co_unit" value=co_unit />
                <button class="button" type="submit">{move || i18n.t(Key::AddCoUnit)}</button>
            </form>
            <form class="form inline" novalidate on:submit=move |ev| {
                ev.prevent_default();
                change.dispatch(TierChangeRequest {
                    tier_days: tier.get_untracked().parse().unwrap_or(0),
                    reason: reason.get_untracked(),
                });
            }>
                <label>
                    <span>{move || i18n.t(Key::Tier)}</span>
                    <select name="tier" bind:value=tier>
                        {Tier::ALL.iter().map(|t| {
                            let days = t.working_days().to_string();
                            view! { <option value=days.clone()>{days.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{move || i18n.t(Key::Reason)}</span>
                    <input type="text" name="tier_reason" maxlength="500" bind:value=reason />
                </label>
                <button class="button" type="submit">{move || i18n.t(Key::ChangeTier)}</button>
            </form>
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
        </div>
    }
}
