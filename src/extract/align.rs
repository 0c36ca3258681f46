//! Identity-guided alignment of rows that lost their blank cells.
//!
//! A short run prints `k` values for `n > k` cells, in order. Each order-preserving placement
//! (choose which `k` of the `n` cells get the values; the rest are blank, counted as 0) is a
//! candidate. The placements of all short runs of a table are searched jointly, keeping those
//! under which every identity touching them holds. Runs linked by identities are solved as one
//! component, by depth-first search that picks the run with the fewest consistent placements
//! first and prunes with bounds (all values are non-negative, so a partial sum that already
//! exceeds what the other side can reach is dead).

use crate::template::{CellAt, Identity, Relation};

mod enumerate;
pub use enumerate::{binomial, combinations, for_each_placement, OwnChecks};

/// A row (or run of rows) that printed fewer values than it has cells.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortRun {
    /// Target cells in printed order.
    pub slots: Vec<CellAt>,
    /// Each way the printed text could fill the slots, one after another: a value per slot
    /// (0.0 for a blank). Flat, so a run's thousands of choices are one allocation.
    values: Vec<f64>,
    /// How many choices `values` holds.
    count: usize,
}

impl ShortRun {
    /// A run with no choices yet.
    pub fn new(slots: Vec<CellAt>) -> ShortRun {
        ShortRun {
            slots,
            values: Vec::new(),
            count: 0,
        }
    }

    /// Adds a choice: a value per slot.
    pub fn push_choice(&mut self, values: &[f64]) {
        debug_assert_eq!(values.len(), self.slots.len());
        self.values.extend_from_slice(values);
        self.count += 1;
    }

    /// Makes room for `choices` more choices.
    pub fn reserve(&mut self, choices: usize) {
        self.values.reserve(choices * self.slots.len());
    }

    /// How many ways the run could be filled.
    pub fn choices(&self) -> usize {
        self.count
    }

    /// The value choice `c` puts in `slot`.
    pub fn value(&self, c: usize, slot: usize) -> f64 {
        self.values[c * self.slots.len() + slot]
    }

    /// A run of `values` printed in order for `slots`: every order-preserving placement.
    pub fn placements(slots: Vec<CellAt>, values: &[f64]) -> (ShortRun, Vec<Vec<usize>>) {
        let places = combinations(slots.len(), values.len());
        let mut run = ShortRun::new(slots);
        let mut v = vec![0.0; run.slots.len()];
        for place in &places {
            v.fill(0.0);
            for (i, &slot) in place.iter().enumerate() {
                v[slot] = values[i];
            }
            run.push_choice(&v);
        }
        (run, places)
    }
}

/// What the search concluded for one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Indices of the run's choices that satisfy the identities.
    pub placements: Vec<usize>,
    /// False when no joint placement satisfies the identities (or the search gave up); the
    /// placements are then the ones each run allows on its own.
    pub solved: bool,
    /// True when the run had no joint answer and was judged alone, with the others open.
    pub alone: bool,
}

/// A cell of an identity that a short run fills.
#[derive(Debug, Clone, Copy)]
struct Term {
    run: usize,
    slot: usize,
}

/// An identity as the search sees it: the cells outside every run are summed once, since a
/// column identity names some twenty cells of which only a few are in runs.
struct Constraint {
    lhs_fixed: f64,
    rhs_fixed: f64,
    lhs: Vec<Term>,
    rhs: Vec<Term>,
}

/// Placements beyond this many per run are not enumerated; such a run stays ambiguous.
const MAX_CANDIDATES: usize = 20_000;
/// Solutions collected per component before the search stops looking.
const MAX_SOLUTIONS: usize = 16;
/// Choices tried per component before the search gives up (then every placement that
/// propagation kept stays possible, which is safe: nothing is guessed).
const NODE_BUDGET: usize = 600;

