//! Identity-guided alignment of rows that lost their blank cells.
//!
//! A short run prints `k` values for `n > k` cells, in order. Each order-preserving placement
//! (choose which `k` of the `n` cells get the values; the rest are blank, counted as 0) is a
//! candidate. The placements of all short runs of a table are searched jointly, keeping those
//! under which every identity touching them holds. Runs linked by identities are solved as one
//! component, by depth-first search that picks the run with the fewest consistent placements
//! first and prunes with bounds (all values are non-negative, so a partial sum that already
//! exceeds what the other side can reach is dead).

use std::collections::HashMap;

use crate::template::{Identity, Relation};

/// A row (or run of rows) that printed fewer values than it has cells.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortRun {
    /// Target cells in printed order, as (row index, column key).
    pub slots: Vec<(usize, String)>,
    /// Each way the printed text could fill the slots: a value per slot (0.0 for a blank).
    pub choices: Vec<Vec<f64>>,
}

impl ShortRun {
    /// A run of `values` printed in order for `slots`: every order-preserving placement.
    pub fn placements(slots: Vec<(usize, String)>, values: &[f64]) -> (ShortRun, Vec<Vec<usize>>) {
        let places = combinations(slots.len(), values.len());
        let choices = places
            .iter()
            .map(|place| {
                let mut v = vec![0.0; slots.len()];
                for (i, &slot) in place.iter().enumerate() {
                    v[slot] = values[i];
                }
                v
            })
            .collect();
        (ShortRun { slots, choices }, places)
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
}

/// A cell of an identity as the search sees it.
#[derive(Debug, Clone, Copy)]
enum Term {
    Fixed(f64),
    Run { run: usize, slot: usize },
}

struct Constraint {
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
pub fn solve<'i>(
    runs: &[ShortRun],
    identities: impl IntoIterator<Item = &'i Identity>,
    fixed: &dyn Fn(usize, &str) -> Option<f64>,
) -> Vec<RunResult> {
    let mut slot_of: HashMap<(usize, &str), (usize, usize)> = HashMap::new();
    for (ri, run) in runs.iter().enumerate() {
        for (si, (row, col)) in run.slots.iter().enumerate() {
            slot_of.insert((*row, col.as_str()), (ri, si));
        }
    }
    let constraints: Vec<Constraint> = identities
        .into_iter()
        .filter(|id| id.relation == Relation::Eq)
        .filter_map(|id| {
            let term = |(row, col): &(usize, String)| match slot_of.get(&(*row, col.as_str())) {
                Some(&(run, slot)) => Some(Term::Run { run, slot }),
                None => fixed(*row, col).map(Term::Fixed),
            };
            let lhs: Option<Vec<Term>> = id.lhs.iter().map(term).collect();
            let rhs: Option<Vec<Term>> = id.rhs.iter().map(term).collect();
            let c = Constraint {
                lhs: lhs?,
                rhs: rhs?,
            };
            let touches = c
                .lhs
                .iter()
                .chain(&c.rhs)
                .any(|t| matches!(t, Term::Run { .. }));
            touches.then_some(c)
        })
        .collect();

    let candidates: Vec<usize> = runs.iter().map(|r| r.choices.len()).collect();
    let searchable: Vec<bool> = candidates
        .iter()
        .map(|&c| c > 0 && c <= MAX_CANDIDATES)
        .collect();
    // Constraints naming a run whose placements were not enumerated cannot be used.
    let constraints: Vec<Constraint> = constraints
        .into_iter()
        .filter(|k| {
            k.terms()
                .all(|t| !matches!(t, Term::Run { run, .. } if !searchable[run]))
        })
        .collect();
    let mut touching: Vec<Vec<usize>> = vec![Vec::new(); runs.len()];
    for (ki, k) in constraints.iter().enumerate() {
        for t in k.terms() {
            if let Term::Run { run, .. } = t {
                if !touching[run].contains(&ki) {
                    touching[run].push(ki);
                }
            }
        }
    }
    let slot_values: Vec<Vec<Vec<f64>>> = runs.iter().map(|r| r.choices.clone()).collect();
    let own_slots = touching
        .iter()
        .enumerate()
        .map(|(r, ks)| {
            ks.iter()
                .map(|&ki| {
                    let own = |terms: &[Term]| -> Vec<usize> {
                        terms
                            .iter()
                            .filter_map(|t| match *t {
                                Term::Run { run, slot } if run == r => Some(slot),
                                _ => None,
                            })
                            .collect()
                    };
                    (own(&constraints[ki].lhs), own(&constraints[ki].rhs))
                })
                .collect()
        })
        .collect();
    let problem = Problem {
        runs,
        slot_values,
        constraints: &constraints,
        touching: &touching,
        own_slots,
    };

    let all: Vec<usize> = (0..runs.len()).collect();
    let full = problem.state(candidates.iter().map(|&c| (0..c).collect()).collect());
    let mut root = full.clone();
    let consistent = problem.propagate(&mut root, &all);
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
            search.dfs(root.clone());
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
                    root.domains[r].clone()
                };
                outcome[r] = Some(RunResult {
                    placements,
                    solved: !search.solutions.is_empty(),
                });
            }
        }
    }
    (0..runs.len())
        .map(|r| {
            outcome[r].take().unwrap_or_else(|| {
                // No joint answer: keep what each run allows with the others left open, so
                // nothing is guessed; the failing identities are reported by the checker.
                let mut alone = full.clone();
                let placements =
                    if problem.propagate(&mut alone, &[r]) && !alone.domains[r].is_empty() {
                        alone.domains[r].clone()
                    } else {
                        (0..candidates[r]).collect()
                    };
                RunResult {
                    placements,
                    solved: false,
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

/// Candidate placements left per run, and per run and slot the range of values they allow
/// (kept in step, so propagation never recomputes ranges of runs it did not narrow).
#[derive(Clone)]
struct State {
    domains: Vec<Vec<usize>>,
    ranges: Vec<Vec<(f64, f64)>>,
}

/// A constraint's bounds on each side apart from one run.
struct Bounds {
    llo: f64,
    lhi: f64,
    rlo: f64,
    rhi: f64,
}

/// A run's own slots in a constraint: on the left side, on the right.
type OwnSlots = (Vec<usize>, Vec<usize>);

struct Problem<'a> {
    runs: &'a [ShortRun],
    /// Per run, candidate and slot: the value placed there (0 for a blank).
    slot_values: Vec<Vec<Vec<f64>>>,
    constraints: &'a [Constraint],
    touching: &'a [Vec<usize>],
    /// Per run, for each constraint it touches (in `touching` order), its own slots.
    own_slots: Vec<Vec<OwnSlots>>,
}

impl Problem<'_> {
    /// The value candidate `c` of run `r` puts in `slot`.
    fn value(&self, r: usize, c: usize, slot: usize) -> f64 {
        self.slot_values[r][c][slot]
    }

    /// The smallest and largest value `slot` of run `r` can take under `domain`.
    fn range(&self, r: usize, domain: &[usize], slot: usize) -> (f64, f64) {
        domain
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &c| {
                let v = self.value(r, c, slot);
                (lo.min(v), hi.max(v))
            })
    }

    /// A search state over `domains`, with their ranges computed once.
    fn state(&self, domains: Vec<Vec<usize>>) -> State {
        let ranges = self.ranges(&domains);
        State { domains, ranges }
    }

    /// Per run and slot, the smallest and largest value the run's domain allows.
    fn ranges(&self, domains: &[Vec<usize>]) -> Vec<Vec<(f64, f64)>> {
        domains
            .iter()
            .enumerate()
            .map(|(r, d)| {
                (0..self.runs[r].slots.len())
                    .map(|s| self.range(r, d, s))
                    .collect()
            })
            .collect()
    }

    /// Constraint `k` seen from run `r`: the bounds every other term allows (summarised by
    /// `ranges`). Computed once per run and constraint, so testing each of a large domain's
    /// candidates only adds up the run's own slots.
    fn view_from(&self, k: &Constraint, ranges: &[Vec<(f64, f64)>], r: usize) -> Bounds {
        let side = |terms: &[Term]| {
            terms.iter().fold((0.0, 0.0), |(lo, hi), t| match *t {
                Term::Fixed(v) => (lo + v, hi + v),
                Term::Run { run, .. } if run == r => (lo, hi),
                Term::Run { run, slot } => {
                    let (a, b) = ranges[run][slot];
                    (lo + a, hi + b)
                }
            })
        };
        let ((llo, lhi), (rlo, rhi)) = (side(&k.lhs), side(&k.rhs));
        Bounds { llo, lhi, rlo, rhi }
    }

    /// Whether a constraint (`view` of the others, `own` slots of run `r` on each side) can
    /// hold with run `r` placed by candidate `c`.
    fn feasible(&self, view: &Bounds, own: &OwnSlots, r: usize, c: usize) -> bool {
        let sum = |slots: &[usize]| -> f64 { slots.iter().map(|&s| self.value(r, c, s)).sum() };
        let (l, rr) = (sum(&own.0), sum(&own.1));
        const EPS: f64 = 1e-6;
        view.llo + l <= view.rhi + rr + EPS && view.rlo + rr <= view.lhi + l + EPS
    }

    /// Narrows the domains of `start` (and whatever their narrowing affects) to a fixpoint;
    /// false when some domain empties, i.e. no solution remains.
    fn propagate(&self, state: &mut State, start: &[usize]) -> bool {
        let State { domains, ranges } = state;
        let mut queue: Vec<usize> = start.to_vec();
        while let Some(r) = queue.pop() {
            let before = domains[r].len();
            let views: Vec<Bounds> = self.touching[r]
                .iter()
                .map(|&ki| self.view_from(&self.constraints[ki], ranges, r))
                .collect();
            let own = &self.own_slots[r];
            let kept: Vec<usize> = domains[r]
                .iter()
                .copied()
                .filter(|&c| {
                    views
                        .iter()
                        .zip(own)
                        .all(|(v, o)| self.feasible(v, o, r, c))
                })
                .collect();
            if kept.is_empty() {
                domains[r] = kept;
                return false;
            }
            if kept.len() < before {
                domains[r] = kept;
                ranges[r] = (0..self.runs[r].slots.len())
                    .map(|s| self.range(r, &domains[r], s))
                    .collect();
                for &ki in &self.touching[r] {
                    for t in self.constraints[ki].terms() {
                        if let Term::Run { run, .. } = t {
                            if run != r && !queue.contains(&run) {
                                queue.push(run);
                            }
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
    /// Depth-first over the run with the smallest open domain, propagating after each choice.
    fn dfs(&mut self, state: State) {
        if self.gave_up || self.solutions.len() >= MAX_SOLUTIONS {
            return;
        }
        let open = self
            .component
            .iter()
            .copied()
            .filter(|&r| state.domains[r].len() > 1)
            .min_by_key(|&r| state.domains[r].len());
        let Some(r) = open else {
            self.solutions.push(
                state
                    .domains
                    .iter()
                    .map(|d| d.first().copied().unwrap_or(0))
                    .collect(),
            );
            return;
        };
        for &c in &state.domains[r] {
            self.nodes += 1;
            if self.nodes > NODE_BUDGET {
                self.gave_up = true;
                return;
            }
            let mut next = state.clone();
            next.domains[r] = vec![c];
            next.ranges[r] = (0..self.problem.runs[r].slots.len())
                .map(|s| self.problem.range(r, &next.domains[r], s))
                .collect();
            if self.problem.propagate(&mut next, &[r]) {
                self.dfs(next);
            }
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
        let runs: Vec<usize> = k
            .lhs
            .iter()
            .chain(&k.rhs)
            .filter_map(|t| match t {
                Term::Run { run, .. } => Some(*run),
                Term::Fixed(_) => None,
            })
            .collect();
        for w in runs.windows(2) {
            let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
            parent[a] = b;
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    for x in 0..n {
        let r = root(&mut parent, x);
        let g = *index.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(x);
    }
    groups
}

/// All increasing `k`-subsets of `0..n`, in lexicographic order (left-packed first).
pub fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k > n {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut idx: Vec<usize> = (0..k).collect();
    loop {
        out.push(idx.clone());
        if out.len() > MAX_CANDIDATES {
            return out;
        }
        let mut i = k;
        loop {
            if i == 0 {
                return out;
            }
            i -= 1;
            if idx[i] < n - k + i {
                idx[i] += 1;
                for j in i + 1..k {
                    idx[j] = idx[j - 1] + 1;
                }
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn ident(lhs: &[(usize, &str)], rhs: &[(usize, &str)]) -> Identity {
        let v = |s: &[(usize, &str)]| s.iter().map(|(r, c)| (*r, c.to_string())).collect();
        Identity {
            id: "T".into(),
            table: "t".into(),
            along: String::new(),
            lhs: v(lhs),
            rhs: v(rhs),
            relation: Relation::Eq,
            severity: Severity::Error,
        }
    }

    fn run(row: usize, cols: &[&str], values: &[f64]) -> ShortRun {
        ShortRun::placements(cols.iter().map(|c| (row, c.to_string())).collect(), values).0
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
    fn combinations_are_ordered_and_complete() {
        assert_eq!(combinations(3, 2), vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
        assert_eq!(combinations(7, 5).len(), 21);
        assert_eq!(combinations(2, 3), Vec::<Vec<usize>>::new());
        assert_eq!(combinations(4, 0), vec![Vec::<usize>::new()]);
    }

    #[test]
    fn row_total_places_the_total_last() {
        // a b c | t ; values 2, 3, 5 for four cells: a+b+c = t forces 5 into t, 2 and 3 stay
        // ambiguous between a, b and c.
        let runs = vec![run(0, &["a", "b", "c", "t"], &[2.0, 3.0, 5.0])];
        let ids = vec![ident(&[(0, "t")], &[(0, "a"), (0, "b"), (0, "c")])];
        let res = solve(&runs, &ids, &|_, _| Some(0.0));
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
        let res = solve(&runs, &ids, &fixed);
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
        let res = solve(&runs, &ids, &|_, _| Some(3.0));
        assert!(!res[0].solved);
        assert_eq!(res[0].placements.len(), 2);
    }

    #[test]
    fn runs_without_identities_stay_open() {
        let runs = vec![run(0, &["x", "y", "z"], &[1.0])];
        let res = solve(&runs, &[] as &[Identity], &|_, _| Some(0.0));
        assert_eq!(res[0].placements.len(), 3);
    }

    #[test]
    fn unusable_cells_drop_their_identities() {
        let runs = vec![run(0, &["a", "t"], &[5.0])];
        let ids = vec![ident(&[(1, "x")], &[(0, "a")])];
        let res = solve(&runs, &ids, &|_, _| None);
        assert_eq!(res[0].placements.len(), 2);
    }
}
