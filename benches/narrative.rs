//! Prose reading speed against the length of the prose: the time per byte must stay flat.
//!
//! `cargo bench --bench narrative`. Each size reports its throughput; a return of the
//! quadratic reading (issue 16 item 14: 672 KB took 4.4 s, 16 MB never finished) shows as a
//! throughput that falls by half each time the size doubles.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("narrative::read");
    group.sample_size(10);
    for (name, unit) in [
        ("one sentence of figures", "予以公开16件，部分公开1件，"),
        (
            "repeated sentences",
            "2024年共收到政府信息依申请公开22件。予以公开16件。",
        ),
    ] {
        for kb in [64usize, 256, 1024] {
            let text = unit.repeat(kb * 1024 / unit.len());
            let starts = tablereview::extract::line_starts(&text);
            let whole = 0..text.len();
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_function(format!("{name}, {kb} KB"), |b| {
                b.iter(|| {
                    tablereview::narrative::read(
                        black_box(&text),
                        std::slice::from_ref(&whole),
                        "gov-2021",
                        &starts,
                    )
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