/// Solves the placements of `runs`; `fixed` gives the value of any other cell (blank = 0),
/// or `None` where the cell is unusable (invalid, missing), which drops identities naming it.
///
/// Placements that put the same values in the same cells (a printed 0 and a dropped blank
/// trading places) are one choice to the identities, so the search runs over distinct value
/// vectors and each answer stands for all the placements that give it. Without this, a row
/// of zeros multiplied the search by the ways to arrange them, and the search gave up
/// (leaving every cell a question) on tables it can settle.
pub fn solve<'i>(
    runs: &[&ShortRun],
    identities: impl IntoIterator<Item = &'i Identity>,
    fixed: &dyn Fn(CellAt) -> Option<f64>,
) -> Vec<RunResult> {
    let classes: Vec<Option<(ShortRun, Vec<usize>)>> = runs.iter().map(|r| classes(r)).collect();
    if classes.iter().all(Option::is_none) {
        return solve_distinct(runs, identities, fixed);
    }
    let reduced: Vec<&ShortRun> = classes
        .iter()
        .zip(runs)
        .map(|(c, r)| c.as_ref().map_or(*r, |(d, _)| d))
        .collect();
    solve_distinct(&reduced, identities, fixed)
        .into_iter()
        .zip(&classes)
        .map(|(result, classes)| match classes {
            None => result,
            Some((reduced, class_of)) => {
                // Each answer's placements in turn, keeping the order answers came in (the
                // first is the one shown while the cell awaits a reviewer).
                let mut members: Vec<Vec<usize>> = vec![Vec::new(); reduced.choices()];
                for (c, &class) in class_of.iter().enumerate() {
                    members[class].push(c);
                }
                RunResult {
                    placements: result
                        .placements
                        .iter()
                        .flat_map(|&class| members[class].iter().copied())
                        .collect(),
                    ..result
                }
            }
        })
        .collect()
}

