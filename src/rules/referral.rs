//! COM-SCHOOL-AGE (the child must be of compulsory school age when referred) and the
//! validation half of COM-SOCIAL-CARE (an open social-care case names its social worker).

use super::CaseCheck;
use crate::model::Outcome;
use crate::school_age;

const SOCIAL_CARE: &str = "COM-SOCIAL-CARE";

pub fn check(c: &mut CaseCheck<'_>) {
    let rule = c.policy.pack.school_age.rule.clone();
    let case = c.case;
    let dob = case.child.date_of_birth;
    let received = case.referral.received;
    let closed_not_cme = case.closure.as_ref().is_some_and(|cl| cl.outcome == Outcome::NotCme);
    if c.on(&rule) && !closed_not_cme && !school_age::is_of_school_age(dob, received) {
        let (starts, ends) = (school_age::starts(dob), school_age::ends(dob));
        let why = if received < starts {
            format!("compulsory school age starts on {starts}")
        } else {
            format!("compulsory school age ended on {ends}")
        };
        let needs: String = c
            .policy
            .pack
            .closure_requirements
            .iter()
            .filter(|r| r.outcome == Outcome::NotCme)
            .flat_map(|r| &r.fields)
            .map(|f| format!(" --{} \"...\"", f.replace('_', "-")))
            .collect();
        let hint = format!(
            "check the date of birth; if it is right, close the case as not CME: cme close {} --outcome not-cme{needs}",
            case.id
        );
        c.warn(
            &rule,
            "referral.received",
            format!("the child was not of compulsory school age when referred on {received} ({why}): not CME"),
        )
        .with_hint(hint);
    }
    if c.on(SOCIAL_CARE)
        && let Some(sc) = &case.social_care
        && sc.open
        && sc.social_worker.as_deref().is_none_or(|s| s.trim().is_empty())
    {
        c.error(
            SOCIAL_CARE,
            "social_care.open",
            "the child is open to social care but no social worker is named".into(),
        )
        .with_hint("add `social_worker = \"...\"` to [social_care]: the CME officer must contact them");
    }
}
