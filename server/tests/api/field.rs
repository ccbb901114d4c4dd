//! Grid workers' sync through the API: each revision stored once (resent, or sent
//! twice at once), late older revisions kept but not current, findings reported upward
//! filed once, verification visits on the ticket, and every record inside the
//! worker's grids.

use gridline_core::Role;
use gridline_core::api::field::{RecordsResponse, SyncRecord, SyncResponse, SyncStatus};
use gridline_core::api::ticket::{Channel, QueueResponse, TicketView};
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, sign_in_as, stored};

crate::both_backends!(
    a_batch_is_stored_once_however_often_it_arrives,
    newer_revisions_win_whatever_the_order,
    findings_reported_upward_become_one_ticket_and_verifications_go_on_it,
    workers_stay_inside_their_grids,
    a_visit_synced_twice_at_once_is_one_entry,
    photos_named_before_uploaders_were_kept_stay_the_workers,
);

const GRID: &str = "D01-S01-C01-G02";
const DEVICE: &str = "device-0123456789";

async fn worker(app: &TestApp) -> i64 {
    gridline_server::catalogue::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
    let id = sign_in_as(app, Role::GridWorker).await;
    app.store.add_staff_grid(id, "D01-S01-C01").await.unwrap();
    id
}

fn finding(record_id: &str, revision: u32, note: &str, outcome: &str) -> Value {
    json!({
        "type": "finding",
        "record_id": record_id,
        "revision": revision,
        "grid_code": GRID,
        "matter_code": "0201",
        "note": note,
        "lon": 120.41, "lat": 36.069, "accuracy_m": 12.0,
        "observed_at": "2026-11-24T02:00:00Z",
        "outcome": outcome,
    })
}

fn batch(records: Vec<Value>) -> Value {
    json!({"device_id": DEVICE, "records": records})
}

/// Uploads the fixture photo in the signed-in worker's session (only they attach it);
/// returns its id.
async fn upload_photo(app: &TestApp) -> String {
    app.client
        .post(app.url("/api/v1/media"))
        .header(
            gridline_core::api::auth::CSRF_HEADER,
            app.csrf_token().await.unwrap(),
        )
        .body(include_bytes!("../fixtures/photo.jpg").to_vec())
        .send()
        .await
        .unwrap()
        .json::<gridline_core::api::media::MediaResponse>()
        .await
        .unwrap()
        .id
}

async fn sync(app: &TestApp, body: &Value) -> SyncResponse {
    let response = app.post_json("/api/v1/field/sync", body).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn statuses(response: &SyncResponse) -> Vec<SyncStatus> {
    response.results.iter().map(|r| r.status).collect()
}

async fn records(app: &TestApp) -> RecordsResponse {
    app.get("/api/v1/field/records").await.json().await.unwrap()
}

async fn a_batch_is_stored_once_however_often_it_arrives(app: &TestApp) {
    worker(app).await;
    let body = batch(
        (0..10)
            .map(|i| finding(&format!("finding-{i:04}"), 1, "井盖松动", "solved_on_spot"))
            .chain([json!({
                "type": "patrol", "record_id": "patrol-0001", "revision": 1, "grid_code": GRID,
                "started_at": "2026-11-24T01:00:00Z",
                "track": [{"at": "2026-11-24T01:00:00Z", "lon": 120.41, "lat": 36.069}]
            })])
            .collect(),
    );
    let first = sync(app, &body).await;
    assert_eq!(statuses(&first), [SyncStatus::Stored; 11]);
    let again = sync(app, &body).await;
    assert_eq!(statuses(&again), [SyncStatus::AlreadyStored; 11]);

    // Twice at once: each record stored by exactly one of them.
    let body = batch(
        (10..30)
            .map(|i| finding(&format!("finding-{i:04}"), 1, "垃圾堆放", "solved_on_spot"))
            .collect(),
    );
    let (a, b) = tokio::join!(sync(app, &body), sync(app, &body));
    for (x, y) in a.results.iter().zip(&b.results) {
        let mut pair = [x.status, y.status];
        pair.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(
            pair,
            [SyncStatus::AlreadyStored, SyncStatus::Stored],
            "{x:?} {y:?}"
        );
    }
    assert_eq!(records(app).await.records.len(), 31);
    // The worker's grids: every grid of the community granted.
    let grids: gridline_core::api::reference::RegionsResponse =
        app.get("/api/v1/field/grids").await.json().await.unwrap();
    let codes: Vec<&str> = grids.regions.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes.len(), 5);
    assert!(
        codes.iter().all(|c| c.starts_with("D01-S01-C01-G")),
        "{codes:?}"
    );
}

