//! The `gridline` binary as an operator uses it: help, serve with JSON logs carrying the
//! request id, a clean stop on SIGTERM, accounts, stations, and forwarding that survives
//! a killed process.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{gridline, serve};

#[test]
fn help_lists_the_subcommands_and_settings() {
    let out = gridline().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "serve",
        "migrate",
        "seed-demo",
        "import",
        "export",
        "user",
        "station",
        "forward",
    ] {
        assert!(help.contains(word), "{word} missing from --help:\n{help}");
    }
    let out = gridline().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for var in [
        "GRIDLINE_ADDR",
        "GRIDLINE_DATA_DIR",
        "GRIDLINE_DATABASE_URL",
        "GRIDLINE_LOG",
        "GRIDLINE_LOG_FORMAT",
    ] {
        assert!(
            help.contains(var),
            "{var} missing from serve --help:\n{help}"
        );
    }
}

#[tokio::test]
async fn serves_logs_json_with_request_ids_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = gridline()
        .arg("serve")
        .env("GRIDLINE_ADDR", "127.0.0.1:0")
        .env("GRIDLINE_DATA_DIR", dir.path().join("data"))
        .env("GRIDLINE_DIST_DIR", dir.path().join("dist"))
        .env_remove("GRIDLINE_DATABASE_URL")
        .env("GRIDLINE_LOG", "info,tower_http=debug")
        .env("GRIDLINE_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let base = loop {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "server exited before listening"
        );
        if let Some(rest) = line.trim().strip_prefix("Gridline is running at ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };

    let response = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean exit on SIGTERM, got {status}");

    let mut logs = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut logs).unwrap();
    let entries: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let request_lines: Vec<_> = entries
        .iter()
        .filter(|e| e["span"]["path"] == "/healthz")
        .collect();
    assert!(
        !request_lines.is_empty(),
        "no log line for the request:\n{logs}"
    );
    assert!(
        request_lines
            .iter()
            .all(|e| e["span"]["id"] == request_id.as_str()),
        "{logs}"
    );
    assert!(logs.contains("shutting down"), "{logs}");
}

