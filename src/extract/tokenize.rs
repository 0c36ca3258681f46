//! Table region → tokens (text, value, empty cell), each with its byte span.
//!
//! Three cell styles come out of document conversion, told apart per region:
//! - pipe: cells separated by `|`, either a row per line or a cell per line; newlines inside a
//!   cell are just white space;
//! - tab: Word output, a cell per line starting with a tab, continuation lines without one,
//!   blank lines between rows, a lone tab for an explicit empty cell;
//! - plain: neither; each line is split on white space.

// A cell is a list of byte ranges (Word cells continue over lines); one range is the usual case.
#![allow(clippy::single_range_in_vec_init)]

use std::ops::Range;

use crate::value::{classify, Piece};

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// Label, heading or prose, normalised (width folded, white space and artefacts removed).
    Text(String),
    /// A number or not-applicable mark; the raw text is the token's span.
    Value,
    /// An explicit empty cell.
    Empty,
}

/// A token with its byte span in the decoded text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// A value that was glued to the text before it (`行政规范性文件8855698`): likely several
    /// cells that lost their separators.
    pub glued: bool,
}

impl Token {
    /// Whether this token is a value.
    pub fn is_value(&self) -> bool {
        matches!(self.kind, TokenKind::Value)
    }

    /// The normalised text of a text token.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            TokenKind::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// Tokenizes `text[range]`.
pub fn tokenize(text: &str, range: Range<usize>) -> Vec<Token> {
    let masked = mask_page_furniture(text, range.clone());
    let text = masked.as_deref().unwrap_or(text);
    let region = &text[range.clone()];
    let mut scratch = Scratch::default();
    if region.contains('|') {
        // Cells go straight to tokens: merged headers print long runs of empty cells, and
        // storing each one first cost more than reading it.
        let cells = region.bytes().filter(|&b| b == b'|').count() + 1;
        let mut out = Vec::with_capacity(cells);
        let mut start = range.start;
        for (at, b) in region.bytes().enumerate() {
            if b == b'|' {
                let end = range.start + at;
                if is_blank(&text.as_bytes()[start..end]) {
                    push_empty(&mut out, start, &mut scratch);
                } else {
                    cell_tokens(text, &[start..end], &mut out, &mut scratch);
                }
                start = end + 1;
            }
        }
        cell_tokens(text, &[start..range.end], &mut out, &mut scratch);
        return out;
    }
    let mut cells = Cells::default();
    if region.lines().any(|l| l.starts_with('\t')) {
        tab_cells(region, range.start, &mut cells);
    } else if region.lines().any(|l| l.trim().contains('\t')) {
        // Rows with tab-separated fields on one line (HTML tables copied as text): every
        // field, the empty ones too, is a cell.
        let mut out = Vec::new();
        for (off, line) in line_ranges(region) {
            let mut at = range.start + off;
            for field in line.split('\t') {
                let end = at + field.len();
                if is_blank(field.as_bytes()) {
                    if line.trim().contains('\t') && end < range.start + off + line.len() {
                        push_empty(&mut out, at, &mut scratch);
                    }
                } else {
                    cell_tokens(text, &[at..end], &mut out, &mut scratch);
                }
                at = end + 1;
            }
        }
        return out;
    } else {
        for (off, line) in line_ranges(region) {
            cells.open(range.start + off..range.start + off + line.len());
        }
    }
    let mut out = Vec::with_capacity(cells.len());
    for cell in cells.iter() {
        cell_tokens(text, cell, &mut out, &mut scratch);
    }
    out
}

/// Cells as byte ranges, flat: most cells are one range, and a `Vec` per cell was the
/// tokenizer's main allocation.
#[derive(Default)]
struct Cells {
    segments: Vec<Range<usize>>,
    /// Index into `segments` where each cell starts.
    starts: Vec<usize>,
}

impl Cells {
    /// Starts a new cell with its first range.
    fn open(&mut self, seg: Range<usize>) {
        self.starts.push(self.segments.len());
        self.segments.push(seg);
    }

