//! Supervision (issue 18): return requests counted for the unit that asked, deadline
//! rules as data, working and clock hours.

use gridline_core::Role;
use gridline_core::api::stats::{RatedTicketsResponse, RatesResponse};
use serde_json::json;

use crate::helpers::{TestApp, act, load_demo, sign_in_as};
use crate::tickets::{file, street_light};

crate::both_backends!(a_return_counts_for_the_unit_that_asked);

/// Through the API: U-CM hands one street light back (approved, to the housing
/// bureau), asks for another and is refused, and has a third request pending. The
/// figures put the approved return and the rejection on U-CM, none on the bureau that
/// took the ticket over, and the pending request nowhere.
async fn a_return_counts_for_the_unit_that_asked(app: &TestApp) {
    load_demo(app).await;
    let mut codes = Vec::new();
    for n in 0..3 {
        let (_, created) = file(app, &street_light(&format!("device-ret-{n:04}"))).await;
        let stored = app.store.ticket_by_code(&created.tracking_code).await;
        assert_eq!(
            stored.unwrap().unwrap().lead_unit_code.as_deref(),
            Some("U-CM")
        );
        codes.push(created.tracking_code);
    }
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    for code in &codes {
        let r = act(
            app,
            code,
            json!({"action": "request_return", "note": "不属于本单位职责"}),
        )
        .await;
        assert_eq!(r.status(), 200, "{code}");
    }
    sign_in_as(app, Role::Dispatcher).await;
    let approved = act(
        app,
        &codes[0],
        json!({"action": "approve_return", "unit_code": "U-HC"}),
    )
    .await;
    assert_eq!(approved.status(), 200);
    let rejected = act(
        app,
        &codes[1],
        json!({"action": "reject_return", "note": "属于本单位"}),
    )
    .await;
    assert_eq!(rejected.status(), 200);

    sign_in_as(app, Role::Supervisor).await;
    let today = gridline_core::deadline::CHINA_OFFSET;
    let day = time::OffsetDateTime::now_utc().to_offset(today).date();
    let period = format!("from={day}&to={}", day.next_day().unwrap());
    let figures: RatesResponse = app
        .get(&format!("/api/v1/stats/rates?by=unit&{period}"))
        .await
        .json()
        .await
        .unwrap();
    let of = |unit: &str| {
        figures
            .rows
            .iter()
            .find(|r| r.code == unit)
            .map(|r| (r.counts.returns_approved, r.counts.returns_rejected))
            .unwrap_or_default()
    };
    assert_eq!(of("U-CM"), (1, 1), "the unit that asked");
    assert_eq!(of("U-HC"), (0, 0), "the unit that took it over");
    assert_eq!(
        (
            figures.total.counts.returns_approved,
            figures.total.counts.returns_rejected
        ),
        (1, 1),
        "the pending request counts nowhere"
    );
    let listed = |unit: &'static str, measure: &'static str| {
        let period = period.clone();
        async move {
            let list: RatedTicketsResponse = app
                .get(&format!(
                    "/api/v1/stats/tickets?by=unit&code={unit}&{period}&measure={measure}"
                ))
                .await
                .json()
                .await
                .unwrap();
            list.tickets
                .into_iter()
                .map(|t| t.tracking_code)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed("U-CM", "returns_approved").await, [codes[0].clone()]);
    assert_eq!(listed("U-CM", "returns_rejected").await, [codes[1].clone()]);
    assert!(listed("U-HC", "returns_approved").await.is_empty());
}
