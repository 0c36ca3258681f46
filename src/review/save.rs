//! Saving a review: each save appends what changed to the sidecar's journal, and the whole
//! sidecar is written (atomically) only when there is no snapshot to continue, the journal
//! has grown past half of it, and on claim and close (sidecar/journal.rs says why).

use crate::error::{Error, Result};
use crate::files;
use crate::sidecar::{self, ReviewState};

use super::ReviewDoc;

/// What was last saved of a review: the snapshot's journal token and size, and how much of
/// the review the snapshot and its journal hold between them.
#[derive(Debug, Clone)]
pub(super) struct Saved {
    token: String,
    /// The snapshot as this review wrote it: one replaced under the review (a copy put back,
    /// a sync tool) would ignore this journal, so the next save writes it whole again.
    snapshot: Option<files::FileVersion>,
    snapshot_bytes: u64,
    /// Bytes in the journal file (lines of an older snapshot too); [`UNUSABLE`] when it
    /// cannot be continued (a torn last line, a journal that could not be removed).
    journal_bytes: u64,
    log_len: usize,
    state: ReviewState,
    dismissed: Vec<crate::model::Dismissal>,
    notes: Vec<sidecar::CellNote>,
}

/// A journal shorter than this is never worth a snapshot rewrite of its own.
const JOURNAL_MIN_BYTES: u64 = 256 << 10;
/// A journal length meaning "write the sidecar whole next".
const UNUSABLE: u64 = u64::MAX;

impl Saved {
    /// What a sidecar just read holds; `None` when it names no journal (written before
    /// there was one), so the next save writes it whole with a token.
    pub(super) fn loaded(
        side: &sidecar::Sidecar,
        path: &std::path::Path,
        snapshot_bytes: u64,
        journal: sidecar::JournalRead,
    ) -> Option<Saved> {
        side.journal.clone().map(|token| Saved {
            token,
            snapshot: files::version(path),
            snapshot_bytes,
            // A last line a crash cut short would join the next one: never appended to.
            journal_bytes: if journal.torn {
                UNUSABLE
            } else {
                journal.bytes
            },
            log_len: side.edits.len(),
            state: side.review.clone(),
            dismissed: side.dismissed.clone(),
            notes: side.notes.clone(),
        })
    }
}

impl ReviewDoc {
    /// Saves what changed since the last save: appended to the journal, or the whole sidecar
    /// written anew (atomically) when there is no snapshot to continue or the journal has
    /// grown past half of it. Never writes over a sidecar it could not read.
    pub fn save(&mut self) -> Result<()> {
        self.refuse_read_only()?;
        match &self.saved {
            Some(s) if s.journal_bytes < JOURNAL_MIN_BYTES.max(s.snapshot_bytes / 2) => {
                match self.append() {
                    // A journal that cannot take the line (full, unwritable): the whole
                    // sidecar, as before there was a journal; its error if that fails too.
                    Err(Error::Write { .. }) => self.save_whole(),
                    other => other,
                }
            }
            _ => self.save_whole(),
        }
    }

    /// Writes the journal into a new snapshot, if there is one to write (on claim, on close).
    pub fn compact(&mut self) -> Result<()> {
        let journal = sidecar::journal::path(&self.sidecar_path);
        let pending = match &self.saved {
            Some(s) => s.journal_bytes > 0 || std::fs::symlink_metadata(&journal).is_ok(),
            None => std::fs::symlink_metadata(&journal).is_ok(),
        };
        if !pending || self.read_only.is_some() || !self.sidecar_path.exists() {
            return Ok(());
        }
        self.save_whole()
    }

    fn refuse_read_only(&self) -> Result<()> {
        match &self.read_only {
            Some(why) => Err(Error::Other {
                path: self.sidecar_path.clone(),
                message: format!("not saved: {why}"),
            }),
            None => Ok(()),
        }
    }

