//! HEIF/HEIC photos (what iPhones take): the boxes that hold Exif and XMP items are
//! found and blanked in place, within fixed limits on items and extents, so a crafted
//! file cannot make the server read far or long.

use bytes::Bytes;

use crate::media::MediaError;

/// HEIF keeps EXIF and XMP as items whose bytes the `iloc` box locates. Rewriting the
/// boxes is a large job; overwriting those bytes with zeros keeps every offset valid
/// and leaves nothing to read. An image whose boxes cannot be read is refused rather
/// than stored with its metadata.
pub(crate) fn strip_heif(body: Bytes) -> Result<Bytes, MediaError> {
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
pub(crate) struct BoxAt {
    /// Where the box's content starts (after its header).
    pub(crate) body: usize,
    pub(crate) end: usize,
}

/// The first box of type `kind` among the boxes between `from` and `to`.
///
/// Every sum is checked: a 64-bit `largesize` near 2^64 must not wrap `from + size`
/// back into the file (in an optimised build that looped for ever). Each step moves
/// on by at least a header, so the walk ends.
pub(crate) fn find_box(data: &[u8], mut from: usize, to: usize, kind: &[u8; 4]) -> Option<BoxAt> {
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
pub(crate) fn item_extents(
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
