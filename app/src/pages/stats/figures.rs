//! The figures for any period, per unit, street, community, grid or matter type, with
//! the tickets behind each number.

use leptos::prelude::*;

use super::{
    DateField, Drill, DrillDown, Help, RatesTable, StatsPage, china_next_month, china_today,
};
use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{Key, use_i18n};

/// The groupings: the API's `by` and the table's first column.
const GROUPS: [(&str, Key); 5] = [
    ("unit", Key::StatsUnit),
    ("street", Key::Street),
    ("community", Key::Community),
    ("grid", Key::Grid),
    ("matter", Key::MatterType),
];

#[component]
pub fn FiguresPage() -> impl IntoView {
    view! { <StatsPage title=Key::FiguresTitle><Figures /></StatsPage> }
}

#[component]
fn Figures() -> impl IntoView {
    let i18n = use_i18n();
    let by = RwSignal::new("unit");
    // This month, as the server has it by default.
    let from = RwSignal::new(format!("{}-01", &china_today()[..7]));
    let to = RwSignal::new(china_next_month());
    let drill = RwSignal::new(None::<Drill>);
    let figures = LocalResource::new(move || {
        let query =
            api::query_string(&[("by", by.get()), ("from", &from.get()), ("to", &to.get())]);
        async move { api::rates(&query).await }
    });
    let groups = GROUPS
        .iter()
        .map(|(value, key)| view! { <option value=*value>{move || i18n.t(*key)}</option> })
        .collect_view();
    // Another period: the list below belongs to the old one.
    Effect::new(move |_| {
        from.track();
        to.track();
        drill.set(None);
    });
    view! {
        <p class="lead">{move || i18n.t(Key::FiguresIntro)}</p>
        <div class="controls no-print">
            <label>
                <span>{move || i18n.t(Key::GroupBy)}</span>
                <select data-testid="group-by" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some((v, _)) = GROUPS.iter().find(|(v, _)| *v == value) {
                        drill.set(None);
                        by.set(v);
                    }
                }>{groups}</select>
            </label>
            <DateField label=Key::HotspotsFrom value=from testid="figures-from" />
            <DateField label=Key::HotspotsTo value=to testid="figures-to" />
        </div>
        <Help />
        <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
            {move || figures.get().map(|result| match result {
                Ok(r) => {
                    let by = by.get_untracked();
                    let heading = GROUPS.iter().find(|(v, _)| *v == by).map_or(Key::StatsUnit, |g| g.1);
                    view! {
                        <RatesTable rows=r.rows total=r.total by from=r.from to=r.to
                            rank_by=None drill=Some(drill) heading />
                    }.into_any()
                }
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </Transition>
        <DrillDown drill />
    }
}
