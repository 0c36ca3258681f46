//! Any bytes as a sidecar: loading either refuses them with an error or yields a review that
//! opening, re-checking and saving can use without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.reviewed.json");
    std::fs::write(&path, data).unwrap();
    if let Ok(Some(side)) = tablereview::sidecar::load(&path) {
        let (mut history, _) = tablereview::sidecar::history_from_log(&side.edits);
        let mut report = side.report.clone();
        if let Some(t) = tablereview::template::by_key(&report.template) {
            tablereview::check::run(&mut report, t);
        }
        while let Some(step) = history.undo().cloned() {
            step.apply(&mut report, false);
        }
        let _ = serde_json::to_vec(&side).unwrap();
    }
});
