//! Properties of the review core: any sequence of edits undoes back to the start, and a sidecar
//! written is the sidecar read.

mod common;

use proptest::prelude::*;
use tablereview::review::ReviewDoc;
use tablereview::sidecar;

/// A reviewer's action on one of a handful of cells.
#[derive(Debug, Clone)]
enum Op {
    Edit(usize, u32),
    Clear(usize),
    Confirm(usize),
    Shift(usize, bool),
}

const CELLS: &[&str] = &[
    "requests.granted.natural_person",
    "requests.granted.commercial",
    "requests.total_processed.total",
    "proactive.fees.amount",
    "appeals.review.upheld",
    "appeals.review.corrected",
];

fn op() -> impl Strategy<Value = Op> {
    let i = 0..CELLS.len();
    prop_oneof![
        (i.clone(), 0u32..500).prop_map(|(c, v)| Op::Edit(c, v)),
        i.clone().prop_map(Op::Clear),
        i.clone().prop_map(Op::Confirm),
        (i, any::<bool>()).prop_map(|(c, r)| Op::Shift(c, r)),
    ]
}

fn apply(doc: &mut ReviewDoc, op: &Op) -> bool {
    match op {
        Op::Edit(c, v) => doc.edit(CELLS[*c], &v.to_string()).is_ok(),
        Op::Clear(c) => doc.clear(CELLS[*c]).is_ok(),
        Op::Confirm(c) => doc.confirm(CELLS[*c]).is_ok(),
        Op::Shift(c, right) => doc.shift(CELLS[*c], if *right { 1 } else { -1 }).is_ok(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn undoing_every_step_restores_the_extracted_grid(ops in proptest::collection::vec(op(), 0..24)) {
        let (_d, paths) = common::copy_fixtures(&["000"]);
        let mut doc = ReviewDoc::open(&paths[0], "p", None).unwrap();
        let start = doc.current.clone();
        // A step is an action that changed something: one that changes nothing (a second
        // clear, a confirmation of a confirmed cell) succeeds but is neither logged nor undone.
        let steps = ops
            .iter()
            .filter(|o| {
                let logged = doc.log.len();
                apply(&mut doc, o) && doc.log.len() > logged
            })
            .count();
        for _ in 0..steps {
            prop_assert!(doc.undo());
        }
        prop_assert!(!doc.undo());
        prop_assert_eq!(&doc.current.tables, &start.tables);
        prop_assert_eq!(&doc.current.findings, &start.findings);
        // And redo goes all the way forward again.
        for _ in 0..steps {
            prop_assert!(doc.redo());
        }
        prop_assert!(!doc.redo());
    }

    /// Saved after every step, as the review screen saves, the sidecar and its journal read
    /// back as the review stands: values, log, state and diff.
    #[test]
    fn a_sidecar_reads_back_as_written(ops in proptest::collection::vec(op(), 0..16), undo in 0usize..4) {
        let (_d, paths) = common::copy_fixtures(&["001"]);
        let mut doc = ReviewDoc::open(&paths[0], "p", None).unwrap();
        for o in &ops {
            apply(&mut doc, o);
            doc.save().unwrap();
        }
        for _ in 0..undo {
            doc.undo();
            doc.save().unwrap();
        }
        doc.save().unwrap();
        let written = doc.to_sidecar();
        let mut read = sidecar::load(&doc.sidecar_path).unwrap().unwrap();
        prop_assert!(read.journal.take().is_some() || doc.log.is_empty());
        // Findings are the checker's to recompute (review::reviewed_report does); a journal
        // replayed over a snapshot leaves the snapshot's.
        let mut written = written;
        read.report.findings.clear();
        written.report.findings.clear();
        prop_assert_eq!(&read, &written);
        let reopened = ReviewDoc::open(&paths[0], "p", None).unwrap();
        prop_assert_eq!(&reopened.current.tables, &doc.current.tables);
        prop_assert_eq!(reopened.history.undo_len(), doc.history.undo_len());
        prop_assert_eq!(reopened.history.redo_len(), doc.history.redo_len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// A crash can cut the journal at any byte: what is left always loads, as the review
    /// stood after one of its saves (never a mix, never an error).
    #[test]
    fn a_journal_cut_at_any_byte_loads_as_one_of_its_saves(
        ops in proptest::collection::vec(op(), 1..12),
        cut in 0.0f64..=1.0,
    ) {
        let (_d, paths) = common::copy_fixtures(&["001"]);
        let mut doc = ReviewDoc::open(&paths[0], "p", None).unwrap();
        doc.claim();
        // The values and statuses after each save, by the length of the log then.
        let mut saves = Vec::new();
        let cells = |r: &tablereview::model::Report| -> Vec<(Option<f64>, tablereview::model::CellStatus)> {
            r.cells().map(|(_, c)| (c.value, c.status)).collect()
        };
        for o in &ops {
            if apply(&mut doc, o) {
                doc.save().unwrap();
                saves.push((doc.log.len(), cells(&doc.current)));
            }
        }
        let journal = sidecar::journal::path(&doc.sidecar_path);
        let Ok(bytes) = std::fs::read(&journal) else {
            // One save or none: nothing went through the journal.
            return Ok(());
        };
        let at = (bytes.len() as f64 * cut) as usize;
        std::fs::write(&journal, &bytes[..at]).unwrap();
        let side = sidecar::load(&doc.sidecar_path).unwrap().unwrap();
        let state = saves.iter().find(|(n, _)| *n == side.edits.len());
        prop_assert!(state.is_some(), "{} edits is no save's", side.edits.len());
        prop_assert_eq!(&cells(&side.report), &state.unwrap().1);
    }
}
