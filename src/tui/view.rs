//! `view`: draws the state. It reads `App` and never changes it.

use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

mod compare;
mod findings;

use super::app::{App, Focus, Mode, PromptKind};
use super::layout::{self, areas, cell_mark, cell_value_text, grid_geom, too_small, width_safe};
use super::strings::Strings;
use super::update::queue_order;
use crate::sidecar::ReviewStatus;

/// Colours and styles, or styles only when colour is off (NO_COLOR).
struct Theme {
    color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    fn cell(&self, mark: char, approved: bool) -> Style {
        let base = match mark {
            '#' => self
                .fg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            '!' => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            '?' => self.fg(Color::Magenta).add_modifier(Modifier::BOLD),
            '*' => self.fg(Color::Cyan),
            '_' | '^' => self.fg(Color::Yellow),
            '+' => self.fg(Color::Green),
            '=' => self.fg(Color::Green).add_modifier(Modifier::DIM),
            _ => Style::default(),
        };
        if approved {
            base.add_modifier(Modifier::DIM)
        } else {
            base
        }
    }
}

/// Draws the whole screen.
pub fn view(app: &App, frame: &mut Frame) {
    let size = frame.area();
    let s = app.options.lang.strings();
    if too_small((size.width, size.height)) {
        let msg = Paragraph::new(s.too_small).alignment(Alignment::Center);
        frame.render_widget(msg, size);
        return;
    }
    let theme = Theme {
        color: app.options.color,
    };
    let a = areas(app, (size.width, size.height));
    frame.render_widget(
        Paragraph::new(top_line(app, s)).style(Style::default().add_modifier(Modifier::REVERSED)),
        a.top,
    );
    draw_source(app, frame, a.source, &theme, s);
    draw_grid(app, frame, a.grid, &theme, s);
    let status: Vec<Line> = super::status::lines(app, a.status.width, a.status.height)
        .into_iter()
        .map(Line::from)
        .collect();
    frame.render_widget(Paragraph::new(status), a.status);
    draw_hint(app, frame, a.hint, &theme, s);
    match &app.mode {
        Mode::Help => draw_help(app, frame, size, s),
        Mode::Queue { selected } => draw_queue(app, frame, size, *selected, s),
        Mode::Compare(f) => compare::draw(app, frame, size, f, s),
        Mode::Findings { selected } => findings::draw(app, frame, size, *selected, &theme, s),
        _ => {}
    }
}

fn borders(app: &App) -> border::Set<'static> {
    if app.options.ascii || app.options.ambiguous_wide {
        border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        }
    } else {
        border::PLAIN
    }
}

/// Safe text for the panes (layout::screen_text).
fn safe(app: &App, s: &str) -> String {
    layout::screen_text(app, s)
}

fn status_name(s: &Strings, st: Option<ReviewStatus>, reviewed: bool) -> &'static str {
    match st {
        Some(ReviewStatus::Approved) => s.status_approved,
        Some(ReviewStatus::Rejected) => s.status_rejected,
        Some(ReviewStatus::Postponed) => s.status_postponed,
        Some(ReviewStatus::NeedsSecondReview) => s.status_second_review,
        Some(ReviewStatus::InProgress) if reviewed => s.status_in_progress,
        _ => s.status_unreviewed,
    }
}

