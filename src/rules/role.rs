//! Steps the pack reserves to some roles (COM-ROLE): Manchester's audits are the CME team
//! manager's; Worcestershire's App F decision is the senior officer's. Each officer's role
//! is in `cme.toml`; a step by an officer without one of the roles is an error naming them.

use super::{CaseCheck, at};
use crate::model::Vocabulary;

pub fn check(c: &mut CaseCheck<'_>) {
    for step in &c.policy.pack.reserved {
        if !c.on(&step.rule) {
            continue;
        }
        let allowed: Vec<&str> = step.roles.iter().map(|r| r.as_str()).collect();
        let mut wrong: Vec<(String, String, String)> = Vec::new();
        for (i, a) in c.case.actions.iter().enumerate() {
            if step.action_kinds.contains(&a.kind)
                && let Some(o) = c.policy.config.officer(&a.by)
                && !step.roles.contains(&o.role_on(a.date))
            {
                wrong.push((
                    at("action", i, "by"),
                    a.by.clone(),
                    o.role_on(a.date).as_str().to_string(),
                ));
            }
        }
        // A sign-off COM-REVIEW already refuses (not a reviewer's role at all) is not
        // reported twice.
        let review_roles = &c.policy.pack.review.sign_off_roles;
        let reviews_checked = c.on(&c.policy.pack.review.rule);
        for (i, r) in c.case.reviews.iter().enumerate() {
            if r.decision.is_some_and(|d| step.review_decisions.contains(&d))
                && let Some(who) = &r.signed_off_by
                && let Some(o) = c.policy.config.officer(who)
                && !step.roles.contains(&o.role_on(r.date))
                && (!reviews_checked || review_roles.contains(&o.role_on(r.date)))
            {
                wrong.push((
                    at("review", i, "signed_off_by"),
                    who.clone(),
                    o.role.as_str().to_string(),
                ));
            }
        }
        for (path, who, role) in wrong {
            c.error(
                &step.rule,
                &path,
                format!(
                    "{} is reserved to the roles {} ({}); {who}'s role is {role}",
                    step.step,
                    allowed.join(", "),
                    step.source
                ),
            )
            .with_hint(format!(
                "have an officer with one of the roles {} do it; if {who} held one of them then, record it in cme.toml ([[officer.previous_role]] role = ..., until = ...)",
                allowed.join(", ")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
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
            .unwrap()
    }

    /// A rule family tested on a plain value: no repository, no files, no git.
    #[test]
    fn only_the_roles_the_pack_names_may_audit() {
        let pack: Pack = toml::from_str(built_in("policy/manchester/policy.toml")).unwrap();
        let calendar = Calendar::from_texts(
            "bank-holidays.json",
            built_in("policy/calendar/bank-holidays.json"),
            "terms.toml",
            Some(built_in("policy/calendar/terms.toml")),
        )
        .unwrap();
        let config: Config = toml::from_str(
            "[authority]\nname = \"Test\"\ncode = \"TST\"\npolicy = \"manchester\"\n\n[[officer]]\nid = \"ofc\"\nname = \"O\"\nrole = \"cme-officer\"\n\n[[officer]]\nid = \"lead\"\nname = \"L\"\nrole = \"lead-officer\"\n",
        )
        .unwrap();
        let policy = Policy {
            config: &config,
            pack: &pack,
            calendar: &calendar,
        };
        let case = |by: &str| {
            format!(
                "format = 1\nid = \"TST-2026-0001\"\nstatus = \"open\"\n\n[child]\ngiven_name = \"A\"\nfamily_name = \"B\"\ndate_of_birth = 2014-05-14\nwhereabouts = \"known-in-area\"\n\n[referral]\nreceived = 2026-09-01\nsource = \"school\"\nreason = \"other\"\nassigned_to = \"ofc\"\nassigned_on = 2026-09-01\n\n[[action]]\ndate = 2026-10-20\nkind = \"audit\"\nby = \"{by}\"\n"
            )
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for (by, expect) in [("ofc", 1), ("lead", 0)] {
            let text = case(by);
            let (decoded, spans, problems) = decode_case(&text);
            assert!(problems.is_empty());
            let found = crate::rules::check_case(policy, today, "TST-2026-0001", &decoded.unwrap(), &spans);
            let roles: Vec<&crate::diagnostic::Finding> = found.iter().filter(|f| f.rule == "COM-ROLE").collect();
            assert_eq!(roles.len(), expect, "{by}: {found:?}");
        }
    }
}
