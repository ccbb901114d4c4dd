//! Server-sent event streams: a ticket's, for whoever follows it, and a staff member's
//! queues. Both are fed by the process's one listener (`crate::live`): an open stream
//! asks nothing of the database while nothing changes.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::{Stream, StreamExt};
use gridline_core::Role;
use gridline_core::tracking::TrackingCode;

use crate::auth::CurrentStaff;
use crate::error::{AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;
use crate::live::{Interest, Listener, Told};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{code}/events", get(ticket_events))
        .route("/queue/events", get(queue_events))
        .route("/calls/events", get(call_events))
}

/// A staff stream ends after this long and the browser opens it again, so the session
/// is checked again (a signed-out member stops hearing within this time).
const STAFF_STREAM: Duration = Duration::from_secs(300);

type Events = Sse<
    axum::response::sse::KeepAliveStream<
        std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>>,
    >,
>;

/// The stream of what `interest` is told, as `changed` events whose data `data` gives,
/// until the server shuts down (the client reconnects elsewhere) or `lasts` passes.
fn stream(
    state: &AppState,
    listener: Listener,
    interest: Interest,
    data: fn(&Told) -> String,
    lasts: Option<Duration>,
) -> Events {
    let events = futures_util::stream::unfold(
        (listener, interest),
        move |(mut listener, interest)| async move {
            loop {
                let heard = listener.next().await?;
                if let Some(told) = interest.told(heard) {
                    let mut event = Event::default().event("changed").data(data(&told));
                    if let Told::Ticket(change) = &told {
                        event = event.id(change.event_id.to_string());
                    }
                    return Some((Ok(event), (listener, interest)));
                }
            }
        },
    );
    let ends = {
        let closed = state.closed();
        async move {
            match lasts {
                Some(lasts) => {
                    tokio::select! {
                        () = closed => {},
                        () = tokio::time::sleep(lasts) => {},
                    }
                }
                None => closed.await,
            }
        }
    };
    Sse::new(events.take_until(ends).boxed()).keep_alive(KeepAlive::default())
}

#[utoipa::path(get, path = "/api/v1/tickets/{code}/events", tag = "tickets",
    params(("code" = String, Path, description = "tracking code")),
    responses((status = 200, content_type = "text/event-stream",
        description = "server-sent events: `changed` (data and id: the new timeline entry's id; data `0` and no id when changes may have been missed) each time the ticket changes after connecting; then read the ticket with its proof. Nothing is sent on connecting, whatever `Last-Event-ID` says: the client reads the ticket again when the stream (re)opens. Carries nothing else, and streams alike for a code that does not exist"),
        (status = 429, body = gridline_core::ErrorResponse, description = "rate_limited: this address made too many wrong proofs")))]
pub async fn ticket_events(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(code): Path<String>,
) -> AppResult<Events> {
    // An address that guessed too many codes or proofs is refused here too.
    if let Some(wait) = state.proof_limit.blocked_for(&address).await? {
        return Err(AppError::rate_limited("wrong codes or proofs", wait));
    }
    // Listening before anything else: nothing committed after this answer goes unheard.
    let listener = state.live.subscribe();
    // A malformed code streams like an unknown one: nothing but what every stream is
    // told (`Missed`). And nothing is sent on connecting: an event at once for a real
    // code (and silence for an unknown one) told anyone whether a code exists.
    let code = TrackingCode::parse(&code)
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default();
    let data = |told: &Told| match told {
        Told::Ticket(change) => change.event_id.to_string(),
        Told::LookAgain | Told::Call(_) => "0".to_owned(),
    };
    Ok(stream(&state, listener, Interest::Ticket(code), data, None))
}

#[utoipa::path(get, path = "/api/v1/queue/events", tag = "tickets",
    responses((status = 200, content_type = "text/event-stream",
        description = "server-sent events: `changed` (data: the tracking code; `*` when changes may have been missed) each time a ticket changes that concerns the caller's queues: every ticket for dispatchers, supervisors and admins, the tickets of their units (lead, co-handling or acting) for unit handlers; then read the queue again. Ends after 5 minutes: the browser reconnects and the session is checked again"),
        (status = 401, body = gridline_core::ErrorResponse),
        (status = 403, body = gridline_core::ErrorResponse, description = "a role without queues (grid workers, stations)")))]
pub async fn queue_events(State(state): State<AppState>, staff: CurrentStaff) -> AppResult<Events> {
    staff.require_any(&[
        Role::UnitHandler,
        Role::Dispatcher,
        Role::Supervisor,
        Role::Admin,
    ])?;
    let listener = state.live.subscribe();
    let roles = &staff.0.roles;
    let interest = if [Role::Dispatcher, Role::Supervisor, Role::Admin]
        .iter()
        .any(|r| roles.contains(r))
    {
        Interest::All
    } else {
        Interest::Units(state.store.staff_units(staff.0.id).await?)
    };
    let data = |told: &Told| match told {
        Told::Ticket(change) => change.code.clone(),
        Told::LookAgain | Told::Call(_) => "*".to_owned(),
    };
    Ok(stream(&state, listener, interest, data, Some(STAFF_STREAM)))
}

#[utoipa::path(get, path = "/api/v1/calls/events", tag = "hotline",
    responses((status = 200, content_type = "text/event-stream",
        description = "server-sent events: `changed` (data: the call id; `*` when calls may have been missed) each time the telephone system puts a call through to the signed-in operator; then read `GET /api/v1/calls`. Ends after 5 minutes: the browser reconnects and the session is checked again"),
        (status = 401, body = gridline_core::ErrorResponse),
        (status = 403, body = gridline_core::ErrorResponse, description = "hotline operators only")))]
pub async fn call_events(State(state): State<AppState>, staff: CurrentStaff) -> AppResult<Events> {
    staff.require_any(&[Role::HotlineOperator])?;
    let listener = state.live.subscribe();
    let data = |told: &Told| match told {
        Told::Call(ring) => ring.call_id.clone(),
        Told::Ticket(_) | Told::LookAgain => "*".to_owned(),
    };
    Ok(stream(
        &state,
        listener,
        Interest::Seat(staff.0.id),
        data,
        Some(STAFF_STREAM),
    ))
}