    /// Adds a continuation range to the last cell (Word cells go on over lines).
    fn extend_last(&mut self, seg: Range<usize>) {
        if self.starts.is_empty() {
            self.open(seg);
        } else {
            self.segments.push(seg);
        }
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    fn iter(&self) -> impl Iterator<Item = &[Range<usize>]> {
        self.starts.iter().enumerate().map(|(i, &s)| {
            let e = self
                .starts
                .get(i + 1)
                .copied()
                .unwrap_or(self.segments.len());
            &self.segments[s..e]
        })
    }
}

/// Buffers reused from cell to cell.
#[derive(Default)]
struct Scratch {
    pieces: Vec<(usize, usize)>,
    kept: Vec<(usize, usize)>,
    /// Empty cells in a row just before the next token.
    empty_run: usize,
    /// Text and value parts of a piece that mixes them (see `split_mixed`).
    parts: Vec<(usize, usize, bool)>,
}

/// Empty cells in a row beyond this many are not kept: more than any table row has cells
/// (15) with its padding slack (3), such a run can only be merged-header structure, and every
/// reading of it is the same as of this many. Seed 001 prints 50 to a line, 1,265 in all,
/// and each one cost every later pass over the tokens.
pub const EMPTY_RUN_KEPT: usize = 19;

/// Adds an empty-cell token at `at`, unless the run it ends is already `EMPTY_RUN_KEPT` long.
fn push_empty(out: &mut Vec<Token>, at: usize, scratch: &mut Scratch) {
    scratch.empty_run += 1;
    if scratch.empty_run <= EMPTY_RUN_KEPT {
        out.push(Token {
            kind: TokenKind::Empty,
            start: at,
            end: at,
            glued: false,
        });
    }
}

fn footer_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^[\s|]*(?:[-—–－]\s*[0-9０-９]+\s*[-—–－]|第\s*[0-9０-９]+\s*页(?:\s*[,，/]?\s*共\s*[0-9０-９]+\s*页)?|[0-9０-９]+\s*/\s*[0-9０-９]+)[\s|]*$",
        )
        .expect("footer pattern compiles")
    })
}

/// Page footers inside a table (`- 3 -`, `第 3 页`, `3/12`), blanked to spaces of the same
/// length so every span still points at the same bytes; `None` when there are none.
fn mask_page_furniture(text: &str, range: Range<usize>) -> Option<String> {
    let mut masked: Option<String> = None;
    for (off, line) in line_ranges(&text[range.clone()]) {
        if could_be_footer(line) && footer_re().is_match(line) {
            let at = range.start + off;
            let m = masked.get_or_insert_with(|| text.to_string());
            m.replace_range(at..at + line.len(), &" ".repeat(line.len()));
        }
    }
    masked
}

/// Whether a line has only the characters a page footer is written with, and one of the
/// marks every footer form has: the cheap test before the footer pattern, which would
/// otherwise run on every line of every table.
fn could_be_footer(line: &str) -> bool {
    let mut mark = false;
    for c in line.chars() {
        match c {
            '-' | '—' | '–' | '－' | '/' | '第' => mark = true,
            '0'..='9' | '０'..='９' | '|' | '页' | '共' | ',' | '，' => {}
            c if c.is_whitespace() => {}
            _ => return false,
        }
    }
    mark
}

/// Each line of `s` with its byte offset.
pub(crate) fn line_ranges(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let ends = memchr::memchr_iter(b'\n', s.as_bytes()).chain(std::iter::once(s.len()));
    let mut start = 0;
    ends.map(move |end| {
        let line = (start, &s[start..end]);
        start = end + 1;
        line
    })
}

fn tab_cells(region: &str, base: usize, cells: &mut Cells) {
    // Whether the previous line was part of a cell that a following untabbed line continues.
    let mut open = false;
    for (off, line) in line_ranges(region) {
        if line.trim().is_empty() && !line.contains('\t') {
            open = false;
            continue;
        }
        if let Some(rest) = line.strip_prefix('\t') {
            let mut pos = off + 1;
            for part in rest.split('\t') {
                cells.open(base + pos..base + pos + part.len());
                pos += part.len() + 1;
            }
            open = true;
        } else if open {
            cells.extend_last(base + off..base + off + line.len());
        } else {
            cells.open(base + off..base + off + line.len());
            open = true;
        }
    }
}

