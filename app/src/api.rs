//! Typed calls to the server. Every failure is an [`ApiError`]: either the network
//! (no answer at all) or the server's one error shape (`gridline_core::ErrorResponse`).

use gloo_net::http::Request;
use gridline_core::api::API_PREFIX;
use std::cell::RefCell;

use gridline_core::api::auth::{CSRF_HEADER, LoginRequest, SessionResponse};
use gridline_core::api::field::{RecordsResponse, SyncRequest, SyncResponse};
use gridline_core::api::knowledge::SuggestResponse;
use gridline_core::api::media::MediaResponse;
use gridline_core::api::reference::{CatalogueResponse, CommonMattersResponse, RegionsResponse};
use gridline_core::api::station::{
    DEVICE_HEADER, DeviceResponse, EnrollRequest, EnrolledResponse, SealedFilingRequest,
    StationFilingsResponse,
};
use gridline_core::api::stats::{
    HotspotsResponse, RankingResponse, RatedTicketsResponse, RatesResponse, ReportResponse,
    TrendResponse,
};
use gridline_core::api::ticket::{
    ActionRequest, CoUnitRequest, CreateTicketRequest, DEVICE_SECRET_HEADER, MergeRequest,
    NearbyResponse, QueueResponse, QueueView, RatingRequest, SimilarResponse,
    TicketCreatedResponse, TicketView, TierChangeRequest,
};
use gridline_core::{ErrorCode, ErrorResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The request never got an answer (offline, DNS, connection reset).
    Network,
    /// The server answered with an error in the one shape.
    Server(ErrorResponse),
}

impl ApiError {
    /// An error response that is not in the shape (a proxy's HTML page, say).
    fn unexpected(status: u16) -> ApiError {
        let code = match status {
            413 => ErrorCode::PayloadTooLarge,
            502..=504 => ErrorCode::Unavailable,
            _ => ErrorCode::Internal,
        };
        ApiError::Server(ErrorResponse::new(code, format!("HTTP {status}")))
    }
}

/// A server's answer, read whole. Every call goes through [`exchange`], which is not
/// generic: only the last step, [`Answer::decode`], is compiled once per answer type,
/// which keeps the bundles smaller than one network future per endpoint.
struct Answer {
    ok: bool,
    status: u16,
    text: String,
}

impl Answer {
    fn decode<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        if self.ok {
            serde_json::from_str(&self.text).map_err(|_| ApiError::unexpected(self.status))
        } else {
            Err(self.failure())
        }
    }

    /// For a write whose answer only confirms: not reading it keeps the bundle smaller.
    fn confirm(self) -> Result<(), ApiError> {
        if self.ok { Ok(()) } else { Err(self.failure()) }
    }

    /// The error a failed answer carries.
    fn failure(&self) -> ApiError {
        match serde_json::from_str::<ErrorResponse>(&self.text) {
            Ok(body) => ApiError::Server(body),
            Err(_) => ApiError::unexpected(self.status),
        }
    }

    fn is_csrf_rejection(&self) -> bool {
        !self.ok
            && matches!(self.failure(), ApiError::Server(body) if body.error.code == ErrorCode::CsrfRejected)
    }
}

/// Sends a request and reads its answer (a body that cannot be read counts as empty,
/// so decoding it fails with the status).
async fn exchange(request: Result<Request, ApiError>) -> Result<Answer, ApiError> {
    let response = request?.send().await.map_err(|_| ApiError::Network)?;
    Ok(Answer {
        ok: response.ok(),
        status: response.status(),
        text: response.text().await.unwrap_or_default(),
    })
}

fn url(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    exchange(built(Request::get(&url(path)))).await?.decode()
}

fn built(builder: gloo_net::http::RequestBuilder) -> Result<Request, ApiError> {
    builder.build().map_err(|_| ApiError::Network)
}

