//! The journal beside a sidecar (`<stem>.reviewed.json.journal`): what each save added since
//! the sidecar was last written whole, one JSON line per save.
//!
//! Rewriting the whole sidecar on every keystroke costs time in proportion to the edit log
//! (1.4 s per key at 450,000 edits), so a save appends the new log records and the review
//! state to this file instead, and the sidecar (the snapshot) is rewritten only now and then:
//! when the journal grows past half the snapshot, when the review is claimed, and when it is
//! closed. Every reader goes through [`super::load`], which replays the journal over the
//! snapshot, so `check` and `export` see every saved edit. Replay sets values, statuses, the
//! log, the review state, dismissals, notes and the diff; the findings stay the snapshot's,
//! for the checker to recompute as it does for every sidecar (`review::reviewed_report`).
//!
//! A snapshot names the journal that continues it (`journal`, a token made when it was
//! written); lines carrying another token are left over from before that snapshot (a crash
//! between writing it and removing the journal, or a review deleted and begun again) and are
//! ignored. A last line without its newline is a save cut short by a crash and is ignored;
//! any other line that cannot be read makes the whole review unreadable, so it is never
//! overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files::SmallFile;
use crate::model::Dismissal;

use super::{CellNote, EditRecord, ReviewState, Sidecar, MAX_SIDECAR_BYTES};

/// The journal of the sidecar at `sidecar`.
pub fn path(sidecar: &Path) -> PathBuf {
    let mut name = sidecar.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

/// One save: the log records it added and the review as it then stood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// The token of the snapshot this line continues.
    pub of: String,
    pub edits: Vec<EditRecord>,
    pub review: ReviewState,
    /// The whole list, when this save changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissed: Option<Vec<Dismissal>>,
    /// The whole list, when this save changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<CellNote>>,
}

/// A token no other snapshot of this review has: the time in nanoseconds, the process and a
/// count of the tokens it made (two in one nanosecond, or a clock set back, still differ).
pub fn new_token() -> String {
    static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{nanos:x}-{:x}-{n:x}", std::process::id())
}

/// Reads the journal at `path` whole, before its snapshot: a snapshot read after its journal
/// is at least as new, so a compaction between the two reads loses nothing (the lines then
/// carry an older token and are ignored). `None` when there is no journal.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    match crate::files::read_small(path, MAX_SIDECAR_BYTES) {
        Ok(b) => Ok(Some(b)),
        Err(SmallFile::Missing) => Ok(None),
        Err(SmallFile::Io(source)) => Err(Error::Read {
            path: path.into(),
            source,
        }),
        Err(SmallFile::NotRegular) => Err(bad(path, "not a regular file".into())),
        Err(SmallFile::TooLarge(n)) => Err(bad(
            path,
            format!(
                "{} MB is more than any review writes between two snapshots (at most {} MB)",
                n >> 20,
                MAX_SIDECAR_BYTES >> 20
            ),
        )),
    }
}

/// Applies the journal `bytes` (read from `path`) to `side`, the snapshot it continues;
/// whether any line applied (else `side` is as it was).
pub fn replay(side: &mut Sidecar, bytes: &[u8], path: &Path) -> Result<bool> {
    let Some(token) = side.journal.clone() else {
        // The snapshot continues no journal: whatever is there predates it.
        return Ok(false);
    };
    let mut applied = false;
    for (i, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let Some(text) = raw.strip_suffix(b"\n") else {
            // Only the last line can lack its newline: a save a crash cut short.
            break;
        };
        // Only the token is read of another snapshot's line: a leftover from an older or
        // newer tablereview must not make this review unreadable.
        #[derive(Deserialize)]
        struct Of {
            of: String,
        }
        let of: Of =
            serde_json::from_slice(text).map_err(|e| bad(path, format!("line {}: {e}", i + 1)))?;
        if of.of != token {
            continue;
        }
        let line: Line =
            serde_json::from_slice(text).map_err(|e| bad(path, format!("line {}: {e}", i + 1)))?;
        apply(side, line).map_err(|why| bad(path, format!("line {}: {why}", i + 1)))?;
        applied = true;
    }
    if applied {
        side.diff = diff(side);
    }
    Ok(applied)
}

/// The sidecar's diff after its journal: the snapshot's is older. What the text said is each
/// edited cell's value before its first logged change (a review starts from the text).
fn diff(side: &Sidecar) -> String {
    let mut extracted = side.report.clone();
    let mut seen = std::collections::HashSet::new();
    for record in &side.edits {
        if seen.insert(record.cell.as_str()) {
            if let Some(cell) = extracted.cell_mut(&record.cell) {
                cell.value = record.old;
            }
        }
    }
    super::values_diff(&extracted, &side.report)
}

/// One line's changes applied to the snapshot: each record's cell takes its new value and
/// status, in log order, so undo and redo records land where they did on screen.
fn apply(side: &mut Sidecar, line: Line) -> std::result::Result<(), String> {
    for record in line.edits {
        let expected = side.edits.last().map_or(1, |r| r.seq + 1);
        if record.seq != expected {
            return Err(format!(
                "edit {} follows edit {}: the journal does not continue this review",
                record.seq,
                expected - 1
            ));
        }
        let cell = side
            .report
            .cell_mut(&record.cell)
            .ok_or_else(|| format!("edit {} names no cell ({})", record.seq, record.cell))?;
        cell.value = record.new;
        cell.status = record.new_status;
        side.edits.push(record);
    }
    side.review = line.review;
    if let Some(d) = line.dismissed {
        side.dismissed = d;
    }
    if let Some(n) = line.notes {
        side.notes = n;
    }
    Ok(())
}

/// Appends `line` to the journal at `path`, which must hold `expected` bytes (what this
/// review wrote since its snapshot), and makes it durable; returns the bytes written, or
/// `None`, writing nothing, when the journal is not as this review left it (removed,
/// replaced, or grown by someone else), so the caller writes the sidecar whole instead.
/// A write that fails is cut back to `expected`, so it never leaves half a line for the next
/// to join. Never through a symbolic link; a new journal gets the snapshot's mode (`like`)
/// and its owner may write it, so whoever may read the review may read its journal.
pub fn append(path: &Path, line: &Line, like: &Path, expected: u64) -> Result<Option<u64>> {
    let werr = |source: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    crate::files::refuse_link(path)?;
    let mut text = serde_json::to_vec(line).map_err(|e| bad(path, e.to_string()))?;
    text.push(b'\n');
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let created = std::fs::symlink_metadata(path).is_err();
    let mut file = options.open(path).map_err(werr)?;
    let meta = file.metadata().map_err(werr)?;
    if !meta.is_file() {
        return Err(bad(path, "not a regular file".into()));
    }
    if meta.len() != expected {
        return Ok(None);
    }
    #[cfg(unix)]
    if created {
        // Set, not asked of open(2): the umask would cut a shared review's journal to the
        // owner alone, and a read-only sidecar's mode would refuse the next append.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::symlink_metadata(like)
            .ok()
            .filter(|m| m.is_file())
            .map_or(0o644, |m| m.permissions().mode() & 0o666)
            | 0o600;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(werr)?;
    }
    if let Err(e) = file.write_all(&text).and_then(|()| file.sync_data()) {
        let _ = file.set_len(expected);
        return Err(werr(e));
    }
    if created {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The new name must survive a crash too; not every platform can fsync a folder.
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
    }
    Ok(Some(text.len() as u64))
}

/// Removes the journal once a snapshot holds all of it; a missing one is fine.
pub fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Write {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

fn bad(path: &Path, message: String) -> Error {
    Error::Sidecar {
        path: path.into(),
        message,
    }
}