    /// One journal line: the log records since the last save, the review state, and the
    /// dismissals and notes when they changed.
    fn append(&mut self) -> Result<()> {
        let Some(saved) = &self.saved else {
            return self.save_whole();
        };
        files::refuse_link(&self.sidecar_path)?;
        let now = files::version(&self.sidecar_path);
        if now.is_none() || now != saved.snapshot {
            // The snapshot went away or was replaced under the review: a journal continuing
            // it would be ignored, so the review is written whole, as it stands on screen.
            return self.save_whole();
        }
        let dismissed = (saved.dismissed != self.dismissed).then(|| self.dismissed.clone());
        let notes = (saved.notes != self.notes).then(|| self.notes.clone());
        let edits = self.log.get(saved.log_len..).unwrap_or_default();
        if edits.is_empty() && dismissed.is_none() && notes.is_none() && saved.state == self.state {
            return Ok(());
        }
        let line = sidecar::journal::Line {
            of: saved.token.clone(),
            edits: edits.to_vec(),
            review: self.state.clone(),
            dismissed,
            notes,
        };
        let journal = sidecar::journal::path(&self.sidecar_path);
        let expected = saved.journal_bytes;
        let Some(written) =
            sidecar::journal::append(&journal, &line, &self.sidecar_path, expected)?
        else {
            // Not the journal this review wrote: the review is written whole, as on screen.
            return self.save_whole();
        };
        let log_len = self.log.len();
        if let Some(s) = &mut self.saved {
            s.journal_bytes += written;
            s.log_len = log_len;
            s.state = line.review;
            if let Some(d) = line.dismissed {
                s.dismissed = d;
            }
            if let Some(n) = line.notes {
                s.notes = n;
            }
        }
        Ok(())
    }

