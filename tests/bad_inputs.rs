//! Bad input never panics or hangs: each gets a one-line message naming the file, exit 2 where
//! the file is not a report, and findings (exit 1) where it is a report with bad figures.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rstest::rstest;

fn bin() -> Command {
    Command::cargo_bin("tablereview").unwrap()
}

fn seed(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name),
    )
    .unwrap()
}

/// Writes `bytes` as `name` in a fresh folder.
fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

fn run(args: &[&str], path: &Path) -> (i32, String, String) {
    let out = bin().args(args).arg(path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "panic on {}: {stderr}",
        path.display()
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

/// A report is not a report: exit 2 and exactly one line naming the file.
fn assert_refused(path: &Path, needle: &str) {
    for args in [
        &["check"][..],
        &["extract", "-o", "-"][..],
        &["export", "-o", "-"][..],
    ] {
        let (code, _, stderr) = run(args, path);
        assert_eq!(code, 2, "{args:?} {}: {stderr}", path.display());
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("tablereview:"))
            .collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
        assert!(
            lines[0].contains(&path.display().to_string()),
            "{args:?}: {stderr}"
        );
        assert!(
            lines[0].contains(needle),
            "{args:?}: expected {needle:?} in {stderr}"
        );
    }
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused(&dir.path().join("没有 这个.txt"), "no such file");
}

#[test]
fn folder_without_reports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "x").unwrap();
    let (code, _, stderr) = run(&["check"], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no reports (.txt, .html, .htm, .docx, .doc) found"),
        "{stderr}"
    );
}

#[rstest]
#[case::empty(b"".to_vec(), "empty")]
#[case::only_whitespace(b" \n\r\n\t".to_vec(), "empty")]
#[case::binary((0u8..=255).cycle().take(4096).collect(), "binary")]
#[case::nul_in_text([seed("003_9110b932e3d5ac2b.txt").as_bytes(), b"\0\0"].concat(), "binary")]
#[case::neither_utf8_nor_gb18030(b"\xff\xfe\xfd\x80\x80 abc".to_vec(), "neither UTF-8 nor GB18030")]
fn not_a_report(#[case] bytes: Vec<u8>, #[case] needle: &str) {
    let (_d, p) = file("r.txt", &bytes);
    assert_refused(&p, needle);
}

#[test]
fn a_40_mb_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.txt");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(40_000_000).unwrap();
    assert_refused(&p, "MB is far larger");
}

#[test]
fn a_2_mb_single_line_is_read() {
    let line = "政府信息公开".repeat(2_000_000 / 18);
    let (_d, p) = file("line.txt", line.as_bytes());
    let (code, stdout, _) = run(&["check", "-q"], &p);
    assert_eq!(code, 1, "no tables: errors, not a failure to run");
    assert!(stdout.contains("missing-table"));
}

#[rstest]
#[case::too_large("| 22 | 0 |", "| 99999999999999 | 0 |", "too large")]
#[case::negative_count("(七)总计 | 22 | 0", "(七)总计 | -22 | 0", "cannot be negative")]
#[case::text_in_a_count("行政许可 | 36411 |", "行政许可 | 约三万 |", "约三万 is not a number")]
fn bad_figures_are_invalid_cells(#[case] from: &str, #[case] to: &str, #[case] needle: &str) {
    let text = seed("000_7a2d16d58913ef59.txt");
    let bad = text.replacen(from, to, 1);
    assert_ne!(bad, text, "the case must change the text");
    let (_d, p) = file("bad.txt", bad.as_bytes());
    let (code, stdout, _) = run(&["check"], &p);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("error[invalid]") || stdout.contains("error[ambiguous]"),
        "{stdout}"
    );
    let out = bin().args(["extract", "-o", "-"]).arg(&p).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(messages.iter().any(|m| m.contains(needle)), "{messages:#?}");
}

#[test]
fn invalid_values_explain_why() {
    let text =
        seed("000_7a2d16d58913ef59.txt").replacen("(七)总计 | 22 | 0", "(七)总计 | -22 | 0", 1);
    let (_d, p) = file("neg.txt", text.as_bytes());
    let (_, stdout, _) = run(&["check"], &p);
    assert!(stdout.contains("“-22” is not a valid count"), "{stdout}");
}

#[test]
fn paths_with_spaces_and_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("年度 报告");
    std::fs::create_dir(&sub).unwrap();
    let p = sub.join("宝塔区 2024 年报.txt");
    std::fs::write(&p, seed("003_9110b932e3d5ac2b.txt")).unwrap();
    let (code, stdout, _) = run(&["check"], &sub);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("宝塔区 2024 年报.txt"));
    bin().arg("extract").arg(&p).assert().success();
    assert!(sub.join("宝塔区 2024 年报.extracted.json").exists());
}

#[test]
fn sidecar_with_unknown_fields_is_read() {
    let (dir, p) = file("r.txt", seed("003_9110b932e3d5ac2b.txt").as_bytes());
    let mut doc = tablereview::review::ReviewDoc::open(&p, "t", None).unwrap();
    doc.approve(None).unwrap();
    doc.save().unwrap();
    let side = dir.path().join("r.reviewed.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&side).unwrap()).unwrap();
    v["added_by_a_later_version"] = serde_json::json!({"x": 1});
    v["review"]["note"] = serde_json::json!("extra");
    std::fs::write(&side, serde_json::to_vec(&v).unwrap()).unwrap();
    let (code, stdout, stderr) = run(&["check"], &p);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("1 approved"), "{stdout}");
}

#[test]
fn sidecar_of_a_newer_schema_is_refused_and_kept() {
    let (dir, p) = file("r.txt", seed("003_9110b932e3d5ac2b.txt").as_bytes());
    let side = dir.path().join("r.reviewed.json");
    std::fs::write(
        &side,
        br#"{"schema":"tablereview.review/3","anything":true}"#,
    )
    .unwrap();
    let (code, _, stderr) = run(&["check"], &p);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("r.reviewed.json") && stderr.contains("newer"),
        "{stderr}"
    );
    let (code, _, _) = run(&["export", "-o", "-"], &p);
    assert_eq!(code, 2);
    assert_eq!(
        std::fs::read(&side).unwrap(),
        br#"{"schema":"tablereview.review/3","anything":true}"#
    );
}

#[test]
fn review_without_a_terminal_says_so() {
    let (_d, p) = file("r.txt", seed("003_9110b932e3d5ac2b.txt").as_bytes());
    let (code, _, stderr) = run(&["review"], &p);
    assert_eq!(code, 2);
    assert!(stderr.contains("needs a terminal"), "{stderr}");
}

#[test]
fn show_of_a_folder_says_what_to_use() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["show"], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("is a folder; give a report file"),
        "{stderr}"
    );
}
