//! Extraction and checking speed: one report, text to checked grid.
//!
//! `cargo bench --bench extract`. Goal (issue 4): one report's extract+check under 100 µs.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use tablereview::extract::extract_text;
use tablereview::model::Source;

// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn source() -> Source {
    Source {
        path: "bench.txt".into(),
        sha256: String::new(),
        encoding: "utf-8".into(),
        reader: None,
    }
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for (name, file) in [
        ("pipe rows (seed 000)", "000_7a2d16d58913ef59.txt"),
        ("short rows solved (seed 001)", "001_8b45603aceec5a0e.txt"),
        ("word tabs (seed 002)", "002_0f59753cce69c6af.txt"),
        ("no tables (seed 004)", "004_f1496913e2f754ab.txt"),
        (
            "one line, every cell glued (crawler)",
            "variants/crawler_one_line.txt",
        ),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        c.bench_function(&format!("extract+check {name}"), |b| {
            b.iter(|| extract_text(black_box(&text), source()))
        });
    }
}

/// Seed 000 as a web page inside 150 KB of the menus, scripts and styles a CMS page carries.
fn seed_page() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let text = std::fs::read_to_string(dir.join("000_7a2d16d58913ef59.txt")).unwrap();
    tablereview::synth::web_page(&text, 1000)
}

fn bench_page(c: &mut Criterion) {
    let page = seed_page();
    let name = format!(
        "read+extract+check web page (seed 000, {} KB)",
        page.len() / 1000
    );
    c.bench_function(&name, |b| {
        b.iter(|| {
            let d = tablereview::read::html::read(black_box(page.as_bytes()), Path::new("p.html"))
                .unwrap();
            extract_text(&d.text, source())
        })
    });
}

criterion_group!(benches, bench, bench_page);
criterion_main!(benches);
