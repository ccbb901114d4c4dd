//! Photos, voice notes and short video clips: recognised by their bytes (never by name
//! or declared type), capped in size (a clip also in length), images and clips stripped
//! of their metadata (EXIF with GPS, XMP, text chunks; a clip's user data and tags,
//! where phones write the place), then stored through `object_store` under the SHA-256
//! of the stored bytes.

pub mod heif;

pub mod video;

pub mod objects;

pub mod routes;

pub mod sniff;

pub mod store;

pub mod strip;

pub mod sweep;

pub use crate::media::objects::MediaStore;

/// Why an upload is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    #[error(
        "not a supported photo, voice note or video (JPEG, PNG, WebP, HEIC; WebM, Ogg, MP4/AAC; MP4, WebM)"
    )]
    Unrecognised,
    #[error("the {0} could not be read: {1}")]
    Unreadable(&'static str, String),
    #[error("too large: {kind} at most {limit} bytes")]
    TooLarge { kind: &'static str, limit: usize },
    #[error("too long: a video at most {0} seconds")]
    TooLong(u32),
}

/// Who uploaded a medium. Its id is the hash of its bytes, so knowing the id (from a
/// ticket page, a log, the photo itself) is no proof of having sent it: only an
/// uploader attaches it to a complaint, an update or a field record. Having the bytes
/// is enough: whoever uploads the same photo is an uploader of it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uploader {
    /// A signed-in staff member (in any of their sessions).
    Staff(i64),
    /// An enrolled station tablet.
    Station(i64),
    /// A resident's device, by the hash of its `device_secret`.
    Device(String),
}

impl Uploader {
    /// The resident device that names itself with `secret`.
    pub fn device(secret: &str) -> Uploader {
        Uploader::Device(crate::auth::device_secret_hash(secret))
    }

    /// How it is kept beside the medium.
    pub fn key(&self) -> String {
        match self {
            Uploader::Staff(id) => format!("staff:{id}"),
            Uploader::Station(id) => format!("station:{id}"),
            Uploader::Device(hash) => format!("device:{hash}"),
        }
    }

    pub fn keys(uploaders: &[Uploader]) -> Vec<String> {
        uploaders.iter().map(Uploader::key).collect()
    }
}

/// The largest upload accepted per kind.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub image_bytes: usize,
    pub audio_bytes: usize,
    pub video_bytes: usize,
}

impl Limits {
    /// The configured caps.
    pub fn from_config(config: &crate::config::Config) -> Limits {
        Limits {
            image_bytes: config.max_image_bytes,
            audio_bytes: config.max_audio_bytes,
            video_bytes: config.max_video_bytes,
        }
    }

    /// The largest of them: what the request body may be at most.
    pub fn body_bytes(&self) -> usize {
        self.image_bytes.max(self.audio_bytes).max(self.video_bytes)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod video_tests;
