//! The report model: what the extractor produces, the checker annotates and the reviewer edits.
//!
//! The serde shape of these types is the output contract `tablereview.report/1`
//! documented in docs/formats.md.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A name the template gives (a row or column key, a label): borrowed from the embedded
/// template when a report is extracted, so building the empty grid copies no text; owned when
/// read back from JSON.
pub type Name = Cow<'static, str>;

/// Schema identifier written into every report JSON.
pub const REPORT_SCHEMA: &str = "tablereview.report/1";

/// One report's extracted (or reviewed) tables with their findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub source: Source,
    pub report: ReportMeta,
    pub template: String,
    pub tables: Vec<Table>,
    pub findings: Vec<Finding>,
    /// Figures the prose states about the tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub narrative: Vec<crate::narrative::Statement>,
}

/// Where the report's text came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub sha256: String,
    pub encoding: String,
    /// The document reader and its version (`html 1`, `docx 1`, `doc 1`), for a report read
    /// from a document, so that a re-extraction with a newer reader is recognised; absent for
    /// plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader: Option<String>,
}

/// The reporting body and year, as detected from the text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportMeta {
    pub organization: Option<String>,
    pub year: Option<i32>,
}

/// One of the three standard tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub found: bool,
    pub columns: Vec<ColumnHead>,
    pub rows: Vec<Row>,
}

/// A column key with its official label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnHead {
    pub key: Name,
    pub label: Name,
}

/// One template row and its cells (only the columns the row has).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub key: Name,
    pub label: Name,
    pub cells: Vec<Cell>,
    /// Where the row's label stands in the source, when it was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// How a cell's value came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellStatus {
    /// Read directly from an unambiguous position in the source.
    Ok,
    /// The source printed nothing here.
    Blank,
    /// The source printed a not-applicable mark (`/`, `-`, `—`).
    Na,
    /// Placed by solving the identities for a row that lost its blank cells.
    Inferred,
    /// Several placements satisfy the identities; a person must decide.
    Ambiguous,
    /// The source text is not a valid value of the cell's kind.
    Invalid,
    /// The table or row was not found in the source.
    Missing,
    /// A reviewer entered or cleared this value (review sidecars only).
    Edited,
    /// A reviewer confirmed the value as extracted (review sidecars only).
    Confirmed,
}

impl CellStatus {
    /// The lowercase name used in JSON and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            CellStatus::Ok => "ok",
            CellStatus::Blank => "blank",
            CellStatus::Na => "na",
            CellStatus::Inferred => "inferred",
            CellStatus::Ambiguous => "ambiguous",
            CellStatus::Invalid => "invalid",
            CellStatus::Missing => "missing",
            CellStatus::Edited => "edited",
            CellStatus::Confirmed => "confirmed",
        }
    }
}

/// A byte range of the decoded text, with the 1-based line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

/// One cell of the grid, remembering where its value came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub column: Name,
    #[serde(with = "number_opt")]
    pub value: Option<f64>,
    pub raw: Option<String>,
    pub status: CellStatus,
    pub span: Option<Span>,
    /// Other values the solver found possible for an ambiguous cell (null = blank).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "number_vec")]
    pub candidates: Vec<Option<f64>>,
    /// A figure the prose states for a cell the table lacks; never a value until accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
    /// Where the value stands in the original document, when it was read from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<DocPlace>,
}

/// Where a value stands in the original document (a web page's, Word file's or PDF's table),
/// each counted from 1: the document's table, the table's row, the row's grid column; for a PDF
/// also its page and box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocPlace {
    pub table: u32,
    pub row: u32,
    pub col: u32,
    /// The page and box of the value's characters (of the empty cell, when it is blank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<PageBox>,
}

/// A box on a PDF page, in whole points from the page's top-left corner (the way a reader
/// looks at the page, not PDF's bottom-up user space).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageBox {
    /// The page, counted from 1.
    pub page: u32,
    pub x0: u32,
    pub x1: u32,
    pub y0: u32,
    pub y1: u32,
}

impl std::fmt::Display for DocPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.page {
            Some(b) => write!(
                f,
                "p.{} · x {}–{} · y {}–{}",
                b.page, b.x0, b.x1, b.y0, b.y1
            ),
            None => write!(
                f,
                "table {} · row {} · col {}",
                self.table, self.row, self.col
            ),
        }
    }
}

/// A value proposed from the report's prose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    #[serde(with = "number_opt")]
    pub value: Option<f64>,
    /// Where the figure stands in the text.
    pub span: Span,
}

