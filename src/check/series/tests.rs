use super::*;
use rstest::rstest;

const COLUMNS: [&str; 7] = [
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other",
    "total",
];

/// A report's facts: carried over `over`, carried forward `forward` (natural persons, the
/// rest 0, total their sum), rules in force as given.
fn facts(path: &str, org: &str, year: i32, template: &str, over: f64, forward: f64) -> Facts {
    let mut f = Facts {
        path: path.into(),
        organization: Some(org.into()),
        year: Some(year),
        template: template.into(),
        cells: Box::default(),
        digest: xxhash_rust::xxh3::xxh3_64(path.as_bytes()),
    };
    for (row, v) in [("carried_over", over), ("carried_forward", forward)] {
        for c in COLUMNS {
            let value = if c == "natural_person" || c == "total" {
                v
            } else {
                0.0
            };
            assert!(f.set(&format!("requests.{row}.{c}"), Some(value)));
        }
    }
    f
}

fn in_force(mut f: Facts, row: &str, issued: f64, repealed: f64, total: f64) -> Facts {
    for (c, v) in [
        ("issued", issued),
        ("repealed", repealed),
        ("in_force", total),
    ] {
        assert!(f.set(&format!("proactive.{row}.{c}"), Some(v)));
    }
    f
}

fn no_differ(_: &Facts, _: &Facts) -> Option<Vec<Difference>> {
    None
}

fn rules(found: &[SeriesFinding]) -> Vec<&str> {
    found.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn a_consistent_series_has_no_findings() {
    let series = [
        facts("a/2021.txt", "某县人民政府", 2021, "gov-2021", 0.0, 3.0),
        facts("a/2022.txt", "某县人民政府", 2022, "gov-2021", 3.0, 5.0),
        facts("a/2023.txt", "某县人民政府", 2023, "gov-2021", 5.0, 0.0),
    ];
    assert_eq!(check(&series, &Bodies::default(), &no_differ), vec![]);
}

#[test]
fn a_broken_carry_over_names_both_reports_cells_and_values() {
    let mut later = facts("b.txt", "某县人民政府", 2024, "gov-2021", 3.0, 0.0);
    // Only the commercial column is wrong: the totals agree.
    later.set("requests.carried_over.commercial", Some(2.0));
    let series = [
        facts("a.txt", "某县人民政府", 2023, "gov-2021", 0.0, 3.0),
        later,
    ];
    let found = check(&series, &Bodies::default(), &no_differ);
    assert_eq!(rules(&found), ["carry-over"]);
    let f = &found[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.this.path, "b.txt");
    assert_eq!(f.this.cells, ["requests.carried_over.commercial"]);
    assert_eq!(f.last.path, "a.txt");
    assert_eq!(f.last.cells, ["requests.carried_forward.commercial"]);
    for part in [
        "b.txt",
        "a.txt",
        "2024",
        "2023",
        "= 2 ",
        "= 0 ",
        "上年结转",
        "结转下年度",
    ] {
        assert!(f.message.contains(part), "{part} not in {}", f.message);
    }
}

#[test]
fn carry_over_crosses_a_change_of_format_but_in_force_does_not() {
    let old = in_force(
        facts("a.txt", "某县", 2020, "gov-2019", 0.0, 4.0),
        "regulations",
        0.0,
        0.0,
        90.0,
    );
    let new = in_force(
        facts("b.txt", "某县", 2021, "gov-2021", 1.0, 0.0),
        "regulations",
        1.0,
        0.0,
        12.0,
    );
    let found = check(&[old, new], &Bodies::default(), &no_differ);
    // natural_person and total differ; nothing about the rules in force.
    assert_eq!(rules(&found), ["carry-over", "carry-over"]);
}

#[rstest]
#[case::continuous(10.0, 2.0, 1.0, 11.0, false)]
#[case::clean_up_year(10.0, 0.0, 0.0, 4.0, true)]
#[case::repealed_ignored(10.0, 0.0, 3.0, 10.0, true)]
fn in_force_follows_from_last_year(
    #[case] before: f64,
    #[case] issued: f64,
    #[case] repealed: f64,
    #[case] now: f64,
    #[case] fires: bool,
) {
    let a = in_force(
        facts("a.txt", "某县", 2022, "gov-2021", 0.0, 0.0),
        "normative_documents",
        0.0,
        0.0,
        before,
    );
    let b = in_force(
        facts("b.txt", "某县", 2023, "gov-2021", 0.0, 0.0),
        "normative_documents",
        issued,
        repealed,
        now,
    );
    let found = check(&[a, b], &Bodies::default(), &no_differ);
    assert_eq!(found.len(), usize::from(fires), "{found:?}");
    if let Some(f) = found.first() {
        assert_eq!(f.rule, "in-force-continuity");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.this.cells[0], "proactive.normative_documents.in_force");
        assert_eq!(f.last.cells, ["proactive.normative_documents.in_force"]);
        let expected = format_value(before + issued - repealed);
        assert!(
            f.message.contains(&format!("= {expected}:")),
            "{}",
            f.message
        );
    }
}

#[test]
fn two_reports_of_one_year_are_an_error_that_says_how_they_differ() {
    let a = facts("x/a.txt", "某县", 2023, "gov-2021", 0.0, 0.0);
    let mut b = facts("x/b.txt", "某县", 2023, "gov-2021", 0.0, 0.0);
    let differ = |_: &Facts, _: &Facts| {
        Some(vec![Difference {
            key: "requests.granted.total".into(),
            first: Some(5.0),
            second: Some(6.0),
        }])
    };
    let found = check(&[a.clone(), b.clone()], &Bodies::default(), &differ);
    assert_eq!(rules(&found), ["duplicate-report"]);
    assert_eq!(found[0].severity, Severity::Error);
    assert!(
        found[0].message.contains("requests.granted.total 5 vs 6"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].this.cells, ["requests.granted.total"]);
    b.digest = a.digest;
    let same = check(&[a, b], &Bodies::default(), &differ);
    assert!(same[0].message.contains("the same"), "{}", same[0].message);
}

