//! Browser tests, run in headless Chromium by wasm-bindgen-test-runner.

use gridline_app::api::ApiError;
use gridline_app::components::error_notice::ErrorNotice;
use gridline_app::components::shell::LanguageSwitch;
use gridline_app::i18n::{I18n, Locale, stored_locale};
use gridline_app::offline::db::{self, StoredMedia};
use gridline_core::{ErrorCode, ErrorResponse, FieldError, FieldIssue};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Lets Leptos run its scheduled effects.
async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}", js_sys::Math::random().to_bits())
}

async fn blob_bytes(blob: &web_sys::Blob) -> Vec<u8> {
    let buffer = JsFuture::from(blob.array_buffer()).await.unwrap();
    js_sys::Uint8Array::new(&buffer).to_vec()
}

#[wasm_bindgen_test]
async fn indexed_db_keeps_a_blob_across_reopening() {
    let name = unique_name("gridline-test");
    let bytes: Vec<u8> = (0..=255u8).chain([0xff, 0xd8, 0xff]).collect();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/jpeg");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap();

    let database = db::open(&name).await.unwrap();
    let media = StoredMedia {
        id: "photo-1".into(),
        mime: "image/jpeg".into(),
        blob,
    };
    db::put_media(&database, &media).await.unwrap();
    database.close();

    // A fresh connection reads what the first one committed.
    let database = db::open(&name).await.unwrap();
    let back = db::get_media(&database, "photo-1")
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(back.id, "photo-1");
    assert_eq!(back.mime, "image/jpeg");
    assert_eq!(back.blob.type_(), "image/jpeg");
    assert_eq!(blob_bytes(&back.blob).await, bytes);
    assert!(db::get_media(&database, "photo-2").await.unwrap().is_none());
    database.close();
}

fn credentials_error() -> ApiError {
    ApiError::Server(
        ErrorResponse::new(ErrorCode::ValidationFailed, "some fields are invalid").with_fields(
            vec![FieldError {
                field: "username".into(),
                issue: FieldIssue::Required,
                message: "username is required".into(),
            }],
        ),
    )
}

#[wasm_bindgen_test]
async fn components_render_in_chinese_then_english() {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let i18n = I18n::new(Locale::ZhCn);
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        provide_context(i18n);
        view! {
            <LanguageSwitch />
            <ErrorNotice error=credentials_error() />
        }
    });
    next_tick().await;
    let text = host.text_content().unwrap();
    assert!(text.contains("English"), "{text}");
    assert!(text.contains("请检查以下内容"), "{text}");
    assert!(text.contains("用户名：必填"), "{text}");

    // The switch changes every string in place and remembers the choice.
    let button: web_sys::HtmlElement = host
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    next_tick().await;
    let text = host.text_content().unwrap();
    assert!(text.contains("中文"), "{text}");
    assert!(text.contains("Please check the following"), "{text}");
    assert!(text.contains("Username: required"), "{text}");
    assert_eq!(stored_locale(), Locale::En);
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );

    button.click();
    next_tick().await;
    assert_eq!(stored_locale(), Locale::ZhCn);
    drop(handle);
}

#[wasm_bindgen_test]
async fn network_and_server_errors_read_differently() {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let mut server = ErrorResponse::new(ErrorCode::Internal, "internal error");
    server.error.request_id = Some("req-42".into());
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        provide_context(I18n::new(Locale::ZhCn));
        view! {
            <ErrorNotice error=ApiError::Network />
            <ErrorNotice error=ApiError::Server(server.clone()) />
        }
    });
    next_tick().await;
    let text = host.text_content().unwrap();
    assert!(text.contains("网络不可用"), "{text}");
    assert!(text.contains("服务器出错了"), "{text}");
    assert!(
        text.contains("req-42"),
        "the request id is shown for server failures: {text}"
    );
    drop(handle);
}
