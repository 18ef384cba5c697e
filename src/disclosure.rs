//! Statistical disclosure control for the board's site: small counts are shown as "fewer
//! than N" (as official statistics do), and where a total is shown with its parts, a second
//! cell is suppressed whenever one would otherwise be recoverable by subtraction.

/// A set of cells that add up: `total` is the sum of `parts` (some of which may never be
/// shown at all: list those in `hidden`).
#[derive(Clone, Debug)]
pub struct Group {
    pub parts: Vec<usize>,
    pub total: usize,
}

/// Decides which cells to suppress. `values[i]` is cell i; `hidden[i]` marks cells that are
/// never displayed (they count as unknown to a reader). Returns, per cell, whether it is
/// suppressed. Every count from 1 to `below - 1` is suppressed (primary suppression); then,
/// repeatedly, any group with exactly one unknown member gets a second one: the smallest
/// other part (secondary suppression), so no total gives a suppressed cell away.
pub fn suppress(values: &[u64], hidden: &[bool], groups: &[Group], below: u64) -> Vec<bool> {
    let mut s: Vec<bool> = values.iter().map(|&v| v > 0 && v < below).collect();
    let unknown = |s: &[bool], i: usize| s[i] || hidden.get(i).copied().unwrap_or(false);
    loop {
        let mut changed = false;
        for g in groups {
            let members: Vec<usize> = g.parts.iter().copied().chain(std::iter::once(g.total)).collect();
            let n = members.iter().filter(|&&i| unknown(&s, i)).count();
            if n != 1 {
                continue;
            }
            // Suppress the smallest known part; failing that, the total.
            let pick = g
                .parts
                .iter()
                .copied()
                .filter(|&i| !unknown(&s, i))
                .min_by_key(|&i| (values[i] == 0, values[i], i))
                .unwrap_or(g.total);
            if !s[pick] {
                s[pick] = true;
                changed = true;
            }
        }
        if !changed {
            return s;
        }
    }
}

/// How a suppressed count is written.
pub fn fewer_than(below: u64) -> String {
    format!("fewer than {below}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_lone_small_cell_takes_another_with_it() {
        // 12 = 3 + 9: the 3 is suppressed, and so the 9 must be, or 12 - 9 gives it away.
        let s = suppress(
            &[3, 9, 12],
            &[false, false, false],
            &[Group {
                parts: vec![0, 1],
                total: 2,
            }],
            5,
        );
        assert_eq!(s, [true, true, false]);
        // Two small cells hide each other; zeros are not disclosive.
        let s = suppress(
            &[3, 2, 0, 5],
            &[false; 4],
            &[Group {
                parts: vec![0, 1, 2],
                total: 3,
            }],
            5,
        );
        assert_eq!(s, [true, true, false, false]);
        // A part never shown already leaves two unknowns.
        // 20 = 3 + 9 + 8, but the 8 is never shown: the 3 cannot be recovered.
        let s = suppress(
            &[3, 9, 8, 20],
            &[false, false, true, false],
            &[Group {
                parts: vec![0, 1, 2],
                total: 3,
            }],
            5,
        );
        assert!(s[0] && !s[1] && !s[3]);
    }

    proptest! {
        #[test]
        fn no_group_ever_has_exactly_one_unknown(
            parts in proptest::collection::vec(proptest::collection::vec(0u64..12, 2..6), 1..5),
        ) {
            // Rows of parts with their totals, and a grand total over the row totals.
            let mut values = Vec::new();
            let mut groups = Vec::new();
            let mut totals = Vec::new();
            for row in &parts {
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
            let s = suppress(&values, &hidden, &groups, 5);
            for (i, v) in values.iter().enumerate() {
                if *v > 0 && *v < 5 {
                    prop_assert!(s[i], "small value {v} shown");
                }
            }
            for g in &groups {
                let n = g.parts.iter().chain(std::iter::once(&g.total)).filter(|&&i| s[i]).count();
                prop_assert!(n != 1, "a group with one suppressed cell: {g:?} {values:?} {s:?}");
            }
        }
    }
}
