//! One report under review: the extracted and reviewed grids, the edit history and log, and
//! the operations a reviewer performs. No terminal here; the review screen drives this.

use std::path::{Path, PathBuf};

use time::format_description::well_known::Rfc3339;

use crate::check;
use crate::error::Result;
use crate::extract;
use crate::files;
use crate::history::{Action, CellChange, CellState, History, Step};
use crate::model::{CellStatus, Finding, Report, Severity};
use crate::sidecar::{
    self, EditRecord, ReviewState, ReviewStatus, Sidecar, REVIEW_SCHEMA, SIDECAR_SUFFIX,
};
use crate::template::{self, Template};
use crate::value;

mod lock;
pub use lock::{break_lock, lock, lock_path, ReviewLock};
mod decide;
mod save;
use save::Saved;

/// A report opened for review.
#[derive(Debug, Clone)]
pub struct ReviewDoc {
    pub source_path: PathBuf,
    pub sidecar_path: PathBuf,
    pub template: &'static Template,
    /// The decoded source text the spans point into.
    pub text: String,
    /// What the text says; never changed.
    pub extracted: Report,
    /// The reviewed grid, re-checked after every change.
    pub current: Report,
    pub history: History,
    pub log: Vec<EditRecord>,
    pub state: ReviewState,
    pub reviewer: String,
    /// Why the report cannot be edited (unreadable or stale sidecar), if so.
    pub read_only: Option<String>,
    /// A review made from a different text, kept until the reviewer re-applies it or starts over.
    pub stale: Option<Box<Sidecar>>,
    /// This process's claim on the report (released when the last copy is dropped).
    pub lock: Option<std::sync::Arc<ReviewLock>>,
    /// Warnings the reviewer dismissed (review/decide.rs), kept across re-checks.
    pub dismissed: Vec<crate::model::Dismissal>,
    /// The reviewer's notes on cells (review/decide.rs).
    pub notes: Vec<sidecar::CellNote>,
    next_step: u64,
    /// What the files on disk hold, so a save appends only what is new; `None` until a
    /// snapshot with a journal token is known to be there.
    saved: Option<Saved>,
}

