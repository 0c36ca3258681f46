//! What one keystroke's save costs with a long edit log (issue 16 item 15: at 450,000 edits a
//! save rewrote the whole sidecar, 1.4 s per key).
//!
//! `cargo bench --bench save`. A review of seed 000 with 1,000, 10,000 and 100,000 logged
//! edits: `edit + save` (one journal line, fsync included) must stay flat as the log grows;
//! `whole` is the rewrite of the whole sidecar that every save did before, and that the
//! journal now does once per half a snapshot of lines, on claim and on close.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tablereview::review::ReviewDoc;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CELL: &str = "requests.total_processed.natural_person";

/// A review in `dir` whose log holds `edits` records, saved whole and opened again.
fn review_with(dir: &Path, edits: u64) -> ReviewDoc {
    let src = dir.join("r.txt");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/000_7a2d16d58913ef59.txt"),
        &src,
    )
    .unwrap();
    let mut doc = ReviewDoc::open(&src, "bench", None).unwrap();
    doc.claim();
    doc.edit(CELL, "1").unwrap();
    // Copies of the first record stand for a long session: the log is what grows.
    let first = doc.log[0].clone();
    for seq in 2..=edits {
        let mut r = first.clone();
        r.seq = seq;
        r.step = seq;
        r.old = Some((seq - 1) as f64);
        r.new = Some(seq as f64);
        r.old_status = r.new_status;
        doc.log.push(r);
    }
    doc.save_whole().unwrap();
    drop(doc);
    let mut doc = ReviewDoc::open(&src, "bench", None).unwrap();
    doc.claim();
    assert!(doc.read_only.is_none(), "{:?}", doc.read_only);
    doc
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("review::save");
    group.sample_size(20);
    for edits in [1_000u64, 10_000, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let mut doc = review_with(dir.path(), edits);
        let mut value = 0u64;
        group.bench_function(format!("edit + save, {edits} edits logged"), |b| {
            b.iter(|| {
                value += 1;
                doc.edit(CELL, &(value % 1000 + 1).to_string()).unwrap();
                doc.save().unwrap();
            })
        });
        group.bench_function(format!("whole, {edits} edits logged"), |b| {
            b.iter_batched(
                || (),
                |()| doc.save_whole().unwrap(),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
