//! COM-DATES (dates that cannot be: in the future, before birth, before the referral, out of
//! order; a closure exactly when closed) and COM-REOPEN.

use super::{CaseCheck, at};
use crate::model::{ActionKind, Case, Status};
use chrono::NaiveDate;

const DATES: &str = "COM-DATES";
const REOPEN: &str = "COM-REOPEN";

/// Every date in a case with its path.
/// Every date of the record, with its path: every field the record's description gives as a
/// date (`model/mod.rs`), so a new date field is checked with no change here.
fn all_dates(case: &Case) -> Vec<(String, NaiveDate)> {
    let mut v = Vec::new();
    crate::model::walk(
        case,
        // A date still to come (a reply's due date) is not a date something happened.
        |f| matches!(f.kind, crate::model::Kind::Date) && !f.has(|o| matches!(o, crate::model::field::Opt::Ahead)),
        |path, _, value| {
            if let Some(d) = value.date() {
                v.push((path.to_string(), d));
            }
        },
    );
    v
}

fn key(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

pub fn check(c: &mut CaseCheck<'_>) {
    let case = c.case;
    let today = c.today;
    let dob = case.child.date_of_birth;
    let received = case.referral.received;
    for (path, d) in all_dates(case) {
        if d > today {
            c.error(
                DATES,
                &path,
                format!("`{}` is {d}, which is after today ({today})", key(&path)),
            )
            .with_hint("a case records what has happened: check the day, month and year");
        } else if d < dob && path != "child.date_of_birth" {
            c.error(
                DATES,
                &path,
                format!("`{}` is {d}, before the child was born ({dob})", key(&path)),
            )
            .with_hint("check this date and the date of birth");
        }
    }
    let before_referral = |c: &mut CaseCheck<'_>, path: &str, d: NaiveDate, what: &str| {
        if d < received {
            c.error(
                DATES,
                path,
                format!("{what} is dated {d}, before the referral was received ({received})"),
            )
            .with_hint("check this date (`date`) and the referral's (`referral.received`)");
        }
    };
    if let Some(d) = case.referral.assigned_on {
        before_referral(c, "referral.assigned_on", d, "the assignment");
    }
    for (i, a) in case.actions.iter().enumerate() {
        // The school's own attempts, and enquiries of the school, may come before the referral.
        if a.kind != ActionKind::SchoolEnquiry && !a.by_school() {
            before_referral(
                c,
                &at("action", i, "date"),
                a.date,
                &format!("action {} ({})", i + 1, a.kind),
            );
        }
        if i > 0 && a.date < case.actions[i - 1].date {
            c.error(
                DATES,
                &at("action", i, "date"),
                format!(
                    "action {} is dated {}, before action {} ({}): the log is kept oldest first",
                    i + 1,
                    a.date,
                    i,
                    case.actions[i - 1].date
                ),
            )
            .with_hint("move this [[action]] up to its place in date order");
        }
    }
    for (i, r) in case.reviews.iter().enumerate() {
        before_referral(c, &at("review", i, "date"), r.date, &format!("review {}", i + 1));
    }
    match (&case.closure, case.status) {
        (Some(cl), _) => {
            before_referral(c, "closure.date", cl.date, "the closure");
            for (f, d) in [
                ("lost_pupils_uploaded", cl.lost_pupils_uploaded),
                ("mash_referral", cl.mash_referral),
                ("confirmation_received", cl.confirmation_received),
            ] {
                if let Some(d) = d {
                    before_referral(c, &format!("closure.{f}"), d, &format!("`{f}`"));
                }
            }
            // A closure is dated after everything the case records: an enquiry or review dated
            // later means the closure was dated back (or the case needs reopening).
            let later: Vec<(String, String)> = case
                .actions
                .iter()
                .enumerate()
                .filter(|(_, a)| a.date > cl.date)
                .map(|(i, a)| (at("action", i, "date"), format!("action {} ({})", i + 1, a.date)))
                .chain(
                    case.reviews
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.date > cl.date)
                        .map(|(i, r)| (at("review", i, "date"), format!("review {} ({})", i + 1, r.date))),
                )
                .collect();
            if let Some((_, last)) = later.last() {
                let what: Vec<&str> = later.iter().map(|(_, w)| w.as_str()).collect();
                c.error(
                    DATES,
                    "closure.date",
                    format!(
                        "the closure is dated {}, before {}: a case closes after the last thing it records",
                        cl.date,
                        what.join(", ")
                    ),
                )
                .with_hint(format!(
                    "date the closure on or after {last}, the last of them; if the case went on after it closed, reopen it (cme reopen) before logging more"
                ));
            }
        }
        (None, Status::Closed) => {
            c.error(
                DATES,
                "status",
                "the status is \"closed\" but there is no [closure]".into(),
            )
            .with_hint("add a [closure] with its date and outcome, or set status = \"open\"");
        }
        _ => {}
    }
    if case.closure.is_some() && case.status == Status::Open {
        c.error(
            DATES,
            "closure",
            "there is a [closure] but the status is \"open\"".into(),
        )
        .with_hint(
            "set status = \"closed\", or remove [closure] (and add a [[reopened]] entry if the case was reopened)",
        );
    }
    reopen(c);
}

