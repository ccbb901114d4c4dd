//! Serving the apps: the resident app (dist/index.html) at `/`, the staff app
//! (dist/staff/index.html) at `/staff/`, the field app (dist/field/index.html) at
//! `/field/`, the station app (dist/station/index.html) at `/station/`, the statistics
//! app (dist/stats/index.html) at `/stats/`, the hotline operators' console
//! (dist/hotline/index.html) at `/hotline/`, each app's
//! shell for every one of its routes,
//! hashed assets cached forever, the shells and service workers never cached, and a
//! strict Content-Security-Policy on every response.
//!
//! Trunk writes one inline `<script type="module">` into index.html to start the wasm.
//! Rather than allow inline scripts, the policy names that script by its SHA-256,
//! computed when the server starts from the index.html it will serve.

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use gridline_core::{ErrorCode, ErrorResponse};
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

/// The apps besides the resident app (at `/`): where each lives, under the dist folder
/// and in URLs.
pub const APP_PREFIXES: [&str; 5] = ["/staff", "/field", "/station", "/stats", "/hotline"];

/// The apps' shells as loaded at start-up.
pub struct Shell {
    dist_dir: PathBuf,
    resident_html: Option<String>,
    /// The other apps' shells, in the order of [`APP_PREFIXES`].
    app_html: Vec<Option<String>>,
    /// Each app's page policy, admitting that app's inline scripts only: the resident
    /// app's first, then in the order of [`APP_PREFIXES`].
    page_csp: Vec<HeaderValue>,
    /// The policy of every other response (assets, the API): no inline script at all.
    base_csp: HeaderValue,
    /// Served over https at its public address: browsers are told to keep to https.
    hsts: bool,
}

impl Shell {
    pub fn load(dist_dir: &Path, hsts: bool) -> Shell {
        let read = |path: PathBuf| {
            let html = std::fs::read_to_string(&path).ok();
            if html.is_none() {
                tracing::warn!(
                    file = %path.display(),
                    "app not built (file missing); the API runs, this app is not served"
                );
            }
            html
        };
        let resident_html = read(dist_dir.join("index.html"));
        let app_html: Vec<Option<String>> = APP_PREFIXES
            .iter()
            .map(|prefix| read(dist_dir.join(&prefix[1..]).join("index.html")))
            .collect();
        let policy = |hashes: &[String]| {
            HeaderValue::from_str(&content_security_policy(hashes))
                .expect("the policy is plain ASCII")
        };
        let page_csp = std::iter::once(&resident_html)
            .chain(&app_html)
            .map(|html| {
                policy(
                    &html
                        .as_deref()
                        .map(inline_script_hashes)
                        .unwrap_or_default(),
                )
            })
            .collect();
        Shell {
            dist_dir: dist_dir.to_owned(),
            resident_html,
            app_html,
            page_csp,
            base_csp: policy(&[]),
            hsts,
        }
    }

    /// The resident app's shell (the tracking page paints into it).
    pub fn resident_html(&self) -> Option<&str> {
        self.resident_html.as_deref()
    }

    /// The shell of the app that owns `path`.
    fn html_for(&self, path: &str) -> Option<&String> {
        match app_of(path) {
            0 => self.resident_html.as_ref(),
            i => self.app_html[i - 1].as_ref(),
        }
    }

    /// The policy of a response for `app` ([`app_of`]): a page (HTML) gets its app's, admitting that
    /// app's inline scripts and no other's; anything else gets one admitting none.
    fn csp_for(&self, app: usize, page: bool) -> &HeaderValue {
        if page {
            &self.page_csp[app]
        } else {
            &self.base_csp
        }
    }
}

/// The app that owns `path`: 0 for the resident app, else 1 + its index in
/// [`APP_PREFIXES`].
fn app_of(path: &str) -> usize {
    APP_PREFIXES
        .iter()
        .position(|prefix| under(path, prefix))
        .map_or(0, |i| i + 1)
}

fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The policy: only this origin's code, WebAssembly allowed to compile, no inline
/// script except the hashed loader, no plugins, no framing.
pub fn content_security_policy(inline_script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in inline_script_hashes {
        script_src.push_str(&format!(" 'sha256-{hash}'"));
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; \
         img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Base64 SHA-256 of the body of each inline `<script>` (one without `src`).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_more = &after[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let body = &body_and_more[..close];
            let digest = Sha256::digest(body.as_bytes());
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        rest = &body_and_more[close..];
    }
    hashes
}

/// The apps' shells and assets; any state the rest of the router has.
pub fn router<S: Clone + Send + Sync + 'static>(shell: Arc<Shell>) -> Router<S> {
    // scripts/precompress.mjs writes `.br` and `.gz` beside each asset at build time:
    // sent as they are to a browser that takes them (brotli first), compressed once and
    // as well as they can be (the compression layer leaves encoded responses alone).
    let assets = ServeDir::new(&shell.dist_dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(get(spa_fallback).with_state(shell.clone()));
    let mut router = Router::new()
        .route("/", get(index))
        .route("/index.html", get(index));
    for prefix in APP_PREFIXES {
        router = router
            .route(prefix, get(index))
            .route(&format!("{prefix}/"), get(index))
            .route(&format!("{prefix}/index.html"), get(index));
    }
    router
        .fallback_service(assets)
        .layer(middleware::from_fn(cache_headers))
        .with_state(shell)
}

async fn index(State(shell): State<Arc<Shell>>, uri: Uri) -> Response {
    match shell.html_for(uri.path()) {
        Some(html) => Html(html.clone()).into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The app is not built. Run scripts/run.sh, or scripts/build-app.sh, then restart.",
        )
            .into_response(),
    }
}

