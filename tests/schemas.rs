//! The JSON Schemas in docs/schema/ describe what the program really writes.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::copy_fixtures;
use serde_json::Value;
use tablereview::review::ReviewDoc;

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schema")
        .join(name);
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

#[test]
fn report_json_matches_its_schema() {
    let v = schema("report.schema.json");
    let (_d, paths) = copy_fixtures(&["000", "001", "002", "003", "004"]);
    for p in paths {
        let out = Command::cargo_bin("tablereview")
            .unwrap()
            .args(["extract", "-o", "-"])
            .arg(&p)
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid(&v, &json, &p.display().to_string());
    }
}

#[test]
fn document_reports_match_the_schema_with_their_places() {
    let v = schema("report.schema.json");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/documents");
    for name in ["seed000_filled.docx", "stsong_gbk_blank_zeros.pdf"] {
        let out = Command::cargo_bin("tablereview")
            .unwrap()
            .args(["extract", "-o", "-"])
            .arg(root.join(name))
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            json.to_string().contains("\"place\""),
            "{name} has no place"
        );
        assert_valid(&v, &json, name);
    }
}

#[test]
fn review_sidecar_matches_its_schema() {
    let v = schema("review.schema.json");
    let (_d, paths) = copy_fixtures(&["000", "001"]);
    for p in paths {
        let mut doc = ReviewDoc::open(&p, "tester", None).unwrap();
        doc.edit("requests.granted.natural_person", "7").unwrap();
        doc.clear("requests.granted.commercial").unwrap();
        doc.undo();
        doc.redo();
        doc.confirm("appeals.review.upheld").unwrap();
        doc.approve(Some("checked against the PDF".into())).unwrap();
        doc.save().unwrap();
        let json: Value =
            serde_json::from_slice(&std::fs::read(&doc.sidecar_path).unwrap()).unwrap();
        assert_valid(&v, &json, &p.display().to_string());
    }
}

#[test]
fn export_json_and_jsonl_match_their_schema() {
    let v = schema("export.schema.json");
    let (dir, paths) = copy_fixtures(&["000", "001", "004"]);
    // Seed 000 again as the year before: findings across reports to validate.
    let text = std::fs::read_to_string(&paths[0]).unwrap();
    std::fs::write(
        dir.path().join("000_before.txt"),
        text.replacen("2024年", "2023年", 1),
    )
    .unwrap();
    let mut doc = ReviewDoc::open(&paths[0], "tester", None).unwrap();
    doc.approve(None).unwrap();
    doc.save().unwrap();
    let out = dir.path().join("all.json");
    Command::cargo_bin("tablereview")
        .unwrap()
        .arg("export")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_valid(&v, &json, "export.json");
    assert_eq!(json["reports"].as_array().unwrap().len(), 4);
    let jsonl = Command::cargo_bin("tablereview")
        .unwrap()
        .arg("export")
        .arg(dir.path())
        .args(["-o", "-", "-q"])
        .output()
        .unwrap();
    let def_schema = |name: &str| {
        let mut s: Value = serde_json::from_slice(
            &std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema/export.schema.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let defs = s["$defs"].clone();
        s = s["$defs"][name].clone();
        s["$defs"] = defs;
        jsonschema::validator_for(&s).unwrap()
    };
    let (record_schema, series_schema) = (def_schema("record"), def_schema("series_record"));
    let mut series = 0;
    for line in String::from_utf8(jsonl.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if v["kind"] == "series" {
            series += 1;
            assert_valid(&series_schema, &v, line);
        } else {
            assert_valid(&record_schema, &v, line);
        }
    }
    assert!(
        series > 0,
        "the copy of seed 000 a year earlier makes a series"
    );
    assert!(json["series"].as_array().is_some_and(|s| !s.is_empty()));
}
