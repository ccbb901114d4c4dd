//! Browser tests, run in headless Chromium by wasm-bindgen-test-runner.

use gridline_app::api::ApiError;
use gridline_app::components::error_notice::ErrorNotice;
use gridline_app::components::shell::LanguageSwitch;
use gridline_app::i18n::Key;
use gridline_app::i18n::{I18n, Locale, stored_locale};
use gridline_app::offline::UNNAMED_MEDIA_GRACE_MS;
use gridline_app::offline::db::{self, StoredMedia};
use gridline_app::pages::stats::{Drill, RatesTable, Trends};
use gridline_core::api::stats::RatesRow;
use gridline_core::stats::{Measure, RateCounts, Rates};
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
    let media = StoredMedia::new("photo-1".into(), "image/jpeg".into(), blob);
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
    assert!(!back.uploaded);
    assert_eq!(
        back.stored_ms, media.stored_ms,
        "when it was stored comes back"
    );
    assert_eq!(blob_bytes(&back.blob).await, bytes);
    assert!(db::get_media(&database, "photo-2").await.unwrap().is_none());
    database.close();
}

#[wasm_bindgen_test]
async fn upgrading_from_v1_keeps_the_media_and_adds_the_outbox() {
    use gridline_app::offline::db::{META_STORE, SchemaVersion};
    use gridline_app::offline::outbox::{self, EntryState};
    use gridline_core::api::field::{Outcome, SyncRecord};

    let name = unique_name("gridline-upgrade");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&b"photo bytes"[..]).into());
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    // A device still on the first release's schema, with a photo kept.
    let old = db::open_at(&name, SchemaVersion::V1).await.unwrap();
    assert_eq!(old.version() as u32, 1);
    let media = StoredMedia {
        id: "a".repeat(64),
        mime: "image/jpeg".into(),
        blob,
        uploaded: false,
        // That release did not record when.
        stored_ms: 0.0,
    };
    db::put_media(&old, &media).await.unwrap();
    old.close();

    // The current release opens it: upgraded, the photo still there.
    let database = db::open(&name).await.unwrap();
    assert_eq!(database.version() as u32, SchemaVersion::CURRENT as u32);
    let kept = db::get_media(&database, &media.id)
        .await
        .unwrap()
        .expect("kept");
    assert_eq!(blob_bytes(&kept.blob).await, b"photo bytes");
    assert!(!kept.uploaded, "v1 records read as not uploaded");
    // v3's store for complaints and v4's for station filings are there, empty.
    assert_eq!(
        gridline_app::offline::complaints::all(&database)
            .await
            .unwrap(),
        []
    );
    assert_eq!(
        gridline_app::offline::station::all(&database)
            .await
            .unwrap(),
        []
    );

    // The new stores work: an outbox entry naming the photo, and meta values.
    let finding = gridline_core::api::field::Finding {
        record_id: "finding-upgrade-1".into(),
        revision: 1,
        patrol_id: None,
        grid_code: "D01-S01-C01-G02".into(),
        matter_code: "0201".into(),
        note: "路灯不亮".into(),
        lon: None,
        lat: None,
        accuracy_m: None,
        observed_at: time::OffsetDateTime::UNIX_EPOCH,
        outcome: Outcome::SolvedOnSpot,
        ticket_code: None,
        media: vec![media.id.clone()],
    };
    outbox::add(&database, SyncRecord::Finding(finding.clone()), &[])
        .await
        .unwrap();
    db::put_json(&database, META_STORE, "device_id", "device-test-1")
        .await
        .unwrap();
    database.close();
    let database = db::open(&name).await.unwrap();
    let entries = outbox::all(&database).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, EntryState::Pending);
    assert_eq!(entries[0].record, SyncRecord::Finding(finding));
    assert_eq!(
        db::get_json(&database, META_STORE, "device_id")
            .await
            .unwrap()
            .as_deref(),
        Some("device-test-1")
    );
    // While an unsynced entry names the photo, it stays; once synced, it goes.
    gridline_app::offline::drop_unneeded_media(&database)
        .await
        .unwrap();
    assert!(db::get_media(&database, &media.id).await.unwrap().is_some());
    let mut entry = entries[0].clone();
    entry.state = EntryState::Synced;
    outbox::put(&database, &entry).await.unwrap();
    gridline_app::offline::drop_unneeded_media(&database)
        .await
        .unwrap();
    assert!(db::get_media(&database, &media.id).await.unwrap().is_none());
    database.close();
}

