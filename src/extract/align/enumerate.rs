//! Enumerating the ways a short run's printed values could fill its slots: every
//! order-preserving placement, or only those keeping the identities the run settles alone.

use super::MAX_CANDIDATES;
use crate::template::{CellAt, Identity, Relation};

/// The identities a run settles by itself (every cell one of its slots), as signed slots,
/// so placements that break them are dropped while being enumerated rather than stored for
/// the solver to drop: the appeals table prints 7 of 15 figures in 6,435 ways, of which a
/// handful keep its three totals.
#[derive(Debug, Clone, Default)]
pub struct OwnChecks {
    /// Per identity: each term's slot and sign (+1 left, -1 right), left side first.
    terms: Vec<Vec<(usize, f64)>>,
    /// Per slot: the identities whose last term it is (checkable once it is filled).
    closing: Vec<Vec<usize>>,
}

impl OwnChecks {
    /// The equalities of `identities` that name only `slots`.
    pub fn new<'i>(slots: &[CellAt], identities: impl IntoIterator<Item = &'i Identity>) -> Self {
        let mut checks = OwnChecks {
            terms: Vec::new(),
            closing: vec![Vec::new(); slots.len()],
        };
        for id in identities {
            // Most identities name some other row: the first cell tells.
            let first = id.lhs_at.first().or(id.rhs_at.first());
            if id.relation != Relation::Eq || !first.is_some_and(|at| slots.contains(at)) {
                continue;
            }
            let signed = id
                .lhs_at
                .iter()
                .map(|at| (at, 1.0))
                .chain(id.rhs_at.iter().map(|at| (at, -1.0)));
            let terms: Option<Vec<(usize, f64)>> = signed
                .map(|(at, sign)| Some((slots.iter().position(|s| s == at)?, sign)))
                .collect();
            if let Some(terms) = terms {
                if let Some(last) = terms.iter().map(|t| t.0).max() {
                    checks.closing[last].push(checks.terms.len());
                    checks.terms.push(terms);
                }
            }
        }
        checks
    }

    /// Whether the run settles no identity by itself.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether the identities closed by `slot` hold for `vals` (the same sum, in the same
    /// order and with the same tolerance, as the solver's test of a run's own contribution).
    fn hold_at(&self, slot: usize, vals: &[f64]) -> bool {
        const EPS: f64 = 1e-6;
        self.closing.get(slot).is_none_or(|ids| {
            ids.iter().all(|&k| {
                let d = self.terms[k]
                    .iter()
                    .fold(0.0, |d, &(s, sign)| d + sign * vals[s]);
                (-EPS..=EPS).contains(&d)
            })
        })
    }
}

/// Calls `f` with each order-preserving placement of `values` into `n` slots that keeps
/// `checks` (the slot of each value, and the slots' values with 0.0 for a blank), in the
/// lexicographic order of `for_each_combination`. Each slot decided costs one of `budget`;
/// false when `f` asked to stop or the budget ran out.
pub fn for_each_placement(
    n: usize,
    values: &[f64],
    checks: &OwnChecks,
    budget: &mut usize,
    f: &mut dyn FnMut(&[usize], &[f64]) -> bool,
) -> bool {
    struct Walk<'a> {
        n: usize,
        values: &'a [f64],
        checks: &'a OwnChecks,
        place: Vec<usize>,
        vals: Vec<f64>,
        budget: &'a mut usize,
    }
    fn go(
        w: &mut Walk,
        slot: usize,
        next: usize,
        f: &mut dyn FnMut(&[usize], &[f64]) -> bool,
    ) -> bool {
        if slot == w.n {
            return f(&w.place, &w.vals);
        }
        if *w.budget == 0 {
            return false;
        }
        *w.budget -= 1;
        let k = w.values.len();
        // The next value here first: that is the lexicographic order of the value slots.
        if next < k {
            w.vals[slot] = w.values[next];
            w.place[next] = slot;
            if w.checks.hold_at(slot, &w.vals) && !go(w, slot + 1, next + 1, f) {
                return false;
            }
        }
        // A blank here, if the slots after it still hold the values left.
        if w.n - slot > k - next {
            w.vals[slot] = 0.0;
            if w.checks.hold_at(slot, &w.vals) && !go(w, slot + 1, next, f) {
                return false;
            }
        }
        true
    }
    if values.len() > n {
        return true;
    }
    let mut walk = Walk {
        n,
        values,
        checks,
        place: vec![0; values.len()],
        vals: vec![0.0; n],
        budget,
    };
    go(&mut walk, 0, 0, f)
}

/// All increasing `k`-subsets of `0..n`, in lexicographic order (left-packed first).
pub fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for_each_combination(n, k, &mut |idx| {
        out.push(idx.to_vec());
        out.len() <= MAX_CANDIDATES
    });
    out
}

