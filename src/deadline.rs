//! The deadline rules (kind D): for each open case, when each of the pack's deadlines falls
//! due, whether and how it was met, and whether it is overdue.
//!
//! A deadline is met when what it asks for is dated on or before its due date. Done after the
//! due date it is late (`met: false, overdue: false`, with `done_on`). Not done and today is
//! after the due date: overdue. Recurring deadlines fall due a fixed interval after the last
//! time they were done. A closed case keeps the deadlines that fell due while it was open,
//! each with its outcome (met, met late, never met: [`State::Missed`]); a deadline that would
//! have fallen due after the closure does not count. Resolving deadlines (resolve or close,
//! school age ends) are met by the closure itself. A reopened case gets them again, counted
//! from its reopening.

use crate::calendar::Calendar;
use crate::load::Policy;
use crate::model::{Case, item};
use crate::pack::{DeadlineFrom, DeadlineKind, DeadlineRule};
use crate::risk::Rating;
use crate::school_age;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// Where a deadline stands today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Not done and past its due date.
    Overdue,
    /// Not done, due within the coming week (or inside a recurring deadline's window).
    DueSoon,
    /// Not done, not yet due.
    Open,
    /// Done after its due date.
    Late,
    /// Done on or before its due date.
    Met,
    /// Never done: due before the case closed, and not done by then.
    Missed,
    /// The calendar could not say when it is due.
    Unknown,
}

impl Deadline {
    /// What a person reads for it: the rule's title, or, for a reply awaited, the letter it
    /// waits on ("the reply to action 3 (letter to ..., 2026-10-02)").
    pub fn title<'a>(&'a self, pack: &'a crate::pack::Pack) -> &'a str {
        match self.awaits {
            Some(_) => &self.asks,
            None => pack.rule(&self.rule).map_or("", |r| r.title.as_str()),
        }
    }
}

impl State {
    pub fn is_done(self) -> bool {
        matches!(self, State::Met | State::Late)
    }
}

/// One deadline of one case.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Deadline {
    pub rule: crate::model::id::RuleId,
    /// What it asks for, in a few words ("home-visit, letter or phone").
    pub asks: String,
    /// `None` only when the calendar does not cover the period (see `problem`).
    pub due: Option<NaiveDate>,
    pub met: bool,
    pub overdue: bool,
    pub state: State,
    /// When what it asked for was done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    /// What met it, in the record's terms (`action[2]: home-visit by asmith`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub met_by: Option<String>,
    /// The day the period is counted from.
    pub counted_from: NaiveDate,
    /// A recurring deadline's window opens (MAN-AUDIT-8W: "every 6-8 weeks").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opens: Option<NaiveDate>,
    /// Days overdue (positive) or days left (negative is never written: see `state`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// COM-REPLY: the number (from 1, in the file's order) of the action awaiting a reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awaits: Option<usize>,
}

/// How many days ahead a deadline counts as due soon.
pub const DUE_SOON_DAYS: i64 = 7;

struct Done {
    on: NaiveDate,
    by: String,
}

/// The role of an officer (by id, from `cme.toml`) on a day.
type RoleOf<'a> = &'a dyn Fn(&str, NaiveDate) -> Option<crate::model::Role>;

/// Every deadline of the pack that applies to the case today (for a closed case, as it
/// stood when it closed).
pub fn deadlines(policy: Policy<'_>, case: &Case, rating: Option<&Rating<'_>>, today: NaiveDate) -> Vec<Deadline> {
    let (pack, cal) = (policy.pack, policy.calendar);
    let role_of = &|id: &str, day: NaiveDate| policy.config.officer(id).map(|o| o.role_on(day));
    let rules = pack.deadlines.iter().filter(|r| pack.rule(&r.rule).is_some());
    let Some(closure) = case.closure.as_ref().filter(|_| !case.is_open()) else {
        return rules
            .flat_map(|r| every(r, cal, case, rating, role_of, today))
            .collect();
    };
    // A closed case: each deadline as it stood on the day it closed.
    let closed = closure.date;
    rules
        .flat_map(|r| every(r, cal, case, rating, role_of, closed))
        .filter_map(|d| {
            let r = pack.deadlines.iter().find(|r| r.rule == d.rule)?;
            let mut d = d;
            if matches!(r.kind, DeadlineKind::Resolve | DeadlineKind::SchoolAgeEnds) && d.done_on.is_none() {
                // Closing the case is what these ask for. (Closed before school age ended:
                // nothing to say about school age.)
                let due = d.due?;
                if r.kind == DeadlineKind::SchoolAgeEnds && closed <= due {
                    return None;
                }
                d.done_on = Some(closed);
                d.met_by = Some(format!("closure: {}", closure.outcome));
                d.met = closed <= due;
                d.state = if d.met { State::Met } else { State::Late };
                d.overdue = false;
                d.days_overdue = None;
                return Some(d);
            }
            match d.state {
                State::Met | State::Late | State::Unknown => {}
                // Due before the case closed and never done.
                State::Overdue => {
                    d.state = State::Missed;
                    d.overdue = false;
                    d.days_overdue = None;
                }
                // It would have fallen due after the closure (or on the day, still open to
                // be done then): it does not count.
                State::DueSoon | State::Open | State::Missed => {
                    if d.due.is_some_and(|due| due < closed) {
                        d.state = State::Missed;
                    } else {
                        return None;
                    }
                }
            }
            Some(d)
        })
        .collect()
}

