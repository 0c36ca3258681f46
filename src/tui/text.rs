//! Measuring and cutting text for the terminal: display widths (Chinese is two columns, and
//! ambiguous-width characters two under `--ambiguous-width 2`), ASCII look-alikes, wrapping
//! that never cuts a figure. No state here; `layout`, `status` and `view` build on it.

use unicode_width::UnicodeWidthChar;

use super::app::App;

/// Text as the panes may draw it: ambiguous-width characters replaced only when they could
/// misalign (`--ambiguous-width 2` or `--ascii`).
pub fn screen_text(app: &App, s: &str) -> String {
    if app.options.ambiguous_wide || app.options.ascii {
        width_safe(s)
    } else {
        s.to_string()
    }
}

/// Width of a character on this terminal.
pub fn char_width(c: char, ambiguous_wide: bool) -> usize {
    if ambiguous_wide {
        c.width_cjk().unwrap_or(0)
    } else {
        c.width().unwrap_or(0)
    }
}

/// Text with East-Asian ambiguous-width characters replaced by ASCII look-alikes, so its width
/// is the same whatever the terminal's locale.
pub fn width_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '“' | '”' | '„' => out.push('"'),
            '‘' | '’' => out.push('\''),
            '…' => out.push_str("..."),
            '·' | '•' => out.push('.'),
            '—' | '–' | '―' => out.push('-'),
            '×' => out.push('x'),
            '①'..='⑳' => out.push_str(&format!("({})", c as u32 - '①' as u32 + 1)),
            '─' | '━' => out.push('-'),
            '│' | '┃' => out.push('|'),
            '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' => out.push('+'),
            '°' => out.push('o'),
            '↑' => out.push('^'),
            '↓' => out.push('v'),
            '←' => out.push('<'),
            '→' => out.push('>'),
            c if c.width().unwrap_or(0) != c.width_cjk().unwrap_or(0) => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// `s` within `width` columns, its middle replaced by `~` when too long, so the start and
/// the end (where two reports' names differ) both stay.
pub fn truncate_middle(s: &str, width: usize) -> String {
    if str_width(s, false) <= width {
        return s.to_string();
    }
    let room = width.saturating_sub(1);
    let (head_w, tail_w) = (room - room / 2, room / 2);
    let mut head = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c, false);
        if w + cw > head_w {
            break;
        }
        head.push(c);
        w += cw;
    }
    let mut tail: Vec<char> = Vec::new();
    let mut w = 0;
    for c in s.chars().rev() {
        let cw = char_width(c, false);
        if w + cw > tail_w {
            break;
        }
        tail.push(c);
        w += cw;
    }
    head.push('~');
    head.extend(tail.into_iter().rev());
    head
}

/// Display width of a string on this terminal.
pub fn str_width(s: &str, ambiguous_wide: bool) -> usize {
    s.chars().map(|c| char_width(c, ambiguous_wide)).sum()
}

/// Wraps text into visual lines of at most `width` columns: (source line index, byte range).
pub fn wrap(
    text: &str,
    width: usize,
    ambiguous_wide: bool,
) -> Vec<(usize, std::ops::Range<usize>)> {
    let width = width.max(4);
    let mut out = Vec::new();
    let mut offset = 0;
    for (li, line) in text.split('\n').enumerate() {
        let mut start = 0;
        let mut w = 0;
        for (i, c) in line.char_indices() {
            let cw = if c == '\t' {
                4
            } else {
                char_width(c, ambiguous_wide)
            };
            if w + cw > width && i > start {
                // Never inside a figure: a one-line report is mostly glued digits, and a
                // figure cut over two lines reads as two. A figure wider than the pane is cut.
                let mut cut = i;
                let digit = |b: u8| b.is_ascii_digit() || b == b'.';
                if digit(line.as_bytes()[i]) {
                    while cut > start && digit(line.as_bytes()[cut - 1]) {
                        cut -= 1;
                    }
                    if cut == start {
                        cut = i;
                    }
                }
                out.push((li, offset + start..offset + cut));
                w = str_width(&line[cut..i], ambiguous_wide);
                start = cut;
            }
            w += cw;
        }
        out.push((li, offset + start..offset + line.len()));
        offset += line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_in_the_middle_and_stay_distinct() {
        let a = truncate_middle("宝塔区人民政府办公室政府信息公开工作年度报告2023.txt", 24);
        let b = truncate_middle("宝塔区人民政府办公室政府信息公开工作年度报告2024.txt", 24);
        assert_ne!(a, b);
        assert!(str_width(&a, false) <= 24, "{a}");
        assert!(
            a.starts_with("宝塔区") && a.ends_with("2023.txt") && a.contains('~'),
            "{a}"
        );
        assert_eq!(truncate_middle("short.txt", 24), "short.txt");
    }

    #[test]
    fn wrap_never_cuts_a_figure() {
        // At eight columns 性文件 (six) would be followed by 88 and the line cut inside
        // 8855698.
        let text = "规章000行政规范性文件8855698";
        let lines = wrap(text, 8, false);
        let parts: Vec<&str> = lines.iter().map(|(_, r)| &text[r.clone()]).collect();
        assert_eq!(parts, ["规章000", "行政规范", "性文件", "8855698"]);
        for w in parts.windows(2) {
            let ends = w[0].ends_with(|c: char| c.is_ascii_digit());
            let starts = w[1].starts_with(|c: char| c.is_ascii_digit());
            assert!(!(ends && starts), "{parts:?}");
        }
        // A figure wider than the pane is cut, not looped on.
        let long = wrap("12345678", 4, false);
        assert_eq!(long.len(), 2);
    }

    #[test]
    fn wrap_counts_chinese_as_two_columns() {
        let lines = wrap("一二三四五六\nab", 6, false);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], (0, 0..9));
        assert_eq!(lines[2], (1, 19..21));
    }

    #[test]
    fn ambiguous_characters_become_ascii() {
        assert_eq!(
            width_safe("3.危及“三安全一稳定”①"),
            "3.危及\"三安全一稳定\"(1)"
        );
        for c in "“”…·①─│↑→".chars() {
            let safe = width_safe(&c.to_string());
            assert_eq!(str_width(&safe, false), str_width(&safe, true), "{c}");
        }
    }
}
