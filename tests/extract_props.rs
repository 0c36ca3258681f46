//! Properties of the extractor over generated input.
//!
//! Round trips render consistent tables in every extraction style and read them back; the
//! central property is that no cell is wrong without being flagged.

use std::path::Path;

use proptest::prelude::*;
use tablereview::decode::decode;
use tablereview::extract::extract_text;
use tablereview::model::{CellStatus, Severity, Source};
use tablereview::synth::{flatten, render, sample_values, web_page, Rng, Style, Values};
use tablereview::template::{self, Template};

fn source() -> Source {
    Source {
        path: "gen.txt".into(),
        sha256: String::new(),
        encoding: "utf-8".into(),
        reader: None,
    }
}

fn style(i: usize) -> Style {
    Style::ALL[i % Style::ALL.len()]
}

fn year(t: &Template) -> i32 {
    t.last_year.unwrap_or(t.first_year + 2)
}

fn template(i: usize) -> &'static Template {
    &template::all()[i % template::all().len()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        if let Ok(decoded) = decode(&bytes, Path::new("x.txt")) {
            let report = extract_text(&decoded.text, source());
            for (_, cell) in report.cells() {
                if let Some(span) = cell.span {
                    prop_assert!(span.end <= decoded.text.len());
                    prop_assert!(decoded.text.is_char_boundary(span.start));
                    prop_assert!(decoded.text.is_char_boundary(span.end));
                }
            }
        }
    }

    #[test]
    fn arbitrary_pages_and_word_bodies_never_panic(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("<table>".to_string()), Just("</table>".to_string()), Just("<tr>".to_string()),
                Just("<td rowspan=\"3\">".to_string()), Just("<td colspan=99999>".to_string()),
                Just("</td>".to_string()), Just("<p>".to_string()), Just("&nbsp;".to_string()),
                Just("<w:tbl>".to_string()), Just("<w:tr>".to_string()), Just("<w:tc>".to_string()),
                Just("<w:vMerge/>".to_string()), Just("</w:tc>".to_string()), Just("</w:tr>".to_string()),
                Just("<w:t>".to_string()), Just("</w:t>".to_string()), Just("&#x4e00;".to_string()),
                Just("规章".to_string()), Just("二、主动公开政府信息情况".to_string()),
                "[0-9]{1,4}", "[<>&;/ a-z\"=]{0,6}",
            ],
            0..200,
        )
    ) {
        let doc = parts.concat();
        if let Ok(d) = tablereview::read::html::read(doc.as_bytes(), Path::new("x.html")) {
            let report = extract_text(&d.text, source());
            for (_, cell) in report.cells() {
                if let Some(span) = cell.span {
                    prop_assert!(span.end <= d.text.len());
                }
            }
        }
        let _ = tablereview::read::docx::to_text(doc.as_bytes());
    }

    #[test]
    fn table_like_text_never_panics_and_spans_stay_inside(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("|".to_string()), Just("\n".to_string()), Just("\t".to_string()),
                Just(" ".to_string()), Just("二、主动公开政府信息情况\n".to_string()),
                Just("三、收到和处理政府信息公开申请情况\n".to_string()),
                Just("四、政府信息公开行政复议、行政诉讼情况\n".to_string()),
                Just("（一）予以公开".to_string()), Just("规章".to_string()), Just("总计".to_string()),
                Just("（七）总计".to_string()), Just("/".to_string()), Just("万元".to_string()),
                Just("[bookmark: _GoBack]".to_string()), Just("２０".to_string()),
                "[0-9]{1,6}", "[+-]?[0-9]{1,3}(\\.[0-9]{1,3})?",
            ],
            0..300,
        )
    ) {
        let text: String = parts.concat();
        let report = extract_text(&text, source());
        for (key, cell) in report.cells() {
            if let Some(span) = cell.span {
                prop_assert!(span.start <= span.end && span.end <= text.len(), "{key}");
                prop_assert_eq!(Some(&text[span.start..span.end]), cell.raw.as_deref());
            }
        }
    }

    #[test]
    fn complete_tables_round_trip_in_every_style(seed in any::<u64>(), s in 0usize..4, t in 0usize..2) {
        let tpl = template(t);
        let values = sample_values(tpl, &mut Rng::new(seed), 0);
        let text = render(tpl, &values, "某某县人民政府", year(tpl), style(s), false);
        let report = extract_text(&text, source());
        prop_assert_eq!(&report.template, &tpl.key);
        for (key, cell) in report.cells() {
            prop_assert_eq!(cell.status, CellStatus::Ok, "{} in\n{}", key, text);
            prop_assert_eq!(cell.value, values[&key], "{}", key);
        }
        prop_assert_eq!(report.errors(), 0, "{:#?}", report.findings);
    }

    #[test]
    fn explicit_blank_cells_stay_blank(seed in any::<u64>(), s in 0usize..3, t in 0usize..2) {
        let tpl = template(t);
        let values = sample_values(tpl, &mut Rng::new(seed), 40);
        let text = render(tpl, &values, "某某市", year(tpl), style(s), false);
        let report = extract_text(&text, source());
        check_no_silent_errors(&report, &values, &text)?;
        for (key, cell) in report.cells() {
            prop_assert_eq!(cell.value, values[&key], "{}", key);
            // A row with a field for every cell is placed by position, never re-solved.
            if style(s) == Style::PipeRows {
                prop_assert!(
                    matches!(cell.status, CellStatus::Ok | CellStatus::Blank),
                    "{} is {:?}\n{}", key, cell.status, text
                );
            }
        }
    }

}

