//! The evaluation figures from the database equal the published formulas on a
//! hand-made history: open tickets past their deadline count against the on-time rate,
//! a ticket counts in the period of its handling deadline (its first instant in, the
//! next period's first instant out), and every grouping adds up to the same total.

use gridline_core::Role;
use gridline_core::api::stats::RatesResponse;
use gridline_core::stats::{RateCounts, TicketFacts};
use gridline_core::ticket::Satisfaction;
use gridline_server::store::{NewEvent, TicketRecord, TicketVersion};
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
    // 3: never responded, open past its deadline, reopened once, a return request.
    let mut t = made(&template, 3, "U-CM", g, mid);
    t.reopen_count = 1;
    history.push((
        t,
        vec![event(mid - time::Duration::days(3), "request_return")],
    ));
    // 4: due at the period's first instant (in), resolved exactly at the deadline.
    let mut t = made(&template, 4, "U-CM", "D01-S02-C01-G01", start);
    t.responded_at = t.response_due;
    t.resolved_at = Some(start);
    history.push((t, vec![]));
    // 5: due at the next period's first instant: November's, not October's.
    let t = made(&template, 5, "U-CM", g, end);
    history.push((t, vec![]));
    // 6: another unit, dissatisfied.
    let mut t = made(&template, 6, "U-C0201", "D01-S02-C01-G01", mid);
    t.responded_at = Some(in_time(t.response_due.unwrap()));
    t.resolved_at = Some(in_time(mid));
    t.satisfaction = Some(Satisfaction::Dissatisfied);
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
    assert_eq!((cm.counts.reopens, cm.counts.return_requests), (1, 1));
    let other = october.rows.iter().find(|r| r.code == "U-C0201").unwrap();
    assert_eq!(other.rates.satisfaction, Some(0.0));
    assert_eq!(october.total.counts.tickets, 5);

    // The database says what the formulas say of the same tickets, one by one.
    let now = OffsetDateTime::now_utc();
    let mut by_hand = RateCounts::default();
    for (t, extra) in history
        .iter()
        .filter(|(t, _)| t.handling_due.unwrap() < end)
    {
        by_hand.add(&RateCounts::of(
            &TicketFacts {
                response_due: t.response_due,
                responded_at: t.responded_at,
                handling_due: t.handling_due,
                resolved_at: t.resolved_at,
                satisfaction: t.satisfaction,
                reopen_count: t.reopen_count,
                return_requests: extra.iter().filter(|e| e.kind == "request_return").count() as u32,
            },
            now,
        ));
    }
    assert_eq!(october.total.counts, by_hand);

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
}

crate::both_backends!(figures_follow_the_formulas);
