//! Staff sign-in with server-side sessions.

use gridline_core::Role;
use gridline_core::api::auth::SessionResponse;
use gridline_server::auth::store::NewStaff;
use gridline_server::store::{self};
use serde_json::json;

use crate::helpers::{TestApp, expect_error};

crate::both_backends!(
    sign_in_me_and_sign_out,
    wrong_or_unknown_credentials_look_the_same,
    failed_sign_ins_are_throttled,
    wrong_passwords_at_once_stop_at_the_limit,
    sessions_end_at_their_absolute_lifetime_and_are_purged,
);

async fn add_staff(app: &TestApp, username: &str, password: &str) {
    let store = store::connect(&app.database_url).await.unwrap();
    store
        .create_staff(&NewStaff {
            username: username.into(),
            display_name: "网格员 测试".into(),
            password_hash: gridline_server::auth::hash_password(password).unwrap(),
            roles: vec![Role::GridWorker],
        })
        .await
        .unwrap();
    store.close().await;
}

async fn sign_in_me_and_sign_out(app: &TestApp) {
    add_staff(app, "worker7", "s3cret pass").await;
    expect_error(app.get("/api/v1/auth/me").await, 401, "unauthenticated").await;

    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "worker7", "password": "s3cret pass"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let body: SessionResponse = response.json().await.unwrap();
    assert_eq!(body.user.username, "worker7");
    assert_eq!(body.user.roles, [Role::GridWorker]);

    let me: SessionResponse = app.get("/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me.user.username, "worker7");
    // The session's CSRF token: the same from sign-in and from /me.
    assert_eq!(me.csrf_token, body.csrf_token);
    assert_eq!(me.csrf_token.len(), 64);

    // The raw cookie value, to replay after sign-out.
    let token = cookie.split(';').next().unwrap().to_owned();
    // A write with the cookie but without the token (a forged cross-site request), or
    // with another session's token, is refused and changes nothing.
    let logout = || app.client.post(app.url("/api/v1/auth/logout"));
    let response = logout().send().await.unwrap();
    expect_error(response, 403, "csrf_rejected").await;
    let response = logout()
        .header("x-csrf-token", "0".repeat(64))
        .send()
        .await
        .unwrap();
    expect_error(response, 403, "csrf_rejected").await;
    assert_eq!(
        app.get("/api/v1/auth/me").await.status(),
        200,
        "still signed in"
    );
    let response = logout()
        .header("x-csrf-token", &me.csrf_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    expect_error(app.get("/api/v1/auth/me").await, 401, "unauthenticated").await;
    // Revoked on the server: the old token no longer works even if a client kept it.
    let replay = reqwest::Client::new()
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", token)
        .send()
        .await
        .unwrap();
    expect_error(replay, 401, "unauthenticated").await;
}

async fn wrong_or_unknown_credentials_look_the_same(app: &TestApp) {
    add_staff(app, "worker8", "right password").await;
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "worker8", "password": "wrong password"}),
        )
        .await;
    let wrong = expect_error(wrong, 401, "invalid_credentials").await;
    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "nobody", "password": "wrong password"}),
        )
        .await;
    let unknown = expect_error(unknown, 401, "invalid_credentials").await;
    assert_eq!(wrong.error.message, unknown.error.message);
}

