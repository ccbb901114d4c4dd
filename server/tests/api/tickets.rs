//! Tickets end to end through the API: filing and routing, the unit's work, first
//! receiver responsibility, return requests, rating, and the deadline job.

use gridline_core::Role;
use gridline_core::api::ticket::{QueueResponse, TicketCreatedResponse, TicketView};
use gridline_server::dispatch::deadlines;
use serde_json::{Value, json};

use crate::helpers::{TestApp, act, expect_error, load_demo, sign_in_as};

crate::both_backends!(
    filing_routes_at_once_and_is_idempotent,
    a_unit_takes_handles_and_resolves,
    first_receiver_is_responsible,
    deadlines_warn_and_escalate_once_across_restarts,
    dispatchers_add_co_units_and_change_tiers,
    staff_see_their_queues_and_the_actions_open_to_them,
    dissatisfied_reopens_once_then_a_supervisor_decides,
    a_tracking_qr_code_holds_the_tracking_link,
    the_most_filed_matters_come_first,
    guessing_a_proof_stops_at_the_limit,
    queues_come_in_pages,
);

/// A street light out in 青松 grid 2, with a phone number.
pub(crate) fn street_light(client_id: &str) -> Value {
    json!({
        "client_id": client_id,
        "matter_code": "0201",
        "description": "小区门口路灯不亮，晚上很黑",
        "lon": 120.41, "lat": 36.069,
        "address": "青松路 12 号",
        "contact_name": "张三",
        "contact_phone": "13812345678"
    })
}

