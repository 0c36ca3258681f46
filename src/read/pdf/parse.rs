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
    // A page shown turned (`/Rotate`, as Word writes a landscape page) is read the way it is
    // shown, or its rows would come out as columns and its words backwards.
    let turn = Turn::new(doc.get_page_rotation(i).unwrap_or(0), width, height);
    let chars = doc
        .extract_chars(i)
        .map_err(|e| format!("page {}: its text cannot be read ({e})", i + 1))?;
    let glyphs = chars
        .iter()
        .take(MAX_GLYPHS)
        .filter(|c| c.bbox.width.is_finite() && c.bbox.height.is_finite())
        .map(|c| {
            let (x0, y0) = turn.point(c.bbox.x - left, top - (c.bbox.y + c.bbox.height));
            let (x1, y1) = turn.point(c.bbox.x + c.bbox.width - left, top - c.bbox.y);
            Glyph {
                c: c.char,
                x0: x0.min(x1),
                x1: x0.max(x1),
                y0: y0.min(y1),
                y1: y0.max(y1),
            }
        })
        .collect();
    // A page whose drawings cannot be read is still read for its text, without rules.
    let paths = doc.extract_paths(i).unwrap_or_default();
    let mut rules = Vec::new();
    for p in &paths {
        path_rules(p, &mut rules);
    }
    for r in &mut rules {
        (r.x0, r.y0) = turn.point(r.x0 - left, top - r.y0);
        (r.x1, r.y1) = turn.point(r.x1 - left, top - r.y1);
    }
    let (width, height) = turn.size();
    Ok(Page {
        width,
        height,
        glyphs,
        rules,
    })
}

/// How a page is turned for showing: a quarter turn clockwise per step.
struct Turn {
    quarters: i32,
    width: f32,
    height: f32,
}

impl Turn {
    fn new(degrees: i32, width: f32, height: f32) -> Turn {
        Turn {
            quarters: (degrees / 90).rem_euclid(4),
            width,
            height,
        }
    }

    /// A point of the unturned page (from its top-left corner) where it is shown.
    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        match self.quarters {
            1 => (self.height - y, x),
            2 => (self.width - x, self.height - y),
            3 => (y, self.width - x),
            _ => (x, y),
        }
    }

    /// The page's width and height as shown.
    fn size(&self) -> (f32, f32) {
        if self.quarters % 2 == 1 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
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

#[cfg(test)]
mod tests {
    use super::Turn;

    #[rstest::rstest]
    #[case(0, (10.0, 20.0))]
    #[case(90, (80.0, 10.0))]
    #[case(180, (90.0, 80.0))]
    #[case(270, (20.0, 90.0))]
    #[case(-90, (20.0, 90.0))]
    #[case(450, (80.0, 10.0))]
    fn a_turned_page_is_read_as_shown(#[case] degrees: i32, #[case] want: (f32, f32)) {
        // A 100 x 100 page: the point 10 from the left, 20 from the top.
        assert_eq!(Turn::new(degrees, 100.0, 100.0).point(10.0, 20.0), want);
    }
}
