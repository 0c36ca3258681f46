//! The checks across reports on the review screen: each queue entry's facts, grouped by body,
//! and the findings of each body, re-checked whenever one of its reports changes. Called
//! only from `update`.

use std::collections::HashMap;

use crate::check::series::{self, Facts, SeriesFinding, Side};

use super::app::{App, Cursor};

/// What the screen knows across reports.
#[derive(Debug, Clone, Default)]
pub struct SeriesState {
    /// Each queue entry's facts and body, by entry index.
    entries: HashMap<usize, (Facts, Option<String>)>,
    /// Queue entries of each body.
    members: HashMap<String, Vec<usize>>,
    /// Findings of each body.
    findings: HashMap<String, Vec<SeriesFinding>>,
    /// How two reports of one year differ, by their values' digests: found once, since every
    /// report of the body that arrives checks the body again.
    differences: HashMap<(u64, u64), Option<Vec<series::Difference>>>,
}

impl SeriesState {
    /// The findings about the report at `path` (of body `body`).
    fn about<'a>(&'a self, body: &str, path: &'a str) -> impl Iterator<Item = &'a SeriesFinding> {
        self.findings
            .get(body)
            .into_iter()
            .flatten()
            .filter(move |f| f.names(path))
    }
}

/// Entry `i`'s facts have changed (or arrived): its body, and the body it left, are checked
/// again, so a change in one report shows in its neighbours at once.
pub fn note_facts(app: &mut App, i: usize, facts: Facts) {
    let Some(bodies) = &app.options.bodies else {
        return;
    };
    let body = bodies.key_of(&facts);
    let old = app
        .series
        .entries
        .insert(i, (facts, body.clone()))
        .and_then(|(_, b)| b);
    if old != body {
        if let Some(old) = &old {
            if let Some(m) = app.series.members.get_mut(old) {
                m.retain(|&j| j != i);
            }
        }
        if let Some(body) = &body {
            app.series.members.entry(body.clone()).or_default().push(i);
        }
    }
    for b in [old, body].into_iter().flatten() {
        recheck(app, &b);
    }
}

fn recheck(app: &mut App, body: &str) {
    let members = app.series.members.get(body).cloned().unwrap_or_default();
    let facts: Vec<&Facts> = members
        .iter()
        .filter_map(|i| app.series.entries.get(i).map(|(f, _)| f))
        .collect();
    let out_dir = app.options.out_dir.clone();
    let memo = std::cell::RefCell::new(std::mem::take(&mut app.series.differences));
    // Two reports of one year are compared cell by cell: read again only then.
    let differ = |a: &Facts, b: &Facts| {
        if let Some(known) = memo.borrow().get(&(a.digest, b.digest)) {
            return known.clone();
        }
        let load = |f: &Facts| {
            crate::review::reviewed_report(std::path::Path::new(&f.path), out_dir.as_deref())
                .ok()
                .map(|r| r.0)
        };
        let found = load(a)
            .zip(load(b))
            .map(|(x, y)| series::differences(&x, &y));
        memo.borrow_mut()
            .insert((a.digest, b.digest), found.clone());
        found
    };
    let found = series::check_body(&facts, &differ);
    app.series.differences = memo.into_inner();
    if found.is_empty() {
        app.series.findings.remove(body);
    } else {
        app.series.findings.insert(body.to_string(), found);
    }
}

/// The findings about the open report.
pub fn current(app: &App) -> Vec<&SeriesFinding> {
    let Some((facts, Some(body))) = app.series.entries.get(&app.current) else {
        return Vec::new();
    };
    app.series.about(body, &facts.path).collect()
}

/// The open report's finding the selected cell takes part in, else its first one: the one
/// `o` and `v` act on.
pub fn related(app: &App) -> Option<&SeriesFinding> {
    let here = current(app);
    let path = &app.series.entries.get(&app.current)?.0.path;
    let key = app.cursor_key();
    here.iter()
        .find(|f| {
            key.as_ref()
                .is_some_and(|k| f.sides_from(path).0.cells.contains(k))
        })
        .or(here.first())
        .copied()
}

/// The open report's side and the other report's side of `f`.
pub fn sides<'a>(app: &App, f: &'a SeriesFinding) -> (&'a Side, &'a Side) {
    let path = app
        .series
        .entries
        .get(&app.current)
        .map(|(facts, _)| facts.path.as_str())
        .unwrap_or_default();
    f.sides_from(path)
}

/// The queue entry of the report at `path`.
pub fn entry_of(app: &App, path: &str) -> Option<usize> {
    app.series
        .entries
        .iter()
        .find(|(_, (f, _))| f.path == path)
        .map(|(i, _)| *i)
        .or_else(|| {
            app.queue
                .iter()
                .position(|e| e.path.to_string_lossy() == path)
        })
}

/// Where the cell `key` stands in the open report's grid.
pub fn cursor_of(app: &App, key: &str) -> Option<Cursor> {
    let report = app.report()?;
    super::app::reading_order(report)
        .into_iter()
        .find(|c| super::app::cell_key_at(report, *c).as_deref() == Some(key))
}

/// The open report's cells named by findings across reports, with the worst severity.
pub fn flagged_cells(app: &App) -> HashMap<String, crate::model::Severity> {
    let mut out: HashMap<String, crate::model::Severity> = HashMap::new();
    for f in current(app) {
        for k in &sides(app, f).0.cells {
            let e = out.entry(k.clone()).or_insert(f.severity);
            *e = (*e).max(f.severity);
        }
    }
    out
}

/// A file's name, for the screen (paths are long and the folder is the queue's).
pub fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |f| f.to_string_lossy().into_owned())
}

/// `f`'s message with the reports' paths shortened to their file names.
pub fn display_message(f: &SeriesFinding) -> String {
    let mut m = crate::summary::printable(&f.message).into_owned();
    for side in [&f.this, &f.last] {
        let p = crate::summary::printable(&side.path).into_owned();
        m = m.replace(&p, &file_name(&side.path));
    }
    m
}
