//! COM-SCHEMA (what decoding alone cannot see: the id, and ids that must exist in
//! `cme.toml` or the pack) and COM-UPN.

use super::{CaseCheck, at};
use crate::model::{ActionKind, Ids, Value, item, nearest, upn};

pub(crate) const SCHEMA: &str = "COM-SCHEMA";
const UPN: &str = "COM-UPN";

pub fn check(c: &mut CaseCheck<'_>) {
    id(c);
    officers(c);
    lookups(c);
    pack_lists(c);
    replies(c);
    if c.on(UPN)
        && let Some(u) = &c.case.child.upn
        && let Err(e) = upn::validate(u)
    {
        c.error(UPN, "child.upn", format!("the UPN \"{u}\" is not valid: {e}"))
            .with_hint("copy the UPN again from the school's record or the CTF, or leave `upn` out until it is known");
    }
}

fn id(c: &mut CaseCheck<'_>) {
    let id = c.case.id.clone();
    let code = &c.policy.config.authority.code;
    let mut parts = id.splitn(3, '-');
    let (p, y, n) = (parts.next(), parts.next(), parts.next());
    let shape_ok = p == Some(code.as_str())
        && y.is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && n.is_some_and(|n| (4..=6).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()));
    if !shape_ok {
        c.error(
            SCHEMA,
            "id",
            format!("the id \"{id}\" is not of the form {code}-YYYY-NNNN"),
        )
        .with_hint(format!(
            "ids are this authority's code {code}, the year, and a 4-6 digit number, e.g. {code}-2026-0042"
        ));
    } else if id != c.stem {
        c.error(
            SCHEMA,
            "id",
            format!("the id \"{id}\" does not match the file name {}.toml", c.stem),
        )
        .with_hint(format!("rename the file to {id}.toml, or correct the id"));
    }
}

fn officer_hint(policy: crate::load::Policy<'_>, who: &str) -> String {
    let ids = policy.ids(Ids::Officers);
    match nearest(who, ids) {
        Some(n) => format!("did you mean \"{n}\"? Officers are listed in cme.toml"),
        None => "add the officer to cme.toml as an [[officer]], or correct the id".into(),
    }
}

/// What is wrong with a value a field takes from the repository's lists (an officer, a
/// pack's check): the message and hint, or `None` when it is one of them.
pub(crate) fn unknown_reference(policy: crate::load::Policy<'_>, ids: Ids, id: &str) -> Option<(String, String)> {
    let (what, known): (&str, Vec<&str>) = match ids {
        Ids::Actors if id == crate::model::SCHOOL => return None,
        Ids::Officers | Ids::Actors => {
            return policy.config.officer(id).is_none().then(|| {
                (
                    format!("\"{id}\" is not an officer in cme.toml"),
                    officer_hint(policy, id),
                )
            });
        }
        Ids::Vulnerabilities => ("vulnerability", policy.ids(ids)),
        Ids::Checks => ("check", policy.ids(ids)),
        Ids::Escalations => ("escalation", policy.ids(ids)),
        Ids::Documents => ("document", policy.ids(ids)),
        // A leaving ground is read against its regulations by COM-GROUND, in its words.
        Ids::Grounds => return None,
    };
    if known.contains(&id) {
        return None;
    }
    let hint = match nearest(id, known.iter().copied()) {
        Some(n) => format!(
            "did you mean \"{n}\"? The pack's {} are: {}",
            crate::model::plural(what),
            known.join(", ")
        ),
        None => format!("the pack's {} are: {}", crate::model::plural(what), known.join(", ")),
    };
    Some((
        format!("\"{id}\" is not a {what} in the {} pack", policy.pack.pack.id),
        hint,
    ))
}

/// The officers and pack ids named by a file that does not decode: reported with its other
/// problems, so that an officer fixes them all in one go.
pub fn references(
    policy: crate::load::Policy<'_>,
    refs: &[crate::model::Reference],
) -> Vec<crate::diagnostic::Finding> {
    refs.iter()
        .filter_map(|r| {
            let (message, hint) = unknown_reference(policy, r.ids, &r.value)?;
            Some(
                crate::diagnostic::Finding::new(SCHEMA, crate::pack::Severity::Error, Some(r.span.clone()), message)
                    .hint(hint),
            )
        })
        .collect()
}

