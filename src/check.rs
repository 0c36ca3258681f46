//! The checker: cell-status findings and every identity of the template, per row and column.
//!
//! It is re-run after every edit in the review screen, so it only reads the report's cells and
//! replaces the findings it owns, keeping the extractor's.

pub mod series;

use crate::extract::EXTRACT_RULES;
use crate::model::{cell_key, format_value, CellStatus, Finding, Report, Severity};
use crate::template::{CellAt, Identity, Over, Relation, TableSpec, Template};

/// Terms shown in full before a sum is elided (`16+0+…+1`).
const MAX_TERMS_SHOWN: usize = 5;

/// Recomputes the checker's findings for `report` under `template`.
pub fn run(report: &mut Report, template: &Template) {
    // The extractor's findings stay until a reviewer has edited or confirmed every cell one
    // names (a merged row entered by hand, a misprinted subtotal checked).
    let reviewed = |key: &String| {
        report
            .cell(key)
            .is_some_and(|c| matches!(c.status, CellStatus::Edited | CellStatus::Confirmed))
    };
    let kept: Vec<Finding> = report
        .findings
        .iter()
        .filter(|f| EXTRACT_RULES.contains(&f.rule.as_ref()))
        .filter(|f| f.cells.is_empty() || !f.cells.iter().all(reviewed))
        .cloned()
        .collect();
    report.findings = kept;
    // Room for a finding per flagged cell, so a report with many blanks grows the list once.
    let flagged = report
        .cells_in_place()
        .filter(|(_, _, c)| {
            !matches!(
                c.status,
                CellStatus::Ok | CellStatus::Missing | CellStatus::Edited | CellStatus::Confirmed
            )
        })
        .count();
    let mut out = Vec::with_capacity(flagged + 8);
    // A document with no text at all has one finding that says so; a missing table each
    // would only repeat it.
    let unreadable = report
        .findings
        .iter()
        .any(|f| f.rule.as_ref() == "no-text-layer" && f.severity == Severity::Error);
    for (table, spec) in report.tables.iter().zip(&template.tables) {
        if !table.found {
            if unreadable {
                continue;
            }
            // Cells a reviewer has filled in since are no longer missing.
            let still_missing: Vec<String> = table
                .rows
                .iter()
                .flat_map(|r| {
                    r.cells
                        .iter()
                        .filter(|c| c.status == CellStatus::Missing)
                        .map(move |c| cell_key(&table.id, &r.key, &c.column))
                })
                .collect();
            if still_missing.is_empty() {
                continue;
            }
            out.push(Finding {
                rule: "missing-table".into(),
                severity: Severity::Error,
                cells: still_missing,
                message: format!(
                    "table “{}” was not found in the text; enter it from the original report or reject the report",
                    table.title
                ),
                span: None,
                dismissed: None,
            });
            continue;
        }
        for (ri, row) in table.rows.iter().enumerate() {
            // A report (or sidecar) of another shape than its template: check what matches.
            let Some(rspec) = spec.rows.get(ri) else {
                continue;
            };
            if !row.cells.is_empty() && row.cells.iter().all(|c| c.status == CellStatus::Missing) {
                out.push(Finding {
                    rule: "missing-row".into(),
                    severity: Severity::Error,
                    cells: row
                        .cells
                        .iter()
                        .map(|c| cell_key(&table.id, &row.key, &c.column))
                        .collect(),
                    message: format!("row “{}” was not found in the table", rspec.label),
                    span: None,
                    dismissed: None,
                });
                continue;
            }
            for cell in &row.cells {
                // Most cells are fine: their key and name are only built for a finding.
                if matches!(
                    cell.status,
                    CellStatus::Ok
                        | CellStatus::Missing
                        | CellStatus::Edited
                        | CellStatus::Confirmed
                ) {
                    continue;
                }
                let key = cell_key(&table.id, &row.key, &cell.column);
                // The message is built in one string: a finding per blank cell is the usual
                // case, and there can be a hundred in a report.
                let mut message = String::with_capacity(160);
                push_cell_name(&mut message, spec, ri, &cell.column);
                let (rule, severity) = match cell.status {
                    CellStatus::Ok
                    | CellStatus::Missing
                    | CellStatus::Edited
                    | CellStatus::Confirmed => continue,
                    CellStatus::Blank => {
                        message.push_str(
                            ": blank in the source (counted as 0); confirm or enter a value",
                        );
                        ("blank", Severity::Warning)
                    }
                    CellStatus::Na => {
                        message.push_str(": marked “");
                        message.push_str(cell.raw.as_deref().unwrap_or(""));
                        message.push_str("” (not applicable); confirm or enter a value");
                        ("na", Severity::Warning)
                    }
                    CellStatus::Invalid => {
                        let raw = cell.raw.as_deref().unwrap_or("");
                        let why = spec
                            .column(&cell.column)
                            .and_then(|c| crate::value::parse(raw, c.kind, c.unit.as_deref()).err())
                            .map(|w| format!(" ({w})"))
                            .unwrap_or_default();
                        message.push_str(&format!(
                            ": “{raw}” is not a valid {}{why}; enter the right figure",
                            kind_name(spec, &cell.column)
                        ));
                        ("invalid", Severity::Error)
                    }
                    CellStatus::Inferred => {
                        message.push_str(": ");
                        match cell.value {
                            Some(v) => message.push_str(&format_value(v)),
                            None => message.push_str("blank"),
                        }
                        message.push_str(
                            " placed here by solving the identities (blank cells dropped or figures run together); confirm",
                        );
                        ("inferred", Severity::Warning)
                    }
                    CellStatus::Ambiguous => {
                        message.push_str(": ");
                        message.push_str(&ambiguous_text(&cell.candidates));
                        ("ambiguous", Severity::Error)
                    }
                };
                out.push(Finding {
                    rule: rule.into(),
                    severity,
                    cells: vec![key],
                    message,
                    span: None,
                    dismissed: None,
                });
            }
        }
    }
    for identity in template.identities() {
        if let Some(f) = check_identity(report, template, identity) {
            out.push(f);
        }
    }
    narrative_findings(report, template, &mut out);
    if report.findings.is_empty() {
        report.findings = out;
    } else {
        report.findings.extend(out);
    }
}

