//! Steps the pack reserves to some roles (COM-ROLE): Manchester's audits are the CME team
//! manager's; Worcestershire's App F decision is the senior officer's. Each officer's role
//! is in `cme.toml`; a step by an officer without one of the roles is an error naming them.

use super::{CaseCheck, at};

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
        let holders: Vec<&str> = c
            .policy
            .config
            .officers
            .iter()
            .filter(|o| o.active && allowed.iter().any(|a| *a == o.role.as_str()))
            .map(|o| o.id.as_str())
            .collect();
        let who_may = if holders.is_empty() {
            String::from(" (no officer in cme.toml holds one)")
        } else {
            format!(" (in cme.toml: {})", holders.join(", "))
        };
        for (path, who, role) in wrong {
            let hint = format!(
                "have an officer with one of the roles {}{who_may} do it; if {who} held one of them then, record it in cme.toml ([[officer.previous_role]] role = ..., until = ...)",
                allowed.join(", ")
            );
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
            .with_hint(hint);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, manchester_case};

    /// A rule family tested on a plain value: no repository, no files, no git.
    #[test]
    fn only_the_roles_the_pack_names_may_audit() {
        for (by, expect) in [("ofc", 1), ("lead", 0)] {
            let text = manchester_case(&format!(
                "\n[[action]]\ndate = 2026-10-20\nkind = \"audit\"\nby = \"{by}\"\n"
            ));
            let found = check("manchester", &text);
            assert_eq!(
                found.iter().filter(|(r, _)| r == "COM-ROLE").count(),
                expect,
                "{by}: {found:?}"
            );
        }
    }
}
