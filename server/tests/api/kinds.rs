//! The kinds of request (issue 17): 民生 by default, 发展 with an enterprise's name and
//! checked credit code (the public's on the enterprise channel), 执法 only from streets
//! and departments; the kind on every ticket and a filter in the queues and reports.

use gridline_core::Role;
use gridline_core::api::stats::ReportResponse;
use gridline_core::api::ticket::{
    Channel, QueueResponse, RequestKind, TicketCreatedResponse, valid_credit_code,
};
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, load_demo, sign_in_as, stored};

crate::both_backends!(
    kinds_are_checked_at_filing_and_kept,
    queues_and_reports_filter_by_kind
);

/// A valid unified social credit code (its last character is the check).
const CREDIT_CODE: &str = "91350100M000100Y43";

/// A ticket with no place: it waits for the dispatchers.
fn unplaced(client_id: &str, kind: Option<&str>) -> Value {
    let mut body = json!({
        "client_id": client_id,
        "matter_code": "0201",
        "description": "厂区门口的路灯坏了，影响夜间进出货",
        "contact_phone": "13800002222",
    });
    if let Some(kind) = kind {
        body["kind"] = json!(kind);
    }
    if kind == Some("development") {
        body["enterprise_name"] = json!("青岛某某精密制造有限公司");
        body["credit_code"] = json!(CREDIT_CODE);
    }
    body
}

async fn file_public(app: &TestApp, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn fields_of(response: reqwest::Response) -> Vec<String> {
    expect_error(response, 422, "validation_failed")
        .await
        .error
        .fields
        .into_iter()
        .map(|f| f.field)
        .collect()
}

#[test]
fn credit_codes_are_checked_by_their_last_character() {
    assert!(valid_credit_code(CREDIT_CODE));
    assert!(valid_credit_code("91330100799655058B"));
    assert!(!valid_credit_code("91350100M000100Y44"), "wrong check");
    assert!(!valid_credit_code("91350100M000100Y4"), "17 characters");
    assert!(
        !valid_credit_code("91350100I000100Y43"),
        "I is not in the alphabet"
    );
}

async fn kinds_are_checked_at_filing_and_kept(app: &TestApp) {
    load_demo(app).await;
    // An enterprise files through the public API: the enterprise channel.
    let response = file_public(app, &unplaced("kind-dev-0001", Some("development"))).await;
    assert_eq!(response.status(), 201);
    let created: TicketCreatedResponse = response.json().await.unwrap();
    let ticket = stored(app, &created.tracking_code).await;
    assert_eq!(ticket.channel, Channel::Enterprise);
    assert_eq!(ticket.kind, RequestKind::Development);
    assert_eq!(ticket.credit_code.as_deref(), Some(CREDIT_CODE));
    let view: Value = reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/tickets/{}?phone_suffix=2222",
            created.tracking_code
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["kind"], "development");
    assert_eq!(view["enterprise_name"], "青岛某某精密制造有限公司");

    // The default is 民生, without enterprise fields.
    let (status, plain) = crate::tickets::file(app, &unplaced("kind-liv-0001", None)).await;
    assert_eq!(status, 201);
    let plain = stored(app, &plain.tracking_code).await;
    assert_eq!(
        (plain.kind, plain.channel),
        (RequestKind::Livelihood, Channel::Resident)
    );

    // Refused: a development request without its enterprise, or with a code whose check
    // fails; enterprise fields on another kind; an unknown kind.
    let mut bare = unplaced("kind-dev-0002", Some("development"));
    bare["enterprise_name"] = json!(" ");
    bare["credit_code"] = json!("91350100M000100Y44");
    assert_eq!(
        fields_of(file_public(app, &bare).await).await,
        ["enterprise_name", "credit_code"]
    );
    let mut mixed = unplaced("kind-liv-0002", None);
    mixed["credit_code"] = json!(CREDIT_CODE);
    assert_eq!(
        fields_of(file_public(app, &mixed).await).await,
        ["credit_code"]
    );
    let unknown = file_public(app, &unplaced("kind-xxx-0001", Some("tax"))).await;
    assert_eq!(unknown.status(), 422);

    // 执法 comes from the streets and departments only.
    let enforcement = unplaced("kind-enf-0001", Some("enforcement"));
    assert_eq!(
        fields_of(file_public(app, &enforcement).await).await,
        ["kind"]
    );
    sign_in_as(app, Role::HotlineOperator).await;
    assert_eq!(
        fields_of(app.post_json("/api/v1/tickets", &enforcement).await).await,
        ["kind"]
    );
    sign_in_as(app, Role::UnitHandler).await;
    let response = app.post_json("/api/v1/tickets", &enforcement).await;
    assert_eq!(response.status(), 201);
    let filed: TicketCreatedResponse = response.json().await.unwrap();
    let filed = stored(app, &filed.tracking_code).await;
    assert_eq!(
        (filed.kind, filed.channel),
        (RequestKind::Enforcement, Channel::Staff)
    );
}

async fn queues_and_reports_filter_by_kind(app: &TestApp) {
    load_demo(app).await;
    let mut codes = Vec::new();
    for (id, kind) in [
        ("kind-q-0001", None),
        ("kind-q-0002", Some("development")),
        ("kind-q-0003", None),
    ] {
        let response = file_public(app, &unplaced(id, kind)).await;
        assert_eq!(response.status(), 201);
        codes.push(
            response
                .json::<TicketCreatedResponse>()
                .await
                .unwrap()
                .tracking_code,
        );
    }
    sign_in_as(app, Role::Dispatcher).await;
    let queue = |query: &'static str| async move {
        let response = app
            .get(&format!("/api/v1/queue?view=dispatch{query}"))
            .await;
        assert_eq!(response.status(), 200);
        let queue: QueueResponse = response.json().await.unwrap();
        queue
            .tickets
            .into_iter()
            .map(|t| (t.tracking_code, t.kind))
            .collect::<Vec<_>>()
    };
    assert_eq!(queue("").await.len(), 3);
    assert_eq!(
        queue("&kind=development").await,
        [(codes[1].clone(), RequestKind::Development)]
    );
    assert_eq!(queue("&kind=livelihood").await.len(), 2);
    assert!(queue("&kind=enforcement").await.is_empty());
    assert_eq!(app.get("/api/v1/queue?kind=tax").await.status(), 400);

    let report = |query: &'static str| async move {
        let response = app.get(&format!("/api/v1/stats/report{query}")).await;
        assert_eq!(response.status(), 200);
        response.json::<ReportResponse>().await.unwrap()
    };
    let all = report("").await;
    assert_eq!(all.received.current, 3);
    assert_eq!(all.request_kind, None);
    assert!(all.enquiries.is_some());
    let development = report("?request_kind=development").await;
    assert_eq!(development.received.current, 1);
    assert_eq!(development.request_kind, Some(RequestKind::Development));
    assert_eq!(
        development.enquiries, None,
        "enquiries are no ticket of a kind"
    );
    assert_eq!(report("?request_kind=livelihood").await.received.current, 2);
    let csv = app
        .get("/api/v1/stats/report.csv?request_kind=development")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("诉求类型 Kind of request,发展 Development"),
        "{csv}"
    );
}
