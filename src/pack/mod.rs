//! A policy pack: `policy/<pack>/policy.toml` and the policy text it points at.
//!
//! The pack holds every number, list and rule setting of one council's policy. The code
//! implements kinds of rule (a closure needs these fields; a leaving ground needs these
//! documents; a risk level forbids closing); the pack says which apply, with which rule id,
//! and where in the council's text each comes from.

mod reporting;
mod text;

pub use reporting::{CensusDay, Dfe, DfeReason, Figure, ReportAudience, ReportDef, Section};

pub use text::{anchors, paragraph_number as text_paragraph_number};

use crate::model::{ActionKind, Decision, Outcome, Role, Whereabouts};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// Reads a TOML local date (`2024-07-31`, unquoted) into a `NaiveDate`.
pub fn toml_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let dt = toml::value::Datetime::deserialize(d)?;
    match (dt.date, dt.time, dt.offset) {
        (Some(date), None, None) => NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            .ok_or_else(|| serde::de::Error::custom("not a real date")),
        _ => Err(serde::de::Error::custom("expected a date alone, like 2024-07-31")),
    }
}

fn school_action_kinds() -> Vec<ActionKind> {
    vec![
        ActionKind::HomeVisit,
        ActionKind::Letter,
        ActionKind::Phone,
        ActionKind::Email,
    ]
}

pub fn opt_toml_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    toml_date(d).map(Some)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub pack: PackInfo,
    #[serde(rename = "rule")]
    pub rules: Vec<RuleInfo>,
    #[serde(rename = "vulnerability", default)]
    pub vulnerabilities: Vec<Vulnerability>,
    #[serde(rename = "check", default)]
    pub checks: Vec<Check>,
    #[serde(rename = "escalation", default)]
    pub escalations: Vec<Listed>,
    #[serde(rename = "document", default)]
    pub documents: Vec<Listed>,
    #[serde(rename = "ground", default)]
    pub grounds: Vec<Ground>,
    pub registration: Registration,
    #[serde(rename = "ground_condition", default)]
    pub ground_conditions: Vec<GroundCondition>,
    #[serde(rename = "closure_requirement", default)]
    pub closure_requirements: Vec<ClosureRequirement>,
    #[serde(rename = "closure_checks", default)]
    pub closure_checks: Vec<ClosureChecks>,
    #[serde(rename = "closure_review", default)]
    pub closure_reviews: Vec<ClosureReview>,
    /// Steps reserved to some roles (COM-ROLE).
    #[serde(default)]
    pub reserved: Vec<Reserved>,
    /// What a school may be recorded as doing (`by = "school"`): its own contact attempts.
    /// Database checks, agency enquiries, escalations and audits are the council's.
    #[serde(default = "school_action_kinds")]
    pub school_action_kinds: Vec<ActionKind>,
    pub review: ReviewPolicy,
    pub risk: Option<RiskMatrix>,
    #[serde(default)]
    pub joiner: Option<Joiner>,
    #[serde(rename = "escalation_expected", default)]
    pub escalations_expected: Vec<EscalationExpected>,
    /// The escalation ladder: the steps a case climbs while it stays unresolved, in order.
    #[serde(rename = "ladder", default)]
    pub ladder: Vec<LadderStep>,
    /// The roles an officer may have in `cme.toml`, in the council's words. A pack that
    /// lists none (one written before roles were the pack's, read again by `--as-of`) does
    /// not restrict them.
    #[serde(rename = "role", default)]
    pub roles: Vec<RoleInfo>,
    #[serde(default)]
    pub school_age: SchoolAgeRule,
    #[serde(rename = "deadline", default)]
    pub deadlines: Vec<DeadlineRule>,
    #[serde(rename = "checklist", default)]
    pub checklists: Vec<Checklist>,
    #[serde(default)]
    pub triage: Triage,
    pub reports: Reports,
    /// The governance reports the policy names (`cme report --list`).
    #[serde(rename = "report", default)]
    pub report_defs: Vec<ReportDef>,
    /// The DfE's termly return: census days and reasons (`cme report dfe`).
    #[serde(default)]
    pub dfe: Option<Dfe>,
    #[serde(default)]
    pub queues: Queues,
}

/// The report figures (kind R: MAN-REPORTS, WOR-WEEKLY) and how they are counted.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reports {
    pub rule: crate::model::id::RuleId,
    /// Closures that count as a success: the child found and in suitable education.
    pub success_outcomes: Vec<Outcome>,
    /// Closures left out of the success rate altogether (the child was never CME).
    #[serde(default)]
    pub excluded_outcomes: Vec<Outcome>,
    /// `calendar` (Jan-Mar is Q1) or `financial` (Apr-Jun is Q1, as councils report).
    #[serde(default)]
    pub quarters: QuarterStyle,
    /// Figures for outside the team (the board's site, board reports) are rounded to the
    /// nearest multiple of this; a count that rounds to 0 but is not 0 is "low".
    #[serde(default = "default_round_to")]
    pub round_to: u32,
    /// A percentage or median for outside the team is shown only over a rounded count of at
    /// least this.
    #[serde(default = "default_min_denominator")]
    pub min_denominator: u32,
    /// Packs written before figures were rounded said which counts to hide; such a pack is
    /// still read (by `--as-of` a past commit), and its figures are rounded.
    #[serde(default, rename = "suppress_below", skip_serializing)]
    pub _suppress_below: Option<u32>,
}

