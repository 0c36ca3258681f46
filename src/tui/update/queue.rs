//! The queue: its list overlay and the keys that step through reports.

use super::super::app::{App, Mode, Notice, SortKey};
use super::super::msg::{Dir, Msg};
use super::{go_report, open, Effect, PAGE};

pub(super) fn queue_msg(app: &mut App, msg: Msg) -> Vec<Effect> {
    let Mode::Queue { selected } = app.mode else {
        return vec![];
    };
    let n = app.queue.len();
    match msg {
        Msg::Close | Msg::ToggleQueue => app.mode = Mode::Normal,
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

/// Queue indices in the list's display order.
pub fn queue_order(app: &App) -> Vec<usize> {
    let mut order: Vec<usize> = (0..app.queue.len()).collect();
    let summary = |i: usize| app.queue[i].summary.clone().unwrap_or_default();
    match app.sort {
        SortKey::File => {}
        SortKey::Errors => order.sort_by_key(|&i| (std::cmp::Reverse(summary(i).errors), i)),
        SortKey::Status => order.sort_by_key(|&i| (summary(i).status.map(|s| s.as_str()), i)),
    }
    order
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
