//! Reports (报): the daily report, weekly analysis and monthly bulletin (日报, 周分析,
//! 月通报) of the district or a street, as a page that prints cleanly and as CSV.

use gridline_core::api::stats::{Change, GroupBy, ReportKind, ReportResponse};
use leptos::prelude::*;

use super::{DateField, Drill, DrillDown, Help, RatesTable, ScopeSelect, StatsPage, china_today};
use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::kind::KindSelect;
use crate::i18n::{Key, use_i18n};

const KINDS: [(ReportKind, &str, Key); 3] = [
    (ReportKind::Daily, "daily", Key::ReportDaily),
    (ReportKind::Weekly, "weekly", Key::ReportWeekly),
    (ReportKind::Monthly, "monthly", Key::ReportMonthly),
];

fn kind_key(kind: ReportKind) -> Key {
    KINDS
        .iter()
        .find(|k| k.0 == kind)
        .map_or(Key::ReportDaily, |k| k.2)
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! { <StatsPage title=Key::ReportsTitle untitled_in_print=true><Reports /></StatsPage> }
}

#[component]
fn Reports() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new("daily".to_owned());
    let date = RwSignal::new(china_today());
    let street = RwSignal::new(String::new());
    let request_kind = RwSignal::new(String::new());
    let drill = RwSignal::new(None::<Drill>);
    let query = Memo::new(move |_| {
        api::query_string(&[
            ("kind", &kind.get()),
            ("date", &date.get()),
            ("street", &street.get()),
            ("request_kind", &request_kind.get()),
        ])
    });
    Effect::new(move |_| {
        query.track();
        drill.set(None);
    });
    let report = LocalResource::new(move || {
        let query = query.get();
        async move { api::report(&query).await }
    });
    let kinds = KINDS
        .iter()
        .map(|(_, value, key)| {
            let value = *value;
            view! {
                <button role="tab" class="tab" data-testid=format!("report-{value}")
                    aria-selected=move || (kind.get() == value).to_string()
                    on:click=move |_| kind.set(value.to_owned())>
                    {move || i18n.t(*key)}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="tabs no-print" role="tablist">{kinds}</div>
        <div class="controls no-print">
            <DateField label=Key::ReportDate value=date testid="report-date" />
            <ScopeSelect street />
            <KindSelect value=request_kind />
            <button class="button small" on:click=move |_| {
                if let Some(window) = web_sys::window() {
                    let _ = window.print();
                }
            }>{move || i18n.t(Key::ReportPrint)}</button>
            <a class="button small" data-testid="report-csv" download=""
                href=move || api::report_csv_url(&query.get())>
                {move || i18n.t(Key::ReportCsv)}
            </a>
        </div>
        <Help />
        <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
            {move || report.get().map(|result| match result {
                Ok(report) => view! { <Report report drill /> }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </Transition>
        <DrillDown drill />
    }
}

/// `+3`, `-2`, `0`.
pub fn delta(c: &Change) -> String {
    let d = i128::from(c.current) - i128::from(c.previous);
    if d > 0 {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

#[component]
fn Report(report: ReportResponse, drill: RwSignal<Option<Drill>>) -> impl IntoView {
    let i18n = use_i18n();
    let district = report.area_by == GroupBy::Street;
    let scope = (report.scope_zh.clone(), report.scope_en.clone());
    let received = report.received.clone();
    let matters = report
        .matters
        .iter()
        .map(|m| {
            let names = (m.name_zh.clone(), m.name_en.clone());
            view! {
                <tr data-code=m.code.clone()>
                    <th scope="row">{m.code.clone()} " " {move || i18n.pick(&names.0, &names.1).to_owned()}</th>
                    <td class="num">{m.current}</td>
                    <td class="num">{m.previous}</td>
                    <td class="num">{delta(m)}</td>
                </tr>
            }
        })
        .collect_view();
    let places = report
        .repeat_places
        .iter()
        .map(|p| {
            let names = (p.matter_zh.clone(), p.matter_en.clone());
            let place = if p.address.is_empty() {
                p.region_code.clone().unwrap_or_default()
            } else {
                p.address.clone()
            };
            view! {
                <tr>
                    <th scope="row">{p.matter_code.clone()} " " {move || i18n.pick(&names.0, &names.1).to_owned()}</th>
                    <td>{place}</td>
                    <td class="num">{p.tickets}</td>
                    <td class="codes">{p.codes.join(" ")}</td>
                </tr>
            }
        })
        .collect_view();
    let callers = report
        .repeat_callers
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.phone.clone()}</th>
                    <td>{c.matters.join(" ")}</td>
                    <td class="num">{c.tickets}</td>
                    <td class="codes">{c.codes.join(" ")}</td>
                </tr>
            }
        })
        .collect_view();
    let (no_places, no_callers) = (
        report.repeat_places.is_empty(),
        report.repeat_callers.is_empty(),
    );
    let (from, to) = (report.from.clone(), report.to.clone());
    view! {
        <article class="report" data-testid="report">
            <h2>
                {move || i18n.pick(&scope.0, &scope.1).to_owned()} " "
                {move || i18n.t(kind_key(report.kind))}
                {report.request_kind.map(|k| view! {
                    " · " <span data-testid="report-request-kind">{move || i18n.t(crate::components::kind::kind_key(k))}</span>
                })}
            </h2>
            <p>
                {move || i18n.t(Key::ReportPeriod)} " " {report.from.clone()}
                {(report.last_day != report.from).then(|| format!(" – {}", report.last_day))}
            </p>
            <p data-testid="received">
                {move || i18n.t(Key::ReportReceived)} " " <strong>{received.current}</strong>
                " · " {move || i18n.t(Key::ReportPrevious)} " " {received.previous}
                " · " {move || i18n.t(Key::ChangeDelta)} " " {delta(&received)}
            </p>
            {report.enquiries.map(|answered| view! {
                <p data-testid="enquiries">
                    {move || i18n.t(Key::ReportEnquiries)} " " <strong>{answered.current}</strong>
                    " · " {move || i18n.t(Key::ReportPrevious)} " " {answered.previous}
                </p>
            })}
            <h3>{move || i18n.t(Key::ReportByUnit)}</h3>
            // A unit's tickets in a street's report are not one drill-down group.
            <RatesTable rows=report.units total=report.total.clone() by="unit"
                from=from.clone() to=to.clone() rank_by=None
                drill=district.then_some(drill) heading=Key::StatsUnit />
            <h3>{move || i18n.t(Key::ReportByArea)}</h3>
            <RatesTable rows=report.areas total=report.total by=if district { "street" } else { "community" }
                from to rank_by=None drill=Some(drill) heading=Key::ReportScope />
            <h3>{move || i18n.t(Key::ReportMatters)}</h3>
            <div class="table-wrap">
                <table class="figures" data-testid="matters">
                    <thead><tr>
                        <th scope="col"></th>
                        <th scope="col" class="num">{move || i18n.t(Key::ChangeNow)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::ReportPrevious)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::ChangeDelta)}</th>
                    </tr></thead>
                    <tbody>{matters}</tbody>
                </table>
            </div>
            <h3>{move || i18n.t(Key::ReportRepeatPlaces)}</h3>
            {no_places.then(|| view! { <p>{move || i18n.t(Key::ReportNoRepeats)}</p> })}
            <div class="table-wrap" hidden=no_places>
                <table class="figures" data-testid="repeat-places">
                    <thead><tr>
                        <th scope="col"></th>
                        <th scope="col">{move || i18n.t(Key::ReportPlace)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::ChangeNow)}</th>
                        <th scope="col">{move || i18n.t(Key::ReportCodes)}</th>
                    </tr></thead>
                    <tbody>{places}</tbody>
                </table>
            </div>
            <h3>{move || i18n.t(Key::ReportRepeatCallers)}</h3>
            {no_callers.then(|| view! { <p>{move || i18n.t(Key::ReportNoRepeats)}</p> })}
            <div class="table-wrap" hidden=no_callers>
                <table class="figures" data-testid="repeat-callers">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::ReportPhone)}</th>
                        <th scope="col">{move || i18n.t(Key::MatterType)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::ChangeNow)}</th>
                        <th scope="col">{move || i18n.t(Key::ReportCodes)}</th>
                    </tr></thead>
                    <tbody>{callers}</tbody>
                </table>
            </div>
        </article>
    }
}