#[test]
fn user_add_and_list_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let run = |args: &[&str], stdin: Option<&str>| {
        common::run(&[("GRIDLINE_DATA_DIR", &data)], args, stdin)
    };
    assert!(run(&["seed-demo"], None).status.success());
    let out = run(
        &[
            "user",
            "add",
            "wang.fang",
            "--name",
            "网格员 王芳",
            "--role",
            "grid_worker",
            "--grid",
            "D01-S02-C01-G03",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(run(&["user", "list"], None).stdout).unwrap();
    let line = listed.lines().find(|l| l.starts_with("wang.fang")).unwrap();
    assert!(
        line.contains("roles=grid_worker") && line.contains("grids=D01-S02-C01-G03"),
        "{line}"
    );
    // A bad role is refused by the parser with the list of roles.
    let out = run(&["user", "add", "x", "--name", "x", "--role", "boss"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unit_handler"));
}

#[test]
fn stations_and_their_tablets_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let run = |args: &[&str]| {
        let out = common::run(&[("GRIDLINE_DATA_DIR", &data)], args, None);
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(run(&["seed-demo"]).0);
    let (ok, _, err) = run(&[
        "station",
        "add",
        "QS-02",
        "--name-zh",
        "青松二站",
        "--name-en",
        "Qingsong 2",
        "--community",
        "D01-S01-C02",
    ]);
    assert!(ok, "{err}");
    // A station needs a community that exists.
    let (ok, _, err) = run(&[
        "station",
        "add",
        "QS-03",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--community",
        "D01-S01-C01-G02",
    ]);
    assert!(!ok && err.contains("no such community"), "{err}");
    let (ok, out, err) = run(&["station", "enroll", "QS-02"]);
    assert!(ok, "{err}");
    let code = out
        .split_whitespace()
        .find(|w| w.len() == 11 && w.as_bytes()[5] == b'-');
    assert!(code.is_some(), "{out}");
    let id: String = out
        .rsplit("device id ")
        .next()
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let (_, listed, _) = run(&["station", "devices"]);
    assert!(
        listed.contains("QS-02") && listed.contains("waiting"),
        "{listed}"
    );
    assert!(run(&["station", "revoke", &id]).0);
    let (_, listed, _) = run(&["station", "devices"]);
    assert!(listed.contains("revoked"), "{listed}");
    let (ok, _, err) = run(&["station", "revoke", &id]);
    assert!(!ok && err.contains("no live device"), "{err}");
    let (ok, _, err) = run(&["station", "enroll", "NOPE"]);
    assert!(!ok && err.contains("no such station"), "{err}");
}

/// Finding 8: SIGTERM with live ticket streams open still stops the server, within
/// 10 s, cleanly.
#[tokio::test]
async fn stops_on_sigterm_with_event_streams_open() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = serve(dir.path(), &[]);
    let client = reqwest::Client::new();
    let mut streams = Vec::new();
    // A well-formed code and a malformed one.
    for code in ["ABCD2345", "not-a-code"] {
        let stream = client
            .get(format!("{base}/api/v1/tickets/{code}/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(stream.status(), 200);
        streams.push(stream);
    }
    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let asked = std::time::Instant::now();
    let exit = loop {
        if let Some(exit) = server.try_wait().unwrap() {
            break exit;
        }
        if asked.elapsed() > std::time::Duration::from_secs(10) {
            server.kill().unwrap();
            panic!("still running 10 s after SIGTERM with event streams open");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(exit.success(), "a clean exit, got {exit}");
    // The streams were ended by the server, not left hanging.
    for stream in streams {
        let body = tokio::time::timeout(std::time::Duration::from_secs(2), stream.text()).await;
        assert!(body.is_ok(), "the stream ended with the server");
    }
}

/// The server is killed while a webhook is in flight and started again: every change
/// still arrives, and the receiver, deduplicating by `Idempotency-Key`, counts each
/// once.
#[tokio::test]
async fn killed_mid_delivery_nothing_is_lost_nor_doubled() {
    use std::collections::BTreeSet;
    use std::sync::{Arc, Mutex};

    // The receiver: every request's key; the very first answer takes 10 seconds (the
    // server is killed meanwhile).
    let keys: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = keys.clone();
    let app = axum::Router::new().route(
        "/orders",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let seen = seen.clone();
            async move {
                let first = {
                    let mut keys = seen.lock().unwrap();
                    keys.push(headers["idempotency-key"].to_str().unwrap().to_owned());
                    keys.len() == 1
                };
                if first {
                    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/orders", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap().to_owned();
    let admin = |args: &[&str], stdin: Option<&str>| {
        common::admin(&[("GRIDLINE_DATA_DIR", &data_dir)], args, stdin)
    };
    admin(&["seed-demo"], None);
    admin(
        &[
            "forward",
            "add",
            "orders",
            "--url",
            &url,
            "--unit",
            "U-CM",
            "--secret-stdin",
        ],
        Some("a-signing-secret-for-the-test\n"),
    );
    assert!(admin(&["forward", "list"], None).contains("unit=U-CM"));
    let settings = [
        ("GRIDLINE_OUTBOX_LEASE_SECS", "2"),
        ("GRIDLINE_OUTBOX_RETRY_SECS", "1"),
    ];
    let (mut server, base) = serve(dir.path(), &settings);
    let client = reqwest::Client::new();
    let mut codes = BTreeSet::new();
    for i in 0..3 {
        let response = client
            .post(format!("{base}/api/v1/tickets"))
            .json(&serde_json::json!({
                "client_id": format!("killed-mid-delivery-{i}"),
                "matter_code": "0201",
                "description": "路灯不亮",
                "region_code": "D01-S01-C01-G02",
                "contact_phone": "13812345678"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let created: serde_json::Value = response.json().await.unwrap();
        codes.insert(created["tracking_code"].as_str().unwrap().to_owned());
    }
    assert_eq!(codes.len(), 3);
    // Deliveries run at once: the other two are answered while the first hangs. With
    // them recorded and the first in flight, kill the server (SIGKILL, no clean stop).
    for _ in 0..100 {
        if keys.lock().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        keys.lock().unwrap().len(),
        3,
        "three deliveries begun, the first still in flight"
    );
    server.kill().unwrap();
    server.wait().unwrap();

    let (mut server, _) = serve(dir.path(), &settings);
    let unique = || {
        keys.lock()
            .unwrap()
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    // The one cut off goes out again when its lease runs out.
    for _ in 0..300 {
        if keys.lock().unwrap().len() >= 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let all = keys.lock().unwrap().clone();
    assert_eq!(unique().len(), 3, "every change arrived: {all:?}");
    assert_eq!(
        all.len(),
        4,
        "the one cut off was sent again with its key, nothing else twice: {all:?}"
    );
    assert_eq!(all.iter().filter(|k| **k == all[0]).count(), 2);
}

#[test]
fn open311_keys_and_forwarding_targets_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let run = |args: &[&str], stdin: &str| {
        let out = common::run(&[("GRIDLINE_DATA_DIR", &data)], args, Some(stdin));
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(run(&["seed-demo"], "").0);
    let (ok, out, err) = run(&["open311", "add-key", "city-app"], "");
    assert!(ok, "{err}");
    let key = out.rsplit(' ').next().unwrap().trim();
    assert_eq!(key.len(), 64, "{out}");
    // Names are unique; the key itself is never listed.
    let (ok, _, err) = run(&["open311", "add-key", "city-app"], "");
    assert!(!ok && err.contains("already exists"), "{err}");
    let (_, listed, _) = run(&["open311", "keys"], "");
    assert!(
        listed.contains("city-app") && listed.contains("valid"),
        "{listed}"
    );
    assert!(!listed.contains(key), "{listed}");
    assert!(run(&["open311", "revoke-key", "city-app"], "").0);
    let (_, listed, _) = run(&["open311", "keys"], "");
    assert!(listed.contains("revoked"), "{listed}");
    let (ok, _, err) = run(&["open311", "revoke-key", "city-app"], "");
    assert!(!ok && err.contains("no valid Open311 key"), "{err}");

    // An Open311 target takes its api_key from standard input, never from the line.
    let (ok, out, err) = run(
        &[
            "forward",
            "add",
            "dept",
            "--url",
            "https://dept.example.gov.cn/open311/v2",
            "--unit",
            "U-CM",
            "--open311",
            "--secret-stdin",
            "--jurisdiction-id",
            "qd",
        ],
        "their-api-key\n",
    );
    assert!(ok, "{err}");
    assert!(!out.contains("their-api-key"), "{out}");
    let (_, listed, _) = run(&["forward", "list"], "");
    assert!(
        listed.contains("dept") && listed.contains("open311"),
        "{listed}"
    );
    let (ok, _, err) = run(
        &[
            "forward",
            "add",
            "x",
            "--url",
            "https://x.example/v2",
            "--unit",
            "U-CM",
            "--open311",
        ],
        "",
    );
    assert!(!ok && err.contains("--secret-stdin"), "{err}");

    // The police (110) system names neither a unit nor a matter type.
    let (ok, out, err) = run(
        &[
            "forward",
            "add",
            "city-110",
            "--url",
            "https://110.example.gov.cn/12345",
            "--police",
        ],
        "",
    );
    assert!(ok && out.contains("signing secret"), "{err}");
    let (_, listed, _) = run(&["forward", "list"], "");
    assert!(
        listed
            .lines()
            .any(|l| l.contains("city-110") && l.contains("police")),
        "{listed}"
    );
    let (ok, _, err) = run(
        &[
            "forward",
            "add",
            "y",
            "--url",
            "https://y.example/",
            "--police",
            "--unit",
            "U-CM",
        ],
        "",
    );
    assert!(!ok && err.contains("cannot be used with"), "{err}");
    let (ok, _, err) = run(&["forward", "add", "z", "--url", "https://z.example/"], "");
    assert!(!ok && err.contains("required"), "{err}");
}

/// `GRIDLINE_MEDIA_URL=s3://…` with the usual AWS variables: the server keeps uploads
/// in that bucket (the test S3 server, moto), under the URL's prefix, not on its disk.
/// Skipped without `GRIDLINE_TEST_S3_ENDPOINT`, except in CI.
#[tokio::test]
async fn media_go_to_the_s3_bucket_the_environment_names() {
    let Some(endpoint) = std::env::var("GRIDLINE_TEST_S3_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())
    else {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "CI=true but GRIDLINE_TEST_S3_ENDPOINT is not set"
        );
        eprintln!("\n!!! SKIPPING S3 test: GRIDLINE_TEST_S3_ENDPOINT is not set !!!\n");
        return;
    };
    let client = reqwest::Client::new();
    let bucket = format!("gridline-cli-{}", std::process::id());
    let created = client
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success());
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = serve(
        dir.path(),
        &[
            ("GRIDLINE_MEDIA_URL", &format!("s3://{bucket}/photos")),
            ("AWS_ENDPOINT_URL", &endpoint),
            ("AWS_ACCESS_KEY_ID", "gridline-cli"),
            ("AWS_SECRET_ACCESS_KEY", "gridline-cli-secret"),
            ("AWS_REGION", "us-east-1"),
        ],
    );
    let photo = include_bytes!("fixtures/photo.jpg");
    let uploaded: serde_json::Value = client
        .post(format!("{base}/api/v1/media"))
        .header("x-device-secret", "cli-test-phone-0001")
        .body(photo.to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = uploaded["id"].as_str().expect("stored");
    // The object is in the bucket, under the prefix, by its hash; not on the disk.
    let settings = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "gridline-cli"),
        ("AWS_SECRET_ACCESS_KEY", "gridline-cli-secret"),
        ("AWS_REGION", "us-east-1"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let bucket_store = gridline_server::media::MediaStore::open(
        &format!("s3://{bucket}/photos"),
        settings.clone(),
    )
    .unwrap();
    assert_eq!(bucket_store.get(id).await.unwrap().len(), photo.len());
    let elsewhere =
        gridline_server::media::MediaStore::open(&format!("s3://{bucket}/other"), settings.clone())
            .unwrap();
    assert!(elsewhere.get(id).await.is_err(), "under the URL's prefix");
    assert!(!dir.path().join("media").join(&id[..2]).exists());
    server.kill().unwrap();
    server.wait().unwrap();
}

/// `gridline track-link CODE` prints the link a text carries (to tell a resident
/// again); the server paints the ticket's status into that page. The same server key
/// makes both: the command and a running server agree.
#[tokio::test]
async fn a_tracking_link_from_the_command_line_opens_the_painted_page() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap().to_owned();
    let admin = |args: &[&str]| {
        common::run(
            &[
                ("GRIDLINE_DATA_DIR", &data_dir),
                ("GRIDLINE_PUBLIC_URL", "https://12345.example.gov.cn"),
            ],
            args,
            None,
        )
    };
    assert!(admin(&["seed-demo"]).status.success());
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(
        dir.path().join("dist/index.html"),
        "<!doctype html><html><head></head><body></body></html>",
    )
    .unwrap();
    let (mut server, base) = serve(dir.path(), &[]);
    let created: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/tickets"))
        .json(&serde_json::json!({
            "matter_code": "0201", "description": "路灯不亮",
            "region_code": "D01-S01-C01-G02"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = created["tracking_code"].as_str().unwrap();

    let out = admin(&["track-link", &code.to_lowercase()]);
    assert!(out.status.success(), "{out:?}");
    let link = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let path = link
        .strip_prefix("https://12345.example.gov.cn")
        .unwrap_or_else(|| panic!("{link}"));
    assert!(path.starts_with(&format!("/track/{code}?k=")), "{link}");
    let page = reqwest::get(format!("{base}{path}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("first-paint") && page.contains("已派单"),
        "{page}"
    );

    let out = admin(&["track-link", "AAAAAAAA"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ticket AAAAAAAA"));
    server.kill().unwrap();
    server.wait().unwrap();
}
