//! Progress checklists (kind S): the essential responsibilities (MAN-ESSENTIAL) and the
//! Missing Mondays checks (WOR-CHECKS), each item done by the first record that matches it,
//! with its date and officer.

use crate::model::Case;
use crate::pack::{Checklist, ChecklistItem, Pack};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Progress {
    pub rule: crate::model::id::RuleId,
    pub title: String,
    pub done: usize,
    pub items: Vec<ItemState>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ItemState {
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub done: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The officer who did it, where the record names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

pub fn progress(pack: &Pack, case: &Case) -> Vec<Progress> {
    pack.checklists
        .iter()
        .filter(|c| pack.rule(&c.rule).is_some())
        .map(|c| one(c, case))
        .collect()
}

fn one(list: &Checklist, case: &Case) -> Progress {
    let items: Vec<ItemState> = list.items.iter().map(|i| item(i, case)).collect();
    Progress {
        rule: list.rule.clone(),
        title: list.title.clone(),
        done: items.iter().filter(|i| i.done).count(),
        items,
    }
}

fn item(spec: &ChecklistItem, case: &Case) -> ItemState {
    let mut found: Option<(NaiveDate, Option<String>)> = None;
    let mut consider = |date: NaiveDate, by: Option<&str>| {
        if found.as_ref().is_none_or(|(d, _)| date < *d) {
            found = Some((date, by.map(str::to_string)));
        }
    };
    if spec.referral {
        consider(case.referral.received, None);
    }
    for a in &case.actions {
        let by_kind = spec.action_kinds.contains(&a.kind);
        let by_check = a.kind.takes_check() && a.check.as_ref().is_some_and(|c| spec.checks.contains(c));
        if by_kind || by_check {
            consider(a.date, Some(&a.by));
        }
    }
    if let Some(cl) = &case.closure
        && spec.closure_outcomes.contains(&cl.outcome)
    {
        consider(cl.date, None);
    }
    ItemState {
        label: spec.label.clone(),
        group: spec.group.clone(),
        done: found.is_some(),
        date: found.as_ref().map(|f| f.0),
        by: found.and_then(|f| f.1),
    }
}
