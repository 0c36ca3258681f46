//! One vocabulary for both formats: every key of every template with its labels, kind and
//! unit, and the canonical key that says which keys of the two formats mean the same thing.
//!
//! Which tables are shared and which differently spelled keys agree is data
//! (`vocabulary.json`); the dictionary itself is built from the templates.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::ValueKind;
use crate::model::cell_key;

/// One key of one template, as `keys-list` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub key: String,
    pub template: &'static str,
    /// The same string for keys of the two formats that mean the same thing.
    pub canonical_key: String,
    pub table: &'static str,
    pub row: &'static str,
    pub column: &'static str,
    pub table_label: &'static str,
    pub row_label: &'static str,
    pub column_label: &'static str,
    pub kind: &'static str,
    pub unit: Option<&'static str>,
}

/// The dictionary's columns, in the order [`Entry::fields`] gives them (`keys-list`).
pub const COLUMNS: [&str; 11] = [
    "key",
    "template",
    "canonical_key",
    "table",
    "row",
    "column",
    "table_label",
    "row_label",
    "column_label",
    "kind",
    "unit",
];

impl Entry {
    /// The entry as text, in [`COLUMNS`] order (no unit is an empty field).
    pub fn fields(&self) -> [&str; 11] {
        [
            self.key.as_str(),
            self.template,
            &self.canonical_key,
            self.table,
            self.row,
            self.column,
            self.table_label,
            self.row_label,
            self.column_label,
            self.kind,
            self.unit.unwrap_or(""),
        ]
    }

    /// The row's and the column's label, as a reviewer reads the cell.
    pub fn label(&self) -> String {
        format!("{} {}", self.row_label, self.column_label)
    }

    /// Whether the value may hold a fraction (money).
    pub fn is_decimal(&self) -> bool {
        self.kind == ValueKind::Amount.as_str()
    }
}

#[derive(Deserialize)]
struct Data {
    shared_tables: Vec<String>,
    /// Keys spelled differently that mean the same: `{canonical, gov-2019, gov-2021}`.
    #[serde(default)]
    same: Vec<HashMap<String, String>>,
}

struct Dictionary {
    entries: Vec<Entry>,
    /// Template, then key: looked up for every cell of every exported report, with no allocation.
    by_key: HashMap<&'static str, HashMap<String, usize>>,
    /// Indexes into `entries`: the columns of a wide export.
    wide: Vec<usize>,
}

fn dictionary() -> &'static Dictionary {
    static DICT: OnceLock<Dictionary> = OnceLock::new();
    DICT.get_or_init(|| {
        let data: Data = serde_json::from_str(include_str!("vocabulary.json"))
            .expect("embedded vocabulary JSON is valid");
        let mut entries = Vec::new();
        for t in super::all() {
            for table in &t.tables {
                for (ri, row) in table.rows.iter().enumerate() {
                    for col in table.row_columns(ri) {
                        let key = cell_key(&table.id, &row.key, &col.key);
                        let renamed = data.same.iter().find_map(|m| {
                            (m.get(t.key.as_str()) == Some(&key))
                                .then(|| m.get("canonical").cloned())
                                .flatten()
                        });
                        let canonical_key = renamed.unwrap_or_else(|| {
                            if data.shared_tables.contains(&table.id) {
                                key.clone()
                            } else {
                                format!("{}:{key}", t.key)
                            }
                        });
                        entries.push(Entry {
                            key,
                            template: t.key.as_str(),
                            canonical_key,
                            table: table.id.as_str(),
                            row: row.key.as_str(),
                            column: col.key.as_str(),
                            table_label: table.title.as_str(),
                            row_label: row.label.as_str(),
                            column_label: col.label.as_str(),
                            kind: col.kind.as_str(),
                            unit: col.unit.as_deref(),
                        });
                    }
                }
            }
        }
        let mut by_key: HashMap<&'static str, HashMap<String, usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_key
                .entry(e.template)
                .or_default()
                .insert(e.key.clone(), i);
        }
        // Table by table, each template's keys in its reading order, a key both have once.
        let mut seen = std::collections::HashSet::new();
        let mut wide = Vec::new();
        for table in &super::all()[0].tables {
            for (i, e) in entries.iter().enumerate() {
                if e.table == table.id && seen.insert(e.key.clone()) {
                    wide.push(i);
                }
            }
        }
        Dictionary {
            entries,
            by_key,
            wide,
        }
    })
}

/// Every key of every template, template by template in reading order.
pub fn entries() -> &'static [Entry] {
    &dictionary().entries
}

/// The entry of `key` in `template`.
pub fn lookup(template: &str, key: &str) -> Option<&'static Entry> {
    let d = dictionary();
    d.by_key.get(template)?.get(key).map(|&i| &d.entries[i])
}

/// The canonical key of `key` in `template` (the key itself when the template is unknown).
pub fn canonical_key(template: &str, key: &str) -> String {
    lookup(template, key).map_or_else(|| key.to_owned(), |e| e.canonical_key.clone())
}

/// The columns of a wide export: every key of every template once, table by table (the
/// newest format's labels where both have the key).
pub fn wide() -> impl ExactSizeIterator<Item = &'static Entry> {
    let d = dictionary();
    d.wide.iter().map(|&i| &d.entries[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn every_cell_of_every_template_is_listed_once() {
        let n2021 = entries()
            .iter()
            .filter(|e| e.template == "gov-2021")
            .count();
        let n2019 = entries()
            .iter()
            .filter(|e| e.template == "gov-2019")
            .count();
        assert_eq!((n2021, n2019), (200, 198));
        // 200 keys of gov-2021, gov-2019's proactive keys it lacks, and other_processing.
        let shared_proactive = entries()
            .iter()
            .filter(|e| e.template == "gov-2019" && e.table == "proactive")
            .filter(|e| lookup("gov-2021", &e.key).is_some())
            .count();
        assert_eq!(wide().len(), 200 + 22 - shared_proactive + 7);
    }

    #[rstest]
    #[case("gov-2019", "requests.granted.total", "requests.granted.total")]
    #[case("gov-2021", "requests.granted.total", "requests.granted.total")]
    #[case("gov-2021", "appeals.review.corrected", "appeals.review.corrected")]
    #[case(
        "gov-2019",
        "requests.other_processing.total",
        "requests.other_processing.total"
    )]
    #[case(
        "gov-2021",
        "proactive.licensing.decisions",
        "gov-2021:proactive.licensing.decisions"
    )]
    #[case(
        "gov-2019",
        "proactive.licensing.decisions",
        "gov-2019:proactive.licensing.decisions"
    )]
    fn canonical_keys_join_only_what_means_the_same(
        #[case] template: &str,
        #[case] key: &str,
        #[case] canonical: &str,
    ) {
        assert_eq!(canonical_key(template, key), canonical);
    }

    #[test]
    fn money_is_the_only_decimal_and_carries_its_unit() {
        let fee = lookup("gov-2021", "proactive.fees.amount").unwrap();
        assert!(fee.is_decimal());
        assert_eq!(fee.unit, Some("万元"));
        assert_eq!(fee.label(), "行政事业性收费 本年收费金额（单位：万元）");
        let change = lookup("gov-2019", "proactive.licensing.change").unwrap();
        assert_eq!(change.kind, "change");
        assert!(!lookup("gov-2021", "requests.granted.total")
            .unwrap()
            .is_decimal());
    }
}
