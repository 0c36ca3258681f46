//! Review at speed, through `update` alone: bulk confirmations, `Enter`, the findings panel,
//! dismissals, approve-and-next, the next unreviewed report, the cursor on the first error.

mod common;

use common::{app, copy_fixtures, send, type_line};
use tablereview::model::{CellStatus, Severity};
use tablereview::review::ReviewDoc;
use tablereview::tui::app::Mode;
use tablereview::tui::layout::report_flags;
use tablereview::tui::msg::Msg;
use tablereview::tui::App;

fn open_flags(a: &App) -> usize {
    report_flags(a).len()
}

fn status(a: &App) -> CellStatus {
    let key = a.cursor_key().unwrap();
    a.report().unwrap().cell(&key).unwrap().status
}

#[test]
fn report_001_has_no_open_flag_after_three_keys_and_one_undo_takes_each_back() {
    let (dir, paths) = copy_fixtures(&["001"]);
    let mut a = app(paths);
    assert!(open_flags(&a) > 150, "{}", open_flags(&a));
    send(&mut a, [Msg::ConfirmBlanks]);
    assert_eq!(
        a.notice.as_ref().unwrap().text,
        "136 cells confirmed",
        "the count, in words"
    );
    // What is left are placements the solver inferred, all in the cursor's table.
    assert_eq!(status(&a), CellStatus::Inferred);
    send(&mut a, [Msg::ConfirmTable]);
    assert_eq!(open_flags(&a), 0, "{:?}", report_flags(&a));
    let side = tablereview::sidecar::load(&dir.path().join("001_8b45603aceec5a0e.reviewed.json"))
        .unwrap()
        .unwrap();
    let steps: std::collections::BTreeSet<u64> = side.edits.iter().map(|e| e.step).collect();
    assert_eq!(steps.len(), 2, "two bulk actions, two log steps");
    send(&mut a, [Msg::Undo]);
    assert!(open_flags(&a) > 0);
    send(&mut a, [Msg::Undo]);
    assert!(open_flags(&a) > 150);
}

#[test]
fn enter_confirms_a_flagged_cell_and_moves_on_but_edits_a_clean_one() {
    let (_d, paths) = copy_fixtures(&["001"]);
    let mut a = app(paths);
    let first = a.cursor;
    send(&mut a, [Msg::ConfirmNext]);
    assert_ne!(a.cursor, first, "moved to the next open flag");
    let key = tablereview::tui::app::cell_key_at(a.report().unwrap(), first).unwrap();
    assert_eq!(
        a.report().unwrap().cell(&key).unwrap().status,
        CellStatus::Confirmed
    );
    assert_eq!(a.mode, Mode::Normal);
    // A cell no finding names: Enter edits it.
    let (_d, paths) = copy_fixtures(&["003"]);
    let mut b = app(paths);
    assert_eq!(open_flags(&b), 0);
    send(&mut b, [Msg::ConfirmNext]);
    assert!(matches!(b.mode, Mode::Editing(_)));
}

#[test]
fn a_row_confirmed_twice_is_logged_once() {
    let (_d, paths) = copy_fixtures(&["001"]);
    let mut a = app(paths);
    assert!(a.doc().unwrap().log.is_empty());
    let at = a.cursor;
    send(&mut a, [Msg::ConfirmRow]);
    let logged = a.doc().unwrap().log.len();
    a.cursor = at;
    send(&mut a, [Msg::ConfirmRow]);
    assert_eq!(a.doc().unwrap().log.len(), logged);
    assert_eq!(
        a.notice.as_ref().unwrap().text,
        "nothing left to confirm here"
    );
}