thread_local! {
    /// The signed-in session's CSRF token (from sign-in or `/auth/me`), sent with writes.
    static CSRF: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn csrf() -> Option<String> {
    CSRF.with(|c| c.borrow().clone())
}

fn remember(session: &SessionResponse) {
    CSRF.with(|c| *c.borrow_mut() = Some(session.csrf_token.clone()));
}

/// Sends a write with the session's CSRF token; when the server refuses the token (the
/// page never had one, or the session changed in another tab), asks for the current
/// one and tries once more.
async fn send_write(build: &dyn Fn() -> Result<Request, ApiError>) -> Result<Answer, ApiError> {
    let answer = exchange(build()).await?;
    if answer.is_csrf_rejection() && me().await.is_ok() {
        return exchange(build()).await;
    }
    Ok(answer)
}

fn with_csrf(builder: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
    match csrf() {
        Some(token) => builder.header(CSRF_HEADER, &token),
        None => builder,
    }
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    send_json(&url(path), None, &json(body)?).await?.decode()
}

/// A request body as JSON (apart from the sending, so that stays one future).
fn json(body: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|_| ApiError::Network)
}

/// A write with a JSON body (already serialised) to the whole `url`, with a resident's
/// proof where one is needed.
async fn send_json(url: &str, proof: Option<&Proof>, body: &str) -> Result<Answer, ApiError> {
    send_write(&|| {
        let builder = with_csrf(Request::post(url)).header("content-type", "application/json");
        match proof {
            Some(proof) => proof.prove(builder),
            None => builder,
        }
        .body(body)
        .map_err(|_| ApiError::Network)
    })
    .await
}

/// Makes sure the session's CSRF token is known before a staff write (a page opened
/// offline has not asked yet), sparing the refused first try.
pub async fn ensure_csrf() -> Result<(), ApiError> {
    if csrf().is_none() {
        me().await?;
    }
    Ok(())
}

pub async fn login(request: &LoginRequest) -> Result<SessionResponse, ApiError> {
    let session: SessionResponse = post("/auth/login", request).await?;
    remember(&session);
    Ok(session)
}

pub async fn me() -> Result<SessionResponse, ApiError> {
    let session: SessionResponse = get("/auth/me").await?;
    remember(&session);
    Ok(session)
}

pub async fn logout() -> Result<(), ApiError> {
    let answer = exchange(built(with_csrf(Request::post(&url("/auth/logout"))))).await?;
    CSRF.with(|c| *c.borrow_mut() = None);
    answer.confirm()
}

pub async fn catalogue() -> Result<CatalogueResponse, ApiError> {
    get("/catalogue").await
}

/// The catalogue (or the units, with `path` `/units`) read into `T`, a narrower type
/// that takes only the fields a page needs: what serde does not read it does not
/// carry in the bundle.
pub async fn reference_as<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    get(path).await
}

thread_local! {
    /// The device token of an enrolled station tablet, sent with its uploads.
    static STATION_DEVICE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Marks this page as an enrolled station tablet (or not): its uploads carry the
/// device token, so the server counts them as the station's.
pub fn set_station_device(token: Option<String>) {
    STATION_DEVICE.with(|d| *d.borrow_mut() = token);
}

/// Uploads a photo or voice note (its bytes as the body); the server says what it is.
/// Only the uploader attaches it: a staff session (its cookie), a station tablet (its
/// device token), or a resident's device, named by `device_secret`, the secret its
/// complaint is filed with.
pub async fn upload_media(
    blob: &web_sys::Blob,
    device_secret: Option<&str>,
) -> Result<MediaResponse, ApiError> {
    let device = STATION_DEVICE.with(|d| d.borrow().clone());
    send_write(&|| {
        let mut builder = with_csrf(Request::post(&url("/media")))
            .header("content-type", "application/octet-stream");
        if let Some(token) = &device {
            builder = builder.header(DEVICE_HEADER, token);
        }
        if let Some(secret) = device_secret {
            builder = builder.header(DEVICE_SECRET_HEADER, secret);
        }
        builder.body(blob.clone()).map_err(|_| ApiError::Network)
    })
    .await?
    .decode()
}

/// Enrolls this tablet at a station with an admin's one-time code.
pub async fn station_enroll(request: &EnrollRequest) -> Result<EnrolledResponse, ApiError> {
    post("/station/enroll", request).await
}

async fn station_get<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
    exchange(built(Request::get(&url(path)).header(DEVICE_HEADER, token)))
        .await?
        .decode()
}

