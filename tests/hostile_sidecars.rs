//! Sidecars that parse but do not fit their template (issue 16 items 11, 12, 13): each shape is
//! refused by `check` and `export` in one line naming the file, and opens read-only in the
//! review screen without a panic, whatever keys are pressed and however it is drawn.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::{json, Value};
use tablereview::tui::msg::{Dir, EditorKey, Msg};

const CELL: &str = "requests.total_processed.natural_person";

/// A report with a real review of one edit, in a fresh folder; the sidecar's path.
fn reviewed() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, paths) = common::copy_fixtures(&["000"]);
    let report = paths[0].clone();
    let mut doc = tablereview::review::ReviewDoc::open(&report, "t", None).unwrap();
    doc.edit(CELL, "23").unwrap();
    doc.save().unwrap();
    let side = doc.sidecar_path.clone();
    (dir, report, side)
}

fn read(side: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(side).unwrap()).unwrap()
}

/// The JSON of the cell `key`.
fn cell_of<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    let (t, r, c) = tablereview::review::split_key(key).unwrap();
    let table = v["tables"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|x| x["id"] == t)
        .unwrap();
    let row = table["rows"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|x| x["key"] == r)
        .unwrap();
    row["cells"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|x| x["column"] == c)
        .unwrap()
}

/// Each way a sidecar can be damaged while staying valid JSON of the right schema.
fn damage(v: &mut Value, how: &str) {
    let tables = |v: &mut Value| v["tables"].as_array_mut().unwrap().clone();
    match how {
        "negative count" => cell_of(v, CELL)["value"] = json!(-5),
        "fractional count" => cell_of(v, CELL)["value"] = json!(0.5),
        "large negative count" => {
            cell_of(v, "proactive.licensing.decisions")["value"] = json!(-3100)
        }
        "negative candidate" => cell_of(v, CELL)["candidates"] = json!([-1]),
        "no tables" => v["tables"] = json!([]),
        "duplicated table" => {
            let t = tables(v);
            v["tables"] = json!([t[0], t[0], t[2]]);
        }
        "swapped tables" => {
            let t = tables(v);
            v["tables"] = json!([t[1], t[0], t[2]]);
        }
        "extra table" => {
            let mut t = tables(v);
            let mut extra = t[2].clone();
            extra["id"] = json!("bogus");
            t.push(extra);
            v["tables"] = json!(t);
        }
        "missing rows" => {
            v["tables"][1]["rows"].as_array_mut().unwrap().truncate(3);
        }
        "200 extra rows" => {
            let rows = v["tables"][0]["rows"].as_array_mut().unwrap();
            let model = rows[0].clone();
            for i in 0..200 {
                let mut r = model.clone();
                r["key"] = json!(format!("bogus_{i}"));
                rows.push(r);
            }
        }
        "duplicated row" => {
            let rows = v["tables"][1]["rows"].as_array_mut().unwrap();
            let first = rows[0].clone();
            rows[1] = first;
        }
        "swapped rows" => v["tables"][1]["rows"].as_array_mut().unwrap().swap(0, 1),
        "extra cell" => {
            let cells = v["tables"][1]["rows"][0]["cells"].as_array_mut().unwrap();
            let mut c = cells[0].clone();
            c["column"] = json!("bogus");
            cells.push(c);
        }
        "missing cell" => {
            v["tables"][1]["rows"][0]["cells"]
                .as_array_mut()
                .unwrap()
                .pop();
        }
        "extra column head" => {
            let cols = v["tables"][2]["columns"].as_array_mut().unwrap();
            cols.push(json!({"key": "bogus", "label": "bogus"}));
        }
        "unknown template" => v["template"] = json!("gov-1999"),
        "log names no cell" => v["edits"][0]["cell"] = json!("requests.bogus.total"),
        "log value negative" => v["edits"][0]["old"] = json!(-22),
        other => panic!("unknown damage {other}"),
    }
}

