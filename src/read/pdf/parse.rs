//! The one place that touches the PDF library (pdf_oxide): a document's bytes → each page's
//! glyphs with their boxes and its straight ruling lines, turned to top-down page points.
//!
//! This runs in a child process in the binary (`super::read`): the library is large and fed
//! hostile files, and a crash or a loop in it must cost one file only.

use pdf_oxide::elements::{PathContent, PathOperation};
use pdf_oxide::PdfDocument;

use super::layout::{Glyph, Page, Pages, Rule};

/// More pages than any annual report has: a file with more is refused before it is read.
pub const MAX_PAGES: usize = 500;
/// Glyphs kept per page; a real page has a few thousand.
const MAX_GLYPHS: usize = 50_000;

/// Why a PDF could not be read, in words for the one-line message.
pub type Failure = String;

/// Reads every page's glyphs and rules.
pub fn pages(bytes: Vec<u8>) -> Result<Pages, Failure> {
    if !bytes.starts_with(b"%PDF-")
        && !bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        return Err("is not a PDF (no %PDF- header)".into());
    }
    let doc = PdfDocument::from_bytes(bytes).map_err(|e| format!("is not a readable PDF ({e})"))?;
    if doc.is_encrypted() {
        // Most protected official PDFs only restrict printing or copying: their user
        // password is empty, and they open without one.
        match doc.authenticate(b"") {
            Ok(true) => {}
            _ => {
                return Err(
                    "is protected by a password; open it in a PDF viewer with its password and save an unprotected copy"
                        .into(),
                )
            }
        }
    }
    let count = doc
        .page_count()
        .map_err(|e| format!("has no readable page tree ({e})"))?;
    if count > MAX_PAGES {
        return Err(format!(
            "has {count} pages; an annual report has far fewer (at most {MAX_PAGES} are read)"
        ));
    }
    // The first page is read alone: it loads the fonts most pages share into the document's
    // cache, which threads starting together would each decode again. The rest are read on
    // every core: reading the characters is nearly all of a PDF's time.
    let mut out = Pages::default();
    if count == 0 {
        return Ok(out);
    }
    out.pages.push(page(&doc, 0)?);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(count - 1);
    let next = std::sync::atomic::AtomicUsize::new(1);
    let mut read: Vec<(usize, Result<Page, Failure>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut got = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= count {
                            break got;
                        }
                        got.push((i, page(&doc, i)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    if read.len() != count - 1 {
        return Err("the PDF reader failed on a page; the file may be damaged".into());
    }
    read.sort_by_key(|(i, _)| *i);
    for (_, p) in read {
        out.pages.push(p?);
    }
    Ok(out)
}

fn page(doc: &PdfDocument, i: usize) -> Result<Page, Failure> {
    let (llx, lly, urx, ury) = doc
        .get_page_media_box(i)
        .unwrap_or((0.0, 0.0, 595.0, 842.0));
    let (left, top) = (llx.min(urx), lly.max(ury));
    let height = (ury - lly).abs();
    let width = (urx - llx).abs();
    let chars = doc
        .extract_chars(i)
        .map_err(|e| format!("page {}: its text cannot be read ({e})", i + 1))?;
    let glyphs = chars
        .iter()
        .take(MAX_GLYPHS)
        .filter(|c| c.bbox.width.is_finite() && c.bbox.height.is_finite())
        .map(|c| Glyph {
            c: c.char,
            x0: c.bbox.x - left,
            x1: c.bbox.x + c.bbox.width - left,
            y0: top - (c.bbox.y + c.bbox.height),
            y1: top - c.bbox.y,
        })
        .collect();
    // A page whose drawings cannot be read is still read for its text, without rules.
    let paths = doc.extract_paths(i).unwrap_or_default();
    let mut rules = Vec::new();
    for p in &paths {
        path_rules(p, &mut rules);
    }
    for r in &mut rules {
        r.x0 -= left;
        r.x1 -= left;
        r.y0 = top - r.y0;
        r.y1 = top - r.y1;
    }
    Ok(Page {
        width,
        height,
        glyphs,
        rules,
    })
}

/// The straight edges a path draws: stroked segments and rectangles, and filled rectangles
/// thin enough to be a line (some writers draw borders so).
fn path_rules(p: &PathContent, out: &mut Vec<Rule>) {
    let stroked = p.has_stroke();
    let mut at: Option<(f32, f32)> = None;
    let mut start: Option<(f32, f32)> = None;
    for op in &p.operations {
        match *op {
            PathOperation::MoveTo(x, y) => {
                at = Some((x, y));
                start = at;
            }
            PathOperation::LineTo(x, y) => {
                if let (true, Some((x0, y0))) = (stroked, at) {
                    out.push(Rule {
                        x0,
                        y0,
                        x1: x,
                        y1: y,
                    });
                }
                at = Some((x, y));
            }
            PathOperation::CurveTo(.., x, y) => at = Some((x, y)),
            PathOperation::ClosePath => {
                if let (true, Some((x0, y0)), Some((x1, y1))) = (stroked, at, start) {
                    out.push(Rule { x0, y0, x1, y1 });
                }
                at = start;
            }
            PathOperation::Rectangle(x, y, w, h) => {
                let (xa, xb) = (x.min(x + w), x.max(x + w));
                let (ya, yb) = (y.min(y + h), y.max(y + h));
                if stroked {
                    out.push(Rule {
                        x0: xa,
                        y0: ya,
                        x1: xb,
                        y1: ya,
                    });
                    out.push(Rule {
                        x0: xa,
                        y0: yb,
                        x1: xb,
                        y1: yb,
                    });
                    out.push(Rule {
                        x0: xa,
                        y0: ya,
                        x1: xa,
                        y1: yb,
                    });
                    out.push(Rule {
                        x0: xb,
                        y0: ya,
                        x1: xb,
                        y1: yb,
                    });
                } else if p.has_fill() && (xb - xa <= 2.5 || yb - ya <= 2.5) {
                    let (mx, my) = ((xa + xb) / 2.0, (ya + yb) / 2.0);
                    if xb - xa <= yb - ya {
                        out.push(Rule {
                            x0: mx,
                            y0: ya,
                            x1: mx,
                            y1: yb,
                        });
                    } else {
                        out.push(Rule {
                            x0: xa,
                            y0: my,
                            x1: xb,
                            y1: my,
                        });
                    }
                }
            }
        }
    }
}
