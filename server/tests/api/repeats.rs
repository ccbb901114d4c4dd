//! Similar reports (重复诉求): the same matter type filed within the configured
//! distance and period of a ticket, shown to the staff who handle it; the open ones
//! near a resident about to file, who may follow one.

use gridline_core::Role;
use gridline_core::api::ticket::{NearbyResponse, SimilarResponse};
use gridline_core::ticket::Status;
use serde_json::json;

use crate::helpers::{TestApp, act, expect_error, load_demo, sign_in_as};

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
    let aged = gridline_server::tickets::store::TicketRecord {
        id: 0,
        tracking_code: "OLDREP01".into(),
        client_id: None,
        created_at: template.created_at - time::Duration::days(40),
        ..template.clone()
    };
    let received = gridline_server::tickets::store::NewEvent {
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

/// Files a complaint as a resident with a phone (to prove it with) and whatever else
/// `extra` adds; the whole answer.
async fn file_with(app: &TestApp, extra: serde_json::Value) -> reqwest::Response {
    let mut body = json!({
        "matter_code": "0201",
        "description": "路灯不亮",
        "address": "青松路 12 号",
        "contact_phone": "13900002222",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A ticket as its complainant sees it (proved by the phone's last four digits).
async fn public(app: &TestApp, code: &str) -> serde_json::Value {
    let response = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/tickets/{code}?phone_suffix=2222")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn kinds(ticket: &serde_json::Value) -> Vec<String> {
    ticket["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn nearby_at(app: &TestApp, matter: &str, lon: f64, lat: f64) -> NearbyResponse {
    let response = reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/nearby?matter_code={matter}&lon={lon}&lat={lat}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn residents_see_nearby_open_reports_and_follow_one(app: &TestApp) {
    load_demo(app).await;
    let (lon, lat) = (120.41, 36.069);
    let metres_east = |m: f64| lon + m / 89_870.0;
    let lead = file(app, "0201", lon, lat).await;
    let farther = file(app, "0201", metres_east(120.0), lat).await;
    let _beyond = file(app, "0201", metres_east(260.0), lat).await;
    let _other_kind = file(app, "0302", lon, lat).await;
    let here = metres_east(24.0);

    // Anyone may ask; nearest first, the distance rounded up to 50 m; what names the
    // reports is no tracking code, and no address is given.
    let response = reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/nearby?matter_code=0201&lon={here}&lat={lat}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    for code in [&lead, &farther] {
        assert!(!text.contains(code.as_str()), "{text}");
    }
    assert!(!text.contains("青松路"), "{text}");
    let nearby: NearbyResponse = serde_json::from_str(&text).unwrap();
    let seen: Vec<(Status, u32, u32, u32)> = nearby
        .reports
        .iter()
        .map(|r| (r.status, r.distance_m, r.days_ago, r.followers))
        .collect();
    assert_eq!(
        seen,
        [
            (Status::Dispatched, 50, 0, 0),
            (Status::Dispatched, 100, 0, 0)
        ],
        "24 m and 96 m away; 236 m and another kind are not"
    );
    let reference = nearby.reports[0].reference.clone();
    assert_ne!(reference, nearby.reports[1].reference);

    // Bad questions are told what is wrong.
    for (query, field) in [
        ("matter_code=9999&lon=120.41&lat=36.069", "matter_code"),
        ("matter_code=0201&lon=120.41&lat=96", "lat"),
        ("matter_code=0201&lon=-181&lat=36", "lon"),
    ] {
        let response = app.get(&format!("/api/v1/nearby?{query}")).await;
        let body = expect_error(response, 422, "validation_failed").await;
        assert_eq!(body.error.fields[0].field, field, "{query}");
    }
    expect_error(
        app.get("/api/v1/nearby?matter_code=0201&lon=x&lat=36")
            .await,
        400,
        "bad_request",
    )
    .await;
    let malformed = file_with(
        app,
        json!({"follow": "not a reference", "lon": here, "lat": lat}),
    )
    .await;
    let body = expect_error(malformed, 422, "validation_failed").await;
    assert_eq!(body.error.fields[0].field, "follow");

    // Following: filed merged into the lead, closed here, nothing for the unit.
    let followed = file_with(
        app,
        json!({"follow": reference, "lon": here, "lat": lat, "client_id": "follow-0001"}),
    )
    .await;
    assert_eq!(followed.status(), 201);
    let followed: serde_json::Value = followed.json().await.unwrap();
    assert_eq!(followed["status"], "closed");
    let code = followed["tracking_code"].as_str().unwrap().to_owned();
    let again = file_with(
        app,
        json!({"follow": reference, "lon": here, "lat": lat, "client_id": "follow-0001"}),
    )
    .await;
    assert_eq!(again.status(), 200, "the same filing sent again");
    let mine = public(app, &code).await;
    assert_eq!(mine["merged"], true);
    assert_eq!(kinds(&mine), ["received", "merged"]);
    assert!(
        !mine.to_string().contains(lead.as_str()),
        "the complainant is not told the lead's code"
    );
    let stored = app.store.ticket_by_code(&code).await.unwrap().unwrap();
    let lead_record = app.store.ticket_by_code(&lead).await.unwrap().unwrap();
    assert_eq!(stored.merged_into, Some(lead_record.id));
    assert_eq!(stored.lead_unit_code, None, "in no unit's queue");
    assert_eq!(stored.handling_due, None, "no deadline of its own");
    // The lead now has a follower; the follower is not offered.
    let nearby = nearby_at(app, "0201", here, lat).await;
    assert_eq!(nearby.reports.len(), 2);
    assert_eq!(nearby.reports[0].reference, reference);
    assert_eq!(nearby.reports[0].followers, 1);

    // Staff see whom it follows; the unit's steps on the lead reach the follower.
    sign_in_as(app, Role::Dispatcher).await;
    let staff_view: serde_json::Value = app
        .get(&format!("/api/v1/tickets/{code}"))
        .await
        .json()
        .await
        .unwrap();
    let into = staff_view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "merged_into")
        .expect("an internal entry names the lead");
    assert_eq!(into["note"], lead.as_str());
    assert_eq!(into["public"], false);
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    for body in [
        json!({"action": "accept"}),
        json!({"action": "resolve", "note": "已更换灯泡"}),
    ] {
        let r = act(app, &lead, body).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    let mine = public(app, &code).await;
    assert_eq!(kinds(&mine), ["received", "merged", "accept", "resolve"]);
    assert_eq!(mine["timeline"][3]["note"], "已更换灯泡");

    // A resolved report is no longer offered; a reference that names nothing open
    // near the place (resolved meanwhile, too far, made up) files the complaint on
    // its own: nothing is lost.
    let nearby = nearby_at(app, "0201", here, lat).await;
    assert_eq!(nearby.reports.len(), 1);
    let farther_reference = nearby.reports[0].reference.clone();
    for (reference, at) in [
        (reference.as_str(), here),
        ("AAAAAAAAAAAAAAAA", here),
        (farther_reference.as_str(), metres_east(400.0)),
    ] {
        let own = file_with(app, json!({"follow": reference, "lon": at, "lat": lat})).await;
        assert_eq!(own.status(), 201);
        let own: serde_json::Value = own.json().await.unwrap();
        assert_eq!(own["status"], "dispatched", "{reference}");
        let view = public(app, own["tracking_code"].as_str().unwrap()).await;
        assert_eq!(view["merged"], false);
    }
    // Following another kind's report does not merge different problems.
    let water = nearby_at(app, "0302", lon, lat).await;
    let own = file_with(
        app,
        json!({"follow": water.reports[0].reference, "lon": lon, "lat": lat}),
    )
    .await;
    assert_eq!(own.status(), 201);
    assert_eq!(
        own.json::<serde_json::Value>().await.unwrap()["status"],
        "dispatched"
    );
}

crate::both_backends!(residents_see_nearby_open_reports_and_follow_one);
