//! The floor the intake benchmark compares with: a bare axum handler that takes the
//! same complaint JSON and inserts one row into SQLite (WAL, `synchronous = FULL`, the
//! server's settings), answering 201 with a code. No validation beyond the JSON's
//! shape, no routing, no deadlines, no timeline, no outbox, no limits.
//!
//! `cargo run --profile server -p gridline-server --example bare_intake -- FOLDER PORT`
//! (`scripts/bench.sh intake` runs it).

use std::str::FromStr;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::post};
use serde::Deserialize;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

#[derive(Deserialize)]
struct Complaint {
    client_id: String,
    matter_code: String,
    description: String,
    region_code: Option<String>,
    address: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
}

async fn file(
    State(pool): State<SqlitePool>,
    Json(c): Json<Complaint>,
) -> Result<(StatusCode, Json<serde_json::Value>), StatusCode> {
    let code = uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase();
    sqlx::query(
        "INSERT INTO tickets (tracking_code, client_id, matter_code, description, region_code,
                              address, contact_name, contact_phone, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, strftime('%s', 'now'))",
    )
    .bind(&code)
    .bind(&c.client_id)
    .bind(&c.matter_code)
    .bind(&c.description)
    .bind(&c.region_code)
    .bind(c.address.unwrap_or_default())
    .bind(&c.contact_name)
    .bind(&c.contact_phone)
    .execute(&pool)
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "tracking_code": code })),
    ))
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let folder = args.next().expect("a folder for the database");
    let port: u16 = args.next().expect("a port").parse().expect("a port number");
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{folder}/bare.db"))
        .unwrap()
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS tickets (
             id INTEGER PRIMARY KEY, tracking_code TEXT NOT NULL UNIQUE,
             client_id TEXT UNIQUE, matter_code TEXT NOT NULL, description TEXT NOT NULL,
             region_code TEXT, address TEXT NOT NULL, contact_name TEXT,
             contact_phone TEXT, created_at INTEGER NOT NULL)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let app = Router::new()
        .route("/api/v1/tickets", post(file))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    println!(
        "bare intake listening on {}",
        listener.local_addr().unwrap()
    );
    axum::serve(listener, app).await.unwrap();
}
