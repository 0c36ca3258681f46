//! The Excel workbook (rust_xlsxwriter), for staff who work in Excel or WPS.
//!
//! Sheets: 报告 (one row per report, a column per key, real numbers, cells coloured by
//! status), 状态 (the same grid holding each value's status), one sheet per table laid out
//! like the official form with a block per report and each finding as a note on its cells,
//! 发现 (every finding), and 键 (the key dictionary). Header rows and label columns are
//! frozen. Strings are written as strings, so a file name like `=1+2.txt` is never a formula.
//! A sheet that would pass Excel's 1,048,576 rows goes on in `NAME (2)`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, Format, Note, Workbook, Worksheet, XlsxError};

use super::{Export, Options, Record};
use crate::check::series::SeriesFinding;
use crate::error::{Error, Result};
use crate::files::Output;
use crate::template::vocabulary;

const ROW_MAX: u32 = 1_048_576;

/// Excel's longest cell text, in UTF-16 units; a note holds 54 fewer.
const TEXT_MAX: usize = 32_767;

/// A text cut to what Excel holds (`…` marks the cut): a hostile file name or message must not
/// make the whole workbook fail.
fn fit(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max / 3 || s.encode_utf16().count() <= max {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut units = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max - 1 {
            break;
        }
        end = i + c.len_utf8();
    }
    std::borrow::Cow::Owned(format!("{}…", &s[..end]))
}

/// The report columns of the 报告 and 状态 sheets: key, Chinese label.
const REPORT_HEAD: [(&str, &str); 12] = [
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
    ("errors", "错误数"),
    ("warnings", "警告数"),
];

/// A sheet that continues on a new one when full; `head` rows repeat on each.
struct Paged {
    name: String,
    done: Vec<Worksheet>,
    ws: Worksheet,
    row: u32,
    head: Vec<Vec<String>>,
    freeze: (u32, u16),
}

impl Paged {
    fn new(name: &str, head: Vec<Vec<String>>, freeze: (u32, u16), bold: &Format) -> Self {
        let mut p = Paged {
            name: name.to_string(),
            done: Vec::new(),
            ws: Worksheet::new(),
            row: 0,
            head,
            freeze,
        };
        p.start(1, bold);
        p
    }

    fn start(&mut self, part: usize, bold: &Format) {
        let name = if part == 1 {
            self.name.clone()
        } else {
            format!("{} ({part})", self.name)
        };
        // Names are ours and short: setting them cannot fail.
        let _ = self.ws.set_name(name);
        for (r, line) in self.head.iter().enumerate() {
            for (c, s) in line.iter().enumerate() {
                let _ = self
                    .ws
                    .write_string_with_format(r as u32, c as u16, s, bold);
            }
        }
        self.row = self.head.len() as u32;
        let _ = self.ws.set_freeze_panes(self.freeze.0, self.freeze.1);
    }

    /// Room for `n` more rows: the rows' first index.
    fn take(&mut self, n: u32, bold: &Format) -> u32 {
        if self.row + n > ROW_MAX {
            let full = std::mem::replace(&mut self.ws, Worksheet::new());
            self.done.push(full);
            self.start(self.done.len() + 1, bold);
        }
        let at = self.row;
        self.row += n;
        at
    }

    fn into_sheets(mut self) -> Vec<Worksheet> {
        self.done.push(self.ws);
        self.done
    }
}

/// Cell colours by status.
struct Styles {
    bold: Format,
    by_status: HashMap<&'static str, Format>,
    plain: Format,
}

impl Styles {
    fn new() -> Self {
        let fill = |rgb: u32| Format::new().set_background_color(Color::RGB(rgb));
        let by_status = [
            ("blank", fill(0xF2F2F2)),
            ("na", fill(0xE7E6E6)),
            ("inferred", fill(0xFFF2CC)),
            ("suggested", fill(0xFCE4D6)),
            ("ambiguous", fill(0xFFC7CE)),
            ("invalid", fill(0xFFC7CE)),
            ("missing", fill(0xFFC7CE)),
            ("edited", fill(0xDDEBF7)),
            ("confirmed", fill(0xE2EFDA)),
            ("dismissed", fill(0xEDEDED)),
        ]
        .into_iter()
        .collect();
        Styles {
            bold: Format::new().set_bold(),
            by_status,
            plain: Format::new(),
        }
    }

