//! Measures the extractor against known truth on reports that lost their blank cells (the
//! solver's hardest input): `cargo run --release --example solver_truth -- [N] [BLANK_RATE]`.
//!
//! Prints cells read exactly, cells flagged for the reviewer, cells wrong without an
//! error-level flag (must stay 0) and the mean extract+check time.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use tablereview::model::{CellStatus, Severity, Source};
use tablereview::synth::{render, sample_values, Rng, Style};
use tablereview::template;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .map_or(400, |s| s.parse().expect("N is a number"));
    let rate: u64 = args
        .next()
        .map_or(50, |s| s.parse().expect("BLANK_RATE is a number"));
    let (mut exact, mut flagged, mut silent, mut inferred_wrong) = (0usize, 0usize, 0usize, 0usize);
    let mut micros = 0.0;
    for seed in 0..n {
        let tpl = &template::all()[(seed % 2) as usize];
        let style = Style::ALL[(seed / 2 % Style::ALL.len() as u64) as usize];
        let year = tpl.last_year.unwrap_or(tpl.first_year + 2);
        let values = sample_values(tpl, &mut Rng::new(seed), rate);
        let text = render(tpl, &values, "某某区", year, style, true);
        let t = Instant::now();
        let src = Source {
            path: String::new(),
            sha256: String::new(),
            encoding: String::new(),
            reader: None,
        };
        let mut report = tablereview::extract::extract_text(&text, src);
        tablereview::check::run(&mut report, tpl);
        micros += t.elapsed().as_secs_f64() * 1e6;
        for (key, cell) in report.cells() {
            let want = values[&key];
            if cell.value == want
                && !matches!(cell.status, CellStatus::Ambiguous | CellStatus::Invalid)
            {
                exact += 1;
                continue;
            }
            let named = report
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error && f.cells.contains(&key));
            if cell.value != want && cell.status == CellStatus::Inferred {
                inferred_wrong += 1;
            }
            if named || cell.value == want {
                flagged += 1;
            } else {
                silent += 1;
            }
        }
    }
    println!(
        "{n} reports, blank rate {rate}%: exact {exact}, flagged {flagged}, wrong unflagged {silent}, inferred wrong {inferred_wrong}, mean {:.1} us",
        micros / n as f64
    );
}