async fn newer_revisions_win_whatever_the_order(app: &TestApp) {
    worker(app).await;
    let r2 = sync(
        app,
        &batch(vec![finding("finding-late", 2, "第二版", "solved_on_spot")]),
    )
    .await;
    assert_eq!(r2.results[0].current_revision, Some(2));
    // Revision 1 arrives late: kept in the history, but revision 2 stays current.
    let r1 = sync(
        app,
        &batch(vec![finding("finding-late", 1, "第一版", "solved_on_spot")]),
    )
    .await;
    assert_eq!(r1.results[0].status, SyncStatus::Stored);
    assert_eq!(r1.results[0].current_revision, Some(2));
    let r3 = sync(
        app,
        &batch(vec![finding("finding-late", 3, "第三版", "solved_on_spot")]),
    )
    .await;
    assert_eq!(r3.results[0].current_revision, Some(3));
    let stored = records(app).await.records;
    assert_eq!(stored.len(), 1);
    let SyncRecord::Finding(f) = &stored[0].record else {
        panic!("a finding")
    };
    assert_eq!((f.revision, f.note.as_str()), (3, "第三版"));
}

async fn findings_reported_upward_become_one_ticket_and_verifications_go_on_it(app: &TestApp) {
    worker(app).await;
    let photo = upload_photo(app).await;
    let mut report = finding("finding-up", 1, "路灯不亮，已上报", "report_upward");
    report["media"] = json!([photo]);
    let body = batch(vec![report.clone()]);
    let (a, b) = tokio::join!(sync(app, &body), sync(app, &body));
    let code = a.results[0].ticket_code.clone().expect("a ticket");
    assert_eq!(b.results[0].ticket_code.as_deref(), Some(code.as_str()));
    assert_eq!(a.results[0].media, std::slice::from_ref(&photo));
    // A later revision does not file again.
    report["revision"] = json!(2);
    let later = sync(app, &batch(vec![report])).await;
    assert_eq!(later.results[0].ticket_code.as_deref(), Some(code.as_str()));

    // The ticket: from the grid worker channel, routed like a resident's, one of them.
    let open: QueueResponse = app.get("/api/v1/field/tickets").await.json().await.unwrap();
    assert_eq!(open.tickets.len(), 1);
    let ticket = &open.tickets[0];
    assert_eq!(ticket.tracking_code, code);
    assert_eq!(stored(app, &code).await.channel, Channel::GridWorker);
    assert_eq!(ticket.lead_unit_code.as_deref(), Some("U-CM"));
    assert_eq!(ticket.timeline[0].media[0].id, photo);

    // A verification visit goes on the ticket's timeline, once.
    let mut visit = finding("finding-visit", 1, "回访：灯已亮", "verification");
    visit["ticket_code"] = json!(code);
    let body = batch(vec![visit]);
    sync(app, &body).await;
    sync(app, &body).await;
    let dispatcher_view: TicketView = {
        sign_in_as(app, Role::Dispatcher).await;
        app.get(&format!("/api/v1/tickets/{code}"))
            .await
            .json()
            .await
            .unwrap()
    };
    let visits: Vec<_> = dispatcher_view
        .timeline
        .iter()
        .filter(|e| e.kind == "verification")
        .collect();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].note, "回访：灯已亮");
}