/// A page holding the database lets go when a newer release upgrades it, so the
/// upgrade (in another tab, or the other app) is not blocked.
#[wasm_bindgen_test]
async fn a_newer_release_is_not_blocked_by_an_open_page() {
    let _held = gridline_app::offline::database().await.unwrap();
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let newer = db::SchemaVersion::CURRENT as u32 + 1;
    let request = factory.open_with_u32(db::DB_NAME, newer).unwrap();
    let opened = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
        // Blocked means the page kept the database open: fail rather than wait.
        request.set_onblocked(Some(&reject));
    });
    JsFuture::from(opened)
        .await
        .expect("the upgrade went through");
    let upgraded: web_sys::IdbDatabase = request.result().unwrap().unchecked_into();
    assert_eq!(upgraded.version() as u32, newer);
    upgraded.close();
    let _ = factory.delete_database(db::DB_NAME);
}

/// A medium kept on the device for a while (not one written a moment ago, which the
/// clean-up leaves to be named: see the next test).
fn medium(id: &str) -> StoredMedia {
    StoredMedia {
        stored_ms: js_sys::Date::now() - 2.0 * UNNAMED_MEDIA_GRACE_MS,
        ..fresh_medium(id)
    }
}

/// A medium written just now.
fn fresh_medium(id: &str) -> StoredMedia {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(id.as_bytes()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    StoredMedia::new(id.into(), "image/jpeg".into(), blob)
}

/// A medium is written before the draft that names it: cleaning up in between (the
/// outbox sending another complaint) must not delete it, or the complaint would name a
/// medium that is gone. What the server already holds, and anything once a station's
/// session ends, goes at once.
#[wasm_bindgen_test]
async fn a_medium_just_written_waits_to_be_named() {
    use gridline_app::offline::{drop_unneeded_media, drop_unneeded_media_now};

    let database = db::open(&unique_name("gridline-grace")).await.unwrap();
    let uploaded = StoredMedia {
        uploaded: true,
        ..fresh_medium("fresh-uploaded")
    };
    for media in [fresh_medium("fresh"), uploaded, medium("old")] {
        db::put_media(&database, &media).await.unwrap();
    }
    drop_unneeded_media(&database).await.unwrap();
    assert_eq!(db::media_ids(&database).await.unwrap(), ["fresh"]);
    drop_unneeded_media_now(&database).await.unwrap();
    assert!(db::media_ids(&database).await.unwrap().is_empty());
    database.close();
}

/// The resident app and the staff app share one database: a photo stays while the
/// complaint draft or an unsent complaint names it, whatever either app cleans up.
#[wasm_bindgen_test]
async fn media_stay_while_a_draft_or_an_unsent_complaint_names_them() {
    use gridline_app::offline::complaints::{self, Complaint, ComplaintState, Draft};
    use gridline_app::offline::drop_unneeded_media;
    use gridline_core::api::ticket::CreateTicketRequest;

    let database = db::open(&unique_name("gridline-complaints")).await.unwrap();
    for id in [
        "draft-photo",
        "draft-voice",
        "draft-clip",
        "complaint-photo",
        "stray",
    ] {
        db::put_media(&database, &medium(id)).await.unwrap();
    }
    let draft = Draft {
        id: "draft-1".into(),
        description: "路灯不亮".into(),
        photos: vec!["draft-photo".into()],
        voice: Some("draft-voice".into()),
        video: Some("draft-clip".into()),
        ..Draft::default()
    };
    complaints::save_draft(&database, &draft).await.unwrap();
    let request = CreateTicketRequest {
        client_id: Some("complaint-1".into()),
        matter_code: "0201".into(),
        description: "井盖缺失".into(),
        media: vec!["complaint-photo".into()],
        ..CreateTicketRequest::default()
    };
    let mut complaint = Complaint::new(request, "complaint-1".into());
    complaints::put(&database, &complaint).await.unwrap();

    drop_unneeded_media(&database).await.unwrap();
    let mut kept = db::media_ids(&database).await.unwrap();
    kept.sort();
    assert_eq!(
        kept,
        [
            "complaint-photo",
            "draft-clip",
            "draft-photo",
            "draft-voice"
        ]
    );
    assert_eq!(
        complaints::load_draft(&database).await.unwrap(),
        Some(draft)
    );

    // Once sent, the complaint stays listed but its photo goes; filing the draft moves
    // its photo to the new complaint, which keeps it.
    complaint.state = ComplaintState::Sent;
    complaint.tracking_code = Some("ABCD2345".into());
    complaints::put(&database, &complaint).await.unwrap();
    let next = Complaint::new(
        CreateTicketRequest {
            client_id: Some("draft-1".into()),
            media: vec!["draft-photo".into()],
            ..CreateTicketRequest::default()
        },
        "draft-1".into(),
    );
    complaints::file(&database, &next).await.unwrap();
    assert_eq!(complaints::load_draft(&database).await.unwrap(), None);
    assert_eq!(db::media_ids(&database).await.unwrap(), ["draft-photo"]);
    let listed = complaints::all(&database).await.unwrap();
    assert_eq!(listed.len(), 2);
    let sent = listed.iter().find(|c| c.id == "complaint-1").unwrap();
    assert_eq!(sent.tracking_code.as_deref(), Some("ABCD2345"));
    database.close();
}

/// A complaint refused for media the server lost is sent again (the server names the
/// field `media[i]`); other refusals are kept as refused.
#[wasm_bindgen_test]
fn media_refusals_are_told_from_others() {
    use gridline_app::offline::complaints::names_unknown_media;
    let refusal = |field: &str| {
        ErrorResponse::new(ErrorCode::ValidationFailed, "some fields are invalid").with_fields(
            vec![FieldError {
                field: field.into(),
                issue: FieldIssue::Invalid,
                message: "no such medium".into(),
            }],
        )
    };
    assert!(names_unknown_media(&refusal("media[1]")));
    assert!(names_unknown_media(&refusal("media")));
    assert!(!names_unknown_media(&refusal("matter_code")));
    assert!(!names_unknown_media(&ErrorResponse::new(
        ErrorCode::Conflict,
        "x"
    )));
}

/// The filing screen's search: names that start with the words first, then names that
/// hold them, then search words; in either language.
#[wasm_bindgen_test]
fn matter_search_ranks_names_before_search_words() {
    use gridline_app::pages::resident::reference::{Matter, ResidentReference};
    let matter = |code: &str, zh: &str, en: &str, keywords: &[&str]| Matter {
        code: code.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        keywords: keywords.iter().map(|k| (*k).into()).collect(),
    };
    let reference = ResidentReference {
        matters: vec![
            matter(
                "0109",
                "道路保洁",
                "Street cleaning",
                &["落叶", "路灯旁垃圾"],
            ),
            matter("0202", "道路破损", "Damaged road", &["坑洼"]),
            matter("0201", "路灯不亮", "Street light out", &["照明"]),
            matter("0205", "排水不畅", "Blocked drains", &["积水"]),
        ],
        ..ResidentReference::default()
    };
    let codes = |query: &str| -> Vec<String> {
        reference
            .search(query, 20)
            .into_iter()
            .map(|m| m.code)
            .collect()
    };
    assert_eq!(codes("路灯"), ["0201", "0109"]);
    assert_eq!(codes("道路"), ["0109", "0202"]);
    assert_eq!(codes("STREET"), ["0109", "0201"]);
    assert_eq!(codes("light"), ["0201"]);
    assert_eq!(codes("积水"), ["0205"]);
    assert!(codes("  ").is_empty());
    assert_eq!(reference.search("路", 1).len(), 1);
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
async fn a_timeline_plays_clips_and_names_a_transfer_to_the_police() {
    use gridline_app::components::ticket::Timeline;
    use gridline_core::api::media::{MediaKind, MediaRef};
    use gridline_core::api::ticket::TimelineEntry;
    let medium = |id: &str, kind, content_type: &str| MediaRef {
        id: id.repeat(64),
        kind,
        content_type: content_type.into(),
    };
    let entry = |kind: &str, media| TimelineEntry {
        at: time::OffsetDateTime::UNIX_EPOCH,
        kind: kind.into(),
        unit_code: None,
        public: true,
        note: String::new(),
        media,
    };
    let entries = vec![
        entry(
            "received",
            vec![
                medium("a", MediaKind::Image, "image/jpeg"),
                medium("b", MediaKind::Audio, "audio/webm"),
                medium("c", MediaKind::Video, "video/mp4"),
            ],
        ),
        entry("transferred", Vec::new()),
    ];
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        provide_context(I18n::new(Locale::ZhCn));
        view! { <Timeline code="ABCD2345".to_owned() entries=entries.clone() /> }
    });
    next_tick().await;
    let video = host
        .query_selector("video")
        .unwrap()
        .expect("a player for the clip");
    assert!(video.has_attribute("controls"));
    let src = video.get_attribute("src").unwrap();
    assert!(
        src.contains(&"c".repeat(64)) && src.contains("ABCD2345"),
        "{src}"
    );
    assert!(host.query_selector("audio").unwrap().is_some());
    assert!(host.query_selector("img").unwrap().is_some());
    let text = host.text_content().unwrap();
    assert!(text.contains("已转公安110处理"), "{text}");
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

/// Base64url as the server's `base64` crate writes it (no padding).
#[wasm_bindgen_test]
fn base64url_round_trips() {
    use gridline_app::offline::seal::{from_base64url, to_base64url};
    for (bytes, text) in [
        (&b""[..], ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg"),
        (&[0xfb, 0xff][..], "-_8"),
    ] {
        assert_eq!(to_base64url(bytes), text);
        assert_eq!(from_base64url(text).as_deref(), Some(bytes));
    }
    assert_eq!(from_base64url("Zg==").as_deref(), Some(&b"f"[..]));
    assert_eq!(from_base64url("Z"), None);
    assert_eq!(
        from_base64url("Zm+v"),
        None,
        "standard base64 is not base64url"
    );
}

/// What the server does to open a sealing, done here with WebCrypto and a key pair
/// made for the test: only the private key's holder reads it.
async fn open_sealed(
    private: &web_sys::CryptoKey,
    sealed: &gridline_core::api::station::Sealed,
) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    use gridline_app::offline::seal::from_base64url;
    use js_sys::{Array, Object, Reflect, Uint8Array};
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let object = |pairs: &[(&str, &wasm_bindgen::JsValue)]| {
        let o = Object::new();
        for (k, v) in pairs {
            Reflect::set(&o, &(*k).into(), v).unwrap();
        }
        o
    };
    let ecdh = object(&[("name", &"ECDH".into()), ("namedCurve", &"P-256".into())]);
    let epk = from_base64url(&sealed.epk).unwrap();
    let epk_key: web_sys::CryptoKey = JsFuture::from(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(epk.as_slice()),
        &ecdh,
        false,
        &Array::new(),
    )?)
    .await?
    .unchecked_into();
    let shared = JsFuture::from(subtle.derive_bits_with_object(
        &object(&[("name", &"ECDH".into()), ("public", &epk_key)]),
        private,
        256,
    )?)
    .await?;
    let hkdf_key: web_sys::CryptoKey = JsFuture::from(subtle.import_key_with_object(
        "raw",
        &Uint8Array::new(&shared),
        &object(&[("name", &"HKDF".into())]),
        false,
        &Array::of1(&"deriveKey".into()),
    )?)
    .await?
    .unchecked_into();
    let aes: web_sys::CryptoKey = JsFuture::from(subtle.derive_key_with_object_and_object(
        &object(&[
            ("name", &"HKDF".into()),
            ("hash", &"SHA-256".into()),
            ("salt", &Uint8Array::from(epk.as_slice())),
            (
                "info",
                &Uint8Array::from(gridline_core::api::station::SEAL_INFO.as_bytes()),
            ),
        ]),
        &hkdf_key,
        &object(&[("name", &"AES-GCM".into()), ("length", &256.into())]),
        false,
        &Array::of1(&"decrypt".into()),
    )?)
    .await?
    .unchecked_into();
    let iv = from_base64url(&sealed.iv).unwrap();
    let ct = from_base64url(&sealed.ct).unwrap();
    let plain = JsFuture::from(subtle.decrypt_with_object_and_u8_array(
        &object(&[
            ("name", &"AES-GCM".into()),
            ("iv", &Uint8Array::from(iv.as_slice())),
        ]),
        &aes,
        &ct,
    )?)
    .await?;
    Ok(Uint8Array::new(&plain).to_vec())
}

