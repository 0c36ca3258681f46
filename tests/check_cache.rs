//! `check`'s results cache: a second run prints exactly what the first did, and nothing a
//! cache holds survives a change to the report, a review sidecar, or a damaged cache file.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tablereview::review::ReviewDoc;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A run of `check` with its own cache folder; (exit code, stdout, stderr).
fn run(cache: &Path, args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("tablereview")
        .unwrap()
        .env("TABLEREVIEW_CACHE_DIR", cache)
        .arg("check")
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A run of `check` with its own cache folder; (exit code, stdout).
fn check(cache: &Path, args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let (code, out, _) = run(cache, args, dir);
    (code, out)
}

/// How many results the closing summary says the cache answered.
fn answered(summary: &str) -> usize {
    summary
        .split(" (")
        .nth(1)
        .and_then(|s| s.strip_suffix(" unchanged, answered from the results cache)\n"))
        .map_or(0, |n| n.parse().unwrap())
}

/// The output without its closing summary line (where the readable output has one).
fn results(out: &str) -> &str {
    match out.trim_end().rfind('\n') {
        Some(at) if out.trim_end()[at + 1..].contains(" reports: ") => &out[..at + 1],
        _ => out,
    }
}

fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in [
        "000_7a2d16d58913ef59.txt",
        "001_8b45603aceec5a0e.txt",
        "004_f1496913e2f754ab.txt",
    ] {
        std::fs::copy(fixture(n), dir.path().join(n)).unwrap();
    }
    dir
}

fn cache_files(cache: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(cache)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn a_second_run_prints_the_same_and_the_cache_is_used() {
    let (reports, cache) = (corpus(), tempfile::tempdir().unwrap());
    let mut first_runs = Vec::new();
    for args in [&["--json"][..], &[][..], &["-q"][..]] {
        let first = run(cache.path(), args, reports.path());
        assert_eq!(cache_files(cache.path()).len(), 1, "one cache file");
        let second = run(cache.path(), args, reports.path());
        assert_eq!(first.0, second.0, "{args:?}");
        assert_eq!(results(&first.1), results(&second.1), "{args:?}");
        // The summary (stdout, or stderr beside JSON) says all three came from the cache.
        let summary = if args == ["--json"] {
            &second.2
        } else {
            &second.1
        };
        assert_eq!(
            answered(&format!("{}\n", summary.trim_end().lines().last().unwrap())),
            3,
            "{args:?}: {summary}"
        );
        let fresh = run(
            cache.path(),
            &[args, &["--no-cache"]].concat(),
            reports.path(),
        );
        assert_eq!(first, fresh, "{args:?}");
        first_runs.push((args, first));
    }
    // A damaged record (here the last one's compressed bytes) is checked afresh, never
    // printed: every mode still prints what a fresh run does, and one result fewer is reused.
    let file = &cache_files(cache.path())[0];
    let mut bytes = std::fs::read(file).unwrap();
    let at = bytes.len() - 5;
    bytes[at] ^= 0x55;
    std::fs::write(file, &bytes).unwrap();
    let mut reused = 0;
    for (args, first) in first_runs {
        let (code, out, err) = run(cache.path(), args, reports.path());
        assert_eq!(
            (code, results(&out)),
            (first.0, results(&first.1)),
            "{args:?}"
        );
        let summary = if args == ["--json"] { err } else { out };
        reused += answered(&format!("{}\n", summary.trim_end().lines().last().unwrap()));
    }
    assert_eq!(reused, 8, "nine results cached, one damaged");
}

#[test]
fn a_changed_report_is_checked_again() {
    let (reports, cache) = (corpus(), tempfile::tempdir().unwrap());
    let (code, before) = check(cache.path(), &["--json"], reports.path());
    assert_eq!(code, Some(1));
    // The prose's 无法提供6件 disagrees with the table's 5; stating 5 removes the warning.
    let path = reports.path().join("000_7a2d16d58913ef59.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen("无法提供6件", "无法提供5件", 1);
    assert_ne!(text, changed);
    std::fs::write(&path, changed).unwrap();
    let (_, after) = check(cache.path(), &["--json"], reports.path());
    let (_, fresh) = check(cache.path(), &["--json", "--no-cache"], reports.path());
    assert!(
        after == fresh,
        "the cache must not answer for changed bytes"
    );
    assert!(before.contains("narrative-mismatch") && !after.contains("narrative-mismatch"));
}

#[test]
fn a_report_with_a_sidecar_is_never_answered_from_the_cache() {
    let (reports, cache) = (corpus(), tempfile::tempdir().unwrap());
    let path = reports.path().join("000_7a2d16d58913ef59.txt");
    let (_, before) = check(cache.path(), &[], reports.path());
    assert!(before.contains("000_7a2d16d58913ef59.txt: 宝塔区 2024 gov-2021 — 0 errors"));
    let mut doc = ReviewDoc::open(&path, "li", None).unwrap();
    doc.edit("requests.granted.total", "17").unwrap();
    doc.save().unwrap();
    drop(doc);
    let (_, after) = check(cache.path(), &[], reports.path());
    assert!(
        !after.contains("000_7a2d16d58913ef59.txt: 宝塔区 2024 gov-2021 — 0 errors"),
        "the reviewer's edit breaks an identity: {after}"
    );
    // --raw ignores the sidecar, so it may use the text's cached result, which is the same.
    let (_, raw) = check(cache.path(), &["--raw"], reports.path());
    assert_eq!(results(&raw), results(&before));
}

#[test]
fn a_damaged_or_unwritable_cache_only_costs_time() {
    let (reports, cache) = (corpus(), tempfile::tempdir().unwrap());
    let (code, first) = check(cache.path(), &["--json"], reports.path());
    for f in cache_files(cache.path()) {
        std::fs::write(&f, b"TRCHK02\n\x01\x02").unwrap();
    }
    assert_eq!(
        check(cache.path(), &["--json"], reports.path()),
        (code, first.clone())
    );
    // A cache folder that cannot be made (a file stands in its place).
    let blocked = cache.path().join("blocked");
    std::fs::write(&blocked, b"").unwrap();
    assert_eq!(check(&blocked, &["--json"], reports.path()), (code, first));
}

#[cfg(unix)]
#[test]
fn a_cache_folder_others_can_write_is_ignored_and_said_so_once() {
    use std::os::unix::fs::PermissionsExt;
    let (reports, cache) = (corpus(), tempfile::tempdir().unwrap());
    let (_, fresh, _) = run(cache.path(), &["--json"], reports.path());
    // Anyone could now forge a record that prints "0 errors" for a report with errors.
    std::fs::set_permissions(cache.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let (code, out, err) = run(cache.path(), &["--json"], reports.path());
    assert_eq!(code, Some(1));
    assert_eq!(results(&out), results(&fresh));
    assert_eq!(answered(&err), 0, "{err}");
    assert_eq!(
        err.matches("can be written by others").count(),
        1,
        "said once: {err}"
    );
}
