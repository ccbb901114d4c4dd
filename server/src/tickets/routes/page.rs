//! `GET /track/{code}?k=TOKEN`, the page a text message links to: the resident app's
//! shell with the ticket's status already in it (`first-paint`), so it shows before
//! any WebAssembly has loaded on a slow phone, and, kept by the service worker, shows
//! offline later. Without a token that checks it is the plain shell, whether the code
//! exists or not. What it paints names no one: the code, the status, the matter type,
//! when it was filed and last moved, and when it is due.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::ticket::Status;
use gridline_core::tracking::TrackingCode;
use time::OffsetDateTime;

use crate::http::state::AppState;
use crate::tickets::store::TicketRecord;

#[derive(Debug, serde::Deserialize)]
pub struct LinkQuery {
    k: Option<String>,
}

pub async fn track_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<LinkQuery>,
) -> Response {
    let Some(shell) = state.shell.resident_html() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "The app is not built.").into_response();
    };
    let painted = match first_paint(&state, &code, query.k.as_deref()).await {
        Ok(painted) => painted,
        Err(e) => {
            // The shell still serves: the app asks for the digits as usual.
            tracing::warn!(error = %e, "the tracking page's first paint failed");
            None
        }
    };
    let (html, cache) = match painted {
        // It names the ticket's status: for this browser only, never a shared cache.
        Some(section) => (inject(shell, &section), "private, no-store"),
        // The shell as every other app route has it.
        None => (shell.to_owned(), "no-cache"),
    };
    let mut response = Html(html).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

async fn first_paint(
    state: &AppState,
    code: &str,
    token: Option<&str>,
) -> crate::error::AppResult<Option<String>> {
    let (Ok(code), Some(token)) = (TrackingCode::parse(code), token) else {
        return Ok(None);
    };
    if !state.link_key().await?.checks(code.as_str(), token) {
        return Ok(None);
    }
    let Some(ticket) = state.store.ticket_by_code(code.as_str()).await? else {
        return Ok(None);
    };
    let updated = state
        .store
        .ticket_timeline(ticket.id)
        .await?
        .iter()
        .filter(|e| e.public)
        .map(|e| e.at)
        .max()
        .unwrap_or(ticket.created_at);
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let matter = snapshot
        .matters
        .get(&ticket.matter_code)
        .map_or(ticket.matter_code.clone(), |m| m.name_zh.clone());
    Ok(Some(section(&ticket, &matter, updated)))
}

/// 已受理, 已派单, …: as the app names them (its texts are in the wasm, not here).
fn status_zh(status: Status) -> &'static str {
    match status {
        Status::Received => "已受理",
        Status::Dispatched => "已派单",
        Status::Accepted => "已签收",
        Status::InProgress => "办理中",
        Status::Done => "已办结",
        Status::Closed => "已关闭",
    }
}

fn local(at: OffsetDateTime) -> String {
    let t = at.to_offset(CHINA_OFFSET);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Text for HTML: `&`, `<`, `>` and quotes escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn section(ticket: &TicketRecord, matter: &str, updated: OffsetDateTime) -> String {
    let status = ticket.state.status;
    let due = ticket
        .handling_due
        .filter(|_| !matches!(status, Status::Done | Status::Closed))
        .map(|due| format!("<p>办理时限 <time>{}</time></p>", local(due)))
        .unwrap_or_default();
    format!(
        "<section id=\"first-paint\" class=\"content\" lang=\"zh-CN\" data-testid=\"first-paint\">\
         <div class=\"ticket\"><p class=\"tracking-code\">{code}</p>\
         <p><span class=\"badge status-{key}\">{label}</span> {matter}</p>\
         <p>受理 <time>{filed}</time> · 更新 <time>{updated}</time></p>{due}\
         <p class=\"lead\">凭查询码和手机号后四位可查看全部进展。</p></div></section>",
        code = escape(&ticket.tracking_code),
        key = status.as_str(),
        label = status_zh(status),
        matter = escape(matter),
        filed = local(ticket.created_at),
        updated = local(updated),
    )
}

/// The shell with `section` first in its body.
fn inject(shell: &str, section: &str) -> String {
    match shell
        .find("<body")
        .and_then(|at| shell[at..].find('>').map(|end| at + end + 1))
    {
        Some(at) => format!("{}{section}{}", &shell[..at], &shell[at..]),
        None => shell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_goes_first_in_the_body_and_text_is_escaped() {
        let shell =
            "<html><head><script>x</script></head><body class=\"a\"><p>app</p></body></html>";
        let page = inject(shell, "<section>S</section>");
        assert_eq!(
            page,
            "<html><head><script>x</script></head><body class=\"a\"><section>S</section><p>app</p></body></html>"
        );
        assert_eq!(inject("no body", "<s/>"), "no body");
        assert_eq!(escape("<b>\"&\""), "&lt;b&gt;&quot;&amp;&quot;");
    }
}
