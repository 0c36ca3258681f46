//! The queue: its list overlay and the keys that step through reports.

use super::super::app::{App, LineEditor, Mode, Notice, PromptKind, SortKey, Summary};
use super::super::msg::{Dir, Msg};
use super::{go_report, open, Effect, PAGE};

pub(super) fn queue_msg(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Mode::Queue { selected } = app.mode else {
        return vec![];
    };
    let n = queue_order(app).len();
    match msg {
        Msg::Close | Msg::ToggleQueue => app.mode = Mode::Normal,
        Msg::Search => {
            app.mode = Mode::Prompt(PromptKind::QueueFilter, LineEditor::with(&app.queue_filter))
        }
        Msg::Move(Dir::Up) => {
            app.mode = Mode::Queue {
                selected: selected.saturating_sub(1),
            }
        }
        Msg::Move(Dir::Down) => {
            app.mode = Mode::Queue {
                selected: (selected + 1).min(n.saturating_sub(1)),
            }
        }
        Msg::PageUp => {
            app.mode = Mode::Queue {
                selected: selected.saturating_sub(PAGE),
            }
        }
        Msg::PageDown => {
            app.mode = Mode::Queue {
                selected: (selected + PAGE).min(n.saturating_sub(1)),
            }
        }
        Msg::RowStart | Msg::G => app.mode = Mode::Queue { selected: 0 },
        Msg::RowEnd | Msg::Bottom => {
            app.mode = Mode::Queue {
                selected: n.saturating_sub(1),
            }
        }
        Msg::SortQueue => {
            app.sort = match app.sort {
                SortKey::File => SortKey::Errors,
                SortKey::Errors => SortKey::Status,
                SortKey::Status => SortKey::File,
            };
            app.mode = Mode::Queue { selected: 0 };
        }
        Msg::StartEdit => {
            let order = queue_order(app);
            app.mode = Mode::Normal;
            if let Some(&i) = order.get(selected) {
                go_report(app, i, false);
            }
        }
        _ => {}
    }
    vec![]
}

/// Queue indices in the list's display order, only those the filter lets through.
pub fn queue_order(app: &App) -> Vec<usize> {
    let filter = Filter::parse(&app.queue_filter);
    let mut order: Vec<usize> = (0..app.queue.len())
        .filter(|&i| filter.keeps(app, i))
        .collect();
    let none = Summary::default();
    let summary = |i: usize| app.queue[i].summary.as_ref().unwrap_or(&none);
    match app.sort {
        SortKey::File => {}
        SortKey::Errors => order.sort_by_key(|&i| (std::cmp::Reverse(summary(i).errors), i)),
        SortKey::Status => order.sort_by_key(|&i| (summary(i).status.map(|s| s.as_str()), i)),
    }
    order
}

/// Rules of a report's open findings, each once, in the checker's order.
pub fn open_rules(report: &crate::model::Report) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in report.findings.iter().filter(|f| f.dismissed.is_none()) {
        if !out.iter().any(|r| r == f.rule.as_ref()) {
            out.push(f.rule.to_string());
        }
    }
    out
}

/// The queue filter: words a report must all match. `status:NAME` (approved, rejected,
/// in_progress, postponed, needs_second_review, unreviewed), `rule:ID` (an open finding's
/// rule, by prefix), `errors` / `warnings` (has open ones), else text in the file's path or
/// the organisation, ignoring case.
struct Filter {
    words: Vec<String>,
}

impl Filter {
    fn parse(text: &str) -> Filter {
        Filter {
            words: text.split_whitespace().map(str::to_lowercase).collect(),
        }
    }

    fn keeps(&self, app: &App, i: usize) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let e = &app.queue[i];
        let none = Summary::default();
        let s = e.summary.as_ref().unwrap_or(&none);
        self.words.iter().all(|w| {
            if let Some(st) = w.strip_prefix("status:") {
                let name = match s.status {
                    Some(crate::sidecar::ReviewStatus::InProgress) if !s.reviewed => "unreviewed",
                    Some(x) => x.as_str(),
                    None => "unreviewed",
                };
                name.starts_with(st)
            } else if let Some(rule) = w.strip_prefix("rule:") {
                s.rules.iter().any(|r| r.to_lowercase().starts_with(rule))
            } else if w == "errors" || w == "error" {
                s.errors > 0
            } else if w == "warnings" || w == "warning" {
                s.warnings > 0
            } else {
                e.path.to_string_lossy().to_lowercase().contains(w.as_str())
                    || s.organization
                        .as_deref()
                        .is_some_and(|o| o.to_lowercase().contains(w.as_str()))
            }
        })
    }
}

pub(super) fn next_error_report(app: &mut App, forward: bool) {
    let n = app.queue.len();
    let mut i = app.current;
    for _ in 1..n {
        i = if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        if app.queue[i].summary.is_none() {
            open(app, i);
        }
        if app.queue[i].summary.as_ref().is_some_and(|s| s.errors > 0) {
            go_report(app, i, true);
            return;
        }
    }
    app.notice = Some(Notice {
        text: app.options.lang.strings().no_error_reports.into(),
        error: false,
    });
}
