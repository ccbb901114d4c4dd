//! Open311 GeoReport v2 as another system sends it: any form body for a new request (a
//! partner's, JSON and XML), any query string for the list, any id for one request.
#![no_main]

mod server;

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let s = server::server();
    let key = &s.open311_key;
    let request = match selector % 5 {
        0 | 1 => {
            let format = if selector % 5 == 0 { "json" } else { "xml" };
            Request::post(format!("/open311/v2/requests.{format}?api_key={key}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(rest.to_vec()))
        }
        2 => Request::get(format!(
            "/open311/v2/requests.json?{}",
            server::uri_part(rest)
        ))
        .body(Body::empty()),
        3 => Request::get(format!(
            "/open311/v2/requests/{}.json?api_key={key}",
            server::uri_part(rest)
        ))
        .body(Body::empty()),
        _ => Request::get(format!(
            "/open311/v2/services/{}?{}",
            server::uri_part(rest.get(..8).unwrap_or(rest)),
            server::uri_part(rest.get(8..).unwrap_or_default())
        ))
        .body(Body::empty()),
    };
    s.send(request.unwrap());
});