/// A run's distinct value vectors (numbered in the order they first occur) and each choice's
/// number among them; `None` when every choice differs, the usual case.
fn classes(run: &ShortRun) -> Option<(ShortRun, Vec<usize>)> {
    let n = run.slots.len();
    let count = run.choices();
    let vector = |c: usize| &run.values[c * n..(c + 1) * n];
    let same = |a: usize, b: usize| {
        vector(a)
            .iter()
            .zip(vector(b))
            .all(|(x, y)| x.to_bits() == y.to_bits())
    };
    // Most runs have no two equal choices: a sort of one hash per choice tells cheaply.
    let mut hashes: Vec<u64> = (0..count)
        .map(|c| {
            vector(c).iter().fold(0u64, |h, x| {
                (h ^ x.to_bits())
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .rotate_left(29)
            })
        })
        .collect();
    hashes.sort_unstable();
    if !hashes.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_unstable_by(|&a, &b| {
        vector(a)
            .iter()
            .zip(vector(b))
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    if !order.windows(2).any(|w| same(w[0], w[1])) {
        return None;
    }
    // Each choice's first equal (its group's smallest index, first in sorted order).
    let mut first = vec![0; count];
    for (i, &c) in order.iter().enumerate() {
        first[c] = if i > 0 && same(order[i - 1], c) {
            first[order[i - 1]]
        } else {
            c
        };
    }
    let mut reduced = ShortRun::new(run.slots.clone());
    let mut number = vec![usize::MAX; count];
    let mut class_of = Vec::with_capacity(count);
    for c in 0..count {
        if first[c] == c {
            number[c] = reduced.choices();
            reduced.push_choice(vector(c));
        }
        class_of.push(number[first[c]]);
    }
    Some((reduced, class_of))
}

/// [`solve`] for runs whose choices are all different.
fn solve_distinct<'i>(
    runs: &[&ShortRun],
    identities: impl IntoIterator<Item = &'i Identity>,
    fixed: &dyn Fn(CellAt) -> Option<f64>,
) -> Vec<RunResult> {
    // Looked up for every term of every identity of the table.
    let mut slot_of: foldhash::HashMap<CellAt, (usize, usize)> =
        foldhash::HashMap::with_capacity_and_hasher(
            runs.iter().map(|r| r.slots.len()).sum(),
            Default::default(),
        );
    for (ri, run) in runs.iter().enumerate() {
        for (si, at) in run.slots.iter().enumerate() {
            slot_of.insert(*at, (ri, si));
        }
    }
    let candidates: Vec<usize> = runs.iter().map(|r| r.choices()).collect();
    let searchable: Vec<bool> = candidates
        .iter()
        .map(|&c| c > 0 && c <= MAX_CANDIDATES)
        .collect();
    let constraints: Vec<Constraint> = identities
        .into_iter()
        .filter(|id| id.relation == Relation::Eq)
        // Most identities touch no run: skip them before building their terms.
        .filter(|id| {
            id.lhs_at
                .iter()
                .chain(&id.rhs_at)
                .any(|at| slot_of.contains_key(at))
        })
        .filter_map(|id| {
            let side = |cells: &[CellAt]| -> Option<(f64, Vec<Term>)> {
                let mut sum = 0.0;
                let mut terms = Vec::new();
                for at in cells {
                    match slot_of.get(at) {
                        Some(&(run, slot)) => terms.push(Term { run, slot }),
                        None => sum += fixed(*at)?,
                    }
                }
                Some((sum, terms))
            };
            let ((lhs_fixed, lhs), (rhs_fixed, rhs)) = (side(&id.lhs_at)?, side(&id.rhs_at)?);
            let c = Constraint {
                lhs_fixed,
                rhs_fixed,
                lhs,
                rhs,
            };
            // Constraints naming a run whose placements were not enumerated cannot be used.
            let usable = c.terms().all(|t| searchable[t.run]);
            (c.terms().next().is_some() && usable).then_some(c)
        })
        .collect();
    // Per run, the constraints it is in, and for each of them and each of the run's choices
    // what the choice adds to the left side less what it adds to the right: all a
    // feasibility test needs of the run, computed once rather than at every test.
    let mut touching: Vec<Vec<usize>> = vec![Vec::new(); runs.len()];
    let mut own_diffs: Vec<Vec<f64>> = vec![Vec::new(); runs.len()];
    for (ki, k) in constraints.iter().enumerate() {
        let signed = k
            .lhs
            .iter()
            .map(|t| (t, 1.0))
            .chain(k.rhs.iter().map(|t| (t, -1.0)));
        for (&Term { run, slot }, sign) in signed {
            let choices = runs[run].choices();
            // Constraints come in order, so one already noted for this run is its last.
            if touching[run].last() != Some(&ki) {
                touching[run].push(ki);
                let len = own_diffs[run].len();
                own_diffs[run].resize(len + choices, 0.0);
            }
            let at = own_diffs[run].len() - choices;
            for (c, d) in own_diffs[run][at..].iter_mut().enumerate() {
                *d += sign * runs[run].value(c, slot);
            }
        }
    }
    let mut slot_base = Vec::with_capacity(runs.len());
    let mut slots = 0;
    for run in runs {
        slot_base.push(slots);
        slots += run.slots.len();
    }
    let problem = Problem {
        runs,
        constraints: &constraints,
        touching: &touching,
        own_diffs,
        slot_base,
    };

    let mut state = problem.full_state(slots);
    let all: Vec<usize> = (0..runs.len()).collect();
    let consistent = problem.propagate(&mut state, &all);
    let mut outcome: Vec<Option<RunResult>> = vec![None; runs.len()];
    if consistent {
        for component in components(runs.len(), &constraints) {
            let mut search = Search {
                problem: &problem,
                component: &component,
                nodes: 0,
                solutions: Vec::new(),
                gave_up: false,
            };
            search.dfs(&mut state);
            let complete = !search.gave_up && search.solutions.len() < MAX_SOLUTIONS;
            if complete && search.solutions.is_empty() {
                // Proven: no joint placement. Left to the per-run fallback below.
                continue;
            }
            for &r in &component {
                let placements: Vec<usize> = if complete {
                    let mut seen: Vec<usize> = Vec::new();
                    for sol in &search.solutions {
                        if !seen.contains(&sol[r]) {
                            seen.push(sol[r]);
                        }
                    }
                    seen
                } else {
                    // Propagation only removes placements that are in no solution, so what is
                    // left is a safe superset when the search could not finish.
                    state.sorted_domain(r)
                };
                outcome[r] = Some(RunResult {
                    placements,
                    solved: !search.solutions.is_empty(),
                    alone: false,
                });
            }
        }
    }
    // Back to every placement open, for the runs the joint search left without an answer.
    state.undo(0);
    (0..runs.len())
        .map(|r| {
            outcome[r].take().unwrap_or_else(|| {
                // No joint answer: keep what each run allows with the others left open, so
                // nothing is guessed; the failing identities are reported by the checker.
                let mark = state.trail.len();
                let placements = if problem.propagate(&mut state, &[r]) && state.len[r] > 0 {
                    state.sorted_domain(r)
                } else {
                    (0..candidates[r]).collect()
                };
                state.undo(mark);
                RunResult {
                    placements,
                    solved: false,
                    alone: true,
                }
            })
        })
        .collect()
}

impl Constraint {
    fn terms(&self) -> impl Iterator<Item = Term> + '_ {
        self.lhs.iter().chain(&self.rhs).copied()
    }
}

