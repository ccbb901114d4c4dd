//! Photos, voice notes and video clips: uploaded first (`POST /api/v1/media`, the raw bytes), then
//! named by their id in the complaint or progress update that carries them.
//!
//! A medium's id is the SHA-256 (lowercase hex) of the bytes the server stored, after
//! it removed the image's metadata (EXIF, GPS). Uploading the same bytes again gives
//! the same id, so a retried upload never makes a second copy.
//!
//! Knowing an id is not having sent it: a medium is attached only by whoever uploaded
//! it, a staff session, a station tablet (its `x-station-device`), or a resident's
//! device, which names itself with [`super::ticket::DEVICE_SECRET_HEADER`] and files
//! with the same `device_secret`.

use serde::{Deserialize, Serialize};

use super::error::{FieldIssue, Validator};

/// Photos one complaint or progress update may carry (as Open311 clients expect 1, and
/// residents' phones offer many, 9 is the usual limit of Chinese apps).
pub const MAX_PHOTOS: usize = 9;
/// Voice notes one complaint or update may carry.
pub const MAX_AUDIO: usize = 1;
/// Video clips one complaint or update may carry (each at most [`MAX_VIDEO_SECONDS`]).
pub const MAX_VIDEO: usize = 1;
/// How long a video clip may be.
pub const MAX_VIDEO_SECONDS: u32 = 30;

/// How large a clip the server takes unless configured otherwise
/// (`GRIDLINE_MAX_VIDEO_BYTES`).
pub const DEFAULT_MAX_VIDEO_BYTES: usize = 16 * 1024 * 1024;

/// The brands (`ftyp`) of the ISO media files taken as MP4: MP4 itself, its audio and
/// 3GPP variants, and QuickTime movies (`qt  `, what iPhones record).
pub const MP4_BRANDS: [&[u8; 4]; 16] = [
    b"M4A ", b"M4B ", b"M4V ", b"mp41", b"mp42", b"isom", b"iso2", b"iso4", b"iso5", b"iso6",
    b"avc1", b"dash", b"3gp4", b"3gp5", b"3gp6", b"qt  ",
];

/// The container a clip's first bytes (at least 64) name, as the server will take it:
/// `video/webm` (EBML with the WebM doctype) or `video/mp4` (an `ftyp` with an MP4
/// brand). Whether it has a picture the server tells from its tracks.
pub fn clip_container(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let start = &head[..head.len().min(64)];
        return start
            .windows(4)
            .any(|w| w == b"webm")
            .then_some("video/webm");
    }
    if head.len() < 16 || &head[4..8] != b"ftyp" {
        return None;
    }
    let end = (u32::from_be_bytes(head[0..4].try_into().ok()?) as usize).clamp(16, head.len());
    let mut words = head[8..end].chunks_exact(4);
    let major = words.next();
    words.next(); // the minor version
    major
        .into_iter()
        .chain(words)
        .any(|brand| MP4_BRANDS.iter().any(|m| m.as_slice() == brand))
        .then_some("video/mp4")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Audio,
    /// A short clip (MP4 or WebM).
    Video,
}

/// What the server stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaResponse {
    /// SHA-256 (hex) of the stored bytes; also the id to name it by.
    pub id: String,
    pub kind: MediaKind,
    /// As recognised from the bytes (never from the file name or the declared type).
    pub content_type: String,
    pub size_bytes: u64,
}

/// A medium as a ticket's timeline lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaRef {
    pub id: String,
    pub kind: MediaKind,
    pub content_type: String,
}

/// Whether `id` looks like a media id (64 lowercase hex digits).
pub fn valid_media_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks the shape of a list of media ids (that the server has them is checked there).
pub fn validate_media_ids(v: &mut Validator, field: &str, ids: &[String]) {
    if ids.len() > MAX_PHOTOS + MAX_AUDIO + MAX_VIDEO {
        v.add(
            field,
            FieldIssue::TooLong,
            format!("at most {MAX_PHOTOS} photos, {MAX_AUDIO} voice note and {MAX_VIDEO} video"),
        );
    }
    for (i, id) in ids.iter().enumerate() {
        if !valid_media_id(id) {
            v.add(
                &format!("{field}[{i}]"),
                FieldIssue::Invalid,
                "a media id is the 64-digit SHA-256 the upload returned",
            );
        }
        if ids[..i].contains(id) {
            v.add(&format!("{field}[{i}]"), FieldIssue::Invalid, "named twice");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_are_told_by_their_first_bytes() {
        let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84];
        webm.extend_from_slice(b"webmB\x87");
        assert_eq!(clip_container(&webm), Some("video/webm"));
        let mut mkv = webm.clone();
        mkv[8..12].copy_from_slice(b"matr");
        assert_eq!(clip_container(&mkv), None);
        let ftyp = |brands: &[u8]| {
            let mut b = u32::try_from(brands.len() + 8)
                .unwrap()
                .to_be_bytes()
                .to_vec();
            b.extend_from_slice(b"ftyp");
            b.extend_from_slice(brands);
            b.extend_from_slice(b"\0\0\0\x08moov");
            b
        };
        assert_eq!(
            clip_container(&ftyp(b"isom\0\0\x02\0isomavc1")),
            Some("video/mp4")
        );
        assert_eq!(
            clip_container(&ftyp(b"qt  \0\0\0\0qt  ")),
            Some("video/mp4")
        );
        // A compatible brand counts, the minor version does not.
        assert_eq!(
            clip_container(&ftyp(b"XXXX\0\0\0\0mp42")),
            Some("video/mp4")
        );
        assert_eq!(clip_container(&ftyp(b"XXXXmp42XXXX")), None);
        assert_eq!(clip_container(&ftyp(b"heic\0\0\0\0mif1heic")), None);
        assert_eq!(
            clip_container(b"\xFF\xD8\xFF\xE0 a photo, not a clip"),
            None
        );
        assert_eq!(clip_container(b""), None);
    }

    #[test]
    fn media_ids_are_checked_for_shape_count_and_repeats() {
        let good = "a".repeat(64);
        let mut v = Validator::new();
        validate_media_ids(&mut v, "media", std::slice::from_ref(&good));
        assert!(v.finish().is_ok());

        let mut v = Validator::new();
        validate_media_ids(
            &mut v,
            "media",
            &[good.clone(), good.clone(), "A".repeat(64), "abc".into()],
        );
        let fields: Vec<String> = v
            .finish()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["media[1]", "media[2]", "media[3]"]);

        let mut v = Validator::new();
        validate_media_ids(
            &mut v,
            "media",
            &vec!["b".repeat(64); MAX_PHOTOS + MAX_AUDIO + MAX_VIDEO + 1],
        );
        assert!(v.finish().is_err());
    }
}
