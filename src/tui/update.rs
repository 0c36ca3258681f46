//! `update`: the only code that changes the review screen's state.
//!
//! It returns effects (saving a sidecar) for the runtime to carry out; their results come
//! back as messages. Opening a report (reading and extracting its file) is done here, on
//! demand, so a queue of any length starts without reading every report first.

use super::app::{
    cell_key_at, reading_order, App, Cursor, Entry, Focus, LineEditor, Mode, Notice, PromptKind,
    Summary,
};
use super::layout;
use super::msg::{Dir, EditorKey, Msg};
use super::strings::counted;
use crate::review::ReviewDoc;

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write the sidecar of queue entry `n`.
    Save(usize),
}

mod bulk;
pub mod findings;
mod queue;
mod related;

use bulk::Bulk;
pub use queue::queue_order;
use queue::{next_error_report, queue_msg};
use related::{compare_related, open_related};

const PAGE: usize = 10;

/// Applies a message to the state.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let was_g = std::mem::take(&mut app.pending_g);
    if msg != Msg::Quit {
        app.quit_armed = false;
    }
    if !matches!(
        msg,
        Msg::Saved(_)
            | Msg::Resize(..)
            | Msg::Summarized(..)
            | Msg::Listed(_)
            | Msg::ListingDone(_)
    ) {
        app.notice = None;
        // The reviewer is at work here: a late-listed last report no longer takes them away.
        if !matches!(msg, Msg::ListingDone(_)) {
            app.resume = None;
        }
    }
    if app.doc().is_none()
        && app
            .queue
            .get(app.current)
            .is_some_and(|e| e.failed.is_none())
    {
        go_report(app, app.current, true);
    }
    match (&app.mode, msg) {
        (_, Msg::Quit) => {
            // Edits whose save failed live only in memory: quitting needs a second word.
            if app.save_failed && !app.quit_armed {
                app.quit_armed = true;
                app.notice = Some(Notice {
                    text: app.options.lang.strings().unsaved_quit.into(),
                    error: true,
                });
            } else {
                app.quit = true;
            }
            vec![]
        }
        (_, Msg::Resize(w, h)) => {
            app.size = (w, h);
            vec![]
        }
        (_, Msg::Summarized(i, result)) => {
            let mut facts = None;
            if let Some(entry) = app.queue.get_mut(i) {
                if entry.doc.is_none() {
                    match result {
                        Ok(mut summary) => {
                            facts = summary.facts.take();
                            entry.summary = Some(summary);
                        }
                        Err(e) => entry.failed = Some(e),
                    }
                }
            }
            if let Some(f) = facts {
                super::series::note_facts(app, i, f);
            }
            vec![]
        }
        (_, Msg::Listed(paths)) => {
            let from = app.queue.len();
            app.queue.extend(paths.into_iter().map(Entry::new));
            let before = app.current;
            app.resume_if_listed(from);
            if app.current != before {
                let notice = app.notice.take();
                go_report(app, app.current, true);
                app.notice = notice;
            }
            vec![]
        }
        (_, Msg::ListingDone(problems)) => {
            app.listing = false;
            if let Some(first) = problems.first() {
                let more = problems.len() - 1;
                app.notice = Some(Notice {
                    text: if more == 0 {
                        first.clone()
                    } else {
                        format!("{first} (+{more})")
                    },
                    error: true,
                });
            }
            vec![]
        }
        (_, Msg::Saved(result)) => {
            match result {
                Ok(()) => app.save_failed = false,
                Err(e) => {
                    app.save_failed = true;
                    app.notice = Some(Notice {
                        text: format!("{}: {e}", app.options.lang.strings().save_failed),
                        error: true,
                    })
                }
            }
            vec![]
        }
        (Mode::Help, Msg::Close) | (Mode::Help, Msg::Help) => {
            app.mode = Mode::Normal;
            vec![]
        }
        (Mode::Help, Msg::Move(dir)) => {
            app.help_scroll = match dir {
                Dir::Up => app.help_scroll.saturating_sub(1),
                _ => (app.help_scroll + 1).min(
                    app.options
                        .keymap
                        .help_lines(app.options.lang.strings())
                        .len() as u16,
                ),
            };
            vec![]
        }
        (Mode::Help, _) => vec![],
        (Mode::ConfirmAcceptAll(_), Msg::Yes) => {
            app.mode = Mode::Normal;
            let done = app.options.lang.strings().accepted_n;
            let Some(doc) = app.doc_mut() else {
                return vec![];
            };
            let result = doc.accept_all_suggestions().map(|n| format!("{n} {done}"));
            report_outcome(app, result)
        }
        (Mode::ConfirmAcceptAll(_), _) => {
            app.mode = Mode::Normal;
            vec![]
        }
        (Mode::Queue { .. }, m) => queue_msg(app, m),
        (Mode::Findings { .. }, m) => findings::msg(app, m),
        (Mode::Compare(_), Msg::Close | Msg::CompareRelated) => {
            app.mode = Mode::Normal;
            vec![]
        }
        (Mode::Compare(_), Msg::OpenRelated) => {
            app.mode = Mode::Normal;
            open_related(app);
            vec![]
        }
        (Mode::Compare(_), _) => vec![],
        (Mode::Editing(_), Msg::Editor(key)) => edit_msg(app, key),
        (Mode::Prompt(..), Msg::Editor(key)) => prompt_msg(app, key),
        (Mode::Editing(_) | Mode::Prompt(..), _) => vec![],
        (Mode::Normal, m) => normal_msg(app, m, was_g),
    }
}

