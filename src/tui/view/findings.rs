//! The findings panel: every finding of the open report, numbered, errors first, in full.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::super::app::App;
use super::super::layout;
use super::super::strings::Strings;
use super::super::update::findings::order;
use super::{borders, centered, clear_overlay, safe, Theme};
use crate::model::Severity;

/// Draws the panel over `area`, the selected finding highlighted and kept in view.
pub(super) fn draw(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    selected: usize,
    theme: &Theme,
    s: &Strings,
) {
    let rect = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    clear_overlay(frame, rect);
    let Some(report) = app.report() else {
        return;
    };
    let title = format!(
        " {} · {} {} · {} {} ",
        s.findings_title,
        s.errors,
        report.errors(),
        s.warnings,
        report.warnings()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(borders(app))
        .title(safe(app, &title))
        .title_bottom(safe(app, &format!(" {} ", s.findings_footer)));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let idx = order(report);
    if idx.is_empty() {
        frame.render_widget(Paragraph::new(s.no_findings), inner);
        return;
    }
    let num_w = idx.len().to_string().len();
    // Each finding wraps under its number, never cut, so it reads in full.
    let indent = num_w + 3;
    let text_w = (inner.width as usize).saturating_sub(indent).max(8);
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_at = 0;
    for (pos, &i) in idx.iter().enumerate() {
        let f = &report.findings[i];
        let (word, color) = match f.severity {
            Severity::Error => (s.error_word, Color::Red),
            Severity::Warning => (s.warning_word, Color::Yellow),
        };
        let lang = app.options.lang;
        let doc = app.doc().expect("a report is open");
        let mut body = format!(
            "{word} · {} · {}",
            super::super::wording::rule_name(lang, &f.rule),
            super::super::wording::message(lang, report, doc.template, f)
        );
        if let Some(d) = &f.dismissed {
            body = format!(
                "[{} · {} · {}] {body}",
                s.dismissed_tag, d.reason, d.reviewer
            );
        }
        let body = safe(app, &body);
        let mut style = theme.fg(color);
        if f.dismissed.is_some() {
            style = style.add_modifier(Modifier::DIM);
        }
        if pos == selected {
            style = style.add_modifier(Modifier::REVERSED);
            selected_at = lines.len();
        }
        for (n, range) in wrap_words(&body, text_w, app.options.ambiguous_wide)
            .into_iter()
            .enumerate()
        {
            let head = if n == 0 {
                format!(" {:>num_w$}. ", pos + 1)
            } else {
                " ".repeat(indent)
            };
            lines.push(Line::from(vec![
                Span::styled(head, Style::default().add_modifier(Modifier::BOLD)),
                Span::styled(body[range].to_string(), style),
            ]));
        }
    }
    let height = inner.height as usize;
    let top = selected_at.saturating_sub(height.saturating_sub(3));
    frame.render_widget(Paragraph::new(lines).scroll((top as u16, 0)), inner);
}

/// Wraps text at spaces (or between wide characters, which need none) into lines of at most
/// `width` columns; a word longer than a line is cut. Byte ranges, spaces at a break dropped.
fn wrap_words(text: &str, width: usize, ambiguous_wide: bool) -> Vec<std::ops::Range<usize>> {
    let width = width.max(4);
    let mut out = Vec::new();
    let (mut start, mut w) = (0, 0);
    // Where the current line may end, and where the next would then start.
    let mut brk: Option<(usize, usize)> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let cw = layout::char_width(c, ambiguous_wide);
        if w + cw > width && i > start {
            // A space that overflows is the best break of all.
            let (end, next) = if c == ' ' {
                (i, i)
            } else {
                brk.unwrap_or((i, i))
            };
            out.push(start..end);
            let next = if next > start { next } else { i };
            start = text[next..]
                .char_indices()
                .find(|(_, c)| *c != ' ')
                .map_or(text.len(), |(j, _)| next + j);
            brk = None;
            if start > i {
                // This character was a space at the break.
                w = 0;
                continue;
            }
            w = layout::str_width(&text[start..i], ambiguous_wide);
        }
        w += cw;
        let after = chars.peek().map_or(text.len(), |(j, _)| *j);
        if c == ' ' {
            brk = Some((i, after));
        } else if cw > 1 {
            brk = Some((after, after));
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_spaces_and_chinese_between_characters() {
        let text = "table “主动公开” was not found in the text";
        let lines: Vec<&str> = wrap_words(text, 16, false)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(lines, ["table “主动公开”", "was not found in", "the text"]);
        let zh = "表格未在正文中找到请从原报告录入";
        for r in wrap_words(zh, 9, false) {
            assert!(layout::str_width(&zh[r], false) <= 9);
        }
    }
}
