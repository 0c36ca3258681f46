//! The findings panel: every finding of the report, numbered, errors first.

use super::super::app::{cell_key_at, reading_order, App, LineEditor, Mode, PromptKind};
use super::super::msg::{Dir, Msg};
use super::{bulk, follow, Effect, PAGE};
use crate::model::{Report, Severity};

/// The report's findings in panel order: open errors, open warnings, then dismissed ones;
/// each group in the checker's order. Returns indices into `report.findings`.
pub fn order(report: &Report) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..report.findings.len()).collect();
    idx.sort_by_key(|&i| {
        let f = &report.findings[i];
        (f.dismissed.is_some(), f.severity != Severity::Error)
    });
    idx
}

/// A message while the panel is open.
pub(super) fn msg(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Mode::Findings { selected } = app.mode else {
        return vec![];
    };
    let n = app.report().map_or(0, |r| r.findings.len());
    let last = n.saturating_sub(1);
    let set = |app: &mut App, selected: usize| app.mode = Mode::Findings { selected };
    match msg {
        Msg::Close | Msg::Findings => app.mode = Mode::Normal,
        Msg::Move(Dir::Up) => set(app, selected.saturating_sub(1)),
        Msg::Move(Dir::Down) => set(app, (selected + 1).min(last)),
        Msg::PageUp => set(app, selected.saturating_sub(PAGE)),
        Msg::PageDown => set(app, (selected + PAGE).min(last)),
        Msg::RowStart => set(app, 0),
        Msg::RowEnd => set(app, last),
        Msg::StartEdit => {
            app.mode = Mode::Normal;
            jump(app, selected);
        }
        Msg::Dismiss => {
            let Some(i) = app.report().and_then(|r| order(r).get(selected).copied()) else {
                return vec![];
            };
            let dismissed = app
                .report()
                .is_some_and(|r| r.findings[i].dismissed.is_some());
            if dismissed {
                return bulk::undismiss(app, i);
            }
            app.mode = Mode::Prompt(PromptKind::DismissReason(i), LineEditor::default());
        }
        _ => {}
    }
    vec![]
}

/// Selects the first cell (in reading order) of the finding at panel position `selected`.
fn jump(app: &mut App, selected: usize) {
    let Some(report) = app.report() else {
        return;
    };
    let Some(&i) = order(report).get(selected) else {
        return;
    };
    let cells = &report.findings[i].cells;
    let at = reading_order(report)
        .into_iter()
        .find(|c| cell_key_at(report, *c).is_some_and(|k| cells.contains(&k)));
    if let Some(c) = at {
        app.cursor = c;
        follow(app);
    }
}
