//! Checks across reports: one body publishes a report a year, and consecutive reports are tied
//! together (the applications one carries forward are the next one's carried over; the rules in
//! force follow from last year's). A figure wrong in one report often shows only here.
//!
//! Each report is reduced to its [`Facts`] (who, when, and the few cells compared), so a batch
//! of any size keeps only those in memory. Rules, severities and messages are data
//! (`src/template/series.json`); what makes two reports "the same body" is [`Bodies`].

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{format_value, CellStatus, Report, Severity};

/// The rules of the series checks, from `src/template/series.json`.
#[derive(Debug, Deserialize)]
struct Spec {
    rules: HashMap<String, RuleSpec>,
    pairs: Vec<PairSpec>,
    continuity: Vec<ContinuitySpec>,
    title_words: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RuleSpec {
    severity: Severity,
    message: String,
}

/// This year's `this_row` equals last year's `last_row`, column by column.
#[derive(Debug, Deserialize)]
struct PairSpec {
    rule: String,
    table: String,
    this_row: String,
    last_row: String,
}

/// This year's `total` = last year's `total` + this year's `plus` − this year's `minus`.
#[derive(Debug, Deserialize)]
struct ContinuitySpec {
    rule: String,
    table: String,
    rows: Vec<String>,
    total: String,
    plus: String,
    minus: String,
    templates: Vec<String>,
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        serde_json::from_str(include_str!("../template/series.json"))
            .expect("embedded series rules are valid")
    })
}

/// The rule ids the series checks report, for documentation and tests.
pub fn rule_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = spec().rules.keys().map(String::as_str).collect();
    ids.sort_unstable();
    ids
}

fn rule(id: &str) -> &'static RuleSpec {
    spec()
        .rules
        .get(id)
        .unwrap_or_else(|| panic!("series rule {id} is in series.json"))
}

/// Every cell key the series checks compare, in one fixed order: a fact names its cell by
/// position here, so a report's facts hold no strings of their own but its path and names.
fn compared_keys() -> &'static [String] {
    static KEYS: OnceLock<Vec<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys: Vec<String> = crate::template::all()
            .iter()
            .flat_map(|t| &t.tables)
            .flat_map(|table| {
                table.rows.iter().enumerate().flat_map(move |(ri, row)| {
                    table
                        .row_columns(ri)
                        .filter(move |_| is_compared(&table.id, &row.key))
                        .map(move |c| crate::model::cell_key(&table.id, &row.key, &c.key))
                })
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    })
}

/// Whether the series checks compare the cells of this row.
fn is_compared(table: &str, row: &str) -> bool {
    let s = spec();
    s.pairs
        .iter()
        .any(|p| p.table == table && (p.this_row == row || p.last_row == row))
        || s.continuity
            .iter()
            .any(|c| c.table == table && c.rows.iter().any(|r| r == row))
}

/// What the series checks need of one report: who, when, and the few cells they compare.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub path: String,
    pub organization: Option<String>,
    pub year: Option<i32>,
    pub template: String,
    /// The compared cells that hold a usable value (blank and n/a count 0), by position in
    /// the compared keys; a missing, invalid or ambiguous cell is left out, so no rule blames
    /// a neighbour for it.
    /// Boxed to its exact length: a batch keeps one per report.
    cells: Box<[(u16, f64)]>,
    /// A hash of every cell's value, to tell a report printed twice from two that differ.
    pub digest: u64,
}

