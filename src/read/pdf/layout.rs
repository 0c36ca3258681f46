//! A PDF's characters and ruling lines → the canonical text: tables cell by cell from the
//! ruling lines that bound them, the rest as lines of text, in reading order down each page.
//!
//! Pure geometry, no PDF library: the parser (in a child process) hands over each page's
//! glyphs and rules, and everything here is tested on pages made up in the tests.

use serde::{Deserialize, Serialize};

use crate::model::PageBox;
use crate::read::RowWriter;

/// What the parser read of a document: its pages in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Pages {
    pub pages: Vec<Page>,
}

/// One page: its glyphs and its ruling lines, in points from the top-left corner.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
}

/// A character and its box (`y0` its top, `y1` its bottom).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Glyph {
    pub c: char,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// A straight line drawn on the page: a table's border, if it is horizontal or vertical.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// Lines closer than this are one line (points): a border drawn twice, or a cell's edge and
/// its neighbour's.
const SNAP: f32 = 2.0;
/// Rules shorter than this are no border (points): ticks, underlines of single characters.
const MIN_RULE: f32 = 4.0;
/// Past this many rules on a page, the page is read without its rules: no real table needs
/// them, and grouping them costs the square of their number.
const MAX_RULES: usize = 2000;
/// Past this many grid cells a set of rules is no table (a drawing, or a file built to cost
/// time): the official tables have a few hundred.
const MAX_GRID_CELLS: usize = 20_000;

impl Glyph {
    fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    fn height(&self) -> f32 {
        (self.y1 - self.y0).max(1.0)
    }
}

#[derive(Debug, Clone, Copy)]
struct Horizontal {
    y: f32,
    x0: f32,
    x1: f32,
}

#[derive(Debug, Clone, Copy)]
struct Vertical {
    x: f32,
    y0: f32,
    y1: f32,
}

/// A table found from its rules: the grid's column and row edges, and which fine cells are
/// merged into one (by the borders that are not drawn between them).
#[derive(Debug)]
struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// For each fine cell (row-major), the id of the merged cell it belongs to.
    owner: Vec<usize>,
    /// Merged cells: first and last fine row and column.
    cells: Vec<Span2>,
}

#[derive(Debug, Clone, Copy)]
struct Span2 {
    r0: usize,
    r1: usize,
    c0: usize,
    c1: usize,
}

impl Grid {
    fn contains(&self, x: f32, y: f32) -> bool {
        let (Some(&xa), Some(&xb), Some(&ya), Some(&yb)) = (
            self.xs.first(),
            self.xs.last(),
            self.ys.first(),
            self.ys.last(),
        ) else {
            return false;
        };
        x >= xa && x <= xb && y >= ya && y <= yb
    }

    fn top(&self) -> f32 {
        self.ys.first().copied().unwrap_or(0.0)
    }

    /// The merged cell holding a point inside the grid.
    fn cell_at(&self, x: f32, y: f32) -> usize {
        let c = self
            .xs
            .partition_point(|&e| e <= x)
            .clamp(1, self.xs.len() - 1)
            - 1;
        let r = self
            .ys
            .partition_point(|&e| e <= y)
            .clamp(1, self.ys.len() - 1)
            - 1;
        self.owner[r * (self.xs.len() - 1) + c]
    }
}

