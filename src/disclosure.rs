//! Statistical disclosure control for figures that leave the team (the board's site and the
//! reports marked for outside the team), as the DfE does it for local-authority figures:
//! every count is rounded (to the nearest 5 unless the pack says otherwise), a count that is
//! not 0 but rounds to 0 is written "low", and a percentage is shown only over a rounded
//! denominator of at least the pack's threshold, computed from the rounded counts, so that it
//! tells a reader nothing the rounded counts do not. Where a figure still cannot be shown it is
//! written "suppressed", never as a range it might not be in.
//!
//! Rounding is what makes the figures safe together: any sum or difference of rounded
//! figures is a multiple of the rounding base, so no count from 1 to base - 1 can be worked
//! out by subtracting one figure from another, on one page or across two sites. Where figures
//! that add up (parts and their total) still pin a small count down exactly (a total of "low"
//! over four parts each "low" can only be 4 = 1 + 1 + 1 + 1), [`Rounding::secondary`] picks
//! further cells to write "suppressed" until none does.

/// The pack's rounding rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rounding {
    /// Counts are rounded to the nearest multiple of this (halves up).
    pub base: u64,
    /// A percentage (or a median) is shown only over a rounded denominator of at least this.
    pub min_denominator: u64,
}

/// A cell nothing is known of (suppressed, or never shown).
const ANY: (u64, u64) = (0, u64::MAX / 4);

