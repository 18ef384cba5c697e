//! The case record, format version 1 (`../shared/spec/case-format.md`).
//!
//! The types hold plain values; where each value was written in its file is kept beside
//! them in [`Spans`], keyed by the value's path (`child.date_of_birth`, `action[3].by`), so
//! rules can point at a line without the model carrying positions around.

pub mod decode;
pub mod field;
pub mod id;
pub mod upn;
pub mod vocab;
pub mod write;

pub use decode::{Decoded, Problem, Reference, decode_case, decode_case_full};
pub use field::{Field, Ids, Kind, Record, Value};
pub use vocab::*;

use chrono::NaiveDate;
use field::Opt::*;
use field::record;
use std::collections::HashMap;
use std::ops::Range;

/// The only format version this tool reads.
pub const FORMAT_VERSION: i64 = 1;

// The record, described once: each table's fields, their keys, their words for people and
// what the tool does with them (see `field.rs`). Everything else is generated from this.

record! {
    /// A CME case record: one file per child per episode, under cases/<year>/<id>.toml.
    Case {
        /// The format version: 1.
        format: i64 = "Format version" [Check(format_version)],
        /// The case id: the authority's code, the year and a number (EXC-2026-0042).
        id: String = "Case id",
        /// Whether the case is being worked.
        status: Status = "Status",
        child: Child = "Child",
        referral: Referral = "Referral",
        school: Option<School> = "Last known school",
        social_care: Option<SocialCare> = "Social care",
        /// The enquiry log, oldest first.
        actions as "action": Vec<Action> = "Enquiry log",
        /// Whereabouts-unknown reviews, oldest first.
        reviews as "review": Vec<Review> = "Reviews",
        closure: Option<Closure> = "Closure",
        /// Each time new information reactivated the case after it was closed.
        reopened: Vec<Reopening> = "Reopened",
    }
}

record! {
    /// The child.
    Child {
        given_name: String = "Given name",
        family_name: String = "Family name",
        date_of_birth: NaiveDate = "Date of birth",
        /// The Unique Pupil Number, where the child has one.
        upn: Option<String> = "UPN",
        gender: Option<Gender> = "Gender",
        last_known_address: Option<String> = "Last known address" [Multiline],
        /// What the team knows of where the child is.
        whereabouts: Whereabouts = "Whereabouts",
        /// Vulnerability ids from the policy pack.
        vulnerabilities: Vec<String> = "Vulnerabilities" [Lookup(Ids::Vulnerabilities)],
    }
}

record! {
    /// How the child came to the team.
    Referral {
        received: NaiveDate = "Received",
        source: Source = "Source",
        referrer: Option<String> = "Referrer",
        reason: Reason = "Reason",
        /// The officer the case is assigned to (an id from cme.toml).
        assigned_to: Option<String> = "Assigned to" [Lookup(Ids::Officers)],
        assigned_on: Option<NaiveDate> = "Assigned on",
        /// Why this case is open beside another open case for the same child (COM-DUPLICATE).
        duplicate_reason: Option<String> = "Open beside another case for this child because" [Multiline],
    }
}

record! {
    /// The last known school.
    School {
        name: String = "School",
        /// The school's 6-digit URN (Get Information about Schools).
        urn: Option<String> = "URN" [Check(six_digit_urn)],
        in_area: Option<bool> = "In this authority's area",
        last_attended: Option<NaiveDate> = "Last attended",
        removed_from_roll: Option<NaiveDate> = "Removed from roll",
        /// The regulation 9 ground the school removed the pupil on (a code from the pack).
        leaving_ground: Option<String> = "Leaving ground" [Lookup(Ids::Grounds)],
        /// The school the leaving school named as the pupil's next school, where it named one
        /// (an addition to the spec, needed by rules such as WOR-GROUND-B).
        destination: Option<String> = "Next school named",
        /// Whether that next school is in this authority's area.
        destination_in_area: Option<bool> = "Next school in this authority's area",
        notified_la: Option<NaiveDate> = "School notified the LA",
        /// Documents the school sent (ids from the pack).
        documents: Vec<String> = "Documents received" [Lookup(Ids::Documents)],
        missing_ctf_uploaded: Option<NaiveDate> = "Missing CTF uploaded",
    }
}

