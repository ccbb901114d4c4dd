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
