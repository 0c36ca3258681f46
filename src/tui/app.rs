//! The review screen's state: one `App`, changed only by `update`.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::model::{Report, Severity};
use crate::review::ReviewDoc;
use crate::sidecar::ReviewStatus;

use super::strings::Lang;

/// Options from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    pub reviewer: String,
    pub out_dir: Option<PathBuf>,
    pub lang: Lang,
    /// Draw borders with ASCII instead of box-drawing characters.
    pub ascii: bool,
    /// The terminal draws East-Asian ambiguous-width characters two columns wide.
    pub ambiguous_wide: bool,
    pub color: bool,
    /// Which names are one body, for the checks across reports; None: those checks are off.
    pub bodies: Option<crate::check::series::Bodies>,
    /// The active keys (defaults, or the reviewer's keys.toml).
    pub keymap: std::sync::Arc<super::keymap::Keymap>,
    /// A message for the first screen (a bad keys file).
    pub notice: Option<String>,
    /// Where the last session saved (config/last-report is kept up to date), if anywhere.
    pub config_dir: Option<PathBuf>,
    /// The report last worked on: the queue opens there when it holds it.
    pub resume: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reviewer: "reviewer".into(),
            out_dir: None,
            lang: Lang::En,
            ascii: false,
            ambiguous_wide: false,
            color: true,
            bodies: Some(Default::default()),
            keymap: Default::default(),
            notice: None,
            config_dir: None,
            resume: None,
        }
    }
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Grid,
    Source,
}

/// What a prompt's answer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    ApproveReason,
    RejectReason,
    PostponeReason,
    SecondReviewReason,
    Search,
    /// The queue list's filter.
    QueueFilter,
    /// The selected cell's note.
    Note,
    /// Why the finding (an index into the report's findings) is dismissed.
    DismissReason(usize),
}

/// A one-line editor with readline keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
}

impl LineEditor {
    /// An editor holding `text`, cursor at the end.
    pub fn with(text: &str) -> Self {
        LineEditor {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    fn byte(&self, char_pos: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_pos)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Applies an editing key (not submit or cancel).
    pub fn apply(&mut self, key: &super::msg::EditorKey) {
        use super::msg::EditorKey::*;
        let len = self.text.chars().count();
        match key {
            Insert(c) => {
                let b = self.byte(self.cursor);
                self.text.insert(b, *c);
                self.cursor += 1;
            }
            Backspace if self.cursor > 0 => {
                let b = self.byte(self.cursor - 1);
                self.text.remove(b);
                self.cursor -= 1;
            }
            Delete if self.cursor < len => {
                let b = self.byte(self.cursor);
                self.text.remove(b);
            }
            Left => self.cursor = self.cursor.saturating_sub(1),
            Right => self.cursor = (self.cursor + 1).min(len),
            Home => self.cursor = 0,
            End => self.cursor = len,
            KillToStart => {
                let b = self.byte(self.cursor);
                self.text.replace_range(..b, "");
                self.cursor = 0;
            }
            KillToEnd => {
                let b = self.byte(self.cursor);
                self.text.truncate(b);
            }
            DeleteWord => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                let (a, b) = (self.byte(start), self.byte(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
            }
            _ => {}
        }
    }
}

/// The screen's mode.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// Editing the selected cell's value.
    Editing(LineEditor),
    Prompt(PromptKind, LineEditor),
    Help,
    Queue {
        selected: usize,
    },
    /// Waiting for `y` to accept all suggestions (how many).
    ConfirmAcceptAll(usize),
    /// A finding across reports: both reports' cells and source lines side by side.
    Compare(Box<crate::check::series::SeriesFinding>),
    /// Every finding of the report, errors first; `selected` is a position in that list.
    Findings {
        selected: usize,
    },
}

/// The selected cell: table, row and cell index within the row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub table: usize,
    pub row: usize,
    pub col: usize,
}

/// What the queue list knows of a report without opening it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub organization: Option<String>,
    pub year: Option<i32>,
    pub status: Option<ReviewStatus>,
    /// Who set the status last (who asked, for a second-review request).
    pub status_by: Option<String>,
    pub reviewed: bool,
    pub errors: usize,
    pub warnings: usize,
    /// Rules of the report's open findings, each once (the queue's `rule:` filter).
    pub rules: Vec<String>,
    /// What the checks across reports need; moved into the series state when it arrives.
    pub facts: Option<crate::check::series::Facts>,
}

