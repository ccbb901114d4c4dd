//! Test harness: a real server on 127.0.0.1:0 with a fresh database per test.
//!
//! PostgreSQL: each test creates its own database through the admin URL in
//! `GRIDLINE_TEST_POSTGRES_URL` (scripts/test.sh starts the cluster and sets it) and
//! drops it afterwards. Without that variable, PostgreSQL tests are skipped with a loud
//! message, except under `CI=true`, where they fail.

use std::path::Path;

use gridline_server::{AppState, Config, store};
use sqlx::Connection;
use tempfile::TempDir;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub db: Db,
    pub base: String,
    pub client: reqwest::Client,
    _dir: TempDir,
    pub database_url: String,
    /// The server's own store (tests may close it to see the server cope).
    pub store: gridline_server::SharedStore,
    /// The server's media store (tests read back what it stored).
    pub media: gridline_server::media::MediaStore,
    csrf: std::sync::Mutex<Option<String>>,
    pg_database: Option<(String, String)>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// A fake built app: an index.html with an inline loader script, a hashed asset and a
/// service worker, as Trunk would write them.
pub const TEST_INDEX_HTML: &str = "<!doctype html><html><head>\
<script type=\"module\">import init from '/gridline-app-0123456789abcdef.js';await init();</script>\
</head><body></body></html>";

/// The staff app's shell in the test dist (its own loader script, so its own hash).
pub const TEST_STAFF_HTML: &str = "<!doctype html><html><head>\
<script type=\"module\">import init from '/staff/gridline-staff-0123456789abcdef.js';await init();</script>\
</head><body></body></html>";

/// The field app's shell in the test dist.
pub const TEST_FIELD_HTML: &str = "<!doctype html><html><head>\
<script type=\"module\">import init from '/field/gridline-field-0123456789abcdef.js';await init();</script>\
</head><body></body></html>";

/// The statistics app's shell in the test dist.
pub const TEST_STATS_HTML: &str = "<!doctype html><html><head>\
<script type=\"module\">import init from '/stats/gridline-stats-0123456789abcdef.js';await init();</script>\
</head><body></body></html>";

/// The hotline console's shell in the test dist.
pub const TEST_HOTLINE_HTML: &str = "<!doctype html><html><head>\
<script type=\"module\">import init from '/hotline/gridline-hotline-0123456789abcdef.js';await init();</script>\
</head><body></body></html>";

/// The station app's shell in the test dist.
pub const TEST_STATION_HTML: &str = "<!doctype html><html><head>\
<script type=\"module\">import init from '/station/gridline-station-0123456789abcdef.js';await init();</script>\
</head><body></body></html>";

fn write_fake_dist(dir: &Path) {
    std::fs::create_dir_all(dir.join("staff")).unwrap();
    std::fs::create_dir_all(dir.join("field")).unwrap();
    std::fs::write(dir.join("index.html"), TEST_INDEX_HTML).unwrap();
    std::fs::write(dir.join("staff").join("index.html"), TEST_STAFF_HTML).unwrap();
    std::fs::write(dir.join("field").join("index.html"), TEST_FIELD_HTML).unwrap();
    std::fs::create_dir_all(dir.join("station")).unwrap();
    std::fs::write(dir.join("station").join("index.html"), TEST_STATION_HTML).unwrap();
    std::fs::create_dir_all(dir.join("stats")).unwrap();
    std::fs::write(dir.join("stats").join("index.html"), TEST_STATS_HTML).unwrap();
    std::fs::create_dir_all(dir.join("hotline")).unwrap();
    std::fs::write(dir.join("hotline").join("index.html"), TEST_HOTLINE_HTML).unwrap();
    std::fs::write(
        dir.join("gridline-app-0123456789abcdef.js"),
        "export default 1;",
    )
    .unwrap();
    std::fs::write(
        dir.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    // An asset with the compressed copies scripts/precompress.mjs writes (the bytes
    // only mark which file was sent).
    let wasm = dir.join("gridline-app-0123456789abcdef_bg.wasm");
    std::fs::write(&wasm, TEST_WASM).unwrap();
    std::fs::write(wasm.with_extension("wasm.br"), b"brotli copy").unwrap();
    std::fs::write(wasm.with_extension("wasm.gz"), b"gzip copy").unwrap();
}

/// The test dist's wasm, uncompressed.
pub const TEST_WASM: &[u8] = b"\0asm\x01\0\0\0";

/// The URL of a service the tests need that scripts/test.sh starts and names in `var`
/// (`what` it is, for the messages). Without it those tests are skipped with a loud
/// message, except under `CI=true`, where they fail.
fn test_service(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but {var} is not set: {what} tests may not be skipped in CI")
        }
        _ => {
            eprintln!(
                "\n!!! SKIPPING {what} test: {var} is not set (scripts/test.sh sets it) !!!\n"
            );
            None
        }
    }
}