/// Lays a document's pages out as the canonical text, each table field with its place.
pub fn write(pages: &Pages) -> RowWriter {
    let mut out = RowWriter::default();
    let mut read: Vec<PageRead> = Vec::new();
    for page in &pages.pages {
        let grids = if page.rules.len() <= MAX_RULES {
            grids(&page.rules)
        } else {
            Vec::new()
        };
        let mut in_cell: Vec<Vec<Vec<Glyph>>> = grids
            .iter()
            .map(|g| vec![Vec::new(); g.cells.len()])
            .collect();
        let mut loose = Vec::new();
        for g in &page.glyphs {
            if g.c.is_whitespace() || g.c.is_control() {
                continue;
            }
            match grids.iter().position(|t| t.contains(g.cx(), g.cy())) {
                Some(t) => in_cell[t][grids[t].cell_at(g.cx(), g.cy())].push(*g),
                None => loose.push(*g),
            }
        }
        let lines: Vec<Line> = text_lines(loose)
            .into_iter()
            .filter(|l| !is_page_furniture(l, page.height))
            .collect();
        read.push(PageRead {
            grids,
            in_cell,
            lines,
        });
    }
    let heads = running_heads(pages, &read);
    // A table that ends one page and opens the next is one table, its rows counted on.
    let mut open_table: Option<u32> = None;
    for (
        pi,
        PageRead {
            grids,
            in_cell,
            lines,
        },
    ) in read.into_iter().enumerate()
    {
        let page_no = u32::try_from(pi + 1).unwrap_or(u32::MAX);
        let height = pages.pages[pi].height;
        let lines: Vec<Line> = lines
            .into_iter()
            .filter(|l| !(in_margin(l, height) && heads.contains(&head_key(&l.text))))
            .collect();
        // Tables and lines of text in the order they stand down the page.
        let mut items: Vec<(f32, Item)> = lines
            .into_iter()
            .map(|l| (l.top, Item::Line(l)))
            .chain(
                grids
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (g.top(), Item::Table(i))),
            )
            .collect();
        items.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (i, (_, item)) in items.iter().enumerate() {
            match item {
                Item::Line(l) => {
                    out.text.push_str(&l.text);
                    out.text.push('\n');
                    open_table = None;
                }
                Item::Table(t) => {
                    let continued = i == 0 && open_table.is_some();
                    if !continued {
                        out.start_table();
                    }
                    let first_row = match (continued, open_table) {
                        (true, Some(rows)) => rows,
                        _ => 0,
                    };
                    let rows = write_table(&mut out, &grids[*t], &in_cell[*t], page_no, first_row);
                    open_table = Some(first_row + rows);
                }
            }
        }
        if !matches!(items.last(), Some((_, Item::Table(_)))) {
            open_table = None;
        }
    }
    out
}

enum Item {
    Line(Line),
    Table(usize),
}

/// A page as read: its tables, the glyphs of each table's cells, its other lines.
struct PageRead {
    grids: Vec<Grid>,
    in_cell: Vec<Vec<Vec<Glyph>>>,
    lines: Vec<Line>,
}

/// Writes a table's rows; returns how many fine rows it has.
fn write_table(
    out: &mut RowWriter,
    grid: &Grid,
    glyphs: &[Vec<Glyph>],
    page: u32,
    first_row: u32,
) -> u32 {
    let rows = grid.ys.len() - 1;
    let texts: Vec<String> = glyphs
        .iter()
        .map(|g| cell_text(g).replace('|', "｜"))
        .collect();
    for r in 0..rows {
        let mut fields: Vec<(&str, usize, Option<PageBox>)> = grid
            .cells
            .iter()
            .enumerate()
            .filter(|(_, s)| s.r0 == r)
            .map(|(id, s)| {
                let (x0, y0, x1, y1) = if glyphs[id].is_empty() {
                    (
                        grid.xs[s.c0],
                        grid.ys[s.r0],
                        grid.xs[s.c1 + 1],
                        grid.ys[s.r1 + 1],
                    )
                } else {
                    bounds(&glyphs[id])
                };
                let b = PageBox {
                    page,
                    x0: x0.max(0.0).floor() as u32,
                    x1: x1.max(0.0).ceil() as u32,
                    y0: y0.max(0.0).floor() as u32,
                    y1: y1.max(0.0).ceil() as u32,
                };
                (texts[id].as_str(), s.c0, Some(b))
            })
            .collect();
        fields.sort_by_key(|f| f.1);
        let row_no = first_row + u32::try_from(r + 1).unwrap_or(u32::MAX);
        out.row_boxed(row_no, &fields);
    }
    u32::try_from(rows).unwrap_or(u32::MAX)
}

fn bounds(glyphs: &[Glyph]) -> (f32, f32, f32, f32) {
    glyphs.iter().fold(
        (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
        |(a, b, c, d), g| (a.min(g.x0), b.min(g.y0), c.max(g.x1), d.max(g.y1)),
    )
}

/// The rules → the tables they draw.
fn grids(rules: &[Rule]) -> Vec<Grid> {
    let mut hs = Vec::new();
    let mut vs = Vec::new();
    for r in rules {
        let (w, h) = ((r.x1 - r.x0).abs(), (r.y1 - r.y0).abs());
        if h <= SNAP && w >= MIN_RULE {
            hs.push(Horizontal {
                y: (r.y0 + r.y1) / 2.0,
                x0: r.x0.min(r.x1),
                x1: r.x0.max(r.x1),
            });
        } else if w <= SNAP && h >= MIN_RULE {
            vs.push(Vertical {
                x: (r.x0 + r.x1) / 2.0,
                y0: r.y0.min(r.y1),
                y1: r.y0.max(r.y1),
            });
        }
    }
    // Rules that cross or touch belong to one table.
    let n = hs.len() + vs.len();
    let mut set = UnionFind::new(n);
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if crosses(h, v) {
                set.join(i, hs.len() + j);
            }
        }
        for (k, h2) in hs.iter().enumerate().skip(i + 1) {
            if (h.y - h2.y).abs() <= SNAP && h.x0 <= h2.x1 + SNAP && h2.x0 <= h.x1 + SNAP {
                set.join(i, k);
            }
        }
    }
    let mut groups: Vec<(Vec<Horizontal>, Vec<Vertical>)> = Vec::new();
    let mut group_of = vec![usize::MAX; n];
    for i in 0..n {
        let root = set.find(i);
        if group_of[root] == usize::MAX {
            group_of[root] = groups.len();
            groups.push((Vec::new(), Vec::new()));
        }
        let g = &mut groups[group_of[root]];
        if i < hs.len() {
            g.0.push(hs[i]);
        } else {
            g.1.push(vs[i - hs.len()]);
        }
    }
    groups
        .into_iter()
        .filter_map(|(h, v)| grid(&h, &v))
        .collect()
}

