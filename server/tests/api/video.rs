//! Short video clips through the API: told from voice notes by their tracks, held to 30
//! seconds, stored without the place the phone wrote in them, one to a complaint or a
//! progress report, played back through the ticket.

use gridline_core::Role;
use gridline_core::api::media::{MediaKind, MediaResponse};
use gridline_core::api::ticket::TicketView;
use serde_json::json;

use crate::helpers::{TestApp, act, expect_error, sign_in_as};

const DEVICE: &str = "test-resident-phone-video";
/// Where the phone says the clip was taken (ISO 6709, in the movie's user data).
const PLACE: &[u8] = b"+36.0671+120.3826/";

fn bx(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
    let mut b = u32::try_from(content.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(content);
    b
}

/// An MP4 of `seconds` with a track handled by `handler` (`vide`, `soun`) and the
/// place in its user data, as an Android phone writes it; `n` makes it unique.
fn clip(seconds: u32, handler: &[u8; 4], n: u8) -> Vec<u8> {
    let mut mvhd = vec![0; 12];
    mvhd.extend_from_slice(&600u32.to_be_bytes());
    mvhd.extend_from_slice(&(seconds * 600).to_be_bytes());
    mvhd.extend_from_slice(&[0; 80]);
    let mut hdlr = vec![0; 8];
    hdlr.extend_from_slice(handler);
    hdlr.extend_from_slice(&[0; 13]);
    let mut moov = bx(b"mvhd", &mvhd);
    moov.extend(bx(b"trak", &bx(b"mdia", &bx(b"hdlr", &hdlr))));
    let mut xyz = b"\0\x12\x15\xc7".to_vec();
    xyz.extend_from_slice(PLACE);
    moov.extend(bx(b"udta", &bx(b"\xA9xyz", &xyz)));
    let mut file = bx(b"ftyp", b"mp42\0\0\0\0isommp42");
    file.extend(bx(b"moov", &moov));
    file.extend(bx(b"mdat", &[b'F', b'R', b'A', b'M', b'E', n]));
    file
}

async fn upload(app: &TestApp, client: &reqwest::Client, bytes: Vec<u8>) -> reqwest::Response {
    client
        .post(app.url("/api/v1/media"))
        .header(gridline_core::api::ticket::DEVICE_SECRET_HEADER, DEVICE)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

crate::both_backends!(clips_are_checked_stripped_and_played_back_through_the_ticket);

async fn clips_are_checked_stripped_and_played_back_through_the_ticket(app: &TestApp) {
    crate::helpers::load_demo(app).await;
    let resident = reqwest::Client::new();

    // A clip is recognised by its video track, whatever it is called or declared.
    let response = upload(app, &resident, clip(12, b"vide", 1)).await;
    assert_eq!(response.status(), 201);
    let video: MediaResponse = response.json().await.unwrap();
    assert_eq!(video.kind, MediaKind::Video);
    assert_eq!(video.content_type, "video/mp4");
    let stored = app.media.get(&video.id).await.unwrap();
    assert!(has(&clip(12, b"vide", 1), PLACE));
    assert!(!has(&stored, PLACE), "the place is gone");
    assert_eq!(
        stored.len(),
        clip(12, b"vide", 1).len(),
        "the frames did not move"
    );
    // The same container with sound only is a voice note.
    let response = upload(app, &resident, clip(50, b"soun", 2)).await;
    let voice: MediaResponse = response.json().await.unwrap();
    assert_eq!(voice.kind, MediaKind::Audio);
    // An iPhone's QuickTime movie is the same kind of file under another brand.
    let mut movie = clip(12, b"vide", 5);
    movie[8..12].copy_from_slice(b"qt  ");
    movie[16..24].copy_from_slice(b"qt  qt  ");
    let response = upload(app, &resident, movie).await;
    assert_eq!(response.status(), 201);
    let taken: MediaResponse = response.json().await.unwrap();
    assert_eq!(taken.kind, MediaKind::Video);
    // Longer than 30 seconds: refused, with the reason.
    let refused = expect_error(
        upload(app, &resident, clip(45, b"vide", 3)).await,
        413,
        "payload_too_large",
    )
    .await;
    assert!(refused.error.message.contains("30 seconds"), "{refused:?}");

    // One clip with a complaint; a second is one too many.
    let second: MediaResponse = upload(app, &resident, clip(8, b"vide", 4))
        .await
        .json()
        .await
        .unwrap();
    let complaint = |media: Vec<&str>| {
        json!({
            "matter_code": "0201", "description": "路灯一闪一闪，录了视频",
            "region_code": "D01-S01-C01-G02", "contact_phone": "13812345678",
            "device_secret": DEVICE, "media": media,
        })
    };
    let response = resident
        .post(app.url("/api/v1/tickets"))
        .json(&complaint(vec![&video.id, &second.id]))
        .send()
        .await
        .unwrap();
    let error = expect_error(response, 422, "validation_failed").await;
    assert!(
        error.error.fields[0].message.contains("1 video"),
        "{error:?}"
    );
    let response = resident
        .post(app.url("/api/v1/tickets"))
        .json(&complaint(vec![&video.id, &voice.id]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let code = response.json::<serde_json::Value>().await.unwrap()["tracking_code"]
        .as_str()
        .unwrap()
        .to_owned();

    // The unit reports its progress with a clip of its own.
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    let response = app
        .client
        .post(app.url("/api/v1/media"))
        .header(
            gridline_core::api::auth::CSRF_HEADER,
            app.csrf_token().await.unwrap(),
        )
        .body(clip(20, b"vide", 5))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let report: MediaResponse = response.json().await.unwrap();
    assert_eq!(
        act(app, &code, json!({"action": "accept"})).await.status(),
        200
    );
    let response = act(
        app,
        &code,
        json!({"action": "progress", "note": "已更换灯具，见视频", "media": [report.id]}),
    )
    .await;
    assert_eq!(response.status(), 200);

    // The resident's page lists both clips, and plays them through the ticket.
    let view: TicketView = resident
        .get(app.url(&format!("/api/v1/tickets/{code}?phone_suffix=5678")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let clips: Vec<&str> = view
        .timeline
        .iter()
        .flat_map(|e| &e.media)
        .filter(|m| m.kind == MediaKind::Video)
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(clips, [video.id.as_str(), report.id.as_str()]);
    let response = resident
        .get(app.url(&format!(
            "/api/v1/tickets/{code}/media/{}?phone_suffix=5678",
            report.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "video/mp4");
    assert!(!has(&response.bytes().await.unwrap(), PLACE));
}
