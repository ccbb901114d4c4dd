//! Media through the API: recognised by content, capped, stripped of GPS, stored once,
//! attached to a complaint or a progress update, and shown only through the ticket.

use gridline_core::Role;
use gridline_core::api::media::MediaResponse;
use gridline_core::api::ticket::{TicketCreatedResponse, TicketView};
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, expect_error, sign_in_as};

crate::both_backends!(
    uploads_are_checked_by_content_and_capped,
    stored_photos_have_no_gps,
    nothing_after_the_image_survives,
    complaints_and_updates_carry_media_shown_only_through_the_ticket,
    media_nothing_names_are_deleted_after_the_grace_period,
    media_are_attached_only_by_whoever_uploaded_them,
);

// The same media tests with the bytes in an S3-compatible store (moto).
crate::on_s3!(
    uploads_are_checked_by_content_and_capped,
    stored_photos_have_no_gps,
    nothing_after_the_image_survives,
    complaints_and_updates_carry_media_shown_only_through_the_ticket,
    media_nothing_names_are_deleted_after_the_grace_period,
    media_are_attached_only_by_whoever_uploaded_them,
);

const PHOTO: &[u8] = include_bytes!("../fixtures/photo.jpg");
const SMALL_PNG: &[u8] = include_bytes!("../fixtures/small.png");

/// The secret of the resident's phone the tests upload and file from.
const DEVICE: &str = "test-resident-phone-0001";

