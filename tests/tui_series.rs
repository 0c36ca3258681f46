//! The review screen and the checks across reports: a finding names the other report, `o`
//! opens it at the related cell, `v` shows both side by side, and an edit in one report
//! re-checks its neighbours at once (driven through `update`, drawn with TestBackend).

mod common;

use std::path::PathBuf;

use common::{app, send, type_line};
use tablereview::synth::{render, sample_series, Rng, Style};
use tablereview::template::by_key;
use tablereview::tui::app::Mode;
use tablereview::tui::msg::Msg;
use tablereview::tui::{dispatch, series, update, App};

/// Two years of one body; the later one carries over one more application from natural
/// persons than the earlier carried forward (each report consistent on its own).
fn broken_pair() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let t = by_key("gov-2021").unwrap();
    let mut values = sample_series(&[t, t], &mut Rng::new(11));
    for row in ["carried_over", "carried_forward"] {
        for col in ["natural_person", "total"] {
            let v = values[1].get_mut(&format!("requests.{row}.{col}")).unwrap();
            *v = Some(v.unwrap() + 1.0);
        }
    }
    let mut paths = Vec::new();
    for (year, v) in [2023, 2022].into_iter().zip(values.iter().rev()) {
        let path = dir.path().join(format!("{year}.txt"));
        std::fs::write(
            &path,
            render(t, v, "某县人民政府", year, Style::PipeRows, false),
        )
        .unwrap();
        paths.push(path);
    }
    (dir, paths)
}

/// The app over the pair, the second report's facts arrived as the background would send them.
fn opened(paths: Vec<PathBuf>) -> App {
    let mut a = app(paths.clone());
    dispatch(
        &mut a,
        Msg::Summarized(1, update::summary_of(&paths[1], None)),
    );
    a
}

use common::screen;

#[test]
fn a_finding_across_reports_flags_the_cell_and_names_the_other_report() {
    let (_d, paths) = broken_pair();
    let mut a = opened(paths);
    assert_eq!(
        series::current(&a).len(),
        2,
        "natural persons and the total"
    );
    // The report is clean on its own: the first flag is the series finding's cell.
    send(&mut a, [Msg::NextFlag]);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.carried_over.natural_person")
    );
    let text = screen(&a, 200, 30);
    assert!(text.contains("across reports 2"), "{text}");
    assert!(text.contains("[carry-over · o 2022.txt · v]"), "{text}");
}

#[test]
fn o_opens_the_other_report_at_the_related_cell() {
    let (_d, paths) = broken_pair();
    let mut a = opened(paths);
    send(&mut a, [Msg::NextFlag, Msg::OpenRelated]);
    assert_eq!(a.current, 1);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.carried_forward.natural_person")
    );
    // And back again from there.
    send(&mut a, [Msg::OpenRelated]);
    assert_eq!(a.current, 0);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.carried_over.natural_person")
    );
}

#[test]
fn an_edit_in_one_report_rechecks_its_neighbour_at_once() {
    let (_d, paths) = broken_pair();
    let mut a = opened(paths);
    send(&mut a, [Msg::NextFlag, Msg::OpenRelated]);
    let over = a
        .report()
        .unwrap()
        .cell("requests.carried_forward.natural_person")
        .unwrap()
        .value
        .unwrap();
    // Last year's carried-forward corrected to what this year carried over.
    send(&mut a, [Msg::StartEdit]);
    send(
        &mut a,
        (0..8).map(|_| Msg::Editor(tablereview::tui::msg::EditorKey::Backspace)),
    );
    type_line(&mut a, &(over as i64 + 1).to_string());
    let left: Vec<String> = series::current(&a)
        .iter()
        .flat_map(|f| f.this.cells.clone())
        .collect();
    assert_eq!(
        left,
        ["requests.carried_over.total"],
        "natural persons agree now"
    );
    send(&mut a, [Msg::OpenRelated]);
    assert_eq!(a.current, 0);
    assert_eq!(series::current(&a).len(), 1);
}

#[test]
fn v_shows_both_cells_and_their_source_lines() {
    let (_d, paths) = broken_pair();
    let mut a = opened(paths);
    send(&mut a, [Msg::NextFlag, Msg::CompareRelated]);
    assert!(matches!(a.mode, Mode::Compare(_)));
    insta::assert_snapshot!(screen(&a, 140, 24));
    send(&mut a, [Msg::Close]);
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn without_a_neighbour_o_says_so() {
    let (_d, paths) = broken_pair();
    let mut a = app(paths[..1].to_vec());
    send(&mut a, [Msg::OpenRelated]);
    assert_eq!(a.current, 0);
    assert!(a
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("no finding across reports")));
}

#[test]
fn the_compare_view_keys() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use tablereview::tui::keymap::key_to_msg;
    let (_d, paths) = broken_pair();
    let mut a = opened(paths);
    send(&mut a, [Msg::NextFlag, Msg::CompareRelated]);
    let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
    assert_eq!(key_to_msg(&a.mode, key(KeyCode::Esc)), Some(Msg::Close));
    assert_eq!(
        key_to_msg(&a.mode, key(KeyCode::Char('v'))),
        Some(Msg::Close)
    );
    assert_eq!(
        key_to_msg(&a.mode, key(KeyCode::Char('o'))),
        Some(Msg::OpenRelated)
    );
    assert_eq!(
        key_to_msg(&Mode::Normal, key(KeyCode::Char('v'))),
        Some(Msg::CompareRelated)
    );
    // `o` from the side-by-side view opens the other report at its cell.
    send(&mut a, [Msg::OpenRelated]);
    assert_eq!((a.current, a.mode.clone()), (1, Mode::Normal));
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.carried_forward.natural_person")
    );
}
