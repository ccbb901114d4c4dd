//! Hotspots: tickets received per grid against the period of the same length before,
//! drawn as the grids' outlines (SVG from the server, no map tiles), and the matter
//! types rising most.

use gridline_core::api::stats::{GridHeat, HotspotsResponse};
use leptos::prelude::*;

use super::reports::delta;
use super::{DateField, ScopeSelect, StatsPage, china_day};
use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{Key, use_i18n};

#[component]
pub fn HotspotsPage() -> impl IntoView {
    view! { <StatsPage title=Key::HotspotsTitle><Hotspots /></StatsPage> }
}

#[component]
fn Hotspots() -> impl IntoView {
    let i18n = use_i18n();
    // The last 30 days, as the server has it by default.
    let from = RwSignal::new(china_day(-29));
    let to = RwSignal::new(china_day(1));
    let street = RwSignal::new(String::new());
    let hotspots = LocalResource::new(move || {
        let query = api::query_string(&[
            ("from", &from.get()),
            ("to", &to.get()),
            ("street", &street.get()),
        ]);
        async move { api::hotspots(&query).await }
    });
    view! {
        <p class="lead">{move || i18n.t(Key::HotspotsIntro)}</p>
        <div class="controls">
            <DateField label=Key::HotspotsFrom value=from testid="hotspots-from" />
            <DateField label=Key::HotspotsTo value=to testid="hotspots-to" />
            <ScopeSelect street />
        </div>
        <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
            {move || hotspots.get().map(|result| match result {
                Ok(h) => view! { <Heat hotspots=h /> }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </Transition>
    }
}

/// White to deep red by share of the busiest grid.
fn heat_colour(count: u64, max: u64) -> String {
    let share = if max == 0 {
        0.0
    } else {
        count as f64 / max as f64
    };
    format!("hsl(4, 80%, {:.0}%)", 97.0 - share * 55.0)
}

#[component]
fn Heat(hotspots: HotspotsResponse) -> impl IntoView {
    let i18n = use_i18n();
    let max = hotspots
        .grids
        .iter()
        .map(|g| g.change.current)
        .max()
        .unwrap_or(0);
    let grid = move |g: &GridHeat| {
        let names = (g.change.name_zh.clone(), g.change.name_en.clone());
        let (current, previous) = (g.change.current, g.change.previous);
        view! {
            <path d=g.path.clone() fill=heat_colour(current, max) fill-rule="evenodd"
                data-code=g.change.code.clone() data-count=current.to_string()>
                <title>
                    {move || i18n.pick(&names.0, &names.1).to_owned()} ": " {current}
                    " (" {move || i18n.t(Key::ReportPrevious)} " " {previous} ")"
                </title>
            </path>
        }
    };
    let shapes = hotspots
        .grids
        .iter()
        .filter(|g| !g.path.is_empty())
        .map(grid)
        .collect_view();
    let mut busiest: Vec<GridHeat> = hotspots.grids.clone();
    busiest.sort_by(|a, b| {
        b.change
            .current
            .cmp(&a.change.current)
            .then(a.change.code.cmp(&b.change.code))
    });
    busiest.truncate(10);
    let change_row =
        move |code: String, names: (String, String), c: gridline_core::api::stats::Change| {
            view! {
                <tr data-code=code>
                    <th scope="row">{move || i18n.pick(&names.0, &names.1).to_owned()}</th>
                    <td class="num">{c.current}</td>
                    <td class="num">{c.previous}</td>
                    <td class="num">{delta(&c)}</td>
                </tr>
            }
        };
    let grid_rows = busiest
        .into_iter()
        .filter(|g| g.change.current > 0)
        .map(|g| {
            let names = (g.change.name_zh.clone(), g.change.name_en.clone());
            change_row(g.change.code.clone(), names, g.change)
        })
        .collect_view();
    let rising_empty = hotspots.rising.is_empty();
    let rising = hotspots
        .rising
        .into_iter()
        .map(|m| {
            let names = (
                format!("{} {}", m.code, m.name_zh),
                format!("{} {}", m.code, m.name_en),
            );
            change_row(m.code.clone(), names, m)
        })
        .collect_view();
    let head = move || {
        view! {
            <thead><tr>
                <th scope="col"></th>
                <th scope="col" class="num">{move || i18n.t(Key::ChangeNow)}</th>
                <th scope="col" class="num">{move || i18n.t(Key::ReportPrevious)}</th>
                <th scope="col" class="num">{move || i18n.t(Key::ChangeDelta)}</th>
            </tr></thead>
        }
    };
    view! {
        <p data-testid="hotspots-total">
            {hotspots.from.clone()} " – " {hotspots.to.clone()} ": "
            {move || i18n.t(Key::ReportReceived)} " " <strong>{hotspots.total.current}</strong>
            " · " {move || i18n.t(Key::ReportPrevious)} " " {hotspots.total.previous}
        </p>
        <svg class="heat" viewBox=hotspots.view_box.clone() role="img" data-testid="heat"
            aria-label=move || i18n.t(Key::HotspotsTitle)>
            {shapes}
        </svg>
        <p class="legend">
            <span class="swatch" style:background=heat_colour(0, 1)></span> "0 "
            <span class="swatch" style:background=heat_colour(1, 1)></span> {format!(" {max}")}
        </p>
        <h2>{move || i18n.t(Key::HotspotsRising)}</h2>
        {if rising_empty {
            view! { <p class="empty">{move || i18n.t(Key::HotspotsNoRise)}</p> }.into_any()
        } else {
            view! { <div class="table-wrap"><table class="figures" data-testid="rising">{head()}<tbody>{rising}</tbody></table></div> }.into_any()
        }}
        <h2>{move || i18n.t(Key::HotspotsGrids)}</h2>
        <div class="table-wrap"><table class="figures" data-testid="busiest">{head()}<tbody>{grid_rows}</tbody></table></div>
    }
}
