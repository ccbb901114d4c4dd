//! Forwarding into dispatch systems through the outbox: signed webhooks, retried while
//! the receiver fails, each change delivered exactly once and in order per ticket; two
//! server processes on one PostgreSQL database deliver each change once.

use std::sync::{Arc, Mutex};

use gridline_core::Role;
use gridline_core::api::ticket::TicketCreatedResponse;
use gridline_server::store::NewForwardTarget;
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, sign_in_as};

const SECRET: &str = "a-test-signing-secret";

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Seen {
    key: String,
    /// Answered 200.
    ok: bool,
    timestamp: i64,
    signature: String,
    body: String,
}

/// A dispatch system standing in: records every request; answers 500 to the first
/// `fail_first`, then 200.
#[derive(Clone)]
struct Receiver {
    fail_first: usize,
    /// How long each answer takes (deliveries stay in flight meanwhile).
    delay: std::time::Duration,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    fn new(fail_first: usize) -> Receiver {
        Receiver {
            fail_first,
            delay: std::time::Duration::ZERO,
            seen: Arc::default(),
        }
    }

    async fn start(&self) -> String {
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
    fn delivered(&self) -> Vec<(String, Value)> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.ok)
            .map(|s| (s.key.clone(), serde_json::from_str(&s.body).unwrap()))
            .collect()
    }
}

async fn eventually(mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("not done within 30 s");
}

async fn forward_street_lights(app: &TestApp, url: &str) {
    gridline_server::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
    app.store
        .add_forward_target(&NewForwardTarget {
            name: "city-management".into(),
            url: url.into(),
            secret: SECRET.into(),
            unit_code: Some("U-CM".into()),
            matter_code: None,
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
                gridline_server::forward::verify(
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