/// Whether a cell holds nothing but ASCII white space: most cells of a pipe table, whose
/// merged headers leave long runs of them, are.
fn is_blank(cell: &[u8]) -> bool {
    cell.iter().all(|b| matches!(b, b'\t'..=b'\r' | b' '))
}

/// Splits a cell into pieces on white space; neighbouring text pieces join into one token.
fn cell_tokens(text: &str, cell: &[Range<usize>], out: &mut Vec<Token>, scratch: &mut Scratch) {
    if let [seg] = cell {
        if is_blank(&text.as_bytes()[seg.clone()]) {
            push_empty(out, seg.start, scratch);
            return;
        }
    }
    let pieces = &mut scratch.pieces;
    pieces.clear();
    for seg in cell {
        let s = &text[seg.clone()];
        let mut in_piece: Option<usize> = None;
        let mut i = 0;
        while i < s.len() {
            let (len, space) = char_at(s, i);
            if space {
                if let Some(st) = in_piece.take() {
                    pieces.push((seg.start + st, seg.start + i));
                }
            } else if in_piece.is_none() {
                in_piece = Some(i);
            }
            i += len;
        }
        if let Some(st) = in_piece {
            pieces.push((seg.start + st, seg.end));
        }
    }
    // Word's bookmarks are the only artefacts, and each starts with a bracket.
    let pieces = if cell
        .iter()
        .any(|seg| text.as_bytes()[seg.clone()].contains(&b'['))
    {
        drop_artefacts(text, pieces, &mut scratch.kept);
        &scratch.kept
    } else {
        &scratch.pieces
    };
    if pieces.is_empty() {
        let at = cell.first().map_or(0, |r| r.start);
        push_empty(out, at, scratch);
        return;
    }
    scratch.empty_run = 0;
    let first_new = out.len();
    for &(start, end) in pieces {
        let piece = &text[start..end];
        match classify(piece) {
            Piece::Number { .. } | Piece::NotApplicable => out.push(Token {
                kind: TokenKind::Value,
                start,
                end,
                glued: false,
            }),
            Piece::Unit(_) if out.len() > first_new && out.last().is_some_and(|t| t.is_value()) => {
                // `27326.00 万元`: the unit belongs to the number before it.
                if let Some(last) = out.last_mut() {
                    last.end = end;
                }
            }
            Piece::Text if split_mixed(piece, &mut scratch.parts) => {
                // `规章000行政规范性文件008`, `00（二）部分公开…00`: flattening glued figures
                // and labels into one piece. A figure touching text may be several cells.
                for &(s, e, value) in &scratch.parts {
                    let (s, e) = (start + s, start + e);
                    if value {
                        out.push(Token {
                            kind: TokenKind::Value,
                            start: s,
                            end: e,
                            glued: true,
                        });
                    } else {
                        push_text(out, &text[s..e], s, e, out.len() > first_new);
                    }
                }
            }
            Piece::Unit(_) | Piece::Text => {
                push_text(out, piece, start, end, out.len() > first_new);
            }
        }
    }
}

/// Adds a text piece, joining it to the text token before it when both are in one cell. A
/// label's ordinal inside the piece (`(三)不予公开1.属于国家秘密`, `…申请3.其他(七)总计`, as
/// a flattened table runs labels together) starts a token of its own.
fn push_text(out: &mut Vec<Token>, piece: &str, start: usize, end: usize, in_cell: bool) {
    let mut from = 0;
    // A piece that opens with an ordinal starts a label even after other text of its line.
    let mut join = in_cell && !starts_with_ordinal(piece);
    for cut in inner_ordinals(piece) {
        push_text_part(out, &piece[from..cut], start + from, start + cut, join);
        from = cut;
        join = false;
    }
    push_text_part(out, &piece[from..], start + from, end, join);
}

/// Whether a piece opens with a label's ordinal (`一、本年新收…`, `(三)不予公开`, `1.属于…`).
fn starts_with_ordinal(piece: &str) -> bool {
    let mut chars = piece.chars();
    let c = chars.next();
    c.is_some_and(|c| ordinal_at(None, c, chars.next(), chars.next()))
}