/// A station's filing is sealed to the server's key: the holder of the private key reads
/// it back, the sealed text shows nothing of it, and every sealing is different.
#[wasm_bindgen_test]
async fn a_station_filing_is_sealed_for_the_key_holder_only() {
    use gridline_app::offline::seal::{seal, to_base64url};
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let params = js_sys::Object::new();
    js_sys::Reflect::set(&params, &"name".into(), &"ECDH".into()).unwrap();
    js_sys::Reflect::set(&params, &"namedCurve".into(), &"P-256".into()).unwrap();
    let pair: web_sys::CryptoKeyPair = JsFuture::from(
        subtle
            .generate_key_with_object(&params, false, &js_sys::Array::of1(&"deriveBits".into()))
            .unwrap(),
    )
    .await
    .unwrap()
    .unchecked_into();
    let raw = JsFuture::from(subtle.export_key("raw", &pair.get_public_key()).unwrap())
        .await
        .unwrap();
    let public = to_base64url(&js_sys::Uint8Array::new(&raw).to_vec());
    let plaintext = r#"{"contact_name":"王秀英","contact_phone":"13800001111"}"#;

    let sealed = seal(&public, plaintext.as_bytes()).await.unwrap();
    let again = seal(&public, plaintext.as_bytes()).await.unwrap();
    assert_ne!(sealed, again, "a one-off key and nonce for every sealing");
    let text = serde_json::to_string(&sealed).unwrap();
    assert!(!text.contains("13800001111") && !text.contains("王秀英"));
    assert_eq!(
        open_sealed(&pair.get_private_key(), &sealed).await.unwrap(),
        plaintext.as_bytes()
    );
    // Altered, it does not open.
    let mut altered = sealed.clone();
    altered.ct = to_base64url(&[0u8; 40]);
    assert!(
        open_sealed(&pair.get_private_key(), &altered)
            .await
            .is_err()
    );
    // A key that is not a P-256 point is refused before anything is sealed.
    assert!(seal("AAAA", b"x").await.is_err());
}

