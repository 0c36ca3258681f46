//! The official report formats, loaded from embedded JSON data (one file per format).
//!
//! Rows, columns, labels, label variants, value kinds and identities all live in
//! `src/template/*.json`; no code path is specific to a row.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{cell_key, Cell, ColumnHead, Row, Severity, Table};

pub mod vocabulary;

/// One official format (`gov-2021`, `gov-2019`).
#[derive(Debug, Clone, Deserialize)]
pub struct Template {
    pub key: String,
    pub name: String,
    pub first_year: i32,
    pub last_year: Option<i32>,
    /// The six report sections' numerals and heading words.
    pub sections: Vec<SectionSpec>,
    pub tables: Vec<TableSpec>,
    pub identities: Vec<IdentitySpec>,
    /// The identities instantiated over cells, computed once.
    #[serde(skip)]
    instances: OnceLock<Vec<Identity>>,
}

/// A report section heading: its numeral and words that identify it.
#[derive(Debug, Clone, Deserialize)]
pub struct SectionSpec {
    pub numeral: String,
    pub words: Vec<String>,
}

/// How a table's values are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Each row starts with its label and is followed by its values.
    Rows,
    /// All values are printed as one run, row after row, with no row labels.
    Run,
}

/// A table of the format.
#[derive(Debug, Clone, Deserialize)]
pub struct TableSpec {
    pub id: String,
    pub title: String,
    /// The section numeral (二, 三, 四) under which the table stands.
    pub section: String,
    /// Words the section heading contains, to tell it from a row label with the same numeral.
    pub heading: Vec<String>,
    pub layout: Layout,
    pub columns: Vec<ColumnSpec>,
    pub rows: Vec<RowSpec>,
    /// Row labels prepared for matching, computed once.
    #[serde(skip)]
    label_index: OnceLock<crate::extract::labels::LabelIndex>,
}

/// What kind of number a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// A non-negative integer.
    Count,
    /// A signed integer such as `+4` or `-185`.
    Change,
    /// A non-negative decimal amount of money.
    Amount,
}

impl ValueKind {
    /// The name used in exports and the key dictionary.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Count => "count",
            ValueKind::Change => "change",
            ValueKind::Amount => "amount",
        }
    }
}

/// A column of a table.
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnSpec {
    pub key: String,
    pub label: String,
    pub short: String,
    pub kind: ValueKind,
    /// The unit the template states for the column (`万元`), if any.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
}

/// A row of a table.
#[derive(Debug, Clone, Deserialize)]
pub struct RowSpec {
    pub key: String,
    pub label: String,
    /// A compact label for the grid and messages.
    pub short: String,
    #[serde(default)]
    pub group: Option<String>,
    /// Other spellings seen in real reports.
    #[serde(default)]
    pub variants: Vec<String>,
    /// The columns this row has; all of the table's when absent.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
}

/// Which way an identity is instantiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Over {
    /// Once per column; `lhs`/`rhs` name rows.
    Columns,
    /// Once per row; `lhs`/`rhs` name columns.
    Rows,
}

/// An accounting identity: sum(lhs) = sum(rhs), repeated over rows or columns.
#[derive(Debug, Clone, Deserialize)]
pub struct IdentitySpec {
    pub id: String,
    pub table: String,
    pub over: Over,
    pub lhs: Vec<String>,
    pub rhs: Vec<String>,
    pub name: String,
    #[serde(default)]
    pub relation: Relation,
    #[serde(default = "error_severity")]
    pub severity: Severity,
}

fn error_severity() -> Severity {
    Severity::Error
}

/// How the two sides of an identity compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Official: the sides are equal.
    #[default]
    Eq,
    /// Soft: the left side does not exceed the right.
    Le,
}

/// A cell of a table by position: its row's index and its index among that row's cells
/// (a row holds only the columns it has, in table order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellAt {
    pub row: usize,
    pub cell: usize,
}

/// One instance of an identity over concrete cells, addressed by (row index, column key).
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub id: String,
    pub table: String,
    /// The row (for `over: rows`) or column (for `over: columns`) this instance is about.
    pub along: String,
    pub lhs: Vec<(usize, String)>,
    pub rhs: Vec<(usize, String)>,
    /// The same cells as `lhs` and `rhs` by position, so sums need no name lookups.
    pub lhs_at: Vec<CellAt>,
    pub rhs_at: Vec<CellAt>,
    pub relation: Relation,
    pub severity: Severity,
}

