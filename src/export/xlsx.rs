//! The Excel workbook (rust_xlsxwriter), for staff who work in Excel or WPS.
//!
//! Sheets: 报告 (one row per report, a column per key, real numbers, cells coloured by
//! status), 状态 (the same grid holding each value's status), one sheet per table laid out
//! like the official form with a block per report and each finding as a note on its cells,
//! 发现 (every finding), and 键 (the key dictionary). Header rows and label columns are
//! frozen. Strings are written as strings, so a file name like `=1+2.txt` is never a formula.
//! A sheet that would pass Excel's 1,048,576 rows goes on in `NAME (2)`.

// foldhash: these maps are looked up once per cell of every report; SipHash showed in profiles.
use foldhash::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, Format, Note, Workbook, Worksheet, XlsxError};

use super::{Export, Options, Record, REPORT_COLUMNS};
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

/// A sheet that continues on a new one when full; `head` rows repeat on each. Sheets are
/// written in constant memory: each row goes to a temp file once the next one starts, so
/// rows are written in order and the workbook's size never sits in memory.
struct Paged {
    name: String,
    part: usize,
    /// The current sheet's index in the workbook.
    index: usize,
    row: u32,
    head: Vec<Vec<String>>,
    freeze: (u32, u16),
}

impl Paged {
    fn open(
        wb: &mut Workbook,
        name: &str,
        head: Vec<Vec<String>>,
        freeze: (u32, u16),
        bold: &Format,
    ) -> std::result::Result<Self, XlsxError> {
        let mut p = Paged {
            name: name.to_string(),
            part: 0,
            index: 0,
            row: 0,
            head,
            freeze,
        };
        p.start(wb, bold)?;
        Ok(p)
    }

