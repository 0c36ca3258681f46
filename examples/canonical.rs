//! Prints a document's canonical text (what the extractor reads), for looking at a reader's
//! output: `cargo run --example canonical -- FILE [--places]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: canonical FILE [--places]");
        std::process::exit(2);
    };
    let places = args.next().as_deref() == Some("--places");
    let path = std::path::Path::new(&path);
    let bytes = std::fs::read(path).expect("readable file");
    match tablereview::read::canonical(path, &bytes) {
        Ok(doc) => {
            print!("{}", doc.text);
            if places {
                for (s, e, p) in &doc.places {
                    println!("{s}..{e} {:?} {p}", &doc.text[*s..*e]);
                }
            }
            for f in &doc.findings {
                eprintln!("{}: {}", f.rule, f.message);
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
