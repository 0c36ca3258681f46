use super::*;

fn rec() -> Record {
    let text = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/000_7a2d16d58913ef59.txt"),
    )
    .unwrap();
    let (report, _) = crate::extract::extract_bytes(Path::new("=1+2.txt"), &text).unwrap();
    from_report(&report, "approved", Some("li".into()), &Options::default())
}

fn write(format: Format, options: Options) -> String {
    let p = Path::new("out");
    let mut w = Writer::new(format, Vec::new(), p, options).unwrap();
    w.write(&rec(), p).unwrap();
    w.write(&rec(), p).unwrap();
    String::from_utf8(w.finish(&[], p).unwrap()).unwrap()
}

#[test]
fn json_is_one_document_with_the_schema_and_every_value_has_a_status() {
    let v: serde_json::Value =
        serde_json::from_str(&write(Format::Json, Options::default())).unwrap();
    assert_eq!(v["schema"], EXPORT_SCHEMA);
    let reports = v["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    let r = &reports[0];
    let values = r["values"].as_object().unwrap();
    let cells = r["cells"].as_object().unwrap();
    assert_eq!(values.len(), cells.len());
    for (k, c) in cells {
        assert!(c["status"].is_string(), "{k}");
        assert!(c["canonical_key"].is_string(), "{k}");
    }
}

#[test]
fn jsonl_keeps_value_order_and_integers() {
    let text = write(Format::Jsonl, Options::default());
    assert_eq!(text.lines().count(), 2);
    let first = text.lines().next().unwrap();
    let fees = first.find("\"proactive.fees.amount\"").unwrap();
    let granted = first.find("\"requests.granted.total\"").unwrap();
    assert!(fees < granted, "reading order, not alphabetical");
}

#[test]
fn a_field_a_spreadsheet_would_run_is_made_text() {
    use delimited::inert;
    for f in [
        "=1+2.txt",
        "+1",
        "-1+2",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "=HYPERLINK(\"x\")",
    ] {
        assert_eq!(inert(f), format!("'{f}"));
    }
    for f in ["报告.txt", "a=b", "1-2"] {
        assert_eq!(inert(f), f);
    }
}

#[test]
fn long_csv_has_a_row_per_value_with_status_kind_and_unit() {
    let text = write(Format::Csv, Options::default());
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head = r.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2 * rec().cells.len());
    assert_eq!(&rows[0][col("source")], "'=1+2.txt", "formula neutralised");
    let fee = rows
        .iter()
        .find(|r| &r[col("key")] == "proactive.fees.amount")
        .unwrap();
    assert_eq!(&fee[col("kind")], "amount");
    assert_eq!(&fee[col("unit")], "万元");
    assert!(fee[col("value")].contains('.'), "money has a decimal point");
    assert_eq!(&fee[col("row_label")], "行政事业性收费");
    for row in &rows {
        assert!(!row[col("status")].is_empty());
    }
}

#[test]
fn wide_csv_has_a_row_per_report_and_a_labels_row_when_asked() {
    let options = Options {
        labels: true,
        bom: true,
        ..Options::default()
    };
    let text = write(Format::CsvWide, options);
    assert!(text.starts_with('\u{feff}'));
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2 + 2, "header, labels, two reports");
    let width = rows[0].len();
    assert_eq!(width, REPORT_COLUMNS.len() + 2 * vocabulary::wide().len());
    assert!(rows.iter().all(|r| r.len() == width));
    assert_eq!(&rows[1][0], "来源文件");
    let at = rows[0]
        .iter()
        .position(|h| h == "requests.granted.total")
        .unwrap();
    let st = rows[0]
        .iter()
        .position(|h| h == "status:requests.granted.total")
        .unwrap();
    assert!(rows[1][at].contains("予以公开"));
    assert!(!rows[2][st].is_empty());
}

#[test]
fn uncertain_cells_export_as_null() {
    assert_eq!(export_value(CellStatus::Ambiguous, Some(3.0)), None);
    assert_eq!(export_value(CellStatus::Inferred, Some(3.0)), Some(3.0));
    assert_eq!(export_value(CellStatus::Confirmed, Some(3.0)), Some(3.0));
}

#[test]
fn format_follows_the_extension() {
    assert_eq!(Format::from_path(Path::new("x.JSONL")), Some(Format::Jsonl));
    assert_eq!(Format::from_path(Path::new("x.csv")), Some(Format::Csv));
    assert_eq!(Format::from_path(Path::new("x.xlsx")), Some(Format::Xlsx));
    assert_eq!(Format::from_path(Path::new("x.db")), Some(Format::Sqlite));
    assert_eq!(
        Format::from_path(Path::new("x.sqlite")),
        Some(Format::Sqlite)
    );
    assert_eq!(Format::from_path(Path::new("x.txt")), None);
}

#[test]
fn a_fraction_is_written_in_full_and_money_with_a_point() {
    use delimited::value_text;
    let rate = 35.0 / 36.0;
    assert_eq!(value_text(Some(rate), true).parse::<f64>().unwrap(), rate);
    assert_eq!(value_text(Some(2110.0), true), "2110.0");
    assert_eq!(value_text(Some(2181.669177), true), "2181.669177");
    assert_eq!(value_text(Some(16.0), false), "16");
    assert_eq!(value_text(None, true), "");
}
