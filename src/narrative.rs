//! The report's prose, read for figures it states about the tables ("予以公开16件"), from
//! phrasings kept as data in `src/template/narrative.json`.
//!
//! A statement either confirms the table, disagrees with it (`narrative-mismatch`), or, where
//! the table lacks the cell, becomes a suggestion a reviewer may accept.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::model::{CellStatus, Report, Span};
use crate::value;

/// A figure the prose states, with what it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// The phrasing's id (`granted`, `requests_received`, …).
    pub id: String,
    /// The phrasing's label as the report would say it.
    pub label: String,
    #[serde(with = "crate::model::number_opt")]
    pub value: Option<f64>,
    /// The cells whose sum the figure states.
    pub cells: Vec<String>,
    /// The figure's text.
    pub span: Span,
    /// The whole sentence, for highlighting.
    pub sentence: Span,
    /// The words around the figure, for quoting in findings.
    pub quote: String,
    /// The cell the figure can be proposed for when the table lacks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggest: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Phrasings {
    phrasings: Vec<Phrasing>,
}

#[derive(Debug, Deserialize)]
struct Phrasing {
    id: String,
    label: String,
    keys: Vec<String>,
    gap: usize,
    units: Vec<String>,
    cells: Vec<String>,
    #[serde(default)]
    suggest: Option<String>,
    #[serde(default)]
    templates: Option<Vec<String>>,
    /// Words the sentence must contain for the phrasing to count.
    #[serde(default)]
    context: Option<String>,
    /// Characters the words must not directly follow.
    #[serde(default)]
    not_after: Option<String>,
}

struct Compiled {
    phrasing: Phrasing,
    re: Regex,
}

fn compiled() -> &'static [Compiled] {
    static C: OnceLock<Vec<Compiled>> = OnceLock::new();
    C.get_or_init(|| {
        let data: Phrasings =
            serde_json::from_str(include_str!("template/narrative.json")).expect("embedded narrative phrasings are valid");
        data.phrasings
            .into_iter()
            .map(|p| {
                let units: Vec<String> = p.units.iter().map(|u| regex::escape(u)).collect();
                let pattern = format!(
                    "(?:{})[^，。；;,:：、！？!?\\n0-9０-９]{{0,{}}}?([0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?)\\s*(?:{})",
                    p.keys.join("|"),
                    p.gap,
                    units.join("|")
                );
                let re = Regex::new(&pattern).expect("narrative phrasing compiles");
                Compiled { phrasing: p, re }
            })
            .collect()
    })
}

/// Where the text's sentences end: each terminator's byte offset and length, found in one
/// pass. Finding a figure's sentence by scanning out from it cost a sentence's length per
/// figure, quadratic in a long sentence of figures (16 MB of them never finished).
struct Sentences {
    ends: Vec<(usize, usize)>,
    len: usize,
}

impl Sentences {
    fn new(text: &str) -> Sentences {
        // A `matches!`, not a search of a string of them: this runs on every character.
        let is_end = |c: char| matches!(c, '。' | '；' | ';' | '！' | '!' | '？' | '?' | '\n');
        Sentences {
            ends: text
                .char_indices()
                .filter(|(_, c)| is_end(*c))
                .map(|(i, c)| (i, c.len_utf8()))
                .collect(),
            len: text.len(),
        }
    }

    /// The span of the sentence around byte `at`: after the last terminator before it,
    /// through the first terminator at or after it.
    fn around(&self, at: usize, line_starts: &[usize]) -> Span {
        let next = self.ends.partition_point(|&(i, _)| i < at);
        let start = next
            .checked_sub(1)
            .map_or(0, |p| self.ends[p].0 + self.ends[p].1);
        let end = self.ends.get(next).map_or(self.len, |&(i, n)| i + n);
        Span {
            line: line_starts.partition_point(|&s| s <= start),
            start,
            end,
        }
    }
}

