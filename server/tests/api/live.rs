//! Live updates: a ticket's event stream and a staff member's queue stream hear each
//! change at once, from this process or another on the same database, and a listener
//! that lost the database says so and listens again.

use std::time::Duration;

use gridline_core::Role;
use serde_json::json;

use crate::helpers::{Db, TestApp, act, load_demo, sign_in_as, staff_client};
use crate::tickets::{file, street_light};

crate::both_backends!(
    a_live_connection_hears_of_each_change,
    a_queue_stream_hears_what_concerns_the_staff_member,
);

const SECOND: Duration = Duration::from_secs(1);

/// Lets the process's listener hear what was just committed (PostgreSQL tells it a few
/// milliseconds after the commit), so a stream opened next hears only what follows.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// An open event stream, read one event at a time.
pub(crate) struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    pub(crate) async fn open(request: reqwest::RequestBuilder) -> Events {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The next `changed` event's id (if it has one) and data, or `None` when none
    /// comes within `wait` (comments, the keep-alives, are skipped).
    pub(crate) async fn next(&mut self, wait: Duration) -> Option<(Option<String>, String)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    event
                        .lines()
                        .find_map(|l| l.strip_prefix(name).map(str::to_owned))
                };
                if let Some(data) = field("data: ") {
                    assert_eq!(field("event: ").as_deref(), Some("changed"), "{event}");
                    return Some((field("id: "), data));
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?;
            self.buffer
                .push_str(std::str::from_utf8(&chunk.unwrap().unwrap()).unwrap());
        }
    }

    /// The next change's timeline entry id.
    async fn next_change(&mut self, wait: Duration) -> Option<i64> {
        let (id, data) = self.next(wait).await?;
        assert_eq!(id.as_deref(), Some(data.as_str()));
        Some(data.parse().unwrap())
    }
}

fn ticket_events(app: &TestApp, code: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new().get(app.url(&format!("/api/v1/tickets/{code}/events")))
}

