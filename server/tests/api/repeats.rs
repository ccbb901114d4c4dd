//! Similar reports (重复诉求): the same matter type filed within the configured
//! distance and period of a ticket, shown to the staff who handle it.

use gridline_core::Role;
use gridline_core::api::ticket::SimilarResponse;
use serde_json::json;

use crate::helpers::{TestApp, expect_error, load_demo, sign_in_as};

/// Files a complaint at a position; its tracking code.
async fn file(app: &TestApp, matter: &str, lon: f64, lat: f64) -> String {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&json!({"matter_code": matter, "description": "路灯不亮", "lon": lon, "lat": lat}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json::<serde_json::Value>().await.unwrap()["tracking_code"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn similar_reports_are_near_recent_and_of_the_same_kind(app: &TestApp) {
    load_demo(app).await;
    let (lon, lat) = (120.41, 36.069);
    // A degree of longitude here is about 89.9 km.
    let metres_east = |m: f64| lon + m / 89_870.0;
    let first = file(app, "0201", lon, lat).await;
    let near = file(app, "0201", metres_east(50.0), lat).await;
    let edge = file(app, "0201", metres_east(190.0), lat).await;
    let _beyond = file(app, "0201", metres_east(230.0), lat).await;
    let _other_kind = file(app, "0302", lon, lat).await;
    // Filed 40 days ago at the same place: too long ago to be the same problem.
    let template = app.store.ticket_by_code(&first).await.unwrap().unwrap();
    let aged = gridline_server::store::TicketRecord {
        id: 0,
        tracking_code: "OLDREP01".into(),
        client_id: None,
        created_at: template.created_at - time::Duration::days(40),
        ..template.clone()
    };
    let received = gridline_server::store::NewEvent {
        at: aged.created_at,
        kind: "received".into(),
        staff_id: None,
        unit_code: None,
        public: true,
        note: String::new(),
        media: Vec::new(),
    };
    app.store
        .create_ticket(&aged, &[received], &[])
        .await
        .unwrap();

    // Not signed in: 401; a unit handler of another unit: 403.
    expect_error(
        app.get(&format!("/api/v1/tickets/{first}/similar")).await,
        401,
        "unauthenticated",
    )
    .await;
    sign_in_as(app, Role::Dispatcher).await;
    let response = app.get(&format!("/api/v1/tickets/{first}/similar")).await;
    assert_eq!(response.status(), 200);
    let similar: SimilarResponse = response.json().await.unwrap();
    assert_eq!((similar.radius_m, similar.days), (200, 30));
    let found: Vec<(&str, u32)> = similar
        .tickets
        .iter()
        .map(|t| (t.tracking_code.as_str(), t.distance_m))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, near);
    assert!((48..=52).contains(&found[0].1), "{found:?}");
    assert_eq!(found[1].0, edge, "nearest first; 230 m is too far");
    // Both ways: the first report is similar to the near one.
    let back: SimilarResponse = app
        .get(&format!("/api/v1/tickets/{near}/similar"))
        .await
        .json()
        .await
        .unwrap();
    assert!(back.tickets.iter().any(|t| t.tracking_code == first));
    assert!(back.tickets.iter().all(|t| t.tracking_code != near));

    sign_in_as(app, Role::UnitHandler).await;
    expect_error(
        app.get(&format!("/api/v1/tickets/{first}/similar")).await,
        403,
        "forbidden",
    )
    .await;
}

crate::both_backends!(similar_reports_are_near_recent_and_of_the_same_kind);