const SHAPES: &[&str] = &[
    "negative count",
    "fractional count",
    "large negative count",
    "negative candidate",
    "no tables",
    "duplicated table",
    "swapped tables",
    "extra table",
    "missing rows",
    "200 extra rows",
    "duplicated row",
    "swapped rows",
    "extra cell",
    "missing cell",
    "extra column head",
    "unknown template",
    "log names no cell",
    "log value negative",
];

#[test]
fn every_damaged_shape_is_refused_by_check_and_export_in_one_line() {
    for how in SHAPES {
        let (dir, report, side) = reviewed();
        let mut v = read(&side);
        damage(&mut v, how);
        let bytes = serde_json::to_vec_pretty(&v).unwrap();
        std::fs::write(&side, &bytes).unwrap();
        for args in [&["check"][..], &["export", "-o", "-"][..]] {
            let out = Command::cargo_bin("tablereview")
                .unwrap()
                .args(args)
                .arg(&report)
                .current_dir(dir.path())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{how} {args:?}: {stderr}");
            assert_eq!(out.status.code(), Some(2), "{how} {args:?}: {stderr}");
            let lines: Vec<&str> = stderr
                .lines()
                .filter(|l| l.starts_with("tablereview:"))
                .collect();
            assert_eq!(lines.len(), 1, "{how} {args:?}: {stderr}");
            assert!(
                lines[0].contains("000_7a2d16d58913ef59.reviewed.json")
                    && lines[0].contains("does not fit its template"),
                "{how} {args:?}: {stderr}"
            );
        }
        assert_eq!(
            std::fs::read(&side).unwrap(),
            bytes,
            "{how}: kept as it was"
        );
    }
}

/// Draws the app as the terminal would, at `w` x `h`.
fn draw(app: &tablereview::tui::App, w: u16, h: u16) {
    let mut app = app.clone();
    tablereview::tui::dispatch(&mut app, Msg::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| tablereview::tui::view::view(&app, f))
        .unwrap();
}

/// Moves over every table and row, tries to edit, undo and save, drawing after each key.
fn exercise(app: &mut tablereview::tui::App) {
    let keys = [
        Msg::NextFlag,
        Msg::Move(Dir::Right),
        Msg::Move(Dir::Down),
        Msg::Bottom,
        Msg::Move(Dir::Left),
        Msg::TypeStart('7'),
        Msg::Editor(EditorKey::Submit),
        Msg::Undo,
        Msg::Redo,
        Msg::PrevFlag,
    ];
    for _ in 0..3 {
        for k in keys.clone() {
            tablereview::tui::dispatch(app, k);
            draw(app, 120, 34);
        }
        tablereview::tui::dispatch(app, Msg::NextTable);
        draw(app, 80, 24);
    }
}

#[test]
fn the_review_screen_opens_a_damaged_sidecar_read_only_without_a_panic() {
    for how in SHAPES {
        let (_dir, report, side) = reviewed();
        let mut v = read(&side);
        damage(&mut v, how);
        let bytes = serde_json::to_vec_pretty(&v).unwrap();
        std::fs::write(&side, &bytes).unwrap();
        let mut a = common::app(vec![report]);
        let ro = a.doc().unwrap().read_only.clone().unwrap_or_default();
        assert!(ro.contains("does not fit its template"), "{how}: {ro}");
        exercise(&mut a);
        assert_eq!(
            std::fs::read(&side).unwrap(),
            bytes,
            "{how}: not overwritten"
        );
    }
}

#[test]
fn forged_spans_and_places_in_a_fitting_sidecar_are_the_texts_own() {
    // A sidecar that fits its template, with every span pointing into the middle of a
    // character or past the end of the text: the values are the reviewer's, the spans the
    // extraction's, so drawing the source pane cannot slice the text off a boundary.
    let (_dir, report, side) = reviewed();
    let mut v = read(&side);
    for t in v["tables"].as_array_mut().unwrap() {
        for r in t["rows"].as_array_mut().unwrap() {
            r["span"] = json!({"line": 1, "start": 1, "end": 2});
            for c in r["cells"].as_array_mut().unwrap() {
                c["span"] = json!({"line": 9, "start": 1, "end": 99999999});
            }
        }
    }
    v["narrative"] = json!([{
        "id": "x", "label": "x", "value": 1, "cells": [CELL], "quote": "x",
        "span": {"line": 1, "start": 1, "end": 2}, "sentence": {"line": 1, "start": 1, "end": 2}
    }]);
    std::fs::write(&side, serde_json::to_vec(&v).unwrap()).unwrap();
    let mut a = common::app(vec![report]);
    assert!(a.doc().unwrap().read_only.is_none());
    let doc = a.doc().unwrap();
    assert_eq!(doc.current.cell(CELL).unwrap().value, Some(23.0));
    assert_eq!(
        doc.current.cell(CELL).unwrap().span,
        doc.extracted.cell(CELL).unwrap().span
    );
    exercise(&mut a);
}

