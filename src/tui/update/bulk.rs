//! Decisions over many cells, `Enter`'s confirm-and-next, dismissals and approve-and-next.

use super::super::app::{App, LineEditor, Mode, Notice, PromptKind};
use super::super::strings::counted;
use super::{go_report, open, refresh_summary, step_flag, Effect};
use crate::model::Severity;

/// Which cells a bulk confirmation takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bulk {
    Row,
    Table,
    Blanks,
}

/// Confirms a row, a table or every blank as one step, then moves to the next open flag.
pub(super) fn confirm(app: &mut App, what: Bulk) -> Vec<Effect> {
    let s = app.options.lang.strings();
    let (table, row) = match app.report() {
        Some(r) => {
            let Some(t) = r.tables.get(app.cursor.table) else {
                return vec![];
            };
            let row = t.rows.get(app.cursor.row).map(|r| r.key.to_string());
            (t.id.to_string(), row)
        }
        None => return vec![],
    };
    let Some(doc) = app.doc_mut() else {
        return vec![];
    };
    let result = match (what, row) {
        (Bulk::Row, Some(row)) => doc.confirm_row(&table, &row),
        (Bulk::Row, None) => Ok(0),
        (Bulk::Table, _) => doc.confirm_table(&table),
        (Bulk::Blanks, _) => doc.confirm_blanks(),
    };
    match result {
        Ok(0) => {
            app.notice = Some(Notice {
                text: s.nothing_to_confirm.into(),
                error: false,
            });
            vec![]
        }
        Ok(n) => {
            refresh_summary(app);
            step_flag(app, true);
            // After the step, so its "no flags" does not hide how many were confirmed.
            app.notice = Some(Notice {
                text: counted(s.confirmed_n, n),
                error: false,
            });
            vec![Effect::Save(app.current)]
        }
        Err(text) => {
            app.notice = Some(Notice { text, error: true });
            vec![]
        }
    }
}

/// Whether an open finding names the selected cell.
pub(super) fn cursor_flagged(app: &App) -> bool {
    let Some(key) = app.cursor_key() else {
        return false;
    };
    super::super::layout::report_flags(app).contains_key(&key)
}

/// `d` in the grid: the selected cell's first open warning, after a reason.
pub(super) fn dismiss_at_cursor(app: &mut App) {
    let s = app.options.lang.strings();
    let key = app.cursor_key();
    let i = app.report().and_then(|r| {
        r.findings.iter().position(|f| {
            f.severity == Severity::Warning
                && f.dismissed.is_none()
                && key.as_ref().is_some_and(|k| f.cells.contains(k))
        })
    });
    match i {
        Some(i) => app.mode = Mode::Prompt(PromptKind::DismissReason(i), LineEditor::default()),
        None => {
            app.notice = Some(Notice {
                text: s.no_warning_here.into(),
                error: false,
            })
        }
    }
}

/// Dismisses finding `i` with `reason`.
pub(super) fn dismiss(app: &mut App, i: usize, reason: &str) -> Vec<Effect> {
    let s = app.options.lang.strings();
    let Some(doc) = app.doc_mut() else {
        return vec![];
    };
    let result = doc.dismiss(i, reason).map(|()| s.dismissed.into());
    super::report_outcome(app, result)
}

/// Takes the dismissal of finding `i` back.
pub(super) fn undismiss(app: &mut App, i: usize) -> Vec<Effect> {
    let s = app.options.lang.strings();
    let Some(doc) = app.doc_mut() else {
        return vec![];
    };
    let result = doc.undismiss(i).map(|()| s.undismissed.into());
    super::report_outcome(app, result)
}

/// After a decision: the next report, keeping the decision's notice.
pub(super) fn move_on(app: &mut App, fx: Vec<Effect>) -> Vec<Effect> {
    if fx.is_empty() || app.current + 1 >= app.queue.len() {
        return fx;
    }
    let notice = app.notice.take();
    go_report(app, app.current + 1, true);
    app.notice = notice;
    fx
}

/// Whether a queue entry still waits for this reviewer's decision. Postponed ones wait for
/// later, so "next unreviewed" passes them; a second-review request waits for someone other
/// than the one who asked, so it is this reviewer's unless they asked.
fn undecided(app: &App, i: usize) -> bool {
    use crate::sidecar::ReviewStatus;
    app.queue[i].failed.is_none()
        && app.queue[i]
            .summary
            .as_ref()
            .is_some_and(|s| match s.status {
                Some(ReviewStatus::InProgress) | None => true,
                Some(ReviewStatus::NeedsSecondReview) => {
                    s.status_by.as_deref() != Some(app.options.reviewer.as_str())
                }
                _ => false,
            })
}

/// The next report (after the current one, wrapping) nobody has decided yet.
pub(super) fn next_unreviewed(app: &mut App) {
    let n = app.queue.len();
    for step in 1..n {
        let i = (app.current + step) % n;
        if app.queue[i].summary.is_none() {
            open(app, i);
        }
        if undecided(app, i) {
            go_report(app, i, true);
            return;
        }
    }
    app.notice = Some(Notice {
        text: app.options.lang.strings().no_unreviewed.into(),
        error: false,
    });
}