/// The number of `k`-subsets of `0..n` (saturating).
pub fn binomial(n: usize, k: usize) -> usize {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    (0..k).fold(1usize, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

/// Calls `f` with each increasing `k`-subset of `0..n`, in lexicographic order, without
/// allocating one per subset; false when `f` asked to stop.
pub fn for_each_combination(n: usize, k: usize, f: &mut dyn FnMut(&[usize]) -> bool) -> bool {
    if k > n {
        return true;
    }
    let mut idx: Vec<usize> = (0..k).collect();
    loop {
        if !f(&idx) {
            return false;
        }
        let mut i = k;
        loop {
            if i == 0 {
                return true;
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

    #[test]
    fn combinations_are_ordered_and_complete() {
        assert_eq!(combinations(3, 2), vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
        assert_eq!(combinations(7, 5).len(), 21);
        assert_eq!(combinations(2, 3), Vec::<Vec<usize>>::new());
        assert_eq!(combinations(4, 0), vec![Vec::<usize>::new()]);
        for n in 0..12 {
            for k in 0..=n + 1 {
                assert_eq!(binomial(n, k), combinations(n, k).len(), "C({n}, {k})");
            }
        }
    }

    fn cell(i: usize) -> CellAt {
        CellAt { row: 0, cell: i }
    }

    fn identity(lhs: &[usize], rhs: &[usize], relation: Relation) -> Identity {
        Identity {
            id: "T".into(),
            table: "t".into(),
            along: String::new(),
            lhs: Vec::new(),
            rhs: Vec::new(),
            lhs_at: lhs.iter().map(|&i| cell(i)).collect(),
            rhs_at: rhs.iter().map(|&i| cell(i)).collect(),
            relation,
            severity: crate::model::Severity::Error,
        }
    }

    /// Every placement `for_each_placement` gives, with its slot values.
    fn placements(n: usize, values: &[f64], checks: &OwnChecks) -> Vec<(Vec<usize>, Vec<f64>)> {
        let mut out = Vec::new();
        let mut budget = usize::MAX;
        assert!(for_each_placement(
            n,
            values,
            checks,
            &mut budget,
            &mut |p, v| {
                out.push((p.to_vec(), v.to_vec()));
                true
            }
        ));
        out
    }

    /// The slot values a placement gives (0.0 for a blank).
    fn filled(n: usize, values: &[f64], place: &[usize]) -> Vec<f64> {
        let mut v = vec![0.0; n];
        for (i, &slot) in place.iter().enumerate() {
            v[slot] = values[i];
        }
        v
    }

    #[test]
    fn without_checks_every_combination_comes_in_order() {
        for n in 0..9 {
            for k in 0..=n + 1 {
                let values: Vec<f64> = (0..k).map(|i| i as f64 + 1.0).collect();
                let got = placements(n, &values, &OwnChecks::default());
                let want = combinations(n, k);
                assert_eq!(got.len(), want.len(), "C({n}, {k})");
                for ((place, vals), want) in got.iter().zip(&want) {
                    assert_eq!(place, want);
                    assert_eq!(vals, &filled(n, &values, want));
                }
            }
        }
    }

    #[test]
    fn own_checks_keep_only_identities_within_the_slots() {
        let slots: Vec<CellAt> = (0..4).map(cell).collect();
        let ids = [
            identity(&[3], &[0, 1, 2], Relation::Eq),
            // Names a cell outside the run: the solver's business, not the run's.
            identity(&[3], &[0, 9], Relation::Eq),
            // Not an equality: never used to drop a placement.
            identity(&[0], &[3], Relation::Le),
        ];
        let checks = OwnChecks::new(&slots, &ids);
        assert_eq!(checks.terms.len(), 1);
        // Checked once slot 3, the last it names, is filled.
        assert_eq!(checks.closing[3], vec![0]);
        // 2, 3, 5 in four cells: only the placements that put 5 in the total cell remain.
        let got: Vec<Vec<usize>> = placements(4, &[2.0, 3.0, 5.0], &checks)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(got, vec![vec![0, 1, 3], vec![0, 2, 3], vec![1, 2, 3]]);
    }

    #[test]
    fn an_exhausted_budget_stops_the_enumeration() {
        let mut budget = 5;
        let mut seen = 0;
        let done = for_each_placement(
            15,
            &[1.0; 7],
            &OwnChecks::default(),
            &mut budget,
            &mut |_, _| {
                seen += 1;
                true
            },
        );
        assert!(!done);
        assert_eq!(budget, 0);
        assert!(seen < binomial(15, 7));
    }

    proptest::proptest! {
        /// Pruning while enumerating keeps exactly the placements that a filter over all of
        /// them would, in the same order.
        #[test]
        fn pruned_enumeration_equals_filtering_every_combination(
            n in 1usize..9,
            raw in proptest::collection::vec(0u8..4, 0..9),
            sides in proptest::collection::vec(0u8..3, 9),
        ) {
            let values: Vec<f64> = raw.iter().take(n).map(|&v| f64::from(v)).collect();
            let lhs: Vec<usize> = (0..n).filter(|&i| sides[i] == 1).collect();
            let rhs: Vec<usize> = (0..n).filter(|&i| sides[i] == 2).collect();
            let slots: Vec<CellAt> = (0..n).map(cell).collect();
            let ids = [identity(&lhs, &rhs, Relation::Eq)];
            let checks = OwnChecks::new(&slots, &ids);
            let got: Vec<Vec<usize>> =
                placements(n, &values, &checks).into_iter().map(|(p, _)| p).collect();
            let want: Vec<Vec<usize>> = combinations(n, values.len())
                .into_iter()
                .filter(|p| {
                    let v = filled(n, &values, p);
                    let l: f64 = lhs.iter().map(|&i| v[i]).sum();
                    let r: f64 = rhs.iter().map(|&i| v[i]).sum();
                    lhs.is_empty() && rhs.is_empty() || l == r
                })
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
