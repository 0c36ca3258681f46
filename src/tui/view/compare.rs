//! The side-by-side view of a finding across reports: each report's cells, values and the
//! source lines they were read from.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::super::app::App;
use super::super::series;
use super::super::strings::Strings;
use crate::check::series::{SeriesFinding, Side};
use crate::model::format_value;
use crate::review::ReviewDoc;

/// Cells shown per report (a duplicate may differ in many).
const CELLS_SHOWN: usize = 4;

/// Draws the overlay for `f` over `area`.
pub fn draw(app: &App, frame: &mut Frame, area: Rect, f: &SeriesFinding, s: &Strings) {
    let rect = super::centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(4),
    );
    super::clear_overlay(frame, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(super::borders(app))
        .title(format!(" {} · {} ", s.compare_title, f.rule))
        .title_bottom(format!(" {} ", s.compare_footer));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [top, panes] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(super::safe(app, &series::display_message(f))).wrap(Wrap { trim: false }),
        top,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(panes);
    let (this, other) = series::sides(app, f);
    let this_doc = app.doc();
    let other_doc = series::entry_of(app, &other.path)
        .and_then(|i| app.queue.get(i))
        .and_then(|e| e.doc.as_deref());
    for (pane, title, side, doc) in [
        (left, s.this_report, this, this_doc),
        (right, s.other_report, other, other_doc),
    ] {
        let block = Block::default()
            .borders(Borders::TOP)
            .border_set(super::borders(app))
            .title(format!(" {title} "));
        let lines: Vec<Line> = side_lines(side, doc, s)
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let l = super::safe(app, &l);
                if i == 0 {
                    Line::styled(l, Style::default().add_modifier(Modifier::BOLD))
                } else {
                    Line::from(l)
                }
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            pane,
        );
    }
}

/// One report's lines: its file and year, then each cell with its value and source line.
fn side_lines(side: &Side, doc: Option<&ReviewDoc>, s: &Strings) -> Vec<String> {
    let file = series::file_name(&side.path);
    let year = side
        .year
        .map_or_else(|| s.unknown.into(), |y| y.to_string());
    let mut out = vec![crate::summary::printable(&format!("{file} · {year}")).into_owned()];
    let Some(doc) = doc else {
        out.push(s.not_loaded.into());
        return out;
    };
    for key in side.cells.iter().take(CELLS_SHOWN) {
        let Some(cell) = doc.current.cell(key) else {
            continue;
        };
        let name = crate::review::split_key(key)
            .and_then(|(t, r, c)| {
                let spec = doc.template.table(t)?;
                Some(crate::check::cell_name(spec, spec.row_index(r)?, c))
            })
            .unwrap_or_else(|| key.clone());
        let value = cell
            .value
            .map(format_value)
            .unwrap_or_else(|| s.blank.into());
        out.push(format!("{name} = {value} ({})", cell.status.as_str()));
        if let Some(span) = cell.span {
            let text = doc
                .text
                .lines()
                .nth(span.line.saturating_sub(1))
                .unwrap_or("");
            out.push(format!("  {} {}: {}", s.line, span.line, text.trim()));
        }
    }
    if side.cells.len() > CELLS_SHOWN {
        out.push(format!("… +{}", side.cells.len() - CELLS_SHOWN));
    }
    out
}
