//! CSV exports: long (one row per value) and wide (one row per report, one column per key).
//!
//! Every text field that comes from a document or a file name passes through [`inert`], so a
//! spreadsheet never runs it as a formula. Money is always written with a decimal point, so a
//! CSV sniffer (DuckDB, pandas, Excel) types the value column as a decimal, not an integer.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use super::{csv_error, io, CellOut, Options, Record, REPORT_COLUMNS};
use crate::check::series::SeriesFinding;
use crate::error::Result;
use crate::template::vocabulary;

/// A text field a spreadsheet would run as a formula (`=1+2.txt`, `@SUM(…)`, `-2+3`, a leading
/// tab or CR) gets a leading `'`, as OWASP advises: Excel and WPS then show it as text. Figures
/// are written as numbers and never pass through here.
pub fn inert(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A value as CSV text: money always with a decimal point (`2110.0`), counts as integers, a
/// fraction in full.
pub fn value_text(value: Option<f64>, decimal: bool) -> String {
    match value {
        None => String::new(),
        Some(v) => {
            // Whole numbers as integers; anything else in full (the shortest text that reads
            // back as the same number), as the JSON export writes it: a rate of 35/36 keeps
            // every digit, not six.
            let mut s = if v.fract() == 0.0 && v.abs() < 9.0e15 {
                crate::model::format_value(v)
            } else {
                v.to_string()
            };
            if decimal && !s.contains(['.', 'e', 'E']) {
                s.push_str(".0");
            }
            s
        }
    }
}

fn report_fields(rec: &Record) -> [Cow<'_, str>; REPORT_COLUMNS.len()] {
    let opt = |s: &Option<String>| inert(s.as_deref().unwrap_or("")).into_owned();
    [
        inert(&rec.source),
        Cow::Owned(opt(&rec.organization)),
        Cow::Owned(opt(&rec.organization_normalized)),
        Cow::Owned(opt(&rec.region.province)),
        Cow::Owned(opt(&rec.region.city)),
        Cow::Owned(opt(&rec.region.county)),
        Cow::Owned(rec.year.map(|y| y.to_string()).unwrap_or_default()),
        Cow::Borrowed(rec.template.as_str()),
        Cow::Borrowed(rec.status),
        Cow::Owned(opt(&rec.reviewer)),
        Cow::Owned(opt(&rec.review_reason)),
        Cow::Owned(rec.errors.to_string()),
        Cow::Owned(rec.warnings.to_string()),
    ]
}

fn start<W: Write>(mut out: W, path: &Path, options: Options) -> Result<csv::Writer<W>> {
    if options.bom {
        out.write_all("\u{feff}".as_bytes()).map_err(io(path))?;
    }
    Ok(csv::Writer::from_writer(out))
}

const CELL_COLUMNS: [(&str, &str); 13] = [
    ("table", "表"),
    ("row", "行"),
    ("column", "列"),
    ("key", "键"),
    ("canonical_key", "通用键"),
    ("row_label", "行名称"),
    ("column_label", "列名称"),
    ("kind", "类型"),
    ("unit", "单位"),
    ("value", "数值"),
    ("status", "数值状态"),
    ("flags", "提示规则"),
    ("place", "出处"),
];

/// Long CSV: one row per value of every report.
pub struct Long<W: Write> {
    w: csv::Writer<W>,
}

impl<W: Write> Long<W> {
    /// Writes the header row (and the labels row when asked).
    pub fn new(out: W, path: &Path, options: Options) -> Result<Self> {
        let mut w = start(out, path, options)?;
        let head = REPORT_COLUMNS.iter().chain(CELL_COLUMNS.iter());
        w.write_record(head.clone().map(|c| c.0))
            .map_err(|e| csv_error(path, e))?;
        if options.labels {
            w.write_record(head.map(|c| c.1))
                .map_err(|e| csv_error(path, e))?;
        }
        Ok(Long { w })
    }

    /// Writes a record's values (and its measures) as rows.
    pub fn write(&mut self, rec: &Record, path: &Path) -> Result<()> {
        let report = report_fields(rec);
        for c in &rec.cells {
            let row = cell_fields(c);
            self.w
                .write_record(
                    report
                        .iter()
                        .map(|s| s.as_ref())
                        .chain(row.iter().map(|s| s.as_ref())),
                )
                .map_err(|e| csv_error(path, e))?;
        }
        for (m, v) in &rec.measures {
            let value = value_text(*v, m.kind == "ratio");
            let status = if v.is_some() { "derived" } else { "unknown" };
            let row = [
                "measures", &m.id, "", &m.id, &m.id, &m.label, "", &m.kind, "", &value, status, "",
                "",
            ];
            self.w
                .write_record(report.iter().map(|s| s.as_ref()).chain(row))
                .map_err(|e| csv_error(path, e))?;
        }
        Ok(())
    }

    /// Writes each finding across reports as two rows of table `series` (one per report):
    /// the rule, the report's cells in it, the severity as status, the message as row label
    /// and the other report's path as place.
    pub fn finish(mut self, series: &[SeriesFinding], path: &Path) -> Result<W> {
        for f in series {
            for (side, other) in [(&f.this, &f.last), (&f.last, &f.this)] {
                let year = side.year.map(|y| y.to_string()).unwrap_or_default();
                // Report columns first (source, organization, year), then the cell columns
                // from `base`: table, row, key, row_label, status, flags, place.
                let base = REPORT_COLUMNS.len();
                let mut row: Vec<Cow<str>> = vec![Cow::Borrowed(""); base + CELL_COLUMNS.len()];
                row[0] = inert(&side.path);
                row[1] = inert(&f.body);
                row[6] = Cow::Owned(year);
                row[base] = Cow::Borrowed("series");
                row[base + 1] = Cow::Borrowed(f.rule.as_str());
                row[base + 3] = Cow::Owned(side.cells.join(" "));
                row[base + 5] = inert(&f.message);
                row[base + 10] = Cow::Borrowed(f.severity_name());
                row[base + 11] = Cow::Borrowed(f.rule.as_str());
                row[base + 12] = inert(&other.path);
                self.w
                    .write_record(row.iter().map(|s| s.as_ref()))
                    .map_err(|e| csv_error(path, e))?;
            }
        }
        self.w.into_inner().map_err(|e| io(path)(e.into_error()))
    }
}

fn cell_fields(c: &CellOut) -> [Cow<'_, str>; 13] {
    let mut parts = c.key.splitn(3, '.');
    let mut next = || Cow::Borrowed(parts.next().unwrap_or(""));
    let (t, r, col) = (next(), next(), next());
    let e = c.entry;
    [
        t,
        r,
        col,
        Cow::Borrowed(c.key.as_str()),
        Cow::Borrowed(c.canonical_key()),
        Cow::Borrowed(e.map_or("", |e| e.row_label)),
        Cow::Borrowed(e.map_or("", |e| e.column_label)),
        Cow::Borrowed(c.kind()),
        Cow::Borrowed(e.and_then(|e| e.unit).unwrap_or("")),
        Cow::Owned(value_text(c.value, e.is_some_and(|e| e.is_decimal()))),
        Cow::Borrowed(c.status),
        Cow::Borrowed(c.flags.as_str()),
        Cow::Owned(c.place.map(|p| p.to_string()).unwrap_or_default()),
    ]
}

/// Wide CSV: one row per report; a column per key of either format (empty where the report's
/// format lacks the key), then a `status:KEY` column per key.
pub struct Wide<W: Write> {
    w: csv::Writer<W>,
    measures: bool,
}

impl<W: Write> Wide<W> {
    /// Writes the header row (and the labels row when asked).
    pub fn new(out: W, path: &Path, options: Options) -> Result<Self> {
        let mut w = start(out, path, options)?;
        let mut head: Vec<String> = REPORT_COLUMNS.iter().map(|c| c.0.to_string()).collect();
        let mut labels: Vec<String> = REPORT_COLUMNS.iter().map(|c| c.1.to_string()).collect();
        if options.measures {
            for m in super::measures::all() {
                head.push(format!("measure:{}", m.id));
                labels.push(m.label.clone());
            }
        }
        for e in vocabulary::wide() {
            head.push(e.key.clone());
            labels.push(e.label());
        }
        for e in vocabulary::wide() {
            head.push(format!("status:{}", e.key));
            labels.push(format!("状态：{}", e.label()));
        }
        w.write_record(&head).map_err(|e| csv_error(path, e))?;
        if options.labels {
            w.write_record(&labels).map_err(|e| csv_error(path, e))?;
        }
        Ok(Wide {
            w,
            measures: options.measures,
        })
    }

    /// Writes a record as one row.
    pub fn write(&mut self, rec: &Record, path: &Path) -> Result<()> {
        let mut row: Vec<Cow<str>> = report_fields(rec).into_iter().collect();
        if self.measures {
            // Records carry every measure, in `measures::all()` order, when measures are on.
            for &(m, v) in &rec.measures {
                row.push(Cow::Owned(value_text(v, m.kind == "ratio")));
            }
        }
        let by_key: std::collections::HashMap<&str, &CellOut> =
            rec.cells.iter().map(|c| (c.key.as_str(), c)).collect();
        for e in vocabulary::wide() {
            let decimal = e.is_decimal();
            row.push(Cow::Owned(
                by_key
                    .get(e.key.as_str())
                    .map(|c| value_text(c.value, decimal))
                    .unwrap_or_default(),
            ));
        }
        for e in vocabulary::wide() {
            row.push(Cow::Borrowed(
                by_key.get(e.key.as_str()).map_or("", |c| c.status),
            ));
        }
        self.w
            .write_record(row.iter().map(|s| s.as_ref()))
            .map_err(|e| csv_error(path, e))
    }

    /// Ends the CSV and returns the writer.
    pub fn finish(self, path: &Path) -> Result<W> {
        self.w.into_inner().map_err(|e| io(path)(e.into_error()))
    }
}
