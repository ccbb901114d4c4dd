//! The statistics app's pages (评 and 报) for supervisors, dispatchers and admins: the
//! monthly ranking of units with their 12-month sparklines and the tickets behind any
//! number (drill-down) here; the reports and hotspots pages share its table and
//! drill-down.

pub mod figures;
pub mod hotspots;
pub mod reports;
pub mod topics;

use gridline_core::Role;
use gridline_core::api::stats::{RatedTicket, RatesRow};
use gridline_core::stats::{Measure, RateCounts, Rates};
use gridline_core::ticket::Satisfaction;
use leptos::prelude::*;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::ticket::format_time;
use crate::i18n::{Key, use_i18n};
use crate::pages::staff::RequireRole;
use crate::pages::staff::reference::use_reference;

/// Who reads the figures (the server checks the same).
pub const STATS_ROLES: &[Role] = &[Role::Supervisor, Role::Dispatcher, Role::Admin];

/// The four rates a ranking can be ordered by.
const RATES: [Measure; 4] = [
    Measure::Response,
    Measure::OnTime,
    Measure::Resolution,
    Measure::Satisfaction,
];

pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

fn rate_of(rates: &Rates, measure: Measure) -> Option<f64> {
    match measure {
        Measure::Response => rates.response,
        Measure::OnTime => rates.on_time,
        Measure::Resolution => rates.resolution,
        Measure::Satisfaction => rates.satisfaction,
        _ => None,
    }
}

fn measure_key(measure: Measure) -> Key {
    match measure {
        Measure::Tickets => Key::StatsTickets,
        Measure::Response => Key::StatsResponse,
        Measure::OnTime => Key::StatsOnTime,
        Measure::Resolution => Key::StatsResolution,
        Measure::Satisfaction => Key::StatsSatisfaction,
        Measure::Reopens => Key::StatsReopens,
        Measure::ReturnsApproved => Key::StatsReturnsApproved,
        Measure::ReturnsRejected => Key::StatsReturnsRejected,
    }
}

/// Today in China time as `YYYY-MM-DD` (the device's clock).
pub fn china_today() -> String {
    china_day(0)
}

/// The first day of next month in China time, as `YYYY-MM-DD`.
pub fn china_next_month() -> String {
    let today = china_today();
    let (year, month) = (
        today[..4].parse::<u32>().unwrap_or(2026),
        today[5..7].parse::<u32>().unwrap_or(1),
    );
    if month == 12 {
        format!("{:04}-01-01", year + 1)
    } else {
        format!("{year:04}-{:02}-01", month + 1)
    }
}

/// The day `days` from today in China time, as `YYYY-MM-DD`.
pub fn china_day(days: i32) -> String {
    let now = js_sys::Date::new_0();
    let shifted = now.get_time() + 8.0 * 3_600_000.0 + f64::from(days) * 86_400_000.0;
    let china = js_sys::Date::new(&shifted.into());
    format!(
        "{:04}-{:02}-{:02}",
        china.get_utc_full_year(),
        china.get_utc_month() + 1,
        china.get_utc_date()
    )
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! { <StatsPage title=Key::StatsTitle><Dashboard /></StatsPage> }
}

/// A statistics page: its title, and its content for those who read the figures.
#[component]
pub fn StatsPage(
    title: Key,
    /// The title is left out of the printed page (a report titles itself).
    #[prop(optional)]
    untitled_in_print: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page stats">
            <h1 class:no-print=untitled_in_print>{move || i18n.t(title)}</h1>
            <RequireRole roles=STATS_ROLES>{children()}</RequireRole>
        </section>
    }
}

