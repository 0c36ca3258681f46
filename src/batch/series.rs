//! The series checks of a batch (`check`, `export`): the body mapping found, reports re-read
//! where two of one year must be compared, and the findings as `check` prints them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::series::{self, Bodies, Difference, Facts, SeriesFinding};
use crate::error::Error;
use crate::model::Severity;
use crate::summary::printable;

/// The name of the body mapping file looked for at the top of each folder given.
pub const BODIES_FILE: &str = "bodies.toml";

/// The body mapping: `explicit` alone when given, else the `bodies.toml` at the top of each
/// folder in `paths` (merged; a name mapped two ways is an error naming the second file).
pub fn bodies_for(paths: &[PathBuf], explicit: Option<&Path>) -> Result<Bodies, Error> {
    let files: Vec<PathBuf> = match explicit {
        Some(p) => vec![p.to_path_buf()],
        None => paths
            .iter()
            .filter(|p| p.is_dir())
            .map(|p| p.join(BODIES_FILE))
            .filter(|p| p.is_file())
            .collect(),
    };
    let mut bodies = Bodies::default();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|source| Error::Read {
            path: file.clone(),
            source,
        })?;
        bodies.add(&text).map_err(|message| Error::Other {
            path: file.clone(),
            message,
        })?;
    }
    Ok(bodies)
}

/// How two reports of one year differ, read again (reviewed values unless `raw`); None when
/// either cannot be read.
pub fn differ(raw: bool) -> impl Fn(&Facts, &Facts) -> Option<Vec<Difference>> {
    move |a, b| {
        let load = |f: &Facts| {
            let path = Path::new(&f.path);
            if raw {
                crate::extract::extract_file(path).ok()
            } else {
                crate::review::reviewed_report(path, None).ok().map(|r| r.0)
            }
        };
        Some(series::differences(&load(a)?, &load(b)?))
    }
}

/// Runs the series checks over a batch's facts.
pub fn run(facts: &[Facts], bodies: &Bodies, raw: bool) -> Vec<SeriesFinding> {
    series::check(facts, bodies, &differ(raw))
}

/// One series finding in `check --json`: a line of its own (`kind` = `series`), from the
/// later report's side, naming the earlier one. Keys in alphabetical order, as report lines.
#[derive(Serialize)]
struct SeriesLine<'a> {
    body: &'a str,
    cells: &'a [String],
    kind: &'static str,
    message: &'a str,
    other_cells: &'a [String],
    other_path: &'a str,
    other_year: Option<i32>,
    path: &'a str,
    rule: &'a str,
    severity: Severity,
    year: Option<i32>,
}

/// The `check --json` line of a series finding.
pub fn json_line(f: &SeriesFinding) -> Vec<u8> {
    let line = SeriesLine {
        body: &f.body,
        cells: &f.this.cells,
        kind: "series",
        message: &f.message,
        other_cells: &f.last.cells,
        other_path: &f.last.path,
        other_year: f.last.year,
        path: &f.this.path,
        rule: &f.rule,
        severity: f.severity,
        year: f.this.year,
    };
    let mut v = serde_json::to_vec(&line).unwrap_or_default();
    v.push(b'\n');
    v
}

/// `check`'s readable block of series findings (errors only unless `show_warnings`).
pub fn text_block(findings: &[SeriesFinding], show_warnings: bool) -> String {
    let mut out = String::new();
    let shown: Vec<&SeriesFinding> = findings
        .iter()
        .filter(|f| show_warnings || f.severity == Severity::Error)
        .collect();
    if shown.is_empty() {
        return out;
    }
    let _ = writeln!(out, "series (reports of one body across years):");
    let mut by_severity = shown;
    by_severity.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in by_severity {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "  {sev}[{}] {}: {}",
            f.rule,
            printable(&f.body),
            printable(&f.message)
        );
    }
    out
}

/// Counts for the closing summary: errors, warnings.
pub fn counts(findings: &[SeriesFinding]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, findings.len() - errors)
}
