//! Screen geometry as pure functions of the state, shared by `view` (to draw) and `update`
//! (to map clicks and scroll), so neither has to remember what the other computed.

use ratatui::layout::{Constraint, Layout, Rect};

use super::app::{flags, App, Cursor, Flag};
pub use super::text::{char_width, screen_text, str_width, truncate_middle, width_safe, wrap};
use crate::model::{format_value, Cell, CellStatus, Report, Severity};

/// The smallest usable terminal.
pub const MIN_SIZE: (u16, u16) = (60, 12);

/// Where each part of the screen goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub top: Rect,
    pub source: Rect,
    pub grid: Rect,
    pub status: Rect,
    pub hint: Rect,
}

/// From this width on, the panes follow their content: the grid as wide as the report's
/// widest table needs, the source the rest (below it, 40 | 60).
pub const WIDE: u16 = 160;
/// Columns the source pane keeps on a wide terminal, however wide the grid would be.
const SOURCE_MIN: u16 = 60;
/// From this height on, a status text too long for one line gets a second.
pub const TALL: u16 = 30;

/// Splits the screen: top line, source | grid, status line (two when the text needs them
/// and the terminal is tall), hint line.
pub fn areas(app: &App, size: (u16, u16)) -> Areas {
    let full = Rect::new(0, 0, size.0, size.1);
    let status_rows = if size.1 >= TALL {
        super::status::rows_needed(app, size.0)
    } else {
        1
    };
    let [top, main, status, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(full);
    let [source, grid] = match natural_grid_width(app).filter(|_| size.0 >= WIDE) {
        Some(w) => Layout::horizontal([
            Constraint::Min(0),
            Constraint::Length(w.min(size.0.saturating_sub(SOURCE_MIN))),
        ])
        .areas(main),
        None => {
            Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(main)
        }
    };
    Areas {
        top,
        source,
        grid,
        status,
        hint,
    }
}

/// The grid pane's width that shows every column of the open report's widest table, border
/// included; the same for every tab, so switching tables does not move the panes.
fn natural_grid_width(app: &App) -> Option<u16> {
    let report = app.report()?;
    let labels = |t: usize, r: usize| short_label(app, t, r);
    let heads = |t: usize, c: usize| column_label(app, t, c);
    (0..report.tables.len())
        .filter_map(|t| {
            let (label_w, widths) = table_widths(app, t, &labels, &heads)?;
            let sum: u32 = widths.iter().map(|&w| u32::from(w)).sum();
            Some((u32::from(label_w) + sum + 2).min(u32::from(u16::MAX)) as u16)
        })
        .max()
}

/// The widest a grid column gets, in terminal columns (a 10^12 figure needs 16).
const MAX_COLUMN: usize = 24;

/// The row-label column's width and each column's, for table `table` of the open report.
fn table_widths(
    app: &App,
    table: usize,
    short_labels: &dyn Fn(usize, usize) -> String,
    col_label: &dyn Fn(usize, usize) -> String,
) -> Option<(u16, Vec<u16>)> {
    let t = app.report()?.tables.get(table)?;
    let label_w = (0..t.rows.len())
        .map(|ri| str_width(&short_labels(table, ri), false))
        .max()
        .unwrap_or(4)
        .clamp(6, 20) as u16
        + 1;
    let widths: Vec<u16> = (0..t.columns.len())
        .map(|ci| {
            let head = str_width(&col_label(table, ci), false);
            let vals = t
                .rows
                .iter()
                .flat_map(|r| r.cells.iter().filter(|c| c.column == t.columns[ci].key))
                .map(|c| cell_value_text(c).chars().count())
                .max()
                .unwrap_or(1);
            // An unreadable cell shows its raw text, which a hostile document makes as long
            // as it likes: a column is never wider than MAX_COLUMN.
            (head.max(vals + 1).clamp(5, MAX_COLUMN) + 1) as u16
        })
        .collect();
    Some((label_w, widths))
}

/// Whether the terminal is too small to draw the screen.
pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_SIZE.0 || size.1 < MIN_SIZE.1
}

