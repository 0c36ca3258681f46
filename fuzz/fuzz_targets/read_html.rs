//! Any bytes as a web page: the reader, the extractor behind it and the document places never
//! panic, and every span stays inside the canonical text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((report, text)) = tablereview::extract::extract_bytes(Path::new("fuzz.html"), data) {
        for (_, cell) in report.cells() {
            if let Some(span) = cell.span {
                assert!(span.start <= span.end && span.end <= text.len());
            }
        }
    }
});
