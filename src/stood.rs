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
use crate::model::{Case, Outcome, Vocabulary, Whereabouts};
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

    /// The periods the case was open: from the referral (or a reopening) to the day it
    /// closed (that day included), the last one open-ended while the case is open.
    pub fn open_periods(&self) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        let mut gaps: Vec<(NaiveDate, NaiveDate)> = self
            .reopened
            .iter()
            .map(|(date, closed_on)| (*closed_on, *date))
            .collect();
        gaps.sort();
        let mut out = Vec::with_capacity(gaps.len() + 1);
        let mut start = self.received;
        for (closed, reopened) in gaps {
            out.push((start, Some(closed)));
            start = reopened;
        }
        out.push((start, self.closure.map(|(d, _)| d)));
        out
    }

    /// Whether the case was open at the end of `day` (a case closed that day was not).
    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.open_periods()
            .iter()
            .any(|(from, closed)| *from <= day && closed.is_none_or(|c| day < c))
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

/// The keys of the history's field changes that [`Facts`] reads.
fn read_by_facts(field: &str) -> bool {
    matches!(
        field,
        "referral.received" | "child.whereabouts" | "closure.date" | "closure.outcome"
    ) || field.starts_with("reopened[")
}

impl Facts {
    /// The facts as the history writes values: `child.whereabouts` -> "unknown", a
    /// reopening's entry under `reopened[N]` (its fields below it).
    fn flat(&self) -> HashMap<String, String> {
        let mut m = HashMap::new();
        m.insert("referral.received".into(), self.received.to_string());
        m.insert("child.whereabouts".into(), self.whereabouts.as_str().into());
        if let Some((date, outcome)) = self.closure {
            m.insert("closure.date".into(), date.to_string());
            m.insert("closure.outcome".into(), outcome.as_str().into());
        }
        for (i, (date, closed_on)) in self.reopened.iter().enumerate() {
            let n = i + 1;
            m.insert(format!("reopened[{n}]"), format!("reopened on {date}"));
            m.insert(format!("reopened[{n}].date"), date.to_string());
            m.insert(format!("reopened[{n}].closed_on"), closed_on.to_string());
        }
        m
    }

    /// Back from [`Facts::flat`]; `None` when the record did not yet say what the figures
    /// need.
    fn from_flat(m: &HashMap<String, String>) -> Option<Facts> {
        let date = |k: &str| NaiveDate::parse_from_str(m.get(k)?.trim(), "%Y-%m-%d").ok();
        let closure = match (
            date("closure.date"),
            m.get("closure.outcome").and_then(|o| Outcome::parse(o)),
        ) {
            (Some(d), Some(o)) => Some((d, o)),
            _ => None,
        };
        // Reopenings are added whole: one stood if its entry did.
        let reopened = (1..)
            .map_while(|n| m.contains_key(&format!("reopened[{n}]")).then_some(n))
            .filter_map(|n| {
                Some((
                    date(&format!("reopened[{n}].date"))?,
                    date(&format!("reopened[{n}].closed_on"))?,
                ))
            })
            .collect();
        Some(Facts {
            received: date("referral.received")?,
            whereabouts: Whereabouts::parse(m.get("child.whereabouts")?)?,
            closure,
            reopened,
        })
    }
}

/// One case's facts through its history, worked out once: newest first, each from the day
/// of a commit (the last day it can have been made on) until the next; before its first
/// commit the case was not yet recorded.
#[derive(Clone, Debug)]
pub struct Timeline {
    states: Vec<(NaiveDate, Option<Facts>)>,
}

impl Timeline {
    /// `case` as it is now, and the history's trail of it (newest first): each commit's
    /// changes to what the figures read are undone in turn.
    pub fn of(case: &Case, history: &History) -> Timeline {
        let now = Facts::now(case);
        let trail: Vec<(NaiveDate, &[Change])> = history
            .trail(&case.id)
            .into_iter()
            .filter_map(|(c, e)| Some((c.not_before()?, e.changes.as_slice())))
            .collect();
        if trail.is_empty() {
            return Timeline {
                states: vec![(NaiveDate::MIN, Some(now))],
            };
        }
        let mut flat = now.flat();
        let mut current = Some(now);
        let mut states = Vec::with_capacity(trail.len() + 1);
        for (day, changes) in trail {
            states.push((day, current.clone()));
            let mut changed = false;
            for c in changes.iter().filter(|c| read_by_facts(&c.field)) {
                changed = true;
                match &c.old {
                    Some(v) => flat.insert(c.field.clone(), v.clone()),
                    None => flat.remove(&c.field),
                };
            }
            if changed {
                current = Facts::from_flat(&flat);
            }
        }
        // Before its first commit, the record was not in the repository.
        states.push((NaiveDate::MIN, None));
        Timeline { states }
    }

    /// The facts at the end of `day`: `None` when the record was not yet recorded (or did
    /// not yet say what the figures need).
    pub fn at(&self, day: NaiveDate) -> Option<&Facts> {
        self.states
            .iter()
            .find(|(from, _)| *from <= day)
            .and_then(|(_, f)| f.as_ref())
    }
}

/// Every case's facts as they stood on each day asked for: each case's timeline is worked
/// out once, then read for each period's end.
pub struct AsStood {
    timelines: Vec<Timeline>,
}

impl AsStood {
    /// The cases through git's history of them, or (without one) as they stand now.
    pub fn new(cases: &[&Case], history: Option<&History>) -> AsStood {
        AsStood {
            timelines: cases
                .iter()
                .map(|c| match history {
                    Some(h) => Timeline::of(c, h),
                    None => Timeline {
                        states: vec![(NaiveDate::MIN, Some(Facts::now(c)))],
                    },
                })
                .collect(),
        }
    }

    /// The facts of each case at the end of `day`, leaving out the cases not yet recorded.
    pub fn facts(&self, day: NaiveDate) -> Vec<Facts> {
        self.timelines.iter().filter_map(|t| t.at(day).cloned()).collect()
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
        let stood = AsStood::new(&[&c], Some(&history));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // On 1 September it was not yet recorded.
        assert!(stood.facts(day("2026-09-01")).is_empty());
        // At the end of September: open, whereabouts unknown.
        let sept = &stood.facts(day("2026-09-30"))[0];
        assert_eq!(sept.whereabouts, Whereabouts::Unknown);
        assert_eq!(sept.closure, None);
        assert!(sept.open_on(day("2026-09-30")));
        // Now: closed, known.
        let now = &stood.facts(day("2026-12-31"))[0];
        assert_eq!(now, &Facts::now(&c));
        // Without history, every day sees the record as it is now.
        assert_eq!(AsStood::new(&[&c], None).facts(day("2026-09-30"))[0], Facts::now(&c));
        // On the day it was closed, after that day's commit.
        assert_eq!(stood.facts(day("2026-12-02"))[0], Facts::now(&c));
    }
}