fn normal_msg(app: &mut App, msg: Msg, was_g: bool) -> Vec<Effect> {
    let s = app.options.lang.strings();
    match msg {
        Msg::Move(dir) if app.focus == Focus::Source => {
            let d = match dir {
                Dir::Up => -1,
                Dir::Down => 1,
                _ => 0,
            };
            scroll_source(app, d);
        }
        Msg::PageUp if app.focus == Focus::Source => scroll_source(app, -(PAGE as i32)),
        Msg::PageDown if app.focus == Focus::Source => scroll_source(app, PAGE as i32),
        Msg::ScrollSource(n) => scroll_source(app, n),
        Msg::Move(dir) => move_cursor(app, dir, 1),
        Msg::PageUp => move_cursor(app, Dir::Up, PAGE),
        Msg::PageDown => move_cursor(app, Dir::Down, PAGE),
        Msg::RowStart => set_col(app, 0),
        Msg::RowEnd => set_col(app, usize::MAX),
        Msg::G if was_g => set_row(app, 0),
        Msg::G => app.pending_g = true,
        Msg::Bottom => set_row(app, usize::MAX),
        Msg::NextTable | Msg::PrevTable => {
            let n = app.report().map_or(1, |r| r.tables.len().max(1));
            let step = if msg == Msg::NextTable { 1 } else { n - 1 };
            app.cursor = Cursor {
                table: (app.cursor.table + step) % n,
                row: 0,
                col: 0,
            };
            follow(app);
        }
        Msg::ToggleFocus => {
            app.focus = match app.focus {
                Focus::Grid => Focus::Source,
                Focus::Source => Focus::Grid,
            }
        }
        Msg::NextFlag => step_flag(app, true),
        Msg::PrevFlag => step_flag(app, false),
        Msg::StartEdit => {
            if let Some(key) = app.cursor_key() {
                let v = app
                    .report()
                    .and_then(|r| r.cell(&key))
                    .and_then(|c| c.value);
                let text = v.map(crate::model::format_value).unwrap_or_default();
                app.mode = Mode::Editing(LineEditor::with(&text));
            }
        }
        Msg::TypeStart(c) if app.cursor_key().is_some() => {
            app.mode = Mode::Editing(LineEditor::with(&c.to_string()));
        }
        Msg::Clear => return with_doc(app, |d, key| d.clear(key).map(|_| None)),
        Msg::Confirm => return confirm_and_step(app),
        Msg::ConfirmNext if bulk::cursor_flagged(app) => return confirm_and_step(app),
        Msg::ConfirmNext => return normal_msg(app, Msg::StartEdit, false),
        Msg::ConfirmRow => return bulk::confirm(app, Bulk::Row),
        Msg::ConfirmTable => return bulk::confirm(app, Bulk::Table),
        Msg::ConfirmBlanks => return bulk::confirm(app, Bulk::Blanks),
        Msg::Findings => {
            // Opens on the selected cell's finding: the panel is its detail, in full.
            let key = app.cursor_key();
            let selected = app.report().map_or(0, |r| {
                findings::order(r)
                    .iter()
                    .position(|&i| {
                        key.as_ref()
                            .is_some_and(|k| r.findings[i].cells.contains(k))
                    })
                    .unwrap_or(0)
            });
            app.mode = Mode::Findings { selected };
            if app.report().is_some_and(|r| r.findings.is_empty()) {
                app.notice = Some(Notice {
                    text: s.no_findings.into(),
                    error: false,
                });
            }
        }
        Msg::Dismiss => bulk::dismiss_at_cursor(app),
        Msg::Note => {
            let key = app.cursor_key().unwrap_or_default();
            let text = app.doc().and_then(|d| d.note(&key)).unwrap_or("");
            app.mode = Mode::Prompt(PromptKind::Note, LineEditor::with(text));
        }
        Msg::NextUnreviewed => bulk::next_unreviewed(app),
        Msg::ShiftLeft | Msg::ShiftRight => {
            let dir = if msg == Msg::ShiftLeft { -1 } else { 1 };
            return with_doc(app, |d, key| d.shift(key, dir).map(Some));
        }
        Msg::Undo | Msg::Redo => {
            let done = match app.doc_mut() {
                Some(d) if msg == Msg::Undo => d.undo(),
                Some(d) => d.redo(),
                None => false,
            };
            if done {
                refresh_summary(app);
                return vec![Effect::Save(app.current)];
            }
            let read_only = app.doc().and_then(|d| d.read_only.clone());
            let text = read_only.unwrap_or_else(|| {
                if msg == Msg::Undo {
                    s.nothing_to_undo
                } else {
                    s.nothing_to_redo
                }
                .to_string()
            });
            app.notice = Some(Notice { text, error: false });
        }
        Msg::Approve => {
            if app
                .doc()
                .is_some_and(|d| d.approval_needs_reason().is_some())
            {
                app.mode = Mode::Prompt(PromptKind::ApproveReason, LineEditor::default());
            } else {
                let fx = decide(app, |d| d.approve(None), s.approved);
                return bulk::move_on(app, fx);
            }
        }
        Msg::Reject => app.mode = Mode::Prompt(PromptKind::RejectReason, LineEditor::default()),
        Msg::Postpone => app.mode = Mode::Prompt(PromptKind::PostponeReason, LineEditor::default()),
        Msg::SecondReview => {
            app.mode = Mode::Prompt(PromptKind::SecondReviewReason, LineEditor::default())
        }
        Msg::ReapplyStale | Msg::StartOver => {
            let reapply = msg == Msg::ReapplyStale;
            let Some(doc) = app.doc_mut() else {
                return vec![];
            };
            let result = if reapply {
                doc.reapply_stale().map(|(n, skipped)| {
                    format!(
                        "{}; {}",
                        counted(s.reapplied_n, n),
                        counted(s.no_longer_fit_n, skipped)
                    )
                })
            } else {
                doc.start_over().map(|()| s.started_over.to_string())
            };
            return report_outcome(app, result);
        }
        Msg::AcceptSuggestion => {
            return with_doc(app, |d, key| d.accept_suggestion(key).map(|_| None))
        }
        Msg::AcceptAllSuggestions => {
            let n = app.doc().map_or(0, |d| d.open_suggestions().len());
            if n == 0 {
                app.notice = Some(Notice {
                    text: s.no_suggestions.into(),
                    error: false,
                });
            } else {
                app.mode = Mode::ConfirmAcceptAll(n);
            }
        }
        Msg::OpenRelated => open_related(app),
        Msg::CompareRelated => compare_related(app),
        Msg::NextReport => go_report(app, app.current + 1, false),
        Msg::PrevReport => {
            if app.current == 0 {
                app.notice = Some(Notice {
                    text: s.no_more_reports.into(),
                    error: false,
                });
            } else {
                go_report(app, app.current - 1, false)
            }
        }
        Msg::NextErrorReport => next_error_report(app, true),
        Msg::PrevErrorReport => next_error_report(app, false),
        Msg::ToggleQueue => {
            // Counts arrive in the background (Summarized); unknown ones show as `…`.
            let order = queue_order(app);
            let selected = order.iter().position(|&i| i == app.current).unwrap_or(0);
            app.mode = Mode::Queue { selected };
        }
        Msg::Search => app.mode = Mode::Prompt(PromptKind::Search, LineEditor::default()),
        Msg::SaveNow => {
            app.notice = Some(Notice {
                text: s.saved.into(),
                error: false,
            });
            return vec![Effect::Save(app.current)];
        }
        Msg::Help => {
            app.help_scroll = 0;
            app.mode = Mode::Help;
        }
        Msg::Click(x, y) => click(app, x, y),
        _ => {}
    }
    vec![]
}

