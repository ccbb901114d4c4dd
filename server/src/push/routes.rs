//! Web Push subscriptions: the server's VAPID key, a resident's device following a
//! ticket (proved like the ticket's view), a staff member's browser for their queues.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use gridline_core::api::error::Validator;
use gridline_core::api::push::{
    FollowRequest, PushKeyResponse, PushSubscribed, StaffSubscribeRequest, Subscription, lang,
};
use gridline_core::api::ticket::TicketProof;
use gridline_core::{ErrorCode, FieldError, FieldIssue};

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;
use crate::push::store::NewPushSubscription;
use crate::tickets::routes::{lookup::find, lookup::proven};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/push/key", get(key))
        .route("/push/subscriptions", post(follow))
        .route("/push/staff", post(staff))
}

#[utoipa::path(get, path = "/api/v1/push/key", tag = "push",
    responses((status = 200, body = PushKeyResponse, description = "the VAPID public key")))]
pub async fn key(State(state): State<AppState>) -> AppResult<ApiJson<PushKeyResponse>> {
    let vapid = state.notifier.vapid(state.store.as_ref()).await?;
    Ok(ApiJson(PushKeyResponse {
        public_key: vapid.public_key().to_owned(),
    }))
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Validation(vec![FieldError {
        field: field.into(),
        issue: FieldIssue::Invalid,
        message: message.into(),
    }])
}

/// Refuses an endpoint whose name resolves now only to addresses the server may not
/// call (each delivery checks again where it connects).
async fn refuse_names_inside(
    state: &AppState,
    subscription: &NewPushSubscription,
) -> AppResult<()> {
    let url = reqwest::Url::parse(&subscription.endpoint)
        .map_err(|_| invalid("subscription.endpoint", "not a URL"))?;
    if crate::egress::resolves_only_inside(&url, state.config.push_allow_loopback).await {
        return Err(invalid(
            "subscription.endpoint",
            "a push service's https URL on the internet",
        ));
    }
    Ok(())
}

/// Checks a subscription and gives it as stored.
fn checked(
    state: &AppState,
    subscription: &Subscription,
    requested_lang: Option<&str>,
    staff: Option<(i64, Vec<u8>)>,
) -> AppResult<NewPushSubscription> {
    let mut v = Validator::new();
    subscription.validate(&mut v);
    v.finish().map_err(AppError::Validation)?;
    let allow_loopback = state.config.push_allow_loopback;
    let url = reqwest::Url::parse(subscription.endpoint.trim())
        .map_err(|_| invalid("subscription.endpoint", "not a URL"))?;
    let scheme_ok = url.scheme() == "https" || (allow_loopback && url.scheme() == "http");
    if !scheme_ok || !crate::egress::allowed_push_url(&url, allow_loopback) {
        return Err(invalid(
            "subscription.endpoint",
            "a push service's https URL on the internet",
        ));
    }
    let key = B64
        .decode(subscription.keys.p256dh.trim().trim_end_matches('='))
        .ok()
        .filter(|k| p256::PublicKey::from_sec1_bytes(k).is_ok());
    if key.is_none() {
        return Err(invalid(
            "subscription.keys.p256dh",
            "not a P-256 public key (base64url)",
        ));
    }
    let auth = B64
        .decode(subscription.keys.auth.trim().trim_end_matches('='))
        .ok()
        .filter(|a| a.len() == 16);
    if auth.is_none() {
        return Err(invalid(
            "subscription.keys.auth",
            "not a 16-byte secret (base64url)",
        ));
    }
    let lang = lang(requested_lang).map_err(|e| AppError::Validation(vec![e]))?;
    Ok(NewPushSubscription {
        endpoint: url.to_string(),
        p256dh: subscription
            .keys
            .p256dh
            .trim()
            .trim_end_matches('=')
            .to_owned(),
        auth: subscription
            .keys
            .auth
            .trim()
            .trim_end_matches('=')
            .to_owned(),
        lang: lang.to_owned(),
        staff_id: staff.as_ref().map(|(id, _)| *id),
        session_hash: staff.map(|(_, hash)| hash),
    })
}

#[utoipa::path(post, path = "/api/v1/push/subscriptions", tag = "push",
    request_body = FollowRequest,
    params(("x-device-secret" = Option<String>, Header, description = "the filing device's secret, instead of phone_suffix")),
    responses(
        (status = 201, body = PushSubscribed, description = "this browser hears of every public step of the ticket"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket, or not proved"),
        (status = 409, body = gridline_core::ErrorResponse, description = "conflict: the ticket has as many followers as it may (10)"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a subscription that is not one"),
        (status = 429, body = gridline_core::ErrorResponse, description = "rate_limited: this address made too many wrong proofs"),
    ))]
pub async fn follow(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(request): ApiJson<FollowRequest>,
) -> AppResult<(StatusCode, ApiJson<PushSubscribed>)> {
    let subscription = checked(&state, &request.subscription, request.lang.as_deref(), None)?;
    refuse_names_inside(&state, &subscription).await?;
    let proof = TicketProof {
        phone_suffix: request.phone_suffix.clone(),
    };
    let ticket = find(&state, &request.tracking_code).await.ok();
    let ticket = proven(&state, &address, ticket, &proof, &headers).await?;
    let full = || {
        AppError::client(
            ErrorCode::Conflict,
            format!(
                "this ticket has {} devices following it already",
                crate::push::MAX_FOLLOWERS
            ),
        )
    };
    // Refused before anything is kept; the store checks again as it writes (two at once).
    let followers = state.store.ticket_followers(ticket.id).await?;
    if followers.len() >= crate::push::MAX_FOLLOWERS
        && !followers
            .iter()
            .any(|f| f.endpoint == subscription.endpoint)
    {
        return Err(full());
    }
    let id = state.store.save_push_subscription(&subscription).await?;
    if !state
        .store
        .follow_ticket(id, ticket.id, crate::push::MAX_FOLLOWERS)
        .await?
    {
        return Err(full());
    }
    Ok((
        StatusCode::CREATED,
        ApiJson(PushSubscribed {
            following: Some(ticket.tracking_code),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/push/staff", tag = "push",
    request_body = StaffSubscribeRequest,
    responses(
        (status = 201, body = PushSubscribed, description = "this browser hears of what enters the staff member's queues until this session ends (sign-out or expiry)"),
        (status = 401, body = gridline_core::ErrorResponse),
        (status = 422, body = gridline_core::ErrorResponse),
    ))]
pub async fn staff(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    headers: HeaderMap,
    ApiJson(request): ApiJson<StaffSubscribeRequest>,
) -> AppResult<(StatusCode, ApiJson<PushSubscribed>)> {
    // The subscription lasts as long as the session it is made in.
    let session = crate::auth::session_token(&headers)
        .map(|token| crate::auth::token_hash(&token))
        .ok_or_else(AppError::unauthenticated)?;
    let subscription = checked(
        &state,
        &request.subscription,
        request.lang.as_deref(),
        Some((staff.id, session)),
    )?;
    refuse_names_inside(&state, &subscription).await?;
    state.store.save_push_subscription(&subscription).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(PushSubscribed { following: None }),
    ))
}
