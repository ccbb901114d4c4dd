//! Benchmark: the evaluation figures over 1,000,000 tickets filed over two years
//! (issue 8's budget: the monthly ranking and one street's report each under 1 s).
//!
//! `scripts/bench.sh stats` runs it with the server profile. It makes a SQLite database
//! in a temporary folder (and a PostgreSQL one when `GRIDLINE_TEST_POSTGRES_URL` is
//! set, as `scripts/postgres.sh` sets it), loads the demo's reference data, inserts the
//! tickets (deterministic, spread over the demo's units, grids and matter types, with
//! their outcomes: responded, resolved on time or late or still open, rated,
//! reopened; 2 % with a return request), then times the store's queries behind the
//! statistics API: the dashboard's ranking (every unit, October 2026) and its trend
//! (November 2025 to October 2026 in one query), one street's monthly report (received this month and last, and the
//! figures of the tickets due), hotspots (30 days against the 30 before) and a
//! drill-down (one unit's on-time rate), and the open reports near a resident about to
//! file (`GET /api/v1/nearby`). Prints the median of 7 runs of each.

use std::time::{Duration, Instant};

use gridline_core::api::reference::RegionLevel;
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::geo::Point;
use gridline_core::stats::Measure;
use gridline_server::repeats::{self, ReferenceKey, Repeats};
use gridline_server::stats::store::{RateGrouping, RateScope};
use gridline_server::store::shared::stored_time;
use gridline_server::store::{self, Store};
use sqlx::QueryBuilder;
use time::macros::datetime;
use time::{Duration as Span, OffsetDateTime};

const TICKETS: u32 = 1_000_000;
const BATCH: u32 = 1_000;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What is in the demo's reference data: (unit, grid, matter) triples a ticket can be.
struct Shape {
    units: Vec<String>,
    grids: Vec<String>,
    matters: Vec<String>,
}

async fn shape(store: &dyn Store) -> Shape {
    let units = store.list_units().await.unwrap();
    let regions = store.list_regions().await.unwrap();
    let matters = store.list_matter_types().await.unwrap();
    Shape {
        units: units.into_iter().map(|u| u.code).collect(),
        grids: regions
            .into_iter()
            .filter(|r| r.level == RegionLevel::Grid)
            .map(|r| r.code)
            .collect(),
        matters: matters
            .iter()
            .filter(|m| {
                !matters
                    .iter()
                    .any(|c| c.parent_code.as_ref() == Some(&m.code))
            })
            .map(|m| m.code.clone())
            .collect(),
    }
}

/// One generated ticket's columns.
struct Row {
    code: String,
    matter: String,
    grid: String,
    unit: String,
    created: OffsetDateTime,
    response_due: OffsetDateTime,
    handling_due: OffsetDateTime,
    responded: Option<OffsetDateTime>,
    resolved: Option<OffsetDateTime>,
    status: &'static str,
    satisfaction: Option<&'static str>,
    reopens: i32,
    tier: i32,
    lon: f64,
    lat: f64,
}

fn row(i: u32, shape: &Shape, rng: &mut Lcg, now: OffsetDateTime) -> Row {
    let start = datetime!(2024-12-01 00:00 +08:00);
    let created = start + Span::seconds(rng.below(2 * 365 * 86_400) as i64);
    let tier = [1, 3, 7, 11][rng.below(4) as usize];
    let response_due = created + Span::hours(4);
    let handling_due = created + Span::days(i64::from(tier) * 7 / 5 + 1);
    let responded = (rng.below(100) < 95)
        .then(|| created + Span::minutes(rng.below(5 * 60) as i64))
        .filter(|t| *t <= now);
    let resolved = (rng.below(100) < 92)
        .then(|| created + Span::hours(rng.below(24 * (u64::from(tier as u32) + 3)) as i64))
        .filter(|t| *t <= now && responded.is_some());
    let satisfaction = resolved.and_then(|_| match rng.below(100) {
        0..=59 => Some("satisfied"),
        60..=84 => Some("basically_satisfied"),
        85..=89 => Some("dissatisfied"),
        _ => None,
    });
    // Anywhere in the demo district (its own generator: the other columns stay as
    // they were before positions were added).
    let mut place = Lcg(u64::from(i).wrapping_mul(2_654_435_761) ^ 0x5EED);
    let lon = 120.40 + place.below(120_000) as f64 / 1e6;
    let lat = 36.06 + place.below(60_000) as f64 / 1e6;
    let status = match (responded, resolved, satisfaction) {
        (_, Some(_), Some(_)) => "closed",
        (_, Some(_), None) => "done",
        (Some(_), None, _) => "in_progress",
        (None, None, _) => "dispatched",
    };
    Row {
        code: format!("B{i:07}"),
        matter: shape.matters[rng.below(shape.matters.len() as u64) as usize].clone(),
        grid: shape.grids[rng.below(shape.grids.len() as u64) as usize].clone(),
        unit: shape.units[rng.below(shape.units.len() as u64) as usize].clone(),
        created,
        response_due,
        handling_due,
        responded,
        resolved,
        status,
        satisfaction,
        reopens: i32::from(rng.below(100) < 3),
        tier,
        lon,
        lat,
    }
}