/// Confirms the selected cell and goes to the next flagged one.
fn confirm_and_step(app: &mut App) -> Vec<Effect> {
    let fx = with_doc(app, |d, key| d.confirm(key).map(|_| None));
    if !fx.is_empty() {
        step_flag(app, true);
    }
    fx
}

/// Runs a change on the open report at the cursor; on success re-summarises and saves.
/// The change may name a cell the cursor should follow (a shift).
fn with_doc(
    app: &mut App,
    f: impl FnOnce(&mut ReviewDoc, &str) -> Result<Option<String>, String>,
) -> Vec<Effect> {
    let Some(key) = app.cursor_key() else {
        return vec![];
    };
    let Some(doc) = app.doc_mut() else {
        return vec![];
    };
    match f(doc, &key) {
        Ok(follow_key) => {
            if let Some(k) = follow_key {
                if let Some(c) = app.report().and_then(|r| find_cursor(r, &k)) {
                    app.cursor = c;
                }
            }
            refresh_summary(app);
            vec![Effect::Save(app.current)]
        }
        Err(text) => {
            app.notice = Some(Notice { text, error: true });
            vec![]
        }
    }
}

/// Shows how a change to the open report went; a change that happened is saved.
fn report_outcome(app: &mut App, result: Result<String, String>) -> Vec<Effect> {
    match result {
        Ok(text) => {
            app.notice = Some(Notice { text, error: false });
            refresh_summary(app);
            vec![Effect::Save(app.current)]
        }
        Err(text) => {
            app.notice = Some(Notice { text, error: true });
            vec![]
        }
    }
}

