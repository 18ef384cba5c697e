//! The school's side: pupil-registration grounds (COM-GROUND), the absence a ground needs
//! before removal and the missing CTF (MAN-OFFROLL-20SD), documents per ground
//! (WOR-LEAVER-DOCS), grounds allowed only in some circumstances (WOR-GROUND-B), and the
//! school's notification duties (COM-NOTIFY-LEAVER, WOR-JOINER-5D).

use super::CaseCheck;
use crate::model::{School, nearest};
use crate::pack::Ground;

pub fn check(c: &mut CaseCheck<'_>) {
    joiner(c);
    let Some(school) = &c.case.school else { return };
    notify(c, school);
    let Some(code) = &school.leaving_ground else { return };
    let reg = &c.policy.pack.registration;
    let Some(ground) = c.policy.pack.ground(code) else {
        if c.on(&reg.rule) {
            let codes: Vec<&str> = c.policy.pack.grounds.iter().map(|g| g.code.as_str()).collect();
            let hint = match nearest(code, codes.iter().copied()) {
                Some(n) => format!("did you mean \"{n}\"? Grounds are 2006 8(1)(a)-(n) or 2024 A-O"),
                None => "write a 2006 ground like \"8(1)(h)\" or a 2024 ground letter like \"I\"".into(),
            };
            c.error(
                &reg.rule,
                "school.leaving_ground",
                format!("\"{code}\" is not a pupil-registration ground"),
            )
            .with_hint(hint);
        }
        return;
    };
    regulations(c, school, ground);
    absence(c, school, ground);
    documents(c, school, ground);
    conditions(c, school, ground);
}

fn regulations(c: &mut CaseCheck<'_>, school: &School, ground: &Ground) {
    let reg = &c.policy.pack.registration;
    let (Some(removed), true) = (school.removed_from_roll, c.on(&reg.rule)) else {
        return;
    };
    let from = reg.regulations_2024_from;
    if ground.regulations == 2006 && removed >= from {
        let instead = ground.equivalent.as_deref().map_or_else(
            || "the 2024 regulations have no equivalent ground".to_string(),
            |e| format!("the 2024 equivalent is ground {e}"),
        );
        c.warn(&reg.rule, "school.leaving_ground", format!(
            "the pupil was removed on {removed}, under the 2024 regulations, but ground {} is from the 2006 regulations; {instead}",
            ground.code
        ))
        .with_hint("record the ground the school's leaver form gives; ask the school if it cited a replaced ground");
    } else if ground.regulations == 2024 && removed < from {
        let instead = ground
            .equivalent
            .as_deref()
            .map_or_else(String::new, |e| format!(" (2006 equivalent: {e})"));
        c.error(&reg.rule, "school.leaving_ground", format!(
            "the pupil was removed on {removed}, before the 2024 regulations began on {from}, so ground {} did not exist yet{instead}",
            ground.code
        ));
    }
}

fn absence(c: &mut CaseCheck<'_>, school: &School, ground: &Ground) {
    let rule = c.policy.pack.registration.absence_rule.clone();
    if !c.on(&rule) {
        return;
    }
    if let (Some(n), Some(removed)) = (ground.min_absence_school_days, school.removed_from_roll) {
        match school.last_attended {
            None => {
                c.warn(&rule, "school.removed_from_roll", format!(
                    "ground {} needs {n} school days' continuous absence before removal, but `last_attended` is not recorded",
                    ground.code
                ))
                .with_hint("ask the school for the last day the pupil attended and add `last_attended`");
            }
            Some(last) => match c.policy.calendar.add_school_days(last, n) {
                Err(e) => c.not_covered("school.last_attended", &e),
                Ok(earliest) => {
                    if earliest.fell_back {
                        c.fell_back("school.last_attended", &format!("the {n} school days' absence"));
                    }
                    if removed < earliest.date {
                        c.warn(&rule, "school.removed_from_roll", format!(
                            "removed from roll on {removed}, fewer than {n} school days after the pupil last attended ({last}); ground {} allows removal from {}",
                            ground.code, earliest.date
                        ))
                        .with_hint("raise it with the school: the pupil may have been removed from roll too early");
                    }
                }
            },
        }
    }
    if ground.missing_ctf && school.removed_from_roll.is_some() && school.missing_ctf_uploaded.is_none() {
        c.warn(&rule, "school.leaving_ground", format!(
            "ground {} needs a \"missing\" CTF (destination XXXXXXX) uploaded to the Lost Pupils database, and none is recorded",
            ground.code
        ))
        .with_hint("ask the school to upload the CTF to S2S, then record `missing_ctf_uploaded`");
    }
}