impl Facts {
    /// The facts of one (checked or reviewed) report.
    pub fn of(report: &Report) -> Facts {
        let keys = compared_keys();
        let mut cells = Vec::new();
        // Every value in reading order, hashed at once; the format fixes which cell is where.
        let mut values: Vec<u8> = Vec::with_capacity(2048);
        values.extend_from_slice(report.template.as_bytes());
        let mut key = String::with_capacity(64);
        for table in &report.tables {
            for row in &table.rows {
                let compared = is_compared(&table.id, &row.key);
                for cell in &row.cells {
                    let usable = !matches!(
                        cell.status,
                        CellStatus::Missing | CellStatus::Invalid | CellStatus::Ambiguous
                    );
                    let value = usable.then(|| cell.value.unwrap_or(0.0));
                    values.extend_from_slice(&value.unwrap_or(f64::NAN).to_le_bytes());
                    let (true, Some(v)) = (compared, value) else {
                        continue;
                    };
                    key.clear();
                    for (i, part) in [&table.id, &*row.key, &*cell.column].iter().enumerate() {
                        if i > 0 {
                            key.push('.');
                        }
                        key.push_str(part);
                    }
                    if let Ok(i) = keys.binary_search_by(|k| k.as_str().cmp(&key)) {
                        cells.push((i as u16, v));
                    }
                }
            }
        }
        Facts {
            path: report.source.path.clone(),
            organization: report.report.organization.clone(),
            year: report.report.year,
            template: report.template.clone(),
            cells: cells.into_boxed_slice(),
            digest: xxhash_rust::xxh3::xxh3_64(&values),
        }
    }

    /// A compared cell's value, when it is usable.
    pub fn value(&self, key: &str) -> Option<f64> {
        let i = compared_keys()
            .binary_search_by(|k| k.as_str().cmp(key))
            .ok()? as u16;
        self.cells.iter().find(|(k, _)| *k == i).map(|(_, v)| *v)
    }

    /// The compared cells with usable values, by key.
    pub fn cells(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        let keys = compared_keys();
        self.cells
            .iter()
            .map(|(i, v)| (keys[*i as usize].as_str(), *v))
    }

    /// Sets a compared cell's value (`None`: not usable); false when the series checks do not
    /// compare that cell.
    pub fn set(&mut self, key: &str, value: Option<f64>) -> bool {
        let Ok(i) = compared_keys().binary_search_by(|k| k.as_str().cmp(key)) else {
            return false;
        };
        let i = i as u16;
        let mut cells = std::mem::take(&mut self.cells).into_vec();
        cells.retain(|(k, _)| *k != i);
        if let Some(v) = value {
            cells.push((i, v));
        }
        self.cells = cells.into_boxed_slice();
        true
    }

    /// A compact encoding, for the results cache (of this build only: keys are positions).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.path.len() + 10 * self.cells.len());
        let text = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        text(&mut out, &self.path);
        text(&mut out, &self.template);
        match &self.organization {
            Some(o) => {
                out.push(1);
                text(&mut out, o);
            }
            None => out.push(0),
        }
        out.extend_from_slice(&self.year.unwrap_or(i32::MIN).to_le_bytes());
        out.extend_from_slice(&self.digest.to_le_bytes());
        out.extend_from_slice(&(self.cells.len() as u16).to_le_bytes());
        for (i, v) in &self.cells {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Reads [`Facts::to_bytes`]; None when the bytes are not such an encoding.
    pub fn from_bytes(b: &[u8]) -> Option<Facts> {
        let mut r = Reader(b);
        let path = r.text()?;
        let template = r.text()?;
        let organization = match r.take::<1>()?[0] {
            0 => None,
            _ => Some(r.text()?),
        };
        let year = i32::from_le_bytes(r.take()?);
        let digest = u64::from_le_bytes(r.take()?);
        let n = u16::from_le_bytes(r.take()?) as usize;
        let keys = compared_keys().len();
        let mut cells = Vec::with_capacity(n);
        for _ in 0..n {
            let i = u16::from_le_bytes(r.take()?);
            let v = f64::from_le_bytes(r.take()?);
            if i as usize >= keys {
                return None;
            }
            cells.push((i, v));
        }
        Some(Facts {
            path,
            organization,
            year: (year != i32::MIN).then_some(year),
            template,
            cells: cells.into_boxed_slice(),
            digest,
        })
    }

    /// The value of the compared cell at position `i` of the compared keys.
    fn at(&self, i: u16) -> Option<f64> {
        self.cells.iter().find(|(k, _)| *k == i).map(|(_, v)| *v)
    }
}

/// Reads [`Facts::to_bytes`] front to back.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn text(&mut self) -> Option<String> {
        let n = u32::from_le_bytes(self.take()?) as usize;
        let s = self.0.get(..n)?;
        self.0 = &self.0[n..];
        std::str::from_utf8(s).ok().map(str::to_string)
    }
}

