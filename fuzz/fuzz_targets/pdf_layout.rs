//! Any pages of glyphs and rules (NaN, infinite, overlapping, degenerate): the layout writes
//! text whose fields' places lie inside it, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tablereview::read::pdf::layout::{Glyph, Page, Pages, Rule};

fn f(b: &[u8], i: usize) -> f32 {
    let at = i % b.len().max(1);
    let x = b.get(at).copied().unwrap_or(0);
    match x {
        255 => f32::NAN,
        254 => f32::INFINITY,
        _ => f32::from(x) * 3.0,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut pages = Pages::default();
    for chunk in data.chunks(256) {
        let mut page = Page {
            width: 595.0,
            height: 842.0,
            ..Page::default()
        };
        for (i, w) in chunk.chunks(5).enumerate() {
            if w[0] % 3 == 0 {
                page.rules.push(Rule {
                    x0: f(w, 1),
                    y0: f(w, 2),
                    x1: f(w, 3),
                    y1: f(w, 4),
                });
            } else {
                let c = ['规', '1', '|', ' ', '章', '0'][i % 6];
                page.glyphs.push(Glyph {
                    c,
                    x0: f(w, 1),
                    y0: f(w, 2),
                    x1: f(w, 1) + f(w, 3) / 8.0,
                    y1: f(w, 2) + f(w, 4) / 8.0,
                });
            }
        }
        pages.pages.push(page);
    }
    let doc = tablereview::read::pdf::document(&pages);
    for (s, e, _) in &doc.places {
        assert!(s <= e && *e <= doc.text.len());
        assert!(doc.text.is_char_boundary(*s) && doc.text.is_char_boundary(*e));
    }
});