/// Narrows each cell's range by every group that adds up, until nothing narrows further.
fn narrow(mut r: Vec<(u64, u64)>, groups: &[Group]) -> Vec<(u64, u64)> {
    for _ in 0..64 {
        let mut changed = false;
        for g in groups {
            let lo: u64 = g.parts.iter().map(|&p| r[p].0).sum();
            let hi: u64 = g.parts.iter().map(|&p| r[p].1).fold(0, u64::saturating_add);
            let t = (r[g.total].0.max(lo), r[g.total].1.min(hi));
            if t != r[g.total] && t.0 <= t.1 {
                r[g.total] = t;
                changed = true;
            }
            for &p in &g.parts {
                let others_lo = lo - r[p].0;
                let others_hi = hi.saturating_sub(r[p].1);
                let new = (
                    r[p].0.max(r[g.total].0.saturating_sub(others_hi)),
                    r[p].1.min(r[g.total].1.saturating_sub(others_lo)),
                );
                if new != r[p] && new.0 <= new.1 {
                    r[p] = new;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    r
}

/// Cells that add up: `total` is the sum of `parts` (indices into one page's cells).
#[derive(Clone, Debug)]
pub struct Group {
    pub parts: Vec<usize>,
    pub total: usize,
}

impl Group {
    fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts.iter().copied().chain(std::iter::once(self.total))
    }
}

/// How a count is written once rounded.
pub const LOW: &str = "low";
/// How a figure is written when it cannot be shown at all.
pub const SUPPRESSED: &str = "suppressed";

impl Rounding {
    /// The count rounded to the nearest multiple of the base (halves up).
    pub fn round(&self, n: u64) -> u64 {
        let b = self.base.max(1);
        (n + b / 2) / b * b
    }

    /// The count as shown: "0", "low" (not 0, but rounds to 0), or the rounded figure.
    pub fn count(&self, n: u64) -> String {
        match (n, self.round(n)) {
            (0, _) => "0".into(),
            (_, 0) => LOW.into(),
            (_, r) => r.to_string(),
        }
    }

    /// Whether a rate over `denominator` may be shown.
    pub fn shows_rate_over(&self, denominator: u64) -> bool {
        let d = self.round(denominator);
        d > 0 && d >= self.min_denominator
    }

    /// `part` as a per cent of `whole`, from the rounded counts; "suppressed" when the
    /// rounded denominator is under the threshold.
    pub fn percent(&self, part: u64, whole: u64) -> String {
        if whole == 0 {
            return "-".into();
        }
        if !self.shows_rate_over(whole) {
            return SUPPRESSED.into();
        }
        let p = 100.0 * self.round(part) as f64 / self.round(whole) as f64;
        format!("{:.0}%", p.min(100.0))
    }

    /// The true counts a shown count may stand for: 0 is exact; "low" is 1 to the largest
    /// count that rounds to 0; a rounded figure r is every count that rounds to r.
    pub fn range(&self, n: u64) -> (u64, u64) {
        let b = self.base.max(1);
        match (n, self.round(n)) {
            (0, _) => (0, 0),
            (_, 0) => (1, (b - 1) / 2),
            (_, r) => (r - b / 2, r + (b - 1) / 2),
        }
    }

    /// Which cells must be suppressed as well as rounded, so that no count from 1 to
    /// base - 1 is pinned down exactly by the groups that add up. `hidden` cells are never
    /// shown (a reader knows nothing of them); `fixed` cells are what a reader knows already
    /// from elsewhere (another period's figure, as shown there): they are never suppressed
    /// here. Returns, per cell, whether it is suppressed.
    pub fn secondary(
        &self,
        values: &[u64],
        hidden: &[bool],
        fixed: &[Option<(u64, u64)>],
        groups: &[Group],
    ) -> Vec<bool> {
        let n = values.len();
        let is_fixed = |i: usize| fixed.get(i).is_some_and(Option::is_some);
        let mut suppressed = vec![false; n];
        loop {
            let range = self.solve(values, hidden, fixed, &suppressed, groups);
            // A small count a reader can pin down, shown or suppressed (a suppressed cell the
            // others add up to is no secret), or known from elsewhere only as a range (another
            // period's figure, which these sums must not narrow to one value either).
            let pinned: Vec<usize> = (0..n)
                .filter(|&i| {
                    !hidden.get(i).copied().unwrap_or(false)
                        || fixed.get(i).copied().flatten().is_some_and(|(lo, hi)| lo < hi)
                })
                .filter(|&i| range[i].0 == range[i].1 && values[i] > 0 && values[i] < self.base)
                .collect();
            let before = suppressed.clone();
            for i in pinned {
                // A fixed cell is not this page's to suppress: the others of its sums are.
                suppressed[i] = !is_fixed(i);
                // With it, another member of each group it is in, or the group gives it back:
                // the smallest other count that is not 0 and not yet unknown.
                for g in groups.iter().filter(|g| g.members().any(|m| m == i)) {
                    let other = g
                        .members()
                        .filter(|&m| {
                            m != i && !suppressed[m] && !hidden.get(m).copied().unwrap_or(false) && !is_fixed(m)
                        })
                        .min_by_key(|&m| (values[m] == 0, values[m], m));
                    if let Some(m) = other {
                        suppressed[m] = true;
                    }
                }
            }
            if suppressed == before {
                return suppressed;
            }
        }
    }

    /// What a reader can work out of each cell: its range from its shown figure, narrowed by
    /// every group until nothing narrows further.
    fn solve(
        &self,
        values: &[u64],
        hidden: &[bool],
        fixed: &[Option<(u64, u64)>],
        suppressed: &[bool],
        groups: &[Group],
    ) -> Vec<(u64, u64)> {
        let r: Vec<(u64, u64)> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| match fixed.get(i).copied().flatten() {
                Some(known) => known,
                None if suppressed[i] || hidden.get(i).copied().unwrap_or(false) => ANY,
                None => self.range(v),
            })
            .collect();
        narrow(r, groups)
    }

    /// What a reader can work out of figures as shown ("0", "low", "15", "suppressed"),
    /// given which add up: each cell's range of true counts.
    pub fn read_back(&self, shown: &[&str], groups: &[Group]) -> Vec<(u64, u64)> {
        narrow(shown.iter().map(|s| self.range_of_shown(s)).collect(), groups)
    }

    /// The true counts a figure as shown may stand for ("suppressed": any).
    pub fn range_of_shown(&self, s: &str) -> (u64, u64) {
        let b = self.base.max(1);
        match (s, s.parse::<u64>()) {
            ("0", _) => (0, 0),
            (LOW, _) => (1, (b - 1) / 2),
            (_, Ok(n)) => (n - (b / 2).min(n), n + (b - 1) / 2),
            _ => ANY,
        }
    }

    /// A sentence saying how the figures were treated, for the page that shows them.
    pub fn note(&self) -> String {
        format!(
            "Every count is rounded to the nearest {b}; \"low\" means a count that is not 0 but rounds to 0. Figures may not add up to their totals because each is rounded on its own. Percentages are worked out from the rounded counts (so 100% may stand for a little less) and shown only where the rounded count they are taken of is at least {m}; otherwise, and wherever figures that add up would give a small count away, they say \"suppressed\".",
            b = self.base,
            m = self.min_denominator
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const R: Rounding = Rounding {
        base: 5,
        min_denominator: 10,
    };

    #[test]
    fn counts_round_to_the_nearest_five_and_low_is_not_zero() {
        let shown: Vec<String> = (0..=13).map(|n| R.count(n)).collect();
        assert_eq!(
            shown,
            [
                "0", "low", "low", "5", "5", "5", "5", "5", "10", "10", "10", "10", "10", "15"
            ]
        );
        let ten = Rounding {
            base: 10,
            min_denominator: 10,
        };
        assert_eq!(
            [ten.count(4), ten.count(5), ten.count(14), ten.count(15)],
            ["low", "10", "10", "20"]
        );
    }

    #[test]
    fn the_boards_example_gives_nothing_away() {
        // Closed 17, of which 14 successes and 3 "not CME" (left out of the rate): the board
        // once saw "closed 20 (rounded), success 82%, not CME fewer than 5", which can only
        // be 14/17. Now: closed 15, not CME 5, success 14 of 14 counted -> 15 of 15 = 100%.
        assert_eq!(R.count(17), "15");
        assert_eq!(R.count(3), "5");
        assert_eq!(R.percent(14, 14), "100%");
        // A small denominator: no rate.
        assert_eq!(R.percent(3, 7), "suppressed");
        assert_eq!(R.percent(0, 0), "-");
    }

    #[test]
    fn a_total_that_pins_its_parts_takes_another_cell_with_it() {
        // Rounded to the nearest 10, "low" is 1 to 4, and 4 = 1 + 1 + 1 + 1: a "low" total
        // over four parts each "low" can only be that.
        let ten = Rounding {
            base: 10,
            min_denominator: 10,
        };
        let values = [1, 1, 1, 1, 4];
        let g = [Group {
            parts: vec![0, 1, 2, 3],
            total: 4,
        }];
        assert!(
            ten.solve(&values, &[false; 5], &[], &[false; 5], &g)
                .iter()
                .all(|(lo, hi)| lo == hi)
        );
        let s = ten.secondary(&values, &[false; 5], &[], &g);
        assert!(s.iter().any(|&x| x), "something is suppressed: {s:?}");
        let left = ten.solve(&values, &[false; 5], &[], &s, &g);
        for (i, (lo, hi)) in left.iter().enumerate() {
            assert!(lo != hi, "cell {i} pinned: {left:?}");
        }
        // 2 = 1 + 1, each "low" over a "low" total: pinned too (a low is 1 or 2).
        let s = R.secondary(
            &[1, 1, 2],
            &[false; 3],
            &[],
            &[Group {
                parts: vec![0, 1],
                total: 2,
            }],
        );
        assert!(s.iter().filter(|&&x| x).count() >= 2, "{s:?}");
        // 12 = 3 + 9 rounds to 10 = 5 + 10: nothing is pinned, nothing suppressed.
        let s = R.secondary(
            &[3, 9, 12],
            &[false; 3],
            &[],
            &[Group {
                parts: vec![0, 1],
                total: 2,
            }],
        );
        assert_eq!(s, [false; 3]);
    }

    #[test]
    fn a_figure_known_from_elsewhere_is_not_narrowed_to_one_value() {
        // The previous quarter's active cases, shown there as "low" (1 or 2), flow into this
        // quarter: previous + registered (0) + reopened (0) = active ("low") + closed ("low").
        // Read together they say 2 = 1 + 1, pinning the previous quarter's figure as well as
        // this one's: after suppression none of them is one value.
        let values = [2, 0, 0, 2, 1, 1];
        let fixed = [Some((1, 2)), None, Some((0, 0)), None, None, None];
        let hidden = [true, false, true, true, false, false];
        let g = [
            Group {
                parts: vec![0, 1, 2],
                total: 3,
            },
            Group {
                parts: vec![4, 5],
                total: 3,
            },
        ];
        let before = R.solve(&values, &hidden, &fixed, &[false; 6], &g);
        assert_eq!((before[0], before[4]), ((2, 2), (1, 1)), "pinned before: {before:?}");
        let s = R.secondary(&values, &hidden, &fixed, &g);
        let left = R.solve(&values, &hidden, &fixed, &s, &g);
        for i in [0, 4, 5] {
            assert!(left[i].0 < left[i].1, "cell {i} stays a range: {left:?} {s:?}");
        }
        assert!(!s[0], "another period's figure is not suppressed here");
    }

    proptest! {
        #[test]
        fn after_secondary_suppression_no_small_count_is_pinned(
            rows in proptest::collection::vec(proptest::collection::vec(0u64..9, 2..5), 1..4),
        ) {
            // Rows of parts with their totals, and a grand total over the row totals.
            let mut values = Vec::new();
            let mut groups = Vec::new();
            let mut totals = Vec::new();
            for row in &rows {
                let start = values.len();
                values.extend(row.iter().copied());
                values.push(row.iter().sum());
                let total = values.len() - 1;
                totals.push(total);
                groups.push(Group { parts: (start..total).collect(), total });
            }
            values.push(totals.iter().map(|&t| values[t]).sum());
            groups.push(Group { parts: totals.clone(), total: values.len() - 1 });
            let hidden = vec![false; values.len()];
            let s = R.secondary(&values, &hidden, &[], &groups);
            let left = R.solve(&values, &hidden, &[], &s, &groups);
            for (i, v) in values.iter().enumerate() {
                if *v > 0 && *v < 5 {
                    prop_assert!(left[i].0 < left[i].1, "{v} pinned at {i}: {values:?} {s:?} {left:?}");
                }
            }
        }

        #[test]
        fn no_difference_of_two_figures_is_a_small_count(a in 0u64..500, b in 0u64..500) {
            let shown = |n: u64| R.count(n).parse::<u64>().ok();
            if let (Some(x), Some(y)) = (shown(a), shown(b)) {
                let d = x.abs_diff(y);
                prop_assert!(d == 0 || d >= 5, "{a} and {b} shown as {x} and {y}");
            }
        }

        #[test]
        fn a_rate_depends_only_on_the_rounded_counts(a in 0u64..200, b in 1u64..200, c in 0u64..200, d in 1u64..200) {
            prop_assume!(a <= b && c <= d);
            if R.round(a) == R.round(c) && R.round(b) == R.round(d) {
                prop_assert_eq!(R.percent(a, b), R.percent(c, d));
            }
        }
    }
}
