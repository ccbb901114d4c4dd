//! Supervision (issue 18): return requests counted for the unit that asked, deadline
//! rules as data, working and clock hours.

use gridline_core::Role;
use gridline_core::api::stats::{RatedTicketsResponse, RatesResponse};
use gridline_core::api::ticket::{Channel, CreateTicketRequest};
use gridline_server::catalogue::cache::ReferenceCache;
use gridline_server::catalogue::import::problems::ImportError;
use gridline_server::catalogue::import::{ImportKind, export::export, import};
use gridline_server::tickets::store::TicketRecord;
use serde_json::json;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::helpers::{
    Db, SmsGateway, TestApp, act, eventually, expect_error, load_demo, sign_in_as,
};
use crate::tickets::{file, street_light};

crate::both_backends!(
    a_return_counts_for_the_unit_that_asked,
    deadline_rules_are_data,
    reports_list_repeat_places_and_callers,
    checkpoints_remind_once_and_show_on_the_board,
    a_consultation_decides_the_responsible_unit,
    a_monthly_topic_gathers_its_class,
    a_seasonal_rise_is_listed_ahead_for_its_unit,
    the_previous_systems_tickets_give_a_last_year,
);

/// Through the API: U-CM hands one street light back (approved, to the housing
/// bureau), asks for another and is refused, and has a third request pending. The
/// figures put the approved return and the rejection on U-CM, none on the bureau that
/// took the ticket over, and the pending request nowhere.
async fn a_return_counts_for_the_unit_that_asked(app: &TestApp) {
    load_demo(app).await;
    let mut codes = Vec::new();
    for n in 0..3 {
        let (_, created) = file(app, &street_light(&format!("device-ret-{n:04}"))).await;
        let stored = app.store.ticket_by_code(&created.tracking_code).await;
        assert_eq!(
            stored.unwrap().unwrap().lead_unit_code.as_deref(),
            Some("U-CM")
        );
        codes.push(created.tracking_code);
    }
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    for code in &codes {
        let r = act(
            app,
            code,
            json!({"action": "request_return", "note": "不属于本单位职责"}),
        )
        .await;
        assert_eq!(r.status(), 200, "{code}");
    }
    sign_in_as(app, Role::Dispatcher).await;
    let approved = act(
        app,
        &codes[0],
        json!({"action": "approve_return", "unit_code": "U-HC"}),
    )
    .await;
    assert_eq!(approved.status(), 200);
    let rejected = act(
        app,
        &codes[1],
        json!({"action": "reject_return", "note": "属于本单位"}),
    )
    .await;
    assert_eq!(rejected.status(), 200);

    sign_in_as(app, Role::Supervisor).await;
    let today = gridline_core::deadline::CHINA_OFFSET;
    let day = time::OffsetDateTime::now_utc().to_offset(today).date();
    let period = format!("from={day}&to={}", day.next_day().unwrap());
    let figures: RatesResponse = app
        .get(&format!("/api/v1/stats/rates?by=unit&{period}"))
        .await
        .json()
        .await
        .unwrap();
    let of = |unit: &str| {
        figures
            .rows
            .iter()
            .find(|r| r.code == unit)
            .map(|r| (r.counts.returns_approved, r.counts.returns_rejected))
            .unwrap_or_default()
    };
    assert_eq!(of("U-CM"), (1, 1), "the unit that asked");
    assert_eq!(of("U-HC"), (0, 0), "the unit that took it over");
    assert_eq!(
        (
            figures.total.counts.returns_approved,
            figures.total.counts.returns_rejected
        ),
        (1, 1),
        "the pending request counts nowhere"
    );
    let listed = |unit: &'static str, measure: &'static str| {
        let period = period.clone();
        async move {
            let list: RatedTicketsResponse = app
                .get(&format!(
                    "/api/v1/stats/tickets?by=unit&code={unit}&{period}&measure={measure}"
                ))
                .await
                .json()
                .await
                .unwrap();
            list.tickets
                .into_iter()
                .map(|t| t.tracking_code)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed("U-CM", "returns_approved").await, [codes[0].clone()]);
    assert_eq!(listed("U-CM", "returns_rejected").await, [codes[1].clone()]);
    assert!(listed("U-HC", "returns_approved").await.is_empty());
}

/// 崂山's practice: handling time by the level of the unit (community 2, street office
/// 3, district department 4 working days), the response in 4 working hours, and one
/// matter type (damaged roads, 0202) in 1 day whoever handles it.
const LEVEL_RULES: &str =
    "matter_code,unit_kind,handling_days,response_hours,response_basis,office_hours
,,,4,working,09:00-12:00 13:30-17:30
,community,2,,,
,street_office,3,,,
,department,4,,,
0202,,1,,,
";

/// Files `matter` in 青松 grid 2 at `now`, as the HTTP handler would.
async fn filed_at(app: &TestApp, matter: &str, now: OffsetDateTime) -> TicketRecord {
    filed_in(app, matter, "D01-S01-C01-G02", now).await
}

fn dues(t: &TicketRecord) -> (Option<&str>, u8, OffsetDateTime, OffsetDateTime) {
    (
        t.lead_unit_code.as_deref(),
        t.tier_days,
        t.response_due.unwrap(),
        t.handling_due.unwrap(),
    )
}

/// Deadline rules are imported with the reference data and decide each dispatch:
/// handling days by the unit's level (a matter type's own rule first), the response in
/// working hours, over the National Day holiday; urgent tickets keep one clock hour;
/// a bad file changes nothing; a header-only file restores the catalogue's tiers.
async fn deadline_rules_are_data(app: &TestApp) {
    load_demo(app).await;
    let store = app.store.as_ref();
    // Wednesday 30 September, 16:00: National Day (1-7 October) comes next; Saturday
    // 10 October is worked.
    let eve = datetime!(2026-09-30 16:00 +08:00);

    // No rules: the catalogue's tier (楼道堆物 0402: 3 days) and 4 clock hours.
    let t = filed_at(app, "0402", eve).await;
    assert_eq!(
        dues(&t),
        (
            Some("U-C0101"),
            3,
            datetime!(2026-09-30 20:00 +08:00),
            datetime!(2026-10-10 23:59:59 +08:00)
        )
    );

    // A bad file is refused whole, each problem said, and nothing changes.
    let bad = format!("{LEVEL_RULES}9999,,2,,,\n,planet,2,,,\n");
    match import(store, ImportKind::Deadlines, &bad).await {
        Err(ImportError::Invalid(problems)) => {
            let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
            assert_eq!(problems.len(), 2, "{text:?}");
            assert!(
                text.iter()
                    .any(|p| p.contains("unknown unit_kind \"planet\""))
            );
            assert!(
                text.iter()
                    .any(|p| p.contains("9999 is not in the catalogue"))
            );
        }
        other => panic!("a bad file was not refused: {other:?}"),
    }
    assert_eq!(filed_at(app, "0402", eve).await.tier_days, 3);

    import(store, ImportKind::Deadlines, LEVEL_RULES)
        .await
        .unwrap();
    assert_eq!(
        export(store, ImportKind::Deadlines).await.unwrap(),
        LEVEL_RULES,
        "exported as imported"
    );
    // A community: 2 working days (8 and 9 October); 1.5 working hours on the 30th,
    // 2.5 on the 8th.
    let t = filed_at(app, "0402", eve).await;
    assert_eq!(
        dues(&t),
        (
            Some("U-C0101"),
            2,
            datetime!(2026-10-08 11:30 +08:00),
            datetime!(2026-10-09 23:59:59 +08:00)
        )
    );
    // A district department: 4 working days, counting the worked Saturday.
    let t = filed_at(app, "0201", eve).await;
    assert_eq!(
        dues(&t),
        (
            Some("U-CM"),
            4,
            datetime!(2026-10-08 11:30 +08:00),
            datetime!(2026-10-12 23:59:59 +08:00)
        )
    );
    // The matter type's own rule beats the level's.
    let t = filed_at(app, "0202", eve).await;
    assert_eq!(
        (t.lead_unit_code.as_deref(), t.tier_days),
        (Some("U-HC"), 1)
    );
    assert_eq!(t.handling_due, Some(datetime!(2026-10-08 23:59:59 +08:00)));
    // Urgent (a lift with people in it): one clock hour, whatever the rules count in.
    let t = filed_at(app, "0401", eve).await;
    assert_eq!(t.response_due, Some(datetime!(2026-09-30 17:00 +08:00)));
    assert_eq!(t.tier_days, 2);

    // The running server took the rules up without a restart.
    let (_, created) = file(
        app,
        &json!({"matter_code": "0402", "description": "楼道里堆满了杂物", "lon": 120.41, "lat": 36.069}),
    )
    .await;
    let stored = store.ticket_by_code(&created.tracking_code).await.unwrap();
    let stored = stored.unwrap();
    assert_eq!(
        (stored.lead_unit_code.as_deref(), stored.tier_days),
        (Some("U-C0101"), 2)
    );

    // A header only: back to the catalogue's tiers and clock hours.
    let header = LEVEL_RULES.lines().next().unwrap();
    import(store, ImportKind::Deadlines, header).await.unwrap();
    let t = filed_at(app, "0402", eve).await;
    assert_eq!(
        (t.tier_days, t.response_due),
        (3, Some(datetime!(2026-09-30 20:00 +08:00)))
    );
}

/// Migration 0027 rebuilds SQLite's tickets table (a CHECK cannot be altered). On a
/// database migrated up to 0026 with tickets, a merged one and their timelines, the
/// migrations from 0027 on keep every row and column, the indexes, and the keys that
/// point at the table; and 2 working days fit where 61 do not.
#[tokio::test]
async fn rebuilding_the_tickets_table_on_sqlite_keeps_every_ticket() {
    use sqlx::Connection as _;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut db)
        .await
        .unwrap();
    let all = sqlx::migrate!("./migrations/sqlite");
    let mut before_0027 = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/sqlite"
    )))
    .await
    .unwrap();
    before_0027.migrations = before_0027
        .migrations
        .iter()
        .filter(|m| m.version < 27)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before_0027.run(&mut db).await.unwrap();
    let seed = "
        INSERT INTO matter_types (code, name_zh, name_en, tier_days) VALUES ('0201', '路灯', 'Light', 3);
        INSERT INTO tickets (tracking_code, channel, matter_code, address, description, status,
            return_pending, tier_days, urgent, created_at, deadline_estimated, contact_phone)
        VALUES ('AAAA2222', 'resident', '0201', '青松路', '路灯不亮', 'dispatched', 0, 3, 0,
            '2026-10-01T08:00:00Z', 0, '13812345678');
        INSERT INTO tickets (tracking_code, channel, matter_code, address, description, status,
            return_pending, tier_days, urgent, created_at, deadline_estimated, merged_into,
            satisfaction, reopen_count)
        VALUES ('BBBB3333', 'station', '0201', '', '又不亮了', 'closed', 0, 11, 1,
            '2026-10-02T08:00:00Z', 1, 1, 'satisfied', 2);
        INSERT INTO ticket_events (ticket_id, at, kind, public, note)
        VALUES (1, '2026-10-01T08:00:00Z', 'received', 1, ''),
               (2, '2026-10-02T08:00:00Z', 'merged', 0, 'AAAA2222');
    ";
    sqlx::raw_sql(seed).execute(&mut db).await.unwrap();
    let columns = "id, tracking_code, client_id, channel, matter_code, region_code, lon, lat, \
        address, description, contact_name, contact_phone, device_secret_hash, status, \
        return_pending, lead_unit_code, tier_days, urgent, created_at, dispatched_at, \
        response_due, warn_at, handling_due, deadline_estimated, responded_at, resolved_at, \
        closed_at, warned_at, response_overdue_at, overdue_at, satisfaction, reopen_count, \
        review_pending, station_id, consent, merged_into";
    let dump = format!(
        "SELECT json_group_array(json_array({columns})) AS tickets, \
         (SELECT json_group_array(json_array(id, ticket_id, at, kind, note)) \
          FROM ticket_events) AS events, \
         (SELECT group_concat(name) FROM (SELECT name FROM sqlite_master \
          WHERE type = 'index' AND tbl_name = 'tickets' ORDER BY name)) AS indexes \
         FROM (SELECT * FROM tickets ORDER BY id)"
    );
    let read = async |db: &mut sqlx::SqliteConnection| {
        let row: (String, String, String) = sqlx::query_as(sqlx::AssertSqlSafe(dump.clone()))
            .fetch_one(db)
            .await
            .unwrap();
        row
    };
    let before = read(&mut db).await;
    assert!(before.0.contains("BBBB3333") && before.2.contains("tickets_evaluation"));
    all.run(&mut db).await.unwrap();
    let after = read(&mut db).await;
    assert_eq!((&after.0, &after.1), (&before.0, &before.1));
    // Every index is there again (later migrations add their own).
    for index in before.2.split(',') {
        assert!(after.2.split(',').any(|i| i == index), "{index}");
    }
    let dangling = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert!(dangling.is_empty(), "{} dangling keys", dangling.len());
    let on: (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(on.0, 1, "foreign keys are on again");
    sqlx::query("UPDATE tickets SET tier_days = 2 WHERE id = 1")
        .execute(&mut db)
        .await
        .unwrap();
    let refused = sqlx::query("UPDATE tickets SET tier_days = 61 WHERE id = 1")
        .execute(&mut db)
        .await;
    assert!(refused.is_err());
    // The self-reference still holds: a merge into a ticket that is not there is refused.
    let dangling_merge = sqlx::query("UPDATE tickets SET merged_into = 99 WHERE id = 2")
        .execute(&mut db)
        .await;
    assert!(dangling_merge.is_err());
}

