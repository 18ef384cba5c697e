//! Report figures (kind R): registered, active, whereabouts known and unknown, closures by
//! outcome, success rate, time to resolution, referral sources, reasons and vulnerabilities,
//! and schools' compliance with their notification duties. Per month and per quarter.
//!
//! Each period's figures count each record as it stood at the period's end, read from git's
//! history where there is one ([`crate::stood`]); `--as-of` gives every figure as the records
//! stood on an earlier day.

use crate::calendar::Calendar;
use crate::model::{Case, Outcome, Reason, Source, Vocabulary, Whereabouts};
use crate::pack::{Pack, QuarterStyle};
use crate::stood::{AsStood, Facts};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Stats {
    pub rule: crate::model::id::RuleId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: Figures,
    pub months: Vec<Figures>,
    pub quarters: Vec<Figures>,
    pub by_source: Vec<Count>,
    pub by_reason: Vec<Count>,
    pub by_vulnerability: Vec<Count>,
    pub schools: Vec<SchoolCompliance>,
    /// How each deadline was kept, by the quarter it fell due in (closed cases included).
    pub deadlines: Vec<DeadlineCompliance>,
    /// Case files left out of every figure because they fail validation (or cannot be
    /// read): a record the check refuses is not counted as if it were right.
    pub left_out: usize,
}

/// The figures for one period.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Figures {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Referrals received in the period.
    pub registered: usize,
    /// Of those, whereabouts known / unknown (as recorded at the period's end).
    pub whereabouts_known: usize,
    pub whereabouts_unknown: usize,
    /// Cases open at the end of the period (active cases).
    pub active_at_end: usize,
    /// Of those, whereabouts unknown.
    pub active_unknown_at_end: usize,
    /// Closures dated in the period, by outcome (every outcome listed).
    pub closed: usize,
    pub closed_by_outcome: Vec<Count>,
    /// Closures that count towards the success rate (those the pack does not exclude) ...
    pub counted_closures: usize,
    /// ... and of those, successes (the pack's `success_outcomes`).
    pub successes: usize,
    /// Per cent of counted closures that were successes; `None` with nothing to count.
    pub success_rate: Option<f64>,
    /// Median calendar days from referral (or reopening) to closure, for closures in the period.
    pub median_days_to_resolution: Option<f64>,
    /// Reopenings dated in the period (with registered and closed, what moves the active
    /// cases from one period's end to the next).
    pub reopened: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: usize,
}

/// A school's record on its notification duties, over the whole range.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SchoolCompliance {
    pub school: String,
    /// Pupils the school removed from roll.
    pub leavers: usize,
    /// ... whose removal the LA was told of by the day of removal.
    pub leavers_on_time: usize,
    pub leavers_late: usize,
    /// Pupils the school admitted (closures on-roll naming it).
    pub joiners: usize,
    pub joiners_on_time: usize,
    pub joiners_late: usize,
}

fn median(mut v: Vec<i64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    })
}

/// One period's figures, from each case as it stood at the period's end (`cases`).
fn figures(pack: &Pack, cases: &[Facts], label: String, start: NaiveDate, end: NaiveDate) -> Figures {
    let registered: Vec<&Facts> = cases.iter().filter(|c| (start..=end).contains(&c.received)).collect();
    let unknown = registered
        .iter()
        .filter(|c| c.whereabouts == Whereabouts::Unknown)
        .count();
    let active: Vec<&Facts> = cases.iter().filter(|c| c.open_on(end)).collect();
    let closures: Vec<(&Facts, NaiveDate, Outcome)> = cases
        .iter()
        .filter_map(|c| c.closure.map(|(d, o)| (c, d, o)))
        .filter(|(_, d, _)| (start..=end).contains(d))
        .collect();
    let r = &pack.reports;
    let counted: Vec<_> = closures
        .iter()
        .filter(|(_, _, o)| !r.excluded_outcomes.contains(o))
        .collect();
    let successes = counted
        .iter()
        .filter(|(_, _, o)| r.success_outcomes.contains(o))
        .count();
    let days: Vec<i64> = closures
        .iter()
        .map(|(c, d, _)| (*d - c.episode_start(*d)).num_days())
        .collect();
    Figures {
        label,
        start,
        end,
        registered: registered.len(),
        whereabouts_known: registered.len() - unknown,
        whereabouts_unknown: unknown,
        active_at_end: active.len(),
        active_unknown_at_end: active.iter().filter(|c| c.whereabouts == Whereabouts::Unknown).count(),
        closed: closures.len(),
        closed_by_outcome: Outcome::ALL
            .iter()
            .map(|o| Count {
                key: o.as_str().into(),
                label: o.as_str().replace('-', " "),
                count: closures.iter().filter(|(_, _, x)| x == o).count(),
            })
            .collect(),
        counted_closures: counted.len(),
        successes,
        success_rate: (!counted.is_empty()).then(|| 100.0 * successes as f64 / counted.len() as f64),
        median_days_to_resolution: median(days),
        reopened: cases
            .iter()
            .flat_map(|c| &c.reopened)
            .filter(|(d, _)| (start..=end).contains(d))
            .count(),
    }
}