#[test]
fn check_and_export_name_the_report_where_it_is_not_where_the_sidecar_says() {
    // A reviewed pair copied to another folder: the sidecar still records the old path.
    let (dir, report, side) = reviewed();
    let moved = dir.path().join("moved");
    std::fs::create_dir(&moved).unwrap();
    let mut v = read(&side);
    v["source"]["path"] = json!("/somewhere/else/old-name.txt");
    std::fs::write(
        moved.join(side.file_name().unwrap()),
        serde_json::to_vec(&v).unwrap(),
    )
    .unwrap();
    let copy = moved.join(report.file_name().unwrap());
    std::fs::copy(&report, &copy).unwrap();
    for args in [&["check", "--json"][..], &["export", "-o", "-"][..]] {
        let out = Command::cargo_bin("tablereview")
            .unwrap()
            .args(args)
            .arg(&copy)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("old-name"), "{args:?}: {stdout}");
        assert!(
            stdout.contains(&*copy.display().to_string()),
            "{args:?}: {stdout}"
        );
        assert!(stdout.contains("23"), "the reviewed value: {stdout}");
    }
}

/// One structural change to a sidecar's JSON, by indexes taken modulo what is there.
#[derive(Debug, Clone)]
enum Mutation {
    RemoveTable(usize),
    DuplicateTable(usize),
    SwapTables(usize, usize),
    RemoveRow(usize, usize),
    DuplicateRow(usize, usize),
    SwapRows(usize, usize, usize),
    RemoveCell(usize, usize, usize),
    DuplicateCell(usize, usize, usize),
    RenameRow(usize, usize),
    SetValue(usize, usize, usize, f64),
    SetSpan(usize, usize, usize, usize),
}

fn mutation() -> impl proptest::strategy::Strategy<Value = Mutation> {
    use proptest::prelude::*;
    let i = 0usize..400;
    let figure = prop_oneof![
        Just(-5.0),
        Just(0.5),
        Just(-3100.0),
        Just(1.0e13),
        Just(f64::MAX),
        0.0f64..1000.0,
        (0u32..1000).prop_map(f64::from),
    ];
    prop_oneof![
        i.clone().prop_map(Mutation::RemoveTable),
        i.clone().prop_map(Mutation::DuplicateTable),
        (i.clone(), i.clone()).prop_map(|(a, b)| Mutation::SwapTables(a, b)),
        (i.clone(), i.clone()).prop_map(|(a, b)| Mutation::RemoveRow(a, b)),
        (i.clone(), i.clone()).prop_map(|(a, b)| Mutation::DuplicateRow(a, b)),
        (i.clone(), i.clone(), i.clone()).prop_map(|(a, b, c)| Mutation::SwapRows(a, b, c)),
        (i.clone(), i.clone(), i.clone()).prop_map(|(a, b, c)| Mutation::RemoveCell(a, b, c)),
        (i.clone(), i.clone(), i.clone()).prop_map(|(a, b, c)| Mutation::DuplicateCell(a, b, c)),
        (i.clone(), i.clone()).prop_map(|(a, b)| Mutation::RenameRow(a, b)),
        (i.clone(), i.clone(), i.clone(), figure)
            .prop_map(|(a, b, c, v)| Mutation::SetValue(a, b, c, v)),
        (i.clone(), i.clone(), i.clone(), 0usize..100_000)
            .prop_map(|(a, b, c, s)| Mutation::SetSpan(a, b, c, s)),
    ]
}

