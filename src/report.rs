//! Governance reports (`[[report]]` in the pack): the figures of one reporting period, each
//! record counted as it stood at the period's end, in the sections the pack lists.
//!
//! This module works the figures out; [`crate::site::report`] lays them out for paper, exact
//! for the team and rounded for outside it ([`crate::disclosure`]).

use crate::audit::History;
use crate::checklist::ItemState;
use crate::dfe;
use crate::diagnostic::CheckReport;
use crate::load::{CaseFile, Policy};
use crate::model::{Case, Decision, Status, Whereabouts};
use crate::pack::{Figure, ReportDef, Section};
use crate::period::Period;
use crate::state::CaseState;
use crate::stats::{self, Count, DeadlineCompliance, Figures};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// One report, worked out.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub def: ReportDef,
    pub period: Period,
    /// The day the records are read as of: the period's last day, or today while it runs.
    pub as_of: NaiveDate,
    /// The commit the records were read at, where they come from git.
    pub commit: Option<String>,
    pub authority: String,
    /// Case files failing validation, left out of every figure.
    pub left_out: usize,
    pub parts: Vec<Part>,
    /// For a report for outside the team: every quarter from the first referral's to the
    /// period's end, from which its figures are published quarter by quarter.
    #[serde(skip)]
    pub published: Option<Published>,
}

/// The quarters a report for outside the team publishes from, each as it stood at its end.
#[derive(Clone, Debug)]
pub struct Published {
    pub quarters: Vec<Figures>,
    /// Each quarter's referrals by source, reason and vulnerability.
    pub referrals: Vec<(Vec<Count>, Vec<Count>, Vec<Count>)>,
}

/// One section, worked out.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Part {
    Figures {
        figures: Vec<Figure>,
        total: Figures,
        /// The same figures per shorter period inside this one (`by`).
        by: Vec<Figures>,
    },
    Outcomes {
        closed: usize,
        outcomes: Vec<Count>,
    },
    Referrals {
        registered: usize,
        sources: Vec<Count>,
        reasons: Vec<Count>,
        vulnerabilities: Vec<Count>,
    },
    Deadlines {
        rules: Vec<DeadlineCompliance>,
    },
    ActiveCases {
        cases: Vec<ActiveCase>,
    },
    ReviewForms {
        forms: Vec<ReviewForm>,
    },
    Dfe {
        returns: Vec<dfe::Return>,
    },
}

/// A case open at the end of the period.
#[derive(Clone, Debug, Serialize)]
pub struct ActiveCase {
    pub id: String,
    pub child: String,
    pub officer: Option<String>,
    pub received: NaiveDate,
    pub whereabouts: Whereabouts,
    pub risk: Option<String>,
    pub priority: u8,
    /// The next deadline: rule, what it asks, due, overdue.
    pub next: Option<(String, String, Option<NaiveDate>, bool)>,
    pub overdue: usize,
}

