//! Photos are made small on the device before they are kept or sent: drawn upright
//! (EXIF orientation applied), at most 1600 px on the longest side, re-encoded as JPEG
//! until they are at most about 300 KB. Re-encoding also leaves no camera metadata
//! (GPS) behind, so the bytes the server stores are the bytes the device kept, and
//! their SHA-256 matches on both sides.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub const LONGEST_SIDE: f64 = 1600.0;
pub const TARGET_BYTES: f64 = 300.0 * 1024.0;
const QUALITIES: [f64; 5] = [0.85, 0.75, 0.65, 0.55, 0.45];

#[derive(Debug, Clone, PartialEq)]
pub enum PhotoError {
    /// The file is not a picture the browser can read.
    NotAPicture,
    Browser(String),
}

fn browser(e: JsValue) -> PhotoError {
    PhotoError::Browser(format!("{e:?}"))
}

/// The photo as it will be kept and sent: upright, small, JPEG.
pub async fn prepare(file: &web_sys::Blob) -> Result<web_sys::Blob, PhotoError> {
    let window = web_sys::window().ok_or_else(|| PhotoError::Browser("no window".into()))?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_image_orientation(web_sys::ImageOrientation::FromImage);
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
        .map_err(browser)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| PhotoError::NotAPicture)?
        .unchecked_into();
    let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    if w < 1.0 || h < 1.0 {
        return Err(PhotoError::NotAPicture);
    }
    let scale = (LONGEST_SIDE / w.max(h)).min(1.0);
    let (cw, ch) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
    let document = window
        .document()
        .ok_or_else(|| PhotoError::Browser("no document".into()))?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(browser)?
        .unchecked_into();
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(browser)?
        .ok_or_else(|| PhotoError::Browser("no 2d context".into()))?
        .unchecked_into();
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, cw, ch)
        .map_err(browser)?;
    bitmap.close();
    let mut last = None;
    for quality in QUALITIES {
        let blob = to_jpeg(&canvas, quality).await?;
        if blob.size() <= TARGET_BYTES {
            return Ok(blob);
        }
        last = Some(blob);
    }
    last.ok_or(PhotoError::NotAPicture)
}

async fn to_jpeg(
    canvas: &web_sys::HtmlCanvasElement,
    quality: f64,
) -> Result<web_sys::Blob, PhotoError> {
    let mut call = |resolve: js_sys::Function, _reject: js_sys::Function| {
        let _ = canvas.to_blob_with_type_and_encoder_options(
            &resolve,
            "image/jpeg",
            &JsValue::from_f64(quality),
        );
    };
    let value = JsFuture::from(js_sys::Promise::new(&mut call))
        .await
        .map_err(browser)?;
    value
        .dyn_into::<web_sys::Blob>()
        .map_err(|_| PhotoError::Browser("the browser made no JPEG".into()))
}

/// SHA-256 of a blob's bytes, lowercase hex (the server's id for the same bytes).
pub async fn sha256_hex(blob: &web_sys::Blob) -> Result<String, PhotoError> {
    let window = web_sys::window().ok_or_else(|| PhotoError::Browser("no window".into()))?;
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(browser)?;
    let subtle = window.crypto().map_err(browser)?.subtle();
    let digest = JsFuture::from(
        subtle
            .digest_with_str_and_buffer_source("SHA-256", &buffer.unchecked_into())
            .map_err(browser)?,
    )
    .await
    .map_err(browser)?;
    let bytes = js_sys::Uint8Array::new(&digest).to_vec();
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