#[test]
fn the_findings_panel_lists_errors_first_jumps_and_dismisses_a_warning_with_a_reason() {
    let (dir, paths) = copy_fixtures(&["001"]);
    // An error late in reading order, behind a hundred warnings.
    let key = "appeals.review.upheld";
    {
        let mut d = ReviewDoc::open(&paths[0], "tester", None).unwrap();
        d.edit(key, "9").unwrap();
        d.save().unwrap();
    }
    let mut a = app(paths);
    assert_eq!(
        a.cursor_key().as_deref(),
        Some("appeals.review.upheld"),
        "the cursor opens on the first error, not the first warning"
    );
    send(
        &mut a,
        [Msg::Move(tablereview::tui::msg::Dir::Up), Msg::Findings],
    );
    assert_eq!(a.mode, Mode::Findings { selected: 0 });
    let report = a.report().unwrap();
    let order = tablereview::tui::update::findings::order(report);
    assert_eq!(order.len(), report.findings.len(), "every finding");
    assert_eq!(report.findings[order[0]].severity, Severity::Error);
    // Enter on the first: back on the error's cell.
    send(&mut a, [Msg::StartEdit]);
    assert_eq!(a.mode, Mode::Normal);
    assert!(a.report().unwrap().findings[order[0]]
        .cells
        .contains(&a.cursor_key().unwrap()));
    // The second entry is a warning: dismiss it with a reason.
    let warnings = a.report().unwrap().warnings();
    let second = order[1];
    let cell = a.report().unwrap().findings[second].cells[0].clone();
    send(
        &mut a,
        [
            Msg::Findings,
            Msg::Move(tablereview::tui::msg::Dir::Down),
            Msg::Dismiss,
        ],
    );
    assert!(matches!(a.mode, Mode::Prompt(..)));
    type_line(&mut a, "printed so in the original");
    assert_eq!(a.report().unwrap().warnings(), warnings - 1);
    assert!(
        !report_flags(&a).contains_key(&cell),
        "n no longer stops there"
    );
    // Read as every reader does: the sidecar with its journal.
    let side = serde_json::to_value(
        tablereview::sidecar::load(&dir.path().join("001_8b45603aceec5a0e.reviewed.json"))
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(side["dismissed"][0]["reason"], "printed so in the original");
    assert_eq!(side["dismissed"][0]["reviewer"], "tester");
    // Dismissed ones sort last; `d` on one restores it.
    let order = tablereview::tui::update::findings::order(a.report().unwrap());
    assert_eq!(*order.last().unwrap(), second);
    let last = order.len() - 1;
    send(&mut a, [Msg::Findings]);
    a.mode = Mode::Findings { selected: last };
    send(&mut a, [Msg::Dismiss]);
    assert_eq!(a.report().unwrap().warnings(), warnings);
    // An error is not dismissed.
    send(&mut a, [Msg::Close]);
    a.mode = Mode::Normal;
    send(&mut a, [Msg::Findings, Msg::Dismiss]);
    type_line(&mut a, "no");
    assert!(a.notice.as_ref().unwrap().error);
}

#[test]
fn approving_moves_on_and_the_next_unreviewed_report_skips_decided_ones() {
    let (_d, paths) = copy_fixtures(&["000", "001", "003"]);
    {
        let mut d = ReviewDoc::open(&paths[1], "tester", None).unwrap();
        d.edit("appeals.review.upheld", "9").unwrap();
        d.save().unwrap();
    }
    let mut a = app(paths);
    assert_eq!(a.current, 0);
    send(&mut a, [Msg::Approve]);
    assert_eq!(a.current, 1, "approve-and-next");
    assert_eq!(a.notice.as_ref().unwrap().text, "report approved");
    // This one has an open error: approving asks why, then moves on too.
    assert!(a.report().unwrap().errors() > 0);
    send(&mut a, [Msg::Approve]);
    assert!(matches!(a.mode, Mode::Prompt(..)));
    assert_eq!(a.current, 1, "not before the reason");
    type_line(&mut a, "misprint in the original");
    assert_eq!(a.current, 2);
    send(&mut a, [Msg::NextUnreviewed]);
    assert_eq!(
        a.current, 2,
        "000 and 001 are decided: 003 is the only one left"
    );
    assert_eq!(
        a.notice.as_ref().unwrap().text,
        "every other report is decided: approved, rejected, postponed or sent for a second review"
    );
}

#[test]
fn postponing_and_asking_for_a_second_review_move_on_and_are_recorded() {
    let (d, paths) = copy_fixtures(&["000", "001", "003"]);
    let mut a = app(paths.clone());
    // Postpone: the reason may be empty; the next report opens.
    send(&mut a, [Msg::Postpone]);
    assert!(matches!(a.mode, Mode::Prompt(..)));
    type_line(&mut a, "");
    assert_eq!(a.current, 1);
    assert_eq!(a.notice.as_ref().unwrap().text, "report postponed");
    // A second review needs to say what to check.
    send(&mut a, [Msg::SecondReview]);
    type_line(&mut a, "");
    assert!(
        a.notice.as_ref().unwrap().error,
        "an empty reason is refused"
    );
    assert_eq!(a.current, 1);
    send(&mut a, [Msg::SecondReview]);
    type_line(&mut a, "check the carried-over row against 2022");
    assert_eq!(a.current, 2);
    assert_eq!(
        a.notice.as_ref().unwrap().text,
        "report sent for a second review"
    );
    // Neither is "unreviewed": U stays on the only undecided report.
    send(&mut a, [Msg::NextUnreviewed]);
    assert_eq!(a.current, 2);
    let status = |p: &std::path::Path| {
        let side = tablereview::sidecar::load(&tablereview::review::sidecar_path(p, None))
            .unwrap()
            .unwrap();
        (side.review.status.as_str(), side.review.reason)
    };
    assert_eq!(status(&paths[0]), ("postponed", None));
    assert_eq!(
        status(&paths[1]),
        (
            "needs_second_review",
            Some("check the carried-over row against 2022".into())
        )
    );
    // The list filters by the new states.
    send(&mut a, [Msg::ToggleQueue]);
    a.queue_filter = "status:needs".into();
    let shown = tablereview::tui::update::queue_order(&a);
    assert_eq!(shown, vec![1]);
    drop(a);
    // For a colleague the second-review request is theirs: U stops there, not at the
    // postponed report.
    let mut b = tablereview::tui::App::new(
        paths.clone(),
        tablereview::tui::Options {
            reviewer: "colleague".into(),
            ..options()
        },
    );
    tablereview::tui::dispatch(&mut b, Msg::Resize(100, 30));
    for i in 0..b.queue.len() {
        tablereview::tui::update::open(&mut b, i);
    }
    b.current = 2;
    send(&mut b, [Msg::NextUnreviewed]);
    assert_eq!(b.current, 1, "the report waiting for a second look");
    drop(d);
}

fn options() -> tablereview::tui::Options {
    tablereview::tui::Options {
        reviewer: "tester".into(),
        color: false,
        ..Default::default()
    }
}

#[test]
fn the_queue_reopens_at_the_report_last_worked_on_even_when_it_is_listed_late() {
    let (dir, paths) = copy_fixtures(&["000", "001", "002"]);
    let config = dir.path().join("config");
    // A session that edits 001 remembers it.
    let mut a = App::new(
        paths.clone(),
        tablereview::tui::Options {
            config_dir: Some(config.clone()),
            ..options()
        },
    );
    send(
        &mut a,
        [Msg::Resize(100, 30), Msg::NextReport, Msg::ConfirmNext],
    );
    let last = tablereview::tui::last_report(Some(&config)).unwrap();
    assert_eq!(last, std::path::absolute(&paths[1]).unwrap());
    drop(a);
    // The next opens there.
    let mut b = App::new(
        paths.clone(),
        tablereview::tui::Options {
            resume: Some(last.clone()),
            ..options()
        },
    );
    send(&mut b, [Msg::Resize(100, 30)]);
    assert_eq!(b.current, 1);
    assert_eq!(
        b.notice.as_ref().unwrap().text,
        "opened at the report you last worked on"
    );
    // A queue still being walked jumps there when it is listed, unless the reviewer moved.
    let mut c = App::new(
        vec![paths[0].clone()],
        tablereview::tui::Options {
            resume: Some(last.clone()),
            ..options()
        },
    )
    .listing();
    send(
        &mut c,
        [Msg::Resize(100, 30), Msg::Listed(paths[1..].to_vec())],
    );
    assert_eq!(c.current, 1);
    let mut d = App::new(
        vec![paths[0].clone()],
        tablereview::tui::Options {
            resume: Some(last),
            ..options()
        },
    )
    .listing();
    send(
        &mut d,
        [
            Msg::Resize(100, 30),
            Msg::NextFlag,
            Msg::Listed(paths[1..].to_vec()),
        ],
    );
    assert_eq!(d.current, 0, "the reviewer has started here");
}

#[test]
fn the_queue_filters_by_rule_severity_status_and_text_and_steps_within_the_result() {
    let (_d, paths) = copy_fixtures(&["000", "001", "002", "003", "004"]);
    let mut a = App::new(paths, options());
    send(&mut a, [Msg::Resize(100, 30)]);
    for i in 0..a.queue.len() {
        let s = tablereview::tui::update::summary_of(&a.queue[i].path, None).unwrap();
        send(&mut a, [Msg::Summarized(i, Ok(s))]);
    }
    let filtered = |a: &mut App, text: &str| -> Vec<String> {
        send(a, [Msg::ToggleQueue, Msg::Search]);
        send(
            a,
            [Msg::Editor(tablereview::tui::msg::EditorKey::KillToStart)],
        );
        type_line(a, text);
        assert_eq!(a.mode, Mode::Queue { selected: 0 });
        let names = tablereview::tui::update::queue_order(a)
            .into_iter()
            .map(|i| a.queue[i].path.file_name().unwrap().to_string_lossy()[..3].to_string())
            .collect();
        send(a, [Msg::Close]);
        names
    };
    assert_eq!(filtered(&mut a, "rule:narrative"), ["000"]);
    assert_eq!(filtered(&mut a, "errors"), ["004"]);
    assert_eq!(filtered(&mut a, "rule:suggestion errors"), ["004"]);
    assert_eq!(filtered(&mut a, "忻州"), ["001"]);
    assert_eq!(filtered(&mut a, "status:unreviewed").len(), 5);
    assert_eq!(filtered(&mut a, "status:approved").len(), 0);
    // Stepping stays within the filter: End is its last entry, Enter opens it.
    assert_eq!(filtered(&mut a, "warnings"), ["000", "001", "002", "004"]);
    send(&mut a, [Msg::ToggleQueue, Msg::RowEnd, Msg::StartEdit]);
    assert_eq!(a.current, 4);
    send(
        &mut a,
        [
            Msg::ToggleQueue,
            Msg::RowStart,
            Msg::Move(tablereview::tui::msg::Dir::Down),
            Msg::StartEdit,
        ],
    );
    assert_eq!(a.current, 1);
}

#[test]
fn a_note_on_a_cell_is_saved_shown_changed_and_removed() {
    let (dir, paths) = copy_fixtures(&["000"]);
    let mut a = app(paths);
    let key = a.cursor_key().unwrap();
    send(&mut a, [Msg::Note]);
    type_line(&mut a, "ask the body about 无法提供");
    assert_eq!(a.notice.as_ref().unwrap().text, "note saved");
    assert_eq!(
        a.doc().unwrap().note(&key),
        Some("ask the body about 无法提供")
    );
    let side: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("000_7a2d16d58913ef59.reviewed.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(side["notes"][0]["cell"], key.as_str());
    assert_eq!(side["notes"][0]["reviewer"], "tester");
    // The prompt opens on the note; emptying it removes the note.
    send(&mut a, [Msg::Note]);
    match &a.mode {
        Mode::Prompt(_, e) => assert_eq!(e.text, "ask the body about 无法提供"),
        other => panic!("{other:?}"),
    }
    send(
        &mut a,
        [Msg::Editor(tablereview::tui::msg::EditorKey::KillToStart)],
    );
    type_line(&mut a, "");
    assert_eq!(a.doc().unwrap().note(&key), None);
}

#[test]
fn the_findings_panel_opens_on_the_selected_cells_finding_in_full() {
    let (_d, paths) = copy_fixtures(&["001"]);
    let mut a = app(paths);
    send(
        &mut a,
        [Msg::NextFlag, Msg::NextFlag, Msg::NextFlag, Msg::Findings],
    );
    let Mode::Findings { selected } = a.mode else {
        panic!("{:?}", a.mode);
    };
    assert!(selected > 0);
    let report = a.report().unwrap();
    let f = &report.findings[tablereview::tui::update::findings::order(report)[selected]];
    assert!(f.cells.contains(&a.cursor_key().unwrap()));
}
