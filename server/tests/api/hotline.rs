//! The 12345 hotline (issue 17): the telephone system's signed call announcement rings
//! its operator's seat once (replays refused or answered without a second ring, from any
//! process), the operator sees the caller's earlier tickets, and a ticket filed from the
//! call is on the `hotline` channel, keeps the call's id and texts the caller the code.

use std::time::Duration;

use gridline_core::Role;
use gridline_core::api::hotline::{CallView, CallerTicketsResponse, CallsResponse};
use gridline_core::api::ticket::{Channel, TicketCreatedResponse};
use gridline_server::outbox::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::helpers::{
    Db, SmsGateway, TestApp, eventually, expect_error, load_demo, sign_in_as, staff_client,
    staff_client_named, stored,
};
use crate::live::Events;
use crate::tickets::{file, street_light};

const SECRET: &str = "telephony test secret";
const SECOND: Duration = Duration::from_secs(1);

async fn spawn(db: Db, sms_url: Option<String>) -> Option<TestApp> {
    TestApp::spawn_with(db, |c| {
        c.telephony_secret = Some(SECRET.into());
        c.sms_url = sms_url;
        c.outbox_retry_secs = 1;
    })
    .await
}

/// Announces a call as the telephone system does, signed at `timestamp`.
async fn announce(app: &TestApp, body: &Value, timestamp: i64, secret: &str) -> reqwest::Response {
    let body = body.to_string();
    reqwest::Client::new()
        .post(app.url("/api/v1/calls"))
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, sign(secret, timestamp, &body))
        .body(body)
        .send()
        .await
        .unwrap()
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn call_events(client: &reqwest::Client, app: &TestApp) -> reqwest::RequestBuilder {
    client.get(app.url("/api/v1/calls/events"))
}

async fn calls_of(client: &reqwest::Client, app: &TestApp) -> Vec<CallView> {
    let response = client.get(app.url("/api/v1/calls")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json::<CallsResponse>().await.unwrap().calls
}

mod a_call_rings_its_operators_seat_once {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        let app = spawn(Db::Sqlite, None).await.unwrap();
        run(&app).await;
        app.stop().await;
    }

    #[tokio::test]
    async fn postgres() {
        let Some(app) = spawn(Db::Postgres, None).await else {
            return;
        };
        run(&app).await;
        app.stop().await;
    }
}

