//! Each record as it stood at the end of a day: what a past period's figures count
//! (`MAN-REPORTS`: "a past period's figures use each record as it stood at that period's
//! end"), so a child found in December does not change September's figure and a quarter's
//! report gives the same numbers whenever it is run again.
//!
//! Facts with a date of their own (a referral received, a closure) are still read as their
//! record stood then: a case recorded in December with a September referral was not on the
//! September register. Facts without one (whereabouts) come only from the history. The
//! history is git's ([`crate::audit::History`]): each commit's changes, field by field, are
//! undone from the newest back to the day asked for.

use crate::audit::{Change, History};
use crate::model::{Case, Outcome, Record, Value, Vocabulary, Whereabouts};
use chrono::NaiveDate;
use std::collections::HashMap;

/// What a period's figures read of one case, as it stood on a day.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub received: NaiveDate,
    pub whereabouts: Whereabouts,
    /// The closure's date and outcome, if it was closed.
    pub closure: Option<(NaiveDate, Outcome)>,
    /// Each reopening: (the day it was reopened, the day of the closure it undid).
    pub reopened: Vec<(NaiveDate, NaiveDate)>,
}

impl Facts {
    /// As the record says now.
    pub fn now(case: &Case) -> Facts {
        Facts {
            received: case.referral.received,
            whereabouts: case.child.whereabouts,
            closure: case.closure.as_ref().map(|c| (c.date, c.outcome)),
            reopened: case.reopened.iter().map(|r| (r.date, r.closed_on)).collect(),
        }
    }

    /// Whether the case was open at the end of `day`.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        if self.received > day {
            return false;
        }
        let closed_then = self
            .reopened
            .iter()
            .any(|(date, closed_on)| *closed_on <= day && day < *date);
        let closed_now = self.closure.is_some_and(|(date, _)| date <= day);
        !(closed_then || closed_now)
    }

    /// The day the episode a closure ended began: the last reopening before it, or the
    /// referral.
    pub fn episode_start(&self, closed: NaiveDate) -> NaiveDate {
        self.reopened
            .iter()
            .map(|(date, _)| *date)
            .filter(|d| *d <= closed)
            .max()
            .unwrap_or(self.received)
    }
}

/// One case's history: for each commit that changed it, newest first, the last day it can
/// have been made on and what it changed.
#[derive(Clone, Debug, Default)]
pub struct Timeline<'h> {
    commits: Vec<(NaiveDate, &'h [Change])>,
}

impl<'h> Timeline<'h> {
    /// The case's commits, from the history's trail of it.
    pub fn of(history: &'h History, id: &str) -> Timeline<'h> {
        Timeline {
            commits: history
                .trail(id)
                .into_iter()
                .filter_map(|(c, e)| Some((c.not_before()?, e.changes.as_slice())))
                .collect(),
        }
    }

    /// The first day the record was in the repository (None with no history of it).
    pub fn recorded(&self) -> Option<NaiveDate> {
        self.commits.iter().map(|(d, _)| *d).min()
    }

    /// Whether anything was committed to it after `day`.
    pub fn changed_after(&self, day: NaiveDate) -> bool {
        self.commits.iter().any(|(d, _)| *d > day)
    }

    /// A field's value (as the history writes it: `child.whereabouts`, `reopened[2].date`)
    /// at the end of `day`, given its value now: the changes made after `day` undone, newest
    /// first.
    pub fn value_at(&self, path: &str, now: Option<String>, day: NaiveDate) -> Option<String> {
        let mut v = now;
        for (d, changes) in &self.commits {
            if *d <= day {
                continue;
            }
            for c in changes.iter().filter(|c| c.field == path) {
                v = c.old.clone();
            }
        }
        v
    }
}

/// A field's value now, written as the history writes values.
fn now_value(case: &Case, path: &str) -> Option<String> {
    let (table, field) = path.split_once('.')?;
    let value = match table.split_once('[') {
        Some(("reopened", n)) => {
            let i: usize = n.trim_end_matches(']').parse().ok()?;
            case.reopened.get(i.checked_sub(1)?)?.value(field)?
        }
        Some(_) => return None,
        None => match table {
            "child" => case.child.value(field)?,
            "referral" => case.referral.value(field)?,
            "closure" => case.closure.as_ref()?.value(field)?,
            _ => return None,
        },
    };
    match value {
        Value::Date(d) => Some(d.to_string()),
        Value::Word(w) => Some(w.to_string()),
        Value::Text(t) => Some(t.to_string()),
        _ => None,
    }
}

fn date(s: Option<String>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s?.trim(), "%Y-%m-%d").ok()
}

