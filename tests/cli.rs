//! The command line: exit codes, outputs and one-line errors.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

mod common;

fn bin() -> Command {
    Command::cargo_bin("tablereview").unwrap()
}

/// A fixture in the pristine copy (never fixtures/ itself, which a review run may change).
fn fixture(name: &str) -> PathBuf {
    common::pristine().join(name)
}

#[test]
fn the_fixture_copy_leaves_out_what_a_review_run_leaves() {
    for name in [
        "000_7a2d16d58913ef59.reviewed.json",
        "000_7a2d16d58913ef59.reviewed.json.lock",
        "r.reviewed.stale-2026-01-01T00-00-00Z.json",
        ".r.reviewed.json.Ab12Cd.tmp",
    ] {
        assert!(common::is_review_artefact(name), "{name}");
    }
    for name in [
        "000_7a2d16d58913ef59.txt",
        "seed000_filled.truth.json",
        "x.pdf",
    ] {
        assert!(!common::is_review_artefact(name), "{name}");
    }
    assert!(fixture("000_7a2d16d58913ef59.txt").exists());
    assert!(!fixture("").starts_with(common::fixtures()));
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
    // Word 97 files are read only where LibreOffice is installed (.ci/run installs it).
    let doc = if tablereview::read::doc::converter().is_some() {
        2
    } else {
        0
    };
    let (series, reports): (Vec<&str>, Vec<&str>) = text
        .lines()
        .partition(|l| l.contains("\"kind\":\"series\""));
    assert_eq!(
        reports.len(),
        27 + doc,
        "five seeds, fourteen variants, two Word, six PDF and {doc} Word 97 documents"
    );
    // The variants and documents are seed 000 (or 004) again: the same body and year.
    assert!(!series.is_empty());
    for line in series {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["rule"], "duplicate-report", "{line}");
    }
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

fn copy(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        std::fs::copy(fixture(n), dir.path().join(n)).unwrap();
    }
    dir
}