#[component]
fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let month = RwSignal::new(china_today()[..7].to_owned());
    let rank_by = RwSignal::new(Measure::OnTime);
    let drill = RwSignal::new(None::<Drill>);
    let ranking = LocalResource::new(move || {
        let month = month.get();
        async move { api::ranking(&month).await }
    });
    // The sparklines come apart: they read a year of tickets, the ranking one month.
    let trends = RwSignal::new(Trends::new());
    let trend = LocalResource::new(move || {
        let month = month.get();
        async move { api::trend(&month).await }
    });
    Effect::new(move |_| {
        let loaded = trend.get().and_then(Result::ok).map(|t| {
            let mut map: Trends = t.rows.into_iter().map(|r| (r.code, r.rates)).collect();
            map.insert(t.total.code, t.total.rates);
            map
        });
        trends.set(loaded.unwrap_or_default());
    });
    let options = RATES
        .iter()
        .map(|m| {
            view! { <option value=m.as_str() selected=*m == Measure::OnTime>{move || i18n.t(measure_key(*m))}</option> }
        })
        .collect_view();
    view! {
        <p class="lead">{move || i18n.t(Key::StatsIntro)}</p>
        <div class="controls no-print">
            <label>
                <span>{move || i18n.t(Key::StatsMonth)}</span>
                <input type="month" data-testid="month" prop:value=month
                    on:change=move |ev| { drill.set(None); month.set(event_target_value(&ev)); } />
            </label>
            <label>
                <span>{move || i18n.t(Key::StatsRankBy)}</span>
                <select data-testid="rank-by" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some(m) = RATES.into_iter().find(|m| m.as_str() == value) {
                        rank_by.set(m);
                    }
                }>{options}</select>
            </label>
        </div>
        <Help />
        <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
            {move || ranking.get().map(|result| match result {
                Ok(r) if r.rows.is_empty() => {
                    view! { <p class="empty" data-testid="ranking-empty">{move || i18n.t(Key::StatsNone)}</p> }.into_any()
                }
                Ok(r) => view! {
                    <RatesTable rows=r.rows total=r.total by="unit" from=r.from to=r.to
                        rank_by=Some(rank_by) trends=trends drill=Some(drill) heading=Key::StatsUnit />
                }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </Transition>
        <DrillDown drill />
    }
}

/// The formulas, as docs/evaluation.md has them.
#[component]
pub fn Help() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="help no-print">
            <summary>{move || i18n.t(Key::StatsHow)}</summary>
            <p>{move || i18n.t(Key::StatsFormulas)}</p>
        </details>
    }
}

/// The tickets behind one number.
#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    pub by: &'static str,
    pub code: String,
    pub name: String,
    pub measure: Measure,
    pub from: String,
    pub to: String,
}

/// Highest first; "—" last; then more tickets first, then by code.
fn ranked(mut rows: Vec<RatesRow>, by: Measure) -> Vec<RatesRow> {
    rows.sort_by(|a, b| {
        let (x, y) = (rate_of(&a.rates, by), rate_of(&b.rates, by));
        y.partial_cmp(&x)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.counts.tickets.cmp(&a.counts.tickets))
            .then(a.code.cmp(&b.code))
    });
    rows
}

/// Each group's rates in the 12 months, by code (`*`: the total).
pub type Trends = std::collections::HashMap<String, Vec<Rates>>;

