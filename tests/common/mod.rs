//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tablereview::tui::msg::{EditorKey, Msg};
use tablereview::tui::{dispatch, App, Options};

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Whether a file name is something a reviewer's run leaves beside reports (a review, its
/// lock or backup, a temp file), which a copy of the fixtures leaves out.
pub fn is_review_artefact(name: &str) -> bool {
    name.contains(".reviewed.")
        || name.ends_with(".lock")
        || (name.starts_with('.') && name.ends_with(".tmp"))
}

/// The fixtures as committed, copied once per test process into the target's temp folder
/// without what a review run left in them: running the README's `review fixtures/…` and then
/// `cargo test` changed a test's count through the sidecars it wrote there.
pub fn pristine() -> &'static Path {
    static COPY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    COPY.get_or_init(|| {
        let to = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("pristine-fixtures-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&to);
        copy_tree(&fixtures(), &to);
        to
    })
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let t = e.file_type().unwrap();
        if t.is_dir() {
            copy_tree(&e.path(), &to.join(&name));
        } else if t.is_file() && !is_review_artefact(&name) {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
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

/// The screen `app` draws at `w` x `h` (TestBackend), as cells.
pub fn buffer(app: &App, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let mut app = app.clone();
    dispatch(&mut app, Msg::Resize(w, h));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| tablereview::tui::view::view(&app, f))
        .unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as text, a line per row; a wide character's second cell is not repeated.
pub fn screen(app: &App, w: u16, h: u16) -> String {
    let buf = buffer(app, w, h);
    let mut out = String::new();
    for y in 0..h {
        let mut x = 0;
        while x < w {
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            x += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
        }
        out.push('\n');
    }
    out
}
