//! End to end in a real terminal (tmux), issue 17: report 001 from open to no open flag in a
//! few keys, a prose/table mismatch dismissed with a reason, the queue stepped, a keys file
//! of one's own honoured (and a bad one named).
//!
//! Needs tmux; set TABLEREVIEW_SKIP_TMUX=1 to skip where it cannot run.

#[path = "common/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::Command;

use tmux::{tmux_available, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_tablereview");

/// A fixture copied into `dir` under `name`.
fn copy(dir: &Path, fixture: &str, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(fixture),
        &to,
    )
    .unwrap();
    to
}

fn sidecar(report: &Path) -> serde_json::Value {
    let path = report.with_extension("reviewed.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn review(name: &str, config: &Path, paths: &[&Path]) -> Tmux {
    let files: Vec<String> = paths.iter().map(|p| format!("'{}'", p.display())).collect();
    let command = format!(
        "LANG=C.UTF-8 NO_COLOR=1 TABLEREVIEW_CONFIG_DIR='{}' '{BIN}' review --reviewer e2e {}",
        config.display(),
        files.join(" ")
    );
    Tmux::start(name, &command, 140, 40)
}

#[test]
fn report_001_reaches_no_open_flag_in_two_keystrokes() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = copy(dir.path(), "001_8b45603aceec5a0e.txt", "001.txt");
    let t = review("bulk", dir.path(), &[&report]);
    t.wait_for("warnings 154");
    // Every blank as 0, then the table of inferred placements the cursor moved to.
    t.keys(&["b"]);
    t.wait_for("136 cells confirmed");
    t.keys(&["C-t"]);
    let screen = t.wait_for("warnings 0");
    assert!(screen.contains("errors 0"), "{screen}");
    t.keys(&["q"]);
    assert!(t.wait_exit(), "q quits");
    let side = sidecar(&report);
    assert_eq!(
        side["findings"].as_array().unwrap().len(),
        0,
        "no open flag"
    );
    let steps: std::collections::BTreeSet<u64> = side["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_u64().unwrap())
        .collect();
    assert_eq!(steps.len(), 2, "one log step per key");
    let check = Command::new(BIN)
        .arg("check")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("1 clean"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn a_mismatch_dismissed_with_a_reason_is_in_the_sidecar_and_check() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = copy(dir.path(), "000_7a2d16d58913ef59.txt", "000.txt");
    let t = review("dismiss", dir.path(), &[&report]);
    // The prose says 无法提供6件, the table 5: the cursor opens on it.
    t.wait_for("warnings 1");
    t.keys(&["f"]);
    t.wait_for("narrative-mismatch");
    t.keys(&["d"]);
    t.wait_for("reason for dismissing");
    t.keys(&["counts a request twice", "Enter"]);
    t.wait_for("warnings 0");
    t.keys(&["q"]);
    assert!(t.wait_exit());
    let side = sidecar(&report);
    assert_eq!(side["dismissed"][0]["rule"], "narrative-mismatch");
    assert_eq!(side["dismissed"][0]["reason"], "counts a request twice");
    assert_eq!(side["dismissed"][0]["reviewer"], "e2e");
    let f = &side["findings"][0];
    assert_eq!(f["dismissed"]["reason"], "counts a request twice");
    let out = Command::new(BIN)
        .args(["check", "--json"])
        .arg(&report)
        .output()
        .unwrap();
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(line["warnings"], 0, "{line}");
    assert_eq!(
        line["findings"][0]["dismissed"]["reason"],
        "counts a request twice"
    );
}

#[test]
fn the_queue_is_stepped_by_approve_next_unreviewed_and_its_list_ends() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let a = copy(dir.path(), "000_7a2d16d58913ef59.txt", "a.txt");
    let b = copy(dir.path(), "002_0f59753cce69c6af.txt", "b.txt");
    let c = copy(dir.path(), "003_9110b932e3d5ac2b.txt", "c.txt");
    let t = review("queue", dir.path(), &[&a, &b, &c]);
    t.wait_for("report 1/3");
    t.keys(&["a"]);
    t.wait_for("report 2/3");
    t.keys(&["a"]);
    t.wait_for("report 3/3");
    // Back to the start: the next undecided report is c itself; a and b are approved.
    t.keys(&["["]);
    t.wait_for("report 2/3");
    t.keys(&["U"]);
    t.wait_for("report 3/3");
    t.keys(&["L", "g"]);
    t.wait_for("a.txt");
    t.keys(&["G", "Enter"]);
    t.wait_for("report 3/3");
    t.keys(&["L", "Home", "Enter"]);
    t.wait_for("report 1/3");
    // Filtered to one report by its name, then opened.
    t.keys(&["L", "/", "b.txt", "Enter"]);
    let screen = t.wait_for("filter: b.txt");
    assert!(!screen.contains("c.txt"), "{screen}");
    t.keys(&["Enter"]);
    t.wait_for("report 2/3");
    t.keys(&["q"]);
    assert!(t.wait_exit());
    assert_eq!(sidecar(&a)["review"]["status"], "approved");
    assert_eq!(sidecar(&b)["review"]["status"], "approved");
}

#[test]
fn a_keys_file_of_ones_own_is_honoured_and_a_bad_one_is_named() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keys.toml"), "confirm_blanks = [\"Z\"]\n").unwrap();
    let out = Command::new(BIN)
        .arg("keys")
        .env("TABLEREVIEW_CONFIG_DIR", dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("confirm_blanks = [\"Z\"]"));
    let report = copy(dir.path(), "001_8b45603aceec5a0e.txt", "001.txt");
    let t = review("keys", dir.path(), &[&report]);
    let screen = t.wait_for("warnings 154");
    assert!(screen.contains("Z blanks=0"), "the hints follow: {screen}");
    t.keys(&["b"]);
    t.keys(&["Z"]);
    t.wait_for("warnings 18");
    t.keys(&["?"]);
    t.wait_for("confirm every blank of the report as 0");
    t.keys(&["Escape", "q"]);
    assert!(t.wait_exit());
    drop(t);

    std::fs::write(
        dir.path().join("keys.toml"),
        "confirm_blanks = [\"Hyper-b\"]\n",
    )
    .unwrap();
    let t = review("badkeys", dir.path(), &[&report]);
    let screen = t.wait_for("default keys used");
    assert!(
        screen.contains("keys.toml: entry `confirm_blanks`: unknown key"),
        "{screen}"
    );
    t.keys(&["q"]);
    assert!(t.wait_exit());
}

#[test]
fn with_no_user_and_no_reviewer_a_name_is_asked_once_and_remembered() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = copy(dir.path(), "000_7a2d16d58913ef59.txt", "000.txt");
    let command = format!(
        "env -u USER LANG=C.UTF-8 NO_COLOR=1 TABLEREVIEW_CONFIG_DIR='{}' '{BIN}' review '{}'",
        dir.path().display(),
        report.display()
    );
    let t = Tmux::start("asks", &command, 140, 40);
    t.wait_for("Your name for the review log");
    t.keys(&["Wang Fang", "Enter"]);
    t.wait_for("warnings 1");
    t.keys(&["c", "q"]);
    assert!(t.wait_exit());
    drop(t);
    let side = sidecar(&report);
    assert_eq!(side["edits"][0]["reviewer"], "Wang Fang");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("reviewer")).unwrap(),
        "Wang Fang\n"
    );
    // The next session does not ask.
    let t = Tmux::start("asks-again", &command, 140, 40);
    let screen = t.wait_for("warnings");
    assert!(!screen.contains("Your name"), "{screen}");
    t.keys(&["q"]);
    assert!(t.wait_exit());
}
