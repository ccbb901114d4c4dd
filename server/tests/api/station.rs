//! Community station tablets: enrollment by one-time code, filing sealed on a
//! resident's behalf, today's filings masked, revocation.

use gridline_core::Role;
use gridline_core::api::station::{
    DEVICE_HEADER, DeviceResponse, EnrolledResponse, EnrollmentCodeResponse,
    StationDevicesResponse, StationFilingsResponse,
};
use gridline_core::api::ticket::{Channel, TicketCreatedResponse};
use gridline_server::station::store::NewStation;
use serde_json::{Value, json};

use crate::helpers::{SmsGateway, TestApp, eventually, expect_error, sign_in_as};

crate::both_backends!(
    a_tablet_enrolls_once_and_files_sealed_filings,
    station_filings_need_name_phone_and_an_openable_seal,
    a_revoked_tablet_is_told_so_and_codes_are_guarded,
);

const PHOTO: &[u8] = include_bytes!("../fixtures/photo.jpg");

/// The demo reference data and one station in 青松社区; returns a fresh enrollment
/// code issued by an admin through the API.
pub(crate) async fn station_with_code(app: &TestApp) -> String {
    gridline_server::catalogue::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
    app.store
        .upsert_station(&NewStation {
            code: "QS-01".into(),
            name_zh: "青松社区便民服务驿站".into(),
            name_en: "Qingsong Community Service Station".into(),
            community_code: "D01-S01-C01".into(),
        })
        .await
        .unwrap();
    sign_in_as(app, Role::Admin).await;
    issue_code(app).await
}

pub(crate) async fn issue_code(app: &TestApp) -> String {
    let response = app
        .post_json("/api/v1/stations/QS-01/enrollments", &json!({}))
        .await;
    assert_eq!(response.status(), 201);
    let issued: EnrollmentCodeResponse = response.json().await.unwrap();
    assert_eq!(issued.station_code, "QS-01");
    issued.code
}