fn officers(c: &mut CaseCheck<'_>) {
    let r = &c.case.referral;
    match (&r.assigned_to, r.assigned_on) {
        (Some(_), None) => {
            c.error(
                SCHEMA,
                "referral.assigned_to",
                "the case is assigned but `assigned_on` is missing".into(),
            )
            .with_hint("add `assigned_on = YYYY-MM-DD`, the day it was assigned");
        }
        (None, Some(_)) => {
            c.error(
                SCHEMA,
                "referral.assigned_on",
                "`assigned_on` is given but `assigned_to` is missing".into(),
            )
            .with_hint("add `assigned_to = \"officer-id\"`");
        }
        _ => {}
    }
    for (i, a) in c.case.actions.iter().enumerate() {
        if a.by_school() && !c.policy.pack.school_action_kinds.contains(&a.kind) {
            let kinds: Vec<&str> = c
                .policy
                .pack
                .school_action_kinds
                .iter()
                .map(|k| crate::model::Vocabulary::as_str(*k))
                .collect();
            c.error(
                SCHEMA,
                &at("action", i, "by"),
                format!(
                    "a {} is the council's work, not the school's: `by = \"school\"` is for the school's own contact attempts ({})",
                    a.kind,
                    kinds.join(", ")
                ),
            )
            .with_hint("record who in the CME team did it: their officer id");
        }
        // Some actions are only a record of why: they say it.
        if matches!(
            a.kind,
            crate::model::ActionKind::VisitNotSafe | crate::model::ActionKind::NonEngagement
        ) && a.note.as_deref().is_none_or(|n| n.trim().is_empty())
            && a.outcome.as_deref().is_none_or(|n| n.trim().is_empty())
        {
            c.error(
                SCHEMA,
                &at("action", i, "kind"),
                format!("a {} action says why: it has no note or outcome", a.kind),
            )
            .with_hint(if a.kind == crate::model::ActionKind::VisitNotSafe {
                "say why a visit was not safe in `note` (cme act ... --note \"...\")"
            } else {
                "say what was tried and how the family responded in `note` (cme act ... --note \"...\")"
            });
        }
    }
}

/// Every value whose field takes its ids from the repository's lists is one of them: the
/// record's description says which fields do (`Lookup` in `model/mod.rs`), so a new field
/// that names an officer or a pack id is checked with no change here.
fn lookups(c: &mut CaseCheck<'_>) {
    let mut found: Vec<(String, Ids, String)> = Vec::new();
    crate::model::walk(
        c.case,
        |f| f.lookup().is_some(),
        |path, f, v| {
            let Some(ids) = f.lookup() else { return };
            match v {
                Value::Text(t) => found.push((path.to_string(), ids, t.to_string())),
                Value::Texts(items) => {
                    for (i, t) in items.iter().enumerate() {
                        found.push((item(path, i), ids, t.clone()));
                    }
                }
                _ => {}
            }
        },
    );
    for (path, ids, id) in found {
        if let Some((message, hint)) = unknown_reference(c.policy, ids, &id) {
            c.error(SCHEMA, &path, message).with_hint(hint);
        }
    }
}