/// Positions in the compared keys of what each rule compares, found once.
struct Plan {
    /// Per pair rule: (rule, this year's cell, last year's cell) for each column.
    pairs: Vec<(&'static str, u16, u16)>,
    /// Per continuity rule and row: (rule, templates, total, plus, minus).
    continuity: Vec<(&'static ContinuitySpec, u16, u16, u16)>,
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let keys = compared_keys();
        let at = |k: &str| {
            keys.binary_search_by(|x| x.as_str().cmp(k))
                .ok()
                .map(|i| i as u16)
        };
        let mut pairs = Vec::new();
        for p in &spec().pairs {
            let prefix = format!("{}.{}.", p.table, p.this_row);
            for (i, k) in keys.iter().enumerate() {
                if let Some(column) = k.strip_prefix(&prefix) {
                    if let Some(j) = at(&format!("{}.{}.{column}", p.table, p.last_row)) {
                        pairs.push((p.rule.as_str(), i as u16, j));
                    }
                }
            }
        }
        let mut continuity = Vec::new();
        for c in &spec().continuity {
            for row in &c.rows {
                let key = |col: &str| at(&format!("{}.{row}.{col}", c.table));
                if let (Some(t), Some(p), Some(m)) = (key(&c.total), key(&c.plus), key(&c.minus)) {
                    continuity.push((c, t, p, m));
                }
            }
        }
        Plan { pairs, continuity }
    })
}

/// One report of a finding: its path, year and the cells the finding is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub path: String,
    pub year: Option<i32>,
    pub cells: Vec<String>,
}

/// A finding about two reports of one body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesFinding {
    pub rule: String,
    pub severity: Severity,
    /// The body, as the later report names it.
    pub body: String,
    pub message: String,
    /// The later report (of a duplicate pair, the second by path).
    pub this: Side,
    /// The earlier report (of a duplicate pair, the first by path).
    pub last: Side,
}

impl SeriesFinding {
    /// `error` or `warning`.
    pub fn severity_name(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    /// Whether the finding is about the report at `path`.
    pub fn names(&self, path: &str) -> bool {
        self.this.path == path || self.last.path == path
    }

    /// The finding seen from the report at `path`: its own side, then the other report's.
    pub fn sides_from(&self, path: &str) -> (&Side, &Side) {
        if self.last.path == path && self.this.path != path {
            (&self.last, &self.this)
        } else {
            (&self.this, &self.last)
        }
    }
}

/// A cell whose value differs between two reports (None: not usable or absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub key: String,
    pub first: Option<f64>,
    pub second: Option<f64>,
}

/// The cells whose values differ between two reports, in reading order of `a`, then `b`'s own.
pub fn differences(a: &Report, b: &Report) -> Vec<Difference> {
    let value = |r: &Report, key: &str| {
        r.cell(key)
            .and_then(|c| crate::model::certain_value(c.status, c.value))
    };
    let mut out: Vec<Difference> = a
        .cells()
        .map(|(k, c)| {
            let first = crate::model::certain_value(c.status, c.value);
            let second = value(b, &k);
            (k, first, second)
        })
        .filter(|(_, x, y)| x != y)
        .map(|(key, first, second)| Difference { key, first, second })
        .collect();
    out.extend(
        b.cells()
            .filter(|(k, _)| a.cell(k).is_none())
            .map(|(key, c)| Difference {
                key,
                first: None,
                second: crate::model::certain_value(c.status, c.value),
            }),
    );
    out
}

/// Which organisation names are one body: the normalised name, and renamed bodies mapped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bodies {
    /// Normalised alias (and name) → normalised name of the body.
    alias: HashMap<String, String>,
}

/// A `bodies.toml` entry: a body's name and the other names it has reported under.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BodyEntry {
    #[serde(default)]
    aliases: Vec<String>,
}

