//! Several server processes on one PostgreSQL database: the limits hold across them
//! (what an address or an account may do is counted once, not once per process), also
//! for attempts made at once through both.

use gridline_server::Config;
use serde_json::json;

use crate::helpers::{Db, TestApp, expect_error, load_demo};
use crate::tickets::{file, street_light};

/// Two processes on one new PostgreSQL database (`None` locally without one).
async fn two_processes(adjust: fn(&mut Config)) -> Option<(TestApp, TestApp)> {
    let a = TestApp::spawn_with(Db::Postgres, adjust).await?;
    let b = a.spawn_beside(adjust).await;
    load_demo(&a).await;
    Some((a, b))
}

#[tokio::test]
async fn a_limit_reached_through_one_process_holds_through_the_other() {
    let Some((a, b)) = two_processes(|_| {}).await else {
        return;
    };
    let (_, created) = file(&a, &street_light("device-two-limits")).await;
    let code = created.tracking_code;
    let view = |app: &TestApp, suffix: &str| {
        reqwest::Client::new()
            .get(app.url(&format!("/api/v1/tickets/{code}?phone_suffix={suffix}")))
            .send()
    };
    // Wrong proofs: ten through each process reach the limit of twenty.
    for i in 0..gridline_server::http::PROOF_FAILURES {
        let app = if i % 2 == 0 { &a } else { &b };
        assert_eq!(view(app, "0000").await.unwrap().status(), 404, "guess {i}");
    }
    for app in [&a, &b] {
        expect_error(view(app, "5678").await.unwrap(), 429, "rate_limited").await;
    }

    // Wrong passwords for one account: five through A; B refuses the sixth.
    let login = |app: &TestApp| {
        reqwest::Client::new()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "nobody", "password": "wrong password"}))
            .send()
    };
    for i in 0..gridline_server::limits::throttle::PER_ACCOUNT {
        assert_eq!(login(&a).await.unwrap().status(), 401, "attempt {i}");
    }
    expect_error(login(&b).await.unwrap(), 429, "rate_limited").await;
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn filings_at_once_through_two_processes_do_not_pass_the_limit_together() {
    const LIMIT: usize = 6;
    let Some((a, b)) = two_processes(|config| config.filings_per_hour = LIMIT).await else {
        return;
    };
    let filings = (0..4 * LIMIT).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        let body = street_light(&format!("device-at-once-{i:02}"));
        async move {
            reqwest::Client::new()
                .post(app.url("/api/v1/tickets"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(filings).await;
    let filed = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((filed, refused), (LIMIT, 3 * LIMIT), "{statuses:?}");
    b.stop().await;
    a.stop().await;
}