/// Reads every statement in the prose ranges (outside the tables) for a report of `template`.
pub fn read(
    text: &str,
    prose: &[std::ops::Range<usize>],
    template: &str,
    line_starts: &[usize],
) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    let sentences = Sentences::new(text);
    for c in compiled() {
        let p = &c.phrasing;
        if p.templates
            .as_ref()
            .is_some_and(|t| !t.iter().any(|k| k == template))
        {
            continue;
        }
        // Each phrasing's regex skips ahead by its own literal prefilter; one set of all of
        // them, tried first, cost more than it saved.
        // The last sentence tried for the phrasing's context words and the answer: a
        // sentence of many figures is searched once, not once per figure.
        let mut context_of: Option<(usize, bool)> = None;
        for range in prose {
            let part = &text[range.clone()];
            let mut from = 0;
            while let Some(caps) = c.re.captures_at(part, from) {
                let whole = caps.get(0).expect("group 0 is the whole match");
                let preceding = part[..whole.start()].chars().next_back();
                if let (Some(before), Some(not_after)) = (preceding, &p.not_after) {
                    if not_after.contains(before) {
                        // Not a match here; one may still start inside these words.
                        from = whole.start()
                            + part[whole.start()..]
                                .chars()
                                .next()
                                .map_or(1, char::len_utf8);
                        continue;
                    }
                }
                // A match holds a figure and its unit, so it is never empty.
                from = whole.end();
                let Some(m) = caps.get(1) else { continue };
                let (start, end) = (range.start + m.start(), range.start + m.end());
                let sentence = sentences.around(start, line_starts);
                if let Some(ctx) = &p.context {
                    let has = match context_of {
                        Some((at, has)) if at == sentence.start => has,
                        _ => {
                            let has = text[sentence.start..sentence.end].contains(ctx.as_str());
                            context_of = Some((sentence.start, has));
                            has
                        }
                    };
                    if !has {
                        continue;
                    }
                }
                let raw: String = value::fold_width(m.as_str()).replace(['，', ','], "");
                let Ok(Some(v)) = value::parse(&raw, crate::template::ValueKind::Amount, None)
                else {
                    continue;
                };
                let quote = text[range.start + whole.start()..range.start + whole.end()]
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .to_string();
                out.push(Statement {
                    quote,
                    id: p.id.clone(),
                    label: p.label.clone(),
                    value: Some(v),
                    cells: p.cells.clone(),
                    span: Span {
                        line: line_starts.partition_point(|&s| s <= start),
                        start,
                        end,
                    },
                    sentence,
                    suggest: p.suggest.clone(),
                });
            }
        }
    }
    // A phrasing stated with different figures (this year and last, say) proves nothing.
    // By id, in one pass each (a report repeating a statement thousands of times made the
    // pairwise comparison quadratic).
    let mut first: std::collections::HashMap<&str, (Option<f64>, bool)> = Default::default();
    for s in &out {
        let e = first.entry(s.id.as_str()).or_insert((s.value, false));
        e.1 |= e.0 != s.value;
    }
    let conflicting: std::collections::HashSet<String> = first
        .into_iter()
        .filter(|(_, (_, conflict))| *conflict)
        .map(|(id, _)| id.to_string())
        .collect();
    out.retain(|s| !conflicting.contains(&s.id));
    // The same figure stated twice is one statement.
    let mut seen: std::collections::HashSet<String> = Default::default();
    out.retain(|s| seen.insert(s.id.clone()));
    out.sort_by_key(|s| s.span.start);
    out
}