fn month_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("the first of a month exists")
}

fn quarter_start(d: NaiveDate) -> NaiveDate {
    let m = (d.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(d.year(), m, 1).expect("the first of a month exists")
}

fn quarter_label(start: NaiveDate, style: QuarterStyle) -> String {
    let end = start + Months::new(2);
    let months = format!("{}-{}", start.format("%b"), end.format("%b %Y"));
    match style {
        QuarterStyle::Calendar => format!("{} Q{} ({months})", start.year(), start.month0() / 3 + 1),
        QuarterStyle::Financial => {
            // The financial year starts in April: Apr-Jun is Q1.
            let q = ((start.month0() + 9) % 12) / 3 + 1;
            let fy = if start.month() >= 4 {
                start.year()
            } else {
                start.year() - 1
            };
            format!("{}/{:02} Q{q} ({months})", fy, (fy + 1) % 100)
        }
    }
}

/// Figures for `from..=to`, per month and quarter, and counts over the whole range. Each
/// period's figures count each case as it stood at the period's end (`stood`).
pub fn compute(
    pack: &Pack,
    cal: &Calendar,
    cases: &[&Case],
    from: NaiveDate,
    to: NaiveDate,
    history: Option<&crate::audit::History>,
) -> Stats {
    let stood = AsStood::new(cases, history);
    let mut at_end: HashMap<NaiveDate, Vec<Facts>> = HashMap::new();
    let mut period = |label: String, start: NaiveDate, end: NaiveDate| {
        let facts = at_end.entry(end).or_insert_with(|| stood.facts(end));
        figures(pack, facts, label, start, end)
    };
    let mut months = Vec::new();
    let mut m = month_start(from);
    while m <= to {
        let end = (m + Months::new(1)).pred_opt().expect("a day before").min(to);
        months.push(period(m.format("%B %Y").to_string(), m.max(from), end));
        m = m + Months::new(1);
    }
    let quarters: Vec<Figures> = quarter_spans(pack, from, to)
        .into_iter()
        .map(|(label, start, end)| period(label, start, end))
        .collect();
    let total = period(format!("{from} to {to}"), from, to);
    let (by_source, by_reason, by_vulnerability) = referral_counts(pack, cases, from, to);
    Stats {
        rule: pack.reports.rule.clone(),
        from,
        to,
        total,
        months,
        quarters,
        by_source,
        by_reason,
        by_vulnerability,
        schools: schools(pack, cal, cases, from, to),
        deadlines: Vec::new(),
        left_out: 0,
    }
}

/// The quarters from `from` to `to` (the first from `from`, the last to `to`), as the
/// statistics name them: (label, first day, last day).
pub fn quarter_spans(pack: &Pack, from: NaiveDate, to: NaiveDate) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut q = quarter_start(from);
    while q <= to {
        let end = (q + Months::new(3)).pred_opt().expect("a day before").min(to);
        out.push((quarter_label(q, pack.reports.quarters), q.max(from), end));
        q = q + Months::new(3);
    }
    out
}

/// Referrals received from `from` to `to`, by source, reason and vulnerability (every one of
/// each listed).
pub fn referral_counts(
    pack: &Pack,
    cases: &[&Case],
    from: NaiveDate,
    to: NaiveDate,
) -> (Vec<Count>, Vec<Count>, Vec<Count>) {
    let in_range: Vec<&Case> = cases
        .iter()
        .copied()
        .filter(|c| (from..=to).contains(&c.referral.received))
        .collect();
    let by_source = Source::ALL
        .iter()
        .map(|s| Count {
            key: s.as_str().into(),
            label: s.as_str().replace('-', " "),
            count: in_range.iter().filter(|c| c.referral.source == *s).count(),
        })
        .collect();
    let by_reason = Reason::ALL
        .iter()
        .map(|r| Count {
            key: r.as_str().into(),
            label: r.as_str().replace('-', " "),
            count: in_range.iter().filter(|c| c.referral.reason == *r).count(),
        })
        .collect();
    let by_vulnerability = pack
        .vulnerabilities
        .iter()
        .map(|v| Count {
            key: v.id.clone(),
            label: v.label.clone(),
            count: in_range
                .iter()
                .filter(|c| c.child.vulnerabilities.contains(&v.id))
                .count(),
        })
        .collect();
    (by_source, by_reason, by_vulnerability)
}

