//! The five real seed reports extract cell for cell as a person reads them.
//!
//! Expected grids live in fixtures/expected/<stem>.grid in compact notation
//! (`12` read, `12*` inferred, `12?` ambiguous, `_` blank, `-` missing); each was checked
//! against the source text by hand.

use std::path::{Path, PathBuf};

use rstest::rstest;
use tablereview::extract::extract_file;
use tablereview::model::{CellStatus, Report};
use tablereview::summary::compact_grid;

fn fixture(stem: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{stem}.txt"))
}

fn extract(stem: &str) -> Report {
    extract_file(&fixture(stem)).expect("seed extracts")
}

#[rstest]
#[case("000_7a2d16d58913ef59", "gov-2021", Some(2024), Some("宝塔区"), [true, true, true])]
#[case("001_8b45603aceec5a0e", "gov-2019", Some(2020), Some("忻州市"), [true, true, true])]
#[case("002_0f59753cce69c6af", "gov-2021", Some(2024), Some("宛城区人民政府办公室"), [true, true, true])]
#[case("003_9110b932e3d5ac2b", "gov-2021", Some(2022), Some("乌恰县人民政府办公室"), [true, true, true])]
#[case("004_f1496913e2f754ab", "gov-2021", Some(2024), Some("汕尾市城区人民政府"), [false, false, false])]
fn seeds_extract_cell_for_cell(
    #[case] stem: &str,
    #[case] template: &str,
    #[case] year: Option<i32>,
    #[case] org: Option<&str>,
    #[case] found: [bool; 3],
) {
    let report = extract(stem);
    assert_eq!(report.template, template);
    assert_eq!(report.report.year, year);
    assert_eq!(report.report.organization.as_deref(), org);
    let got: Vec<bool> = report.tables.iter().map(|t| t.found).collect();
    assert_eq!(got, found);
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/expected")
        .join(format!("{stem}.grid"));
    let expected = std::fs::read_to_string(expected_path).unwrap();
    let actual = compact_grid(&report);
    if actual != expected {
        for (a, e) in actual.lines().zip(expected.lines()) {
            if a != e {
                eprintln!("expected {e}\n     got {a}");
            }
        }
        panic!("{stem}: grid differs from fixtures/expected");
    }
}

#[test]
fn seed_001_short_rows_have_the_unique_identity_solution() {
    // `(一)予以公开 | 199 | 371 | 16 | 5 | 591` for seven columns: only 自然人, 商业企业,
    // 科研机构, 法律服务机构 and 总计 make every row and column identity hold.
    let report = extract("001_8b45603aceec5a0e");
    let grid = compact_grid(&report);
    assert!(
        grid.contains("requests.granted: 199* 371* 16* _ 5* _ 591*\n"),
        "{grid}"
    );
    assert!(
        grid.contains("requests.unavailable_not_held: 5* _ _ _ 1* _ 6*\n"),
        "{grid}"
    );
    assert!(
        grid.contains("requests.total_processed: 218* 371* 16* _ 9* _ 614*\n"),
        "{grid}"
    );
    assert_eq!(report.errors(), 0, "{:#?}", report.findings);
    let inferred = report
        .findings
        .iter()
        .filter(|f| f.rule == "inferred")
        .count();
    assert_eq!(inferred, 18);
    assert!(report.findings.iter().all(|f| f.rule != "ambiguous"));
}

#[test]
fn seed_001_keeps_units_and_signs_as_printed() {
    let report = extract("001_8b45603aceec5a0e");
    let amount = report.cell("proactive.procurement.amount").unwrap();
    assert_eq!(amount.value, Some(27326.0));
    assert_eq!(amount.raw.as_deref(), Some("27326.00万元"));
    let change = report.cell("proactive.fees.change").unwrap();
    assert_eq!(
        (change.value, change.raw.as_deref()),
        (Some(4.0), Some("+4"))
    );
}