impl Bodies {
    /// Reads a mapping file (`bodies.toml`); a bad one is one line naming the file and entry.
    pub fn load(path: &Path) -> Result<Bodies, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut bodies = Bodies::default();
        bodies.add(&text).map_err(|message| Error::Other {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(bodies)
    }

    /// Adds the entries of a mapping file's text; why not, in one line, naming the entry.
    pub fn add(&mut self, text: &str) -> Result<(), String> {
        let entries: BTreeMap<String, BodyEntry> = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let msg = e.message().replace('\n', " ");
            match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            }
        })?;
        for (name, entry) in entries {
            let body = normalise(&name, &spec().title_words);
            if body.is_empty() {
                return Err(format!(
                    "entry “{}”: the name is empty once normalised",
                    crate::summary::printable(&name)
                ));
            }
            for alias in std::iter::once(&name).chain(&entry.aliases) {
                let key = normalise(alias, &spec().title_words);
                if key.is_empty() {
                    return Err(format!(
                        "entry “{}”: alias “{}” is empty once normalised",
                        crate::summary::printable(&name),
                        crate::summary::printable(alias)
                    ));
                }
                match self.alias.get(&key) {
                    Some(other) if *other != body => {
                        return Err(format!(
                            "entry “{}”: “{}” already names another body (“{other}”); a name can belong to one body only",
                            crate::summary::printable(&name),
                            crate::summary::printable(alias)
                        ))
                    }
                    _ => {
                        self.alias.insert(key, body.clone());
                    }
                }
            }
        }
        Ok(())
    }

    /// The body an organisation name belongs to (its normalised name, or the mapped body's).
    pub fn key(&self, organization: &str) -> String {
        let key = normalise(organization, &spec().title_words);
        match self.alias.get(&key) {
            Some(body) => body.clone(),
            None => key,
        }
    }

    /// The body of a report, when it names an organisation and a year.
    pub fn key_of(&self, facts: &Facts) -> Option<String> {
        facts.year?;
        let key = self.key(facts.organization.as_deref()?);
        (!key.is_empty()).then_some(key)
    }
}

/// An organisation name reduced for comparison: full-width forms to half-width, whitespace and
/// punctuation dropped, ASCII lower-cased, years (`2023年`, `2023年度`) and report-title words
/// removed. Suffixes such as 办公室 stay: two bodies must never merge by accident.
pub fn body_key(organization: &str) -> String {
    normalise(organization, &spec().title_words)
}

fn normalise(name: &str, title_words: &[String]) -> String {
    let folded: Vec<char> = name
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| !(c.is_whitespace() || c.is_control() || is_punctuation(*c)))
        .collect();
    // Years: four digits, then 年 or 年度 if present.
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < folded.len() {
        let year = i + 4 <= folded.len()
            && folded[i..i + 4].iter().all(char::is_ascii_digit)
            && folded.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            && (i == 0 || !folded[i - 1].is_ascii_digit());
        if year {
            i += 4;
            if folded.get(i) == Some(&'年') {
                i += 1;
                if folded.get(i) == Some(&'度') {
                    i += 1;
                }
            }
            continue;
        }
        out.push(folded[i]);
        i += 1;
    }
    for w in title_words {
        if out.contains(w.as_str()) {
            out = out.replace(w.as_str(), "");
        }
    }
    out
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{3001}'..='\u{303f}' | '\u{2010}'..='\u{206f}' | '\u{ff00}'..='\u{ffef}' | '\u{b7}' | '\u{fe30}'..='\u{fe4f}')
}

/// Replaces `{name}` in `template` by its value.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The human name of a cell key (`二、上年结转 自然人`), else the key.
fn cell_title(template: &str, key: &str) -> String {
    crate::template::by_key(template)
        .and_then(|t| super::key_name(t, key))
        .unwrap_or_else(|| key.to_string())
}

fn year_text(y: Option<i32>) -> String {
    y.map_or_else(|| "?".into(), |y| y.to_string())
}

