//! The real router over a SQLite store in a temporary folder, made once per fuzzing
//! process, with the demo's reference data and limits out of the way; each input is one
//! request, answered in the one error shape and never with a server error.
//!
//! Each target includes this module and uses part of it.
#![allow(dead_code)]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridline_server::{AppState, Config, build_router};
use tower::ServiceExt;

pub struct Server {
    pub runtime: tokio::runtime::Runtime,
    pub router: axum::Router,
    /// An Open311 partner's api_key.
    pub open311_key: String,
    /// A grid worker's session cookie (`name=value`) and its CSRF token.
    pub worker_cookie: String,
    pub worker_csrf: String,
    _dir: tempfile::TempDir,
}

pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (router, open311_key, worker_cookie, worker_csrf) = runtime.block_on(async {
            let mut config = Config::for_dirs(dir.path().join("data"), dir.path().join("dist"));
            std::fs::create_dir_all(&config.data_dir).unwrap();
            config.filings_per_hour = usize::MAX / 2;
            config.uploads_per_hour = usize::MAX / 2;
            let store = gridline_server::store::connect(&config.database_url())
                .await
                .unwrap();
            gridline_server::demo::load_reference_data(store.as_ref())
                .await
                .unwrap();
            let (key, hash) = gridline_server::auth::new_session_token();
            store.add_open311_key("fuzz", &hash).await.unwrap();
            let worker = store
                .create_staff(&gridline_server::store::NewStaff {
                    username: "fuzz-worker".into(),
                    display_name: "fuzz".into(),
                    password_hash: gridline_server::auth::hash_password("fuzz password").unwrap(),
                    roles: vec![gridline_core::Role::GridWorker],
                })
                .await
                .unwrap();
            store.add_staff_grid(worker, "D01-S01-C01").await.unwrap();
            let router = build_router(AppState::new(config, store.clone()).unwrap());
            let response = router
                .clone()
                .oneshot(
                    Request::post("/api/v1/auth/login")
                        .header("content-type", "application/json")
                        .body(Body::from(
                            r#"{"username":"fuzz-worker","password":"fuzz password"}"#,
                        ))
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let cookie = response.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let session: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let csrf = session["csrf_token"].as_str().unwrap().to_owned();
            (router, key, cookie, csrf)
        });
        Server {
            runtime,
            router,
            open311_key,
            worker_cookie,
            worker_csrf,
            _dir: dir,
        }
    })
}

impl Server {
    /// Sends `request` and checks the answer: no 5xx, and an error is JSON or (for
    /// Open311's XML) XML.
    pub fn send(&self, request: Request<Body>) -> (StatusCode, Vec<u8>) {
        let router = self.router.clone();
        self.runtime.block_on(async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec();
            assert!(
                !status.is_server_error(),
                "{status}: {}",
                String::from_utf8_lossy(&body)
            );
            (status, body)
        })
    }
}

/// `text` made a valid URI part: bytes outside the unreserved set and `%&=+,;` are
/// percent-encoded (a `%` stays, so malformed escapes reach the server too).
pub fn uri_part(text: &[u8]) -> String {
    text.iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~%&=+,;".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
