//! The review screen's behaviour, through `update` alone: no terminal.

mod common;

use common::{app, copy_fixtures, send, type_line};
use tablereview::model::CellStatus;
use tablereview::sidecar::{self, ReviewStatus};
use tablereview::tui::app::{Cursor, Focus, Mode};
use tablereview::tui::msg::{Dir, EditorKey, Msg};

const TOTAL_NP: &str = "requests.total_processed.natural_person";

/// The reviewed value of a cell of the open report.
fn value(a: &tablereview::tui::App, key: &str) -> Option<f64> {
    a.report().unwrap().cell(key).unwrap().value
}

fn goto(a: &mut tablereview::tui::App, key: &str) {
    let report = a.report().unwrap().clone();
    let c = tablereview::tui::app::reading_order(&report)
        .into_iter()
        .find(|c| tablereview::tui::app::cell_key_at(&report, *c).as_deref() == Some(key))
        .unwrap();
    a.cursor = c;
}

#[test]
fn cursor_starts_on_the_first_flagged_cell_in_reading_order() {
    let (_d, paths) = copy_fixtures(&["001"]);
    let a = app(paths);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.carried_over.natural_person")
    );
    let (_d, paths) = copy_fixtures(&["003"]);
    let a = app(paths);
    assert_eq!(a.cursor, Cursor::default(), "no flags: top-left");
}

#[test]
fn next_and_previous_flag_wrap_within_the_report() {
    let (_d, paths) = copy_fixtures(&["002"]);
    let mut a = app(paths);
    assert_eq!(a.cursor_key().as_deref(), Some("requests.granted.other"));
    send(&mut a, [Msg::NextFlag]);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.granted.other"),
        "the only flag"
    );
    send(&mut a, [Msg::Move(Dir::Up), Msg::PrevFlag]);
    assert_eq!(a.cursor_key().as_deref(), Some("requests.granted.other"));
}

#[test]
fn typing_a_number_edits_saves_and_rechecks_then_undo_and_redo() {
    let (dir, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    goto(&mut a, TOTAL_NP);
    send(&mut a, [Msg::TypeStart('2')]);
    assert!(matches!(a.mode, Mode::Editing(_)));
    type_line(&mut a, "3");
    assert_eq!(a.mode, Mode::Normal);
    let r = a.report().unwrap();
    assert_eq!(r.cell(TOTAL_NP).unwrap().value, Some(23.0));
    assert_eq!(r.cell(TOTAL_NP).unwrap().status, CellStatus::Edited);
    assert!(r
        .findings
        .iter()
        .any(|f| f.rule == "H2" && f.message.contains("23 ≠")));
    let side = sidecar::load(&dir.path().join("000_7a2d16d58913ef59.reviewed.json"))
        .unwrap()
        .unwrap();
    assert_eq!(side.edits.len(), 1);
    assert_eq!(side.report.cell(TOTAL_NP).unwrap().value, Some(23.0));

    send(&mut a, [Msg::Undo]);
    assert_eq!(value(&a, TOTAL_NP), Some(22.0));
    assert_eq!(a.report().unwrap().errors(), 0);
    send(&mut a, [Msg::Redo]);
    assert_eq!(value(&a, TOTAL_NP), Some(23.0));
    let side = sidecar::load(&dir.path().join("000_7a2d16d58913ef59.reviewed.json"))
        .unwrap()
        .unwrap();
    let actions: Vec<_> = side.edits.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["edit", "undo", "redo"]);
}

#[test]
fn invalid_values_are_refused_and_change_nothing() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    goto(&mut a, TOTAL_NP);
    let before = a.report().unwrap().clone();
    send(
        &mut a,
        [Msg::StartEdit, Msg::Editor(EditorKey::KillToStart)],
    );
    type_line(&mut a, "abc");
    assert!(
        matches!(a.mode, Mode::Editing(_)),
        "stays in the editor to fix it"
    );
    assert!(a
        .notice
        .as_ref()
        .is_some_and(|n| n.error && n.text.contains("not a number")));
    send(&mut a, [Msg::Editor(EditorKey::Cancel)]);
    assert_eq!(a.report().unwrap(), &before);
}