/// Byte offsets after the start of `piece` where a label's ordinal begins: `(一)`, `（1）`,
/// `1.` or `1、` before a Chinese character, `一、` not after another numeral; never after `第`
/// (`第二十条第(一)项`).
fn inner_ordinals(piece: &str) -> impl Iterator<Item = usize> + '_ {
    let mut prev: Option<char> = None;
    piece.char_indices().filter_map(move |(i, c)| {
        let before = prev.replace(c)?;
        let mut rest = piece[i + c.len_utf8()..].chars();
        ordinal_at(Some(before), c, rest.next(), rest.next()).then_some(i)
    })
}

/// Whether an ordinal starts at `c`, given the character before it and the two after it.
fn ordinal_at(before: Option<char>, c: char, n1: Option<char>, n2: Option<char>) -> bool {
    let numeral = |c: char| {
        matches!(
            c,
            '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
        )
    };
    let han = |x: Option<char>| x.is_some_and(|x| ('\u{4e00}'..='\u{9fff}').contains(&x));
    if before == Some('第') {
        return false;
    }
    match c {
        '(' | '（' => {
            n1.is_some_and(|n| numeral(n) || n.is_ascii_digit()) && matches!(n2, Some(')' | '）'))
        }
        '0'..='9' => {
            !before.is_some_and(|b| b.is_ascii_digit())
                && matches!(n1, Some('.' | '．' | '、'))
                && han(n2)
        }
        c if numeral(c) => !before.is_some_and(numeral) && n1 == Some('、') && han(n2),
        _ => false,
    }
}

fn push_text_part(out: &mut Vec<Token>, piece: &str, start: usize, end: usize, in_cell: bool) {
    if piece.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(Token {
            kind: TokenKind::Text(prev),
            end: prev_end,
            ..
        }) if in_cell => {
            push_normalized(piece, prev);
            *prev_end = end;
        }
        _ => out.push(Token {
            kind: TokenKind::Text(normalize_label(piece)),
            start,
            end,
            glued: false,
        }),
    }
}

/// Characters that, right after a figure, make it prose rather than a cell: dates, counts
/// with their measure word, shares (`2023年`, `509条`, `21.02%`). No label of either format
/// starts with one (a test holds the templates to that).
pub(crate) const PROSE_AFTER_FIGURE: &[char] = &[
    '年', '月', '日', '号', '时', '周', '条', '件', '个', '次', '项', '人', '家', '份', '篇', '%',
    '％', '倍', '天', '期', '批', '名', '余', '多', '万', '亿', '千', '百',
];

/// Words that make the figure after them an estimate (`约3万`), never a table figure.
const APPROXIMATELY: &[char] = &['约', '近', '超', '逾', '达'];

/// The byte length of the digit at `b[i]`: 1 for ASCII, 3 for a full-width digit (`０`–`９`),
/// 0 for anything else or past the end.
fn digit_len(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(d) if d.is_ascii_digit() => 1,
        Some(0xEF)
            if b.get(i + 1) == Some(&0xBC)
                && b.get(i + 2).is_some_and(|d| (0x90..=0x99).contains(d)) =>
        {
            3
        }
        _ => 0,
    }
}

