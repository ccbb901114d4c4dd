//! Staff accounts as `gridline user …` manages them.

use gridline_core::Role;
use gridline_server::auth::users::{self, Grant, UserError};
use serde_json::json;

use crate::helpers::{TestApp, expect_error};

crate::both_backends!(accounts_are_added_granted_and_disabled);

async fn accounts_are_added_granted_and_disabled(app: &TestApp) {
    gridline_server::catalogue::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
    let store = app.store.as_ref();
    let grant = Grant {
        roles: vec![Role::UnitHandler],
        units: vec!["U-CM".into()],
        grids: vec![],
    };
    let password = users::add(store, "li.qiang", "承办人 李强", None, &grant)
        .await
        .unwrap();
    assert_eq!(password.chars().count(), 16);

    // Bad names, units and grids are refused before anything is written.
    let bad_unit = Grant {
        units: vec!["U-NOPE".into()],
        ..grant.clone()
    };
    assert!(matches!(
        users::add(store, "x1", "x", None, &bad_unit).await,
        Err(UserError::NoSuchUnit(_))
    ));
    let bad_grid = Grant {
        grids: vec!["D01-S01".into()],
        ..grant.clone()
    };
    assert!(matches!(
        users::add(store, "x2", "x", None, &bad_grid).await,
        Err(UserError::NoSuchGrid(_))
    ));
    assert!(matches!(
        users::add(store, "Li Qiang", "x", None, &grant).await,
        Err(UserError::BadUsername)
    ));
    assert!(store.find_staff_by_username("x1").await.unwrap().is_none());

    let login = json!({"username": "li.qiang", "password": password});
    assert_eq!(
        app.post_json("/api/v1/auth/login", &login).await.status(),
        200
    );
    assert_eq!(app.get("/api/v1/queue").await.status(), 200);

    // Grant keeps what the account had and adds to it.
    let more = Grant {
        roles: vec![Role::Supervisor],
        units: vec![],
        grids: vec!["D01-S01-C01-G01".into()],
    };
    users::grant(store, "li.qiang", &more).await.unwrap();
    let listed = users::list(store).await.unwrap();
    let line = listed.lines().find(|l| l.starts_with("li.qiang")).unwrap();
    assert!(line.contains("roles=unit_handler,supervisor"), "{line}");
    assert!(
        line.contains("units=U-CM") && line.contains("grids=D01-S01-C01-G01"),
        "{line}"
    );

    // Disabling ends the session at once and refuses new ones.
    users::set_disabled(store, "li.qiang", true).await.unwrap();
    expect_error(app.get("/api/v1/auth/me").await, 401, "unauthenticated").await;
    expect_error(
        app.post_json("/api/v1/auth/login", &login).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert!(users::list(store).await.unwrap().contains("DISABLED"));
    users::set_disabled(store, "li.qiang", false).await.unwrap();
    assert_eq!(
        app.post_json("/api/v1/auth/login", &login).await.status(),
        200
    );
}
