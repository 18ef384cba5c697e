//! The validation rules (kinds E and W of the catalogue). Each family of rules has its own
//! file; each rule is named by its catalogue id. Rules read the case, the repository's
//! configuration and pack; they never print. A rule the pack's catalogue does not list
//! does not run, so a council can switch a rule off by leaving it out.

mod closure;
mod dates;
mod escalation;
mod referral;
mod registration;
mod review;
mod role;
mod schema;

use crate::diagnostic::Finding;
use crate::load::Policy;
use crate::model::{Case, Spans};
use crate::pack::Severity;
use chrono::NaiveDate;

/// The checks of one case: what they read, and what they found.
pub struct CaseCheck<'a> {
    /// The authority, its pack and calendar: nothing else of the repository.
    pub policy: Policy<'a>,
    pub today: NaiveDate,
    pub case: &'a Case,
    pub spans: &'a Spans,
    /// The file name without `.toml`.
    pub stem: &'a str,
    /// Checked as it is being written by an editing command (`cme close`), not as found on
    /// disk: what it records now meets the readings in force now, whatever date it gives.
    pub recording: bool,
    pub found: Vec<Finding>,
}

impl<'a> CaseCheck<'a> {
    /// Whether the pack enforces a rule.
    pub fn on(&self, rule: &str) -> bool {
        self.policy.pack.rule(rule).is_some()
    }

    fn push(&mut self, rule: &str, severity: Severity, path: &str, message: String) -> &mut Finding {
        let span = self.spans.get(path);
        self.found.push(Finding::new(rule, severity, span, message));
        self.found.last_mut().expect("just pushed")
    }

    /// An error at the value written at `path` (or the nearest table written).
    pub fn error(&mut self, rule: &str, path: &str, message: String) -> &mut Finding {
        self.push(rule, Severity::Error, path, message)
    }

    pub fn warn(&mut self, rule: &str, path: &str, message: String) -> &mut Finding {
        self.push(rule, Severity::Warning, path, message)
    }

    /// A finding of the given severity at `path`.
    pub fn push_at(&mut self, rule: &str, severity: Severity, path: &str, message: String) -> &mut Finding {
        self.push(rule, severity, path, message)
    }

    /// Whether `id` is an officer in `cme.toml`.
    pub fn is_officer(&self, id: &str) -> bool {
        self.policy.config.officer(id).is_some()
    }
}

impl Finding {
    /// Adds a hint in place (for findings pushed by [`CaseCheck`]).
    pub fn with_hint(&mut self, hint: impl Into<String>) {
        self.hint = Some(hint.into());
    }
}

/// What stopped files being read or decoded, as COM-SCHEMA findings.
pub fn read_problems(problems: &[crate::load::ReadProblem]) -> Vec<Finding> {
    problems
        .iter()
        .map(|p| {
            let mut f = Finding::new(schema::SCHEMA, Severity::Error, p.span.clone(), p.message.clone());
            f.hint = p.hint.clone();
            f.cites_policy = p.cites_policy;
            f
        })
        .collect()
}

/// Everything wrong with one case file: what stopped it being read, and the rules' findings
/// when it decoded; when it did not, the officers and pack ids it names are still checked,
/// so every problem of the file is reported in one run.
pub fn check_file(policy: Policy<'_>, today: NaiveDate, file: &crate::load::CaseFile, recording: bool) -> Vec<Finding> {
    let mut found = read_problems(&file.problems);
    match (&file.case, &file.partial) {
        (Some(case), _) => found.extend(check_case_as(policy, today, file.stem(), case, &file.spans, recording)),
        // Read in part: the rules run on what was read (a value that could not be read is
        // reported above, not again by a rule that misses it).
        (None, Some(case)) => {
            let broken: Vec<std::ops::Range<usize>> = file.problems.iter().filter_map(|p| p.span.clone()).collect();
            found.extend(
                check_case_as(policy, today, file.stem(), case, &file.spans, recording)
                    .into_iter()
                    .filter(|f| {
                        f.span
                            .as_ref()
                            .is_none_or(|s| !broken.iter().any(|b| b.start <= s.start && s.end <= b.end))
                    }),
            );
        }
        (None, None) => found.extend(schema::references(policy, &file.references)),
    }
    found
}

/// Runs every rule the pack enforces on one decoded case.
pub fn check_case(policy: Policy<'_>, today: NaiveDate, stem: &str, case: &Case, spans: &Spans) -> Vec<Finding> {
    check_case_as(policy, today, stem, case, spans, false)
}

/// [`check_case`], saying whether the record is being written now (`recording`).
pub fn check_case_as(
    policy: Policy<'_>,
    today: NaiveDate,
    stem: &str,
    case: &Case,
    spans: &Spans,
    recording: bool,
) -> Vec<Finding> {
    let mut c = CaseCheck {
        policy,
        today,
        case,
        spans,
        stem,
        recording,
        found: Vec::new(),
    };
    schema::check(&mut c);
    dates::check(&mut c);
    referral::check(&mut c);
    review::check(&mut c);
    role::check(&mut c);
    escalation::check(&mut c);
    registration::check(&mut c);
    closure::check(&mut c);
    c.found
}