/// A table of figures per group and their total. With `rank_by`, ranked with a rank
/// and a sparkline column (drawn when `trends` has the group); with `drill`, every
/// number opens the tickets behind it.
#[component]
pub fn RatesTable(
    rows: Vec<RatesRow>,
    total: RatesRow,
    by: &'static str,
    from: String,
    to: String,
    rank_by: Option<RwSignal<Measure>>,
    #[prop(optional)] trends: Option<RwSignal<Trends>>,
    drill: Option<RwSignal<Option<Drill>>>,
    heading: Key,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = StoredValue::new(rows);
    let total = StoredValue::new(total);
    let period = StoredValue::new((from, to));
    let line = move |row: RatesRow, rank: Option<usize>, sort: Option<Measure>| {
        let name = i18n.pick(&row.name_zh, &row.name_en).to_owned();
        let name = if name.is_empty() {
            row.code.clone()
        } else {
            name
        };
        let cell = |measure: Measure, text: String| {
            let (from, to) = period.get_value();
            let target = Drill {
                by,
                code: row.code.clone(),
                name: name.clone(),
                measure,
                from,
                to,
            };
            match drill {
                Some(drill) => view! {
                    <td class="num">
                        <button class="cell-link" data-measure=measure.as_str()
                            on:click=move |_| drill.set(Some(target.clone()))>{text}</button>
                    </td>
                }
                .into_any(),
                None => view! { <td class="num">{text}</td> }.into_any(),
            }
        };
        let c = row.counts;
        view! {
            <tr data-code=row.code.clone()>
                {rank.map(|n| view! { <td class="num">{n}</td> })}
                <th scope="row">{name.clone()}</th>
                {cell(Measure::Tickets, c.tickets.to_string())}
                {RATES.map(|m| cell(m, percent(rate_of(&row.rates, m)))).into_iter().collect_view()}
                {cell(Measure::Reopens, c.reopens.to_string())}
                {cell(Measure::ReturnsApproved, c.returns_approved.to_string())}
                {cell(Measure::ReturnsRejected, c.returns_rejected.to_string())}
                {sort.map(|m| {
                    let code = row.code.clone();
                    let months = move || {
                        trends.and_then(|t| t.with(|map| map.get(&code).cloned()))
                    };
                    view! {
                        <td>{move || months().map(|rates| view! {
                            <Sparkline values=rates.iter().map(|r| rate_of(r, m)).collect() />
                        })}</td>
                    }
                })}
            </tr>
        }
    };
    let header = move || {
        let sort = rank_by.map(|s| s.get());
        view! {
            <tr>
                {sort.map(|_| view! { <th scope="col">{move || i18n.t(Key::StatsRank)}</th> })}
                <th scope="col">{move || i18n.t(heading)}</th>
                <th scope="col" class="num">{move || i18n.t(Key::StatsTickets)}</th>
                {RATES.map(|m| view! { <th scope="col" class="num">{move || i18n.t(measure_key(m))}</th> }).into_iter().collect_view()}
                <th scope="col" class="num">{move || i18n.t(Key::StatsReopens)}</th>
                <th scope="col" class="num">{move || i18n.t(Key::StatsReturnsApproved)}</th>
                <th scope="col" class="num">{move || i18n.t(Key::StatsReturnsRejected)}</th>
                {sort.map(|m| view! {
                    <th scope="col">{move || i18n.t(Key::StatsTrend)} " · " {move || i18n.t(measure_key(m))}</th>
                })}
            </tr>
        }
    };
    let body = move || {
        let sort = rank_by.map(|s| s.get());
        let rows = rows.get_value();
        let rows = match sort {
            Some(m) => ranked(rows, m),
            None => rows,
        };
        rows.into_iter()
            .enumerate()
            .map(|(i, row)| line(row, sort.map(|_| i + 1), sort))
            .collect_view()
    };
    let foot = move || {
        let sort = rank_by.map(|s| s.get());
        let mut total = total.get_value();
        total.name_zh = i18n.t(Key::StatsTotal).to_owned();
        total.name_en = total.name_zh.clone();
        view! {
            {sort.map(|_| view! { <td></td> })}
            {line(total, None, sort)}
        }
    };
    view! {
        <div class="table-wrap">
            <table class="figures" data-testid=format!("figures-{by}")>
                <thead>{header}</thead>
                <tbody>{body}</tbody>
                <tfoot>{foot}</tfoot>
            </table>
        </div>
    }
}