/// A whereabouts-unknown case's review form, filled from the record (Worcestershire App F).
#[derive(Clone, Debug, Serialize)]
pub struct ReviewForm {
    pub id: String,
    pub child: String,
    pub date_of_birth: NaiveDate,
    pub previous_school: Option<String>,
    pub last_day_in_school: Option<NaiveDate>,
    pub officer: Option<String>,
    /// The checks the pack's checklists list, each done or not, with date and officer.
    pub checks: Vec<(String, Vec<ItemState>)>,
    /// The latest review with scores: date, CME score, safeguarding score, matrix result,
    /// decision, signed off by, comments.
    pub last_review: Option<LastReview>,
    /// The review deadline: due, overdue.
    pub decision_due: Option<(NaiveDate, bool)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LastReview {
    pub date: NaiveDate,
    pub cme_score: Option<i64>,
    pub cme_meaning: Option<String>,
    pub safeguarding_score: Option<i64>,
    pub safeguarding_meaning: Option<String>,
    pub level: Option<String>,
    pub decision: Option<Decision>,
    pub signed_off_by: Option<String>,
    pub comments: Option<String>,
}

/// The shorter periods of `kind` inside `period`, each cut to it.
fn inside(period: &Period, kind: crate::period::Kind, policy: Policy<'_>) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut day = period.start;
    while day <= period.end {
        let Some(p) = crate::period::containing(kind, day, policy.pack.reports.quarters, policy.calendar) else {
            break;
        };
        let end = p.end.min(period.end);
        // A period cut by the report's own start or end is named by its days, not as if whole.
        let label = if (day, end) == (p.start, p.end) {
            p.label.clone()
        } else {
            format!(
                "{} to {}",
                crate::calendar::long_date(day),
                crate::calendar::long_date(end)
            )
        };
        out.push((label, day, end));
        match end.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

fn meaning(scale: &[String], score: Option<i64>) -> Option<String> {
    let i = usize::try_from(score?).ok()?.checked_sub(1)?;
    scale.get(i).cloned()
}

fn review_form(
    policy: Policy<'_>,
    case: &Case,
    state: &CaseState,
    officer: &dyn Fn(&Option<String>) -> Option<String>,
) -> ReviewForm {
    let pack = policy.pack;
    let scored = case
        .reviews
        .iter()
        .enumerate()
        .filter(|(_, r)| r.cme_score.is_some() || r.safeguarding_score.is_some())
        .max_by_key(|(i, r)| (r.date, *i))
        .map(|(_, r)| r);
    let level = crate::risk::rating(pack, case).map(|r| r.level.to_string());
    let review_rule = &pack.review.rule;
    ReviewForm {
        id: case.id.clone(),
        child: state.child.clone(),
        date_of_birth: case.child.date_of_birth,
        previous_school: case.school.as_ref().map(|s| s.name.clone()),
        last_day_in_school: case.school.as_ref().and_then(|s| s.last_attended),
        officer: officer(&state.assigned_to),
        checks: state
            .checklists
            .iter()
            .map(|p| {
                let items = p
                    .items
                    .iter()
                    .map(|i| ItemState {
                        by: officer(&i.by),
                        ..i.clone()
                    })
                    .collect();
                (p.title.clone(), items)
            })
            .collect(),
        last_review: scored.map(|r| LastReview {
            date: r.date,
            cme_score: r.cme_score,
            cme_meaning: meaning(&pack.review.cme_scale, r.cme_score),
            safeguarding_score: r.safeguarding_score,
            safeguarding_meaning: meaning(&pack.review.safeguarding_scale, r.safeguarding_score),
            level,
            decision: r.decision,
            signed_off_by: r.signed_off_by.clone(),
            comments: r.comments.clone(),
        }),
        decision_due: state
            .deadlines
            .iter()
            .filter(|d| d.rule == *review_rule && !d.state.is_done())
            .find_map(|d| Some((d.due?, d.overdue))),
    }
}

/// The DfE return for `census` from the cases given (the records as read: as they stood at
/// the commit the caller chose). Each child's dates of referral, closure and reopening come
/// from the record.
pub fn dfe_return(policy: Policy<'_>, cases: &[&Case], census: NaiveDate) -> Option<dfe::Return> {
    let d = policy.pack.dfe.as_ref()?;
    let counted: Vec<dfe::Counted<'_>> = cases
        .iter()
        .map(|c| dfe::Counted {
            case: c,
            facts: crate::stood::Facts::now(c),
            missing_from: date_at(c, &d.missing_from),
        })
        .collect();
    let ids: Vec<&str> = d.reasons.iter().map(|r| r.id.as_str()).collect();
    Some(dfe::compute(&counted, census, &ids, &|r| {
        d.reason_of(r).map(|x| x.id.clone())
    }))
}

/// The date at a dotted path of the record (`referral.received`), if it holds one.
pub fn date_at(case: &Case, path: &str) -> Option<NaiveDate> {
    let mut found = None;
    crate::model::walk(
        case,
        |f| matches!(f.kind, crate::model::field::Kind::Date),
        |p, _, v| {
            if p == path {
                found = v.date();
            }
        },
    );
    found
}

/// The records a report is worked out from.
pub struct Read<'a> {
    pub files: &'a [CaseFile],
    /// The files' check (those failing validation are left out).
    pub check: &'a CheckReport,
    /// The day they are read as of.
    pub as_of: NaiveDate,
    /// git's history, for each record as it stood on an earlier day.
    pub history: Option<&'a History>,
    pub authority: &'a str,
    /// The commit they were read at.
    pub commit: Option<String>,
    /// What the caller has worked out already, for several reports of one build to share:
    /// each case as it stood (from `history`), and each case's state on `as_of`.
    pub shared: Option<&'a Shared<'a>>,
}

/// Worked out once for every report of one build.
pub struct Shared<'a> {
    pub stood: crate::stood::AsStood,
    /// Each case's state on the day the records are read as of, by case id.
    pub states: HashMap<&'a str, &'a CaseState>,
}

/// Works out `def` for `period` from the records read, each past figure from the record as
/// it stood.
pub fn compute(def: &ReportDef, period: Period, policy: Policy<'_>, read: &Read<'_>) -> Report {
    let Read {
        files,
        check,
        as_of,
        history,
        authority,
        ..
    } = *read;
    let commit = read.commit.clone();
    let (cases, left_out) = stats::countable(files, check);
    let end = period.end.min(as_of);
    let own_stood;
    let stood = match read.shared {
        Some(s) => &s.stood,
        None => {
            own_stood = crate::stood::AsStood::new(&cases, history);
            &own_stood
        }
    };
    // Each case's state on the last day, for the sections that need it (the caller's, when
    // it worked them out for that day).
    let known = read.shared.filter(|_| end == as_of).map(|s| &s.states);
    let states = std::sync::OnceLock::new();
    let states = || -> &Vec<(&Case, CaseState)> {
        states.get_or_init(|| {
            use rayon::prelude::*;
            cases
                .par_iter()
                .map(|c| {
                    let known = known.and_then(|k| k.get(c.id.as_str())).map(|s| (*s).clone());
                    (*c, known.unwrap_or_else(|| CaseState::compute(policy, c, end)))
                })
                .collect()
        })
    };
    let officer = |id: &Option<String>| {
        id.as_ref().map(|id| {
            policy
                .config
                .officer(id)
                .map(|o| o.name.clone())
                .unwrap_or_else(|| id.clone())
        })
    };
    let total = stats::figures_of(policy.pack, stood, &[(period.label.clone(), period.start, end)]).remove(0);
    let parts = def
        .sections
        .iter()
        .map(|s| match s {
            Section::Figures { figures, by } => Part::Figures {
                figures: figures.clone(),
                total: total.clone(),
                by: by
                    .map(|k| stats::figures_of(policy.pack, stood, &inside(&period, k, policy)))
                    .unwrap_or_default(),
            },
            Section::Outcomes => Part::Outcomes {
                closed: total.closed,
                outcomes: total.closed_by_outcome.clone(),
            },
            Section::Referrals => {
                let (sources, reasons, vulnerabilities) =
                    stats::referral_counts(policy.pack, &cases, period.start, end);
                Part::Referrals {
                    registered: cases
                        .iter()
                        .filter(|c| (period.start..=end).contains(&c.referral.received))
                        .count(),
                    sources,
                    reasons,
                    vulnerabilities,
                }
            }
            Section::Deadlines => {
                let all: Vec<crate::deadline::Deadline> = states()
                    .iter()
                    .flat_map(|(c, s)| s.occurrences(policy, c, end))
                    .collect();
                Part::Deadlines {
                    rules: stats::deadline_compliance(policy.pack, std::slice::from_ref(&total), all.iter()),
                }
            }
            Section::ActiveCases => Part::ActiveCases {
                cases: states()
                    .iter()
                    .filter(|(c, s)| s.status == Status::Open && c.referral.received <= end)
                    .map(|(c, s)| ActiveCase {
                        id: c.id.clone(),
                        child: s.child.clone(),
                        officer: officer(&s.assigned_to),
                        received: c.referral.received,
                        whereabouts: s.whereabouts,
                        risk: s.risk.clone(),
                        priority: s.priority,
                        next: s.next().map(|d| (d.rule.to_string(), d.asks.clone(), d.due, d.overdue)),
                        overdue: s.overdue().count(),
                    })
                    .collect(),
            },
            Section::ReviewForms => Part::ReviewForms {
                forms: states()
                    .iter()
                    .filter(|(c, s)| {
                        s.status == Status::Open && s.whereabouts == Whereabouts::Unknown && c.referral.received <= end
                    })
                    .map(|(c, s)| review_form(policy, c, s, &officer))
                    .collect(),
            },
            Section::Dfe => Part::Dfe {
                returns: policy
                    .pack
                    .dfe
                    .iter()
                    .flat_map(|d| d.census_days.iter())
                    .filter(|c| period.contains(c.date) && c.date <= as_of)
                    .filter_map(|c| dfe_return(policy, &cases, c.date))
                    .collect(),
            },
        })
        .collect();
    let published = (def.audience == crate::pack::ReportAudience::Board).then(|| {
        let first = cases
            .iter()
            .map(|c| c.referral.received)
            .min()
            .unwrap_or(period.start)
            .min(period.start);
        let spans = stats::quarter_spans(policy.pack, first, end);
        Published {
            quarters: stats::figures_of(policy.pack, stood, &spans),
            referrals: spans
                .iter()
                .map(|(_, s, e)| stats::referral_counts(policy.pack, &cases, *s, *e))
                .collect(),
        }
    });
    Report {
        def: def.clone(),
        period,
        as_of: end,
        commit,
        authority: authority.to_string(),
        left_out,
        parts,
        published,
    }
}