#[test]
fn seed_002_explicit_empty_cell_stays_blank() {
    let report = extract("002_0f59753cce69c6af");
    let cell = report.cell("requests.granted.other").unwrap();
    assert_eq!((cell.value, cell.status), (None, CellStatus::Blank));
    let blanks: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "blank")
        .collect();
    assert_eq!(blanks.len(), 1);
    assert_eq!(blanks[0].cells, ["requests.granted.other"]);
}

#[test]
fn seed_004_reports_all_three_tables_missing() {
    let report = extract("004_f1496913e2f754ab");
    let missing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "missing-table")
        .collect();
    assert_eq!(missing.len(), 3);
    assert_eq!(report.errors(), 3);
    assert!(report
        .cells()
        .all(|(_, c)| c.status == CellStatus::Missing && c.value.is_none()));
}

#[rstest]
#[case("000_7a2d16d58913ef59")]
#[case("001_8b45603aceec5a0e")]
#[case("002_0f59753cce69c6af")]
#[case("003_9110b932e3d5ac2b")]
fn every_span_points_at_its_raw_text(#[case] stem: &str) {
    let report = extract(stem);
    let text = std::fs::read_to_string(fixture(stem)).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut with_span = 0;
    for (key, cell) in report.cells() {
        if let Some(span) = cell.span {
            with_span += 1;
            assert_eq!(
                Some(&text[span.start..span.end]),
                cell.raw.as_deref(),
                "{key}"
            );
            let line = lines[span.line - 1];
            assert!(
                line.contains(cell.raw.as_deref().unwrap()),
                "{key} not on line {}",
                span.line
            );
        } else {
            assert!(cell.value.is_none(), "{key} has a value but no provenance");
        }
    }
    assert!(with_span > 0);
}

#[rstest]
#[case("000_7a2d16d58913ef59")]
#[case("002_0f59753cce69c6af")]
#[case("003_9110b932e3d5ac2b")]
fn clean_seeds_satisfy_every_identity(#[case] stem: &str) {
    let report = extract(stem);
    let broken: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with('H'))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn seed_000_prose_disagrees_with_the_unavailable_rows() {
    // The prose says 无法提供6件; the table holds 5 under 无法提供 and 1 under 重复申请.
    let report = extract("000_7a2d16d58913ef59");
    let mismatches: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "narrative-mismatch")
        .collect();
    assert_eq!(mismatches.len(), 1, "{mismatches:#?}");
    let m = mismatches[0];
    assert!(
        m.message.contains("无法提供6件") && m.message.contains("has 5"),
        "{}",
        m.message
    );
    assert!(m
        .cells
        .contains(&"requests.unavailable_not_held.total".to_string()));
    let text = std::fs::read_to_string(fixture("000_7a2d16d58913ef59")).unwrap();
    let span = m.span.unwrap();
    assert!(text[span.start..span.end].contains("无法提供6件"));
}

#[test]
fn seed_004_prose_suggests_the_missing_figures() {
    let report = extract("004_f1496913e2f754ab");
    let mut got: Vec<(String, f64)> = report
        .cells()
        .filter_map(|(k, c)| c.suggestion.as_ref().map(|s| (k, s.value.unwrap())))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let want = [
        ("proactive.coercion.decisions", 4.0),
        ("proactive.fees.amount", 2181.669177),
        ("proactive.licensing.decisions", 31461.0),
        ("proactive.normative_documents.in_force", 63.0),
        ("proactive.normative_documents.issued", 16.0),
        ("proactive.normative_documents.repealed", 8.0),
        ("proactive.punishment.decisions", 842.0),
        ("requests.new_received.total", 67.0),
    ];
    let want: Vec<(String, f64)> = want.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    assert_eq!(got, want);
    // A suggestion is never a value until a person accepts it.
    assert!(report.cells().all(|(_, c)| c.value.is_none()));
}

#[rstest]
#[case("001_8b45603aceec5a0e")]
#[case("002_0f59753cce69c6af")]
#[case("003_9110b932e3d5ac2b")]
fn seeds_whose_prose_agrees_raise_no_mismatch(#[case] stem: &str) {
    let report = extract(stem);
    assert!(
        !report.narrative.is_empty(),
        "{stem} states figures in its prose"
    );
    let bad: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "narrative-mismatch")
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}
