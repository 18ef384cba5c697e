//! The computed state of each case: school age, risk, triage priority, deadlines and
//! checklists. Everything that presents a case (terminal, JSON, site) reads this, so they
//! always agree.

use crate::checklist::{self, Progress};
use crate::deadline::{self, Deadline, State};
use crate::load::Policy;
use crate::model::{Case, Status, Whereabouts};
use crate::{risk, school_age};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct CaseState {
    pub id: String,
    pub status: Status,
    pub child: String,
    pub whereabouts: Whereabouts,
    pub assigned_to: Option<String>,
    pub school_age_starts: NaiveDate,
    pub school_age_ends: NaiveDate,
    /// LO, MED, HI, or null where the pack has no matrix or the case no scored review.
    pub risk: Option<String>,
    /// 1 is most urgent.
    pub priority: u8,
    pub deadlines: Vec<Deadline>,
    pub checklists: Vec<Progress>,
    /// Where the case stands on the pack's escalation ladder.
    #[serde(skip_serializing_if = "crate::ladder::Standing::is_empty")]
    pub ladder: crate::ladder::Standing,
}

impl CaseState {
    pub fn compute(policy: Policy<'_>, case: &Case, today: NaiveDate) -> CaseState {
        let rating = risk::rating(policy.pack, case);
        let deadlines = deadline::deadlines(policy, case, rating.as_ref(), today);
        CaseState {
            id: case.id.clone(),
            status: case.status,
            child: format!("{} {}", case.child.given_name, case.child.family_name),
            whereabouts: case.child.whereabouts,
            assigned_to: case.referral.assigned_to.clone(),
            school_age_starts: school_age::starts(case.child.date_of_birth),
            school_age_ends: school_age::ends(case.child.date_of_birth),
            risk: rating.as_ref().map(|r| r.level.to_string()),
            priority: risk::priority(policy.pack, case),
            ladder: crate::ladder::standing(policy.pack, case, &deadlines),
            deadlines,
            checklists: checklist::progress(policy.pack, case),
        }
    }

    /// Every occurrence of every deadline that fell due, for counting compliance
    /// ([`deadline::occurrences`], from the deadlines this state already holds).
    pub fn occurrences(&self, policy: Policy<'_>, case: &Case, today: NaiveDate) -> Vec<Deadline> {
        deadline::occurrences(policy, case, &self.deadlines, today)
    }

    /// The replies still awaited (COM-REPLY), overdue first, then the soonest due.
    pub fn awaited(&self) -> Vec<&Deadline> {
        let mut v: Vec<&Deadline> = self
            .deadlines
            .iter()
            .filter(|d| d.awaits.is_some() && matches!(d.state, State::Overdue | State::DueSoon | State::Open))
            .collect();
        v.sort_by_key(|d| (d.state != State::Overdue, d.due, d.awaits));
        v
    }

    pub fn overdue(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines.iter().filter(|d| d.state == State::Overdue)
    }

    /// The most urgent deadline still to do: overdue first, then the earliest due.
    pub fn next(&self) -> Option<&Deadline> {
        self.deadlines
            .iter()
            .filter(|d| !d.state.is_done() && d.state != State::Missed)
            .min_by_key(|d| (d.state != State::Overdue, d.due))
    }

    /// The work-queue order: cases with overdue deadlines first, then by the next due date,
    /// then priority, unassigned before assigned, then id.
    pub fn queue_key(&self) -> impl Ord + '_ {
        let next = self.next();
        (
            self.overdue().next().is_none(),
            next.map_or(NaiveDate::MAX, |d| d.due.unwrap_or(NaiveDate::MIN)),
            self.priority,
            self.assigned_to.is_some(),
            self.id.as_str(),
        )
    }
}