fn default_round_to() -> u32 {
    5
}

fn default_min_denominator() -> u32 {
    10
}

impl Reports {
    /// The disclosure control for figures that leave the team.
    pub fn rounding(&self) -> crate::disclosure::Rounding {
        crate::disclosure::Rounding {
            base: u64::from(self.round_to.max(1)),
            min_denominator: u64::from(self.min_denominator),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuarterStyle {
    #[default]
    Calendar,
    Financial,
}

/// Which deadlines fill the site's "audit due" queue.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Queues {
    #[serde(default)]
    pub audit_rules: Vec<crate::model::id::RuleId>,
}

/// What a deadline asks for, and so what meets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineKind {
    /// The referral is assigned to an officer (COM-UNASSIGNED).
    Assign,
    /// The named social worker is contacted, when the child is open to social care (COM-SOCIAL-CARE).
    SocialWorkerContact,
    /// An action of one of `action_kinds` is logged (MAN-ENQ-20WD).
    FirstAction,
    /// The case is resolved or closed while the whereabouts stay as listed (MAN-UNTRACED-6M).
    Resolve,
    /// An action of one of `action_kinds` recurs: due an interval after the last (MAN-AUDIT-8W, WOR-PERIODIC).
    RecurringAction,
    /// The case is reviewed again while its risk is one of `risk_levels` (WOR-HI-REVIEW-12M).
    Review,
    /// An open case closes as beyond-school-age when compulsory school age ends (COM-SCHOOL-AGE).
    SchoolAgeEnds,
    /// Each action with `reply_due` awaits its answer: a later action with `reply_to` its
    /// number (COM-REPLY). One deadline per action awaiting a reply.
    Reply,
}

/// Where a deadline's period starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineFrom {
    /// The referral, or the last reopening.
    #[default]
    Episode,
    /// The assignment to an officer (or the last reopening, if later).
    Assigned,
    /// The latest review.
    LastReview,
}

/// A deadline rule (kind D): when something is due, counted from where, and what meets it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    pub rule: crate::model::id::RuleId,
    pub kind: DeadlineKind,
    #[serde(default)]
    pub from: DeadlineFrom,
    #[serde(default)]
    pub working_days: Option<u32>,
    #[serde(default)]
    pub school_days: Option<u32>,
    #[serde(default)]
    pub weeks: Option<u32>,
    #[serde(default)]
    pub months: Option<u32>,
    /// A recurring deadline is shown as coming due this many weeks after the last time.
    #[serde(default)]
    pub opens_after_weeks: Option<u32>,
    #[serde(default)]
    pub action_kinds: Vec<ActionKind>,
    /// Applies only while the child's whereabouts are one of these (all, when empty).
    #[serde(default)]
    pub whereabouts: Vec<Whereabouts>,
    /// Applies only while the case's risk is one of these (`review` deadlines).
    #[serde(default)]
    pub risk_levels: Vec<String>,
    /// Applies only once the latest review decided this (e.g. remain-open).
    #[serde(default)]
    pub after_decision: Option<Decision>,
    /// A recurring deadline stops once compulsory school age ends.
    #[serde(default)]
    pub until_school_age_ends: bool,
    /// Only actions by officers with one of these roles count (MAN-AUDIT-8W: the team
    /// manager's audit); any officer's when empty.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// The school's own attempts (`by = "school"`) count too, whenever they were made
    /// (MAN-ENQ-20WD: "by the school, if this has not already been undertaken").
    #[serde(default)]
    pub school_actions_count: bool,
}

impl DeadlineRule {
    /// The period's length, as the pack wrote it: exactly one unit is given.
    pub fn period(&self) -> Option<crate::calendar::Period> {
        use crate::calendar::Period;
        match (self.working_days, self.school_days, self.weeks, self.months) {
            (Some(n), None, None, None) => Some(Period::WorkingDays(n)),
            (None, Some(n), None, None) => Some(Period::SchoolDays(n)),
            (None, None, Some(n), None) => Some(Period::Weeks(n)),
            (None, None, None, Some(n)) => Some(Period::Months(n)),
            _ => None,
        }
    }
}

/// A progress checklist (kind S): MAN-ESSENTIAL, WOR-CHECKS.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    pub rule: crate::model::id::RuleId,
    pub title: String,
    #[serde(rename = "item")]
    pub items: Vec<ChecklistItem>,
}

/// One line of a checklist, done by the first action or record that matches it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub label: String,
    #[serde(default)]
    pub group: Option<String>,
    /// Done by an action of one of these kinds.
    #[serde(default)]
    pub action_kinds: Vec<ActionKind>,
    /// Done by a database check or agency enquiry naming one of these checks.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Done by the referral being logged.
    #[serde(default)]
    pub referral: bool,
    /// Done by a closure with one of these outcomes.
    #[serde(default)]
    pub closure_outcomes: Vec<Outcome>,
}

