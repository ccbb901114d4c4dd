//! The one error shape, whatever went wrong.

use crate::helpers::{TestApp, expect_error};

crate::both_backends!(
    unknown_api_path_is_json_404,
    wrong_method_is_json_405,
    malformed_json_is_400,
    wrong_json_shape_is_422_with_fields,
    body_over_limit_is_413,
    missing_content_type_is_415,
    extractor_rejections_come_in_the_one_shape,
);

async fn unknown_api_path_is_json_404(app: &TestApp) {
    expect_error(app.get("/api/v1/no-such-thing").await, 404, "not_found").await;
    expect_error(app.get("/api/nothing/here").await, 404, "not_found").await;
}

async fn wrong_method_is_json_405(app: &TestApp) {
    let response = app
        .client
        .delete(app.url("/api/v1/catalogue"))
        .send()
        .await
        .unwrap();
    expect_error(response, 405, "method_not_allowed").await;
}

async fn malformed_json_is_400(app: &TestApp) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": \"worker\", ")
        .send()
        .await
        .unwrap();
    let body = expect_error(response, 400, "bad_request").await;
    assert!(
        body.error.message.contains("JSON"),
        "{}",
        body.error.message
    );
}

async fn wrong_json_shape_is_422_with_fields(app: &TestApp) {
    // Syntactically fine, wrong type for a field.
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"username": 5, "password": "x"}),
        )
        .await;
    expect_error(response, 422, "validation_failed").await;
    // Right shape, invalid values: every bad field is listed.
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"username": "  ", "password": ""}),
        )
        .await;
    let body = expect_error(response, 422, "validation_failed").await;
    let fields: Vec<_> = body.error.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["username", "password"]);
}

async fn body_over_limit_is_413(app: &TestApp) {
    let big = "x".repeat(64 * 1024 + 1);
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"username": big, "password": "p"}),
        )
        .await;
    expect_error(response, 413, "payload_too_large").await;
}

async fn missing_content_type_is_415(app: &TestApp) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_error(response, 415, "unsupported_media_type").await;
}

/// What axum's own extractors refuse (a path parameter that is not a number, a body
/// that is not UTF-8) is plain text by default: found by schemathesis. It is answered
/// in the one shape too.
async fn extractor_rejections_come_in_the_one_shape(app: &TestApp) {
    crate::helpers::sign_in_as(app, gridline_core::Role::Admin).await;
    let not_a_number = app
        .post_json(
            "/api/v1/outbox/not-a-number/requeue",
            &serde_json::json!({}),
        )
        .await;
    let body = expect_error(not_a_number, 400, "bad_request").await;
    assert!(
        body.error.message.contains("parse"),
        "{}",
        body.error.message
    );
    let not_utf8 = app
        .client
        .post(app.url("/api/v1/forwarding/any-system/progress"))
        .header("content-type", "application/json")
        .body(vec![0xFF, 0xFE, 0x80])
        .send()
        .await
        .unwrap();
    expect_error(not_utf8, 400, "bad_request").await;
}