#[test]
fn export_takes_reviewed_values_and_filters_by_status() {
    use tablereview::review::ReviewDoc;
    let dir = copy(&[
        "000_7a2d16d58913ef59.txt",
        "002_0f59753cce69c6af.txt",
        "004_f1496913e2f754ab.txt",
    ]);
    let mut a = ReviewDoc::open(&dir.path().join("000_7a2d16d58913ef59.txt"), "li", None).unwrap();
    a.edit("proactive.fees.amount", "2110.5").unwrap();
    a.approve(None).unwrap();
    a.save().unwrap();
    let mut r = ReviewDoc::open(&dir.path().join("004_f1496913e2f754ab.txt"), "li", None).unwrap();
    r.reject("tables lost".into()).unwrap();
    r.save().unwrap();

    let out = bin()
        .arg("export")
        .arg(dir.path())
        .args(["-o", "-", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let recs: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 2, "the rejected report is left out");
    assert_eq!(recs[0]["status"], "approved");
    assert_eq!(recs[0]["reviewer"], "li");
    assert_eq!(recs[0]["values"]["proactive.fees.amount"], 2110.5);
    assert_eq!(recs[1]["status"], "unreviewed");
    assert!(recs[1]["values"]["requests.granted.other"].is_null());

    let out = bin()
        .arg("export")
        .arg(dir.path())
        .args(["-o", "-", "-q", "--only-approved"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
    let out = bin()
        .arg("export")
        .arg(dir.path())
        .args(["-o", "-", "-q", "--include-rejected"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(text.contains("\"status\":\"rejected\""));
}

#[test]
fn export_csv_to_a_file_is_long_form() {
    let dir = copy(&["001_8b45603aceec5a0e.txt"]);
    let out = dir.path().join("data.csv");
    bin()
        .arg("export")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 1 + 198);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head = r.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let row = r
        .records()
        .map(Result::unwrap)
        .find(|r| &r[col("key")] == "requests.granted.natural_person")
        .unwrap();
    assert_eq!(&row[col("organization")], "忻州市");
    assert_eq!(&row[col("year")], "2020");
    assert_eq!(&row[col("template")], "gov-2019");
    assert_eq!(&row[col("report_status")], "unreviewed");
    assert_eq!(&row[col("value")], "199");
    assert_eq!(&row[col("status")], "inferred");
    assert_eq!(&row[col("row_label")], "（一）予以公开");
    assert_eq!(&row[col("column_label")], "自然人");
    assert!(
        row[col("place")].starts_with("line "),
        "{:?}",
        &row[col("place")]
    );
}

#[cfg(unix)]
#[test]
fn export_to_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = copy(&["001_8b45603aceec5a0e.txt"]);
    let out = tempfile::tempdir().unwrap();
    let real = out.path().join("data.csv");
    let link = out.path().join("latest.csv");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    bin()
        .arg("export")
        .arg(dir.path())
        .arg("-o")
        .arg(&link)
        .arg("-q")
        .assert()
        .success();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let text = std::fs::read_to_string(&real).unwrap();
    assert_eq!(text.lines().count(), 1 + 198);
}

#[test]
fn export_without_a_known_format_exits_two() {
    let dir = copy(&["000_7a2d16d58913ef59.txt"]);
    bin()
        .arg("export")
        .arg(dir.path())
        .args(["-o", "out.data"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format"));
}

#[test]
fn check_ends_with_a_summary_and_uses_sidecars() {
    use tablereview::review::ReviewDoc;
    let dir = copy(&["000_7a2d16d58913ef59.txt", "004_f1496913e2f754ab.txt"]);
    let mut a = ReviewDoc::open(&dir.path().join("000_7a2d16d58913ef59.txt"), "li", None).unwrap();
    a.edit("requests.granted.total", "17").unwrap();
    a.save().unwrap();
    let out = bin().arg("check").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.ends_with("2 reports: 0 clean, 2 with errors, 2 with warnings, 0 approved\n"),
        "{text}"
    );
    let raw = bin()
        .args(["check", "--raw"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8(raw.stdout)
        .unwrap()
        .contains("2 reports: 0 clean, 1 with errors, 2 with warnings"));
}

#[test]
fn an_unreadable_sidecar_makes_check_exit_two_naming_it() {
    let dir = copy(&["000_7a2d16d58913ef59.txt"]);
    std::fs::write(
        dir.path().join("000_7a2d16d58913ef59.reviewed.json"),
        "{oops",
    )
    .unwrap();
    bin().arg("check").arg(dir.path()).assert().code(2).stderr(
        predicate::str::contains("000_7a2d16d58913ef59.reviewed.json")
            .and(predicate::str::contains("cannot parse sidecar")),
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("000_7a2d16d58913ef59.reviewed.json")).unwrap(),
        "{oops"
    );
}

#[test]
fn extract_accepts_folders() {
    let dir = copy(&["000_7a2d16d58913ef59.txt", "003_9110b932e3d5ac2b.txt"]);
    bin().arg("extract").arg(dir.path()).assert().success();
    assert!(dir
        .path()
        .join("000_7a2d16d58913ef59.extracted.json")
        .exists());
    assert!(dir
        .path()
        .join("003_9110b932e3d5ac2b.extracted.json")
        .exists());
}

#[test]
fn export_never_includes_an_unaccepted_suggestion() {
    let dir = copy(&["004_f1496913e2f754ab.txt"]);
    let out = bin()
        .arg("export")
        .arg(dir.path())
        .args(["-o", "-", "-q"])
        .output()
        .unwrap();
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rec["values"]["proactive.licensing.decisions"].is_null());
    let mut d = tablereview::review::ReviewDoc::open(
        &dir.path().join("004_f1496913e2f754ab.txt"),
        "li",
        None,
    )
    .unwrap();
    d.accept_suggestion("proactive.licensing.decisions")
        .unwrap();
    d.save().unwrap();
    let out = bin()
        .arg("export")
        .arg(dir.path())
        .args(["-o", "-", "-q"])
        .output()
        .unwrap();
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rec["values"]["proactive.licensing.decisions"], 31461);
}

#[test]
fn check_prints_narrative_mismatches() {
    bin()
        .arg("check")
        .arg(fixture("000_7a2d16d58913ef59.txt"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("warning[narrative-mismatch]")
                .and(predicate::str::contains("无法提供6件")),
        );
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `extract -o - | head -c 100`: the reader goes away while JSON is still being written.
    for args in [
        vec!["extract", "-q", "-o", "-"],
        vec!["check", "--json", "-q", "--no-cache"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tablereview"))
            .args(&args)
            .arg(fixture("001_8b45603aceec5a0e.txt"))
            .arg(fixture("000_7a2d16d58913ef59.txt"))
            .arg(fixture("002_0f59753cce69c6af.txt"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{args:?}: {:?}",
            out.status
        );
    }
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let (dir, report) = common::copy_fixture("000_7a2d16d58913ef59.txt");
    let before = std::fs::read(&report).unwrap();
    // The same file, by its own name and by another spelling of it.
    let dotted = dir.path().join(".").join(report.file_name().unwrap());
    for out in [report.clone(), dotted] {
        let got = bin()
            .args(["extract"])
            .arg(&report)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(got.status.code(), Some(2));
        let err = String::from_utf8_lossy(&got.stderr);
        assert!(err.contains("is the input"), "{err}");
        assert_eq!(std::fs::read(&report).unwrap(), before);
    }
    // An export over the report's review, written yet or not, would be read as a sidecar.
    let sidecar = report.with_file_name("000_7a2d16d58913ef59.reviewed.json");
    let got = bin()
        .arg("export")
        .arg(dir.path())
        .arg("-o")
        .arg(&sidecar)
        .output()
        .unwrap();
    assert_eq!(got.status.code(), Some(2));
    assert!(!sidecar.exists());
    let got = bin()
        .arg("export")
        .arg(dir.path())
        .arg("-o")
        .arg(&report)
        .arg("--format")
        .arg("csv")
        .output()
        .unwrap();
    assert_eq!(got.status.code(), Some(2));
    assert_eq!(std::fs::read(&report).unwrap(), before);
}

#[test]
fn a_file_named_like_a_formula_reaches_the_csv_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let name = "=1+2.txt";
    std::fs::copy(fixture("000_7a2d16d58913ef59.txt"), dir.path().join(name)).unwrap();
    let out = dir.path().join("data.csv");
    // Named as it is, from its folder: the source column starts with `=`.
    bin()
        .current_dir(dir.path())
        .args(["export", name, "-o", "data.csv"])
        .assert()
        .success();
    let mut rd = csv::Reader::from_path(&out).unwrap();
    let mut rows = 0;
    for rec in rd.records() {
        let rec = rec.unwrap();
        assert_eq!(&rec[0], format!("'{name}"));
        rows += 1;
    }
    assert!(rows > 100);
}

#[test]
fn a_write_error_gives_its_reason_once() {
    let dir = tempfile::tempdir().unwrap();
    // A file where a folder should be: the temp file beside the output cannot be made.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let out = bin()
        .arg("extract")
        .arg(fixture("000_7a2d16d58913ef59.txt"))
        .arg("-o")
        .arg(blocker.join("r.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert_eq!(err.matches("Not a directory").count(), 1, "{err}");
}

#[test]
fn an_escape_in_a_file_name_reaches_stderr_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "bad\u{1b}]0;owned\u{7}\nforged.txt";
    let path = dir.path().join(name);
    std::fs::write(&path, "").unwrap();
    let out = bin().arg("check").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err:?}");
}

#[test]
fn a_failed_export_leaves_the_previous_file_as_it_was() {
    let dir = copy(&["000_7a2d16d58913ef59.txt", "002_0f59753cce69c6af.txt"]);
    std::fs::write(
        dir.path().join("002_0f59753cce69c6af.reviewed.json"),
        "{ not json",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let data = out.path().join("data.csv");
    std::fs::write(&data, "the good export\n").unwrap();
    bin()
        .arg("export")
        .arg(dir.path())
        .arg("-o")
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "002_0f59753cce69c6af.reviewed.json",
        ))
        .stderr(predicate::str::contains(
            "not written, 1 report could not be read",
        ));
    assert_eq!(std::fs::read_to_string(&data).unwrap(), "the good export\n");
    let leftovers: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp file is left behind");
    // --partial writes what could be read, and still says the run was incomplete.
    bin()
        .arg("export")
        .arg(dir.path())
        .arg("-o")
        .arg(&data)
        .args(["--partial", "-q"])
        .assert()
        .code(2);
    let text = std::fs::read_to_string(&data).unwrap();
    assert!(
        text.contains("000_7a2d16d58913ef59.txt") && !text.contains("002_0f59753cce69c6af.txt")
    );
}

#[test]
fn keys_list_prints_the_dictionary_of_both_formats() {
    let out = bin().args(["keys-list"]).output().unwrap();
    assert!(out.status.success());
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let head = r.headers().unwrap().clone();
    assert_eq!(
        head.iter().collect::<Vec<_>>(),
        [
            "key",
            "template",
            "canonical_key",
            "table",
            "row",
            "column",
            "table_label",
            "row_label",
            "column_label",
            "kind",
            "unit"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 200 + 198);
    let fee = rows
        .iter()
        .find(|r| &r[0] == "proactive.fees.amount" && &r[1] == "gov-2021")
        .unwrap();
    assert_eq!((&fee[9], &fee[10]), ("amount", "万元"));

    let out = bin()
        .args(["keys-list", "--format", "json", "--template", "gov-2019"])
        .output()
        .unwrap();
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 198);
    assert!(list.iter().all(|e| e["template"] == "gov-2019"));
    bin()
        .args(["keys-list", "--template", "gov-2030"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such format"));
}

#[test]
fn export_measures_are_added_on_request() {
    let dir = copy(&["000_7a2d16d58913ef59.txt"]);
    let run = |extra: &[&str]| {
        let out = bin()
            .arg("export")
            .arg(dir.path())
            .args(["-o", "-", "-q"])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert!(run(&[]).get("measures").is_none());
    let rec = run(&["--measures"]);
    let m = rec["measures"].as_object().unwrap();
    assert_eq!(m.len(), 6);
    let v = &rec["values"];
    let total = v["requests.total_processed.total"].as_f64().unwrap();
    let open = v["requests.granted.total"].as_f64().unwrap()
        + v["requests.partially_granted.total"].as_f64().unwrap();
    assert_eq!(
        m["substantive_disclosure_rate"].as_f64(),
        Some(open / total)
    );
}

#[test]
fn a_binary_export_needs_a_file() {
    let dir = copy(&["000_7a2d16d58913ef59.txt"]);
    for f in ["xlsx", "sqlite"] {
        bin()
            .arg("export")
            .arg(dir.path())
            .args(["-o", "-", "--format", f])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("needs a file"));
    }
}

#[test]
fn the_check_summary_reads_naturally_for_one_report() {
    let dir = copy(&["000_7a2d16d58913ef59.txt"]);
    let out = bin().arg("check").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\n1 report: "), "{text}");
    assert!(!text.contains("1 reports"), "{text}");
}