/// The search state, narrowed in place and restored from a trail on backtracking, so no node
/// of the search copies it.
struct State {
    /// Per run, its candidates; the first `len[r]` are still possible (narrowing moves the
    /// kept ones to the front, so restoring a run only restores its length).
    cands: Vec<Vec<usize>>,
    len: Vec<usize>,
    /// Per run and slot (from `Problem::slot_base`): the smallest and largest value the
    /// possible candidates put there, kept in step with `len`.
    ranges: Vec<(f64, f64)>,
    /// Narrowings to undo, oldest first: the run and its length before.
    trail: Vec<(usize, usize)>,
    /// The ranges of each trailed run before its narrowing, in trail order.
    saved: Vec<(f64, f64)>,
    /// Work space of `propagate`, kept to avoid allocating per step.
    queue: Vec<usize>,
    views: Vec<(f64, f64)>,
    /// Per run, where its slots start in `ranges` (as in `Problem`).
    slot_base: Vec<usize>,
}

impl State {
    /// Run `r`'s possible candidates, in no particular order.
    fn domain(&self, r: usize) -> &[usize] {
        &self.cands[r][..self.len[r]]
    }

    /// Run `r`'s possible candidates, in ascending order (the order results are given in).
    fn sorted_domain(&self, r: usize) -> Vec<usize> {
        let mut d = self.domain(r).to_vec();
        d.sort_unstable();
        d
    }

    /// Undoes narrowings until the trail is `mark` long.
    fn undo(&mut self, mark: usize) {
        while self.trail.len() > mark {
            let Some((r, len)) = self.trail.pop() else {
                break;
            };
            let (lo, hi) = self.ranges_span(r);
            let from = self.saved.len() - (hi - lo);
            self.ranges[lo..hi].copy_from_slice(&self.saved[from..]);
            self.saved.truncate(from);
            self.len[r] = len;
        }
    }

    /// Where run `r`'s slots stand in `ranges` (the next run's start, or the end).
    fn ranges_span(&self, r: usize) -> (usize, usize) {
        let lo = self.slot_base[r];
        let hi = self
            .slot_base
            .get(r + 1)
            .copied()
            .unwrap_or(self.ranges.len());
        (lo, hi)
    }
}

/// A constraint's bounds on each side apart from one run.
struct Bounds {
    llo: f64,
    lhi: f64,
    rlo: f64,
    rhi: f64,
}

struct Problem<'a> {
    runs: &'a [&'a ShortRun],
    constraints: &'a [Constraint],
    touching: &'a [Vec<usize>],
    /// Per run, for each constraint it touches (in `touching` order) and each of its choices,
    /// what the choice adds to the left side less what it adds to the right.
    own_diffs: Vec<Vec<f64>>,
    /// Per run, where its slots start in the state's flat `ranges`.
    slot_base: Vec<usize>,
}