/// Runs every series check over a batch's reports: grouped by body, ordered by year. Reports
/// without an organisation or a year belong to no series. `differ` says how two reports of
/// one year differ (it may re-read them; None when it cannot).
pub fn check(
    facts: &[Facts],
    bodies: &Bodies,
    differ: &dyn Fn(&Facts, &Facts) -> Option<Vec<Difference>>,
) -> Vec<SeriesFinding> {
    let mut groups: BTreeMap<String, Vec<&Facts>> = BTreeMap::new();
    for f in facts {
        if let Some(key) = bodies.key_of(f) {
            groups.entry(key).or_default().push(f);
        }
    }
    let mut out = Vec::new();
    for members in groups.values() {
        out.extend(check_body(members, differ));
    }
    out
}

/// The series checks of one body's reports (in any order).
pub fn check_body(
    members: &[&Facts],
    differ: &dyn Fn(&Facts, &Facts) -> Option<Vec<Difference>>,
) -> Vec<SeriesFinding> {
    let mut by_year: BTreeMap<i32, Vec<&Facts>> = BTreeMap::new();
    for f in members {
        if let Some(y) = f.year {
            by_year.entry(y).or_default().push(f);
        }
    }
    for v in by_year.values_mut() {
        v.sort_by(|a, b| a.path.cmp(&b.path));
    }
    let mut out = Vec::new();
    let years: Vec<(&i32, &Vec<&Facts>)> = by_year.iter().collect();
    for (i, (year, reports)) in years.iter().enumerate() {
        for other in &reports[1..] {
            out.push(duplicate(**year, reports[0], other, differ));
        }
        let Some((last_year, last_reports)) = i.checked_sub(1).map(|j| years[j]) else {
            continue;
        };
        if **year - *last_year > 1 {
            out.push(gap(last_reports[0], reports[0]));
            continue;
        }
        for last in last_reports {
            for this in reports.iter() {
                carry_over(last, this, &mut out);
                continuity(last, this, &mut out);
            }
        }
    }
    out
}

fn body_name(f: &Facts) -> String {
    f.organization.clone().unwrap_or_default()
}

fn finding(
    id: &str,
    message: String,
    this: (&Facts, Vec<String>),
    last: (&Facts, Vec<String>),
) -> SeriesFinding {
    SeriesFinding {
        rule: id.to_string(),
        severity: rule(id).severity,
        body: body_name(this.0),
        message,
        this: Side {
            path: this.0.path.clone(),
            year: this.0.year,
            cells: this.1,
        },
        last: Side {
            path: last.0.path.clone(),
            year: last.0.year,
            cells: last.1,
        },
    }
}

fn paths<'a>(this: &'a Facts, last: &'a Facts) -> [(&'static str, String); 4] {
    [
        (
            "this_path",
            crate::summary::printable(&this.path).into_owned(),
        ),
        (
            "last_path",
            crate::summary::printable(&last.path).into_owned(),
        ),
        ("this_year", year_text(this.year)),
        ("last_year", year_text(last.year)),
    ]
}

fn carry_over(last: &Facts, this: &Facts, out: &mut Vec<SeriesFinding>) {
    let keys = compared_keys();
    for &(id, ti, li) in &plan().pairs {
        let (Some(v), Some(lv)) = (this.at(ti), last.at(li)) else {
            continue;
        };
        if (lv - v).abs() < 1e-6 {
            continue;
        }
        // Failing is rare: only now are names and messages made.
        let (key, last_key) = (&keys[ti as usize], &keys[li as usize]);
        let mut values = paths(this, last).to_vec();
        values.extend([
            ("this_cell", cell_title(&this.template, key)),
            ("this_value", format_value(v)),
            ("last_cell", cell_title(&last.template, last_key)),
            ("last_value", format_value(lv)),
        ]);
        let message = fill(&rule(id).message, &values);
        out.push(finding(
            id,
            message,
            (this, vec![key.clone()]),
            (last, vec![last_key.clone()]),
        ));
    }
}