/// Splits a white-space-free piece that mixes text and figures into text and value parts
/// (byte ranges with `true` for values) in `parts`; `false` when it holds no figure that
/// stands apart. A digit before `.` or `、` and a Chinese character is a label's ordinal
/// (`…0 002.其他法律…` is `00` then `2.其他法律…`); a figure followed by a prose measure
/// word stays text; `万元` and `元` after a figure are its unit.
fn split_mixed(piece: &str, parts: &mut Vec<(usize, usize, bool)>) -> bool {
    parts.clear();
    let b = piece.as_bytes();
    let mut i = 0;
    let mut text_from = 0;
    let mut any_value = false;
    while i < b.len() {
        if digit_len(b, i) == 0 {
            i += utf8_len(b[i]);
            continue;
        }
        let run_start = i;
        let mut last_digit = i;
        while digit_len(b, i) > 0 {
            last_digit = i;
            i += digit_len(b, i);
        }
        // A decimal part: `5949.09`.
        let point = match b.get(i) {
            Some(b'.') => 1,
            Some(0xEF) if b.get(i + 1..i + 3) == Some(&[0xBC, 0x8E]) => 3,
            _ => 0,
        };
        if point > 0 && digit_len(b, i + point) > 0 {
            i += point;
            while digit_len(b, i) > 0 {
                i += digit_len(b, i);
            }
        }
        let mut run_end = i;
        let next = piece[i..].chars().next();
        let after_next = next.and_then(|c| piece[i + c.len_utf8()..].chars().next());
        let ordinal = matches!(next, Some('.' | '．' | '、'))
            && after_next.is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace())
            && !piece[run_start..run_end].contains(['.', '．']);
        let prev = piece[..run_start].chars().next_back();
        if ordinal {
            // The last digit opens the next label; the digits before it are figures.
            run_end = last_digit;
            if run_end == run_start {
                continue;
            }
        } else if piece[i..].starts_with("万元") {
            i += "万元".len();
        } else if piece[i..].starts_with('元') {
            i += '元'.len_utf8();
        } else if next.is_some_and(|c| PROSE_AFTER_FIGURE.contains(&c))
            || prev.is_some_and(|c| APPROXIMATELY.contains(&c))
        {
            // `509条`, `约3万`: prose, or a word printed in a figure cell (invalid, not 3).
            continue;
        }
        let value_end = if ordinal { run_end } else { i };
        // A figure after `第` (`第2页`), inside a Latin word or in brackets (`（1）`, an
        // ordinal) is not a cell.
        if prev.is_some_and(|c| c == '第' || c.is_ascii_alphabetic())
            || (matches!(prev, Some('(' | '（')) && matches!(next, Some(')' | '）')))
        {
            continue;
        }
        // A sign belongs to its figure (`行政处罚2648-18538`: 2648 and −18538; `减12`).
        let mut value_start = run_start;
        if let Some(sign @ ('-' | '+' | '减' | '增')) = prev {
            if run_start - sign.len_utf8() >= text_from {
                value_start -= sign.len_utf8();
            }
        }
        if text_from < value_start {
            parts.push((text_from, value_start, false));
        }
        parts.push((value_start, value_end, true));
        any_value = true;
        text_from = value_end;
    }
    if !any_value {
        parts.clear();
        return false;
    }
    if text_from < b.len() {
        parts.push((text_from, b.len(), false));
    }
    true
}

/// Removes Word's `[bookmark: _GoBack]` and similar markers, which may be split into pieces.
fn drop_artefacts(text: &str, pieces: &[(usize, usize)], out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut skipping = false;
    for &(s, e) in pieces {
        let p = &text[s..e];
        if skipping {
            if let Some(close) = p.find(']') {
                skipping = false;
                if close + 1 < p.len() {
                    out.push((s + close + 1, e));
                }
            }
            continue;
        }
        // A byte test first: a substring search per piece was the tokenizer's main cost.
        if let Some(open) = p.contains('[').then(|| p.find("[bookmark:")).flatten() {
            if open > 0 {
                out.push((s, s + open));
            }
            match p[open..].find(']') {
                Some(close) if open + close + 1 < p.len() => out.push((s + open + close + 1, e)),
                Some(_) => {}
                None => skipping = true,
            }
            continue;
        }
        out.push((s, e));
    }
}

/// Normalises a label for matching: width folded, white space dropped, quotes unified.
pub fn normalize_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_normalized(s, &mut out);
    out
}

/// Appends [`normalize_label`] of `s` to `out`. It runs on every text piece of every table, so
/// it copies runs of characters that need no change whole and decodes only the few whose
/// first byte could start one that does (white space, quotes, full-width forms, the minus).
pub fn push_normalized(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let mut plain_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !matches!(
            b,
            b'\t'..=b'\r' | b' ' | b'\'' | 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF
        ) {
            // A whole character at a time: labels are mostly three-byte Chinese.
            i += utf8_len(b);
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        let mapped = normalized_char(c);
        if mapped != Some(c) {
            out.push_str(&s[plain_from..i]);
            if let Some(m) = mapped {
                out.push(m);
            }
            plain_from = i + len;
        }
        i += len;
    }
    out.push_str(&s[plain_from..]);
}

