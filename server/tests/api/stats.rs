//! The evaluation figures from the database equal the published formulas on a
//! hand-made history: open tickets past their deadline count against the on-time rate,
//! a ticket counts in the period of its handling deadline (its first instant in, the
//! next period's first instant out), and every grouping adds up to the same total.

use gridline_core::Role;
use gridline_core::api::stats::{
    GroupBy, HotspotsResponse, RankingResponse, RatedTicketsResponse, RatesResponse,
    ReportResponse, TrendResponse,
};
use gridline_core::stats::{Measure, RateCounts, Rates, TicketFacts};
use gridline_core::ticket::Satisfaction;
use gridline_server::tickets::store::{NewEvent, TicketRecord, TicketVersion};
use serde_json::json;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::helpers::{TestApp, expect_error, load_demo, sign_in_as};

/// A ticket of `unit` in `grid` due at `due`, made from a filed one.
fn made(
    template: &TicketRecord,
    n: u32,
    unit: &str,
    grid: &str,
    due: OffsetDateTime,
) -> TicketRecord {
    TicketRecord {
        id: 0,
        tracking_code: format!("HIST{n:04}"),
        client_id: None,
        lead_unit_code: Some(unit.into()),
        region_code: Some(grid.into()),
        created_at: due - time::Duration::days(7),
        dispatched_at: Some(due - time::Duration::days(7)),
        response_due: Some(due - time::Duration::days(6)),
        handling_due: Some(due),
        responded_at: None,
        resolved_at: None,
        closed_at: None,
        satisfaction: None,
        reopen_count: 0,
        ..template.clone()
    }
}

fn unit_event(at: OffsetDateTime, kind: &str, unit: &str) -> NewEvent {
    NewEvent {
        unit_code: Some(unit.into()),
        ..event(at, kind)
    }
}

fn event(at: OffsetDateTime, kind: &str) -> NewEvent {
    NewEvent {
        at,
        kind: kind.into(),
        staff_id: None,
        unit_code: None,
        public: false,
        note: String::new(),
        media: Vec::new(),
    }
}

