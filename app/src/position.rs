//! The device's position from the browser (geolocation), with its accuracy. Filing and
//! findings work without one: no permission, no fix in time, or no GPS give `None`.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub lon: f64,
    pub lat: f64,
    /// Metres.
    pub accuracy: f64,
}

/// One position, waiting at most `timeout_ms`.
pub async fn current(timeout_ms: u32) -> Option<Fix> {
    let geolocation = web_sys::window()?.navigator().geolocation().ok()?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(true);
        options.set_timeout(timeout_ms);
        options.set_maximum_age(30_000);
        let ok = Closure::once_into_js(move |position: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &position);
        });
        let on_error = reject.clone();
        let failed = Closure::once_into_js(move |error: JsValue| {
            let _ = on_error.call1(&JsValue::NULL, &error);
        });
        if geolocation
            .get_current_position_with_error_callback_and_options(
                ok.unchecked_ref(),
                Some(failed.unchecked_ref()),
                &options,
            )
            .is_err()
        {
            let _ = reject.call0(&JsValue::NULL);
        }
    });
    let position = JsFuture::from(promise).await.ok()?;
    // Read by name: web-sys's typed GeolocationPosition is still an unstable API.
    let get = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).ok();
    let coords = get(&position, "coords")?;
    let number = |key: &str| get(&coords, key).and_then(|v| v.as_f64());
    Some(Fix {
        lon: number("longitude")?,
        lat: number("latitude")?,
        accuracy: number("accuracy").unwrap_or(f64::NAN),
    })
}