async fn fill<DB>(pool: &sqlx::Pool<DB>, shape: &Shape, now: OffsetDateTime)
where
    DB: sqlx::Database,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i32: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> f64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<OffsetDateTime>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'c> &'c mut <DB as sqlx::Database>::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let mut rng = Lcg(12345);
    let started = Instant::now();
    for batch in 0..TICKETS / BATCH {
        let rows: Vec<Row> = (0..BATCH)
            .map(|k| row(batch * BATCH + k, shape, &mut rng, now))
            .collect();
        let mut q = QueryBuilder::<DB>::new(
            "INSERT INTO tickets (tracking_code, channel, matter_code, region_code, address, \
             description, status, return_pending, lead_unit_code, tier_days, urgent, created_at, \
             dispatched_at, response_due, handling_due, deadline_estimated, responded_at, \
             resolved_at, satisfaction, reopen_count, lon, lat) ",
        );
        q.push_values(&rows, |mut b, r| {
            b.push_bind(r.code.clone())
                .push_bind("resident")
                .push_bind(r.matter.clone())
                .push_bind(r.grid.clone())
                .push_bind("")
                .push_bind("基准测试")
                .push_bind(r.status)
                .push_bind(false)
                .push_bind(r.unit.clone())
                .push_bind(r.tier)
                .push_bind(false)
                .push_bind(stored_time(r.created))
                .push_bind(stored_time(r.created))
                .push_bind(stored_time(r.response_due))
                .push_bind(stored_time(r.handling_due))
                .push_bind(false)
                .push_bind(r.responded.map(stored_time))
                .push_bind(r.resolved.map(stored_time))
                .push_bind(r.satisfaction)
                .push_bind(r.reopens)
                .push_bind(r.lon)
                .push_bind(r.lat);
        });
        q.build().execute(pool).await.unwrap();
        if batch % 100 == 99 {
            eprintln!(
                "  {} tickets in {:.0} s",
                (batch + 1) * BATCH,
                started.elapsed().as_secs_f64()
            );
        }
    }
    // A return request on every 50th ticket (2 %).
    sqlx::query(
        "INSERT INTO ticket_events (ticket_id, at, kind, public, note) \
         SELECT id, created_at, 'request_return', return_pending, '' FROM tickets WHERE id % 50 = 0",
    )
    .execute(pool)
    .await
    .unwrap();
    println!(
        "  inserted {TICKETS} tickets and a return request on every 50th in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// Median of 7 runs of `run`, in milliseconds.
async fn timed<F, Fut>(mut run: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut runs = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        run().await;
        runs.push(started.elapsed());
    }
    median(runs).as_secs_f64() * 1e3
}

