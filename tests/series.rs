//! Checks across one body's reports (carry-over, in-force continuity, duplicates, gaps) on
//! generated series and on copies of the seed fixtures, through `check` and `export`; and on
//! the real series of `../shared/corpus` when it is present.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tablereview::check::series::{self, Bodies, Facts};
use tablereview::synth::{render, sample_series, Rng, Style, Values};
use tablereview::template::{by_key, Template};

fn bin() -> Command {
    let mut c = Command::cargo_bin("tablereview").unwrap();
    c.env(
        "TABLEREVIEW_CACHE_DIR",
        std::env::temp_dir().join("tablereview-series-tests"),
    );
    c
}

/// A body's series: (year, format) for each report, values chained year to year.
fn series_values(years: &[(i32, &str)], seed: u64) -> Vec<(i32, &'static Template, Values)> {
    let templates: Vec<&'static Template> = years.iter().map(|(_, t)| by_key(t).unwrap()).collect();
    let values = sample_series(&templates, &mut Rng::new(seed));
    years
        .iter()
        .zip(templates)
        .zip(values)
        .map(|((&(y, _), t), v)| (y, t, v))
        .collect()
}

/// Writes each report as `<dir>/<year><suffix>.txt`.
fn write(dir: &Path, org: &str, reports: &[(i32, &'static Template, Values)], suffix: &str) {
    for (year, t, v) in reports {
        let text = render(t, v, org, *year, Style::PipeRows, false);
        std::fs::write(dir.join(format!("{year}{suffix}.txt")), text).unwrap();
    }
}

fn add(v: &mut Values, key: &str, d: f64) {
    let x = v.get_mut(key).unwrap();
    *x = Some(x.unwrap_or(0.0) + d);
}

/// `check --json` over `dir`: exit code, report lines and series lines.
fn check(dir: &Path, extra: &[&str]) -> (i32, Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let out = bin()
        .args(["check", "--json", "-q", "--no-cache"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (series, reports): (Vec<serde_json::Value>, Vec<serde_json::Value>) = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .partition(|v| v["kind"] == "series");
    (out.status.code().unwrap(), reports, series)
}

fn rules(lines: &[serde_json::Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_consistent_series_passes_and_its_reports_are_clean_alone() {
    let dir = tempfile::tempdir().unwrap();
    let reports = series_values(
        &[(2021, "gov-2021"), (2022, "gov-2021"), (2023, "gov-2021")],
        1,
    );
    write(dir.path(), "某县人民政府", &reports, "");
    let (code, lines, series) = check(dir.path(), &[]);
    assert_eq!((code, lines.len()), (0, 3));
    assert!(lines.iter().all(|l| l["errors"] == 0), "{lines:?}");
    assert_eq!(series, Vec::<serde_json::Value>::new());
}

#[test]
fn one_broken_carry_over_column_is_found_with_both_reports_and_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = series_values(&[(2022, "gov-2021"), (2023, "gov-2021")], 2);
    // Carried over and forward both raised: the later report stays consistent on its own.
    for row in ["carried_over", "carried_forward"] {
        for col in ["commercial", "total"] {
            add(&mut reports[1].2, &format!("requests.{row}.{col}"), 2.0);
        }
    }
    write(dir.path(), "某县人民政府", &reports, "");
    let (code, lines, series) = check(dir.path(), &[]);
    assert_eq!(code, 0, "warnings only");
    assert!(lines.iter().all(|l| l["errors"] == 0), "{lines:?}");
    assert_eq!(rules(&series), ["carry-over", "carry-over"]);
    let cells: BTreeSet<&str> = series
        .iter()
        .map(|l| l["cells"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        cells,
        BTreeSet::from([
            "requests.carried_over.commercial",
            "requests.carried_over.total"
        ])
    );
    let l = &series[0];
    assert!(l["path"].as_str().unwrap().ends_with("2023.txt"));
    assert!(l["other_path"].as_str().unwrap().ends_with("2022.txt"));
    assert_eq!(
        (l["year"].as_i64(), l["other_year"].as_i64()),
        (Some(2023), Some(2022))
    );
    assert!(l["other_cells"][0]
        .as_str()
        .unwrap()
        .starts_with("requests.carried_forward."));
    assert_eq!(l["severity"], "warning");
    let m = l["message"].as_str().unwrap();
    assert!(m.contains("2023.txt") && m.contains("2022.txt"), "{m}");
}

#[test]
fn a_clean_up_year_warns_about_the_rules_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = series_values(&[(2022, "gov-2021"), (2023, "gov-2021")], 3);
    add(&mut reports[0].2, "proactive.regulations.in_force", 40.0);
    write(dir.path(), "某县人民政府", &reports, "");
    let (code, _, series) = check(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(rules(&series), ["in-force-continuity"]);
    assert_eq!(series[0]["cells"][0], "proactive.regulations.in_force");
    assert_eq!(
        series[0]["other_cells"][0],
        "proactive.regulations.in_force"
    );
}

#[test]
fn a_duplicate_is_an_error_saying_which_cells_differ() {
    let dir = tempfile::tempdir().unwrap();
    let reports = series_values(&[(2023, "gov-2021")], 4);
    write(dir.path(), "某县人民政府", &reports, "a");
    let mut again = reports.clone();
    add(&mut again[0].2, "appeals.review.upheld", 1.0);
    add(&mut again[0].2, "appeals.review.total", 1.0);
    write(dir.path(), "某县人民政府", &again, "b");
    let (code, _, series) = check(dir.path(), &[]);
    assert_eq!(code, 1, "a duplicate is an error");
    assert_eq!(rules(&series), ["duplicate-report"]);
    let m = series[0]["message"].as_str().unwrap();
    assert!(m.contains("differ in 2 cells"), "{m}");
    assert!(m.contains("appeals.review.upheld"), "{m}");
}

#[test]
fn a_missing_year_is_a_gap_and_a_change_of_format_checks_carry_over_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = series_values(
        &[(2020, "gov-2019"), (2021, "gov-2021"), (2022, "gov-2021")],
        5,
    );
    // gov-2019's 对外公开总数量 is no count in force: nothing compares it with 2021's.
    add(
        &mut reports[0].2,
        "proactive.regulations.total_published",
        77.0,
    );
    reports.remove(2);
    let later = series_values(&[(2023, "gov-2021")], 6);
    reports.extend(later);
    write(dir.path(), "某县人民政府", &reports, "");
    let (code, _, series) = check(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(rules(&series), ["series-gap"], "{series:?}");
    assert!(series[0]["message"]
        .as_str()
        .unwrap()
        .contains("no report for 2022"));
}

#[test]
fn a_mapping_file_joins_a_renamed_body() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = series_values(&[(2022, "gov-2021"), (2023, "gov-2021")], 7);
    add(
        &mut reports[1].2,
        "requests.carried_over.natural_person",
        1.0,
    );
    add(&mut reports[1].2, "requests.carried_over.total", 1.0);
    add(
        &mut reports[1].2,
        "requests.carried_forward.natural_person",
        1.0,
    );
    add(&mut reports[1].2, "requests.carried_forward.total", 1.0);
    write(dir.path(), "某区工商行政管理局", &reports[..1], "");
    write(dir.path(), "某区市场监督管理局", &reports[1..], "");
    let (_, _, apart) = check(dir.path(), &[]);
    assert_eq!(
        apart,
        Vec::<serde_json::Value>::new(),
        "two names, two bodies"
    );
    std::fs::write(
        dir.path().join("bodies.toml"),
        "[\"某区市场监督管理局\"]\naliases = [\"某区工商行政管理局\"]\n",
    )
    .unwrap();
    let (_, _, joined) = check(dir.path(), &[]);
    assert_eq!(rules(&joined), ["carry-over", "carry-over"]);
    let (_, _, off) = check(dir.path(), &["--no-series"]);
    assert_eq!(off, Vec::<serde_json::Value>::new());
}

#[test]
fn a_bad_mapping_file_is_one_line_naming_the_file_and_entry() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "某县",
        &series_values(&[(2023, "gov-2021")], 8),
        "",
    );
    let bodies = dir.path().join("bodies.toml");
    std::fs::write(
        &bodies,
        "[\"甲\"]\naliases = [\"丙\"]\n[\"乙\"]\naliases = [\"丙\"]\n",
    )
    .unwrap();
    let out = bin()
        .args(["check", "-q"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bodies.toml") && err.contains("“丙”"), "{err}");
}

#[test]
fn the_readable_check_lists_series_findings_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let reports = series_values(&[(2021, "gov-2021"), (2023, "gov-2021")], 9);
    write(dir.path(), "某县", &reports, "");
    let out = bin()
        .args(["check", "--no-cache"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("warning[series-gap] 某县: no report for 2022"),
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with("across reports 0 errors, 1 warning"),
        "{text}"
    );
}

#[test]
fn export_carries_the_series_findings_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let reports = series_values(&[(2021, "gov-2021"), (2023, "gov-2021")], 10);
    write(dir.path(), "某县", &reports, "");
    let run = |name: &str| {
        let to = dir.path().join(name);
        bin()
            .args(["export", "-q", "-o"])
            .arg(&to)
            .arg(dir.path())
            .assert()
            .code(0);
        std::fs::read_to_string(to).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("out.json")).unwrap();
    assert_eq!(json["reports"].as_array().unwrap().len(), 2);
    assert_eq!(json["series"][0]["rule"], "series-gap");
    assert!(json["series"][0]["this"]["path"]
        .as_str()
        .unwrap()
        .ends_with("2023.txt"));
    assert!(json["series"][0]["last"]["path"]
        .as_str()
        .unwrap()
        .ends_with("2021.txt"));
    let jsonl = run("out.jsonl");
    let last: serde_json::Value = serde_json::from_str(jsonl.lines().last().unwrap()).unwrap();
    assert_eq!(
        (last["kind"].as_str(), last["rule"].as_str()),
        (Some("series"), Some("series-gap"))
    );
    let csv = run("out.csv");
    let rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",series,series-gap,"))
        .collect();
    assert_eq!(rows.len(), 2, "one row per report of the finding: {csv}");
}

#[test]
fn a_seed_copied_as_last_year_is_checked_against_its_own_figures() {
    // Seed 000 as this year and, under last year's date, as the year before: carry-over fires
    // exactly where its own carried-over and carried-forward differ, in force where it
    // issued or repealed anything.
    let dir = tempfile::tempdir().unwrap();
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/000_7a2d16d58913ef59.txt");
    let text = std::fs::read_to_string(&seed).unwrap();
    let report = tablereview::extract::extract_file(&seed).unwrap();
    let year = report.report.year.unwrap();
    std::fs::write(dir.path().join("now.txt"), &text).unwrap();
    let before = text.replacen(&format!("{year}年"), &format!("{}年", year - 1), 1);
    std::fs::write(dir.path().join("before.txt"), before).unwrap();
    let (_, _, series) = check(dir.path(), &[]);
    let facts = Facts::of(&report);
    let mut want = BTreeSet::new();
    for (key, v) in facts
        .cells()
        .filter(|(k, _)| k.starts_with("requests.carried_over."))
    {
        if facts.value(&key.replace("carried_over", "carried_forward")) != Some(v) {
            want.insert(("carry-over".to_string(), key.to_string()));
        }
    }
    for row in ["regulations", "normative_documents"] {
        let v = |c: &str| facts.value(&format!("proactive.{row}.{c}")).unwrap();
        if v("issued") != v("repealed") {
            want.insert((
                "in-force-continuity".into(),
                format!("proactive.{row}.in_force"),
            ));
        }
    }
    let got: BTreeSet<(String, String)> = series
        .iter()
        .map(|l| {
            (
                l["rule"].as_str().unwrap().into(),
                l["cells"][0].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert!(
        !want.is_empty(),
        "the seed gives the test something to find"
    );
}

/// The corpus of real reports beside the project, when present.
fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.join("truth").is_dir().then_some(dir)
}

#[test]
fn real_series_findings_are_those_the_true_figures_imply() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    // Facts as extracted, and the same reports' facts from their hand-verified truth.
    let mut read = Vec::new();
    let mut truth = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(corpus.join("texts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let Ok(t) = std::fs::read_to_string(corpus.join("truth").join(format!("{stem}.json")))
        else {
            continue;
        };
        let t: serde_json::Value = serde_json::from_str(&t).unwrap();
        let report = tablereview::extract::extract_file(&path).unwrap();
        let f = Facts::of(&report);
        let mut true_facts = f.clone();
        for (k, _) in f.cells() {
            // The truth's null is a printed blank, which counts 0.
            let v = t["cells"].get(k).map(|v| v.as_f64().unwrap_or(0.0));
            true_facts.set(k, v);
        }
        read.push(f);
        truth.push(true_facts);
    }
    let none = |_: &Facts, _: &Facts| None;
    let key = |found: Vec<series::SeriesFinding>| -> BTreeSet<(String, String, Vec<String>)> {
        found
            .into_iter()
            .filter(|f| f.rule != "duplicate-report")
            .map(|f| (f.rule, f.this.path, f.this.cells))
            .collect()
    };
    let bodies = Bodies::default();
    let got = key(series::check(&read, &bodies, &none));
    let want = key(series::check(&truth, &bodies, &none));
    assert_eq!(got, want);
    // Not vacuous: the corpus holds consecutive years of one body, checked pairwise.
    let mut pairs = 0;
    for a in &read {
        for b in &read {
            let same = bodies.key_of(a).is_some() && bodies.key_of(a) == bodies.key_of(b);
            pairs += usize::from(same && b.year.zip(a.year).is_some_and(|(y, x)| y == x + 1));
        }
    }
    assert!(pairs >= 2, "{pairs} consecutive pairs");
}

#[test]
fn a_warm_check_finds_the_same_across_reports_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut reports = series_values(&[(2022, "gov-2021"), (2023, "gov-2021")], 12);
    add(&mut reports[1].2, "requests.carried_over.research", 1.0);
    add(&mut reports[1].2, "requests.carried_over.total", 1.0);
    add(&mut reports[1].2, "requests.carried_forward.research", 1.0);
    add(&mut reports[1].2, "requests.carried_forward.total", 1.0);
    write(dir.path(), "某县", &reports, "");
    let run_with = |extra: &[&str]| {
        let out = bin()
            .env("TABLEREVIEW_CACHE_DIR", cache.path())
            .args(["check", "--json"])
            .args(extra)
            .arg(dir.path())
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let run = || run_with(&[]);
    let (cold, _) = run();
    let (warm, summary) = run();
    assert_eq!(cold.matches("\"kind\":\"series\"").count(), 2, "{cold}");
    assert_eq!(warm, cold);
    assert!(
        summary.contains("2 unchanged, answered from the results cache"),
        "{summary}"
    );
    // The facts stored after a result never show in a run without the series checks.
    let (alone, _) = run_with(&["--no-series"]);
    let (alone_warm, _) = run_with(&["--no-series"]);
    let reports: String = cold
        .lines()
        .filter(|l| !l.contains("\"kind\":\"series\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        (alone.as_str(), alone_warm.as_str()),
        (reports.as_str(), reports.as_str())
    );
}
