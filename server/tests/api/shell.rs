//! Serving the app shell: SPA fallback, cache headers, the Content-Security-Policy.

use crate::helpers::{
    TEST_FIELD_HTML, TEST_HOTLINE_HTML, TEST_INDEX_HTML, TEST_STAFF_HTML, TEST_STATION_HTML,
    TEST_STATS_HTML, TEST_WASM, TestApp,
};

crate::both_backends!(
    app_routes_get_the_shell_with_a_strict_policy,
    assets_are_cached_by_kind,
    assets_go_precompressed_to_browsers_that_take_them
);

async fn app_routes_get_the_shell_with_a_strict_policy(app: &TestApp) {
    for (path, shell) in [
        ("/", TEST_INDEX_HTML),
        ("/track/ABCD2345", TEST_INDEX_HTML),
        ("/staffing", TEST_INDEX_HTML),
        ("/staff", TEST_STAFF_HTML),
        ("/staff/", TEST_STAFF_HTML),
        ("/staff/tickets/ABCD2345", TEST_STAFF_HTML),
        ("/field", TEST_FIELD_HTML),
        ("/field/", TEST_FIELD_HTML),
        ("/field/worker", TEST_FIELD_HTML),
        ("/fielding", TEST_INDEX_HTML),
        ("/station", TEST_STATION_HTML),
        ("/station/", TEST_STATION_HTML),
        ("/stats", TEST_STATS_HTML),
        ("/stats/reports", TEST_STATS_HTML),
        ("/statistics", TEST_INDEX_HTML),
        ("/hotline/", TEST_HOTLINE_HTML),
        ("/hotline/calls", TEST_HOTLINE_HTML),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        // This app's loader is admitted, by hash, and no other app's.
        let own = gridline_server::http::web::inline_script_hashes(shell);
        assert_eq!(own.len(), 1);
        assert!(
            csp.contains(&format!("'sha256-{}'", own[0])),
            "{path}: {csp}"
        );
        assert_eq!(csp.matches("'sha256-").count(), 1, "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.text().await.unwrap(), shell, "{path}");
    }
    // A missing file is a 404, not the shell.
    assert_eq!(app.get("/missing-0123456789abcdef.js").await.status(), 404);
    // API errors and assets carry the policy too, admitting no inline script.
    for path in ["/api/v1/nothing", "/gridline-app-0123456789abcdef_bg.wasm"] {
        let response = app.get(path).await;
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
}

async fn assets_are_cached_by_kind(app: &TestApp) {
    let response = app.get("/gridline-app-0123456789abcdef.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let response = app.get("/sw.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");
}

/// The build's brotli copy to a browser that takes brotli, the gzip copy to one that
/// takes only gzip, the file itself otherwise; always as the wasm it is, cached alike.
async fn assets_go_precompressed_to_browsers_that_take_them(app: &TestApp) {
    let url = format!("{}/gridline-app-0123456789abcdef_bg.wasm", app.base);
    for (accepts, encoding, body) in [
        (
            Some("gzip, deflate, br, zstd"),
            Some("br"),
            &b"brotli copy"[..],
        ),
        (Some("gzip"), Some("gzip"), &b"gzip copy"[..]),
        (None, None, TEST_WASM),
    ] {
        let mut request = app.client.get(&url);
        if let Some(accepts) = accepts {
            request = request.header("accept-encoding", accepts);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{accepts:?}");
        let headers = response.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts:?}"
        );
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(&response.bytes().await.unwrap()[..], body, "{accepts:?}");
    }
}