pub(crate) async fn file(app: &TestApp, body: &Value) -> (u16, TicketCreatedResponse) {
    // Filing as a resident: no session.
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The ticket as the complainant sees it (proving with the phone's last digits).
async fn public_view(app: &TestApp, code: &str) -> TicketView {
    let response = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/tickets/{code}?phone_suffix=5678")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn kinds(view: &TicketView) -> Vec<&str> {
    view.timeline.iter().map(|e| e.kind.as_str()).collect()
}

async fn filing_routes_at_once_and_is_idempotent(app: &TestApp) {
    load_demo(app).await;
    let (status, created) = file(app, &street_light("device-a-0001")).await;
    assert_eq!(status, 201);
    assert_eq!(serde_json::to_value(created.status).unwrap(), "dispatched");
    assert_eq!(created.tracking_code.len(), 8);

    let view = public_view(app, &created.tracking_code).await;
    assert_eq!(view.lead_unit_code.as_deref(), Some("U-CM"));
    assert_eq!(view.region_code.as_deref(), Some("D01-S01-C01-G02"));
    assert_eq!(view.tier_days, 3);
    assert!(view.response_due.unwrap() < view.handling_due.unwrap());
    assert_eq!(kinds(&view), ["received", "dispatched"]);
    // Personal data is masked for anyone who does not handle the ticket.
    assert_eq!(view.contact_phone.as_deref(), Some("138********"));
    assert_eq!(view.contact_name.as_deref(), Some("张*"));
    // Typed loosely (lower case, a dash), the code still finds it.
    let loose = format!(
        "{}-{}",
        &created.tracking_code[..4],
        &created.tracking_code[4..]
    )
    .to_lowercase();
    assert_eq!(
        public_view(app, &loose).await.tracking_code,
        created.tracking_code
    );

    // The same client id again (a retry, a double tap): the same ticket, not a second.
    let (status, again) = file(app, &street_light("device-a-0001")).await;
    assert_eq!(status, 200);
    assert_eq!(again.tracking_code, created.tracking_code);
    // Twice at once (two taps, or the outbox and a reload racing): one ticket.
    for round in 0..5 {
        let body = street_light(&format!("device-a-race-{round}"));
        let ((s1, a), (s2, b)) = tokio::join!(file(app, &body), file(app, &body));
        assert_eq!(a.tracking_code, b.tracking_code, "round {round}");
        let mut statuses = [s1, s2];
        statuses.sort();
        assert_eq!(statuses, [200, 201], "round {round}");
    }

    // No unit for "other": received, waiting for a dispatcher.
    let other =
        json!({"matter_code": "99", "description": "其他问题", "region_code": "D01-S02-C01-G01"});
    let (status, queued) = file(app, &other).await;
    assert_eq!(status, 201);
    assert_eq!(serde_json::to_value(queued.status).unwrap(), "received");
    sign_in_as(app, Role::Dispatcher).await;
    let queue: QueueResponse = app.get("/api/v1/queue").await.json().await.unwrap();
    let codes: Vec<_> = queue
        .tickets
        .iter()
        .map(|t| t.tracking_code.as_str())
        .collect();
    assert_eq!(codes, [queued.tracking_code.as_str()]);

    // Bad input names the field; an unknown code is a 404.
    let body = expect_error(
        reqwest::Client::new()
            .post(app.url("/api/v1/tickets"))
            .json(&json!({"matter_code": "7777", "description": "x"}))
            .send()
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body.error.fields[0].field, "matter_code");

    // Without the right proof a code reveals nothing, not even that it exists.
    let anonymous = reqwest::Client::new();
    let get = |path: String| anonymous.get(app.url(&path)).send();
    let code = &created.tracking_code;
    let unknown = expect_error(
        get("/api/v1/tickets/AAAAAAAA?phone_suffix=5678".into())
            .await
            .unwrap(),
        404,
        "not_found",
    )
    .await;
    let no_proof = expect_error(
        get(format!("/api/v1/tickets/{code}")).await.unwrap(),
        404,
        "not_found",
    )
    .await;
    let wrong = expect_error(
        get(format!("/api/v1/tickets/{code}?phone_suffix=1234"))
            .await
            .unwrap(),
        404,
        "not_found",
    )
    .await;
    assert_eq!(unknown.error.message, no_proof.error.message);
    assert_eq!(unknown.error.message, wrong.error.message);

    // Anonymous filing: the device's secret is the key.
    let secret = "device-secret-0123456789abcdef";
    let anon = json!({"matter_code": "0201", "description": "路灯", "region_code": "D01-S01-C01-G01",
                      "device_secret": secret});
    let (_, filed) = file(app, &anon).await;
    let path = format!("/api/v1/tickets/{}", filed.tracking_code);
    let r = anonymous
        .get(app.url(&path))
        .header("x-device-secret", secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = anonymous
        .get(app.url(&path))
        .header("x-device-secret", "not-the-secret-at-all")
        .send()
        .await
        .unwrap();
    expect_error(r, 404, "not_found").await;
}

async fn a_unit_takes_handles_and_resolves(app: &TestApp) {
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-b-0001")).await;
    let code = created.tracking_code.as_str();
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();

    let queue: QueueResponse = app.get("/api/v1/queue").await.json().await.unwrap();
    assert_eq!(queue.tickets.len(), 1);
    // The handler of the ticket sees the phone number in full.
    assert_eq!(
        queue.tickets[0].contact_phone.as_deref(),
        Some("13812345678")
    );

    assert_eq!(
        act(app, code, json!({"action": "accept"})).await.status(),
        200
    );
    let r = act(
        app,
        code,
        json!({"action": "progress", "note": "已联系路灯所", "public": false}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = act(
        app,
        code,
        json!({"action": "resolve", "note": "已更换灯泡，恢复照明"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let done: TicketView = r.json().await.unwrap();
    assert_eq!(serde_json::to_value(done.status).unwrap(), "done");

    // The complainant sees the public steps only, then rates.
    let public = public_view(app, code).await;
    assert_eq!(
        kinds(&public),
        ["received", "dispatched", "accept", "resolve"]
    );
    assert_eq!(public.timeline[3].note, "已更换灯泡，恢复照明");
    let rated = rate(app, code, "satisfied", "很快").await;
    assert_eq!(rated.status(), 200);
    let rated: TicketView = rated.json().await.unwrap();
    assert_eq!(serde_json::to_value(rated.status).unwrap(), "closed");
    // Rating twice is refused.
    let again = rate(app, code, "dissatisfied", "").await;
    expect_error(again, 409, "conflict").await;
}

async fn first_receiver_is_responsible(app: &TestApp) {
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-c-0001")).await;
    let code = created.tracking_code.as_str();
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();

    // Resolving before accepting is out of order; passing on or closing is not the
    // unit's to do.
    expect_error(
        act(app, code, json!({"action": "resolve", "note": "x"})).await,
        409,
        "conflict",
    )
    .await;
    let body = expect_error(
        act(
            app,
            code,
            json!({"action": "redispatch", "unit_code": "U-HC"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert!(
        body.error.message.contains("退单申请"),
        "{}",
        body.error.message
    );
    expect_error(
        act(app, code, json!({"action": "close"})).await,
        403,
        "forbidden",
    )
    .await;
    // A return request needs a reason.
    let body = expect_error(
        act(app, code, json!({"action": "request_return"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body.error.fields[0].field, "note");
    let r = act(
        app,
        code,
        json!({"action": "request_return", "note": "道路照明归住建局管"}),
    )
    .await;
    assert_eq!(r.status(), 200);

    // The dispatcher decides: approved, re-dispatched to the housing bureau.
    sign_in_as(app, Role::Dispatcher).await;
    let queue: QueueResponse = app.get("/api/v1/queue").await.json().await.unwrap();
    assert!(
        queue
            .tickets
            .iter()
            .any(|t| t.tracking_code == code && t.return_pending)
    );
    let r = act(
        app,
        code,
        json!({"action": "approve_return", "unit_code": "U-HC"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let moved: TicketView = r.json().await.unwrap();
    assert_eq!(moved.lead_unit_code.as_deref(), Some("U-HC"));
    assert!(!moved.return_pending);
    assert_eq!(serde_json::to_value(moved.status).unwrap(), "dispatched");
    assert!(kinds(&moved).ends_with(&["request_return", "approve_return"]));

    // The first unit no longer handles it.
    let other = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(other, "U-CM").await.unwrap();
    expect_error(
        act(app, code, json!({"action": "accept"})).await,
        403,
        "forbidden",
    )
    .await;
}

async fn deadlines_warn_and_escalate_once_across_restarts(app: &TestApp) {
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-d-0001")).await;
    let ticket = app
        .store
        .ticket_by_code(&created.tracking_code)
        .await
        .unwrap()
        .unwrap();
    let (warn_at, due) = (ticket.warn_at.unwrap(), ticket.handling_due.unwrap());
    assert!(ticket.dispatched_at.unwrap() < warn_at && warn_at < due);

    let before = deadlines::run_once(app.store.as_ref(), warn_at - time::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(before.warnings, 0);
    // The response time (4 hours) ran out long before: marked, once.
    assert_eq!(before.response_overdue, 1);
    let warned = deadlines::run_once(app.store.as_ref(), warn_at)
        .await
        .unwrap();
    assert_eq!(warned.warnings, 1);
    assert_eq!(warned.response_overdue, 0);
    let again = deadlines::run_once(app.store.as_ref(), warn_at)
        .await
        .unwrap();
    assert_eq!(again, deadlines::RunSummary::default());

    // "Restart": a new connection, nothing in memory carried over.
    let restarted = gridline_server::store::connect(&app.database_url)
        .await
        .unwrap();
    let overdue = deadlines::run_once(restarted.as_ref(), due + time::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(overdue.overdue, 1);
    assert_eq!(overdue.warnings, 0);
    let once_more = deadlines::run_once(restarted.as_ref(), due + time::Duration::hours(5))
        .await
        .unwrap();
    assert_eq!(once_more, deadlines::RunSummary::default());
    restarted.close().await;

    let timeline = app.store.ticket_timeline(ticket.id).await.unwrap();
    let kinds: Vec<_> = timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "received",
            "dispatched",
            "response_overdue",
            "deadline_warning",
            "overdue",
            "supervise"
        ]
    );
    // Internal notices stay internal.
    let public = public_view(app, &created.tracking_code).await;
    assert_eq!(public.timeline.len(), 2);

    // Supervisors see it on their overdue board.
    sign_in_as(app, Role::Supervisor).await;
    let board: QueueResponse = app.get("/api/v1/queue").await.json().await.unwrap();
    assert_eq!(board.tickets.len(), 1);
    assert_eq!(board.tickets[0].tracking_code, created.tracking_code);
}

async fn dispatchers_add_co_units_and_change_tiers(app: &TestApp) {
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-e-0001")).await;
    let code = created.tracking_code.as_str();
    let before = public_view(app, code).await;

    // Not a dispatcher: refused.
    let lead = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(lead, "U-CM").await.unwrap();
    let co = |unit: &str| json!({"unit_code": unit});
    let path = format!("/api/v1/tickets/{code}/co-units");
    expect_error(app.post_json(&path, &co("U-S01")).await, 403, "forbidden").await;
    assert_eq!(
        act(app, code, json!({"action": "accept"})).await.status(),
        200
    );

    sign_in_as(app, Role::Dispatcher).await;
    let r = app.post_json(&path, &co("U-S01")).await;
    assert_eq!(r.status(), 200);
    let view: TicketView = r.json().await.unwrap();
    assert_eq!(view.co_unit_codes, ["U-S01"]);
    expect_error(app.post_json(&path, &co("U-S01")).await, 409, "conflict").await;
    let body = expect_error(
        app.post_json(&path, &co("U-CM")).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body.error.fields[0].field, "unit_code");

    // A tier change needs 1 to 60 working days and a reason, and moves the deadline.
    let tier_path = format!("/api/v1/tickets/{code}/tier");
    let body = expect_error(
        app.post_json(&tier_path, &json!({"tier_days": 61, "reason": ""}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<_> = body.error.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["tier_days", "reason"]);
    let r = app
        .post_json(
            &tier_path,
            &json!({"tier_days": 11, "reason": "需协调多个部门"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let view: TicketView = r.json().await.unwrap();
    assert_eq!(view.tier_days, 11);
    assert!(view.handling_due.unwrap() > before.handling_due.unwrap());
    assert!(
        view.timeline
            .iter()
            .any(|e| e.kind == "tier_changed" && e.note.contains("3 -> 11") && !e.public)
    );

    // The co-handling unit sees the ticket and reports progress, but cannot resolve it.
    let helper = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(helper, "U-S01").await.unwrap();
    let queue: QueueResponse = app.get("/api/v1/queue").await.json().await.unwrap();
    assert_eq!(queue.tickets.len(), 1);
    let r = act(
        app,
        code,
        json!({"action": "progress", "note": "街道已配合排查线路"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    expect_error(
        act(app, code, json!({"action": "resolve", "note": "x"})).await,
        403,
        "forbidden",
    )
    .await;
}

fn actions(view: &TicketView) -> Vec<&'static str> {
    view.actions.iter().map(|a| a.as_str()).collect()
}

async fn staff_see_their_queues_and_the_actions_open_to_them(app: &TestApp) {
    load_demo(app).await;
    let (_, routed) = file(app, &street_light("device-q-0001")).await;
    // Matter 0201 has no unit in this made-up grid code: it waits for a dispatcher.
    let mut unrouted = street_light("device-q-0002");
    unrouted["lon"] = json!(100.0);
    unrouted["lat"] = json!(20.0);
    let (_, waiting) = file(app, &unrouted).await;

    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    let unit: QueueResponse = app
        .get("/api/v1/queue?view=unit")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unit.tickets.len(), 1);
    assert_eq!(unit.tickets[0].tracking_code, routed.tracking_code);
    assert_eq!(actions(&unit.tickets[0]), ["accept", "request_return"]);
    // A handler has no dispatchers' queue; an unknown view is a validation error.
    expect_error(
        app.get("/api/v1/queue?view=dispatch").await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.get("/api/v1/queue?view=everything").await,
        400,
        "bad_request",
    )
    .await;

    let r = act(app, &routed.tracking_code, json!({"action": "accept"})).await;
    let accepted: TicketView = r.json().await.unwrap();
    assert_eq!(
        actions(&accepted),
        ["progress", "resolve", "request_return"]
    );
    // The public view never lists actions.
    assert!(
        public_view(app, &routed.tracking_code)
            .await
            .actions
            .is_empty()
    );

    sign_in_as(app, Role::Dispatcher).await;
    let dispatch: QueueResponse = app
        .get("/api/v1/queue?view=dispatch")
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = dispatch
        .tickets
        .iter()
        .map(|t| t.tracking_code.as_str())
        .collect();
    assert_eq!(codes, [waiting.tracking_code.as_str()]);
    assert_eq!(actions(&dispatch.tickets[0]), ["dispatch"]);
}

/// The complainant (proving with the phone's last digits) rates a ticket.
async fn rate(app: &TestApp, code: &str, satisfaction: &str, comment: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(&format!("/api/v1/tickets/{code}/rating?phone_suffix=5678")))
        .json(&json!({"satisfaction": satisfaction, "comment": comment}))
        .send()
        .await
        .unwrap()
}

async fn dissatisfied_reopens_once_then_a_supervisor_decides(app: &TestApp) {
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-r-0001")).await;
    let code = created.tracking_code.as_str();
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    let handle = async || {
        for body in [
            json!({"action": "accept"}),
            json!({"action": "resolve", "note": "已修复"}),
        ] {
            assert_eq!(act(app, code, body).await.status(), 200);
        }
    };
    // Rating waits for the unit to be done.
    expect_error(
        rate(app, code, "satisfied", "路灯还是不亮").await,
        409,
        "conflict",
    )
    .await;
    handle().await;

    // The first dissatisfied rating sends it back to the unit, with new deadlines.
    let r = rate(app, code, "dissatisfied", "路灯还是不亮").await;
    assert_eq!(r.status(), 200);
    let reopened: TicketView = r.json().await.unwrap();
    assert_eq!(serde_json::to_value(reopened.status).unwrap(), "dispatched");
    assert_eq!(reopened.reopen_count, 1);
    assert_eq!(reopened.satisfaction, None);
    assert!(!reopened.review_pending);
    assert!(reopened.response_due.unwrap() > reopened.created_at);
    assert_eq!(kinds(&reopened).last(), Some(&"rate_reopen"));
    let queue: QueueResponse = app
        .get("/api/v1/queue?view=unit")
        .await
        .json()
        .await
        .unwrap();
    assert!(queue.tickets.iter().any(|t| t.tracking_code == code));

    // The second time, two taps at once: one rating counts; it goes to a supervisor.
    handle().await;
    let (a, b) = tokio::join!(
        rate(app, code, "dissatisfied", "路灯还是不亮"),
        rate(app, code, "dissatisfied", "路灯还是不亮")
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let view = public_view(app, code).await;
    assert_eq!(serde_json::to_value(view.status).unwrap(), "done");
    assert!(view.review_pending);
    assert_eq!(view.reopen_count, 1);
    assert_eq!(
        serde_json::to_value(view.satisfaction).unwrap(),
        "dissatisfied"
    );
    assert_eq!(
        kinds(&view)
            .iter()
            .filter(|k| k.starts_with("rate"))
            .collect::<Vec<_>>(),
        [&"rate_reopen", &"rate_review"]
    );
    expect_error(
        rate(app, code, "satisfied", "路灯还是不亮").await,
        409,
        "conflict",
    )
    .await;

    // The supervisor sees it for review and may reopen or close it; closing ends it.
    sign_in_as(app, Role::Supervisor).await;
    let queue: QueueResponse = app
        .get("/api/v1/queue?view=review")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.tickets.len(), 1);
    let listed = &queue.tickets[0];
    assert_eq!(listed.tracking_code, code);
    for action in ["reopen", "close"] {
        assert!(
            listed
                .actions
                .iter()
                .any(|a| serde_json::to_value(a).unwrap() == action),
            "{action} in {:?}",
            listed.actions
        );
    }
    let r = act(
        app,
        code,
        json!({"action": "close", "note": "已电话回访说明情况"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let closed: TicketView = r.json().await.unwrap();
    assert_eq!(serde_json::to_value(closed.status).unwrap(), "closed");
    assert!(!closed.review_pending);
    let queue: QueueResponse = app
        .get("/api/v1/queue?view=review")
        .await
        .json()
        .await
        .unwrap();
    assert!(queue.tickets.is_empty());
}

/// Draws the dark rectangles (`M{x} {y}h{w}v{h}H{x}V{y}`) of the server's QR SVG onto
/// a bitmap and reads it back with a QR decoder.
fn decode_qr_svg(svg: &str) -> String {
    let attr = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[start..start + svg[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let (width, height) = (attr("width"), attr("height"));
    let path_start = svg.find(" d=\"").unwrap() + 4;
    let path = &svg[path_start..path_start + svg[path_start..].find('"').unwrap()];
    let mut dark = vec![false; width * height];
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        let numbers: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let [left, top, w, h, ..] = numbers[..] else {
            panic!("unexpected path segment {rect}")
        };
        for y in top..top + h {
            for x in left..left + w {
                dark[y * width + x] = true;
            }
        }
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        if dark[y * width + x] { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the SVG");
    grids[0].decode().unwrap().1
}

async fn a_tracking_qr_code_holds_the_tracking_link(app: &TestApp) {
    let get = |path: String| reqwest::Client::new().get(app.url(&path)).send();
    // Any well-formed code: nothing is said of whether the ticket exists.
    let mut n = 0u8;
    let code = gridline_core::tracking::TrackingCode::generate(|| {
        n = n.wrapping_add(37);
        n
    });
    let code = code.as_str();
    let response = get(format!("/api/v1/tickets/{code}/qr.svg")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let host = response.url().authority().to_owned();
    let svg = response.text().await.unwrap();
    assert_eq!(decode_qr_svg(&svg), format!("http://{host}/track/{code}"));
    // Lower case is read as the code it means.
    let svg = get(format!("/api/v1/tickets/{}/qr.svg", code.to_lowercase()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(decode_qr_svg(&svg).ends_with(&format!("/track/{code}")));
    expect_error(
        get("/api/v1/tickets/not-a-code/qr.svg".into())
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
}

async fn the_most_filed_matters_come_first(app: &TestApp) {
    load_demo(app).await;
    for (i, matter) in ["0201", "0201", "0301", "0201"].iter().enumerate() {
        let mut body = street_light(&format!("device-common-{i:04}"));
        body["matter_code"] = json!(matter);
        assert_eq!(file(app, &body).await.0, 201);
    }
    let common: gridline_core::api::reference::CommonMattersResponse = reqwest::Client::new()
        .get(app.url("/api/v1/catalogue/common"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes = &common.matter_codes;
    assert_eq!(codes[..2], ["0201", "0301"]);
    // Topped up from the catalogue, each code once.
    assert_eq!(codes.len(), 8, "{codes:?}");
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), codes.len());
}

/// Guessing the phone's last four digits: after 20 wrong proofs (or unknown codes) from
/// an address, every attempt from there is refused before it is looked at, the right
/// proof too, on every public way into a ticket; staff who handle it are not affected.
async fn guessing_a_proof_stops_at_the_limit(app: &TestApp) {
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-guess-01")).await;
    let code = created.tracking_code;
    let client = reqwest::Client::new();
    let view = |suffix: &str| {
        client
            .get(app.url(&format!("/api/v1/tickets/{code}?phone_suffix={suffix}")))
            .send()
    };
    assert_eq!(
        view("5678").await.unwrap().status(),
        200,
        "right proofs do not count"
    );
    for guess in 0..19 {
        let response = view(&format!("{:04}", 1000 + guess)).await.unwrap();
        expect_error(response, 404, "not_found").await;
    }
    // An unknown code counts too: the twentieth failure.
    let unknown = client
        .get(app.url("/api/v1/tickets/ZZZZZZZZ?phone_suffix=5678"))
        .send()
        .await
        .unwrap();
    expect_error(unknown, 404, "not_found").await;
    let refused = expect_error(view("5678").await.unwrap(), 429, "rate_limited").await;
    assert!(
        refused.error.message.contains("15 minutes"),
        "{}",
        refused.error.message
    );
    let rating = client
        .post(app.url(&format!("/api/v1/tickets/{code}/rating?phone_suffix=5678")))
        .json(&json!({"satisfaction": "satisfied"}))
        .send()
        .await
        .unwrap();
    expect_error(rating, 429, "rate_limited").await;
    let medium = client
        .get(app.url(&format!(
            "/api/v1/tickets/{code}/media/{}?phone_suffix=5678",
            "a".repeat(64)
        )))
        .send()
        .await
        .unwrap();
    expect_error(medium, 429, "rate_limited").await;
    let follow = client
        .post(app.url("/api/v1/push/subscriptions"))
        .json(&json!({
            "tracking_code": code,
            "phone_suffix": "5678",
            "subscription": {
                "endpoint": "https://push.example.com/send/abc",
                "keys": {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", "auth": "tBHItJI5svbpez7KI4CCXg"}
            }
        }))
        .send()
        .await
        .unwrap();
    expect_error(follow, 429, "rate_limited").await;
    // The unit handling it still opens it (signed in, not guessing).
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    let response = app.get(&format!("/api/v1/tickets/{code}")).await;
    assert_eq!(response.status(), 200);
}

/// Finding 7: a forwarded address counts only from a trusted proxy. Without one
/// configured, `X-Forwarded-For` is anyone's to write and changes nothing; behind a
/// trusted proxy each forwarded client has its own limit.
mod forwarded_addresses {
    use super::*;
    use crate::helpers::Db;

    async fn wrong_proofs(app: &TestApp, code: &str, forwarded_for: &str, n: usize) -> Vec<u16> {
        let client = reqwest::Client::new();
        let mut statuses = Vec::new();
        for guess in 0..n {
            let response = client
                .get(app.url(&format!(
                    "/api/v1/tickets/{code}?phone_suffix={:04}",
                    1000 + guess
                )))
                .header("x-forwarded-for", forwarded_for)
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
        }
        statuses
    }

    async fn run(db: Db, trusted: bool) {
        let Some(app) = TestApp::spawn_with(db, |c| {
            if trusted {
                c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
            }
        })
        .await
        else {
            return;
        };
        load_demo(&app).await;
        let (_, created) = file(&app, &street_light("device-forwarded-01")).await;
        let code = created.tracking_code;
        let limit = gridline_server::http::PROOF_FAILURES;
        let first = wrong_proofs(&app, &code, "203.0.113.1", limit).await;
        assert!(first.iter().all(|s| *s == 404), "{first:?}");
        // Another forwarded address: its own limit only behind a trusted proxy.
        let other = wrong_proofs(&app, &code, "203.0.113.2", 1).await;
        assert_eq!(other, [if trusted { 404 } else { 429 }]);
        // A client's own entries left of the proxy's are not believed.
        let spoofed = wrong_proofs(&app, &code, "198.51.100.9, 203.0.113.1", 1).await;
        assert_eq!(spoofed, [429]);
        app.stop().await;
    }

    #[tokio::test]
    async fn ignored_without_a_trusted_proxy() {
        run(Db::Sqlite, false).await;
    }

    #[tokio::test]
    async fn read_from_a_trusted_proxy() {
        run(Db::Sqlite, true).await;
    }
}

/// Finding 10: the public files at most so many complaints per address and hour
/// (filings at once included); a resend of one filed before still gets its answer;
/// staff are not counted.
#[tokio::test]
async fn anonymous_filing_is_limited_per_address() {
    let app = TestApp::spawn_with(crate::helpers::Db::Sqlite, |c| c.filings_per_hour = 5)
        .await
        .unwrap();
    load_demo(&app).await;
    let filings = (0..12).map(|i| {
        let (client, url) = (reqwest::Client::new(), app.url("/api/v1/tickets"));
        tokio::spawn(async move {
            client
                .post(url)
                .json(&street_light(&format!("flood-{i:04}")))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut statuses = Vec::new();
    for filing in filings.collect::<Vec<_>>() {
        statuses.push(filing.await.unwrap());
    }
    let filed = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(filed, 5, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        7,
        "{statuses:?}"
    );
    // The phone that lost its answer sends one of the five again: the same ticket.
    let first_filed = (0..12)
        .map(|i| format!("flood-{i:04}"))
        .zip(&statuses)
        .find(|(_, s)| **s == 201)
        .unwrap()
        .0;
    let (status, _) = file(&app, &street_light(&first_filed)).await;
    assert_eq!(status, 200);
    let (status, _) = file_raw(&app, &street_light("flood-new")).await;
    assert_eq!(status, 429);
    // Staff file on.
    sign_in_as(&app, Role::Dispatcher).await;
    let staff = app
        .post_json("/api/v1/tickets", &street_light("flood-staff"))
        .await;
    assert_eq!(staff.status(), 201);
    app.stop().await;
}

async fn file_raw(app: &TestApp, body: &Value) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Finding 10: a queue is read a page at a time, never whole.
async fn queues_come_in_pages(app: &TestApp) {
    load_demo(app).await;
    let mut codes = Vec::new();
    for i in 0..5 {
        // Outside every grid: each waits for a dispatcher.
        let mut body = street_light(&format!("paged-{i:04}"));
        body["lon"] = json!(100.0);
        body["lat"] = json!(20.0);
        codes.push(file(app, &body).await.1.tracking_code);
    }
    sign_in_as(app, Role::Dispatcher).await;
    let page = |query: &'static str| async move {
        let response = app
            .get(&format!("/api/v1/queue?view=dispatch{query}"))
            .await;
        assert_eq!(response.status(), 200, "{query}");
        let page: QueueResponse = response.json().await.unwrap();
        let got: Vec<String> = page
            .tickets
            .iter()
            .map(|t| t.tracking_code.clone())
            .collect();
        (got, page.more)
    };
    // Oldest first, two at a time.
    assert_eq!(page("&limit=2").await, (codes[..2].to_vec(), true));
    assert_eq!(
        page("&limit=2&offset=2").await,
        (codes[2..4].to_vec(), true)
    );
    assert_eq!(
        page("&limit=2&offset=4").await,
        (codes[4..].to_vec(), false)
    );
    assert_eq!(page("").await, (codes.clone(), false));
    for bad in ["limit=0", "limit=501", "offset=100001", "limit=x"] {
        let response = app.get(&format!("/api/v1/queue?view=dispatch&{bad}")).await;
        assert!(
            [400, 422].contains(&response.status().as_u16()),
            "{bad}: {}",
            response.status()
        );
    }
}
