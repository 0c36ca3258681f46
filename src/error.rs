//! Library error type: every variant names the file it is about and what to do.

use std::path::PathBuf;

/// Why a report could not be read, extracted or saved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: file is empty; expected the text of an annual report")]
    Empty { path: PathBuf },
    #[error("{path}: looks like binary data (NUL bytes); convert the report to text first")]
    Binary { path: PathBuf },
    #[error("{path}: text is neither UTF-8 nor GB18030; re-save it as UTF-8")]
    Encoding { path: PathBuf },
    #[error("{path}: {size_mb} MB is far larger than any annual report text (they are under {limit_mb} MB); is this the right file?")]
    TooLarge {
        path: PathBuf,
        size_mb: u64,
        limit_mb: u64,
    },
    #[error("{path}: no such file or folder")]
    NotFound { path: PathBuf },
    #[error("{path}: no reports (.txt, .html, .htm, .docx, .doc) found in this folder")]
    NoReports { path: PathBuf },
    #[error(
        "{path}: cannot parse sidecar: {message}; fix or move it away (it was not overwritten)"
    )]
    Sidecar { path: PathBuf, message: String },
    #[error("{path}: sidecar does not fit its template: {message}; fix or move it away (it was not overwritten)")]
    SidecarInvalid { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Other { path: PathBuf, message: String },
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
