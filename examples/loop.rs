//! Extracts one file many times (for profilers): `cargo run --release --example loop FILE N`.

// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("file");
    let n: usize = args.next().map_or(2000, |s| s.parse().expect("count"));
    let text = std::fs::read_to_string(path).expect("readable file");
    for _ in 0..n {
        let src = tablereview::model::Source {
            path: String::new(),
            sha256: String::new(),
            encoding: String::new(),
            reader: None,
        };
        std::hint::black_box(tablereview::extract::extract_text(&text, src));
    }
}