/// A station tablet keeps the current resident's photos while the session lasts and a
/// queued filing's until it is sent; ending the session drops the rest.
#[wasm_bindgen_test]
async fn station_media_stay_for_the_session_and_the_queue_only() {
    use gridline_app::offline::complaints::ComplaintState;
    use gridline_app::offline::drop_unneeded_media;
    use gridline_app::offline::station::{self, QueuedFiling};
    use gridline_core::api::station::Sealed;

    let database = db::open(&unique_name("gridline-station")).await.unwrap();
    for id in ["session-photo", "queued-photo", "stray"] {
        db::put_media(&database, &medium(id)).await.unwrap();
    }
    // A voice note recorded a moment ago: ending the session takes it too.
    db::put_media(&database, &fresh_medium("session-voice"))
        .await
        .unwrap();
    station::keep_session_media(&database, &["session-photo".into(), "session-voice".into()])
        .await
        .unwrap();
    let mut queued = QueuedFiling {
        id: "filing-1".into(),
        sealed: Sealed {
            epk: "e".into(),
            iv: "i".into(),
            ct: "c".into(),
        },
        media: vec!["queued-photo".into()],
        state: ComplaintState::Pending,
        attempts: 0,
        next_attempt_ms: 0.0,
        refusal: None,
        tracking_code: None,
        status: None,
        created_ms: 0.0,
    };
    station::put(&database, &queued).await.unwrap();
    drop_unneeded_media(&database).await.unwrap();
    let mut kept = db::media_ids(&database).await.unwrap();
    kept.sort();
    assert_eq!(kept, ["queued-photo", "session-photo", "session-voice"]);

    let session = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    session.set_item("left-behind", "13800001111").unwrap();
    station::end_session(&database).await.unwrap();
    assert_eq!(db::media_ids(&database).await.unwrap(), ["queued-photo"]);
    assert_eq!(session.length().unwrap(), 0, "session storage cleared");

    queued.state = ComplaintState::Sent;
    queued.tracking_code = Some("ABCD2345".into());
    station::put(&database, &queued).await.unwrap();
    drop_unneeded_media(&database).await.unwrap();
    assert!(db::media_ids(&database).await.unwrap().is_empty());
    assert_eq!(station::all(&database).await.unwrap().len(), 1);
    database.close();
}

