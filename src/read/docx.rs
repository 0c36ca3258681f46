//! Word documents (`.docx`) → canonical text. The body (`word/document.xml`) is read with
//! quick-xml: paragraphs become lines, each table row a line of explicit fields
//! (`cell | cell | … |`). A cell merged into the one above (`w:vMerge` without `restart`) or
//! spanning grid columns (`w:gridSpan`) is written once, where it starts; cells skipped at a
//! row's start (`w:gridBefore`) are not cells. Header words split over paragraphs of one cell
//! are joined by spaces.
//!
//! A `.docx` is a zip: the body is read at most `MAX_BODY` bytes uncompressed, so a zip bomb
//! costs that much and no more.

use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{Document, RowWriter};
use crate::error::{Error, Result};

/// This reader and its version, recorded in each report read through it.
pub const READER: &str = "docx 1";

/// Largest uncompressed body read: the official template's is 250 KB, a long report's a few MB.
const MAX_BODY: u64 = 32_000_000;

/// Reads a `.docx` file's bytes into the canonical text, with each table field's place.
pub fn read(bytes: &[u8], path: &Path) -> Result<Document> {
    let bad = |why: &str| Error::Other {
        path: path.into(),
        message: format!("{why}; save it again from Word or WPS, or convert it to text"),
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| bad("is not a Word document (.docx): not a zip archive"))?;
    let mut body = archive
        .by_name("word/document.xml")
        .map_err(|_| bad("is not a Word document (.docx): it has no word/document.xml"))?;
    let mut xml = Vec::new();
    (&mut body)
        .take(MAX_BODY + 1)
        .read_to_end(&mut xml)
        .map_err(|_| bad("has a damaged word/document.xml"))?;
    if xml.len() as u64 > MAX_BODY {
        return Err(bad(
            "has a body larger than 32 MB uncompressed (a zip bomb?)",
        ));
    }
    let w = write_body(&xml).map_err(|e| bad(&format!("has a malformed body ({e})")))?;
    if w.text.trim().is_empty() {
        return Err(Error::Empty { path: path.into() });
    }
    Ok(Document {
        text: w.text,
        encoding: "utf-8",
        places: w.places,
        reader: Some(READER),
        findings: Vec::new(),
    })
}

/// One table being read: its number, the row and the cell being read.
#[derive(Default)]
struct TableState {
    number: u32,
    /// Rows so far, the current one included (counted from 1).
    row_no: u32,
    /// The row's fields, each with the grid column it starts in.
    row: Vec<(String, usize)>,
    cell: String,
    /// Grid column of the next cell (after `w:gridBefore` and the cells before it).
    col: usize,
    /// Grid columns the cell being read spans (`w:gridSpan`).
    span: usize,
    /// Whether the cell being read continues the one above it (`w:vMerge` without `restart`).
    merged: bool,
}

/// The canonical text of a `word/document.xml`.
pub fn to_text(xml: &[u8]) -> std::result::Result<String, String> {
    write_body(xml).map(|w| w.text)
}

/// The value of an element's `w:val` attribute as a count, if it has one.
fn val(e: &quick_xml::events::BytesStart) -> Option<usize> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == b"val")
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
}

/// Resolves a character or entity reference inside a run's text (`&amp;`, `&#20013;`).
fn resolve(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        n => n
            .strip_prefix("#x")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    }
}

