//! What a pack says about the figures that leave the team: the governance reports it names
//! (`[[report]]`), how figures for outside the team are rounded (`[reports]`), and the DfE's
//! termly return (`[dfe]`): its census days, its list of reasons and the map from the pack's
//! referral reasons onto it.

use crate::model::{Reason, Vocabulary};
use crate::period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who a report is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportAudience {
    /// The CME team and its managers: exact figures, and case details where a section lists
    /// them. May cover the period still running.
    Team,
    /// Outside the team (boards, senior leadership, members): rounded figures, nothing about
    /// any one child, and whole periods that have ended only.
    Board,
}

impl ReportAudience {
    pub fn word(self) -> &'static str {
        match self {
            ReportAudience::Team => "team",
            ReportAudience::Board => "board",
        }
    }
}

/// One figure of a period, as a report's `figures` section names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Figure {
    Registered,
    WhereaboutsKnown,
    WhereaboutsUnknown,
    ActiveAtEnd,
    ActiveUnknownAtEnd,
    Closed,
    SuccessRate,
    MedianDaysToResolution,
}

impl Figure {
    pub const ALL: [Figure; 8] = [
        Figure::Registered,
        Figure::WhereaboutsKnown,
        Figure::WhereaboutsUnknown,
        Figure::ActiveAtEnd,
        Figure::ActiveUnknownAtEnd,
        Figure::Closed,
        Figure::SuccessRate,
        Figure::MedianDaysToResolution,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Figure::Registered => "Referrals registered as CME",
            Figure::WhereaboutsKnown => "Of those, whereabouts known",
            Figure::WhereaboutsUnknown => "Of those, whereabouts unknown",
            Figure::ActiveAtEnd => "Active cases at the end of the period",
            Figure::ActiveUnknownAtEnd => "Active cases, whereabouts unknown, at the end of the period",
            Figure::Closed => "Cases closed",
            Figure::SuccessRate => "Success rate (re-integrated into education)",
            Figure::MedianDaysToResolution => "Median days from referral to closure",
        }
    }
}

fn all_figures() -> Vec<Figure> {
    Figure::ALL.to_vec()
}

/// One section of a report. The kinds are the code's; which a report holds, and in what
/// order, is the pack's.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Section {
    /// The period's figures (all of them unless `figures` lists some), and, with `by`, the
    /// same per shorter period inside it (`by = "month"` in a quarterly report).
    Figures {
        #[serde(default = "all_figures")]
        figures: Vec<Figure>,
        #[serde(default)]
        by: Option<period::Kind>,
    },
    /// Closures in the period by outcome.
    Outcomes,
    /// Referrals received in the period by source, reason and vulnerability.
    Referrals,
    /// How the policy's deadlines that fell due in the period were kept.
    Deadlines,
    /// Each case open at the end of the period: officer, referral date, whereabouts, risk
    /// and the next deadline (team reports only).
    ActiveCases,
    /// Each whereabouts-unknown case with its review form filled from the record: the
    /// checks done, the scores, the matrix result and the decision due (team reports only).
    ReviewForms,
    /// The DfE return for each census day in the period.
    Dfe,
}

impl Section {
    /// Whether the section describes single children (never for outside the team).
    pub fn is_personal(&self) -> bool {
        matches!(self, Section::ActiveCases | Section::ReviewForms)
    }

    pub fn word(&self) -> &'static str {
        match self {
            Section::Figures { .. } => "figures",
            Section::Outcomes => "outcomes",
            Section::Referrals => "referrals",
            Section::Deadlines => "deadlines",
            Section::ActiveCases => "active-cases",
            Section::ReviewForms => "review-forms",
            Section::Dfe => "dfe",
        }
    }
}

/// A governance report the policy names (`[[report]]`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDef {
    /// How it is asked for: `cme report <id>`.
    pub id: String,
    pub title: String,
    /// Who receives it, in the policy's words ("Admissions Senior Management Team").
    pub recipient: String,
    pub audience: ReportAudience,
    /// The period one report covers.
    pub period: period::Kind,
    /// The policy paragraph that asks for it.
    pub source: String,
    #[serde(default)]
    pub policy_ref: Option<String>,
    pub sections: Vec<Section>,
}

/// One census day of the DfE's termly collection.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CensusDay {
    /// The collection's term, as the DfE names it ("Autumn 2026").
    pub term: String,
    #[serde(deserialize_with = "super::toml_date")]
    pub date: NaiveDate,
}

/// One of the DfE's primary reasons a child is missing education.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DfeReason {
    /// The id the return's JSON and CSV use.
    pub id: String,
    /// The DfE's words.
    pub label: String,
    /// The pack's referral reasons counted under it.
    #[serde(default)]
    pub referral_reasons: Vec<Reason>,
}

/// The DfE's termly EHE and CME data collection, as the pack maps onto it (`[dfe]`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dfe {
    /// Where the census days and the reason list come from.
    pub source: String,
    /// The day someone last compared the reason list with the DfE's current guide; until
    /// set, `cme report dfe` says the list must be checked before the return is keyed in.
    #[serde(default, deserialize_with = "super::opt_toml_date")]
    pub reasons_checked: Option<NaiveDate>,
    /// The record date a child became missing education on (default `referral.received`).
    #[serde(default = "default_missing_from")]
    pub missing_from: String,
    #[serde(rename = "census", default)]
    pub census_days: Vec<CensusDay>,
    #[serde(rename = "reason", default)]
    pub reasons: Vec<DfeReason>,
}

fn default_missing_from() -> String {
    "referral.received".into()
}

impl Dfe {
    /// The DfE reason a referral reason counts under, if the pack maps it.
    pub fn reason_of(&self, r: Reason) -> Option<&DfeReason> {
        self.reasons.iter().find(|d| d.referral_reasons.contains(&r))
    }

    /// The last census day on or before `day`.
    pub fn census_on_or_before(&self, day: NaiveDate) -> Option<&CensusDay> {
        self.census_days.iter().filter(|c| c.date <= day).max_by_key(|c| c.date)
    }

    /// Everything inconsistent in the section, as sentences naming the setting.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if crate::model::label_of(&self.missing_from).is_none() {
            out.push(format!(
                "[dfe] missing_from = \"{}\" names no field of a case file",
                self.missing_from
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for d in &self.reasons {
            if !seen.insert(d.id.as_str()) || d.id == "unknown" {
                out.push(format!(
                    "[[dfe.reason]] \"{}\" is listed twice (\"unknown\" is the return's own)",
                    d.id
                ));
            }
        }
        for r in Reason::ALL {
            let n = self.reasons.iter().filter(|d| d.referral_reasons.contains(r)).count();
            if n > 1 {
                out.push(format!(
                    "the referral reason \"{}\" is mapped to {n} DfE reasons in [[dfe.reason]]; it can count under one",
                    r.as_str()
                ));
            }
        }
        let mut days = std::collections::HashSet::new();
        for c in &self.census_days {
            if !days.insert(c.date) {
                out.push(format!("[[dfe.census]] {} is listed twice", c.date));
            }
        }
        out
    }
}