fn figures(code: &str, on_time: Option<f64>, response: Option<f64>, tickets: u64) -> RatesRow {
    RatesRow {
        code: code.into(),
        name_zh: format!("单位{code}"),
        name_en: format!("Unit {code}"),
        counts: RateCounts {
            tickets,
            ..RateCounts::default()
        },
        rates: Rates {
            on_time,
            response,
            ..Rates::default()
        },
    }
}

fn row_codes(host: &web_sys::Element) -> Vec<String> {
    let rows = host.query_selector_all("tbody tr").unwrap();
    (0..rows.length())
        .map(|i| {
            rows.item(i)
                .unwrap()
                .unchecked_into::<web_sys::Element>()
                .get_attribute("data-code")
                .unwrap()
        })
        .collect()
}

/// The ranking orders units by the chosen rate (nothing counted last), and a number
/// names the group and measure its drill-down lists.
#[wasm_bindgen_test]
async fn the_ranking_orders_by_the_chosen_rate_and_numbers_drill_down() {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let rank_by = RwSignal::new(Measure::OnTime);
    let drill = RwSignal::new(None::<Drill>);
    let rows = vec![
        figures("A", None, Some(1.0), 9),
        figures("B", Some(0.5), Some(0.2), 2),
        figures("C", Some(0.9), None, 1),
    ];
    let total = figures("*", Some(0.7), Some(0.6), 12);
    // A's year: eleven months with nothing counted, then this month's.
    let trends = RwSignal::new(Trends::new());
    let a_year: Vec<Rates> = vec![Rates::default(); 11]
        .into_iter()
        .chain([rows[0].rates])
        .collect();
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        provide_context(I18n::new(Locale::ZhCn));
        view! {
            <RatesTable rows=rows.clone() total=total.clone() by="unit" from="2026-10-01".to_owned()
                to="2026-11-01".to_owned() rank_by=Some(rank_by) trends=trends drill=Some(drill) heading=Key::StatsUnit />
        }
    });
    next_tick().await;
    assert_eq!(row_codes(&host), ["C", "B", "A"]);
    let text = host.text_content().unwrap();
    assert!(text.contains("单位C") && text.contains("合计"), "{text}");
    assert!(text.contains("90.0%") && text.contains("—"), "{text}");
    // The sparklines come when the trend does; A's: one point, no line through gaps.
    assert!(host.query_selector("svg.sparkline").unwrap().is_none());
    trends.set(Trends::from([("A".to_owned(), a_year)]));
    rank_by.set(Measure::Response);
    next_tick().await;
    assert_eq!(row_codes(&host), ["A", "B", "C"]);
    let path = host
        .query_selector("tr[data-code=A] svg.sparkline path")
        .unwrap()
        .unwrap();
    assert_eq!(path.get_attribute("d").unwrap().trim(), "M112.0 2.0");

    let cell: web_sys::HtmlElement = host
        .query_selector("tr[data-code=B] [data-measure=on_time]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(cell.text_content().unwrap(), "50.0%");
    cell.click();
    let chosen = drill.get_untracked().expect("a drill-down chosen");
    assert_eq!(
        (
            chosen.code.as_str(),
            chosen.measure,
            chosen.by,
            chosen.name.as_str()
        ),
        ("B", Measure::OnTime, "unit", "单位B")
    );
    assert_eq!(
        (chosen.from.as_str(), chosen.to.as_str()),
        ("2026-10-01", "2026-11-01")
    );
    drop(handle);
}