impl Identity {
    /// Every cell key the identity names, lhs first.
    pub fn cell_keys(&self, spec: &TableSpec) -> Vec<String> {
        self.lhs
            .iter()
            .chain(self.rhs.iter())
            .map(|(r, c)| cell_key(&self.table, &spec.rows[*r].key, c))
            .collect()
    }
}

static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();

/// All known templates, newest first.
pub fn all() -> &'static [Template] {
    TEMPLATES.get_or_init(|| {
        [
            include_str!("template/gov-2021.json"),
            include_str!("template/gov-2019.json"),
        ]
        .iter()
        .map(|src| serde_json::from_str(src).expect("embedded template JSON is valid"))
        .collect()
    })
}

/// Looks a template up by key.
pub fn by_key(key: &str) -> Option<&'static Template> {
    all().iter().find(|t| t.key == key)
}

/// The template the official notices prescribe for a report year.
pub fn for_year(year: i32) -> &'static Template {
    all()
        .iter()
        .find(|t| year >= t.first_year && t.last_year.is_none_or(|l| year <= l))
        .unwrap_or_else(|| {
            // Years before the first format: the oldest format is the closest fit.
            all().last().expect("at least one template")
        })
}

impl Template {
    /// Looks a table up by id.
    pub fn table(&self, id: &str) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// Every identity instantiated over concrete cells of the template (computed once).
    pub fn identities(&self) -> &[Identity] {
        self.instances.get_or_init(|| self.instantiate())
    }

    fn instantiate(&self) -> Vec<Identity> {
        let mut out = Vec::new();
        for spec in &self.identities {
            let Some(table) = self.table(&spec.table) else {
                continue;
            };
            match spec.over {
                Over::Columns => {
                    let rows = |keys: &[String]| -> Vec<usize> {
                        keys.iter().filter_map(|k| table.row_index(k)).collect()
                    };
                    let (l, r) = (rows(&spec.lhs), rows(&spec.rhs));
                    for col in &table.columns {
                        let has = |ri: &usize| table.row_has_column(*ri, &col.key);
                        let lhs: Vec<_> = l
                            .iter()
                            .filter(|ri| has(ri))
                            .map(|ri| (*ri, col.key.clone()))
                            .collect();
                        let rhs: Vec<_> = r
                            .iter()
                            .filter(|ri| has(ri))
                            .map(|ri| (*ri, col.key.clone()))
                            .collect();
                        if !lhs.is_empty() && !rhs.is_empty() {
                            out.push(Identity {
                                id: spec.id.clone(),
                                table: table.id.clone(),
                                along: col.key.clone(),
                                lhs_at: table.cells_at(&lhs),
                                rhs_at: table.cells_at(&rhs),
                                lhs,
                                rhs,
                                relation: spec.relation,
                                severity: spec.severity,
                            });
                        }
                    }
                }
                Over::Rows => {
                    for (ri, row) in table.rows.iter().enumerate() {
                        let cols = |keys: &[String]| -> Vec<(usize, String)> {
                            keys.iter()
                                .filter(|c| table.row_has_column(ri, c))
                                .map(|c| (ri, c.clone()))
                                .collect()
                        };
                        let (lhs, rhs) = (cols(&spec.lhs), cols(&spec.rhs));
                        if !lhs.is_empty() && !rhs.is_empty() {
                            out.push(Identity {
                                id: spec.id.clone(),
                                table: table.id.clone(),
                                along: row.key.clone(),
                                lhs_at: table.cells_at(&lhs),
                                rhs_at: table.cells_at(&rhs),
                                lhs,
                                rhs,
                                relation: spec.relation,
                                severity: spec.severity,
                            });
                        }
                    }
                }
            }
        }
        out
    }

    /// The spec of an identity by id.
    pub fn identity_spec(&self, id: &str) -> Option<&IdentitySpec> {
        self.identities.iter().find(|i| i.id == id)
    }

    /// An empty grid of the template: every cell `missing`, tables not found.
    pub fn empty_tables(&'static self) -> Vec<Table> {
        self.tables
            .iter()
            .map(|t| Table {
                id: t.id.clone(),
                title: t.title.clone(),
                found: false,
                columns: t
                    .columns
                    .iter()
                    .map(|c| ColumnHead {
                        key: Cow::Borrowed(c.key.as_str()),
                        label: Cow::Borrowed(c.label.as_str()),
                    })
                    .collect(),
                rows: t
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(ri, r)| Row {
                        key: Cow::Borrowed(r.key.as_str()),
                        label: Cow::Borrowed(r.label.as_str()),
                        cells: t
                            .row_columns(ri)
                            .map(|c| Cell::missing(c.key.as_str()))
                            .collect(),
                        span: None,
                    })
                    .collect(),
            })
            .collect()
    }
}

