//! Export of the reviewed dataset: one record per report, as JSON, JSON Lines or long CSV.
//!
//! Values come from the review sidecar where one exists, else from extraction. A value the
//! tool is not sure of (ambiguous, invalid, missing) is exported as null, never as a guess.

use std::io::Write;
use std::path::Path;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::check::series::{Facts, SeriesFinding};
use crate::error::{Error, Result};
use crate::model::{CellStatus, Report};
use crate::review;
use crate::sidecar::ReviewStatus;

/// Schema identifier of the JSON export.
pub const EXPORT_SCHEMA: &str = "tablereview.export/1";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Jsonl,
    Csv,
}

impl Format {
    /// The format a file name implies (`.json`, `.jsonl`/`.ndjson`, `.csv`).
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Cell values in reading order, serialized as a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Values(pub Vec<(String, Option<f64>)>);

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, &v.map(Number))?;
        }
        map.end()
    }
}

/// A number written as an integer when it is one.
struct Number(f64);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

/// One report in the export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub source: String,
    pub organization: Option<String>,
    pub year: Option<i32>,
    pub template: String,
    /// `approved`, `in_progress`, `unreviewed` (or `rejected` when asked for).
    pub status: &'static str,
    pub reviewer: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    pub values: Values,
}

/// The value a cell contributes to the dataset: only what is certain enough to analyse.
pub fn export_value(status: CellStatus, value: Option<f64>) -> Option<f64> {
    match status {
        CellStatus::Ambiguous | CellStatus::Invalid | CellStatus::Missing => None,
        _ => value,
    }
}

/// Builds the record of one report file (reviewed values where a sidecar exists).
pub fn record(source: &Path) -> Result<(Record, Option<ReviewStatus>)> {
    record_and_facts(source).map(|(r, s, _)| (r, s))
}

/// [`record`], with what the series checks need of the report.
pub fn record_and_facts(source: &Path) -> Result<(Record, Option<ReviewStatus>, Facts)> {
    let (report, review) = review::reviewed_report(source, None)?;
    let facts = Facts::of(&report);
    let status = match review.as_ref().map(|r| r.status) {
        None => "unreviewed",
        Some(ReviewStatus::InProgress) => "in_progress",
        Some(ReviewStatus::Approved) => "approved",
        Some(ReviewStatus::Rejected) => "rejected",
    };
    Ok((
        from_report(&report, status, review.as_ref().map(|r| r.reviewer.clone())),
        review.map(|r| r.status),
        facts,
    ))
}

/// A record from a report already in hand.
pub fn from_report(report: &Report, status: &'static str, reviewer: Option<String>) -> Record {
    Record {
        source: report.source.path.clone(),
        organization: report.report.organization.clone(),
        year: report.report.year,
        template: report.template.clone(),
        status,
        reviewer,
        errors: report.errors(),
        warnings: report.warnings(),
        values: Values(
            report
                .cells()
                .map(|(k, c)| (k, export_value(c.status, c.value)))
                .collect(),
        ),
    }
}

/// Writes records one at a time in the chosen format.
pub struct Writer<W: Write> {
    sink: Sink<W>,
    count: usize,
    /// Findings across reports, written after the records.
    series: Vec<SeriesFinding>,
}

/// A series finding as a JSON Lines record of its own, told from report records by `kind`.
#[derive(Serialize)]
struct SeriesRecord<'a> {
    kind: &'static str,
    #[serde(flatten)]
    finding: &'a SeriesFinding,
}

enum Sink<W: Write> {
    Json(W),
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl<W: Write> Writer<W> {
    /// Starts an export (writes the JSON opening or the CSV header row).
    pub fn new(format: Format, mut out: W, path: &Path) -> Result<Self> {
        let sink = match format {
            Format::Json => {
                write!(out, "{{\"schema\":\"{EXPORT_SCHEMA}\",\"reports\":[").map_err(io(path))?;
                Sink::Json(out)
            }
            Format::Jsonl => Sink::Jsonl(out),
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record([
                    "source",
                    "organization",
                    "year",
                    "template",
                    "status",
                    "table",
                    "row",
                    "column",
                    "value",
                ])
                .map_err(|e| csv_error(path, e))?;
                Sink::Csv(Box::new(w))
            }
        };
        Ok(Writer {
            sink,
            count: 0,
            series: Vec::new(),
        })
    }

