//! The escalation ladder: where a case stands on the steps its pack lists (Manchester:
//! enquiries, Early Help Hub, MASH, School Attendance Order, Lost Pupils; Worcestershire:
//! enquiries, Missing Mondays, the App F review, closure), and the next step: who takes it,
//! when it is due, and its letter. Read from the record and the case's deadlines; the
//! ladder itself is the pack's data.

use crate::deadline::Deadline;
use crate::model::Case;
use crate::pack::{Evidence, LadderStep, Pack};
use chrono::NaiveDate;
use serde::Serialize;

/// One step, as this case stands on it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Rung {
    pub id: String,
    pub title: String,
    pub trigger: String,
    /// Who takes it, in the pack's words for the role.
    pub role: String,
    pub letter: Option<String>,
    pub policy_ref: String,
    /// When the record shows it was taken (this episode), and by what.
    pub done_on: Option<NaiveDate>,
    pub done_by: Option<String>,
}

/// Where a case stands on its ladder.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Standing {
    pub rungs: Vec<Rung>,
    /// The highest step taken (index into `rungs`).
    pub at: Option<usize>,
    /// The next step to take (none once the top is reached, or the case is closed).
    pub next: Option<usize>,
    /// When the next step is due, where a deadline of the pack says.
    pub next_due: Option<NaiveDate>,
}

fn matches(e: &Evidence, case: &Case, since: NaiveDate) -> Option<(NaiveDate, String)> {
    let wants_action = e.kind.is_some() || e.to.is_some() || e.check.is_some();
    if wants_action {
        return case
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| a.date >= since)
            .filter(|(_, a)| e.kind.is_none_or(|k| a.kind == k))
            .filter(|(_, a)| e.to.as_ref().is_none_or(|t| a.to.as_ref() == Some(t)))
            .filter(|(_, a)| e.check.as_ref().is_none_or(|c| a.check.as_ref() == Some(c)))
            .min_by_key(|(i, a)| (a.date, *i))
            .map(|(i, a)| (a.date, format!("action {}: {}", i + 1, a.kind)));
    }
    if e.closed || e.outcome.is_some() || e.closure_field.is_some() {
        let cl = case.closure.as_ref().filter(|_| !case.is_open())?;
        if e.outcome.is_some_and(|o| o != cl.outcome) {
            return None;
        }
        if let Some(f) = &e.closure_field {
            let d = cl.date_field(f).unwrap_or(cl.date);
            return (cl.has_field(f) == Some(true)).then(|| (d, format!("closure: {f}")));
        }
        return Some((cl.date, format!("closure: {}", cl.outcome)));
    }
    if e.reviewed || e.decision.is_some() {
        return case
            .reviews
            .iter()
            .enumerate()
            .filter(|(_, r)| r.date >= since)
            .filter(|(_, r)| e.decision.is_none_or(|d| r.decision == Some(d)))
            .min_by_key(|(i, r)| (r.date, *i))
            .map(|(i, r)| (r.date, format!("review {}", i + 1)));
    }
    None
}

/// The case on its pack's ladder (empty when the pack has none).
pub fn standing(pack: &Pack, case: &Case, deadlines: &[Deadline]) -> Standing {
    let since = case.episode_start();
    let rungs: Vec<Rung> = pack
        .ladder
        .iter()
        .map(|step: &LadderStep| {
            let found = step
                .done_when
                .iter()
                .filter_map(|e| matches(e, case, since))
                .min_by_key(|(d, _)| *d);
            Rung {
                id: step.id.clone(),
                title: step.title.clone(),
                trigger: step.trigger.clone(),
                role: pack.role_label(&step.role),
                letter: step.letter.clone(),
                policy_ref: step.policy_ref.clone(),
                done_on: found.as_ref().map(|(d, _)| *d),
                done_by: found.map(|(_, by)| by),
            }
        })
        .collect();
    let at = rungs.iter().rposition(|r| r.done_on.is_some());
    let next = if case.is_open() {
        let from = at.map_or(0, |i| i + 1);
        (from..rungs.len()).find(|i| rungs[*i].done_on.is_none())
    } else {
        None
    };
    let next_due = next
        .and_then(|i| pack.ladder[i].due_rule.as_ref())
        .and_then(|rule| deadlines.iter().find(|d| &d.rule == rule && !d.state.is_done()))
        .and_then(|d| d.due);
    Standing {
        rungs,
        at,
        next,
        next_due,
    }
}

impl Standing {
    pub fn is_empty(&self) -> bool {
        self.rungs.is_empty()
    }

    /// "step 2 of 5 (Early Help Hub), taken 3 Oct 2026; next: MASH enquiry (when: ...; by:
    /// Lead officer, due 4 Dec 2026, letter: mash-referral)", for `cme status CASE`.
    pub fn summary(&self) -> Option<String> {
        if self.rungs.is_empty() {
            return None;
        }
        let n = self.rungs.len();
        let at = match self.at {
            Some(i) => format!(
                "step {} of {n} ({}), taken {}",
                i + 1,
                self.rungs[i].title,
                self.rungs[i]
                    .done_on
                    .map(|d| d.format("%-d %b %Y").to_string())
                    .unwrap_or_default()
            ),
            None => format!("not yet on its first step (of {n})"),
        };
        let next = match self.next {
            Some(i) => {
                let s = &self.rungs[i];
                let due = self
                    .next_due
                    .map(|d| format!(", due {}", d.format("%-d %b %Y")))
                    .unwrap_or_default();
                let letter = s.letter.as_ref().map(|l| format!(", letter: {l}")).unwrap_or_default();
                format!("; next: {} (when {}; by: {}{due}{letter})", s.title, s.trigger, s.role)
            }
            None => String::new(),
        };
        Some(format!("{at}{next}"))
    }
}
