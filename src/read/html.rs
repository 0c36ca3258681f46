//! Web pages → canonical text. Real pages are CMS pages of 100–400 KB with the report inside:
//! menus, breadcrumbs, scripts, and tables with rowspan/colspan group labels, `&nbsp;` cells
//! and inline styles. The page is parsed by a maintained HTML5 parser (html5ever, through
//! scraper), so broken markup reads as a browser reads it.
//!
//! Each data table becomes its rows, one a line, `cell | cell | … |`: an empty cell is an
//! empty field, so the extractor places every figure by position and a blank cell comes out
//! blank, never inferred. A cell that a rowspan or colspan covers is written once, in the row
//! and column it starts in. A table that holds tables (page layout) is read as blocks. Text
//! outside tables is written as paragraphs.

use std::path::Path;

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::{Document, RowWriter};
use crate::decode::{self, Decoded};
use crate::error::{Error, Result};

/// This reader and its version, recorded in each report read through it.
pub const READER: &str = "html 1";

/// Spans larger than this are clamped: a real table's rowspan covers at most its rows, and a
/// hostile `rowspan="65535"` must not allocate for rows that do not exist.
const MAX_COLSPAN: usize = 64;

/// Reads a web page's bytes into the canonical text, with each table field's place.
pub fn read(bytes: &[u8], path: &Path) -> Result<Document> {
    let decoded = decode_page(bytes, path)?;
    let out = write_page(&decoded.text);
    if out.text.trim().is_empty() {
        return Err(Error::Empty { path: path.into() });
    }
    Ok(Document {
        text: out.text,
        encoding: decoded.encoding,
        places: out.places,
        reader: Some(READER),
        findings: Vec::new(),
    })
}

/// Decodes by the charset the page declares (`<meta charset>` or `http-equiv`), before parsing:
/// GB2312 and GBK are read as GB18030, which covers both; otherwise as any report text.
fn decode_page(bytes: &[u8], path: &Path) -> Result<Decoded> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let declared = head.find("charset").and_then(|at| {
        let rest = head[at + "charset".len()..].trim_start();
        let rest = rest.strip_prefix('=')?.trim_start();
        let rest = rest.trim_start_matches(['"', '\'']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        Some(rest[..end].to_string())
    });
    let gb = declared
        .as_deref()
        .is_some_and(|c| matches!(c, "gb2312" | "gbk" | "gb18030" | "x-gbk" | "cp936"));
    if gb && std::str::from_utf8(bytes).is_err() {
        let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(Error::Encoding { path: path.into() });
        }
        return Ok(Decoded {
            text: text.replace("\r\n", "\n").replace('\r', "\n"),
            encoding: "gb18030",
        });
    }
    decode::decode(bytes, path)
}

/// The canonical text of a parsed page.
pub fn to_text(html: &str) -> String {
    write_page(html).text
}

fn write_page(html: &str) -> RowWriter {
    let doc = Html::parse_document(html);
    let mut out = Out::default();
    blocks(doc.tree.root(), &mut out);
    out.finish()
}

/// Text collected paragraph by paragraph, table rows as fields.
#[derive(Default)]
struct Out {
    w: RowWriter,
    /// The paragraph being written, white space collapsed.
    line: String,
}

impl Out {
    /// Adds text, every run of white space (`&nbsp;` too) one space.
    fn inline(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                if !self.line.is_empty() && !self.line.ends_with(' ') {
                    self.line.push(' ');
                }
            } else {
                self.line.push(c);
            }
        }
    }

    fn end_paragraph(&mut self) {
        let line = self.line.trim();
        if !line.is_empty() {
            self.w.text.push_str(line);
            self.w.text.push('\n');
        }
        self.line.clear();
    }

    fn finish(mut self) -> RowWriter {
        self.end_paragraph();
        self.w
    }

    /// The text of a cell's own content.
    fn cell_text(self) -> String {
        let mut w = self.finish();
        w.text.pop();
        w.text
    }
}

/// Elements whose content is never the report's text.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "head" | "script" | "style" | "noscript" | "template" | "iframe" | "object" | "svg"
    )
}

/// Elements that start and end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "tbody"
            | "thead"
            | "blockquote"
            | "pre"
            | "hr"
            | "dd"
            | "dt"
            | "dl"
            | "center"
            | "form"
    )
}

fn blocks(node: NodeRef<Node>, out: &mut Out) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.inline(t),
            Node::Element(e) => {
                let name = e.name();
                if skipped(name) {
                    continue;
                }
                if name == "table" && !has_nested_table(child) {
                    out.end_paragraph();
                    table(child, out);
                    continue;
                }
                let block = is_block(name);
                if block {
                    out.end_paragraph();
                }
                blocks(child, out);
                if block {
                    out.end_paragraph();
                }
            }
            _ => {}
        }
    }
}

fn has_nested_table(table: NodeRef<Node>) -> bool {
    table
        .descendants()
        .skip(1)
        .any(|n| matches!(n.value(), Node::Element(e) if e.name() == "table"))
}

/// A cell as the page prints it.
struct SourceCell {
    text: String,
    rowspan: usize,
    colspan: usize,
}