/// The figures of each of `periods` (label, first day, last day), each counting each case as
/// it stood at the period's end.
pub fn figures_of(pack: &Pack, stood: &AsStood, periods: &[(String, NaiveDate, NaiveDate)]) -> Vec<Figures> {
    periods
        .iter()
        .map(|(label, start, end)| figures(pack, &stood.facts(*end), label.clone(), *start, *end))
        .collect()
}

/// How one deadline rule was kept.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DeadlineCompliance {
    pub rule: crate::model::id::RuleId,
    /// What it asks for.
    pub asks: String,
    /// By the period the deadline fell due in (the statistics' quarters).
    pub periods: Vec<Compliance>,
}

/// The deadlines that fell due in one period (up to the day the figures are for).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Compliance {
    pub label: String,
    pub due: usize,
    /// Done on or before the due date.
    pub met: usize,
    /// Done after it.
    pub late: usize,
    /// The case closed without it being done.
    pub never_met: usize,
    /// Still open and not done.
    pub overdue: usize,
}

/// Deadline compliance by quarter, from each case's deadlines (open cases as of the day the
/// figures are for, closed cases as they stood when they closed).
pub fn deadline_compliance<'a>(
    pack: &Pack,
    quarters: &[Figures],
    deadlines: impl Iterator<Item = &'a crate::deadline::Deadline>,
) -> Vec<DeadlineCompliance> {
    use crate::deadline::State;
    let mut out: Vec<DeadlineCompliance> = pack
        .deadlines
        .iter()
        .filter(|r| pack.rule(&r.rule).is_some())
        .map(|r| DeadlineCompliance {
            rule: r.rule.clone(),
            asks: crate::deadline::asks(r),
            periods: quarters
                .iter()
                .map(|q| Compliance {
                    label: q.label.clone(),
                    ..Compliance::default()
                })
                .collect(),
        })
        .collect();
    for d in deadlines {
        let Some(due) = d.due else { continue };
        let Some(rule) = out.iter_mut().find(|c| c.rule == d.rule) else {
            continue;
        };
        let Some(i) = quarters.iter().position(|q| (q.start..=q.end).contains(&due)) else {
            continue;
        };
        let p = &mut rule.periods[i];
        match d.state {
            State::Met => p.met += 1,
            State::Late => p.late += 1,
            State::Missed => p.never_met += 1,
            State::Overdue => p.overdue += 1,
            State::DueSoon | State::Open | State::Unknown => continue,
        }
        p.due += 1;
    }
    out
}

/// The figures for the records that pass validation (those failing it are counted in
/// `left_out`), from `from` (default: the earliest referral) to `to`, with how each deadline
/// was kept. `occurrences` gives a case's deadline occurrences (a caller that has the case's
/// state already passes them from it rather than working them out again).
pub fn for_records(
    policy: crate::load::Policy<'_>,
    files: &[crate::load::CaseFile],
    report: &crate::diagnostic::CheckReport,
    from: Option<NaiveDate>,
    to: NaiveDate,
    occurrences: impl Fn(&Case) -> Vec<crate::deadline::Deadline>,
    history: Option<&crate::audit::History>,
) -> Stats {
    let (cases, left_out) = countable(files, report);
    let from = from.unwrap_or_else(|| cases.iter().map(|c| c.referral.received).min().unwrap_or(to).min(to));
    let mut st = compute(policy.pack, policy.calendar, &cases, from, to, history);
    let all: Vec<crate::deadline::Deadline> = cases.iter().flat_map(|c| occurrences(c)).collect();
    st.deadlines = deadline_compliance(policy.pack, &st.quarters, all.iter());
    st.left_out = left_out;
    st
}

