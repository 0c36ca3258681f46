//! Documents → the canonical text the extractor reads: one table row a line, its cells
//! separated by `|` (an empty cell an empty field), prose as paragraphs.
//!
//! Plain text is read as it is (`decode`); a web page is parsed and its tables laid out as
//! rows, so a blank cell is a blank cell and nothing has to be guessed back.

pub mod docx;
pub mod html;

use std::path::Path;

use crate::decode::{self, Decoded};
use crate::error::Result;

/// What kind of document a file is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (`.txt`, and anything unknown).
    Text,
    /// A web page (`.html`, `.htm`).
    Html,
    /// A Word document (`.docx`).
    Docx,
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
            _ => Format::Text,
        }
    }

    /// Extensions of the documents a folder walk picks up, documents first: when one folder
    /// holds `a.html` and `a.txt`, the document is read.
    pub const EXTENSIONS: [&'static str; 4] = ["docx", "html", "htm", "txt"];
}

/// Reads a document's bytes into the canonical text.
pub fn canonical(path: &Path, bytes: &[u8]) -> Result<Decoded> {
    match Format::of(path) {
        Format::Text => decode::decode(bytes, path),
        Format::Html => html::read(bytes, path),
        Format::Docx => docx::read(bytes, path),
    }
}