/// One character of [`normalize_label`]: `None` where it is dropped.
fn normalized_char(c: char) -> Option<char> {
    match crate::value::fold_char(c) {
        c if c.is_whitespace() => None,
        '“' | '”' | '"' | '「' | '」' | '‘' | '’' | '\'' => Some('"'),
        '．' => Some('.'),
        c => Some(c),
    }
}

/// Byte length of the UTF-8 character whose first byte is `b`.
pub(crate) fn utf8_len(b: u8) -> usize {
    match b {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Byte length of the character at `s[i..]` and whether it is white space, decoding only
/// the few first bytes that can start a white-space character.
pub(crate) fn char_at(s: &str, i: usize) -> (usize, bool) {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        return (1, matches!(b, b'\t'..=b'\r' | b' '));
    }
    let len = utf8_len(b);
    let space = matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3)
        && s[i..].chars().next().is_some_and(char::is_whitespace);
    (len, space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_of_empty_cells_are_cut_to_what_any_reading_needs() {
        let text = format!("规章 | 1 |{}| 2", " |".repeat(60));
        let got = kinds(&text);
        let empties = got.iter().filter(|k| *k == "E").count();
        assert_eq!(empties, EMPTY_RUN_KEPT);
        assert_eq!(got.first().map(String::as_str), Some("T:规章"));
        assert_eq!(got[1], "V:1");
        assert_eq!(got.last().map(String::as_str), Some("V:2"));
        // A short run is kept whole: a row's own blank cells.
        assert_eq!(kinds("规章 |  |  | 0"), ["T:规章", "E", "E", "V:0"]);
    }

    #[test]
    fn the_kept_run_is_longer_than_any_row_can_use() {
        // A run this long must read as structure, never as a row's blanks: longer than any
        // table's widest row (or whole run, for a table printed as one) with its padding.
        for template in crate::template::all() {
            for table in &template.tables {
                let widest = match table.layout {
                    crate::template::Layout::Run => (0..table.rows.len())
                        .map(|ri| table.row_cells(ri).count())
                        .sum(),
                    crate::template::Layout::Rows => (0..table.rows.len())
                        .map(|ri| table.row_cells(ri).count())
                        .max()
                        .unwrap_or(0),
                };
                assert!(
                    EMPTY_RUN_KEPT > widest + super::super::place::PADDING_SLACK,
                    "{} {}",
                    template.key,
                    table.id
                );
            }
        }
    }

    fn kinds(text: &str) -> Vec<String> {
        tokenize(text, 0..text.len())
            .into_iter()
            .map(|t| match t.kind {
                TokenKind::Text(s) => format!("T:{s}"),
                TokenKind::Value => format!("V:{}", &text[t.start..t.end]),
                TokenKind::Empty => "E".into(),
            })
            .collect()
    }

    #[test]
    fn pipe_rows_with_trailing_empties() {
        let t = "规章 | 0 | 0 | 0 |\n行政规范性文件 | 11 | 4 | 15 |";
        assert_eq!(
            kinds(t),
            [
                "T:规章",
                "V:0",
                "V:0",
                "V:0",
                "T:行政规范性文件",
                "V:11",
                "V:4",
                "V:15",
                "E"
            ]
        );
    }

    #[test]
    fn pipe_cell_per_line_with_broken_cells() {
        let t = "规范性文件 |\n300\n|\n284 |\n595 |\n第二十条第(五)项 |\n|||";
        assert_eq!(
            kinds(t),
            [
                "T:规范性文件",
                "V:300",
                "V:284",
                "V:595",
                "T:第二十条第(五)项",
                "E",
                "E",
                "E",
                "E"
            ]
        );
    }

    #[test]
    fn tab_cells_with_continuations_and_explicit_empties() {
        let t = "\t（一）予以公开\n\t20\n\t\n\t22\n\n\t结果\n纠正\n";
        assert_eq!(
            kinds(t),
            ["T:(一)予以公开", "V:20", "E", "V:22", "T:结果纠正"]
        );
    }

    #[test]
    fn plain_lines_split_on_white_space() {
        let t = "行政规范性文件  11  4  15\n社会 公益组织";
        assert_eq!(
            kinds(t),
            ["T:行政规范性文件", "V:11", "V:4", "V:15", "T:社会公益组织"]
        );
    }

    #[test]
    fn units_join_numbers_and_artefacts_vanish() {
        let t = "政府集中采购 | 1172 | 27326.00 万元 |\n[bookmark: _GoBack]规章 | 3 |";
        assert_eq!(
            kinds(t),
            [
                "T:政府集中采购",
                "V:1172",
                "V:27326.00 万元",
                "T:规章",
                "V:3",
                "E"
            ]
        );
    }

    #[test]
    fn digits_glued_to_a_label_are_split_off() {
        let t = "行政规范性文件8855698 |\n5.属于三类内部事务信息320000032";
        assert_eq!(
            kinds(t),
            [
                "T:行政规范性文件",
                "V:8855698",
                "T:5.属于三类内部事务信息",
                "V:320000032"
            ]
        );
        let toks = tokenize(t, 0..t.len());
        assert!(toks[1].glued && !toks[0].glued);
        assert_eq!(kinds("2024年 | 第二十条"), ["T:2024年", "T:第二十条"]);
    }

    #[rstest::rstest]
    #[case("规章000行政规范性文件008第二十条", &["T:规章", "V:000", "T:行政规范性文件", "V:008", "T:第二十条"])]
    #[case("0 002.其他法律行政法规禁止公开0", &["V:0", "V:00", "T:2.其他法律行政法规禁止公开", "V:0"])]
    #[case("行政处罚2648-18538", &["T:行政处罚", "V:2648", "V:-18538"])]
    #[case("行政许可30减12", &["T:行政许可", "V:30", "V:减12"])]
    #[case("行政事业性收费5949.09(二)主动公开", &["T:行政事业性收费", "V:5949.09", "T:(二)主动公开"])]
    #[case("收费24.5万元三、收到", &["T:收费", "V:24.5万元", "T:三、收到"])]
    #[case("总数509条,其中2023年共21.02%", &["T:总数509条,其中2023年共21.02%"])]
    #[case("（1）予以公开 5", &["T:(1)予以公开", "V:5"])]
    #[case("见第2页", &["T:见第2页"])]
    #[case("行政许可１０６９０第二十条", &["T:行政许可", "V:１０６９０", "T:第二十条"])]
    #[case("收费５９４９．０９(二)", &["T:收费", "V:５９４９．０９", "T:(二)"])]
    #[case("行政许可约3万", &["T:行政许可约3万"])]
    fn figures_glued_inside_text_stand_apart(#[case] text: &str, #[case] want: &[&str]) {
        assert_eq!(kinds(text), want);
        // Every figure that touched text may be several cells.
        let toks = tokenize(text, 0..text.len());
        for t in toks.iter().filter(|t| t.is_value()) {
            let touches = t.start > 0 && !text[..t.start].ends_with(' ')
                || t.end < text.len() && !text[t.end..].starts_with(' ');
            assert_eq!(t.glued, touches, "{}", &text[t.start..t.end]);
        }
    }

    #[rstest::rstest]
    #[case("(三)不予公开1.属于国家秘密", &["T:(三)不予公开", "T:1.属于国家秘密"])]
    #[case("申请3.其他(七)总计", &["T:申请", "T:3.其他", "T:(七)总计"])]
    #[case("其他 一、本年新收政府信息公开申请数量 7", &["T:其他", "T:一、本年新收政府信息公开申请数量", "V:7"])]
    #[case("第二十条第(一)项信息内容", &["T:第二十条第(一)项信息内容"])]
    #[case("十二、其他 3.危及“三安全”", &["T:十二、其他", "T:3.危及\"三安全\""])]
    fn labels_start_at_their_ordinals(#[case] text: &str, #[case] want: &[&str]) {
        assert_eq!(kinds(text), want);
    }

    #[test]
    fn tab_separated_fields_keep_their_empty_cells() {
        let t = "一、本年新收\t258\t12\t\t\t1\t1\t272\n二、上年结转\t0\t\t\t\t\t\t0\t";
        assert_eq!(
            kinds(t),
            [
                "T:一、本年新收",
                "V:258",
                "V:12",
                "E",
                "E",
                "V:1",
                "V:1",
                "V:272",
                "T:二、上年结转",
                "V:0",
                "E",
                "E",
                "E",
                "E",
                "E",
                "V:0"
            ]
        );
    }

    #[test]
    fn no_label_starts_with_a_prose_measure_word() {
        // Figures followed by these stay prose; a label starting with one would lose its
        // figures.
        for template in crate::template::all() {
            for table in &template.tables {
                let labels = table
                    .rows
                    .iter()
                    .flat_map(|r| std::iter::once(&r.label).chain(&r.variants))
                    .chain(table.columns.iter().map(|c| &c.label));
                for label in labels {
                    let first = label.chars().next().unwrap();
                    assert!(!PROSE_AFTER_FIGURE.contains(&first), "{label}");
                }
            }
        }
    }

    #[test]
    fn page_footers_inside_a_table_are_ignored() {
        let t = "规章 | 0 | 0 |\n- 3 -\n第 4 页 共 9 页\n行政规范性文件 | 11 | 4 |";
        assert_eq!(
            kinds(t),
            [
                "T:规章",
                "V:0",
                "V:0",
                "T:行政规范性文件",
                "V:11",
                "V:4",
                "E"
            ]
        );
    }

    #[test]
    fn spans_point_at_the_value_bytes() {
        let t = "（七）总计 | ２２ |";
        let toks = tokenize(t, 0..t.len());
        let v = toks.iter().find(|t| t.is_value()).unwrap();
        assert_eq!(&t[v.start..v.end], "２２");
    }

    /// The character-by-character definition the byte-level [`normalize_label`] must equal.
    fn normalize_reference(s: &str) -> String {
        s.chars().filter_map(normalized_char).collect()
    }

    #[test]
    fn normalizing_folds_widths_drops_spaces_and_unifies_quotes() {
        assert_eq!(
            normalize_label("（一）\u{3000}予以 公开\u{a0}“三安全”‘x’「y」－１．５\u{2212}"),
            "(一)予以公开\"三安全\"\"x\"\"y\"-1.5-"
        );
    }

    proptest::proptest! {
        #[test]
        fn byte_level_normalizing_equals_the_definition(
            s in "[ \\t\\n\\r\\x0b\\x0c\\u{85}\\u{a0}\\u{1680}\\u{2000}-\\u{200b}\\u{2028}\\u{2029}\\u{202f}\\u{205f}\\u{3000}\\u{2212}\\u{ff01}-\\u{ff60}“”‘’「」'\"a-z0-9一二予以公开（）|¥©€]{0,40}"
        ) {
            proptest::prop_assert_eq!(normalize_label(&s), normalize_reference(&s));
        }

        #[test]
        fn every_footer_passes_the_cheap_test(
            s in "[ |\\t\\u{3000}]{0,2}(- ?[0-9]{1,3} ?-|第 ?[０-９0-9]{1,2} ?页( ?[,，/]? ?共 ?[0-9]{1,2} ?页)?|[0-9]{1,2} ?/ ?[0-9]{1,2})[ |]{0,2}"
        ) {
            proptest::prop_assert!(footer_re().is_match(&s), "generator makes footers: {}", s);
            proptest::prop_assert!(could_be_footer(&s));
        }

        #[test]
        fn white_space_is_found_as_char_is_whitespace_finds_it(s in "\\PC{0,30}") {
            let mut i = 0;
            for c in s.chars() {
                let (len, space) = char_at(&s, i);
                proptest::prop_assert_eq!((len, space), (c.len_utf8(), c.is_whitespace()));
                i += len;
            }
        }
    }
}
