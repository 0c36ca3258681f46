//! The review sidecar `<stem>.reviewed.json`: reviewed values, review state, edit log, diff.
//!
//! Schema `tablereview.review/2` (docs/formats.md; `/1` is read too). Written atomically, and
//! continued by its journal (journal.rs);
//! a sidecar that cannot be parsed is never overwritten.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files::SmallFile;
use crate::history::{Action, CellChange, CellState, History, Step};
use crate::model::{format_value, CellStatus, Report};

pub mod journal;
mod validate;

/// Schema identifier of review sidecars.
/// `/2` added the journal and the postponed and needs-second-review states: a tablereview
/// that knows only `/1` would read a journalled sidecar as complete and lose the journal's
/// edits on its next save, so it must refuse it ("newer ... upgrade").
pub const REVIEW_SCHEMA: &str = "tablereview.review/2";
/// Schemas this tablereview reads: its own and the one before, which has neither.
const READABLE_SCHEMAS: [&str; 2] = [REVIEW_SCHEMA, "tablereview.review/1"];
/// The largest sidecar read: a 200-cell report with about 100,000 logged edits. Past this a
/// load costs seconds and gigabytes (99 MB took 1.17 GB), so it is refused in one line.
pub const MAX_SIDECAR_BYTES: u64 = 32 << 20;
/// File suffix of review sidecars.
pub const SIDECAR_SUFFIX: &str = "reviewed.json";

/// Where a report's review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    InProgress,
    Approved,
    Rejected,
    /// Set aside for later: not decided, but skipped by "next unreviewed".
    Postponed,
    /// Waiting for a colleague's second look before anyone approves it.
    NeedsSecondReview,
}

impl ReviewStatus {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::InProgress => "in_progress",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::Postponed => "postponed",
            ReviewStatus::NeedsSecondReview => "needs_second_review",
        }
    }
}

/// The review's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    pub status: ReviewStatus,
    pub reason: Option<String>,
    pub reviewer: String,
    pub updated: String,
}

/// One line of the edit log: one cell changed by one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditRecord {
    pub seq: u64,
    pub at: String,
    pub reviewer: String,
    pub cell: String,
    #[serde(with = "crate::model::number_opt")]
    pub old: Option<f64>,
    #[serde(with = "crate::model::number_opt")]
    pub new: Option<f64>,
    pub action: Action,
    pub old_status: CellStatus,
    pub new_status: CellStatus,
    /// Records with the same step were one keystroke (a shift moves two cells) and undo together.
    pub step: u64,
}

/// The sidecar file: the report shape with reviewed values, plus the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sidecar {
    #[serde(flatten)]
    pub report: Report,
    pub review: ReviewState,
    pub edits: Vec<EditRecord>,
    pub diff: String,
    /// Warnings a reviewer dismissed, with why; absent in sidecars written before there were any.
    #[serde(default)]
    pub dismissed: Vec<crate::model::Dismissal>,
    /// A reviewer's note on a cell, at most one per cell; absent in older sidecars.
    #[serde(default)]
    pub notes: Vec<CellNote>,
    /// The token of the journal that continues this snapshot (journal.rs); absent in
    /// sidecars written before there was a journal, which none continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
}

/// A reviewer's note on one cell (why a figure was entered, what to ask the body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellNote {
    pub cell: String,
    pub text: String,
    pub reviewer: String,
    /// RFC 3339.
    pub at: String,
}

/// Reads a sidecar with its journal replayed; `Ok(None)` when there is none.
pub fn load(path: &Path) -> Result<Option<Sidecar>> {
    Ok(load_with_journal(path)?.map(|(side, _)| side))
}

/// The journal found beside a sidecar as it was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JournalRead {
    /// Its length.
    pub bytes: u64,
    /// Whether its last line lacks its newline (a save a crash cut short).
    pub torn: bool,
}