/// Now, as RFC 3339.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// The reviewer's name: the given one, else $USER, else `unknown`.
pub fn reviewer_name(given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// Where the sidecar of `source` goes: beside it, or in `out_dir` under the report's folder
/// relative to the current one (`a/r.txt` → `OUT/a/r.reviewed.json`; a folder outside the
/// current one by its whole path), so reports of one name in two folders keep two reviews.
pub fn sidecar_path(source: &Path, out_dir: Option<&Path>) -> PathBuf {
    match out_dir {
        Some(dir) => dir
            .join(files::kept_folder(source))
            .join(files::sibling_name(source, SIDECAR_SUFFIX)),
        None => files::sibling(source, SIDECAR_SUFFIX),
    }
}

impl ReviewDoc {
    /// Extracts `source` and applies its sidecar, if any.
    pub fn open(source: &Path, reviewer: &str, out_dir: Option<&Path>) -> Result<Self> {
        let (extracted, text) = extract::extract_file_with_text(source)?;
        let template =
            template::by_key(&extracted.template).expect("extractor picks a known template");
        let sidecar_path = sidecar_path(source, out_dir);
        let mut doc = ReviewDoc {
            source_path: source.to_path_buf(),
            sidecar_path,
            template,
            current: extracted.clone(),
            extracted,
            text,
            history: History::default(),
            log: Vec::new(),
            state: ReviewState {
                status: ReviewStatus::InProgress,
                reason: None,
                reviewer: reviewer.to_string(),
                updated: now(),
            },
            reviewer: reviewer.to_string(),
            read_only: None,
            stale: None,
            lock: None,
            dismissed: Vec::new(),
            notes: Vec::new(),
            next_step: 1,
            saved: None,
        };
        match sidecar::load_with_journal(&doc.sidecar_path) {
            Ok(None) => {}
            Ok(Some((side, journal))) if fits(&side, &doc.extracted) => {
                let snapshot_bytes = std::fs::metadata(&doc.sidecar_path).map_or(0, |m| m.len());
                doc.apply_sidecar(side, snapshot_bytes, journal);
            }
            Ok(Some((side, _))) => {
                doc.read_only = Some(format!(
                    "{}: the source text changed since this review; R re-applies the edits that still fit, S starts over (the old review is kept as a backup)",
                    doc.sidecar_path.display()
                ));
                doc.current.findings.push(stale_finding(&doc.sidecar_path));
                doc.stale = Some(Box::new(side));
            }
            Err(e) => doc.read_only = Some(e.to_string()),
        }
        Ok(doc)
    }

    /// Takes this process's lock on the report; another live reviewer makes it read-only.
    /// Holding it, the journal a previous session left (cut short by a crash, perhaps) is
    /// written into a new snapshot, so this session's lines start a clean journal.
    pub fn claim(&mut self) {
        match lock(&self.sidecar_path) {
            Ok(l) => self.lock = l.map(std::sync::Arc::new),
            Err(why) => {
                if self.read_only.is_none() {
                    self.read_only = Some(why);
                }
                return;
            }
        }
        if self.lock.is_some() {
            // A failure here leaves the journal as it was; the next save tries again.
            let _ = self.compact();
        }
    }

    /// Moves a stale sidecar aside (`<stem>.reviewed.stale-<time>.json`) so nothing is lost:
    /// the backup is the old review as read, its journal replayed, written whole before the
    /// sidecar and journal are removed (renaming the two one by one could leave the journal
    /// behind, for the new review's first save to delete).
    fn retire_stale(&mut self) -> std::result::Result<Sidecar, String> {
        let side = self.stale.take().ok_or("this review is not stale")?;
        let stamp = now().replace([':', '.'], "-");
        let backup = self
            .sidecar_path
            .with_extension(format!("stale-{stamp}.json"));
        let mut whole = (*side).clone();
        whole.journal = None;
        let kept = serde_json::to_vec_pretty(&whole)
            .map_err(|e| e.to_string())
            .and_then(|json| {
                files::write_atomic_no_follow(&backup, &json).map_err(|e| e.to_string())
            });
        if let Err(e) = kept {
            self.stale = Some(side);
            return Err(format!(
                "{}: cannot keep the old review aside: {e}",
                self.sidecar_path.display()
            ));
        }
        if let Err(e) = std::fs::remove_file(&self.sidecar_path) {
            self.stale = Some(side);
            return Err(format!(
                "{}: the old review is kept in {}, but the sidecar cannot be removed: {e}",
                self.sidecar_path.display(),
                backup.display()
            ));
        }
        let _ = sidecar::journal::remove(&sidecar::journal::path(&self.sidecar_path));
        self.saved = None;
        self.read_only = None;
        self.current.findings.retain(|f| f.rule != "stale-review");
        Ok(*side)
    }

    /// Starts a new review of the changed text; the old one is kept as a backup file.
    pub fn start_over(&mut self) -> std::result::Result<(), String> {
        self.retire_stale()?;
        Ok(())
    }

    /// Re-applies the old review's edits whose cells still read what the reviewer saw then;
    /// returns how many were applied and how many no longer fit.
    pub fn reapply_stale(&mut self) -> std::result::Result<(usize, usize), String> {
        let side = self.retire_stale()?;
        // Each cell's first value before review, and its reviewed state at the end.
        let mut first_old: Vec<(String, Option<f64>)> = Vec::new();
        for r in &side.edits {
            if !first_old.iter().any(|(k, _)| k == &r.cell) {
                first_old.push((r.cell.clone(), r.old));
            }
        }
        let (mut applied, mut skipped) = (Vec::new(), 0);
        for (key, old) in first_old {
            let Some(now_cell) = self.current.cell(&key) else {
                skipped += 1;
                continue;
            };
            let Some(reviewed) = side.report.cell(&key) else {
                skipped += 1;
                continue;
            };
            if now_cell.value != old
                || reviewed.value == now_cell.value && reviewed.status == now_cell.status
            {
                skipped += usize::from(now_cell.value != old);
                continue;
            }
            applied.push((
                key,
                CellState {
                    value: reviewed.value,
                    status: reviewed.status,
                },
            ));
        }
        let n = applied.len();
        if n > 0 {
            self.commit(Action::Edit, applied)?;
        }
        Ok((n, skipped))
    }

    fn apply_sidecar(&mut self, side: Sidecar, snapshot_bytes: u64, journal: sidecar::JournalRead) {
        self.saved = Saved::loaded(&side, &self.sidecar_path, snapshot_bytes, journal);
        let reviewed = reviewed_values(&self.extracted, side.report, self.template);
        self.current = reviewed;
        let (history, last) = sidecar::history_from_log(&side.edits);
        self.history = history;
        self.next_step = last + 1;
        self.log = side.edits;
        self.state = side.review;
        self.dismissed = side.dismissed;
        self.notes = side.notes;
        self.current.apply_dismissals(&self.dismissed);
    }

    fn writable(&self) -> std::result::Result<(), String> {
        match &self.read_only {
            Some(why) => Err(format!("read-only: {why}")),
            None => Ok(()),
        }
    }

    /// Sets a cell from what the reviewer typed; refuses text invalid for the column.
    pub fn edit(&mut self, key: &str, input: &str) -> std::result::Result<(), String> {
        self.writable()?;
        let (kind, unit) = self.kind_of(key)?;
        let parsed = value::parse(input, kind, unit.as_deref())?;
        // Typing the value a reviewed or clean cell already holds changes nothing.
        if self.current.cell(key).is_some_and(|c| {
            c.value == parsed
                && matches!(
                    c.status,
                    CellStatus::Ok | CellStatus::Edited | CellStatus::Confirmed
                )
        }) {
            return Ok(());
        }
        let after = CellState {
            value: parsed,
            status: CellStatus::Edited,
        };
        let action = if parsed.is_none() {
            Action::Clear
        } else {
            Action::Edit
        };
        self.commit(action, vec![(key.to_string(), after)])
    }

    /// Clears a cell to blank.
    pub fn clear(&mut self, key: &str) -> std::result::Result<(), String> {
        self.writable()?;
        self.kind_of(key)?;
        let after = CellState {
            value: None,
            status: CellStatus::Edited,
        };
        self.commit(Action::Clear, vec![(key.to_string(), after)])
    }

    /// Confirms a cell as it is (a blank that is blank, an inferred value that is right).
    pub fn confirm(&mut self, key: &str) -> std::result::Result<(), String> {
        self.writable()?;
        let cell = self
            .current
            .cell(key)
            .ok_or_else(|| format!("no cell {key}"))?;
        if matches!(cell.status, CellStatus::Invalid | CellStatus::Missing) && cell.value.is_none()
        {
            return Err(
                "nothing to confirm here: enter a value, or clear the cell if it is blank".into(),
            );
        }
        let after = CellState {
            value: cell.value,
            status: CellStatus::Confirmed,
        };
        self.commit(Action::Confirm, vec![(key.to_string(), after)])
    }

    /// Moves a cell's value into the blank neighbour in its row (`dir` −1 left, +1 right);
    /// returns the key of the cell that received it.
    pub fn shift(&mut self, key: &str, dir: i32) -> std::result::Result<String, String> {
        self.writable()?;
        let (table, row, col) = split_key(key).ok_or_else(|| format!("no cell {key}"))?;
        let r = self
            .current
            .table(table)
            .and_then(|t| t.rows.iter().find(|r| r.key == row))
            .ok_or_else(|| format!("no cell {key}"))?;
        let i = r
            .cells
            .iter()
            .position(|c| c.column == col)
            .ok_or_else(|| format!("no cell {key}"))?;
        let j = i as i64 + dir as i64;
        if j < 0 || j as usize >= r.cells.len() {
            return Err("no cell on that side in this row".into());
        }
        let (from, to) = (&r.cells[i], &r.cells[j as usize]);
        if from.value.is_none() {
            return Err("this cell has no value to move".into());
        }
        if to.value.is_some() {
            return Err("the neighbouring cell is not blank".into());
        }
        let to_key = format!("{table}.{row}.{}", to.column);
        let moved = from.value;
        self.commit(
            Action::Shift,
            vec![
                (
                    key.to_string(),
                    CellState {
                        value: None,
                        status: CellStatus::Edited,
                    },
                ),
                (
                    to_key.clone(),
                    CellState {
                        value: moved,
                        status: CellStatus::Edited,
                    },
                ),
            ],
        )?;
        Ok(to_key)
    }

    /// Accepts the prose's figure for a cell the table lacks.
    pub fn accept_suggestion(&mut self, key: &str) -> std::result::Result<(), String> {
        self.writable()?;
        let cell = self
            .current
            .cell(key)
            .ok_or_else(|| format!("no cell {key}"))?;
        let Some(sug) = cell.suggestion.clone().filter(|_| cell.value.is_none()) else {
            return Err("the text suggests nothing for this cell".into());
        };
        let after = CellState {
            value: sug.value,
            status: CellStatus::Edited,
        };
        self.commit(Action::AcceptSuggestion, vec![(key.to_string(), after)])
    }

    /// Cells whose prose suggestion is still open.
    pub fn open_suggestions(&self) -> Vec<String> {
        self.current
            .cells()
            .filter(|(_, c)| c.suggestion.is_some() && c.value.is_none())
            .map(|(k, _)| k)
            .collect()
    }

    /// Accepts every open suggestion as one step (one undo takes them all back).
    pub fn accept_all_suggestions(&mut self) -> std::result::Result<usize, String> {
        self.writable()?;
        let keys = self.open_suggestions();
        if keys.is_empty() {
            return Err("the text suggests nothing more for this report".into());
        }
        let targets: Vec<(String, CellState)> = keys
            .iter()
            .filter_map(|k| {
                let v = self.current.cell(k)?.suggestion.as_ref()?.value;
                Some((
                    k.clone(),
                    CellState {
                        value: v,
                        status: CellStatus::Edited,
                    },
                ))
            })
            .collect();
        let n = targets.len();
        self.commit(Action::AcceptSuggestion, targets)?;
        Ok(n)
    }

    /// Undoes the last step; false when there is none.
    pub fn undo(&mut self) -> bool {
        self.replay(false)
    }

    /// Redoes the last undone step; false when there is none.
    pub fn redo(&mut self) -> bool {
        self.replay(true)
    }

    /// Applies the history's next step backwards (undo) or forwards (redo) and logs it.
    fn replay(&mut self, forward: bool) -> bool {
        if self.read_only.is_some() {
            return false;
        }
        let step = if forward {
            self.history.redo()
        } else {
            self.history.undo()
        };
        let Some(step) = step.cloned() else {
            return false;
        };
        step.apply(&mut self.current, forward);
        let id = self.take_step();
        let logged = if forward {
            Step {
                id,
                action: Action::Redo,
                ..step
            }
        } else {
            step.reversed(id, Action::Undo)
        };
        self.after_change(&logged);
        true
    }

    /// Why approving needs a reason, if it does: open errors, or a second review this
    /// reviewer asked for (a second look is someone else's, unless they say why not).
    pub fn approval_needs_reason(&self) -> Option<String> {
        if self.current.errors() > 0 {
            return Some(format!(
                "{} errors are still open: give a reason to approve anyway",
                self.current.errors()
            ));
        }
        (self.state.status == ReviewStatus::NeedsSecondReview
            && self.state.reviewer == self.reviewer)
            .then(|| {
                "you asked for this second review: give a reason to approve it yourself".into()
            })
    }

    /// Approves the report; see [`ReviewDoc::approval_needs_reason`] for when a reason is
    /// required.
    pub fn approve(&mut self, reason: Option<String>) -> std::result::Result<(), String> {
        self.writable()?;
        let reason = reason.filter(|r| !r.trim().is_empty());
        if let (Some(why), None) = (self.approval_needs_reason(), &reason) {
            return Err(why);
        }
        self.set_status(ReviewStatus::Approved, reason);
        Ok(())
    }

    /// Rejects the report as unusable; a reason is required.
    pub fn reject(&mut self, reason: String) -> std::result::Result<(), String> {
        self.writable()?;
        if reason.trim().is_empty() {
            return Err("give a reason for rejecting the report".into());
        }
        self.set_status(ReviewStatus::Rejected, Some(reason));
        Ok(())
    }

    /// Sets the report aside for later; the reason is optional.
    pub fn postpone(&mut self, reason: Option<String>) -> std::result::Result<(), String> {
        self.writable()?;
        let reason = reason.filter(|r| !r.trim().is_empty());
        self.set_status(ReviewStatus::Postponed, reason);
        Ok(())
    }

    /// Asks a colleague for a second look; the reason says what to check and is required.
    pub fn ask_second_review(&mut self, reason: String) -> std::result::Result<(), String> {
        self.writable()?;
        if reason.trim().is_empty() {
            return Err("say what the second reviewer should check".into());
        }
        self.set_status(ReviewStatus::NeedsSecondReview, Some(reason));
        Ok(())
    }

    fn set_status(&mut self, status: ReviewStatus, reason: Option<String>) {
        self.state.status = status;
        self.state.reason = reason;
        self.state.reviewer = self.reviewer.clone();
        self.state.updated = now();
    }

    fn kind_of(
        &self,
        key: &str,
    ) -> std::result::Result<(crate::template::ValueKind, Option<String>), String> {
        let (table, _, col) = split_key(key).ok_or_else(|| format!("no cell {key}"))?;
        let c = self
            .template
            .table(table)
            .and_then(|t| t.column(col))
            .ok_or_else(|| format!("no cell {key}"))?;
        if self.current.cell(key).is_none() {
            return Err(format!("no cell {key}"));
        }
        Ok((c.kind, c.unit.clone()))
    }

    fn take_step(&mut self) -> u64 {
        let id = self.next_step;
        self.next_step += 1;
        id
    }

    fn commit(
        &mut self,
        action: Action,
        targets: Vec<(String, CellState)>,
    ) -> std::result::Result<(), String> {
        let mut changes = Vec::new();
        for (key, after) in targets {
            let cell = self
                .current
                .cell(&key)
                .ok_or_else(|| format!("no cell {key}"))?;
            let before = CellState {
                value: cell.value,
                status: cell.status,
            };
            // A change that changes nothing (a second confirmation) is neither a step nor logged.
            if before != after {
                changes.push(CellChange { key, before, after });
            }
        }
        if changes.is_empty() {
            return Ok(());
        }
        let step = Step {
            id: self.take_step(),
            action,
            changes,
        };
        step.apply(&mut self.current, true);
        self.history.push(step.clone());
        self.after_change(&step);
        Ok(())
    }

    /// Logs a step, re-runs the checker, and reopens an approved review that changed.
    fn after_change(&mut self, step: &Step) {
        let at = now();
        for ch in &step.changes {
            self.log.push(EditRecord {
                seq: self.log.last().map_or(1, |r| r.seq + 1),
                at: at.clone(),
                reviewer: self.reviewer.clone(),
                cell: ch.key.clone(),
                old: ch.before.value,
                new: ch.after.value,
                action: step.action,
                old_status: ch.before.status,
                new_status: ch.after.status,
                step: step.id,
            });
        }
        check::run(&mut self.current, self.template);
        self.current.apply_dismissals(&self.dismissed);
        // A decision is reopened by any change. A second-review request is not: the second
        // reviewer's corrections are the review asked for, and a stray edit by the one who
        // asked must not clear it (or its reason, what to check).
        if !matches!(
            self.state.status,
            ReviewStatus::InProgress | ReviewStatus::NeedsSecondReview
        ) {
            self.set_status(ReviewStatus::InProgress, None);
        }
        self.state.updated = at;
    }

    /// The sidecar as it would be written now.
    pub fn to_sidecar(&self) -> Sidecar {
        let mut report = self.current.clone();
        report.schema = REVIEW_SCHEMA.to_string();
        Sidecar {
            diff: sidecar::values_diff(&self.extracted, &self.current),
            report,
            review: self.state.clone(),
            edits: self.log.clone(),
            dismissed: self.dismissed.clone(),
            notes: self.notes.clone(),
            journal: None,
        }
    }

    /// Whether anything has been reviewed (edits or a decision).
    pub fn has_review(&self) -> bool {
        !self.log.is_empty() || self.state.status != ReviewStatus::InProgress
    }
}

/// Whether a sidecar was made from this very text, read the same way.
fn fits(side: &Sidecar, extracted: &Report) -> bool {
    side.report.source.sha256 == extracted.source.sha256
        && side.report.template == extracted.template
}

/// The sidecar's reviewed grid with findings recomputed by this checker (the sidecar's may
/// come from an older one); the extractor's own findings still apply.
fn reviewed_values(extracted: &Report, mut reviewed: Report, template: &Template) -> Report {
    reviewed.schema = extracted.schema.clone();
    // The sidecar holds the reviewer's values and statuses. Where the text is and what it
    // says are the extraction's: a moved or copied pair names another path, and a forged
    // span would slice the text off a character boundary.
    reviewed.source = extracted.source.clone();
    reviewed.narrative = extracted.narrative.clone();
    for (table, from) in reviewed.tables.iter_mut().zip(&extracted.tables) {
        table.found = from.found;
        for (row, from) in table.rows.iter_mut().zip(&from.rows) {
            row.span = from.span;
            for (cell, from) in row.cells.iter_mut().zip(&from.cells) {
                cell.raw.clone_from(&from.raw);
                cell.span = from.span;
                cell.place = from.place;
                cell.candidates.clone_from(&from.candidates);
                cell.suggestion.clone_from(&from.suggestion);
            }
        }
    }
    reviewed.findings = extracted
        .findings
        .iter()
        .filter(|f| extract::EXTRACT_RULES.contains(&f.rule.as_ref()))
        .cloned()
        .collect();
    check::run(&mut reviewed, template);
    reviewed
}

fn stale_finding(path: &Path) -> Finding {
    Finding {
        rule: "stale-review".into(),
        severity: Severity::Error,
        cells: vec![],
        message: format!(
            "{}: the source text changed after it was reviewed; review it again",
            path.display()
        ),
        span: None,
        dismissed: None,
    }
}

/// `table.row.column` split in three.
pub fn split_key(key: &str) -> Option<(&str, &str, &str)> {
    let mut it = key.splitn(3, '.');
    Some((it.next()?, it.next()?, it.next()?))
}

/// The report `check` and `export` judge: the reviewed values where a sidecar exists.
/// A sidecar that cannot be read is an error naming it; a stale one adds a `stale-review` error.
pub fn reviewed_report(
    source: &Path,
    out_dir: Option<&Path>,
) -> Result<(Report, Option<ReviewState>)> {
    let (report, review) = reviewed_report_with_log(source, out_dir)?;
    Ok((report, review.map(|(state, _)| state)))
}

/// A review's state and its edit log.
pub type ReviewAndLog = (ReviewState, Vec<EditRecord>);

/// [`reviewed_report`] with the review's edit log, both from one reading of the sidecar
/// (read twice, a review saving in between would give values and a log that disagree).
pub fn reviewed_report_with_log(
    source: &Path,
    out_dir: Option<&Path>,
) -> Result<(Report, Option<ReviewAndLog>)> {
    let extracted = extract::extract_file(source)?;
    let path = sidecar_path(source, out_dir);
    match sidecar::load(&path)? {
        None => Ok((extracted, None)),
        Some(side) if fits(&side, &extracted) => {
            let template = template::by_key(&extracted.template).expect("known template");
            let mut reviewed = reviewed_values(&extracted, side.report, template);
            reviewed.apply_dismissals(&side.dismissed);
            Ok((reviewed, Some((side.review, side.edits))))
        }
        Some(side) => {
            let mut report = extracted;
            report.findings.push(stale_finding(&path));
            Ok((report, Some((side.review, side.edits))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait JoinHelper {
        fn join_helper(&self, name: &str) -> std::path::PathBuf;
    }

    impl JoinHelper for tempfile::TempDir {
        /// A fixture copied into this folder.
        fn join_helper(&self, name: &str) -> std::path::PathBuf {
            let to = self.path().join(name);
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("fixtures")
                    .join(name),
                &to,
            )
            .unwrap();
            to
        }
    }

    /// Seed 000 copied to `dir/r.txt` and opened (also for review/save.rs's tests).
    pub(super) fn doc(dir: &Path) -> ReviewDoc {
        let src = dir.join("r.txt");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/000_7a2d16d58913ef59.txt"),
            &src,
        )
        .unwrap();
        ReviewDoc::open(&src, "tester", None).unwrap()
    }

    const CELL: &str = "requests.total_processed.natural_person";

    #[test]
    fn edit_breaks_an_identity_and_undo_restores() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        assert_eq!(d.current.errors(), 0);
        d.edit(CELL, "23").unwrap();
        assert!(d
            .current
            .findings
            .iter()
            .any(|f| f.rule == "H2" && f.cells.contains(&CELL.to_string())));
        assert!(d.undo());
        assert_eq!(d.current.cell(CELL).unwrap().value, Some(22.0));
        assert_eq!(d.current.errors(), 0);
        assert!(d.redo());
        assert_eq!(d.current.cell(CELL).unwrap().value, Some(23.0));
        let actions: Vec<_> = d.log.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["edit", "undo", "redo"]);
    }

    #[test]
    fn invalid_input_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        let before = d.current.clone();
        assert!(d.edit(CELL, "-4").unwrap_err().contains("negative"));
        assert!(d.edit(CELL, "1.5").is_err());
        assert_eq!(d.current, before);
        assert!(d.log.is_empty());
    }

    #[test]
    fn a_second_review_is_someone_elses_unless_a_reason_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        assert_eq!(d.current.errors(), 0);
        assert!(
            d.ask_second_review("  ".into()).is_err(),
            "what to check is required"
        );
        d.ask_second_review("the fees row".into()).unwrap();
        assert_eq!(d.state.status, ReviewStatus::NeedsSecondReview);
        assert!(d.approve(None).unwrap_err().contains("second review"));
        // A stray edit and its undo keep the request and what to check.
        d.edit(CELL, "31").unwrap();
        assert!(d.undo());
        assert_eq!(
            (d.state.status, d.state.reason.as_deref()),
            (ReviewStatus::NeedsSecondReview, Some("the fees row"))
        );
        assert!(d.approve(None).is_err());
        d.save().unwrap();
        let mut colleague = ReviewDoc::open(&d.source_path, "colleague", None).unwrap();
        assert!(colleague.approval_needs_reason().is_none());
        colleague.approve(None).unwrap();
        assert_eq!(colleague.state.reviewer, "colleague");
        // The one who asked may still approve it, saying why.
        d.approve(Some("colleague away; checked twice".into()))
            .unwrap();
        d.postpone(Some(" ".into())).unwrap();
        assert_eq!(
            (d.state.status, d.state.reason.as_deref()),
            (ReviewStatus::Postponed, None)
        );
        d.edit(CELL, "30").unwrap();
        assert_eq!(
            d.state.status,
            ReviewStatus::InProgress,
            "a change reopens it"
        );
    }

    #[test]
    fn save_and_reopen_keeps_values_and_undo() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        d.edit(CELL, "30").unwrap();
        d.save().unwrap();
        let mut again = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        assert_eq!(again.current.cell(CELL).unwrap().value, Some(30.0));
        assert!(again.undo(), "undo reaches across reopening");
        assert_eq!(again.current.cell(CELL).unwrap().value, Some(22.0));
        let side = again.to_sidecar();
        assert!(side.diff.is_empty() || !side.diff.contains("+requests"));
    }

    #[test]
    fn diff_names_changed_cells_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        d.edit(CELL, "30").unwrap();
        let diff = d.to_sidecar().diff;
        assert!(diff.contains(&format!("-{CELL} = 22")), "{diff}");
        assert!(diff.contains(&format!("+{CELL} = 30")), "{diff}");
        assert_eq!(
            diff.lines()
                .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
                .count(),
            1
        );
    }

    #[test]
    fn shift_moves_into_blank_neighbour_and_refuses_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        assert!(d.shift(CELL, 1).unwrap_err().contains("not blank"));
        d.clear("requests.total_processed.commercial").unwrap();
        let to = d.shift(CELL, 1).unwrap();
        assert_eq!(to, "requests.total_processed.commercial");
        assert_eq!(d.current.cell(&to).unwrap().value, Some(22.0));
        assert_eq!(d.current.cell(CELL).unwrap().value, None);
        assert!(d.undo());
        assert_eq!(d.current.cell(CELL).unwrap().value, Some(22.0));
    }

    #[test]
    fn approve_with_errors_needs_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        d.edit(CELL, "23").unwrap();
        assert!(d.approve(None).is_err());
        d.approve(Some("table misprinted in the original".into()))
            .unwrap();
        assert_eq!(d.state.status, ReviewStatus::Approved);
        assert!(d.reject(" ".into()).is_err());
    }

    #[test]
    fn suggestions_are_accepted_one_or_all_and_undo_together() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.join_helper("004_f1496913e2f754ab.txt");
        let mut d = ReviewDoc::open(&src, "tester", None).unwrap();
        assert_eq!(d.open_suggestions().len(), 8);
        d.accept_suggestion("proactive.licensing.decisions")
            .unwrap();
        assert_eq!(
            d.current
                .cell("proactive.licensing.decisions")
                .unwrap()
                .value,
            Some(31461.0)
        );
        assert!(d
            .accept_suggestion("proactive.licensing.decisions")
            .is_err());
        assert_eq!(d.accept_all_suggestions().unwrap(), 7);
        assert_eq!(
            d.current.cell("requests.new_received.total").unwrap().value,
            Some(67.0)
        );
        assert!(d.undo());
        assert_eq!(
            d.current.cell("requests.new_received.total").unwrap().value,
            None
        );
        assert_eq!(
            d.current
                .cell("proactive.licensing.decisions")
                .unwrap()
                .value,
            Some(31461.0)
        );
        assert!(d
            .log
            .iter()
            .all(|r| r.action == Action::AcceptSuggestion || r.action == Action::Undo));
    }

    #[test]
    fn a_changed_source_makes_the_review_stale_then_edits_that_fit_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        d.edit(CELL, "30").unwrap();
        d.edit("proactive.licensing.decisions", "36412").unwrap();
        d.save().unwrap();
        // The source changes under the review: 行政许可 is now printed differently.
        let text = std::fs::read_to_string(&d.source_path).unwrap();
        std::fs::write(
            &d.source_path,
            text.replace("行政许可 | 36411", "行政许可 | 36500"),
        )
        .unwrap();
        let mut again = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        assert!(again.read_only.as_deref().unwrap().contains("R re-applies"));
        assert!(again
            .current
            .findings
            .iter()
            .any(|f| f.rule == "stale-review"));
        let (report, _) = reviewed_report(&d.source_path, None).unwrap();
        assert!(
            report.findings.iter().any(|f| f.rule == "stale-review"),
            "check sees it too"
        );
        let (applied, skipped) = again.reapply_stale().unwrap();
        assert_eq!(
            (applied, skipped),
            (1, 1),
            "the licensing edit no longer fits"
        );
        assert_eq!(again.current.cell(CELL).unwrap().value, Some(30.0));
        assert_eq!(
            again
                .current
                .cell("proactive.licensing.decisions")
                .unwrap()
                .value,
            Some(36500.0)
        );
        assert!(again.read_only.is_none());
        again.save().unwrap();
        let backups = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".reviewed.stale-")
            })
            .count();
        assert_eq!(backups, 1, "the old review is kept");
    }

    #[test]
    fn starting_over_keeps_the_old_review_as_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        d.edit(CELL, "30").unwrap();
        d.save().unwrap();
        let text = std::fs::read_to_string(&d.source_path).unwrap();
        std::fs::write(&d.source_path, format!("{text}\n")).unwrap();
        let mut again = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        again.start_over().unwrap();
        assert_eq!(again.current.cell(CELL).unwrap().value, Some(22.0));
        assert!(again.log.is_empty());
        assert!(again.start_over().is_err(), "nothing stale any more");
    }

    #[test]
    fn a_second_reviewer_process_gets_read_only_and_dead_locks_are_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        let lock_path = format!("{}.lock", d.sidecar_path.display());
        // Process 1 (init) is always alive: as if another reviewer held the report.
        std::fs::write(&lock_path, "1").unwrap();
        d.claim();
        assert!(d
            .read_only
            .as_deref()
            .unwrap()
            .contains("another tablereview"));
        assert!(d.edit(CELL, "1").is_err());
        // A lock left by a process that no longer exists is taken over.
        std::fs::write(&lock_path, "4000000").unwrap();
        let mut e = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        e.claim();
        assert!(e.read_only.is_none());
        assert!(std::fs::read_to_string(&lock_path)
            .unwrap()
            .contains(&format!("\npid {}\n", std::process::id())));
        drop(e);
        assert!(
            !Path::new(&lock_path).exists(),
            "released when the review closes"
        );
    }

    #[test]
    fn a_merged_row_error_clears_once_its_rows_are_entered() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("merged.txt");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/variants/other_processing_one_row.txt"),
            &src,
        )
        .unwrap();
        let mut d = ReviewDoc::open(&src, "tester", None).unwrap();
        assert!(d.current.findings.iter().any(|f| f.rule == "merged-row"));
        let keys: Vec<String> = d
            .current
            .cells()
            .filter(|(k, _)| k.starts_with("requests.other_"))
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys.len(), 21);
        for k in &keys[..20] {
            d.edit(k, "0").unwrap();
        }
        assert!(
            d.current.findings.iter().any(|f| f.rule == "merged-row"),
            "one cell still open"
        );
        d.edit(&keys[20], "0").unwrap();
        assert!(!d.current.findings.iter().any(|f| f.rule == "merged-row"));
        assert_eq!(d.current.errors(), 0);
    }

    #[test]
    fn unreadable_sidecar_opens_read_only_and_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc(dir.path());
        std::fs::write(&d.sidecar_path, b"{broken").unwrap();
        let mut again = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        assert!(again.read_only.is_some());
        assert!(again.edit(CELL, "1").is_err());
        assert!(again.save().is_err());
        assert_eq!(std::fs::read(&d.sidecar_path).unwrap(), b"{broken");
    }
}
