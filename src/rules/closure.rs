//! What a closure needs: fields per outcome (COM-CLOSE, MAN-CLOSE-OTHER-LA,
//! MAN-CLOSE-UNTRACEABLE), checks logged first (MAN-CHECKS), a signed-off review
//! (WOR-MM-REVIEW), and no closure at a forbidden risk level (WOR-HI-NO-CLOSE).

use super::CaseCheck;
use crate::model::{Closure, Vocabulary};

pub fn check(c: &mut CaseCheck<'_>) {
    let Some(cl) = &c.case.closure else { return };
    requirements(c, cl);
    checks(c, cl);
    review(c, cl);
    no_close(c, cl);
}

fn requirements(c: &mut CaseCheck<'_>, cl: &Closure) {
    for req in &c.repo.pack.closure_requirements {
        if req.outcome != cl.outcome || !c.on(&req.rule) {
            continue;
        }
        let missing: Vec<&str> = req
            .fields
            .iter()
            .filter(|f| cl.has_field(f) == Some(false))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            c.error(
                &req.rule,
                "closure.outcome",
                format!("closing as {} needs {list}: {}", cl.outcome, req.why),
            )
            .with_hint(format!(
                "add {} to [closure]",
                missing
                    .iter()
                    .map(|m| format!("{m} = ..."))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
}

fn checks(c: &mut CaseCheck<'_>, cl: &Closure) {
    for rule in &c.repo.pack.closure_checks {
        if rule.outcome != cl.outcome || !c.on(&rule.rule) {
            continue;
        }
        let done = |id: &str| {
            c.case
                .actions
                .iter()
                .any(|a| rule.action_kinds.contains(&a.kind) && a.check.as_deref() == Some(id) && a.date <= cl.date)
        };
        let missing: Vec<&str> = rule.checks.iter().filter(|id| !done(id)).map(String::as_str).collect();
        if !missing.is_empty() {
            let labels: Vec<&str> = missing
                .iter()
                .map(|id| c.repo.pack.check(id).map_or(*id, |ch| ch.label.as_str()))
                .collect();
            let kinds: Vec<&str> = rule.action_kinds.iter().map(|k| k.as_str()).collect();
            c.error(
                &rule.rule,
                "closure.outcome",
                format!(
                    "closing as {} needs every check logged first; not logged: {}",
                    cl.outcome,
                    labels.join("; ")
                ),
            )
            .with_hint(format!(
                "log each as an [[action]] of kind {} with `check` = one of: {}",
                kinds.join(" or "),
                missing.join(", ")
            ));
        }
    }
}

fn review(c: &mut CaseCheck<'_>, cl: &Closure) {
    for rule in &c.repo.pack.closure_reviews {
        if rule.outcome != cl.outcome || !c.on(&rule.rule) {
            continue;
        }
        let roles = &c.repo.pack.review.sign_off_roles;
        let good = c.case.reviews.iter().any(|r| {
            r.date <= cl.date
                && r.cme_score.is_some()
                && r.safeguarding_score.is_some()
                && r.signed_off_by
                    .as_deref()
                    .and_then(|who| c.repo.config.officer(who))
                    .is_some_and(|o| roles.contains(&o.role))
                && rule.decision.is_none_or(|d| r.decision == Some(d))
        });
        if !good {
            let decision = rule.decision.map(|d| format!(", decision \"{d}\"")).unwrap_or_default();
            c.error(&rule.rule, "closure.outcome", format!(
                "closing as {} needs a whereabouts-unknown review with both scores{decision} and a senior officer's sign-off, dated on or before the closure",
                cl.outcome
            ))
            .with_hint("add a [[review]] with cme_score, safeguarding_score, decision and signed_off_by");
        }
    }
}

fn no_close(c: &mut CaseCheck<'_>, cl: &Closure) {
    let Some(risk) = &c.repo.pack.risk else { return };
    let Some(rule) = &risk.no_close else { return };
    if !c.on(&rule.rule) || rule.except_outcomes.contains(&cl.outcome) {
        return;
    }
    if let Some(rating) = crate::risk::rating(&c.repo.pack, c.case)
        && rating.date <= cl.date
        && rule.levels.iter().any(|l| l == rating.level)
    {
        let meaning = risk
            .meaning
            .get(rating.level)
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        c.error(
            &rule.rule,
            "closure.outcome",
            format!(
                "the latest review ({}) rates this case {}{meaning}: it must not be closed as {}",
                rating.date, rating.level, cl.outcome
            ),
        )
        .with_hint("keep the case open with checks continuing, and review it again; only beyond-school-age closes it");
    }
}
