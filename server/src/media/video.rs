//! Short video clips (MP4 and WebM): told from a voice note in the same container by a
//! video track, held to [`MAX_VIDEO_SECONDS`], and stripped of what names a place.
//!
//! Phones write the place a clip was taken in its container's metadata: MP4's user
//! data (`udta/©xyz`), QuickTime keys (`meta`, `com.apple.quicktime.location`) and XMP
//! (`uuid`); Matroska's `Tags`. Those boxes and elements are blanked in place, turned
//! into padding (`free`, `Void`) of the same length with zeros inside, so every offset
//! into the media data stays valid and nothing of them can be read. Walking is bounded:
//! every size is checked against its parent and the number of elements is capped.

use gridline_core::api::media::MAX_VIDEO_SECONDS;

use crate::media::MediaError;

/// What a clip's container says of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clip {
    pub has_video: bool,
    /// In seconds, when the container says (a WebM from a recorder may not).
    pub seconds: Option<f64>,
}

/// How many boxes or elements one walk visits at most.
const MAX_ELEMENTS: usize = 200_000;
/// A clip may run this much over the limit (recorders stop a little late).
const SLACK_SECONDS: f64 = 1.0;

fn unreadable(what: &'static str) -> MediaError {
    MediaError::Unreadable(what, "its container could not be read".into())
}

/// Checks a clip's length; `Ok` when it is within the limit or does not say.
pub fn check_length(clip: &Clip) -> Result<(), MediaError> {
    match clip.seconds {
        Some(s) if s > f64::from(MAX_VIDEO_SECONDS) + SLACK_SECONDS || s.is_nan() => {
            Err(MediaError::TooLong(MAX_VIDEO_SECONDS))
        }
        _ => Ok(()),
    }
}

// ---- MP4 (ISO base media file format) ----

/// One box: its type, where its content starts, where it ends.
struct Mp4Box {
    kind: [u8; 4],
    start: usize,
    body: usize,
    end: usize,
}

/// The boxes between `from` and `to`; `None` when one does not fit.
fn boxes(data: &[u8], mut from: usize, to: usize) -> Option<Vec<Mp4Box>> {
    let to = to.min(data.len());
    let mut found = Vec::new();
    while from.checked_add(8)? <= to {
        let size32 = u32::from_be_bytes(data.get(from..from + 4)?.try_into().ok()?) as usize;
        let (header, size) = match size32 {
            0 => (8, to - from),
            1 => {
                let large = data.get(from + 8..from.checked_add(16)?)?;
                (
                    16,
                    usize::try_from(u64::from_be_bytes(large.try_into().ok()?)).ok()?,
                )
            }
            n => (8, n),
        };
        let end = from.checked_add(size)?;
        if size < header || end > to || found.len() >= MAX_ELEMENTS {
            return None;
        }
        found.push(Mp4Box {
            kind: data[from + 4..from + 8].try_into().ok()?,
            start: from,
            body: from + header,
            end,
        });
        from = end;
    }
    Some(found)
}

