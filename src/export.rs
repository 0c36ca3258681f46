//! Export of the reviewed dataset: one record per report, every value with its status and the
//! place it was read from, as JSON, JSON Lines, long or wide CSV, an Excel workbook or a
//! SQLite database (docs/formats.md).
//!
//! Values come from the review sidecar where one exists, else from extraction. A value the
//! tool is not sure of (ambiguous, invalid, missing, an unaccepted suggestion) is exported as
//! null with its status, never as a guess.

use std::path::Path;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::check::series::{Facts, SeriesFinding};
use crate::error::{Error, Result};
use crate::model::{CellStatus, DocPlace, Finding, Report, Span};
use crate::review;
use crate::sidecar::{EditRecord, ReviewStatus};
use crate::template::vocabulary::{self, Entry};

pub mod delimited;
pub mod measures;
pub mod organization;
pub mod sqlite;
pub mod stream;
pub mod xlsx;

pub use organization::Region;
pub use stream::Writer;

/// Schema identifier of the JSON export.
pub const EXPORT_SCHEMA: &str = "tablereview.export/3";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Jsonl,
    /// One row per value.
    Csv,
    /// One row per report, one column per key.
    CsvWide,
    Xlsx,
    Sqlite,
}

impl Format {
    /// The format a file name implies (`.json`, `.jsonl`/`.ndjson`, `.csv`, `.xlsx`,
    /// `.sqlite`/`.db`).
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "sqlite" | "sqlite3" | "db" => Some(Format::Sqlite),
            _ => None,
        }
    }

    /// Whether the format is a binary file that cannot go to standard output.
    pub fn needs_file(self) -> bool {
        matches!(self, Format::Xlsx | Format::Sqlite)
    }
}

/// The columns that describe a report in the CSV, Excel and wide layouts: key, Chinese label.
pub(crate) const REPORT_COLUMNS: [(&str, &str); 13] = [
    ("source", "来源文件"),
    ("organization", "机关"),
    ("organization_normalized", "机关（规范名）"),
    ("province", "省级"),
    ("city", "地市级"),
    ("county", "县区级"),
    ("year", "年度"),
    ("template", "格式"),
    ("report_status", "审核状态"),
    ("reviewer", "审核人"),
    ("review_reason", "审核说明"),
    ("errors", "错误数"),
    ("warnings", "警告数"),
];

/// What an export holds beyond the values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The derived measures (实质公开率, …).
    pub measures: bool,
    /// A UTF-8 byte-order mark before CSV, for Excel on Chinese Windows.
    pub bom: bool,
    /// A second header row of Chinese labels in CSV.
    pub labels: bool,
}

/// Where a value was read: a span of the report's text, or a place in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Place {
    Text(Span),
    Document(DocPlace),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Text(s) => write!(f, "line {} · bytes {}–{}", s.line, s.start, s.end),
            Place::Document(d) => d.fmt(f),
        }
    }
}

/// One value of a report as exported.
#[derive(Debug, Clone, PartialEq)]
pub struct CellOut {
    pub key: String,
    /// The key's dictionary entry: labels, kind, unit, canonical key.
    pub entry: Option<&'static Entry>,
    /// Null unless the value is certain enough to analyse.
    pub value: Option<f64>,
    /// `ok`, `blank`, `na`, `inferred`, `edited`, `confirmed`, `suggested`, `dismissed`,
    /// `ambiguous`, `invalid` or `missing`.
    pub status: &'static str,
    /// The printed text.
    pub raw: Option<String>,
    pub place: Option<Place>,
    /// The rules of the open (not dismissed) findings that name this cell, space-separated.
    pub flags: String,
}

impl CellOut {
    /// The key that means the same thing in both formats.
    pub fn canonical_key(&self) -> &str {
        self.entry.map_or(self.key.as_str(), |e| &e.canonical_key)
    }

    /// `count`, `change` or `amount`.
    pub fn kind(&self) -> &'static str {
        self.entry.map_or("count", |e| e.kind)
    }
}