    fn start(&mut self, wb: &mut Workbook, bold: &Format) -> std::result::Result<(), XlsxError> {
        self.part += 1;
        let name = if self.part == 1 {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.part)
        };
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        for (r, line) in self.head.iter().enumerate() {
            for (c, s) in line.iter().enumerate() {
                ws.write_string_with_format(r as u32, c as u16, s, bold)?;
            }
        }
        ws.set_freeze_panes(self.freeze.0, self.freeze.1)?;
        self.index = wb.worksheets().len() - 1;
        self.row = self.head.len() as u32;
        Ok(())
    }

    /// Room for `n` more rows: the sheet and the rows' first index.
    fn take(
        &mut self,
        wb: &mut Workbook,
        n: u32,
        bold: &Format,
    ) -> std::result::Result<(usize, u32), XlsxError> {
        if self.row + n > ROW_MAX {
            self.start(wb, bold)?;
        }
        let at = self.row;
        self.row += n;
        Ok((self.index, at))
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

/// The workbook: rows go to temp files as they are written, and `finish` puts the whole
/// file together.
pub struct Book {
    out: Output,
    path: PathBuf,
    wb: Workbook,
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

/// Rules whose finding only repeats a cell's status (its colour says it): no note of their own.
const STATUS_RULES: [&str; 3] = ["blank", "na", "inferred"];

impl Book {
    /// A workbook that will be written to `out` (a temp file beside `path`).
    pub fn new(out: Output, path: &Path, options: Options) -> Result<Self> {
        Book::open(out, path, options).map_err(xerr(path))
    }

    fn open(out: Output, path: &Path, options: Options) -> std::result::Result<Self, XlsxError> {
        let styles = Styles::new();
        let mut wb = Workbook::new();
        // Deflate at level 1: compression was a third of a large export's time, for a file
        // about a tenth larger. ZIP64 so a sheet past 4 GB unpacked is still written.
        wb.set_zip_compression_level(1);
        wb.use_zip_large_file(true);
        // The temp rows go beside the output: the system's temp folder may be small.
        if let Some(dir) = out.temp_path().and_then(Path::parent) {
            wb.set_tempdir(dir)?;
        }
        let mut keys: Vec<String> = REPORT_COLUMNS.iter().map(|h| h.0.to_string()).collect();
        let mut labels: Vec<String> = REPORT_COLUMNS.iter().map(|h| h.1.to_string()).collect();
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
        let reports = Paged::open(&mut wb, "报告", head.clone(), (2, 1), &styles.bold)?;
        let statuses = Paged::open(&mut wb, "状态", head, (2, 1), &styles.bold)?;
        let mut tables = Vec::new();
        for t in &crate::template::all()[0].tables {
            let name = match t.id.as_str() {
                "proactive" => "主动公开",
                "requests" => "申请处理",
                _ => "复议诉讼",
            };
            let sheet = Paged::open(&mut wb, name, Vec::new(), (0, 1), &styles.bold)?;
            tables.push((t.id.clone(), sheet));
        }
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
        let findings = Paged::open(&mut wb, "发现", vec![fhead, flabels], (2, 1), &styles.bold)?;
        keys_sheet(&mut wb, &styles.bold)?;
        Ok(Book {
            out,
            path: path.to_path_buf(),
            wb,
            styles,
            reports,
            statuses,
            tables,
            findings,
            measures: options.measures,
        })
    }

    fn report_row(&mut self, rec: &Record) -> std::result::Result<(), XlsxError> {
        let s = &self.styles;
        let (ri, r) = self.reports.take(&mut self.wb, 1, &s.bold)?;
        let (ti, t) = self.statuses.take(&mut self.wb, 1, &s.bold)?;
        write_meta(self.wb.worksheet_from_index(ri)?, r, rec)?;
        write_meta(self.wb.worksheet_from_index(ti)?, t, rec)?;
        let by_key: HashMap<&str, &super::CellOut> =
            rec.cells.iter().map(|c| (c.key.as_str(), c)).collect();
        // One sheet at a time: each is borrowed from the workbook in turn.
        // The row's cells once, for both sheets: (value, status, coloured by status). Records
        // carry every measure, in `measures::all()` order, when measures are on.
        let measures = rec
            .measures
            .iter()
            .filter(|_| self.measures)
            .map(|&(_, v)| Some((v, if v.is_some() { "derived" } else { "unknown" }, false)));
        let values = vocabulary::wide().map(|e| {
            by_key
                .get(e.key.as_str())
                .map(|c| (c.value, c.status, true))
        });
        let cells: Vec<_> = measures.chain(values).collect();
        let first = REPORT_COLUMNS.len() as u16;
        let ws = self.wb.worksheet_from_index(ri)?;
        for (i, cell) in cells.iter().enumerate() {
            let col = first + i as u16;
            match *cell {
                Some((Some(v), st, true)) => ws.write_number_with_format(r, col, v, s.of(st))?,
                Some((Some(v), _, false)) => ws.write_number(r, col, v)?,
                Some((None, st, true)) => ws.write_blank(r, col, s.of(st))?,
                _ => continue,
            };
        }
        let ws = self.wb.worksheet_from_index(ti)?;
        for (i, cell) in cells.iter().enumerate() {
            if let Some((_, st, _)) = cell {
                ws.write_string(t, first + i as u16, *st)?;
            }
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
        let mut notes: HashMap<&str, String> = HashMap::default();
        for f in &rec.findings {
            if STATUS_RULES.contains(&f.rule.as_ref()) || f.dismissed.is_some() {
                continue;
            }
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
            let (index, at) = sheet.take(&mut self.wb, spec.rows.len() as u32 + 3, &s.bold)?;
            let ws = self.wb.worksheet_from_index(index)?;
            let title = format!(
                "{} · {} · {} · {} · {}",
                rec.source,
                rec.organization.as_deref().unwrap_or("?"),
                rec.year.map_or_else(|| "?".to_string(), |y| y.to_string()),
                rec.template,
                rec.status
            );
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

    fn finding_row(
        &mut self,
        fields: [std::borrow::Cow<'_, str>; 8],
        year: Option<i32>,
    ) -> std::result::Result<(), XlsxError> {
        let (index, r) = self.findings.take(&mut self.wb, 1, &self.styles.bold)?;
        let ws = self.wb.worksheet_from_index(index)?;
        for (c, v) in fields.iter().enumerate() {
            if c == 2 {
                if let Some(y) = year {
                    ws.write_number(r, 2, y)?;
                }
            } else if !v.is_empty() {
                ws.write_string(r, c as u16, fit(v, TEXT_MAX))?;
            }
        }
        Ok(())
    }

    fn finding_rows(&mut self, rec: &Record) -> std::result::Result<(), XlsxError> {
        use std::borrow::Cow;
        for f in &rec.findings {
            let fields = [
                Cow::Borrowed(rec.source.as_str()),
                Cow::Borrowed(rec.organization.as_deref().unwrap_or("")),
                Cow::Borrowed(""),
                Cow::Borrowed(f.rule.as_ref()),
                Cow::Borrowed(f.severity.as_str()),
                Cow::Owned(f.cells.join(" ")),
                Cow::Borrowed(f.message.as_str()),
                Cow::Owned(f.dismissed.as_ref().map_or_else(String::new, |d| {
                    format!("{} ({}, {})", d.reason, d.reviewer, d.at)
                })),
            ];
            self.finding_row(fields, rec.year)?;
        }
        Ok(())
    }
}

/// The 键 sheet: the key dictionary (`keys-list`).
fn keys_sheet(wb: &mut Workbook, bold: &Format) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("键")?;
    for (c, h) in vocabulary::COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, bold)?;
    }
    for (i, e) in vocabulary::entries().iter().enumerate() {
        for (c, v) in e.fields().iter().enumerate() {
            ws.write_string(i as u32 + 1, c as u16, *v)?;
        }
    }
    ws.set_freeze_panes(1, 1)?;
    Ok(())
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
    if let Some(v) = &rec.review_reason {
        ws.write_string(row, 10, fit(v, TEXT_MAX))?;
    }
    ws.write_number(row, 11, rec.errors as f64)?;
    ws.write_number(row, 12, rec.warnings as f64)?;
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
        use std::borrow::Cow;
        let path = self.path.clone();
        let x = xerr(&path);
        for f in series {
            for (side, other) in [(&f.this, &f.last), (&f.last, &f.this)] {
                let fields = [
                    Cow::Borrowed(side.path.as_str()),
                    Cow::Borrowed(f.body.as_str()),
                    Cow::Borrowed(""),
                    Cow::Borrowed(f.rule.as_str()),
                    Cow::Borrowed(f.severity_name()),
                    Cow::Owned(side.cells.join(" ")),
                    Cow::Owned(format!("{} ({})", f.message, other.path)),
                    Cow::Borrowed(""),
                ];
                self.finding_row(fields, side.year).map_err(&x)?;
            }
        }
        let Book { out, mut wb, .. } = *self;
        let mut out = std::io::BufWriter::new(out);
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
