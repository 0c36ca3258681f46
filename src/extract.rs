//! Text → report: segment the sections, tokenize each table region, match rows by label,
//! place values in cells (solving short rows against the identities), then check.

pub mod align;
pub mod labels;
pub mod segment;
pub mod tokenize;

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::check;
use crate::decode;
use crate::error::Result;
use crate::model::{
    cell_key, CellStatus, Finding, Report, ReportMeta, Severity, Source, Span, Table, REPORT_SCHEMA,
};
use crate::template::{self, Layout, TableSpec, Template};
use crate::value::{self, Piece};
use align::ShortRun;
use labels::MatchKind;
use tokenize::{Token, TokenKind};

/// Largest file read as a report: real texts are well under 2 MB; anything near this is some
/// other file, and reading it whole would only waste memory.
pub const MAX_BYTES: u64 = 16_000_000;

/// Rules whose findings the extractor makes (the checker owns all others).
pub const EXTRACT_RULES: &[&str] = &[
    "label-fuzzy",
    "orphan-values",
    "row-overflow",
    "duplicate-row",
    "template-year-mismatch",
    "template-guess",
    "layout-values-first",
    "subtotal",
    "merged-row",
];

/// Reads, decodes and extracts one report file.
pub fn extract_file(path: &Path) -> Result<Report> {
    extract_file_with_text(path).map(|(report, _)| report)
}

/// Reads, decodes and extracts one report file, keeping the decoded text the spans index.
pub fn extract_file_with_text(path: &Path) -> Result<(Report, String)> {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > MAX_BYTES {
            return Err(crate::error::Error::TooLarge {
                path: path.into(),
                size_mb: meta.len() / 1_000_000,
                limit_mb: MAX_BYTES / 1_000_000,
            });
        }
        if meta.is_dir() {
            return Err(crate::error::Error::Other {
                path: path.into(),
                message: "is a folder; give a report file, or use check/review/export for folders"
                    .into(),
            });
        }
    }
    let bytes = std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            crate::error::Error::NotFound { path: path.into() }
        } else {
            crate::error::Error::Read {
                path: path.into(),
                source,
            }
        }
    })?;
    let decoded = decode::decode(&bytes, path)?;
    let sha = hex(&Sha256::digest(&bytes));
    let report = extract_text(
        &decoded.text,
        Source {
            path: path.display().to_string(),
            sha256: sha,
            encoding: decoded.encoding.to_string(),
        },
    );
    Ok((report, decoded.text))
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Extracts and checks a decoded text.
pub fn extract_text(text: &str, source: Source) -> Report {
    let (year, organization) = segment::report_meta(text);
    let mut findings = Vec::new();
    // Every format numbers and names its sections alike, so regions and tokens are found once.
    let regions = segment::table_regions(text, &template::all()[0]);
    let tokens: Vec<Option<Vec<Token>>> = regions
        .iter()
        .map(|r| r.clone().map(|r| tokenize::tokenize(text, r)))
        .collect();
    let template = choose_template(&tokens, year, &mut findings);
    let line_starts = line_starts(text);
    let mut tables = template.empty_tables();
    for (ti, spec) in template.tables.iter().enumerate() {
        let Some(Some(tokens)) = tokens.get(ti) else {
            continue;
        };
        let mut builder = TableBuilder {
            text,
            spec,
            template,
            table: &mut tables[ti],
            findings: &mut findings,
            line_starts: &line_starts,
            runs: Vec::new(),
            matches: Vec::new(),
            subtotal_at: None,
            merged_groups: Vec::new(),
        };
        builder.fill(tokens);
    }
    let prose = segment::prose_ranges(text, &regions);
    let narrative = crate::narrative::read(text, &prose, &template.key, &line_starts);
    let mut report = Report {
        schema: REPORT_SCHEMA.to_string(),
        source,
        report: ReportMeta { organization, year },
        template: template.key.clone(),
        tables,
        findings,
        narrative,
    };
    crate::narrative::suggest(&mut report);
    check::run(&mut report, template);
    report
}

