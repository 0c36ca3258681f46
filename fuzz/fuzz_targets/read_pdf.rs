//! Any bytes as a PDF, parsed in this process (no child to hide a crash behind): the parser
//! and the layout refuse or read, never panic. Seed the corpus with fixtures/documents/*.pdf.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tablereview::read::pdf::read(data, Path::new("fuzz.pdf"));
});
