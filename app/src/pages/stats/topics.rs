//! The monthly topic (每月一题): the suggested problem classes, the topics with their
//! progress, and one topic's page (its figures, measures and tickets). Supervisors
//! open and close topics; the server checks who may do what.

use gridline_core::Role;
use gridline_core::api::topic::{
    CloseTopicRequest, NewTopicRequest, Topic, TopicMeasureRequest, TopicSuggestion,
};
use leptos::prelude::*;

use super::{StatsPage, china_today};
use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::ticket::{StatusBadge, format_time};
use crate::i18n::{Key, use_i18n};
use crate::pages::staff::reference::use_reference;
use crate::pages::staff::use_session;

#[component]
pub fn TopicsPage() -> impl IntoView {
    view! { <StatsPage title=Key::TopicsTitle><Topics /></StatsPage> }
}

#[component]
fn Topics() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let version = RwSignal::new(0u32);
    let chosen = RwSignal::new(None::<TopicSuggestion>);
    let shown = RwSignal::new(None::<Topic>);
    let suggestions = LocalResource::new(api::topic_suggestions);
    let topics = LocalResource::new(move || {
        version.track();
        api::topics()
    });
    let supervisor = session.has_any(&[Role::Supervisor]);
    let suggestion_rows = move |list: Vec<TopicSuggestion>| {
        list.into_iter()
            .map(|s| {
                let names = (
                    format!("{} · {}", s.region_zh, s.matter_zh),
                    format!("{} · {}", s.region_en, s.matter_en),
                );
                let pick = s.clone();
                view! {
                    <tr data-matter=s.matter_code.clone()>
                        <th scope="row">{move || i18n.pick(&names.0, &names.1).to_owned()}</th>
                        <td class="num">{s.received}</td>
                        <td class="num">{s.received_before}</td>
                        <td class="num">{s.unresolved}</td>
                        <td class="num">{s.repeated}</td>
                        <td>{supervisor.then(|| view! {
                            <button class="button small" data-testid="pick-suggestion"
                                on:click=move |_| chosen.set(Some(pick.clone()))>
                                {move || i18n.t(Key::TopicPick)}
                            </button>
                        })}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let table = move |rows: AnyView, testid: &'static str| {
        view! {
            <div class="table-wrap">
                <table class="figures" data-testid=testid>
                    <thead><tr>
                        <th scope="col"></th>
                        <th scope="col" class="num">{move || i18n.t(Key::TopicReceived)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::ReportPrevious)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::TopicUnresolved)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::TopicRepeated)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };
    view! {
        <h2>{move || i18n.t(Key::TopicSuggested)}</h2>
        {move || suggestions.get().map(|result| match result {
            Ok(s) => view! {
                {table(suggestion_rows(s.most).into_any(), "suggestions")}
                <h3>{move || i18n.t(Key::TopicRising)}</h3>
                {table(suggestion_rows(s.rising).into_any(), "rising")}
            }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })}
        {move || chosen.get().map(|s| view! { <NewTopic suggestion=s chosen shown version /> })}
        <h2>{move || i18n.t(Key::TopicsTitle)}</h2>
        {move || topics.get().map(|result| match result {
            Ok(list) => view! {
                <ul class="queue" data-testid="topics">
                    {list.topics.into_iter().map(|t| {
                        let open = t.clone();
                        view! {
                            <li data-topic=t.id.to_string()>
                                <button class="cell-link" on:click=move |_| shown.set(Some(open.clone()))>
                                    {t.month.clone()} " " {t.title.clone()}
                                </button>
                                " · " {t.tickets} " " {move || i18n.t(Key::DrillCount)}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })}
        {move || shown.get().map(|t| view! { <TopicDetail topic=t shown version /> })}
    }
}

/// The form that opens a topic from a suggestion.
#[component]
fn NewTopic(
    suggestion: TopicSuggestion,
    chosen: RwSignal<Option<TopicSuggestion>>,
    shown: RwSignal<Option<Topic>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let title = RwSignal::new(format!("{}{}", suggestion.region_zh, suggestion.matter_zh));
    let lead = RwSignal::new(String::new());
    let helper = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let create = leptos::prelude::Action::new_local(move |request: &NewTopicRequest| {
        let request = request.clone();
        async move {
            match api::create_topic(&request).await {
                Ok(topic) => {
                    error.set(None);
                    chosen.set(None);
                    version.update(|v| *v += 1);
                    shown.set(Some(topic));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let (matter, region) = (
        suggestion.matter_code.clone(),
        suggestion.region_code.clone(),
    );
    let units = move || reference.unit_choices(i18n.locale());
    view! {
        <form class="form" novalidate data-testid="new-topic" on:submit=move |ev| {
            ev.prevent_default();
            let helper = helper.get_untracked();
            create.dispatch(NewTopicRequest {
                month: china_today()[..7].to_owned(),
                title: title.get_untracked(),
                matter_code: matter.clone(),
                region_code: region.clone(),
                lead_unit_code: lead.get_untracked(),
                unit_codes: (!helper.is_empty()).then_some(helper).into_iter().collect(),
            });
        }>
            <h3>{move || i18n.t(Key::TopicNew)}</h3>
            <label>
                <span>{move || i18n.t(Key::TopicName)}</span>
                <input type="text" name="title" maxlength="200" bind:value=title />
            </label>
            <label>
                <span>{move || i18n.t(Key::TopicLead)}</span>
                <select name="lead_unit" bind:value=lead>
                    <option value="">{move || i18n.t(Key::ChooseUnit)}</option>
                    {move || units().into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span>{move || i18n.t(Key::TopicWith)}</span>
                <select name="helper_unit" bind:value=helper>
                    <option value="">{move || i18n.t(Key::ChooseUnit)}</option>
                    {move || units().into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                </select>
            </label>
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            <button class="button primary" type="submit">{move || i18n.t(Key::TopicOpen)}</button>
        </form>
    }
}

/// One topic: its figures, measures and tickets; a measure to log; closing it.
#[component]
fn TopicDetail(
    topic: Topic,
    shown: RwSignal<Option<Topic>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let session = use_session();
    let note = RwSignal::new(String::new());
    let households = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let id = topic.id;
    let done = move |result: Result<Topic, ApiError>| match result {
        Ok(t) => {
            error.set(None);
            note.set(String::new());
            households.set(String::new());
            version.update(|v| *v += 1);
            shown.set(Some(t));
        }
        Err(e) => error.set(Some(e)),
    };
    let measure = leptos::prelude::Action::new_local(move |request: &TopicMeasureRequest| {
        let request = request.clone();
        async move { done(api::topic_measure(id, &request).await) }
    });
    let close = leptos::prelude::Action::new_local(move |request: &CloseTopicRequest| {
        let request = request.clone();
        async move { done(api::close_topic(id, &request).await) }
    });
    let open = topic.closed_at.is_none();
    let supervisor = session.has_any(&[Role::Supervisor]);
    let lead = topic.lead_unit_code.clone();
    let look_back = topic.look_back.clone();
    view! {
        <article class="topic" data-testid="topic">
            <h2>{topic.month.clone()} " " {topic.title.clone()}</h2>
            <p>
                {move || i18n.t(Key::TopicLead)} " " {move || reference.unit(&lead, i18n.locale())}
                {topic.closed_at.map(|at| view! { " · " {move || i18n.t(Key::TopicClosed)} " " {format_time(at)} })}
            </p>
            <dl class="facts" data-testid="topic-figures">
                <dt>{move || i18n.t(Key::StatsTickets)}</dt><dd data-testid="topic-tickets">{topic.tickets}</dd>
                <dt>{move || i18n.t(Key::TopicResolved)}</dt><dd>{topic.resolved}</dd>
                <dt>{move || i18n.t(Key::TopicCommunities)}</dt><dd>{topic.communities}</dd>
                <dt>{move || i18n.t(Key::TopicHouseholds)}</dt><dd>{topic.households}</dd>
                {look_back.map(|b| view! {
                    <dt>{move || i18n.t(Key::TopicLookBack)}</dt>
                    <dd>{b.before} " → " {b.after}</dd>
                })}
            </dl>
            <h3>{move || i18n.t(Key::TopicMeasures)}</h3>
            <ol class="timeline">
                {topic.measures.iter().map(|m| view! {
                    <li>
                        <time>{format_time(m.at)}</time> " " {m.note.clone()}
                        {m.households.map(|h| view! { " (" {h} ")" })}
                    </li>
                }).collect_view()}
            </ol>
            {open.then(|| view! {
                <form class="form" novalidate data-testid="topic-measure" on:submit=move |ev| {
                    ev.prevent_default();
                    measure.dispatch(TopicMeasureRequest {
                        note: note.get_untracked(),
                        households: households.get_untracked().trim().parse().ok(),
                    });
                }>
                    <label>
                        <span>{move || i18n.t(Key::TopicMeasure)}</span>
                        <textarea name="measure" rows="2" maxlength="4000" bind:value=note></textarea>
                    </label>
                    <label>
                        <span>{move || i18n.t(Key::TopicHouseholds)}</span>
                        <input type="number" name="households" min="0" inputmode="numeric" bind:value=households />
                    </label>
                    <button class="button" type="submit">{move || i18n.t(Key::TopicAddMeasure)}</button>
                    {supervisor.then(|| view! {
                        <button class="button" type="button" data-testid="close-topic"
                            on:click=move |_| { close.dispatch(CloseTopicRequest { note: note.get_untracked() }); }>
                            {move || i18n.t(Key::TopicClose)}
                        </button>
                    })}
                </form>
            })}
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            <h3>{move || i18n.t(Key::StatsTickets)}</h3>
            <ul class="queue" data-testid="topic-ticket-list">
                {topic.ticket_list.iter().map(|t| view! {
                    <li data-code=t.tracking_code.clone()>
                        <span class="code">{t.tracking_code.clone()}</span> " "
                        <StatusBadge status=t.status />
                        " " <time>{format_time(t.created_at)}</time>
                    </li>
                }).collect_view()}
            </ul>
        </article>
    }
}