impl Problem<'_> {
    /// The state with every candidate of every run possible.
    fn full_state(&self, slots: usize) -> State {
        let mut state = State {
            cands: self
                .runs
                .iter()
                .map(|r| (0..r.choices()).collect())
                .collect(),
            len: self.runs.iter().map(|r| r.choices()).collect(),
            ranges: vec![(0.0, 0.0); slots],
            trail: Vec::new(),
            saved: Vec::new(),
            queue: Vec::new(),
            views: Vec::new(),
            slot_base: self.slot_base.clone(),
        };
        for r in 0..self.runs.len() {
            self.update_ranges(&mut state, r);
        }
        state
    }

    /// Recomputes run `r`'s slot ranges from its possible candidates.
    fn update_ranges(&self, state: &mut State, r: usize) {
        let run = self.runs[r];
        let n = run.slots.len();
        let base = self.slot_base[r];
        let State {
            ranges, cands, len, ..
        } = state;
        let ranges = &mut ranges[base..base + n];
        ranges.fill((f64::INFINITY, f64::NEG_INFINITY));
        // Choice by choice, each one's values side by side: a run of the appeals table has
        // thousands of choices of fifteen values, and a pass over them per slot was most of
        // the solver's time.
        for &c in &cands[r][..len[r]] {
            for (range, &v) in ranges.iter_mut().zip(&run.values[c * n..(c + 1) * n]) {
                range.0 = range.0.min(v);
                range.1 = range.1.max(v);
            }
        }
    }

    /// Keeps only the first `len` of run `r`'s possible candidates, remembering how to undo it.
    fn narrow(&self, state: &mut State, r: usize, len: usize) {
        state.trail.push((r, state.len[r]));
        let (lo, hi) = state.ranges_span(r);
        let State { ranges, saved, .. } = state;
        saved.extend_from_slice(&ranges[lo..hi]);
        state.len[r] = len;
        self.update_ranges(state, r);
    }

    /// Constraint `k` seen from run `r`: the bounds every other term allows (summarised by
    /// `ranges`). Computed once per run and constraint, so testing each of a large domain's
    /// candidates only adds up the run's own slots.
    fn view_from(&self, k: &Constraint, ranges: &[(f64, f64)], r: usize) -> Bounds {
        let side = |fixed: f64, terms: &[Term]| {
            terms.iter().fold((fixed, fixed), |(lo, hi), t| {
                if t.run == r {
                    (lo, hi)
                } else {
                    let (a, b) = ranges[self.slot_base[t.run] + t.slot];
                    (lo + a, hi + b)
                }
            })
        };
        let ((llo, lhi), (rlo, rhi)) = (side(k.lhs_fixed, &k.lhs), side(k.rhs_fixed, &k.rhs));
        Bounds { llo, lhi, rlo, rhi }
    }

    /// The range a run's own contribution (left less right, see `own_diffs`) must fall in
    /// for a constraint to hold, given the `view` of its other terms: `lhs = rhs` is
    /// possible when `llo + d <= rhi` and `rlo <= lhi + d`.
    fn allowed(view: &Bounds) -> (f64, f64) {
        const EPS: f64 = 1e-6;
        (view.rlo - view.lhi - EPS, view.rhi - view.llo + EPS)
    }

    /// Narrows the domains of `start` (and whatever their narrowing affects) to a fixpoint;
    /// false when some domain empties, i.e. no solution remains. Every narrowing is trailed.
    fn propagate(&self, state: &mut State, start: &[usize]) -> bool {
        state.queue.clear();
        state.queue.extend_from_slice(start);
        while let Some(r) = state.queue.pop() {
            let before = state.len[r];
            let mut views = std::mem::take(&mut state.views);
            views.clear();
            views.extend(self.touching[r].iter().map(|&ki| {
                Self::allowed(&self.view_from(&self.constraints[ki], &state.ranges, r))
            }));
            let diffs = &self.own_diffs[r];
            let choices = self.runs[r].choices();
            let cands = &mut state.cands[r];
            let mut kept = 0;
            for i in 0..before {
                let c = cands[i];
                if views.iter().enumerate().all(|(j, &(lo, hi))| {
                    let d = diffs[j * choices + c];
                    lo <= d && d <= hi
                }) {
                    cands.swap(i, kept);
                    kept += 1;
                }
            }
            state.views = views;
            if kept == 0 {
                return false;
            }
            if kept < before {
                self.narrow(state, r, kept);
                for &ki in &self.touching[r] {
                    for Term { run, .. } in self.constraints[ki].terms() {
                        if run != r && !state.queue.contains(&run) {
                            state.queue.push(run);
                        }
                    }
                }
            }
        }
        true
    }
}

struct Search<'a> {
    problem: &'a Problem<'a>,
    component: &'a [usize],
    nodes: usize,
    solutions: Vec<Vec<usize>>,
    gave_up: bool,
}

impl Search<'_> {
    /// Depth-first over the run with the smallest open domain, propagating after each choice;
    /// leaves `state` as it found it.
    fn dfs(&mut self, state: &mut State) {
        if self.gave_up || self.solutions.len() >= MAX_SOLUTIONS {
            return;
        }
        let open = self
            .component
            .iter()
            .copied()
            .filter(|&r| state.len[r] > 1)
            .min_by_key(|&r| state.len[r]);
        let Some(r) = open else {
            self.solutions.push(
                (0..state.len.len())
                    .map(|r| state.domain(r).iter().min().copied().unwrap_or(0))
                    .collect(),
            );
            return;
        };
        // Candidates are tried in ascending order, so solutions (and the order placements are
        // reported in) do not depend on how narrowing shuffled the domain.
        for c in state.sorted_domain(r) {
            self.nodes += 1;
            if self.nodes > NODE_BUDGET {
                self.gave_up = true;
                return;
            }
            let mark = state.trail.len();
            let at = state
                .domain(r)
                .iter()
                .position(|&x| x == c)
                .expect("a candidate of the domain");
            state.cands[r].swap(0, at);
            self.problem.narrow(state, r, 1);
            if self.problem.propagate(state, &[r]) {
                self.dfs(state);
            }
            state.undo(mark);
            if self.gave_up || self.solutions.len() >= MAX_SOLUTIONS {
                return;
            }
        }
    }
}

