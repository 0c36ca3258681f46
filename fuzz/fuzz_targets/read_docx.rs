//! Any bytes as a Word document, and any bytes as its body: the reader refuses or reads,
//! never panics, and never reads more of a body than its limit.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tablereview::read::docx::read(data, Path::new("fuzz.docx"));
    let _ = tablereview::read::docx::to_text(data);
});