/// One report in the export.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The report file's path as given (not the one a sidecar stores).
    pub source: String,
    pub sha256: String,
    pub organization: Option<String>,
    /// The organisation without its office suffix (docs/formats.md).
    pub organization_normalized: Option<String>,
    pub region: Region,
    /// The series body key (the same for one body's reports of every year).
    pub body: Option<String>,
    pub year: Option<i32>,
    pub template: String,
    /// `approved`, `in_progress`, `unreviewed`, `postponed`, `needs_second_review` (or
    /// `rejected` when asked for).
    pub status: &'static str,
    pub reviewer: Option<String>,
    /// Why a report with open errors was approved, why it was rejected or postponed, or what
    /// a second reviewer should check (the review's reason).
    pub review_reason: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    pub cells: Vec<CellOut>,
    pub findings: Vec<Finding>,
    /// Derived measures, when asked for.
    pub measures: Vec<(&'static measures::Measure, Option<f64>)>,
    /// The review's edit log, when asked for (SQLite).
    pub edits: Vec<EditRecord>,
}

/// The value a cell contributes to the dataset: only what is certain enough to analyse.
pub fn export_value(status: CellStatus, value: Option<f64>) -> Option<f64> {
    crate::model::certain_value(status, value)
}

/// The export status of a cell: its own, or `suggested` while the prose's figure for it waits
/// for a reviewer.
fn status_of(cell: &crate::model::Cell) -> &'static str {
    let decided = matches!(cell.status, CellStatus::Edited | CellStatus::Confirmed);
    if cell.suggestion.is_some() && !decided && cell.value.is_none() {
        "suggested"
    } else {
        cell.status.as_str()
    }
}

/// Builds the record of one report file (reviewed values where a sidecar exists).
pub fn record(source: &Path, options: &Options) -> Result<(Record, Option<ReviewStatus>)> {
    record_and_facts(source, None, options, false).map(|(r, s, _)| (r, s))
}

/// [`record`], with what the series checks need of the report; reviews are read from
/// `out_dir` when given (as `review --out-dir` keeps them); `edits` adds the review log.
pub fn record_and_facts(
    source: &Path,
    out_dir: Option<&Path>,
    options: &Options,
    edits: bool,
) -> Result<(Record, Option<ReviewStatus>, Facts)> {
    let (report, review) = review::reviewed_report_with_log(source, out_dir)?;
    let (review, log) = match review {
        Some((state, log)) => (Some(state), log),
        None => (None, Vec::new()),
    };
    let facts = Facts::of(&report);
    let status = review.as_ref().map_or("unreviewed", |r| r.status.as_str());
    let mut rec = from_report(
        &report,
        status,
        review.as_ref().map(|r| r.reviewer.clone()),
        options,
    );
    rec.source = source.display().to_string();
    rec.review_reason = review.as_ref().and_then(|r| r.reason.clone());
    if edits {
        rec.edits = log;
    }
    Ok((rec, review.map(|r| r.status), facts))
}

/// A record from a report already in hand.
pub fn from_report(
    report: &Report,
    status: &'static str,
    reviewer: Option<String>,
    options: &Options,
) -> Record {
    let mut flags: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    // Cells some finding names, and those that only dismissed findings name.
    let mut named: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for f in &report.findings {
        named.extend(f.cells.iter().map(String::as_str));
        if f.dismissed.is_some() {
            continue;
        }
        for c in &f.cells {
            let s = flags.entry(c.as_str()).or_default();
            if !s.split(' ').any(|r| r == f.rule.as_ref()) {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(&f.rule);
            }
        }
    }
    let cells: Vec<CellOut> = report
        .cells()
        .map(|(key, c)| {
            let place = match (c.place, c.span) {
                (Some(p), _) => Some(Place::Document(p)),
                (None, Some(s)) => Some(Place::Text(s)),
                _ => None,
            };
            let flags = flags.remove(key.as_str()).unwrap_or_default();
            let mut status = status_of(c);
            // A value whose every finding a reviewer dismissed; blank and n/a keep their
            // status, which says what was printed.
            if flags.is_empty()
                && named.contains(key.as_str())
                && matches!(c.status, CellStatus::Ok | CellStatus::Inferred)
                && c.suggestion.is_none()
            {
                status = "dismissed";
            }
            CellOut {
                entry: vocabulary::lookup(&report.template, &key),
                value: export_value(c.status, c.value),
                status,
                raw: c.raw.clone(),
                place,
                flags,
                key,
            }
        })
        .collect();
    let organization = report.report.organization.clone();
    let normalized = organization.as_deref().map(organization::normalized);
    let region = normalized
        .as_deref()
        .map(organization::region)
        .unwrap_or_default();
    let body = organization
        .as_deref()
        .map(crate::check::series::body_key)
        .filter(|b| !b.is_empty());
    let mut rec = Record {
        source: report.source.path.clone(),
        sha256: report.source.sha256.clone(),
        organization,
        organization_normalized: normalized,
        region,
        body,
        year: report.report.year,
        template: report.template.clone(),
        status,
        reviewer,
        review_reason: None,
        errors: report.errors(),
        warnings: report.warnings(),
        cells,
        findings: report.findings.clone(),
        measures: Vec::new(),
        edits: Vec::new(),
    };
    if options.measures {
        rec.measures = measures::compute(&rec);
    }
    rec
}