fn documents(c: &mut CaseCheck<'_>, school: &School, ground: &Ground) {
    let Some(rule) = c.policy.pack.registration.documents_rule.clone() else {
        return;
    };
    if !c.on(&rule) {
        return;
    }
    let missing: Vec<&str> = ground
        .documents
        .iter()
        .filter(|d| !school.documents.contains(d))
        .map(|d| {
            c.policy
                .pack
                .documents
                .iter()
                .find(|x| x.id == **d)
                .map_or(d.as_str(), |x| x.label.as_str())
        })
        .collect();
    if !missing.is_empty() {
        let path = if c.spans.contains("school.documents") {
            "school.documents"
        } else {
            "school.leaving_ground"
        };
        c.error(
            &rule,
            path,
            format!(
                "a removal under ground {} needs these documents from the school, which are not recorded: {}",
                ground.code,
                missing.join(", ")
            ),
        )
        .with_hint(format!(
            "add their ids to `documents` once received: {}",
            ground.documents.join(", ")
        ));
    }
}

fn conditions(c: &mut CaseCheck<'_>, school: &School, ground: &Ground) {
    // The conditions are on grounds of the regulations in force when the pupil was removed:
    // a 2006 ground cited for a removal under the 2024 regulations is COM-GROUND's warning
    // (naming the 2024 equivalent), and no 2006 alternative is advised for it.
    let under_2024 = school
        .removed_from_roll
        .is_some_and(|d| d >= c.policy.pack.registration.regulations_2024_from);
    for cond in &c.policy.pack.ground_conditions {
        if !cond.grounds.contains(&ground.code) || !c.on(&cond.rule) || (under_2024 && ground.regulations == 2006) {
            continue;
        }
        let known_in_area = school.destination.as_deref().is_some_and(|d| !d.trim().is_empty())
            && school.destination_in_area == Some(true);
        if cond.requires_destination_in_area && !known_in_area {
            let otherwise = &cond.otherwise;
            c.error(&cond.rule, "school.leaving_ground", format!(
                "ground {} is only for a pupil moving to a known school in this authority's area; otherwise the school uses {otherwise}",
                ground.code
            ))
            .with_hint(format!(
                "if the school named the next school, record `destination` and `destination_in_area = true`; otherwise the ground is {otherwise}"
            ));
        }
    }
}

fn notify(c: &mut CaseCheck<'_>, school: &School) {
    let Some(rule) = c.policy.pack.registration.notify_rule.clone() else {
        return;
    };
    if !c.on(&rule) {
        return;
    }
    if let (Some(removed), Some(notified)) = (school.removed_from_roll, school.notified_la)
        && notified > removed
    {
        c.warn(&rule, "school.notified_la", format!(
            "{} told the local authority on {notified}, after removing the pupil on {removed}; schools must notify no later than the removal",
            school.name
        ))
        .with_hint("nothing to change in the record: this counts against the school on the compliance statistics");
    }
}

fn joiner(c: &mut CaseCheck<'_>) {
    let Some(j) = c.policy.pack.joiner.clone() else { return };
    if !c.on(&j.rule) {
        return;
    }
    let Some(cl) = &c.case.closure else { return };
    let (Some(admitted), Some(notified)) = (cl.admitted_on, cl.joiner_notified) else {
        return;
    };
    let Some(period) = j.period() else { return };
    match period.after(c.policy.calendar, admitted) {
        Err(e) => c.not_covered("closure.admitted_on", &e),
        Ok(due) => {
            if due.fell_back {
                c.fell_back("closure.admitted_on", "the joiner notification period");
            }
            if notified > due.date {
                let school = cl.school.as_deref().unwrap_or("the new school");
                c.warn(&j.rule, "closure.joiner_notified", format!(
                    "{school} notified the joiner on {notified}, more than {period} after admission on {admitted} (due by {})",
                    due.date
                ))
                .with_hint("nothing to change in the record: this counts against the school on the compliance statistics");
            }
        }
    }
}