/// Triage priority (COM-TRIAGE): 1 when a priority vulnerability is set, 2 for any other, 3 otherwise.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    pub rule: crate::model::id::RuleId,
}

impl Default for Triage {
    fn default() -> Self {
        Triage {
            rule: "COM-TRIAGE".into(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    /// The folder name under `policy/`, and the part before `#` in every `policy_ref`.
    pub id: String,
    pub name: String,
    pub council: String,
    /// The source document: its title and date as the council published it.
    pub source: String,
    /// The policy text, Markdown, relative to the pack folder.
    #[serde(default = "default_text")]
    pub text: String,
    /// When the council said it would review the policy.
    #[serde(default, deserialize_with = "opt_toml_date")]
    pub review_due: Option<NaiveDate>,
    /// The rule that warns when the review date has passed.
    #[serde(default)]
    pub review_rule: Option<String>,
}

fn default_text() -> String {
    "policy.md".into()
}

/// What a rule's E/W/D/S/R kind is in the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub enum RuleKind {
    E,
    W,
    D,
    S,
    R,
    #[serde(rename = "E/W")]
    EW,
    #[serde(rename = "W/D")]
    WD,
    /// A score or checklist that is also enforced (WOR-CHECKS: every check before an
    /// untraceable closure).
    #[serde(rename = "S/E")]
    SE,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One entry of the pack's rule catalogue.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInfo {
    pub id: crate::model::id::RuleId,
    pub kind: RuleKind,
    pub title: String,
    /// Where in the source policy the rule comes from, as the source numbers it.
    pub source: String,
    /// `<pack>#<anchor>`: the paragraph of the pack's text the rule enforces.
    pub policy_ref: String,
    /// Overrides the severity the rule's code gives its findings.
    #[serde(default)]
    pub severity: Option<Severity>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Vulnerability {
    pub id: String,
    pub label: String,
    /// Triage priority 1 (COM-TRIAGE): e.g. CLA, CP, CiN, EHCP in Worcestershire App D.
    #[serde(default)]
    pub priority: bool,
    /// What a Common Transfer File's looked-after flag (`<LookedAfter>`) is recorded as by
    /// `cme import-ctf`: at most one vulnerability says so.
    #[serde(default)]
    pub ctf_looked_after: bool,
}

/// A role officers may hold (`[[role]]`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleInfo {
    pub id: Role,
    pub label: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub label: String,
    /// The heading the check sits under on a checklist (App F "Education Checks").
    #[serde(default)]
    pub group: Option<String>,
    /// A check the team asks another service for in writing (`cme letter CASE agency-check
    /// --check ID`), rather than one it looks up itself (a database, a search).
    #[serde(default)]
    pub by_letter: bool,
}

/// A pupil-registration ground a school may cite when removing a pupil from roll.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ground {
    /// `8(1)(h)` (2006 regulations) or `I` (2024 regulations).
    pub code: String,
    /// `2006` or `2024`.
    pub regulations: u16,
    pub title: String,
    /// The same ground under the other regulations, where there is one.
    #[serde(default)]
    pub equivalent: Option<String>,
    /// Documents the school must send with the leaver form.
    #[serde(default)]
    pub documents: Vec<String>,
    /// School days of continuous absence required before removal.
    #[serde(default)]
    pub min_absence_school_days: Option<u32>,
    /// Whether a "missing" CTF (destination XXXXXXX) must be uploaded for this ground.
    #[serde(default)]
    pub missing_ctf: bool,
}

/// How the pack applies the registration regulations.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// Unknown grounds, and 2006 grounds cited after the 2024 regulations began.
    pub rule: crate::model::id::RuleId,
    /// The day the 2024 regulations replaced the 2006 ones.
    #[serde(deserialize_with = "toml_date")]
    pub regulations_2024_from: NaiveDate,
    /// A ground's required documents missing (WOR-LEAVER-DOCS); none when absent.
    #[serde(default)]
    pub documents_rule: Option<String>,
    /// Too short an absence before removal, or no missing CTF.
    pub absence_rule: String,
    /// The school did not notify the LA by the day of removal (COM-NOTIFY-LEAVER).
    #[serde(default)]
    pub notify_rule: Option<String>,
}

/// A ground only allowed in some circumstances (WOR-GROUND-B).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroundCondition {
    pub rule: crate::model::id::RuleId,
    pub grounds: Vec<String>,
    /// The school must name the pupil's next school, and it must be in the area.
    #[serde(default)]
    pub requires_destination_in_area: bool,
    /// The ground to use instead.
    pub otherwise: String,
}

