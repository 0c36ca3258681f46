//! Synthetic reports for tests and benchmarks: consistent values rendered in each extraction
//! style the seeds show. Never used on real input.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::cell_key;
use crate::template::{Layout, Template};

/// How the tables are laid out in text, after the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A row per line, cells separated by `|` (seed 000).
    PipeRows,
    /// A cell per line ending in `|` (seeds 001, 003).
    PipeCells,
    /// Word output: a tab before each cell, blank lines between rows (seed 002).
    Tabs,
    /// Cells separated by spaces (pdftotext without layout).
    Plain,
}

impl Style {
    /// Every style.
    pub const ALL: [Style; 4] = [Style::PipeRows, Style::PipeCells, Style::Tabs, Style::Plain];
}

/// Cell values by `table.row.column`; `None` is a blank cell.
pub type Values = BTreeMap<String, Option<f64>>;

/// A small deterministic generator (splitmix64), so fixtures are reproducible without a crate.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A small count, mostly zero, as real tables are.
    pub fn count(&mut self) -> f64 {
        match self.below(10) {
            0..=5 => 0.0,
            6..=8 => self.below(20) as f64,
            _ => self.below(400) as f64,
        }
    }
}

/// Values satisfying every identity of `template`; with `blank_rate` in 0..=100, that share of
/// zero cells (never a total) is left blank instead.
pub fn sample_values(template: &Template, rng: &mut Rng, blank_rate: u64) -> Values {
    let mut v: BTreeMap<String, f64> = BTreeMap::new();
    for table in &template.tables {
        for (ri, row) in table.rows.iter().enumerate() {
            for col in table.row_columns(ri) {
                let x = match col.kind {
                    crate::template::ValueKind::Change => rng.below(21) as f64 - 10.0,
                    _ => rng.count(),
                };
                v.insert(cell_key(&table.id, &row.key, &col.key), x);
            }
        }
    }
    // Soft rule S1 (gov-2019): no more published than made.
    let keys: Vec<String> = v
        .keys()
        .filter(|k| k.ends_with(".newly_published"))
        .cloned()
        .collect();
    for k in keys {
        let made = k.replace(".newly_published", ".newly_made");
        let cap = v.get(&made).copied().unwrap_or(0.0);
        if let Some(p) = v.get_mut(&k) {
            *p = p.min(cap);
        }
    }
    // Make the identities hold: totals from parts, then (七)总计, then 一 from the rest.
    let get = |v: &BTreeMap<String, f64>, k: &str| v.get(k).copied().unwrap_or(0.0);
    if let Some(req) = template.table("requests") {
        let applicants: Vec<&str> = req
            .columns
            .iter()
            .map(|c| c.key.as_str())
            .filter(|k| *k != "total")
            .collect();
        let results: Vec<&str> = template
            .identity_spec("H2")
            .map(|s| s.rhs.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for col in &applicants {
            let total: f64 = results
                .iter()
                .map(|r| get(&v, &format!("requests.{r}.{col}")))
                .sum();
            v.insert(format!("requests.total_processed.{col}"), total);
            let carried_over = get(&v, &format!("requests.carried_over.{col}")).min(total);
            v.insert(format!("requests.carried_over.{col}"), carried_over);
            let forward = get(&v, &format!("requests.carried_forward.{col}"));
            v.insert(
                format!("requests.new_received.{col}"),
                total + forward - carried_over,
            );
        }
        for row in &req.rows {
            let sum: f64 = applicants
                .iter()
                .map(|c| get(&v, &format!("requests.{}.{c}", row.key)))
                .sum();
            v.insert(format!("requests.{}.total", row.key), sum);
        }
    }
    if let Some(app) = template.table("appeals") {
        for row in &app.rows {
            let sum: f64 = ["upheld", "corrected", "other", "pending"]
                .iter()
                .map(|c| get(&v, &format!("appeals.{}.{c}", row.key)))
                .sum();
            v.insert(format!("appeals.{}.total", row.key), sum);
        }
    }
    v.into_iter()
        .map(|(k, x)| {
            let is_total = k.ends_with(".total") || k.contains(".total_processed.");
            let blank = x == 0.0 && !is_total && rng.below(100) < blank_rate;
            (k, (!blank).then_some(x))
        })
        .collect()
}

/// Values for one body's reports of consecutive years (`templates[i]` for the i-th year, no
/// blanks): each year carries over what the year before carried forward, column by column,
/// and, between two gov-2021 years, the rules in force follow from last year's.
pub fn sample_series(templates: &[&Template], rng: &mut Rng) -> Vec<Values> {
    let mut out: Vec<Values> = Vec::with_capacity(templates.len());
    for (i, t) in templates.iter().enumerate() {
        let mut v = sample_values(t, rng, 0);
        let Some(prev) = i.checked_sub(1).map(|j| &out[j]) else {
            out.push(v);
            continue;
        };
        let get = |v: &Values, k: &str| v.get(k).copied().flatten().unwrap_or(0.0);
        let columns: Vec<String> = t
            .table("requests")
            .map(|r| r.columns.iter().map(|c| c.key.clone()).collect())
            .unwrap_or_default();
        for c in columns.iter().filter(|c| *c != "total") {
            let over = get(prev, &format!("requests.carried_forward.{c}"));
            let processed = get(&v, &format!("requests.total_processed.{c}"));
            let mut forward = get(&v, &format!("requests.carried_forward.{c}"));
            // 一 + 二 = 三 + 四 must still hold with 一 never negative.
            let mut new = processed + forward - over;
            if new < 0.0 {
                forward -= new;
                new = 0.0;
            }
            v.insert(format!("requests.carried_over.{c}"), Some(over));
            v.insert(format!("requests.carried_forward.{c}"), Some(forward));
            v.insert(format!("requests.new_received.{c}"), Some(new));
        }
        for row in ["carried_over", "carried_forward", "new_received"] {
            let sum: f64 = columns
                .iter()
                .filter(|c| *c != "total")
                .map(|c| get(&v, &format!("requests.{row}.{c}")))
                .sum();
            v.insert(format!("requests.{row}.total"), Some(sum));
        }
        if t.key == "gov-2021" && templates[i - 1].key == "gov-2021" {
            for row in ["regulations", "normative_documents"] {
                let k = |c: &str| format!("proactive.{row}.{c}");
                let before = get(prev, &k("in_force"));
                let issued = get(&v, &k("issued"));
                let repealed = get(&v, &k("repealed")).min(before + issued);
                v.insert(k("repealed"), Some(repealed));
                v.insert(k("in_force"), Some(before + issued - repealed));
            }
        }
        out.push(v);
    }
    out
}

/// Renders a whole report text; `drop_blanks` omits blank cells as lossy converters do.
pub fn render(
    template: &Template,
    values: &Values,
    org: &str,
    year: i32,
    style: Style,
    drop_blanks: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{org}{year}年政府信息公开工作年度报告");
    let _ = writeln!(out, "一、总体情况");
    let _ = writeln!(
        out,
        "{year}年，{org}认真贯彻落实《中华人民共和国政府信息公开条例》，做好政府信息公开工作。"
    );
    let numerals = ["二", "三", "四"];
    for (ti, table) in template.tables.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}、{}",
            numerals.get(ti).unwrap_or(&"二"),
            table.title
        );
        let mut rows: Vec<Vec<String>> = Vec::new();
        match table.layout {
            Layout::Rows => {
                let mut last_group: Option<String> = None;
                let mut last_cols: Vec<String> = Vec::new();
                for (ri, row) in table.rows.iter().enumerate() {
                    let cols: Vec<String> = table.row_columns(ri).map(|c| c.key.clone()).collect();
                    let mut cells: Vec<String> = Vec::new();
                    if table.id == "proactive" && cols != last_cols {
                        if let Some(g) = &row.group {
                            rows.push(vec![g.clone()]);
                        }
                        let mut head = vec!["信息内容".to_string()];
                        head.extend(table.row_columns(ri).map(|c| c.label.clone()));
                        rows.push(head);
                    } else if table.id == "requests" && ri == 0 {
                        rows.push(vec![
                            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
                                .into(),
                            "申请人情况".into(),
                        ]);
                        rows.push(vec![
                            "自然人".into(),
                            "法人或其他组织".into(),
                            "总计".into(),
                        ]);
                        rows.push(
                            table.columns[1..6]
                                .iter()
                                .map(|c| c.label.clone())
                                .collect(),
                        );
                    }
                    last_cols = cols.clone();
                    if table.id == "requests" {
                        let group = row
                            .group
                            .as_deref()
                            .and_then(|g| g.split(' ').next_back())
                            .map(str::to_string);
                        if group.is_some() && group != last_group {
                            cells.push(group.clone().unwrap_or_default());
                        }
                        last_group = group;
                    }
                    cells.push(row.label.clone());
                    for c in &cols {
                        cells.push(cell_text(values, &cell_key(&table.id, &row.key, c)));
                    }
                    rows.push(cells);
                }
            }
            Layout::Run => {
                rows.push(vec!["行政复议".into(), "行政诉讼".into()]);
                let mut head: Vec<String> = table.columns.iter().map(|c| c.label.clone()).collect();
                head.extend(["未经复议直接起诉".into(), "复议后起诉".into()]);
                rows.push(head);
                let mut run = Vec::new();
                for (ri, row) in table.rows.iter().enumerate() {
                    for c in table.row_columns(ri) {
                        run.push(cell_text(values, &cell_key(&table.id, &row.key, &c.key)));
                    }
                }
                rows.push(run);
            }
        }
        for cells in rows {
            let cells: Vec<String> = if drop_blanks || style == Style::Plain {
                cells.into_iter().filter(|c| !c.is_empty()).collect()
            } else {
                cells
            };
            write_row(&mut out, &cells, style);
        }
    }
    let _ = writeln!(out, "五、存在的主要问题及改进情况");
    let _ = writeln!(out, "公开内容有待进一步丰富。");
    let _ = writeln!(out, "六、其他需要报告的事项");
    let _ = writeln!(out, "无。");
    out
}