    /// The whole sidecar written atomically with a new journal token; the old journal, now
    /// held by the snapshot, is removed (were that to fail, its lines carry the old token
    /// and are ignored). What every save cost before the journal; [`ReviewDoc::save`] picks.
    pub fn save_whole(&mut self) -> Result<()> {
        self.refuse_read_only()?;
        let token = sidecar::journal::new_token();
        let mut side = self.to_sidecar();
        side.journal = Some(token.clone());
        let encode = |r: serde_json::Result<Vec<u8>>| {
            r.map_err(|e| Error::Other {
                path: self.sidecar_path.clone(),
                message: e.to_string(),
            })
        };
        let mut json = encode(serde_json::to_vec_pretty(&side))?;
        if json.len() as u64 > sidecar::MAX_SIDECAR_BYTES {
            // Near the size limit a review is kept readable by dropping the indentation
            // (about a third of the bytes) rather than written past what a load accepts.
            json = encode(serde_json::to_vec(&side))?;
        }
        if let Some(folder) = self.sidecar_path.parent().filter(|f| !f.exists()) {
            // Under --out-dir, the report's folder is kept: made on the first save.
            let _ = std::fs::create_dir_all(folder);
        }
        files::write_atomic_no_follow(&self.sidecar_path, &json)?;
        let journal = sidecar::journal::path(&self.sidecar_path);
        // A journal that could not be removed holds lines of the old token (ignored), maybe
        // a torn one: never continued, so the next save writes the sidecar whole again.
        let journal_bytes = match sidecar::journal::remove(&journal) {
            Ok(()) => 0,
            Err(_) => UNUSABLE,
        };
        self.saved = Some(Saved {
            token,
            snapshot: files::version(&self.sidecar_path),
            snapshot_bytes: json.len() as u64,
            journal_bytes,
            log_len: side.edits.len(),
            state: side.review,
            dismissed: side.dismissed,
            notes: side.notes,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::review::reviewed_report;

    const CELL: &str = "requests.total_processed.natural_person";

    /// Seed 000 opened and claimed, as the review screen opens a report.
    fn doc(dir: &Path) -> ReviewDoc {
        let mut d = crate::review::tests::doc(dir);
        d.claim();
        d
    }

    fn journal(d: &ReviewDoc) -> std::path::PathBuf {
        sidecar::journal::path(&d.sidecar_path)
    }

    fn value(path: &Path) -> Option<f64> {
        let (report, _) = reviewed_report(path, None).unwrap();
        report.cell(CELL).unwrap().value
    }

    /// A doc saved whole after one edit, then once through the journal.
    fn journalled(dir: &Path) -> ReviewDoc {
        let mut d = doc(dir);
        d.edit(CELL, "30").unwrap();
        d.save().unwrap();
        d.edit(CELL, "31").unwrap();
        d.save().unwrap();
        d
    }

    #[test]
    fn the_first_save_writes_the_sidecar_and_the_next_append_to_its_journal() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        d.edit(CELL, "30").unwrap();
        d.save().unwrap();
        assert!(!journal(&d).exists());
        let snapshot = std::fs::read(&d.sidecar_path).unwrap();
        d.edit(CELL, "31").unwrap();
        d.save().unwrap();
        d.approve(None).unwrap_err();
        d.edit(CELL, "22").unwrap();
        d.save().unwrap();
        assert_eq!(
            std::fs::read(&d.sidecar_path).unwrap(),
            snapshot,
            "the snapshot is not rewritten"
        );
        let lines = std::fs::read_to_string(journal(&d)).unwrap();
        assert_eq!(lines.lines().count(), 2, "{lines}");
        // Every reader sees the journal: check and export read through reviewed_report.
        let side = sidecar::load(&d.sidecar_path).unwrap().unwrap();
        let values: Vec<_> = side.edits.iter().map(|e| e.new).collect();
        assert_eq!(values, [Some(30.0), Some(31.0), Some(22.0)]);
        assert_eq!(value(&d.source_path), Some(22.0));
        assert!(
            side.diff.is_empty() || !side.diff.contains(CELL),
            "{}",
            side.diff
        );
        // A save with nothing new writes nothing.
        d.save().unwrap();
        assert_eq!(std::fs::read_to_string(journal(&d)).unwrap(), lines);
    }

    #[test]
    fn dismissals_notes_and_decisions_go_through_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = journalled(dir.path());
        d.set_note(CELL, "asked the office").unwrap();
        d.save().unwrap();
        d.edit(CELL, "22").unwrap();
        d.save().unwrap();
        d.approve(Some("checked".into())).unwrap();
        d.save().unwrap();
        let side = sidecar::load(&d.sidecar_path).unwrap().unwrap();
        assert_eq!(side.notes.len(), 1);
        assert_eq!(side.review.status, sidecar::ReviewStatus::Approved);
        assert!(journal(&d).exists());
        let again = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        assert_eq!(again.note(CELL), Some("asked the office"));
        assert_eq!(again.history.undo_len(), d.history.undo_len());
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_the_next_claim_writes_a_whole_sidecar() {
        let dir = tempfile::tempdir().unwrap();
        let d = journalled(dir.path());
        let path = journal(&d);
        let mut torn = std::fs::read(&path).unwrap();
        torn.extend_from_slice(br#"{"of":"x","edits":[{"seq":3,"#);
        std::fs::write(&path, &torn).unwrap();
        assert_eq!(value(&d.source_path), Some(31.0));
        drop(d);
        let mut again = ReviewDoc::open(&dir.path().join("r.txt"), "tester", None).unwrap();
        assert!(again.read_only.is_none(), "{:?}", again.read_only);
        again.claim();
        assert!(
            !path.exists(),
            "claiming writes the journal into the sidecar"
        );
        let side: sidecar::Sidecar =
            serde_json::from_slice(&std::fs::read(&again.sidecar_path).unwrap()).unwrap();
        assert_eq!(side.edits.len(), 2);
        again.edit(CELL, "32").unwrap();
        again.save().unwrap();
        assert_eq!(value(&again.source_path), Some(32.0));
    }

    #[test]
    fn a_damaged_line_makes_the_review_unreadable_and_it_is_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let d = journalled(dir.path());
        let path = journal(&d);
        let mut bytes = b"not json\n".to_vec();
        bytes.extend(std::fs::read(&path).unwrap());
        std::fs::write(&path, &bytes).unwrap();
        let err = reviewed_report(&d.source_path, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains(".journal") && err.contains("line 1"), "{err}");
        drop(d);
        let mut again = ReviewDoc::open(&dir.path().join("r.txt"), "tester", None).unwrap();
        again.claim();
        assert!(again.read_only.is_some());
        assert!(again.save().is_err());
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    #[test]
    fn a_line_out_of_sequence_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = journalled(dir.path());
        let path = journal(&d);
        let line = std::fs::read_to_string(&path).unwrap();
        // The same save twice: its edit would be applied twice.
        std::fs::write(&path, format!("{line}{line}")).unwrap();
        let err = reviewed_report(&d.source_path, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not continue"), "{err}");
    }

    #[test]
    fn lines_a_newer_snapshot_already_holds_are_ignored() {
        // A crash between writing the new snapshot and removing the journal.
        let dir = tempfile::tempdir().unwrap();
        let mut d = journalled(dir.path());
        let old = std::fs::read(journal(&d)).unwrap();
        d.compact().unwrap();
        assert!(!journal(&d).exists());
        std::fs::write(journal(&d), &old).unwrap();
        let side = sidecar::load(&d.sidecar_path).unwrap().unwrap();
        assert_eq!(side.edits.len(), 2, "not applied twice");
        assert_eq!(value(&d.source_path), Some(31.0));
        // And a journal with no snapshot (the review deleted) never joins a new review.
        std::fs::remove_file(&d.sidecar_path).unwrap();
        let mut fresh = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        fresh.claim();
        fresh.edit(CELL, "40").unwrap();
        fresh.save().unwrap();
        let side = sidecar::load(&fresh.sidecar_path).unwrap().unwrap();
        assert_eq!(side.edits.len(), 1);
        assert_eq!(value(&d.source_path), Some(40.0));
    }

    #[test]
    fn a_journal_past_half_its_snapshot_is_written_into_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = journalled(dir.path());
        let before = files::version(&d.sidecar_path);
        let saved = d.saved.as_mut().unwrap();
        saved.journal_bytes = JOURNAL_MIN_BYTES.max(saved.snapshot_bytes / 2);
        d.edit(CELL, "33").unwrap();
        d.save().unwrap();
        assert_ne!(files::version(&d.sidecar_path), before);
        assert!(!journal(&d).exists());
        assert_eq!(value(&d.source_path), Some(33.0));
    }

    #[test]
    fn a_sidecar_replaced_under_the_review_is_written_whole_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = journalled(dir.path());
        // A copy put back in its place (a sync tool, a restore): the same bytes, another file.
        let copy = dir.path().join("copy.json");
        std::fs::copy(&d.sidecar_path, &copy).unwrap();
        std::fs::rename(&copy, &d.sidecar_path).unwrap();
        d.edit(CELL, "34").unwrap();
        d.save().unwrap();
        assert!(!journal(&d).exists());
        let side: sidecar::Sidecar =
            serde_json::from_slice(&std::fs::read(&d.sidecar_path).unwrap()).unwrap();
        assert_eq!(side.edits.len(), 3);
        assert_eq!(value(&d.source_path), Some(34.0));
    }

    #[cfg(unix)]
    #[test]
    fn a_journal_swapped_for_a_link_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = journalled(dir.path());
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        std::fs::remove_file(journal(&d)).unwrap();
        std::os::unix::fs::symlink(&victim, journal(&d)).unwrap();
        d.edit(CELL, "35").unwrap();
        let err = d.save().unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    }