#[test]
fn escape_cancels_an_edit() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    goto(&mut a, TOTAL_NP);
    send(
        &mut a,
        [Msg::TypeStart('9'), Msg::Editor(EditorKey::Cancel)],
    );
    assert_eq!(value(&a, TOTAL_NP), Some(22.0));
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn confirm_clears_the_warning_and_moves_on() {
    let (_d, paths) = copy_fixtures(&["001"]);
    let mut a = app(paths);
    let first = a.cursor_key().unwrap();
    let warnings = a.report().unwrap().warnings();
    send(&mut a, [Msg::Confirm]);
    let r = a.report().unwrap();
    assert_eq!(r.cell(&first).unwrap().status, CellStatus::Confirmed);
    assert_eq!(r.warnings(), warnings - 1);
    assert_ne!(
        a.cursor_key().unwrap(),
        first,
        "jumped to the next flagged cell"
    );
}

#[test]
fn clear_then_zero_and_shift_into_a_blank_neighbour() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    goto(&mut a, "requests.granted.commercial");
    send(&mut a, [Msg::Clear]);
    assert_eq!(value(&a, "requests.granted.commercial"), None);
    send(&mut a, [Msg::Move(Dir::Left), Msg::ShiftRight]);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.granted.commercial"),
        "the cursor follows the value"
    );
    assert_eq!(value(&a, "requests.granted.commercial"), Some(16.0));
    send(
        &mut a,
        [Msg::ShiftLeft, Msg::Move(Dir::Right), Msg::TypeStart('0')],
    );
    type_line(&mut a, "");
    assert_eq!(value(&a, "requests.granted.commercial"), Some(0.0));
    assert_eq!(a.report().unwrap().errors(), 0);
}

#[test]
fn approving_with_open_errors_asks_for_a_reason() {
    let (dir, paths) = copy_fixtures(&["004"]);
    let mut a = app(paths);
    send(&mut a, [Msg::Approve]);
    assert!(matches!(a.mode, Mode::Prompt(..)));
    type_line(&mut a, "tables lost in conversion; entered elsewhere");
    assert_eq!(a.doc().unwrap().state.status, ReviewStatus::Approved);
    let side = sidecar::load(&dir.path().join("004_f1496913e2f754ab.reviewed.json"))
        .unwrap()
        .unwrap();
    assert_eq!(side.review.status, ReviewStatus::Approved);
    assert_eq!(
        side.review.reason.as_deref(),
        Some("tables lost in conversion; entered elsewhere")
    );
}

#[test]
fn reject_records_a_reason() {
    let (_d, paths) = copy_fixtures(&["004"]);
    let mut a = app(paths);
    send(&mut a, [Msg::Reject]);
    type_line(&mut a, "not a report");
    assert_eq!(a.doc().unwrap().state.status, ReviewStatus::Rejected);
}

#[test]
fn reports_step_forward_back_and_to_the_next_with_errors() {
    let (_d, paths) = copy_fixtures(&["000", "001", "002", "003", "004"]);
    let mut a = app(paths);
    send(&mut a, [Msg::NextReport]);
    assert_eq!(a.current, 1);
    send(&mut a, [Msg::PrevReport, Msg::PrevReport]);
    assert_eq!(a.current, 0);
    assert!(a.notice.is_some(), "no report before the first");
    send(&mut a, [Msg::NextErrorReport]);
    assert_eq!(a.current, 4, "only 004 has errors");
    send(&mut a, [Msg::NextErrorReport]);
    assert_eq!(a.current, 4);
}

