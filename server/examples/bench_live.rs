//! Benchmark: many open event streams on one server process (issue 16).
//!
//! `scripts/bench.sh live [STREAMS]` runs it (5,000 streams by default) against the
//! deployed binary (`target/server/gridline`, or `GRIDLINE_BIN`) on a new PostgreSQL
//! database (through `GRIDLINE_TEST_POSTGRES_URL`, which `scripts/postgres.sh` sets)
//! and then on SQLite. It files a complaint, opens the streams on its ticket and
//! measures:
//!
//! - the statements per second the server sends the database while nothing changes,
//!   with no stream open and with all of them (counted in PostgreSQL's log: the
//!   benchmark sets `log_statement = all` on its database through `su postgres`, so run
//!   it as root where PostgreSQL is Debian's; the server's own timers, the outbox poll
//!   and the deadline job, are the floor);
//! - the server's resident memory per open stream (`VmRSS` before and after);
//! - for 20 changes (a unit's progress notes), the time from sending the change until
//!   each stream heard it: p50 and p99 over every stream and change, and the slowest
//!   "last stream" of any change.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::Connection;
use tokio::sync::mpsc;

const CHANGES: usize = 20;
const IDLE: Duration = Duration::from_secs(20);
const PASSWORD: &str = "a long enough password";

fn binary() -> String {
    std::env::var("GRIDLINE_BIN").unwrap_or_else(|_| "target/server/gridline".into())
}