fn postgres_admin_url() -> Option<String> {
    test_service("GRIDLINE_TEST_POSTGRES_URL", "PostgreSQL")
}

/// The S3-compatible server the media tests store in (moto).
fn s3_endpoint() -> Option<String> {
    test_service("GRIDLINE_TEST_S3_ENDPOINT", "S3")
}

/// Replaces the database name (the path) of a PostgreSQL URL.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let root = base.rsplit_once('/').map_or(base, |(root, _)| root);
    match query {
        Some(q) => format!("{root}/{database}?{q}"),
        None => format!("{root}/{database}"),
    }
}

impl TestApp {
    /// Starts a server; `None` when the backend is not available (PostgreSQL locally).
    pub async fn spawn(db: Db) -> Option<TestApp> {
        Self::spawn_with(db, |_| {}).await
    }

    pub async fn spawn_with(db: Db, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let data_dir = tempfile::tempdir().unwrap();
        let dist = data_dir.path().join("dist");
        write_fake_dist(&dist);
        let mut config = Config::for_dirs(data_dir.path().join("data"), dist);
        std::fs::create_dir_all(&config.data_dir).unwrap();
        let mut pg_database = None;
        if db == Db::Postgres {
            let admin = postgres_admin_url()?;
            let name = format!("gridline_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to PostgreSQL as the test admin");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            config.database_url = Some(with_database(&admin, &name));
            pg_database = Some((admin, name));
        }
        adjust(&mut config);
        Some(Self::start(db, config, data_dir, pg_database).await)
    }

    /// A second server process on this one's database (a deployment of several
    /// processes): its own memory and listeners, the same data. Stop it first.
    pub async fn spawn_beside(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let data_dir = tempfile::tempdir().unwrap();
        let dist = data_dir.path().join("dist");
        write_fake_dist(&dist);
        let mut config = Config::for_dirs(data_dir.path().join("data"), dist);
        std::fs::create_dir_all(&config.data_dir).unwrap();
        config.database_url = Some(self.database_url.clone());
        adjust(&mut config);
        Self::start(self.db, config, data_dir, None).await
    }