/// A draft's chosen nearby report goes with the complaint only when it has a position
/// (the server finds the report by where the complaint is); drafts saved before the
/// choice existed still load.
#[wasm_bindgen_test]
fn a_followed_report_is_asked_for_only_with_a_position() {
    use gridline_app::offline::complaints::Draft;
    use gridline_app::pages::resident::file::request_of;
    let draft = Draft {
        id: "draft-follow".into(),
        matter_code: "0201".into(),
        description: "路灯不亮".into(),
        lon: Some(120.415),
        lat: Some(36.069),
        follow: Some("AbCd-_0123456789".into()),
        ..Draft::default()
    };
    let request = request_of(&draft, None);
    assert_eq!(request.follow.as_deref(), Some("AbCd-_0123456789"));
    assert!(request.validate().is_ok());
    let by_grid = Draft {
        lon: None,
        lat: None,
        grid_code: "D01-S01-C01-G02".into(),
        ..draft
    };
    let request = request_of(&by_grid, None);
    assert_eq!(
        request.follow, None,
        "without a position it is filed on its own"
    );
    assert!(request.validate().is_ok());
    let older: Draft =
        serde_json::from_str(r#"{"id":"draft-old","matter_code":"0201","photos":[]}"#).unwrap();
    assert_eq!(older.follow, None);
}
