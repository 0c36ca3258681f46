//! Times extract+check of every report under a folder, in process (for finding the slow
//! shapes of a corpus): `cargo run --release --example timeall -- DIR [REPS]`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: timeall DIR [REPS]");
    let reps: usize = args
        .next()
        .map_or(3, |s| s.parse().expect("REPS is a number"));
    let mut files: Vec<_> = walk(std::path::Path::new(&dir));
    files.sort();
    let mut times = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable file");
        let mut best = f64::MAX;
        for _ in 0..reps {
            let t = Instant::now();
            let src = tablereview::model::Source {
                path: String::new(),
                sha256: String::new(),
                encoding: String::new(),
                reader: None,
            };
            let mut report = tablereview::extract::extract_text(&text, src);
            if let Some(tpl) = tablereview::template::by_key(&report.template) {
                tablereview::check::run(&mut report, tpl);
            }
            std::hint::black_box(&report);
            best = best.min(t.elapsed().as_secs_f64() * 1e6);
        }
        times.push((best, path.display().to_string(), text.len()));
    }
    let total: f64 = times.iter().map(|t| t.0).sum();
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = times.len();
    let q = |p: f64| times[((n as f64 - 1.0) * p) as usize].0;
    println!(
        "{n} reports: mean {:.1} us, median {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
        total / n as f64,
        q(0.5),
        q(0.9),
        q(0.99),
        q(1.0)
    );
    for t in times.iter().rev().take(10) {
        println!("{:8.1} us {:7} B {}", t.0, t.2, t.1);
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("readable folder") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|e| e == "txt") {
            out.push(p);
        }
    }
    out
}