    async fn start(
        db: Db,
        config: Config,
        data_dir: TempDir,
        pg_database: Option<(String, String)>,
    ) -> TestApp {
        let database_url = config.database_url();
        let store = store::connect(&database_url).await.expect("open the store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(config, store.clone()).expect("make the media folder");
        let media = state.media.clone();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(gridline_server::http::serve(listener, state, async {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        TestApp {
            db,
            base,
            client,
            _dir: data_dir,
            database_url,
            store,
            media,
            csrf: std::sync::Mutex::default(),
            pg_database,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// A server (on SQLite) whose media live in a fresh bucket of the test S3 server;
    /// `None` when there is none (locally).
    pub async fn spawn_on_s3() -> Option<TestApp> {
        let endpoint = s3_endpoint()?;
        let bucket = format!("gridline-test-{}", uuid::Uuid::new_v4().simple());
        // moto takes an unsigned bucket creation.
        let created = reqwest::Client::new()
            .put(format!("{endpoint}/{bucket}"))
            .send()
            .await
            .expect("reach the test S3 server");
        assert!(
            created.status().is_success(),
            "create bucket: {}",
            created.status()
        );
        Self::spawn_with(Db::Sqlite, |config| {
            config.media_url = Some(format!("s3://{bucket}/media"));
            config.media_settings = [
                ("AWS_ENDPOINT_URL", endpoint.as_str()),
                ("AWS_ACCESS_KEY_ID", "gridline-test"),
                ("AWS_SECRET_ACCESS_KEY", "gridline-test-secret"),
                ("AWS_REGION", "us-east-1"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        })
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// POSTs JSON with the client's cookies and, when it is signed in, the session's
    /// CSRF token (asked for once per session, as the app does).
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if path == "/api/v1/auth/login" {
            // A new session gets a new token.
            *self.csrf.lock().unwrap() = None;
        } else if let Some(token) = self.csrf_token().await {
            request = request.header(gridline_core::api::auth::CSRF_HEADER, token);
        }
        request.send().await.unwrap()
    }

    /// The signed-in session's CSRF token, or `None` when signed out.
    pub async fn csrf_token(&self) -> Option<String> {
        if let Some(token) = self.csrf.lock().unwrap().clone() {
            return Some(token);
        }
        let response = self.get("/api/v1/auth/me").await;
        if response.status() != 200 {
            return None;
        }
        let session: gridline_core::api::auth::SessionResponse = response.json().await.unwrap();
        *self.csrf.lock().unwrap() = Some(session.csrf_token.clone());
        Some(session.csrf_token)
    }

    /// Stops the server (waiting for in-flight requests) and drops the test database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
        if let Some((admin, name)) = self.pg_database.take() {
            // Autovacuum may be visiting the database: FORCE ends it; try a few times.
            let mut last = None;
            for _ in 0..5 {
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                match sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await
                {
                    Ok(_) => return,
                    Err(e) => last = Some(e),
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            panic!("could not drop the test database {name}: {last:?}");
        }
    }
}

/// Reads an error response and checks it has the one shape; returns its body.
pub async fn expect_error(
    response: reqwest::Response,
    status: u16,
    code: &str,
) -> gridline_core::ErrorResponse {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type}"
    );
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["error"]["code"], code, "body {text}");
    let body: gridline_core::ErrorResponse = serde_json::from_value(value).unwrap();
    assert!(!body.error.message.is_empty());
    assert!(request_id.is_some(), "x-request-id header");
    assert_eq!(
        body.error.request_id, request_id,
        "request id in body matches header"
    );
    body
}

/// Defines `mod NAME { sqlite(), postgres() }`, each running `NAME(app)` on a fresh server.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use $crate::helpers::{Db, TestApp};

            #[tokio::test]
            async fn sqlite() {
                let app = TestApp::spawn(Db::Sqlite).await.unwrap();
                super::$name(&app).await;
                app.stop().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(app) = TestApp::spawn(Db::Postgres).await else { return };
                super::$name(&app).await;
                app.stop().await;
            }
        }
    )*};
}

/// Takes an action on a ticket as the signed-in staff member.
pub async fn act(app: &TestApp, code: &str, body: serde_json::Value) -> reqwest::Response {
    app.post_json(&format!("/api/v1/tickets/{code}/actions"), &body)
        .await
}

/// Creates a staff account with `role` and signs the app's client in as it; returns
/// the account's id.
pub async fn sign_in_as(app: &TestApp, role: gridline_core::Role) -> i64 {
    let (username, id) = new_staff(app, role).await;
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"username": username, "password": STAFF_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 200, "sign in as {role:?}");
    id
}

/// The password of the staff accounts the tests make.
const STAFF_PASSWORD: &str = "a test password";

/// A new staff account with `role`: its username and id.
async fn new_staff(app: &TestApp, role: gridline_core::Role) -> (String, i64) {
    let username = format!("{}-{}", role.as_str(), uuid::Uuid::new_v4().simple());
    let id = app
        .store
        .create_staff(&gridline_server::auth::store::NewStaff {
            username: username.clone(),
            display_name: role.as_str().into(),
            password_hash: gridline_server::auth::hash_password(STAFF_PASSWORD).unwrap(),
            roles: vec![role],
        })
        .await
        .unwrap();
    (username, id)
}

/// A client of its own signed in as a new staff member with `role` handling for
/// `units` (the app's own client stays as it is).
pub async fn staff_client(
    app: &TestApp,
    role: gridline_core::Role,
    units: &[&str],
) -> reqwest::Client {
    staff_client_named(app, role, units).await.0
}

/// As [`staff_client`], with the account's username.
pub async fn staff_client_named(
    app: &TestApp,
    role: gridline_core::Role,
    units: &[&str],
) -> (reqwest::Client, String) {
    let (username, id) = new_staff(app, role).await;
    for unit in units {
        app.store.add_staff_unit(id, unit).await.unwrap();
    }
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": STAFF_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "sign in as {role:?}");
    (client, username)
}

/// The ticket `code` as stored (it must exist).
pub async fn stored(app: &TestApp, code: &str) -> gridline_server::tickets::store::TicketRecord {
    app.store
        .ticket_by_code(code)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no ticket {code}"))
}

/// Polls `done` every 100 ms for up to 30 s (for what a background worker delivers).
pub async fn eventually(mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("not done within 30 s");
}

/// Like [`eventually`], for a check that asks the database (an async closure).
pub async fn until<F: std::future::Future<Output = bool>>(mut done: impl FnMut() -> F) {
    for _ in 0..300 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("not done within 30 s");
}

/// Loads the demo's reference data (catalogue, regions, units) into the app's store.
pub async fn load_demo(app: &TestApp) {
    gridline_server::catalogue::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
}

/// Defines `mod s3 { NAME() }`: each `NAME(app)` on a server whose media live in S3
/// (SQLite for the rest), beside `both_backends!`'s folder runs.
#[macro_export]
macro_rules! on_s3 {
    ($($name:ident),* $(,)?) => {
        mod s3 {$(
            #[tokio::test]
            async fn $name() {
                let Some(app) = $crate::helpers::TestApp::spawn_on_s3().await else { return };
                super::$name(&app).await;
                app.stop().await;
            }
        )*}
    };
}

/// Every Rust file under `dir`, in its folders too, in path order.
pub fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// A test SMS gateway: a real HTTP server on a local port that records every request
/// (headers and JSON body) and answers 500 when `fail(body, earlier messages to the
/// same phone)` says so, else 200.
#[derive(Clone, Default)]
pub struct SmsGateway {
    requests:
        std::sync::Arc<std::sync::Mutex<Vec<(reqwest::header::HeaderMap, serde_json::Value)>>>,
}

impl SmsGateway {
    /// Starts it; its URL.
    pub async fn start(
        &self,
        fail: impl Fn(&serde_json::Value, usize) -> bool + Clone + Send + Sync + 'static,
    ) -> String {
        use axum::http::{HeaderMap, StatusCode};
        let gateway = self.clone();
        let app = axum::Router::new().route(
            "/sms",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (gateway, fail) = (gateway.clone(), fail.clone());
                async move {
                    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
                    let mut requests = gateway.requests.lock().unwrap();
                    let before = requests
                        .iter()
                        .filter(|(_, b)| b["phone"] == body["phone"])
                        .count();
                    let failed = fail(&body, before);
                    requests.push((headers, body));
                    if failed {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    /// Every request to `phone`, in order.
    pub fn to(&self, phone: &str) -> Vec<(reqwest::header::HeaderMap, serde_json::Value)> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, b)| b["phone"] == phone)
            .cloned()
            .collect()
    }
}
