//! Unit tests of `media`.

use bytes::Bytes;

use super::*;
use crate::media::heif::{find_box, item_extents};
use crate::media::sniff::sniff;
use crate::media::strip::prepare;

const LIMITS: Limits = Limits {
    image_bytes: 1000,
    audio_bytes: 500,
    video_bytes: 500,
};

#[test]
fn recognises_each_supported_kind_by_its_bytes() {
    let cases: [(&[u8], Option<&str>); 10] = [
        (b"\xFF\xD8\xFF\xE0rest", Some("image/jpeg")),
        (b"\x89PNG\r\n\x1a\nrest", Some("image/png")),
        (b"RIFF\x10\0\0\0WEBPVP8 ", Some("image/webp")),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", Some("image/heic")),
        // MP4 and WebM are read further (media::video_tests): a header alone is none.
        (b"\0\0\0\x18ftypM4A \0\0\0\0M4A isom", None),
        (b"OggS\0\x02", Some("audio/ogg")),
        (
            b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm",
            None,
        ),
        (b"\xFF\xF1\x50\x80", Some("audio/aac")),
        (b"GIF89a", None),
        (b"just some text, named photo.jpg", None),
    ];
    for (bytes, expected) in cases {
        assert_eq!(sniff(bytes).map(|s| s.content_type), expected, "{bytes:?}");
    }
}

#[test]
fn caps_each_kind_separately() {
    let mut audio = b"OggS".to_vec();
    audio.resize(501, 0);
    assert_eq!(
        prepare(Bytes::from(audio), LIMITS).unwrap_err(),
        MediaError::TooLarge {
            kind: "voice note",
            limit: 500
        }
    );
    let mut ogg = b"OggS".to_vec();
    ogg.resize(500, 0);
    assert!(prepare(Bytes::from(ogg), LIMITS).is_ok());
}

/// A box: size, type, content.
pub(crate) fn bx(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
    let mut b = u32::try_from(content.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(content);
    b
}

#[test]
fn zeroes_heif_exif_and_xmp_items_and_keeps_the_rest() {
    // Items: 1 = the picture (hvc1), 2 = Exif, 3 = XMP. Data placed after `meta`.
    let infe = |id: u16, kind: &[u8; 4], tail: &[u8]| {
        let mut c = vec![2, 0, 0, 0];
        c.extend_from_slice(&id.to_be_bytes());
        c.extend_from_slice(&[0, 0]);
        c.extend_from_slice(kind);
        c.extend_from_slice(tail);
        bx(b"infe", &c)
    };
    let mut iinf = vec![0, 0, 0, 0, 0, 3];
    iinf.extend(infe(1, b"hvc1", b"\0"));
    iinf.extend(infe(2, b"Exif", b"\0"));
    iinf.extend(infe(3, b"mime", b"\0application/rdf+xml\0"));
    let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
    let picture = b"PICTURE-BYTES".to_vec();
    let exif = b"Exif\0\0GPS 36.07N 120.41E".to_vec();
    let xmp = b"<x:xmpmeta>GPS</x:xmpmeta>".to_vec();
    let build = |data_start: u32| {
        // iloc v0: offset_size 4, length_size 4, base_offset_size 0, 3 items.
        let mut iloc = vec![0, 0, 0, 0, 0x44, 0x00, 0, 3];
        let mut offset = data_start;
        for (id, len) in [(1u16, picture.len()), (2, exif.len()), (3, xmp.len())] {
            iloc.extend_from_slice(&id.to_be_bytes());
            iloc.extend_from_slice(&[0, 0]); // data_reference_index
            iloc.extend_from_slice(&[0, 1]); // one extent
            iloc.extend_from_slice(&offset.to_be_bytes());
            let len = u32::try_from(len).unwrap();
            iloc.extend_from_slice(&len.to_be_bytes());
            offset += len;
        }
        let mut meta = vec![0, 0, 0, 0];
        meta.extend(bx(b"iinf", &iinf));
        meta.extend(bx(b"iloc", &iloc));
        let mut file = ftyp.clone();
        file.extend(bx(b"meta", &meta));
        file
    };
    let head_len = u32::try_from(build(0).len() + 8).unwrap();
    let mut file = build(head_len);
    let mut mdat = picture.clone();
    mdat.extend(&exif);
    mdat.extend(&xmp);
    file.extend(bx(b"mdat", &mdat));

    let (stored, sniffed) = prepare(
        Bytes::from(file.clone()),
        Limits {
            image_bytes: 10_000,
            audio_bytes: 10_000,
            video_bytes: 10_000,
        },
    )
    .unwrap();
    assert_eq!(sniffed.content_type, "image/heic");
    assert_eq!(stored.len(), file.len(), "offsets stay valid");
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(find(&file, b"GPS"));
    assert!(!find(&stored, b"GPS"), "no metadata left");
    assert!(find(&stored, b"PICTURE-BYTES"), "the picture is untouched");
}

#[test]
fn refuses_a_heif_whose_boxes_cannot_be_read() {
    let mut file = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
    file.extend(bx(b"meta", &[0, 0, 0, 0, 0xFF, 0xFF]));
    assert!(matches!(
        prepare(Bytes::from(file), LIMITS),
        Err(MediaError::Unreadable(..))
    ));
}

/// A `free` box of size 1 whose 64-bit size wraps the walk back by `back` bytes
/// (the review's 48 bytes have `back` 8; 24 wraps to the start of the file).
fn wrapping_heif(back: u64) -> Vec<u8> {
    let mut file = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
    file.extend_from_slice(&1u32.to_be_bytes());
    file.extend_from_slice(b"free");
    file.extend_from_slice(&0u64.wrapping_sub(back).to_be_bytes());
    file.resize(48, 0);
    file
}

#[test]
fn a_box_size_near_2_64_is_refused_not_wrapped() {
    for back in [8, 16, 24, 32, 40, 48] {
        let file = wrapping_heif(back);
        assert_eq!(file.len(), 48);
        assert_eq!(
            find_box(&file, 0, file.len(), b"meta").map(|b| b.body),
            None,
            "back {back}"
        );
        assert!(
            matches!(
                prepare(Bytes::from(file), LIMITS),
                Err(MediaError::Unreadable(..))
            ),
            "back {back}"
        );
    }
}

#[test]
fn caps_the_items_and_extents_an_iloc_may_name() {
    // iloc v0, offset and length 2 bytes each, one item with 65,535 extents.
    let mut iloc = vec![0, 0, 0, 0, 0x22, 0x00, 0, 1, 0, 2, 0, 0, 0xFF, 0xFF];
    iloc.resize(iloc.len() + 65_535 * 4, 0);
    let data = bx(b"iloc", &iloc);
    let at = find_box(&data, 0, data.len(), b"iloc").unwrap();
    assert_eq!(item_extents(&data, at, None, &[2]), None);
    // The same with two extents is read.
    let mut iloc = vec![0, 0, 0, 0, 0x22, 0x00, 0, 1, 0, 2, 0, 0, 0, 2];
    iloc.extend_from_slice(&[0, 1, 0, 2, 0, 4, 0, 1]);
    let data = bx(b"iloc", &iloc);
    let at = find_box(&data, 0, data.len(), b"iloc").unwrap();
    assert_eq!(
        item_extents(&data, at, None, &[2]),
        Some(vec![(1, 2), (4, 1)])
    );
}
