//! Text → report: segment the sections, tokenize each table region, match rows by label,
//! place values in cells (solving short rows against the identities), then check.

pub mod align;
pub mod labels;
mod place;
mod rows;
pub mod segment;
pub mod tokenize;

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::check;
use crate::error::Result;
use crate::model::{
    cell_key, Cell, CellStatus, Finding, Report, ReportMeta, Severity, Source, Span, Table,
    REPORT_SCHEMA,
};
use crate::template::{self, CellAt, Layout, TableSpec, Template};
use labels::MatchKind;
use place::QueuedRun;
use rows::MergedGroup;
use tokenize::Token;

/// Largest file read as a report: real texts are well under 2 MB; anything near this is some
/// other file, and reading it whole would only waste memory.
pub const MAX_BYTES: u64 = 16_000_000;

/// Rules whose findings the extractor makes (the checker owns all others).
pub const EXTRACT_RULES: &[&str] = &[
    "label-fuzzy",
    "orphan-values",
    "row-overflow",
    "duplicate-row",
    "template-year-mismatch",
    "template-guess",
    "layout-values-first",
    "subtotal",
    "merged-row",
    "split-by-prose",
    "no-text-layer",
];

/// Reads, decodes and extracts one report file.
pub fn extract_file(path: &Path) -> Result<Report> {
    extract_file_with_text(path).map(|(report, _)| report)
}

/// Reads, decodes and extracts one report file, keeping the decoded text the spans index.
pub fn extract_file_with_text(path: &Path) -> Result<(Report, String)> {
    let bytes = read_report(path)?;
    extract_bytes(path, &bytes)
}