fn crosses(h: &Horizontal, v: &Vertical) -> bool {
    v.x >= h.x0 - SNAP && v.x <= h.x1 + SNAP && h.y >= v.y0 - SNAP && h.y <= v.y1 + SNAP
}

/// Edges closer than [`SNAP`] are one edge.
fn edges(mut at: Vec<f32>) -> Vec<f32> {
    at.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for x in at {
        match out.last() {
            Some(&last) if x - last <= SNAP => {}
            _ => out.push(x),
        }
    }
    out
}

fn grid(hs: &[Horizontal], vs: &[Vertical]) -> Option<Grid> {
    // A rule's ends are edges too: a table drawn without its outer borders still has them
    // where its other rules end. An edge too many only splits cells that are merged again,
    // since no border stands on it.
    let xs = edges(
        vs.iter()
            .map(|v| v.x)
            .chain(hs.iter().flat_map(|h| [h.x0, h.x1]))
            .collect(),
    );
    let ys = edges(
        hs.iter()
            .map(|h| h.y)
            .chain(vs.iter().flat_map(|v| [v.y0, v.y1]))
            .collect(),
    );
    if xs.len() < 2 || ys.len() < 2 || (xs.len() - 1) * (ys.len() - 1) > MAX_GRID_CELLS {
        return None;
    }
    let (cols, rows) = (xs.len() - 1, ys.len() - 1);
    // A border is drawn between two fine cells if a rule on their shared edge covers the
    // middle of it; where none is, the two are one merged cell.
    let v_border = |c: usize, r: usize| {
        let (x, y) = (xs[c], (ys[r] + ys[r + 1]) / 2.0);
        vs.iter()
            .any(|v| (v.x - x).abs() <= SNAP && v.y0 - SNAP <= y && y <= v.y1 + SNAP)
    };
    let h_border = |r: usize, c: usize| {
        let (y, x) = (ys[r], (xs[c] + xs[c + 1]) / 2.0);
        hs.iter()
            .any(|h| (h.y - y).abs() <= SNAP && h.x0 - SNAP <= x && x <= h.x1 + SNAP)
    };
    let mut set = UnionFind::new(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && !v_border(c + 1, r) {
                set.join(r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && !h_border(r + 1, c) {
                set.join(r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    let mut id_of = vec![usize::MAX; rows * cols];
    let mut cells: Vec<Span2> = Vec::new();
    let mut owner = vec![0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let root = set.find(r * cols + c);
            if id_of[root] == usize::MAX {
                id_of[root] = cells.len();
                cells.push(Span2 {
                    r0: r,
                    r1: r,
                    c0: c,
                    c1: c,
                });
            }
            let id = id_of[root];
            let s = &mut cells[id];
            s.r0 = s.r0.min(r);
            s.r1 = s.r1.max(r);
            s.c0 = s.c0.min(c);
            s.c1 = s.c1.max(c);
            owner[r * cols + c] = id;
        }
    }
    // One box around a title or a paragraph is a frame, not a table: its text stays lines.
    if cells.len() < 2 {
        return None;
    }
    Some(Grid {
        xs,
        ys,
        owner,
        cells,
    })
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }
    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// A line of text outside the tables.
#[derive(Debug)]
struct Line {
    top: f32,
    bottom: f32,
    text: String,
}

/// Glyphs → lines: glyphs whose middles sit within half a glyph's height of each other are
/// one line (a label's baseline sits a few points off its figures'), read left to right.
fn group_lines(mut glyphs: Vec<Glyph>) -> Vec<Vec<Glyph>> {
    glyphs.sort_by(|a, b| a.cy().total_cmp(&b.cy()));
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    let mut mid = f32::MIN;
    for g in glyphs {
        match lines.last_mut() {
            Some(line) if (g.cy() - mid).abs() <= g.height() * 0.5 => line.push(g),
            _ => {
                mid = g.cy();
                lines.push(vec![g]);
            }
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        // Bold faked by printing each character twice, a hair apart: one character, not two
        // (`11` from a bold `1` would be a wrong value nobody flags).
        line.dedup_by(|g, kept| {
            g.c == kept.c
                && (g.x0 - kept.x0).abs() < (kept.x1 - kept.x0).abs() * 0.3
                && (g.y0 - kept.y0).abs() < kept.height() * 0.3
        });
    }
    lines
}

/// A line's glyphs as text: a gap wider than a third of a glyph's height is a space, and a
/// wide one a run of spaces, so columns set apart stay apart as in `pdftotext -layout`.
fn line_text(line: &[Glyph]) -> String {
    let mut s = String::new();
    let mut last: Option<&Glyph> = None;
    for g in line {
        if let Some(p) = last {
            let gap = g.x0 - p.x1;
            let unit = g.height().max(p.height()) * 0.5;
            if gap > unit * 0.6 {
                let n = ((gap / unit).round() as usize).clamp(1, 40);
                s.extend(std::iter::repeat_n(' ', n));
            }
        }
        s.push(g.c);
        last = Some(g);
    }
    s
}

fn text_lines(glyphs: Vec<Glyph>) -> Vec<Line> {
    group_lines(glyphs)
        .into_iter()
        .map(|l| {
            let top = l.iter().map(|g| g.y0).fold(f32::MAX, f32::min);
            let bottom = l.iter().map(|g| g.y1).fold(f32::MIN, f32::max);
            Line {
                top,
                bottom,
                text: line_text(&l),
            }
        })
        .collect()
}

/// A cell's text: its lines joined, with a space only between two words of Latin letters
/// (a wrapped Chinese label or figure joins as it was before the wrap).
fn cell_text(glyphs: &[Glyph]) -> String {
    let mut s = String::new();
    for line in group_lines(glyphs.to_vec()) {
        // Inside a cell a gap is a word break, however wide.
        let t = line_text(&line)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let t = t.as_str();
        if t.is_empty() {
            continue;
        }
        let joins_words = s.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
            && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        if joins_words {
            s.push(' ');
        }
        s.push_str(t);
    }
    s
}

/// Whether a line stands in the top or bottom tenth of the page, where page numbers and running
/// heads are printed.
fn in_margin(line: &Line, height: f32) -> bool {
    let margin = height * 0.1;
    height <= 0.0 || line.top <= margin || line.bottom >= height - margin
}

/// A running head's text with its page number taken out, so every page's copy is alike.
fn head_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_digit())
        .collect()
}

/// Lines printed in the margin of at least half the pages (and two at least): running heads
/// and feet (`XX区2024年政府信息公开工作年度报告`), which would come between a table's rows where
/// it runs on to the next page.
fn running_heads(pages: &Pages, read: &[PageRead]) -> std::collections::HashSet<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (page, r) in pages.pages.iter().zip(read) {
        let mut on_page = std::collections::HashSet::new();
        for l in r.lines.iter().filter(|l| in_margin(l, page.height)) {
            let key = head_key(&l.text);
            if !key.is_empty() && on_page.insert(key.clone()) {
                *seen.entry(key).or_default() += 1;
            }
        }
    }
    let need = (pages.pages.len().div_ceil(2)).max(2);
    seen.into_iter()
        .filter(|(_, n)| *n >= need)
        .map(|(k, _)| k)
        .collect()
}

/// Page numbers: a line near the top or bottom edge that is only a page number (`- 3 -`,
/// `第3页 共5页`, `3/5`).
fn is_page_furniture(line: &Line, height: f32) -> bool {
    if !in_margin(line, height) {
        return false;
    }
    let t: String = line.text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let bare = t.trim_matches(|c: char| "-—–－·.".contains(c));
    if digits(bare) && bare.len() <= 4 {
        return true;
    }
    if let Some((a, b)) = bare.split_once('/') {
        return digits(a) && digits(b);
    }
    let no_words: String = t.replace(['第', '页', '共', ',', '，', '/'], "");
    t.contains('页') && digits(&no_words)
}

#[cfg(test)]
mod tests;
