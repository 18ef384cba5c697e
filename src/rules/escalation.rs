//! Escalations the policy expects when a case stays unresolved (MAN-EARLY-HELP: whereabouts
//! still unknown, or the family will not engage, 20 working days after assignment, and no
//! referral to the Early Help Hub).

use super::CaseCheck;
use crate::model::ActionKind;

pub fn check(c: &mut CaseCheck<'_>) {
    let case = c.case;
    if !case.is_open() {
        return;
    }
    let Some(assigned) = case.referral.assigned_on else {
        return;
    };
    let start = assigned.max(case.episode_start());
    for e in &c.policy.pack.escalations_expected {
        let unknown = e.whereabouts.contains(&case.child.whereabouts);
        let not_engaging = (0..case.actions.len())
            .find(|i| e.or_action_kinds.contains(&case.actions[*i].kind) && case.actions[*i].date >= start);
        if !c.on(&e.rule) || (!unknown && not_engaging.is_none()) {
            continue;
        }
        let escalated = case
            .actions
            .iter()
            .any(|a| a.kind == ActionKind::Escalation && a.to.as_deref() == Some(&e.to) && a.date >= start);
        if escalated {
            continue;
        }
        // Counted from the assignment, or from when the family was recorded as not engaging.
        let from = match (unknown, not_engaging) {
            (false, Some(i)) => start.max(case.actions[i].date),
            _ => start,
        };
        let due = match c.policy.calendar.add_working_days(from, e.after_working_days) {
            Ok(d) => d,
            Err(err) => {
                c.not_covered("referral.assigned_on", &err);
                continue;
            }
        };
        if c.today > due {
            let label = c
                .policy
                .pack
                .escalations
                .iter()
                .find(|x| x.id == e.to)
                .map_or(e.to.as_str(), |x| x.label.as_str());
            let (path, why) = if unknown {
                (
                    "child.whereabouts".to_string(),
                    format!("whereabouts still {}", case.child.whereabouts),
                )
            } else if let Some(i) = not_engaging {
                (
                    super::at("action", i, "kind"),
                    format!("the family will not engage (action {})", i + 1),
                )
            } else {
                continue;
            };
            c.warn(
                &e.rule,
                &path,
                format!(
                    "{why} {} working days after {from} (since {due}) and no escalation to the {label} (the {} working days are this pack's setting: the policy gives no number)",
                    e.after_working_days, e.after_working_days
                ),
            )
            .with_hint(format!(
                "liaise with the {label} and log it: [[action]] kind = \"escalation\", to = \"{}\"",
                e.to
            ));
        }
    }
}
