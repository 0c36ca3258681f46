//! Documents made from known values (fixtures/documents/: the official gov-2021 Word template
//! filled by scripts/fill-docx-template.py): every cell reads exactly, and where the document
//! gives positions nothing is guessed, so a blank cell is `blank`, never `inferred`.

use std::path::{Path, PathBuf};

use tablereview::extract::extract_file;
use tablereview::model::CellStatus;

fn documents() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/documents");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn filled_documents_read_exactly_and_never_guess() {
    let docs = documents();
    assert!(docs.len() >= 2, "{docs:?}");
    for path in docs {
        let truth_path = path.with_extension("truth.json");
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&truth_path).unwrap()).unwrap();
        let report = extract_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(report.template, "gov-2021", "{}", path.display());
        let mut blanks = 0;
        for (key, cell) in report.cells() {
            let want = truth["values"][&key].as_f64();
            assert_eq!(cell.value, want, "{}: {key}", path.display());
            let status_ok = match want {
                Some(_) => cell.status == CellStatus::Ok,
                None => cell.status == CellStatus::Blank,
            };
            assert!(status_ok, "{}: {key} is {:?}", path.display(), cell.status);
            blanks += usize::from(want.is_none());
            // Every figure knows where it stands in the document.
            if want.is_some() {
                assert!(
                    cell.place.is_some(),
                    "{}: {key} has no place",
                    path.display()
                );
            }
        }
        // 行政规范性文件's 本年制发件数: the first table's fourth row, second column.
        let place = report
            .cell("proactive.normative_documents.issued")
            .and_then(|c| c.place)
            .unwrap();
        assert_eq!(place.to_string(), "table 1 · row 4 · col 2");
        // 一、本年新收 自然人 stands after a label spanning three grid columns.
        let place = report
            .cell("requests.new_received.natural_person")
            .and_then(|c| c.place)
            .unwrap();
        assert_eq!(place.to_string(), "table 2 · row 4 · col 4");
        assert_eq!(
            report.errors(),
            0,
            "{}: {:#?}",
            path.display(),
            report.findings
        );
        eprintln!("{}: 200 cells exact, {blanks} blank", path.display());
    }
}

#[test]
fn a_damaged_word_file_is_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.docx");
    std::fs::write(&path, b"PK\x03\x04 not really a zip").unwrap();
    let out = assert_cmd::Command::cargo_bin("tablereview")
        .unwrap()
        .args(["check", "-q", "--no-cache"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("broken.docx"), "{stderr}");
}

#[test]
fn a_zip_bomb_is_refused_after_reading_its_limit() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.docx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", opts).unwrap();
    // 40 MB of one byte compresses to about 40 KB.
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..40 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1_000_000);
    let err = extract_file(&path).unwrap_err().to_string();
    assert!(
        err.contains("bomb.docx") && err.contains("zip bomb"),
        "{err}"
    );
}