/// Reads a report file's bytes, refusing folders and files too large to be a report.
pub fn read_report(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let read_error = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::NotFound {
            crate::error::Error::NotFound { path: path.into() }
        } else {
            crate::error::Error::Read {
                path: path.into(),
                source,
            }
        }
    };
    // One open, then questions to the open file: a corpus check reads every report, and each
    // lookup by path costs a walk of the path in the kernel.
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let meta = file.metadata().map_err(read_error)?;
    if meta.is_dir() {
        return Err(crate::error::Error::Other {
            path: path.into(),
            message: "is a folder; give a report file, or use check/review/export for folders"
                .into(),
        });
    }
    if meta.len() > MAX_BYTES {
        return Err(crate::error::Error::TooLarge {
            path: path.into(),
            size_mb: meta.len() / 1_000_000,
            limit_mb: MAX_BYTES / 1_000_000,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // Read at most one byte past the limit, in case the file grew since it was measured.
    (&mut file)
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(crate::error::Error::TooLarge {
            path: path.into(),
            size_mb: bytes.len() as u64 / 1_000_000,
            limit_mb: MAX_BYTES / 1_000_000,
        });
    }
    Ok(bytes)
}

/// Reads (a document into its canonical text) and extracts a report file's bytes (read by
/// [`read_report`]).
pub fn extract_bytes(path: &Path, bytes: &[u8]) -> Result<(Report, String)> {
    // A document read in a child process leaves this one waiting: it builds the extractor's
    // tables meanwhile, once (about 3 ms of a one-PDF run, docs/performance.md).
    static WARM: std::sync::Once = std::sync::Once::new();
    let warming = (!WARM.is_completed()
        && matches!(
            crate::read::Format::of(path),
            crate::read::Format::Pdf | crate::read::Format::Doc
        ))
    .then(|| std::thread::spawn(|| WARM.call_once(warm_up)));
    let decoded = crate::read::canonical(path, bytes);
    if let Some(w) = warming {
        let _ = w.join();
    }
    let decoded = decoded?;
    let sha = hex(&Sha256::digest(bytes));
    let mut report = extract_text(
        &decoded.text,
        Source {
            path: path.display().to_string(),
            sha256: sha,
            encoding: decoded.encoding.to_string(),
            reader: decoded.reader.map(str::to_string),
        },
    );
    // Kept through every re-check: EXTRACT_RULES names it, and it names no cell.
    report.findings.extend(decoded.findings.iter().cloned());
    if decoded
        .findings
        .iter()
        .any(|f| f.severity == crate::model::Severity::Error)
    {
        // The document itself could not be read (no text layer): that one finding explains
        // every missing table, as the checker's re-runs keep it (check::run).
        report
            .findings
            .retain(|f| f.rule.as_ref() != "missing-table");
    }
    // A document's cells know their place in it: table, row and column.
    if !decoded.places.is_empty() {
        for table in &mut report.tables {
            for row in &mut table.rows {
                for cell in &mut row.cells {
                    cell.place = cell.span.and_then(|s| decoded.place_at(s.start));
                }
            }
        }
    }
    Ok((report, decoded.text))
}

/// Builds the tables and patterns the extractor makes on first use, by reading a small report.
fn warm_up() {
    let text = "二、主动公开政府信息情况\n规章 | 0 | 0 | 0 |\n三、收到和处理政府信息公开申请情况\n\
                一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n\
                四、政府信息公开行政复议、行政诉讼情况\n本年度共收到申请1件。\n";
    let _ = extract_text(
        text,
        Source {
            path: String::new(),
            sha256: String::new(),
            encoding: "utf-8".into(),
            reader: None,
        },
    );
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Extracts and checks a decoded text.
pub fn extract_text(text: &str, source: Source) -> Report {
    let (year, organization) = segment::report_meta(text);
    let mut findings = Vec::new();
    // Every format numbers and names its sections alike, so regions and tokens are found once.
    let regions = segment::table_regions(text, &template::all()[0]);
    let tokens: Vec<Option<Vec<Token>>> = regions
        .iter()
        .map(|r| r.clone().map(|r| tokenize::tokenize(text, r)))
        .collect();
    let template = choose_template(&tokens, year, &mut findings);
    let line_starts = line_starts(text);
    // The prose is read first: a figure it states can decide a split the identities leave open.
    let prose = segment::prose_ranges(text, &regions);
    let narrative = crate::narrative::read(text, &prose, &template.key, &line_starts);
    let mut tables = template.empty_tables();
    for (ti, spec) in template.tables.iter().enumerate() {
        let Some(Some(tokens)) = tokens.get(ti) else {
            continue;
        };
        let mut builder = TableBuilder {
            text,
            spec,
            template,
            table: &mut tables[ti],
            findings: &mut findings,
            line_starts: &line_starts,
            runs: Vec::new(),
            matches: Vec::new(),
            subtotal_at: None,
            merged_groups: Vec::new(),
            statements: &narrative,
            table_glued: false,
        };
        builder.fill(tokens);
    }
    let mut report = Report {
        schema: REPORT_SCHEMA.to_string(),
        source,
        report: ReportMeta { organization, year },
        template: template.key.clone(),
        tables,
        findings,
        narrative,
    };
    crate::narrative::suggest(&mut report);
    check::run(&mut report, template);
    report
}

/// Byte offset at which each line starts.
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

fn span_of(line_starts: &[usize], start: usize, end: usize) -> Span {
    let line = line_starts.partition_point(|&s| s <= start);
    Span { line, start, end }
}

/// Picks the format by the proactive table's column labels, then by year.
fn choose_template(
    tokens: &[Option<Vec<Token>>],
    year: Option<i32>,
    findings: &mut Vec<Finding>,
) -> &'static Template {
    let all = template::all();
    let base = &all[0];
    // All text tokens in one string, so each label is one scan; the separator is never in a
    // label, so no label matches across two tokens.
    let mut texts = String::new();
    for text in tokens.iter().flatten().flatten().filter_map(Token::text) {
        texts.push_str(text);
        texts.push('\n');
    }
    let score = |ti: usize| -> usize {
        distinctive_column_labels()[ti]
            .iter()
            .filter(|l| texts.contains(l.as_str()))
            .count()
    };
    let scores: Vec<usize> = (0..all.len()).map(score).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let by_labels = (best > 0 && scores.iter().filter(|s| **s == best).count() == 1)
        .then(|| &all[scores.iter().position(|s| *s == best).unwrap_or(0)]);
    match (by_labels, year) {
        (Some(t), Some(y)) => {
            let expected = template::for_year(y);
            if expected.key != t.key {
                findings.push(Finding {
                    rule: "template-year-mismatch".into(),
                    severity: Severity::Warning,
                    cells: vec![],
                    message: format!(
                        "the tables use the {} format, but a {y} report should use {}",
                        t.key, expected.key
                    ),
                    span: None,
                    dismissed: None,
                });
            }
            t
        }
        (Some(t), None) => t,
        (None, Some(y)) => template::for_year(y),
        (None, None) => {
            findings.push(Finding {
                rule: "template-guess".into(),
                severity: Severity::Warning,
                cells: vec![],
                message: format!(
                    "neither the year nor the column labels tell the format; assumed {}",
                    base.key
                ),
                span: None,
                dismissed: None,
            });
            base
        }
    }
}

/// Per template, the column labels no other template has (computed once). Column labels carry
/// no ordinals, so they are looked for in the tokens' normalised text as it is.
fn distinctive_column_labels() -> &'static [Vec<String>] {
    static LABELS: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    LABELS.get_or_init(|| {
        let all = template::all();
        let column_labels = |t: &Template| -> Vec<String> {
            t.tables
                .iter()
                .flat_map(|tb| tb.columns.iter().map(|c| labels::canonical(&c.label)))
                .collect()
        };
        all.iter()
            .map(|t| {
                let others: Vec<String> = all
                    .iter()
                    .filter(|o| o.key != t.key)
                    .flat_map(column_labels)
                    .collect();
                column_labels(t)
                    .into_iter()
                    .filter(|l| !others.contains(l))
                    .collect()
            })
            .collect()
    })
}