fn continuity(last: &Facts, this: &Facts, out: &mut Vec<SeriesFinding>) {
    let keys = compared_keys();
    for &(c, ti, pi, mi) in &plan().continuity {
        // Not across a change of format: the older format's total is not a count in force.
        if !(c.templates.contains(&this.template) && c.templates.contains(&last.template)) {
            continue;
        }
        let (Some(total), Some(plus), Some(minus), Some(before)) =
            (this.at(ti), this.at(pi), this.at(mi), last.at(ti))
        else {
            continue;
        };
        let expected = before + plus - minus;
        if (expected - total).abs() < 1e-6 {
            continue;
        }
        let column = |col: &str| {
            crate::template::by_key(&this.template)
                .and_then(|t| t.table(&c.table)?.column(col).map(|s| s.label.clone()))
                .unwrap_or_else(|| col.to_string())
        };
        let tk = &keys[ti as usize];
        let mut values = paths(this, last).to_vec();
        values.extend([
            ("this_cell", cell_title(&this.template, tk)),
            ("this_value", format_value(total)),
            ("last_value", format_value(before)),
            ("plus_value", format_value(plus)),
            ("plus_name", column(&c.plus)),
            ("minus_value", format_value(minus)),
            ("minus_name", column(&c.minus)),
            ("expected", format_value(expected)),
        ]);
        let message = fill(&rule(&c.rule).message, &values);
        out.push(finding(
            &c.rule,
            message,
            (
                this,
                vec![
                    tk.clone(),
                    keys[pi as usize].clone(),
                    keys[mi as usize].clone(),
                ],
            ),
            (last, vec![tk.clone()]),
        ));
    }
}

/// Differences shown in a duplicate's message before the rest are counted.
const DIFFERENCES_SHOWN: usize = 3;

fn duplicate(
    year: i32,
    first: &Facts,
    second: &Facts,
    differ: &dyn Fn(&Facts, &Facts) -> Option<Vec<Difference>>,
) -> SeriesFinding {
    let mut cells = Vec::new();
    let mut difference = if first.digest == second.digest {
        "their tables are the same (one report present twice?)".to_string()
    } else {
        match differ(first, second) {
            Some(d) if !d.is_empty() => {
                let v = |x: Option<f64>| x.map_or_else(|| "none".into(), format_value);
                let shown: Vec<String> = d
                    .iter()
                    .take(DIFFERENCES_SHOWN)
                    .map(|d| format!("{} {} vs {}", d.key, v(d.first), v(d.second)))
                    .collect();
                let more = d.len().saturating_sub(DIFFERENCES_SHOWN);
                cells = d.iter().map(|d| d.key.clone()).collect();
                let mut text = format!(
                    "they differ in {} cell{}: {}",
                    d.len(),
                    if d.len() == 1 { "" } else { "s" },
                    shown.join(", ")
                );
                if more > 0 {
                    text.push_str(&format!(" (+{more} more)"));
                }
                text
            }
            _ => "their tables differ".to_string(),
        }
    };
    if first.template != second.template {
        difference.push_str(&format!(
            "; formats {} and {}",
            first.template, second.template
        ));
    }
    if first.organization != second.organization {
        difference.push_str(&format!(
            "; named “{}” and “{}”",
            crate::summary::printable(&body_name(first)),
            crate::summary::printable(&body_name(second))
        ));
    }
    let mut values = paths(second, first).to_vec();
    values.extend([("year", year.to_string()), ("difference", difference)]);
    let message = fill(&rule("duplicate-report").message, &values);
    finding(
        "duplicate-report",
        message,
        (second, cells.clone()),
        (first, cells),
    )
}

fn gap(last: &Facts, this: &Facts) -> SeriesFinding {
    let (a, b) = (last.year.unwrap_or(0), this.year.unwrap_or(0));
    let missing: Vec<String> = (a + 1..b).map(|y| y.to_string()).collect();
    let mut values = paths(this, last).to_vec();
    values.push(("missing", missing.join(", ")));
    let message = fill(&rule("series-gap").message, &values);
    finding("series-gap", message, (this, vec![]), (last, vec![]))
}

#[cfg(test)]
mod tests;
