//! The command line: exit codes, outputs and one-line errors.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

fn bin() -> Command {
    Command::cargo_bin("tablereview").unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[test]
fn check_clean_report_exits_zero() {
    bin()
        .args(["check"])
        .arg(fixture("000_7a2d16d58913ef59.txt"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("宝塔区 2024 gov-2021 — 0 errors"));
}

#[test]
fn check_report_without_tables_exits_one() {
    bin()
        .args(["check"])
        .arg(fixture("004_f1496913e2f754ab.txt"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[missing-table]"));
}

#[test]
fn check_json_is_one_object_per_report_line() {
    let out = bin()
        .args(["check", "--json"])
        .arg(fixture("001_8b45603aceec5a0e.txt"))
        .arg(fixture("004_f1496913e2f754ab.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["template"], "gov-2019");
    assert_eq!(lines[0]["errors"], 0);
    assert_eq!(lines[1]["errors"], 3);
    assert_eq!(lines[1]["findings"][1]["rule"], "missing-table");
    assert_eq!(
        lines[1]["findings"][1]["cells"].as_array().unwrap().len(),
        175
    );
}

#[test]
fn check_folder_recurses_into_txt_files() {
    let out = bin()
        .args(["check", "--json", "-q"])
        .arg(fixture(""))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn extract_to_stdout_writes_the_report_contract() {
    let out = bin()
        .args(["extract", "-o", "-"])
        .arg(fixture("002_0f59753cce69c6af.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "tablereview.report/1");
    assert_eq!(v["source"]["encoding"], "utf-8");
    assert_eq!(v["template"], "gov-2021");
    assert_eq!(v["report"]["year"], 2024);
    let granted = &v["tables"][1]["rows"][2];
    assert_eq!(granted["key"], "granted");
    assert_eq!(granted["cells"][0]["value"], 20);
    assert_eq!(granted["cells"][5]["value"], serde_json::Value::Null);
    assert_eq!(granted["cells"][5]["status"], "blank");
}

#[test]
fn extract_writes_beside_the_input_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("宝塔区 2024.txt");
    std::fs::copy(fixture("000_7a2d16d58913ef59.txt"), &src).unwrap();
    bin().arg("extract").arg(&src).assert().success();
    let out = dir.path().join("宝塔区 2024.extracted.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
    assert_eq!(v["report"]["organization"], "宝塔区");
}

#[test]
fn missing_file_is_one_line_naming_it_and_exit_two() {
    bin()
        .args(["check", "no/such/report.txt"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no/such/report.txt")
                .and(predicate::str::contains("\n").count(1)),
        );
}

#[test]
fn binary_and_empty_files_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let bin_file = dir.path().join("b.txt");
    std::fs::write(&bin_file, b"\x00\x01\x02binary").unwrap();
    let empty = dir.path().join("e.txt");
    std::fs::write(&empty, b"").unwrap();
    for (path, needle) in [(&bin_file, "binary"), (&empty, "empty")] {
        bin()
            .arg("check")
            .arg(path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    }
}

#[test]
fn gb18030_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("003_9110b932e3d5ac2b.txt")).unwrap();
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let path = dir.path().join("gbk.txt");
    std::fs::write(&path, &bytes).unwrap();
    let out = bin()
        .args(["extract", "-o", "-"])
        .arg(&path)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"]["encoding"], "gb18030");
    assert_eq!(v["report"]["organization"], "乌恰县人民政府办公室");
}

#[test]
fn help_lists_the_commands() {
    bin()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("extract").and(predicate::str::contains("check")));
}