/// One step of the escalation ladder: when it is taken, who takes it, when it is due, its
/// letter, and what in the record shows it was taken.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LadderStep {
    pub id: String,
    pub title: String,
    /// When the step is taken, in the policy's words.
    pub trigger: String,
    /// Who takes it: one of the pack's roles.
    pub role: Role,
    /// A deadline rule of the pack whose due date is the step's.
    #[serde(default)]
    pub due_rule: Option<crate::model::id::RuleId>,
    /// The letter template that takes the step (`cme letter CASE <letter>`).
    #[serde(default)]
    pub letter: Option<String>,
    /// What in the record shows the step was taken: any one of these.
    pub done_when: Vec<Evidence>,
    pub source: String,
    pub policy_ref: String,
}

/// Something in the record that shows a step was taken: an action (of a kind, to an
/// escalation, for a check), a closure (with an outcome, or a field filled) or a review
/// (with a decision). Every part given must hold.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    #[serde(default)]
    pub kind: Option<ActionKind>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub check: Option<String>,
    /// A field of the closure that is filled (`lost_pupils_uploaded`).
    #[serde(default)]
    pub closure_field: Option<String>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Any closure at all.
    #[serde(default)]
    pub closed: bool,
    #[serde(default)]
    pub decision: Option<Decision>,
    /// Any review at all.
    #[serde(default)]
    pub reviewed: bool,
}

/// Fields a closure with this outcome must fill (COM-CLOSE, MAN-CLOSE-OTHER-LA, ...).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureRequirement {
    pub rule: crate::model::id::RuleId,
    pub outcome: Outcome,
    pub fields: Vec<String>,
    /// The fields are dates of steps taken before the case closes: dated on or before it.
    #[serde(default)]
    pub on_or_before_closure: bool,
    /// Says why, in the policy's words.
    pub why: String,
}

/// Checks that must be logged before a closure with this outcome (MAN-CHECKS).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureChecks {
    pub rule: crate::model::id::RuleId,
    pub outcome: Outcome,
    /// The kinds of action that log a check (`database-check`, `agency-enquiry`).
    #[serde(default)]
    pub action_kinds: Vec<ActionKind>,
    /// Every one of these checks logged on or before the closure.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Every item of this checklist (by its rule id) done on or before the closure.
    #[serde(default)]
    pub checklist: Option<String>,
    /// The contact enquiries: for each group, an action of one of its kinds on or before
    /// the closure (MAN s3: a home visit, or why it was not safe; a letter; phone calls).
    #[serde(default)]
    pub contacts: Vec<ContactGroup>,
    /// Closures dated before this day get the findings as warnings, not errors: the reading
    /// took effect then, and a closed record is never edited (AUDIT-CLOSED-EDIT).
    #[serde(default, deserialize_with = "opt_toml_date")]
    pub applies_from: Option<NaiveDate>,
}

/// One contact enquiry a closure needs first.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContactGroup {
    /// In the policy's words: "a letter to the last known address".
    pub label: String,
    pub action_kinds: Vec<ActionKind>,
}

/// A step the pack reserves to some roles (COM-ROLE): actions of these kinds (their `by`),
/// or reviews with these decisions (their `signed_off_by`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reserved {
    pub rule: crate::model::id::RuleId,
    /// The step, in the policy's words ("the audit of open referrals").
    pub step: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub action_kinds: Vec<ActionKind>,
    #[serde(default)]
    pub review_decisions: Vec<Decision>,
    /// Where the policy says so.
    pub source: String,
}

/// A signed-off review needed before a closure with this outcome (WOR-MM-REVIEW).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureReview {
    pub rule: crate::model::id::RuleId,
    /// A closure with this outcome ...
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// ... or any closure while the child's whereabouts are one of these ...
    #[serde(default)]
    pub whereabouts: Vec<Whereabouts>,
    /// ... but these outcomes (`beyond-school-age`).
    #[serde(default)]
    pub except_outcomes: Vec<Outcome>,
    /// The review's decision must be this.
    #[serde(default)]
    pub decision: Option<Decision>,
}

impl ClosureReview {
    pub fn applies(&self, outcome: Outcome, whereabouts: Whereabouts) -> bool {
        !self.except_outcomes.contains(&outcome)
            && (self.outcome == Some(outcome) || self.whereabouts.contains(&whereabouts))
    }
}

/// Reviews in general: who may sign them off (COM-REVIEW) and what the scores mean.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicy {
    pub rule: crate::model::id::RuleId,
    pub sign_off_roles: Vec<Role>,
    /// Meaning of CME scores 1..5.
    #[serde(default)]
    pub cme_scale: Vec<String>,
    /// Meaning of safeguarding scores 1..5.
    #[serde(default)]
    pub safeguarding_scale: Vec<String>,
}

/// The risk matrix (WOR App F): risk level by CME score and safeguarding score.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMatrix {
    pub rule: crate::model::id::RuleId,
    /// The levels, most serious first, with their words and what their colour means. Where
    /// the pack gives none, the levels the matrix uses, in the order they first appear
    /// going from the most serious corner (highest scores) down.
    #[serde(default, rename = "level")]
    pub levels: Vec<RiskLevel>,
    /// `matrix[cme_score - 1][safeguarding_score - 1]`.
    pub matrix: Vec<Vec<String>>,
    /// What each level means for the case.
    #[serde(default)]
    pub meaning: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub no_close: Option<NoClose>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoClose {
    pub rule: crate::model::id::RuleId,
    pub levels: Vec<String>,
    /// The closures barred: these outcomes, and any closure while whereabouts are one of
    /// `whereabouts`. Both empty: every closure.
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    #[serde(default)]
    pub whereabouts: Vec<Whereabouts>,
    #[serde(default)]
    pub except_outcomes: Vec<Outcome>,
}