async fn workers_stay_inside_their_grids(app: &TestApp) {
    // Not signed in: 401; signed in without the worker role: 403.
    let anonymous = reqwest::Client::new()
        .post(app.url("/api/v1/field/sync"))
        .json(&batch(vec![]))
        .send()
        .await
        .unwrap();
    expect_error(anonymous, 401, "unauthenticated").await;
    for role in [
        Role::Station,
        Role::Dispatcher,
        Role::UnitHandler,
        Role::Supervisor,
        Role::Admin,
    ] {
        sign_in_as(app, role).await;
        let response = app.post_json("/api/v1/field/sync", &batch(vec![])).await;
        expect_error(response, 403, "forbidden").await;
        expect_error(app.get("/api/v1/field/records").await, 403, "forbidden").await;
    }

    worker(app).await;
    let mut elsewhere = finding("finding-away", 1, "不是我的网格", "solved_on_spot");
    elsewhere["grid_code"] = json!("D01-S02-C01-G01");
    let mut unknown_ticket = finding("finding-what", 1, "回访", "verification");
    unknown_ticket["ticket_code"] = json!("ABCDEFG2");
    let response = sync(
        app,
        &batch(vec![
            elsewhere,
            unknown_ticket,
            finding("finding-ok", 1, "好的", "solved_on_spot"),
        ]),
    )
    .await;
    assert_eq!(
        statuses(&response),
        [
            SyncStatus::Rejected,
            SyncStatus::Rejected,
            SyncStatus::Stored
        ]
    );
    assert!(
        response.results[0]
            .message
            .as_deref()
            .unwrap()
            .contains("not one you patrol")
    );
    // A bad device id refuses the batch.
    let response = app
        .post_json(
            "/api/v1/field/sync",
            &json!({"device_id": "x", "records": []}),
        )
        .await;
    expect_error(response, 422, "validation_failed").await;
}

/// Finding 16: a verification visit's entry and its link are written together, so one
/// revision synced twice at once (two tabs, a retry racing the first answer) is one
/// entry on the ticket.
async fn a_visit_synced_twice_at_once_is_one_entry(app: &TestApp) {
    worker(app).await;
    let report = finding("finding-raced", 1, "路灯不亮", "report_upward");
    let code = sync(app, &batch(vec![report])).await.results[0]
        .ticket_code
        .clone()
        .expect("a ticket");
    let rounds = 6;
    for round in 0..rounds {
        let mut visit = finding(&format!("visit-raced-{round}"), 1, "回访", "verification");
        visit["ticket_code"] = json!(code);
        let body = batch(vec![visit]);
        let (a, b) = tokio::join!(sync(app, &body), sync(app, &body));
        assert_eq!(a.results[0].ticket_code.as_deref(), Some(code.as_str()));
        assert_eq!(b.results[0].ticket_code.as_deref(), Some(code.as_str()));
    }
    let ticket = app.store.ticket_by_code(&code).await.unwrap().unwrap();
    let visits = app
        .store
        .ticket_timeline(ticket.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "verification")
        .count();
    assert_eq!(visits, rounds, "one entry per visit");
}

/// Migration 0024 keeps who uploaded each medium. A finding synced before it names its
/// photo, and the worker's next revision names it again: the migration's backfill
/// (run here again on a database that has no uploader for it, as one migrated from
/// before) makes it the worker's, so the revision is stored, not refused.
async fn photos_named_before_uploaders_were_kept_stay_the_workers(app: &TestApp) {
    use sqlx::Connection as _;
    worker(app).await;
    let photo = upload_photo(app).await;
    let mut found = finding("finding-old-photo", 1, "井盖松动", "solved_on_spot");
    found["media"] = json!([photo]);
    let first = sync(app, &batch(vec![found.clone()])).await;
    assert_eq!(first.results[0].status, SyncStatus::Stored);

    // As before the migration: nobody is known to have uploaded it.
    let migration = match app.db {
        crate::helpers::Db::Sqlite => {
            include_str!("../../migrations/sqlite/0024_media_uploaders.sql")
        }
        crate::helpers::Db::Postgres => {
            include_str!("../../migrations/postgres/0024_media_uploaders.sql")
        }
    };
    let backfill = &migration[migration.find("-- Media named before").unwrap()..];
    let run = async |sql: &str| match app.db {
        crate::helpers::Db::Sqlite => {
            let mut db = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut db)
                .await
                .unwrap();
        }
        crate::helpers::Db::Postgres => {
            let mut db = sqlx::PgConnection::connect(&app.database_url)
                .await
                .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut db)
                .await
                .unwrap();
        }
    };
    run("DELETE FROM media_uploaders").await;
    found["revision"] = json!(2);
    found["note"] = json!("井盖松动，已固定");
    let refused = sync(app, &batch(vec![found.clone()])).await;
    assert_eq!(refused.results[0].status, SyncStatus::Rejected);

    run(backfill).await;
    found["revision"] = json!(3);
    let stored = sync(app, &batch(vec![found])).await;
    assert_eq!(
        stored.results[0].status,
        SyncStatus::Stored,
        "{:?}",
        stored.results[0].message
    );
    assert_eq!(stored.results[0].media, [photo]);
}