fn decide(
    app: &mut App,
    f: impl FnOnce(&mut ReviewDoc) -> Result<(), String>,
    done: &str,
) -> Vec<Effect> {
    let Some(doc) = app.doc_mut() else {
        return vec![];
    };
    let result = f(doc).map(|()| done.to_string());
    report_outcome(app, result)
}

fn edit_msg(app: &mut App, key: EditorKey) -> Vec<Effect> {
    let Mode::Editing(editor) = &mut app.mode else {
        return vec![];
    };
    match key {
        EditorKey::Cancel => {
            app.mode = Mode::Normal;
            vec![]
        }
        EditorKey::Submit => {
            let text = editor.text.clone();
            let fx = with_doc(app, |d, k| d.edit(k, &text).map(|_| None));
            if !fx.is_empty() {
                app.mode = Mode::Normal;
            }
            fx
        }
        other => {
            editor.apply(&other);
            vec![]
        }
    }
}

fn prompt_msg(app: &mut App, key: EditorKey) -> Vec<Effect> {
    let s = app.options.lang.strings();
    let Mode::Prompt(kind, editor) = &mut app.mode else {
        return vec![];
    };
    let kind = *kind;
    match key {
        EditorKey::Cancel => {
            app.mode = if kind == PromptKind::QueueFilter {
                Mode::Queue { selected: 0 }
            } else {
                Mode::Normal
            };
            vec![]
        }
        EditorKey::Submit => {
            let text = editor.text.clone();
            app.mode = Mode::Normal;
            match kind {
                PromptKind::ApproveReason => {
                    let fx = decide(app, |d| d.approve(Some(text)), s.approved);
                    bulk::move_on(app, fx)
                }
                PromptKind::DismissReason(i) => bulk::dismiss(app, i, &text),
                PromptKind::RejectReason => decide(app, |d| d.reject(text), s.rejected),
                PromptKind::PostponeReason => {
                    let fx = decide(app, |d| d.postpone(Some(text)), s.postponed);
                    bulk::move_on(app, fx)
                }
                PromptKind::SecondReviewReason => {
                    let fx = decide(app, |d| d.ask_second_review(text), s.second_review_asked);
                    bulk::move_on(app, fx)
                }
                PromptKind::Search => {
                    search(app, &text);
                    vec![]
                }
                PromptKind::Note => {
                    let fx = with_doc(app, |d, key| d.set_note(key, &text).map(|()| None));
                    if !fx.is_empty() {
                        app.notice = Some(Notice {
                            text: s.note_saved.into(),
                            error: false,
                        });
                    }
                    fx
                }
                PromptKind::QueueFilter => {
                    app.queue_filter = text.trim().to_string();
                    app.mode = Mode::Queue { selected: 0 };
                    vec![]
                }
            }
        }
        other => {
            editor.apply(&other);
            vec![]
        }
    }
}