fn reopen(c: &mut CaseCheck<'_>) {
    if !c.on(REOPEN) {
        return;
    }
    let case = c.case;
    for (i, r) in case.reopened.iter().enumerate() {
        if r.date < r.closed_on {
            c.error(
                REOPEN,
                &at("reopened", i, "date"),
                format!(
                    "reopening {} is dated {}, before the closure it undid ({})",
                    i + 1,
                    r.date,
                    r.closed_on
                ),
            )
            .with_hint("`closed_on` is the date of the closure being reopened");
        }
        if i > 0 && r.date < case.reopened[i - 1].date {
            c.error(
                REOPEN,
                &at("reopened", i, "date"),
                format!(
                    "reopening {} is dated before reopening {}: keep them oldest first",
                    i + 1,
                    i
                ),
            );
        }
        if i > 0 && r.closed_on < case.reopened[i - 1].date {
            c.error(REOPEN, &at("reopened", i, "closed_on"), format!(
                "reopening {} undid a closure of {}, but the case was reopened on {} and not closed again before it",
                i + 1, r.closed_on, case.reopened[i - 1].date
            ));
        }
    }
    if let (Some(cl), Some(last)) = (&case.closure, case.reopened.last())
        && cl.date < last.date
    {
        c.error(
            REOPEN,
            "closure.date",
            format!(
                "the closure is dated {}, before the case was last reopened ({})",
                cl.date, last.date
            ),
        )
        .with_hint("a closure after a reopening is dated on or after the reopening");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, manchester_case};

    #[test]
    fn nothing_is_dated_after_the_closure() {
        let closed = |action: &str| {
            manchester_case(&format!(
                "\n[[action]]\ndate = {action}\nkind = \"home-visit\"\nby = \"ofc\"\n\n[closure]\ndate = 2026-10-01\noutcome = \"on-roll\"\nschool = \"Q\"\n"
            ))
            .replace("status = \"open\"", "status = \"closed\"")
        };
        let dates = |found: Vec<(String, String)>| found.into_iter().filter(|(r, _)| r == "COM-DATES").count();
        assert_eq!(dates(check("manchester", &closed("2026-09-10"))), 0);
        assert_eq!(
            dates(check("manchester", &closed("2026-10-10"))),
            1,
            "an enquiry after the closure"
        );
    }

    #[test]
    fn the_schools_attempt_may_come_before_the_referral() {
        let at = |by: &str| {
            manchester_case(&format!(
                "\n[[action]]\ndate = 2026-07-10\nkind = \"phone\"\nby = \"{by}\"\n"
            ))
        };
        assert!(check("manchester", &at("school")).iter().all(|(r, _)| r != "COM-DATES"));
        assert!(check("manchester", &at("ofc")).iter().any(|(r, _)| r == "COM-DATES"));
    }
}