async fn rates(app: &TestApp, query: &str) -> RatesResponse {
    let response = app.get(&format!("/api/v1/stats/rates?{query}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn figures_follow_the_formulas(app: &TestApp) {
    load_demo(app).await;
    let filed = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&json!({"matter_code": "0201", "description": "路灯", "region_code": "D01-S01-C01-G02"}))
        .send()
        .await
        .unwrap();
    let code = filed.json::<serde_json::Value>().await.unwrap()["tracking_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let template = app.store.ticket_by_code(&code).await.unwrap().unwrap();

    let start = datetime!(2026-10-01 00:00 +08:00);
    let end = datetime!(2026-11-01 00:00 +08:00);
    let mid = datetime!(2026-10-15 18:00 +08:00);
    let g = "D01-S01-C01-G02";
    let in_time = |t: OffsetDateTime| t - time::Duration::hours(1);
    let late = |t: OffsetDateTime| t + time::Duration::hours(1);
    let mut history = Vec::new();
    // 1: responded and resolved in time, satisfied.
    let mut t = made(&template, 1, "U-CM", g, mid);
    t.responded_at = Some(in_time(t.response_due.unwrap()));
    t.resolved_at = Some(in_time(mid));
    t.satisfaction = Some(Satisfaction::Satisfied);
    history.push((t, vec![]));
    // 2: responded and resolved late, basically satisfied.
    let mut t = made(&template, 2, "U-CM", g, mid);
    t.responded_at = Some(late(t.response_due.unwrap()));
    t.resolved_at = Some(late(mid));
    t.satisfaction = Some(Satisfaction::BasicallySatisfied);
    history.push((t, vec![]));
    // 3: never responded, open past its deadline, reopened once; U-C0201 had it
    // first and handed it back (approved in October: U-C0201's return, not U-CM's).
    let mut t = made(&template, 3, "U-CM", g, mid);
    t.reopen_count = 1;
    history.push((
        t,
        vec![
            unit_event(mid - time::Duration::days(9), "request_return", "U-C0201"),
            unit_event(mid - time::Duration::days(8), "approve_return", "U-CM"),
        ],
    ));
    // 4: due at the period's first instant (in), resolved exactly at the deadline.
    let mut t = made(&template, 4, "U-CM", "D01-S02-C01-G01", start);
    t.responded_at = t.response_due;
    t.resolved_at = Some(start);
    history.push((t, vec![]));
    // 5: due at the next period's first instant: November's, not October's.
    let t = made(&template, 5, "U-CM", g, end);
    history.push((t, vec![]));
    // 6: another unit, dissatisfied. U-CM asked to hand it back twice: rejected in
    // October, rejected again in November (not October's); a third request of U-C0201
    // is not decided yet (counts nowhere).
    let mut t = made(&template, 6, "U-C0201", "D01-S02-C01-G01", mid);
    t.responded_at = Some(in_time(t.response_due.unwrap()));
    t.resolved_at = Some(in_time(mid));
    t.satisfaction = Some(Satisfaction::Dissatisfied);
    history.push((
        t,
        vec![
            unit_event(mid - time::Duration::days(2), "request_return", "U-CM"),
            event(mid - time::Duration::days(1), "reject_return"),
            unit_event(end, "request_return", "U-CM"),
            event(end + time::Duration::hours(1), "reject_return"),
            unit_event(end + time::Duration::days(1), "request_return", "U-C0201"),
        ],
    ));
    // 7 and 8: due in January 2027, not yet due; 8 already responded and resolved.
    let january = datetime!(2027-01-20 18:00 +08:00);
    history.push((made(&template, 7, "U-CM", g, january), vec![]));
    let mut t = made(&template, 8, "U-CM", g, january);
    t.responded_at = Some(OffsetDateTime::now_utc() - time::Duration::hours(2));
    t.resolved_at = Some(OffsetDateTime::now_utc() - time::Duration::hours(1));
    history.push((t, vec![]));
    for (ticket, extra) in &history {
        let mut events = vec![event(ticket.created_at, "received")];
        events.extend(extra.iter().cloned());
        // Filed, then saved with its history (filing writes no outcome).
        app.store.create_ticket(ticket, &events, &[]).await.unwrap();
        let stored = app
            .store
            .ticket_by_code(&ticket.tracking_code)
            .await
            .unwrap()
            .unwrap();
        let outcome = TicketRecord {
            id: stored.id,
            ..ticket.clone()
        };
        let history = event(ticket.created_at, "history");
        let version = TicketVersion::of(&stored);
        let saved = app.store.save_ticket(&outcome, &version, &history, &[]);
        assert!(saved.await.unwrap(), "{}", ticket.tracking_code);
    }

    // Only supervisors, dispatchers and admins read them.
    sign_in_as(app, Role::UnitHandler).await;
    expect_error(app.get("/api/v1/stats/rates").await, 403, "forbidden").await;
    sign_in_as(app, Role::Supervisor).await;

    let october = rates(app, "by=unit&from=2026-10-01&to=2026-11-01").await;
    let cm = october.rows.iter().find(|r| r.code == "U-CM").unwrap();
    assert_eq!(cm.name_zh, "城市管理局");
    assert_eq!(cm.counts.tickets, 4, "ticket 5 counts in November");
    assert_eq!(
        (
            cm.counts.resolved_on_time,
            cm.counts.resolved_late,
            cm.counts.open_overdue
        ),
        (2, 1, 1)
    );
    assert_eq!(
        cm.rates.on_time,
        Some(0.5),
        "2 on time of 3 resolved + 1 open past due"
    );
    assert_eq!(cm.rates.resolution, Some(0.75));
    assert_eq!(
        cm.rates.response,
        Some(0.5),
        "1 and 4 in time; 2 late; 3 never"
    );
    assert_eq!(
        cm.rates.satisfaction,
        Some(1.0),
        "basically satisfied is satisfied"
    );
    // Returns count for the unit that asked, when decided: U-CM's October holds the
    // rejection of its request on ticket 6, not the approved return of ticket 3 (asked
    // by U-C0201) that it now leads.
    assert_eq!(
        (
            cm.counts.reopens,
            cm.counts.returns_approved,
            cm.counts.returns_rejected
        ),
        (1, 0, 1)
    );
    let other = october.rows.iter().find(|r| r.code == "U-C0201").unwrap();
    assert_eq!(other.rates.satisfaction, Some(0.0));
    assert_eq!(
        (other.counts.returns_approved, other.counts.returns_rejected),
        (1, 0)
    );
    assert_eq!(october.total.counts.tickets, 5);

    // The database says what the formulas say of the same tickets, one by one.
    let now = OffsetDateTime::now_utc();
    let mut by_hand = RateCounts::default();
    for (t, _) in history
        .iter()
        .filter(|(t, _)| t.handling_due.unwrap() < end && t.handling_due.unwrap() >= start)
    {
        by_hand.add(&RateCounts::of(
            &TicketFacts {
                response_due: t.response_due,
                responded_at: t.responded_at,
                handling_due: t.handling_due,
                resolved_at: t.resolved_at,
                satisfaction: t.satisfaction,
                reopen_count: t.reopen_count,
            },
            now,
        ));
    }
    // And each return decided in October, for whoever asked.
    for (_, extra) in &history {
        for decision in extra.iter().filter(|e| e.at >= start && e.at < end) {
            match decision.kind.as_str() {
                "approve_return" => by_hand.add(&RateCounts::of_return(true)),
                "reject_return" => by_hand.add(&RateCounts::of_return(false)),
                _ => {}
            }
        }
    }
    assert_eq!(october.total.counts, by_hand);
    let november = rates(app, "by=unit&from=2026-11-01&to=2026-12-01").await;
    let cm_november = november.rows.iter().find(|r| r.code == "U-CM").unwrap();
    assert_eq!(cm_november.counts.returns_rejected, 1);

    // Every grouping adds up to the same total; streets and grids from the regions.
    for by in ["street", "community", "grid", "matter"] {
        let grouped = rates(app, &format!("by={by}&from=2026-10-01&to=2026-11-01")).await;
        let mut sum = RateCounts::default();
        for row in &grouped.rows {
            sum.add(&row.counts);
        }
        assert_eq!(sum, october.total.counts, "{by}");
    }
    let streets = rates(app, "by=street&from=2026-10-01&to=2026-11-01").await;
    let codes: Vec<&str> = streets.rows.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["D01-S01", "D01-S02"]);
    assert_eq!(streets.rows[0].counts.tickets, 3);

    // November holds ticket 5 (due at its first instant) and the one filed today.
    let november = rates(app, "from=2026-11-01&to=2026-12-01").await;
    assert!(november.total.counts.tickets >= 1);
    for bad in [
        "from=2026-13-01",
        "from=2026-11-01&to=2026-10-01",
        "from=2020-01-01&to=2026-01-01",
        "by=planet",
    ] {
        let r = app.get(&format!("/api/v1/stats/rates?{bad}")).await;
        assert!(
            matches!(r.status().as_u16(), 400 | 422),
            "{bad}: {}",
            r.status()
        );
    }

    drill_downs_list_exactly_the_tickets_counted(app).await;
    the_ranking_has_a_year_of_trend(app, &october).await;
    hotspots_compare_with_the_period_before(app).await;
    reports_as_page_and_csv(app, &october).await;
    sign_in_as(app, Role::UnitHandler).await;
    for path in ["ranking", "tickets", "hotspots", "report", "report.csv"] {
        expect_error(
            app.get(&format!("/api/v1/stats/{path}")).await,
            403,
            "forbidden",
        )
        .await;
    }
}

async fn listed(app: &TestApp, query: &str) -> RatedTicketsResponse {
    let response = app.get(&format!("/api/v1/stats/tickets?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn codes(list: &RatedTicketsResponse) -> Vec<&str> {
    let mut codes: Vec<&str> = list
        .tickets
        .iter()
        .map(|t| t.tracking_code.as_str())
        .collect();
    codes.sort();
    codes
}

/// Behind every number of every grouping: as many tickets as it counts, and their own
/// counts add up to the group's.
async fn drill_downs_list_exactly_the_tickets_counted(app: &TestApp) {
    let period = "from=2026-10-01&to=2026-11-01";
    for by in ["unit", "street", "community", "grid", "matter"] {
        let grouped = rates(app, &format!("by={by}&{period}")).await;
        for row in grouped.rows.iter().chain([&grouped.total]) {
            let all = listed(app, &format!("by={by}&code={}&{period}", row.code)).await;
            let mut sum = RateCounts::default();
            for t in &all.tickets {
                sum.add(&t.counts);
            }
            // Returns are counted by decision, not by these tickets: below.
            let by_tickets = RateCounts {
                returns_approved: 0,
                returns_rejected: 0,
                ..row.counts
            };
            assert_eq!(sum, by_tickets, "{by} {}", row.code);
            for measure in Measure::ALL.into_iter().filter(|m| m.is_return()) {
                let list = listed(
                    app,
                    &format!(
                        "by={by}&code={}&{period}&measure={}",
                        row.code,
                        measure.as_str()
                    ),
                )
                .await;
                let mut decided = RateCounts::default();
                for t in &list.tickets {
                    assert!(measure.counts_ticket(&t.counts), "{}", t.tracking_code);
                    decided.add(&t.counts);
                }
                assert_eq!(
                    measure.of(&decided),
                    measure.of(&row.counts),
                    "{by} {}",
                    row.code
                );
                assert_eq!(list.count, list.tickets.len() as u64);
            }
            for measure in Measure::ALL.into_iter().filter(|m| !m.is_return()) {
                let list = listed(
                    app,
                    &format!(
                        "by={by}&code={}&{period}&measure={}",
                        row.code,
                        measure.as_str()
                    ),
                )
                .await;
                let expected: Vec<&str> = {
                    let mut c: Vec<&str> = all
                        .tickets
                        .iter()
                        .filter(|t| measure.counts_ticket(&t.counts))
                        .map(|t| t.tracking_code.as_str())
                        .collect();
                    c.sort();
                    c
                };
                assert_eq!(codes(&list), expected, "{by} {} {measure:?}", row.code);
                assert_eq!(list.count, expected.len() as u64);
                assert!(!list.truncated);
                if measure != Measure::Reopens {
                    assert_eq!(
                        list.count,
                        measure.of(&row.counts),
                        "{by} {} {measure:?}",
                        row.code
                    );
                }
            }
        }
    }
    // By hand: U-CM's October on-time rate stands on 1, 2, 3 (open past due) and 4;
    // its satisfaction rate on the two rated.
    let on_time = listed(app, &format!("code=U-CM&{period}&measure=on_time")).await;
    assert_eq!(
        codes(&on_time),
        ["HIST0001", "HIST0002", "HIST0003", "HIST0004"]
    );
    let open_overdue: Vec<&str> = on_time
        .tickets
        .iter()
        .filter(|t| t.counts.open_overdue == 1)
        .map(|t| t.tracking_code.as_str())
        .collect();
    assert_eq!(open_overdue, ["HIST0003"]);
    let rated = listed(app, &format!("code=U-CM&{period}&measure=satisfaction")).await;
    assert_eq!(codes(&rated), ["HIST0001", "HIST0002"]);
    // U-CM's returns: ticket 6's rejected request; ticket 3's approved return is
    // U-C0201's.
    let rejected = listed(app, &format!("code=U-CM&{period}&measure=returns_rejected")).await;
    assert_eq!(codes(&rejected), ["HIST0006"]);
    let approved = listed(app, &format!("code=U-CM&{period}&measure=returns_approved")).await;
    assert_eq!(codes(&approved), Vec::<&str>::new());
    let approved = listed(
        app,
        &format!("code=U-C0201&{period}&measure=returns_approved"),
    )
    .await;
    assert_eq!(codes(&approved), ["HIST0003"]);
    assert_eq!(approved.tickets[0].lead_unit_code, "U-CM");
    // Nothing is due yet in January 2027: both are counted, only the resolved one is
    // in the on-time and response rates.
    let january = "from=2027-01-01&to=2027-02-01";
    let all = listed(app, &format!("code=U-CM&{january}")).await;
    assert_eq!(codes(&all), ["HIST0007", "HIST0008"]);
    for measure in ["on_time", "resolution", "response"] {
        let list = listed(app, &format!("code=U-CM&{january}&measure={measure}")).await;
        assert_eq!(codes(&list), ["HIST0008"], "{measure}");
    }
    // A street's list is its grids' tickets; a code of the wrong kind is refused.
    let street = listed(app, &format!("by=street&code=D01-S02&{period}")).await;
    assert_eq!(codes(&street), ["HIST0004", "HIST0006"]);
    let r = app
        .get(&format!(
            "/api/v1/stats/tickets?by=street&code=D01-S01-C01&{period}"
        ))
        .await;
    expect_error(r, 422, "validation_failed").await;
    let r = app.get("/api/v1/stats/tickets?measure=everything").await;
    assert!(matches!(r.status().as_u16(), 400 | 422));
}

async fn the_ranking_has_a_year_of_trend(app: &TestApp, october: &RatesResponse) {
    let response = app.get("/api/v1/stats/ranking?month=2026-10").await;
    assert_eq!(response.status(), 200);
    let ranking: RankingResponse = response.json().await.unwrap();
    assert_eq!(ranking.month, "2026-10");
    assert_eq!(
        (ranking.from.as_str(), ranking.to.as_str()),
        ("2026-10-01", "2026-11-01")
    );
    // The month's figures are the rates endpoint's for the same month.
    assert_eq!(ranking.rows, october.rows);
    assert_eq!(ranking.total, october.total);

    let response = app.get("/api/v1/stats/trend?month=2026-10").await;
    assert_eq!(response.status(), 200);
    let trend: TrendResponse = response.json().await.unwrap();
    assert_eq!(trend.months.len(), 12);
    assert_eq!(trend.months[0], "2025-11");
    assert_eq!(trend.months[11], "2026-10");
    for row in &october.rows {
        let rates = &trend
            .rows
            .iter()
            .find(|r| r.code == row.code)
            .unwrap()
            .rates;
        assert_eq!(rates.len(), 12);
        assert_eq!(rates[11], row.rates, "{}", row.code);
    }
    assert_eq!(trend.total.rates[11], october.total.rates);
    // Nothing was due in September (ticket 4 is due at October's first instant), so
    // its rates are all "—".
    let cm = &trend.rows.iter().find(|r| r.code == "U-CM").unwrap().rates;
    assert_eq!(cm[10], Rates::default());
    // A month on, October is the eleventh point; January 2027's two tickets are not
    // in any of the months up to November.
    let next: TrendResponse = app
        .get("/api/v1/stats/trend?month=2026-11")
        .await
        .json()
        .await
        .unwrap();
    let cm_next = &next.rows.iter().find(|r| r.code == "U-CM").unwrap().rates;
    assert_eq!(cm_next[10], cm[11], "October, one month on");
    for path in ["ranking", "trend"] {
        let bad = app
            .get(&format!("/api/v1/stats/{path}?month=2026-13"))
            .await;
        expect_error(bad, 422, "validation_failed").await;
    }
}

async fn hotspots_compare_with_the_period_before(app: &TestApp) {
    let get = |query: &'static str| async move {
        let response = app.get(&format!("/api/v1/stats/hotspots?{query}")).await;
        assert_eq!(response.status(), 200, "{query}");
        response.json::<HotspotsResponse>().await.unwrap()
    };
    // Filed a week before their deadlines: in October 1, 2, 3, 6 and 5; in the 31 days
    // before, 4.
    let district = get("from=2026-10-01&to=2026-11-01").await;
    assert_eq!(district.previous_from, "2026-08-31");
    assert_eq!((district.total.current, district.total.previous), (5, 1));
    let heat = |code: &str| {
        let g = district
            .grids
            .iter()
            .find(|g| g.change.code == code)
            .unwrap();
        (g.change.current, g.change.previous)
    };
    assert_eq!(heat("D01-S01-C01-G02"), (4, 0));
    assert_eq!(heat("D01-S02-C01-G01"), (1, 1));
    assert!(
        district
            .grids
            .iter()
            .all(|g| g.path.starts_with('M') && g.path.ends_with('Z'))
    );
    assert_eq!(district.rising.len(), 1);
    assert_eq!(
        (
            district.rising[0].code.as_str(),
            district.rising[0].current,
            district.rising[0].previous
        ),
        ("0201", 5, 1)
    );
    // A street's grids only.
    let street = get("from=2026-10-01&to=2026-11-01&street=D01-S01").await;
    assert!(
        street
            .grids
            .iter()
            .all(|g| g.change.code.starts_with("D01-S01-"))
    );
    assert_eq!((street.total.current, street.total.previous), (4, 0));
    let r = app.get("/api/v1/stats/hotspots?street=D01-S01-C01").await;
    expect_error(r, 422, "validation_failed").await;
}

async fn reports_as_page_and_csv(app: &TestApp, october: &RatesResponse) {
    let get = |query: &'static str| async move {
        let response = app.get(&format!("/api/v1/stats/report?{query}")).await;
        assert_eq!(response.status(), 200, "{query}");
        response.json::<ReportResponse>().await.unwrap()
    };
    let monthly = get("kind=monthly&date=2026-10-15").await;
    assert_eq!(
        (monthly.from.as_str(), monthly.to.as_str()),
        ("2026-10-01", "2026-11-01")
    );
    assert_eq!(monthly.previous_from, "2026-09-01");
    assert_eq!(
        (monthly.received.current, monthly.received.previous),
        (5, 1)
    );
    assert_eq!(monthly.total.counts, october.total.counts);
    assert_eq!(monthly.units, october.rows);
    let areas: Vec<&str> = monthly.areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(areas, ["D01-S01", "D01-S02"]);
    assert_eq!(monthly.area_by, GroupBy::Street);
    // A street's report: its tickets, by community.
    let street = get("kind=monthly&date=2026-10-15&street=D01-S01").await;
    assert_eq!(street.scope_zh, "东山街道");
    assert_eq!(street.total.counts.tickets, 3);
    assert_eq!(street.area_by, GroupBy::Community);
    assert!(street.areas.iter().all(|a| a.code.starts_with("D01-S01-C")));
    // The day of the deadlines: 1, 2, 3 and 6; the week (Monday 12 to Sunday 18).
    let daily = get("kind=daily&date=2026-10-15").await;
    assert_eq!(daily.total.counts.tickets, 4);
    let weekly = get("kind=weekly&date=2026-10-18").await;
    assert_eq!(
        (weekly.from.as_str(), weekly.to.as_str()),
        ("2026-10-12", "2026-10-19")
    );
    assert_eq!(weekly.last_day, "2026-10-18", "Sunday");
    assert_eq!(weekly.total.counts.tickets, 4);

    let csv = app
        .get("/api/v1/stats/report.csv?kind=monthly&date=2026-10-15")
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("gridline-monthly-D01-2026-10-01.csv")
    );
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "a byte-order mark for spreadsheets"
    );
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert!(lines[0].starts_with("月通报 Monthly bulletin,示范区,D01"));
    let cm = lines.iter().find(|l| l.starts_with("U-CM,")).unwrap();
    let fields: Vec<&str> = cm.split(',').collect();
    // Code, name, tickets, response, on time, resolution, satisfaction.
    assert_eq!(
        &fields[..7],
        [
            "U-CM",
            "城市管理局",
            "4",
            "50.0%",
            "50.0%",
            "75.0%",
            "100.0%"
        ]
    );
    let no_rating = lines.iter().find(|l| l.starts_with("U-C0201,")).unwrap();
    assert!(
        no_rating.contains(",0.0%,"),
        "dissatisfied only: 0 %, not empty"
    );
}

crate::both_backends!(figures_follow_the_formulas);
