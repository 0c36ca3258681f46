//! Derived measures (`export --measures`): rates and totals computed from a record's values.
//! The definitions are data (`measures.json`), over canonical keys, so they read both formats.

use std::sync::OnceLock;

use serde::Deserialize;

use super::Record;

/// One measure: sum(numerator) / sum(denominator), or sum(numerator) without a denominator.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Measure {
    pub id: String,
    /// The Chinese name analysts use (实质公开率).
    pub label: String,
    /// `ratio` (a fraction from 0 to 1) or `count`.
    pub kind: String,
    pub numerator: Vec<String>,
    pub denominator: Vec<String>,
}

#[derive(Deserialize)]
struct Data {
    measures: Vec<Measure>,
}

/// Every measure, in the order exports list them.
pub fn all() -> &'static [Measure] {
    static ALL: OnceLock<Vec<Measure>> = OnceLock::new();
    ALL.get_or_init(|| {
        serde_json::from_str::<Data>(include_str!("measures.json"))
            .expect("embedded measures JSON is valid")
            .measures
    })
}

/// Statuses whose value is unknown: a measure over such a cell is unknown too.
fn unknown(status: &str) -> bool {
    matches!(status, "ambiguous" | "invalid" | "missing" | "suggested")
}

/// The sum of the cells named, blank and not applicable as 0; None when one is unknown or
/// not in the report's format.
fn sum(rec: &Record, keys: &[String]) -> Option<f64> {
    let mut total = 0.0;
    for k in keys {
        let c = rec.cells.iter().find(|c| c.canonical_key() == k)?;
        if unknown(c.status) {
            return None;
        }
        total += c.value.unwrap_or(0.0);
    }
    Some(total)
}

/// Every measure of a record; None where an operand is unknown or the denominator is 0.
pub fn compute(rec: &Record) -> Vec<(&'static Measure, Option<f64>)> {
    all()
        .iter()
        .map(|m| {
            let num = sum(rec, &m.numerator);
            let value = if m.denominator.is_empty() {
                num
            } else {
                match (num, sum(rec, &m.denominator)) {
                    (Some(n), Some(d)) if d != 0.0 => Some(n / d),
                    _ => None,
                }
            };
            (m, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{from_report, Options};

    fn record(edit: impl Fn(&mut crate::model::Report)) -> Record {
        let text = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/000_7a2d16d58913ef59.txt"),
        )
        .unwrap();
        let (mut report, _) =
            crate::extract::extract_bytes(std::path::Path::new("r.txt"), &text).unwrap();
        edit(&mut report);
        from_report(
            &report,
            "unreviewed",
            None,
            &Options {
                measures: true,
                ..Options::default()
            },
        )
    }

    fn set(
        report: &mut crate::model::Report,
        key: &str,
        value: Option<f64>,
        status: crate::model::CellStatus,
    ) {
        let c = report.cell_mut(key).unwrap();
        c.value = value;
        c.status = status;
    }

    fn measure(rec: &Record, id: &str) -> Option<f64> {
        rec.measures.iter().find(|(m, _)| m.id == id).unwrap().1
    }

    #[test]
    fn rates_divide_the_named_totals() {
        use crate::model::CellStatus::Edited;
        let rec = record(|r| {
            set(r, "requests.granted.total", Some(6.0), Edited);
            set(r, "requests.partially_granted.total", Some(2.0), Edited);
            set(r, "requests.total_processed.total", Some(10.0), Edited);
            set(r, "appeals.review.corrected", Some(1.0), Edited);
            set(r, "appeals.review.total", Some(4.0), Edited);
        });
        assert_eq!(measure(&rec, "substantive_disclosure_rate"), Some(0.8));
        assert_eq!(measure(&rec, "review_correction_rate"), Some(0.25));
    }

    #[test]
    fn a_zero_denominator_or_an_unknown_operand_gives_null() {
        use crate::model::CellStatus::{Ambiguous, Blank, Edited};
        let rec = record(|r| {
            set(r, "appeals.review.total", None, Blank);
            set(r, "requests.granted.total", Some(3.0), Ambiguous);
            set(r, "requests.new_received.total", Some(5.0), Edited);
            set(r, "requests.carried_over.total", None, Blank);
        });
        assert_eq!(measure(&rec, "review_correction_rate"), None);
        assert_eq!(measure(&rec, "substantive_disclosure_rate"), None);
        // Blank counts as 0 in a total.
        assert_eq!(measure(&rec, "requests_to_handle"), Some(5.0));
    }
}
