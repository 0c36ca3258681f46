//! Prints a synthetic report and its extracted grid: `cargo run --example synth_dump SEED STYLE TEMPLATE BLANK% DROP`.
use tablereview::synth::{render, sample_values, Rng, Style};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, d: &str| args.get(i).cloned().unwrap_or_else(|| d.to_string());
    let seed: u64 = arg(1, "1").parse().expect("seed");
    let style = Style::ALL[arg(2, "0").parse::<usize>().expect("style") % 4];
    let tpl = &tablereview::template::all()[arg(3, "0").parse::<usize>().expect("template") % 2];
    let blank: u64 = arg(4, "0").parse().expect("blank rate");
    let drop = arg(5, "0") == "1";
    let values = sample_values(tpl, &mut Rng::new(seed), blank);
    let text = render(tpl, &values, "某某区", 2024, style, drop);
    println!("{text}");
    let report = tablereview::extract::extract_text(
        &text,
        tablereview::model::Source {
            path: "gen".into(),
            sha256: String::new(),
            encoding: "utf-8".into(),
            reader: None,
        },
    );
    for (key, cell) in report.cells() {
        let want = values[&key];
        let mark = if cell.value != want { "  <<<<" } else { "" };
        println!(
            "{key}: {} want {:?}{mark}",
            tablereview::summary::cell_text(cell),
            want
        );
    }
}
