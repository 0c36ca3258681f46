//! Writes a real review sidecar for a report (a fuzzing seed): `cargo run --example make_sidecar FILE`.
fn main() {
    let path = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: make_sidecar FILE"));
    let mut doc = tablereview::review::ReviewDoc::open(&path, "seed", None).expect("report opens");
    let _ = doc.edit("requests.granted.natural_person", "7");
    let _ = doc.clear("requests.granted.commercial");
    doc.undo();
    let _ = doc.confirm("appeals.review.upheld");
    doc.save().expect("sidecar saved");
    println!("{}", doc.sidecar_path.display());
}
