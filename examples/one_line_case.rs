//! Prints one generated one-line report and its appeals cells (a debugging aid for the
//! one-line property test): `cargo run --example one_line_case -- SEED BLANKS SPACED T`.
use tablereview::extract::extract_text;
use tablereview::model::Source;
use tablereview::synth::{flatten, render, sample_values, Rng, Style};
use tablereview::template;

fn main() {
    let a: Vec<u64> = std::env::args()
        .skip(1)
        .map(|s| s.parse().unwrap())
        .collect();
    let tpl = &template::all()[a[3] as usize % template::all().len()];
    let mut rng = Rng::new(a[0]);
    let values = sample_values(tpl, &mut rng, a[1]);
    let year = tpl.last_year.unwrap_or(tpl.first_year + 2);
    let text = render(tpl, &values, "某某县", year, Style::PipeRows, false);
    let line = flatten(&text, &mut rng, a[2]);
    let source = Source {
        path: "gen.txt".into(),
        sha256: String::new(),
        encoding: "utf-8".into(),
        reader: None,
    };
    let report = extract_text(&line, source);
    println!("{line}");
    for (key, cell) in report.cells() {
        if cell.value != values[&key] {
            println!(
                "{key}: got {:?} {:?} truth {:?} cands {:?}",
                cell.value, cell.status, values[&key], cell.candidates
            );
        }
    }
}