/// Opens queue entry `i` if it is not open yet.
pub fn open(app: &mut App, i: usize) {
    let Some(entry) = app.queue.get_mut(i) else {
        return;
    };
    if entry.doc.is_some() || entry.failed.is_some() {
        return;
    }
    match ReviewDoc::open(
        &entry.path,
        &app.options.reviewer,
        app.options.out_dir.as_deref(),
    ) {
        Ok(mut doc) => {
            doc.claim();
            let mut summary = summarize(&doc);
            let facts = summary.facts.take();
            entry.summary = Some(summary);
            entry.doc = Some(Box::new(doc));
            if let Some(f) = facts {
                super::series::note_facts(app, i, f);
            }
        }
        Err(e) => entry.failed = Some(e.to_string()),
    }
}

fn summarize(doc: &ReviewDoc) -> Summary {
    Summary {
        organization: doc.current.report.organization.clone(),
        year: doc.current.report.year,
        status: Some(doc.state.status),
        status_by: Some(doc.state.reviewer.clone()),
        reviewed: doc.has_review(),
        errors: doc.current.errors(),
        warnings: doc.current.warnings(),
        rules: queue::open_rules(&doc.current),
        facts: Some(crate::check::series::Facts::of(&doc.current)),
    }
}

/// The open report changed: its counts, and the checks across its body's reports.
fn refresh_summary(app: &mut App) {
    let i = app.current;
    let mut facts = None;
    if let Some(entry) = app.queue.get_mut(i) {
        if let Some(doc) = &entry.doc {
            let mut summary = summarize(doc);
            facts = summary.facts.take();
            entry.summary = Some(summary);
        }
    }
    if let Some(f) = facts {
        super::series::note_facts(app, i, f);
    }
}

fn go_report(app: &mut App, i: usize, quiet: bool) {
    if i >= app.queue.len() {
        if !quiet {
            app.notice = Some(Notice {
                text: app.options.lang.strings().no_more_reports.into(),
                error: false,
            });
        }
        return;
    }
    app.current = i;
    open(app, i);
    evict(app);
    app.source_scroll = None;
    app.search_hit = None;
    app.cursor = first_flag(app).unwrap_or_default();
    if let Some(e) = app.queue[i].failed.clone() {
        app.notice = Some(Notice {
            text: format!("{} {e}", app.options.lang.strings().load_failed),
            error: true,
        });
    }
}

/// Open reports kept in memory; others are closed (everything is saved) and reopen on demand.
pub const MAX_OPEN: usize = 16;

/// Closes the open reports furthest from the current one beyond [`MAX_OPEN`].
fn evict(app: &mut App) {
    if app.save_failed {
        // The failed edits live only in memory.
        return;
    }
    let mut open: Vec<usize> = (0..app.queue.len())
        .filter(|&i| app.queue[i].doc.is_some())
        .collect();
    if open.len() <= MAX_OPEN {
        return;
    }
    let here = app.current;
    open.sort_by_key(|&i| std::cmp::Reverse(i.abs_diff(here)));
    for &i in open.iter().take(open.len() - MAX_OPEN) {
        if i != here {
            app.queue[i].doc = None;
        }
    }
}

/// Counts one report's findings without keeping it open (for the background summaries).
pub fn summary_of(
    path: &std::path::Path,
    out_dir: Option<&std::path::Path>,
) -> Result<Summary, String> {
    let (report, review) =
        crate::review::reviewed_report(path, out_dir).map_err(|e| e.to_string())?;
    Ok(Summary {
        organization: report.report.organization.clone(),
        year: report.report.year,
        status: review.as_ref().map(|r| r.status),
        status_by: review.as_ref().map(|r| r.reviewer.clone()),
        reviewed: review.is_some(),
        errors: report.errors(),
        warnings: report.warnings(),
        rules: queue::open_rules(&report),
        facts: Some(crate::check::series::Facts::of(&report)),
    })
}

/// The report's first cell flagged by an error in reading order, else its first flagged cell.
pub fn first_flag(app: &App) -> Option<Cursor> {
    let report = app.report()?;
    let f = layout::report_flags(app);
    let order = reading_order(report);
    let first = |error_only: bool| {
        order.iter().copied().find(|c| {
            cell_key_at(report, *c)
                .and_then(|k| f.get(&k))
                .is_some_and(|fl| !error_only || fl.severity == Some(crate::model::Severity::Error))
        })
    };
    first(true).or_else(|| first(false))
}

