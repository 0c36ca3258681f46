//! Finding a table's rows: labels matched once per table, each row's printed cells gathered
//! (after its label, or before it in the figures-first layout), words in figure cells, and
//! figures on group headings (subtotal rows, or a group printed as one row).

use super::labels::{self, MatchKind};
use super::tokenize::{Token, TokenKind};
use super::{span_of, RowHit, TableBuilder};
use crate::model::{CellStatus, Finding, Severity, Span};

/// Words of headings and column labels, which never stand for a figure.
pub(super) const HEADING_WORDS: &[&str] = &[
    "第",
    "条",
    "项",
    "情况",
    "信息内容",
    "数量",
    "件数",
    "合计",
    "总计",
    "申请",
    "结果",
    "金额",
    "单位",
    "自然人",
    "法人",
    "组织",
    "机构",
    "企业",
    "其他",
    "行政",
];

/// Whether a short text after a row label is a (bad) figure rather than a heading or the tail
/// of a wrapped label.
pub(super) fn looks_like_a_value(text: &str, row_label: &str) -> bool {
    let n = text.chars().count();
    n > 0
        && n <= 8
        && !text.chars().any(|c| {
            matches!(
                c,
                '(' | ')'
                    | '（'
                    | '）'
                    | '['
                    | ']'
                    | '【'
                    | '】'
                    | '“'
                    | '”'
                    | '"'
                    | '《'
                    | '》'
                    | ':'
                    | '：'
            )
        })
        && !crate::extract::tokenize::normalize_label(row_label).contains(text)
        && !HEADING_WORDS.iter().any(|w| text.contains(w))
}

/// Figures printed on a group heading's line (`（三）不予公开 | 5 | 0 …`).
pub(super) struct MergedGroup {
    rows: Vec<usize>,
    values: Vec<usize>,
    heading: String,
    span: Option<Span>,
}