/// Paths of the app's own routes get the shell; a missing file (a path whose last
/// segment has an extension) is a plain 404, so a broken asset link fails visibly.
async fn spa_fallback(State(shell): State<Arc<Shell>>, uri: Uri) -> Response {
    let last = uri.path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    index(State(shell), uri).await
}

/// Trunk's hashed names (`name-0123456789abcdef.css`, `name-…_bg.wasm`) never change
/// content, so they are cached for a year; the shell, the service worker and the
/// manifest are revalidated on every load so a release reaches everyone.
pub fn cache_control_for(path: &str) -> &'static str {
    let file = path.rsplit('/').next().unwrap_or_default();
    if is_hashed_asset(file) {
        "public, max-age=31536000, immutable"
    } else if file.is_empty()
        || !file.contains('.')
        || file == "index.html"
        || file == "sw.js"
        || file.ends_with(".webmanifest")
    {
        "no-cache"
    } else {
        "public, max-age=86400"
    }
}

fn is_hashed_asset(file: &str) -> bool {
    let Some((_, tail)) = file.rsplit_once('-') else {
        return false;
    };
    let hash: String = tail.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    let rest = &tail[hash.len()..];
    (12..=16).contains(&hash.len()) && (rest.starts_with('.') || rest.starts_with("_bg."))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let value = cache_control_for(req.uri().path());
    let mut response = next.run(req).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        // The same path is sent brotli, gzip or plain (precompressed copies): caches
        // between must keep them apart.
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Adds the policy and the other protective headers to every response. Each page's
/// policy names only its own app's inline scripts (six apps' hashes on every response
/// were 0.7 KB of headers each, twelve times on a first visit).
pub async fn security_headers(
    State(shell): State<Arc<Shell>>,
    req: Request,
    next: Next,
) -> Response {
    let app = app_of(req.uri().path());
    let mut response = next.run(req).await;
    let page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    set_security_headers(response.headers_mut(), shell.csp_for(app, page));
    if shell.hsts {
        // Browsers keep to https for a year.
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

fn set_security_headers(headers: &mut HeaderMap, csp: &HeaderValue) {
    headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// A panic in a handler becomes a 500 in the one error shape; the panic is logged.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    crate::error::error_response(ErrorResponse::new(ErrorCode::Internal, "internal error"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<head><script src="/a.js"></script>
            <script type="module">import init from '/x.js';</script></head>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/x.js';"));
        assert_eq!(hashes[0], expected);
        let csp = content_security_policy(&hashes);
        assert!(csp.contains(&format!("'sha256-{expected}'")));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn cache_policy_by_path() {
        let forever = "public, max-age=31536000, immutable";
        assert_eq!(
            cache_control_for("/gridline-app-4f1c2b9a8d7e6f50_bg.wasm"),
            forever
        );
        assert_eq!(
            cache_control_for("/gridline-app-4f1c2b9a8d7e6f50.js"),
            forever
        );
        assert_eq!(cache_control_for("/style-0123456789abcdef.css"), forever);
        // The resident app's lazy parts and their loader (scripts/split-parts.sh).
        assert_eq!(
            cache_control_for("/split_file_page_16314240610803758083-f1c5cfa3852756df.wasm"),
            forever
        );
        assert_eq!(
            cache_control_for("/chunk_11-f1c5cfa3852756df.wasm"),
            forever
        );
        assert_eq!(
            cache_control_for("/__wasm_split-f1c5cfa3852756df.js"),
            forever
        );
        assert_eq!(cache_control_for("/"), "no-cache");
        assert_eq!(cache_control_for("/index.html"), "no-cache");
        assert_eq!(cache_control_for("/sw.js"), "no-cache");
        assert_eq!(cache_control_for("/worker/patrol"), "no-cache");
        assert_eq!(cache_control_for("/manifest.webmanifest"), "no-cache");
        assert_eq!(
            cache_control_for("/icons/icon-192.png"),
            "public, max-age=86400"
        );
        assert_eq!(cache_control_for("/my-photo.png"), "public, max-age=86400");
    }
}
