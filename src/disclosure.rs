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
//! out by subtracting one figure from another, on one page or across two sites.

/// The pack's rounding rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rounding {
    /// Counts are rounded to the nearest multiple of this (halves up).
    pub base: u64,
    /// A percentage (or a median) is shown only over a rounded denominator of at least this.
    pub min_denominator: u64,
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

    /// A sentence saying how the figures were treated, for the page that shows them.
    pub fn note(&self) -> String {
        format!(
            "Every count is rounded to the nearest {b}; \"low\" means a count that is not 0 but rounds to 0. Figures may not add up to their totals because each is rounded on its own. Percentages are worked out from the rounded counts and shown only where the rounded count they are taken of is at least {m}; otherwise they say \"suppressed\".",
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

    proptest! {
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
