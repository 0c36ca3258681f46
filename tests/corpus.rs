//! The real-report corpus (`../shared/corpus`, beside the project; never copied into it): every
//! cell of every crawler and PDF text, of every web page and of the real PDF, is extracted and compared with
//! its hand-verified truth. No cell may be wrong without a flag, at least 99 % of the decidable
//! cells of the texts and all of the pages' must be exact, a page's cells are never guessed
//! (inferred or ambiguous), and template and year must be right. Skipped, saying so, where the
//! corpus is absent.
//!
//! `../shared/corpus/score` measures the same with the release binary; this test keeps the
//! property inside `cargo test`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tablereview::extract::extract_file;
use tablereview::model::CellStatus;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.join("truth").is_dir().then_some(dir)
}

/// (exact, flagged, silent, undecidable) cells of one report against its truth, and what is
/// wrong without a flag.
fn measure(path: &Path, truth: &serde_json::Value) -> (usize, usize, Vec<String>, usize) {
    let report = extract_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let named: BTreeSet<&String> = report.findings.iter().flat_map(|f| &f.cells).collect();
    // A document settles every cell: what is undecidable in a flattened text is not there.
    let document = path.extension().is_none_or(|e| e != "txt");
    let ambiguous: BTreeSet<&str> = truth["ambiguous"]
        .as_array()
        .filter(|_| !document)
        .map(|a| a.iter().filter_map(|k| k.as_str()).collect())
        .unwrap_or_default();
    if document {
        // Where the document gives positions, nothing is guessed.
        for (key, cell) in report.cells() {
            assert!(
                !matches!(cell.status, CellStatus::Inferred | CellStatus::Ambiguous),
                "{}: {key} is {:?}",
                path.display(),
                cell.status
            );
        }
    }
    let mut silent = Vec::new();
    let (mut exact, mut flagged, mut undecidable) = (0, 0, 0);
    assert_eq!(
        report.template,
        truth["template"].as_str().unwrap(),
        "{}",
        path.display()
    );
    if let Some(year) = truth["year"].as_i64() {
        assert_eq!(
            report.report.year.map(i64::from),
            Some(year),
            "{}",
            path.display()
        );
    }
    for (key, want) in truth["cells"].as_object().unwrap() {
        let cell = report.cell(key);
        let value = cell.and_then(|c| c.value);
        let same = match (value, want.as_f64()) {
            (None, None) => want.is_null(),
            (Some(a), Some(b)) => (a - b).abs() < 1e-6,
            _ => false,
        };
        let ok = cell.is_some_and(|c| c.status != CellStatus::Ambiguous) && same;
        let flag = cell.is_some_and(|c| c.status != CellStatus::Ok) || named.contains(key);
        if ambiguous.contains(key.as_str()) {
            undecidable += 1;
            if !(ok || flag) {
                silent.push(format!("{key}: undecidable, read {value:?} without a flag"));
            }
        } else if ok {
            exact += 1;
        } else if flag {
            flagged += 1;
        } else {
            silent.push(format!(
                "{key}: truth {want}, read {value:?} without a flag"
            ));
        }
    }
    (exact, flagged, silent, undecidable)
}

#[test]
fn real_texts_are_read_exact_or_flagged() {
    score_folder("texts", "txt", 99.0);
}

#[test]
fn real_web_pages_are_read_exact() {
    score_folder("html", "html", 100.0);
}

#[test]
fn real_pdfs_are_read_exact_and_never_guess() {
    // The issue asks 99 %; the one real PDF reads every cell, so a loss shows.
    score_folder("pdf", "pdf", 100.0);
}

/// Scores every `*.EXT` of a corpus folder against its truth.
fn score_folder(folder: &str, ext: &str, min_exact: f64) {
    let Some(dir) = corpus() else {
        eprintln!("skipped: ../shared/corpus is absent (a checkout outside the workplace)");
        return;
    };
    let mut texts: Vec<PathBuf> = std::fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    texts.sort();
    assert!(!texts.is_empty(), "no texts in {}", dir.display());
    let (mut exact, mut decidable, mut silent) = (0, 0, Vec::new());
    for path in &texts {
        let stem = path.file_stem().unwrap().to_string_lossy();
        let truth_path = dir.join("truth").join(format!("{stem}.json"));
        let Ok(bytes) = std::fs::read(&truth_path) else {
            continue;
        };
        let truth: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let (e, f, s, _) = measure(path, &truth);
        eprintln!(
            "{stem:<40} exact {e:>3}  flagged {f:>3}  silent {}",
            s.len()
        );
        exact += e;
        decidable += e + f + s.len();
        silent.extend(s.into_iter().map(|s| format!("{stem} {s}")));
    }
    assert!(
        silent.is_empty(),
        "wrong without a flag:\n{}",
        silent.join("\n")
    );
    let share = 100.0 * exact as f64 / decidable as f64;
    eprintln!("corpus {folder}: {exact}/{decidable} decidable cells exact ({share:.1}%)");
    assert!(share >= min_exact, "{share:.1}% of decidable cells exact");
}