impl NoClose {
    /// Whether a closure with this outcome, for a child whose whereabouts are these, is one
    /// the rule bars (at the levels it names).
    pub fn bars(&self, outcome: Outcome, whereabouts: Whereabouts) -> bool {
        if self.except_outcomes.contains(&outcome) {
            return false;
        }
        (self.outcomes.is_empty() && self.whereabouts.is_empty())
            || self.outcomes.contains(&outcome)
            || self.whereabouts.contains(&whereabouts)
    }
}

/// One level of the risk matrix.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RiskLevel {
    /// As the matrix writes it ("HI").
    pub id: String,
    /// In words ("High risk").
    #[serde(default)]
    pub label: Option<String>,
    /// What its colour says: high (red), medium (orange), low (green).
    pub tone: Tone,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    High,
    Medium,
    Low,
}

impl Tone {
    /// The tag colour of the site's design system.
    pub fn colour(self) -> &'static str {
        match self {
            Tone::High => "red",
            Tone::Medium => "orange",
            Tone::Low => "green",
        }
    }
}

impl RiskMatrix {
    /// The levels, most serious first.
    pub fn ordered(&self) -> Vec<RiskLevel> {
        if !self.levels.is_empty() {
            return self.levels.clone();
        }
        let mut ids: Vec<&str> = Vec::new();
        for row in self.matrix.iter().rev() {
            for cell in row.iter().rev() {
                if !ids.contains(&cell.as_str()) {
                    ids.push(cell);
                }
            }
        }
        let n = ids.len();
        ids.iter()
            .enumerate()
            .map(|(i, id)| RiskLevel {
                id: id.to_string(),
                label: None,
                tone: if i == 0 {
                    Tone::High
                } else if i + 1 == n {
                    Tone::Low
                } else {
                    Tone::Medium
                },
            })
            .collect()
    }

    /// A level's place, 0 for the most serious.
    pub fn rank(&self, id: &str) -> Option<usize> {
        self.ordered().iter().position(|l| l.id == id)
    }

    /// A level's tone.
    pub fn tone(&self, id: &str) -> Option<Tone> {
        self.ordered().into_iter().find(|l| l.id == id).map(|l| l.tone)
    }

    pub fn level(&self, cme: i64, safeguarding: i64) -> Option<&str> {
        let row = self.matrix.get(usize::try_from(cme.checked_sub(1)?).ok()?)?;
        row.get(usize::try_from(safeguarding.checked_sub(1)?).ok()?)
            .map(String::as_str)
    }
}

/// A school's joiner notification deadline (WOR-JOINER-5D).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Joiner {
    pub rule: crate::model::id::RuleId,
    /// Calendar days ("within five days"), or school days where the policy says so.
    #[serde(default)]
    pub within_days: Option<u32>,
    #[serde(default)]
    pub within_school_days: Option<u32>,
}

impl Joiner {
    pub fn period(&self) -> Option<crate::calendar::Period> {
        use crate::calendar::Period;
        match (self.within_days, self.within_school_days) {
            (Some(n), None) => Some(Period::Days(n)),
            (None, Some(n)) => Some(Period::SchoolDays(n)),
            _ => None,
        }
    }
}

/// An escalation the policy expects when a case stays unresolved (MAN-EARLY-HELP).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationExpected {
    pub rule: crate::model::id::RuleId,
    pub to: String,
    /// Expected while the child's whereabouts are one of these ...
    pub whereabouts: Vec<Whereabouts>,
    /// ... or once an action of one of these kinds is logged (MAN s3: "unable to engage the
    /// family": `non-engagement`).
    #[serde(default)]
    pub or_action_kinds: Vec<ActionKind>,
    /// Working days after assignment. The pack's own setting where the policy gives none.
    pub after_working_days: u32,
}

/// The child must be of compulsory school age when referred (COM-SCHOOL-AGE).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolAgeRule {
    pub rule: crate::model::id::RuleId,
}

impl Default for SchoolAgeRule {
    fn default() -> Self {
        SchoolAgeRule {
            rule: "COM-SCHOOL-AGE".into(),
        }
    }
}

impl Pack {
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn ground(&self, code: &str) -> Option<&Ground> {
        self.grounds.iter().find(|g| g.code == code)
    }

    pub fn vulnerability(&self, id: &str) -> Option<&Vulnerability> {
        self.vulnerabilities.iter().find(|v| v.id == id)
    }

