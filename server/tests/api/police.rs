//! Police linkage (110 联动): police matters are transferred to the police system and
//! closed here; what the police hand over (signed, once per idempotency key) comes in
//! urgent with its feedback due within the hour; the police hear of every step of it.

use gridline_core::Role;
use gridline_core::api::police::HandoverResponse;
use gridline_core::api::ticket::Channel;
use gridline_core::ticket::Status;
use gridline_server::outbox::store::{NewForwardTarget, TargetKind};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::forwarding::Receiver;
use crate::helpers::{Db, TestApp, act, eventually, expect_error, sign_in_as, stored};

const SECRET: &str = "the-police-systems-signing-secret";

/// The demo's reference data and the police system `city-110` at `url`.
async fn link_police(app: &TestApp, url: &str) {
    crate::helpers::load_demo(app).await;
    app.store
        .add_forward_target(&NewForwardTarget {
            name: "city-110".into(),
            url: url.into(),
            secret: SECRET.into(),
            unit_code: None,
            matter_code: None,
            kind: TargetKind::Police,
            jurisdiction_id: None,
            service_code: None,
        })
        .await
        .unwrap();
}

/// The id of the police system.
async fn police_system_id(app: &TestApp) -> Option<i64> {
    let targets = app.store.forward_targets().await.unwrap();
    targets.iter().find(|t| t.name == "city-110").map(|t| t.id)
}

/// Posts a hand-over to `target`, signed with `secret` now, under `key`.
async fn hand_over(
    app: &TestApp,
    target: &str,
    body: &Value,
    key: Option<&str>,
    secret: &str,
) -> reqwest::Response {
    let body = body.to_string();
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    let mut request = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/forwarding/{target}/tickets")))
        .header("content-type", "application/json")
        .header("x-gridline-timestamp", timestamp.to_string())
        .header(
            "x-gridline-signature",
            gridline_server::outbox::webhook::sign(secret, timestamp, &body),
        );
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.body(body).send().await.unwrap()
}

/// A street light out in 青松 grid 2 (routed to U-CM at once), as 110 hands it over.
fn street_light() -> Value {
    json!({
        "matter_code": "0201",
        "description": "报警人称小区门口路灯全部不亮，夜间有安全隐患",
        "region_code": "D01-S01-C01-G02",
        "address": "青松路 18 号",
        "contact_name": "赵先生",
        "contact_phone": "13900001111"
    })
}

/// The bodies the police system was sent about `code`, in order.
fn told(receiver: &Receiver, code: &str) -> Vec<Value> {
    receiver
        .delivered()
        .into_iter()
        .map(|(_, body)| body)
        .filter(|body| body["tracking_code"] == code)
        .collect()
}

mod police_matters_are_transferred_and_hand_overs_come_back_urgent {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        run(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        run(Db::Postgres).await;
    }