/// Where the prose and the table disagree, and where the prose offers a figure the table lacks.
fn narrative_findings(report: &Report, template: &Template, out: &mut Vec<Finding>) {
    for s in &report.narrative {
        let mut sum = 0.0;
        let mut usable = true;
        for key in &s.cells {
            match report.cell(key) {
                Some(c) => match c.status {
                    CellStatus::Missing | CellStatus::Invalid | CellStatus::Ambiguous => {
                        usable = false
                    }
                    _ => sum += c.value.unwrap_or(0.0),
                },
                None => usable = false,
            }
        }
        let Some(figure) = s.value else { continue };
        if !usable || (sum - figure).abs() < 1e-6 {
            continue;
        }
        let names: Vec<String> = s
            .cells
            .iter()
            .filter_map(|k| key_name(template, k))
            .collect();
        let names = if names.len() > 3 {
            format!("{} … {}", names[0], names[names.len() - 1])
        } else {
            names.join(" + ")
        };
        out.push(Finding {
            rule: "narrative-mismatch".into(),
            severity: Severity::Warning,
            cells: s.cells.clone(),
            message: format!(
                "the text says “{}” ({} {}) but the table has {} ({names})",
                s.quote,
                s.label,
                format_value(figure),
                format_value(sum)
            ),
            span: Some(s.sentence),
            dismissed: None,
        });
    }
    for (table, row, cell) in report.cells_in_place() {
        let Some(sug) = &cell.suggestion else {
            continue;
        };
        if cell.value.is_some() || !matches!(cell.status, CellStatus::Missing | CellStatus::Blank) {
            continue;
        }
        let key = cell_key(&table.id, &row.key, &cell.column);
        let name = key_name(template, &key).unwrap_or_else(|| key.clone());
        out.push(Finding {
            rule: "suggestion".into(),
            severity: Severity::Warning,
            cells: vec![key],
            message: format!(
                "{name}: the text states {}; accept it if the table really lacks it",
                sug.value.map(format_value).unwrap_or_default()
            ),
            span: Some(sug.span),
            dismissed: None,
        });
    }
}

/// The human name of a cell key.
fn key_name(template: &Template, key: &str) -> Option<String> {
    let (t, r, c) = crate::review::split_key(key)?;
    let spec = template.table(t)?;
    Some(cell_name(spec, spec.row_index(r)?, c))
}

fn ambiguous_text(candidates: &[Option<f64>]) -> String {
    if candidates.is_empty() {
        return "the printed values cannot be placed with confidence; enter the right value".into();
    }
    let shown: Vec<String> = candidates
        .iter()
        .map(|c| c.map(format_value).unwrap_or_else(|| "blank".into()))
        .collect();
    format!(
        "could be {} (several placements satisfy the identities); choose one",
        shown.join(" or ")
    )
}

/// A cell's human name: row short label and column label.
pub fn cell_name(spec: &TableSpec, ri: usize, column: &str) -> String {
    let mut name = String::new();
    push_cell_name(&mut name, spec, ri, column);
    name
}

/// Appends [`cell_name`] to `out`.
fn push_cell_name(out: &mut String, spec: &TableSpec, ri: usize, column: &str) {
    let col = spec.column(column).map_or(column, |c| c.label.as_str());
    out.push_str(&spec.rows[ri].short);
    out.push(' ');
    out.push_str(col);
}

