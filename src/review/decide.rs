//! Decisions over many cells at once, and dismissals of warnings.
//!
//! A bulk confirmation is one step: one undo takes it back, and its log records share one
//! step id. Cells already confirmed are left out, so confirming twice logs nothing.

use crate::history::{Action, CellState};
use crate::model::{CellStatus, Dismissal, Severity};

use super::{now, ReviewDoc};

/// Whether a bulk confirmation takes this cell: a value read as it stands, a blank, an n/a or
/// an inferred placement. Invalid, ambiguous and missing cells need a value of their own; an
/// edited one was decided already.
fn bulk_confirmable(status: CellStatus) -> bool {
    matches!(
        status,
        CellStatus::Ok | CellStatus::Blank | CellStatus::Na | CellStatus::Inferred
    )
}

impl ReviewDoc {
    /// Confirms every blank cell of the report as 0, as one step; returns how many.
    pub fn confirm_blanks(&mut self) -> Result<usize, String> {
        self.writable()?;
        let targets: Vec<(String, CellState)> = self
            .current
            .cells()
            .filter(|(_, c)| c.status == CellStatus::Blank && c.value.is_none())
            .map(|(k, _)| {
                (
                    k,
                    CellState {
                        value: Some(0.0),
                        status: CellStatus::Confirmed,
                    },
                )
            })
            .collect();
        self.commit_counted(Action::ConfirmBlank, targets)
    }

    /// Confirms every cell of one row as it stands, as one step; returns how many changed.
    pub fn confirm_row(&mut self, table: &str, row: &str) -> Result<usize, String> {
        self.confirm_where(|t, r| t == table && r == row)
    }

    /// Confirms every cell of one table as it stands, as one step; returns how many changed.
    pub fn confirm_table(&mut self, table: &str) -> Result<usize, String> {
        self.confirm_where(|t, _| t == table)
    }

    fn confirm_where(&mut self, take: impl Fn(&str, &str) -> bool) -> Result<usize, String> {
        self.writable()?;
        let mut targets = Vec::new();
        for t in &self.current.tables {
            for r in t.rows.iter().filter(|r| take(&t.id, &r.key)) {
                for c in r.cells.iter().filter(|c| bulk_confirmable(c.status)) {
                    targets.push((
                        crate::model::cell_key(&t.id, &r.key, &c.column),
                        CellState {
                            value: c.value,
                            status: CellStatus::Confirmed,
                        },
                    ));
                }
            }
        }
        self.commit_counted(Action::Confirm, targets)
    }

    fn commit_counted(
        &mut self,
        action: Action,
        targets: Vec<(String, CellState)>,
    ) -> Result<usize, String> {
        let n = targets.len();
        if n > 0 {
            self.commit(action, targets)?;
        }
        Ok(n)
    }

    /// Dismisses the warning `finding` (an index into the current findings) with a reason.
    pub fn dismiss(&mut self, finding: usize, reason: &str) -> Result<(), String> {
        self.writable()?;
        let f = self
            .current
            .findings
            .get(finding)
            .ok_or("no such finding")?;
        if f.severity != Severity::Warning {
            return Err(
                "an error cannot be dismissed: correct the figures, or approve with a reason"
                    .into(),
            );
        }
        if f.dismissed.is_some() {
            return Err("this warning is dismissed already".into());
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err("give a reason for dismissing the warning".into());
        }
        let d = Dismissal {
            rule: f.rule.to_string(),
            cells: f.cells.clone(),
            reason: reason.to_string(),
            reviewer: self.reviewer.clone(),
            at: now(),
        };
        self.state.updated = d.at.clone();
        self.dismissed.push(d);
        self.current.apply_dismissals(&self.dismissed);
        Ok(())
    }

    /// Sets the note on a cell; empty text removes it.
    pub fn set_note(&mut self, key: &str, text: &str) -> Result<(), String> {
        self.writable()?;
        if self.current.cell(key).is_none() {
            return Err(format!("no cell {key}"));
        }
        let text = text.trim();
        self.notes.retain(|n| n.cell != key);
        let at = now();
        if !text.is_empty() {
            self.notes.push(crate::sidecar::CellNote {
                cell: key.to_string(),
                text: text.to_string(),
                reviewer: self.reviewer.clone(),
                at: at.clone(),
            });
        }
        self.state.updated = at;
        Ok(())
    }

    /// The note on a cell, if any.
    pub fn note(&self, key: &str) -> Option<&str> {
        self.notes
            .iter()
            .find(|n| n.cell == key)
            .map(|n| n.text.as_str())
    }