#[test]
fn queue_lists_sorts_and_opens() {
    let (_d, paths) = copy_fixtures(&["000", "001", "004"]);
    let mut a = app(paths);
    // The runtime counts every report in the background and reports back.
    for i in 0..a.queue.len() {
        let s = tablereview::tui::update::summary_of(&a.queue[i].path.clone(), None);
        send(&mut a, [Msg::Summarized(i, s)]);
    }
    send(&mut a, [Msg::ToggleQueue]);
    assert!(matches!(a.mode, Mode::Queue { selected: 0 }));
    assert!(a.queue.iter().all(|e| e.summary.is_some()));
    assert!(a.queue[1].doc.is_none(), "listing does not open reports");
    send(&mut a, [Msg::SortQueue]);
    send(&mut a, [Msg::StartEdit]);
    assert_eq!(a.current, 2, "sorted by errors, 004 comes first");
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn reports_walked_in_the_background_join_the_queue() {
    let (_d, paths) = copy_fixtures(&["000", "001", "004"]);
    let mut a = app(paths[..1].to_vec()).listing();
    assert_eq!(a.queue.len(), 1);
    send(&mut a, [Msg::Listed(paths[1..].to_vec())]);
    assert_eq!(a.queue.len(), 3);
    assert!(a.listing, "more may follow");
    // Counts for the new entries are taken, and the new entries can be stepped to.
    let s = tablereview::tui::update::summary_of(&paths[2], None);
    send(&mut a, [Msg::Summarized(2, s)]);
    assert!(a.queue[2].summary.is_some());
    send(&mut a, [Msg::NextErrorReport]);
    assert_eq!(a.current, 2, "004 has errors");
    assert!(a.doc().is_some());
    // The end of the walk: no problem, no notice; a folder that held nothing is said.
    send(&mut a, [Msg::ListingDone(vec![])]);
    assert!(!a.listing);
    assert!(a.notice.is_none());
    send(
        &mut a,
        [Msg::ListingDone(vec!["empty/: no .txt reports".into()])],
    );
    assert!(a
        .notice
        .as_ref()
        .is_some_and(|n| n.error && n.text.contains("empty/")));
}

#[test]
fn help_opens_and_closes() {
    let (_d, paths) = copy_fixtures(&["003"]);
    let mut a = app(paths);
    send(&mut a, [Msg::Help]);
    assert_eq!(a.mode, Mode::Help);
    send(&mut a, [Msg::Move(Dir::Down)]);
    assert_eq!(
        a.cursor,
        Cursor::default(),
        "keys do nothing under the help"
    );
    send(&mut a, [Msg::Close]);
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn gg_and_g_jump_to_first_and_last_row() {
    let (_d, paths) = copy_fixtures(&["003"]);
    let mut a = app(paths);
    send(&mut a, [Msg::NextTable, Msg::Bottom]);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.carried_forward.natural_person")
    );
    send(&mut a, [Msg::G, Msg::G]);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.new_received.natural_person")
    );
}

#[test]
fn click_selects_the_cell_under_the_mouse() {
    let (_d, paths) = copy_fixtures(&["003"]);
    let mut a = app(paths);
    send(&mut a, [Msg::NextTable]);
    let areas = tablereview::tui::layout::areas(&a, a.size);
    let labels = |t: usize, r: usize| tablereview::tui::layout::short_label(&a, t, r);
    let heads = |t: usize, c: usize| tablereview::tui::layout::column_label(&a, t, c);
    let g = tablereview::tui::layout::grid_geom(&a, areas.grid, &labels, &heads).unwrap();
    let (_, x, _) = g.cols[2];
    let y = g.body_y + 3;
    send(&mut a, [Msg::Click(x + 1, y)]);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("requests.partially_granted.research")
    );
    assert_eq!(a.focus, Focus::Grid);
}

#[test]
fn source_focus_scrolls_the_text_instead_of_moving() {
    let (_d, paths) = copy_fixtures(&["003"]);
    let mut a = app(paths);
    send(
        &mut a,
        [Msg::ToggleFocus, Msg::Move(Dir::Down), Msg::Move(Dir::Down)],
    );
    assert_eq!(a.cursor, Cursor::default());
    assert!(a.source_scroll.is_some());
}