/// The rows of a table that holds no other table, each a list of its cells.
fn rows_of(table: NodeRef<Node>) -> Vec<Vec<SourceCell>> {
    let mut rows = Vec::new();
    for n in table.descendants() {
        let Node::Element(e) = n.value() else {
            continue;
        };
        if e.name() != "tr" {
            continue;
        }
        let mut cells = Vec::new();
        for c in n.children() {
            let Node::Element(ce) = c.value() else {
                continue;
            };
            if !matches!(ce.name(), "td" | "th") {
                continue;
            }
            let span = |attr: &str| {
                ce.attr(attr)
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .filter(|&v| v > 0)
                    .unwrap_or(1)
            };
            let mut text = Out::default();
            cell_text(c, &mut text);
            // `|` separates the cells of the canonical text; inside a cell it is a character.
            let text = text.cell_text().replace('\n', " ").replace('|', "｜");
            cells.push(SourceCell {
                text: text.trim().to_string(),
                rowspan: span("rowspan"),
                colspan: span("colspan").min(MAX_COLSPAN),
            });
        }
        rows.push(cells);
    }
    rows
}

/// A cell's text, its paragraphs joined by spaces (`社会<br>公益组织`).
fn cell_text(node: NodeRef<Node>, out: &mut Out) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.inline(t),
            Node::Element(e) if !skipped(e.name()) => {
                if is_block(e.name()) {
                    out.inline(" ");
                }
                cell_text(child, out);
            }
            _ => {}
        }
    }
}

/// Writes a table's rows, each cell in the row and column it starts in.
fn table(node: NodeRef<Node>, out: &mut Out) {
    let rows = rows_of(node);
    let height = rows.len();
    out.end_paragraph();
    out.w.start_table();
    // Columns that a rowspan from an earlier row still covers, per row below it.
    let mut covered: Vec<Vec<bool>> = vec![Vec::new(); height];
    for (r, cells) in rows.iter().enumerate() {
        let mut line: Vec<(String, usize)> = Vec::new();
        let mut col = 0;
        for cell in cells {
            while covered[r].get(col).copied().unwrap_or(false) {
                col += 1;
            }
            // A rowspan is clamped to the table, so a hostile span costs nothing.
            let down = cell.rowspan.min(height - r);
            for below in covered.iter_mut().skip(r + 1).take(down - 1) {
                if below.len() < col + cell.colspan {
                    below.resize(col + cell.colspan, false);
                }
                for c in &mut below[col..col + cell.colspan] {
                    *c = true;
                }
            }
            line.push((cell.text.clone(), col));
            col += cell.colspan;
        }
        out.w.row(u32::try_from(r + 1).unwrap_or(u32::MAX), &line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_become_rows_with_explicit_empty_cells() {
        let html = "<html><head><title>t</title><script>var a=1;</script></head><body>\
            <div class=nav>首页 &gt; 政务公开</div>\
            <p>二、主动公开政府信息情况</p>\
            <table><tr><td>规章</td><td>0</td><td>&nbsp;</td><td>5</td></tr>\
            <tr><td>行政规范性文件</td><td><p>1</p></td><td></td><td>2</td></tr></table>\
            <p>三、收到和处理</p></body></html>";
        let text = to_text(html);
        assert_eq!(
            text,
            "首页 > 政务公开\n二、主动公开政府信息情况\n规章 | 0 |  | 5 |\n行政规范性文件 | 1 |  | 2 |\n三、收到和处理\n"
        );
    }

    #[test]
    fn spans_are_written_once_where_they_start() {
        // 三、本年度办理结果 spans two rows; the second row starts after it.
        let html = "<table>\
            <tr><td rowspan=2>三、本年度办理结果</td><td>（一）予以公开</td><td>1</td></tr>\
            <tr><td>（二）部分公开</td><td>2</td></tr>\
            <tr><td colspan=2>四、结转下年度继续办理</td><td>0</td></tr></table>";
        assert_eq!(
            to_text(html),
            "三、本年度办理结果 | （一）予以公开 | 1 |\n（二）部分公开 | 2 |\n四、结转下年度继续办理 | 0 |\n"
        );
    }

    #[test]
    fn hostile_spans_are_clamped() {
        let html = "<table><tr><td rowspan=65535 colspan=100000>a</td><td>1</td></tr>\
                    <tr><td>b</td></tr></table>";
        assert_eq!(to_text(html), "a | 1 |\nb |\n");
    }

    #[test]
    fn layout_tables_are_read_as_blocks() {
        let html = "<table><tr><td><p>正文</p><table><tr><td>规章</td><td>3</td></tr></table></td></tr></table>";
        assert_eq!(to_text(html), "正文\n规章 | 3 |\n");
    }

    #[test]
    fn a_declared_gbk_page_is_read_as_gb18030() {
        let (bytes, _, _) = encoding_rs::GBK.encode("<meta charset=\"gb2312\"><p>规章</p>");
        let d = read(&bytes, Path::new("p.html")).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("规章\n", "gb18030"));
    }

    #[test]
    fn a_page_without_text_is_refused() {
        let e = read(b"<html><script>x</script></html>", Path::new("e.html")).unwrap_err();
        assert!(e.to_string().contains("e.html"), "{e}");
    }
}
