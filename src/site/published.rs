//! Figures as they are published outside the team (the board's site and board reports): one
//! block per quarter, each rounded and suppressed on its own, so that a quarter's figures read
//! the same in every output that shows them, and no output adds a total over quarters or a
//! running total that another output could be subtracted from.
//!
//! Inside a block, what adds up is declared ([`Cells::group`]): registered = known + unknown;
//! closures by outcome = closed; referrals by source (and by reason) = registered; and the
//! flow from the previous quarter: active at its end + registered + reopened = active at this
//! end + closed, with the previous quarter's figure taken as a reader knows it from its own
//! block. A breakdown of too few children to break down (a rounded total under the pack's
//! `min_denominator`) is not published at all: "all 2 closures were untraceable" is as
//! disclosive as a count.

use super::statistics::{Cells, FigureCells};
use super::*;
use crate::disclosure::Rounding;
use crate::stats::{Count, Figures};

/// One quarter's figures as published.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Block {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Registered, known, unknown, active at end, active unknown at end, closed, success
    /// rate, median days to resolution.
    pub figures: [String; 8],
    /// (outcome, shown), or empty where too few closures to break down.
    pub outcomes: Vec<(String, String)>,
    pub sources: Vec<(String, String)>,
    pub reasons: Vec<(String, String)>,
    pub vulnerabilities: Vec<(String, String)>,
}

impl Block {
    /// The `i`th outcome's closures as shown, or "suppressed" where the quarter gives none.
    pub(super) fn outcome(&self, i: usize) -> String {
        self.outcomes
            .get(i)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| crate::disclosure::SUPPRESSED.into())
    }
}

/// The figures' column names, in [`Block::figures`] order.
pub(super) const FIGURES: [&str; 8] = [
    "Registered",
    "Whereabouts known",
    "Whereabouts unknown",
    "Active at end",
    "Active, whereabouts unknown",
    "Closed",
    "Success rate",
    "Median days to resolution",
];

/// Referrals received in a period, by source, reason and vulnerability.
pub(super) type Referrals<'a> = &'a dyn Fn(NaiveDate, NaiveDate) -> (Vec<Count>, Vec<Count>, Vec<Count>);

/// Each whole quarter of `quarters` (the statistics' quarters, oldest first) as published.
pub(super) fn blocks(quarters: &[Figures], referrals: Referrals<'_>, r: Rounding) -> Vec<Block> {
    // A quarter cut short by the end of the figures is not published (the first may start
    // with the first referral: nothing came before it).
    let whole = |f: &Figures| {
        let next = f.end.succ_opt().expect("a day after");
        chrono::Datelike::day(&next) == 1 && chrono::Datelike::month0(&next).is_multiple_of(3)
    };
    let mut out: Vec<Block> = Vec::new();
    // What a reader knows of the active cases before the first quarter: none (the figures
    // start with the first referral's quarter).
    let mut before: (usize, (u64, u64)) = (0, (0, 0));
    for x in quarters.iter().filter(|f| whole(f)) {
        let b = block(x, before, referrals, r);
        before = (x.active_at_end, r.range_of_shown(&b.figures[3]));
        out.push(b);
    }
    out
}

fn block(x: &Figures, before: (usize, (u64, u64)), referrals: Referrals<'_>, r: Rounding) -> Block {
    let mut cells = Cells::new(Some(r));
    let fc = FigureCells::add(&mut cells, x, &|_| true);
    // The flow from the previous quarter's end.
    let prev = cells.add_known(before.0, before.1);
    let reopened = cells.add_known(x.reopened, (x.reopened as u64, x.reopened as u64));
    let through = cells.add_hidden(before.0 + x.registered + x.reopened);
    cells.group(vec![prev, fc.r, reopened], through);
    cells.group(vec![fc.a, fc.c], through);
    let breakdown =
        |cells: &mut Cells, v: &[Count], total: Option<usize>, over: usize| -> Option<Vec<(String, usize)>> {
            if !r.shows_rate_over(over as u64) {
                return None;
            }
            let ids: Vec<(String, usize)> = v.iter().map(|c| (view::count_label(c), cells.add(c.count))).collect();
            if let Some(t) = total {
                cells.group(ids.iter().map(|(_, i)| *i).collect(), t);
            }
            Some(ids)
        };
    let outcomes = breakdown(&mut cells, &x.closed_by_outcome, Some(fc.c), x.closed);
    let (src, rsn, vul) = referrals(x.start, x.end);
    let sources = breakdown(&mut cells, &src, Some(fc.r), x.registered);
    let reasons = breakdown(&mut cells, &rsn, Some(fc.r), x.registered);
    let vulnerabilities = breakdown(&mut cells, &vul, None, x.registered);
    cells.decide();
    let shown = |v: Option<Vec<(String, usize)>>| -> Vec<(String, String)> {
        v.map(|v| v.into_iter().map(|(l, i)| (l, cells.show(i))).collect())
            .unwrap_or_default()
    };
    Block {
        label: x.label.clone(),
        start: x.start,
        end: x.end,
        figures: [
            cells.show(fc.r),
            cells.show(fc.k),
            cells.show(fc.u),
            cells.show(fc.a),
            cells.show(fc.au),
            cells.show(fc.c),
            // The success rate is over the closures: suppressed with them.
            if cells.show(fc.c) == crate::disclosure::SUPPRESSED {
                crate::disclosure::SUPPRESSED.into()
            } else {
                cells.percent(fc.s, fc.cc)
            },
            cells.median(fc.c, fc.median),
        ],
        outcomes: shown(outcomes),
        sources: shown(sources),
        reasons: shown(reasons),
        vulnerabilities: shown(vulnerabilities),
    }
}

/// A breakdown table over the blocks given (one column each): rows are the categories.
pub(super) fn breakdown_rows(blocks: &[&Block], pick: fn(&Block) -> &Vec<(String, String)>) -> Vec<Vec<String>> {
    let Some(first) = blocks.iter().map(|b| pick(b)).find(|v| !v.is_empty()) else {
        return Vec::new();
    };
    first
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            std::iter::once(label.clone())
                .chain(blocks.iter().map(|b| {
                    pick(b)
                        .get(i)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_else(|| crate::disclosure::SUPPRESSED.into())
                }))
                .collect()
        })
        .collect()
}