fn source_inner(app: &App) -> Rect {
    let a = areas(app, app.size).source;
    Rect::new(
        a.x + 1,
        a.y + 1,
        a.width.saturating_sub(2),
        a.height.saturating_sub(2),
    )
}

/// The source's visual lines at the current pane width.
pub fn source_lines(app: &App) -> Vec<(usize, std::ops::Range<usize>)> {
    match app.doc() {
        Some(d) => wrap(
            &d.text,
            source_inner(app).width as usize,
            app.options.ambiguous_wide,
        ),
        None => Vec::new(),
    }
}

/// The byte range the source pane should show: a search hit, else the selected cell's value.
pub fn focus_span(app: &App) -> Option<(usize, usize)> {
    if let Some(hit) = app.search_hit {
        return Some(hit);
    }
    let key = app.cursor_key()?;
    let report = app.report()?;
    // A cell without text of its own points at what the prose says of it, else its row label.
    let cell = report.cell(&key)?;
    let span = cell
        .span
        .or_else(|| {
            report
                .narrative
                .iter()
                .find(|st| st.cells.contains(&key))
                .map(|st| st.sentence)
        })
        .or_else(|| {
            report
                .tables
                .get(app.cursor.table)?
                .rows
                .get(app.cursor.row)?
                .span
        })?;
    Some((span.start, span.end))
}

/// The first visual line shown in the source pane.
pub fn source_top(app: &App) -> usize {
    if let Some(top) = app.source_scroll {
        return top;
    }
    source_top_of(app, &source_lines(app))
}

/// [`source_top`] of lines the caller has already wrapped (wrapping a whole report costs
/// more than the rest of a frame).
pub fn source_top_of(app: &App, lines: &[(usize, std::ops::Range<usize>)]) -> usize {
    if let Some(top) = app.source_scroll {
        return top;
    }
    let height = source_inner(app).height as usize;
    let Some((start, _)) = focus_span(app) else {
        return 0;
    };
    let at = lines
        .iter()
        .position(|(_, r)| r.start <= start && start <= r.end)
        .unwrap_or(0);
    // Keep the highlighted value a third of the way down, with context above it.
    at.saturating_sub(height / 3)
}

/// A cell as the grid shows it: the value and a one-character mark that carries its state
/// without colour.
pub fn cell_mark(cell: &Cell, flag: Option<&Flag>) -> char {
    let flag = flag.copied().unwrap_or_default();
    if flag.culprit {
        return '#';
    }
    if flag.identity {
        return '!';
    }
    match cell.status {
        CellStatus::Ambiguous => '?',
        CellStatus::Invalid | CellStatus::Missing => '!',
        CellStatus::Inferred => '*',
        CellStatus::Blank | CellStatus::Na => '_',
        CellStatus::Edited => '+',
        CellStatus::Confirmed => '=',
        CellStatus::Ok if flag.severity == Some(Severity::Error) => '!',
        CellStatus::Ok if flag.severity == Some(Severity::Warning) => '^',
        CellStatus::Ok => ' ',
    }
}

/// The value text of a cell in the grid.
pub fn cell_value_text(cell: &Cell) -> String {
    match (cell.status, cell.value) {
        (CellStatus::Na, _) => cell.raw.clone().unwrap_or_else(|| "/".into()),
        (CellStatus::Invalid, _) => cell.raw.clone().unwrap_or_default(),
        (CellStatus::Missing, _) => "-".into(),
        (_, Some(v)) => format_value(v),
        (_, None) => String::new(),
    }
}

/// The grid's geometry for the open table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridGeom {
    pub label_w: u16,
    /// Visible table columns: (table column index, x, width).
    pub cols: Vec<(usize, u16, u16)>,
    /// First visible row and how many fit.
    pub first_row: usize,
    pub visible_rows: usize,
    /// Screen row of the header and of the first data row.
    pub header_y: u16,
    pub body_y: u16,
}