fn step_flag(app: &mut App, forward: bool) {
    let Some(report) = app.report() else {
        return;
    };
    let f = layout::report_flags(app);
    let order = reading_order(report);
    let flagged: Vec<Cursor> = order
        .into_iter()
        .filter(|c| cell_key_at(report, *c).is_some_and(|k| f.contains_key(&k)))
        .collect();
    if flagged.is_empty() {
        app.notice = Some(Notice {
            text: app.options.lang.strings().no_flags.into(),
            error: false,
        });
        return;
    }
    let pos = |c: &Cursor| (c.table, c.row, c.col);
    let here = pos(&app.cursor);
    let next = if forward {
        flagged.iter().find(|c| pos(c) > here).or(flagged.first())
    } else {
        flagged
            .iter()
            .rev()
            .find(|c| pos(c) < here)
            .or(flagged.last())
    };
    if let Some(c) = next {
        app.cursor = *c;
        follow(app);
    }
}

fn find_cursor(report: &crate::model::Report, key: &str) -> Option<Cursor> {
    reading_order(report)
        .into_iter()
        .find(|c| cell_key_at(report, *c).as_deref() == Some(key))
}

fn row_len(app: &App, table: usize, row: usize) -> usize {
    app.report()
        .and_then(|r| r.tables.get(table))
        .and_then(|t| t.rows.get(row))
        .map_or(0, |r| r.cells.len())
}

fn table_rows(app: &App) -> usize {
    app.report()
        .and_then(|r| r.tables.get(app.cursor.table))
        .map_or(0, |t| t.rows.len())
}

fn move_cursor(app: &mut App, dir: Dir, by: usize) {
    let rows = table_rows(app);
    if rows == 0 {
        return;
    }
    match dir {
        Dir::Up => set_row(app, app.cursor.row.saturating_sub(by)),
        Dir::Down => set_row(app, (app.cursor.row + by).min(rows - 1)),
        Dir::Left => set_col(app, app.cursor.col.saturating_sub(1)),
        Dir::Right => set_col(app, app.cursor.col + 1),
    }
}

fn set_row(app: &mut App, row: usize) {
    let rows = table_rows(app);
    if rows == 0 {
        return;
    }
    app.cursor.row = row.min(rows - 1);
    let len = row_len(app, app.cursor.table, app.cursor.row);
    app.cursor.col = app.cursor.col.min(len.saturating_sub(1));
    follow(app);
}

fn set_col(app: &mut App, col: usize) {
    let len = row_len(app, app.cursor.table, app.cursor.row);
    app.cursor.col = col.min(len.saturating_sub(1));
    follow(app);
}

/// The source pane follows the selection again.
fn follow(app: &mut App) {
    app.source_scroll = None;
    app.search_hit = None;
}

fn scroll_source(app: &mut App, by: i32) {
    let lines = layout::source_lines(app);
    let top = layout::source_top_of(app, &lines);
    let max = lines.len().saturating_sub(1);
    let next = (top as i64 + by as i64).clamp(0, max as i64) as usize;
    app.source_scroll = Some(next);
}

fn search(app: &mut App, text: &str) {
    let needle = if text.is_empty() {
        app.last_search.clone()
    } else {
        text.to_string()
    };
    if needle.is_empty() {
        return;
    }
    app.last_search = needle.clone();
    let Some(doc) = app.doc() else {
        return;
    };
    let text = &doc.text;
    let from = app.search_hit.map_or(0, |(s, _)| s + 1).min(text.len());
    let from = (from..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    let hit = text[from..]
        .find(&needle)
        .map(|p| p + from)
        .or_else(|| text.find(&needle));
    match hit {
        Some(start) => {
            app.search_hit = Some((start, start + needle.len()));
            app.source_scroll = None;
            app.focus = Focus::Source;
        }
        None => {
            app.notice = Some(Notice {
                text: format!("{}: {needle}", app.options.lang.strings().not_found),
                error: false,
            })
        }
    }
}

fn click(app: &mut App, x: u16, y: u16) {
    let areas = layout::areas(app, app.size);
    let inside =
        |r: ratatui::layout::Rect| x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
    if inside(areas.source) {
        app.focus = Focus::Source;
        return;
    }
    if let Some(c) = layout::grid_hit(app, areas.grid, x, y) {
        app.cursor = c;
        app.focus = Focus::Grid;
        follow(app);
    }
}
