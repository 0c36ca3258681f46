//! Makes a corpus of realistic reports for benchmarks (never for tests of correctness):
//! `cargo run --release --example corpus -- OUT_DIR N [SEED] [series]`.
//!
//! With `series`, the synthetic reports come four to a body, its years 2020 (gov-2019) to 2023
//! (gov-2021) with figures carried from year to year (`synth::sample_series`), so the checks
//! across reports have series to check.
//!
//! A fifth are the seed reports under new names; the rest are synthetic reports in every
//! extraction style the seeds show (pipe rows, a cell per line, Word tabs, plain), both formats,
//! some with blank cells dropped, each with a real report's prose around the tables.

use std::path::{Path, PathBuf};

use tablereview::synth::{render, sample_values, Rng, Style};
use tablereview::template;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: corpus OUT_DIR N [SEED]"));
    let n: usize = args
        .next()
        .expect("usage: corpus OUT_DIR N [SEED]")
        .parse()
        .expect("N is a number");
    let seed: u64 = args
        .next()
        .map_or(1, |s| s.parse().expect("SEED is a number"));
    let series = args.next().is_some_and(|a| a == "series");
    let mut chain: Vec<tablereview::synth::Values> = Vec::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seeds.sort();
    let texts: Vec<String> = seeds
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("seed text"))
        .collect();
    // Prose to surround synthetic tables: seed 000's overview section.
    let prose: String = texts[0]
        .split("二、主动公开政府信息情况")
        .next()
        .unwrap_or("")
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    let mut rng = Rng::new(seed);
    for i in 0..n {
        let folder = out.join(format!("{:03}", i / 1000));
        std::fs::create_dir_all(&folder).expect("create corpus folder");
        let text = if i % 5 == 0 {
            let t = &texts[(i / 5) % texts.len()];
            t.replacen(
                "年政府信息公开工作",
                &format!("年政府信息公开工作（第{i}号）"),
                1,
            )
        } else if series {
            let (body, k) = (i / 5, i % 5 - 1);
            let tpl = template::by_key(if k == 0 { "gov-2019" } else { "gov-2021" })
                .expect("known format");
            if k == 0 {
                let t19 = template::by_key("gov-2019").expect("known format");
                let t21 = template::by_key("gov-2021").expect("known format");
                chain = tablereview::synth::sample_series(&[t19, t21, t21, t21], &mut rng);
            }
            // One report in ten carries over one application more than last year carried
            // forward (and carries one more forward, so it stays consistent on its own).
            let mut values = chain[k].clone();
            if k > 0 && rng.below(10) == 0 {
                for key in [
                    "requests.carried_over.natural_person",
                    "requests.carried_over.total",
                    "requests.carried_forward.natural_person",
                    "requests.carried_forward.total",
                ] {
                    if let Some(v) = values.get_mut(key) {
                        *v = Some(v.unwrap_or(0.0) + 1.0);
                    }
                }
            }
            let style = Style::ALL[rng.below(4) as usize];
            let drop = rng.below(3) == 0;
            let body = render(
                tpl,
                &values,
                &format!("某某县第{}局", chinese_digits(body)),
                2020 + k as i32,
                style,
                drop,
            );
            body.replacen("一、总体情况\n", &format!("一、总体情况\n{prose}\n"), 1)
        } else {
            let tpl = &template::all()[rng.below(2) as usize];
            let year = if tpl.key == "gov-2019" {
                2019 + rng.below(2) as i32
            } else {
                2021 + rng.below(4) as i32
            };
            let style = Style::ALL[rng.below(4) as usize];
            let drop = rng.below(3) == 0;
            let values = sample_values(tpl, &mut rng, if drop { 30 } else { 10 });
            let body = render(tpl, &values, &format!("某某县第{i}局"), year, style, drop);
            body.replacen("一、总体情况\n", &format!("一、总体情况\n{prose}\n"), 1)
        };
        std::fs::write(folder.join(format!("report-{i:06}.txt")), text).expect("write report");
    }
    eprintln!("wrote {n} reports under {}", out.display());
}

/// `n` in Chinese digits: a title's organisation holds no Arabic digits (they read as a year).
fn chinese_digits(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| {
            "零一二三四五六七八九"
                .chars()
                .nth(d as usize - '0' as usize)
                .unwrap_or('零')
        })
        .collect()
}