/// The tablet's station and settings (refused once the tablet is revoked).
pub async fn station_device(token: &str) -> Result<DeviceResponse, ApiError> {
    station_get(token, "/station/device").await
}

/// Today's filings of the tablet's station, masked.
pub async fn station_filings(token: &str) -> Result<StationFilingsResponse, ApiError> {
    station_get(token, "/station/filings").await
}

/// Sends a sealed filing (again, harmlessly: its client id makes it the same ticket).
pub async fn station_file(
    token: &str,
    request: &SealedFilingRequest,
) -> Result<TicketCreatedResponse, ApiError> {
    let request = Request::post(&url("/station/filings"))
        .header(DEVICE_HEADER, token)
        .json(request)
        .map_err(|_| ApiError::Network);
    exchange(request).await?.decode()
}

/// What proves a resident may see a ticket besides its tracking code. Staff need none
/// (their session cookie proves them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// The contact phone's last four digits.
    Phone(String),
    /// The filing device's secret (sent as a header, never in a link).
    Device(String),
}

impl Proof {
    fn query(&self) -> String {
        match self {
            Proof::Phone(suffix) => format!("?phone_suffix={}", plain(suffix)),
            Proof::Device(_) => String::new(),
        }
    }

    fn prove(&self, builder: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
        match self {
            Proof::Phone(_) => builder,
            Proof::Device(secret) => builder.header(DEVICE_SECRET_HEADER, secret),
        }
    }
}

/// Where a medium on a ticket's timeline is fetched from: with the phone's digits for
/// the public, bare for staff. A device secret cannot go into a link: see
/// [`media_blob`].
pub fn media_url(code: &str, id: &str, proof: Option<&Proof>) -> String {
    let base = format!("{API_PREFIX}/tickets/{}/media/{}", plain(code), plain(id));
    match proof {
        Some(proof) => format!("{base}{}", proof.query()),
        None => base,
    }
}

/// A medium fetched with its proof in a header (for a device secret).
pub async fn media_blob(code: &str, id: &str, proof: &Proof) -> Result<web_sys::Blob, ApiError> {
    let response = proof
        .prove(Request::get(&media_url(code, id, Some(proof))))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if !response.ok() {
        let text = response.text().await.unwrap_or_default();
        let status = response.status();
        return Err(Answer {
            ok: false,
            status,
            text,
        }
        .failure());
    }
    let blob = web_sys::Response::from(response)
        .blob()
        .map_err(|_| ApiError::Network)?;
    wasm_bindgen_futures::JsFuture::from(blob)
        .await
        .map(Into::into)
        .map_err(|_| ApiError::Network)
}

/// The QR code of a ticket's tracking link (an SVG the server draws).
pub fn tracking_qr_url(code: &str) -> String {
    format!("{API_PREFIX}/tickets/{}/qr.svg", plain(code))
}