/// What the period figures read of `case` as it stood at the end of `day`: `None` when the
/// record was not yet in the repository (or did not yet say what the figures need).
pub fn facts_at(case: &Case, timeline: Option<&Timeline<'_>>, day: NaiveDate) -> Option<Facts> {
    let Some(t) = timeline.filter(|t| t.changed_after(day)) else {
        // Nothing has been committed to it since: it stood as it stands.
        return Some(Facts::now(case));
    };
    if t.recorded().is_some_and(|first| first > day) {
        return None;
    }
    let at = |path: &str| t.value_at(path, now_value(case, path), day);
    let received = date(at("referral.received"))?;
    let whereabouts = at("child.whereabouts").and_then(|w| Whereabouts::parse(&w))?;
    let closure = match (
        date(at("closure.date")),
        at("closure.outcome").and_then(|o| Outcome::parse(&o)),
    ) {
        (Some(d), Some(o)) => Some((d, o)),
        _ => None,
    };
    // Reopenings are added whole: one stood at `day` if its entry did.
    let most = case.reopened.len().max(
        t.commits
            .iter()
            .flat_map(|(_, cs)| cs.iter())
            .filter_map(|c| {
                c.field
                    .strip_prefix("reopened[")?
                    .split(']')
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .max()
            .unwrap_or(0),
    );
    let reopened = (1..=most)
        .filter_map(|i| {
            let whole = format!("reopened[{i}]");
            let now = case.reopened.get(i - 1).map(|r| format!("reopened on {}", r.date));
            t.value_at(&whole, now, day)?;
            Some((
                date(at(&format!("reopened[{i}].date")))?,
                date(at(&format!("reopened[{i}].closed_on")))?,
            ))
        })
        .collect();
    Some(Facts {
        received,
        whereabouts,
        closure,
        reopened,
    })
}

/// Every case's facts as they stood on each day asked for; built once for a set of figures.
pub struct AsStood<'h> {
    timelines: Option<HashMap<String, Timeline<'h>>>,
}

impl<'h> AsStood<'h> {
    /// From git's history of the cases.
    pub fn from_history(history: &'h History) -> AsStood<'h> {
        AsStood {
            timelines: Some(
                history
                    .cases
                    .keys()
                    .map(|id| (id.clone(), Timeline::of(history, id)))
                    .collect(),
            ),
        }
    }

    /// Without history: every record as it stands now.
    pub fn now() -> Self {
        AsStood { timelines: None }
    }

    pub fn has_history(&self) -> bool {
        self.timelines.is_some()
    }

    /// The facts of each case at the end of `day`, leaving out the cases not yet recorded.
    pub fn facts(&self, cases: &[&Case], day: NaiveDate) -> Vec<Facts> {
        cases
            .iter()
            .filter_map(|c| {
                let t = self.timelines.as_ref().and_then(|m| m.get(&c.id));
                match &self.timelines {
                    Some(_) => facts_at(c, t, day),
                    None => Some(Facts::now(c)),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Commit, Entry};

    fn commit(day: &str) -> Commit {
        Commit {
            commit: "0".repeat(40),
            author: "A".into(),
            email: String::new(),
            date: format!("{day}T12:00:00+00:00"),
            message: String::new(),
            committed: 0,
            parents_committed: 0,
        }
    }

    fn change(field: &str, old: Option<&str>, new: Option<&str>) -> Change {
        Change {
            field: field.into(),
            old: old.map(str::to_string),
            new: new.map(str::to_string),
        }
    }

    fn case() -> Case {
        let text = "format = 1\nid = \"EXC-2026-0001\"\nstatus = \"closed\"\n\n[child]\ngiven_name = \"A\"\nfamily_name = \"B\"\ndate_of_birth = 2014-05-14\nwhereabouts = \"known-in-area\"\n\n[referral]\nreceived = 2026-09-01\nsource = \"school\"\nreason = \"other\"\n\n[closure]\ndate = 2026-12-02\noutcome = \"on-roll\"\nschool = \"X\"\n";
        crate::model::decode_case(text).0.unwrap()
    }

    #[test]
    fn a_record_stands_as_its_history_says() {
        // Recorded 2 September, whereabouts unknown; found and closed in December.
        let history = History {
            head: String::new(),
            commits: vec![commit("2026-12-02"), commit("2026-09-02")],
            cases: [(
                "EXC-2026-0001".to_string(),
                vec![
                    Entry {
                        commit: 0,
                        path: "cases/2026/EXC-2026-0001.toml".into(),
                        changes: vec![
                            change("status", Some("open"), Some("closed")),
                            change("child.whereabouts", Some("unknown"), Some("known-in-area")),
                            change("closure.date", None, Some("2026-12-02")),
                            change("closure.outcome", None, Some("on-roll")),
                        ],
                    },
                    Entry {
                        commit: 1,
                        path: "cases/2026/EXC-2026-0001.toml".into(),
                        changes: vec![change("(file)", None, Some("cases/2026/EXC-2026-0001.toml"))],
                    },
                ],
            )]
            .into_iter()
            .collect(),
            ..History::default()
        };
        let c = case();
        let stood = AsStood::from_history(&history);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // On 1 September it was not yet recorded.
        assert!(stood.facts(&[&c], day("2026-09-01")).is_empty());
        // At the end of September: open, whereabouts unknown.
        let sept = &stood.facts(&[&c], day("2026-09-30"))[0];
        assert_eq!(sept.whereabouts, Whereabouts::Unknown);
        assert_eq!(sept.closure, None);
        assert!(sept.open_on(day("2026-09-30")));
        // Now: closed, known.
        let now = &stood.facts(&[&c], day("2026-12-31"))[0];
        assert_eq!(now, &Facts::now(&c));
        // Without history, every day sees the record as it is now.
        assert_eq!(AsStood::now().facts(&[&c], day("2026-09-30"))[0], Facts::now(&c));
    }
}