/// Byte offset at which each line starts.
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn span_of(line_starts: &[usize], start: usize, end: usize) -> Span {
    let line = line_starts.partition_point(|&s| s <= start);
    Span { line, start, end }
}

/// Picks the format by the proactive table's column labels, then by year.
fn choose_template(
    tokens: &[Option<Vec<Token>>],
    year: Option<i32>,
    findings: &mut Vec<Finding>,
) -> &'static Template {
    let all = template::all();
    let base = &all[0];
    let labels: Vec<String> = tokens
        .iter()
        .flatten()
        .flatten()
        .filter_map(|t| t.text().map(labels::canonical))
        .collect();
    let column_labels = |t: &Template| -> Vec<String> {
        t.tables
            .iter()
            .flat_map(|tb| tb.columns.iter().map(|c| labels::canonical(&c.label)))
            .collect()
    };
    let score = |t: &Template| -> usize {
        let others: Vec<String> = all
            .iter()
            .filter(|o| o.key != t.key)
            .flat_map(column_labels)
            .collect();
        column_labels(t)
            .into_iter()
            .filter(|l| !others.contains(l) && labels.iter().any(|t| t.contains(l.as_str())))
            .count()
    };
    let scores: Vec<usize> = all.iter().map(score).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let by_labels = (best > 0 && scores.iter().filter(|s| **s == best).count() == 1)
        .then(|| &all[scores.iter().position(|s| *s == best).unwrap_or(0)]);
    match (by_labels, year) {
        (Some(t), Some(y)) => {
            let expected = template::for_year(y);
            if expected.key != t.key {
                findings.push(Finding {
                    rule: "template-year-mismatch".into(),
                    severity: Severity::Warning,
                    cells: vec![],
                    message: format!(
                        "the tables use the {} format, but a {y} report should use {}",
                        t.key, expected.key
                    ),
                    span: None,
                });
            }
            t
        }
        (Some(t), None) => t,
        (None, Some(y)) => template::for_year(y),
        (None, None) => {
            findings.push(Finding {
                rule: "template-guess".into(),
                severity: Severity::Warning,
                cells: vec![],
                message: format!(
                    "neither the year nor the column labels tell the format; assumed {}",
                    base.key
                ),
                span: None,
            });
            base
        }
    }
}

/// Words of headings and column labels, which never stand for a figure.
const HEADING_WORDS: &[&str] = &[
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
fn looks_like_a_value(text: &str, row_label: &str) -> bool {
    let n = text.chars().count();
    n > 0
        && n <= 8
        && !text.chars().any(|c| "()（）[]【】“”\"《》:：".contains(c))
        && !crate::extract::tokenize::normalize_label(row_label).contains(text)
        && !HEADING_WORDS.iter().any(|w| text.contains(w))
}

/// Trailing empty cells beyond a row's width that still read as the row's own blanks.
const PADDING_SLACK: usize = 3;

/// Where a row's printed values stand: after its label, as value and empty-cell tokens.
struct RowHit {
    row: usize,
    label: usize,
    slots: Vec<usize>,
}

struct TableBuilder<'a> {
    text: &'a str,
    spec: &'a TableSpec,
    template: &'a Template,
    table: &'a mut Table,
    findings: &'a mut Vec<Finding>,
    line_starts: &'a [usize],
    runs: Vec<QueuedRun>,
    /// Per token: the row its text matches, if any (see `match_labels`).
    matches: Vec<Option<(usize, MatchKind)>>,
    /// Position of an extra 法人或其他组织 subtotal in eight-column rows, if the table has one.
    subtotal_at: Option<usize>,
    /// Figures printed on a group heading's line, to be judged once the rows are placed.
    merged_groups: Vec<MergedGroup>,
}