/// Index of the table column that a row's cell stands in.
pub fn column_index(report: &Report, table: usize, row: usize, cell: usize) -> Option<usize> {
    let t = report.tables.get(table)?;
    let c = t.rows.get(row)?.cells.get(cell)?;
    t.columns.iter().position(|h| h.key == c.column)
}

/// Lays the open table out in `area` (the grid pane, border included).
pub fn grid_geom(
    app: &App,
    area: Rect,
    short_labels: &dyn Fn(usize, usize) -> String,
    col_label: &dyn Fn(usize, usize) -> String,
) -> Option<GridGeom> {
    let report = app.report()?;
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let (label_w, widths) = table_widths(app, app.cursor.table, short_labels, col_label)?;
    let cursor_col =
        column_index(report, app.cursor.table, app.cursor.row, app.cursor.col).unwrap_or(0);
    let avail = inner.width.saturating_sub(label_w);
    let mut start = 0;
    while start < cursor_col
        && widths[start..=cursor_col]
            .iter()
            .map(|w| *w as u32)
            .sum::<u32>()
            > avail as u32
    {
        start += 1;
    }
    let mut cols = Vec::new();
    let mut x = inner.x + label_w;
    for (ci, w) in widths.iter().enumerate().skip(start) {
        if x.saturating_add(*w) > inner.x.saturating_add(inner.width) {
            break;
        }
        cols.push((ci, x, *w));
        x += w;
    }
    let header_y = inner.y + 1;
    let body_y = inner.y + 2;
    let visible_rows = inner.height.saturating_sub(2) as usize;
    let first_row = if visible_rows == 0 || app.cursor.row < visible_rows {
        0
    } else {
        app.cursor.row + 1 - visible_rows
    };
    Some(GridGeom {
        label_w,
        cols,
        first_row,
        visible_rows,
        header_y,
        body_y,
    })
}

/// The cell under a click in the grid pane, if any.
pub fn grid_hit(app: &App, area: Rect, x: u16, y: u16) -> Option<Cursor> {
    let labels = |t: usize, r: usize| short_label(app, t, r);
    let heads = |t: usize, c: usize| column_label(app, t, c);
    let g = grid_geom(app, area, &labels, &heads)?;
    if y < g.body_y {
        return None;
    }
    let row = g.first_row + (y - g.body_y) as usize;
    let report = app.report()?;
    let t = report.tables.get(app.cursor.table)?;
    let r = t.rows.get(row)?;
    let &(ci, _, _) = g.cols.iter().find(|(_, cx, w)| x >= *cx && x < cx + w)?;
    let cell = r.cells.iter().position(|c| c.column == t.columns[ci].key)?;
    Some(Cursor {
        table: app.cursor.table,
        row,
        col: cell,
    })
}

/// The short label of a row, from the template.
pub fn short_label(app: &App, table: usize, row: usize) -> String {
    app.doc()
        .and_then(|d| d.template.tables.get(table))
        .and_then(|t| t.rows.get(row))
        .map(|r| width_safe(&r.short))
        .unwrap_or_default()
}

/// The short label of a column, from the template.
pub fn column_label(app: &App, table: usize, col: usize) -> String {
    app.doc()
        .and_then(|d| d.template.tables.get(table))
        .and_then(|t| t.columns.get(col))
        .map(|c| width_safe(&c.short))
        .unwrap_or_default()
}

/// Flags of the open report, with the cells findings across reports name.
pub fn report_flags(app: &App) -> std::collections::HashMap<String, Flag> {
    let mut out = app.report().map(flags).unwrap_or_default();
    for (key, severity) in super::series::flagged_cells(app) {
        let e = out.entry(key).or_default();
        e.severity = e.severity.max(Some(severity));
    }
    out
}