    /// Takes a dismissal back: the warning counts again.
    pub fn undismiss(&mut self, finding: usize) -> Result<(), String> {
        self.writable()?;
        let f = self
            .current
            .findings
            .get(finding)
            .ok_or("no such finding")?;
        let before = self.dismissed.len();
        let f = f.clone();
        self.dismissed.retain(|d| !d.matches(&f));
        if self.dismissed.len() == before {
            return Err("this warning is not dismissed".into());
        }
        self.state.updated = now();
        self.current.apply_dismissals(&self.dismissed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::review::reviewed_report;

    fn doc(dir: &Path, fixture: &str) -> ReviewDoc {
        let src = dir.join("r.txt");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(fixture),
            &src,
        )
        .unwrap();
        ReviewDoc::open(&src, "tester", None).unwrap()
    }

    fn blanks(d: &ReviewDoc) -> usize {
        d.current
            .cells()
            .filter(|(_, c)| c.status == CellStatus::Blank)
            .count()
    }

    #[test]
    fn confirming_every_blank_is_one_step_one_undo_and_not_logged_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path(), "001_8b45603aceec5a0e.txt");
        let n = blanks(&d);
        assert!(n > 10, "001 has many blanks: {n}");
        assert_eq!(d.confirm_blanks().unwrap(), n);
        assert_eq!(blanks(&d), 0);
        assert!(d.current.findings.iter().all(|f| f.rule != "blank"));
        assert_eq!(d.log.len(), n);
        assert!(d.log.iter().all(|r| r.step == d.log[0].step));
        assert!(d.log.iter().all(|r| r.new == Some(0.0)));
        assert_eq!(d.confirm_blanks().unwrap(), 0, "nothing left");
        assert_eq!(d.log.len(), n, "a second time logs nothing");
        assert!(d.undo());
        assert_eq!(blanks(&d), n, "one undo takes them all back");
    }

    #[test]
    fn a_row_and_a_table_are_confirmed_as_they_stand_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path(), "000_7a2d16d58913ef59.txt");
        let row_len = d
            .current
            .table("requests")
            .unwrap()
            .rows
            .iter()
            .find(|r| r.key == "total_processed")
            .unwrap()
            .cells
            .len();
        let n = d.confirm_row("requests", "total_processed").unwrap();
        assert_eq!(n, row_len);
        let steps: std::collections::BTreeSet<u64> = d.log.iter().map(|r| r.step).collect();
        assert_eq!(steps.len(), 1);
        assert!(d.log.iter().all(|r| r.old == r.new), "values stay");
        let logged = d.log.len();
        let m = d.confirm_table("requests").unwrap();
        assert!(m > 0);
        assert_eq!(d.log.len(), logged + m, "the row is not logged again");
        assert!(d
            .current
            .table("requests")
            .unwrap()
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .all(|c| !bulk_confirmable(c.status)));
        assert_eq!(d.confirm_table("requests").unwrap(), 0);
    }

    #[test]
    fn a_second_confirmation_and_an_edit_to_the_same_value_are_not_logged() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path(), "000_7a2d16d58913ef59.txt");
        let key = "requests.total_processed.natural_person";
        d.edit(key, "22").unwrap();
        assert!(d.log.is_empty(), "22 was already there");
        d.confirm(key).unwrap();
        d.confirm(key).unwrap();
        assert_eq!(d.log.len(), 1);
    }

    #[test]
    fn a_dismissed_warning_stops_counting_is_saved_and_reaches_the_reviewed_report() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path(), "001_8b45603aceec5a0e.txt");
        let warnings = d.current.warnings();
        let i = d
            .current
            .findings
            .iter()
            .position(|f| f.severity == Severity::Warning)
            .unwrap();
        assert!(d.dismiss(i, "  ").is_err(), "a reason is needed");
        d.dismiss(i, "the original prints it so").unwrap();
        assert_eq!(d.current.warnings(), warnings - 1);
        assert!(d.dismiss(i, "again").is_err());
        if let Some(e) = d
            .current
            .findings
            .iter()
            .position(|f| f.severity == Severity::Error)
        {
            assert!(d.dismiss(e, "no").is_err(), "errors are not dismissed");
        }
        d.save().unwrap();
        let (report, _) = reviewed_report(&d.source_path, None).unwrap();
        assert_eq!(report.warnings(), warnings - 1);
        let f = report
            .findings
            .iter()
            .find(|f| f.dismissed.is_some())
            .unwrap();
        let by = f.dismissed.as_ref().unwrap();
        assert_eq!(
            (by.reason.as_str(), by.reviewer.as_str()),
            ("the original prints it so", "tester")
        );
        let mut again = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        assert_eq!(again.current.warnings(), warnings - 1, "kept on reopening");
        let key = "requests.granted.total";
        again.set_note(key, " ask the body about 2023 ").unwrap();
        again.set_note(key, "ask the body").unwrap();
        assert_eq!(again.notes.len(), 1, "one note per cell");
        assert!(again.set_note("no.such.cell", "x").is_err());
        again.save().unwrap();
        let mut third = ReviewDoc::open(&d.source_path, "tester", None).unwrap();
        assert_eq!(third.note(key), Some("ask the body"));
        third.set_note(key, "").unwrap();
        assert_eq!(third.note(key), None);
        third.undismiss(i).unwrap();
        assert_eq!(third.current.warnings(), warnings);
    }
}
