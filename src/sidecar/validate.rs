//! A sidecar checked against its template before anything uses it.
//!
//! The checker, the export and the review screen address cells by position (the template's
//! table, row and cell index), so a sidecar of another shape would hide errors (`tables: []`),
//! export keys no template has, or index out of bounds. Its values are the reviewer's, so they
//! must be values a reviewer could have entered: a count of −5 or 0.5 never passes.

use crate::model::{cell_key, Cell, Report};
use crate::template::{self, TableSpec, Template, ValueKind};

use super::{EditRecord, Sidecar};

/// The largest figure a table cell can hold, as [`crate::value::parse`] accepts it.
const MAX_FIGURE: f64 = 1.0e12;

/// Why `side` cannot be used as a review of its template, if it cannot.
pub fn check(side: &Sidecar) -> Result<(), String> {
    let report = &side.report;
    let template = template::by_key(&report.template)
        .ok_or_else(|| format!("unknown template {:?}", report.template))?;
    shape(report, template)?;
    for (ti, (table, spec)) in report.tables.iter().zip(&template.tables).enumerate() {
        for (ri, row) in table.rows.iter().enumerate() {
            for (cell, col) in row.cells.iter().zip(spec.row_columns(ri)) {
                let key = || cell_key(&template.tables[ti].id, &row.key, &cell.column);
                cell_values(cell, col.kind).map_err(|why| format!("cell {}: {why}", key()))?;
            }
        }
    }
    if let Some(token) = &side.journal {
        if token.is_empty()
            || token.len() > 128
            || !token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("the journal token is not one tablereview writes".into());
        }
    }
    for record in &side.edits {
        log_record(record, template)
            .map_err(|why| format!("edit {} ({}): {why}", record.seq, record.cell))?;
    }
    Ok(())
}

/// Tables, columns, rows and cells exactly the template's, in its order.
fn shape(report: &Report, template: &Template) -> Result<(), String> {
    let ids = |ids: Vec<&str>| ids.join(", ");
    if report.tables.len() != template.tables.len()
        || report
            .tables
            .iter()
            .zip(&template.tables)
            .any(|(t, s)| t.id != s.id)
    {
        return Err(format!(
            "tables are [{}], template {} has [{}]",
            ids(report.tables.iter().map(|t| t.id.as_str()).collect()),
            template.key,
            ids(template.tables.iter().map(|t| t.id.as_str()).collect()),
        ));
    }
    for (table, spec) in report.tables.iter().zip(&template.tables) {
        let columns: Vec<&str> = table.columns.iter().map(|c| c.key.as_ref()).collect();
        let want: Vec<&str> = spec.columns.iter().map(|c| c.key.as_str()).collect();
        if columns != want {
            return Err(format!(
                "table {}: columns are [{}], the template has [{}]",
                spec.id,
                ids(columns),
                ids(want)
            ));
        }
        rows(table, spec)?;
    }
    Ok(())
}

fn rows(table: &crate::model::Table, spec: &TableSpec) -> Result<(), String> {
    if table.rows.len() != spec.rows.len() {
        return Err(format!(
            "table {}: {} rows, the template has {}",
            spec.id,
            table.rows.len(),
            spec.rows.len()
        ));
    }
    for (ri, (row, rspec)) in table.rows.iter().zip(&spec.rows).enumerate() {
        if row.key != rspec.key {
            return Err(format!(
                "table {}: row {} is {:?}, the template has {:?} there",
                spec.id,
                ri + 1,
                row.key,
                rspec.key
            ));
        }
        let cells: Vec<&str> = row.cells.iter().map(|c| c.column.as_ref()).collect();
        let want: Vec<&str> = spec.row_columns(ri).map(|c| c.key.as_str()).collect();
        if cells != want {
            return Err(format!(
                "row {}.{}: cells are [{}], the template has [{}]",
                spec.id,
                rspec.key,
                cells.join(", "),
                want.join(", ")
            ));
        }
    }
    Ok(())
}

/// The cell's value, candidates and suggestion are values of its column's kind.
fn cell_values(cell: &Cell, kind: ValueKind) -> Result<(), String> {
    figure(cell.value, kind)?;
    for c in &cell.candidates {
        figure(*c, kind).map_err(|why| format!("candidate {why}"))?;
    }
    if let Some(s) = &cell.suggestion {
        figure(s.value, kind).map_err(|why| format!("suggestion {why}"))?;
    }
    Ok(())
}

/// An edit names a cell of the template and moves it between values of its kind.
fn log_record(record: &EditRecord, template: &Template) -> Result<(), String> {
    let kind = kind_of(&record.cell, template).ok_or("no such cell in the template")?;
    figure(record.old, kind).map_err(|why| format!("old value {why}"))?;
    figure(record.new, kind).map_err(|why| format!("new value {why}"))
}

/// The kind of the cell `table.row.column`, if the template has that cell.
fn kind_of(key: &str, template: &Template) -> Option<ValueKind> {
    let (t, r, c) = crate::review::split_key(key)?;
    let spec = template.table(t)?;
    let ri = spec.row_index(r)?;
    spec.row_columns(ri)
        .find(|col| col.key == c)
        .map(|c| c.kind)
}

/// Whether `value` is one the value parser could have produced for `kind`.
fn figure(value: Option<f64>, kind: ValueKind) -> Result<(), String> {
    let Some(v) = value else {
        return Ok(());
    };
    let whole = v.fract() == 0.0;
    let fine = v.is_finite()
        && v.abs() <= MAX_FIGURE
        && match kind {
            ValueKind::Count => whole && v >= 0.0,
            ValueKind::Change => whole,
            ValueKind::Amount => v >= 0.0,
        };
    if fine {
        Ok(())
    } else {
        let what = match kind {
            ValueKind::Count => "a count is a whole number, 0 or more",
            ValueKind::Change => "a change is a whole number",
            ValueKind::Amount => "an amount is 0 or more",
        };
        Err(format!("{v} is not a figure of this column ({what})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Some(-5.0), ValueKind::Count, false)]
    #[case(Some(0.5), ValueKind::Count, false)]
    #[case(Some(-3100.0), ValueKind::Count, false)]
    #[case(Some(f64::INFINITY), ValueKind::Amount, false)]
    #[case(Some(f64::NAN), ValueKind::Change, false)]
    #[case(Some(2.0e12), ValueKind::Count, false)]
    #[case(Some(-0.5), ValueKind::Amount, false)]
    #[case(Some(1.5), ValueKind::Change, false)]
    #[case(Some(22.0), ValueKind::Count, true)]
    #[case(Some(-185.0), ValueKind::Change, true)]
    #[case(Some(2181.669177), ValueKind::Amount, true)]
    #[case(None, ValueKind::Count, true)]
    fn figures_are_values_the_parser_could_give(
        #[case] v: Option<f64>,
        #[case] kind: ValueKind,
        #[case] ok: bool,
    ) {
        assert_eq!(figure(v, kind).is_ok(), ok, "{v:?} {kind:?}");
    }
}