    fn of(&self, status: &str) -> &Format {
        self.by_status.get(status).unwrap_or(&self.plain)
    }
}

/// The workbook, built in memory and written out whole by `finish`.
pub struct Book {
    out: Output,
    path: PathBuf,
    styles: Styles,
    reports: Paged,
    statuses: Paged,
    tables: Vec<(String, Paged)>,
    findings: Paged,
    measures: bool,
}

fn xerr(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::Other {
        path: path.to_path_buf(),
        message: format!("cannot write the workbook: {e}"),
    }
}

impl Book {
    /// A workbook that will be written to `out` (a temp file beside `path`).
    pub fn new(out: Output, path: &Path, options: Options) -> Self {
        let styles = Styles::new();
        let mut keys: Vec<String> = REPORT_HEAD.iter().map(|h| h.0.to_string()).collect();
        let mut labels: Vec<String> = REPORT_HEAD.iter().map(|h| h.1.to_string()).collect();
        if options.measures {
            for m in super::measures::all() {
                keys.push(format!("measure:{}", m.id));
                labels.push(m.label.clone());
            }
        }
        for e in vocabulary::wide() {
            keys.push(e.key.clone());
            labels.push(e.label());
        }
        let head = vec![keys, labels];
        let reports = Paged::new("报告", head.clone(), (2, 1), &styles.bold);
        let statuses = Paged::new("状态", head, (2, 1), &styles.bold);
        let tables = crate::template::all()[0]
            .tables
            .iter()
            .map(|t| {
                let name = match t.id.as_str() {
                    "proactive" => "主动公开",
                    "requests" => "申请处理",
                    _ => "复议诉讼",
                };
                (
                    t.id.clone(),
                    Paged::new(name, Vec::new(), (0, 1), &styles.bold),
                )
            })
            .collect();
        let fhead = [
            "source",
            "organization",
            "year",
            "rule",
            "severity",
            "cells",
            "message",
        ]
        .map(String::from)
        .to_vec();
        let flabels = ["来源文件", "机关", "年度", "规则", "级别", "单元格", "说明"]
            .map(String::from)
            .to_vec();
        let findings = Paged::new("发现", vec![fhead, flabels], (2, 1), &styles.bold);
        Book {
            out,
            path: path.to_path_buf(),
            styles,
            reports,
            statuses,
            tables,
            findings,
            measures: options.measures,
        }
    }

    fn report_row(&mut self, rec: &Record) -> std::result::Result<(), XlsxError> {
        let s = &self.styles;
        let r = self.reports.take(1, &s.bold);
        let t = self.statuses.take(1, &s.bold);
        write_meta(&mut self.reports.ws, r, rec)?;
        write_meta(&mut self.statuses.ws, t, rec)?;
        let mut col = REPORT_HEAD.len() as u16;
        if self.measures {
            for m in super::measures::all() {
                let v = rec
                    .measures
                    .iter()
                    .find(|(x, _)| x.id == m.id)
                    .and_then(|x| x.1);
                let status = if v.is_some() { "derived" } else { "unknown" };
                if let Some(v) = v {
                    self.reports.ws.write_number(r, col, v)?;
                }
                self.statuses.ws.write_string(t, col, status)?;
                col += 1;
            }
        }
        let by_key: HashMap<&str, &super::CellOut> =
            rec.cells.iter().map(|c| (c.key.as_str(), c)).collect();
        for e in vocabulary::wide() {
            if let Some(c) = by_key.get(e.key.as_str()) {
                let f = s.of(c.status);
                match c.value {
                    Some(v) => self.reports.ws.write_number_with_format(r, col, v, f)?,
                    None => self.reports.ws.write_blank(r, col, f)?,
                };
                self.statuses.ws.write_string(t, col, c.status)?;
            }
            col += 1;
        }
        Ok(())
    }

