//! The screens of issue 17 pinned as text snapshots at 80x24 and 200x50, in English and
//! Chinese: help, the findings panel, the queue, the grid scrolled right.

mod common;

use common::{copy_fixtures, send};
use rstest::rstest;
use tablereview::tui::msg::{Dir, Msg};
use tablereview::tui::strings::Lang;
use tablereview::tui::{dispatch, App, Options};

use common::screen as render;

fn app(prefixes: &[&str], lang: Lang) -> (tempfile::TempDir, App) {
    let (dir, paths) = copy_fixtures(prefixes);
    let options = Options {
        reviewer: "tester".into(),
        color: false,
        lang,
        ..Options::default()
    };
    let mut a = App::new(paths, options);
    dispatch(&mut a, Msg::Resize(100, 30));
    (dir, a)
}

fn name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

#[rstest]
fn help(#[values(Lang::En, Lang::Zh)] lang: Lang, #[values((80, 24), (200, 50))] size: (u16, u16)) {
    let (_d, mut a) = app(&["000"], lang);
    send(&mut a, [Msg::Help]);
    let screen = render(&a, size.0, size.1);
    insta::assert_snapshot!(format!("help_{}_{}x{}", name(lang), size.0, size.1), screen);
}

#[rstest]
fn findings_panel(
    #[values(Lang::En, Lang::Zh)] lang: Lang,
    #[values((80, 24), (200, 50))] size: (u16, u16),
) {
    let (_d, paths) = copy_fixtures(&["004"]);
    // 004: the prose and the table disagree; one warning dismissed with a reason.
    let mut a = App::new(
        paths,
        Options {
            reviewer: "tester".into(),
            color: false,
            lang,
            ..Options::default()
        },
    );
    send(
        &mut a,
        [Msg::Resize(100, 30), Msg::Findings, Msg::Move(Dir::Down)],
    );
    let warning = a.report().unwrap().errors();
    a.mode = tablereview::tui::app::Mode::Findings { selected: warning };
    send(&mut a, [Msg::Dismiss]);
    common::type_line(&mut a, "the text counts another year");
    send(&mut a, [Msg::Findings]);
    let screen = render(&a, size.0, size.1);
    insta::assert_snapshot!(
        format!("findings_{}_{}x{}", name(lang), size.0, size.1),
        screen
    );
}

#[rstest]
fn queue(
    #[values(Lang::En, Lang::Zh)] lang: Lang,
    #[values((80, 24), (200, 50))] size: (u16, u16),
) {
    let (_d, mut a) = app(&["000", "001", "002", "003", "004"], lang);
    for i in 0..a.queue.len() {
        let p = a.queue[i].path.clone();
        let s = tablereview::tui::update::summary_of(&p, None).unwrap();
        dispatch(&mut a, Msg::Summarized(i, Ok(s)));
    }
    send(&mut a, [Msg::ToggleQueue, Msg::Move(Dir::Down)]);
    let screen = render(&a, size.0, size.1);
    insta::assert_snapshot!(
        format!("queue_{}_{}x{}", name(lang), size.0, size.1),
        screen
    );
}

#[rstest]
fn grid_scrolled_right(
    #[values(Lang::En, Lang::Zh)] lang: Lang,
    #[values((80, 24), (200, 50))] size: (u16, u16),
) {
    let (_d, mut a) = app(&["001"], lang);
    let mut a2 = a.clone();
    dispatch(&mut a2, Msg::Resize(size.0, size.1));
    a = a2;
    send(&mut a, [Msg::NextTable, Msg::RowEnd]);
    let screen = render(&a, size.0, size.1);
    insta::assert_snapshot!(
        format!("grid_right_{}_{}x{}", name(lang), size.0, size.1),
        screen
    );
}

/// Words of two or more Latin letters on a screen, less key names and file names.
fn english_words(screen: &str, allowed: &[&str]) -> Vec<String> {
    const KEYS: [&str; 14] = [
        "Enter",
        "Esc",
        "Ctrl",
        "Tab",
        "PgUp",
        "PgDn",
        "Home",
        "End",
        "Del",
        "Backspace",
        "txt",
        "gg",
        "F1",
        "F2",
    ];
    let mut out = Vec::new();
    for word in screen.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
        let letters = word.chars().filter(|c| c.is_ascii_alphabetic()).count();
        if letters < 2 || KEYS.contains(&word) || allowed.iter().any(|a| word.contains(a)) {
            continue;
        }
        out.push(word.to_string());
    }
    out.sort();
    out.dedup();
    out
}

#[rstest]
fn no_english_word_shows_on_a_chinese_screen(
    #[values("000", "001", "002", "003", "004")] fixture: &str,
) {
    let (_d, mut a) = app(&[fixture], Lang::Zh);
    let name = a.queue[0]
        .path
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    // The report's own text (a web address in the source pane) is not the interface.
    let source = a.doc().unwrap().text.clone();
    let mut screens = vec![render(&a, 120, 34)];
    // Every flagged cell's status line, the findings panel, the help, the queue.
    for _ in 0..40 {
        send(&mut a, [Msg::NextFlag]);
        screens.push(render(&a, 200, 50));
    }
    send(&mut a, [Msg::Findings]);
    screens.push(render(&a, 200, 50));
    for _ in 0..30 {
        send(&mut a, [Msg::PageDown]);
        screens.push(render(&a, 200, 50));
    }
    send(&mut a, [Msg::Close, Msg::Help]);
    screens.push(render(&a, 200, 50));
    send(&mut a, [Msg::Close, Msg::ToggleQueue]);
    screens.push(render(&a, 200, 50));
    // The filter syntax's own words are typed as shown, so the prompt keeps them.
    let allowed = [
        name.as_str(),
        "status",
        "approved",
        "rule",
        "errors",
        "warnings",
    ];
    let found: Vec<String> = screens
        .iter()
        .flat_map(|s| english_words(s, &allowed))
        .filter(|w| !source.contains(w.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(found.is_empty(), "English on a zh screen: {found:?}");
}

#[test]
fn the_list_keeps_its_counts_in_line_whatever_a_reports_state_is_called() {
    // "second review" is longer than the other states: the counts after it must not move.
    let (_d, paths) = common::copy_fixtures(&["000", "001"]);
    let mut a = common::app(paths);
    send(&mut a, [Msg::NextReport, Msg::SecondReview]);
    common::type_line(&mut a, "the carried-over row");
    for lang in [Lang::En, Lang::Zh] {
        let mut a = a.clone();
        a.options.lang = lang;
        send(&mut a, [Msg::ToggleQueue]);
        let screen = render(&a, 120, 20);
        // The list's rows (the top line names the open report too).
        let rows: Vec<&str> = screen
            .lines()
            .skip(1)
            .filter(|l| l.contains("000_") || l.contains("001_"))
            .collect();
        assert_eq!(rows.len(), 2, "{screen}");
        // The warnings count is right-aligned: its last digit is in one column on both rows.
        let last_digit = |l: &str| {
            let mut col = 0;
            let mut at = None;
            for c in l.chars() {
                if c.is_ascii_digit() {
                    at = Some(col);
                }
                col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            }
            at
        };
        assert_eq!(last_digit(rows[0]), last_digit(rows[1]), "{screen}");
    }
}
