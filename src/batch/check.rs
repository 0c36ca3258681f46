//! One report's `check` result as printed, from the cache when the report is unchanged.

use std::path::Path;

use crate::cache::{self, CheckCache, Outcome, Record};
use crate::check::series::Facts;
use crate::error::Error;
use crate::model::Report;
use crate::summary;

/// How `check` prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutput {
    /// One JSON object per report per line.
    Json,
    /// The readable summary with warnings.
    Text,
    /// The readable summary, errors only.
    TextErrorsOnly,
}

impl CheckOutput {
    fn cache_mode(self) -> &'static str {
        match self {
            CheckOutput::Json => "json",
            CheckOutput::Text => "text",
            CheckOutput::TextErrorsOnly => "text-errors",
        }
    }
}

/// How `check` judges each report: what it prints, whether it ignores reviews (`raw`),
/// whether the series checks want its facts, and where its reviews are kept.
#[derive(Debug, Clone, Copy)]
pub struct How<'a> {
    pub output: CheckOutput,
    pub raw: bool,
    pub series: bool,
    pub out_dir: Option<&'a Path>,
}

/// A report checked: what to print, whether a reviewer approved it, whether the cache
/// answered, and what to remember when it was computed afresh.
#[derive(Debug)]
pub struct Checked {
    pub outcome: Outcome,
    pub approved: bool,
    pub from_cache: bool,
    pub new_cache_record: Option<(u128, Record)>,
    /// What the series checks need of the report, when they were asked for.
    pub facts: Option<Facts>,
}

/// Checks one report: the reviewed sidecar's values where one exists (unless `raw`), else
/// the text's, from `cache` when the same bytes were checked before at the same path. With
/// `series`, also the report's [`Facts`] for the checks across reports, cached in the same
/// record as the printed result (after it, with its length last).
pub fn check_report(
    path: &Path,
    how: How<'_>,
    cache: Option<&CheckCache>,
) -> Result<Checked, Error> {
    let How {
        output,
        raw,
        series,
        out_dir,
    } = how;
    let bytes = crate::extract::read_report(path)?;
    // A sidecar changes the result without changing the report's bytes: never cached.
    let text_only = raw || !crate::review::sidecar_path(path, out_dir).exists();
    // A record with facts is another mode's: a run without the series checks never sees one.
    let mode = match (output.cache_mode(), series) {
        (m, false) => m.to_string(),
        (m, true) => format!("{m}+series"),
    };
    let key = (text_only && cache.is_some()).then(|| cache::key(&mode, path, &bytes));
    if let (Some(cache), Some(key)) = (cache, key) {
        if let Some(found) = cache.get(key).and_then(|o| split_facts(o, series)) {
            let (outcome, facts) = found;
            return Ok(Checked {
                outcome,
                approved: false,
                from_cache: true,
                new_cache_record: None,
                facts,
            });
        }
    }
    let (report, approved) = if text_only {
        (crate::extract::extract_bytes(path, &bytes)?.0, false)
    } else {
        let (report, review) = crate::review::reviewed_report(path, out_dir)?;
        let approved = review.is_some_and(|r| r.status == crate::sidecar::ReviewStatus::Approved);
        (report, approved)
    };
    let outcome = render(&report, output);
    let facts = series.then(|| Facts::of(&report));
    // Compressed here, in the worker, rather than where results are written in order.
    let new_cache_record = key.and_then(|k| {
        let record = match &facts {
            None => Record::of(&outcome)?,
            Some(f) => {
                let mut stored = outcome.clone();
                let encoded = f.to_bytes();
                stored.output.extend_from_slice(&encoded);
                stored
                    .output
                    .extend_from_slice(&u32::try_from(encoded.len()).ok()?.to_le_bytes());
                Record::of(&stored)?
            }
        };
        Some((k, record))
    });
    Ok(Checked {
        outcome,
        approved,
        from_cache: false,
        new_cache_record,
        facts,
    })
}

/// A cached outcome's printed part and, in a series run, the facts stored after it; None when
/// the facts do not read back (then the report is checked afresh).
fn split_facts(mut outcome: Outcome, series: bool) -> Option<(Outcome, Option<Facts>)> {
    if !series {
        return Some((outcome, None));
    }
    let n = outcome.output.len();
    let len =
        u32::from_le_bytes(outcome.output.get(n.checked_sub(4)?..)?.try_into().ok()?) as usize;
    let start = n.checked_sub(4 + len)?;
    let facts = Facts::from_bytes(&outcome.output[start..n - 4])?;
    outcome.output.truncate(start);
    Some((outcome, Some(facts)))
}

/// The lines `check` prints for `report`.
pub fn render(report: &Report, output: CheckOutput) -> Outcome {
    let (errors, warnings) = (report.errors(), report.warnings());
    let bytes = match output {
        CheckOutput::Json => {
            let line = JsonLine {
                errors,
                findings: report.findings.iter().map(JsonFinding::of).collect(),
                path: &report.source.path,
                template: &report.template,
                warnings,
            };
            let mut v = Vec::with_capacity(256 + 160 * report.findings.len());
            // Serializing borrowed fields cannot fail.
            let _ = serde_json::to_writer(&mut v, &line);
            v.push(b'\n');
            v
        }
        CheckOutput::Text => summary::check_summary(report, true).into_bytes(),
        CheckOutput::TextErrorsOnly => summary::check_summary(report, false).into_bytes(),
    };
    Outcome {
        errors: u32::try_from(errors).unwrap_or(u32::MAX),
        warnings: u32::try_from(warnings).unwrap_or(u32::MAX),
        output: bytes,
    }
}

/// One line of `check --json`, borrowed from the report. Keys in alphabetical order, the order
/// this line has always had (it was built as a `serde_json::Value`, whose maps sort their keys;
/// building that tree copied every finding).
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    errors: usize,
    findings: Vec<JsonFinding<'a>>,
    path: &'a str,
    template: &'a str,
    warnings: usize,
}

/// A finding in a `check --json` line (keys in alphabetical order, as [`JsonLine`]).
#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    cells: &'a [String],
    /// A reviewer's dismissal of this warning (it is then not counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    dismissed: Option<&'a crate::model::Dismissal>,
    message: &'a str,
    rule: &'a str,
    severity: crate::model::Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    span: Option<JsonSpan>,
}

/// A span in a `check --json` line (keys in alphabetical order, as [`JsonLine`]).
#[derive(serde::Serialize)]
struct JsonSpan {
    end: usize,
    line: usize,
    start: usize,
}

impl<'a> JsonFinding<'a> {
    fn of(f: &'a crate::model::Finding) -> Self {
        JsonFinding {
            cells: &f.cells,
            dismissed: f.dismissed.as_ref(),
            message: &f.message,
            rule: &f.rule,
            severity: f.severity,
            span: f.span.map(|s| JsonSpan {
                end: s.end,
                line: s.line,
                start: s.start,
            }),
        }
    }
}
