//! The status line under the panes: what the selected cell is, holds and is accused of. A
//! function of the state, shared by `view` (to draw it) and `layout` (which gives it a
//! second line when a finding does not fit in one).

use super::app::App;
use super::text::{char_width, screen_text, str_width};
use crate::check::cell_name;
use crate::model::{format_value, CellStatus};

/// The status line's text: the selected cell, its value, source, status, what the prose
/// says and its most serious finding, in full (it may need two lines, or more).
pub fn text(app: &App) -> String {
    let s = app.options.lang.strings();
    let (Some(doc), Some(key)) = (app.doc(), app.cursor_key()) else {
        return String::new();
    };
    let Some(cell) = doc.current.cell(&key) else {
        return String::new();
    };
    let spec = &doc.template.tables[app.cursor.table];
    let name = cell_name(spec, app.cursor.row, &cell.column);
    let value = cell
        .value
        .map(format_value)
        .unwrap_or_else(|| s.blank.into());
    let mut parts = vec![format!("{name} = {value}")];
    if let Some(raw) = &cell.raw {
        parts.push(format!("{} “{raw}”", s.raw));
    }
    if let Some(note) = doc.note(&key) {
        parts.push(format!("{} “{note}”", s.note_word));
    }
    match cell.place {
        // A PDF's value: its page and the box of its characters, to find it on the page.
        Some(crate::model::DocPlace { page: Some(b), .. }) => {
            let [before, after] = s.page;
            parts.push(format!(
                "{before}{}{after} · x {}–{} · y {}–{}",
                b.page, b.x0, b.x1, b.y0, b.y1
            ));
        }
        Some(p) => {
            let [t, r, c] = s.place;
            parts.push(format!("{t} {} · {r} {} · {c} {}", p.table, p.row, p.col));
        }
        None => {}
    }
    let lang = app.options.lang;
    parts.push(super::wording::status_name(lang, cell.status));
    // What the prose says about this cell: a suggestion, or a statement it takes part in.
    if let Some(sug) = &cell.suggestion {
        let v = sug.value.map(format_value).unwrap_or_default();
        parts.push(format!("{} {v} (p)", s.text_says));
    } else if let Some(st) = doc
        .current
        .narrative
        .iter()
        .find(|st| st.cells.contains(&key))
    {
        parts.push(format!("{} “{}”", s.text_says, st.quote));
    }
    if cell.status == CellStatus::Ambiguous && !cell.candidates.is_empty() {
        let c: Vec<String> = cell
            .candidates
            .iter()
            .map(|v| v.map(format_value).unwrap_or_else(|| s.blank.into()))
            .collect();
        parts.push(c.join(" | "));
    }
    // The most serious finding that names the cell, identities first.
    let finding = doc
        .current
        .findings
        .iter()
        .filter(|f| f.cells.contains(&key) && f.dismissed.is_none())
        .max_by_key(|f| (f.severity, f.rule.starts_with('H')));
    // A finding across reports names the other report; shown unless the report's own
    // finding here is an error.
    let across = super::series::related(app).filter(|f| {
        super::series::sides(app, f).0.cells.contains(&key)
            && finding.is_none_or(|own| own.severity < crate::model::Severity::Error)
    });
    if let Some(f) = across {
        let file = super::series::file_name(&super::series::sides(app, f).1.path);
        parts.push(format!(
            "[{} · o {file} · v] {}",
            f.rule,
            super::series::display_message(f)
        ));
    } else if let Some(f) = finding {
        let message = super::wording::message(lang, &doc.current, doc.template, f);
        let text = [format!("{name}: "), format!("{name}：")]
            .iter()
            .find_map(|p| message.strip_prefix(p.as_str()))
            .unwrap_or(&message)
            .to_string();
        parts.push(text);
    }
    // The cell's key is for files and jq; a Chinese screen names the cell in words already.
    if lang == super::strings::Lang::En {
        parts.push(key);
    }
    screen_text(app, &parts.join(" · "))
}