/// One report of the queue.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub summary: Option<Summary>,
    /// Boxed: a queue holds tens of thousands of entries and only a few are open.
    pub doc: Option<Box<ReviewDoc>>,
    /// Why the report could not be opened.
    pub failed: Option<String>,
}

impl Entry {
    /// An entry not yet summarised or opened.
    pub fn new(path: PathBuf) -> Entry {
        Entry {
            path,
            summary: None,
            doc: None,
            failed: None,
        }
    }
}

/// How the queue list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    File,
    Errors,
    Status,
}

/// A status-line message and whether it is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// The whole state of the review screen.
#[derive(Debug, Clone)]
pub struct App {
    pub options: Options,
    pub queue: Vec<Entry>,
    pub current: usize,
    pub cursor: Cursor,
    pub focus: Focus,
    pub mode: Mode,
    pub notice: Option<Notice>,
    /// Manual scroll of the source pane; `None` follows the selected cell.
    pub source_scroll: Option<usize>,
    /// Start of the last search match in the source.
    pub search_hit: Option<(usize, usize)>,
    pub last_search: String,
    pub pending_g: bool,
    pub size: (u16, u16),
    pub sort: SortKey,
    /// The queue list's filter (docs/review.md): words all of which a report must match.
    pub queue_filter: String,
    /// First line of the help overlay shown (it scrolls on short terminals).
    pub help_scroll: u16,
    /// The last save failed: edits are only in memory.
    pub save_failed: bool,
    /// Quit was asked once while edits were unsaved.
    pub quit_armed: bool,
    pub quit: bool,
    /// The queue's folders are still being walked; the count shown is a lower bound.
    pub listing: bool,
    /// The checks across reports: facts, bodies and findings.
    pub series: super::series::SeriesState,
    /// The report to resume at, until it is listed or the reviewer presses a key.
    pub resume: Option<PathBuf>,
    /// The report last written to config/last-report.
    pub remembered: Option<PathBuf>,
}

impl App {
    /// A queue of reports; nothing is opened until `update` loads the first.
    pub fn new(paths: Vec<PathBuf>, options: Options) -> Self {
        let notice = options
            .notice
            .clone()
            .map(|text| Notice { text, error: true });
        let resume = options.resume.clone();
        let mut app = App {
            options,
            notice,
            queue: paths.into_iter().map(Entry::new).collect(),
            current: 0,
            cursor: Cursor::default(),
            focus: Focus::Grid,
            mode: Mode::Normal,
            source_scroll: None,
            search_hit: None,
            last_search: String::new(),
            pending_g: false,
            size: (100, 30),
            sort: SortKey::File,
            queue_filter: String::new(),
            help_scroll: 0,
            save_failed: false,
            quit_armed: false,
            quit: false,
            listing: false,
            series: Default::default(),
            resume,
            remembered: None,
        };
        app.resume_if_listed(0);
        app
    }

    /// Opens at the report last worked on if it is among the entries from `from` on and the
    /// reviewer has not moved yet.
    pub fn resume_if_listed(&mut self, from: usize) {
        let Some(target) = &self.resume else {
            return;
        };
        if let Some(i) = self.queue[from..].iter().position(|e| &e.path == target) {
            if self.current == 0 && self.doc().is_none_or(|d| d.log.is_empty()) {
                self.current = from + i;
                // A problem to report (a bad keys file) matters more than where we opened.
                if self.notice.is_none() {
                    let s = self.options.lang.strings();
                    self.notice = Some(Notice {
                        text: s.resumed.into(),
                        error: false,
                    });
                }
            }
            self.resume = None;
        }
    }