async fn run(app: &TestApp) {
    let (seat, operator) = staff_client_named(app, Role::HotlineOperator, &[]).await;
    let (other_seat, _) = staff_client_named(app, Role::HotlineOperator, &[]).await;
    let mut mine = Events::open(call_events(&seat, app)).await;
    let mut theirs = Events::open(call_events(&other_seat, app)).await;
    let call = json!({"call_id": "cti-0001", "caller": "+86 139-0000-1234", "operator": operator});

    let t = now();
    let rang = announce(app, &call, t, SECRET).await;
    assert_eq!(rang.status(), 201);
    let view: CallView = rang.json().await.unwrap();
    assert_eq!(view.call_id, "cti-0001");
    assert!(!view.handled);
    assert_eq!(
        mine.next(SECOND).await.map(|(_, data)| data).as_deref(),
        Some("cti-0001"),
        "the operator's seat rings within a second"
    );
    assert_eq!(
        theirs.next(SECOND).await,
        None,
        "another seat hears nothing"
    );
    let listed = calls_of(&seat, app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].caller, "+86 139-0000-1234");
    assert!(calls_of(&other_seat, app).await.is_empty());

    // The same announcement again (a retry, or a replay within the window): the same
    // call, and no second ring.
    let again = announce(app, &call, t, SECRET).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<CallView>().await.unwrap(),
        view,
        "the call as recorded"
    );
    assert_eq!(mine.next(SECOND).await, None, "rung once");
    assert_eq!(calls_of(&seat, app).await.len(), 1);

    // Refused: a replay from outside the window, a wrong secret, no signature, a
    // signature over another body.
    let late = json!({"call_id": "cti-0002", "caller": "13900001234", "operator": operator});
    expect_error(
        announce(app, &late, t - 301, SECRET).await,
        401,
        "unauthenticated",
    )
    .await;
    expect_error(
        announce(app, &late, t, "not the secret").await,
        401,
        "unauthenticated",
    )
    .await;
    let unsigned = reqwest::Client::new()
        .post(app.url("/api/v1/calls"))
        .json(&late)
        .send()
        .await
        .unwrap();
    expect_error(unsigned, 401, "unauthenticated").await;
    let swapped = reqwest::Client::new()
        .post(app.url("/api/v1/calls"))
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, t.to_string())
        .header(SIGNATURE_HEADER, sign(SECRET, t, &call.to_string()))
        .body(late.to_string())
        .send()
        .await
        .unwrap();
    expect_error(swapped, 401, "unauthenticated").await;
    assert_eq!(mine.next(SECOND).await, None, "nothing refused rang");

    // Signed but wrong: unreadable, an invalid number, an operator who is not one.
    let garbled = announce(app, &json!(["cti-0003"]), t, SECRET).await;
    expect_error(garbled, 400, "bad_request").await;
    let bad = json!({"call_id": "cti 3", "caller": "call me", "operator": operator});
    let refused = expect_error(
        announce(app, &bad, t, SECRET).await,
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
    assert_eq!(fields, ["call_id", "caller"]);
    let (_, dispatcher) = staff_client_named(app, Role::Dispatcher, &[]).await;
    for who in [dispatcher.as_str(), "nobody"] {
        let wrong = json!({"call_id": "cti-0004", "caller": "13900001234", "operator": who});
        let refused = expect_error(
            announce(app, &wrong, t, SECRET).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(refused.error.fields[0].field, "operator");
    }

    // Only operators hear or list calls.
    let handler = staff_client(app, Role::UnitHandler, &[]).await;
    let response = call_events(&handler, app).send().await.unwrap();
    expect_error(response, 403, "forbidden").await;
    let response = handler.get(app.url("/api/v1/calls")).send().await.unwrap();
    expect_error(response, 403, "forbidden").await;
}

/// Without a configured secret no call is taken, however it is signed.
#[tokio::test]
async fn no_call_is_taken_without_a_telephony_secret() {
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    let (_, operator) = staff_client_named(&app, Role::HotlineOperator, &[]).await;
    let call = json!({"call_id": "cti-0001", "caller": "13900001234", "operator": operator});
    expect_error(
        announce(&app, &call, now(), "").await,
        401,
        "unauthenticated",
    )
    .await;
    app.stop().await;
}

/// Two processes on one PostgreSQL database: the telephone system announces the call to
/// one, the operator's console is connected to the other.
#[tokio::test]
async fn a_call_announced_to_one_process_rings_on_another() {
    let Some(a) = spawn(Db::Postgres, None).await else {
        return;
    };
    let b = a
        .spawn_beside(|c| c.telephony_secret = Some(SECRET.into()))
        .await;
    let (seat, operator) = staff_client_named(&b, Role::HotlineOperator, &[]).await;
    let mut events = Events::open(call_events(&seat, &b)).await;
    let call = json!({"call_id": "cti-two", "caller": "13900001234", "operator": operator});
    assert_eq!(announce(&a, &call, now(), SECRET).await.status(), 201);
    assert_eq!(
        events.next(SECOND).await.map(|(_, data)| data).as_deref(),
        Some("cti-two")
    );
    drop(events);
    b.stop().await;
    a.stop().await;
}

mod a_caller_is_found_and_filed_for_from_the_call {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        run_filing(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        run_filing(Db::Postgres).await;
    }
}

async fn run_filing(db: Db) {
    let gateway = SmsGateway::default();
    let url = gateway.start(|_, _| false).await;
    let Some(app) = spawn(db, Some(url)).await else {
        return;
    };
    load_demo(&app).await;
    // Filed before by the resident, the number written another way.
    let mut earlier = street_light("hotline-earlier-0001");
    earlier["contact_phone"] = json!("+86 139-0000-1234");
    let (status, filed) = file(&app, &earlier).await;
    assert_eq!(status, 201);
    let (_, elsewhere) = file(&app, &street_light("hotline-other-0001")).await;

    // Nobody but those who answer the hotline looks a number up.
    let lookup = |client: &reqwest::Client, phone: &str| {
        client
            .get(app.url("/api/v1/callers/tickets"))
            .query(&[("phone", phone)])
            .send()
    };
    expect_error(
        lookup(&reqwest::Client::new(), "13900001234")
            .await
            .unwrap(),
        401,
        "unauthenticated",
    )
    .await;
    let handler = staff_client(&app, Role::UnitHandler, &["U-CM"]).await;
    expect_error(
        lookup(&handler, "13900001234").await.unwrap(),
        403,
        "forbidden",
    )
    .await;

    let operator_id = sign_in_as(&app, Role::HotlineOperator).await;
    let operator = app
        .store
        .list_staff()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.profile.id == operator_id)
        .unwrap()
        .profile
        .username;
    let call = json!({"call_id": "cti-1001", "caller": "13900001234", "operator": operator});
    assert_eq!(announce(&app, &call, now(), SECRET).await.status(), 201);
    let response = lookup(&app.client, "13900001234").await.unwrap();
    assert_eq!(response.status(), 200);
    let found: CallerTicketsResponse = response.json().await.unwrap();
    let codes: Vec<&str> = found
        .tickets
        .iter()
        .map(|t| t.tracking_code.as_str())
        .collect();
    assert_eq!(codes, [filed.tracking_code.as_str()], "not {elsewhere:?}");
    assert_eq!(found.tickets[0].matter_code, "0201");
    assert_eq!(found.tickets[0].status, filed.status);
    assert!(found.tickets[0].description.contains("路灯"));
    let response = lookup(&app.client, "not a number").await.unwrap();
    let refused = expect_error(response, 422, "validation_failed").await;
    assert_eq!(refused.error.fields[0].field, "phone");

    // The caller's new complaint, filed from the call.
    let from_call = json!({
        "client_id": "hotline-call-1001",
        "matter_code": "0201",
        "description": "来电反映：青松路 12 号路灯又坏了",
        "lon": 120.41, "lat": 36.069,
        "contact_name": "王先生",
        "contact_phone": "13900001234",
        "call_id": "cti-1001",
    });
    let response = app.post_json("/api/v1/tickets", &from_call).await;
    assert_eq!(response.status(), 201);
    let created: TicketCreatedResponse = response.json().await.unwrap();
    let ticket = stored(&app, &created.tracking_code).await;
    assert_eq!(ticket.channel, Channel::Hotline);
    assert_eq!(ticket.call_id.as_deref(), Some("cti-1001"));
    let calls: CallsResponse = app.get("/api/v1/calls").await.json().await.unwrap();
    assert!(calls.calls[0].handled, "the call is settled by its ticket");
    let again = announce(&app, &call, now(), SECRET).await;
    assert_eq!(again.status(), 200);
    assert!(again.json::<CallView>().await.unwrap().handled);
    let found: CallerTicketsResponse = lookup(&app.client, "+86 13900001234")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        found.tickets[0].tracking_code, created.tracking_code,
        "newest first"
    );
    assert_eq!(found.tickets.len(), 2);

    // The caller is texted the tracking code, once.
    eventually(|| !gateway.to("13900001234").is_empty()).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let sent = gateway.to("13900001234");
    assert_eq!(sent.len(), 1, "{sent:?}");
    let text = sent[0].1["text"].as_str().unwrap();
    assert!(text.contains(&created.tracking_code), "{text}");

    // Only staff file from a call.
    let mut public = from_call.clone();
    public["client_id"] = json!("hotline-public-0001");
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&public)
        .send()
        .await
        .unwrap();
    let refused = expect_error(response, 422, "validation_failed").await;
    assert_eq!(refused.error.fields[0].field, "call_id");
    app.stop().await;
}