/// Puts each statement's figure on its cell as a suggestion where the table lacks it.
pub fn suggest(report: &mut Report) {
    let statements = report.narrative.clone();
    for s in statements {
        let Some(key) = &s.suggest else { continue };
        let Some(cell) = report.cell_mut(key) else {
            continue;
        };
        if matches!(cell.status, CellStatus::Missing | CellStatus::Blank) && cell.value.is_none() {
            cell.suggestion = Some(crate::model::Suggestion {
                value: s.value,
                span: s.span,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn statements(text: &str) -> Vec<(String, f64)> {
        let starts = crate::extract::line_starts(text);
        let whole = 0..text.len();
        read(text, std::slice::from_ref(&whole), "gov-2021", &starts)
            .into_iter()
            .map(|s| (s.id, s.value.unwrap()))
            .collect()
    }

    #[rstest]
    #[case("2024年共收到政府信息依申请公开22件。", "requests_received", 22.0)]
    #[case(
        "全年全市共受理依申请公开614件,予以公开591件",
        "requests_received",
        614.0
    )]
    #[case("2022年受理政府信息公开申请2件", "requests_received", 2.0)]
    #[case("共收到依申请公开67宗,办理67宗。", "requests_received", 67.0)]
    #[case("办理结果为:予以公开16件、无法提供6件", "granted", 16.0)]
    #[case("部分公开13件", "partially_granted", 13.0)]
    #[case(
        "全区行政许可决定数量31461宗、行政处罚决定数量842宗",
        "licensing",
        31461.0
    )]
    #[case("行政事业性收费总金额2181.669177万元。", "fees", 2181.669177)]
    #[case(
        "共制发行政规范性文件16件、废止8件,现行有效的行政规范性文件63件",
        "normative_repealed",
        8.0
    )]
    #[case("收到行政复议申请３件", "reconsiderations", 3.0)]
    fn phrasings_read_their_figures(#[case] text: &str, #[case] id: &str, #[case] want: f64) {
        let got = statements(text);
        assert!(got.contains(&(id.to_string(), want)), "{got:?}");
    }

    #[rstest]
    #[case("全年收到网民意见143条,吸收借鉴64条。")]
    #[case("收到留言数300条、办结留言300条")]
    #[case("通过政府网站主动公开信息2959条")]
    #[case("不予公开")]
    #[case("废止8件")]
    fn unrelated_figures_are_not_statements(#[case] text: &str) {
        assert_eq!(statements(text), vec![]);
    }

    #[test]
    fn not_granted_is_not_granted() {
        let got = statements("不予公开2件。");
        assert_eq!(got, vec![("denied".to_string(), 2.0)]);
    }

    #[rstest]
    #[case("不予以公开3件。", None)]
    #[case("不予以公开3件,予以公开5件。", Some(5.0))]
    #[case("予以公开5件。", Some(5.0))]
    #[case("依法予以公开7件。", Some(7.0))]
    fn granted_is_never_read_after_a_negation(#[case] text: &str, #[case] want: Option<f64>) {
        let granted: Vec<f64> = statements(text)
            .into_iter()
            .filter(|(id, _)| id == "granted")
            .map(|(_, v)| v)
            .collect();
        assert_eq!(granted, want.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn conflicting_figures_are_dropped() {
        let got = statements("2023年予以公开10件。2024年予以公开12件。部分公开1件。");
        assert_eq!(got, vec![("partially_granted".to_string(), 1.0)]);
    }

    #[test]
    fn reading_is_linear_in_the_length_of_the_prose() {
        // One long sentence of repeated statements: each figure's sentence and context were
        // found by scanning the sentence, and duplicates compared pairwise, so 8 times the
        // text took 64 times as long (16 MB never finished). Linear is 8 times; the bound
        // leaves room for a loaded machine. Best of three runs of each size.
        let unit = "予以公开16件，部分公开1件，";
        let time = |n: usize| {
            let text = unit.repeat(n);
            (0..3)
                .map(|_| {
                    let t = std::time::Instant::now();
                    let got = statements(&text);
                    assert_eq!(got.len(), 2);
                    t.elapsed()
                })
                .min()
                .unwrap()
        };
        let (small, large) = (time(250), time(2000));
        assert!(
            large < small * 24,
            "8x the text took {:.1}x as long ({small:?} -> {large:?})",
            large.as_secs_f64() / small.as_secs_f64()
        );
    }
}