/// `reply_to` names an earlier action that awaits a reply; `reply_due` is not before the
/// action that awaits it (COM-REPLY reads them).
fn replies(c: &mut CaseCheck<'_>) {
    let actions = &c.case.actions;
    let id = &c.case.id;
    for (i, a) in actions.iter().enumerate() {
        if let Some(path) = &a.letter
            && !crate::letter::is_letter_path(id, path)
        {
            c.error(
                SCHEMA,
                &at("action", i, "letter"),
                format!("`letter` is \"{path}\", not a letter of this case"),
            )
            .with_hint(format!(
                "a letter is kept as letters/{id}/<date>-<template>.md, as cme letter writes it"
            ));
        }
        if let Some(due) = a.reply_due
            && due < a.date
        {
            c.error(
                SCHEMA,
                &at("action", i, "reply_due"),
                format!("the reply is due on {due}, before the action itself ({})", a.date),
            )
            .with_hint("a reply is due on or after the day the letter or enquiry went out");
        }
        if let Some(n) = a.chases {
            let chased = usize::try_from(n)
                .ok()
                .filter(|n| *n >= 1)
                .and_then(|n| actions.get(n - 1));
            if chased.is_none_or(|w| w.reply_due.is_none() || w.date > a.date || n as usize == i + 1) {
                c.error(
                    SCHEMA,
                    &at("action", i, "chases"),
                    format!("`chases = {n}` names no earlier action awaiting a reply"),
                )
                .with_hint("a reminder chases an earlier letter or enquiry that has a reply_due: give its number, counting from 1 in the file's order");
            }
        }
        let Some(n) = a.reply_to else { continue };
        let path = at("action", i, "reply_to");
        let awaited = usize::try_from(n)
            .ok()
            .filter(|n| *n >= 1)
            .and_then(|n| actions.get(n - 1));
        match awaited {
            None => {
                c.error(
                    SCHEMA,
                    &path,
                    format!("`reply_to = {n}`, but the enquiry log has {} actions", actions.len()),
                )
                .with_hint("give the number of the action this answers, counting from 1 in the file's order (cme status CASE lists what is awaited)");
            }
            Some(_) if n as usize == i + 1 => {
                c.error(SCHEMA, &path, "an action cannot be the reply to itself".into())
                    .with_hint("give the number of the letter or enquiry this answers");
            }
            Some(w) if w.reply_due.is_none() => {
                c.error(
                    SCHEMA,
                    &path,
                    format!("action {n} ({}, {}) awaits no reply: it has no `reply_due`", w.kind, w.date),
                )
                .with_hint("check the number, or give that action a reply date (cme set CASE action.N.reply_due DATE --reason ...)");
            }
            Some(w) if w.date > a.date => {
                c.error(
                    SCHEMA,
                    &path,
                    format!(
                        "the reply ({}) is dated before action {n} it answers ({})",
                        a.date, w.date
                    ),
                )
                .with_hint("check both dates");
            }
            Some(_) => {}
        }
    }
}

fn pack_lists(c: &mut CaseCheck<'_>) {
    let vulns = c.policy.ids(Ids::Vulnerabilities);
    for (i, v) in c.case.child.vulnerabilities.iter().enumerate() {
        let path = item("child.vulnerabilities", i);
        if vulns.contains(&v.as_str()) && c.case.child.vulnerabilities[..i].contains(v) {
            c.error(SCHEMA, &path, format!("vulnerability \"{v}\" is listed twice"));
        }
    }
    let checks = c.policy.ids(Ids::Checks);
    let escalations = c.policy.ids(Ids::Escalations);
    for (i, a) in c.case.actions.iter().enumerate() {
        match (&a.check, a.kind.takes_check()) {
            (Some(_), false) => {
                c.error(
                    SCHEMA,
                    &at("action", i, "check"),
                    format!(
                        "`check` only goes with database-check or agency-enquiry actions, not {}",
                        a.kind
                    ),
                )
                .with_hint("remove `check`, or change `kind`");
            }
            (None, true) if a.kind == ActionKind::DatabaseCheck => {
                c.error(
                    SCHEMA,
                    &at("action", i, "kind"),
                    "a database-check must say which check: add `check`".into(),
                )
                .with_hint(format!("the pack's checks are: {}", checks.join(", ")));
            }
            _ => {}
        }
        match (&a.to, a.kind == ActionKind::Escalation) {
            (Some(_), false) => {
                c.error(
                    SCHEMA,
                    &at("action", i, "to"),
                    format!("`to` only goes with escalation actions, not {}", a.kind),
                )
                .with_hint("remove `to`, or change `kind` to \"escalation\"");
            }
            (None, true) => {
                c.error(
                    SCHEMA,
                    &at("action", i, "kind"),
                    "an escalation must say where to: add `to`".into(),
                )
                .with_hint(format!("the pack's escalations are: {}", escalations.join(", ")));
            }
            _ => {}
        }
    }
}
