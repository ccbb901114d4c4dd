//! Forwarding into dispatch systems through the outbox: signed webhooks, retried while
//! the receiver fails, each change delivered exactly once and in order per ticket; two
//! server processes on one PostgreSQL database deliver each change once.

use std::sync::{Arc, Mutex};

use gridline_core::Role;
use gridline_core::api::ticket::TicketCreatedResponse;
use gridline_server::outbox::store::{NewForwardTarget, TargetKind};
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, eventually, sign_in_as};

const SECRET: &str = "a-test-signing-secret";

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) key: String,
    /// Answered 200.
    pub(crate) ok: bool,
    pub(crate) timestamp: i64,
    pub(crate) signature: String,
    pub(crate) body: String,
}

/// A dispatch system (or the police system) standing in: records every request; answers 500 to the first
/// `fail_first`, then 200.
#[derive(Clone)]
pub(crate) struct Receiver {
    pub(crate) fail_first: usize,
    /// How long each answer takes (deliveries stay in flight meanwhile).
    pub(crate) delay: std::time::Duration,
    pub(crate) seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    pub(crate) fn new(fail_first: usize) -> Receiver {
        Receiver {
            fail_first,
            delay: std::time::Duration::ZERO,
            seen: Arc::default(),
        }
    }

    pub(crate) async fn start(&self) -> String {
        use axum::http::{HeaderMap, StatusCode};
        let receiver = self.clone();
        let app = axum::Router::new().route(
            "/orders",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let receiver = receiver.clone();
                async move {
                    tokio::time::sleep(receiver.delay).await;
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .map(|v| v.to_str().unwrap().to_owned())
                            .unwrap_or_default()
                    };
                    let mut seen = receiver.seen.lock().unwrap();
                    let ok = seen.len() >= receiver.fail_first;
                    seen.push(Seen {
                        key: header("idempotency-key"),
                        ok,
                        timestamp: header("x-gridline-timestamp").parse().unwrap_or_default(),
                        signature: header("x-gridline-signature"),
                        body,
                    });
                    if ok {
                        StatusCode::OK
                    } else {
                        StatusCode::INTERNAL_SERVER_ERROR
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/orders", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    /// The bodies answered 200, in the order they arrived.
    pub(crate) fn delivered(&self) -> Vec<(String, Value)> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.ok)
            .map(|s| (s.key.clone(), serde_json::from_str(&s.body).unwrap()))
            .collect()
    }
}

async fn forward_street_lights(app: &TestApp, url: &str) {
    gridline_server::catalogue::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
    app.store
        .add_forward_target(&NewForwardTarget {
            name: "city-management".into(),
            url: url.into(),
            secret: SECRET.into(),
            unit_code: Some("U-CM".into()),
            matter_code: None,
            kind: TargetKind::Webhook,
            jurisdiction_id: None,
            service_code: None,
        })
        .await
        .unwrap();
}

/// A resident files a street light out in 青松 grid 2 (routed to U-CM).
async fn file(app: &TestApp, client_id: &str) -> String {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&json!({
            "client_id": client_id,
            "matter_code": "0201",
            "description": "路灯不亮",
            "region_code": "D01-S01-C01-G02",
            "contact_name": "张三",
            "contact_phone": "13812345678"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: TicketCreatedResponse = response.json().await.unwrap();
    created.tracking_code
}

mod changes_arrive_once_in_order_signed {
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
        let receiver = Receiver::new(4);
        let url = receiver.start().await;
        let Some(app) = TestApp::spawn_with(db, |c| c.outbox_retry_secs = 1).await else {
            return;
        };
        forward_street_lights(&app, &url).await;
        let first = file(&app, "forward-0001").await;
        let second = file(&app, "forward-0002").await;
        let handler = sign_in_as(&app, Role::UnitHandler).await;
        app.store.add_staff_unit(handler, "U-CM").await.unwrap();
        for body in [
            json!({"action": "accept"}),
            json!({"action": "progress", "note": "已联系路灯所", "public": true}),
            json!({"action": "resolve", "note": "已更换灯泡"}),
        ] {
            let response = app
                .post_json(&format!("/api/v1/tickets/{first}/actions"), &body)
                .await;
            assert_eq!(response.status(), 200, "{body}");
        }

        eventually(|| receiver.delivered().len() >= 5).await;
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let delivered = receiver.delivered();
        // Each change once, though the receiver failed the first four requests.
        let mut keys: Vec<&String> = delivered.iter().map(|d| &d.0).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 5, "{delivered:?}");
        assert_eq!(delivered.len(), 5, "nothing delivered twice");
        assert!(receiver.seen.lock().unwrap().len() > 5, "some were retried");
        // In order per ticket.
        let of = |code: &str| -> Vec<String> {
            delivered
                .iter()
                .filter(|d| d.1["tracking_code"] == code)
                .map(|d| d.1["kind"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(of(&first), ["dispatched", "accept", "progress", "resolve"]);
        assert_eq!(of(&second), ["dispatched"]);
        let resolved = &delivered
            .iter()
            .find(|d| d.1["kind"] == "resolve")
            .unwrap()
            .1;
        assert_eq!(resolved["event"], "ticket.updated");
        assert_eq!(resolved["status"], "done");
        assert_eq!(resolved["note"], "已更换灯泡");
        assert_eq!(resolved["ticket"]["contact_phone"], "13812345678");
        assert_eq!(resolved["ticket"]["lead_unit_code"], "U-CM");
        // Every request is signed over its timestamp and body.
        let now = time::OffsetDateTime::now_utc();
        for seen in receiver.seen.lock().unwrap().iter() {
            let verify = |secret: &str| {
                gridline_server::outbox::webhook::verify(
                    secret,
                    seen.timestamp,
                    &seen.body,
                    &seen.signature,
                    now,
                    300,
                )
            };
            assert!(verify(SECRET) && !verify("another secret"));
        }
        app.stop().await;
    }
}

/// Two server processes on one PostgreSQL database: each change goes out once.
#[tokio::test]
async fn two_processes_on_one_postgres_deliver_each_change_once() {
    // A slow receiver: deliveries are in flight when the other process looks.
    let receiver = Receiver {
        delay: std::time::Duration::from_millis(300),
        ..Receiver::new(0)
    };
    let url = receiver.start().await;
    let Some(first) = TestApp::spawn(Db::Postgres).await else {
        return;
    };
    let shared = first.database_url.clone();
    let second = TestApp::spawn_with(Db::Sqlite, |c| c.database_url = Some(shared))
        .await
        .unwrap();
    forward_street_lights(&first, &url).await;
    let mut codes = Vec::new();
    for i in 0..12 {
        let app = if i % 2 == 0 { &first } else { &second };
        codes.push(file(app, &format!("two-processes-{i:04}")).await);
    }
    eventually(|| receiver.delivered().len() >= 12).await;
    // Both workers poll every 5 seconds: give them the time to double one if they could.
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let delivered = receiver.delivered();
    assert_eq!(delivered.len(), 12, "each change once");
    let mut got: Vec<String> = delivered
        .iter()
        .map(|d| d.1["tracking_code"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    codes.sort();
    assert_eq!(got, codes);
    second.stop().await;
    first.stop().await;
}

crate::both_backends!(dispatch_systems_report_progress_back_signed_and_once);

/// Posts a report to the `city-management` target, signed with `secret` at `timestamp`.
async fn report(
    app: &TestApp,
    body: &Value,
    key: &str,
    secret: &str,
    timestamp: i64,
) -> reqwest::Response {
    let body = body.to_string();
    reqwest::Client::new()
        .post(app.url("/api/v1/forwarding/city-management/progress"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .header("x-gridline-timestamp", timestamp.to_string())
        .header(
            "x-gridline-signature",
            gridline_server::outbox::webhook::sign(secret, timestamp, &body),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn dispatch_systems_report_progress_back_signed_and_once(app: &TestApp) {
    use crate::helpers::expect_error;
    // Webhooks go to a port nobody listens on: this test is about what comes back.
    forward_street_lights(app, "http://127.0.0.1:9/orders").await;
    let code = file(app, "report-back-0001").await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let accept = json!({"tracking_code": code, "action": "accept"});

    let response = report(app, &accept, "report-1", SECRET, now).await;
    assert_eq!(response.status(), 200);
    let answer: TicketCreatedResponse = response.json().await.unwrap();
    assert_eq!(answer.status, gridline_core::ticket::Status::Accepted);
    // The same report again (a retry): applied once.
    assert_eq!(
        report(app, &accept, "report-1", SECRET, now).await.status(),
        200
    );
    let progress = json!({"tracking_code": code, "action": "progress", "note": "已派人"});
    assert_eq!(
        report(app, &progress, "report-2", SECRET, now)
            .await
            .status(),
        200
    );
    let ticket = app.store.ticket_by_code(&code).await.unwrap().unwrap();
    let kinds: Vec<String> = app
        .store
        .ticket_timeline(ticket.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["received", "dispatched", "accept", "progress"]);

    // Refused: a wrong secret, an old (replayed) timestamp, no key, an action a unit
    // may not take, a missing note, a ticket the target does not take, no such target.
    let resolve = json!({"tracking_code": code, "action": "resolve", "note": "已修好"});
    expect_error(
        report(app, &resolve, "r3", "wrong secret", now).await,
        401,
        "unauthenticated",
    )
    .await;
    expect_error(
        report(app, &resolve, "r3", SECRET, now - 600).await,
        401,
        "unauthenticated",
    )
    .await;
    expect_error(
        report(app, &resolve, "", SECRET, now).await,
        400,
        "bad_request",
    )
    .await;
    let close = json!({"tracking_code": code, "action": "close"});
    let refused = expect_error(
        report(app, &close, "r4", SECRET, now).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused.error.fields[0].field, "action");
    let bare = json!({"tracking_code": code, "action": "resolve"});
    expect_error(
        report(app, &bare, "r5", SECRET, now).await,
        422,
        "validation_failed",
    )
    .await;
    let elsewhere = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&json!({
            "client_id": "report-back-0002",
            "matter_code": "0401",
            "description": "电梯困人",
            "region_code": "D01-S01-C01-G02"
        }))
        .send()
        .await
        .unwrap();
    let elsewhere: TicketCreatedResponse = elsewhere.json().await.unwrap();
    let other = json!({"tracking_code": elsewhere.tracking_code, "action": "accept"});
    expect_error(
        report(app, &other, "r6", SECRET, now).await,
        404,
        "not_found",
    )
    .await;
    // A refused report can be sent again once fixed, under the same key.
    assert_eq!(report(app, &resolve, "r5", SECRET, now).await.status(), 200);
    let ticket = app.store.ticket_by_code(&code).await.unwrap().unwrap();
    assert_eq!(ticket.state.status, gridline_core::ticket::Status::Done);
    let unknown = reqwest::Client::new()
        .post(app.url("/api/v1/forwarding/nobody/progress"))
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_error(unknown, 404, "not_found").await;
}

/// A push service that fails: `/fail` answers 500 at once, `/hang` answers nothing for
/// longer than the server waits.
async fn failing_push_service() -> String {
    use axum::http::{StatusCode, Uri};
    let app = axum::Router::new().fallback(axum::routing::post(|uri: Uri| async move {
        if uri.path() == "/hang" {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
        StatusCode::INTERNAL_SERVER_ERROR
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// Finding 4: a followed ticket whose push service fails (one endpoint answers 500,
/// another never answers) still gets its unit's webhooks at once; the pushes are tried
/// again later, in their own lanes.
mod a_failing_push_service_holds_back_no_webhook {
    use super::*;
    use crate::push::{Browser, DEVICE_SECRET, follow};

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
        let push = failing_push_service().await;
        let Some(app) = TestApp::spawn_with(db, |c| c.push_allow_loopback = true).await else {
            return;
        };
        forward_street_lights(&app, &url).await;
        let filed = reqwest::Client::new()
            .post(app.url("/api/v1/tickets"))
            .json(&json!({
                "matter_code": "0201",
                "description": "路灯不亮",
                "region_code": "D01-S01-C01-G02",
                "device_secret": DEVICE_SECRET,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(filed.status(), 201);
        let code = filed
            .json::<TicketCreatedResponse>()
            .await
            .unwrap()
            .tracking_code;
        for path in ["fail", "hang"] {
            let browser = Browser::new(format!("{push}/{path}"));
            assert_eq!(
                follow(&app, &browser, &code, DEVICE_SECRET).await.status(),
                201
            );
        }
        let handler = sign_in_as(&app, Role::UnitHandler).await;
        app.store.add_staff_unit(handler, "U-CM").await.unwrap();
        let started = std::time::Instant::now();
        for body in [
            json!({"action": "accept"}),
            json!({"action": "progress", "note": "已联系路灯所", "public": true}),
            json!({"action": "resolve", "note": "已更换灯泡"}),
        ] {
            let response = app
                .post_json(&format!("/api/v1/tickets/{code}/actions"), &body)
                .await;
            assert_eq!(response.status(), 200, "{body}");
        }
        let resolved = || {
            receiver
                .delivered()
                .iter()
                .any(|d| d.1["kind"] == "resolve")
        };
        while !resolved() && started.elapsed() < std::time::Duration::from_secs(10) {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            resolved(),
            "the resolve webhook arrived within 10 s: {:?}",
            receiver.delivered()
        );
        let kinds: Vec<String> = receiver
            .delivered()
            .iter()
            .map(|d| d.1["kind"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(kinds, ["dispatched", "accept", "progress", "resolve"]);
        // The pushes are not lost: still waiting in their lanes to be tried again.
        let ticket = app.store.ticket_by_code(&code).await.unwrap().unwrap();
        let pushes: Vec<_> = app
            .store
            .outbox_items(ticket.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|row| row.item.kind == "push")
            .collect();
        assert_eq!(pushes.len(), 6, "three steps, two followers");
        assert!(
            pushes
                .iter()
                .all(|row| row.delivered_at.is_none() && row.dead_at.is_none())
        );
        app.stop().await;
    }
}

/// Finding 5: a dispatch system's redirect is an answer (a failed delivery), not
/// followed; and an Open311 endpoint's answer is read within a cap.
mod redirects_and_big_answers {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        run(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        run(Db::Postgres).await;
    }

    /// An Open311 endpoint that answers a filing with 2 MiB of JSON.
    async fn talkative_open311() -> String {
        let app = axum::Router::new().route(
            "/v2/requests.json",
            axum::routing::post(|| async {
                let filler = "x".repeat(2 * 1024 * 1024);
                axum::Json(json!([{ "service_request_id": "EXT-1", "notes": filler }]))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v2", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        base
    }

    async fn run(db: Db) {
        let (port, seen) = crate::push::recorder().await;
        let Some(app) = TestApp::spawn(db).await else {
            return;
        };
        forward_street_lights(&app, &format!("http://127.0.0.1:{port}/redirect")).await;
        app.store
            .add_forward_target(&NewForwardTarget {
                name: "talkative".into(),
                url: talkative_open311().await,
                secret: "key".into(),
                unit_code: Some("U-CM".into()),
                matter_code: None,
                kind: TargetKind::Open311,
                jurisdiction_id: None,
                service_code: None,
            })
            .await
            .unwrap();
        let code = file(&app, "redirected-0001").await;
        let ticket = app.store.ticket_by_code(&code).await.unwrap().unwrap();
        let store = app.store.clone();
        crate::helpers::until(|| {
            let store = store.clone();
            async move {
                let rows = store.outbox_items(ticket.id).await.unwrap();
                rows.len() == 2 && rows.iter().all(|r| r.last_error.is_some())
            }
        })
        .await;
        let rows = app.store.outbox_items(ticket.id).await.unwrap();
        let error_of = |kind: &str| {
            rows.iter()
                .find(|r| r.item.kind == kind)
                .and_then(|r| r.last_error.clone())
                .unwrap()
        };
        assert!(error_of("webhook").contains("307"), "{rows:?}");
        assert!(error_of("open311").contains("over"), "{rows:?}");
        assert_eq!(*seen.lock().unwrap(), ["/redirect"], "not followed");
        app.stop().await;
    }
}
