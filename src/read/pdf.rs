//! PDF documents: each page's characters with their positions and its ruling lines are read
//! (by pdf_oxide, in `parse`), and the tables are laid out cell by cell from the lines that
//! bound them (`layout`), so a blank cell is a blank cell and every value knows its page and
//! box.
//!
//! The PDF library is large and fed hostile files. In the binary it runs in a child process
//! (the binary itself, started with [`CHILD_ARG`]) with a time and a memory limit, so a file
//! that crashes it or loops costs that file, never the session. A library caller that has not
//! named the binary with [`isolate_with`] parses in its own process.

pub mod layout;
pub mod parse;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::child::{self, Failure, Limits};
use super::Document;
use crate::error::{Error, Result};
use crate::model::{Finding, Severity};

/// This reader and its version (with the PDF library's), recorded in each report read through it.
pub const READER: &str = "pdf 1 (pdf_oxide 0.3.78)";

/// The argument that makes the binary a PDF-parsing child: PDF bytes on standard input, the
/// pages as JSON on standard output.
pub const CHILD_ARG: &str = "__read-pdf";

/// Address space the parser may map.
const MEMORY_LIMIT: u64 = 2 << 30;
/// Most bytes of pages the child may hand back.
const OUTPUT_LIMIT: usize = 256 << 20;

static CHILD: OnceLock<PathBuf> = OnceLock::new();

/// Parses PDFs in a child process: `exe` started with [`CHILD_ARG`].
pub fn isolate_with(exe: PathBuf) {
    let _ = CHILD.set(exe);
}

/// The child's work: reads PDF bytes from standard input and writes the pages as JSON to
/// standard output; a failure goes to standard output too, as `{"error": …}`, so the parent
/// can name it.
pub fn child_main() -> std::process::ExitCode {
    use std::io::{Read, Write};
    let mut bytes = Vec::new();
    if std::io::stdin().read_to_end(&mut bytes).is_err() {
        return std::process::ExitCode::from(2);
    }
    let reply = match parse::pages(bytes) {
        Ok(pages) => serde_json::to_vec(&Reply::Pages(pages)),
        Err(e) => serde_json::to_vec(&Reply::Error(e)),
    };
    let Ok(reply) = reply else {
        return std::process::ExitCode::from(2);
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(&reply).and_then(|()| out.flush()).is_err() {
        return std::process::ExitCode::from(2);
    }
    std::process::ExitCode::SUCCESS
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    Pages(layout::Pages),
    Error(String),
}

/// Reads a PDF's bytes into the canonical text.
pub fn read(bytes: &[u8], path: &Path) -> Result<Document> {
    let fail = |message: String| Error::Other {
        path: path.into(),
        message,
    };
    let pages = match CHILD.get() {
        Some(exe) => in_child(exe, bytes).map_err(fail)?,
        None => parse::pages(bytes.to_vec()).map_err(fail)?,
    };
    Ok(document(&pages))
}

/// The canonical text of parsed pages, with a finding for pages that hold no text.
pub fn document(pages: &layout::Pages) -> Document {
    let out = layout::write(pages);
    let mut findings = Vec::new();
    let empty: Vec<usize> = pages
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.glyphs.iter().any(|g| !g.c.is_whitespace()))
        .map(|(i, _)| i + 1)
        .collect();
    if !empty.is_empty() || pages.pages.is_empty() {
        let all = empty.len() == pages.pages.len();
        let list = empty
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        findings.push(Finding {
            rule: "no-text-layer".into(),
            // With no text at all nothing can be checked; a page without text among pages
            // with it may hold a table pasted as a picture.
            severity: if all {
                Severity::Error
            } else {
                Severity::Warning
            },
            cells: Vec::new(),
            message: if all {
                "the PDF has no text layer (a scan, or pages of pictures): nothing can be read from it; enter the tables by hand from the original, or run it through OCR first".into()
            } else {
                format!("page {list} of the PDF holds no text (a picture or a scan): a table printed there as an image cannot be read; compare those pages with the tables")
            },
            span: None,
            dismissed: None,
        });
    }
    Document {
        text: out.text,
        encoding: "utf-8",
        places: out.places,
        reader: Some(READER),
        findings,
    }
}

fn in_child(exe: &Path, bytes: &[u8]) -> std::result::Result<layout::Pages, String> {
    let mut cmd = Command::new(exe);
    cmd.arg(CHILD_ARG);
    let limits = Limits {
        time: child::time_limit(30),
        memory: MEMORY_LIMIT,
        output: OUTPUT_LIMIT,
    };
    let (status, out) = match child::run(cmd, Some(bytes.to_vec()), limits) {
        Ok(got) => got,
        Err(Failure::Spawn(e)) => {
            return Err(format!(
                "the PDF reader ({}) did not start: {e}",
                exe.display()
            ))
        }
        Err(Failure::TimedOut(t)) => {
            return Err(format!(
                "the PDF reader did not finish within {} s; the file may be damaged or built to stall readers",
                t.as_secs()
            ))
        }
        Err(Failure::TooMuchOutput(_)) => {
            return Err("holds far more text than a report; not read".into())
        }
    };
    match serde_json::from_slice::<Reply>(&out) {
        Ok(Reply::Pages(p)) if status.success() => Ok(p),
        Ok(Reply::Error(e)) => Err(e),
        _ => Err(format!(
            "the PDF reader stopped ({}); the file may be damaged",
            child::describe(status)
        )),
    }
}