/// A rule's deadlines for the case: one, or none; COM-REPLY one per action awaiting a reply.
fn every(
    r: &DeadlineRule,
    cal: &Calendar,
    case: &Case,
    rating: Option<&Rating<'_>>,
    role_of: RoleOf<'_>,
    today: NaiveDate,
) -> Vec<Deadline> {
    if r.kind == DeadlineKind::Reply {
        return replies(r, case, today);
    }
    one(r, cal, case, rating, role_of, today).into_iter().collect()
}

/// The answer to action `number` (from 1): the earliest action whose `reply_to` is it, or is
/// a reminder that chases it (`chases`, at any remove). Its index and date.
pub fn answer(case: &Case, number: usize) -> Option<(usize, NaiveDate)> {
    // The action and every reminder that chases it, however many there were.
    let mut stands_for = vec![number as i64];
    loop {
        let more: Vec<i64> = case
            .actions
            .iter()
            .enumerate()
            .filter(|(j, a)| {
                a.chases.is_some_and(|c| stands_for.contains(&c)) && !stands_for.contains(&(*j as i64 + 1))
            })
            .map(|(j, _)| j as i64 + 1)
            .collect();
        if more.is_empty() {
            break;
        }
        stands_for.extend(more);
    }
    case.actions
        .iter()
        .enumerate()
        .filter(|(_, b)| b.reply_to.is_some_and(|r| stands_for.contains(&r)))
        .min_by_key(|(j, b)| (b.date, *j))
        .map(|(j, b)| (j, b.date))
}

/// COM-REPLY: each action of the current episode with `reply_due` awaits its answer, a
/// later action whose `reply_to` is its number (or that of a reminder chasing it).
fn replies(r: &DeadlineRule, case: &Case, today: NaiveDate) -> Vec<Deadline> {
    let episode = case.episode_start();
    case.actions
        .iter()
        .enumerate()
        .filter(|(_, a)| a.date >= episode)
        .filter_map(|(i, a)| {
            let due = a.reply_due?;
            let number = i + 1;
            let answer = answer(case, number).map(|(j, on)| Done {
                on,
                by: format!(
                    "{}: {} by {}",
                    item("action", j),
                    case.actions[j].kind,
                    case.actions[j].by
                ),
            });
            let mut d = finish(r, due, None, a.date, None, answer, today);
            let to = a
                .recipient
                .as_deref()
                .or(a.to.as_deref())
                .or(a.check.as_deref())
                .map(|t| format!(" to {t}"))
                .unwrap_or_default();
            d.asks = format!("the reply to action {number} ({}{to}, {})", a.kind, a.date);
            d.awaits = Some(number);
            Some(d)
        })
        .collect()
}

