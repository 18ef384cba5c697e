//! Risk: the pack's matrix applied to a case's latest scored review (WOR-RISK, App F).

use crate::model::Case;
use crate::pack::Pack;
use chrono::NaiveDate;

/// A case's risk level and the review it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating<'p> {
    pub level: &'p str,
    /// 0-based index into `case.reviews`.
    pub review: usize,
    pub date: NaiveDate,
}

/// The risk level of the latest review that carries both scores, where the pack has a
/// matrix; `None` where it has none or the case has no scored review.
pub fn rating<'p>(pack: &'p Pack, case: &Case) -> Option<Rating<'p>> {
    let matrix = pack.risk.as_ref()?;
    let (i, r, cme, sg) = case
        .reviews
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r, r.cme_score?, r.safeguarding_score?)))
        .max_by_key(|(i, r, _, _)| (r.date, *i))?;
    Some(Rating {
        level: matrix.level(cme, sg)?,
        review: i,
        date: r.date,
    })
}

/// Triage priority (COM-TRIAGE): 1 when any of the pack's priority vulnerabilities is set,
/// 2 when any other vulnerability is, 3 otherwise. (Unassigned cases sort first within a
/// priority: see [`crate::state`].)
pub fn priority(pack: &Pack, case: &Case) -> u8 {
    let v = &case.child.vulnerabilities;
    if v.iter().any(|id| pack.vulnerability(id).is_some_and(|x| x.priority)) {
        1
    } else if !v.is_empty() {
        2
    } else {
        3
    }
}