fn cell_text(values: &Values, key: &str) -> String {
    match values.get(key).copied().flatten() {
        Some(v) if key.contains(".change") && v > 0.0 => {
            format!("+{}", crate::model::format_value(v))
        }
        Some(v) => crate::model::format_value(v),
        None => String::new(),
    }
}

fn write_row(out: &mut String, cells: &[String], style: Style) {
    match style {
        Style::PipeRows => {
            let _ = writeln!(out, "{} |", cells.join(" | "));
        }
        Style::PipeCells => {
            for c in cells {
                let _ = writeln!(out, "{c} |");
            }
        }
        Style::Tabs => {
            for c in cells {
                let _ = writeln!(out, "\t{c}");
            }
            out.push('\n');
        }
        Style::Plain => {
            let _ = writeln!(out, "{}", cells.join(" "));
        }
    }
}

/// A rendered report as a web crawler flattens its page: the whole text on one line, every
/// cell separator and empty cell gone, neighbouring figures glued together except where
/// `rng` keeps a space (one gap in `1 / spaced_every`; 0 keeps none), as real crawler texts
/// print partly spaced runs (`0 0 0 0 0 00`). Text cells are run together too.
pub fn flatten(text: &str, rng: &mut Rng, spaced_every: u64) -> String {
    let mut out = String::with_capacity(text.len());
    let cells = text
        .split(['\n', '|', '\t'])
        .map(str::trim)
        .filter(|c| !c.is_empty());
    for cell in cells {
        let after_figure = out.chars().next_back().is_some_and(|c| c.is_ascii_digit());
        let figure = cell.chars().next().is_some_and(|c| c.is_ascii_digit());
        if after_figure && figure && spaced_every > 0 && rng.below(spaced_every) == 0 {
            out.push(' ');
        }
        out.push_str(cell);
    }
    out.push('\n');
    out
}

