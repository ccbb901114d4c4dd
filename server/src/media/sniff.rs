//! Recognising an upload by its bytes, never by its name or declared type: JPEG, PNG,
//! WebP and HEIF/HEIC photos; AAC/M4A, MP3, Ogg/Opus, WebM and WAV voice notes; MP4
//! and WebM video clips (an MP4, QuickTime movie or WebM with a video track: its
//! container is read).

use gridline_core::api::media::{MP4_BRANDS, MediaKind};

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: MediaKind,
    pub content_type: &'static str,
}

pub(crate) const fn image(content_type: &'static str) -> Option<Sniffed> {
    Some(Sniffed {
        kind: MediaKind::Image,
        content_type,
    })
}

const fn audio(content_type: &'static str) -> Option<Sniffed> {
    Some(Sniffed {
        kind: MediaKind::Audio,
        content_type,
    })
}

const fn video(content_type: &'static str) -> Option<Sniffed> {
    Some(Sniffed {
        kind: MediaKind::Video,
        content_type,
    })
}

/// The ISO base media file's major brand and compatible brands (`ftyp` box).
fn ftyp_brands(b: &[u8]) -> Option<Vec<[u8; 4]>> {
    if b.len() < 16 || &b[4..8] != b"ftyp" {
        return None;
    }
    let size = u32::from_be_bytes(b[0..4].try_into().ok()?) as usize;
    let end = size.min(b.len());
    let mut brands = vec![b[8..12].try_into().ok()?];
    // Skip minor_version (4 bytes); the rest are compatible brands.
    let mut at = 16;
    while at + 4 <= end {
        brands.push(b[at..at + 4].try_into().ok()?);
        at += 4;
    }
    Some(brands)
}

const HEIF_BRANDS: [&[u8; 4]; 6] = [b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"];

/// Recognises a photo, voice note or clip by its bytes: the first few, and for MP4 and
/// WebM the container's tracks (one that cannot be read is not recognised).
pub fn sniff(b: &[u8]) -> Option<Sniffed> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return image("image/jpeg");
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return image("image/png");
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return image("image/webp");
    }
    if b.starts_with(b"OggS") {
        return audio("audio/ogg");
    }
    if b.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        // EBML: WebM says so in its DocType near the start.
        let head = &b[..b.len().min(64)];
        if head.windows(4).any(|w| w == b"webm") {
            return match crate::media::video::webm_clip(b) {
                Ok(clip) if clip.has_video => video("video/webm"),
                Ok(_) => audio("audio/webm"),
                Err(_) => None,
            };
        }
        return None;
    }
    if let Some(brands) = ftyp_brands(b) {
        let has = |set: &[&[u8; 4]]| brands.iter().any(|brand| set.contains(&brand));
        if has(&HEIF_BRANDS) {
            return image("image/heic");
        }
        if has(&MP4_BRANDS) {
            return match crate::media::video::mp4_clip(b) {
                Ok(clip) if clip.has_video => video("video/mp4"),
                Ok(_) => audio("audio/mp4"),
                Err(_) => None,
            };
        }
        return None;
    }
    // AAC in ADTS frames: a 12-bit sync word, layer 0.
    if b.len() >= 2 && b[0] == 0xFF && b[1] & 0xF6 == 0xF0 {
        return audio("audio/aac");
    }
    None
}
