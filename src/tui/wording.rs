//! What a finding says, in the reviewer's language. The core writes English messages (for
//! files and logs); the screen rebuilds them in Chinese from each finding's data and the
//! wording in findings_zh.toml.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::strings::Lang;
use crate::model::{format_value, Finding, Report};

/// The Chinese wording, read once from the embedded data.
struct Zh {
    rules: HashMap<String, String>,
    messages: HashMap<String, String>,
    words: HashMap<String, String>,
    status: HashMap<String, String>,
}

fn zh() -> &'static Zh {
    static ZH: OnceLock<Zh> = OnceLock::new();
    ZH.get_or_init(|| {
        let table: toml::Table = include_str!("findings_zh.toml")
            .parse()
            .expect("findings_zh.toml parses");
        let section = |name: &str| -> HashMap<String, String> {
            table
                .get(name)
                .and_then(|v| v.as_table())
                .map(|t| {
                    t.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default()
        };
        Zh {
            rules: section("rules"),
            messages: section("messages"),
            words: section("words"),
            status: section("status"),
        }
    })
}

/// A rule's name on screen: its id in English, a word in Chinese (identities keep their id).
pub fn rule_name(lang: Lang, rule: &str) -> String {
    match lang {
        Lang::Zh => zh()
            .rules
            .get(rule)
            .cloned()
            .unwrap_or_else(|| rule.to_string()),
        Lang::En => rule.to_string(),
    }
}

/// A cell status's name on screen.
pub fn status_name(lang: Lang, status: crate::model::CellStatus) -> String {
    match lang {
        Lang::Zh => zh()
            .status
            .get(status.as_str())
            .cloned()
            .unwrap_or_else(|| status.as_str().to_string()),
        Lang::En => status.as_str().to_string(),
    }
}

/// The finding's message in `lang`; in Chinese rebuilt from the report's data where the
/// wording knows the rule, else the core's message.
pub fn message(
    lang: Lang,
    report: &Report,
    template: &crate::template::Template,
    f: &Finding,
) -> String {
    if lang == Lang::En {
        return f.message.clone();
    }
    zh_message(report, template, f).unwrap_or_else(|| f.message.clone())
}

fn fill(template: &str, fields: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in fields {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn zh_message(
    report: &Report,
    template: &crate::template::Template,
    f: &Finding,
) -> Option<String> {
    let z = zh();
    let rule = f.rule.as_ref();
    let cell_name = |key: &str| -> Option<String> {
        let (t, r, c) = crate::review::split_key(key)?;
        let spec = template.table(t)?;
        Some(crate::check::cell_name(spec, spec.row_index(r)?, c))
    };
    let one = || -> Option<(String, &crate::model::Cell)> {
        let key = f.cells.first()?;
        Some((cell_name(key)?, report.cell(key)?))
    };
    let text = match rule {
        "blank" | "na" | "invalid" => {
            let (name, cell) = one()?;
            fill(
                z.messages.get(rule)?,
                &[
                    ("name", name),
                    ("raw", cell.raw.clone().unwrap_or_default()),
                ],
            )
        }
        "inferred" | "suggestion" => {
            let (name, cell) = one()?;
            let v = if rule == "suggestion" {
                cell.suggestion.as_ref()?.value
            } else {
                cell.value
            };
            let value = v
                .map(format_value)
                .unwrap_or_else(|| z.words["blank"].clone());
            fill(z.messages.get(rule)?, &[("name", name), ("value", value)])
        }
        "ambiguous" => {
            let (name, cell) = one()?;
            if cell.candidates.is_empty() {
                fill(z.messages.get("ambiguous-none")?, &[("name", name)])
            } else {
                let c: Vec<String> = cell
                    .candidates
                    .iter()
                    .map(|v| {
                        v.map(format_value)
                            .unwrap_or_else(|| z.words["blank"].clone())
                    })
                    .collect();
                fill(
                    z.messages.get(rule)?,
                    &[("name", name), ("candidates", c.join(&z.words["or"]))],
                )
            }
        }
        "narrative-mismatch" => {
            let st = report.narrative.iter().find(|s| s.cells == f.cells)?;
            let sum: f64 = f.cells.iter().filter_map(|k| report.cell(k)?.value).sum();
            let names: Vec<String> = f.cells.iter().filter_map(|k| cell_name(k)).collect();
            let names = if names.len() > 3 {
                format!("{} … {}", names[0], names[names.len() - 1])
            } else {
                names.join(" + ")
            };
            fill(
                z.messages.get(rule)?,
                &[
                    ("quote", st.quote.clone()),
                    ("label", st.label.clone()),
                    ("figure", st.value.map(format_value).unwrap_or_default()),
                    ("sum", format_value(sum)),
                    ("names", names),
                ],
            )
        }
        "missing-table" => {
            let (t, _, _) = crate::review::split_key(f.cells.first()?)?;
            let title = report.table(t)?.title.clone();
            fill(z.messages.get(rule)?, &[("title", title)])
        }
        "missing-row" => {
            let (t, r, _) = crate::review::split_key(f.cells.first()?)?;
            let spec = template.table(t)?;
            let label = spec.rows.get(spec.row_index(r)?)?.label.clone();
            fill(z.messages.get(rule)?, &[("label", label)])
        }
        "stale-review" => z.messages.get(rule)?.clone(),
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_the_checker_words_has_a_chinese_name_and_message() {
        for rule in [
            "blank",
            "na",
            "invalid",
            "inferred",
            "ambiguous",
            "suggestion",
            "narrative-mismatch",
            "missing-table",
            "missing-row",
            "stale-review",
        ] {
            assert!(zh().rules.contains_key(rule), "{rule}");
            assert!(zh().messages.contains_key(rule), "{rule}");
        }
        for rule in crate::extract::EXTRACT_RULES {
            assert!(zh().rules.contains_key(*rule), "{rule}");
        }
        assert_eq!(rule_name(Lang::Zh, "H2"), "H2");
        assert_eq!(
            status_name(Lang::Zh, crate::model::CellStatus::Confirmed),
            "已确认"
        );
    }
}
