//! Documents → the canonical text the extractor reads: one table row a line, its cells
//! separated by `|` (an empty cell an empty field), prose as paragraphs.
//!
//! Plain text is read as it is (`decode`); a web page is parsed and its tables laid out as
//! rows, so a blank cell is a blank cell and nothing has to be guessed back.

pub mod child;
pub mod doc;
pub mod docx;
pub mod html;
pub mod pdf;

use std::path::Path;

use crate::decode::{self, Decoded};
use crate::error::Result;
use crate::model::{DocPlace, PageBox};

/// What kind of document a file is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (`.txt`, and anything unknown).
    Text,
    /// A web page (`.html`, `.htm`).
    Html,
    /// A Word document (`.docx`).
    Docx,
    /// A Word 97 document (`.doc`), converted by LibreOffice.
    Doc,
    /// A PDF (`.pdf`), read from its characters' positions and ruling lines.
    Pdf,
}

impl Format {
    /// The format a path's extension names.
    pub fn of(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html" | "htm") => Format::Html,
            Some("docx") => Format::Docx,
            Some("doc") => Format::Doc,
            Some("pdf") => Format::Pdf,
            _ => Format::Text,
        }
    }

    /// Extensions of the documents a folder walk picks up, documents first: when one folder
    /// holds `a.html` and `a.txt`, the document is read.
    pub const EXTENSIONS: [&'static str; 6] = ["pdf", "doc", "docx", "html", "htm", "txt"];
}

/// A document as the extractor reads it: the canonical text, and where each table field of it
/// stands in the document (empty for plain text, which has no document behind it).
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub text: String,
    /// `utf-8`, `utf-8-bom` or `gb18030`: how the bytes were decoded.
    pub encoding: &'static str,
    /// Byte ranges of the canonical text's table fields, in order, each with its place.
    pub places: Vec<(usize, usize, DocPlace)>,
    /// The document reader and its version (none for plain text); raised whenever a reader
    /// changes what it writes, so older extractions can be told apart.
    pub reader: Option<&'static str>,
    /// What the reader found about the document itself (a PDF page with no text layer).
    pub findings: Vec<crate::model::Finding>,
}

impl Document {
    /// The document place of the field holding byte `at`, if any.
    pub fn place_at(&self, at: usize) -> Option<DocPlace> {
        let i = self.places.partition_point(|&(_, end, _)| end < at);
        self.places
            .get(i)
            .filter(|&&(start, end, _)| start <= at && at <= end)
            .map(|&(_, _, p)| p)
    }
}

/// Reads a document's bytes into the canonical text.
pub fn canonical(path: &Path, bytes: &[u8]) -> Result<Document> {
    match Format::of(path) {
        Format::Text => decode::decode(bytes, path).map(|d: Decoded| Document {
            text: d.text,
            encoding: d.encoding,
            places: Vec::new(),
            reader: None,
            findings: Vec::new(),
        }),
        Format::Html => html::read(bytes, path),
        Format::Docx => docx::read(bytes, path),
        Format::Doc => doc::read(bytes, path),
        Format::Pdf => pdf::read(bytes, path),
    }
}

/// Writes table rows into the canonical text, one a line, `field | field | … |`, keeping each
/// field's byte range and document place.
#[derive(Debug, Default)]
pub struct RowWriter {
    pub text: String,
    pub places: Vec<(usize, usize, DocPlace)>,
    /// Tables written so far (the current one's number, counted from 1).
    pub table: u32,
}

impl RowWriter {
    /// Starts a new table.
    pub fn start_table(&mut self) {
        self.table += 1;
    }

    /// Writes one row: each field with the grid column it starts in (counted from 0). A row
    /// with no text is not written.
    pub fn row(&mut self, row: u32, fields: &[(String, usize)]) {
        let fields: Vec<(&str, usize, Option<PageBox>)> =
            fields.iter().map(|(t, c)| (t.as_str(), *c, None)).collect();
        self.row_boxed(row, &fields);
    }

    /// Writes one row whose fields also know their box on a page.
    pub fn row_boxed(&mut self, row: u32, fields: &[(&str, usize, Option<PageBox>)]) {
        if fields.iter().all(|(t, _, _)| t.is_empty()) {
            return;
        }
        for (i, (text, col, page)) in fields.iter().enumerate() {
            if i > 0 {
                self.text.push_str(" | ");
            }
            let start = self.text.len();
            self.text.push_str(text);
            let place = DocPlace {
                table: self.table,
                row,
                col: u32::try_from(*col).unwrap_or(u32::MAX).saturating_add(1),
                page: *page,
            };
            self.places.push((start, self.text.len(), place));
        }
        self.text.push_str(" |\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_found_by_any_byte_of_it() {
        let mut w = RowWriter::default();
        w.start_table();
        w.row(
            3,
            &[("规章".into(), 0), ("12".into(), 1), (String::new(), 2)],
        );
        let doc = Document {
            text: w.text.clone(),
            encoding: "utf-8",
            places: w.places,
            reader: None,
            findings: Vec::new(),
        };
        assert_eq!(w.text, "规章 | 12 |  |\n");
        let at = w.text.find("12").unwrap();
        let p = doc.place_at(at).unwrap();
        assert_eq!((p.table, p.row, p.col), (1, 3, 2));
        assert_eq!(doc.place_at(at + 1).map(|p| p.col), Some(2));
        assert_eq!(doc.place_at(0).map(|p| p.col), Some(1));
    }
}