impl School {
    /// A school known only by name; the other fields are filled in as they are learnt.
    pub fn named(name: impl Into<String>) -> School {
        School {
            name: name.into(),
            ..School::default()
        }
    }
}

record! {
    /// Children's social care's involvement.
    SocialCare {
        open: bool = "Open to social care",
        social_worker: Option<String> = "Social worker",
        contacted_on: Option<NaiveDate> = "Contacted on",
    }
}

record! {
    /// One entry of the enquiry log.
    Action {
        /// When it was done (default: today).
        date: NaiveDate = "Date" [Flag],
        /// What was done.
        kind: ActionKind = "Kind" [FlagRequired],
        /// An officer's id, or "school" for what the child's school did.
        by: String = "By" [FlagRequired, Lookup(Ids::Actors)],
        /// For database-check / agency-enquiry: a check id from the pack.
        check: Option<String> = "Check" [Flag, Lookup(Ids::Checks)],
        /// For escalation: an escalation id from the pack.
        to: Option<String> = "Escalated to" [Flag, Lookup(Ids::Escalations)],
        /// What came of it.
        outcome: Option<String> = "Outcome" [Flag, Multiline],
        /// Markdown.
        note: Option<String> = "Note" [Flag, Multiline],
        /// Who a letter or enquiry went to, as addressed ("Sampleford Primary School").
        recipient: Option<String> = "Sent to" [Flag],
        /// The answer is due by this day: the action awaits a reply (COM-REPLY).
        reply_due: Option<NaiveDate> = "Reply due" [Flag, Ahead],
        /// This action records the answer to action number N (counting from 1, in the
        /// file's order).
        reply_to: Option<i64> = "Reply to action" [Flag],
        /// This action chases action number N, still awaiting its reply (a reminder): an
        /// answer to it answers that one too.
        chases: Option<i64> = "Reminder of action" [Flag],
        /// The letter sent, as cme letter wrote it (letters/<case>/<date>-<template>.md).
        letter: Option<String> = "Letter",
    }
}

/// `by = "school"`: an action the child's last (or referring) school took, not an officer
/// (case-format Revision 2). It may be dated before the referral.
pub const SCHOOL: &str = "school";

impl Action {
    /// Whether the school, not an officer, took this action.
    pub fn by_school(&self) -> bool {
        self.by == SCHOOL
    }
}

record! {
    /// A whereabouts-unknown review: its scores, its decision and who signed it off.
    Review {
        /// When the review met (default: today).
        date: NaiveDate = "Date" [Flag],
        /// How likely the child is missing education, 1 (lowest) to 5.
        cme_score: Option<i64> = "CME score" [FlagRequired, Scale(1, 5)],
        /// How serious the safeguarding concern is, 1 (lowest) to 5.
        safeguarding_score: Option<i64> = "Safeguarding score" [FlagRequired, Scale(1, 5)],
        decision: Option<Decision> = "Decision" [FlagRequired],
        /// The officer who signed the review off (an id from cme.toml).
        signed_off_by: Option<String> = "Signed off by" [FlagRequired, Lookup(Ids::Officers)],
        comments: Option<String> = "Comments" [Flag, Multiline],
    }
}