/// [`load`], also saying what journal lies beside the sidecar (a review that claims it
/// writes it into a new snapshot, and never appends after a torn line).
pub fn load_with_journal(path: &Path) -> Result<Option<(Sidecar, JournalRead)>> {
    let journal_path = journal::path(path);
    // Read before the snapshot (journal.rs says why); a journal without a sidecar is a
    // leftover nothing reads, whatever state it is in.
    let journal = journal::read(&journal_path);
    let bytes = match crate::files::read_small(path, MAX_SIDECAR_BYTES) {
        Ok(b) => b,
        Err(SmallFile::Missing) => return Ok(None),
        Err(SmallFile::Io(source)) => {
            return Err(Error::Read {
                path: path.into(),
                source,
            })
        }
        Err(SmallFile::NotRegular) => {
            return Err(Error::Sidecar {
                path: path.into(),
                message: "not a regular file".into(),
            })
        }
        Err(SmallFile::TooLarge(n)) => {
            return Err(Error::Sidecar {
                path: path.into(),
                message: format!(
                    "{} MB is more than any review holds (at most {} MB, about 100,000 edits)",
                    n >> 20,
                    MAX_SIDECAR_BYTES >> 20
                ),
            })
        }
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| Error::Sidecar {
        path: path.into(),
        message: e.to_string(),
    })?;
    let schema = value.get("schema").and_then(|s| s.as_str()).unwrap_or("");
    if !READABLE_SCHEMAS.contains(&schema) {
        let message = if schema.starts_with("tablereview.review/") {
            format!("schema {schema} is newer than this tablereview understands ({REVIEW_SCHEMA}); upgrade tablereview")
        } else {
            format!("not a review sidecar (schema {schema:?})")
        };
        return Err(Error::Sidecar {
            path: path.into(),
            message,
        });
    }
    let mut side: Sidecar = serde_json::from_value(value).map_err(|e| Error::Sidecar {
        path: path.into(),
        message: e.to_string(),
    })?;
    // The snapshot's shape is checked before a journal line addresses its cells.
    validate::check(&side).map_err(|message| Error::SidecarInvalid {
        path: path.into(),
        message,
    })?;
    let journal = journal?;
    let read = journal
        .as_ref()
        .map_or(JournalRead::default(), |j| JournalRead {
            bytes: j.len() as u64,
            torn: j.last().is_some_and(|&b| b != b'\n'),
        });
    // Checked again only when the journal changed something: a leftover of an older
    // snapshot, or an empty journal, leaves the sidecar as just checked.
    if let Some(bytes) = journal.filter(|b| !b.is_empty()) {
        if journal::replay(&mut side, &bytes, &journal_path)? {
            validate::check(&side).map_err(|message| Error::SidecarInvalid {
                path: journal_path.clone(),
                message,
            })?;
        }
    }
    Ok(Some((side, read)))
}

/// Rebuilds the undo and redo stacks from an edit log, so undo works across reopening.
pub fn history_from_log(log: &[EditRecord]) -> (History, u64) {
    let mut history = History::default();
    let mut last_step = 0;
    let mut i = 0;
    while i < log.len() {
        let step_id = log[i].step;
        let mut j = i;
        while j < log.len() && log[j].step == step_id {
            j += 1;
        }
        let group = &log[i..j];
        last_step = last_step.max(step_id);
        match group[0].action {
            Action::Undo => {
                history.undo();
            }
            Action::Redo => {
                history.redo();
            }
            action => history.push(Step {
                id: step_id,
                action,
                changes: group
                    .iter()
                    .map(|r| CellChange {
                        key: r.cell.clone(),
                        before: CellState {
                            value: r.old,
                            status: r.old_status,
                        },
                        after: CellState {
                            value: r.new,
                            status: r.new_status,
                        },
                    })
                    .collect(),
            }),
        }
        i = j;
    }
    (history, last_step)
}

/// A unified diff of the values, one line per changed cell.
pub fn values_diff(extracted: &Report, reviewed: &Report) -> String {
    let lines = |r: &Report| -> String {
        r.cells()
            .map(|(k, c)| {
                let v = c.value.map(format_value).unwrap_or_else(|| "blank".into());
                format!("{k} = {v}\n")
            })
            .collect()
    };
    let (a, b) = (lines(extracted), lines(reviewed));
    similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(0)
        .header("extracted", "reviewed")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(
        step: u64,
        action: Action,
        cell: &str,
        old: Option<f64>,
        new: Option<f64>,
    ) -> EditRecord {
        EditRecord {
            seq: step,
            at: "2026-01-01T00:00:00Z".into(),
            reviewer: "t".into(),
            cell: cell.into(),
            old,
            new,
            action,
            old_status: CellStatus::Ok,
            new_status: CellStatus::Edited,
            step,
        }
    }

    #[test]
    fn log_replays_into_undo_and_redo_stacks() {
        let log = vec![
            record(1, Action::Edit, "a.b.c", Some(1.0), Some(2.0)),
            record(2, Action::Edit, "a.b.c", Some(2.0), Some(3.0)),
            record(3, Action::Undo, "a.b.c", Some(3.0), Some(2.0)),
        ];
        let (mut h, last) = history_from_log(&log);
        assert_eq!(last, 3);
        assert_eq!((h.undo_len(), h.redo_len()), (1, 1));
        assert_eq!(h.redo().map(|s| s.id), Some(2));
    }

    #[test]
    fn unreadable_and_newer_sidecars_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.reviewed.json");
        std::fs::write(&p, b"{ not json").unwrap();
        assert!(load(&p)
            .unwrap_err()
            .to_string()
            .contains("cannot parse sidecar"));
        std::fs::write(&p, br#"{"schema":"tablereview.review/9"}"#).unwrap();
        assert!(load(&p).unwrap_err().to_string().contains("newer"));
        assert_eq!(load(&dir.path().join("none.json")).unwrap(), None);
    }

    #[test]
    fn a_sidecar_past_the_size_limit_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.reviewed.json");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(MAX_SIDECAR_BYTES + 1).unwrap();
        let err = load(&p).unwrap_err().to_string();
        assert!(
            err.contains("x.reviewed.json") && err.contains("at most 32 MB"),
            "{err}"
        );
    }
}
