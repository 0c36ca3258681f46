//! Any bytes as a web page: the reader and the extractor behind it never panic, and every
//! span stays inside the canonical text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = tablereview::read::html::read(data, Path::new("fuzz.html")) {
        let source = tablereview::model::Source {
            path: "fuzz.html".into(),
            sha256: String::new(),
            encoding: decoded.encoding.into(),
            reader: None,
        };
        let report = tablereview::extract::extract_text(&decoded.text, source);
        for (_, cell) in report.cells() {
            if let Some(span) = cell.span {
                assert!(span.end <= decoded.text.len());
            }
        }
    }
});