fn one(
    r: &DeadlineRule,
    cal: &Calendar,
    case: &Case,
    rating: Option<&Rating<'_>>,
    role_of: RoleOf<'_>,
    today: NaiveDate,
) -> Option<Deadline> {
    let episode = case.episode_start();
    if !r.whereabouts.is_empty() && !r.whereabouts.contains(&case.child.whereabouts) {
        return None;
    }
    if !r.risk_levels.is_empty() && !rating.is_some_and(|x| r.risk_levels.iter().any(|l| l == x.level)) {
        return None;
    }
    let latest_review = case.latest_review().map(|(_, rv)| rv);
    if let Some(decision) = r.after_decision
        && latest_review.and_then(|rv| rv.decision) != Some(decision)
    {
        return None;
    }
    let start = match r.from {
        DeadlineFrom::Episode => episode,
        DeadlineFrom::Assigned => case.referral.assigned_on?.max(episode),
        DeadlineFrom::LastReview => latest_review?.date.max(episode),
    };
    let matching = |i: &usize| {
        let a = &case.actions[*i];
        r.action_kinds.contains(&a.kind)
            && (r.roles.is_empty() || role_of(&a.by, a.date).is_some_and(|role| r.roles.contains(&role)))
    };
    let action_label = |i: usize| {
        let a = &case.actions[i];
        format!("{}: {} by {}", item("action", i), a.kind, a.by)
    };
    let (base, done) = match r.kind {
        DeadlineKind::Assign => (
            start,
            case.referral.assigned_to.as_ref().map(|who| Done {
                on: case.referral.assigned_on.unwrap_or(episode).max(episode),
                by: format!("referral.assigned_to: {who}"),
            }),
        ),
        DeadlineKind::SocialWorkerContact => {
            let sc = case.social_care.as_ref().filter(|sc| sc.open)?;
            let done = sc
                .contacted_on
                .filter(|c| *c >= episode || case.reopened.is_empty())
                .map(|c| Done {
                    on: c.max(episode),
                    by: "social_care.contacted_on".into(),
                });
            (start, done)
        }
        DeadlineKind::FirstAction => {
            let first = (0..case.actions.len())
                .filter(matching)
                .filter(|i| {
                    let a = &case.actions[*i];
                    // The school's attempts count from when the child stopped attending.
                    let since = case.school.as_ref().and_then(|s| s.last_attended);
                    a.date >= episode || (r.school_actions_count && a.by_school() && since.is_none_or(|d| a.date >= d))
                })
                .min_by_key(|i| (case.actions[*i].date, *i));
            (
                start,
                first.map(|i| Done {
                    on: case.actions[i].date,
                    by: action_label(i),
                }),
            )
        }
        DeadlineKind::Resolve | DeadlineKind::Review => {
            let base = match (r.kind, rating) {
                (DeadlineKind::Review, Some(x)) => x.date.max(episode),
                _ => start,
            };
            (base, None)
        }
        DeadlineKind::RecurringAction => {
            let last = (0..case.actions.len())
                .filter(matching)
                .filter(|i| case.actions[*i].date >= start)
                .max_by_key(|i| (case.actions[*i].date, *i));
            (last.map_or(start, |i| case.actions[i].date), None)
        }
        DeadlineKind::SchoolAgeEnds => {
            let due = school_age::ends(case.child.date_of_birth);
            return Some(finish(r, due, None, start, None, None, today));
        }
        // One per action awaiting a reply: see `replies`.
        DeadlineKind::Reply => return None,
    };
    let period = r.period()?;
    let counted = match period.after(cal, base) {
        Ok(c) => c,
        Err(e) => {
            return Some(Deadline {
                rule: r.rule.clone(),
                asks: asks(r),
                due: None,
                met: false,
                overdue: false,
                state: State::Unknown,
                done_on: done.as_ref().map(|d| d.on),
                met_by: done.map(|d| d.by),
                counted_from: base,
                opens: None,
                days_overdue: None,
                note: None,
                problem: Some(e.to_string()),
                awaits: None,
            });
        }
    };
    if r.until_school_age_ends && counted.date > school_age::ends(case.child.date_of_birth) {
        return None;
    }
    let opens = r.opens_after_weeks.map(|w| crate::calendar::add_weeks(base, w));
    let note = counted.fell_back.then(|| {
        format!(
            "{period} counted as working days: the term dates in {} do not cover the period",
            cal.terms_file
        )
    });
    Some(finish(r, counted.date, note, base, opens, done, today))
}