/// Figures printed on a group heading's line (`（三）不予公开 | 5 | 0 …`).
struct MergedGroup {
    rows: Vec<usize>,
    values: Vec<usize>,
    heading: String,
    span: Option<Span>,
}

/// A short run waiting for the solver, with where each choice's values come from.
struct QueuedRun {
    run: ShortRun,
    /// Per choice and slot: the bytes of the text that give the value (None: blank).
    sources: Vec<Vec<Option<(usize, usize)>>>,
    /// The printed value tokens, left to right.
    value_tokens: Vec<usize>,
    /// The choice that explicit trailing empty cells suggest, if any.
    explicit: Option<usize>,
}

impl QueuedRun {
    /// A run whose values cannot be placed with any confidence (unreadable, or too many ways).
    fn unreadable(slots: &[(usize, String)], values: &[usize]) -> QueuedRun {
        QueuedRun {
            run: ShortRun {
                slots: slots.to_vec(),
                choices: Vec::new(),
            },
            sources: Vec::new(),
            value_tokens: values.to_vec(),
            explicit: None,
        }
    }
}

/// A value with the bytes of the text it was read from.
type Sourced = (f64, usize, usize);

/// Ways to fill one short run considered at most; past this it stays ambiguous.
const MAX_CHOICES: usize = 20_000;

/// Calls `f` with every sequence made by picking one alternative per printed value; false when
/// `f` asked to stop.
fn expand(
    alternatives: &[Vec<Vec<Sourced>>],
    at: usize,
    sequence: &mut Vec<Sourced>,
    f: &mut dyn FnMut(&[Sourced]) -> bool,
) -> bool {
    let Some(options) = alternatives.get(at) else {
        return f(sequence);
    };
    for option in options {
        let len = sequence.len();
        sequence.extend_from_slice(option);
        let go_on = expand(alternatives, at + 1, sequence, f);
        sequence.truncate(len);
        if !go_on {
            return false;
        }
    }
    true
}

/// Whether a value token is several cells run together: digits glued to a label, a figure with
/// a leading zero (`000023`), or one too long to be a single count.
fn looks_glued(tok: &Token, raw: &str) -> bool {
    let digits = raw.bytes().all(|b| b.is_ascii_digit());
    digits && (tok.glued || (raw.len() > 1 && raw.starts_with('0')) || raw.len() >= 10)
}