    async fn run(db: Db) {
        let receiver = Receiver::new(0);
        let url = receiver.start().await;
        let Some(app) = TestApp::spawn_with(db, |c| c.outbox_retry_secs = 1).await else {
            return;
        };
        link_police(&app, &url).await;

        // Fireworks (1005) are a police matter in the demo catalogue: transferred.
        let response = app
            .post_json(
                "/api/v1/tickets",
                &json!({
                    "matter_code": "1005",
                    "description": "禁放区有人燃放烟花",
                    "region_code": "D01-S01-C01-G02",
                    "contact_phone": "13812345678"
                }),
            )
            .await;
        assert_eq!(response.status(), 201);
        let filed: Value = response.json().await.unwrap();
        assert_eq!(filed["status"], "closed");
        let fireworks = filed["tracking_code"].as_str().unwrap().to_owned();
        let ticket = stored(&app, &fireworks).await;
        assert_eq!(ticket.lead_unit_code, None, "no unit of ours handles it");
        assert!(ticket.police_target.is_some() && ticket.closed_at.is_some());
        // The resident sees where it went.
        let view: Value = app
            .get(&format!("/api/v1/tickets/{fireworks}?phone_suffix=5678"))
            .await
            .json()
            .await
            .unwrap();
        let kinds: Vec<&str> = view["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["received", "transferred"], "{view}");
        eventually(|| !told(&receiver, &fireworks).is_empty()).await;
        let transfer = &told(&receiver, &fireworks)[0];
        assert_eq!(transfer["event"], "ticket.transferred");
        assert_eq!(transfer["kind"], "transferred");
        assert_eq!(transfer["ticket"]["contact_phone"], "13812345678");
        assert_eq!(transfer["ticket"]["matter_code"], "1005");

        // A matter that is not the police's stays here, untold to them.
        let response = app
            .post_json(
                "/api/v1/tickets",
                &json!({"matter_code": "0201", "description": "路灯不亮",
                        "region_code": "D01-S01-C01-G02"}),
            )
            .await;
        let ours: Value = response.json().await.unwrap();
        assert_eq!(ours["status"], "dispatched");

        // 110 hands a street light over: urgent, its feedback due in an hour.
        let response = hand_over(&app, "city-110", &street_light(), Some("JQ-0001"), SECRET).await;
        assert_eq!(response.status(), 201);
        let handed: HandoverResponse = response.json().await.unwrap();
        assert_eq!(handed.status, Status::Dispatched);
        let ticket = stored(&app, &handed.tracking_code).await;
        assert_eq!(ticket.channel, Channel::Police);
        assert!(ticket.urgent, "urgent whatever its matter type");
        assert_eq!(
            ticket.response_due,
            Some(ticket.created_at + Duration::hours(1))
        );
        assert_eq!(handed.feedback_due, ticket.response_due);
        assert_eq!(ticket.lead_unit_code.as_deref(), Some("U-CM"));
        assert_eq!(ticket.contact_phone.as_deref(), Some("13900001111"));
        // A retry with the same key (signed anew) is the same ticket, not a second.
        let again = hand_over(&app, "city-110", &street_light(), Some("JQ-0001"), SECRET).await;
        assert_eq!(again.status(), 200);
        let again: HandoverResponse = again.json().await.unwrap();
        assert_eq!(again.tracking_code, handed.tracking_code);

        // The unit's steps reach the police as they happen, the dispatch first.
        let handler = sign_in_as(&app, Role::UnitHandler).await;
        app.store.add_staff_unit(handler, "U-CM").await.unwrap();
        let code = handed.tracking_code.clone();
        for body in [
            json!({"action": "accept"}),
            json!({"action": "progress", "note": "已派人到场", "public": true}),
            json!({"action": "resolve", "note": "已修复全部路灯"}),
        ] {
            assert_eq!(act(&app, &code, body.clone()).await.status(), 200, "{body}");
        }
        eventually(|| told(&receiver, &code).len() >= 4).await;
        let steps = told(&receiver, &code);
        let kinds: Vec<&str> = steps.iter().map(|b| b["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["dispatched", "accept", "progress", "resolve"]);
        assert_eq!(steps[0]["event"], "ticket.created");
        assert_eq!(steps[0]["ticket"]["channel"], "police");
        assert_eq!(steps[0]["ticket"]["urgent"], true);
        assert_eq!(steps[0]["lead_unit_code"], "U-CM");
        assert!(steps[0]["ticket"]["response_due"].is_string());
        assert_eq!(steps[3]["status"], "done");
        assert_eq!(steps[3]["note"], "已修复全部路灯");
        // Nothing of the ticket that is ours went to the police.
        let ours = ours["tracking_code"].as_str().unwrap();
        assert!(told(&receiver, ours).is_empty());
        // Every request to them is signed with their secret.
        let now = OffsetDateTime::now_utc();
        for seen in receiver.seen.lock().unwrap().iter() {
            assert!(gridline_server::outbox::webhook::verify(
                SECRET,
                seen.timestamp,
                &seen.body,
                &seen.signature,
                now,
                300
            ));
        }

        // With the police system switched off, a police matter is handled here.
        app.store
            .set_forward_target_disabled("city-110", true)
            .await
            .unwrap();
        let response = app
            .post_json(
                "/api/v1/tickets",
                &json!({"matter_code": "1005", "description": "有人放鞭炮",
                        "region_code": "D01-S01-C01-G02"}),
            )
            .await;
        let kept: Value = response.json().await.unwrap();
        assert_ne!(kept["status"], "closed");
        let kept = stored(&app, kept["tracking_code"].as_str().unwrap()).await;
        assert_eq!(kept.police_target, None);
        app.stop().await;
    }
}

crate::both_backends!(
    hand_overs_are_signed_once_per_key_and_validated,
    feedback_is_due_an_hour_after_the_hand_over
);

async fn hand_overs_are_signed_once_per_key_and_validated(app: &TestApp) {
    // Webhooks go to a port nobody listens on: this test is about what comes in.
    link_police(app, "http://127.0.0.1:9/110").await;
    app.store
        .add_forward_target(&NewForwardTarget {
            name: "city-management".into(),
            url: "http://127.0.0.1:9/orders".into(),
            secret: SECRET.into(),
            unit_code: Some("U-CM".into()),
            matter_code: None,
            kind: TargetKind::Webhook,
            jurisdiction_id: None,
            service_code: None,
        })
        .await
        .unwrap();
    let body = street_light();
    // Whether a hand-over under `key` was filed.
    let filed = |key: &str| {
        let query = gridline_server::open311::store::RequestQuery::ClientId(
            gridline_server::police::client_id(SECRET, key),
        );
        async move { !app.store.open311_requests(&query).await.unwrap().is_empty() }
    };

    for (response, status, code) in [
        // Not signed with the police system's secret, or not signed at all.
        (
            hand_over(app, "city-110", &body, Some("k1"), "a guess").await,
            401,
            "unauthenticated",
        ),
        (
            reqwest::Client::new()
                .post(app.url("/api/v1/forwarding/city-110/tickets"))
                .header("idempotency-key", "k1")
                .json(&body)
                .send()
                .await
                .unwrap(),
            401,
            "unauthenticated",
        ),
        // A dispatch system is no police system, though signed with its own secret.
        (
            hand_over(app, "city-management", &body, Some("k1"), SECRET).await,
            404,
            "not_found",
        ),
        (
            hand_over(app, "nobody", &body, Some("k1"), SECRET).await,
            404,
            "not_found",
        ),
        // Without an idempotency key a retry could not be told from a second call.
        (
            hand_over(app, "city-110", &body, None, SECRET).await,
            400,
            "bad_request",
        ),
        (
            hand_over(app, "city-110", &json!({"what": "?"}), Some("k2"), SECRET).await,
            400,
            "bad_request",
        ),
    ] {
        expect_error(response, status, code).await;
    }
    let mut unknown = body.clone();
    unknown["matter_code"] = json!("7777");
    let refused = expect_error(
        hand_over(app, "city-110", &unknown, Some("k3"), SECRET).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused.error.fields[0].field, "matter_code");
    for key in ["k1", "k2", "k3"] {
        assert!(!filed(key).await, "nothing refused was filed");
    }
    // Corrected, the same key files it.
    let response = hand_over(app, "city-110", &body, Some("k3"), SECRET).await;
    assert_eq!(response.status(), 201);
    let first: HandoverResponse = response.json().await.unwrap();
    // Another key is another hand-over.
    let response = hand_over(app, "city-110", &body, Some("k4"), SECRET).await;
    assert_eq!(response.status(), 201);
    let second: HandoverResponse = response.json().await.unwrap();
    assert_ne!(first.tracking_code, second.tracking_code);
    // A police matter the police hand over is ours to handle: not sent back.
    let mut fireworks = body.clone();
    fireworks["matter_code"] = json!("1005");
    let response = hand_over(app, "city-110", &fireworks, Some("k5"), SECRET).await;
    assert_eq!(response.status(), 201);
    let kept: HandoverResponse = response.json().await.unwrap();
    assert_ne!(kept.status, Status::Closed);
    assert_eq!(
        stored(app, &kept.tracking_code).await.police_target,
        police_system_id(app).await
    );
    assert!(filed("k3").await && filed("k4").await);
}

async fn feedback_is_due_an_hour_after_the_hand_over(app: &TestApp) {
    link_police(app, "http://127.0.0.1:9/110").await;
    // No grid and no position: it waits for a dispatcher, its feedback clock running.
    let mut body = street_light();
    body.as_object_mut().unwrap().remove("region_code");
    let response = hand_over(app, "city-110", &body, Some("JQ-7"), SECRET).await;
    assert_eq!(response.status(), 201);
    let handed: HandoverResponse = response.json().await.unwrap();
    assert_eq!(handed.status, Status::Received);
    let due = stored(app, &handed.tracking_code).await.response_due;
    assert!(due.is_some());
    assert_eq!(handed.feedback_due, due);
    // Dispatched a while later, the deadline stays the hand-over's.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    sign_in_as(app, Role::Dispatcher).await;
    let response = act(
        app,
        &handed.tracking_code,
        json!({"action": "dispatch", "unit_code": "U-CM"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let ticket = stored(app, &handed.tracking_code).await;
    assert!(ticket.dispatched_at.unwrap() > ticket.created_at);
    assert_eq!(ticket.response_due, due, "not an hour from the dispatch");
    // Unanswered after the hour, it is marked overdue.
    let job = gridline_server::dispatch::deadlines::run_once;
    let before = job(app.store.as_ref(), due.unwrap() - Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(before.response_overdue, 0);
    let after = job(app.store.as_ref(), due.unwrap() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(after.response_overdue, 1);
    assert!(
        stored(app, &handed.tracking_code)
            .await
            .response_overdue_at
            .is_some()
    );
}