    /// Writes one record.
    pub fn write(&mut self, rec: &Record, path: &Path) -> Result<()> {
        match &mut self.sink {
            Sink::Json(out) => {
                if self.count > 0 {
                    out.write_all(b",").map_err(io(path))?;
                }
                serde_json::to_writer(&mut *out, rec).map_err(|e| io(path)(e.into()))?;
            }
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, rec).map_err(|e| io(path)(e.into()))?;
                out.write_all(b"\n").map_err(io(path))?;
            }
            Sink::Csv(w) => {
                let year = rec.year.map(|y| y.to_string()).unwrap_or_default();
                for (key, value) in &rec.values.0 {
                    let mut parts = key.splitn(3, '.');
                    let mut next = || parts.next().unwrap_or("");
                    let (t, r, c) = (next(), next(), next());
                    let v = value.map(crate::model::format_value).unwrap_or_default();
                    w.write_record([
                        &*inert(&rec.source),
                        &*inert(rec.organization.as_deref().unwrap_or("")),
                        year.as_str(),
                        rec.template.as_str(),
                        rec.status,
                        t,
                        r,
                        c,
                        v.as_str(),
                    ])
                    .map_err(|e| csv_error(path, e))?;
                }
            }
        }
        self.count += 1;
        Ok(())
    }

    /// The findings across the exported reports, written when the export ends.
    pub fn set_series(&mut self, findings: Vec<SeriesFinding>) {
        self.series = findings;
    }

    /// Ends the export and returns the underlying writer, flushed.
    pub fn finish(self, path: &Path) -> Result<W> {
        let series = self.series;
        let mut out = match self.sink {
            Sink::Json(mut out) => {
                out.write_all(b"],\"series\":[").map_err(io(path))?;
                for (i, f) in series.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",").map_err(io(path))?;
                    }
                    serde_json::to_writer(&mut out, f).map_err(|e| io(path)(e.into()))?;
                }
                out.write_all(b"]}\n").map_err(io(path))?;
                out
            }
            Sink::Jsonl(mut out) => {
                for f in &series {
                    let rec = SeriesRecord {
                        kind: "series",
                        finding: f,
                    };
                    serde_json::to_writer(&mut out, &rec).map_err(|e| io(path)(e.into()))?;
                    out.write_all(b"\n").map_err(io(path))?;
                }
                out
            }
            Sink::Csv(mut w) => {
                // A finding's two reports as rows of table `series`: the rule, the report's
                // cells in it, and the other report's path as the value.
                for f in &series {
                    for (side, other) in [(&f.this, &f.last), (&f.last, &f.this)] {
                        let year = side.year.map(|y| y.to_string()).unwrap_or_default();
                        w.write_record([
                            &*inert(&side.path),
                            &*inert(&f.body),
                            year.as_str(),
                            "",
                            f.severity_name(),
                            "series",
                            f.rule.as_str(),
                            side.cells.join(" ").as_str(),
                            &*inert(&other.path),
                        ])
                        .map_err(|e| csv_error(path, e))?;
                    }
                }
                w.into_inner().map_err(|e| io(path)(e.into_error()))?
            }
        };
        out.flush().map_err(io(path))?;
        Ok(out)
    }

    /// Records written so far.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// A text field a spreadsheet would run as a formula (`=1+2.txt`, `@SUM(…)`, `-2+3`, a leading
/// tab or CR) gets a leading `'`, as OWASP advises: Excel and WPS then show it as text. Figures
/// are written as numbers and never pass through here.
fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::Write {
            path: path.to_path_buf(),
            source,
        },
        other => Error::Other {
            path: path.to_path_buf(),
            message: format!("{other:?}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> Record {
        Record {
            source: "a, \"b\".txt".into(),
            organization: Some("宝塔区".into()),
            year: Some(2024),
            template: "gov-2021".into(),
            status: "approved",
            reviewer: Some("li".into()),
            errors: 0,
            warnings: 1,
            values: Values(vec![
                ("proactive.fees.amount".into(), Some(2181.669177)),
                ("requests.granted.total".into(), Some(16.0)),
                ("requests.granted.other".into(), None),
            ]),
        }
    }

    fn write(format: Format) -> String {
        let p = Path::new("out");
        let mut w = Writer::new(format, Vec::new(), p).unwrap();
        w.write(&rec(), p).unwrap();
        w.write(&rec(), p).unwrap();
        String::from_utf8(w.finish(p).unwrap()).unwrap()
    }

    #[test]
    fn json_is_one_document_with_the_schema() {
        let v: serde_json::Value = serde_json::from_str(&write(Format::Json)).unwrap();
        assert_eq!(v["schema"], EXPORT_SCHEMA);
        assert_eq!(v["reports"].as_array().unwrap().len(), 2);
        assert_eq!(v["reports"][0]["values"]["requests.granted.total"], 16);
        assert!(v["reports"][0]["values"]["requests.granted.other"].is_null());
    }

    #[test]
    fn jsonl_keeps_value_order_and_integers() {
        let text = write(Format::Jsonl);
        assert_eq!(text.lines().count(), 2);
        let first = text.lines().next().unwrap();
        let fees = first.find("proactive.fees.amount").unwrap();
        let granted = first.find("requests.granted.total").unwrap();
        assert!(fees < granted, "reading order, not alphabetical");
        assert!(first.contains("\"requests.granted.total\":16,"), "{first}");
    }

    #[test]
    fn a_field_a_spreadsheet_would_run_is_made_text() {
        for f in [
            "=1+2.txt",
            "+1",
            "-1+2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(inert(f), format!("'{f}"));
        }
        for f in ["报告.txt", "a=b", "1-2"] {
            assert_eq!(inert(f), f);
        }
    }

    #[test]
    fn csv_is_long_form_and_quotes_what_needs_it() {
        let text = write(Format::Csv);
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("source,organization,year,template,status,table,row,column,value")
        );
        assert_eq!(
            lines.next(),
            Some("\"a, \"\"b\"\".txt\",宝塔区,2024,gov-2021,approved,proactive,fees,amount,2181.669177")
        );
        assert_eq!(text.lines().count(), 1 + 2 * 3);
        assert!(text.contains(",requests,granted,other,\n"));
    }

    #[test]
    fn uncertain_cells_export_as_null() {
        assert_eq!(export_value(CellStatus::Ambiguous, Some(3.0)), None);
        assert_eq!(export_value(CellStatus::Inferred, Some(3.0)), Some(3.0));
        assert_eq!(export_value(CellStatus::Confirmed, Some(3.0)), Some(3.0));
    }

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(Format::from_path(Path::new("x.JSONL")), Some(Format::Jsonl));
        assert_eq!(Format::from_path(Path::new("x.csv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("x.txt")), None);
    }
}
