//! Word 97 documents (`.doc`): LibreOffice converts them to `.docx`
//! (`soffice --headless --convert-to docx`), which is then read like any Word file.
//!
//! LibreOffice is a large C++ program fed a hostile file, so it runs as a child process in a
//! session of its own, with its own throw-away profile, a memory limit and a time limit: a
//! file that crashes or hangs it costs that file, never the session. Without LibreOffice on
//! `PATH` the file is refused in one line that says what is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Document;
use crate::error::{Error, Result};

/// This reader and its version, recorded in each report read through it.
pub const READER: &str = "doc 1 (LibreOffice to docx 1)";

/// Longest a conversion may take; a real report converts in a few seconds.
/// `TABLEREVIEW_CONVERT_SECONDS` sets another limit (a slow machine, or a test).
fn time_limit() -> Duration {
    let secs = std::env::var("TABLEREVIEW_CONVERT_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(60);
    Duration::from_secs(secs)
}
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
    .env("HOME", dir.path())
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    limit(&mut cmd);
    let mut child = cmd.spawn().map_err(|e| {
        fail(format!(
            "LibreOffice ({}) did not start: {e}",
            soffice.display()
        ))
    })?;
    let started = Instant::now();
    let limit_time = time_limit();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < limit_time => {
                std::thread::sleep(Duration::from_millis(50));
            }
            _ => {
                kill_session(&child);
                let _ = child.wait();
                return Err(fail(format!(
                    "LibreOffice did not convert it within {} s; the file may be damaged",
                    limit_time.as_secs()
                )));
            }
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

/// A session of its own (so that everything it starts can be stopped together) and a memory
/// limit, set in the child before LibreOffice runs.
#[cfg(unix)]
fn limit(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid and setrlimit are async-signal-safe and touch only the child.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            let lim = libc::rlimit {
                rlim_cur: MEMORY_LIMIT as libc::rlim_t,
                rlim_max: MEMORY_LIMIT as libc::rlim_t,
            };
            libc::setrlimit(libc::RLIMIT_AS, &lim);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit(_: &mut Command) {}

#[cfg(unix)]
fn kill_session(child: &std::process::Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: signals the child's own session, made by setsid above.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_session(child: &std::process::Child) {
    let _ = child;
}