    /// A role in the pack's words ("Lead officer (CME team manager)"), or its id.
    pub fn role_label(&self, role: &Role) -> String {
        self.roles
            .iter()
            .find(|r| &r.id == role)
            .map_or_else(|| role.as_str().to_string(), |r| r.label.clone())
    }

    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Every rule id the pack's settings name, with where it is named.
    fn named_rules(&self) -> Vec<(&str, &'static str)> {
        let mut out = vec![
            (self.registration.rule.as_str(), "[registration] rule"),
            (self.registration.absence_rule.as_str(), "[registration] absence_rule"),
            (self.review.rule.as_str(), "[review] rule"),
            (self.school_age.rule.as_str(), "[school_age] rule"),
        ];
        out.extend(
            self.registration
                .documents_rule
                .as_deref()
                .map(|r| (r, "[registration] documents_rule")),
        );
        out.extend(
            self.registration
                .notify_rule
                .as_deref()
                .map(|r| (r, "[registration] notify_rule")),
        );
        out.extend(self.pack.review_rule.as_deref().map(|r| (r, "[pack] review_rule")));
        out.extend(
            self.ground_conditions
                .iter()
                .map(|g| (g.rule.as_str(), "[[ground_condition]]")),
        );
        out.extend(
            self.closure_requirements
                .iter()
                .map(|g| (g.rule.as_str(), "[[closure_requirement]]")),
        );
        out.extend(
            self.closure_checks
                .iter()
                .map(|g| (g.rule.as_str(), "[[closure_checks]]")),
        );
        out.extend(
            self.closure_reviews
                .iter()
                .map(|g| (g.rule.as_str(), "[[closure_review]]")),
        );
        out.extend(
            self.escalations_expected
                .iter()
                .map(|g| (g.rule.as_str(), "[[escalation_expected]]")),
        );
        out.extend(self.joiner.iter().map(|j| (j.rule.as_str(), "[joiner]")));
        out.extend(self.deadlines.iter().map(|d| (d.rule.as_str(), "[[deadline]]")));
        out.extend(self.checklists.iter().map(|c| (c.rule.as_str(), "[[checklist]]")));
        for r in &self.reserved {
            out.push((r.rule.as_str(), "[[reserved]]"));
        }
        out.push((self.triage.rule.as_str(), "[triage]"));
        out.push((self.reports.rule.as_str(), "[reports]"));
        out.extend(
            self.queues
                .audit_rules
                .iter()
                .map(|r| (r.as_str(), "[queues] audit_rules")),
        );
        if let Some(r) = &self.risk {
            out.push((r.rule.as_str(), "[risk]"));
            out.extend(r.no_close.iter().map(|n| (n.rule.as_str(), "[risk.no_close]")));
        }
        out
    }

