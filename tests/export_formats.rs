//! Every export format read back: the long and wide CSV parsed, the workbook read with
//! calamine, the database queried. Each value and each status must equal the JSON export's,
//! for the fixtures and (when `../shared/corpus` is beside the project) the real corpus.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};

mod common;

fn bin() -> Command {
    Command::cargo_bin("tablereview").unwrap()
}

/// (source, key) → (value, status), as the JSON export says.
type Truth = HashMap<(String, String), (Option<f64>, String)>;

fn export(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join("out").join(name);
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let run = bin()
        .arg("export")
        .arg(dir.join("in"))
        .arg("-o")
        .arg(&out)
        .args(["-q", "--no-series"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

fn truth(dir: &Path) -> Truth {
    let text = std::fs::read_to_string(export(dir, "truth.json", &[])).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut t = Truth::new();
    for r in doc["reports"].as_array().unwrap() {
        let source = r["source"].as_str().unwrap().to_string();
        for (key, cell) in r["cells"].as_object().unwrap() {
            let value = r["values"][key].as_f64();
            let status = cell["status"].as_str().unwrap().to_string();
            t.insert((source.clone(), key.clone()), (value, status));
        }
    }
    t
}

fn number(s: &str) -> Option<f64> {
    (!s.is_empty()).then(|| s.parse().unwrap())
}

fn check_long_csv(dir: &Path, t: &Truth) {
    let out = export(dir, "long.csv", &[]);
    let mut r = csv::Reader::from_path(out).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let mut seen = 0;
    for row in r.records().map(Result::unwrap) {
        let k = (row[col("source")].to_string(), row[col("key")].to_string());
        let want = t
            .get(&k)
            .unwrap_or_else(|| panic!("long csv: {k:?} not in the JSON"));
        assert_eq!(number(&row[col("value")]), want.0, "long csv value {k:?}");
        assert_eq!(&row[col("status")], want.1, "long csv status {k:?}");
        seen += 1;
    }
    assert_eq!(seen, t.len(), "long csv: a row per value");
}

fn check_wide_csv(dir: &Path, t: &Truth) {
    let out = export(
        dir,
        "wide.csv",
        &["--format", "csv-wide", "--bom", "--labels"],
    );
    let text = std::fs::read_to_string(out).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head = r.headers().unwrap().clone();
    let at: HashMap<&str, usize> = head.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let mut seen = 0;
    for (i, row) in r.records().map(Result::unwrap).enumerate() {
        if i == 0 {
            assert_eq!(&row[0], "来源文件", "the labels row");
            continue;
        }
        let source = row[0].to_string();
        for ((s, key), want) in t.iter().filter(|((s, _), _)| *s == source) {
            let v = &row[at[key.as_str()]];
            let st = &row[at[format!("status:{key}").as_str()]];
            assert_eq!(number(v), want.0, "wide csv value {s} {key}");
            assert_eq!(st, want.1, "wide csv status {s} {key}");
            seen += 1;
        }
    }
    assert_eq!(seen, t.len());
}

fn check_xlsx(dir: &Path, t: &Truth) {
    let out = export(dir, "book.xlsx", &[]);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let values = book.worksheet_range("报告").unwrap();
    let statuses = book.worksheet_range("状态").unwrap();
    let (height, width) = values.get_size();
    let head: HashMap<String, usize> = (0..width)
        .map(|c| (values.get((0, c)).unwrap().to_string(), c))
        .collect();
    assert_eq!(values.get((1, 0)), Some(&Data::String("来源文件".into())));
    let mut seen = 0;
    for r in 2..height {
        let source = values.get((r, 0)).unwrap().to_string();
        for ((_, key), want) in t.iter().filter(|((s, _), _)| *s == source) {
            let c = head[key];
            let v = match values.get((r, c)) {
                Some(Data::Float(f)) => Some(*f),
                Some(Data::Int(i)) => Some(*i as f64),
                Some(Data::Empty) | None => None,
                other => panic!("xlsx {source} {key}: {other:?}"),
            };
            assert_eq!(v, want.0, "xlsx value {source} {key}");
            let st = statuses.get((r, c)).map(|d| d.to_string());
            assert_eq!(
                st.as_deref(),
                Some(want.1.as_str()),
                "xlsx status {source} {key}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, t.len());
    // The form-like sheets tell blank (empty), not applicable (`/`) and unknown (`?`) apart.
    let (mut slashes, mut questions) = (0, 0);
    for name in ["主动公开", "申请处理", "复议诉讼"] {
        let sheet = book.worksheet_range(name).unwrap();
        for row in sheet.rows() {
            for cell in row.iter().skip(1) {
                match cell {
                    Data::String(s) if s == "/" => slashes += 1,
                    Data::String(s) if s == "?" => questions += 1,
                    _ => {}
                }
            }
        }
    }
    let count = |f: &dyn Fn(&str) -> bool| t.values().filter(|(_, s)| f(s)).count();
    assert_eq!(slashes, count(&|s| s == "na"));
    let unknown = |s: &str| matches!(s, "ambiguous" | "invalid" | "missing" | "suggested");
    assert_eq!(questions, count(&unknown));
}

fn check_sqlite(dir: &Path, t: &Truth) {
    let out = export(dir, "data.sqlite", &[]);
    let db = rusqlite::Connection::open(out).unwrap();
    let mut st = db
        .prepare("SELECT r.source, c.key, c.value, c.status FROM cells c JOIN reports r ON r.id = c.report_id")
        .unwrap();
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<f64>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .unwrap();
    let mut seen = 0;
    for row in rows {
        let (source, key, value, status) = row.unwrap();
        let want = &t[&(source.clone(), key.clone())];
        assert_eq!(value, want.0, "sqlite value {source} {key}");
        assert_eq!(status, want.1, "sqlite status {source} {key}");
        seen += 1;
    }
    assert_eq!(seen, t.len());
}

/// Copies report files (not `.doc`, which needs LibreOffice) into `dir/in`.
fn gather(dir: &Path, from: &[PathBuf]) -> usize {
    let to = dir.join("in");
    std::fs::create_dir_all(&to).unwrap();
    let mut n = 0;
    for folder in from {
        for e in std::fs::read_dir(folder).unwrap() {
            let p = e.unwrap().path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "txt" | "html" | "htm" | "docx" | "pdf") {
                let name = format!("{n:03}_{}", p.file_name().unwrap().to_string_lossy());
                std::fs::copy(&p, to.join(name)).unwrap();
                n += 1;
            }
        }
    }
    n
}

/// The JSON export says what the report JSON says: each cell's status (`suggested` for a
/// prose figure nobody accepted) and its value where the tool is sure of it.
fn check_against_the_report_json(dir: &Path, t: &Truth) {
    let mut seen = 0;
    for e in std::fs::read_dir(dir.join("in")).unwrap() {
        let path = e.unwrap().path();
        let report = tablereview::extract::extract_file(&path).unwrap();
        let source = path.display().to_string();
        for (key, cell) in report.cells() {
            let (value, status) = &t[&(source.clone(), key.clone())];
            let want = if cell.suggestion.is_some() && cell.value.is_none() {
                "suggested"
            } else {
                cell.status.as_str()
            };
            assert_eq!(status, want, "{source} {key}");
            assert_eq!(
                *value,
                tablereview::model::certain_value(cell.status, cell.value),
                "{source} {key}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, t.len());
}

fn round_trip(from: &[PathBuf]) {
    let dir = tempfile::tempdir().unwrap();
    let n = gather(dir.path(), from);
    assert!(n > 0);
    let t = truth(dir.path());
    check_against_the_report_json(dir.path(), &t);
    check_long_csv(dir.path(), &t);
    check_wide_csv(dir.path(), &t);
    check_xlsx(dir.path(), &t);
    check_sqlite(dir.path(), &t);
}

#[test]
fn every_format_holds_the_json_values_and_statuses_for_the_fixtures() {
    let f = common::fixtures();
    round_trip(&[f.clone(), f.join("variants"), f.join("documents")]);
}

#[test]
fn every_format_holds_the_json_values_and_statuses_for_the_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus is absent (a checkout outside the workplace)");
        return;
    }
    let folders: Vec<PathBuf> = ["texts", "pdf", "html", "docx"]
        .iter()
        .map(|f| corpus.join(f))
        .filter(|p| p.is_dir())
        .collect();
    round_trip(&folders);
}

/// A fixture reviewed to a fee of 2110.5 (万元), in `dir/in`.
fn reviewed_fee(dir: &Path, name: &str) {
    use tablereview::review::ReviewDoc;
    let to = dir.join("in");
    std::fs::create_dir_all(&to).unwrap();
    let src = to.join(name);
    std::fs::copy(common::fixtures().join("000_7a2d16d58913ef59.txt"), &src).unwrap();
    let mut doc = ReviewDoc::open(&src, "li", None).unwrap();
    doc.edit("proactive.fees.amount", "2110.5").unwrap();
    doc.save().unwrap();
}

#[test]
fn money_survives_every_format_as_a_decimal() {
    let dir = tempfile::tempdir().unwrap();
    reviewed_fee(dir.path(), "r.txt");
    const KEY: &str = "proactive.fees.amount";
    let t = truth(dir.path());
    assert_eq!(
        t.values().find(|v| v.1 == "edited").unwrap().0,
        Some(2110.5)
    );

    let mut r = csv::Reader::from_path(export(dir.path(), "long.csv", &[])).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let fee = r
        .records()
        .map(Result::unwrap)
        .find(|r| &r[col("key")] == KEY)
        .unwrap();
    assert_eq!(
        (&fee[col("value")], &fee[col("kind")], &fee[col("unit")]),
        ("2110.5", "amount", "万元")
    );

    let mut w =
        csv::Reader::from_path(export(dir.path(), "wide.csv", &["--format", "csv-wide"])).unwrap();
    let head = w.headers().unwrap().clone();
    let at = head.iter().position(|h| h == KEY).unwrap();
    assert_eq!(&w.records().next().unwrap().unwrap()[at], "2110.5");

    let mut book: Xlsx<_> = open_workbook(export(dir.path(), "b.xlsx", &[])).unwrap();
    let sheet = book.worksheet_range("报告").unwrap();
    let c = (0..sheet.get_size().1)
        .find(|&c| sheet.get((0, c)) == Some(&Data::String(KEY.into())))
        .unwrap();
    assert_eq!(sheet.get((2, c)), Some(&Data::Float(2110.5)));

    let db = rusqlite::Connection::open(export(dir.path(), "d.db", &[])).unwrap();
    let (v, ty): (f64, String) = db
        .query_row(
            "SELECT value, typeof(value) FROM cells WHERE key = ?1",
            [KEY],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((v, ty.as_str()), (2110.5, "real"));
}

#[test]
fn a_whole_fee_is_still_written_as_a_decimal_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    gather(dir.path(), &[common::fixtures()]);
    let mut r = csv::Reader::from_path(export(dir.path(), "long.csv", &[])).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let fees: Vec<String> = r
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[col("kind")] == "amount" && !r[col("value")].is_empty())
        .map(|r| r[col("value")].to_string())
        .collect();
    assert!(!fees.is_empty());
    assert!(fees.iter().all(|v| v.contains('.')), "{fees:?}");
}

#[test]
fn a_file_name_is_never_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("in");
    std::fs::create_dir_all(&to).unwrap();
    std::fs::copy(
        common::fixtures().join("000_7a2d16d58913ef59.txt"),
        to.join("=1+2.txt"),
    )
    .unwrap();
    // Named relative to the working folder, the source field starts with `=`.
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        bin()
            .current_dir(&to)
            .args(["export", "=1+2.txt", "-q", "-o"])
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        out
    };
    for (name, extra) in [("l.csv", &[][..]), ("w.csv", &["--format", "csv-wide"][..])] {
        let text = std::fs::read_to_string(run(name, extra)).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let first = r.records().next().unwrap().unwrap();
        assert_eq!(&first[0], "'=1+2.txt", "{name}");
    }
    let out = run("b.xlsx", &[]);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("报告").unwrap();
    assert_eq!(sheet.get((2, 0)), Some(&Data::String("=1+2.txt".into())));
    let formulas = book.worksheet_formula("报告").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell of the workbook is a formula"
    );
}
#[test]
fn a_year_on_year_join_is_one_query() {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("in");
    std::fs::create_dir_all(&to).unwrap();
    let text =
        std::fs::read_to_string(common::fixtures().join("000_7a2d16d58913ef59.txt")).unwrap();
    assert!(text.contains("2024"));
    std::fs::write(to.join("a2024.txt"), &text).unwrap();
    std::fs::write(to.join("a2023.txt"), text.replace("2024", "2023")).unwrap();
    let db = rusqlite::Connection::open(export(dir.path(), "d.sqlite", &[])).unwrap();
    let (n, same): (i64, i64) = db
        .query_row(
            "SELECT count(*), sum(value IS last_value) FROM year_on_year WHERE year = 2024",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, same), (200, 200), "every key of the two years joined");
    // Last year's 结转下年度 beside this year's 上年结转: the carry-over check as one join.
    let (this, last): (Option<f64>, Option<f64>) = db
        .query_row(
            "SELECT c.value, pc.value FROM reports r JOIN cells c ON c.report_id = r.id
               JOIN reports p ON p.body = r.body AND p.year = r.year - 1
               JOIN cells pc ON pc.report_id = p.id AND pc.canonical_key = 'requests.carried_forward.total'
             WHERE c.canonical_key = 'requests.carried_over.total' AND r.year = 2024",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let json = truth(dir.path());
    let value = |name: &str, key: &str| {
        let source = to.join(name).display().to_string();
        json[&(source, key.to_string())].0
    };
    assert_eq!(this, value("a2024.txt", "requests.carried_over.total"));
    assert_eq!(last, value("a2023.txt", "requests.carried_forward.total"));
}

#[test]
fn a_dismissed_warning_is_in_every_format_and_no_longer_flags_its_cell() {
    use tablereview::review::ReviewDoc;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("in");
    std::fs::create_dir_all(&to).unwrap();
    let src = to.join("r.txt");
    std::fs::copy(common::fixtures().join("001_8b45603aceec5a0e.txt"), &src).unwrap();
    let mut doc = ReviewDoc::open(&src, "li", None).unwrap();
    let findings = &doc.current.findings;
    // A finding that alone names its one cell: dismissing it leaves the cell unflagged.
    let (i, cell) = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule.as_ref() == "inferred" && f.cells.len() == 1)
        .map(|(i, f)| (i, f.cells[0].clone()))
        .find(|(_, c)| findings.iter().filter(|f| f.cells.contains(c)).count() == 1)
        .expect("an inferred cell named once");
    let warnings = doc.current.warnings();
    doc.dismiss(i, "checked against the PDF").unwrap();
    doc.save().unwrap();

    let text = std::fs::read_to_string(export(dir.path(), "d.json", &[])).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rec = &v["reports"][0];
    assert_eq!(rec["cells"][&cell]["status"], "dismissed");
    assert_eq!(rec["warnings"].as_u64().unwrap() as usize, warnings - 1);
    let f = rec["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["cells"][0] == cell.as_str() && f["rule"] == "inferred")
        .unwrap();
    assert_eq!(f["dismissed"]["reason"], "checked against the PDF");

    let mut r = csv::Reader::from_path(export(dir.path(), "l.csv", &[])).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let row = r
        .records()
        .map(Result::unwrap)
        .find(|r| r[col("key")] == cell)
        .unwrap();
    assert_eq!((&row[col("status")], &row[col("flags")]), ("dismissed", ""));

    let db = rusqlite::Connection::open(export(dir.path(), "d.db", &[])).unwrap();
    let reason: String = db
        .query_row(
            "SELECT dismissed_reason FROM findings WHERE rule = 'inferred' AND cells = ?1",
            [&cell],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "checked against the PDF");

    let mut book: Xlsx<_> = open_workbook(export(dir.path(), "b.xlsx", &[])).unwrap();
    let sheet = book.worksheet_range("发现").unwrap();
    let found = sheet.rows().any(|r| {
        r.get(7)
            .is_some_and(|d| d.to_string().starts_with("checked against the PDF"))
    });
    assert!(found, "the 发现 sheet gives the reason");
}

#[test]
fn measures_stand_beside_the_values_in_the_wide_formats() {
    let dir = tempfile::tempdir().unwrap();
    gather(dir.path(), &[common::fixtures()]);
    let json = std::fs::read_to_string(export(dir.path(), "m.json", &["--measures"])).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let want: HashMap<String, Option<f64>> = doc["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let source = r["source"].as_str().unwrap().to_string();
            (
                source,
                r["measures"]["substantive_disclosure_rate"].as_f64(),
            )
        })
        .collect();
    const COL: &str = "measure:substantive_disclosure_rate";
    let mut book: Xlsx<_> = open_workbook(export(dir.path(), "m.xlsx", &["--measures"])).unwrap();
    let (values, statuses) = (
        book.worksheet_range("报告").unwrap(),
        book.worksheet_range("状态").unwrap(),
    );
    let c = (0..values.get_size().1)
        .find(|&c| values.get((0, c)) == Some(&Data::String(COL.into())))
        .unwrap();
    let mut w = csv::Reader::from_path(export(
        dir.path(),
        "m.csv",
        &["--format", "csv-wide", "--measures"],
    ))
    .unwrap();
    let head = w.headers().unwrap().clone();
    let wc = head.iter().position(|h| h == COL).unwrap();
    let wide: HashMap<String, Option<f64>> = w
        .records()
        .map(Result::unwrap)
        .map(|r| (r[0].to_string(), number(&r[wc])))
        .collect();
    for r in 2..values.get_size().0 {
        let source = values.get((r, 0)).unwrap().to_string();
        let got = match values.get((r, c)) {
            Some(Data::Float(f)) => Some(*f),
            _ => None,
        };
        assert_eq!(got, want[&source], "xlsx {source}");
        let status = if got.is_some() { "derived" } else { "unknown" };
        assert_eq!(statuses.get((r, c)), Some(&Data::String(status.into())));
        assert_eq!(wide[&source], want[&source], "wide csv {source}");
    }
    assert!(want.values().any(Option::is_some));
}

#[test]
fn what_a_second_reviewer_should_check_is_in_every_format() {
    use tablereview::review::ReviewDoc;
    let dir = tempfile::tempdir().unwrap();
    reviewed_fee(dir.path(), "r.txt");
    const WHY: &str = "=check the fee against the budget";
    let mut doc = ReviewDoc::open(&dir.path().join("in/r.txt"), "li", None).unwrap();
    doc.ask_second_review(WHY.into()).unwrap();
    doc.save().unwrap();
    drop(doc);

    let json = export(dir.path(), "all.json", &[]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let rec = &v["reports"][0];
    assert_eq!(rec["status"], "needs_second_review");
    assert_eq!(rec["review_reason"], WHY);

    // In the CSVs as text, never a formula.
    for (name, extra) in [
        ("long.csv", &[][..]),
        ("wide.csv", &["--format", "csv-wide"][..]),
    ] {
        let mut r = csv::Reader::from_path(export(dir.path(), name, extra)).unwrap();
        let head = r.headers().unwrap().clone();
        let col = head.iter().position(|h| h == "review_reason").unwrap();
        let status = head.iter().position(|h| h == "report_status").unwrap();
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[col], format!("'{WHY}"), "{name}");
        assert_eq!(&row[status], "needs_second_review", "{name}");
    }

    let mut book: Xlsx<_> = open_workbook(export(dir.path(), "b.xlsx", &[])).unwrap();
    let sheet = book.worksheet_range("报告").unwrap();
    let c = (0..sheet.get_size().1)
        .find(|&c| sheet.get((0, c)) == Some(&Data::String("review_reason".into())))
        .unwrap();
    assert_eq!(sheet.get((2, c)), Some(&Data::String(WHY.into())));

    let db = rusqlite::Connection::open(export(dir.path(), "d.db", &[])).unwrap();
    let (status, why): (String, String) = db
        .query_row("SELECT status, review_reason FROM reports", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (status.as_str(), why.as_str()),
        ("needs_second_review", WHY)
    );
}