fn kind_name(spec: &TableSpec, column: &str) -> &'static str {
    match spec.column(column).map(|c| c.kind) {
        Some(crate::template::ValueKind::Change) => "signed whole number",
        Some(crate::template::ValueKind::Amount) => "amount",
        _ => "count (a whole number, 0 or more)",
    }
}

/// Evaluates one identity; a finding if it fails. Blank and n/a count as 0; an identity with a
/// missing, invalid or ambiguous cell is not evaluated (that cell is already an error).
pub fn check_identity(report: &Report, template: &Template, id: &Identity) -> Option<Finding> {
    let table = report.table(&id.table)?;
    let spec = template.table(&id.table)?;
    let value = |((ri, col), at): (&(usize, String), &CellAt)| -> Option<f64> {
        let cells = &table.rows.get(*ri)?.cells;
        // By position where the report has the template's shape (extracted reports always
        // do); by name otherwise (a sidecar of another shape).
        let cell = match cells.get(at.cell) {
            Some(c) if c.column == *col => c,
            _ => cells.iter().find(|c| &c.column == col)?,
        };
        match cell.status {
            // Already errors of their own; an ambiguous cell's shown value is only one of
            // several possible, so the sums would blame its neighbours for nothing.
            CellStatus::Missing | CellStatus::Invalid | CellStatus::Ambiguous => None,
            _ => Some(cell.value.unwrap_or(0.0)),
        }
    };
    let l: f64 = side(&id.lhs, &id.lhs_at).map(value).sum::<Option<f64>>()?;
    let r: f64 = side(&id.rhs, &id.rhs_at).map(value).sum::<Option<f64>>()?;
    let holds = match id.relation {
        Relation::Eq => (l - r).abs() < 1e-6,
        Relation::Le => l <= r + 1e-6,
    };
    if holds {
        return None;
    }
    // Failing is rare: only now are the terms gathered for the message.
    let lhs: Vec<f64> = side(&id.lhs, &id.lhs_at).filter_map(value).collect();
    let rhs: Vec<f64> = side(&id.rhs, &id.rhs_at).filter_map(value).collect();
    let names = |side: &[(usize, String)]| -> String {
        side.iter()
            .map(
                |(ri, col)| match template.identity_spec(&id.id).map(|s| s.over) {
                    Some(Over::Rows) => spec.column(col).map_or(col.clone(), |c| c.short.clone()),
                    _ => spec.rows[*ri].short.clone(),
                },
            )
            .collect::<Vec<_>>()
            .join("+")
    };
    let along = match template.identity_spec(&id.id).map(|s| s.over) {
        Some(Over::Rows) => spec
            .row_index(&id.along)
            .map(|ri| spec.rows[ri].short.clone()),
        _ => spec.column(&id.along).map(|c| c.short.clone()),
    }
    .unwrap_or_default();
    let title = match template.identity_spec(&id.id).map(|s| s.over) {
        Some(Over::Rows) => format!("{along} {}", names(&id.lhs)),
        _ => format!("{} {along}", names(&id.lhs)),
    };
    let rhs_title = if id.rhs.len() <= 2 {
        format!("{} ", names(&id.rhs))
    } else {
        String::new()
    };
    let op = match id.relation {
        Relation::Eq => "≠",
        Relation::Le => ">",
    };
    let name = template
        .identity_spec(&id.id)
        .map_or("", |s| s.name.as_str());
    Some(Finding {
        rule: id.id.clone().into(),
        severity: id.severity,
        cells: id.cell_keys(spec),
        message: format!(
            "{title}: {} {op} {rhs_title}{}  [{name}]",
            sum_text(&lhs, l),
            sum_text(&rhs, r)
        ),
        span: None,
        dismissed: None,
    })
}

/// One side of an identity: each cell's (row, column) with its position.
fn side<'a>(
    names: &'a [(usize, String)],
    at: &'a [CellAt],
) -> impl Iterator<Item = (&'a (usize, String), &'a CellAt)> {
    names.iter().zip(at)
}

