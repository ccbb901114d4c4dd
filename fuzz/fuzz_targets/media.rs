//! Any bytes as an upload: recognised, capped and stripped, or refused, never a panic,
//! a hang or a blow-up (libFuzzer's -timeout and -rss_limit_mb bound them).
#![no_main]

use gridline_server::media::{Limits, prepare};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        image_bytes: 5 * 1024 * 1024,
        audio_bytes: 5 * 1024 * 1024,
    };
    if let Ok((stored, sniffed)) = prepare(bytes::Bytes::copy_from_slice(data), limits) {
        // What is kept is no larger than what came, and is still recognised.
        assert!(stored.len() <= data.len());
        let again = gridline_server::media::sniff(&stored).expect("stored bytes are recognised");
        assert_eq!(again.kind, sniffed.kind);
    }
});
