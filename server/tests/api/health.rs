use crate::helpers::TestApp;

crate::both_backends!(healthz_reports_the_database);

async fn healthz_reports_the_database(app: &TestApp) {
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: gridline_core::api::health::HealthResponse = response.json().await.unwrap();
    assert_eq!(body.status, "ok");
    let backend = app.client.get(app.url("/healthz")).send().await.unwrap();
    let body: serde_json::Value = backend.json().await.unwrap();
    assert!(body["database"] == "sqlite" || body["database"] == "postgres");
}