/// The status text cut into at most `rows` lines of `width` columns, never inside a figure;
/// text that still does not fit ends in `…` (the findings panel shows it whole).
pub fn lines(app: &App, width: u16, rows: u16) -> Vec<String> {
    let text = text(app);
    let ascii = app.options.ascii || app.options.ambiguous_wide;
    fit(
        &text,
        width as usize,
        rows as usize,
        app.options.ambiguous_wide,
        ascii,
    )
}

/// How many lines the status text needs at `width`: one, or two when it is longer.
pub fn rows_needed(app: &App, width: u16) -> u16 {
    if str_width(&text(app), app.options.ambiguous_wide) > width as usize {
        2
    } else {
        1
    }
}

fn fit(text: &str, width: usize, rows: usize, ambiguous_wide: bool, ascii: bool) -> Vec<String> {
    let width = width.max(4);
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() && out.len() < rows.max(1) {
        if str_width(rest, ambiguous_wide) <= width {
            out.push(rest.to_string());
            rest = "";
            break;
        }
        let mut w = 0;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            let cw = char_width(c, ambiguous_wide);
            if w + cw > width {
                cut = i;
                break;
            }
            w += cw;
        }
        // Between two parts (at a space) when there is one, else never inside a figure.
        let digit = |b: u8| b.is_ascii_digit() || b == b'.';
        let bytes = rest.as_bytes();
        let at = match rest[..cut].rfind(' ') {
            Some(sp) if sp > 0 => sp,
            _ => {
                let mut at = cut;
                while at > 0 && digit(bytes[at - 1]) && digit(bytes[at]) {
                    at -= 1;
                }
                if at == 0 {
                    cut
                } else {
                    at
                }
            }
        };
        out.push(rest[..at].trim_end().to_string());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() {
        if let Some(last) = out.last_mut() {
            // `...` where `…` could be drawn two columns wide or is not wanted (ASCII).
            let more = if ascii { "..." } else { "…" };
            let digit = |c: char| c.is_ascii_digit() || c == '.';
            loop {
                // A figure and the mark keep a space apart ("218 …", not "218…").
                let sep = if last.ends_with(digit) { " " } else { "" };
                let w =
                    str_width(last, ambiguous_wide) + sep.len() + str_width(more, ambiguous_wide);
                if w <= width || last.is_empty() {
                    last.push_str(sep);
                    last.push_str(more);
                    break;
                }
                // Never end inside a figure: "= 218" cut to "= 21…" would read as 21, so
                // a figure cut goes whole.
                if last.pop().is_some_and(digit) {
                    while last.ends_with(digit) {
                        last.pop();
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_status_is_cut_into_lines_and_marked_when_it_still_does_not_fit() {
        let text = "请求 = 5 · 总计 自然人: 218 ≠ 2+13+0 = 21 [(七)总计 = 办理结果之和]";
        let two = fit(text, 30, 2, false, false);
        assert_eq!(two.len(), 2);
        assert!(two.iter().all(|l| str_width(l, false) <= 30), "{two:?}");
        assert!(two[1].ends_with('…'), "{two:?}");
        // Never inside a figure: 218 stays whole on one line.
        assert!(two.iter().any(|l| l.contains("218")), "{two:?}");
        let all = fit(text, 200, 2, false, false);
        assert_eq!(all, vec![text.to_string()]);
        // Cut inside a figure, the whole figure goes: never "21…" for 218.
        let one = fit("总计 = 2180000", 12, 1, false, false);
        assert_eq!(one, vec!["总计 =…".to_string()]);
        // A figure at the end keeps a space before the mark; if there is no room for both,
        // the whole figure goes.
        assert_eq!(fit("a = 218 · more", 9, 1, false, false), vec!["a = 218 …"]);
        assert_eq!(fit("a = 218 · more", 8, 1, false, false), vec!["a = …"]);
        // Under --ascii or --ambiguous-width 2 the mark is ASCII and measured as drawn.
        let ascii = fit("总计 = 5 · a long message that goes on", 20, 1, true, true);
        assert!(
            ascii[0].ends_with("...") && str_width(&ascii[0], true) <= 20,
            "{ascii:?}"
        );
    }
}