    /// A block per report in each table's sheet: a title line, the form's header, its rows.
    fn table_blocks(&mut self, rec: &Record) -> std::result::Result<(), XlsxError> {
        let Some(template) = crate::template::by_key(&rec.template) else {
            return Ok(());
        };
        let by_key: HashMap<&str, &super::CellOut> =
            rec.cells.iter().map(|c| (c.key.as_str(), c)).collect();
        let mut notes: HashMap<&str, String> = HashMap::new();
        for f in &rec.findings {
            for c in &f.cells {
                let n = notes.entry(c.as_str()).or_default();
                if !n.is_empty() {
                    n.push('\n');
                }
                n.push_str(&f.message);
            }
        }
        let s = &self.styles;
        for (id, sheet) in &mut self.tables {
            let Some(spec) = template.table(id) else {
                continue;
            };
            let at = sheet.take(spec.rows.len() as u32 + 3, &s.bold);
            let title = format!(
                "{} · {} · {} · {} · {}",
                rec.source,
                rec.organization.as_deref().unwrap_or("?"),
                rec.year.map_or_else(|| "?".to_string(), |y| y.to_string()),
                rec.template,
                rec.status
            );
            let ws = &mut sheet.ws;
            ws.write_string_with_format(at, 0, fit(&title, TEXT_MAX), &s.bold)?;
            ws.write_string_with_format(at + 1, 0, &spec.title, &s.bold)?;
            for (c, col) in spec.columns.iter().enumerate() {
                ws.write_string_with_format(at + 1, c as u16 + 1, &col.label, &s.bold)?;
            }
            for (ri, row) in spec.rows.iter().enumerate() {
                let r = at + 2 + ri as u32;
                ws.write_string(r, 0, &row.label)?;
                for (c, col) in spec.columns.iter().enumerate() {
                    if !spec.row_has_column(ri, &col.key) {
                        continue;
                    }
                    let key = crate::model::cell_key(id, &row.key, &col.key);
                    let Some(cell) = by_key.get(key.as_str()) else {
                        continue;
                    };
                    let f = s.of(cell.status);
                    let c = c as u16 + 1;
                    // Blank, not applicable and unknown look different: empty, `/`, `?`.
                    match (cell.value, cell.status) {
                        (Some(v), _) => ws.write_number_with_format(r, c, v, f)?,
                        (None, "blank") => ws.write_blank(r, c, f)?,
                        (None, "na") => ws.write_string_with_format(r, c, "/", f)?,
                        (None, _) => ws.write_string_with_format(r, c, "?", f)?,
                    };
                    if let Some(n) = notes.get(key.as_str()) {
                        let text = format!("{}: {n}", cell.status);
                        let text = fit(&text, TEXT_MAX - 54);
                        ws.insert_note(r, c, &Note::new(text).set_width(360))?;
                    }
                }
            }
        }
        Ok(())
    }

    fn finding_rows(&mut self, rec: &Record) -> std::result::Result<(), XlsxError> {
        for f in &rec.findings {
            let r = self.findings.take(1, &self.styles.bold);
            let ws = &mut self.findings.ws;
            ws.write_string(r, 0, fit(&rec.source, TEXT_MAX))?;
            if let Some(o) = &rec.organization {
                ws.write_string(r, 1, fit(o, TEXT_MAX))?;
            }
            if let Some(y) = rec.year {
                ws.write_number(r, 2, y)?;
            }
            ws.write_string(r, 3, fit(f.rule.as_ref(), TEXT_MAX))?;
            ws.write_string(r, 4, f.severity.as_str())?;
            ws.write_string(r, 5, fit(&f.cells.join(" "), TEXT_MAX))?;
            ws.write_string(r, 6, fit(&f.message, TEXT_MAX))?;
        }
        Ok(())
    }

    fn keys_sheet() -> std::result::Result<Worksheet, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name("键")?;
        let bold = Format::new().set_bold();
        let head = [
            "key",
            "template",
            "canonical_key",
            "table",
            "row_label",
            "column_label",
            "kind",
            "unit",
        ];
        for (c, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, e) in vocabulary::entries().iter().enumerate() {
            let r = i as u32 + 1;
            let fields = [
                e.key.as_str(),
                e.template,
                &e.canonical_key,
                e.table_label,
                e.row_label,
                e.column_label,
                e.kind,
                e.unit.unwrap_or(""),
            ];
            for (c, v) in fields.iter().enumerate() {
                ws.write_string(r, c as u16, *v)?;
            }
        }
        ws.set_freeze_panes(1, 1)?;
        Ok(ws)
    }
}

