//! PDFs through the binary, where the parser runs in a child process with a time and memory
//! limit: hostile files cost that file only, in one line that names it; good ones read with
//! each value's page and box.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn bin() -> Command {
    let mut c = Command::cargo_bin("tablereview").unwrap();
    c.timeout(Duration::from_secs(120));
    c
}

/// A fixture in the pristine copy (never fixtures/ itself, which a review run may change).
fn fixture(name: &str) -> PathBuf {
    common::pristine().join(name)
}

/// A PDF of the given numbered objects (object 1 the catalog), with a correct cross-reference
/// table, so that what is hostile is the content, not the file's framing.
fn pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

fn catalog() -> String {
    "<< /Type /Catalog /Pages 2 0 R >>".into()
}

/// Saves `bytes` as `name` in a temp folder and runs the binary with `args` then the file.
fn run_on(name: &str, bytes: &[u8], args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    bin().args(args).arg(&path).output().unwrap()
}

/// The rules of a report's findings.
fn rules(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

/// Runs `extract` on `bytes` saved as `name`, expecting exit 2 and one line naming the file.
fn refused(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let started = Instant::now();
    let out = bin()
        .args(["extract", "-o", "-"])
        .arg(&path)
        .env("TABLEREVIEW_CONVERT_SECONDS", "20")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
    assert!(stderr.contains(name), "{name}: {stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{name} took {:?}",
        started.elapsed()
    );
    stderr
}

#[test]
fn a_truncated_pdf_is_one_line() {
    let good = std::fs::read(fixture("documents/stsong_gbk_blank_zeros.pdf")).unwrap();
    refused("cut.pdf", &good[..good.len() / 3]);
}

#[test]
fn a_pdf_with_a_user_password_says_so() {
    let bytes = std::fs::read(fixture("hostile/password.pdf")).unwrap();
    let err = refused("password.pdf", &bytes);
    assert!(err.contains("password"), "{err}");
}

#[test]
fn a_pdf_without_pages_is_one_line() {
    let bytes = pdf(&[catalog(), "<< /Type /Pages /Kids [] /Count 0 >>".into()]);
    let out = run_on("empty.pdf", &bytes, &["extract", "-o", "-"]);
    // No page is no text: refused, or read as a report whose one finding says so.
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(2) => assert!(stderr.contains("empty.pdf"), "{stderr}"),
        _ => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let rules = rules(&v);
            assert!(rules.iter().any(|r| r == "no-text-layer"), "{rules:?}");
        }
    }
}

#[test]
fn ten_thousand_pages_are_refused_before_they_are_read() {
    let n = 10_000;
    let mut objects = vec![catalog()];
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", i + 3)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n} >>",
        kids.join(" ")
    ));
    for _ in 0..n {
        objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".into());
    }
    let err = refused("huge.pdf", &pdf(&objects));
    assert!(err.contains("10000 pages"), "{err}");
}

#[test]
fn a_cyclic_page_tree_is_one_line() {
    let bytes = pdf(&[
        catalog(),
        "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".into(),
        "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>".into(),
    ]);
    let out = run_on("cycle.pdf", &bytes, &["extract", "-o", "-"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Either refused in one line, or read as the nothing it holds; never a hang or a crash.
    assert!(matches!(out.status.code(), Some(0..=2)), "{stderr}");
    if out.status.code() == Some(2) {
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("cycle.pdf"), "{stderr}");
    }
}

#[test]
fn deeply_nested_objects_cost_that_file_only() {
    let depth = 200_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let bytes = pdf(&[
        catalog(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep {nested} >>"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("deep.pdf");
    std::fs::write(&bad, bytes).unwrap();
    let good = dir.path().join("good.pdf");
    std::fs::copy(fixture("documents/stsong_gbk_blank_zeros.pdf"), &good).unwrap();
    // The good file beside it is still read and checked.
    let out = bin()
        .args(["check", "--json", "-q"])
        .arg(&bad)
        .arg(&good)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("good.pdf"), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("deep.pdf") || stderr.contains("deep.pdf") || out.status.code() != Some(2),
        "{stdout}\n{stderr}"
    );
}

#[test]
fn a_pdf_reads_through_the_child_with_pages_and_boxes() {
    let out = bin()
        .args(["extract", "-o", "-"])
        .arg(fixture("documents/stsong_gbk_blank_zeros.pdf"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["source"]["reader"].as_str().unwrap().starts_with("pdf "));
    let rows = v["tables"][0]["rows"].as_array().unwrap();
    let cell = &rows[1]["cells"][0];
    assert_eq!(cell["value"], 11);
    let page = &cell["place"]["page"];
    assert_eq!(page["page"], 1);
    assert!(page["x0"].as_u64().unwrap() < page["x1"].as_u64().unwrap());
}

#[test]
fn a_pdf_without_text_gets_its_own_finding() {
    // One page with a picture-like filled box and no text at all.
    let content = "0 0 0 rg 50 50 400 600 re f";
    let bytes = pdf(&[
        catalog(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".into(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ]);
    let out = run_on("scan.pdf", &bytes, &["check", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules(&v);
    assert_eq!(out.status.code(), Some(1), "{rules:?}");
    assert!(rules.iter().any(|r| r == "no-text-layer"), "{rules:?}");
    assert!(!rules.iter().any(|r| r == "missing-table"), "{rules:?}");
}
