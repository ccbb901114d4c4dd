//! Tickets: filing (any channel), following by tracking code, acting, rating, queues.

pub mod filing;
pub mod follow;
pub mod lookup;
pub mod page;
pub mod work;

use axum::Router;
use axum::routing::{get, post};

use crate::http::state::AppState;
use crate::tickets::routes::filing::{create, nearby, tracking_qr};
use crate::tickets::routes::follow::{rate, show, ticket_media};
use crate::tickets::routes::work::{act, add_co_unit, change_tier, merge, queue, similar};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", post(create))
        .route("/tickets/{code}", get(show))
        .route("/tickets/{code}/actions", post(act))
        .route("/tickets/{code}/rating", post(rate))
        .route("/tickets/{code}/co-units", post(add_co_unit))
        .route("/tickets/{code}/tier", post(change_tier))
        .route("/tickets/{code}/media/{id}", get(ticket_media))
        .route("/tickets/{code}/qr.svg", get(tracking_qr))
        .route("/tickets/{code}/similar", get(similar))
        .route("/tickets/{code}/merge", post(merge))
        .route("/queue", get(queue))
        .route("/nearby", get(nearby))
}
