//! A grid worker's sync batch, any bytes as its JSON body, sent in a signed-in session.
#![no_main]

mod server;

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = server::server();
    let request = Request::post("/api/v1/field/sync")
        .header("content-type", "application/json")
        .header("cookie", &s.worker_cookie)
        .header(gridline_core::api::auth::CSRF_HEADER, &s.worker_csrf)
        .body(Body::from(data.to_vec()))
        .unwrap();
    let (status, _) = s.send(request);
    // A batch is stored, or refused as a whole with a client error; never a 5xx.
    assert!(status.is_success() || status.is_client_error(), "{status}");
});
