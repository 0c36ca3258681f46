//! Any bytes as a sidecar: loading either refuses them with an error or yields a review of its
//! template's exact shape that opening, re-checking and saving can use without a panic.
//! Structural mutations of a real sidecar (tables, rows and cells removed, duplicated,
//! swapped, renamed; values out of their kind) run on every `cargo test` in
//! tests/hostile_sidecars.rs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.reviewed.json");
    std::fs::write(&path, data).unwrap();
    if let Ok(Some(side)) = tablereview::sidecar::load(&path) {
        let (mut history, _) = tablereview::sidecar::history_from_log(&side.edits);
        let mut report = side.report.clone();
        // A sidecar that loads has its template's shape exactly (issue 16 item 11): every
        // table, row and cell where the template has it, so nothing indexes out of bounds.
        let t = tablereview::template::by_key(&report.template)
            .expect("a loaded sidecar's template is known");
        let want = t.empty_tables();
        assert_eq!(report.tables.len(), want.len());
        for (a, b) in report.tables.iter().zip(&want) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.rows.len(), b.rows.len());
            for (r, s) in a.rows.iter().zip(&b.rows) {
                assert_eq!(r.key, s.key);
                let cols = |row: &tablereview::model::Row| -> Vec<String> {
                    row.cells.iter().map(|c| c.column.to_string()).collect()
                };
                assert_eq!(cols(r), cols(s));
            }
        }
        tablereview::check::run(&mut report, t);
        while let Some(step) = history.undo().cloned() {
            step.apply(&mut report, false);
        }
        let _ = serde_json::to_vec(&side).unwrap();
    }
});