/// Where a row's printed values stand: after its label, as value and empty-cell tokens.
struct RowHit {
    row: usize,
    label: usize,
    slots: Vec<usize>,
}

struct TableBuilder<'a> {
    text: &'a str,
    spec: &'a TableSpec,
    template: &'a Template,
    table: &'a mut Table,
    findings: &'a mut Vec<Finding>,
    line_starts: &'a [usize],
    runs: Vec<QueuedRun>,
    /// Per token: the row its text matches, if any (see `match_labels`).
    matches: Vec<Option<(usize, MatchKind)>>,
    /// Position of an extra 法人或其他组织 subtotal in eight-column rows, if the table has one.
    subtotal_at: Option<usize>,
    /// Figures printed on a group heading's line, to be judged once the rows are placed.
    merged_groups: Vec<MergedGroup>,
    /// What the prose states about the tables.
    statements: &'a [crate::narrative::Statement],
    /// Whether several rows print glued figures, so that any row's may be.
    table_glued: bool,
}

impl TableBuilder<'_> {
    fn fill(&mut self, tokens: &[Token]) {
        let reclassified;
        let tokens = match self.spec.layout {
            Layout::Rows => {
                self.matches = self.match_labels(tokens);
                reclassified = self.text_values(tokens);
                &reclassified[..]
            }
            Layout::Run => tokens,
        };
        let hits = match self.spec.layout {
            Layout::Rows => self.row_hits(tokens),
            Layout::Run => self.run_hit(tokens),
        };
        if hits.is_empty() {
            return;
        }
        self.table.found = true;
        self.subtotal_at = self.subtotal_column(tokens, &hits);
        // A table whose rows print glued figures (a flattened page) may have glued any row,
        // even one whose run touches no text: `（一）予以公开 6000006` among glued rows.
        let glued_rows = hits
            .iter()
            .filter(|h| {
                h.slots.iter().any(|&i| {
                    let t = &tokens[i];
                    t.is_value() && place::looks_glued(t, &self.text[t.start..t.end])
                })
            })
            .count();
        self.table_glued = glued_rows >= 2;
        for hit in &hits {
            let slots: Vec<CellAt> = match self.spec.layout {
                Layout::Rows => self.spec.row_cells(hit.row).collect(),
                Layout::Run => (0..self.spec.rows.len())
                    .flat_map(|ri| self.spec.row_cells(ri))
                    .collect(),
            };
            for &at in &slots {
                self.cell_mut(at).status = CellStatus::Blank;
            }
            if let Some(label) = tokens.get(hit.label) {
                self.table.rows[hit.row].span =
                    Some(span_of(self.line_starts, label.start, label.end));
            }
            self.place(tokens, hit, &slots);
        }
        self.solve_short_runs(tokens);
        for group in std::mem::take(&mut self.merged_groups) {
            self.judge_group(tokens, group);
        }
    }

    fn row_keys(&self, row: usize) -> Vec<String> {
        self.spec
            .row_columns(row)
            .map(|c| cell_key(&self.spec.id, &self.spec.rows[row].key, &c.key))
            .collect()
    }

    /// The grid cell at a position of the template (the grid is the template's shape).
    fn cell_mut(&mut self, at: CellAt) -> &mut Cell {
        &mut self.table.rows[at.row].cells[at.cell]
    }

    /// The `table.row.column` key of a cell.
    fn key_at(&self, at: CellAt) -> String {
        cell_key(
            &self.spec.id,
            &self.spec.rows[at.row].key,
            &self.table.rows[at.row].cells[at.cell].column,
        )
    }
}
