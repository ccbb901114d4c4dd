//! Preparing an upload for storing ([`prepare`]): recognised by its bytes, held to its
//! kind's cap, and for a photo, what it says beyond its pixels (EXIF with GPS, text
//! chunks, XMP) dropped from its JPEG, PNG, WebP or HEIF container; a clip held to its
//! length and its metadata blanked (`video`); what cannot be read is refused. Run on a blocking thread within a time limit ([`prepare_off_thread`]).

use bytes::Bytes;
use gridline_core::api::media::MediaKind;
use img_parts::ImageEXIF;
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;

use crate::media::heif::strip_heif;
use crate::media::sniff::{Sniffed, sniff};
use crate::media::video;
use crate::media::{Limits, MediaError};

fn unreadable(what: &'static str) -> impl Fn(img_parts::Error) -> MediaError {
    move |e| MediaError::Unreadable(what, e.to_string())
}

/// Keeps what decoding needs (JFIF, ICC colour profile, Adobe colour transform) and
/// drops APP1 (EXIF with GPS, XMP), the other application segments (an APP2 that is
/// an MPF index of further images too) and comments; then cuts the file at the end of
/// the image, so nothing after it survives (the secondary images of an MPF file, with
/// their own EXIF, or anything appended).
pub(crate) fn strip_jpeg(body: Bytes) -> Result<Bytes, MediaError> {
    let mut jpeg = Jpeg::from_bytes(body).map_err(unreadable("JPEG"))?;
    const APP0: u8 = 0xE0;
    const APP2: u8 = 0xE2;
    const APP14: u8 = 0xEE;
    const COM: u8 = 0xFE;
    jpeg.segments_mut().retain(|segment| {
        let marker = segment.marker();
        let application = (0xE0..=0xEF).contains(&marker);
        let mpf = marker == APP2 && segment.contents().starts_with(b"MPF\0");
        !(marker == COM || mpf || (application && ![APP0, APP2, APP14].contains(&marker)))
    });
    let bytes = jpeg.encoder().bytes();
    Ok(match end_of_image(&bytes) {
        Some(end) => bytes.slice(..end),
        None => bytes,
    })
}

/// Where the first image of a JPEG ends: just after its EOI marker, found by walking
/// the segments and then the entropy-coded scans (where a 0xFF byte is followed by 0
/// or a restart marker, and any other marker is a real one: a segment between
/// progressive scans is skipped by its length). `None` when it never ends.
fn end_of_image(jpeg: &[u8]) -> Option<usize> {
    const EOI: u8 = 0xD9;
    const SOS: u8 = 0xDA;
    let length_at = |at: usize| -> Option<usize> {
        let hi = *jpeg.get(at)?;
        let lo = *jpeg.get(at.checked_add(1)?)?;
        Some(usize::from(u16::from_be_bytes([hi, lo])))
    };
    let mut at = 2; // after SOI
    let mut in_scan = false;
    while at < jpeg.len() {
        if jpeg[at] != 0xFF {
            if !in_scan {
                return None; // not a marker where one must be: leave the file as it is
            }
            at += 1;
            continue;
        }
        let marker = *jpeg.get(at + 1)?;
        match marker {
            // Stuffed 0xFF, fill bytes and restart markers belong to the scan.
            0x00 | 0xFF | 0xD0..=0xD7 | 0x01 => at += if marker == 0xFF { 1 } else { 2 },
            EOI => return Some(at + 2),
            _ => {
                let length = length_at(at + 2)?;
                if length < 2 {
                    return None;
                }
                at = at.checked_add(2 + length)?;
                in_scan = marker == SOS || in_scan;
            }
        }
    }
    None
}

/// Drops EXIF and the text and time chunks (which cameras and editors fill).
pub(crate) fn strip_png(body: Bytes) -> Result<Bytes, MediaError> {
    let mut png = Png::from_bytes(body).map_err(unreadable("PNG"))?;
    for kind in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
        png.remove_chunks_by_type(kind);
    }
    Ok(png.encoder().bytes())
}

/// Drops the EXIF and XMP chunks (and fixes the header's flags).
pub(crate) fn strip_webp(body: Bytes) -> Result<Bytes, MediaError> {
    let mut webp = WebP::from_bytes(body).map_err(unreadable("WebP"))?;
    webp.remove_chunks_by_id(*b"XMP ");
    webp.set_exif(None);
    Ok(webp.encoder().bytes())
}

/// Recognises, checks and cleans an upload: the bytes to store and what they are.
pub fn prepare(body: Bytes, limits: Limits) -> Result<(Bytes, Sniffed), MediaError> {
    let sniffed = sniff(&body).ok_or(MediaError::Unrecognised)?;
    let (kind, limit) = match sniffed.kind {
        MediaKind::Image => ("photo", limits.image_bytes),
        MediaKind::Audio => ("voice note", limits.audio_bytes),
        MediaKind::Video => ("video", limits.video_bytes),
    };
    if body.len() > limit {
        return Err(MediaError::TooLarge { kind, limit });
    }
    let cleaned = match sniffed.content_type {
        "image/jpeg" => strip_jpeg(body)?,
        "image/png" => strip_png(body)?,
        "image/webp" => strip_webp(body)?,
        "image/heic" => strip_heif(body)?,
        "video/mp4" => {
            video::check_length(&video::mp4_clip(&body)?)?;
            let mut data = body.to_vec();
            video::strip_mp4(&mut data)?;
            Bytes::from(data)
        }
        "video/webm" => {
            video::check_length(&video::webm_clip(&body)?)?;
            let mut data = body.to_vec();
            video::strip_webm(&mut data)?;
            Bytes::from(data)
        }
        // Voice notes carry no position; their container tags are kept.
        _ => body,
    };
    Ok((cleaned, sniffed))
}

/// How long parsing one upload may take before it is refused (a well-formed photo
/// takes milliseconds; the parser's loops are bounded, this is the second line).
pub const PARSE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

/// [`prepare`] on a blocking thread, within [`PARSE_TIME_LIMIT`]: parsing is CPU work
/// on untrusted bytes and must never hold up the async runtime's threads.
pub async fn prepare_off_thread(
    body: Bytes,
    limits: Limits,
) -> Result<(Bytes, Sniffed), MediaError> {
    let work = tokio::task::spawn_blocking(move || prepare(body, limits));
    match tokio::time::timeout(PARSE_TIME_LIMIT, work).await {
        Ok(Ok(result)) => result,
        // A panic in a parser is a refused upload, not a failed server.
        Ok(Err(_)) => Err(MediaError::Unreadable(
            "upload",
            "it could not be parsed".into(),
        )),
        Err(_) => Err(MediaError::Unreadable(
            "upload",
            "parsing took too long".into(),
        )),
    }
}
