//! Acting before complaints (未诉先办) under the queues: the weeks ahead in which a
//! matter type rose in a street last year (for a unit, the ones it led), with last
//! year's count and grids, this year's so far and the measures; units and supervisors
//! log a preventive measure against a week. Shown only when there is a notice.

use gridline_core::Role;
use gridline_core::api::advance::{AdvanceNotice, PreventiveMeasure, PreventiveMeasureRequest};
use leptos::prelude::*;

use super::reference::use_reference;
use super::use_session;
use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{Key, use_i18n};

#[component]
pub fn AdvanceBoard() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let listed = LocalResource::new(move || {
        version.track();
        api::advance()
    });
    move || {
        let Some(Ok(list)) = listed.get() else {
            return ().into_any();
        };
        if list.notices.is_empty() {
            return ().into_any();
        }
        let rows = list
            .notices
            .into_iter()
            .map(|notice| view! { <Notice notice version /> })
            .collect_view();
        view! {
            <section class="advance-board" data-testid="advance-board">
                <h2>{move || i18n.t(Key::AdvanceBoard)}</h2>
                <ul class="notices">{rows}</ul>
            </section>
        }
        .into_any()
    }
}

#[component]
fn Notice(notice: AdvanceNotice, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let may_log = use_session().has_any(&[Role::UnitHandler, Role::Supervisor]);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let request = PreventiveMeasureRequest {
        matter_code: notice.matter_code.clone(),
        street_code: notice.street_code.clone(),
        week_from: notice.week_from.clone(),
        note: String::new(),
    };
    let log = Action::new_local(move |request: &PreventiveMeasureRequest| {
        let request = request.clone();
        async move {
            match api::add_preventive_measure(&request).await {
                Ok(()) => {
                    note.set(String::new());
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let form = may_log.then(|| {
        let id = format!(
            "measure-{}-{}-{}",
            notice.matter_code, notice.street_code, notice.week_from
        );
        let label_for = id.clone();
        view! {
            <form class="measure" on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                log.dispatch(PreventiveMeasureRequest { note: note.get_untracked(), ..request.clone() });
            }>
                <label for=label_for>{move || i18n.t(Key::AdvanceMeasure)}</label>
                <textarea id=id rows="2" required maxlength="2000"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <button class="button small" type="submit" disabled=move || log.pending().get()>
                    {move || i18n.t(Key::AdvanceLog)}
                </button>
                {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            </form>
        }
    });
    let (testid_matter, testid_week) = (notice.matter_code.clone(), notice.week_from.clone());
    // One effect draws the notice's text in the current language: fewer reactive parts
    // keep the staff bundle within its budget.
    let facts = move || {
        let t = |key| i18n.t(key);
        let n = &notice;
        let grids = n
            .grids
            .iter()
            .map(|g| format!("{} ({})", g.region_code, g.tickets))
            .collect::<Vec<_>>()
            .join("、");
        let measures = |key, list: &[PreventiveMeasure]| {
            (!list.is_empty()).then(|| {
                let rows = list
                    .iter()
                    .map(|m| {
                        let unit = m
                            .unit_code
                            .as_ref()
                            .map(|u| reference.unit(u, i18n.locale()));
                        let text = match unit {
                            Some(unit) => format!("{unit}：{}", m.note),
                            None => m.note.clone(),
                        };
                        view! { <li>{text}</li> }
                    })
                    .collect_view();
                view! { <h3>{t(key)}</h3> <ul data-testid="measures">{rows}</ul> }
            })
        };
        view! {
            <p class="title">
                <strong>{reference.matter(&n.matter_code, i18n.locale())}</strong>
                " · " {i18n.pick(&n.street_zh, &n.street_en).to_owned()}
            </p>
            <dl class="facts">
                <dt>{t(Key::AdvanceWeekOf)}</dt>
                <dd>{n.week_from.clone()}</dd>
                <dt>{t(Key::AdvanceLastYear)}</dt>
                <dd data-testid="last-year">{n.last_year}</dd>
                <dt>{t(Key::AdvanceThisYear)}</dt>
                <dd>{n.this_year}</dd>
                <dt>{t(Key::AdvanceWhere)}</dt>
                <dd>{grids}</dd>
            </dl>
            {measures(Key::AdvanceMeasures, &n.measures)}
            {measures(Key::AdvanceMeasuresBefore, &n.measures_last_year)}
        }
    };
    view! {
        <li data-matter=testid_matter data-week=testid_week>
            {facts}
            {form}
        </li>
    }
}