fn top_line(app: &App, s: &Strings) -> String {
    let entry = &app.queue[app.current.min(app.queue.len().saturating_sub(1))];
    let file = entry
        .path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parts = vec![
        format!(
            " {} {}/{}{}",
            s.report,
            app.current + 1,
            app.queue.len(),
            if app.listing { "+" } else { "" }
        ),
        file,
    ];
    if let Some(doc) = app.doc() {
        let r = &doc.current;
        parts.push(
            r.report
                .organization
                .clone()
                .unwrap_or_else(|| s.unknown.into()),
        );
        parts.push(
            r.report
                .year
                .map_or_else(|| s.unknown.into(), |y| y.to_string()),
        );
        parts.push(match app.options.lang {
            super::strings::Lang::Zh => r
                .template
                .strip_prefix("gov-")
                .map_or_else(|| r.template.clone(), |y| format!("{y}版")),
            super::strings::Lang::En => r.template.clone(),
        });
        parts.push(status_name(s, Some(doc.state.status), doc.has_review()).to_string());
        parts.push(format!(
            "{} {} · {} {}",
            s.errors,
            r.errors(),
            s.warnings,
            r.warnings()
        ));
        let across = super::series::current(app).len();
        if across > 0 {
            parts.push(format!("{} {across}", s.across_reports));
        }
        if doc.read_only.is_some() {
            parts.push(s.read_only.to_string());
        }
        // What the second reviewer is asked to check (or why the report waits or was
        // rejected), last, so a long reason never hides the counts.
        if let (
            ReviewStatus::NeedsSecondReview | ReviewStatus::Postponed | ReviewStatus::Rejected,
            Some(why),
        ) = (doc.state.status, &doc.state.reason)
        {
            parts.push(format!("“{}”", crate::summary::printable(why)));
        }
    }
    safe(app, &parts.join(" · "))
}

fn pane_block<'a>(app: &App, title: &'a str, focused: bool) -> Block<'a> {
    let style = if focused {
        Style::default().add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::DIM)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_set(borders(app))
        .title(Span::styled(format!(" {title} "), style))
}

fn draw_source(app: &App, frame: &mut Frame, area: Rect, theme: &Theme, s: &Strings) {
    let block = pane_block(app, s.source, app.focus == Focus::Source);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(doc) = app.doc() else {
        if let Some(e) = app.queue.get(app.current).and_then(|e| e.failed.as_ref()) {
            frame.render_widget(
                Paragraph::new(safe(app, e)).style(theme.fg(Color::Red)),
                inner,
            );
        }
        return;
    };
    let lines = layout::source_lines(app);
    let top = layout::source_top_of(app, &lines);
    let hl = layout::focus_span(app);
    let hl_style = if theme.color {
        Style::default().bg(Color::Yellow).fg(Color::Black)
    } else {
        Style::default().add_modifier(Modifier::REVERSED)
    };
    let mut out: Vec<Line> = Vec::new();
    for (_, range) in lines.iter().skip(top).take(inner.height as usize) {
        let text = &doc.text[range.clone()];
        let text_line = match hl {
            Some((a, b))
                if a < range.end && b > range.start
                    || (a == b && a >= range.start && a < range.end) =>
            {
                let a = a.clamp(range.start, range.end) - range.start;
                let b = b.clamp(range.start, range.end) - range.start;
                Line::from(vec![
                    Span::raw(safe(app, &text[..a].replace('\t', "    "))),
                    Span::styled(safe(app, &text[a..b]), hl_style),
                    Span::raw(safe(app, &text[b..].replace('\t', "    "))),
                ])
            }
            _ => Line::from(safe(app, &text.replace('\t', "    "))),
        };
        out.push(text_line);
    }
    frame.render_widget(Paragraph::new(out), inner);
}