/// Rules about the pack itself, reported once per run against `policy.toml`
/// (WOR-POLICY-REVIEW: the policy text is past its review date).
pub fn check_pack(repo: &crate::load::Repo, today: NaiveDate) -> Vec<Finding> {
    let info = &repo.pack.pack;
    let mut out = Vec::new();
    if let (Some(rule), Some(due)) = (&info.review_rule, info.review_due)
        && today > due
        && repo.config.authority.policy_checked.is_none_or(|d| d < due)
    {
        let text = &repo.pack_source.text;
        let span = text.find("review_due").map(|s| s..s + "review_due".len());
        out.push(
            Finding::new(
                rule,
                Severity::Warning,
                span,
                format!(
                    "the {} was due for review on {due}; it is past its review date",
                    info.name
                ),
            )
            .hint("check the council's current policy and update the pack (and review_due) to match; once checked, say so in cme.toml: [authority] policy_checked = YYYY-MM-DD")
            .brief(),
        );
    }
    out
}

/// The path of the `i`th (0-based) action, review or reopening, as spans name it.
pub(crate) fn at(table: &str, i: usize, key: &str) -> String {
    format!("{}.{key}", crate::model::item(table, i))
}

/// COM-CALENDAR: the calendar could not answer exactly.
pub(crate) const CALENDAR: &str = "COM-CALENDAR";

impl CaseCheck<'_> {
    /// Reports a date the bank holidays do not cover: never a silently wrong date.
    pub(crate) fn not_covered(&mut self, path: &str, e: &crate::calendar::NotCovered) {
        self.error(CALENDAR, path, format!("cannot count working days here: {e}"));
    }

    /// Says that school days were counted as working days where the terms ran out.
    pub(crate) fn fell_back(&mut self, path: &str, what: &str) {
        let file = self.policy.calendar.terms_file.clone();
        self.warn(
            CALENDAR,
            path,
            format!("{what} was counted in working days: the term dates in {file} do not cover the period"),
        )
        .with_hint(format!("add the school terms for these dates to {file}"));
    }
}

/// What the rule families' unit tests share: a built-in pack and calendar, a small team, and
/// a check of one record's text, all as plain values.
#[cfg(test)]
pub(crate) mod testing {
    use crate::calendar::Calendar;
    use crate::config::Config;
    use crate::load::Policy;
    use crate::model::decode_case;
    use crate::pack::Pack;

    fn built_in(path: &str) -> &'static str {
        crate::packs::FILES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| *t)
            .expect("a built-in file")
    }

    /// (rule, severity) of each finding of `text` under the built-in `pack`, as of 22 November 2026.
    pub fn check(pack: &str, text: &str) -> Vec<(String, String)> {
        let pack: Pack = toml::from_str(built_in(&format!("policy/{pack}/policy.toml"))).expect("the pack");
        let calendar = Calendar::from_texts(
            "bank-holidays.json",
            built_in("policy/calendar/bank-holidays.json"),
            "terms.toml",
            Some(built_in("policy/calendar/terms.toml")),
        )
        .expect("the calendar");
        let config: Config = toml::from_str(
            "[authority]\nname = \"Test\"\ncode = \"TST\"\npolicy = \"manchester\"\n\n[[officer]]\nid = \"ofc\"\nname = \"O\"\nrole = \"cme-officer\"\n\n[[officer]]\nid = \"lead\"\nname = \"L\"\nrole = \"lead-officer\"\n\n[[officer]]\nid = \"sen\"\nname = \"S\"\nrole = \"senior-officer\"\n",
        )
        .expect("the team");
        let policy = Policy {
            config: &config,
            pack: &pack,
            calendar: &calendar,
        };
        let (case, spans, problems) = decode_case(text);
        assert!(problems.is_empty(), "{problems:?}");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("a day");
        super::check_case(policy, today, "TST-2026-0001", &case.expect("decoded"), &spans)
            .into_iter()
            .map(|f| (f.rule.to_string(), f.severity.as_str().to_string()))
            .collect()
    }

    /// An open case referred on 1 September, assigned to `ofc`, with `rest` appended.
    pub fn manchester_case(rest: &str) -> String {
        format!(
            "format = 1\nid = \"TST-2026-0001\"\nstatus = \"open\"\n\n[child]\ngiven_name = \"A\"\nfamily_name = \"B\"\ndate_of_birth = 2014-05-14\nwhereabouts = \"known-in-area\"\n\n[referral]\nreceived = 2026-09-01\nsource = \"school\"\nreason = \"other\"\nassigned_to = \"ofc\"\nassigned_on = 2026-09-01\n{rest}"
        )
    }
}