/// Enrolls a tablet (no session: a fresh client) with `code`.
async fn enroll(app: &TestApp, code: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/station/enroll"))
        .json(&json!({"code": code, "label": "counter 1"}))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn enrolled(app: &TestApp, code: &str) -> EnrolledResponse {
    let response = enroll(app, code).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// A walk-in resident's complaint, as the tablet builds it before sealing.
pub(crate) fn filing(client_id: &str, media: &[String]) -> Value {
    json!({
        "ticket": {
            "client_id": client_id,
            "matter_code": "0201",
            "description": "楼下路灯坏了一个星期",
            "region_code": "D01-S01-C01-G02",
            "address": "青松路 8 号",
            "contact_name": "王秀英",
            "contact_phone": "13800001111",
            "media": media,
        },
        "consent": "spoken"
    })
}

pub(crate) fn sealed(device: &DeviceResponse, client_id: &str, body: &Value) -> Value {
    let sealed = gridline_server::station::seal(
        &device.station.seal_key,
        serde_json::to_vec(body).unwrap().as_slice(),
    )
    .unwrap();
    json!({"client_id": client_id, "sealed": sealed})
}

pub(crate) async fn post_filing(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/station/filings"))
        .header(DEVICE_HEADER, token)
        .json(body)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn device_get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(path))
        .header(DEVICE_HEADER, token)
        .send()
        .await
        .unwrap()
}

async fn a_tablet_enrolls_once_and_files_sealed_filings(app: &TestApp) {
    let code = station_with_code(app).await;
    // Typed with spaces and in lower case: still the code.
    let typed = code.to_lowercase().replace('-', " ");
    let tablet = enrolled(app, &typed).await;
    assert_eq!(tablet.device.station.code, "QS-01");
    assert_eq!(tablet.device.station.community_code, "D01-S01-C01");
    assert_eq!(tablet.device.station.resident_idle_seconds, 120);
    assert!(
        !tablet.device.station.texts_residents,
        "no SMS gateway configured"
    );
    // One tablet per code.
    expect_error(enroll(app, &code).await, 404, "not_found").await;
    let token = tablet.device_token.as_str();
    let device: DeviceResponse = device_get(app, token, "/api/v1/station/device")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(device, tablet.device);

    // A photo uploaded by the tablet, then the filing naming it.
    let upload = reqwest::Client::new()
        .post(app.url("/api/v1/media"))
        .header(DEVICE_HEADER, token)
        .body(PHOTO)
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 201);
    let photo: gridline_core::api::media::MediaResponse = upload.json().await.unwrap();
    let body = sealed(
        &device,
        "station-filing-0001",
        &filing("station-filing-0001", std::slice::from_ref(&photo.id)),
    );
    let response = post_filing(app, token, &body).await;
    assert_eq!(response.status(), 201);
    let created: TicketCreatedResponse = response.json().await.unwrap();
    // Sent again (the tablet lost the answer): the same ticket.
    let again = post_filing(app, token, &body).await;
    assert_eq!(again.status(), 200);
    let again: TicketCreatedResponse = again.json().await.unwrap();
    assert_eq!(again.tracking_code, created.tracking_code);

    let ticket = app
        .store
        .ticket_by_code(&created.tracking_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ticket.channel, Channel::Station);
    assert_eq!(ticket.contact_name.as_deref(), Some("王秀英"));
    assert_eq!(ticket.contact_phone.as_deref(), Some("13800001111"));
    assert_eq!(ticket.description, "楼下路灯坏了一个星期");
    assert_eq!(
        ticket.consent,
        Some(gridline_core::api::station::Consent::Spoken)
    );
    assert!(ticket.station_id.is_some());
    assert!(
        app.store.outbox_items(ticket.id).await.unwrap().is_empty(),
        "no text message without a gateway"
    );
    assert_eq!(
        ticket.lead_unit_code.as_deref(),
        Some("U-CM"),
        "routed at once"
    );
    let timeline = app.store.ticket_timeline(ticket.id).await.unwrap();
    assert_eq!(timeline[0].media.len(), 1, "the photo is on the timeline");
    // The resident follows it with their phone's last digits.
    let public = reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/tickets/{}?phone_suffix=1111",
            created.tracking_code
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 200);

    // Today's filings at the counter: masked.
    let today: StationFilingsResponse = device_get(app, token, "/api/v1/station/filings")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(today.filings.len(), 1);
    let listed = &today.filings[0];
    assert_eq!(listed.tracking_code, created.tracking_code);
    assert_eq!(listed.contact_name, "王**");
    assert_eq!(listed.contact_phone, "138********");
    let text = serde_json::to_string(&today).unwrap();
    assert!(!text.contains("秀英") && !text.contains("00001111") && !text.contains("路灯坏"));

    // Admins see the tablet enrolled.
    let devices: StationDevicesResponse = app
        .get("/api/v1/stations/devices")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(devices.devices.len(), 1);
    assert_eq!(devices.devices[0].label, "counter 1");
    assert_eq!(
        devices.devices[0].state,
        gridline_core::api::station::DeviceState::Enrolled
    );
}