fn write_body(xml: &[u8]) -> std::result::Result<RowWriter, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = RowWriter::default();
    let mut para = String::new();
    // Nested tables are read as tables of their own, one after the other.
    let mut tables: Vec<TableState> = Vec::new();
    let mut in_text = false;
    let at = |r: &Reader<&[u8]>| r.buffer_position();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("at byte {}: {e}", at(&reader)))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"tab" | b"br" | b"cr" => para.push(' '),
                b"tbl" => {
                    flush_paragraph(&mut para, &mut out.text, tables.last_mut());
                    out.start_table();
                    tables.push(TableState {
                        number: out.table,
                        ..TableState::default()
                    });
                }
                b"tr" => {
                    if let Some(t) = tables.last_mut() {
                        t.row.clear();
                        t.row_no += 1;
                        t.col = 0;
                    }
                }
                b"gridBefore" => {
                    if let Some(t) = tables.last_mut() {
                        t.col += val(&e).unwrap_or(0).min(64);
                    }
                }
                b"tc" => {
                    if let Some(t) = tables.last_mut() {
                        t.cell.clear();
                        t.merged = false;
                        t.span = 1;
                    }
                }
                b"gridSpan" => {
                    if let Some(t) = tables.last_mut() {
                        t.span = val(&e).unwrap_or(1).clamp(1, 64);
                    }
                }
                b"vMerge" => {
                    let restart = e.attributes().flatten().any(|a| {
                        a.key.local_name().as_ref() == b"val" && a.value.as_ref() == b"restart"
                    });
                    if let Some(t) = tables.last_mut() {
                        t.merged = !restart;
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                let s = t
                    .decode()
                    .map_err(|e| format!("at byte {}: {e}", at(&reader)))?;
                let s = quick_xml::escape::unescape(&s)
                    .map_err(|e| format!("at byte {}: {e}", at(&reader)))?;
                para.push_str(&s);
            }
            Event::GeneralRef(r) if in_text => {
                let name = r
                    .decode()
                    .map_err(|e| format!("at byte {}: {e}", at(&reader)))?;
                if let Some(c) = resolve(&name) {
                    para.push(c);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => flush_paragraph(&mut para, &mut out.text, tables.last_mut()),
                b"tc" => {
                    flush_paragraph(&mut para, &mut out.text, tables.last_mut());
                    if let Some(t) = tables.last_mut() {
                        if !t.merged {
                            let cell = t.cell.trim().replace('|', "｜");
                            t.row.push((cell, t.col));
                        }
                        t.col += t.span;
                    }
                }
                b"tr" => {
                    if let Some(t) = tables.last_mut() {
                        out.table = t.number;
                        out.row(t.row_no, &t.row);
                        t.row.clear();
                    }
                }
                b"tbl" => {
                    tables.pop();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    flush_paragraph(&mut para, &mut out.text, None);
    Ok(out)
}

/// Ends a paragraph: into the cell being read (joined by a space), else as a line of prose.
fn flush_paragraph(para: &mut String, out: &mut String, table: Option<&mut TableState>) {
    let text: String = para.split_whitespace().collect::<Vec<_>>().join(" ");
    para.clear();
    if text.is_empty() {
        return;
    }
    match table {
        Some(t) => {
            if !t.cell.is_empty() {
                t.cell.push(' ');
            }
            t.cell.push_str(&text);
        }
        None => {
            out.push_str(&text);
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body>{body}</w:body></w:document>"
        )
        .into_bytes()
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    #[test]
    fn paragraphs_and_tables_become_lines_and_rows() {
        let body = format!(
            "{}<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>{}",
            p("二、主动公开政府信息情况"),
            p("规章"),
            p("3"),
            p("三、收到")
        );
        assert_eq!(
            to_text(&doc(&body)).unwrap(),
            "二、主动公开政府信息情况\n规章 | 3 |  |\n三、收到\n"
        );
    }

    #[test]
    fn merged_cells_are_written_where_they_start() {
        let vm = |restart: bool| {
            if restart {
                "<w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>"
            } else {
                "<w:tcPr><w:vMerge/></w:tcPr>"
            }
        };
        let body = format!(
            "<w:tbl><w:tr><w:tc>{}{}</w:tc><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr>\
             <w:tr><w:tc>{}<w:p/></w:tc><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            vm(true),
            p("三、本年度办理结果"),
            p("（一）予以公开"),
            p("1"),
            vm(false),
            p("（二）部分公开"),
            p("2"),
        );
        assert_eq!(
            to_text(&doc(&body)).unwrap(),
            "三、本年度办理结果 | （一）予以公开 | 1 |\n（二）部分公开 | 2 |\n"
        );
    }

    #[test]
    fn grid_columns_count_spans_and_skipped_cells() {
        // 规章 spans two grid columns after one skipped (gridBefore): 3 stands in column 4.
        let body = format!(
            "<w:tbl><w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>\
             <w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p("规章"),
            p("3")
        );
        let w = write_body(&doc(&body)).unwrap();
        assert_eq!(w.text, "规章 | 3 |\n");
        let cols: Vec<u32> = w.places.iter().map(|(_, _, p)| p.col).collect();
        assert_eq!(cols, [2, 4]);
    }

    #[test]
    fn header_words_split_over_paragraphs_join() {
        let body = format!(
            "<w:tbl><w:tr><w:tc>{}{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p("社会"),
            p("公益组织"),
            p("a&amp;b")
        );
        assert_eq!(to_text(&doc(&body)).unwrap(), "社会 公益组织 | a&b |\n");
    }

    #[test]
    fn not_a_zip_is_one_line_naming_the_file() {
        let e = read(b"PK\x03\x04 broken", Path::new("r.docx")).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("r.docx") && !msg.contains('\n'), "{msg}");
    }
}