async fn time_queries(label: &str, store: &dyn Store, now: OffsetDateTime) {
    let snapshot_regions = store.list_regions().await.unwrap();
    let street = snapshot_regions
        .iter()
        .find(|r| r.level == RegionLevel::Street)
        .map(|r| r.code.clone())
        .unwrap();
    let grids_of_street: Vec<String> = snapshot_regions
        .iter()
        .filter(|r| r.level == RegionLevel::Grid && r.code.starts_with(&street))
        .map(|r| r.code.clone())
        .collect();
    let month = |y: i32, m: u8| {
        time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), 1)
            .unwrap()
            .with_time(time::Time::MIDNIGHT)
            .assume_offset(CHINA_OFFSET)
    };
    let (from, to) = (month(2026, 10), month(2026, 11));
    let counted: u64 = store
        .rate_counts(&[from, to], now, RateGrouping::Unit, None)
        .await
        .unwrap()
        .iter()
        .map(|r| r.counts.tickets)
        .sum();
    // The dashboard: every unit's month and its 12-month trend, one query.
    let bounds: Vec<OffsetDateTime> = (0..13)
        .map(|i| {
            let index = 2025 * 12 + 10 + i;
            month(index / 12, (index % 12 + 1) as u8)
        })
        .collect();
    let ranking = timed(|| async {
        let rows = store
            .rate_counts(&[from, to], now, RateGrouping::Unit, None)
            .await
            .unwrap();
        assert!(!rows.is_empty());
    })
    .await;
    let trend = timed(|| async {
        let rows = store
            .rate_counts(&bounds, now, RateGrouping::Unit, None)
            .await
            .unwrap();
        assert!(rows.iter().any(|r| r.period == 11));
    })
    .await;
    // One street's monthly report: received (this month and last) and the figures
    // of the tickets due, per unit and community.
    let report = timed(|| async {
        let intake = store
            .intake_counts(&[month(2026, 9), from, to], None)
            .await
            .unwrap();
        let rows = store
            .rate_counts(&[from, to], now, RateGrouping::Detail, None)
            .await
            .unwrap();
        let mut by_unit = std::collections::BTreeMap::new();
        for r in rows.iter().filter(|r| {
            r.region_code
                .as_ref()
                .is_some_and(|g| grids_of_street.contains(g))
        }) {
            by_unit
                .entry(r.unit_code.clone())
                .or_insert_with(gridline_core::stats::RateCounts::default)
                .add(&r.counts);
        }
        assert!(!intake.is_empty() && !by_unit.is_empty());
    })
    .await;
    // Hotspots: 30 days against the 30 before.
    let hotspots = timed(|| async {
        let rows = store
            .intake_counts(
                &[
                    now - Span::days(60),
                    now - Span::days(30),
                    now + Span::days(1),
                ],
                None,
            )
            .await
            .unwrap();
        assert!(!rows.is_empty());
    })
    .await;
    // A drill-down: one unit's on-time rate for the month, the tickets behind it.
    let unit = store.list_units().await.unwrap()[0].code.clone();
    let scope = RateScope::Unit(unit.clone());
    let listed = store
        .rated_tickets(from, to, now, &scope, Measure::OnTime, 1000)
        .await
        .unwrap()
        .0;
    let drill_down = timed(|| async {
        let (count, _) = store
            .rated_tickets(from, to, now, &scope, Measure::OnTime, 1000)
            .await
            .unwrap();
        assert_eq!(count, listed);
    })
    .await;
    // A resident about to file: the open reports of a kind near a place (what
    // `GET /api/v1/nearby` and following one read), with the demo's settings.
    // Street lights out: one of the 88 kinds, each filed as often.
    let matter = "0201";
    let key = ReferenceKey::load(store).await.unwrap();
    let repeats = Repeats {
        radius_m: 200.0,
        period: Span::days(30),
    };
    let here = Point::new(120.46, 36.09);
    let offered = repeats::nearby(store, &repeats, &key, matter, here, now)
        .await
        .unwrap()
        .len();
    let nearby = timed(|| async {
        let reports = repeats::nearby(store, &repeats, &key, matter, here, now)
            .await
            .unwrap();
        assert_eq!(reports.len(), offered);
    })
    .await;
    let wide = Repeats {
        radius_m: 2_000.0,
        ..repeats
    };
    let nearby_wide = timed(|| async {
        repeats::nearby(store, &wide, &key, matter, here, now)
            .await
            .unwrap();
    })
    .await;
    println!(
        "{label:<10} ranking of units (October 2026, {counted} tickets due):           {ranking:>7.1} ms"
    );
    println!(
        "{label:<10} their 12-month trend (November 2025 to October 2026, one query):  {trend:>7.1} ms"
    );
    println!(
        "{label:<10} one street's monthly report ({street}):                          {report:>7.1} ms"
    );
    println!(
        "{label:<10} hotspots, 30 days against the 30 before:                              {hotspots:>7.1} ms"
    );
    println!(
        "{label:<10} drill-down, {unit}'s on-time rate in October ({listed} tickets):          {drill_down:>7.1} ms"
    );
    println!(
        "{label:<10} nearby open reports of matter {matter}, 200 m, 30 days ({offered} offered):     {nearby:>7.1} ms"
    );
    println!(
        "{label:<10} the same within 2 km (the bounding box reads 100 times the area):      {nearby_wide:>7.1} ms"
    );
}

#[tokio::main]
async fn main() {
    let now = datetime!(2026-11-24 12:00 +08:00);
    let dir = tempfile::tempdir().unwrap();
    // GRIDLINE_BENCH_SQLITE names a database file to keep: filled on the first run,
    // timed again (after migrating it) on the next ones.
    let kept = std::env::var_os("GRIDLINE_BENCH_SQLITE").map(std::path::PathBuf::from);
    let refill = kept.as_ref().is_none_or(|path| !path.exists());
    let file = kept.unwrap_or_else(|| dir.path().join("bench.db"));
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let store = store::connect(&url).await.unwrap();
    if refill {
        gridline_server::catalogue::demo::load_reference_data(store.as_ref())
            .await
            .unwrap();
    }
    let shape = shape(store.as_ref()).await;
    println!(
        "SQLite: {} units, {} grids, {} matter types",
        shape.units.len(),
        shape.grids.len(),
        shape.matters.len()
    );
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    if refill {
        fill(&pool, &shape, now).await;
    }
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
    time_queries("SQLite", store.as_ref(), now).await;
    store.close().await;

    let Ok(admin) = std::env::var("GRIDLINE_TEST_POSTGRES_URL") else {
        println!(
            "PostgreSQL: skipped (GRIDLINE_TEST_POSTGRES_URL not set: source scripts/postgres.sh)"
        );
        return;
    };
    let name = format!("gridline_bench_{}", std::process::id());
    let admin_pool = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin_pool)
        .await
        .unwrap();
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("a database URL ends in its database"),
    };
    let store = store::connect(&url).await.unwrap();
    gridline_server::catalogue::demo::load_reference_data(store.as_ref())
        .await
        .unwrap();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    fill(&pool, &shape, now).await;
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
    time_queries("PostgreSQL", store.as_ref(), now).await;
    store.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(&admin_pool)
    .await
    .unwrap();
}
