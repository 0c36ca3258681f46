//! Review screen speed: one frame of a full report, and the step to the next report.
//!
//! `cargo bench --bench render`. Goal (issue 3): a frame under 2 ms.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tablereview::tui::msg::Msg;
use tablereview::tui::{dispatch, view::view, App, Options};

// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn app() -> (tempfile::TempDir, App) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for i in 0..5 {
        let name = std::fs::read_dir(&src)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("00{i}"))
            })
            .unwrap();
        let to = dir.path().join(name.file_name().unwrap());
        std::fs::copy(&name, &to).unwrap();
        paths.push(to);
    }
    let mut app = App::new(paths, Options::default());
    dispatch(&mut app, Msg::Resize(160, 48));
    (dir, app)
}

fn bench(c: &mut Criterion) {
    let (_dir, mut app) = app();
    // Seed 001: the requests table full of flags.
    dispatch(&mut app, Msg::NextReport);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    c.bench_function("frame: full report 160x48", |b| {
        b.iter(|| {
            terminal.draw(|f| view(&app, f)).unwrap();
        })
    });
    // Visit every report once so the step measures moving, not first extraction.
    for _ in 0..5 {
        dispatch(&mut app, Msg::NextReport);
    }
    c.bench_function("step to next report + frame", |b| {
        b.iter(|| {
            let msg = if app.current + 1 < app.queue.len() {
                Msg::NextReport
            } else {
                Msg::PrevReport
            };
            dispatch(&mut app, msg);
            terminal.draw(|f| view(&app, f)).unwrap();
        })
    });
    c.bench_function("first open of a report (extract + sidecar) + frame", |b| {
        b.iter_batched(
            || {
                let (dir, app) = self::app();
                (dir, app)
            },
            |(_dir, mut app)| {
                dispatch(&mut app, Msg::NextReport);
                terminal.draw(|f| view(&app, f)).unwrap();
            },
            criterion::BatchSize::PerIteration,
        )
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
