//! Any bytes as the journal beside a real sidecar: loading either refuses them, naming the
//! journal, or yields a review of its template's shape whose log runs without a gap, and a
//! review opened over it re-checks, undoes and saves without a panic.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// A sidecar of seed 000 with one edit, written by the review itself (so it names a journal).
fn snapshot() -> &'static (tempfile::TempDir, PathBuf, Vec<u8>) {
    static SNAPSHOT: OnceLock<(tempfile::TempDir, PathBuf, Vec<u8>)> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("r.txt");
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/000_7a2d16d58913ef59.txt"),
            &src,
        )
        .unwrap();
        let mut doc = tablereview::review::ReviewDoc::open(&src, "fuzz", None).unwrap();
        doc.edit("requests.total_processed.natural_person", "23").unwrap();
        doc.save_whole().unwrap();
        let bytes = std::fs::read(&doc.sidecar_path).unwrap();
        (dir, src, bytes)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_keep, src, bytes) = snapshot();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.txt");
    std::fs::copy(src, &report).unwrap();
    let side_path = dir.path().join("r.reviewed.json");
    std::fs::write(&side_path, bytes).unwrap();
    // The token the snapshot names, so mutated lines can continue it.
    let token: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let token = token["journal"].as_str().unwrap();
    let text = String::from_utf8_lossy(data).replace("TOKEN", token);
    std::fs::write(tablereview::sidecar::journal::path(&side_path), text).unwrap();
    match tablereview::sidecar::load(&side_path) {
        Err(e) => assert!(e.to_string().contains(".journal") || e.to_string().contains("reviewed.json")),
        Ok(None) => panic!("the snapshot is there"),
        Ok(Some(side)) => {
            for (i, r) in side.edits.iter().enumerate() {
                assert_eq!(r.seq, i as u64 + 1, "the log runs without a gap");
            }
            let mut doc = tablereview::review::ReviewDoc::open(&report, "fuzz", None).unwrap();
            doc.claim();
            while doc.undo() {}
            let _ = doc.save();
        }
    }
});
