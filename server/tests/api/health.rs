use gridline_core::api::health::HealthResponse;

use crate::helpers::{Db, TestApp, expect_error};

crate::both_backends!(
    healthz_reports_the_database,
    healthz_fails_when_the_database_is_gone
);

async fn healthz_reports_the_database(app: &TestApp) {
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: HealthResponse = response.json().await.unwrap();
    assert_eq!(body.status, "ok");
    let expected = match app.db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    };
    assert_eq!(body.database, expected);
}

async fn healthz_fails_when_the_database_is_gone(app: &TestApp) {
    app.store.close().await;
    expect_error(app.get("/healthz").await, 503, "unavailable").await;
}