async fn failed_sign_ins_are_throttled(app: &TestApp) {
    add_staff(app, "worker9", "right password").await;
    let wrong = json!({"username": "worker9", "password": "wrong password"});
    for _ in 0..gridline_server::limits::throttle::PER_ACCOUNT {
        expect_error(
            app.post_json("/api/v1/auth/login", &wrong).await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    // Now even the right password waits: guessing has stopped paying.
    let right = json!({"username": "worker9", "password": "right password"});
    let body = expect_error(
        app.post_json("/api/v1/auth/login", &right).await,
        429,
        "rate_limited",
    )
    .await;
    assert!(
        body.error.message.contains("15 minutes"),
        "{}",
        body.error.message
    );
}

/// Finding 6: the limit holds for attempts made at once (it was checked before the
/// awaited lookup and counted after, so all of them passed the check): of 200 wrong
/// passwords sent together for one account, at most five are looked at.
async fn wrong_passwords_at_once_stop_at_the_limit(app: &TestApp) {
    add_staff(app, "worker10", "right password").await;
    let client = reqwest::Client::new();
    let url = app.url("/api/v1/auth/login");
    let attempts = (0..200).map(|i| {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"username": "worker10", "password": format!("guess {i}")}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut statuses = Vec::new();
    for attempt in attempts.collect::<Vec<_>>() {
        statuses.push(attempt.await.unwrap());
    }
    let looked_at = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(looked_at + refused, 200, "{statuses:?}");
    assert!(
        (1..=gridline_server::limits::throttle::PER_ACCOUNT).contains(&looked_at),
        "{looked_at} wrong passwords were checked"
    );
    // And the account stays closed to the right password too.
    let right = json!({"username": "worker10", "password": "right password"});
    expect_error(
        app.post_json("/api/v1/auth/login", &right).await,
        429,
        "rate_limited",
    )
    .await;
}

/// Finding 13: behind a proxy that ends TLS, the public address's scheme decides the
/// cookie's `Secure` flag, and https brings HSTS; a plain-http public address neither.
mod public_https {
    use super::*;
    use crate::helpers::Db;

    async fn sign_in(public_url: &str) -> (String, Option<String>) {
        let url = public_url.to_owned();
        let app = TestApp::spawn_with(Db::Sqlite, |c| c.public_url = Some(url))
            .await
            .unwrap();
        add_staff(&app, "worker11", "s3cret pass").await;
        let response = reqwest::Client::new()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "worker11", "password": "s3cret pass"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let cookie = header("set-cookie").unwrap();
        let hsts = header("strict-transport-security");
        app.stop().await;
        (cookie, hsts)
    }

    #[tokio::test]
    async fn https_means_secure_cookies_and_hsts() {
        let (cookie, hsts) = sign_in("https://12345.qingdao.example").await;
        assert!(cookie.contains("; Secure"), "{cookie}");
        assert_eq!(hsts.as_deref(), Some("max-age=31536000"));
        let (cookie, hsts) = sign_in("http://192.0.2.10:8080").await;
        assert!(!cookie.contains("Secure"), "{cookie}");
        assert_eq!(hsts, None);
    }
}

/// Finding 17: a session used all the time still ends at its absolute lifetime
/// (`GRIDLINE_SESSION_MAX_HOURS`), and expired sessions are deleted, not only refused.
async fn sessions_end_at_their_absolute_lifetime_and_are_purged(app: &TestApp) {
    add_staff(app, "worker12", "s3cret pass").await;
    let client = reqwest::Client::new();
    let response = client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "worker12", "password": "s3cret pass"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let me = || {
        client
            .get(app.url("/api/v1/auth/me"))
            .header("cookie", cookie.clone())
            .send()
    };
    assert_eq!(me().await.unwrap().status(), 200);
    let token = cookie.split_once('=').unwrap().1;
    let token_hash = gridline_server::auth::token_hash(token);
    let now = time::OffsetDateTime::now_utc();
    let ttl = time::Duration::hours(12);
    // Used within its idle time, but signed in longer ago than the lifetime allows:
    // refused (the store is asked as the server asks it).
    let past_lifetime = now + time::Duration::seconds(1);
    assert!(
        app.store
            .touch_session(&token_hash, now, now + ttl, past_lifetime)
            .await
            .unwrap()
            .is_none()
    );
    let within = now - time::Duration::hours(72);
    assert!(
        app.store
            .touch_session(&token_hash, now, now + ttl, within)
            .await
            .unwrap()
            .is_some()
    );
    // Purged: the row is gone, and the cookie no longer signs anyone in.
    assert_eq!(app.store.purge_sessions(now, within).await.unwrap(), 0);
    assert_eq!(
        app.store.purge_sessions(now, past_lifetime).await.unwrap(),
        1
    );
    expect_error(me().await.unwrap(), 401, "unauthenticated").await;
}
