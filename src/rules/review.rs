//! COM-REVIEW: a review is signed off by an officer whose role may sign reviews off.

use super::{CaseCheck, at};

pub fn check(c: &mut CaseCheck<'_>) {
    let policy = &c.policy.pack.review;
    if !c.on(&policy.rule) {
        return;
    }
    let roles = &policy.sign_off_roles;
    for (i, r) in c.case.reviews.iter().enumerate() {
        let Some(who) = &r.signed_off_by else { continue };
        let Some(officer) = c.policy.config.officer(who) else {
            continue; // COM-SCHEMA reports unknown officers
        };
        let role = officer.role_on(r.date);
        if !roles.contains(&role) {
            let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            c.error(
                &policy.rule,
                &at("review", i, "signed_off_by"),
                format!(
                    "review {} is signed off by {who}, whose role then was {}; reviews are signed off by a {}",
                    i + 1,
                    role,
                    allowed.join(" or ")
                ),
            )
            .with_hint("the senior officer who made the decision signs it off");
        }
    }
}
