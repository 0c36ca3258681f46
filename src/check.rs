//! The checker: cell-status findings and every identity of the template, per row and column.
//!
//! It is re-run after every edit in the review screen, so it only reads the report's cells and
//! replaces the findings it owns, keeping the extractor's.

use crate::extract::EXTRACT_RULES;
use crate::model::{cell_key, format_value, CellStatus, Finding, Report, Severity};
use crate::template::{Identity, Over, Relation, TableSpec, Template};

/// Terms shown in full before a sum is elided (`16+0+…+1`).
const MAX_TERMS_SHOWN: usize = 5;

/// Recomputes the checker's findings for `report` under `template`.
pub fn run(report: &mut Report, template: &Template) {
    report
        .findings
        .retain(|f| EXTRACT_RULES.contains(&f.rule.as_str()));
    let mut out = Vec::new();
    for (table, spec) in report.tables.iter().zip(&template.tables) {
        if !table.found {
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
                });
                continue;
            }
            for cell in &row.cells {
                let key = cell_key(&table.id, &row.key, &cell.column);
                let name = cell_name(spec, ri, &cell.column);
                let (rule, severity, message) = match cell.status {
                    CellStatus::Ok | CellStatus::Missing | CellStatus::Edited | CellStatus::Confirmed => continue,
                    CellStatus::Blank => (
                        "blank",
                        Severity::Warning,
                        format!("{name}: blank in the source (counted as 0); confirm or enter a value"),
                    ),
                    CellStatus::Na => (
                        "na",
                        Severity::Warning,
                        format!(
                            "{name}: marked “{}” (not applicable); confirm or enter a value",
                            cell.raw.as_deref().unwrap_or("")
                        ),
                    ),
                    CellStatus::Invalid => (
                        "invalid",
                        Severity::Error,
                        format!(
                            "{name}: “{}” is not a valid {}",
                            cell.raw.as_deref().unwrap_or(""),
                            kind_name(spec, &cell.column)
                        ),
                    ),
                    CellStatus::Inferred => (
                        "inferred",
                        Severity::Warning,
                        format!(
                            "{name}: {} placed here by solving the identities (the row lost blank cells); confirm",
                            cell.value.map(format_value).unwrap_or_else(|| "blank".into())
                        ),
                    ),
                    CellStatus::Ambiguous => (
                        "ambiguous",
                        Severity::Error,
                        format!("{name}: {}", ambiguous_text(&cell.candidates)),
                    ),
                };
                out.push(Finding {
                    rule: rule.into(),
                    severity,
                    cells: vec![key],
                    message,
                    span: None,
                });
            }
        }
    }
    for identity in template.identities() {
        if let Some(f) = check_identity(report, template, identity) {
            out.push(f);
        }
    }
    report.findings.extend(out);
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
    let col = spec.column(column).map_or(column, |c| c.label.as_str());
    format!("{} {col}", spec.rows[ri].short)
}

fn kind_name(spec: &TableSpec, column: &str) -> &'static str {
    match spec.column(column).map(|c| c.kind) {
        Some(crate::template::ValueKind::Change) => "signed whole number",
        Some(crate::template::ValueKind::Amount) => "amount",
        _ => "count (a whole number, 0 or more)",
    }
}

/// Evaluates one identity; a finding if it fails. Blank and n/a count as 0; an identity with a
/// missing or invalid cell is not evaluated (that cell is already an error).
pub fn check_identity(report: &Report, template: &Template, id: &Identity) -> Option<Finding> {
    let table = report.table(&id.table)?;
    let spec = template.table(&id.table)?;
    let value = |(ri, col): &(usize, String)| -> Option<f64> {
        let cell = table
            .rows
            .get(*ri)?
            .cells
            .iter()
            .find(|c| &c.column == col)?;
        match cell.status {
            CellStatus::Missing | CellStatus::Invalid => None,
            _ => Some(cell.value.unwrap_or(0.0)),
        }
    };
    let lhs: Vec<f64> = id.lhs.iter().map(value).collect::<Option<_>>()?;
    let rhs: Vec<f64> = id.rhs.iter().map(value).collect::<Option<_>>()?;
    let (l, r): (f64, f64) = (lhs.iter().sum(), rhs.iter().sum());
    let holds = match id.relation {
        Relation::Eq => (l - r).abs() < 1e-6,
        Relation::Le => l <= r + 1e-6,
    };
    if holds {
        return None;
    }
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
        rule: id.id.clone(),
        severity: id.severity,
        cells: id.cell_keys(spec),
        message: format!(
            "{title}: {} {op} {rhs_title}{}  [{name}]",
            sum_text(&lhs, l),
            sum_text(&rhs, r)
        ),
        span: None,
    })
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