#[test]
fn a_missing_year_is_a_gap_and_no_carry_over_is_checked_across_it() {
    let series = [
        facts("a.txt", "某县", 2019, "gov-2019", 0.0, 7.0),
        facts("b.txt", "某县", 2021, "gov-2021", 0.0, 0.0),
        facts("c.txt", "某县", 2024, "gov-2021", 0.0, 0.0),
    ];
    let found = check(&series, &Bodies::default(), &no_differ);
    assert_eq!(rules(&found), ["series-gap", "series-gap"]);
    assert!(
        found[0].message.contains("no report for 2020 "),
        "{}",
        found[0].message
    );
    assert!(
        found[1].message.contains("2022, 2023"),
        "{}",
        found[1].message
    );
}

#[test]
fn other_bodies_and_reports_without_a_year_are_kept_apart() {
    let mut no_year = facts("n.txt", "某县", 2024, "gov-2021", 9.0, 0.0);
    no_year.year = None;
    let series = [
        facts("a.txt", "某县人民政府", 2023, "gov-2021", 0.0, 3.0),
        facts("b.txt", "某县人民政府办公室", 2024, "gov-2021", 9.0, 0.0),
        no_year,
    ];
    assert_eq!(check(&series, &Bodies::default(), &no_differ), vec![]);
}

#[rstest]
#[case("某县人民政府", "某县人民政府")]
#[case(" 某县 人民政府 ", "某县人民政府")]
#[case("某县人民政府2023年度政府信息公开工作年度报告", "某县人民政府")]
#[case("（某县）人民政府·", "某县人民政府")]
#[case("ＡＢＣ市　政府", "abc市政府")]
#[case("某县人民政府办公室", "某县人民政府办公室")]
fn names_are_normalised(#[case] name: &str, #[case] key: &str) {
    assert_eq!(body_key(name), key);
}

#[test]
fn a_mapping_joins_a_renamed_body_and_nothing_else() {
    let mut bodies = Bodies::default();
    bodies
        .add("[\"某区市场监督管理局\"]\naliases = [\"某区工商行政管理局\"]\n")
        .unwrap();
    assert_eq!(
        bodies.key("某区工商行政管理局"),
        bodies.key("某区市场监督管理局")
    );
    assert_ne!(bodies.key("某区工商局"), bodies.key("某区市场监督管理局"));
    let series = [
        facts("a.txt", "某区工商行政管理局", 2023, "gov-2021", 0.0, 3.0),
        facts("b.txt", "某区市场监督管理局", 2024, "gov-2021", 2.0, 0.0),
    ];
    assert_eq!(check(&series, &bodies, &no_differ).len(), 2);
}

#[rstest]
#[case::syntax("[\"甲\"\naliases = 1\n", "line 1")]
#[case::unknown_key("[\"甲\"]\nnames = [\"乙\"]\n", "unknown field")]
#[case::alias_in_two(
    "[\"甲\"]\naliases = [\"丙\"]\n[\"乙\"]\naliases = [\"丙\"]\n",
    "“丙” already names another body"
)]
#[case::empty("[\"（）\"]\n", "entry “（）”: the name is empty")]
fn a_bad_mapping_says_where_in_one_line(#[case] text: &str, #[case] want: &str) {
    let err = Bodies::default().add(text).unwrap_err();
    assert!(err.contains(want), "{err}");
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn facts_keep_only_usable_compared_cells() {
    use crate::synth::{render, sample_values, Rng, Style};
    let t = crate::template::by_key("gov-2021").unwrap();
    let values = sample_values(t, &mut Rng::new(3), 0);
    let text = render(t, &values, "某县", 2023, Style::PipeRows, false);
    let source = crate::model::Source {
        path: "r.txt".into(),
        sha256: String::new(),
        encoding: "utf-8".into(),
        reader: None,
    };
    let mut report = crate::extract::extract_text(&text, source);
    let f = Facts::of(&report);
    assert_eq!(f.year, Some(2023));
    assert!(f.value("requests.carried_forward.total").is_some());
    assert!(f.value("proactive.regulations.in_force").is_some());
    assert!(f.value("requests.granted.total").is_none(), "not compared");
    report
        .cell_mut("requests.carried_over.total")
        .unwrap()
        .status = CellStatus::Ambiguous;
    let g = Facts::of(&report);
    assert!(g.value("requests.carried_over.total").is_none());
    assert_ne!(f.digest, g.digest);
}

#[test]
fn facts_survive_their_cache_encoding() {
    let mut f = in_force(
        facts("某/路径.txt", "某县", 2023, "gov-2021", 1.5, 2.0),
        "regulations",
        1.0,
        0.0,
        9.0,
    );
    assert_eq!(Facts::from_bytes(&f.to_bytes()), Some(f.clone()));
    f.organization = None;
    f.year = None;
    assert_eq!(Facts::from_bytes(&f.to_bytes()), Some(f.clone()));
    let bytes = f.to_bytes();
    assert_eq!(Facts::from_bytes(&bytes[..bytes.len() - 1]), None);
    assert!(!f.set("requests.granted.total", Some(1.0)), "not compared");
}

#[test]
fn every_rule_has_a_message() {
    assert_eq!(
        rule_ids(),
        [
            "carry-over",
            "duplicate-report",
            "in-force-continuity",
            "series-gap"
        ]
    );
}