/// The report's own columns of a 报告 or 状态 row.
fn write_meta(ws: &mut Worksheet, row: u32, rec: &Record) -> std::result::Result<(), XlsxError> {
    let texts = [
        Some(rec.source.as_str()),
        rec.organization.as_deref(),
        rec.organization_normalized.as_deref(),
        rec.region.province.as_deref(),
        rec.region.city.as_deref(),
        rec.region.county.as_deref(),
    ];
    for (c, v) in texts.iter().enumerate() {
        if let Some(v) = v {
            ws.write_string(row, c as u16, fit(v, TEXT_MAX))?;
        }
    }
    if let Some(y) = rec.year {
        ws.write_number(row, 6, y)?;
    }
    ws.write_string(row, 7, fit(&rec.template, TEXT_MAX))?;
    ws.write_string(row, 8, rec.status)?;
    if let Some(v) = &rec.reviewer {
        ws.write_string(row, 9, fit(v, TEXT_MAX))?;
    }
    ws.write_number(row, 10, rec.errors as f64)?;
    ws.write_number(row, 11, rec.warnings as f64)?;
    Ok(())
}

impl Export for Book {
    fn write(&mut self, rec: &Record) -> Result<()> {
        let path = self.path.clone();
        self.report_row(rec).map_err(xerr(&path))?;
        self.table_blocks(rec).map_err(xerr(&path))?;
        self.finding_rows(rec).map_err(xerr(&path))
    }

    fn finish(mut self: Box<Self>, series: &[SeriesFinding]) -> Result<()> {
        let path = self.path.clone();
        let x = xerr(&path);
        for f in series {
            for (side, other) in [(&f.this, &f.last), (&f.last, &f.this)] {
                let r = self.findings.take(1, &self.styles.bold);
                let ws = &mut self.findings.ws;
                ws.write_string(r, 0, fit(&side.path, TEXT_MAX))
                    .map_err(&x)?;
                ws.write_string(r, 1, fit(&f.body, TEXT_MAX)).map_err(&x)?;
                if let Some(y) = side.year {
                    ws.write_number(r, 2, y).map_err(&x)?;
                }
                ws.write_string(r, 3, &f.rule).map_err(&x)?;
                ws.write_string(r, 4, f.severity_name()).map_err(&x)?;
                ws.write_string(r, 5, fit(&side.cells.join(" "), TEXT_MAX))
                    .map_err(&x)?;
                let message = format!("{} ({})", f.message, other.path);
                ws.write_string(r, 6, fit(&message, TEXT_MAX)).map_err(&x)?;
            }
        }
        let book = *self;
        let mut wb = Workbook::new();
        for sheet in book.reports.into_sheets() {
            wb.push_worksheet(sheet);
        }
        for sheet in book.statuses.into_sheets() {
            wb.push_worksheet(sheet);
        }
        for (_, paged) in book.tables {
            for sheet in paged.into_sheets() {
                wb.push_worksheet(sheet);
            }
        }
        for sheet in book.findings.into_sheets() {
            wb.push_worksheet(sheet);
        }
        wb.push_worksheet(Book::keys_sheet().map_err(&x)?);
        let mut out = std::io::BufWriter::new(book.out);
        wb.save_to_writer(&mut out).map_err(&x)?;
        out.flush().map_err(super::io(&path))?;
        out.into_inner()
            .map_err(|e| Error::Write {
                path: path.clone(),
                source: e.into_error(),
            })?
            .commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_too_long_for_excel_is_cut_at_a_character() {
        let long = "宝".repeat(40_000);
        let cut = fit(&long, TEXT_MAX);
        assert_eq!(cut.encode_utf16().count(), TEXT_MAX);
        assert!(cut.ends_with('…'));
        assert_eq!(fit("短", TEXT_MAX), "短");
        let astral = "𝒳".repeat(20_000);
        assert!(fit(&astral, TEXT_MAX).encode_utf16().count() <= TEXT_MAX);
    }
}
