//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tablereview::tui::msg::{EditorKey, Msg};
use tablereview::tui::{dispatch, App, Options};

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Copies fixtures (by stem prefix, e.g. "000") into a fresh temp folder.
pub fn copy_fixtures(prefixes: &[&str]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    for p in names {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if prefixes.iter().any(|pre| name.starts_with(pre)) {
            let to = dir.path().join(&name);
            std::fs::copy(&p, &to).unwrap();
            out.push(to);
        }
    }
    (dir, out)
}

/// Copies one fixture (a path under fixtures/) into a fresh temp folder.
pub fn copy_fixture(rel: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let from = fixtures().join(rel);
    let to = dir.path().join(from.file_name().unwrap());
    std::fs::copy(&from, &to).unwrap();
    (dir, to)
}

/// An app over `paths`, opened at 100 x 30, English, no colour.
pub fn app(paths: Vec<PathBuf>) -> App {
    let options = Options {
        reviewer: "tester".into(),
        color: false,
        ..Options::default()
    };
    let mut app = App::new(paths, options);
    dispatch(&mut app, Msg::Resize(100, 30));
    app
}

/// Sends each message in turn.
pub fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) {
    for m in msgs {
        dispatch(app, m);
    }
}

/// Types text into whatever line editor is open, then Enter.
pub fn type_line(app: &mut App, text: &str) {
    for c in text.chars() {
        dispatch(app, Msg::Editor(EditorKey::Insert(c)));
    }
    dispatch(app, Msg::Editor(EditorKey::Submit));
}
