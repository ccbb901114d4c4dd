//! Unit tests of `media::video`: clips built box by box and element by element, as
//! phones and browsers write them (moov first or last; a recorder's WebM with a segment
//! and clusters of unknown size and no duration).

use bytes::Bytes;

use super::Limits;
use crate::media::MediaError;
use crate::media::sniff::sniff;
use crate::media::strip::prepare;
use crate::media::tests::bx;
use crate::media::video::{mp4_clip, webm_clip};

const LIMITS: Limits = Limits {
    image_bytes: 1000,
    audio_bytes: 100_000,
    video_bytes: 100_000,
};

/// A track whose handler is `handler` (`vide` or `soun`).
fn trak(handler: &[u8; 4]) -> Vec<u8> {
    let mut hdlr = vec![0; 8];
    hdlr.extend_from_slice(handler);
    hdlr.extend_from_slice(&[0; 13]);
    let mut udta = bx(b"\xA9xyz", b"\0\x12\x15\xc7+36.0671+120.3826/");
    udta = bx(b"udta", &udta);
    let mut content = bx(b"mdia", &bx(b"hdlr", &hdlr));
    content.extend(udta);
    bx(b"trak", &content)
}

/// An MP4 of `seconds` with the given tracks, its place in the movie's user data, its
/// keys (`meta`) and an XMP box; the movie before or after the media data.
pub(crate) fn mp4(seconds: u32, handlers: &[&[u8; 4]], moov_first: bool) -> Vec<u8> {
    let mut mvhd = vec![0; 12];
    mvhd.extend_from_slice(&1000u32.to_be_bytes());
    mvhd.extend_from_slice(&(seconds * 1000).to_be_bytes());
    mvhd.extend_from_slice(&[0; 80]);
    let mut moov = bx(b"mvhd", &mvhd);
    for handler in handlers {
        moov.extend(trak(handler));
    }
    moov.extend(bx(
        b"udta",
        &bx(b"\xA9xyz", b"\0\x12\x15\xc7+36.0671+120.3826/"),
    ));
    moov.extend(bx(
        b"meta",
        b"\0\0\0\0com.apple.quicktime.location.ISO6709 +36.0671+120.3826/",
    ));
    let moov = bx(b"moov", &moov);
    let mut file = bx(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41");
    let mdat = bx(b"mdat", b"FRAME-BYTES-FRAME-BYTES");
    let xmp = bx(
        b"uuid",
        b"\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8<x:xmpmeta exif:GPSLatitude/>",
    );
    if moov_first {
        file.extend(moov);
        file.extend(xmp);
        file.extend(mdat);
    } else {
        file.extend(mdat);
        file.extend(moov);
        file.extend(xmp);
    }
    file
}

/// An EBML element with a one-byte size (content under 127 bytes) or the eight-byte
/// "unknown" size a recorder writes while it records (`None`).
fn el(id: &[u8], content: &[u8], known: bool) -> Vec<u8> {
    let mut e = id.to_vec();
    if known {
        assert!(content.len() < 127);
        e.push(0x80 | u8::try_from(content.len()).unwrap());
    } else {
        e.extend_from_slice(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    }
    e.extend_from_slice(content);
    e
}

/// A WebM with one track of `track_type` (1 video, 2 audio), blocks every second for
/// `seconds` in clusters of unknown size, tags naming a place, and a duration in its
/// header only when given.
pub(crate) fn webm(track_type: u8, seconds: u16, duration_ms: Option<f64>) -> Vec<u8> {
    let mut file = el(
        &[0x1A, 0x45, 0xDF, 0xA3],
        &el(&[0x42, 0x82], b"webm", true),
        true,
    );
    let mut info = el(&[0x2A, 0xD7, 0xB1], &[0x0F, 0x42, 0x40], true);
    if let Some(ms) = duration_ms {
        info.extend(el(&[0x44, 0x89], &ms.to_be_bytes(), true));
    }
    let mut segment = el(&[0x15, 0x49, 0xA9, 0x66], &info, true);
    let entry = el(&[0xAE], &el(&[0x83], &[track_type], true), true);
    segment.extend(el(&[0x16, 0x54, 0xAE, 0x6B], &entry, true));
    let tag = el(&[0x45, 0xA3], b"LOCATION +36.0671+120.3826", true);
    segment.extend(el(&[0x12, 0x54, 0xC3, 0x67], &tag, true));
    // Clusters of ten seconds, a block each second (timestamps in milliseconds).
    for start in (0..seconds).step_by(10) {
        let mut cluster = el(&[0xE7], &(u32::from(start) * 1000).to_be_bytes(), true);
        for second in start..seconds.min(start + 10) {
            let relative = i16::try_from((second - start) * 1000).unwrap();
            let mut block = vec![0x81];
            block.extend_from_slice(&relative.to_be_bytes());
            block.extend_from_slice(b"\x80FRAME");
            cluster.extend(el(&[0xA3], &block, true));
        }
        segment.extend(el(&[0x1F, 0x43, 0xB6, 0x75], &cluster, false));
    }
    file.extend(el(&[0x18, 0x53, 0x80, 0x67], &segment, false));
    file
}

fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_container_with_a_video_track_is_a_clip_else_a_voice_note() {
    let kind = |b: &[u8]| sniff(b).map(|s| s.content_type);
    assert_eq!(kind(&mp4(12, &[b"vide", b"soun"], true)), Some("video/mp4"));
    assert_eq!(kind(&mp4(12, &[b"vide"], false)), Some("video/mp4"));
    assert_eq!(kind(&mp4(40, &[b"soun"], false)), Some("audio/mp4"));
    assert_eq!(kind(&webm(1, 5, None)), Some("video/webm"));
    assert_eq!(kind(&webm(2, 5, None)), Some("audio/webm"));
    // A container that cannot be read is no voice note either.
    let mut cut = mp4(12, &[b"vide"], true);
    cut.truncate(60);
    assert_eq!(kind(&cut), None);
    assert_eq!(kind(&webm(1, 5, None)[..30]), None);
}

#[test]
fn a_clip_knows_its_length_from_its_header_or_its_last_frame() {
    assert_eq!(
        mp4_clip(&mp4(12, &[b"vide"], true)).unwrap().seconds,
        Some(12.0)
    );
    assert_eq!(
        webm_clip(&webm(1, 5, Some(4500.0))).unwrap().seconds,
        Some(4.5)
    );
    // A recorder's WebM says no duration: its last block starts at 24 s.
    assert_eq!(webm_clip(&webm(1, 25, None)).unwrap().seconds, Some(24.0));
}

#[test]
fn clips_over_thirty_seconds_are_refused() {
    for clip in [
        mp4(32, &[b"vide"], true),
        mp4(45, &[b"vide", b"soun"], false),
        webm(1, 40, None),
        webm(1, 5, Some(60_000.0)),
    ] {
        assert_eq!(
            prepare(Bytes::from(clip), LIMITS).unwrap_err(),
            MediaError::TooLong(30)
        );
    }
    // A second over is a recorder stopping late.
    assert!(prepare(Bytes::from(mp4(31, &[b"vide"], true)), LIMITS).is_ok());
    assert!(
        prepare(Bytes::from(webm(1, 31, None)), LIMITS).is_ok(),
        "30 s"
    );
    // A voice note has no such limit here (its own cap is in bytes).
    assert!(prepare(Bytes::from(mp4(90, &[b"soun"], true)), LIMITS).is_ok());
    let small = Limits {
        video_bytes: 100,
        ..LIMITS
    };
    assert!(matches!(
        prepare(Bytes::from(mp4(5, &[b"vide"], true)), small),
        Err(MediaError::TooLarge { kind: "video", .. })
    ));
}

#[test]
fn no_place_is_left_in_a_stored_clip_and_its_frames_keep_their_offsets() {
    for moov_first in [true, false] {
        let file = mp4(10, &[b"vide", b"soun"], moov_first);
        assert!(has(&file, b"+36.0671") && has(&file, b"GPSLatitude"));
        let (stored, sniffed) = prepare(Bytes::from(file.clone()), LIMITS).unwrap();
        assert_eq!(sniffed.content_type, "video/mp4");
        assert_eq!(stored.len(), file.len(), "offsets stay valid");
        assert!(!has(&stored, b"+36.0671") && !has(&stored, b"GPSLatitude"));
        assert!(!has(&stored, b"udta") && !has(&stored, b"uuid"));
        assert_eq!(
            stored.windows(12).position(|w| w == b"FRAME-BYTES-"),
            file.windows(12).position(|w| w == b"FRAME-BYTES-"),
            "the media data is where it was"
        );
        // Still a clip with its tracks and length.
        let clip = mp4_clip(&stored).unwrap();
        assert!(clip.has_video && clip.seconds == Some(10.0));
    }
    let file = webm(1, 12, None);
    let (stored, sniffed) = prepare(Bytes::from(file.clone()), LIMITS).unwrap();
    assert_eq!(sniffed.content_type, "video/webm");
    assert_eq!(stored.len(), file.len());
    assert!(has(&file, b"+36.0671") && !has(&stored, b"+36.0671"));
    let clip = webm_clip(&stored).unwrap();
    assert!(clip.has_video && clip.seconds == Some(11.0));
}

#[test]
fn crafted_sizes_never_read_past_the_clip() {
    // A box claiming more than the file; an element size running past its parent.
    let mut file = mp4(10, &[b"vide"], true);
    let moov = file.windows(4).position(|w| w == b"moov").unwrap() - 4;
    file[moov..moov + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(mp4_clip(&file).is_err());
    let mut file = webm(1, 5, None);
    let tracks = file
        .windows(4)
        .position(|w| w == [0x16, 0x54, 0xAE, 0x6B])
        .unwrap();
    file[tracks + 4] = 0xFF; // "unknown": only a cluster may say so
    assert!(webm_clip(&file).is_err());
    assert_eq!(sniff(&file), None);
}
