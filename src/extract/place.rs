//! Putting a row's printed values into its cells: exact rows directly, short rows (blank
//! cells dropped, or digits glued together) as candidate fillings for the identity solver.

use super::align::{self, ShortRun};
use super::tokenize::Token;
use super::{span_of, RowHit, TableBuilder};
use crate::model::{CellStatus, Finding, Severity};
use crate::template::CellAt;
use crate::value::{self, Piece};

/// Trailing empty cells beyond a row's width that still read as the row's own blanks.
pub(super) const PADDING_SLACK: usize = 3;

/// A short run waiting for the solver, with where each choice's values come from.
pub(super) struct QueuedRun {
    run: ShortRun,
    /// Per choice and slot (choice after choice, as the run's values): the bytes of the text
    /// that give the value (None: blank).
    sources: Vec<Option<(usize, usize)>>,
    /// The printed value tokens, left to right.
    value_tokens: Vec<usize>,
    /// The choice that explicit trailing empty cells suggest, if any.
    explicit: Option<usize>,
    /// The value slots explicit trailing empty cells suggest (to enumerate the run again).
    explicit_slots: Option<Vec<usize>>,
    /// Whether placements breaking the run's own identities were left out.
    filtered: bool,
    /// Whether some readings were never listed (too many cuts of a long glued run): then no
    /// cell of the run can be more than a question.
    incomplete: bool,
    /// The same for the readings that give every cell a figure.
    incomplete_full: bool,
}

impl QueuedRun {
    /// Whether choice `c` gives every slot a figure.
    fn is_full(&self, c: usize) -> bool {
        let n = self.run.slots.len();
        self.sources[c * n..(c + 1) * n].iter().all(Option::is_some)
    }

    /// The choices that fill every slot, when they all give the same values (one reading of
    /// the digits fills the run); `None` otherwise.
    fn only_full_reading(&self) -> Option<Vec<usize>> {
        let n = self.run.slots.len();
        let full: Vec<usize> = (0..self.run.choices())
            .filter(|&c| self.is_full(c))
            .collect();
        let first = *full.first()?;
        full.iter()
            .all(|&c| (0..n).all(|si| self.run.value(c, si) == self.run.value(first, si)))
            .then_some(full)
    }

    /// The choices that give every slot a figure, as a run of their own with each one's index
    /// among all choices; `None` unless the run has such choices and others too (a glued
    /// run that could also be read with blanks dropped).
    fn full_choices(&self) -> Option<(ShortRun, Vec<usize>)> {
        let n = self.run.slots.len();
        let original: Vec<usize> = (0..self.run.choices())
            .filter(|&c| self.is_full(c))
            .collect();
        if original.is_empty() || original.len() == self.run.choices() {
            return None;
        }
        let mut run = ShortRun::new(self.run.slots.clone());
        run.reserve(original.len());
        let mut values = vec![0.0; n];
        for &c in &original {
            for (si, v) in values.iter_mut().enumerate() {
                *v = self.run.value(c, si);
            }
            run.push_choice(&values);
        }
        Some((run, original))
    }

    /// A run whose values cannot be placed with any confidence (unreadable, or too many ways).
    fn unreadable(slots: &[CellAt], values: &[usize]) -> QueuedRun {
        QueuedRun {
            run: ShortRun::new(slots.to_vec()),
            sources: Vec::new(),
            value_tokens: values.to_vec(),
            explicit: None,
            explicit_slots: None,
            filtered: false,
            incomplete: false,
            incomplete_full: false,
        }
    }
}

/// A value with the bytes of the text it was read from.
pub(super) type Sourced = (f64, usize, usize);

/// Ways to fill one short run considered at most; past this it stays ambiguous.
pub(super) const MAX_CHOICES: usize = 20_000;
/// Slots decided while enumerating one short run's placements, at most (about what storing
/// `MAX_CHOICES` placements of a long run costs); past this it stays ambiguous.
const PLACEMENT_BUDGET: usize = 400_000;