/// The array under `v[key]`, if it has any element, and an index into it.
fn pick<'a>(v: &'a mut Value, key: &str, i: usize) -> Option<(&'a mut Vec<Value>, usize)> {
    let a = v.get_mut(key)?.as_array_mut()?;
    let n = a.len();
    (n > 0).then_some((a, i % n.max(1)))
}

fn mutate(v: &mut Value, m: &Mutation) {
    use Mutation::*;
    match *m {
        RemoveTable(t) => {
            if let Some((a, t)) = pick(v, "tables", t) {
                a.remove(t);
            }
        }
        DuplicateTable(t) => {
            if let Some((a, t)) = pick(v, "tables", t) {
                let x = a[t].clone();
                a.insert(t, x);
            }
        }
        SwapTables(t, u) => {
            if let Some((a, t)) = pick(v, "tables", t) {
                let u = u % a.len();
                a.swap(t, u);
            }
        }
        RemoveRow(t, r) | DuplicateRow(t, r) | RenameRow(t, r) | SwapRows(t, r, _) => {
            let Some((ts, t)) = pick(v, "tables", t) else {
                return;
            };
            let Some((rs, r)) = pick(&mut ts[t], "rows", r) else {
                return;
            };
            match *m {
                RemoveRow(..) => {
                    rs.remove(r);
                }
                DuplicateRow(..) => {
                    let x = rs[r].clone();
                    rs.insert(r, x);
                }
                RenameRow(..) => rs[r]["key"] = json!("renamed"),
                SwapRows(_, _, u) => {
                    let u = u % rs.len();
                    rs.swap(r, u);
                }
                _ => unreachable!(),
            }
        }
        RemoveCell(t, r, c)
        | DuplicateCell(t, r, c)
        | SetValue(t, r, c, _)
        | SetSpan(t, r, c, _) => {
            let Some((ts, t)) = pick(v, "tables", t) else {
                return;
            };
            let Some((rs, r)) = pick(&mut ts[t], "rows", r) else {
                return;
            };
            let Some((cs, c)) = pick(&mut rs[r], "cells", c) else {
                return;
            };
            match *m {
                RemoveCell(..) => {
                    cs.remove(c);
                }
                DuplicateCell(..) => {
                    let x = cs[c].clone();
                    cs.insert(c, x);
                }
                SetValue(.., x) => cs[c]["value"] = json!(x),
                SetSpan(.., s) => cs[c]["span"] = json!({"line": 1, "start": s, "end": s + 1}),
                _ => unreachable!(),
            }
        }
    }
}

/// Table ids, row keys and cell columns: what the checker and the screen address by position.
fn shape_of(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for t in v["tables"].as_array().into_iter().flatten() {
        out.push(format!("t {}", t["id"]));
        for r in t["rows"].as_array().into_iter().flatten() {
            out.push(format!("r {}", r["key"]));
            for c in r["cells"].as_array().into_iter().flatten() {
                out.push(format!("c {}", c["column"]));
            }
        }
    }
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, .. Default::default() })]

    /// Any structural mutation of a real sidecar is refused when it changes the shape, and
    /// whatever loads opens, re-checks, edits and draws without a panic.
    #[test]
    fn structural_mutations_are_refused_or_harmless(ms in proptest::collection::vec(mutation(), 1..6)) {
        let (_dir, report, side) = reviewed();
        let original = read(&side);
        let mut v = original.clone();
        for m in &ms {
            mutate(&mut v, m);
        }
        std::fs::write(&side, serde_json::to_vec(&v).unwrap()).unwrap();
        let loaded = tablereview::sidecar::load(&side);
        if shape_of(&v) != shape_of(&original) {
            proptest::prop_assert!(loaded.is_err(), "{ms:?} changed the shape and loaded");
        }
        let mut a = common::app(vec![report.clone()]);
        exercise(&mut a);
        let _ = tablereview::review::reviewed_report(&report, None);
    }
}