impl TableSpec {
    /// The row labels prepared for matching (built once per table).
    pub fn label_index(&self) -> &crate::extract::labels::LabelIndex {
        self.label_index
            .get_or_init(|| crate::extract::labels::LabelIndex::new(self))
    }

    /// Index of a row by key.
    pub fn row_index(&self, key: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.key == key)
    }

    /// Looks a column up by key.
    pub fn column(&self, key: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// Whether row `ri` has column `key`.
    pub fn row_has_column(&self, ri: usize, key: &str) -> bool {
        match &self.rows[ri].columns {
            Some(cols) => cols.iter().any(|c| c == key),
            None => self.columns.iter().any(|c| c.key == key),
        }
    }

    /// Where each (row, column key) stands among its row's cells.
    fn cells_at(&self, cells: &[(usize, String)]) -> Vec<CellAt> {
        cells
            .iter()
            .map(|(row, col)| CellAt {
                row: *row,
                cell: self
                    .row_columns(*row)
                    .position(|c| c.key == *col)
                    .expect("identity cells are cells of their row"),
            })
            .collect()
    }

    /// The spec of the column that cell `at` of the empty grid holds.
    pub fn column_at(&self, at: CellAt) -> &ColumnSpec {
        self.row_columns(at.row)
            .nth(at.cell)
            .expect("a cell of the table")
    }

    /// Every cell of row `ri`, by position.
    pub fn row_cells(&self, ri: usize) -> impl Iterator<Item = CellAt> {
        (0..self.row_columns(ri).count()).map(move |cell| CellAt { row: ri, cell })
    }

    /// The columns of row `ri`, in table order.
    pub fn row_columns(&self, ri: usize) -> impl Iterator<Item = &ColumnSpec> + '_ {
        let only = self.rows[ri].columns.as_deref();
        self.columns
            .iter()
            .filter(move |c| only.is_none_or(|keys| keys.contains(&c.key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("gov-2021", 10, 175, 15)]
    #[case("gov-2019", 22, 161, 15)]
    fn cell_counts_match_the_official_formats(
        #[case] key: &str,
        #[case] proactive: usize,
        #[case] requests: usize,
        #[case] appeals: usize,
    ) {
        let t = by_key(key).unwrap();
        let tables = t.empty_tables();
        let counts: Vec<usize> = tables
            .iter()
            .map(|t| t.rows.iter().map(|r| r.cells.len()).sum())
            .collect();
        assert_eq!(counts, vec![proactive, requests, appeals]);
    }

    #[rstest]
    #[case(2019, "gov-2019")]
    #[case(2020, "gov-2019")]
    #[case(2021, "gov-2021")]
    #[case(2030, "gov-2021")]
    #[case(2015, "gov-2019")]
    fn year_selects_the_format(#[case] year: i32, #[case] key: &str) {
        assert_eq!(for_year(year).key, key);
    }

    #[test]
    fn identities_instantiate_per_row_and_column() {
        let t = by_key("gov-2021").unwrap();
        let ids = t.identities();
        let count = |id: &str| ids.iter().filter(|i| i.id == id).count();
        assert_eq!(count("H1"), 7);
        assert_eq!(count("H2"), 7);
        assert_eq!(count("H3"), 25);
        assert_eq!(count("H4"), 3);
        let h2 = ids.iter().find(|i| i.id == "H2").unwrap();
        assert_eq!(h2.rhs.len(), 21, "granted through other_other");
    }

    #[test]
    fn identity_rows_and_columns_exist_in_their_tables() {
        for t in all() {
            for spec in &t.identities {
                let table = t.table(&spec.table).expect("identity names a table");
                let names: Vec<&String> = spec.lhs.iter().chain(&spec.rhs).collect();
                for name in names {
                    let known = match spec.over {
                        Over::Columns => table.row_index(name).is_some(),
                        Over::Rows => table.column(name).is_some(),
                    };
                    assert!(known, "{} {}: unknown {name}", t.key, spec.id);
                }
            }
        }
    }
}
