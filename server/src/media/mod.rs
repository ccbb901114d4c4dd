//! Photos and voice notes: recognised by their bytes (never by name or declared type),
//! capped in size, images stripped of their metadata (EXIF with GPS, XMP, text chunks),
//! then stored through `object_store` under the SHA-256 of the stored bytes.

pub mod objects;
pub mod routes;
pub mod store;

pub use crate::media::objects::MediaStore;
use bytes::Bytes;
use gridline_core::api::media::MediaKind;
use img_parts::ImageEXIF;
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;

/// Why an upload is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    #[error("not a supported photo or voice note (JPEG, PNG, WebP, HEIC; WebM, Ogg, MP4/AAC)")]
    Unrecognised,
    #[error("the {0} could not be read: {1}")]
    Unreadable(&'static str, String),
    #[error("too large: {kind} at most {limit} bytes")]
    TooLarge { kind: &'static str, limit: usize },
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

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: MediaKind,
    pub content_type: &'static str,
}

const fn image(content_type: &'static str) -> Option<Sniffed> {
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
const MP4_AUDIO_BRANDS: [&[u8; 4]; 12] = [
    b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso5", b"iso6", b"dash", b"3gp4",
    b"3gp5", b"3gp6",
];

/// Recognises a photo or voice note by its first bytes.
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
            return audio("audio/webm");
        }
        return None;
    }
    if let Some(brands) = ftyp_brands(b) {
        let has = |set: &[&[u8; 4]]| brands.iter().any(|brand| set.contains(&brand));
        if has(&HEIF_BRANDS) {
            return image("image/heic");
        }
        if has(&MP4_AUDIO_BRANDS) {
            return audio("audio/mp4");
        }
        return None;
    }
    // AAC in ADTS frames: a 12-bit sync word, layer 0.
    if b.len() >= 2 && b[0] == 0xFF && b[1] & 0xF6 == 0xF0 {
        return audio("audio/aac");
    }
    None
}

/// The largest upload accepted per kind.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub image_bytes: usize,
    pub audio_bytes: usize,
}

impl Limits {
    /// The configured caps.
    pub fn from_config(config: &crate::config::Config) -> Limits {
        Limits {
            image_bytes: config.max_image_bytes,
            audio_bytes: config.max_audio_bytes,
        }
    }

    /// The larger of the two: what the request body may be at most.
    pub fn body_bytes(&self) -> usize {
        self.image_bytes.max(self.audio_bytes)
    }
}