fn uint(data: &[u8], at: usize, n: usize) -> Option<u64> {
    let bytes = data.get(at..at.checked_add(n)?)?;
    Some(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Whether an MP4 has a video track, and its length (from `mvhd`).
pub fn mp4_clip(data: &[u8]) -> Result<Clip, MediaError> {
    let bad = || unreadable("MP4");
    let top = boxes(data, 0, data.len()).ok_or_else(bad)?;
    let moov = top.iter().find(|b| &b.kind == b"moov").ok_or_else(bad)?;
    let inner = boxes(data, moov.body, moov.end).ok_or_else(bad)?;
    let mut clip = Clip {
        has_video: false,
        seconds: None,
    };
    if let Some(mvhd) = inner.iter().find(|b| &b.kind == b"mvhd") {
        let v1 = data.get(mvhd.body) == Some(&1);
        let (scale, duration) = if v1 {
            (uint(data, mvhd.body + 20, 4), uint(data, mvhd.body + 24, 8))
        } else {
            (uint(data, mvhd.body + 12, 4), uint(data, mvhd.body + 16, 4))
        };
        if let (Some(scale), Some(duration)) = (scale, duration)
            && scale > 0
        {
            clip.seconds = Some(duration as f64 / scale as f64);
        }
    }
    for trak in inner.iter().filter(|b| &b.kind == b"trak") {
        let handler = (|| {
            let mdia = boxes(data, trak.body, trak.end)?
                .into_iter()
                .find(|b| &b.kind == b"mdia")?;
            let hdlr = boxes(data, mdia.body, mdia.end)?
                .into_iter()
                .find(|b| &b.kind == b"hdlr")?;
            // Full box (4), pre_defined (4), then the handler type.
            data.get(hdlr.body + 8..hdlr.body + 12)
        })();
        clip.has_video |= handler == Some(b"vide".as_slice());
    }
    Ok(clip)
}

/// Blanks the MP4's metadata boxes (`udta`, `meta`, `uuid`) at the top level and in
/// the movie, its tracks and their media: each becomes `free`, zero-filled.
pub fn strip_mp4(data: &mut [u8]) -> Result<(), MediaError> {
    let bad = || unreadable("MP4");
    let mut containers = vec![(0, data.len())];
    let mut visited = 0;
    while let Some((from, to)) = containers.pop() {
        for b in boxes(data, from, to).ok_or_else(bad)? {
            visited += 1;
            if visited > MAX_ELEMENTS {
                return Err(bad());
            }
            match &b.kind {
                b"udta" | b"meta" | b"uuid" => {
                    data[b.start + 4..b.start + 8].copy_from_slice(b"free");
                    data[b.body..b.end].fill(0);
                }
                b"moov" | b"trak" | b"mdia" | b"minf" => containers.push((b.body, b.end)),
                _ => {}
            }
        }
    }
    Ok(())
}

// ---- WebM (Matroska) ----

const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const TAGS: u32 = 0x1254_C367;
const CLUSTER: u32 = 0x1F43_B675;
const CLUSTER_TIMESTAMP: u32 = 0xE7;
const SIMPLE_BLOCK: u32 = 0xA3;
const BLOCK_GROUP: u32 = 0xA0;
const BLOCK: u32 = 0xA1;
const VOID: u32 = 0xEC;
/// The elements that may follow a cluster in a segment (SeekHead, Info, Tracks,
/// Cluster, Cues, Attachments, Chapters, Tags): where a cluster of unknown size ends.
const SEGMENT_CHILDREN: [u32; 8] = [
    0x114D_9B74,
    INFO,
    TRACKS,
    CLUSTER,
    0x1C53_BB6B,
    0x1941_A469,
    0x1043_A770,
    TAGS,
];

/// One element: its id, where its header starts, where its content starts and ends
/// (`None`: unknown size, running to the end of its parent or the next sibling).
struct Element {
    id: u32,
    start: usize,
    body: usize,
    end: Option<usize>,
}

/// A variable-length integer at `at`: its value (with the length marker removed, or
/// kept for an id) and length.
fn vint(data: &[u8], at: usize, keep_marker: bool) -> Option<(u64, usize)> {
    let first = *data.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let mut value = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & (0xFF >> len)
    };
    for i in 1..len {
        value = (value << 8) | u64::from(*data.get(at + i)?);
    }
    Some((value, len))
}

fn element(data: &[u8], at: usize, limit: usize) -> Option<Element> {
    let (id, id_len) = vint(data, at, true)?;
    let (size, size_len) = vint(data, at + id_len, false)?;
    let body = at + id_len + size_len;
    let unknown = size == (1u64 << (7 * size_len)) - 1;
    let end = if unknown {
        None
    } else {
        let end = body.checked_add(usize::try_from(size).ok()?)?;
        if end > limit {
            return None;
        }
        Some(end)
    };
    Some(Element {
        id: u32::try_from(id).ok()?,
        start: at,
        body,
        end,
    })
}

/// What a WebM walk found.
#[derive(Default)]
struct WebmFacts {
    has_video: bool,
    scale: Option<u64>,
    duration: Option<f64>,
    /// The latest time a block starts at, in timestamp units.
    last_block: Option<i64>,
    tags: Vec<(usize, usize, usize)>,
}

/// Walks a WebM: its tracks, its length (the header's, else its last block's) and where
/// its tags are.
fn walk_webm(data: &[u8]) -> Option<WebmFacts> {
    let mut facts = WebmFacts::default();
    let mut at = element(data, 0, data.len())?.end?; // the EBML header
    let segment = element(data, at, data.len())?;
    if segment.id != SEGMENT {
        return None;
    }
    let segment_end = segment.end.unwrap_or(data.len());
    at = segment.body;
    let mut count = 0;
    while at < segment_end {
        let child = element(data, at, segment_end)?;
        count += 1;
        if count > MAX_ELEMENTS {
            return None;
        }
        let end = match child.end {
            Some(end) => end,
            // Only a cluster may run on until the next segment-level element.
            None if child.id == CLUSTER => cluster_end(data, child.body, segment_end)?,
            None => return None,
        };
        match child.id {
            INFO => read_info(data, child.body, end, &mut facts)?,
            TRACKS => read_tracks(data, child.body, end, &mut facts)?,
            CLUSTER => read_cluster(data, child.body, end, &mut facts)?,
            TAGS => facts.tags.push((child.start, child.body, end)),
            _ => {}
        }
        at = end;
    }
    Some(facts)
}

fn children(data: &[u8], mut at: usize, end: usize) -> Option<Vec<Element>> {
    let mut found = Vec::new();
    while at < end {
        let e = element(data, at, end)?;
        at = e.end?;
        found.push(e);
        if found.len() > MAX_ELEMENTS {
            return None;
        }
    }
    Some(found)
}

fn read_info(data: &[u8], from: usize, to: usize, facts: &mut WebmFacts) -> Option<()> {
    for e in children(data, from, to)? {
        let (body, end) = (e.body, e.end?);
        match (e.id, end - body) {
            (TIMESTAMP_SCALE, 1..=8) => facts.scale = uint(data, body, end - body),
            (DURATION, 4) => {
                facts.duration = Some(f64::from(f32::from_bits(uint(data, body, 4)? as u32)));
            }
            (DURATION, 8) => facts.duration = Some(f64::from_bits(uint(data, body, 8)?)),
            _ => {}
        }
    }
    Some(())
}

fn read_tracks(data: &[u8], from: usize, to: usize, facts: &mut WebmFacts) -> Option<()> {
    for entry in children(data, from, to)?
        .into_iter()
        .filter(|e| e.id == TRACK_ENTRY)
    {
        for e in children(data, entry.body, entry.end?)? {
            if e.id == TRACK_TYPE && uint(data, e.body, e.end? - e.body) == Some(1) {
                facts.has_video = true;
            }
        }
    }
    Some(())
}

/// Where a cluster of unknown size ends: at the first segment-level element after it.
fn cluster_end(data: &[u8], mut at: usize, limit: usize) -> Option<usize> {
    while at < limit {
        let e = element(data, at, limit)?;
        if SEGMENT_CHILDREN.contains(&e.id) {
            return Some(at);
        }
        at = e.end?;
    }
    Some(limit)
}

fn read_cluster(data: &[u8], from: usize, to: usize, facts: &mut WebmFacts) -> Option<()> {
    let items = children(data, from, to)?;
    let base = items
        .iter()
        .find(|e| e.id == CLUSTER_TIMESTAMP)
        .and_then(|e| uint(data, e.body, e.end? - e.body))
        .and_then(|t| i64::try_from(t).ok())?;
    let mut blocks = Vec::new();
    for e in &items {
        match e.id {
            SIMPLE_BLOCK => blocks.push(e.body),
            BLOCK_GROUP => blocks.extend(
                children(data, e.body, e.end?)?
                    .iter()
                    .filter(|b| b.id == BLOCK)
                    .map(|b| b.body),
            ),
            _ => {}
        }
    }
    for body in blocks {
        // The track number (a vint), then the time relative to the cluster's.
        let (_, track_len) = vint(data, body, false)?;
        let relative = i16::from_be_bytes(
            data.get(body + track_len..body + track_len + 2)?
                .try_into()
                .ok()?,
        );
        let at = base + i64::from(relative);
        facts.last_block = Some(facts.last_block.map_or(at, |l| l.max(at)));
    }
    Some(())
}

/// Whether a WebM has a video track, and its length.
pub fn webm_clip(data: &[u8]) -> Result<Clip, MediaError> {
    let facts = walk_webm(data).ok_or_else(|| unreadable("WebM"))?;
    let scale = facts.scale.unwrap_or(1_000_000) as f64;
    let units = facts.duration.or(facts.last_block.map(|t| t as f64));
    Ok(Clip {
        has_video: facts.has_video,
        seconds: units.map(|u| u * scale / 1e9),
    })
}

/// Turns the WebM's `Tags` into `Void` of the same length, zero-filled.
pub fn strip_webm(data: &mut [u8]) -> Result<(), MediaError> {
    let facts = walk_webm(data).ok_or_else(|| unreadable("WebM"))?;
    for (start, body, end) in facts.tags {
        // The header was the 4-byte id and a size of `n` bytes; it becomes the 1-byte
        // Void id and a size of `n + 3` bytes (at most 8: the rest joins the content).
        let header = body - start;
        let size_len = (header - 1).min(8);
        let content = end - start - 1 - size_len;
        data[start] = VOID as u8;
        let marked = (1u64 << (7 * size_len)) | content as u64;
        for i in 0..size_len {
            data[start + 1 + i] = (marked >> (8 * (size_len - 1 - i))) as u8;
        }
        data[start + 1 + size_len..end].fill(0);
    }
    Ok(())
}
