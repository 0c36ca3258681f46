//! Undo as a history of reversible steps: each step records every cell it changed, before and
//! after, so it can be applied either way without knowing what kind of edit it was.

use serde::{Deserialize, Serialize};

use crate::model::{CellStatus, Report};

/// What a reviewer did to a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Edit,
    Clear,
    Confirm,
    /// A blank confirmed as 0 (every blank of a report at once).
    ConfirmBlank,
    Shift,
    Undo,
    Redo,
    AcceptSuggestion,
}

impl Action {
    /// The name used in the edit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Clear => "clear",
            Action::Confirm => "confirm",
            Action::ConfirmBlank => "confirm-blank",
            Action::Shift => "shift",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::AcceptSuggestion => "accept-suggestion",
        }
    }
}

/// A cell's reviewable state.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CellState {
    pub value: Option<f64>,
    pub status: CellStatus,
}

/// One cell's change within a step.
#[derive(Debug, Clone, PartialEq)]
pub struct CellChange {
    pub key: String,
    pub before: CellState,
    pub after: CellState,
}

/// One undoable step: the cells it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: u64,
    pub action: Action,
    pub changes: Vec<CellChange>,
}

impl Step {
    /// Applies the step forwards (`true`) or backwards to `report`.
    pub fn apply(&self, report: &mut Report, forward: bool) {
        let changes: Box<dyn Iterator<Item = &CellChange>> = if forward {
            Box::new(self.changes.iter())
        } else {
            Box::new(self.changes.iter().rev())
        };
        for ch in changes {
            if let Some(cell) = report.cell_mut(&ch.key) {
                let s = if forward { ch.after } else { ch.before };
                cell.value = s.value;
                cell.status = s.status;
            }
        }
    }

    /// The same step reversed (what an undo does).
    pub fn reversed(&self, id: u64, action: Action) -> Step {
        Step {
            id,
            action,
            changes: self
                .changes
                .iter()
                .rev()
                .map(|c| CellChange {
                    key: c.key.clone(),
                    before: c.after,
                    after: c.before,
                })
                .collect(),
        }
    }
}

/// Undo and redo stacks of steps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
}

impl History {
    /// Records a new step; a new step makes the redo stack meaningless.
    pub fn push(&mut self, step: Step) {
        self.undo.push(step);
        self.redo.clear();
    }

    /// Takes the step to undo, moving it to the redo stack.
    pub fn undo(&mut self) -> Option<&Step> {
        let step = self.undo.pop()?;
        self.redo.push(step);
        self.redo.last()
    }

    /// Takes the step to redo, moving it back to the undo stack.
    pub fn redo(&mut self) -> Option<&Step> {
        let step = self.redo.pop()?;
        self.undo.push(step);
        self.undo.last()
    }

    /// Steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Steps that can be redone.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let t = crate::template::by_key("gov-2021").unwrap();
        Report {
            schema: String::new(),
            source: crate::model::Source {
                path: String::new(),
                sha256: String::new(),
                encoding: String::new(),
                reader: None,
            },
            report: Default::default(),
            template: t.key.clone(),
            tables: t.empty_tables(),
            findings: vec![],
            narrative: vec![],
        }
    }

    fn state(v: Option<f64>, status: CellStatus) -> CellState {
        CellState { value: v, status }
    }

    #[test]
    fn steps_apply_both_ways() {
        let mut r = report();
        let step = Step {
            id: 1,
            action: Action::Shift,
            changes: vec![
                CellChange {
                    key: "requests.granted.natural_person".into(),
                    before: state(Some(5.0), CellStatus::Ok),
                    after: state(None, CellStatus::Edited),
                },
                CellChange {
                    key: "requests.granted.commercial".into(),
                    before: state(None, CellStatus::Blank),
                    after: state(Some(5.0), CellStatus::Edited),
                },
            ],
        };
        step.apply(&mut r, true);
        assert_eq!(
            r.cell("requests.granted.commercial").unwrap().value,
            Some(5.0)
        );
        step.apply(&mut r, false);
        let c = r.cell("requests.granted.natural_person").unwrap();
        assert_eq!((c.value, c.status), (Some(5.0), CellStatus::Ok));
        assert_eq!(
            step.reversed(2, Action::Undo)
                .reversed(3, Action::Redo)
                .changes,
            step.changes
        );
    }

    #[test]
    fn undo_redo_stacks() {
        let mut h = History::default();
        let s = |id| Step {
            id,
            action: Action::Edit,
            changes: vec![],
        };
        h.push(s(1));
        h.push(s(2));
        assert_eq!(h.undo().map(|s| s.id), Some(2));
        assert_eq!(h.redo().map(|s| s.id), Some(2));
        assert_eq!(h.undo().map(|s| s.id), Some(2));
        h.push(s(3));
        assert_eq!(h.redo_len(), 0);
        assert_eq!(h.undo_len(), 2);
    }
}