impl TableBuilder<'_> {
    /// Short words printed where a row's figures belong (`行政许可 | 约三万`, `规章 | 无`) are
    /// the row's values, invalid ones: read as headings they would end the row and leave its
    /// cells silently blank.
    pub(super) fn text_values<'t>(&self, tokens: &'t [Token]) -> std::borrow::Cow<'t, [Token]> {
        let mut words = Vec::new();
        let mut row: Option<usize> = None;
        // Only words before any figure of the row count: a word after its figures is what
        // comes next (a vertical label's character, a heading), not one of them.
        let mut figures_seen = false;
        for (i, tok) in tokens.iter().enumerate() {
            let Some(text) = tok.text() else {
                figures_seen |= tok.is_value();
                continue;
            };
            if let Some((r, _)) = &self.matches[i] {
                row = Some(*r);
                figures_seen = false;
                continue;
            }
            let is_value = !figures_seen
                && row.is_some_and(|r| looks_like_a_value(text, &self.spec.rows[r].label))
                && !self.is_vertical_label_piece(text);
            if is_value {
                words.push(i);
            } else {
                row = None;
            }
        }
        // Most tables have none: then the tokens are used as they are, not copied.
        if words.is_empty() {
            return std::borrow::Cow::Borrowed(tokens);
        }
        let mut out = tokens.to_vec();
        for i in words {
            out[i].kind = TokenKind::Value;
        }
        std::borrow::Cow::Owned(out)
    }

    /// Whether a word of one or two characters is a piece of a group label broken one
    /// character a line (PDF text of a merged cell: `三`, `本`, `年`… of 三、本年度办理结果),
    /// not a word printed in a row's figure cells.
    fn is_vertical_label_piece(&self, text: &str) -> bool {
        let n = text.chars().count();
        (1..=2).contains(&n)
            && text.chars().all(|c| {
                self.spec
                    .rows
                    .iter()
                    .filter_map(|r| r.group.as_deref())
                    .any(|g| g.contains(c))
            })
    }

    /// Each text token's row label match, computed once for the table.
    pub(super) fn match_labels(&self, tokens: &[Token]) -> Vec<Option<(usize, MatchKind)>> {
        let index = self.spec.label_index();
        // Filled in place: most tokens are figures and empty cells, and building a `None` for
        // each through the iterator chain stalled on every store.
        let mut matches = vec![None; tokens.len()];
        for (i, token) in tokens.iter().enumerate() {
            if let Some(text) = token.text() {
                matches[i] = index.find(text).or_else(|| {
                    let next = tokens.get(i + 1)?;
                    next.is_value()
                        .then(|| index.find_glued_tail(text))
                        .flatten()
                });
            }
        }
        matches
    }

    /// Rows recognised by label; each takes the value tokens up to the next text token.
    pub(super) fn row_hits(&mut self, tokens: &[Token]) -> Vec<RowHit> {
        if let Some(hits) = self.values_first_hits(tokens) {
            return hits;
        }
        let mut hits: Vec<RowHit> = Vec::new();
        let mut current: Option<RowHit> = None;
        let mut orphans: Vec<usize> = Vec::new();
        let mut floating: Vec<(Vec<usize>, Option<usize>)> = Vec::new();
        let mut after_text: Option<usize> = None;
        for (i, tok) in tokens.iter().enumerate() {
            match &tok.kind {
                TokenKind::Text(_) => {
                    if !orphans.is_empty() {
                        floating.push((std::mem::take(&mut orphans), after_text));
                    }
                    if let Some(done) = current.take() {
                        self.keep_hit(tokens, &mut hits, done);
                    }
                    after_text = Some(i);
                    if let Some((row, kind)) = self.matches[i].clone() {
                        if let MatchKind::Fuzzy(score) = kind {
                            self.note_fuzzy(tok, row, score);
                        }
                        current = Some(RowHit {
                            row,
                            label: i,
                            slots: Vec::new(),
                        });
                    }
                }
                TokenKind::Value | TokenKind::Empty => match current.as_mut() {
                    Some(hit) => hit.slots.push(i),
                    None if tok.is_value() => orphans.push(i),
                    None => {}
                },
            }
        }
        if !orphans.is_empty() {
            floating.push((orphans, after_text));
        }
        if let Some(done) = current.take() {
            self.keep_hit(tokens, &mut hits, done);
        }
        self.split_double_rows(tokens, &mut hits);
        for (mut run, after) in floating {
            if !self.attach_floating(tokens, &mut hits, &run, after) {
                self.flush_orphans(tokens, &mut run, after);
            }
        }
        hits
    }

    /// The line a byte offset is on.
    fn line_of(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= at)
    }

    /// PDF text can print some rows' figures on the line before their label, or wrap a label
    /// around them, so a run of figures follows no label while a neighbouring label has
    /// none. Such a run is given to the next label without figures, else to the previous
    /// one, with a warning naming the row. A run on the same line as a group heading is the
    /// group's own figures (a subtotal row), judged elsewhere.
    fn attach_floating(
        &mut self,
        tokens: &[Token],
        hits: &mut [RowHit],
        run: &[usize],
        after: Option<usize>,
    ) -> bool {
        let (Some(&first), Some(&last)) = (run.first(), run.last()) else {
            return false;
        };
        let heading_line = after.map(|a| self.line_of(tokens[a].start));
        if heading_line == Some(self.line_of(tokens[first].start)) {
            return false;
        }
        let empty = |h: &RowHit| !h.slots.iter().any(|&i| tokens[i].is_value());
        let next = hits
            .iter()
            .enumerate()
            .filter(|(_, h)| h.label != usize::MAX && h.label > last)
            .min_by_key(|(_, h)| h.label)
            .map(|(i, _)| i);
        let prev = hits
            .iter()
            .enumerate()
            .filter(|(_, h)| h.label != usize::MAX && h.label < first)
            .max_by_key(|(_, h)| h.label)
            .map(|(i, _)| i);
        let target = match (next, prev) {
            (Some(n), _) if empty(&hits[n]) => n,
            (_, Some(p)) if empty(&hits[p]) => p,
            _ => return false,
        };
        hits[target].slots = run.to_vec();
        self.note_moved_figures(tokens, hits[target].row, first, last);
        true
    }

    /// A row that took its own figures and the next row's (the next label printed after
    /// them, across a page break) gives the surplus to the next row when that one has none.
    fn split_double_rows(&mut self, tokens: &[Token], hits: &mut [RowHit]) {
        let mut order: Vec<usize> = (0..hits.len())
            .filter(|&i| hits[i].label != usize::MAX)
            .collect();
        order.sort_by_key(|&i| hits[i].label);
        for w in order.windows(2) {
            let (a, b) = (w[0], w[1]);
            let n = self.spec.row_cells(hits[a].row).count();
            let n_next = self.spec.row_cells(hits[b].row).count();
            let values: Vec<usize> = hits[a]
                .slots
                .iter()
                .copied()
                .filter(|&i| tokens[i].is_value())
                .collect();
            let next_empty = !hits[b].slots.iter().any(|&i| tokens[i].is_value());
            if values.len() == n + n_next && next_empty {
                let surplus = values[n..].to_vec();
                hits[a].slots.retain(|i| !surplus.contains(i));
                let (first, last) = (surplus[0], surplus[surplus.len() - 1]);
                hits[b].slots = surplus;
                self.note_moved_figures(tokens, hits[b].row, first, last);
            }
        }
    }

    /// Warns that a row's figures were found apart from its label.
    fn note_moved_figures(&mut self, tokens: &[Token], row: usize, first: usize, last: usize) {
        self.findings.push(Finding {
            rule: "layout-values-first".into(),
            severity: Severity::Warning,
            cells: self.row_keys(row),
            message: format!(
                "{}: its figures stand apart from its label (before it, or after a wrapped label); they were read as this row's, check them",
                self.spec.rows[row].short
            ),
            span: Some(span_of(self.line_starts, tokens[first].start, tokens[last].end)),
            dismissed: None,
        });
    }

    /// PDF text extraction can print each row's figures on the line before its label. That
    /// layout shows at the table's edges: figures right before the first label and none after
    /// the last. Then every label takes the figures just before it (and a warning says so).
    pub(super) fn values_first_hits(&mut self, tokens: &[Token]) -> Option<Vec<RowHit>> {
        let labels: Vec<(usize, usize)> = self
            .matches
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some((i, m.as_ref()?.0)))
            .collect();
        let (&(first, _), &(last, _)) = (labels.first()?, labels.last()?);
        if labels.len() < 2 {
            return None;
        }
        let matches = &self.matches;
        let run_before = |mut at: usize, skip_heading: bool| -> Vec<usize> {
            // A group heading between the figures and the label (`三、本年度办理结果`
            // before `(一)予以公开`) is part of the label's line. Not for the first label,
            // whose figures must stand right before it to tell the layout (text before the
            // table is column headings and prose).
            while skip_heading
                && at > 0
                && matches!(tokens[at - 1].kind, TokenKind::Text(_))
                && matches[at - 1].is_none()
            {
                at -= 1;
            }
            let mut run: Vec<usize> = (0..at)
                .rev()
                .take_while(|&i| !matches!(tokens[i].kind, TokenKind::Text(_)))
                .collect();
            run.reverse();
            run
        };
        let has_values = |run: &[usize]| run.iter().any(|&i| tokens[i].is_value());
        let after_last: Vec<usize> = (last + 1..tokens.len())
            .take_while(|&i| !matches!(tokens[i].kind, TokenKind::Text(_)))
            .collect();
        if !has_values(&run_before(first, false)) || has_values(&after_last) {
            return None;
        }
        let mut hits: Vec<RowHit> = Vec::new();
        for &(i, row) in &labels {
            if hits.iter().any(|h| h.row == row) {
                continue;
            }
            hits.push(RowHit {
                row,
                label: i,
                slots: run_before(i, i != first),
            });
        }
        let t = &tokens[first];
        self.findings.push(Finding {
            rule: "layout-values-first".into(),
            severity: Severity::Warning,
            cells: vec![],
            message: format!(
                "{}: each row's figures stand on the line before its label; they were read that way, check a few rows",
                self.spec.title
            ),
            span: Some(span_of(self.line_starts, t.start, t.end)),
            dismissed: None,
        });
        Some(hits)
    }

    /// For a table printed as one run of values: the run with the most values.
    pub(super) fn run_hit(&mut self, tokens: &[Token]) -> Vec<RowHit> {
        let mut runs: Vec<Vec<usize>> = vec![Vec::new()];
        for (i, tok) in tokens.iter().enumerate() {
            match tok.kind {
                TokenKind::Text(_) => runs.push(Vec::new()),
                _ => runs.last_mut().expect("runs is never empty").push(i),
            }
        }
        let count = |r: &Vec<usize>| r.iter().filter(|&&i| tokens[i].is_value()).count();
        // Runs are compared by how many cells they could fill: a glued run of digits
        // (`000000000000000`) is one token but up to a cell per digit. On a tie the first run
        // wins: an extra table (信息处理费) comes after the standard one.
        let capacity = |r: &Vec<usize>| -> usize {
            r.iter()
                .filter(|&&i| tokens[i].is_value())
                .map(|&i| {
                    let raw = &self.text[tokens[i].start..tokens[i].end];
                    if super::place::looks_glued(&tokens[i], raw) {
                        raw.len()
                    } else {
                        1
                    }
                })
                .sum()
        };
        let Some(best) = (0..runs.len())
            .filter(|&i| count(&runs[i]) > 0)
            .rev()
            .max_by_key(|&i| capacity(&runs[i]))
        else {
            return Vec::new();
        };
        for (i, run) in runs.iter().enumerate() {
            if i != best && count(run) > 0 {
                let mut vals: Vec<usize> = run
                    .iter()
                    .copied()
                    .filter(|&t| tokens[t].is_value())
                    .collect();
                self.flush_orphans(tokens, &mut vals, None);
            }
        }
        vec![RowHit {
            row: 0,
            label: usize::MAX,
            slots: std::mem::take(&mut runs[best]),
        }]
    }

    pub(super) fn keep_hit(&mut self, tokens: &[Token], hits: &mut Vec<RowHit>, hit: RowHit) {
        let has_values = |h: &RowHit| h.slots.iter().any(|&i| tokens[i].is_value());
        match hits.iter().position(|h| h.row == hit.row) {
            None => hits.push(hit),
            Some(p) if !has_values(&hits[p]) => hits[p] = hit,
            Some(_) if has_values(&hit) => {
                let tok = &tokens[hit.label];
                self.findings.push(Finding {
                    rule: "duplicate-row".into(),
                    severity: Severity::Warning,
                    cells: self.row_keys(hit.row),
                    message: format!(
                        "the row {} is printed twice; the first one is used, the second ignored",
                        self.spec.rows[hit.row].short
                    ),
                    span: Some(span_of(self.line_starts, tok.start, tok.end)),
                    dismissed: None,
                });
            }
            Some(_) => {}
        }
    }

    pub(super) fn flush_orphans(
        &mut self,
        tokens: &[Token],
        orphans: &mut Vec<usize>,
        after: Option<usize>,
    ) {
        if orphans.is_empty() {
            return;
        }
        let shown: Vec<&str> = orphans
            .iter()
            .map(|&i| &self.text[tokens[i].start..tokens[i].end])
            .collect();
        let context = after
            .and_then(|i| tokens[i].text())
            .map(|t| format!(" after “{t}”"))
            .unwrap_or_default();
        let first = &tokens[orphans[0]];
        let last = &tokens[orphans[orphans.len() - 1]];
        let span = Some(span_of(self.line_starts, first.start, last.end));
        // A group heading printed as one row (gov-2021's （六）其他处理 in the old form): its
        // figures belong to the group's rows together, and only a person can split them.
        let group_rows = after
            .and_then(|i| tokens[i].text())
            .map(|t| self.group_rows(t))
            .unwrap_or_default();
        if !group_rows.is_empty() {
            // Decided once the rows are placed: a subtotal row if the group's rows are there,
            // the group printed as one row if they are not.
            self.merged_groups.push(MergedGroup {
                rows: group_rows,
                values: orphans.clone(),
                heading: after
                    .and_then(|i| tokens[i].text())
                    .unwrap_or_default()
                    .to_string(),
                span,
            });
            orphans.clear();
            return;
        }
        self.findings.push(Finding {
            rule: "orphan-values".into(),
            severity: Severity::Warning,
            cells: vec![],
            message: format!(
                "{}: values {}{context} belong to no row of the template; check nothing was lost",
                self.spec.title,
                shown.join(" ")
            ),
            span,
            dismissed: None,
        });
        orphans.clear();
    }

    /// A group heading with figures: a subtotal row when its rows were printed (its figures
    /// must be their column sums), else the group printed as one row, which only a person can
    /// split (its rows stay blank and an error shows the figures).
    pub(super) fn judge_group(&mut self, tokens: &[Token], g: MergedGroup) {
        let shown: Vec<&str> = g
            .values
            .iter()
            .map(|&i| &self.text[tokens[i].start..tokens[i].end])
            .collect();
        let shown = shown.join(" ");
        let printed_rows = g.rows.iter().any(|&r| {
            self.table.rows[r]
                .cells
                .iter()
                .any(|c| c.status != CellStatus::Missing)
        });
        if printed_rows {
            let figures: Vec<Option<f64>> = g
                .values
                .iter()
                .map(|&i| self.solver_value(&tokens[i]))
                .collect();
            let columns: Vec<String> = self
                .spec
                .row_columns(g.rows[0])
                .map(|c| c.key.clone())
                .collect();
            let sums: Vec<f64> = columns
                .iter()
                .map(|col| {
                    g.rows
                        .iter()
                        .filter_map(|&r| self.table.rows[r].cells.iter().find(|c| &c.column == col))
                        .map(|c| c.value.unwrap_or(0.0))
                        .sum()
                })
                .collect();
            let agrees = figures.len() == sums.len()
                && figures
                    .iter()
                    .zip(&sums)
                    .all(|(f, s)| f.is_some_and(|f| (f - s).abs() < 1e-6));
            if !agrees {
                self.findings.push(Finding {
                    rule: "subtotal".into(),
                    severity: Severity::Warning,
                    cells: g.rows.iter().flat_map(|&r| self.row_keys(r)).collect(),
                    message: format!(
                        "the subtotal row “{}” ({shown}) is not the sum of its rows ({})",
                        g.heading,
                        sums.iter()
                            .map(|v| crate::model::format_value(*v))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                    span: g.span,
                    dismissed: None,
                });
            }
            return;
        }
        for &r in &g.rows {
            for cell in &mut self.table.rows[r].cells {
                if cell.status == CellStatus::Missing {
                    cell.status = CellStatus::Blank;
                }
            }
        }
        let names: Vec<&str> = g
            .rows
            .iter()
            .map(|&r| self.spec.rows[r].short.as_str())
            .collect();
        self.findings.push(Finding {
            rule: "merged-row".into(),
            severity: Severity::Error,
            cells: g.rows.iter().flat_map(|&r| self.row_keys(r)).collect(),
            message: format!(
                "“{}” is printed as one row ({shown}) where the format has {}; enter each row's figures",
                g.heading,
                names.join(", ")
            ),
            span: g.span,
            dismissed: None,
        });
    }

    /// The rows under a group heading (`（六）其他处理`), when `text` is one.
    pub(super) fn group_rows(&self, text: &str) -> Vec<usize> {
        let wanted = labels::canonical(text);
        self.spec
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.group
                    .as_deref()
                    .and_then(|g| g.split(' ').next_back())
                    .is_some_and(|g| labels::canonical(g) == wanted)
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub(super) fn note_fuzzy(&mut self, tok: &Token, row: usize, score: f64) {
        let printed = tok.text().unwrap_or_default();
        self.findings.push(Finding {
            rule: "label-fuzzy".into(),
            severity: Severity::Warning,
            cells: self.row_keys(row),
            message: format!(
                "the label “{printed}” was read as “{}” ({:.0}% alike)",
                self.spec.rows[row].label,
                score * 100.0
            ),
            span: Some(span_of(self.line_starts, tok.start, tok.end)),
            dismissed: None,
        });
    }
}