/// Twelve monthly rates as a line (gaps where nothing counted).
#[component]
fn Sparkline(values: Vec<Option<f64>>) -> impl IntoView {
    let mut d = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(r) => {
                let (x, y) = (i as f64 * 10.0 + 2.0, 22.0 - r * 20.0);
                d.push_str(&format!(
                    "{}{x:.1} {y:.1} ",
                    if pen_down { "L" } else { "M" }
                ));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let last = values.iter().rev().find_map(|v| *v);
    let label = values
        .iter()
        .map(|v| percent(*v))
        .collect::<Vec<_>>()
        .join(" ");
    let title = label.clone();
    view! {
        <svg class="sparkline" viewBox="0 0 114 24" width="114" height="24" role="img" aria-label=label>
            <title>{title}</title>
            <line x1="0" y1="22" x2="114" y2="22" class="axis" />
            <path d=d class="trend" />
            {last.map(|r| view! { <circle cx="112" cy=format!("{:.1}", 22.0 - r * 20.0) r="2" /> })}
        </svg>
    }
}

/// What one ticket's counts say of it, for the drill-down list (a ticket listed for
/// its return decisions says only those).
fn outcome(c: &RateCounts, satisfaction: Option<Satisfaction>) -> Vec<Key> {
    let mut keys = Vec::new();
    if c.tickets == 0 {
        if c.returns_approved > 0 {
            keys.push(Key::StatsReturnsApproved);
        }
        if c.returns_rejected > 0 {
            keys.push(Key::StatsReturnsRejected);
        }
        return keys;
    }
    if c.responded_in_time > 0 {
        keys.push(Key::OutRespondedInTime);
    } else if c.responded_late > 0 {
        keys.push(Key::OutRespondedLate);
    } else if c.not_responded > 0 {
        keys.push(Key::OutNotResponded);
    }
    keys.push(if c.resolved_on_time > 0 {
        Key::OutResolvedOnTime
    } else if c.resolved_late > 0 {
        Key::OutResolvedLate
    } else if c.open_overdue > 0 {
        Key::OutOpenOverdue
    } else {
        Key::OutNotDue
    });
    keys.extend(satisfaction.map(|s| match s {
        Satisfaction::Satisfied => Key::Satisfied,
        Satisfaction::BasicallySatisfied => Key::BasicallySatisfied,
        Satisfaction::Dissatisfied => Key::Dissatisfied,
    }));
    if c.reopens > 0 {
        keys.push(Key::StatsReopens);
    }
    keys
}

/// The tickets behind the number chosen in a table, exactly those it counts.
#[component]
pub fn DrillDown(drill: RwSignal<Option<Drill>>) -> impl IntoView {
    let i18n = use_i18n();
    let listed = LocalResource::new(move || {
        let target = drill.get();
        async move {
            let target = target?;
            let query = api::query_string(&[
                ("by", target.by),
                ("code", &target.code),
                ("from", &target.from),
                ("to", &target.to),
                ("measure", target.measure.as_str()),
            ]);
            Some(api::rated_tickets(&query).await)
        }
    });
    move || {
        let target = drill.get()?;
        Some(view! {
            <section class="drill-down" data-testid="drill-down" aria-live="polite">
                <h2>
                    {target.name.clone()} " · " {move || i18n.t(measure_key(target.measure))}
                    " · " {move || i18n.t(Key::DrillTitle)}
                </h2>
                <button class="button small no-print" on:click=move |_| drill.set(None)>
                    {move || i18n.t(Key::DrillClose)}
                </button>
                <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
                    {move || listed.get().flatten().map(|result| match result {
                        Ok(list) => {
                            let count = list.count;
                            let truncated = list.truncated;
                            let rows = list.tickets.into_iter().map(|t| view! { <DrillRow ticket=t /> }).collect_view();
                            view! {
                                <p data-testid="drill-count" data-count=count.to_string()>
                                    {count} " " {move || i18n.t(Key::DrillCount)}
                                </p>
                                {truncated.then(|| view! { <p class="notice">{move || i18n.t(Key::DrillTruncated)}</p> })}
                                <ul class="queue">{rows}</ul>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    })}
                </Transition>
            </section>
        })
    }
}

#[component]
fn DrillRow(ticket: RatedTicket) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    // The ticket's page is in the staff app: a page load, not a route of this one.
    let href = format!("/staff/tickets/{}", ticket.tracking_code);
    let matter = ticket.matter_code.clone();
    let unit = ticket.lead_unit_code.clone();
    let due = ticket.handling_due.map(format_time);
    let labels = outcome(&ticket.counts, ticket.satisfaction)
        .into_iter()
        .map(|k| view! { <span class="badge">{move || i18n.t(k)}</span> })
        .collect_view();
    let code = ticket.tracking_code;
    let data_code = code.clone();
    view! {
        <li class="queue-row" data-code=data_code>
            <a href=href rel="external">
                <span class="code">{code}</span>
                {labels}
                <span class="matter">{move || reference.matter(&matter, i18n.locale())}</span>
                <span class="unit">{move || reference.unit(&unit, i18n.locale())}</span>
                {due.map(|due| view! {
                    <span class="due">{move || i18n.t(Key::HandlingDue)} " " {due.clone()}</span>
                })}
            </a>
        </li>
    }
}

/// A labelled date input bound to `value` (`YYYY-MM-DD`).
#[component]
pub fn DateField(label: Key, value: RwSignal<String>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            <span>{move || i18n.t(label)}</span>
            <input type="date" data-testid=testid prop:value=value
                on:change=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

/// The district or one of its streets (the value is the street's code, empty for the
/// district).
#[component]
pub fn ScopeSelect(street: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let regions = LocalResource::new(api::regions);
    let streets = move || {
        regions.get().and_then(Result::ok).map(|r| {
            r.regions
                .into_iter()
                .filter(|r| r.level == gridline_core::api::reference::RegionLevel::Street)
                .map(|r| {
                    let code = r.code.clone();
                    view! {
                        <option value=r.code.clone() selected=move || street.get() == code>
                            {move || i18n.pick(&r.name_zh, &r.name_en).to_owned()}
                        </option>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <label>
            <span>{move || i18n.t(Key::ReportScope)}</span>
            <select data-testid="scope" on:change=move |ev| street.set(event_target_value(&ev))>
                <option value="">{move || i18n.t(Key::ReportDistrict)}</option>
                {streets}
            </select>
        </label>
    }
}