/// Calls `f` with every sequence made by picking one alternative per printed value; false when
/// `f` asked to stop.
pub(super) fn expand(
    alternatives: &[Vec<Vec<Sourced>>],
    at: usize,
    sequence: &mut Vec<Sourced>,
    f: &mut dyn FnMut(&[Sourced]) -> bool,
) -> bool {
    let Some(options) = alternatives.get(at) else {
        return f(sequence);
    };
    for option in options {
        let len = sequence.len();
        sequence.extend_from_slice(option);
        let go_on = expand(alternatives, at + 1, sequence, f);
        sequence.truncate(len);
        if !go_on {
            return false;
        }
    }
    true
}

/// `raw` with full-width digits folded to ASCII, and where each byte of the result stands in
/// `raw` (with one entry past the end); no copy when there are none.
fn fold_digits(raw: &str) -> (std::borrow::Cow<'_, str>, Option<Vec<usize>>) {
    if !raw.chars().any(|c| ('０'..='９').contains(&c)) {
        return (std::borrow::Cow::Borrowed(raw), None);
    }
    let mut out = String::with_capacity(raw.len());
    let mut offsets = Vec::with_capacity(raw.len() + 1);
    for (i, c) in raw.char_indices() {
        let f = crate::value::fold_char(c);
        for _ in 0..f.len_utf8() {
            offsets.push(i);
        }
        out.push(f);
    }
    offsets.push(raw.len());
    (std::borrow::Cow::Owned(out), Some(offsets))
}

/// Whether a value token is several cells run together: digits glued to a label, a figure with
/// a leading zero (`000023`), or one too long to be a single count.
pub(super) fn looks_glued(tok: &Token, raw: &str) -> bool {
    let digits = raw.bytes().all(|b| b.is_ascii_digit());
    digits && (tok.glued || (raw.len() > 1 && raw.starts_with('0')) || raw.len() >= 10)
}

/// Ways to cut a digit string into 1..=max pieces, none with a leading zero (except `0`), as
/// byte ranges: those with the most pieces first, since glued tables usually print every
/// cell, and at most `MAX_CHOICES` in all. Also the fewest pieces down to which every cut is
/// listed (1 when the list is whole): a list cut short may lack the right reading.
pub(super) fn digit_splits(digits: &str, max: usize) -> (Vec<Vec<(usize, usize)>>, usize) {
    fn go(
        d: &[u8],
        at: usize,
        left: usize,
        cur: &mut Vec<(usize, usize)>,
        out: &mut Vec<Vec<(usize, usize)>>,
    ) -> bool {
        if out.len() >= MAX_CHOICES {
            return false;
        }
        let rest = d.len() - at;
        if left == 0 {
            if rest == 0 {
                out.push(cur.clone());
            }
            return true;
        }
        // Each piece is one to nine digits.
        if rest < left || rest > left * 9 {
            return true;
        }
        let longest = if d[at] == b'0' { 1 } else { rest.min(9) };
        for len in 1..=longest {
            cur.push((at, at + len));
            let go_on = go(d, at + len, left - 1, cur, out);
            cur.pop();
            if !go_on {
                return false;
            }
        }
        true
    }
    let d = digits.as_bytes();
    let mut out = Vec::new();
    for k in (1..=max.min(d.len())).rev() {
        if !go(d, 0, k, &mut Vec::new(), &mut out) {
            return (out, k + 1);
        }
    }
    (out, 1)
}

/// Which slots take signed figures, and the text to tell a figure's sign by.
pub(super) struct Signs<'t> {
    text: &'t str,
    slot_signed: Vec<bool>,
}

impl Signs<'_> {
    /// Whether a figure was printed with a sign.
    fn is_signed(&self, s: &Sourced) -> bool {
        s.0 < 0.0 || matches!(self.text.as_bytes().get(s.1), Some(b'+' | b'-'))
    }
}