#[cfg(unix)]
#[test]
fn a_sidecar_swapped_for_a_link_after_opening_is_not_written_through() {
    let (dir, report, side) = reviewed();
    let mut doc = tablereview::review::ReviewDoc::open(&report, "t", None).unwrap();
    doc.claim();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    std::fs::remove_file(&side).unwrap();
    std::os::unix::fs::symlink(&victim, &side).unwrap();
    doc.edit(CELL, "24").unwrap();
    let err = doc.save().unwrap_err().to_string();
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
}

#[test]
fn break_lock_removes_a_lock_no_one_can_prove_dead_and_says_whose() {
    let (_dir, report, side) = reviewed();
    let lock = tablereview::review::lock_path(&side);
    // A review on another machine: never taken over, so only --break-lock frees it.
    std::fs::write(
        &lock,
        "tablereview lock\nhost far-away\nboot x\npidns y\npid 77\nstart 1\n",
    )
    .unwrap();
    let mut doc = tablereview::review::ReviewDoc::open(&report, "t", None).unwrap();
    doc.claim();
    let why = doc.read_only.clone().unwrap();
    assert!(
        why.contains("process 77 on far-away") && why.contains("--break-lock"),
        "{why}"
    );
    let out = Command::cargo_bin("tablereview")
        .unwrap()
        .args(["review", "--break-lock"])
        .arg(&report)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("removed the lock of process 77 on far-away"),
        "{stderr}"
    );
    assert!(!lock.exists());
}

#[test]
fn out_dir_keeps_each_folders_reviews_apart_and_check_reads_them() {
    // a/r.txt and b/r.txt, two different reports: under --out-dir both were r.reviewed.json,
    // so each overwrote the other's edits and the second opened as "source changed".
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reviews");
    std::fs::create_dir(&out).unwrap();
    let mut reports = Vec::new();
    for (sub, fixture) in [
        ("a", "000_7a2d16d58913ef59.txt"),
        ("b", "003_9110b932e3d5ac2b.txt"),
    ] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        let r = dir.path().join(sub).join("r.txt");
        std::fs::copy(common::fixtures().join(fixture), &r).unwrap();
        reports.push(r);
    }
    for (r, v) in reports.iter().zip(["23", "41"]) {
        let mut doc = tablereview::review::ReviewDoc::open(r, "t", Some(&out)).unwrap();
        doc.claim();
        assert!(doc.read_only.is_none(), "{:?}", doc.read_only);
        doc.edit(CELL, v).unwrap();
        doc.save().unwrap();
    }
    for (r, v) in reports.iter().zip([23.0, 41.0]) {
        let doc = tablereview::review::ReviewDoc::open(r, "t", Some(&out)).unwrap();
        assert!(doc.read_only.is_none(), "{:?}", doc.read_only);
        assert_eq!(doc.current.cell(CELL).unwrap().value, Some(v));
        assert!(doc.sidecar_path.starts_with(&out));
        assert!(
            !doc.sidecar_path.with_extension("json.lock").exists(),
            "released"
        );
    }
    // check finds the reviews where review put them.
    let run = |extra: &[&str]| {
        let out = Command::cargo_bin("tablereview")
            .unwrap()
            .args(["check", "--json", "--no-cache"])
            .args(extra)
            .args(&reports)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let with = run(&["--out-dir", out.to_str().unwrap()]);
    let without = run(&[]);
    assert_ne!(with, without, "the reviews change the result");
    assert!(with.contains("23 ≠") && with.contains("41 ≠"), "{with}");
    // And so does export (issue 16 item 3).
    let export = |extra: &[&str]| -> Vec<serde_json::Value> {
        let out = Command::cargo_bin("tablereview")
            .unwrap()
            .args(["export", "-q", "-o", "-"])
            .args(extra)
            .args(&reports)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &serde_json::Value| v.get("kind").is_none())
            .collect()
    };
    let with = export(&["--out-dir", out.to_str().unwrap()]);
    let values: Vec<_> = with.iter().map(|r| r["values"][CELL].as_f64()).collect();
    assert_eq!(values, [Some(23.0), Some(41.0)]);
    assert!(with.iter().all(|r| r["status"] == "in_progress"));
    let without = export(&[]);
    assert!(without.iter().all(|r| r["status"] == "unreviewed"));
}
