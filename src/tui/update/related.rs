//! The keys that act on a finding across reports: `o` opens the other report at its cell,
//! `v` shows both side by side.

use super::super::app::{App, Mode, Notice};
use super::{follow, go_report, open};

/// `o`: the other report of the related finding across reports, its cell selected.
pub(super) fn open_related(app: &mut App) {
    let s = app.options.lang.strings();
    let Some(f) = super::super::series::related(app).cloned() else {
        app.notice = Some(Notice {
            text: s.no_related.into(),
            error: false,
        });
        return;
    };
    let other = super::super::series::sides(app, &f).1.clone();
    let Some(i) = super::super::series::entry_of(app, &other.path) else {
        app.notice = Some(Notice {
            text: format!("{}: {}", s.not_found, other.path),
            error: true,
        });
        return;
    };
    go_report(app, i, false);
    if let Some(c) = other
        .cells
        .first()
        .and_then(|k| super::super::series::cursor_of(app, k))
    {
        app.cursor = c;
        follow(app);
    }
    if app.notice.is_none() {
        app.notice = Some(Notice {
            text: format!("{} [{}]", s.opened_related, f.rule),
            error: false,
        });
    }
}

/// `v`: the related finding's two reports side by side (the other one is opened to show it).
pub(super) fn compare_related(app: &mut App) {
    let Some(f) = super::super::series::related(app).cloned() else {
        app.notice = Some(Notice {
            text: app.options.lang.strings().no_related.into(),
            error: false,
        });
        return;
    };
    let other = super::super::series::sides(app, &f).1.path.clone();
    if let Some(i) = super::super::series::entry_of(app, &other) {
        open(app, i);
    }
    app.mode = Mode::Compare(Box::new(f));
}