record! {
    /// How the case ended.
    Closure {
        /// The day the case closed (default: today).
        date: NaiveDate = "Closed on" [Flag],
        outcome: Outcome = "Outcome" [FlagRequired],
        /// The school the child is on the roll of.
        school: Option<String> = "School" [Flag],
        admitted_on: Option<NaiveDate> = "Admitted on" [Flag],
        /// When the joining school confirmed the child joined.
        joiner_notified: Option<NaiveDate> = "Joiner notified" [Flag],
        /// The local authority that confirmed the child is in its area (confirmed-other-la),
        /// or where the child is home educated (home-educated).
        authority: Option<String> = "Authority" [Flag],
        /// When that authority's written confirmation arrived.
        confirmation_received: Option<NaiveDate> = "Written confirmation received" [Flag],
        /// When the child was uploaded to the Lost Pupils database (School2School).
        lost_pupils_uploaded: Option<NaiveDate> = "Lost Pupils database upload" [Flag],
        /// When the child was referred to the MASH.
        mash_referral: Option<NaiveDate> = "MASH referral" [Flag],
        note: Option<String> = "Note" [Flag, Multiline],
    }
}

impl Closure {
    /// Whether a closure field named as in the file (`authority`, `mash_referral`) is filled.
    pub fn has_field(&self, field: &str) -> Option<bool> {
        self.value(field).map(|v| v.is_filled())
    }

    /// A closure date field named as in the file, where it is one and is filled.
    pub fn date_field(&self, field: &str) -> Option<NaiveDate> {
        self.value(field)?.date()
    }
}

/// `format` must be the version this tool reads.
fn format_version(_: &str, v: &Value<'_>) -> Option<(String, String)> {
    match v {
        Value::Int(f) if *f != FORMAT_VERSION => Some((
            format!("format {f} is not one this version of cme reads (it reads format {FORMAT_VERSION})"),
            "write `format = 1`, or upgrade cme".into(),
        )),
        _ => None,
    }
}

/// A school URN is six digits.
fn six_digit_urn(_: &str, v: &Value<'_>) -> Option<(String, String)> {
    match v {
        Value::Text(u) if !(u.len() == 6 && u.bytes().all(|b| b.is_ascii_digit())) => Some((
            format!("a school URN is 6 digits; \"{u}\" is not"),
            "copy the URN from Get Information about Schools, or leave `urn` out".into(),
        )),
        _ => None,
    }
}

record! {
    /// New information reactivated a closed case.
    Reopening {
        date: NaiveDate = "Reopened on",
        reason: String = "Reason" [Multiline],
        closed_on: NaiveDate = "Closure undone",
        closed_outcome: Outcome = "Outcome of the closure undone",
    }
}

impl Case {
    /// The date the current episode of work started: the last reopening, or the referral.
    pub fn episode_start(&self) -> NaiveDate {
        self.reopened
            .iter()
            .map(|r| r.date)
            .max()
            .map_or(self.referral.received, |d| d.max(self.referral.received))
    }

    /// The latest review, by date (the last written wins a tie).
    pub fn latest_review(&self) -> Option<(usize, &Review)> {
        self.reviews.iter().enumerate().max_by_key(|(i, r)| (r.date, *i))
    }

    pub fn is_open(&self) -> bool {
        self.status == Status::Open
    }
}

/// A path into a case file (`closure.lost_pupils_uploaded`, `action[3].note`) in the
/// record's words: "Closure: Lost Pupils database upload", "Enquiry log 3: Note". `None`
/// for a path the description does not know.
pub fn label_of(path: &str) -> Option<String> {
    let mut shape = &Case::SHAPE;
    let mut words = Vec::new();
    for (i, part) in path.split('.').enumerate() {
        let (key, index) = match part.split_once('[') {
            Some((k, n)) => (k, Some(n.trim_end_matches(']'))),
            None => (part, None),
        };
        if i > 0 && words.is_empty() {
            return None;
        }
        let f = shape.fields.iter().find(|f| f.name == key)?;
        words.push(match index {
            Some(n) => format!("{} {n}", f.label),
            None => f.label.to_string(),
        });
        match f.kind {
            Kind::Table(inner) | Kind::Tables(inner) => shape = inner,
            _ => shape = &EMPTY,
        }
    }
    Some(words.join(": "))
}

const EMPTY: field::Shape = field::Shape {
    name: "",
    doc: "",
    fields: &[],
};

/// Every value of a case whose field `want` asks for, with its path and description, in the
/// described order.
pub fn walk(case: &Case, want: impl Fn(&Field) -> bool, mut f: impl FnMut(&str, &'static Field, Value<'_>)) {
    case.walk("", &want, &mut f);
}

