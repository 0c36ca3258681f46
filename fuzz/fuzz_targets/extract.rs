//! Any bytes: decoding either refuses them or extraction returns a report whose spans lie
//! inside the text and whose JSON round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = tablereview::decode::decode(data, Path::new("fuzz.txt")) else {
        return;
    };
    let source = tablereview::model::Source {
        path: "fuzz.txt".into(),
        sha256: String::new(),
        encoding: decoded.encoding.into(),
        reader: None,
    };
    let report = tablereview::extract::extract_text(&decoded.text, source);
    for (_, cell) in report.cells() {
        if let Some(span) = cell.span {
            assert!(span.start <= span.end && span.end <= decoded.text.len());
            assert_eq!(Some(&decoded.text[span.start..span.end]), cell.raw.as_deref());
        }
    }
    let json = serde_json::to_string(&report).unwrap();
    let back: tablereview::model::Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.tables.len(), report.tables.len());
});