async fn station_filings_need_name_phone_and_an_openable_seal(app: &TestApp) {
    let code = station_with_code(app).await;
    let tablet = enrolled(app, &code).await;
    let token = tablet.device_token.as_str();
    let device = &tablet.device;

    let mut anonymous = filing("station-filing-0002", &[]);
    anonymous["ticket"]["contact_name"] = json!("");
    anonymous["ticket"]
        .as_object_mut()
        .unwrap()
        .remove("contact_phone");
    let refused = expect_error(
        post_filing(
            app,
            token,
            &sealed(device, "station-filing-0002", &anonymous),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = refused
        .error
        .fields
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["contact_name", "contact_phone"]);

    // The outer client id must be the sealed one.
    let body = sealed(
        device,
        "station-filing-0003",
        &filing("station-filing-0004", &[]),
    );
    let refused = expect_error(
        post_filing(app, token, &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused.error.fields[0].field, "client_id");

    // Altered, or sealed to another key: refused, naming `sealed`.
    let mut altered = sealed(
        device,
        "station-filing-0005",
        &filing("station-filing-0005", &[]),
    );
    altered["sealed"]["ct"] = json!("AAAA");
    let refused = expect_error(
        post_filing(app, token, &altered).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused.error.fields[0].field, "sealed");
    let key = gridline_server::station::SealKey::load(app.store.as_ref())
        .await
        .unwrap();
    assert_eq!(key.public_key(), device.station.seal_key, "one key, kept");
    let stranger = gridline_server::station::seal(
        &stranger_key(),
        serde_json::to_vec(&filing("station-filing-0007", &[]))
            .unwrap()
            .as_slice(),
    )
    .unwrap();
    let wrong_key = json!({"client_id": "station-filing-0007", "sealed": stranger});
    let refused = expect_error(
        post_filing(app, token, &wrong_key).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused.error.fields[0].field, "sealed");

    // No tablet, or an unknown one: told to enroll.
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/station/filings"))
        .json(&sealed(
            device,
            "station-filing-0008",
            &filing("station-filing-0008", &[]),
        ))
        .send()
        .await
        .unwrap();
    expect_error(response, 403, "device_revoked").await;
    expect_error(
        device_get(app, "not-a-token", "/api/v1/station/filings").await,
        403,
        "device_revoked",
    )
    .await;
    // Nothing above made a ticket.
    let today: StationFilingsResponse = device_get(app, token, "/api/v1/station/filings")
        .await
        .json()
        .await
        .unwrap();
    assert!(today.filings.is_empty());
}

/// Another server's public key (a valid P-256 point this server has no secret for).
fn stranger_key() -> String {
    use base64::Engine;
    // The P-256 base point: a valid public key whose secret (1) nobody uses.
    let mut point = vec![4u8];
    point.extend(
        hex::decode("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296").unwrap(),
    );
    point.extend(
        hex::decode("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5").unwrap(),
    );
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(point)
}

async fn a_revoked_tablet_is_told_so_and_codes_are_guarded(app: &TestApp) {
    let code = station_with_code(app).await;
    let tablet = enrolled(app, &code).await;
    let token = tablet.device_token.as_str();
    let response = app
        .post_json(
            &format!(
                "/api/v1/stations/devices/{}/revoke",
                tablet.device.device_id
            ),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 204);
    let body = sealed(
        &tablet.device,
        "station-filing-0009",
        &filing("station-filing-0009", &[]),
    );
    let refused = expect_error(post_filing(app, token, &body).await, 403, "device_revoked").await;
    assert!(
        refused.error.message.contains("enroll"),
        "{}",
        refused.error.message
    );
    expect_error(
        device_get(app, token, "/api/v1/station/device").await,
        403,
        "device_revoked",
    )
    .await;
    let upload = reqwest::Client::new()
        .post(app.url("/api/v1/media"))
        .header(DEVICE_HEADER, token)
        .body(PHOTO)
        .send()
        .await
        .unwrap();
    expect_error(upload, 403, "device_revoked").await;
    // Revoked once.
    let again = app
        .post_json(
            &format!(
                "/api/v1/stations/devices/{}/revoke",
                tablet.device.device_id
            ),
            &json!({}),
        )
        .await;
    expect_error(again, 404, "not_found").await;

    // An expired code does not enroll.
    let station = app.store.list_stations().await.unwrap().remove(0);
    let expired = "ABCDE-FGHJK";
    app.store
        .issue_enrollment(
            station.id,
            &gridline_server::station::code_hash(expired),
            time::OffsetDateTime::now_utc() - time::Duration::minutes(1),
        )
        .await
        .unwrap();
    expect_error(enroll(app, expired).await, 404, "not_found").await;
    // A fresh code still works after a revocation.
    let fresh = issue_code(app).await;
    assert_eq!(enroll(app, &fresh).await.status(), 201);

    // Only admins issue codes, list and revoke tablets.
    sign_in_as(app, Role::Station).await;
    let response = app
        .post_json("/api/v1/stations/QS-01/enrollments", &json!({}))
        .await;
    expect_error(response, 403, "forbidden").await;
    expect_error(app.get("/api/v1/stations/devices").await, 403, "forbidden").await;

    // Guessing codes is slowed: the eleventh wrong one from an address is refused, and
    // so is a right one then (a right guess among refusals must not stand out).
    for _ in 0..9 {
        expect_error(enroll(app, "WRONG-CODE1").await, 404, "not_found").await;
    }
    expect_error(enroll(app, "WRONG-CODE1").await, 429, "rate_limited").await;
    sign_in_as(app, Role::Admin).await;
    let right = issue_code(app).await;
    expect_error(enroll(app, &right).await, 429, "rate_limited").await;
}

mod text_messages {
    use super::*;
    use crate::helpers::Db;

    #[tokio::test]
    async fn sqlite() {
        run(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        run(Db::Postgres).await;
    }

    /// A station's filing texts the resident the tracking code through the city's
    /// gateway: retried while the gateway fails, delivered once, the same idempotency
    /// key every time; given up after the last attempt when it never answers.
    async fn run(db: Db) {
        // Answers 500 to the first two messages for a phone, and always to 13700000000.
        let gateway = SmsGateway::default();
        let url = gateway
            .start(|body, before| body["phone"] == "13700000000" || before < 2)
            .await;
        let Some(app) = TestApp::spawn_with(db, |c| {
            c.sms_url = Some(url);
            c.sms_authorization = Some("Bearer gateway-secret".into());
            c.outbox_retry_secs = 1;
            c.outbox_max_attempts = 3;
            c.public_url = Some("https://12345.example.gov.cn".into());
        })
        .await
        else {
            return;
        };
        let code = station_with_code(&app).await;
        let tablet = enrolled(&app, &code).await;
        assert!(tablet.device.station.texts_residents);
        let token = tablet.device_token.as_str();
        let response = post_filing(
            &app,
            token,
            &sealed(
                &tablet.device,
                "station-sms-0001",
                &filing("station-sms-0001", &[]),
            ),
        )
        .await;
        assert_eq!(response.status(), 201);
        let created: TicketCreatedResponse = response.json().await.unwrap();
        let mut never = filing("station-sms-0002", &[]);
        never["ticket"]["contact_phone"] = json!("13700000000");
        let response = post_filing(
            &app,
            token,
            &sealed(&tablet.device, "station-sms-0002", &never),
        )
        .await;
        assert_eq!(response.status(), 201);
        let unreachable: TicketCreatedResponse = response.json().await.unwrap();

        eventually(|| gateway.to("13800001111").len() >= 3 && gateway.to("13700000000").len() >= 3)
            .await;
        // Nothing more comes: delivered once, and given up after three attempts.
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        let sent = gateway.to("13800001111");
        assert_eq!(sent.len(), 3, "two failures, then delivered once");
        let key = &sent[0].0["idempotency-key"];
        for (headers, body) in &sent {
            assert_eq!(&headers["idempotency-key"], key);
            assert_eq!(headers["authorization"], "Bearer gateway-secret");
            assert_eq!(headers["content-type"], "application/json");
            let text = body["text"].as_str().unwrap();
            assert!(text.contains(&created.tracking_code), "{text}");
            assert!(
                text.contains(&format!(
                    "https://12345.example.gov.cn/track/{}",
                    created.tracking_code
                )),
                "{text}"
            );
            assert!(text.starts_with("【网格通】"), "{text}");
        }
        assert_eq!(
            gateway.to("13700000000").len(),
            3,
            "three attempts, no more"
        );

        let ticket = app
            .store
            .ticket_by_code(&created.tracking_code)
            .await
            .unwrap()
            .unwrap();
        let items = app.store.outbox_items(ticket.id).await.unwrap();
        assert_eq!(items.len(), 1);
        assert!(items[0].delivered_at.is_some() && items[0].dead_at.is_none());
        assert_eq!(items[0].item.attempts, 3);
        assert!(
            !items[0].item.payload.contains("138"),
            "no phone in the outbox"
        );
        let ticket = app
            .store
            .ticket_by_code(&unreachable.tracking_code)
            .await
            .unwrap()
            .unwrap();
        let items = app.store.outbox_items(ticket.id).await.unwrap();
        assert!(items[0].dead_at.is_some() && items[0].delivered_at.is_none());
        assert!(
            items[0].last_error.as_deref().unwrap().contains("500"),
            "{:?}",
            items[0].last_error
        );

        // Admins see what was given up, and put it back in line: three more attempts.
        let dead: gridline_core::api::outbox::DeadItemsResponse =
            app.get("/api/v1/outbox/dead").await.json().await.unwrap();
        assert_eq!(dead.items.len(), 1);
        let item = &dead.items[0];
        assert_eq!(item.kind, "sms");
        assert_eq!(
            item.tracking_code.as_deref(),
            Some(unreachable.tracking_code.as_str())
        );
        assert!(item.last_error.as_deref().unwrap().contains("500"));
        let requeue = format!("/api/v1/outbox/{}/requeue", item.id);
        assert_eq!(app.post_json(&requeue, &json!({})).await.status(), 204);
        eventually(|| gateway.to("13700000000").len() >= 6).await;
        expect_error(
            app.post_json("/api/v1/outbox/999999/requeue", &json!({}))
                .await,
            404,
            "not_found",
        )
        .await;
        sign_in_as(&app, Role::Station).await;
        expect_error(app.get("/api/v1/outbox/dead").await, 403, "forbidden").await;
        app.stop().await;
    }
}