/// The placements of one reading of a short run that keep `own`, with their sources; `None`
/// when there are too many to consider.
fn fill_run(
    slots: &[CellAt],
    values: &[usize],
    alternatives: &[Vec<Vec<Sourced>>],
    own: &align::OwnChecks,
    explicit: Option<&[usize]>,
    full_only: bool,
    signs: &Signs,
) -> Option<QueuedRun> {
    let n = slots.len();
    let mut run = ShortRun::new(slots.to_vec());
    let mut sources: Vec<Option<(usize, usize)>> = Vec::new();
    let mut explicit_choice = None;
    let mut sequence: Vec<Sourced> = Vec::new();
    let mut seq_values: Vec<f64> = Vec::new();
    let mut budget = PLACEMENT_BUDGET;
    let single_reading = alternatives.iter().all(|a| a.len() == 1);
    if single_reading {
        // One placement per combination, or a few when the run's own identities prune them.
        let count =
            align::binomial(n, values.len()).min(if own.is_empty() { MAX_CHOICES } else { 64 });
        run.reserve(count);
        sources.reserve(count * n);
    }
    let complete = expand(alternatives, 0, &mut sequence, &mut |seq| {
        if seq.len() > n || (full_only && seq.len() < n) {
            return true;
        }
        seq_values.clear();
        seq_values.extend(seq.iter().map(|s| s.0));
        align::for_each_placement(n, &seq_values, own, &mut budget, &mut |place, vals| {
            if run.choices() >= MAX_CHOICES {
                return false;
            }
            // A figure printed with a sign stands only in a column of changes (本年增/减).
            if place
                .iter()
                .enumerate()
                .any(|(i, &slot)| !signs.slot_signed[slot] && signs.is_signed(&seq[i]))
            {
                return true;
            }
            let at = sources.len();
            sources.resize(at + n, None);
            for (i, &slot) in place.iter().enumerate() {
                sources[at + slot] = Some((seq[i].1, seq[i].2));
            }
            if single_reading && explicit == Some(place) {
                explicit_choice = Some(run.choices());
            }
            run.push_choice(vals);
            true
        })
    });
    complete.then(|| QueuedRun {
        run,
        sources,
        value_tokens: values.to_vec(),
        explicit: explicit_choice,
        explicit_slots: explicit.map(<[usize]>::to_vec),
        filtered: !own.is_empty(),
        incomplete: false,
        incomplete_full: false,
    })
}