/// The cases the figures count: those whose files decode and pass validation (no errors in
/// `report`), and how many files were left out.
pub fn countable<'a>(
    files: &'a [crate::load::CaseFile],
    report: &crate::diagnostic::CheckReport,
) -> (Vec<&'a Case>, usize) {
    let failing: std::collections::HashSet<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::pack::Severity::Error)
        .map(|d| d.file.as_str())
        .collect();
    let cases: Vec<&Case> = files
        .iter()
        .filter(|f| !failing.contains(f.source.path.as_str()))
        .filter_map(|f| f.case.as_ref())
        .collect();
    let left_out = files.len() - cases.len();
    (cases, left_out)
}

fn schools(pack: &Pack, cal: &Calendar, cases: &[&Case], from: NaiveDate, to: NaiveDate) -> Vec<SchoolCompliance> {
    let mut map: BTreeMap<String, SchoolCompliance> = BTreeMap::new();
    let entry = |map: &mut BTreeMap<String, SchoolCompliance>, name: &str| {
        map.entry(name.to_string())
            .or_insert_with(|| SchoolCompliance {
                school: name.to_string(),
                leavers: 0,
                leavers_on_time: 0,
                leavers_late: 0,
                joiners: 0,
                joiners_on_time: 0,
                joiners_late: 0,
            })
            .school
            .clone()
    };
    for c in cases {
        if let Some(s) = &c.school
            && let Some(removed) = s.removed_from_roll
            && (from..=to).contains(&removed)
        {
            let key = entry(&mut map, &s.name);
            let row = map.get_mut(&key).expect("just inserted");
            row.leavers += 1;
            match s.notified_la {
                Some(n) if n <= removed => row.leavers_on_time += 1,
                Some(_) => row.leavers_late += 1,
                None => {}
            }
        }
        if let (Some(cl), Some(j)) = (&c.closure, &pack.joiner)
            && let (Some(school), Some(admitted)) = (&cl.school, cl.admitted_on)
            && (from..=to).contains(&admitted)
        {
            let key = entry(&mut map, school);
            let row = map.get_mut(&key).expect("just inserted");
            row.joiners += 1;
            if let Some(notified) = cl.joiner_notified
                && let Some(period) = j.period()
                && let Ok(due) = period.after(cal, admitted)
            {
                if notified <= due.date {
                    row.joiners_on_time += 1;
                } else {
                    row.joiners_late += 1;
                }
            }
        }
    }
    map.into_values().collect()
}

/// The figures as a table for the terminal (`cme stats`).
pub fn render_human(st: &Stats, authority: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let (from, to) = (st.from, st.to);
    writeln!(
        out,
        "{} - report figures ({}) from {from} to {to}\n",
        crate::source::printable_line(authority),
        st.rule
    )?;
    writeln!(
        out,
        "{:<32} {:>6} {:>6} {:>8} {:>7} {:>7} {:>7} {:>8}",
        "period", "reg", "known", "unknown", "active", "closed", "success", "med.days"
    )?;
    for f in st.quarters.iter().chain(std::iter::once(&st.total)) {
        writeln!(
            out,
            "{:<32} {:>6} {:>6} {:>8} {:>7} {:>7} {:>7} {:>8}",
            f.label,
            f.registered,
            f.whereabouts_known,
            f.whereabouts_unknown,
            f.active_at_end,
            f.closed,
            f.success_rate.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "-".into()),
            f.median_days_to_resolution
                .map(|v| format!("{v:.0}"))
                .unwrap_or_else(|| "-".into())
        )?;
    }
    writeln!(out, "\ndeadlines by the quarter they fell due in (met on time / due)")?;
    for d in &st.deadlines {
        let cells: Vec<String> = d
            .periods
            .iter()
            .filter(|p| p.due > 0)
            .map(|p| format!("{}: {}/{}", p.label, p.met, p.due))
            .collect();
        if !cells.is_empty() {
            writeln!(out, "  {:<20} {}", d.rule, cells.join("; "))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    #[test]
    fn quarter_labels() {
        assert_eq!(
            quarter_label(d("2026-04-01"), QuarterStyle::Financial),
            "2026/27 Q1 (Apr-Jun 2026)"
        );
        assert_eq!(
            quarter_label(d("2027-01-01"), QuarterStyle::Financial),
            "2026/27 Q4 (Jan-Mar 2027)"
        );
        assert_eq!(
            quarter_label(d("2026-07-01"), QuarterStyle::Calendar),
            "2026 Q3 (Jul-Sep 2026)"
        );
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2.5));
    }
}
