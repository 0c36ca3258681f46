//! Plain-text views of a report: the compact grid (for `show` and tests) and `check`'s summary.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::model::{format_value, Cell, CellStatus, Report, Severity};

/// One cell in compact notation: `12`, `_` blank, `/` n/a, `12*` inferred, `12?` ambiguous,
/// `!raw` invalid, `-` missing.
///
/// ```
/// use tablereview::model::{Cell, CellStatus};
/// use tablereview::summary::cell_text;
/// let mut cell = Cell::missing("total");
/// assert_eq!(cell_text(&cell), "-");
/// cell.value = Some(591.0);
/// cell.status = CellStatus::Inferred;
/// assert_eq!(cell_text(&cell), "591*");
/// ```
pub fn cell_text(cell: &Cell) -> String {
    let v = || cell.value.map(format_value).unwrap_or_else(|| "_".into());
    match cell.status {
        CellStatus::Ok => v(),
        CellStatus::Blank => "_".into(),
        CellStatus::Na => "/".into(),
        CellStatus::Inferred => format!("{}*", v()),
        CellStatus::Ambiguous => format!("{}?", v()),
        CellStatus::Invalid => format!("!{}", cell.raw.as_deref().unwrap_or("")),
        CellStatus::Missing => "-".into(),
        CellStatus::Edited | CellStatus::Confirmed => v(),
    }
}

/// The report's grid, a line per row: `table.row: v v v`.
pub fn compact_grid(report: &Report) -> String {
    let mut out = String::new();
    for t in &report.tables {
        for r in &t.rows {
            let cells: Vec<String> = r.cells.iter().map(cell_text).collect();
            let _ = writeln!(out, "{}.{}: {}", t.id, r.key, cells.join(" "));
        }
    }
    out
}

/// Pads `s` with spaces to `width` terminal columns (Chinese characters count two).
pub fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// A readable grid with Chinese labels, aligned by display width.
pub fn labelled_grid(report: &Report) -> String {
    let mut out = String::new();
    for t in &report.tables {
        let _ = writeln!(
            out,
            "{} {}{}",
            t.id,
            t.title,
            if t.found { "" } else { "  (not found)" }
        );
        let label_w = t
            .rows
            .iter()
            .map(|r| UnicodeWidthStr::width(truncate(&r.label, 30).as_str()))
            .max()
            .unwrap_or(0);
        for r in &t.rows {
            let cells: Vec<String> = r
                .cells
                .iter()
                .map(|c| format!("{:>8}", cell_text(c)))
                .collect();
            let _ = writeln!(
                out,
                "  {} {}",
                pad(&truncate(&r.label, 30), label_w),
                cells.join("")
            );
        }
    }
    out
}

/// Cuts `s` to at most `width` display columns, marking the cut with `~` (never an
/// ambiguous-width character, so alignment holds in every terminal).
pub fn truncate(s: &str, width: usize) -> String {
    if UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for ch in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(ch);
        w += cw;
    }
    out.push('~');
    out
}

/// `s` with control characters escaped (`\u{1b}`), for printing names and paths: a file name
/// or a title holding terminal escapes must not act on the terminal.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `check`'s human summary of one report.
pub fn check_summary(report: &Report, show_warnings: bool) -> String {
    let mut out = String::new();
    let (e, w) = (report.errors(), report.warnings());
    let _ = writeln!(
        out,
        "{}: {} {} {} — {} error{}, {} warning{}",
        printable(&report.source.path),
        printable(
            report
                .report
                .organization
                .as_deref()
                .unwrap_or("(organisation unknown)")
        ),
        report
            .report
            .year
            .map_or_else(|| "(year unknown)".to_string(), |y| y.to_string()),
        report.template,
        e,
        if e == 1 { "" } else { "s" },
        w,
        if w == 1 { "" } else { "s" },
    );
    let mut findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| show_warnings || f.severity == Severity::Error)
        .collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "  {sev}[{}] {}", f.rule, f.message);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_control_characters_only() {
        assert_eq!(printable("a/某县.txt"), "a/某县.txt");
        assert_eq!(printable("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\\u{a}c");
    }

    #[test]
    fn padding_counts_chinese_as_two_columns() {
        assert_eq!(pad("总计", 6), "总计  ");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(
            UnicodeWidthStr::width(pad("（一）予以公开", 20).as_str()),
            20
        );
    }

    #[test]
    fn truncation_respects_display_width() {
        let t = truncate("（二）部分公开（区分处理的）", 10);
        assert!(UnicodeWidthStr::width(t.as_str()) <= 10, "{t}");
        assert!(t.ends_with('~'));
    }
}