#[test]
fn search_finds_text_in_the_source() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    send(&mut a, [Msg::Search]);
    type_line(&mut a, "无法提供6件");
    let (s, e) = a.search_hit.unwrap();
    assert_eq!(&a.doc().unwrap().text[s..e], "无法提供6件");
    send(&mut a, [Msg::Search]);
    type_line(&mut a, "不存在的文字");
    assert!(a.notice.as_ref().unwrap().text.contains("不存在的文字"));
}

#[test]
fn reopening_restores_values_and_undo_history() {
    let (_d, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths.clone());
    goto(&mut a, TOTAL_NP);
    send(&mut a, [Msg::TypeStart('5')]);
    type_line(&mut a, "");
    send(&mut a, [Msg::Quit]);
    assert!(a.quit);
    let mut b = app(paths);
    assert_eq!(b.report().unwrap().cell(TOTAL_NP).unwrap().value, Some(5.0));
    send(&mut b, [Msg::Undo]);
    assert_eq!(
        b.report().unwrap().cell(TOTAL_NP).unwrap().value,
        Some(22.0)
    );
}

#[test]
fn a_failed_save_keeps_the_edit_and_quitting_needs_a_second_q() {
    let (dir, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    // A folder where the sidecar should go makes every save fail, even for root.
    std::fs::create_dir(dir.path().join("000_7a2d16d58913ef59.reviewed.json")).unwrap();
    goto(&mut a, TOTAL_NP);
    send(&mut a, [Msg::TypeStart('7')]);
    type_line(&mut a, "");
    assert_eq!(value(&a, TOTAL_NP), Some(7.0));
    let notice = a.notice.clone().unwrap();
    assert!(
        notice.error && notice.text.contains("NOT SAVED"),
        "{notice:?}"
    );
    send(&mut a, [Msg::Quit]);
    assert!(!a.quit);
    send(&mut a, [Msg::Quit]);
    assert!(a.quit);
}

#[test]
fn only_a_bounded_number_of_reports_stay_open() {
    let dir = tempfile::tempdir().unwrap();
    let src = common::fixtures().join("003_9110b932e3d5ac2b.txt");
    let paths: Vec<_> = (0..40)
        .map(|i| {
            let p = dir.path().join(format!("r{i:02}.txt"));
            std::fs::copy(&src, &p).unwrap();
            p
        })
        .collect();
    let mut a = app(paths);
    for _ in 0..39 {
        send(&mut a, [Msg::NextReport]);
    }
    assert_eq!(a.current, 39);
    let open = a.queue.iter().filter(|e| e.doc.is_some()).count();
    assert!(open <= tablereview::tui::update::MAX_OPEN, "{open} open");
    assert!(a.doc().is_some());
    assert!(
        a.queue.iter().all(|e| e.summary.is_some()),
        "closed reports keep their counts"
    );
}

#[test]
fn background_counts_fill_the_queue_without_opening() {
    let (_d, paths) = copy_fixtures(&["000", "004"]);
    let mut a = app(paths);
    assert!(a.queue[1].summary.is_none());
    let s = tablereview::tui::update::summary_of(&a.queue[1].path.clone(), None);
    send(&mut a, [Msg::Summarized(1, s)]);
    assert_eq!(a.queue[1].summary.as_ref().unwrap().errors, 3);
    assert!(a.queue[1].doc.is_none());
    send(&mut a, [Msg::NextErrorReport]);
    assert_eq!(a.current, 1);
}

#[test]
fn suggestions_accept_one_then_all_after_a_yes() {
    let (dir, paths) = copy_fixtures(&["004"]);
    let mut a = app(paths);
    goto(&mut a, "proactive.licensing.decisions");
    send(&mut a, [Msg::AcceptSuggestion]);
    assert_eq!(value(&a, "proactive.licensing.decisions"), Some(31461.0));
    send(&mut a, [Msg::AcceptAllSuggestions]);
    assert_eq!(a.mode, Mode::ConfirmAcceptAll(7));
    send(&mut a, [Msg::Close]);
    assert_eq!(value(&a, "proactive.fees.amount"), None, "cancelled");
    send(&mut a, [Msg::AcceptAllSuggestions, Msg::Yes]);
    assert_eq!(value(&a, "proactive.fees.amount"), Some(2181.669177));
    let side = sidecar::load(&dir.path().join("004_f1496913e2f754ab.reviewed.json"))
        .unwrap()
        .unwrap();
    assert!(side
        .edits
        .iter()
        .all(|e| e.action.as_str() == "accept-suggestion"));
    assert_eq!(side.edits.len(), 8);
}

/// Every column of the open table fits in the grid pane.
fn whole_table_shown(a: &tablereview::tui::App) -> bool {
    use tablereview::tui::layout;
    let areas = layout::areas(a, a.size);
    let labels = |t: usize, r: usize| layout::short_label(a, t, r);
    let heads = |t: usize, c: usize| layout::column_label(a, t, c);
    let g = layout::grid_geom(a, areas.grid, &labels, &heads).unwrap();
    g.cols.len() == a.report().unwrap().tables[a.cursor.table].columns.len()
}

#[test]
fn on_a_wide_terminal_the_grid_is_as_wide_as_its_widest_table_and_the_source_gets_the_rest() {
    use tablereview::tui::layout;
    let (_d, paths) = copy_fixtures(&["001"]);
    let mut a = app(paths);
    send(&mut a, [Msg::Resize(200, 50)]);
    let wide = layout::areas(&a, a.size);
    assert!(
        wide.grid.width < 120,
        "the grid takes what its columns need, not 60%: {}",
        wide.grid.width
    );
    assert!(wide.source.width > 80, "{}", wide.source.width);
    assert_eq!(wide.source.width + wide.grid.width, 200);
    for _ in 0..3 {
        assert!(whole_table_shown(&a), "table {}", a.cursor.table);
        assert_eq!(
            layout::areas(&a, a.size).grid,
            wide.grid,
            "switching tables does not move the panes"
        );
        send(&mut a, [Msg::NextTable]);
    }
    // Below the wide threshold the split stays 40 | 60, as the 80x24 screens have it.
    send(&mut a, [Msg::Resize(120, 40)]);
    let narrow = layout::areas(&a, a.size);
    assert_eq!((narrow.source.width, narrow.grid.width), (48, 72));
    // However wide the grid would be, the source keeps 60 columns.
    send(&mut a, [Msg::Resize(layout::WIDE, 50)]);
    assert!(layout::areas(&a, a.size).source.width >= 60);
}

#[test]
fn a_finding_too_long_for_one_line_gets_two_on_a_tall_terminal() {
    use tablereview::tui::{layout, status};
    let (_d, paths) = copy_fixtures(&["001"]);
    let mut a = app(paths);
    send(&mut a, [Msg::Resize(100, 40)]);
    // An identity failure: the message names every cell of the sum.
    goto(&mut a, "requests.total_processed.natural_person");
    let text = status::text(&a);
    assert!(layout::str_width(&text, false) > 100, "{text}");
    let areas = layout::areas(&a, a.size);
    assert_eq!(areas.status.height, 2);
    let lines = status::lines(&a, areas.status.width, areas.status.height);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| layout::str_width(l, false) <= 100));
    // A short terminal keeps one line; the findings panel shows the finding whole.
    send(&mut a, [Msg::Resize(100, 24)]);
    assert_eq!(layout::areas(&a, a.size).status.height, 1);
    // A cell with a short status needs one line, and the grid keeps the row.
    send(&mut a, [Msg::Resize(100, 40)]);
    goto(&mut a, "requests.new_received.natural_person");
    let short = status::text(&a);
    assert!(layout::str_width(&short, false) <= 100, "{short}");
    assert_eq!(layout::areas(&a, a.size).status.height, 1);
}