/// Recognises, checks and cleans an upload: the bytes to store and what they are.
pub fn prepare(body: Bytes, limits: Limits) -> Result<(Bytes, Sniffed), MediaError> {
    let sniffed = sniff(&body).ok_or(MediaError::Unrecognised)?;
    let (kind, limit) = match sniffed.kind {
        MediaKind::Image => ("photo", limits.image_bytes),
        MediaKind::Audio => ("voice note", limits.audio_bytes),
    };
    if body.len() > limit {
        return Err(MediaError::TooLarge { kind, limit });
    }
    let cleaned = match sniffed.content_type {
        "image/jpeg" => strip_jpeg(body)?,
        "image/png" => strip_png(body)?,
        "image/webp" => strip_webp(body)?,
        "image/heic" => strip_heif(body)?,
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

fn unreadable(what: &'static str) -> impl Fn(img_parts::Error) -> MediaError {
    move |e| MediaError::Unreadable(what, e.to_string())
}

/// Keeps what decoding needs (JFIF, ICC colour profile, Adobe colour transform) and
/// drops APP1 (EXIF with GPS, XMP), the other application segments (an APP2 that is
/// an MPF index of further images too) and comments; then cuts the file at the end of
/// the image, so nothing after it survives (the secondary images of an MPF file, with
/// their own EXIF, or anything appended).
fn strip_jpeg(body: Bytes) -> Result<Bytes, MediaError> {
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
fn strip_png(body: Bytes) -> Result<Bytes, MediaError> {
    let mut png = Png::from_bytes(body).map_err(unreadable("PNG"))?;
    for kind in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
        png.remove_chunks_by_type(kind);
    }
    Ok(png.encoder().bytes())
}

/// Drops the EXIF and XMP chunks (and fixes the header's flags).
fn strip_webp(body: Bytes) -> Result<Bytes, MediaError> {
    let mut webp = WebP::from_bytes(body).map_err(unreadable("WebP"))?;
    webp.remove_chunks_by_id(*b"XMP ");
    webp.set_exif(None);
    Ok(webp.encoder().bytes())
}

/// HEIF keeps EXIF and XMP as items whose bytes the `iloc` box locates. Rewriting the
/// boxes is a large job; overwriting those bytes with zeros keeps every offset valid
/// and leaves nothing to read. An image whose boxes cannot be read is refused rather
/// than stored with its metadata.
fn strip_heif(body: Bytes) -> Result<Bytes, MediaError> {
    let bad = |why: &str| MediaError::Unreadable("HEIC image", why.to_owned());
    let mut data = body.to_vec();
    let meta = find_box(&data, 0, data.len(), b"meta").ok_or_else(|| bad("no meta box"))?;
    // meta is a full box: 4 bytes of version and flags before its children.
    let children = (meta.body + 4, meta.end);
    let iinf = find_box(&data, children.0, children.1, b"iinf").ok_or_else(|| bad("no iinf"))?;
    let metadata_items = metadata_item_ids(&data, iinf).ok_or_else(|| bad("bad iinf"))?;
    if metadata_items.is_empty() {
        return Ok(Bytes::from(data));
    }
    let iloc = find_box(&data, children.0, children.1, b"iloc").ok_or_else(|| bad("no iloc"))?;
    let idat = find_box(&data, children.0, children.1, b"idat").map(|b| b.body);
    let extents =
        item_extents(&data, iloc, idat, &metadata_items).ok_or_else(|| bad("bad iloc"))?;
    for (start, len) in extents {
        let end = start.checked_add(len).filter(|&e| e <= data.len());
        let end = end.ok_or_else(|| bad("metadata outside the file"))?;
        data[start..end].fill(0);
    }
    Ok(Bytes::from(data))
}

#[derive(Debug, Clone, Copy)]
struct BoxAt {
    /// Where the box's content starts (after its header).
    body: usize,
    end: usize,
}

/// The first box of type `kind` among the boxes between `from` and `to`.
///
/// Every sum is checked: a 64-bit `largesize` near 2^64 must not wrap `from + size`
/// back into the file (in an optimised build that looped for ever). Each step moves
/// on by at least a header, so the walk ends.
fn find_box(data: &[u8], mut from: usize, to: usize, kind: &[u8; 4]) -> Option<BoxAt> {
    let to = to.min(data.len());
    while from.checked_add(8)? <= to {
        let size32 = u32::from_be_bytes(data.get(from..from + 4)?.try_into().ok()?) as usize;
        let (header, size) = match size32 {
            0 => (8, to - from),
            1 => {
                let large = data.get(from + 8..from.checked_add(16)?)?;
                let large = u64::from_be_bytes(large.try_into().ok()?);
                (16, usize::try_from(large).ok()?)
            }
            n => (8, n),
        };
        let end = from.checked_add(size)?;
        if size < header || end > to {
            return None;
        }
        if &data[from + 4..from + 8] == kind {
            return Some(BoxAt {
                body: from + header,
                end,
            });
        }
        from = end;
    }
    None
}

/// Reads a big-endian unsigned number of `n` bytes (0, 2, 4 or 8) at `*at`.
fn read_n(data: &[u8], at: &mut usize, n: usize) -> Option<u64> {
    let bytes = data.get(*at..at.checked_add(n)?)?;
    *at += n;
    Some(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// At most this many items in `iinf` and `iloc`: a phone's photo has a few dozen
/// (tiles, thumbnails, metadata); more is an attack on the parser's time.
const MAX_HEIF_ITEMS: u64 = 4096;
/// At most this many extents per item and in all (metadata items have one or two).
const MAX_HEIF_EXTENTS_PER_ITEM: u64 = 64;
const MAX_HEIF_EXTENTS: usize = 4096;

/// Ids of the items that hold metadata: `Exif`, and `mime` items of XMP.
fn metadata_item_ids(data: &[u8], iinf: BoxAt) -> Option<Vec<u32>> {
    let mut at = iinf.body;
    let version = *data.get(at)?;
    at += 4;
    let count = read_n(data, &mut at, if version == 0 { 2 } else { 4 })?;
    if count > MAX_HEIF_ITEMS {
        return None;
    }
    let mut ids = Vec::new();
    for _ in 0..count {
        let infe = find_box(data, at, iinf.end, b"infe")?;
        let mut p = infe.body;
        let infe_version = *data.get(p)?;
        p += 4;
        if infe_version >= 2 {
            let id = read_n(data, &mut p, if infe_version == 2 { 2 } else { 4 })?;
            p += 2; // item_protection_index
            let item_type = data.get(p..p + 4)?;
            p += 4;
            let is_xmp = item_type == b"mime" && {
                // item_name (C string), then content_type (C string).
                let rest = data.get(p..infe.end)?;
                let name_end = rest.iter().position(|&c| c == 0)?;
                rest[name_end + 1..].starts_with(b"application/rdf+xml")
            };
            if item_type == b"Exif" || is_xmp {
                ids.push(u32::try_from(id).ok()?);
            }
        }
        at = infe.end;
    }
    Some(ids)
}

/// The byte ranges (start, length) of the items `ids`, as `iloc` places them.
fn item_extents(
    data: &[u8],
    iloc: BoxAt,
    idat: Option<usize>,
    ids: &[u32],
) -> Option<Vec<(usize, usize)>> {
    let mut at = iloc.body;
    let version = *data.get(at)?;
    at += 4;
    let sizes = *data.get(at)?;
    let more = *data.get(at + 1)?;
    at += 2;
    let (offset_size, length_size) = (usize::from(sizes >> 4), usize::from(sizes & 0x0F));
    let base_offset_size = usize::from(more >> 4);
    let index_size = if version == 1 || version == 2 {
        usize::from(more & 0x0F)
    } else {
        0
    };
    let count = read_n(data, &mut at, if version < 2 { 2 } else { 4 })?;
    if count > MAX_HEIF_ITEMS {
        return None;
    }
    let mut extents = Vec::new();
    let mut seen = 0usize;
    for _ in 0..count {
        let id = read_n(data, &mut at, if version < 2 { 2 } else { 4 })?;
        let method = if version == 1 || version == 2 {
            read_n(data, &mut at, 2)? & 0x0F
        } else {
            0
        };
        at += 2; // data_reference_index
        let base = read_n(data, &mut at, base_offset_size)?;
        let extent_count = read_n(data, &mut at, 2)?;
        seen += usize::try_from(extent_count).ok()?;
        if extent_count > MAX_HEIF_EXTENTS_PER_ITEM || seen > MAX_HEIF_EXTENTS {
            return None;
        }
        for _ in 0..extent_count {
            at = at.checked_add(index_size)?;
            let offset = read_n(data, &mut at, offset_size)?;
            let length = read_n(data, &mut at, length_size)?;
            if !ids.contains(&u32::try_from(id).ok()?) {
                continue;
            }
            let origin = match method {
                0 => 0,
                1 => idat?,
                // Items made from other items hold no bytes of their own.
                _ => continue,
            };
            let start = origin.checked_add(usize::try_from(base.checked_add(offset)?).ok()?)?;
            let len = if length == 0 {
                data.len().checked_sub(start)?
            } else {
                usize::try_from(length).ok()?
            };
            extents.push((start, len));
        }
    }
    Some(extents)
}

/// Media rows deleted per round of the sweep.
const SWEEP_BATCH: u32 = 500;

/// Deletes the media that no ticket or field record names and that nobody uploaded
/// within `grace` (a device that uploaded them and has not sent its complaint yet
/// sends them again if they are gone). The row goes first, then the bytes: a row never
/// names bytes that are gone. Returns how many were deleted.
pub async fn sweep_orphans(
    store: &dyn crate::Store,
    media: &MediaStore,
    now: time::OffsetDateTime,
    grace: time::Duration,
) -> Result<usize, crate::error::AppError> {
    let mut total = 0;
    loop {
        let ids = store.delete_orphan_media(now - grace, SWEEP_BATCH).await?;
        for id in &ids {
            media.delete(id).await.map_err(|e| {
                crate::error::AppError::Internal(format!("deleting medium {id}: {e}"))
            })?;
        }
        total += ids.len();
        if ids.len() < SWEEP_BATCH as usize {
            return Ok(total);
        }
    }
}

/// Sweeps every `every` until the task is dropped.
pub async fn sweep_forever(
    store: crate::SharedStore,
    media: MediaStore,
    every: std::time::Duration,
    grace: time::Duration,
) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match sweep_orphans(
            store.as_ref(),
            &media,
            time::OffsetDateTime::now_utc(),
            grace,
        )
        .await
        {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "unnamed media deleted"),
            Err(err) => tracing::warn!(error = %err, "media sweep failed; trying again next round"),
        }
    }
}

#[cfg(test)]
mod tests;
