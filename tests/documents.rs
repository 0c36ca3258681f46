//! Documents made from known values (fixtures/documents/: the official gov-2021 Word template
//! filled by scripts/fill-docx-template.py, and the same saved as Word 97 `.doc` by
//! LibreOffice, and printed to PDF by LibreOffice; and PDFs written by
//! scripts/make-pdf-fixtures.py in the non-embedded STSong-Light font): every cell reads exactly, and where the document gives positions nothing is
//! guessed, so a blank cell is `blank`, never `inferred`.

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
        if path.extension().is_some_and(|e| e == "doc")
            && tablereview::read::doc::converter().is_none()
        {
            eprintln!(
                "skipped {}: LibreOffice (soffice) is not on PATH",
                path.display()
            );
            continue;
        }
        let truth_path = path.with_extension("truth.json");
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&truth_path).unwrap()).unwrap();
        let report = extract_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(report.template, "gov-2021", "{}", path.display());
        // The reader is recorded, so a re-extraction by a newer one is recognised.
        let ext = path.extension().unwrap().to_string_lossy().into_owned();
        let reader = report.source.reader.clone().unwrap_or_default();
        assert!(
            reader.starts_with(&format!("{ext} ")),
            "{}: {reader}",
            path.display()
        );
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
        if ext == "pdf" {
            // A PDF's value knows its page and the box of its characters, inside the page.
            for key in [
                "proactive.normative_documents.issued",
                "requests.new_received.natural_person",
                "appeals.review.total",
            ] {
                let place = report.cell(key).and_then(|c| c.place).unwrap();
                let b = place
                    .page
                    .unwrap_or_else(|| panic!("{key} has no page box"));
                assert!(
                    b.page >= 1 && b.x0 < b.x1 && b.y0 < b.y1 && b.x1 <= 600 && b.y1 <= 850,
                    "{key}: {b:?}"
                );
                assert!(place.to_string().starts_with(&format!("p.{} · x ", b.page)));
            }
            let issued = report
                .cell("proactive.normative_documents.issued")
                .and_then(|c| c.place)
                .unwrap();
            let repealed = report
                .cell("proactive.normative_documents.repealed")
                .and_then(|c| c.place)
                .unwrap();
            // Same row, the next column to the right.
            let (a, b) = (issued.page.unwrap(), repealed.page.unwrap());
            assert!(a.x1 <= b.x0 && a.y0.abs_diff(b.y0) <= 3, "{a:?} {b:?}");
        } else {
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
        }
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

/// A fake converter on `PATH`: a shell script with the given body.
#[cfg(unix)]
fn fake_soffice(dir: &Path, body: &str) -> std::ffi::OsString {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("soffice");
    std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut path = std::ffi::OsString::from(bin.as_os_str());
    path.push(":/usr/bin:/bin");
    path
}

#[cfg(unix)]
#[test]
fn a_doc_is_refused_in_one_line_without_libreoffice_and_a_hung_converter_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("old.doc");
    std::fs::write(&doc, b"\xd0\xcf\x11\xe0 not really a doc").unwrap();
    let run = |path: &std::ffi::OsStr| {
        let started = std::time::Instant::now();
        let out = assert_cmd::Command::cargo_bin("tablereview")
            .unwrap()
            .env("PATH", path)
            .env("TABLEREVIEW_CONVERT_SECONDS", "2")
            .args(["check", "-q", "--no-cache"])
            .arg(&doc)
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("old.doc"), "{stderr}");
        (stderr, started.elapsed())
    };
    let (stderr, _) = run(std::ffi::OsStr::new(dir.path().join("nothing").as_os_str()));
    assert!(stderr.contains("needs LibreOffice"), "{stderr}");
    // A converter that never finishes costs its time limit, then is killed with its children.
    let path = fake_soffice(dir.path(), "sleep 600 & sleep 600");
    let (stderr, took) = run(&path);
    assert!(stderr.contains("within 2 s"), "{stderr}");
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    // A converter that gives up leaves no document behind.
    let path = fake_soffice(dir.path(), "exit 1");
    let (stderr, _) = run(&path);
    assert!(stderr.contains("could not convert"), "{stderr}");
}

#[test]
fn a_folder_with_a_page_and_its_text_reads_the_page_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let page = tablereview::synth::web_page(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/000_7a2d16d58913ef59.txt"),
        )
        .unwrap(),
        1,
    );
    std::fs::write(dir.path().join("r.html"), page).unwrap();
    std::fs::write(
        dir.path().join("r.txt"),
        "某县2024年政府信息公开工作年度报告",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("tablereview")
        .unwrap()
        .args(["check", "--json", "-q", "--no-cache"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("r.html"), "{stdout}");
    assert!(stderr.contains("r.txt beside it"), "{stderr}");
}

#[test]
fn hostile_pages_cost_one_file() {
    let dir = tempfile::tempdir().unwrap();
    // Larger than any report: refused before it is read.
    let big = dir.path().join("big.html");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(50_000_000).unwrap();
    // Ten thousand rows and a rowspan of 65,535: read, in bounded time.
    let mut rows = String::from("<table><tr><td rowspan=65535>规章</td><td>1</td></tr>");
    for i in 0..10_000 {
        rows.push_str(&format!("<tr><td>{i}</td><td colspan=65535>2</td></tr>"));
    }
    rows.push_str("</table>");
    std::fs::write(dir.path().join("rows.html"), rows).unwrap();
    let out = assert_cmd::Command::cargo_bin("tablereview")
        .unwrap()
        .args(["check", "-q", "--no-cache"])
        .arg(&big)
        .arg(dir.path().join("rows.html"))
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("big.html"), "{stderr}");
    assert!(stdout.contains("rows.html"), "{stdout}");
}
