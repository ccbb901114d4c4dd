//! Every role against every staff endpoint: allowed where its work is, refused (403,
//! or the proof-needing 404 for a ticket it does not handle) everywhere else, and 401
//! for nobody signed in.

use gridline_core::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, sign_in_as};

crate::both_backends!(each_role_reaches_exactly_its_endpoints);

use Role::*;

struct Endpoint {
    method: Method,
    path: String,
    body: Option<Value>,
    allowed: &'static [Role],
    /// What the roles not allowed get.
    refused: u16,
}

async fn call(app: &TestApp, e: &Endpoint) -> u16 {
    let response = match (&e.method, &e.body) {
        (&Method::POST, Some(body)) => app.post_json(&e.path, body).await,
        _ => app.get(&e.path).await,
    };
    response.status().as_u16()
}

async fn each_role_reaches_exactly_its_endpoints(app: &TestApp) {
    gridline_server::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
    // A routed ticket (street light in 青松 grid 2 -> U-CM), and a handler of another unit.
    let filed = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&json!({
            "matter_code": "0201", "description": "路灯不亮",
            "lon": 120.41, "lat": 36.069, "contact_phone": "13812345678"
        }))
        .send()
        .await
        .unwrap();
    let code = filed.json::<Value>().await.unwrap()["tracking_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let ticket = format!("/api/v1/tickets/{code}");
    let post = |path: String, body: Value, allowed, refused| Endpoint {
        method: Method::POST,
        path,
        body: Some(body),
        allowed,
        refused,
    };
    let get = |path: String, allowed, refused| Endpoint {
        method: Method::GET,
        path,
        body: None,
        allowed,
        refused,
    };
    let endpoints = [
        get(
            "/api/v1/queue".into(),
            &[UnitHandler, Dispatcher, Supervisor, Admin],
            403,
        ),
        get(
            "/api/v1/route?matter=0201&region=D01-S01-C01-G02".into(),
            &[Dispatcher, Supervisor, Admin],
            403,
        ),
        get(ticket.clone(), &[Dispatcher, Supervisor, Admin], 404),
        post(
            format!("{ticket}/actions"),
            json!({"action": "supervise", "note": "请加快办理"}),
            &[Supervisor],
            403,
        ),
        post(
            format!("{ticket}/tier"),
            json!({"tier_days": 7, "reason": "需协调"}),
            &[Dispatcher, Admin],
            403,
        ),
        post(
            format!("{ticket}/co-units"),
            json!({"unit_code": "U-HC"}),
            &[Dispatcher, Admin],
            403,
        ),
        post(
            "/api/v1/field/sync".into(),
            json!({"device_id": "device-roles-01", "records": []}),
            &[GridWorker],
            403,
        ),
        get("/api/v1/field/records".into(), &[GridWorker], 403),
        get("/api/v1/field/tickets".into(), &[GridWorker], 403),
        get("/api/v1/field/grids".into(), &[GridWorker], 403),
    ];

    // Nobody signed in.
    for e in &endpoints {
        let status = call(app, e).await;
        let expected = if e.refused == 404 { 404 } else { 401 };
        assert_eq!(status, expected, "anonymous {} {}", e.method, e.path);
    }
    for role in Role::ALL {
        let id = sign_in_as(app, role).await;
        if role == UnitHandler {
            // A handler of a unit that does not have this ticket.
            app.store.add_staff_unit(id, "U-TR").await.unwrap();
        }
        for e in &endpoints {
            let status = call(app, e).await;
            if e.allowed.contains(&role) {
                assert!(
                    ![401, 403, 404].contains(&status),
                    "{role:?} may {} {}: got {status}",
                    e.method,
                    e.path
                );
            } else {
                assert_eq!(
                    status, e.refused,
                    "{role:?} may not {} {}",
                    e.method, e.path
                );
            }
        }
    }
}