fn run(env: &[(&str, &str)], args: &[&str], stdin: Option<&str>) {
    let mut command = Command::new(binary());
    command
        .args(args)
        .env("GRIDLINE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("run gridline");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    assert!(child.wait().unwrap().success(), "gridline {args:?}");
}

fn serve(env: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(binary());
    command
        .arg("serve")
        .env("GRIDLINE_ADDR", "127.0.0.1:0")
        .env("GRIDLINE_LOG", "warn")
        .stdout(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("start gridline serve");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let base = loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server exited");
        if let Some(rest) = line.trim().strip_prefix("Gridline is running at ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, base)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Debian's PostgreSQL 15 log.
const PG_LOG: &str = "/var/log/postgresql/postgresql-15-main.log";

/// Logs every statement sent to `database` (as the `postgres` superuser).
fn log_statements(database: &str) -> bool {
    Command::new("su")
        .args(["postgres", "-c"])
        .arg(format!(
            "psql -qc \"ALTER DATABASE {database} SET log_statement = 'all'\""
        ))
        .status()
        .is_ok_and(|s| s.success())
}

/// Statements sent to `database` during `window` (counted in the log).
async fn statements_during(database: &str, window: Duration) -> usize {
    let start = std::fs::metadata(PG_LOG).map(|m| m.len()).unwrap_or(0);
    tokio::time::sleep(window).await;
    let log = std::fs::read(PG_LOG).unwrap_or_default();
    let tail = String::from_utf8_lossy(&log[(start as usize).min(log.len())..]);
    let mark = format!("@{database} LOG:");
    tail.lines()
        .filter(|l| l.contains(&mark) && (l.contains("statement: ") || l.contains("execute ")))
        .count()
}

struct Figures {
    idle_without: Option<f64>,
    idle_with: Option<f64>,
    kib_per_stream: f64,
    p50: Duration,
    p99: Duration,
    slowest_last: Duration,
    heard: usize,
}

async fn measure(env: &[(&str, &str)], streams: usize, pg: Option<&str>) -> Figures {
    run(env, &["seed-demo"], None);
    run(
        env,
        &[
            "user",
            "add",
            "bench.handler",
            "--name",
            "承办",
            "--role",
            "unit_handler",
            "--unit",
            "U-CM",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    let (mut server, base) = serve(env);
    let client = reqwest::Client::new();
    let filed: Value = client
        .post(format!("{base}/api/v1/tickets"))
        .json(&json!({
            "client_id": format!("bench-live-{}", std::process::id()),
            "matter_code": "0201",
            "description": "小区门口路灯不亮，晚上很黑",
            "region_code": "D01-S01-C01-G02",
            "contact_phone": "13812345678"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = filed["tracking_code"].as_str().unwrap().to_owned();
    let staff = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let session: Value = staff
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "bench.handler", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    let act = |body: Value| {
        staff
            .post(format!("{base}/api/v1/tickets/{code}/actions"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
    };
    assert_eq!(
        act(json!({"action": "accept"})).await.unwrap().status(),
        200
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    let idle = async || {
        let database = pg?;
        Some(statements_during(database, IDLE).await as f64 / IDLE.as_secs_f64())
    };
    let idle_without = idle().await;
    let rss_before = rss_kib(server.id());

    // The streams: each tells the main task when it hears a change.
    let (heard_tx, mut heard_rx) = mpsc::unbounded_channel::<Instant>();
    let opened = Arc::new(tokio::sync::Semaphore::new(0));
    let connect_slots = Arc::new(tokio::sync::Semaphore::new(200));
    let listeners = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    for _ in 0..streams {
        let (url, heard, opened, slots, http) = (
            format!("{base}/api/v1/tickets/{code}/events"),
            heard_tx.clone(),
            opened.clone(),
            connect_slots.clone(),
            listeners.clone(),
        );
        tokio::spawn(async move {
            let permit = slots.acquire_owned().await.unwrap();
            let mut response = http.get(&url).send().await.expect("open a stream");
            assert_eq!(response.status(), 200);
            drop(permit);
            opened.add_permits(1);
            let mut buffer = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let event: String = buffer.drain(..end + 2).collect();
                    if event.contains("event: changed") {
                        let _ = heard.send(Instant::now());
                    }
                }
            }
        });
    }
    drop(heard_tx);
    let _all = opened.acquire_many(streams as u32).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_kib(server.id());
    let idle_with = idle().await;

    let mut latencies = Vec::with_capacity(streams * CHANGES);
    let mut slowest_last = Duration::ZERO;
    let mut heard = 0;
    for i in 0..CHANGES {
        let sent = Instant::now();
        let note = format!("第 {i} 次进展");
        let r = act(json!({"action": "progress", "note": note, "public": true}))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let mut last = Duration::ZERO;
        for _ in 0..streams {
            match tokio::time::timeout(Duration::from_secs(10), heard_rx.recv()).await {
                Ok(Some(at)) => {
                    let latency = at.duration_since(sent);
                    last = last.max(latency);
                    latencies.push(latency);
                    heard += 1;
                }
                _ => break,
            }
        }
        slowest_last = slowest_last.max(last);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    latencies.sort();
    server.kill().unwrap();
    server.wait().unwrap();
    Figures {
        idle_without,
        idle_with,
        kib_per_stream: (rss_after as f64 - rss_before as f64) / streams as f64,
        p50: percentile(&latencies, 0.5),
        p99: percentile(&latencies, 0.99),
        slowest_last,
        heard,
    }
}

fn report(backend: &str, streams: usize, f: &Figures) {
    let rate = |r: Option<f64>| r.map_or("-".to_owned(), |r| format!("{r:.2}"));
    println!(
        "{backend:<10} streams {streams:>5}  idle statements/s: none open {:>5}, all open {:>5}  \
         memory {:.1} KiB/stream  heard {}/{}  p50 {:?}  p99 {:?}  slowest last {:?}",
        rate(f.idle_without),
        rate(f.idle_with),
        f.kib_per_stream,
        f.heard,
        streams * CHANGES,
        f.p50,
        f.p99,
        f.slowest_last,
    );
}

#[tokio::main]
async fn main() {
    let streams: usize = std::env::args()
        .nth(1)
        .map_or(5_000, |n| n.parse().expect("a number of streams"));
    if let Ok(admin) = std::env::var("GRIDLINE_TEST_POSTGRES_URL") {
        let database = format!("gridline_bench_live_{}", std::process::id());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let url = format!("{}/{database}", admin.rsplit_once('/').unwrap().0);
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let env = [
            ("GRIDLINE_DATABASE_URL", url.as_str()),
            ("GRIDLINE_DATA_DIR", data),
        ];
        let logged = log_statements(&database);
        if !logged {
            eprintln!("could not set log_statement (run as root): no statement counts");
        }
        let figures = measure(&env, streams, logged.then_some(database.as_str())).await;
        report("postgresql", streams, &figures);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {database} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
    } else {
        eprintln!("GRIDLINE_TEST_POSTGRES_URL is not set: SQLite only");
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let env = [("GRIDLINE_DATABASE_URL", ""), ("GRIDLINE_DATA_DIR", data)];
    let figures = measure(&env, streams, None).await;
    report("sqlite", streams, &figures);
}