impl Cell {
    /// A cell the extractor never saw (missing table or row).
    pub fn missing(column: impl Into<Name>) -> Self {
        Cell {
            column: column.into(),
            value: None,
            raw: None,
            status: CellStatus::Missing,
            span: None,
            candidates: Vec::new(),
            suggestion: None,
            place: None,
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    /// The lowercase name used in JSON and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Something the reviewer should look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id: borrowed for the rules the program knows, owned when read from JSON.
    pub rule: Name,
    pub severity: Severity,
    pub cells: Vec<String>,
    pub message: String,
    /// Where in the source the finding points, when it is about text rather than a cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// A reviewer's dismissal of this warning: it stays in the report but counts no more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissed: Option<Dismissal>,
}

/// A reviewer's word that a warning is no problem: which finding, why, who and when.
/// A finding is the same one while its rule and cells are (its message may change with values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dismissal {
    pub rule: String,
    pub cells: Vec<String>,
    pub reason: String,
    pub reviewer: String,
    /// RFC 3339.
    pub at: String,
}

impl Dismissal {
    /// Whether this dismissal is of `f`.
    pub fn matches(&self, f: &Finding) -> bool {
        self.rule == f.rule.as_ref() && self.cells == f.cells
    }
}

/// Address of a cell: `table.row.column`.
pub fn cell_key(table: &str, row: &str, column: &str) -> String {
    // Built by hand: one of these per finding, and `format!` was a tenth of checking.
    let mut key = String::with_capacity(table.len() + row.len() + column.len() + 2);
    key.push_str(table);
    key.push('.');
    key.push_str(row);
    key.push('.');
    key.push_str(column);
    key
}

impl Report {
    /// Count of error-level findings.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.dismissed.is_none())
            .count()
    }

    /// Count of warning-level findings.
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning && f.dismissed.is_none())
            .count()
    }

    /// Marks the warnings these dismissals name (errors cannot be dismissed); others unmarked.
    pub fn apply_dismissals(&mut self, dismissals: &[Dismissal]) {
        for f in &mut self.findings {
            f.dismissed = if f.severity == Severity::Warning {
                dismissals.iter().find(|d| d.matches(f)).cloned()
            } else {
                None
            };
        }
    }

    /// Looks a table up by id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// Finds a cell by its `table.row.column` key.
    pub fn cell(&self, key: &str) -> Option<&Cell> {
        let mut parts = key.splitn(3, '.');
        let (t, r, c) = (parts.next()?, parts.next()?, parts.next()?);
        self.table(t)?
            .rows
            .iter()
            .find(|row| row.key == r)?
            .cells
            .iter()
            .find(|cell| cell.column == c)
    }

    /// Finds a cell by key, mutably.
    pub fn cell_mut(&mut self, key: &str) -> Option<&mut Cell> {
        let mut parts = key.splitn(3, '.');
        let (t, r, c) = (parts.next()?, parts.next()?, parts.next()?);
        self.tables
            .iter_mut()
            .find(|tb| tb.id == t)?
            .rows
            .iter_mut()
            .find(|row| row.key == r)?
            .cells
            .iter_mut()
            .find(|cell| cell.column == c)
    }

    /// Every cell with its table and row, in reading order, without building keys.
    pub fn cells_in_place(&self) -> impl Iterator<Item = (&Table, &Row, &Cell)> {
        self.tables.iter().flat_map(|t| {
            t.rows
                .iter()
                .flat_map(move |r| r.cells.iter().map(move |c| (t, r, c)))
        })
    }

    /// Every cell with its key, in reading order (tables, rows, columns).
    pub fn cells(&self) -> impl Iterator<Item = (String, &Cell)> {
        self.tables.iter().flat_map(|t| {
            t.rows.iter().flat_map(move |r| {
                r.cells
                    .iter()
                    .map(move |c| (cell_key(&t.id, &r.key, &c.column), c))
            })
        })
    }
}

/// The value a cell contributes to analysis: none when the tool is not sure of it (ambiguous,
/// invalid, missing), whatever was read.
pub fn certain_value(status: CellStatus, value: Option<f64>) -> Option<f64> {
    match status {
        CellStatus::Ambiguous | CellStatus::Invalid | CellStatus::Missing => None,
        _ => value,
    }
}

/// Formats a value the way the source would print it: integers without a decimal point.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        itoa::Buffer::new().format(v as i64).to_string()
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn write_number<S: Serializer>(v: f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(v as i64)
    } else {
        s.serialize_f64(v)
    }
}

/// Serializes whole numbers as JSON integers so counts read `22`, not `22.0`.
pub(crate) mod number_opt {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => write_number(*v, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<f64>::deserialize(d)
    }
}

mod number_vec {
    use super::*;
    use serde::ser::SerializeSeq;

    struct Num(Option<f64>);
    impl Serialize for Num {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            number_opt::serialize(&self.0, s)
        }
    }

    pub fn serialize<S: Serializer>(v: &[Option<f64>], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for x in v {
            seq.serialize_element(&Num(*x))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Option<f64>>, D::Error> {
        Vec::<Option<f64>>::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_serialize_as_integers() {
        let cell = Cell {
            column: "total".into(),
            value: Some(22.0),
            raw: Some("22".into()),
            status: CellStatus::Ok,
            span: None,
            candidates: vec![Some(3.0), None],
            suggestion: None,
            place: None,
        };
        let json = serde_json::to_string(&cell).unwrap();
        assert!(json.contains("\"value\":22,"), "{json}");
        assert!(json.contains("\"candidates\":[3,null]"), "{json}");
        let back: Cell = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cell);
    }

    #[test]
    fn decimals_keep_their_digits() {
        assert_eq!(format_value(2181.669177), "2181.669177");
        assert_eq!(format_value(27326.0), "27326");
        assert_eq!(format_value(-185.0), "-185");
    }
}
