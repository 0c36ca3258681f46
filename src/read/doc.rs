//! Word 97 documents (`.doc`): LibreOffice converts them to `.docx`
//! (`soffice --headless --convert-to docx`), which is then read like any Word file.
//!
//! LibreOffice is a large C++ program fed a hostile file, so it runs as a child process in a
//! session of its own, with its own throw-away profile, a memory limit and a time limit: a
//! file that crashes or hangs it costs that file, never the session. Without LibreOffice on
//! `PATH` the file is refused in one line that says what is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::child::{self, Failure, Limits};

use super::Document;
use crate::error::{Error, Result};

/// This reader and its version, recorded in each report read through it.
pub const READER: &str = "doc 1 (LibreOffice to docx 1)";

/// Address space the converter may map (it maps far more than it touches).
const MEMORY_LIMIT: u64 = 4 << 30;

/// The LibreOffice binary on `PATH`, if any.
pub fn converter() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["soffice", "libreoffice"].map(|n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Reads a `.doc` file's bytes: converted by LibreOffice, then read as `.docx`.
pub fn read(bytes: &[u8], path: &Path) -> Result<Document> {
    let fail = |message: String| Error::Other {
        path: path.into(),
        message,
    };
    let Some(soffice) = converter() else {
        return Err(fail(
            "is a Word 97 document (.doc): reading it needs LibreOffice (soffice on PATH); install it, or save the file as .docx"
                .into(),
        ));
    };
    let dir = tempfile::tempdir()
        .map_err(|e| fail(format!("cannot make a folder to convert it in ({e})")))?;
    let input = dir.path().join("report.doc");
    std::fs::write(&input, bytes)
        .map_err(|e| fail(format!("cannot copy it to convert it ({e})")))?;
    let profile = dir.path().join("profile");
    let mut cmd = Command::new(&soffice);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ))
    .args([
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "docx",
    ])
    .arg("--outdir")
    .arg(dir.path())
    .arg(&input)
    .env("HOME", dir.path());
    let limits = Limits {
        time: child::time_limit(60),
        memory: MEMORY_LIMIT,
        // LibreOffice writes the converted file, not to standard output.
        output: 1 << 20,
    };
    let status = match child::run(cmd, None, limits) {
        Ok((status, _)) => status,
        Err(Failure::Spawn(e)) => {
            return Err(fail(format!(
                "LibreOffice ({}) did not start: {e}",
                soffice.display()
            )))
        }
        Err(Failure::TimedOut(t)) => {
            return Err(fail(format!(
                "LibreOffice did not convert it within {} s; the file may be damaged",
                t.as_secs()
            )))
        }
        Err(Failure::TooMuchOutput(_)) => {
            return Err(fail(
                "LibreOffice wrote far too much output; not read".into(),
            ))
        }
    };
    let output = dir.path().join("report.docx");
    let docx = std::fs::read(&output).map_err(|_| {
        fail(format!(
            "LibreOffice could not convert it ({status}); the file may be damaged or not a Word document"
        ))
    })?;
    super::docx::read(&docx, path).map(|d| Document {
        reader: Some(READER),
        ..d
    })
}
