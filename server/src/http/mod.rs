//! The HTTP frame: the shared state ([`AppState`], `state.rs`), assembled once from
//! the features' parts; the router with its layers (request ids, tracing, compression,
//! panics as 500s, security headers); the app shell (`web.rs`); who is asking
//! (`address.rs`); the JSON API's assembly (`api.rs`, one router per feature) and
//! graceful shutdown.
//!
//! This is the top layer: it imports the features, and only the features' `routes`
//! modules import it back (through `state.rs`); services and stores never do.

pub mod address;
pub mod api;
pub mod health;
pub mod state;
pub mod web;

use std::future::Future;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderName;
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use self::api as routes;
use crate::error::REQUEST_ID;

pub use self::state::{AppState, PROOF_FAILURES};

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: `/healthz`, the JSON API under `/api`, and the app shell.
pub fn build_router(state: AppState) -> Router {
    Router::new()
        .merge(routes::router(&state))
        // The page a text message links to: the resident shell with the status in it.
        .route(
            "/track/{code}",
            axum::routing::get(crate::tickets::routes::page::track_page),
        )
        .merge(web::router(state.shell.clone()))
        .layer(middleware::from_fn_with_state(
            state.shell.clone(),
            web::security_headers,
        ))
        .layer(middleware::from_fn(request_id_scope))
        .layer(CatchPanicLayer::custom(web::panic_response))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req
                .headers()
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // The path only: query strings may carry personal data.
            tracing::info_span!("request", id, method = %req.method(), path = req.uri().path())
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
        .with_state(state)
}

/// Makes the request id available to error responses (see `error::REQUEST_ID`).
async fn request_id_scope(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    REQUEST_ID.scope(id, next.run(req)).await
}

/// How long requests in flight may take to finish once shutting down begins; the whole
/// stop stays within 10 s (a supervisor's usual wait before SIGKILL).
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(8);

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests
/// finish before returning.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let store = state.store.clone();
    let jobs = start_jobs(&state).await;
    let closing = state.closing.clone();
    let closed = state.closed();
    let app = build_router(state);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        // Open event streams end now, so they do not hold the shutdown up.
        closing.send_replace(true);
    });
    // Whatever else is still in flight gets SHUTDOWN_GRACE, then is cut off.
    let result = tokio::select! {
        result = std::future::IntoFuture::into_future(server) => result,
        () = async move {
            closed.await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::warn!(grace_secs = SHUTDOWN_GRACE.as_secs(), "requests still in flight after the grace period: cut off");
            Ok(())
        }
    };
    for job in jobs {
        job.abort();
    }
    store.close().await;
    result
}

/// Reads (or makes) the VAPID key, then starts what runs beside the requests: the live
/// listener, the deadline job, the media sweep, the outbox, the session purge and the
/// Open311 poller. They end when aborted.
async fn start_jobs(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let store = state.store.clone();
    // The VAPID key pair is made at the first start (and read at every later one).
    if let Err(e) = state.notifier.vapid(store.as_ref()).await {
        tracing::warn!(error = %e, "the VAPID key could not be read; push waits for the database");
    }
    // Listening before accepting: a stream opened at once hears what follows.
    let live = tokio::spawn(state.live.clone().run_forever(store.clone()));
    let every = std::time::Duration::from_secs(state.config.deadline_check_secs.max(1));
    let job = tokio::spawn(crate::dispatch::deadlines::run_forever(
        store.clone(),
        every,
    ));
    let sweep = tokio::spawn(crate::media::sweep::sweep_forever(
        store.clone(),
        state.media.clone(),
        std::time::Duration::from_secs(3600),
        time::Duration::hours(i64::from(state.config.media_grace_hours)),
    ));
    let outbox = tokio::spawn(crate::outbox::run_forever(
        state.notifier.clone(),
        store.clone(),
        std::time::Duration::from_secs(5),
    ));
    let sessions = tokio::spawn(purge_sessions_forever(
        state.clone(),
        std::time::Duration::from_secs(3600),
    ));
    let poller = tokio::spawn(crate::outbox::poll::poll_forever(
        crate::outbox::poll::Poller {
            store: state.store.clone(),
            reference: state.reference.clone(),
            notifier: state.notifier.clone(),
        },
        std::time::Duration::from_secs(state.config.open311_poll_secs.max(1)),
    ));
    vec![job, live, sweep, outbox, sessions, poller]
}

/// Deletes expired sessions and limits' past entries every `every` (they count for
/// nothing already; this keeps the tables small), until aborted.
async fn purge_sessions_forever(state: AppState, every: std::time::Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let now = time::OffsetDateTime::now_utc();
        match state
            .store
            .purge_sessions(now, now - state.sessions.max_age)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "expired sessions deleted"),
            Err(e) => tracing::warn!(error = %e, "deleting expired sessions failed"),
        }
        if let Some(windows) = state.store.shared_windows()
            && let Err(e) = windows.sweep(now).await
        {
            tracing::warn!(error = %e, "deleting limits' past entries failed");
        }
    }
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