mod texts_when_done {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        super::texts_when_done_and_to_ask_for_a_rating(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        super::texts_when_done_and_to_ask_for_a_rating(Db::Postgres).await;
    }

    #[tokio::test]
    async fn without_a_gateway() {
        super::a_text_without_a_gateway_is_given_up_at_once().await;
    }
}

/// Files a street light with `phone`, agreeing to texts or not; its code.
async fn light_with_phone(app: &TestApp, device: &str, phone: &str, consent: bool) -> String {
    let mut body = street_light(device);
    body["contact_phone"] = json!(phone);
    body["sms_consent"] = json!(consent);
    let (status, created) = file(app, &body).await;
    assert_eq!(status, 201);
    created.tracking_code
}

const ANSWER: &str = "已更换灯泡，恢复照明";

async fn resolve_all(app: &TestApp, codes: &[&str]) {
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    for code in codes {
        for body in [
            json!({"action": "accept"}),
            json!({"action": "resolve", "note": ANSWER}),
        ] {
            assert_eq!(act(app, code, body).await.status(), 200, "{code}");
        }
    }
}

/// A resident who agreed when filing is texted through the city's gateway when the
/// ticket is done (with the answer), and asked once for a rating a day later if they
/// have not rated: not before the day is out, not twice, not after rating, and never
/// without their consent.
async fn texts_when_done_and_to_ask_for_a_rating(db: Db) {
    let gateway = SmsGateway::default();
    let url = gateway.start(|_, _| false).await;
    let Some(app) = TestApp::spawn_with(db, |c| {
        c.sms_url = Some(url);
        c.outbox_retry_secs = 1;
        c.public_url = Some("https://12345.example.gov.cn".into());
    })
    .await
    else {
        return;
    };
    load_demo(&app).await;
    // Consent needs a phone to text.
    let mut body = street_light("device-sms-none");
    body.as_object_mut().unwrap().remove("contact_phone");
    body["sms_consent"] = json!(true);
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let refused = expect_error(response, 422, "validation_failed").await;
    assert_eq!(refused.error.fields[0].field, "sms_consent");

    let asked = light_with_phone(&app, "device-sms-0001", "13800005678", true).await;
    let silent = light_with_phone(&app, "device-sms-0002", "13900005678", false).await;
    let rated = light_with_phone(&app, "device-sms-0003", "13700005678", true).await;
    resolve_all(&app, &[&asked, &silent, &rated]).await;
    eventually(|| gateway.to("13800005678").len() == 1 && gateway.to("13700005678").len() == 1)
        .await;
    let done = gateway.to("13800005678")[0].1["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(done.starts_with("【网格通】"), "{done}");
    assert!(done.contains(&asked) && done.contains(ANSWER), "{done}");
    assert!(
        done.contains(&format!("https://12345.example.gov.cn/track/{asked}")),
        "{done}"
    );
    // The third resident rates at once.
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/tickets/{rated}/rating?phone_suffix=5678")))
        .json(&json!({"satisfaction": "satisfied", "comment": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // The job asks a day after the answer, once, whichever process runs it.
    let now = OffsetDateTime::now_utc();
    let job = gridline_server::dispatch::deadlines::run_once;
    let early = job(app.store.as_ref(), now + time::Duration::hours(23)).await;
    assert_eq!(early.unwrap().rating_requests, 0, "not before a day");
    let day = job(app.store.as_ref(), now + time::Duration::hours(25)).await;
    assert_eq!(
        day.unwrap().rating_requests,
        1,
        "the unrated, consenting one"
    );
    let again = job(app.store.as_ref(), now + time::Duration::hours(50)).await;
    assert_eq!(again.unwrap().rating_requests, 0, "once");
    eventually(|| gateway.to("13800005678").len() == 2).await;
    let ask = gateway.to("13800005678")[1].1["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        ask.contains(&asked) && ask.contains("请对办理结果作出评价"),
        "{ask}"
    );
    let ticket = app.store.ticket_by_code(&asked).await.unwrap().unwrap();
    let timeline = app.store.ticket_timeline(ticket.id).await.unwrap();
    assert!(
        timeline
            .iter()
            .any(|e| e.kind == "rating_requested" && !e.public),
        "on the record, for staff"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(gateway.to("13800005678").len(), 2);
    assert!(gateway.to("13900005678").is_empty(), "no consent, no text");
    assert_eq!(gateway.to("13700005678").len(), 1, "rated: not asked");
    app.stop().await;
}

/// With no gateway configured, a consenting resident's text is given up at its first
/// attempt, said why, instead of being tried again and again.
async fn a_text_without_a_gateway_is_given_up_at_once() {
    let app = TestApp::spawn_with(Db::Sqlite, |c| {
        c.sms_url = None;
        c.outbox_retry_secs = 1;
        c.outbox_max_attempts = 5;
    })
    .await
    .unwrap();
    load_demo(&app).await;
    let code = light_with_phone(&app, "device-sms-gone", "13800005678", true).await;
    resolve_all(&app, &[&code]).await;
    let ticket = app.store.ticket_by_code(&code).await.unwrap().unwrap();
    let mut dead = None;
    for _ in 0..100 {
        let items = app.store.outbox_items(ticket.id).await.unwrap();
        dead = items
            .into_iter()
            .find(|row| row.item.kind == "sms" && row.dead_at.is_some());
        if dead.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let dead = dead.expect("given up");
    assert_eq!(dead.item.attempts, 1);
    assert!(dead.last_error.unwrap().contains("GRIDLINE_SMS_URL"));
    app.stop().await;
}

/// The daily report lists the places complained of again (one matter type within the
/// repeat radius) and the phones that filed more than once, masked in the page and in
/// the CSV; a street's report lists only its own.
async fn reports_list_repeat_places_and_callers(app: &TestApp) {
    load_demo(app).await;
    let at = |device: &str, lat: f64, phone: &str| {
        let mut body = street_light(device);
        body["lat"] = json!(lat);
        body["contact_phone"] = json!(phone);
        body
    };
    let mut codes = Vec::new();
    // Three street lights within 30 m, two from one phone written two ways; one 600 m
    // away from a third phone, who also reports a stairwell.
    for body in [
        at("device-rep-0001", 36.0690, "13812345678"),
        at("device-rep-0002", 36.0692, "138 1234 5678"),
        at("device-rep-0003", 36.0693, "13911112222"),
        at("device-rep-0004", 36.0744, "13633334444"),
    ] {
        codes.push(file(app, &body).await.1.tracking_code);
    }
    let mut stairwell = at("device-rep-0005", 36.0744, "13633334444");
    stairwell["matter_code"] = json!("0402");
    codes.push(file(app, &stairwell).await.1.tracking_code);

    sign_in_as(app, Role::Supervisor).await;
    let report: gridline_core::api::stats::ReportResponse = app
        .get("/api/v1/stats/report?kind=daily")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report.repeat_places.len(), 1, "{:?}", report.repeat_places);
    let place = &report.repeat_places[0];
    assert_eq!(
        (place.matter_code.as_str(), place.tickets, &place.codes),
        ("0201", 3, &codes[..3].to_vec())
    );
    assert_eq!(place.address, "青松路 12 号");
    let callers: Vec<(&str, u64, &Vec<String>)> = report
        .repeat_callers
        .iter()
        .map(|c| (c.phone.as_str(), c.tickets, &c.codes))
        .collect();
    assert_eq!(
        callers,
        [
            ("138********", 2, &codes[..2].to_vec()),
            ("136********", 2, &codes[3..].to_vec())
        ],
        "as many tickets: the phone that filed first first"
    );
    assert_eq!(report.repeat_callers[1].matters, ["0201", "0402"]);
    let csv = app
        .get("/api/v1/stats/report.csv?kind=daily")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("重复诉求点位") && csv.contains("重复来电"));
    assert!(csv.contains(&codes[..3].join(" ")));
    assert!(csv.contains("138********"));
    assert!(!csv.contains("13812345678") && !csv.contains("1234 5678"));
    // Another street's report has none of them.
    let other: gridline_core::api::stats::ReportResponse = app
        .get("/api/v1/stats/report?kind=daily&street=D01-S03")
        .await
        .json()
        .await
        .unwrap();
    assert!(other.repeat_places.is_empty() && other.repeat_callers.is_empty());
}

/// A ticket dispatched as complex (4 checkpoints) is checked at a fifth, two fifths,
/// three and four fifths of its handling time: a checkpoint that finds no progress since
/// the one before reminds the unit and puts the ticket on the supervisors' board until
/// the unit acts; each checkpoint is recorded once, also by another process on the
/// same database.
async fn checkpoints_remind_once_and_show_on_the_board(app: &TestApp) {
    use gridline_core::api::ticket::{QueueResponse, TicketView};
    use gridline_server::dispatch::deadlines::run_once;
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-check-0001")).await;
    let code = created.tracking_code.as_str();
    sign_in_as(app, Role::Dispatcher).await;
    for (body, field) in [
        (
            json!({"action": "redispatch", "unit_code": "U-HC", "complexity": 5}),
            "complexity",
        ),
        (
            json!({"action": "supervise", "note": "x", "complexity": 2}),
            "complexity",
        ),
    ] {
        let refused = expect_error(act(app, code, body).await, 422, "validation_failed").await;
        assert_eq!(refused.error.fields[0].field, field);
    }
    let r = act(
        app,
        code,
        json!({"action": "redispatch", "unit_code": "U-HC", "complexity": 4}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let view: TicketView = r.json().await.unwrap();
    assert_eq!((view.complexity, view.stalled), (4, false));
    let ticket = app.store.ticket_by_code(code).await.unwrap().unwrap();
    let (start, due) = (ticket.dispatched_at.unwrap(), ticket.handling_due.unwrap());
    let point = |k: i32| start + (due - start) * k / 5 + time::Duration::seconds(1);
    let store = app.store.as_ref();

    // The first fifth: nothing done yet.
    let s = run_once(store, point(1)).await.unwrap();
    assert_eq!((s.checkpoints, s.stalled), (1, 1));
    let again = run_once(store, point(1)).await.unwrap();
    assert_eq!(again.checkpoints, 0, "once");
    // Another process on the same database finds it done too.
    let beside = app.spawn_beside(|_| {}).await;
    let there = run_once(beside.store.as_ref(), point(1)).await.unwrap();
    assert_eq!(there.checkpoints, 0, "once across processes");
    beside.stop().await;

    sign_in_as(app, Role::Supervisor).await;
    let stalled: QueueResponse = app
        .get("/api/v1/queue?view=stalled")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stalled.tickets.len(), 1);
    assert_eq!(
        (
            stalled.tickets[0].tracking_code.as_str(),
            stalled.tickets[0].stalled
        ),
        (code, true)
    );

    // The unit acts: off the board; the second checkpoint sees the progress.
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-HC").await.unwrap();
    assert_eq!(
        act(app, code, json!({"action": "accept"})).await.status(),
        200
    );
    let s = run_once(store, point(2)).await.unwrap();
    assert_eq!((s.checkpoints, s.stalled), (1, 0));
    sign_in_as(app, Role::Supervisor).await;
    let stalled: QueueResponse = app
        .get("/api/v1/queue?view=stalled")
        .await
        .json()
        .await
        .unwrap();
    assert!(stalled.tickets.is_empty());
    // Late runs catch up one checkpoint a run, then there are no more.
    let late = point(4);
    let third = run_once(store, late).await.unwrap();
    let fourth = run_once(store, late).await.unwrap();
    let none = run_once(store, late).await.unwrap();
    assert_eq!((third.stalled, fourth.stalled, none.checkpoints), (1, 1, 0));
    let ticket = app.store.ticket_by_code(code).await.unwrap().unwrap();
    assert_eq!((ticket.checks_done, ticket.next_check_at), (4, None));
    let kinds: Vec<String> = app
        .store
        .ticket_timeline(ticket.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind.starts_with("checkpoint"))
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "checkpoint_stalled",
            "checkpoint",
            "checkpoint_stalled",
            "checkpoint_stalled"
        ]
    );
}

/// A unit asks to hand a street light back; a dispatcher opens a consultation with the
/// housing bureau; both state their views (a unit not invited cannot); the board shows
/// it to those concerned; the dispatcher decides for the bureau, which approves the
/// return to it, counted for the unit that asked. A second consultation decided for the
/// lead unit leaves the ticket where it is.
async fn a_consultation_decides_the_responsible_unit(app: &TestApp) {
    use gridline_core::api::consult::{Consultation, ConsultationsResponse};
    use gridline_core::api::ticket::TicketView;
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-consult-0001")).await;
    let code = created.tracking_code.as_str();
    let t = format!("/api/v1/tickets/{code}");
    let cm = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(cm, "U-CM").await.unwrap();
    let r = act(
        app,
        code,
        json!({"action": "request_return", "note": "道路照明归住建局管"}),
    )
    .await;
    assert_eq!(r.status(), 200);

    sign_in_as(app, Role::Dispatcher).await;
    let bad = app
        .post_json(
            &format!("{t}/consultation"),
            &json!({"units": ["U-NOPE"], "note": "职责争议"}),
        )
        .await;
    expect_error(bad, 422, "validation_failed").await;
    let opened = app
        .post_json(
            &format!("{t}/consultation"),
            &json!({"units": ["U-HC"], "note": "路灯由谁管？"}),
        )
        .await;
    assert_eq!(opened.status(), 201);
    let opened: Consultation = opened.json().await.unwrap();
    let invited: Vec<&str> = opened.units.iter().map(|u| u.unit_code.as_str()).collect();
    assert_eq!(invited, ["U-CM", "U-HC"]);
    assert!(opened.return_pending);
    let again = app
        .post_json(
            &format!("{t}/consultation"),
            &json!({"units": ["U-TR"], "note": "再开一次"}),
        )
        .await;
    expect_error(again, 409, "conflict").await;

    // The invited state their views; another unit is not heard.
    for (unit, view) in [
        ("U-HC", "路灯属市政照明，本局承办"),
        ("U-CM", "本局不管照明设施"),
    ] {
        let handler = sign_in_as(app, Role::UnitHandler).await;
        app.store.add_staff_unit(handler, unit).await.unwrap();
        let board: ConsultationsResponse =
            app.get("/api/v1/consultations").await.json().await.unwrap();
        assert_eq!(board.consultations.len(), 1, "{unit} sees its invitation");
        let r = app
            .post_json(&format!("{t}/consultation/views"), &json!({"note": view}))
            .await;
        assert_eq!(r.status(), 200, "{unit}");
    }
    let tr = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(tr, "U-TR").await.unwrap();
    let board: ConsultationsResponse = app.get("/api/v1/consultations").await.json().await.unwrap();
    assert!(board.consultations.is_empty(), "not invited");
    let refused = app
        .post_json(
            &format!("{t}/consultation/views"),
            &json!({"note": "我也说两句"}),
        )
        .await;
    expect_error(refused, 403, "forbidden").await;

    // The dispatcher decides for the bureau: the return is approved to it.
    sign_in_as(app, Role::Dispatcher).await;
    let outsider = app
        .post_json(
            &format!("{t}/consultation/decision"),
            &json!({"unit_code": "U-TR", "note": "交通局承办"}),
        )
        .await;
    expect_error(outsider, 422, "validation_failed").await;
    let decided = app
        .post_json(
            &format!("{t}/consultation/decision"),
            &json!({"unit_code": "U-HC", "note": "市政照明归住建局"}),
        )
        .await;
    assert_eq!(decided.status(), 200);
    let decided: Consultation = decided.json().await.unwrap();
    assert_eq!(decided.decided_unit_code.as_deref(), Some("U-HC"));
    assert!(decided.units.iter().all(|u| u.view.is_some()));
    let view: TicketView = app.get(&t).await.json().await.unwrap();
    assert_eq!(view.lead_unit_code.as_deref(), Some("U-HC"));
    assert!(!view.return_pending);
    let kinds: Vec<&str> = view.timeline.iter().map(|e| e.kind.as_str()).collect();
    let tail = &kinds[kinds.len() - 6..];
    assert_eq!(
        tail,
        [
            "request_return",
            "consultation_opened",
            "consultation_view",
            "consultation_view",
            "approve_return",
            "consultation_decided"
        ]
    );
    let board: ConsultationsResponse = app.get("/api/v1/consultations").await.json().await.unwrap();
    assert!(board.consultations.is_empty(), "decided: off the board");
    // The return counts for the unit that asked.
    sign_in_as(app, Role::Supervisor).await;
    let figures: RatesResponse = app
        .get("/api/v1/stats/rates?by=unit")
        .await
        .json()
        .await
        .unwrap();
    let cm_returns = figures
        .rows
        .iter()
        .find(|r| r.code == "U-CM")
        .map(|r| r.counts.returns_approved);
    assert_eq!(cm_returns, Some(1));

    // Without a return request, deciding for the lead unit leaves the ticket there.
    let opened = app
        .post_json(
            &format!("{t}/consultation"),
            &json!({"units": ["U-CM"], "note": "城管认为应由住建局协办"}),
        )
        .await;
    assert_eq!(opened.status(), 201);
    sign_in_as(app, Role::Dispatcher).await;
    let decided = app
        .post_json(
            &format!("{t}/consultation/decision"),
            &json!({"unit_code": "U-HC", "note": "维持"}),
        )
        .await;
    assert_eq!(decided.status(), 200);
    let view: TicketView = app.get(&t).await.json().await.unwrap();
    assert_eq!(view.lead_unit_code.as_deref(), Some("U-HC"));
    let all: ConsultationsResponse = app
        .get(&format!("{t}/consultation"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.consultations.len(), 2);
    assert!(all.consultations.iter().all(|c| c.decided_at.is_some()));
}

/// Waits until the clock has passed into the next whole second (times are stored to
/// the second; what the API does at the server's own "now" cannot be given a time).
async fn next_second() {
    let now = OffsetDateTime::now_utc();
    let into = std::time::Duration::from_nanos(u64::from(now.nanosecond()));
    tokio::time::sleep(std::time::Duration::from_secs(1) - into).await;
}

/// Files `matter` in `grid` at `at`, as the HTTP handler would.
async fn filed_in(app: &TestApp, matter: &str, grid: &str, at: OffsetDateTime) -> TicketRecord {
    let snapshot = ReferenceCache::default()
        .get(app.store.as_ref())
        .await
        .unwrap();
    let request: CreateTicketRequest = serde_json::from_value(json!({
        "matter_code": matter, "description": "专题测试", "region_code": grid
    }))
    .unwrap();
    let filing = gridline_server::tickets::filing::create(
        app.store.as_ref(),
        &snapshot,
        request,
        Channel::Staff,
        at,
    );
    filing.await.unwrap().0
}

/// The dashboard suggests street lights in 东山 street (repeated at one spot, none
/// resolved); a supervisor opens the month's topic on them: it gathers the class's
/// tickets, past and new, across communities (not another street's, not another
/// matter's), counts what is resolved, logs the units' measures with households, and
/// is closed with a look back.
async fn a_monthly_topic_gathers_its_class(app: &TestApp) {
    use gridline_core::api::topic::{Topic, TopicSuggestionsResponse};
    load_demo(app).await;
    let now = OffsetDateTime::now_utc();
    // Past: two months ago, another community of the street.
    let past = filed_in(
        app,
        "0201",
        "D01-S01-C02-G01",
        now - time::Duration::days(60),
    )
    .await;
    // Recent: twice at one spot in 青松 grid 2.
    let (_, a) = file(app, &street_light("device-topic-0001")).await;
    let (_, b) = file(app, &street_light("device-topic-0002")).await;
    // Not of the class: another street, another matter type.
    filed_in(app, "0201", "D01-S02-C01-G01", now).await;
    filed_in(app, "0202", "D01-S01-C01-G02", now).await;

    sign_in_as(app, Role::Supervisor).await;
    let suggested: TopicSuggestionsResponse = app
        .get("/api/v1/topics/suggestions")
        .await
        .json()
        .await
        .unwrap();
    let first = &suggested.most[0];
    assert_eq!(
        (
            first.matter_code.as_str(),
            first.region_code.as_deref(),
            first.received,
            first.repeated,
            first.unresolved
        ),
        ("0201", Some("D01-S01"), 3, 2, 3),
        "{:?}",
        suggested.most
    );
    assert!(suggested.rising.iter().any(|s| s.matter_code == "0201"));

    // Times are kept to the second: the topic opens in a later second than the
    // tickets before it, so the look back can tell them from those filed after.
    next_second().await;
    let bad = app
        .post_json(
            "/api/v1/topics",
            &json!({"month": "2026-13", "title": "路灯", "matter_code": "0201",
                "lead_unit_code": "U-CM"}),
        )
        .await;
    expect_error(bad, 422, "validation_failed").await;
    let opened = app
        .post_json(
            "/api/v1/topics",
            &json!({"month": "2026-12", "title": "东山街道路灯不亮", "matter_code": "0201",
                "region_code": "D01-S01", "lead_unit_code": "U-CM", "unit_codes": ["U-S01"]}),
        )
        .await;
    assert_eq!(opened.status(), 201);
    let topic: Topic = opened.json().await.unwrap();
    assert_eq!(
        (topic.tickets, topic.resolved, topic.communities),
        (3, 0, 2)
    );
    let mut listed: Vec<&str> = topic
        .ticket_list
        .iter()
        .map(|t| t.tracking_code.as_str())
        .collect();
    listed.sort();
    let mut expected = vec![
        past.tracking_code.as_str(),
        &a.tracking_code,
        &b.tracking_code,
    ];
    expected.sort();
    assert_eq!(listed, expected);
    let path = format!("/api/v1/topics/{}", topic.id);

    // A new one joins; U-CM resolves one; the units log their measures.
    let (_, c) = file(app, &street_light("device-topic-0003")).await;
    let cm = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(cm, "U-CM").await.unwrap();
    for body in [
        json!({"action": "accept"}),
        json!({"action": "resolve", "note": "已修复"}),
    ] {
        assert_eq!(act(app, &c.tracking_code, body).await.status(), 200);
    }
    let r = app
        .post_json(
            &format!("{path}/measures"),
            &json!({"note": "全街道路灯排查", "households": 50}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let street = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(street, "U-S01").await.unwrap();
    let r = app
        .post_json(
            &format!("{path}/measures"),
            &json!({"note": "入户告知", "households": 30}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let topic: Topic = r.json().await.unwrap();
    assert_eq!((topic.tickets, topic.resolved, topic.open), (4, 1, 3));
    assert_eq!(topic.households, 80);
    let by: Vec<Option<&str>> = topic
        .measures
        .iter()
        .map(|m| m.unit_code.as_deref())
        .collect();
    assert_eq!(by, [Some("U-CM"), Some("U-S01")]);
    let other = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(other, "U-TR").await.unwrap();
    expect_error(
        app.post_json(&format!("{path}/measures"), &json!({"note": "x"}))
            .await,
        403,
        "forbidden",
    )
    .await;

    // Closed: the look back counts the 90 days before it opened (the past one and the
    // two at the spot) and after it closed (none yet, and not over).
    sign_in_as(app, Role::Supervisor).await;
    let r = app
        .post_json(&format!("{path}/close"), &json!({"note": "路灯全部修复"}))
        .await;
    assert_eq!(r.status(), 200);
    let topic: Topic = r.json().await.unwrap();
    let back = topic.look_back.expect("closed");
    assert_eq!((back.before, back.after, back.complete), (3, 0, false));
    expect_error(
        app.post_json(&format!("{path}/close"), &json!({"note": "again"}))
            .await,
        409,
        "conflict",
    )
    .await;
    expect_error(
        app.post_json(&format!("{path}/measures"), &json!({"note": "late"}))
            .await,
        409,
        "conflict",
    )
    .await;
}

/// Last year, heating complaints in 东山 street rose in the week a year before next
/// week: next week is listed in advance for the heating company (last year's count,
/// the grid, this year's so far), not for another unit; a week below the threshold is
/// not; the company logs a preventive measure against it.
async fn a_seasonal_rise_is_listed_ahead_for_its_unit(app: &TestApp) {
    use gridline_core::api::advance::AdvanceResponse;
    use gridline_server::advance::{YEAR, start_of, this_monday};
    load_demo(app).await;
    let now = OffsetDateTime::now_utc();
    let next = this_monday(now) + time::Duration::weeks(1);
    let last_year = start_of(next) - YEAR + time::Duration::hours(30);
    for i in 0..4 {
        filed_in(
            app,
            "0304",
            "D01-S01-C01-G02",
            last_year + time::Duration::hours(i),
        )
        .await;
    }
    // Once more in the year: the weekly average stays low.
    filed_in(
        app,
        "0304",
        "D01-S01-C01-G02",
        last_year + time::Duration::weeks(20),
    )
    .await;
    // Two street lights that week: under the threshold.
    for i in 0..2 {
        filed_in(
            app,
            "0201",
            "D01-S01-C01-G02",
            last_year + time::Duration::hours(i),
        )
        .await;
    }

    sign_in_as(app, Role::Supervisor).await;
    expect_error(
        app.get("/api/v1/advance?weeks=30").await,
        422,
        "validation_failed",
    )
    .await;
    let all: AdvanceResponse = app
        .get("/api/v1/advance?weeks=4")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.notices.len(), 1, "{:?}", all.notices);
    let notice = &all.notices[0];
    assert_eq!(
        (
            notice.week_from.as_str(),
            notice.matter_code.as_str(),
            notice.street_code.as_str(),
            notice.last_year,
            notice.unit_code.as_deref(),
            notice.this_year
        ),
        (
            next.to_string().as_str(),
            "0304",
            "D01-S01",
            4,
            Some("U-HT"),
            0
        )
    );
    assert_eq!(notice.grids[0].region_code, "D01-S01-C01-G02");
    assert_eq!(notice.grids[0].tickets, 4);

    // The heating company sees it and logs a measure; the transport bureau does not.
    let ht = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(ht, "U-HT").await.unwrap();
    let mine: AdvanceResponse = app.get("/api/v1/advance").await.json().await.unwrap();
    assert_eq!(mine.notices.len(), 1);
    let tuesday = (next + time::Duration::days(1)).to_string();
    let bad = app
        .post_json(
            "/api/v1/advance/measures",
            &json!({"matter_code": "0304", "street_code": "D01-S01", "week_from": tuesday,
                "note": "提前检修"}),
        )
        .await;
    expect_error(bad, 422, "validation_failed").await;
    let logged = app
        .post_json(
            "/api/v1/advance/measures",
            &json!({"matter_code": "0304", "street_code": "D01-S01",
                "week_from": next.to_string(), "note": "提前检修供热管网，入户排查"}),
        )
        .await;
    assert_eq!(logged.status(), 201);
    let mine: AdvanceResponse = app.get("/api/v1/advance").await.json().await.unwrap();
    let measures = &mine.notices[0].measures;
    assert_eq!(measures.len(), 1);
    assert_eq!(measures[0].unit_code.as_deref(), Some("U-HT"));
    let tr = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(tr, "U-TR").await.unwrap();
    let theirs: AdvanceResponse = app.get("/api/v1/advance").await.json().await.unwrap();
    assert!(theirs.notices.is_empty());
}

/// A city going live brings last year from its previous system: the file is checked
/// whole (every bad row listed, nothing written), imported once however often it is
/// run, exported in the same format, and the advance notices count it with
/// Gridline's own tickets. Nothing of it shows in a unit's queue.
async fn the_previous_systems_tickets_give_a_last_year(app: &TestApp) {
    use gridline_core::api::advance::AdvanceResponse;
    use gridline_server::advance::history::{PastTicket, history_csv};
    use gridline_server::advance::{YEAR, start_of, this_monday};
    use gridline_server::cli::history::{HistoryCommand, history_command};
    use time::format_description::well_known::Rfc3339;
    load_demo(app).await;
    let next = this_monday(OffsetDateTime::now_utc()) + time::Duration::weeks(2);
    let at = |hours: i64| {
        (start_of(next) - YEAR + time::Duration::hours(hours))
            .format(&Rfc3339)
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let import_file = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        history_command(app.store.as_ref(), HistoryCommand::Import { file: path })
    };

    let bad = format!(
        "source_id,received_at,matter_code,region_code,unit_code\n\
         A-1,{},0304,D01-S01-C01-G03,U-HT\n\
         A-2,yesterday,0304,D01-S01-C01-G03,U-HT\n\
         A-3,{},9999,D01-S01-C01-G03,U-HT\n\
         A-1,{},0304,NOWHERE,U-NONE\n",
        at(1),
        at(2),
        at(3)
    );
    let err = import_file("bad.csv", bad).await.unwrap_err().to_string();
    for expected in [
        "line 3: received_at \"yesterday\"",
        "line 4: no matter type \"9999\"",
        "line 5: source_id \"A-1\" appears twice",
        "line 5: no region \"NOWHERE\"",
        "line 5: no unit \"U-NONE\"",
    ] {
        assert!(err.contains(expected), "{expected} in {err}");
    }
    let everything = (OffsetDateTime::UNIX_EPOCH, datetime!(2100-01-01 0:00 UTC));
    assert!(
        app.store
            .past_tickets(everything.0, everything.1)
            .await
            .unwrap()
            .is_empty()
    );

    // Heating in 东山 street's 青松 grid 3, three times in the week a year before.
    let mut good = String::from("source_id,received_at,matter_code,region_code,unit_code\n");
    for i in 0..3 {
        good.push_str(&format!(
            "2025-{i:05},{},0304,D01-S01-C01-G03,U-HT\n",
            at(10 + i)
        ));
    }
    good.push_str(&format!("2025-99999,{},0201,,\n", at(40)));
    import_file("good.csv", good.clone()).await.unwrap();
    import_file("again.csv", good).await.unwrap();
    let stored = app
        .store
        .past_tickets(everything.0, everything.1)
        .await
        .unwrap();
    assert_eq!(stored.len(), 4, "imported once");
    let reread = gridline_server::advance::history::parse_history(
        &history_csv(&stored),
        &app.store.list_matter_types().await.unwrap(),
        &app.store.list_regions().await.unwrap(),
        &app.store.list_units().await.unwrap(),
    )
    .unwrap();
    assert_eq!(reread, stored, "the export reads back the same");
    assert_eq!(
        stored[3],
        PastTicket {
            source_id: "2025-99999".into(),
            received_at: start_of(next) - YEAR + time::Duration::hours(40),
            matter_code: "0201".into(),
            region_code: None,
            unit_code: None,
            description: None,
        }
    );

    let ht = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(ht, "U-HT").await.unwrap();
    let mine: AdvanceResponse = app.get("/api/v1/advance").await.json().await.unwrap();
    assert_eq!(mine.notices.len(), 1, "{:?}", mine.notices);
    let notice = &mine.notices[0];
    assert_eq!(
        (
            notice.week_from.as_str(),
            notice.matter_code.as_str(),
            notice.last_year
        ),
        (next.to_string().as_str(), "0304", 3)
    );
    assert_eq!(notice.grids[0].region_code, "D01-S01-C01-G03");
    let queue: serde_json::Value = app
        .get("/api/v1/queue?view=unit")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        queue["tickets"],
        json!([]),
        "past tickets are never handled"
    );
}