/// A number written as an integer when it is one.
pub(crate) struct Number(pub f64);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

/// The values of a record as a JSON object, in reading order.
struct Values<'a>(&'a [CellOut]);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for c in self.0 {
            map.serialize_entry(&c.key, &c.value.map(Number))?;
        }
        map.end()
    }
}

/// Each value's status, canonical key, printed text and place, as a JSON object.
struct Cells<'a>(&'a [CellOut]);

#[derive(Serialize)]
struct CellJson<'a> {
    status: &'static str,
    canonical_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<&'a Place>,
}

impl Serialize for Cells<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for c in self.0 {
            let j = CellJson {
                status: c.status,
                canonical_key: c.canonical_key(),
                raw: c.raw.as_deref(),
                place: c.place.as_ref(),
            };
            map.serialize_entry(&c.key, &j)?;
        }
        map.end()
    }
}

struct MeasuresJson<'a>(&'a [(&'static measures::Measure, Option<f64>)]);

impl Serialize for MeasuresJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (m, v) in self.0 {
            map.serialize_entry(&m.id, v)?;
        }
        map.end()
    }
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("source", &self.source)?;
        map.serialize_entry("sha256", &self.sha256)?;
        map.serialize_entry("organization", &self.organization)?;
        map.serialize_entry("organization_normalized", &self.organization_normalized)?;
        map.serialize_entry("region", &self.region)?;
        map.serialize_entry("body", &self.body)?;
        map.serialize_entry("year", &self.year)?;
        map.serialize_entry("template", &self.template)?;
        map.serialize_entry("status", self.status)?;
        map.serialize_entry("reviewer", &self.reviewer)?;
        map.serialize_entry("review_reason", &self.review_reason)?;
        map.serialize_entry("errors", &self.errors)?;
        map.serialize_entry("warnings", &self.warnings)?;
        map.serialize_entry("values", &Values(&self.cells))?;
        map.serialize_entry("cells", &Cells(&self.cells))?;
        map.serialize_entry("findings", &self.findings)?;
        if !self.measures.is_empty() {
            map.serialize_entry("measures", &MeasuresJson(&self.measures))?;
        }
        map.end()
    }
}

/// Writes an export: records one at a time, then the findings across reports.
pub trait Export {
    /// Writes one record.
    fn write(&mut self, rec: &Record) -> Result<()>;
    /// Ends the export with the findings across the exported reports; the file is complete
    /// (and in place) when this returns.
    fn finish(self: Box<Self>, series: &[SeriesFinding]) -> Result<()>;
}

/// Opens an export of `format` to `output` (`-` is standard output, for text formats). A file
/// is written beside its target and put in place only by [`Export::finish`]: an export that
/// fails or is dropped leaves the previous file as it was.
pub fn open(format: Format, output: &Path, options: Options) -> Result<Box<dyn Export>> {
    let to_stdout = output == Path::new("-");
    if to_stdout && format.needs_file() {
        return Err(Error::Other {
            path: output.to_path_buf(),
            message: "an Excel or SQLite export needs a file; name one with -o".into(),
        });
    }
    Ok(match format {
        Format::Xlsx => Box::new(xlsx::Book::new(
            crate::files::Output::create(output)?,
            output,
            options,
        )?),
        Format::Sqlite => Box::new(sqlite::Db::create(output, options)?),
        _ if to_stdout => Box::new(stream::Committed::stdout(format, output, options)?),
        _ => Box::new(stream::Committed::file(format, output, options)?),
    })
}

pub(crate) fn csv_error(path: &Path, e: ::csv::Error) -> Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(source) => Error::Write {
            path: path.to_path_buf(),
            source,
        },
        other => Error::Other {
            path: path.to_path_buf(),
            message: format!("{other:?}"),
        },
    }
}

pub(crate) fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests;