/// A rendered report (pipe rows) as a web page: each pipe row a Word-exported table row (an
/// empty cell an `&nbsp;`), the other lines paragraphs, inside `clutter` repeats of the menus,
/// scripts and styles a CMS page carries around its article.
pub fn web_page(text: &str, clutter: usize) -> String {
    let mut html = String::from("<html><head><meta charset=\"utf-8\"><style>");
    html.push_str(&".nav li{margin:0 4px;font-size:14px}\n".repeat(clutter));
    html.push_str("</style><script>");
    html.push_str(&"var a=[1,2,3];function f(x){return x+1;}\n".repeat(clutter));
    html.push_str("</script></head><body><ul class=nav>");
    html.push_str(&"<li><a href=\"/zwgk/index.htm\">政务公开</a></li>".repeat(clutter));
    html.push_str("</ul><div class=article>");
    let mut in_table = false;
    for line in text.lines() {
        if line.contains('|') {
            if !in_table {
                html.push_str("<table class=MsoTableGrid>");
                in_table = true;
            }
            html.push_str("<tr>");
            for cell in line.trim_end_matches('|').split('|') {
                let cell = cell.trim();
                let _ = write!(
                    html,
                    "<td style=\"border:solid windowtext 1.0pt\"><p class=MsoNormal><span>{}</span></p></td>",
                    if cell.is_empty() { "&nbsp;" } else { cell }
                );
            }
            html.push_str("</tr>");
        } else {
            if in_table {
                html.push_str("</table>");
                in_table = false;
            }
            let _ = write!(html, "<p class=MsoNormal>{line}</p>");
        }
    }
    html.push_str("</div></body></html>");
    html
}