/// Every way to cut a digit string into 1..=max pieces, none with a leading zero (except `0`),
/// as byte ranges; longer cuts first, since glued tables usually print every cell.
fn digit_splits(digits: &str, max: usize) -> Vec<Vec<(usize, usize)>> {
    fn go(
        d: &[u8],
        at: usize,
        left: usize,
        cur: &mut Vec<(usize, usize)>,
        out: &mut Vec<Vec<(usize, usize)>>,
    ) {
        if out.len() >= MAX_CHOICES {
            return;
        }
        if at == d.len() {
            out.push(cur.clone());
            return;
        }
        if left == 0 {
            return;
        }
        let longest = if d[at] == b'0' {
            1
        } else {
            (d.len() - at).min(9)
        };
        for len in 1..=longest {
            cur.push((at, at + len));
            go(d, at + len, left - 1, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    go(digits.as_bytes(), 0, max, &mut Vec::new(), &mut out);
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

impl TableBuilder<'_> {
    fn fill(&mut self, tokens: &[Token]) {
        let reclassified;
        let tokens = match self.spec.layout {
            Layout::Rows => {
                self.matches = self.match_labels(tokens);
                reclassified = self.text_values(tokens);
                &reclassified[..]
            }
            Layout::Run => tokens,
        };
        let hits = match self.spec.layout {
            Layout::Rows => self.row_hits(tokens),
            Layout::Run => self.run_hit(tokens),
        };
        if hits.is_empty() {
            return;
        }
        self.table.found = true;
        self.subtotal_at = self.subtotal_column(tokens, &hits);
        for hit in &hits {
            let slots: Vec<(usize, String)> = match self.spec.layout {
                Layout::Rows => self
                    .spec
                    .row_columns(hit.row)
                    .map(|c| (hit.row, c.key.clone()))
                    .collect(),
                Layout::Run => (0..self.spec.rows.len())
                    .flat_map(|ri| self.spec.row_columns(ri).map(move |c| (ri, c.key.clone())))
                    .collect(),
            };
            for (ri, col) in &slots {
                self.set_blank(*ri, col);
            }
            if let Some(label) = tokens.get(hit.label) {
                self.table.rows[hit.row].span =
                    Some(span_of(self.line_starts, label.start, label.end));
            }
            self.place(tokens, hit, &slots);
        }
        self.solve_short_runs(tokens);
        for group in std::mem::take(&mut self.merged_groups) {
            self.judge_group(tokens, group);
        }
    }

    /// Short words printed where a row's figures belong (`行政许可 | 约三万`, `规章 | 无`) are
    /// the row's values, invalid ones: read as headings they would end the row and leave its
    /// cells silently blank.
    fn text_values(&self, tokens: &[Token]) -> Vec<Token> {
        let mut out = tokens.to_vec();
        let mut row: Option<usize> = None;
        // Only words before any figure of the row count: a word after its figures is what
        // comes next (a vertical label's character, a heading), not one of them.
        let mut figures_seen = false;
        for (i, tok) in out.iter_mut().enumerate() {
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
                && row.is_some_and(|r| looks_like_a_value(text, &self.spec.rows[r].label));
            if is_value {
                tok.kind = TokenKind::Value;
            } else {
                row = None;
            }
        }
        out
    }

    /// Each text token's row label match, computed once for the table.
    fn match_labels(&self, tokens: &[Token]) -> Vec<Option<(usize, MatchKind)>> {
        let index = self.spec.label_index();
        tokens
            .iter()
            .map(|t| t.text().and_then(|text| index.find(text)))
            .collect()
    }

    /// Rows recognised by label; each takes the value tokens up to the next text token.
    fn row_hits(&mut self, tokens: &[Token]) -> Vec<RowHit> {
        if let Some(hits) = self.values_first_hits(tokens) {
            return hits;
        }
        let mut hits: Vec<RowHit> = Vec::new();
        let mut current: Option<RowHit> = None;
        let mut orphans: Vec<usize> = Vec::new();
        let mut after_text: Option<usize> = None;
        for (i, tok) in tokens.iter().enumerate() {
            match &tok.kind {
                TokenKind::Text(_) => {
                    self.flush_orphans(tokens, &mut orphans, after_text);
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
        self.flush_orphans(tokens, &mut orphans, after_text);
        if let Some(done) = current.take() {
            self.keep_hit(tokens, &mut hits, done);
        }
        hits
    }

    /// PDF text extraction can print each row's figures on the line before its label. That
    /// layout shows at the table's edges: figures right before the first label and none after
    /// the last. Then every label takes the figures just before it (and a warning says so).
    fn values_first_hits(&mut self, tokens: &[Token]) -> Option<Vec<RowHit>> {
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
        let run_before = |at: usize| -> Vec<usize> {
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
        if !has_values(&run_before(first)) || has_values(&after_last) {
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
                slots: run_before(i),
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
        });
        Some(hits)
    }

    /// For a table printed as one run of values: the run with the most values.
    fn run_hit(&mut self, tokens: &[Token]) -> Vec<RowHit> {
        let mut runs: Vec<Vec<usize>> = vec![Vec::new()];
        for (i, tok) in tokens.iter().enumerate() {
            match tok.kind {
                TokenKind::Text(_) => runs.push(Vec::new()),
                _ => runs.last_mut().expect("runs is never empty").push(i),
            }
        }
        let count = |r: &Vec<usize>| r.iter().filter(|&&i| tokens[i].is_value()).count();
        let Some(best) = (0..runs.len())
            .filter(|&i| count(&runs[i]) > 0)
            .max_by_key(|&i| count(&runs[i]))
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

    fn keep_hit(&mut self, tokens: &[Token], hits: &mut Vec<RowHit>, hit: RowHit) {
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
                });
            }
            Some(_) => {}
        }
    }

    fn flush_orphans(&mut self, tokens: &[Token], orphans: &mut Vec<usize>, after: Option<usize>) {
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
        });
        orphans.clear();
    }

    /// A group heading with figures: a subtotal row when its rows were printed (its figures
    /// must be their column sums), else the group printed as one row, which only a person can
    /// split (its rows stay blank and an error shows the figures).
    fn judge_group(&mut self, tokens: &[Token], g: MergedGroup) {
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
        });
    }

    /// The rows under a group heading (`（六）其他处理`), when `text` is one.
    fn group_rows(&self, text: &str) -> Vec<usize> {
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

    fn note_fuzzy(&mut self, tok: &Token, row: usize, score: f64) {
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
        });
    }

    fn row_keys(&self, row: usize) -> Vec<String> {
        self.spec
            .row_columns(row)
            .map(|c| cell_key(&self.spec.id, &self.spec.rows[row].key, &c.key))
            .collect()
    }

    fn set_blank(&mut self, ri: usize, col: &str) {
        if let Some(cell) = self.table.rows[ri]
            .cells
            .iter_mut()
            .find(|c| c.column == col)
        {
            cell.status = CellStatus::Blank;
        }
    }

    /// Puts a row's printed tokens into its cells, or queues it for the solver when short.
    fn place(&mut self, tokens: &[Token], hit: &RowHit, slots: &[(usize, String)]) {
        let mut printed = hit.slots.clone();
        while printed.last().is_some_and(|&i| !tokens[i].is_value()) {
            printed.pop();
        }
        // Trailing empty cells may be the row's own blanks (`规章 |  | 0 |  |`) or mere
        // structure (`| 22 | ||`, seed 000; a long merged-header tail, seed 001). When the row
        // prints about as many cells as it has, that reading is kept as a preference for the
        // solver, which accepts it only if the identities allow it.
        let n_slots = slots.len();
        let explicit = (printed.len() < n_slots
            && (n_slots..=n_slots + PADDING_SLACK).contains(&hit.slots.len()))
        .then(|| {
            (0..n_slots)
                .filter(|&p| tokens[hit.slots[p]].is_value())
                .collect::<Vec<usize>>()
        });
        let mut values: Vec<usize> = printed
            .iter()
            .copied()
            .filter(|&i| tokens[i].is_value())
            .collect();
        let n = slots.len();
        if values.is_empty() {
            return;
        }
        if let Some(at) = self.subtotal_at.filter(|_| values.len() == n + 1) {
            // The eight-column form: the 法人或其他组织 subtotal is checked, then set aside.
            let sub = values.remove(at);
            self.check_subtotal(tokens, hit, slots, &values, sub);
            printed = values.clone();
        }
        if values.len() == n {
            printed = values.clone();
        } else if printed.len() != n && hit.label == usize::MAX {
            // A run without a label: empty cells before its first value are header padding.
            let first = printed
                .iter()
                .position(|&i| tokens[i].is_value())
                .unwrap_or(0);
            if printed.len() - first == n {
                printed.drain(..first);
            }
        }
        if printed.len() == n {
            for (slot, &ti) in slots.iter().zip(&printed) {
                if tokens[ti].is_value() {
                    self.set_value(slot, (tokens[ti].start, tokens[ti].end), CellStatus::Ok);
                }
            }
        } else if values.len() > n {
            self.overflow(tokens, hit, slots, &values);
        } else {
            let queued = self.short_run(tokens, slots, &values, explicit.as_deref());
            self.runs.push(queued);
        }
    }

    /// Every way the printed values could fill `slots`: order-preserving placements, and for a
    /// digit run that lost its separators (`8855698`), every split of it into values.
    fn short_run(
        &self,
        tokens: &[Token],
        slots: &[(usize, String)],
        values: &[usize],
        explicit: Option<&[usize]>,
    ) -> QueuedRun {
        let n = slots.len();
        let mut alternatives: Vec<Vec<Vec<Sourced>>> = Vec::new();
        // Once one figure of a row is glued, its neighbours may be too (`230 000023`).
        let row_glued = values
            .iter()
            .any(|&ti| looks_glued(&tokens[ti], &self.text[tokens[ti].start..tokens[ti].end]));
        for &ti in values {
            let tok = &tokens[ti];
            let raw = &self.text[tok.start..tok.end];
            let Some(v) = self.solver_value(tok) else {
                // An unreadable value makes any placement a guess.
                return QueuedRun::unreadable(slots, values);
            };
            let digits = raw.len() > 1 && raw.bytes().all(|b| b.is_ascii_digit());
            if looks_glued(tok, raw) || (row_glued && digits) {
                let splits = digit_splits(raw, n);
                if splits.is_empty() {
                    return QueuedRun::unreadable(slots, values);
                }
                alternatives.push(
                    splits
                        .into_iter()
                        .map(|pieces| {
                            pieces
                                .into_iter()
                                .map(|(a, b)| {
                                    (
                                        raw[a..b].parse::<f64>().unwrap_or(0.0),
                                        tok.start + a,
                                        tok.start + b,
                                    )
                                })
                                .collect()
                        })
                        .collect(),
                );
            } else {
                alternatives.push(vec![vec![(v, tok.start, tok.end)]]);
            }
        }
        let mut choices = Vec::new();
        let mut sources: Vec<Vec<Option<(usize, usize)>>> = Vec::new();
        let mut explicit_choice = None;
        let mut sequence: Vec<Sourced> = Vec::new();
        let complete = expand(&alternatives, 0, &mut sequence, &mut |seq| {
            if seq.len() > n {
                return true;
            }
            for place in align::combinations(n, seq.len()) {
                if choices.len() >= MAX_CHOICES {
                    return false;
                }
                let mut vals = vec![0.0; n];
                let mut src = vec![None; n];
                for (i, &slot) in place.iter().enumerate() {
                    vals[slot] = seq[i].0;
                    src[slot] = Some((seq[i].1, seq[i].2));
                }
                if explicit == Some(place.as_slice()) && alternatives.iter().all(|a| a.len() == 1) {
                    explicit_choice = Some(choices.len());
                }
                choices.push(vals);
                sources.push(src);
            }
            true
        });
        if !complete || choices.is_empty() {
            return QueuedRun::unreadable(slots, values);
        }
        QueuedRun {
            run: ShortRun {
                slots: slots.to_vec(),
                choices,
            },
            sources,
            value_tokens: values.to_vec(),
            explicit: explicit_choice,
        }
    }

    /// Columns of a table's organisation group (法人或其他组织), by position in a full row.
    fn group_positions(&self) -> Vec<usize> {
        self.spec
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.group.as_deref() == Some("法人或其他组织"))
            .map(|(i, _)| i)
            .collect()
    }

    /// Where an extra 法人或其他组织 subtotal column stands in rows printed with one value more
    /// than the template has: just before or just after the organisation columns, whichever
    /// the rows' sums agree with (most rows, at least two).
    fn subtotal_column(&self, tokens: &[Token], hits: &[RowHit]) -> Option<usize> {
        let group = self.group_positions();
        let (first, last) = (*group.first()?, *group.last()?);
        let n = self.spec.columns.len();
        let rows: Vec<Vec<f64>> = hits
            .iter()
            .filter(|h| self.spec.row_columns(h.row).count() == n)
            .map(|h| {
                h.slots
                    .iter()
                    .filter(|&&i| tokens[i].is_value())
                    .filter_map(|&i| self.solver_value(&tokens[i]))
                    .collect::<Vec<f64>>()
            })
            .filter(|v| v.len() == n + 1)
            .collect();
        let agree = |at: usize| {
            rows.iter()
                .filter(|v| {
                    let others: Vec<f64> = v
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != at)
                        .map(|(_, x)| *x)
                        .collect();
                    let sum: f64 = group.iter().map(|&g| others[g]).sum();
                    (v[at] - sum).abs() < 1e-6
                })
                .count()
        };
        let (before, after) = (agree(first), agree(last + 1));
        let best = if before > after {
            (first, before)
        } else {
            (last + 1, after)
        };
        (best.1 >= 2 && best.1 * 2 > rows.len()).then_some(best.0)
    }

    fn check_subtotal(
        &mut self,
        tokens: &[Token],
        hit: &RowHit,
        slots: &[(usize, String)],
        values: &[usize],
        sub: usize,
    ) {
        let group = self.group_positions();
        let parts: Vec<f64> = group
            .iter()
            .filter_map(|&g| values.get(g))
            .filter_map(|&i| self.solver_value(&tokens[i]))
            .collect();
        let printed = self.solver_value(&tokens[sub]);
        let sum: f64 = parts.iter().sum();
        let tok = &tokens[sub];
        if printed.is_some_and(|p| (p - sum).abs() < 1e-6) {
            return;
        }
        let keys: Vec<String> = group
            .iter()
            .filter_map(|&g| slots.get(g))
            .map(|(ri, c)| cell_key(&self.spec.id, &self.spec.rows[*ri].key, c))
            .collect();
        self.findings.push(Finding {
            rule: "subtotal".into(),
            severity: Severity::Warning,
            cells: keys,
            message: format!(
                "{}: the printed 法人或其他组织 subtotal {} ≠ {} (the five organisation columns)",
                self.spec.rows[hit.row].short,
                &self.text[tok.start..tok.end],
                crate::model::format_value(sum)
            ),
            span: Some(span_of(self.line_starts, tok.start, tok.end)),
        });
    }

    /// The value a token would have in the solver: NA counts as 0; unreadable is `None`.
    fn solver_value(&self, tok: &Token) -> Option<f64> {
        let raw = &self.text[tok.start..tok.end];
        match value::classify(&raw.split_whitespace().collect::<String>()) {
            Piece::NotApplicable => Some(0.0),
            Piece::Number { value, .. } => Some(value),
            _ => None,
        }
    }

    fn overflow(
        &mut self,
        tokens: &[Token],
        hit: &RowHit,
        slots: &[(usize, String)],
        values: &[usize],
    ) {
        let shown: Vec<&str> = values
            .iter()
            .map(|&i| &self.text[tokens[i].start..tokens[i].end])
            .collect();
        let mut keys = Vec::new();
        for (ri, col) in slots {
            if let Some(cell) = self.table.rows[*ri]
                .cells
                .iter_mut()
                .find(|c| &c.column == col)
            {
                cell.status = CellStatus::Ambiguous;
            }
            keys.push(cell_key(&self.spec.id, &self.spec.rows[*ri].key, col));
        }
        let first = &tokens[values[0]];
        let last = &tokens[values[values.len() - 1]];
        let label = if hit.label == usize::MAX {
            self.spec.title.clone()
        } else {
            self.spec.rows[hit.row].short.clone()
        };
        self.findings.push(Finding {
            rule: "row-overflow".into(),
            severity: Severity::Error,
            cells: keys,
            message: format!(
                "{label}: {} values printed ({}) for {} cells; enter the right ones by hand",
                values.len(),
                shown.join(" "),
                slots.len()
            ),
            span: Some(span_of(self.line_starts, first.start, last.end)),
        });
    }

    fn set_value(
        &mut self,
        (ri, col): &(usize, String),
        (start, end): (usize, usize),
        status: CellStatus,
    ) {
        let raw = self.text[start..end].to_string();
        let column = self
            .spec
            .column(col)
            .expect("slot columns come from the spec");
        let parsed = value::parse(&raw, column.kind, column.unit.as_deref());
        let na = matches!(
            value::classify(&raw.split_whitespace().collect::<String>()),
            Piece::NotApplicable
        );
        let span = span_of(self.line_starts, start, end);
        let Some(cell) = self.table.rows[*ri]
            .cells
            .iter_mut()
            .find(|c| &c.column == col)
        else {
            return;
        };
        cell.raw = Some(raw);
        cell.span = Some(span);
        match parsed {
            Ok(v) => {
                cell.value = v;
                cell.status = status;
            }
            Err(_) if na => {
                cell.value = None;
                cell.status = CellStatus::Na;
            }
            Err(_) => {
                cell.value = None;
                cell.status = CellStatus::Invalid;
            }
        }
    }

    fn solve_short_runs(&mut self, tokens: &[Token]) {
        if self.runs.is_empty() {
            return;
        }
        let identities: Vec<_> = self
            .template
            .identities()
            .iter()
            .filter(|i| i.table == self.spec.id)
            .cloned()
            .collect();
        let runs: Vec<QueuedRun> = std::mem::take(&mut self.runs);
        let solvable: Vec<ShortRun> = runs.iter().map(|q| q.run.clone()).collect();
        let table = &*self.table;
        let fixed = |ri: usize, col: &str| -> Option<f64> {
            let cell = table.rows.get(ri)?.cells.iter().find(|c| c.column == col)?;
            match cell.status {
                CellStatus::Ok | CellStatus::Blank | CellStatus::Na => {
                    Some(cell.value.unwrap_or(0.0))
                }
                _ => None,
            }
        };
        let results = align::solve(&solvable, &identities, &fixed);
        for (queued, mut result) in runs.iter().zip(results) {
            let run = &queued.run;
            if run.choices.is_empty() {
                // No placement can be trusted: show the printed values left-packed and make
                // every cell of the run a question for the reviewer.
                for (si, slot) in run.slots.iter().enumerate() {
                    self.mark_ambiguous(slot, &[]);
                    if let Some(&ti) = queued.value_tokens.get(si) {
                        let tok = &tokens[ti];
                        self.set_value(slot, (tok.start, tok.end), CellStatus::Ambiguous);
                    }
                }
                continue;
            }
            if let Some(exp) = queued.explicit {
                if result.solved && result.placements == [exp] {
                    for (si, slot) in run.slots.iter().enumerate() {
                        if let Some(src) = queued.sources[exp][si] {
                            self.set_value(slot, src, CellStatus::Ok);
                        }
                    }
                    continue;
                }
                // Not confirmed by the identities alone: still a question, shown this way first.
                if let Some(p) = result.placements.iter().position(|&c| c == exp) {
                    result.placements.swap(0, p);
                }
            }
            for (si, slot) in run.slots.iter().enumerate() {
                let mut distinct: Vec<Option<f64>> = Vec::new();
                for &c in &result.placements {
                    let v = queued.sources[c][si].map(|_| run.choices[c][si]);
                    if !distinct.contains(&v) {
                        distinct.push(v);
                    }
                }
                let first = result
                    .placements
                    .first()
                    .and_then(|&c| queued.sources[c][si]);
                if distinct.len() == 1 {
                    if let Some(src) = first {
                        self.set_value(slot, src, CellStatus::Inferred);
                    }
                } else {
                    self.mark_ambiguous(slot, &distinct);
                    if let Some(src) = first {
                        self.set_value(slot, src, CellStatus::Ambiguous);
                    }
                }
            }
        }
    }

    fn mark_ambiguous(&mut self, (ri, col): &(usize, String), candidates: &[Option<f64>]) {
        if let Some(cell) = self.table.rows[*ri]
            .cells
            .iter_mut()
            .find(|c| &c.column == col)
        {
            cell.status = CellStatus::Ambiguous;
            cell.value = None;
            cell.candidates = candidates.to_vec();
        }
    }
}
