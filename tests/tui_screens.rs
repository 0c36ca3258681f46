//! Key screens pinned as text snapshots (ratatui TestBackend + insta).

mod common;

use common::{app, copy_fixtures, send};
use tablereview::tui::msg::{Dir, Msg};
use tablereview::tui::strings::Lang;
use tablereview::tui::App;

use common::{buffer, screen as render};

#[test]
fn flagged_report() {
    let (_d, paths) = copy_fixtures(&["001"]);
    let mut a = app(paths);
    send(&mut a, [Msg::NextFlag, Msg::NextFlag]);
    insta::assert_snapshot!(render(&a, 120, 34));
}

#[test]
fn identity_failure_marks_the_culprit() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    // The requests table's (七)总计 row, 自然人 column.
    a.cursor = tablereview::tui::app::Cursor {
        table: 1,
        row: 0,
        col: 0,
    };
    send(
        &mut a,
        [Msg::Bottom, Msg::Move(Dir::Up), Msg::TypeStart('2')],
    );
    common::type_line(&mut a, "3");
    insta::assert_snapshot!(render(&a, 120, 34));
}

#[test]
fn edit_in_progress() {
    let (_d, paths) = copy_fixtures(&["002"]);
    let mut a = app(paths);
    send(
        &mut a,
        [
            Msg::TypeStart('1'),
            Msg::Editor(tablereview::tui::msg::EditorKey::Insert('2')),
        ],
    );
    insta::assert_snapshot!(render(&a, 100, 30));
}

#[test]
fn queue_list() {
    let (_d, paths) = copy_fixtures(&["000", "001", "002", "003", "004"]);
    let mut a = app(paths);
    // Counts have arrived for all but the last report, which still shows `…`.
    for i in 0..4 {
        let s = tablereview::tui::update::summary_of(&a.queue[i].path.clone(), None);
        send(&mut a, [Msg::Summarized(i, s)]);
    }
    send(&mut a, [Msg::ToggleQueue]);
    insta::assert_snapshot!(render(&a, 100, 20));
}

#[test]
fn help_overlay() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    send(&mut a, [Msg::Help]);
    insta::assert_snapshot!(render(&a, 100, 44));
}

#[test]
fn too_small_terminal() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let a = app(paths);
    insta::assert_snapshot!(render(&a, 40, 8));
}

#[test]
fn chinese_interface_with_ascii_borders_keeps_columns_aligned() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    a.options.lang = Lang::Zh;
    a.options.ambiguous_wide = true;
    send(&mut a, [Msg::NextTable]);
    let screen = render(&a, 110, 34);
    // With ambiguous characters drawn two columns wide, none may reach the screen: each would
    // push the rest of its line one column right. Every line must measure the terminal's width
    // under the wide reading too.
    for line in screen.lines() {
        let narrow = unicode_width::UnicodeWidthStr::width(line);
        let wide = unicode_width::UnicodeWidthStr::width_cjk(line);
        assert_eq!((narrow, wide), (110, 110), "misaligned line: {line}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn a_queue_still_being_walked_shows_its_count_as_a_lower_bound() {
    let (_d, paths) = copy_fixtures(&["000", "001", "004"]);
    let mut a = app(paths[..1].to_vec()).listing();
    let top = |a: &App| render(a, 100, 30).lines().next().unwrap().to_string();
    assert!(top(&a).starts_with(" report 1/1+ · 000_"), "{}", top(&a));
    send(&mut a, [Msg::Listed(paths[1..].to_vec())]);
    assert!(top(&a).starts_with(" report 1/3+ · 000_"), "{}", top(&a));
    send(&mut a, [Msg::ListingDone(vec![])]);
    assert!(top(&a).starts_with(" report 1/3 · 000_"), "{}", top(&a));
}

#[test]
fn one_line_report_wraps_and_highlights_the_value() {
    // A crawler's text: the whole report on one line. The source pane wraps it (never inside
    // a figure) and highlights the selected value inside the line; an undecided split shows
    // its candidates on the message line.
    let (_dir, to) = common::copy_fixture("variants/crawler_one_line.txt");
    let mut a = app(vec![to]);
    // To the first undecided split: 行政规范性文件's 11415.
    for _ in 0..6 {
        if render(&a, 120, 34).contains("could be") {
            break;
        }
        send(&mut a, [Msg::NextFlag]);
    }
    let screen = render(&a, 120, 34);
    assert!(screen.contains("could be 1 or 11"), "{screen}");
    // The highlighted text in the source pane is the cell's figure inside the long line.
    let buf = buffer(&a, 120, 34);
    let mut highlighted = String::new();
    // Inside the source pane's frame: below the title line, within its borders.
    for y in 2..33 {
        for x in 1..47 {
            let cell = &buf[(x, y)];
            if cell.modifier.contains(ratatui::style::Modifier::REVERSED) {
                highlighted.push_str(cell.symbol());
            }
        }
    }
    assert_eq!(highlighted, "1", "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_document_value_shows_its_place_in_the_document() {
    let (_dir, to) = common::copy_fixture("documents/seed000_filled.docx");
    // A report with no flags opens on its first cell, 规章 本年制发件数.
    let a = app(vec![to]);
    let screen = render(&a, 120, 34);
    assert!(screen.contains("table 1 · row 3 · col 2"), "{screen}");
}

#[test]
fn a_pdf_value_shows_its_page_and_box() {
    let (_dir, to) = common::copy_fixture("documents/stsong_ucs2_filled.pdf");
    let a = app(vec![to]);
    let screen = render(&a, 120, 34);
    // The first cell, 规章 本年制发件数 (0), on the first page.
    let at = screen
        .find("p.1 · x ")
        .unwrap_or_else(|| panic!("{screen}"));
    let rest: String = screen[at..].chars().take(30).collect();
    assert!(rest.contains(" · y "), "{rest}");
}