proptest! {
    // Heavier per case (the solver works hard on tables with many short rows).
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn dropped_blank_cells_are_never_wrong_without_a_flag(seed in any::<u64>(), s in 0usize..4, t in 0usize..2) {
        let tpl = template(t);
        let values = sample_values(tpl, &mut Rng::new(seed), 50);
        let text = render(tpl, &values, "某某区", year(tpl), style(s), true);
        let report = extract_text(&text, source());
        check_no_silent_errors(&report, &values, &text)?;
    }
}

proptest! {
    // Each case solves whole tables of glued digits.
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// The crawler's text: the report on one line, separators and empty cells gone, figures
    /// glued (some gaps kept as spaces). Every cell is exact or says it is not.
    #[test]
    fn one_line_glued_reports_are_never_wrong_without_a_flag(
        seed in any::<u64>(), blanks in prop_oneof![Just(0u64), Just(30u64)],
        spaced in 0u64..4, t in 0usize..2,
    ) {
        let tpl = template(t);
        let mut rng = Rng::new(seed);
        let values = sample_values(tpl, &mut rng, blanks);
        let text = render(tpl, &values, "某某县", year(tpl), Style::PipeRows, false);
        let line = flatten(&text, &mut rng, spaced);
        let report = extract_text(&line, source());
        prop_assert_eq!(&report.template, &tpl.key);
        for (key, cell) in report.cells() {
            let want = values[&key];
            if cell.value != want || cell.status == CellStatus::Ambiguous {
                let named = report.findings.iter().any(|f| f.cells.contains(&key));
                prop_assert!(
                    cell.status != CellStatus::Ok || named,
                    "{key}: {:?} ({:?}) but truth is {:?}\n{line}",
                    cell.value, cell.status, want
                );
            }
        }
        // A table printed in full (every zero too) is cut to fill every cell: a cell is then
        // right, or left a question (several cuts keep the identities, or no figure fits);
        // never a wrong cut passed off as the answer.
        if blanks == 0 {
            for (key, cell) in report.cells() {
                if cell.value != values[&key] {
                    prop_assert!(
                        !matches!(cell.status, CellStatus::Ok | CellStatus::Inferred),
                        "{key}: {:?} ({:?})\n{line}", cell.value, cell.status
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// A web page's tables (each pipe row of a rendered report as a Word-exported `<tr>`, an
    /// `&nbsp;` for a blank cell, amid a CMS page's menus and scripts) read exactly: every
    /// figure by position, every blank cell blank, nothing inferred. Spans are covered by the
    /// reader's own tests.
    #[test]
    fn web_page_tables_read_exactly(seed in any::<u64>(), blanks in 0u64..60, t in 0usize..2) {
        let tpl = template(t);
        let values = sample_values(tpl, &mut Rng::new(seed), blanks);
        let text = render(tpl, &values, "某某县", year(tpl), Style::PipeRows, false);
        let html = web_page(&text, 3);
        let decoded = tablereview::read::html::read(html.as_bytes(), Path::new("gen.html")).unwrap();
        let report = extract_text(&decoded.text, source());
        for (key, cell) in report.cells() {
            prop_assert_eq!(cell.value, values[&key], "{}\n{}", key, decoded.text);
            prop_assert!(
                matches!(cell.status, CellStatus::Ok | CellStatus::Blank),
                "{} is {:?}\n{}", key, cell.status, decoded.text
            );
        }
    }
}

/// Every cell whose value differs from the truth must be named by an error-level finding
/// (its own status, or a failing identity); inferred cells must be right.
fn check_no_silent_errors(
    report: &tablereview::Report,
    truth: &Values,
    text: &str,
) -> Result<(), TestCaseError> {
    for (key, cell) in report.cells() {
        let want = truth[&key];
        if cell.value != want {
            let flagged = report
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error && f.cells.contains(&key));
            prop_assert!(
                flagged && cell.status != CellStatus::Inferred,
                "{key}: {:?} ({:?}) but truth is {:?}\n{text}",
                cell.value,
                cell.status,
                want
            );
        }
    }
    Ok(())
}