    #[test]
    fn starting_over_keeps_the_journals_edits_in_the_old_reviews_backup() {
        let dir = tempfile::tempdir().unwrap();
        let d = journalled(dir.path());
        let source = d.source_path.clone();
        drop(d);
        let mut text = std::fs::read_to_string(&source).unwrap();
        text.push_str("\n附：更正说明。\n");
        std::fs::write(&source, text).unwrap();
        let mut stale = ReviewDoc::open(&source, "tester", None).unwrap();
        stale.claim();
        assert!(stale.stale.is_some());
        stale.start_over().unwrap();
        let backup = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.to_string_lossy().ends_with(".json") && p.to_string_lossy().contains("stale-")
            })
            .unwrap();
        // The backup is whole by itself, and the old journal is gone from the live path,
        // so the new review's first save cannot delete anything of it.
        let raw: sidecar::Sidecar =
            serde_json::from_slice(&std::fs::read(&backup).unwrap()).unwrap();
        assert_eq!(raw.edits.len(), 2, "the backup holds its journal's edits");
        assert!(!journal(&stale).exists());
        stale.edit(CELL, "36").unwrap();
        stale.save().unwrap();
        assert_eq!(value(&source), Some(36.0));
    }

    #[test]
    fn a_line_cut_short_by_a_failed_write_is_never_joined_by_the_next() {
        // What a full disk leaves: the journal longer than the review knows, its last line
        // without a newline. The next save must not glue its line onto that.
        let dir = tempfile::tempdir().unwrap();
        let mut d = journalled(dir.path());
        let path = journal(&d);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(br#"{"of":"#);
        std::fs::write(&path, &bytes).unwrap();
        d.edit(CELL, "37").unwrap();
        d.save().unwrap();
        assert_eq!(value(&d.source_path), Some(37.0));
        d.edit(CELL, "38").unwrap();
        d.save().unwrap();
        assert_eq!(value(&d.source_path), Some(38.0));
    }

    #[test]
    fn a_torn_journal_whose_compaction_failed_is_never_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let d = journalled(dir.path());
        let path = journal(&d);
        let mut torn = std::fs::read(&path).unwrap();
        torn.extend_from_slice(br#"{"of":"x""#);
        std::fs::write(&path, &torn).unwrap();
        drop(d);
        // Opened without the claim's compaction (as when that failed).
        let mut again = ReviewDoc::open(&dir.path().join("r.txt"), "tester", None).unwrap();
        again.edit(CELL, "39").unwrap();
        again.save().unwrap();
        assert!(!path.exists(), "written whole, the torn journal removed");
        assert_eq!(value(&again.source_path), Some(39.0));
    }

    #[test]
    fn a_journal_removed_under_the_review_makes_the_next_save_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = journalled(dir.path());
        std::fs::remove_file(journal(&d)).unwrap();
        d.edit(CELL, "41").unwrap();
        d.save().unwrap();
        let side = sidecar::load(&d.sidecar_path).unwrap().unwrap();
        assert_eq!(side.edits.len(), 3, "no edit lost with the journal");
        assert_eq!(value(&d.source_path), Some(41.0));
    }

    #[cfg(unix)]
    #[test]
    fn a_new_journal_has_the_sidecars_mode_whatever_the_umask_and_its_owner_may_write() {
        // The umask is not changed here (the other test threads would see it): a shared
        // sidecar's group-write bit, which a 022 umask would drop, shows it is not applied.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for (sidecar, journal_mode) in [(0o664, 0o664), (0o444, 0o644)] {
            let dir = tempfile::tempdir().unwrap();
            let mut d = doc(dir.path());
            d.edit(CELL, "30").unwrap();
            d.save().unwrap();
            std::fs::set_permissions(&d.sidecar_path, std::fs::Permissions::from_mode(sidecar))
                .unwrap();
            d.saved.as_mut().unwrap().snapshot = files::version(&d.sidecar_path);
            d.edit(CELL, "31").unwrap();
            d.save().unwrap();
            assert_eq!(mode(&journal(&d)), journal_mode, "sidecar {sidecar:o}");
            d.edit(CELL, "32").unwrap();
            d.save().unwrap();
            assert_eq!(value(&d.source_path), Some(32.0));
        }
    }

    #[test]
    fn a_leftover_line_of_another_format_does_not_make_the_review_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let d = journalled(dir.path());
        let path = journal(&d);
        let mut bytes = br#"{"of":"older-token","something":"else"}"#.to_vec();
        bytes.push(b'\n');
        bytes.extend(std::fs::read(&path).unwrap());
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(value(&d.source_path), Some(31.0));
    }

    #[test]
    fn a_sidecar_of_the_format_before_the_journal_is_read_and_saved_as_the_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let d = journalled(dir.path());
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&d.sidecar_path).unwrap()).unwrap();
        let o = v.as_object_mut().unwrap();
        o.insert("schema".into(), "tablereview.review/1".into());
        o.remove("journal");
        std::fs::write(&d.sidecar_path, serde_json::to_vec(&v).unwrap()).unwrap();
        std::fs::remove_file(journal(&d)).unwrap();
        drop(d);
        let mut again = ReviewDoc::open(&dir.path().join("r.txt"), "tester", None).unwrap();
        again.claim();
        assert!(again.read_only.is_none(), "{:?}", again.read_only);
        again.edit(CELL, "42").unwrap();
        again.save().unwrap();
        let raw: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&again.sidecar_path).unwrap()).unwrap();
        assert_eq!(raw["schema"], sidecar::REVIEW_SCHEMA);
        assert!(raw["journal"].is_string());
    }
}
