//! Review screen speed: one frame of a full report, and the step to the next report.
//!
//! `cargo bench --bench render`. Goal (issue 3): a frame under 2 ms.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tablereview::tui::msg::{Dir, Msg};
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

/// A queue of 10,000 reports, every one counted (as the background summaries leave it),
/// the first open on seed 001.
fn big_queue() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.txt");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/001_8b45603aceec5a0e.txt"),
        &seed,
    )
    .unwrap();
    // Hard links: ten thousand reports without ten thousand copies.
    let paths: Vec<_> = (0..10_000)
        .map(|i| {
            let p = dir.path().join(format!("r{i:05}.txt"));
            std::fs::hard_link(&seed, &p).unwrap();
            p
        })
        .collect();
    let mut app = App::new(paths, Options::default());
    dispatch(&mut app, Msg::Resize(160, 48));
    let summary = tablereview::tui::update::summary_of(&app.queue[0].path, None).unwrap();
    for i in 0..app.queue.len() {
        let mut s = summary.clone();
        s.facts = None;
        dispatch(&mut app, Msg::Summarized(i, Ok(s)));
    }
    (dir, app)
}

/// Keystroke to frame with a 10,000-report queue: the key's update, then a whole frame.
fn bench_big_queue(c: &mut Criterion) {
    let (_dir, mut app) = big_queue();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut step = |app: &mut App, msgs: &[Msg]| {
        for m in msgs {
            dispatch(app, m.clone());
        }
        terminal.draw(|f| view(app, f)).unwrap();
    };
    let mut down = true;
    c.bench_function("10,000 queue: move in the grid + frame", |b| {
        b.iter(|| {
            down = !down;
            let m = if down {
                Msg::Move(Dir::Down)
            } else {
                Msg::Move(Dir::Up)
            };
            step(&mut app, &[m]);
        })
    });
    c.bench_function("10,000 queue: next flag + frame", |b| {
        b.iter(|| step(&mut app, &[Msg::NextFlag]))
    });
    c.bench_function("10,000 queue: findings panel open + frame", |b| {
        b.iter(|| step(&mut app, &[Msg::Findings, Msg::Close]))
    });
    dispatch(&mut app, Msg::ToggleQueue);
    c.bench_function("10,000 queue: move in the list + frame", |b| {
        b.iter(|| {
            down = !down;
            let m = if down { Msg::PageDown } else { Msg::PageUp };
            step(&mut app, &[m]);
        })
    });
    c.bench_function("10,000 queue: list end / start + frame", |b| {
        b.iter(|| {
            down = !down;
            let m = if down { Msg::RowEnd } else { Msg::RowStart };
            step(&mut app, &[m]);
        })
    });
}

criterion_group!(benches, bench, bench_big_queue);
criterion_main!(benches);
