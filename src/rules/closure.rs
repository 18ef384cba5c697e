//! What a closure needs: fields per outcome (COM-CLOSE, MAN-CLOSE-OTHER-LA,
//! MAN-CLOSE-UNTRACEABLE), checks logged first (MAN-CHECKS), a signed-off review
//! (WOR-MM-REVIEW), and no closure at a forbidden risk level (WOR-HI-NO-CLOSE).

use super::CaseCheck;
use crate::model::{Closure, Vocabulary};
use crate::pack::Severity;

pub fn check(c: &mut CaseCheck<'_>) {
    let Some(cl) = &c.case.closure else { return };
    requirements(c, cl);
    checks(c, cl);
    review(c, cl);
    no_close(c, cl);
}

fn requirements(c: &mut CaseCheck<'_>, cl: &Closure) {
    for req in &c.policy.pack.closure_requirements {
        if req.outcome != cl.outcome || !c.on(&req.rule) {
            continue;
        }
        let missing: Vec<&str> = req
            .fields
            .iter()
            .filter(|f| cl.has_field(f) == Some(false))
            .map(String::as_str)
            .collect();
        if req.on_or_before_closure {
            for f in &req.fields {
                if let Some(d) = cl.date_field(f)
                    && d > cl.date
                {
                    c.error(
                        &req.rule,
                        &format!("closure.{f}"),
                        format!(
                            "`{f}` is dated {d}, after the closure on {}: closing as {} comes after this step ({})",
                            cl.date, cl.outcome, req.why
                        ),
                    )
                    .with_hint(format!(
                        "take this step before the case is closed, and date the closure on or after {d}"
                    ));
                }
            }
        }
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
    for rule in &c.policy.pack.closure_checks {
        if rule.outcome != cl.outcome || !c.on(&rule.rule) {
            continue;
        }
        // Before the reading took effect: said, not refused (a closed record is never edited).
        // A closure being recorded now is held to the reading in force now, whatever date it
        // gives (dating it back does not exempt it).
        let severity = match rule.applies_from {
            Some(from) if cl.date < from && !c.recording => Severity::Warning,
            _ => Severity::Error,
        };
        let before = |d: chrono::NaiveDate| d <= cl.date;
        let mut missing: Vec<String> = Vec::new();
        let mut ids: Vec<&str> = Vec::new();
        for id in &rule.checks {
            let done = c.case.actions.iter().any(|a| {
                rule.action_kinds.contains(&a.kind) && a.check.as_deref() == Some(id.as_str()) && before(a.date)
            });
            if !done {
                missing.push(c.policy.pack.check(id).map_or(id.clone(), |ch| ch.label.clone()));
                ids.push(id);
            }
        }
        if let Some(list) = rule
            .checklist
            .as_deref()
            .and_then(|id| c.policy.pack.checklists.iter().find(|l| l.rule == id))
        {
            for item in list.items.iter().filter(|i| i.closure_outcomes.is_empty()) {
                let done = c.case.actions.iter().any(|a| {
                    before(a.date)
                        && (item.action_kinds.contains(&a.kind)
                            || (a.kind.takes_check() && a.check.as_ref().is_some_and(|ch| item.checks.contains(ch))))
                });
                if !done {
                    missing.push(match &item.group {
                        Some(g) => format!("{} ({g})", item.label),
                        None => item.label.clone(),
                    });
                    ids.extend(item.checks.iter().map(String::as_str));
                }
            }
        }
        let mut contacts_missing: Vec<&str> = Vec::new();
        let mut contact_kinds: Vec<&str> = Vec::new();
        for g in &rule.contacts {
            if !c
                .case
                .actions
                .iter()
                .any(|a| g.action_kinds.contains(&a.kind) && before(a.date))
            {
                contacts_missing.push(&g.label);
                contact_kinds.extend(g.action_kinds.iter().map(|k| k.as_str()));
            }
        }
        let when = if severity == Severity::Warning {
            format!(
                " (the case was closed before this was required, on {}: the closure stands, and is shown for review)",
                rule.applies_from.map(|d| d.to_string()).unwrap_or_default()
            )
        } else {
            String::new()
        };
        if !missing.is_empty() {
            let kinds: Vec<&str> = rule.action_kinds.iter().map(|k| k.as_str()).collect();
            let kinds = if kinds.is_empty() {
                "database-check".to_string()
            } else {
                kinds.join(" or ")
            };
            let f = c.push_at(
                &rule.rule,
                severity,
                "closure.outcome",
                format!(
                    "closing as {} needs every check logged first; not logged: {}{when}",
                    cl.outcome,
                    missing.join("; ")
                ),
            );
            if !ids.is_empty() {
                f.with_hint(format!(
                    "log each as an [[action]] of kind {kinds} with `check` = one of: {}",
                    ids.join(", ")
                ));
            } else {
                f.with_hint("log each as an [[action]] dated on or before the closure");
            }
        }
        if !contacts_missing.is_empty() {
            c.push_at(
                &rule.rule,
                severity,
                "closure.outcome",
                format!(
                    "closing as {} needs the minimum contact enquiries first; not logged: {}{when}",
                    cl.outcome,
                    contacts_missing.join("; ")
                ),
            )
            .with_hint(format!(
                "log each as an [[action]] (kind {}) dated on or before the closure; a visit that was not safe is logged as visit-not-safe, saying why in the note",
                contact_kinds.join(", ")
            ));
        }
    }
}

fn review(c: &mut CaseCheck<'_>, cl: &Closure) {
    for rule in &c.policy.pack.closure_reviews {
        if !rule.applies(cl.outcome, c.case.child.whereabouts) || !c.on(&rule.rule) {
            continue;
        }
        let roles = &c.policy.pack.review.sign_off_roles;
        // The decision that stands is the latest review's on or before the closure: a later
        // "remain open" overrides an earlier "close".
        let latest = c
            .case
            .reviews
            .iter()
            .filter(|r| r.date <= cl.date)
            .max_by_key(|r| r.date);
        let good = latest.is_some_and(|r| {
            r.cme_score.is_some()
                && r.safeguarding_score.is_some()
                && r.signed_off_by
                    .as_deref()
                    .and_then(|who| c.policy.config.officer(who))
                    .is_some_and(|o| roles.contains(&o.role_on(r.date)))
                && rule.decision.is_none_or(|d| r.decision == Some(d))
        });
        if !good {
            let decision = rule.decision.map(|d| format!(", decision \"{d}\"")).unwrap_or_default();
            let why = if rule.outcome == Some(cl.outcome) {
                format!("closing as {}", cl.outcome)
            } else {
                format!("closing while whereabouts are {}", c.case.child.whereabouts)
            };
            c.error(&rule.rule, "closure.outcome", format!(
                "{why} needs a whereabouts-unknown review with both scores{decision} and a senior officer's sign-off: the latest review on or before the closure"
            ))
            .with_hint("add a [[review]] with cme_score, safeguarding_score, decision and signed_off_by (cme review), dated on or before the closure; if the child has been found, record where in [child] whereabouts first");
        }
    }
}

fn no_close(c: &mut CaseCheck<'_>, cl: &Closure) {
    let Some(risk) = &c.policy.pack.risk else { return };
    let Some(rule) = &risk.no_close else { return };
    if !c.on(&rule.rule) || !rule.bars(cl.outcome, c.case.child.whereabouts) {
        return;
    }
    if let Some(rating) = crate::risk::rating(c.policy.pack, c.case)
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
                "the latest review ({}) rates this case {}{meaning}: it must not be closed as {} while {}",
                rating.date,
                rating.level,
                cl.outcome,
                if cl.outcome == crate::model::Outcome::Untraceable {
                    "the child cannot be found".to_string()
                } else {
                    format!("whereabouts are {}", c.case.child.whereabouts)
                }
            ),
        )
        .with_hint("keep the case open with checks continuing, and review it again; a child who is found is closed as that (on-roll, home-educated, confirmed-other-la), once [child] whereabouts says where they are");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, manchester_case};

    const CHECKS: &[&str] = &[
        "revenue-benefits",
        "border-force",
        "other-la-cme",
        "key-to-success",
        "social-media",
        "social-care-housing",
        "lost-pupils-database",
    ];

    fn untraceable(contacts: &[&str], closed_on: &str) -> String {
        let mut rest = String::new();
        for k in contacts {
            rest.push_str(&format!(
                "\n[[action]]\ndate = 2026-06-05\nkind = \"{k}\"\nby = \"ofc\"\nnote = \"Why.\"\n"
            ));
        }
        for c in CHECKS {
            rest.push_str(&format!(
                "\n[[action]]\ndate = 2026-06-10\nkind = \"database-check\"\nby = \"ofc\"\ncheck = \"{c}\"\n"
            ));
        }
        rest.push_str(&format!(
            "\n[closure]\ndate = {closed_on}\noutcome = \"untraceable\"\nlost_pupils_uploaded = {closed_on}\nmash_referral = {closed_on}\n"
        ));
        manchester_case(&rest)
            .replace("status = \"open\"", "status = \"closed\"")
            .replace("received = 2026-09-01", "received = 2026-06-01")
            .replace("assigned_on = 2026-09-01", "assigned_on = 2026-06-01")
    }

    fn checks(found: &[(String, String)]) -> Vec<&str> {
        found
            .iter()
            .filter(|(r, _)| r == "MAN-CHECKS")
            .map(|(_, s)| s.as_str())
            .collect()
    }

    #[test]
    fn an_untraceable_closure_needs_the_minimum_contacts() {
        let all = untraceable(&["home-visit", "letter", "phone"], "2026-10-01");
        assert!(checks(&check("manchester", &all)).is_empty());
        let not_safe = untraceable(&["visit-not-safe", "letter", "phone"], "2026-10-01");
        assert!(
            checks(&check("manchester", &not_safe)).is_empty(),
            "a visit not safe, said why"
        );
        let one = untraceable(&["home-visit"], "2026-10-01");
        assert_eq!(checks(&check("manchester", &one)), ["error"]);
        // Closed before the reading took effect: said, not refused.
        let old = untraceable(&["home-visit"], "2026-08-20");
        assert_eq!(checks(&check("manchester", &old)), ["warning"]);
    }
}