/// The arrays of tables of the record (`action`, `review`, `reopened`): entries are added
/// and removed whole.
pub fn entry_tables() -> impl Iterator<Item = &'static str> {
    Case::fields()
        .iter()
        .filter(|f| matches!(f.kind, Kind::Tables(_)))
        .map(|f| f.name)
}

/// Where each value of one case file was written: path -> byte span.
///
/// Paths name tables (`child`, `action[2]`), values (`child.upn`, `action[2].by`) and array
/// items (`child.vulnerabilities[1]`); array-of-table indexes count from 1, as officers do.
#[derive(Clone, Debug, Default)]
pub struct Spans {
    map: HashMap<String, Range<usize>>,
    keys: HashMap<String, Range<usize>>,
}

impl Spans {
    pub fn insert(&mut self, path: String, key: Option<Range<usize>>, value: Range<usize>) {
        if let Some(key) = key {
            self.keys.insert(path.clone(), key);
        }
        self.map.insert(path, value);
    }

    /// The span of the value at `path`, or of the nearest enclosing table that was written.
    pub fn get(&self, path: &str) -> Option<Range<usize>> {
        let mut p = path;
        loop {
            if let Some(s) = self.map.get(p) {
                return Some(s.clone());
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// The span of the key at `path` (the `date_of_birth` of `date_of_birth = ...`).
    pub fn key(&self, path: &str) -> Option<Range<usize>> {
        self.keys.get(path).cloned().or_else(|| self.get(path))
    }

    pub fn contains(&self, path: &str) -> bool {
        self.map.contains_key(path)
    }
}

/// The path of the `n`th (0-based) entry of an array of tables, as written in [`Spans`].
pub fn item(table: &str, index: usize) -> String {
    format!("{table}[{}]", index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_named_in_the_records_words() {
        assert_eq!(
            label_of("closure.lost_pupils_uploaded").as_deref(),
            Some("Closure: Lost Pupils database upload")
        );
        assert_eq!(label_of("action[3].note").as_deref(), Some("Enquiry log 3: Note"));
        assert_eq!(label_of("action[3]").as_deref(), Some("Enquiry log 3"));
        assert_eq!(label_of("status").as_deref(), Some("Status"));
        assert_eq!(label_of("closure.nonsense"), None);
        assert_eq!(label_of("status.deeper"), None);
        assert_eq!(entry_tables().collect::<Vec<_>>(), ["action", "review", "reopened"]);
    }

    #[test]
    fn every_field_is_described_once_with_words() {
        fn walk(shape: &field::Shape, seen: &mut Vec<String>) {
            for f in shape.fields {
                assert!(!f.label.is_empty(), "{}.{} has a label", shape.name, f.name);
                let path = format!("{}.{}", shape.name, f.name);
                assert!(!seen.contains(&path), "{path} is described twice");
                seen.push(path);
                if let Kind::Table(inner) | Kind::Tables(inner) = f.kind
                    && !seen.iter().any(|s| s == inner.name)
                {
                    seen.push(inner.name.to_string());
                    walk(inner, seen);
                }
            }
        }
        let mut seen = Vec::new();
        walk(&Case::SHAPE, &mut seen);
        assert!(seen.iter().any(|p| p == "Closure.lost_pupils_uploaded"));
        // A closure field is found, filled or not, by its key alone.
        let cl = Closure {
            lost_pupils_uploaded: NaiveDate::from_ymd_opt(2026, 10, 1),
            ..Closure::default()
        };
        assert_eq!(cl.has_field("lost_pupils_uploaded"), Some(true));
        assert_eq!(cl.has_field("mash_referral"), Some(false));
        assert_eq!(cl.has_field("nonsense"), None);
        assert_eq!(
            cl.date_field("lost_pupils_uploaded"),
            NaiveDate::from_ymd_opt(2026, 10, 1)
        );
    }
}
