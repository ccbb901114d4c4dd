use gridline_core::api::reference::{CatalogueResponse, RegionLevel, RegionsResponse};

use crate::helpers::TestApp;

crate::both_backends!(demo_reference_data_is_served, openapi_lists_the_endpoints);

async fn demo_reference_data_is_served(app: &TestApp) {
    let empty: CatalogueResponse = app.get("/api/v1/catalogue").await.json().await.unwrap();
    assert!(empty.matter_types.is_empty());

    // Load the demo set through the same code `gridline serve --demo` uses.
    let store = gridline_server::store::connect(&app.database_url)
        .await
        .unwrap();
    let logins = gridline_server::demo::seed_if_empty(store.as_ref())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(logins.len(), 6);
    // A second run changes nothing.
    assert!(
        gridline_server::demo::seed_if_empty(store.as_ref())
            .await
            .unwrap()
            .is_none()
    );
    store.close().await;

    let catalogue: CatalogueResponse = app.get("/api/v1/catalogue").await.json().await.unwrap();
    let expected = gridline_server::demo::reference_data();
    assert_eq!(catalogue.matter_types.len(), expected.matter_types.len());
    assert!(
        catalogue
            .matter_types
            .iter()
            .any(|m| m.name_zh == "路灯不亮" && m.parent_code.as_deref() == Some("02"))
    );

    let regions: RegionsResponse = app.get("/api/v1/regions").await.json().await.unwrap();
    let count = |level| regions.regions.iter().filter(|r| r.level == level).count();
    assert_eq!(count(RegionLevel::District), 1);
    assert_eq!(count(RegionLevel::Street), 2);
    assert_eq!(count(RegionLevel::Community), 4);
    assert_eq!(count(RegionLevel::Grid), 8);
}

async fn openapi_lists_the_endpoints(app: &TestApp) {
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/healthz",
        "/api/v1/auth/login",
        "/api/v1/auth/me",
        "/api/v1/catalogue",
        "/api/v1/regions",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorResponse"].is_object());
}