/// Letters and digits only: what may go into a path segment or query value unescaped.
fn plain(value: &str) -> String {
    value.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// A reference code (`D01-S01-C01-G02`): letters, digits, `-` and `_`, safe in a path.
fn plain_code(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A ticket as the public sees it, with its proof.
pub async fn ticket_public(code: &str, proof: &Proof) -> Result<TicketView, ApiError> {
    let path = url(&format!("/tickets/{}{}", plain(code), proof.query()));
    exchange(built(proof.prove(Request::get(&path))))
        .await?
        .decode()
}

/// Files a complaint (again, harmlessly: its `client_id` makes it the same ticket).
pub async fn file_ticket(request: &CreateTicketRequest) -> Result<TicketCreatedResponse, ApiError> {
    post("/tickets", request).await
}

/// The complainant rates a done ticket.
pub async fn rate(
    code: &str,
    proof: &Proof,
    request: &RatingRequest,
) -> Result<TicketView, ApiError> {
    let path = url(&format!("/tickets/{}/rating{}", plain(code), proof.query()));
    send_json(&path, Some(proof), &json(request)?)
        .await?
        .decode()
}

pub async fn common_matters() -> Result<CommonMattersResponse, ApiError> {
    get("/catalogue/common").await
}

/// A grid drawn for tapping a place (its outline and projection).
pub async fn region_map(
    code: &str,
) -> Result<gridline_core::api::reference::RegionMapResponse, ApiError> {
    get(&format!("/regions/{}/map", plain_code(code))).await
}

pub async fn regions() -> Result<RegionsResponse, ApiError> {
    get("/regions").await
}

/// A ticket as the signed-in staff member sees it.
pub async fn ticket(code: &str) -> Result<TicketView, ApiError> {
    get(&format!("/tickets/{}", plain(code))).await
}

/// One page of a queue: `offset` tickets skipped, `QUEUE_PAGE` at most.
/// A page of a queue, of one kind of request (`kind`, its wire name) or all (empty).
pub async fn queue(view: QueueView, offset: u32, kind: &str) -> Result<QueueResponse, ApiError> {
    let of_kind = if kind.is_empty() {
        String::new()
    } else {
        format!("&kind={kind}")
    };
    get(&format!(
        "/queue?view={}&offset={offset}{of_kind}",
        view.as_str()
    ))
    .await
}

/// Reports of the same matter type filed near the ticket (staff who handle it).
/// Open reports of a kind near a place, for a resident about to file.
pub async fn nearby(matter_code: &str, lon: f64, lat: f64) -> Result<NearbyResponse, ApiError> {
    get(&format!(
        "/nearby?matter_code={}&lon={lon}&lat={lat}",
        plain(matter_code)
    ))
    .await
}

pub async fn similar(code: &str) -> Result<SimilarResponse, ApiError> {
    get(&format!("/tickets/{}/similar", plain(code))).await
}

/// Merges the ticket `code` into `into` (dispatchers, supervisors, admins).
pub async fn merge(code: &str, request: &MergeRequest) -> Result<TicketView, ApiError> {
    post(&format!("/tickets/{}/merge", plain(code)), request).await
}

pub async fn act(code: &str, request: &ActionRequest) -> Result<TicketView, ApiError> {
    post(&format!("/tickets/{}/actions", plain(code)), request).await
}

pub async fn add_co_unit(code: &str, request: &CoUnitRequest) -> Result<TicketView, ApiError> {
    post(&format!("/tickets/{}/co-units", plain(code)), request).await
}

pub async fn consultations_of(
    code: &str,
) -> Result<gridline_core::api::consult::ConsultationsResponse, ApiError> {
    get(&format!("/tickets/{}/consultation", plain(code))).await
}

pub async fn consultations() -> Result<gridline_core::api::consult::ConsultationsResponse, ApiError>
{
    get("/consultations").await
}

pub async fn open_consultation(
    code: &str,
    request: &gridline_core::api::consult::OpenConsultationRequest,
) -> Result<gridline_core::api::consult::Consultation, ApiError> {
    post(&format!("/tickets/{}/consultation", plain(code)), request).await
}

pub async fn consultation_view(
    code: &str,
    request: &gridline_core::api::consult::ConsultationViewRequest,
) -> Result<gridline_core::api::consult::Consultation, ApiError> {
    post(
        &format!("/tickets/{}/consultation/views", plain(code)),
        request,
    )
    .await
}

pub async fn decide_consultation(
    code: &str,
    request: &gridline_core::api::consult::ConsultationDecisionRequest,
) -> Result<gridline_core::api::consult::Consultation, ApiError> {
    post(
        &format!("/tickets/{}/consultation/decision", plain(code)),
        request,
    )
    .await
}

pub async fn topic_suggestions()
-> Result<gridline_core::api::topic::TopicSuggestionsResponse, ApiError> {
    get("/topics/suggestions").await
}

pub async fn topics() -> Result<gridline_core::api::topic::TopicsResponse, ApiError> {
    get("/topics").await
}

pub async fn create_topic(
    request: &gridline_core::api::topic::NewTopicRequest,
) -> Result<gridline_core::api::topic::Topic, ApiError> {
    post("/topics", request).await
}

pub async fn topic_measure(
    id: i64,
    request: &gridline_core::api::topic::TopicMeasureRequest,
) -> Result<gridline_core::api::topic::Topic, ApiError> {
    post(&format!("/topics/{id}/measures"), request).await
}

pub async fn close_topic(
    id: i64,
    request: &gridline_core::api::topic::CloseTopicRequest,
) -> Result<gridline_core::api::topic::Topic, ApiError> {
    post(&format!("/topics/{id}/close"), request).await
}

pub async fn advance() -> Result<gridline_core::api::advance::AdvanceResponse, ApiError> {
    get("/advance").await
}

pub async fn add_preventive_measure(
    request: &gridline_core::api::advance::PreventiveMeasureRequest,
) -> Result<(), ApiError> {
    send_json(&url("/advance/measures"), None, &json(request)?)
        .await?
        .confirm()
}

pub async fn change_tier(code: &str, request: &TierChangeRequest) -> Result<TicketView, ApiError> {
    post(&format!("/tickets/{}/tier", plain(code)), request).await
}

/// What `text` is probably about, and the standard answers that may settle it.
pub async fn suggest(text: &str) -> Result<SuggestResponse, ApiError> {
    get(&format!("/suggest?{}", query_string(&[("text", text)]))).await
}

/// The calls put through to the signed-in operator in the last hour, newest first.
pub async fn calls() -> Result<gridline_core::api::hotline::CallsResponse, ApiError> {
    get("/calls").await
}

/// The tickets filed before with the contact phone `phone`, newest first.
pub async fn caller_tickets(
    phone: &str,
) -> Result<gridline_core::api::hotline::CallerTicketsResponse, ApiError> {
    get(&format!(
        "/callers/tickets?{}",
        query_string(&[("phone", phone)])
    ))
    .await
}

/// The standard answers holding today that answer `q`, best first.
pub async fn search_knowledge(
    q: &str,
) -> Result<gridline_core::api::knowledge::KnowledgeResponse, ApiError> {
    get(&format!("/knowledge?{}", query_string(&[("q", q)]))).await
}

/// A new standard answer (admins, or a unit for itself).
pub async fn create_knowledge(
    fields: &gridline_core::api::knowledge::KnowledgeFields,
) -> Result<(), ApiError> {
    send_json(&url("/knowledge"), None, &json(fields)?)
        .await?
        .confirm()
}

/// Changes a standard answer.
pub async fn update_knowledge(
    id: i64,
    fields: &gridline_core::api::knowledge::KnowledgeFields,
) -> Result<(), ApiError> {
    let (url, body) = (url(&format!("/knowledge/{id}")), json(fields)?);
    send_write(&|| {
        with_csrf(Request::put(&url))
            .header("content-type", "application/json")
            .body(&body)
            .map_err(|_| ApiError::Network)
    })
    .await?
    .confirm()
}

/// Removes a standard answer.
pub async fn delete_knowledge(id: i64) -> Result<(), ApiError> {
    let url = url(&format!("/knowledge/{id}"));
    send_write(&|| built(with_csrf(Request::delete(&url))))
        .await?
        .confirm()
}

/// Records an enquiry answered on the hotline (sending it again for the same call
/// records nothing twice).
pub async fn record_enquiry(
    request: &gridline_core::api::knowledge::EnquiryRequest,
) -> Result<gridline_core::api::knowledge::EnquiryCreated, ApiError> {
    post("/enquiries", request).await
}

/// A query string of `key=value` pairs with the values encoded; empty ones left out.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| {
            format!(
                "{key}={}",
                String::from(js_sys::encode_uri_component(value))
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `month` as `YYYY-MM`, or empty for this month.
pub async fn ranking(month: &str) -> Result<RankingResponse, ApiError> {
    get(&format!(
        "/stats/ranking?{}",
        query_string(&[("month", month)])
    ))
    .await
}

/// The figures per group for a period; `query` as `by=…&from=…&to=…`.
pub async fn rates(query: &str) -> Result<RatesResponse, ApiError> {
    get(&format!("/stats/rates?{query}")).await
}

/// The 12 months up to `month` (`YYYY-MM`, or empty for this month).
pub async fn trend(month: &str) -> Result<TrendResponse, ApiError> {
    get(&format!(
        "/stats/trend?{}",
        query_string(&[("month", month)])
    ))
    .await
}

/// The tickets behind one number; `query` as `by=…&code=…&from=…&to=…&measure=…`.
pub async fn rated_tickets(query: &str) -> Result<RatedTicketsResponse, ApiError> {
    get(&format!("/stats/tickets?{query}")).await
}

pub async fn hotspots(query: &str) -> Result<HotspotsResponse, ApiError> {
    get(&format!("/stats/hotspots?{query}")).await
}

pub async fn report(query: &str) -> Result<ReportResponse, ApiError> {
    get(&format!("/stats/report?{query}")).await
}

/// The link that downloads a report as CSV (the session cookie authenticates it).
pub fn report_csv_url(query: &str) -> String {
    url(&format!("/stats/report.csv?{query}"))
}

pub async fn field_sync(request: &SyncRequest) -> Result<SyncResponse, ApiError> {
    post("/field/sync", request).await
}

pub async fn field_records() -> Result<RecordsResponse, ApiError> {
    get("/field/records").await
}

pub async fn field_grids() -> Result<RegionsResponse, ApiError> {
    get("/field/grids").await
}

pub async fn field_tickets() -> Result<QueueResponse, ApiError> {
    get("/field/tickets").await
}

/// Calls `changed` whenever the ticket `code` changes on the server (a server-sent
/// events stream; the browser reconnects by itself), and each time the stream opens
/// (the server tells only of changes after connecting, so what happened while it was
/// away is read then), until the calling component goes away. The stream carries no
/// data: read the ticket again with its proof.
pub fn follow_ticket(code: &str, changed: impl Fn() + 'static) {
    follow(&format!("/tickets/{}/events", plain(code)), changed);
}

/// Calls `changed` whenever a ticket in the signed-in staff member's queues changes,
/// and each time the stream (re)opens, until the calling component goes away.
pub fn follow_queues(changed: impl Fn() + 'static) {
    follow("/queue/events", changed);
}

/// Calls `changed` whenever the telephone system puts a call through to the signed-in
/// operator, and each time the stream (re)opens, until the calling component goes away.
pub fn follow_calls(changed: impl Fn() + 'static) {
    follow("/calls/events", changed);
}

/// Listens to the event stream at `path` under the API, as [`follow_ticket`] says.
fn follow(path: &str, changed: impl Fn() + 'static) {
    use leptos::prelude::{StoredValue, WithValue, on_cleanup};
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new(&url(path)) else {
        return;
    };
    let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(changed);
    let _ = source.add_event_listener_with_callback("changed", listener.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("open", listener.as_ref().unchecked_ref());
    // Kept as long as the component: then the source is closed and the listener freed.
    let kept = StoredValue::new_local((source, listener));
    on_cleanup(move || {
        kept.try_with_value(|(source, _)| source.close());
    });
}

pub async fn push_key() -> Result<gridline_core::api::push::PushKeyResponse, ApiError> {
    get("/push/key").await
}

/// This browser hears of every public step of the ticket `code` (proved like its view).
pub async fn follow_push(
    subscription: &gridline_core::api::push::Subscription,
    code: &str,
    proof: &Proof,
    lang: &str,
) -> Result<(), ApiError> {
    let request = gridline_core::api::push::FollowRequest {
        subscription: subscription.clone(),
        tracking_code: code.to_owned(),
        phone_suffix: match proof {
            Proof::Phone(suffix) => Some(suffix.clone()),
            Proof::Device(_) => None,
        },
        lang: Some(lang.to_owned()),
    };
    send_json(&url("/push/subscriptions"), Some(proof), &json(&request)?)
        .await?
        .confirm()
}

/// The signed-in staff member hears of their queues in this browser.
pub async fn subscribe_staff_push(
    subscription: &gridline_core::api::push::Subscription,
    lang: &str,
) -> Result<(), ApiError> {
    let request = gridline_core::api::push::StaffSubscribeRequest {
        subscription: subscription.clone(),
        lang: Some(lang.to_owned()),
    };
    send_json(&url("/push/staff"), None, &json(&request)?)
        .await?
        .confirm()
}