async fn a_live_connection_hears_of_each_change(app: &TestApp) {
    load_demo(app).await;
    let (_, created) = file(app, &street_light("device-live-0001")).await;
    let code = created.tracking_code.as_str();
    settle().await;
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    let connect = |last: Option<i64>| {
        let mut request = ticket_events(app, code);
        if let Some(last) = last {
            request = request.header("last-event-id", last.to_string());
        }
        Events::open(request)
    };
    let mut live = connect(None).await;
    // Nothing on connecting (an event at once would tell that the code exists).
    assert_eq!(live.next(2 * SECOND).await, None, "quiet without a change");
    let first = app.store.last_event_id(code).await.unwrap().unwrap();
    assert_eq!(
        act(app, code, json!({"action": "accept"})).await.status(),
        200
    );
    let accepted = live.next_change(SECOND).await.expect("within 1 s");
    assert!(accepted > first);
    assert_eq!(
        Some(accepted),
        app.store.last_event_id(code).await.unwrap(),
        "the entry committed"
    );

    // Reconnecting with the last change seen: only what came after.
    drop(live);
    let mut again = connect(Some(accepted)).await;
    assert_eq!(again.next(2 * SECOND).await, None);
    // An unknown code and a malformed one stream nothing (and say nothing of
    // existing), also while a real ticket changes.
    let mut unknown = Events::open(ticket_events(app, "ABCD2345")).await;
    let mut malformed = Events::open(ticket_events(app, "not-a-code")).await;
    let r = act(
        app,
        code,
        json!({"action": "progress", "note": "已联系", "public": true}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(again.next_change(SECOND).await.unwrap() > accepted);
    assert_eq!(unknown.next(SECOND).await, None);
    assert_eq!(malformed.next(SECOND).await, None);
    // Missed while away: not told on reconnecting, whatever Last-Event-ID says (the
    // app reads the ticket again when its stream opens), so a guessed code and a real
    // one look alike on connecting.
    drop(again);
    let r = act(app, code, json!({"action": "resolve", "note": "已修好"})).await;
    assert_eq!(r.status(), 200);
    // The change is heard after its commit: let it pass before connecting, or a busy
    // machine delivers it to the new stream as it opens (seen once on SQLite).
    settle().await;
    for last in [Some(accepted), Some(0), None] {
        let mut back = connect(last).await;
        assert_eq!(back.next(SECOND).await, None, "{last:?}");
    }
}

/// Each staff member's queue stream tells the tracking code of each ticket that
/// concerns their queues as it changes: all of them for a dispatcher, their units' for
/// a unit handler (a ticket transferred away included), and nothing else.
async fn a_queue_stream_hears_what_concerns_the_staff_member(app: &TestApp) {
    load_demo(app).await;
    let queue = |client: reqwest::Client| Events::open(client.get(app.url("/api/v1/queue/events")));
    let mut handler = queue(staff_client(app, Role::UnitHandler, &["U-CM"]).await).await;
    let mut other = queue(staff_client(app, Role::UnitHandler, &["U-TR"]).await).await;
    let mut dispatcher = queue(staff_client(app, Role::Dispatcher, &[]).await).await;

    let (status, created) = file(app, &street_light("device-queue-live-1")).await;
    assert_eq!(status, 201);
    let code = created.tracking_code.as_str();
    for (who, stream) in [("handler", &mut handler), ("dispatcher", &mut dispatcher)] {
        let (id, data) = stream.next(SECOND).await.unwrap_or_else(|| panic!("{who}"));
        assert_eq!(data, code, "{who}");
        assert!(id.is_some(), "{who}");
    }
    assert_eq!(other.next(SECOND).await, None, "another unit's ticket");

    // The unit asks to return it; the dispatcher approves and sends it to U-TR: both
    // units hear of it, each step.
    let asking = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(asking, "U-CM").await.unwrap();
    let ask = act(
        app,
        code,
        json!({"action": "request_return", "note": "不属于本单位"}),
    )
    .await;
    assert_eq!(ask.status(), 200, "{}", ask.text().await.unwrap());
    assert_eq!(
        handler.next(SECOND).await.map(|(_, c)| c).as_deref(),
        Some(code)
    );
    assert_eq!(
        dispatcher.next(SECOND).await.map(|(_, c)| c).as_deref(),
        Some(code)
    );
    sign_in_as(app, Role::Dispatcher).await;
    let approve = act(
        app,
        code,
        json!({"action": "approve_return", "note": "改派", "unit_code": "U-TR"}),
    )
    .await;
    assert_eq!(approve.status(), 200, "{}", approve.text().await.unwrap());
    for stream in [&mut handler, &mut other, &mut dispatcher] {
        assert_eq!(
            stream.next(SECOND).await.map(|(_, c)| c).as_deref(),
            Some(code)
        );
    }
}

/// Two server processes on one PostgreSQL database: a change made through one is heard
/// at once on streams open on the other.
#[tokio::test]
async fn a_change_through_one_process_is_heard_on_another() {
    let Some(a) = TestApp::spawn(Db::Postgres).await else {
        return;
    };
    let b = a.spawn_beside(|_| {}).await;
    load_demo(&a).await;
    let (_, created) = file(&a, &street_light("device-two-processes")).await;
    let code = created.tracking_code.as_str();
    settle().await;
    let mut ticket = Events::open(ticket_events(&b, code)).await;
    let mut queue = Events::open(
        staff_client(&b, Role::Dispatcher, &[])
            .await
            .get(b.url("/api/v1/queue/events")),
    )
    .await;
    let handler = sign_in_as(&a, Role::UnitHandler).await;
    a.store.add_staff_unit(handler, "U-CM").await.unwrap();
    let acted = std::time::Instant::now();
    assert_eq!(
        act(&a, code, json!({"action": "accept"})).await.status(),
        200
    );
    let heard = ticket
        .next_change(SECOND)
        .await
        .expect("heard through B within 1 s");
    assert!(acted.elapsed() < SECOND);
    assert_eq!(Some(heard), a.store.last_event_id(code).await.unwrap());
    assert_eq!(
        queue.next(SECOND).await.map(|(_, c)| c).as_deref(),
        Some(code)
    );
    drop((ticket, queue));
    b.stop().await;
    a.stop().await;
}

/// When the listening connection is lost, every stream is told to look again, and the
/// process listens again by itself.
#[tokio::test]
async fn a_lost_listener_says_so_and_listens_again() {
    use sqlx::Connection;
    let Some(app) = TestApp::spawn(Db::Postgres).await else {
        return;
    };
    load_demo(&app).await;
    let (_, created) = file(&app, &street_light("device-lost-listener")).await;
    let code = created.tracking_code.as_str();
    let mut stream = Events::open(ticket_events(&app, code)).await;
    let mut admin = sqlx::PgConnection::connect(&app.database_url)
        .await
        .unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(ended, [true], "one listening connection per process");
    // The filing's own entries may still be on their way (told after the stream
    // opened); then "look again".
    loop {
        match stream.next(3 * SECOND).await {
            Some((None, data)) => break assert_eq!(data, "0", "look again"),
            Some((Some(_), _)) => continue,
            None => panic!("not told to look again"),
        }
    }
    // Listening again: the next change is heard (the retry waits a second).
    tokio::time::sleep(2 * SECOND).await;
    let handler = sign_in_as(&app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    assert_eq!(
        act(&app, code, json!({"action": "accept"})).await.status(),
        200
    );
    assert!(stream.next_change(2 * SECOND).await.is_some());
    drop(stream);
    admin.close().await.unwrap();
    app.stop().await;
}