    /// Everything inconsistent inside the pack, given the anchors its text defines.
    /// Each entry is a sentence naming the setting at fault.
    pub fn problems(&self, anchors: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        let looked_after: Vec<&str> = self
            .vulnerabilities
            .iter()
            .filter(|v| v.ctf_looked_after)
            .map(|v| v.id.as_str())
            .collect();
        if looked_after.len() > 1 {
            out.push(format!(
                "more than one [[vulnerability]] says ctf_looked_after ({}): a transfer file's looked-after flag can be only one",
                looked_after.join(", ")
            ));
        }
        let roles: Vec<&Role> = self.roles.iter().map(|r| &r.id).collect();
        let named = self
            .reserved
            .iter()
            .flat_map(|r| r.roles.iter().map(move |x| (x, format!("[[reserved]] {}", r.rule))))
            .chain(
                self.deadlines
                    .iter()
                    .flat_map(|d| d.roles.iter().map(move |x| (x, format!("[[deadline]] {}", d.rule)))),
            )
            .chain(
                self.review
                    .sign_off_roles
                    .iter()
                    .map(|x| (x, "[review] sign_off_roles".to_string())),
            );
        for (role, place) in named {
            if !roles.is_empty() && !roles.contains(&role) {
                out.push(format!(
                    "{place} names the role \"{role}\", which [[role]] does not list"
                ));
            }
        }
        if self.reports.round_to == 0 {
            out.push("[reports] round_to is 0; figures for outside the team need a rounding base of 1 or more".into());
        }
        let mut ids = std::collections::HashSet::new();
        for r in &self.report_defs {
            if !ids.insert(r.id.as_str()) || r.id == "dfe" {
                out.push(format!(
                    "[[report]] \"{}\" is listed twice (\"dfe\" is the DfE return's own name)",
                    r.id
                ));
            }
            if r.audience == ReportAudience::Board {
                if !r.period.for_outside_the_team() {
                    out.push(format!(
                        "[[report]] \"{}\" is for the board but covers a {}: figures for outside the team are published by quarter, for a quarter or a year",
                        r.id, r.period
                    ));
                }
                for s in &r.sections {
                    if let Section::Figures { by: Some(k), .. } = s
                        && *k != crate::period::Kind::Quarter
                    {
                        out.push(format!(
                            "[[report]] \"{}\" is for the board but gives its figures by {k}: figures for outside the team are published by quarter",
                            r.id
                        ));
                    }
                }
                if r.sections.contains(&Section::Deadlines) {
                    out.push(format!(
                        "[[report]] \"{}\" is for the board but holds the deadlines kept: each deadline follows one case's dates (an assignment due within days of a referral republishes the referrals), and is counted as the records stand, not as they stood; keep it in a team report",
                        r.id
                    ));
                }
                if r.sections.contains(&Section::Dfe) {
                    out.push(format!(
                        "[[report]] \"{}\" is for the board but holds the DfE return: its census-day and year-to-date counts cut across the quarters the board's figures are published by (the DfE publishes the return itself, rounded); keep it in a team report",
                        r.id
                    ));
                }
                for s in r.sections.iter().filter(|s| s.is_personal()) {
                    out.push(format!(
                        "[[report]] \"{}\" is for the board but holds the section \"{}\", which describes single children: such a section is for team reports only",
                        r.id,
                        s.word()
                    ));
                }
            }
            if let Some(anchor) = r
                .policy_ref
                .as_deref()
                .and_then(|p| p.strip_prefix(&format!("{}#", self.pack.id)))
                && !anchors.iter().any(|a| a == anchor)
            {
                out.push(format!(
                    "[[report]] \"{}\"'s policy_ref names no heading or numbered paragraph of {}",
                    r.id, self.pack.text
                ));
            }
        }
        if let Some(d) = &self.dfe {
            out.extend(d.problems());
        }
        let mut seen = std::collections::HashSet::new();
        for r in &self.rules {
            if !seen.insert(r.id.as_str()) {
                out.push(format!("rule {} is listed twice in the catalogue", r.id));
            }
            match r.policy_ref.split_once('#') {
                Some((pack, anchor)) if pack == self.pack.id => {
                    if !anchors.iter().any(|a| a == anchor) {
                        out.push(format!(
                            "rule {}'s policy_ref \"{}\" names no heading or numbered paragraph of {}",
                            r.id, r.policy_ref, self.pack.text
                        ));
                    }
                }
                _ => out.push(format!(
                    "rule {}'s policy_ref \"{}\" must be \"{}#<anchor>\"",
                    r.id, r.policy_ref, self.pack.id
                )),
            }
        }
        for (rule, place) in self.named_rules() {
            if self.rule(rule).is_none() {
                out.push(format!(
                    "{place} names rule {rule}, which the catalogue ([[rule]]) does not list"
                ));
            }
        }
        for (what, text) in [("[pack] name", &self.pack.name), ("[pack] council", &self.pack.council)] {
            if text
                .chars()
                .any(|c| crate::source::is_control(c) || c == '\n' || c == '\r')
            {
                out.push(format!("{what} must be one line of text, with no control characters"));
            }
        }
        if let Some(risk) = &self.risk
            && !risk.levels.is_empty()
        {
            for cell in risk.matrix.iter().flatten() {
                if !risk.levels.iter().any(|l| &l.id == cell) {
                    out.push(format!(
                        "[risk] matrix uses level \"{cell}\", which [[risk.level]] does not list"
                    ));
                }
            }
        }
        if let Some(j) = &self.joiner
            && j.period().is_none()
        {
            out.push("[joiner] needs exactly one of within_days (calendar days) or within_school_days".into());
        }
        for required in ["COM-SCHEMA", "COM-DATES"] {
            if self.rule(required).is_none() {
                out.push(format!("the catalogue must list {required}: every pack enforces it"));
            }
        }
        let docs: Vec<&str> = self.documents.iter().map(|d| d.id.as_str()).collect();
        for g in &self.grounds {
            if g.regulations != 2006 && g.regulations != 2024 {
                out.push(format!(
                    "ground {} has regulations {}, not 2006 or 2024",
                    g.code, g.regulations
                ));
            }
            for d in &g.documents {
                if !docs.contains(&d.as_str()) {
                    out.push(format!(
                        "ground {} needs document \"{d}\", which [[document]] does not list",
                        g.code
                    ));
                }
            }
            if let Some(eq) = &g.equivalent
                && self.ground(eq).is_none()
            {
                out.push(format!(
                    "ground {}'s equivalent \"{eq}\" is not a listed ground",
                    g.code
                ));
            }
        }
        for c in &self.ground_conditions {
            for g in c.grounds.iter().chain([&c.otherwise]) {
                if self.ground(g).is_none() {
                    out.push(format!(
                        "[[ground_condition]] {} names ground \"{g}\", which is not listed",
                        c.rule
                    ));
                }
            }
        }
        for c in &self.closure_requirements {
            for f in &c.fields {
                if !<crate::model::Closure as crate::model::Record>::fields()
                    .iter()
                    .any(|x| x.name == f)
                {
                    out.push(format!(
                        "[[closure_requirement]] {} names \"{f}\", which is not a [closure] field",
                        c.rule
                    ));
                }
            }
        }
        for c in &self.closure_checks {
            for id in &c.checks {
                if self.check(id).is_none() {
                    out.push(format!(
                        "[[closure_checks]] {} names check \"{id}\", which [[check]] does not list",
                        c.rule
                    ));
                }
            }
        }
        for e in &self.escalations_expected {
            if !self.escalations.iter().any(|x| x.id == e.to) {
                out.push(format!(
                    "[[escalation_expected]] {} names \"{}\", which [[escalation]] does not list",
                    e.rule, e.to
                ));
            }
        }
        for step in &self.ladder {
            if !self.roles.iter().any(|r| r.id == step.role) {
                out.push(format!(
                    "[[ladder]] {} is taken by role \"{}\", which [[role]] does not list",
                    step.id,
                    step.role.as_str()
                ));
            }
            if let Some(r) = &step.due_rule
                && !self.deadlines.iter().any(|d| &d.rule == r)
            {
                out.push(format!(
                    "[[ladder]] {} is due by {r}, which is not a [[deadline]] of the pack",
                    step.id
                ));
            }
            if step.done_when.is_empty() {
                out.push(format!(
                    "[[ladder]] {} says nothing that shows it was taken (done_when)",
                    step.id
                ));
            }
            for e in &step.done_when {
                if let Some(to) = &e.to
                    && !self.escalations.iter().any(|x| &x.id == to)
                {
                    out.push(format!(
                        "[[ladder]] {} names escalation \"{to}\", which [[escalation]] does not list",
                        step.id
                    ));
                }
                if let Some(c) = &e.check
                    && self.check(c).is_none()
                {
                    out.push(format!(
                        "[[ladder]] {} names check \"{c}\", which [[check]] does not list",
                        step.id
                    ));
                }
            }
        }
        for d in &self.deadlines {
            let needs_period = !matches!(d.kind, DeadlineKind::SchoolAgeEnds | DeadlineKind::Reply);
            match d.period() {
                None if needs_period => out.push(format!(
                    "[[deadline]] {} must give exactly one of working_days, school_days, weeks, months",
                    d.rule
                )),
                Some(_) if !needs_period => out.push(format!(
                    "[[deadline]] {} is due when school age ends: give no period",
                    d.rule
                )),
                Some(p) if p.count() == 0 || p.count() > 2000 => {
                    out.push(format!("[[deadline]] {}'s period must be between 1 and 2000", d.rule))
                }
                _ => {}
            }
            let needs_kinds = matches!(d.kind, DeadlineKind::FirstAction | DeadlineKind::RecurringAction);
            if needs_kinds && d.action_kinds.is_empty() {
                out.push(format!(
                    "[[deadline]] {} needs action_kinds: the actions that meet it",
                    d.rule
                ));
            }
            if d.kind == DeadlineKind::Review && d.risk_levels.is_empty() {
                out.push(format!("[[deadline]] {} needs risk_levels", d.rule));
            }
        }
        for c in &self.checklists {
            for item in &c.items {
                for id in &item.checks {
                    if self.check(id).is_none() {
                        out.push(format!(
                            "[[checklist]] {} item \"{}\" names check \"{id}\", which [[check]] does not list",
                            c.rule, item.label
                        ));
                    }
                }
            }
        }
        if let Some(r) = &self.risk
            && (r.matrix.len() != 5 || r.matrix.iter().any(|row| row.len() != 5))
        {
            out.push("[risk] matrix must have 5 rows (CME score 1-5) of 5 levels (safeguarding 1-5)".into());
        }
        for (what, ids) in [
            (
                "vulnerability",
                self.vulnerabilities.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
            ),
            ("check", self.checks.iter().map(|v| v.id.as_str()).collect()),
            ("escalation", self.escalations.iter().map(|v| v.id.as_str()).collect()),
            ("document", docs.clone()),
            ("ground", self.grounds.iter().map(|g| g.code.as_str()).collect()),
        ] {
            for (i, id) in ids.iter().enumerate() {
                if ids[..i].contains(id) {
                    out.push(format!("{what} \"{id}\" is listed twice"));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod risk_level_tests {
    use super::*;

    #[test]
    fn levels_come_from_the_pack_whatever_their_names() {
        let m = RiskMatrix {
            rule: "X-RISK".into(),
            levels: Vec::new(),
            matrix: vec![
                vec!["None".into(), "Minor".into()],
                vec!["Minor".into(), "Moderate".into()],
                vec!["Moderate".into(), "Severe".into()],
            ],
            meaning: Default::default(),
            no_close: None,
        };
        let ids: Vec<String> = m.ordered().into_iter().map(|l| l.id).collect();
        assert_eq!(
            ids,
            ["Severe", "Moderate", "Minor", "None"],
            "from the most serious corner down"
        );
        assert_eq!(m.tone("Severe"), Some(Tone::High));
        assert_eq!(m.tone("Minor"), Some(Tone::Medium));
        assert_eq!(m.tone("None"), Some(Tone::Low));
        assert_eq!(m.rank("Moderate"), Some(1));
        assert_eq!(m.tone("HI"), None, "no level is assumed");
        let declared = RiskMatrix {
            levels: vec![RiskLevel {
                id: "Red".into(),
                label: Some("Red: act now".into()),
                tone: Tone::High,
            }],
            ..m
        };
        assert_eq!(declared.ordered()[0].label.as_deref(), Some("Red: act now"));
    }
}