impl TableBuilder<'_> {
    /// Puts a row's printed tokens into its cells, or queues it for the solver when short.
    pub(super) fn place(&mut self, tokens: &[Token], hit: &RowHit, slots: &[CellAt]) {
        let mut printed = hit.slots.clone();
        while printed.last().is_some_and(|&i| !tokens[i].is_value()) {
            printed.pop();
        }
        // Trailing empty cells may be the row's own blanks (`规章 |  | 0 |  |`) or mere
        // structure (`| 22 | ||`, seed 000; a long merged-header tail, seed 001). When the row
        // prints about as many cells as it has, that reading is kept as a preference for the
        // solver, which accepts it only if the identities allow it.
        let n_slots = slots.len();
        let explicit = (printed.len() < n_slots
            && (n_slots..=n_slots + PADDING_SLACK).contains(&hit.slots.len()))
        .then(|| {
            (0..n_slots)
                .filter(|&p| tokens[hit.slots[p]].is_value())
                .collect::<Vec<usize>>()
        });
        let mut values: Vec<usize> = printed
            .iter()
            .copied()
            .filter(|&i| tokens[i].is_value())
            .collect();
        let n = slots.len();
        if values.is_empty() {
            return;
        }
        if let Some(at) = self.subtotal_at.filter(|_| values.len() == n + 1) {
            // The eight-column form: the 法人或其他组织 subtotal is checked, then set aside.
            let sub = values.remove(at);
            self.check_subtotal(tokens, hit, slots, &values, sub);
            printed = values.clone();
        }
        if values.len() == n {
            printed = values.clone();
        } else if printed.len() != n && hit.label == usize::MAX {
            // A run without a label: empty cells before its first value are header padding.
            let first = printed
                .iter()
                .position(|&i| tokens[i].is_value())
                .unwrap_or(0);
            if printed.len() - first == n {
                printed.drain(..first);
            }
        }
        // Explicit fields for every cell (`（一）予以公开|258|12|||1|1|`, Word's lone tabs):
        // every position is known, so an empty field is that column's blank, not a dropped
        // cell; one trailing empty field more is the row's closing separator.
        // Only fields between separators on the row's line count: an empty cell that runs
        // over a line end is layout (a table's last separator, a cell per line).
        let fields = &hit.slots;
        let inline = |i: usize| {
            tokens[i].is_value()
                || self.text.as_bytes()[tokens[i].start..]
                    .iter()
                    .take_while(|&&b| b != b'|' && b != b'\t')
                    .all(|&b| b != b'\n')
        };
        // A last empty cell that runs to the line's end (the table's closing separator before
        // the next section) is no field.
        let fields = match fields.split_last() {
            Some((&last, rest)) if fields.len() == n + 1 && !inline(last) => rest,
            _ => &fields[..],
        };
        let explicit_fields = values.len() < n
            && fields.len() == n
            && fields.iter().all(|&i| inline(i))
            && self.subtotal_at.is_none();
        if explicit_fields {
            printed = fields[..n].to_vec();
        }
        if printed.len() == n {
            for (&slot, &ti) in slots.iter().zip(&printed) {
                if tokens[ti].is_value() {
                    self.set_value(slot, (tokens[ti].start, tokens[ti].end), CellStatus::Ok);
                }
            }
        } else if values.len() > n {
            self.overflow(tokens, hit, slots, &values);
        } else {
            let queued = self.short_run(tokens, slots, &values, explicit.as_deref(), true);
            self.runs.push(queued);
        }
    }

    /// Every way the printed values could fill `slots`: order-preserving placements, and for a
    /// digit run that lost its separators (`8855698`), every split of it into values.
    pub(super) fn short_run(
        &self,
        tokens: &[Token],
        slots: &[CellAt],
        values: &[usize],
        explicit: Option<&[usize]>,
        own_checks: bool,
    ) -> QueuedRun {
        let n = slots.len();
        let mut alternatives: Vec<Vec<Vec<Sourced>>> = Vec::new();
        let mut incomplete = false;
        let mut incomplete_full = false;
        // Once one figure of a row is glued, its neighbours may be too (`230 000023`).
        // Full-width digits are cut like ASCII ones; each value's offsets map back to the
        // text's bytes.
        let folded: Vec<_> = values
            .iter()
            .map(|&ti| fold_digits(&self.text[tokens[ti].start..tokens[ti].end]))
            .collect();
        let row_glued = self.table_glued
            || values
                .iter()
                .zip(&folded)
                .any(|(&ti, (raw, _))| looks_glued(&tokens[ti], raw));
        for (&ti, (raw, offsets)) in values.iter().zip(&folded) {
            let tok = &tokens[ti];
            let raw: &str = raw;
            let at = |k: usize| offsets.as_ref().map_or(k, |o| o[k]);
            let Some(v) = self.solver_value(tok) else {
                // An unreadable value makes any placement a guess.
                return QueuedRun::unreadable(slots, values);
            };
            let digits = raw.len() > 1 && raw.bytes().all(|b| b.is_ascii_digit());
            // A signed figure glued to the next cells (`+20` for +2 and 0): the sign opens the
            // first piece, the digits are cut like any glued run.
            let sign = usize::from(
                matches!(raw.as_bytes().first(), Some(b'+' | b'-'))
                    && raw.len() > 2
                    && raw[1..].bytes().all(|b| b.is_ascii_digit())
                    && (tok.glued || row_glued),
            );
            if sign == 1 || looks_glued(tok, raw) || (row_glued && digits) {
                let body = &raw[sign..];
                let (splits, complete_from) = digit_splits(body, n);
                if splits.is_empty() {
                    return QueuedRun::unreadable(slots, values);
                }
                incomplete |= complete_from > 1;
                // A run printed as one glued token has its full cuts whole when the cuts
                // into exactly `n` pieces were all listed.
                incomplete_full |= values.len() > 1 || complete_from > n;
                alternatives.push(
                    splits
                        .into_iter()
                        .map(|pieces| {
                            pieces
                                .into_iter()
                                .map(|(a, b)| {
                                    let (a, b) = if a == 0 {
                                        (0, b + sign)
                                    } else {
                                        (a + sign, b + sign)
                                    };
                                    (
                                        raw[a..b].parse::<f64>().unwrap_or(0.0),
                                        tok.start + at(a),
                                        tok.start + at(b),
                                    )
                                })
                                .collect()
                        })
                        .collect(),
                );
            } else {
                alternatives.push(vec![vec![(v, tok.start, tok.end)]]);
            }
        }
        let table_id = &self.spec.id;
        let own = if own_checks {
            align::OwnChecks::new(
                slots,
                self.template
                    .identities()
                    .iter()
                    .filter(|i| &i.table == table_id),
            )
        } else {
            align::OwnChecks::default()
        };
        let signs = Signs {
            text: self.text,
            slot_signed: slots
                .iter()
                .map(|&at| {
                    let column = &self.table.rows[at.row].cells[at.cell].column;
                    self.spec
                        .column(column)
                        .is_some_and(|c| c.kind == crate::template::ValueKind::Change)
                })
                .collect(),
        };
        let queued = fill_run(slots, values, &alternatives, &own, explicit, false, &signs);
        // No placement keeps the run's own identities: the table is inconsistent, and the
        // solver is given every placement so that its fallback shows them all.
        let queued = match queued {
            Some(q) if q.run.choices() == 0 && !own.is_empty() => fill_run(
                slots,
                values,
                &alternatives,
                &align::OwnChecks::default(),
                explicit,
                false,
                &signs,
            ),
            q => q,
        };
        // Too many ways with dropped blanks (a table printed as one run of fifteen digits):
        // the cuts that give every cell a figure are few, and each is one placement.
        let queued = match queued {
            None => fill_run(
                slots,
                values,
                &alternatives,
                &align::OwnChecks::default(),
                explicit,
                true,
                &signs,
            ),
            q => q,
        };
        match queued {
            Some(q) if q.run.choices() > 0 => QueuedRun {
                incomplete,
                incomplete_full: incomplete_full && incomplete,
                ..q
            },
            _ => QueuedRun::unreadable(slots, values),
        }
    }

    /// Columns of a table's organisation group (法人或其他组织), by position in a full row.
    pub(super) fn group_positions(&self) -> Vec<usize> {
        self.spec
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.group.as_deref() == Some("法人或其他组织"))
            .map(|(i, _)| i)
            .collect()
    }

    /// Where an extra 法人或其他组织 subtotal column stands in rows printed with one value more
    /// than the template has: just before or just after the organisation columns, whichever
    /// the rows' sums agree with (most rows, at least two).
    pub(super) fn subtotal_column(&self, tokens: &[Token], hits: &[RowHit]) -> Option<usize> {
        let n = self.spec.columns.len();
        // It takes two rows printing a figure more than the template has: most tables have
        // none, and then no figure needs reading.
        let wide = hits
            .iter()
            .filter(|h| h.slots.iter().filter(|&&i| tokens[i].is_value()).count() > n)
            .count();
        if wide < 2 {
            return None;
        }
        let group = self.group_positions();
        let (first, last) = (*group.first()?, *group.last()?);
        let rows: Vec<Vec<f64>> = hits
            .iter()
            .filter(|h| self.spec.row_columns(h.row).count() == n)
            .map(|h| {
                h.slots
                    .iter()
                    .filter(|&&i| tokens[i].is_value())
                    .filter_map(|&i| self.solver_value(&tokens[i]))
                    .collect::<Vec<f64>>()
            })
            .filter(|v| v.len() == n + 1)
            .collect();
        let agree = |at: usize| {
            rows.iter()
                .filter(|v| {
                    let others: Vec<f64> = v
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != at)
                        .map(|(_, x)| *x)
                        .collect();
                    let sum: f64 = group.iter().map(|&g| others[g]).sum();
                    (v[at] - sum).abs() < 1e-6
                })
                .count()
        };
        let (before, after) = (agree(first), agree(last + 1));
        let best = if before > after {
            (first, before)
        } else {
            (last + 1, after)
        };
        (best.1 >= 2 && best.1 * 2 > rows.len()).then_some(best.0)
    }

    pub(super) fn check_subtotal(
        &mut self,
        tokens: &[Token],
        hit: &RowHit,
        slots: &[CellAt],
        values: &[usize],
        sub: usize,
    ) {
        let group = self.group_positions();
        let parts: Vec<f64> = group
            .iter()
            .filter_map(|&g| values.get(g))
            .filter_map(|&i| self.solver_value(&tokens[i]))
            .collect();
        let printed = self.solver_value(&tokens[sub]);
        let sum: f64 = parts.iter().sum();
        let tok = &tokens[sub];
        if printed.is_some_and(|p| (p - sum).abs() < 1e-6) {
            return;
        }
        let keys: Vec<String> = group
            .iter()
            .filter_map(|&g| slots.get(g))
            .map(|&at| self.key_at(at))
            .collect();
        self.findings.push(Finding {
            rule: "subtotal".into(),
            severity: Severity::Warning,
            cells: keys,
            message: format!(
                "{}: the printed 法人或其他组织 subtotal {} ≠ {} (the five organisation columns)",
                self.spec.rows[hit.row].short,
                &self.text[tok.start..tok.end],
                crate::model::format_value(sum)
            ),
            span: Some(span_of(self.line_starts, tok.start, tok.end)),
            dismissed: None,
        });
    }

    /// The value a token would have in the solver: NA counts as 0; unreadable is `None`.
    pub(super) fn solver_value(&self, tok: &Token) -> Option<f64> {
        match value::classify(&value::without_spaces(&self.text[tok.start..tok.end])) {
            Piece::NotApplicable => Some(0.0),
            Piece::Number { value, .. } => Some(value),
            _ => None,
        }
    }

    pub(super) fn overflow(
        &mut self,
        tokens: &[Token],
        hit: &RowHit,
        slots: &[CellAt],
        values: &[usize],
    ) {
        let shown: Vec<&str> = values
            .iter()
            .map(|&i| &self.text[tokens[i].start..tokens[i].end])
            .collect();
        let mut keys = Vec::new();
        for &at in slots {
            self.cell_mut(at).status = CellStatus::Ambiguous;
            keys.push(self.key_at(at));
        }
        let first = &tokens[values[0]];
        let last = &tokens[values[values.len() - 1]];
        let label = if hit.label == usize::MAX {
            self.spec.title.clone()
        } else {
            self.spec.rows[hit.row].short.clone()
        };
        self.findings.push(Finding {
            rule: "row-overflow".into(),
            severity: Severity::Error,
            cells: keys,
            message: format!(
                "{label}: {} values printed ({}) for {} cells; enter the right ones by hand",
                values.len(),
                shown.join(" "),
                slots.len()
            ),
            span: Some(span_of(self.line_starts, first.start, last.end)),
            dismissed: None,
        });
    }

    pub(super) fn set_value(
        &mut self,
        at: CellAt,
        (start, end): (usize, usize),
        status: CellStatus,
    ) {
        let raw = self.text[start..end].to_string();
        let column = self.spec.column_at(at);
        let parsed = value::parse(&raw, column.kind, column.unit.as_deref());
        // Whether a refused text is a not-applicable mark (asked only when it is refused).
        let na = parsed.is_err()
            && matches!(
                value::classify(&value::without_spaces(&raw)),
                Piece::NotApplicable
            );
        let span = span_of(self.line_starts, start, end);
        let cell = self.cell_mut(at);
        cell.raw = Some(raw);
        cell.span = Some(span);
        match parsed {
            Ok(v) => {
                cell.value = v;
                cell.status = status;
            }
            Err(_) if na => {
                cell.value = None;
                cell.status = CellStatus::Na;
            }
            Err(_) => {
                cell.value = None;
                cell.status = CellStatus::Invalid;
            }
        }
    }

    pub(super) fn solve_short_runs(&mut self, tokens: &[Token]) {
        if self.runs.is_empty() {
            return;
        }
        let table_id = &self.spec.id;
        let identities = self
            .template
            .identities()
            .iter()
            .filter(|i| &i.table == table_id);
        let mut runs: Vec<QueuedRun> = std::mem::take(&mut self.runs);
        let table = &*self.table;
        let fixed = |at: CellAt| -> Option<f64> {
            let cell = table.rows.get(at.row)?.cells.get(at.cell)?;
            match cell.status {
                CellStatus::Ok | CellStatus::Blank | CellStatus::Na => {
                    Some(cell.value.unwrap_or(0.0))
                }
                _ => None,
            }
        };
        // Digits run together can usually be cut so that every cell gets a figure, or into
        // fewer figures with cells left blank. Tables print their zeros, so the cuts that fill
        // every cell are tried first, jointly; only when they have no joint answer are the
        // readings with dropped blanks considered, and when those have none either, each run
        // is judged alone among its full cuts. Either way the cells come out `inferred` or
        // `ambiguous`, never `ok`.
        let solved = |results: &[align::RunResult]| results.iter().all(|r| r.solved && !r.alone);
        let solve_full = |runs: &[QueuedRun]| -> Option<Vec<align::RunResult>> {
            let full: Vec<Option<(ShortRun, Vec<usize>)>> =
                runs.iter().map(QueuedRun::full_choices).collect();
            if full.iter().all(Option::is_none) {
                return None;
            }
            let solvable: Vec<&ShortRun> = runs
                .iter()
                .zip(&full)
                .map(|(q, f)| f.as_ref().map_or(&q.run, |(r, _)| r))
                .collect();
            let results = align::solve(&solvable, identities.clone(), &fixed);
            Some(
                results
                    .into_iter()
                    .zip(&full)
                    .map(|(mut r, f)| {
                        if let Some((_, original)) = f {
                            r.placements = r.placements.iter().map(|&c| original[c]).collect();
                        }
                        r
                    })
                    .collect(),
            )
        };
        if let Some(results) = solve_full(&runs).filter(|r| solved(r)) {
            self.apply_results(tokens, &runs, results);
            return;
        }
        let solvable: Vec<&ShortRun> = runs.iter().map(|q| &q.run).collect();
        let mut results = align::solve(&solvable, identities.clone(), &fixed);
        if runs.iter().any(|q| q.filtered) && results.iter().any(|r| r.alone) {
            // Without a joint answer each run is judged with the others left wholly open,
            // the placements breaking their own identities included: solved again unfiltered,
            // so an inconsistent table is never read more confidently for the shortcut.
            for q in runs.iter_mut().filter(|q| q.filtered) {
                *q = self.short_run(
                    tokens,
                    &q.run.slots,
                    &q.value_tokens,
                    q.explicit_slots.as_deref(),
                    false,
                );
            }
            let solvable: Vec<&ShortRun> = runs.iter().map(|q| &q.run).collect();
            results = align::solve(&solvable, identities.clone(), &fixed);
        }
        if !solved(&results) {
            if let Some(full) = solve_full(&runs) {
                // Keep a run's full cuts where some survive; a run whose full cuts all fail
                // keeps every reading.
                for (r, f) in results.iter_mut().zip(full) {
                    if !f.placements.is_empty() {
                        *r = f;
                    }
                }
            }
            // A run that only one cut fills whole is read that way even when the identities
            // fail: the split was decided by the digits, not by an identity, and the checker
            // reports the identity the printed figures break.
            for (r, q) in results.iter_mut().zip(&runs) {
                if r.placements.len() != 1 {
                    if let Some(only) = q.only_full_reading() {
                        r.placements = only;
                    }
                }
            }
        }
        self.apply_results(tokens, &runs, results);
    }

    /// Writes the solver's conclusions into the cells: one answer `inferred`, several
    /// `ambiguous` with their candidates, none trusted left as questions.
    fn apply_results(
        &mut self,
        tokens: &[Token],
        runs: &[QueuedRun],
        results: Vec<align::RunResult>,
    ) {
        for (queued, mut result) in runs.iter().zip(results) {
            let run = &queued.run;
            let n = run.slots.len();
            if result.placements.len() > 1 {
                self.narrow_by_prose(tokens, queued, &mut result);
            }
            // Readings that were never listed could have been the answer: a run whose list
            // was cut short is a question however few of its readings survive (for an answer
            // among the cuts that fill every cell, only those need to be whole).
            let all_full = result.placements.iter().all(|&c| queued.is_full(c));
            let incomplete = if all_full {
                queued.incomplete_full
            } else {
                queued.incomplete
            };
            if run.choices() == 0 {
                // No placement can be trusted: show the printed values left-packed and make
                // every cell of the run a question for the reviewer.
                for (si, &slot) in run.slots.iter().enumerate() {
                    self.mark_ambiguous(slot, &[]);
                    if let Some(&ti) = queued.value_tokens.get(si) {
                        let tok = &tokens[ti];
                        self.set_value(slot, (tok.start, tok.end), CellStatus::Ambiguous);
                    }
                }
                continue;
            }
            if let Some(exp) = queued.explicit {
                if result.solved && result.placements == [exp] && !incomplete {
                    for (si, &slot) in run.slots.iter().enumerate() {
                        if let Some(src) = queued.sources[exp * n + si] {
                            self.set_value(slot, src, CellStatus::Ok);
                        }
                    }
                    continue;
                }
                // Not confirmed by the identities alone: still a question, shown this way first.
                if let Some(p) = result.placements.iter().position(|&c| c == exp) {
                    result.placements.swap(0, p);
                }
            }
            for (si, &slot) in run.slots.iter().enumerate() {
                let mut distinct: Vec<Option<f64>> = Vec::new();
                for &c in &result.placements {
                    let v = queued.sources[c * n + si].map(|_| run.value(c, si));
                    if !distinct.contains(&v) {
                        distinct.push(v);
                    }
                }
                let first = result
                    .placements
                    .first()
                    .and_then(|&c| queued.sources[c * n + si]);
                if distinct.len() == 1 && !incomplete {
                    if let Some(src) = first {
                        self.set_value(slot, src, CellStatus::Inferred);
                    }
                } else {
                    self.mark_ambiguous(slot, &distinct);
                    if let Some(src) = first {
                        self.set_value(slot, src, CellStatus::Ambiguous);
                    }
                }
            }
        }
    }

    /// Keeps the placements that agree with every figure the prose states about the run's
    /// cells (`现行有效行政规范性文件698件` settles `8855698` as 88 | 55 | 698), when some do
    /// and others not; a warning says which statements decided it. Prose that agrees with
    /// none of them decides nothing (it may be wrong, or about another year).
    fn narrow_by_prose(
        &mut self,
        tokens: &[Token],
        queued: &QueuedRun,
        result: &mut align::RunResult,
    ) {
        let run = &queued.run;
        let keys: Vec<String> = run.slots.iter().map(|&at| self.key_at(at)).collect();
        let statements: Vec<&crate::narrative::Statement> = self
            .statements
            .iter()
            .filter(|s| {
                s.value.is_some() && !s.cells.is_empty() && s.cells.iter().all(|c| keys.contains(c))
            })
            .collect();
        if statements.is_empty() {
            return;
        }
        let agrees = |c: usize| {
            statements.iter().all(|s| {
                let sum: f64 = s
                    .cells
                    .iter()
                    .filter_map(|k| keys.iter().position(|x| x == k))
                    .map(|si| run.value(c, si))
                    .sum();
                s.value.is_some_and(|v| (v - sum).abs() < 1e-9)
            })
        };
        let kept: Vec<usize> = result
            .placements
            .iter()
            .copied()
            .filter(|&c| agrees(c))
            .collect();
        if kept.is_empty() || kept.len() == result.placements.len() {
            return;
        }
        result.placements = kept;
        let quotes: Vec<String> = statements
            .iter()
            .map(|s| format!("“{}”", s.quote))
            .collect();
        let first = queued.value_tokens.first().map(|&t| &tokens[t]);
        let last = queued.value_tokens.last().map(|&t| &tokens[t]);
        self.findings.push(Finding {
            rule: "split-by-prose".into(),
            severity: Severity::Warning,
            cells: keys,
            message: format!(
                "the printed figures could be split several ways; the prose decided it: {}",
                quotes.join("、")
            ),
            span: first
                .zip(last)
                .map(|(a, b)| span_of(self.line_starts, a.start, b.end)),
            dismissed: None,
        });
    }

    pub(super) fn mark_ambiguous(&mut self, at: CellAt, candidates: &[Option<f64>]) {
        let cell = self.cell_mut(at);
        cell.status = CellStatus::Ambiguous;
        cell.value = None;
        cell.candidates = candidates.to_vec();
    }
}