fn draw_grid(app: &App, frame: &mut Frame, area: Rect, theme: &Theme, s: &Strings) {
    let Some(report) = app.report() else {
        frame.render_widget(pane_block(app, s.grid, true), area);
        return;
    };
    let block = pane_block(app, s.grid, app.focus == Focus::Grid);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let flags = layout::report_flags(app);
    // Table tabs; one holding a cell an error names says so.
    let has_error = |id: &str| {
        flags.iter().any(|(k, f)| {
            f.severity == Some(crate::model::Severity::Error)
                && k.strip_prefix(id).is_some_and(|r| r.starts_with('.'))
        })
    };
    let tabs: Vec<Span> = report
        .tables
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            let error = !t.found || has_error(&t.id);
            let mut style = if error {
                theme.fg(Color::Red)
            } else {
                Style::default()
            };
            if i == app.cursor.table {
                style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
            }
            let name = s.tables.get(i).copied().unwrap_or(t.id.as_str());
            let found = if error { " !" } else { "" };
            [
                Span::styled(format!(" {name}{found} "), style),
                Span::raw(" "),
            ]
        })
        .collect();
    frame.render_widget(
        Paragraph::new(Line::from(tabs)),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let labels = |t: usize, r: usize| layout::short_label(app, t, r);
    let heads = |t: usize, c: usize| layout::column_label(app, t, c);
    let Some(g) = grid_geom(app, area, &labels, &heads) else {
        return;
    };
    let table = &report.tables[app.cursor.table];
    let approved = app
        .doc()
        .is_some_and(|d| d.state.status == ReviewStatus::Approved);
    // Column headers stay put while rows scroll.
    for &(ci, x, w) in &g.cols {
        let head = heads(app.cursor.table, ci);
        let text = super::super::summary::truncate(&head, w.saturating_sub(1) as usize);
        let pad = (w as usize).saturating_sub(1 + layout::str_width(&text, false));
        frame.render_widget(
            Paragraph::new(format!("{}{text}", " ".repeat(pad)))
                .style(Style::default().add_modifier(Modifier::BOLD)),
            Rect::new(x, g.header_y, w, 1),
        );
    }
    // Columns scrolled out of sight on either side are marked on the header row, in ASCII so
    // the mark is one column wide on every terminal.
    let hidden_left = g.cols.first().is_some_and(|c| c.0 > 0);
    let hidden_right = g.cols.last().is_some_and(|c| c.0 + 1 < table.columns.len());
    if hidden_left {
        frame.render_widget(
            Paragraph::new("<").style(Style::default().add_modifier(Modifier::BOLD)),
            Rect::new(inner.x + g.label_w - 1, g.header_y, 1, 1),
        );
    }
    if hidden_right {
        frame.render_widget(
            Paragraph::new(">").style(Style::default().add_modifier(Modifier::BOLD)),
            Rect::new(inner.x + inner.width - 1, g.header_y, 1, 1),
        );
    }
    for (vis, ri) in (g.first_row..table.rows.len())
        .take(g.visible_rows)
        .enumerate()
    {
        let y = g.body_y + vis as u16;
        let row = &table.rows[ri];
        let label = super::super::summary::truncate(
            &labels(app.cursor.table, ri),
            (g.label_w - 1) as usize,
        );
        let label_style = if ri == app.cursor.row {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        frame.render_widget(
            Paragraph::new(label).style(label_style),
            Rect::new(inner.x, y, g.label_w, 1),
        );
        for (cell_i, cell) in row.cells.iter().enumerate() {
            let Some(ci) = table.columns.iter().position(|h| h.key == cell.column) else {
                continue;
            };
            let Some(&(_, x, w)) = g.cols.iter().find(|(c, _, _)| *c == ci) else {
                continue;
            };
            let key = crate::model::cell_key(&table.id, &row.key, &cell.column);
            let mark = cell_mark(cell, flags.get(&key));
            let text = format!(
                "{:>width$}{mark}",
                cell_value_text(cell),
                width = (w as usize).saturating_sub(2)
            );
            let mut style = theme.cell(mark, approved);
            if ri == app.cursor.row && cell_i == app.cursor.col {
                style = style.add_modifier(Modifier::REVERSED);
            }
            frame.render_widget(Paragraph::new(text).style(style), Rect::new(x, y, w, 1));
        }
    }
}

fn draw_hint(app: &App, frame: &mut Frame, area: Rect, theme: &Theme, s: &Strings) {
    let (text, style) = match &app.mode {
        Mode::ConfirmAcceptAll(n) => (
            format!("{n} {}", s.confirm_accept_all),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Mode::Editing(e) | Mode::Prompt(_, e) => {
            let label = match &app.mode {
                Mode::Prompt(PromptKind::ApproveReason, _)
                    if app.report().is_some_and(|r| r.errors() == 0) =>
                {
                    s.approve_own_prompt
                }
                Mode::Prompt(PromptKind::ApproveReason, _) => s.approve_prompt,
                Mode::Prompt(PromptKind::RejectReason, _) => s.reject_prompt,
                Mode::Prompt(PromptKind::PostponeReason, _) => s.postpone_prompt,
                Mode::Prompt(PromptKind::SecondReviewReason, _) => s.second_review_prompt,
                Mode::Prompt(PromptKind::Search, _) => s.search_prompt,
                Mode::Prompt(PromptKind::DismissReason(_), _) => s.dismiss_prompt,
                Mode::Prompt(PromptKind::QueueFilter, _) => s.filter_prompt,
                Mode::Prompt(PromptKind::Note, _) => s.note_prompt,
                _ => s.edit_prompt,
            };
            let prefix = format!("{label}: ");
            let before: String = e.text.chars().take(e.cursor).collect();
            let x = area.x
                + (layout::str_width(&prefix, app.options.ambiguous_wide)
                    + layout::str_width(&before, app.options.ambiguous_wide))
                    as u16;
            frame.set_cursor_position((x.min(area.x + area.width.saturating_sub(1)), area.y));
            let notice = app
                .notice
                .as_ref()
                .map(|n| format!("   {}", n.text))
                .unwrap_or_default();
            (
                format!("{prefix}{}{notice}", e.text),
                Style::default().add_modifier(Modifier::BOLD),
            )
        }
        _ => match &app.notice {
            Some(n) if n.error => (
                n.text.clone(),
                theme.fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Some(n) => (
                n.text.clone(),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            None => match app.doc().and_then(|d| d.read_only.clone()) {
                Some(why) => (why, theme.fg(Color::Red)),
                None => (
                    app.options.keymap.hint(s, area.width as usize),
                    Style::default().add_modifier(Modifier::DIM),
                ),
            },
        },
    };
    frame.render_widget(Paragraph::new(safe(app, &text)).style(style), area);
}

/// Clears the area an overlay covers, and any double-width character that pokes into it
/// from the left, which would otherwise overwrite the overlay's left border.
fn clear_overlay(frame: &mut Frame, rect: Rect) {
    frame.render_widget(Clear, rect);
    if rect.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in rect.y..rect.y + rect.height {
        let left = &mut buf[(rect.x - 1, y)];
        if unicode_width::UnicodeWidthStr::width(left.symbol()) > 1 {
            left.reset();
        }
    }
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_help(app: &App, frame: &mut Frame, area: Rect, s: &Strings) {
    let lines = app.options.keymap.help_lines(s);
    let key_w = lines
        .iter()
        .map(|(k, _)| layout::str_width(k, false))
        .max()
        .unwrap_or(4);
    let mut text: Vec<Line> = lines
        .iter()
        .map(|(k, t)| {
            Line::from(vec![
                Span::styled(
                    format!(" {k:<key_w$}  "),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*t),
            ])
        })
        .collect();
    text.push(Line::from(format!(" {}", s.h_editor)));
    let safe_text: Vec<Line> = if app.options.ambiguous_wide || app.options.ascii {
        text.into_iter()
            .map(|l| {
                Line::from(
                    l.spans
                        .into_iter()
                        .map(|sp| Span::styled(width_safe(&sp.content), sp.style))
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    } else {
        text
    };
    // Two columns where the terminal is wide enough for two lists side by side.
    let columns = if area.width >= 2 * HELP_W + 2 { 2 } else { 1 };
    let per_column = safe_text.len().div_ceil(columns);
    let rect = centered(area, HELP_W * columns as u16 + 2, per_column as u16 + 2);
    clear_overlay(frame, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(borders(app))
        .title(format!(" {} ", s.help_title))
        .title_bottom(format!(" {} ", s.help_footer));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut rest = safe_text;
    for c in 0..columns {
        let take = per_column.min(rest.len());
        let column: Vec<Line> = rest.drain(..take).collect();
        let x = inner.x + (c as u16) * HELP_W;
        let w = if c + 1 == columns {
            inner.width.saturating_sub((c as u16) * HELP_W)
        } else {
            HELP_W
        };
        // On a short terminal the list scrolls (↑ ↓).
        frame.render_widget(
            Paragraph::new(column).scroll((app.help_scroll, 0)),
            Rect::new(x, inner.y, w, inner.height),
        );
    }
}

/// Width of one column of the help.
const HELP_W: u16 = 84;

/// The folder all the queue's reports share, so the list shows paths below it. Compared as
/// bytes: this runs every frame over the whole queue, and `Path::starts_with` walks
/// components (a tenth of a 10,000-report list frame).
fn queue_base(app: &App) -> Option<std::path::PathBuf> {
    let mut base = app.queue.first()?.path.parent()?.to_path_buf();
    let under = |p: &std::path::Path, base: &std::path::Path| {
        let (p, b) = (
            p.as_os_str().as_encoded_bytes(),
            base.as_os_str().as_encoded_bytes(),
        );
        b.is_empty()
            || p.starts_with(b)
                && (p.len() == b.len()
                    || std::path::is_separator(p[b.len()] as char)
                    || b.ends_with(b"/"))
    };
    while !app.queue.iter().all(|e| under(&e.path, &base)) {
        if !base.pop() {
            return None;
        }
    }
    Some(base)
}

fn draw_queue(app: &App, frame: &mut Frame, area: Rect, selected: usize, s: &Strings) {
    let rect = centered(
        area,
        area.width.saturating_sub(6),
        area.height.saturating_sub(4),
    );
    clear_overlay(frame, rect);
    let order = queue_order(app);
    let sort = match app.sort {
        super::app::SortKey::File => s.col_file,
        super::app::SortKey::Errors => s.errors,
        super::app::SortKey::Status => s.col_status,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(borders(app))
        .title(if app.queue_filter.is_empty() {
            format!(" {} · {} {sort} ", s.queue_title, s.sorted_by)
        } else {
            format!(
                " {} {} · {} {sort} · {}: {} ",
                s.queue_title,
                order.len(),
                s.sorted_by,
                s.filter_word,
                app.queue_filter
            )
        })
        .title_bottom(format!(" {} ", s.queue_footer));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let base = queue_base(app);
    let height = inner.height.saturating_sub(1) as usize;
    let first = selected.saturating_sub(height.saturating_sub(1));
    let file_w = (inner.width as usize / 3).max(10);
    let org_w = (inner.width as usize / 4).max(8);
    // As wide as the longest state's name in this language, so the counts stay in line.
    let status_w = [
        s.col_status,
        s.status_unreviewed,
        s.status_in_progress,
        s.status_approved,
        s.status_rejected,
        s.status_postponed,
        s.status_second_review,
        s.load_failed,
    ]
    .iter()
    .map(|n| layout::str_width(n, app.options.ambiguous_wide))
    .max()
    .unwrap_or(11);
    let row = |file: &str, org: &str, year: &str, status: &str, e: &str, w: &str| {
        // Right-aligned by display width: `{:>6}` counts 错误 as two columns, not four.
        let right = |s: &str, w: usize| {
            let pad = w.saturating_sub(layout::str_width(s, app.options.ambiguous_wide));
            format!("{}{s}", " ".repeat(pad))
        };
        format!(
            " {} {} {} {} {} {}",
            // Cut in the middle: reports of one body differ at the end (the year), not the start.
            super::super::summary::pad(&layout::truncate_middle(file, file_w), file_w),
            super::super::summary::pad(&super::super::summary::truncate(org, org_w), org_w),
            right(year, 5),
            super::super::summary::pad(status, status_w),
            right(e, 6),
            right(w, 8)
        )
    };
    let mut lines = vec![Line::styled(
        row(
            s.col_file,
            s.col_org,
            s.col_year,
            s.col_status,
            s.errors,
            s.warnings,
        ),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for (pos, &i) in order.iter().enumerate().skip(first).take(height) {
        let e = &app.queue[i];
        let file = base
            .as_deref()
            .and_then(|b| e.path.strip_prefix(b).ok())
            .unwrap_or(&e.path)
            .display()
            .to_string();
        let line = match (&e.summary, &e.failed) {
            (_, Some(err)) => row(&file, err, "", s.load_failed, "", ""),
            (Some(sm), None) => row(
                &file,
                sm.organization.as_deref().unwrap_or(s.unknown),
                &sm.year.map_or_else(|| s.unknown.into(), |y| y.to_string()),
                status_name(s, sm.status, sm.reviewed),
                &sm.errors.to_string(),
                &sm.warnings.to_string(),
            ),
            (None, None) => row(&file, s.not_loaded, "", "", s.not_loaded, s.not_loaded),
        };
        let mut style = Style::default();
        if pos == selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        if i == app.current {
            style = style.add_modifier(Modifier::BOLD);
        }
        lines.push(Line::styled(safe(app, &line), style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