/// `22`, or `16+0+…+1 = 23` for several terms.
fn sum_text(terms: &[f64], total: f64) -> String {
    if terms.len() == 1 {
        return format_value(total);
    }
    let shown: Vec<String> = if terms.len() > MAX_TERMS_SHOWN {
        let mut v: Vec<String> = terms[..2].iter().map(|t| format_value(*t)).collect();
        v.push("…".into());
        v.push(format_value(terms[terms.len() - 1]));
        v
    } else {
        terms.iter().map(|t| format_value(*t)).collect()
    };
    format!("{} = {}", shown.join("+"), format_value(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_elide_long_term_lists() {
        assert_eq!(sum_text(&[22.0], 22.0), "22");
        assert_eq!(sum_text(&[1.0, 2.0], 3.0), "1+2 = 3");
        assert_eq!(
            sum_text(&[61.0, 0.0, 3.0, 2.0, 0.0, 1.0], 67.0),
            "61+0+…+1 = 67"
        );
    }
}

#[cfg(test)]
mod identity_tests {
    use crate::extract::extract_text;
    use crate::model::{Report, Severity, Source};
    use crate::synth::{render, sample_values, Rng, Style};
    use crate::template::by_key;
    use rstest::rstest;

    fn clean(key: &str) -> Report {
        let t = by_key(key).unwrap();
        let year = t.last_year.unwrap_or(2023);
        let values = sample_values(t, &mut Rng::new(7), 0);
        let text = render(t, &values, "某县", year, Style::PipeRows, false);
        let source = Source {
            path: String::new(),
            sha256: String::new(),
            encoding: "utf-8".into(),
            reader: None,
        };
        let report = extract_text(&text, source);
        assert_eq!(report.errors(), 0, "{:#?}", report.findings);
        report
    }

    #[rstest]
    #[case("gov-2021", "requests.carried_over.research", &["H1", "H3"])]
    #[case("gov-2021", "requests.granted.commercial", &["H2", "H3"])]
    #[case("gov-2021", "requests.granted.total", &["H2", "H3"])]
    #[case("gov-2021", "requests.total_processed.total", &["H1", "H2", "H3"])]
    #[case("gov-2021", "appeals.litigation_direct.pending", &["H4"])]
    #[case("gov-2019", "requests.other_processing.other", &["H2", "H3"])]
    #[case("gov-2019", "appeals.review.total", &["H4"])]
    fn changing_a_cell_breaks_exactly_its_identities(
        #[case] template: &str,
        #[case] cell: &str,
        #[case] rules: &[&str],
    ) {
        let mut report = clean(template);
        let c = report.cell_mut(cell).unwrap();
        c.value = Some(c.value.unwrap_or(0.0) + 5.0);
        super::run(&mut report, by_key(template).unwrap());
        let mut fired: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.rule.as_ref())
            .collect();
        fired.sort();
        fired.dedup();
        assert_eq!(fired, rules);
        for f in report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
        {
            assert!(
                f.cells.iter().any(|k| k == cell),
                "{f:?} does not name {cell}"
            );
            assert!(f.message.contains('≠'), "{}", f.message);
        }
    }

    #[test]
    fn a_grid_of_another_shape_is_checked_by_cell_names() {
        // A sidecar from an older template revision may lack a cell: the others shift, and
        // the identities must still find theirs by name.
        let mut report = clean("gov-2021");
        let row = report.tables[1]
            .rows
            .iter_mut()
            .find(|r| r.key == "granted")
            .unwrap();
        row.cells.retain(|c| c.column != "natural_person");
        let c = report.cell_mut("requests.granted.commercial").unwrap();
        c.value = Some(c.value.unwrap_or(0.0) + 5.0);
        super::run(&mut report, by_key("gov-2021").unwrap());
        let fired: Vec<(&str, &[String])> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| (f.rule.as_ref(), f.cells.as_slice()))
            .collect();
        assert!(
            fired.iter().any(|(rule, cells)| *rule == "H2"
                && cells.iter().any(|k| k == "requests.granted.commercial")),
            "{fired:?}"
        );
        // The row sum names the missing cell, so it is not evaluated at all.
        assert!(!fired
            .iter()
            .any(|(rule, cells)| *rule == "H1"
                && cells.iter().any(|k| k == "requests.granted.total")));
    }

    #[test]
    fn soft_rule_warns_when_more_published_than_made() {
        let mut report = clean("gov-2019");
        report
            .cell_mut("proactive.regulations.newly_made")
            .unwrap()
            .value = Some(1.0);
        report
            .cell_mut("proactive.regulations.newly_published")
            .unwrap()
            .value = Some(3.0);
        super::run(&mut report, by_key("gov-2019").unwrap());
        let s1: Vec<_> = report.findings.iter().filter(|f| f.rule == "S1").collect();
        assert_eq!(s1.len(), 1);
        assert_eq!(s1[0].severity, Severity::Warning);
        assert!(
            s1[0].message.contains("新公开: 3 > 新制作 1"),
            "{}",
            s1[0].message
        );
    }

    #[test]
    fn tables_in_the_other_format_than_the_year_warn() {
        let t = by_key("gov-2019").unwrap();
        let values = sample_values(t, &mut Rng::new(3), 0);
        let text = render(t, &values, "某县", 2023, Style::PipeRows, false);
        let source = Source {
            path: String::new(),
            sha256: String::new(),
            encoding: "utf-8".into(),
            reader: None,
        };
        let report = extract_text(&text, source);
        assert_eq!(report.template, "gov-2019", "the labels decide");
        assert!(report
            .findings
            .iter()
            .any(|f| f.rule == "template-year-mismatch"));
    }
}