/// Runs that share a constraint, grouped.
fn components(n: usize, constraints: &[Constraint]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for k in constraints {
        // Every run of a constraint joins the first one's group.
        let mut first: Option<usize> = None;
        for Term { run, .. } in k.terms() {
            match first {
                None => first = Some(run),
                Some(f) => {
                    let (a, b) = (root(&mut parent, f), root(&mut parent, run));
                    parent[a] = b;
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // Per root, its group's place in `groups`.
    let mut index: Vec<Option<usize>> = vec![None; n];
    for x in 0..n {
        let r = root(&mut parent, x);
        let g = *index[r].get_or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(x);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    /// Column names of the test tables; a cell's position is its name's.
    const NAMES: [&str; 7] = ["a", "b", "c", "t", "x", "y", "z"];

    fn at(row: usize, name: &str) -> CellAt {
        let cell = NAMES.iter().position(|n| *n == name).unwrap();
        CellAt { row, cell }
    }

    fn ident(lhs: &[(usize, &str)], rhs: &[(usize, &str)]) -> Identity {
        let v = |s: &[(usize, &str)]| s.iter().map(|(r, c)| (*r, c.to_string())).collect();
        let p = |s: &[(usize, &str)]| s.iter().map(|(r, c)| at(*r, c)).collect();
        Identity {
            id: "T".into(),
            table: "t".into(),
            along: String::new(),
            lhs: v(lhs),
            rhs: v(rhs),
            lhs_at: p(lhs),
            rhs_at: p(rhs),
            relation: Relation::Eq,
            severity: Severity::Error,
        }
    }

    fn run(row: usize, cols: &[&str], values: &[f64]) -> ShortRun {
        ShortRun::placements(cols.iter().map(|c| at(row, c)).collect(), values).0
    }

    fn solve_owned(
        runs: &[ShortRun],
        ids: &[Identity],
        fixed: &dyn Fn(usize, &str) -> Option<f64>,
    ) -> Vec<RunResult> {
        solve(&runs.iter().collect::<Vec<_>>(), ids, &|a: CellAt| {
            fixed(a.row, NAMES[a.cell])
        })
    }

    /// The positions each chosen placement puts the values in.
    fn positions(cols: usize, values: usize, result: &RunResult) -> Vec<Vec<usize>> {
        let places = combinations(cols, values);
        result
            .placements
            .iter()
            .map(|&c| places[c].clone())
            .collect()
    }

    #[test]
    fn copies_of_one_answer_do_not_end_the_search() {
        // x + y + z + w + (five rows of zeros) = 15, where x, y and z each print 10 in cell a or
        // b, and w prints 5 in a or b. Only w = 5 in a can work (tens never make 15), but bounds
        // alone cannot tell. Each zero row has four placements giving the same values: counted
        // apart, 3 answers x 4^5 copies filled the limit of solutions before the search could
        // finish, and w was left open both ways.
        let mut runs: Vec<ShortRun> = (0..3).map(|r| run(r, &["a", "b"], &[10.0])).collect();
        runs.push(run(3, &["a", "b"], &[5.0]));
        runs.extend((4..9).map(|r| run(r, &["a", "b", "c", "t"], &[0.0, 0.0, 0.0])));
        let lhs: Vec<(usize, &str)> = (0..9).map(|r| (r, "a")).collect();
        let ids = vec![ident(&lhs, &[(9, "t")])];
        let res = solve_owned(&runs, &ids, &|row, col| {
            Some(if (row, col) == (9, "t") { 15.0 } else { 0.0 })
        });
        assert!(res[3].solved);
        assert_eq!(positions(2, 1, &res[3]), vec![vec![0]]);
        // x, y and z: two of the three hold 10 in a, so each can still go either way.
        for r in &res[..3] {
            let mut got = positions(2, 1, r);
            got.sort();
            assert_eq!(got, vec![vec![0], vec![1]]);
        }
    }

    #[test]
    fn placements_with_equal_values_are_all_reported() {
        // Rows 0-3 each print 0 0 0 for a b c t (one blank dropped): the four placements of
        // each give the same values, searched as one answer per row and reported as all four.
        let runs: Vec<ShortRun> = (0..4)
            .map(|r| run(r, &["a", "b", "c", "t"], &[0.0, 0.0, 0.0]))
            .collect();
        let ids: Vec<Identity> = (0..4)
            .map(|r| ident(&[(r, "t")], &[(r, "a"), (r, "b"), (r, "c")]))
            .collect();
        let res = solve_owned(&runs, &ids, &|_, _| Some(0.0));
        for r in &res {
            assert!(r.solved, "{res:?}");
            assert_eq!(positions(4, 3, r), combinations(4, 3));
        }
    }

    #[test]
    fn row_total_places_the_total_last() {
        // a b c | t ; values 2, 3, 5 for four cells: a+b+c = t forces 5 into t, 2 and 3 stay
        // ambiguous between a, b and c.
        let runs = vec![run(0, &["a", "b", "c", "t"], &[2.0, 3.0, 5.0])];
        let ids = vec![ident(&[(0, "t")], &[(0, "a"), (0, "b"), (0, "c")])];
        let res = solve_owned(&runs, &ids, &|_, _| Some(0.0));
        assert!(res[0].solved);
        assert_eq!(
            positions(4, 3, &res[0]),
            vec![vec![0, 1, 3], vec![0, 2, 3], vec![1, 2, 3]]
        );
    }

    #[test]
    fn column_totals_decide_jointly() {
        // Row 0 is complete: a=4, b=0, t=4. Row 1 prints "4 4" and must be a=4, t=4, because
        // column a's total (row 2) is 4 and column b's is 0.
        let runs = vec![run(1, &["a", "b", "t"], &[4.0, 4.0])];
        let fixed = |r: usize, c: &str| -> Option<f64> {
            Some(match (r, c) {
                (2, "a") => 4.0,
                (2, "t") => 4.0,
                _ => 0.0,
            })
        };
        let ids = vec![
            ident(&[(1, "t")], &[(1, "a"), (1, "b")]),
            ident(&[(2, "a")], &[(1, "a")]),
            ident(&[(2, "b")], &[(1, "b")]),
        ];
        let res = solve_owned(&runs, &ids, &fixed);
        assert_eq!(positions(3, 2, &res[0]), vec![vec![0, 2]]);
        assert!(res[0].solved);
    }

    #[test]
    fn unsatisfiable_falls_back_to_each_run_alone() {
        let runs = vec![run(0, &["a", "t"], &[7.0])];
        let ids = vec![
            ident(&[(0, "t")], &[(0, "a")]),
            ident(&[(1, "t")], &[(0, "t")]),
        ];
        let res = solve_owned(&runs, &ids, &|_, _| Some(3.0));
        assert!(!res[0].solved);
        assert_eq!(res[0].placements.len(), 2);
    }

    #[test]
    fn runs_without_identities_stay_open() {
        let runs = vec![run(0, &["x", "y", "z"], &[1.0])];
        let res = solve_owned(&runs, &[] as &[Identity], &|_, _| Some(0.0));
        assert_eq!(res[0].placements.len(), 3);
    }

    #[test]
    fn unusable_cells_drop_their_identities() {
        let runs = vec![run(0, &["a", "t"], &[5.0])];
        let ids = vec![ident(&[(1, "x")], &[(0, "a")])];
        let res = solve_owned(&runs, &ids, &|_, _| None);
        assert_eq!(res[0].placements.len(), 2);
    }

    proptest::proptest! {
        /// Choices are grouped exactly by equal value vectors, numbered by first occurrence.
        #[test]
        fn classes_group_equal_vectors_in_order(
            n in 1usize..5,
            raw in proptest::collection::vec(0u8..3, 0..40),
        ) {
            let slots: Vec<CellAt> = (0..n).map(|i| CellAt { row: 0, cell: i }).collect();
            let mut run = ShortRun::new(slots.clone());
            for chunk in raw.chunks_exact(n) {
                run.push_choice(&chunk.iter().map(|&v| f64::from(v)).collect::<Vec<_>>());
            }
            let mut seen: Vec<Vec<f64>> = Vec::new();
            let mut want = Vec::new();
            for c in 0..run.choices() {
                let v: Vec<f64> = (0..n).map(|s| run.value(c, s)).collect();
                match seen.iter().position(|x| *x == v) {
                    Some(k) => want.push(k),
                    None => {
                        want.push(seen.len());
                        seen.push(v);
                    }
                }
            }
            match classes(&run) {
                None => proptest::prop_assert_eq!(seen.len(), run.choices()),
                Some((reduced, class_of)) => {
                    proptest::prop_assert_eq!(class_of, want);
                    proptest::prop_assert_eq!(reduced.choices(), seen.len());
                    for (k, v) in seen.iter().enumerate() {
                        for (slot, x) in v.iter().enumerate() {
                            proptest::prop_assert_eq!(reduced.value(k, slot), *x);
                        }
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// On small tables (three rows of `a + b = t` and a fixed totals row), the search
        /// finds exactly the placements a brute force over every joint placement finds, and
        /// the true one is always among them.
        #[test]
        fn search_agrees_with_brute_force(
            rows in proptest::collection::vec(((0u8..4, 0u8..4), 0u8..8), 1..4)
        ) {
            let cols = ["a", "b", "t"];
            let cells: Vec<[f64; 3]> = rows
                .iter()
                .map(|&((a, b), _)| [f64::from(a), f64::from(b), f64::from(a + b)])
                .collect();
            let total_row = cells.len();
            let mut ids = vec![];
            for r in 0..cells.len() {
                ids.push(ident(&[(r, "t")], &[(r, "a"), (r, "b")]));
            }
            for c in cols {
                let parts: Vec<(usize, &str)> = (0..cells.len()).map(|r| (r, c)).collect();
                ids.push(ident(&[(total_row, c)], &parts));
            }
            // A cell whose mask bit is set and whose value is 0 was printed blank and dropped.
            let mut runs = vec![];
            let mut truth = vec![];
            for (r, (&(_, mask), v)) in rows.iter().zip(&cells).enumerate() {
                let kept: Vec<usize> = (0..3).filter(|&i| v[i] != 0.0 || mask & (1 << i) == 0).collect();
                if kept.len() < 3 {
                    let shown: Vec<f64> = kept.iter().map(|&i| v[i]).collect();
                    let (run, places) = ShortRun::placements(
                        cols.iter().map(|c| at(r, c)).collect(),
                        &shown,
                    );
                    truth.push(places.iter().position(|p| *p == kept).unwrap());
                    runs.push(run);
                }
            }
            let run_row: Vec<usize> = runs.iter().map(|r| r.slots[0].row).collect();
            let fixed = |r: usize, c: &str| -> Option<f64> {
                let i = cols.iter().position(|x| *x == c)?;
                if r == total_row {
                    Some(cells.iter().map(|v| v[i]).sum())
                } else {
                    Some(cells[r][i])
                }
            };
            let res = solve_owned(&runs, &ids, &fixed);
            // Brute force: every joint placement, tested against every identity.
            let value = |pick: &[usize], r: usize, c: &str| -> f64 {
                match run_row.iter().position(|&x| x == r) {
                    Some(k) => runs[k].value(pick[k], cols.iter().position(|x| *x == c).unwrap()),
                    None => fixed(r, c).unwrap(),
                }
            };
            let mut found: Vec<Vec<usize>> = vec![vec![]; runs.len()];
            let mut count = 0;
            let mut pick = vec![0; runs.len()];
            loop {
                let holds = ids.iter().all(|id| {
                    let side = |t: &[(usize, String)]| -> f64 {
                        t.iter().map(|(r, c)| value(&pick, *r, c)).sum()
                    };
                    (side(&id.lhs) - side(&id.rhs)).abs() < 1e-9
                });
                if holds {
                    count += 1;
                    for (k, &p) in pick.iter().enumerate() {
                        if !found[k].contains(&p) {
                            found[k].push(p);
                        }
                    }
                }
                let mut k = 0;
                while k < runs.len() {
                    pick[k] += 1;
                    if pick[k] < runs[k].choices() {
                        break;
                    }
                    pick[k] = 0;
                    k += 1;
                }
                if k == runs.len() {
                    break;
                }
            }
            proptest::prop_assert!(count > 0, "the true placement satisfies the identities");
            for (k, result) in res.iter().enumerate() {
                proptest::prop_assert!(result.solved);
                proptest::prop_assert!(result.placements.contains(&truth[k]));
                let mut got = result.placements.clone();
                got.sort_unstable();
                found[k].sort_unstable();
                if count < MAX_SOLUTIONS {
                    proptest::prop_assert_eq!(&got, &found[k]);
                } else {
                    proptest::prop_assert!(found[k].iter().all(|p| got.contains(p)));
                }
            }
        }
    }
}