/// Every deadline that fell due for the case, for counting compliance: a recurring deadline
/// (an audit every 8 weeks, a periodic check) as each of its occurrences, not only the one
/// pending now; the others as [`deadlines`] gave them (`current`, not worked out again).
pub fn occurrences(policy: Policy<'_>, case: &Case, current: &[Deadline], today: NaiveDate) -> Vec<Deadline> {
    let (pack, cal) = (policy.pack, policy.calendar);
    let role_of = |id: &str, day: NaiveDate| policy.config.officer(id).map(|o| o.role_on(day));
    let mut out: Vec<Deadline> = current
        .iter()
        .filter(|d| {
            pack.deadlines
                .iter()
                .find(|r| r.rule == d.rule)
                .is_none_or(|r| r.kind != DeadlineKind::RecurringAction)
        })
        .cloned()
        .collect();
    let closed = case.closure.as_ref().filter(|_| !case.is_open()).map(|c| c.date);
    let end = closed.unwrap_or(today);
    for r in pack
        .deadlines
        .iter()
        .filter(|r| r.kind == DeadlineKind::RecurringAction && pack.rule(&r.rule).is_some())
    {
        if !r.whereabouts.is_empty() && !r.whereabouts.contains(&case.child.whereabouts) {
            continue;
        }
        let episode = case.episode_start();
        let start = match r.from {
            DeadlineFrom::Episode => Some(episode),
            DeadlineFrom::Assigned => case.referral.assigned_on.map(|d| d.max(episode)),
            DeadlineFrom::LastReview => case.latest_review().map(|(_, rv)| rv.date.max(episode)),
        };
        let (Some(mut base), Some(period)) = (start, r.period()) else {
            continue;
        };
        let mut done: Vec<(NaiveDate, usize)> = (0..case.actions.len())
            .filter(|i| {
                let a = &case.actions[*i];
                r.action_kinds.contains(&a.kind)
                    && (r.roles.is_empty() || role_of(&a.by, a.date).is_some_and(|role| r.roles.contains(&role)))
                    && a.date >= base
                    && a.date <= end
            })
            .map(|i| (case.actions[i].date, i))
            .collect();
        done.sort();
        let mut next = done.into_iter().peekable();
        for _ in 0..10_000 {
            let Ok(counted) = period.after(cal, base) else { break };
            let due = counted.date;
            if r.until_school_age_ends && due > school_age::ends(case.child.date_of_birth) {
                break;
            }
            while next.peek().is_some_and(|(d, _)| *d <= base) {
                next.next();
            }
            let mut d = Deadline {
                rule: r.rule.clone(),
                asks: asks(r),
                due: Some(due),
                met: false,
                overdue: false,
                state: State::Open,
                done_on: None,
                met_by: None,
                counted_from: base,
                opens: None,
                days_overdue: None,
                note: None,
                problem: None,
                awaits: None,
            };
            match next.next() {
                Some((on, i)) => {
                    d.done_on = Some(on);
                    d.met_by = Some(format!(
                        "{}: {} by {}",
                        item("action", i),
                        case.actions[i].kind,
                        case.actions[i].by
                    ));
                    d.met = on <= due;
                    d.state = if d.met { State::Met } else { State::Late };
                    out.push(d);
                    base = on;
                }
                None => {
                    if due < end {
                        d.state = if closed.is_some() {
                            State::Missed
                        } else {
                            State::Overdue
                        };
                        d.overdue = closed.is_none();
                        out.push(d);
                    }
                    break;
                }
            }
        }
    }
    out
}

/// What a deadline rule asks for, in a few words.
pub fn asks(r: &DeadlineRule) -> String {
    let kinds = || {
        let words: Vec<&str> = r
            .action_kinds
            .iter()
            .map(|k| crate::model::Vocabulary::as_str(*k))
            .collect();
        match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            Some((last, _)) => last.to_string(),
            None => String::new(),
        }
    };
    match r.kind {
        DeadlineKind::Assign => "assign an officer".into(),
        DeadlineKind::SocialWorkerContact => "contact the social worker".into(),
        DeadlineKind::FirstAction => kinds(),
        DeadlineKind::Resolve => "resolve or close".into(),
        DeadlineKind::RecurringAction => format!("next {}", kinds()),
        DeadlineKind::Review => "review again".into(),
        DeadlineKind::SchoolAgeEnds => "close: school age ends".into(),
        DeadlineKind::Reply => "record the reply".into(),
    }
}

fn finish(
    r: &DeadlineRule,
    due: NaiveDate,
    note: Option<String>,
    counted_from: NaiveDate,
    opens: Option<NaiveDate>,
    done: Option<Done>,
    today: NaiveDate,
) -> Deadline {
    let (state, met, overdue, days_overdue) = match &done {
        Some(d) if d.on <= due => (State::Met, true, false, None),
        Some(_) => (State::Late, false, false, None),
        None if today > due => (State::Overdue, false, true, Some((today - due).num_days())),
        None if due - today <= Duration::days(DUE_SOON_DAYS) || opens.is_some_and(|o| today >= o) => {
            (State::DueSoon, false, false, None)
        }
        None => (State::Open, false, false, None),
    };
    Deadline {
        rule: r.rule.clone(),
        asks: asks(r),
        due: Some(due),
        met,
        overdue,
        state,
        done_on: done.as_ref().map(|d| d.on),
        met_by: done.map(|d| d.by),
        counted_from,
        opens,
        days_overdue,
        note,
        problem: None,
        awaits: None,
    }
}