/// Uploads `bytes` from the resident's phone ([`DEVICE`]).
async fn upload(app: &TestApp, bytes: Vec<u8>, declared: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/media"))
        .header(gridline_core::api::ticket::DEVICE_SECRET_HEADER, DEVICE)
        .header("content-type", declared)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn uploaded(app: &TestApp, bytes: &[u8]) -> MediaResponse {
    let response = upload(app, bytes.to_vec(), "application/octet-stream").await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// A big-endian TIFF/EXIF block whose IFD0 points to a GPS IFD holding latitude
/// 36°4'N, as phone cameras write it.
fn exif_with_gps() -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: one entry, GPSInfo (0x8825, LONG, 1) -> the GPS IFD at 26.
    tiff.extend([0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    // GPS IFD at 26: GPSLatitudeRef "N", GPSLatitude 3 RATIONALs at 56.
    tiff.extend([0, 2]);
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend([0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 56]);
    tiff.extend([0, 0, 0, 0]);
    for (num, den) in [(36u32, 1u32), (4, 1), (0, 1)] {
        tiff.extend(num.to_be_bytes());
        tiff.extend(den.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    app1
}

/// The fixture photo with an APP1 EXIF segment (with GPS) after its SOI marker.
fn photo_with_gps() -> Vec<u8> {
    let exif = exif_with_gps();
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    jpeg.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    jpeg.extend(exif);
    jpeg.extend(&PHOTO[2..]);
    jpeg
}

/// The fixture photo made a different medium: its JFIF vertical density set to `n`
/// (bytes appended after the image would not do: they are cut off).
fn photo_variant(n: u8) -> Vec<u8> {
    let mut photo = PHOTO.to_vec();
    assert_eq!(&photo[6..11], b"JFIF\0");
    photo[17] = n;
    photo
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

async fn uploads_are_checked_by_content_and_capped(app: &TestApp) {
    // A text file named and declared as a photo is refused.
    let text = b"this is not a photo, whatever its name says".to_vec();
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/media"))
        .header(gridline_core::api::ticket::DEVICE_SECRET_HEADER, DEVICE)
        .header("content-type", "image/jpeg")
        .header("content-disposition", "attachment; filename=\"photo.jpg\"")
        .body(text)
        .send()
        .await
        .unwrap();
    expect_error(response, 415, "unsupported_media_type").await;
    // A JPEG header over garbage is not a readable JPEG.
    let broken = [&[0xFF, 0xD8, 0xFF, 0xE0, 0xFF][..], &[0u8; 8]].concat();
    expect_error(
        upload(app, broken, "image/jpeg").await,
        415,
        "unsupported_media_type",
    )
    .await;
    expect_error(
        upload(app, Vec::new(), "image/jpeg").await,
        400,
        "bad_request",
    )
    .await;

    // Over the cap: 413 in the one shape, whatever the declared type.
    let mut big = PHOTO.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    expect_error(
        upload(app, big, "text/plain").await,
        413,
        "payload_too_large",
    )
    .await;

    // Good uploads: JPEG, PNG, a voice note; the type comes from the bytes.
    let jpeg = uploaded(app, PHOTO).await;
    assert_eq!(jpeg.content_type, "image/jpeg");
    assert_eq!(jpeg.id.len(), 64);
    let png = uploaded(app, SMALL_PNG).await;
    assert_eq!(png.content_type, "image/png");
    let mut ogg = b"OggS\0\x02".to_vec();
    ogg.resize(2048, 1);
    let voice = uploaded(app, &ogg).await;
    assert_eq!(voice.content_type, "audio/ogg");
    assert_eq!(voice.size_bytes, 2048);
    // The same bytes again are the same medium.
    assert_eq!(uploaded(app, PHOTO).await, jpeg);
}

async fn stored_photos_have_no_gps(app: &TestApp) {
    let original = photo_with_gps();
    assert!(contains(&original, b"Exif\0\0"));
    let stored = uploaded(app, &original).await;
    // Read back the bytes as stored, through the media store itself.
    let bytes = app.media.get(&stored.id).await.unwrap();
    assert!(!contains(&bytes, b"Exif"), "EXIF is gone");
    assert!(!contains(&bytes, &[0xFF, 0xE1]), "no APP1 segment is left");
    assert!(contains(&bytes, b"JFIF") && contains(&bytes, b"ICC_PROFILE"));
    // The picture itself is unchanged: exactly the photo without the EXIF segment.
    assert_eq!(&bytes[..], PHOTO);
    assert_eq!(stored.size_bytes as usize, PHOTO.len());
    let digest = <sha2::Sha256 as sha2::Digest>::digest(&bytes);
    assert_eq!(stored.id, hex::encode(digest));
}

/// A street light out in 青松 grid 2 (routed to U-CM), with photos.
fn complaint(client_id: &str, media: &[&str]) -> Value {
    json!({
        "client_id": client_id,
        "matter_code": "0201",
        "description": "小区门口路灯不亮",
        "lon": 120.41, "lat": 36.069,
        "contact_phone": "13812345678",
        "device_secret": DEVICE,
        "media": media,
    })
}

async fn complaints_and_updates_carry_media_shown_only_through_the_ticket(app: &TestApp) {
    gridline_server::catalogue::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
    let photo = uploaded(app, PHOTO).await;
    let client = reqwest::Client::new();

    // Naming media the server does not have refuses the whole complaint.
    let unknown = "0".repeat(64);
    let response = client
        .post(app.url("/api/v1/tickets"))
        .json(&complaint("device-m-0001", &[&photo.id, &unknown]))
        .send()
        .await
        .unwrap();
    let error = expect_error(response, 422, "validation_failed").await;
    assert_eq!(error.error.fields[0].field, "media[1]");
    // ... and stores nothing: the same client id files normally afterwards.
    let response = client
        .post(app.url("/api/v1/tickets"))
        .json(&complaint("device-m-0001", &[&photo.id]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let code = response
        .json::<TicketCreatedResponse>()
        .await
        .unwrap()
        .tracking_code;

    // The unit adds a public progress update with a photo, and an internal one.
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    let png = upload_by(app, Uploader::Session, SMALL_PNG).await;
    let act = |body: Value| {
        let path = format!("/api/v1/tickets/{code}/actions");
        async move { app.post_json(&path, &body).await }
    };
    assert_eq!(act(json!({"action": "accept"})).await.status(), 200);
    let response = act(json!({"action": "accept", "media": [png.id]})).await;
    expect_error(response, 422, "validation_failed").await;
    let response = act(json!({"action": "progress", "note": "已到现场", "media": [png.id]})).await;
    assert_eq!(response.status(), 200);
    let secret = upload_by(app, Uploader::Session, &photo_variant(2)).await;
    let response = act(json!({
        "action": "progress", "note": "内部记录", "public": false, "media": [secret.id]
    }))
    .await;
    let staff_view: TicketView = response.json().await.unwrap();
    let media_of = |view: &TicketView, kind: &str| -> Vec<String> {
        view.timeline
            .iter()
            .filter(|e| e.kind == kind)
            .flat_map(|e| e.media.iter().map(|m| m.id.clone()))
            .collect()
    };
    assert_eq!(media_of(&staff_view, "received"), [photo.id]);
    assert_eq!(
        media_of(&staff_view, "progress"),
        [png.id.clone(), secret.id.clone()]
    );

    // The complainant sees the public media and fetches them with the proof.
    let public: TicketView = client
        .get(app.url(&format!("/api/v1/tickets/{code}?phone_suffix=5678")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(media_of(&public, "progress"), std::slice::from_ref(&png.id));
    let fetch = |id: String, suffix: &'static str| {
        let url = app.url(&format!(
            "/api/v1/tickets/{code}/media/{id}?phone_suffix={suffix}"
        ));
        let client = client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let response = fetch(png.id.clone(), "5678").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(&response.bytes().await.unwrap()[..], SMALL_PNG);
    // Wrong proof, an internal photo, a medium of no entry: the same 404.
    expect_error(fetch(png.id.clone(), "0000").await, 404, "not_found").await;
    expect_error(fetch(secret.id.clone(), "5678").await, 404, "not_found").await;
    let stray = uploaded(app, &photo_variant(3)).await;
    expect_error(fetch(stray.id, "5678").await, 404, "not_found").await;
    // Staff who handle the ticket fetch internal media too.
    let response = app
        .get(&format!("/api/v1/tickets/{code}/media/{}", secret.id))
        .await;
    assert_eq!(response.status(), 200);
}

async fn media_nothing_names_are_deleted_after_the_grace_period(app: &TestApp) {
    gridline_server::catalogue::demo::load_reference_data(app.store.as_ref())
        .await
        .unwrap();
    let named = uploaded(app, PHOTO).await;
    let orphan = uploaded(app, SMALL_PNG).await;
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&complaint("device-s-0001", &[&named.id]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let sweep = |days: i64| {
        let now = time::OffsetDateTime::now_utc() + time::Duration::days(days);
        gridline_server::media::sweep::sweep_orphans(
            app.store.as_ref(),
            &app.media,
            now,
            time::Duration::days(7),
        )
    };

    // Within the grace period (a device may not have sent its complaint yet): kept.
    assert_eq!(sweep(6).await.unwrap(), 0);
    assert!(app.media.get(&orphan.id).await.is_ok());

    // After it: the unnamed one goes, row and bytes; the named one stays.
    assert_eq!(sweep(8).await.unwrap(), 1);
    assert!(app.media.get(&orphan.id).await.is_err());
    assert_eq!(app.media.get(&named.id).await.unwrap(), PHOTO);
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&complaint("device-s-0002", &[&orphan.id]))
        .send()
        .await
        .unwrap();
    expect_error(response, 422, "validation_failed").await;

    // Uploaded again, the same bytes are the same medium, with a fresh grace period.
    assert_eq!(uploaded(app, SMALL_PNG).await.id, orphan.id);
    assert_eq!(sweep(6).await.unwrap(), 0);
    assert!(app.media.get(&orphan.id).await.is_ok());
    assert_eq!(sweep(8).await.unwrap(), 1);
}

/// Anonymous uploads are counted per address; a staff member's are not.
#[tokio::test]
async fn anonymous_uploads_are_limited_per_address() {
    let app = TestApp::spawn_with(Db::Sqlite, |c| c.uploads_per_hour = 3)
        .await
        .unwrap();
    for i in 0..3u8 {
        // Different bytes each time: the limit counts requests, not media.
        uploaded(&app, &photo_variant(10 + i)).await;
    }
    let error = expect_error(
        upload(&app, PHOTO.to_vec(), "image/jpeg").await,
        429,
        "rate_limited",
    )
    .await;
    assert!(
        error.error.message.contains("60 minutes"),
        "{}",
        error.error.message
    );

    sign_in_as(&app, Role::GridWorker).await;
    let token = app.csrf_token().await.unwrap();
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url("/api/v1/media"))
            .header("x-csrf-token", &token)
            .body(PHOTO.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    app.stop().await;
}

/// The review's hostile HEIC: an `ftyp heic` box, then a `free` box of size 1 whose
/// 64-bit size (2^64 - `back`) wraps an unchecked `from + size` back into the file.
fn wrapping_heic(back: u64) -> Vec<u8> {
    let mut file = 24u32.to_be_bytes().to_vec();
    file.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    file.extend_from_slice(&1u32.to_be_bytes());
    file.extend_from_slice(b"free");
    file.extend_from_slice(&0u64.wrapping_sub(back).to_be_bytes());
    file.resize(48, 0);
    file
}

/// Finding 1: each hostile upload is refused within 2 s, and with as many of them in
/// flight as the machine has cores, `/healthz` still answers within 1 s. (Several
/// runtime threads, as the real server has: with one, a parser loop would stop the
/// test's own client too.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_heic_boxes_are_refused_at_once_and_stop_nothing() {
    use std::time::{Duration, Instant};
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    for back in [8, 16, 24, 32, 40] {
        let started = Instant::now();
        let response = tokio::time::timeout(
            Duration::from_secs(2),
            upload(&app, wrapping_heic(back), "image/heic"),
        )
        .await
        .unwrap_or_else(|_| panic!("no answer within 2 s (back {back})"));
        expect_error(response, 415, "unsupported_media_type").await;
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let uploads: Vec<_> = (0..cores)
        .map(|i| {
            let url = app.url("/api/v1/media");
            let body = wrapping_heic(if i % 2 == 0 { 8 } else { 24 });
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(url)
                    .header(gridline_core::api::ticket::DEVICE_SECRET_HEADER, DEVICE)
                    .body(body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let health = tokio::time::timeout(Duration::from_secs(1), app.get("/healthz"))
        .await
        .expect("/healthz within 1 s while hostile uploads are in flight");
    assert_eq!(health.status(), 200);
    for upload in uploads {
        let status = upload.await.unwrap().unwrap();
        assert!((400..500).contains(&status), "status {status}");
    }
    app.stop().await;
}

/// Finding 10: the public's uploads are limited in bytes per address too, not only in
/// count; a staff member's are not.
#[tokio::test]
async fn anonymous_uploads_have_a_byte_budget_per_address() {
    let budget = 3 * PHOTO.len() + PHOTO.len() / 2;
    let app = TestApp::spawn_with(Db::Sqlite, |c| c.upload_bytes_per_hour = budget)
        .await
        .unwrap();
    for i in 0..3u8 {
        uploaded(&app, &photo_variant(10 + i)).await;
    }
    // The fourth photo would pass the budget (the count is far from its limit).
    let error = expect_error(
        upload(&app, photo_variant(9), "image/jpeg").await,
        429,
        "rate_limited",
    )
    .await;
    assert!(
        error.error.message.contains("bytes"),
        "{}",
        error.error.message
    );
    sign_in_as(&app, Role::GridWorker).await;
    let token = app.csrf_token().await.unwrap();
    let response = app
        .client
        .post(app.url("/api/v1/media"))
        .header("x-csrf-token", &token)
        .body(photo_variant(20))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    app.stop().await;
}

/// Finding 12: what follows a JPEG's end (an MPF file's secondary image with its own
/// EXIF and GPS, or anything appended) is cut off, and the MPF index is dropped; the
/// picture itself is kept byte for byte.
async fn nothing_after_the_image_survives(app: &TestApp) {
    assert_eq!(
        &PHOTO[PHOTO.len() - 2..],
        [0xFF, 0xD9],
        "the fixture ends at its EOI"
    );
    // An MPF index (APP2 "MPF\0") after SOI, then the photo, then a second JPEG whose
    // EXIF carries GPS, then some more bytes.
    let mpf = b"MPF\0MM\0*\0\0\0\x08\0\0";
    let mut file = vec![0xFF, 0xD8, 0xFF, 0xE2];
    file.extend(u16::try_from(mpf.len() + 2).unwrap().to_be_bytes());
    file.extend(mpf);
    file.extend(&PHOTO[2..]);
    file.extend(photo_with_gps());
    file.extend(b"trailing words: 36.0667N 120.3826E");
    let stored = uploaded(app, &file).await;
    let bytes = app.media.get(&stored.id).await.unwrap();
    assert!(
        !contains(&bytes, b"Exif"),
        "the second image's EXIF is gone"
    );
    assert!(!contains(&bytes, b"MPF"), "the MPF index is gone");
    assert!(!contains(&bytes, b"trailing"), "nothing appended is kept");
    assert!(contains(&bytes, b"ICC_PROFILE"), "the colour profile stays");
    assert_eq!(&bytes[..], PHOTO);
}

/// A resident's device (by its secret), a staff session or a station tablet uploads.
enum Uploader<'a> {
    Device(&'a str),
    Session,
    Tablet(&'a str),
}

async fn upload_by(app: &TestApp, by: Uploader<'_>, bytes: &[u8]) -> MediaResponse {
    let request = match by {
        Uploader::Device(secret) => reqwest::Client::new()
            .post(app.url("/api/v1/media"))
            .header(gridline_core::api::ticket::DEVICE_SECRET_HEADER, secret),
        Uploader::Session => app.client.post(app.url("/api/v1/media")).header(
            gridline_core::api::auth::CSRF_HEADER,
            app.csrf_token().await.expect("signed in"),
        ),
        Uploader::Tablet(token) => reqwest::Client::new()
            .post(app.url("/api/v1/media"))
            .header(gridline_core::api::station::DEVICE_HEADER, token),
    };
    let response = request.body(bytes.to_vec()).send().await.unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

/// A medium's id is the SHA-256 of its bytes: knowing it (from a ticket page, a log,
/// the photo itself) must not let anyone else put that medium on their complaint or
/// update. Only the device, staff member or tablet that uploaded it attaches it.
async fn media_are_attached_only_by_whoever_uploaded_them(app: &TestApp) {
    use crate::station::{enrolled, filing, issue_code, post_filing, sealed, station_with_code};
    let client = reqwest::Client::new();
    let code = station_with_code(app).await; // the reference data, an admin signed in
    let file = |body: Value| {
        let client = client.clone();
        async move {
            client
                .post(app.url("/api/v1/tickets"))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let with_secret = |client_id: &str, media: &[&str], secret: Option<&str>| {
        let mut body = complaint(client_id, media);
        match secret {
            Some(secret) => body["device_secret"] = json!(secret),
            None => _ = body.as_object_mut().unwrap().remove("device_secret"),
        }
        body
    };

    // The public names the uploading device: what no one could attach is refused.
    for secret in [None, Some("short"), Some("has a space in it, so no")] {
        let mut request = client.post(app.url("/api/v1/media")).body(PHOTO);
        if let Some(secret) = secret {
            request = request.header(gridline_core::api::ticket::DEVICE_SECRET_HEADER, secret);
        }
        let error = expect_error(request.send().await.unwrap(), 400, "bad_request").await;
        assert!(
            error.error.message.contains("x-device-secret"),
            "{}",
            error.error.message
        );
    }

    // A resident's photo, uploaded from their phone.
    let mine = "resident-phone-a-secret-0001";
    let theirs = "someone-elses-phone-secret-02";
    let photo = upload_by(app, Uploader::Device(mine), &photo_variant(7)).await;
    // Another device, or no device at all, cannot file with it.
    for secret in [Some(theirs), None] {
        let response = file(with_secret("attach-other-1", &[&photo.id], secret)).await;
        let error = expect_error(response, 422, "validation_failed").await;
        assert_eq!(error.error.fields[0].field, "media[0]", "{secret:?}");
    }
    // The refusal is the one for an unknown id: it does not tell that the photo exists.
    let unknown = "0".repeat(64);
    let response = file(with_secret("attach-other-1", &[&unknown], Some(theirs))).await;
    let unknown_error = expect_error(response, 422, "validation_failed").await;
    let response = file(with_secret("attach-other-1", &[&photo.id], Some(theirs))).await;
    let other_error = expect_error(response, 422, "validation_failed").await;
    assert_eq!(
        other_error.error.fields[0].message,
        unknown_error.error.fields[0].message
    );
    // The uploading device files with it.
    let response = file(with_secret("attach-mine-1", &[&photo.id], Some(mine))).await;
    assert_eq!(response.status(), 201);
    let ticket = response
        .json::<TicketCreatedResponse>()
        .await
        .unwrap()
        .tracking_code;
    // Having the bytes is having the medium: the other device uploads the same photo
    // itself, and may then file with it.
    let same = upload_by(app, Uploader::Device(theirs), &photo_variant(7)).await;
    assert_eq!(same.id, photo.id);
    let response = file(with_secret("attach-other-2", &[&photo.id], Some(theirs))).await;
    assert_eq!(response.status(), 201);

    // Staff: one handler's upload is not another handler's, nor a resident's.
    let first = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(first, "U-CM").await.unwrap();
    let progress_photo = upload_by(app, Uploader::Session, &photo_variant(8)).await;
    let response = file(with_secret(
        "attach-staff-1",
        &[&progress_photo.id],
        Some(mine),
    ))
    .await;
    expect_error(response, 422, "validation_failed").await;
    let second = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(second, "U-CM").await.unwrap();
    let act = |body: Value| {
        let path = format!("/api/v1/tickets/{ticket}/actions");
        async move { app.post_json(&path, &body).await }
    };
    assert_eq!(act(json!({"action": "accept"})).await.status(), 200);
    let progress = |id: &str| json!({"action": "progress", "note": "已到现场", "media": [id]});
    let error = expect_error(
        act(progress(&progress_photo.id)).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error.error.fields[0].field, "media[0]");
    // Nor the resident's photo on the ticket itself.
    expect_error(act(progress(&photo.id)).await, 422, "validation_failed").await;
    let own = upload_by(app, Uploader::Session, &photo_variant(9)).await;
    assert_eq!(act(progress(&own.id)).await.status(), 200);

    // A station tablet: another tablet (of the same station) cannot seal its photo in.
    sign_in_as(app, Role::Admin).await;
    let second_code = issue_code(app).await;
    let counter_1 = enrolled(app, &code).await;
    let counter_2 = enrolled(app, &second_code).await;
    let tablet_photo = upload_by(
        app,
        Uploader::Tablet(&counter_1.device_token),
        &photo_variant(10),
    )
    .await;
    let sealed_by = |tablet: &gridline_core::api::station::EnrolledResponse, client_id: &str| {
        sealed(
            &tablet.device,
            client_id,
            &filing(client_id, std::slice::from_ref(&tablet_photo.id)),
        )
    };
    let response = post_filing(
        app,
        &counter_2.device_token,
        &sealed_by(&counter_2, "station-attach-2"),
    )
    .await;
    expect_error(response, 422, "validation_failed").await;
    let response = post_filing(
        app,
        &counter_1.device_token,
        &sealed_by(&counter_1, "station-attach-1"),
    )
    .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}
