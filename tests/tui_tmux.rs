//! End to end: the real binary in a real terminal (tmux). A reviewer fixes a wrong cell by
//! typing, undoes and redoes, quits; the sidecar and `check` must show the fix.
//!
//! Needs tmux (`.ci/run` installs it). Set TABLEREVIEW_SKIP_TMUX=1 to skip where it cannot run.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "common/tmux.rs"]
mod tmux;
use tmux::{tmux_available, Tmux};

#[test]
fn fix_a_wrong_cell_by_typing_then_undo_redo_and_quit() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/000_7a2d16d58913ef59.txt"),
    )
    .unwrap();
    // The same report with (七)总计 自然人 misprinted as 21.
    let wrong = seed.replace("(七)总计 | 22 | 0", "(七)总计 | 21 | 0");
    assert_ne!(wrong, seed);
    let report = dir.path().join("宝塔区 2024.txt");
    std::fs::write(&report, &wrong).unwrap();
    let bin = env!("CARGO_BIN_EXE_tablereview");
    let before = Command::new(bin)
        .arg("check")
        .arg(&report)
        .status()
        .unwrap();
    assert_eq!(before.code(), Some(1), "the misprint is an identity error");

    let command = format!(
        "LANG=C.UTF-8 NO_COLOR=1 '{bin}' review --reviewer e2e '{}'",
        report.display()
    );
    let t = Tmux::start("e2e", &command, 140, 40);
    t.wait_for("errors 3");
    // The cursor starts on the first flagged cell, 一、本年新收 自然人 (it is in H1);
    // last row, then up one: (七)总计 自然人.
    t.wait_for("一、本年新收 自然人 = 22");
    t.keys(&["G", "k"]);
    t.wait_for("(七)总计 自然人 = 21");
    t.keys(&["2", "2", "Enter"]);
    t.wait_for("errors 0");
    t.keys(&["u"]);
    t.wait_for("errors 3");
    t.keys(&["C-r"]);
    let screen = t.wait_for("errors 0");
    assert!(screen.contains("(七)总计 自然人 = 22"), "{screen}");
    t.keys(&["q"]);
    let start = Instant::now();
    while t.running() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.running(), "q quits");

    let side: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("宝塔区 2024.reviewed.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(side["schema"], "tablereview.review/2");
    let rows = side["tables"][1]["rows"].as_array().unwrap();
    let total = rows.iter().find(|r| r["key"] == "total_processed").unwrap();
    assert_eq!(total["cells"][0]["value"], 22);
    let actions: Vec<&str> = side["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["edit", "undo", "redo"]);
    assert!(side["edits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["reviewer"] == "e2e"));
    let diff = side["diff"].as_str().unwrap();
    assert!(
        diff.contains("-requests.total_processed.natural_person = 21"),
        "{diff}"
    );
    assert!(
        diff.contains("+requests.total_processed.natural_person = 22"),
        "{diff}"
    );
    let after = Command::new(bin)
        .arg("check")
        .arg(&report)
        .status()
        .unwrap();
    assert_eq!(after.code(), Some(0), "the reviewed values check clean");
}

/// Seed `fixture` copied into `dir` as `name`, for one test's review.
fn probe(dir: &Path, name: &str, fixture: &str) -> std::path::PathBuf {
    let report = dir.join(name);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(fixture),
        &report,
    )
    .unwrap();
    report
}

/// The shell command that runs the review of `report` as `reviewer` in the pane.
fn review_command(bin: &str, reviewer: &str, report: &Path) -> String {
    format!(
        "LANG=C.UTF-8 exec {bin} review --reviewer {reviewer} {}",
        report.display()
    )
}

fn processes_mentioning(needle: &str) -> usize {
    let out = Command::new("pgrep").args(["-f", needle]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().count()
}

#[test]
fn closing_the_terminal_or_sigterm_ends_the_review() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = probe(dir.path(), "hangup-probe.txt", "000_7a2d16d58913ef59.txt");
    let bin = env!("CARGO_BIN_EXE_tablereview");
    let needle = format!("^{bin} review {}", report.display());
    let wait_gone = || {
        let start = Instant::now();
        while processes_mentioning(&needle) > 0 && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        processes_mentioning(&needle)
    };

    // The window closes under it (tmux server killed): the process must not linger.
    // A reviewer name: without $USER (as under tmux here) review would ask for one first.
    let command = format!("exec {bin} review {} --reviewer e2e", report.display());
    let t = Tmux::start("hup", &command, 120, 30);
    t.wait_for("report 1/1");
    drop(t);
    assert_eq!(
        wait_gone(),
        0,
        "review kept running after its terminal closed"
    );

    // SIGTERM: the process ends and gives the terminal back (the shell prints after it).
    let command = format!(
        "{bin} review {} --reviewer e2e; echo review-ended-$?; sleep 30",
        report.display()
    );
    let t = Tmux::start("term", &command, 120, 30);
    t.wait_for("report 1/1");
    Command::new("pkill")
        .args(["-TERM", "-f", &needle])
        .status()
        .unwrap();
    let screen = t.wait_for("review-ended-");
    assert!(
        !screen.contains("report 1/1"),
        "the alternate screen was left: {screen}"
    );
    assert_eq!(wait_gone(), 0);
}

#[test]
fn kill_9_after_edits_leaves_a_whole_sidecar_with_every_edit() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = probe(dir.path(), "kill-probe.txt", "003_9110b932e3d5ac2b.txt");
    let bin = env!("CARGO_BIN_EXE_tablereview");
    let command = review_command(bin, "k", &report);
    let t = Tmux::start("kill", &command, 120, 30);
    t.wait_for("report 1/1");
    // Three edits on the first rows of the proactive table.
    t.keys(&["5", "Enter"]);
    t.wait_for("= 5");
    t.keys(&["j", "7", "Enter"]);
    t.wait_for("= 7");
    t.keys(&["l", "9", "Enter"]);
    t.wait_for("= 9");
    let needle = format!("^{bin} review --reviewer k {}", report.display());
    Command::new("pkill")
        .args(["-KILL", "-f", &needle])
        .status()
        .unwrap();
    let side = tablereview::sidecar::load(&dir.path().join("kill-probe.reviewed.json"))
        .expect("the sidecar is whole")
        .expect("the sidecar exists");
    let values: Vec<Option<f64>> = side.edits.iter().map(|e| e.new).collect();
    assert_eq!(
        values,
        [Some(5.0), Some(7.0), Some(9.0)],
        "every committed edit is on disk"
    );
    assert_eq!(
        side.report
            .cell("proactive.normative_documents.repealed")
            .unwrap()
            .value,
        Some(9.0)
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A tmux pane flag (`alternate_on`, `mouse_any_flag`) of the test's window.
fn pane_flag(t: &Tmux, flag: &str) -> String {
    let out = t.cmd(&[
        "display-message",
        "-p",
        "-t",
        "e2e",
        &format!("#{{{flag}}}"),
    ]);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn outside_signals_restore_the_terminal_and_remove_the_lock() {
    if !tmux_available() {
        return;
    }
    // One run per signal (4 runs): SIGINT, SIGQUIT, SIGUSR1 and SIGALRM, whose default ends
    // the process at once, left the terminal raw, on the alternate screen, the mouse on and
    // the lock behind.
    let bin = env!("CARGO_BIN_EXE_tablereview");
    for (name, sig) in [
        ("int", libc::SIGINT),
        ("quit", libc::SIGQUIT),
        ("usr1", libc::SIGUSR1),
        ("alrm", libc::SIGALRM),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let report = probe(dir.path(), "signal-probe.txt", "000_7a2d16d58913ef59.txt");
        let pidfile = dir.path().join("pid");
        // The inner shell writes its id and becomes the review, so the signal goes to it and
        // to nothing else.
        let command = format!(
            "sh -c 'echo $$ > {}; exec {bin} review --reviewer e2e {}'; echo review-ended-$?; sleep 30",
            pidfile.display(),
            report.display()
        );
        let t = Tmux::start(&format!("sig-{name}"), &command, 120, 30);
        t.wait_for("report 1/1");
        let lock = dir.path().join("signal-probe.reviewed.json.lock");
        assert!(lock.exists(), "{name}: the review holds its lock");
        assert_eq!(pane_flag(&t, "mouse_any_flag"), "1", "{name}: mouse on");
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // SAFETY: kill(2) with the review's own process id and a signal number.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
        let screen = t.wait_for("review-ended-");
        assert!(!screen.contains("report 1/1"), "{name}: {screen}");
        assert_eq!(
            pane_flag(&t, "alternate_on"),
            "0",
            "{name}: alternate screen left on"
        );
        assert_eq!(
            pane_flag(&t, "mouse_any_flag"),
            "0",
            "{name}: mouse left on"
        );
        assert!(!lock.exists(), "{name}: the lock was left behind");
    }
}

#[test]
fn a_burst_of_keys_longer_than_one_read_is_handled_whole() {
    if !tmux_available() {
        return;
    }
    // 300 edits typed in one burst (1,092 bytes): the input source handled exactly the
    // first 1,024 bytes and waited for the next key.
    let dir = tempfile::tempdir().unwrap();
    let report = probe(dir.path(), "burst-probe.txt", "003_9110b932e3d5ac2b.txt");
    let bin = env!("CARGO_BIN_EXE_tablereview");
    let command = review_command(bin, "b", &report);
    let t = Tmux::start("burst", &command, 120, 30);
    t.wait_for("report 1/1");
    let burst: String = (1..=300).map(|i| format!("{i}\r")).collect();
    assert!(burst.len() > 1024);
    t.cmd(&["send-keys", "-t", "e2e", "-l", &burst]);
    t.wait_for("= 300");
    let side = tablereview::sidecar::load(&dir.path().join("burst-probe.reviewed.json"))
        .unwrap()
        .unwrap();
    assert_eq!(side.edits.len(), 300);
}

/// Rounds of the journal's kill test (docs/reliability.md quotes it).
const JOURNAL_KILL_ROUNDS: u64 = 12;
/// Edits typed in each round's burst.
const EDITS_PER_ROUND: u64 = 500;

#[test]
fn kill_9_in_the_middle_of_a_burst_leaves_a_readable_review_with_every_edit_before_it() {
    if !tmux_available() {
        return;
    }
    // Each round opens the review again (claiming it writes the last round's journal into
    // the sidecar), types 500 edits in one burst and kills the process while they are being
    // saved, a little later each round. What is on disk must read, and hold every round's
    // edits in order up to some point: never a hole, never a damaged journal.
    let dir = tempfile::tempdir().unwrap();
    let report = probe(dir.path(), "journal-probe.txt", "003_9110b932e3d5ac2b.txt");
    let side_path = dir.path().join("journal-probe.reviewed.json");
    let bin = env!("CARGO_BIN_EXE_tablereview");
    let command = review_command(bin, "j", &report);
    let needle = format!("^{bin} review --reviewer j {}", report.display());
    let mut kept = 0;
    let mut journalled_rounds = 0;
    for round in 1..=JOURNAL_KILL_ROUNDS {
        let t = Tmux::start(&format!("journal{round}"), &command, 120, 30);
        t.wait_for("report 1/1");
        let burst: String = (1..=EDITS_PER_ROUND)
            .map(|i| format!("{}\r", round * 1000 + i))
            .collect();
        t.cmd(&["send-keys", "-t", "e2e", "-l", &burst]);
        std::thread::sleep(Duration::from_millis(25 * round));
        journalled_rounds += u64::from(side_path.with_extension("json.journal").exists());
        Command::new("pkill")
            .args(["-KILL", "-f", &needle])
            .status()
            .unwrap();
        let start = Instant::now();
        while processes_mentioning(&needle) > 0 && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(t);
        let Some(side) =
            tablereview::sidecar::load(&side_path).unwrap_or_else(|e| panic!("round {round}: {e}"))
        else {
            assert_eq!(kept, 0, "round {round}: the sidecar is gone");
            continue;
        };
        let values: Vec<u64> = side.edits.iter().map(|e| e.new.unwrap() as u64).collect();
        assert!(values.len() >= kept, "round {round}: edits were lost");
        let this_round = &values[kept..];
        let expected: Vec<u64> = (1..=this_round.len() as u64)
            .map(|i| round * 1000 + i)
            .collect();
        assert_eq!(this_round, expected, "round {round}: a hole in the edits");
        eprintln!(
            "round {round}: {} of {EDITS_PER_ROUND} edits on disk",
            this_round.len()
        );
        kept = values.len();
    }
    assert!(kept > 0, "no round saved anything");
    assert!(
        journalled_rounds > 0,
        "no kill came while the journal was in use"
    );
    // A last session quits normally: the journal is written into the sidecar on close.
    let t = Tmux::start("journal-last", &command, 120, 30);
    t.wait_for("report 1/1");
    t.keys(&["7", "Enter", "q"]);
    assert!(t.wait_exit());
    assert!(!side_path.with_extension("json.journal").exists());
    let side: tablereview::sidecar::Sidecar =
        serde_json::from_slice(&std::fs::read(&side_path).unwrap()).unwrap();
    assert_eq!(
        side.edits.len(),
        kept + 1,
        "the sidecar alone holds every edit"
    );
}
