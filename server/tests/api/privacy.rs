//! What a grid worker's and a station tablet's endpoints show of a resident never
//! proves the resident's ticket: with everything they are shown, neither can open the
//! ticket nor rate it as the resident (issue 15, finding 3).

use gridline_core::Role;
use gridline_core::api::station::DEVICE_HEADER;
use gridline_core::api::ticket::TicketCreatedResponse;
use serde_json::{Value, json};

use crate::helpers::{TestApp, act, sign_in_as};
use crate::station::{device_get, enrolled, filing, post_filing, sealed, station_with_code};

crate::both_backends!(what_workers_and_tablets_see_never_proves_a_ticket);

const RESIDENT_SECRET: &str = "resident-phone-secret-0001";
const TABLET_SECRET: &str = "the-tablets-own-secret-0001";

/// Every run of four or more digits in `text`, as each four-digit window: what a reader
/// of a masked phone could try as the proof.
fn four_digit_windows(text: &str) -> Vec<String> {
    let mut windows = Vec::new();
    for run in text.split(|c: char| !c.is_ascii_digit()) {
        let digits: Vec<char> = run.chars().collect();
        for w in digits.windows(4) {
            windows.push(w.iter().collect());
        }
    }
    windows
}

/// Every phone (and name) field anywhere in a JSON answer.
fn contact_fields(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("contact_phone" | "contact_name", Value::String(s)) => out.push(s.clone()),
                    _ => contact_fields(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| contact_fields(v, out)),
        _ => {}
    }
}

/// The status of reading and of rating `code` with a phone suffix and/or a device
/// secret, from a client with no session.
async fn attempt(
    app: &TestApp,
    code: &str,
    suffix: Option<&str>,
    secret: Option<&str>,
) -> [u16; 2] {
    let client = reqwest::Client::new();
    let query = suffix
        .map(|s| format!("?phone_suffix={s}"))
        .unwrap_or_default();
    let with_secret = |r: reqwest::RequestBuilder| match secret {
        Some(secret) => r.header("x-device-secret", secret),
        None => r,
    };
    let read = with_secret(client.get(app.url(&format!("/api/v1/tickets/{code}{query}"))))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    let rate = with_secret(
        client
            .post(app.url(&format!("/api/v1/tickets/{code}/rating{query}")))
            .json(&json!({"satisfaction": "satisfied", "comment": ""})),
    )
    .send()
    .await
    .unwrap()
    .status()
    .as_u16();
    [read, rate]
}

async fn what_workers_and_tablets_see_never_proves_a_ticket(app: &TestApp) {
    // A tablet at 青松 station (this loads the demo reference data).
    let enrollment = station_with_code(app).await;
    let tablet = enrolled(app, &enrollment).await;
    let token = tablet.device_token.as_str();

    // A resident files from their own phone, in grid 2 of 青松.
    let resident = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&json!({
            "client_id": "privacy-resident-0001",
            "matter_code": "0201",
            "description": "小区门口路灯不亮",
            "region_code": "D01-S01-C01-G02",
            "address": "青松路 12 号",
            "contact_name": "张三",
            "contact_phone": "13812345678",
            "device_secret": RESIDENT_SECRET,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resident.status(), 201);
    let resident: TicketCreatedResponse = resident.json().await.unwrap();
    // A walk-in files at the counter; the tablet seals a device secret of its own in.
    let mut walk_in = filing("privacy-station-0001", &[]);
    walk_in["ticket"]["device_secret"] = json!(TABLET_SECRET);
    let filed = post_filing(
        app,
        token,
        &sealed(&tablet.device, "privacy-station-0001", &walk_in),
    )
    .await;
    assert_eq!(filed.status(), 201);
    let walk_in: TicketCreatedResponse = filed.json().await.unwrap();

    // Everything the grid worker and the tablet are shown.
    let worker = sign_in_as(app, Role::GridWorker).await;
    app.store
        .add_staff_grid(worker, "D01-S01-C01")
        .await
        .unwrap();
    let field: Value = app.get("/api/v1/field/tickets").await.json().await.unwrap();
    let counter: Value = device_get(app, token, "/api/v1/station/filings")
        .await
        .json()
        .await
        .unwrap();
    let field_text = field.to_string();
    for code in [&resident.tracking_code, &walk_in.tracking_code] {
        assert!(field_text.contains(code.as_str()), "the worker sees {code}");
    }
    assert!(counter.to_string().contains(walk_in.tracking_code.as_str()));
    let mut shown = Vec::new();
    contact_fields(&field, &mut shown);
    contact_fields(&counter, &mut shown);
    assert!(shown.len() >= 3, "both phones are shown, masked: {shown:?}");
    let candidates: Vec<String> = shown.iter().flat_map(|s| four_digit_windows(s)).collect();

    // Both tickets done, so a rating would count.
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    for code in [&resident.tracking_code, &walk_in.tracking_code] {
        for body in [
            json!({"action": "accept"}),
            json!({"action": "resolve", "note": "已修复"}),
        ] {
            assert_eq!(act(app, code, body).await.status(), 200);
        }
    }

    // Whatever the worker or the tablet tries from what they saw: the same 404 as an
    // unknown ticket, for reading and for rating.
    for code in [&resident.tracking_code, &walk_in.tracking_code] {
        for suffix in &candidates {
            assert_eq!(attempt(app, code, Some(suffix), None).await, [404, 404]);
        }
        for secret in [TABLET_SECRET, token] {
            assert_eq!(attempt(app, code, None, Some(secret)).await, [404, 404]);
        }
    }
    // The tablet's own header proves nothing either.
    let with_device = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/tickets/{}", walk_in.tracking_code)))
        .header(DEVICE_HEADER, token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_device.status(), 404);

    // The complainants themselves still can: the resident with their device, the
    // walk-in with their phone's last four digits. One rating each.
    assert_eq!(
        attempt(app, &resident.tracking_code, None, Some(RESIDENT_SECRET)).await,
        [200, 200]
    );
    assert_eq!(
        attempt(app, &walk_in.tracking_code, Some("1111"), None).await,
        [200, 200]
    );
}