    /// A queue whose folders are still being walked: more entries follow (`Msg::Listed`).
    pub fn listing(mut self) -> Self {
        self.listing = true;
        self
    }

    /// The open report, if it could be opened.
    pub fn doc(&self) -> Option<&ReviewDoc> {
        self.queue.get(self.current)?.doc.as_deref()
    }

    /// The open report, mutably.
    pub fn doc_mut(&mut self) -> Option<&mut ReviewDoc> {
        self.queue.get_mut(self.current)?.doc.as_deref_mut()
    }

    /// The reviewed grid of the open report.
    pub fn report(&self) -> Option<&Report> {
        self.doc().map(|d| &d.current)
    }

    /// Key of the selected cell.
    pub fn cursor_key(&self) -> Option<String> {
        cell_key_at(self.report()?, self.cursor)
    }
}

/// The key of the cell at `cursor`.
pub fn cell_key_at(report: &Report, cursor: Cursor) -> Option<String> {
    let t = report.tables.get(cursor.table)?;
    let r = t.rows.get(cursor.row)?;
    let c = r.cells.get(cursor.col)?;
    Some(crate::model::cell_key(&t.id, &r.key, &c.column))
}

/// Every cell position in reading order: tables, rows top to bottom, columns left to right.
pub fn reading_order(report: &Report) -> Vec<Cursor> {
    let mut out = Vec::new();
    for (ti, t) in report.tables.iter().enumerate() {
        for (ri, r) in t.rows.iter().enumerate() {
            for ci in 0..r.cells.len() {
                out.push(Cursor {
                    table: ti,
                    row: ri,
                    col: ci,
                });
            }
        }
    }
    out
}

/// How a cell is flagged: by which severity, and whether it is the likeliest culprit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag {
    pub severity: Option<Severity>,
    /// Lies in failing identities.
    pub identity: bool,
    /// Lies in the most failing identities of all cells (the likeliest wrong one).
    pub culprit: bool,
}

/// Flags of every flagged cell of a report, by key.
pub fn flags(report: &Report) -> HashMap<String, Flag> {
    let mut out: HashMap<String, Flag> = HashMap::new();
    let mut identity_count: HashMap<&str, usize> = HashMap::new();
    for f in report.findings.iter().filter(|f| f.dismissed.is_none()) {
        let is_identity = f.rule.starts_with('H') || f.rule.starts_with('S');
        for key in &f.cells {
            let e = out.entry(key.clone()).or_default();
            e.severity = e.severity.max(Some(f.severity));
            if is_identity && f.severity == Severity::Error {
                e.identity = true;
                *identity_count.entry(key.as_str()).or_default() += 1;
            }
        }
    }
    // Among the cells of each failing identity, the one in the most failing identities.
    for f in &report.findings {
        if !(f.rule.starts_with('H') && f.severity == Severity::Error) {
            continue;
        }
        let best = f
            .cells
            .iter()
            .map(|k| identity_count.get(k.as_str()).copied().unwrap_or(0))
            .max()
            .unwrap_or(0);
        if best >= 2 {
            for k in &f.cells {
                if identity_count.get(k.as_str()).copied().unwrap_or(0) == best {
                    if let Some(e) = out.get_mut(k) {
                        e.culprit = true;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::msg::EditorKey;

    #[test]
    fn line_editor_readline_keys() {
        let mut e = LineEditor::with("12 345");
        e.apply(&EditorKey::DeleteWord);
        assert_eq!(e.text, "12 ");
        e.apply(&EditorKey::Home);
        e.apply(&EditorKey::Insert('9'));
        assert_eq!((e.text.as_str(), e.cursor), ("912 ", 1));
        e.apply(&EditorKey::KillToEnd);
        assert_eq!(e.text, "9");
        e.apply(&EditorKey::Backspace);
        e.apply(&EditorKey::Backspace);
        assert_eq!(e.text, "");
        let mut z = LineEditor::with("原因ab");
        z.apply(&EditorKey::Left);
        z.apply(&EditorKey::Left);
        z.apply(&EditorKey::KillToStart);
        assert_eq!(z.text, "ab");
    }
}
