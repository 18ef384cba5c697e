//! The case record, format version 1 (`../shared/spec/case-format.md`).
//!
//! The types hold plain values; where each value was written in its file is kept beside
//! them in [`Spans`], keyed by the value's path (`child.date_of_birth`, `action[3].by`), so
//! rules can point at a line without the model carrying positions around.

mod decode;
pub mod id;
pub mod upn;
pub mod vocab;
pub mod write;

pub use decode::{Problem, decode_case};
pub use vocab::*;

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Range;

/// The only format version this tool reads.
pub const FORMAT_VERSION: i64 = 1;

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Case {
    pub format: i64,
    pub id: String,
    pub status: Status,
    pub child: Child,
    pub referral: Referral,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school: Option<School>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub social_care: Option<SocialCare>,
    #[serde(rename = "action", default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    #[serde(rename = "review", default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure: Option<Closure>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reopened: Vec<Reopening>,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Child {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_known_address: Option<String>,
    pub whereabouts: Whereabouts,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Referral {
    pub received: NaiveDate,
    pub source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    pub reason: Reason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_on: Option<NaiveDate>,
    /// Why this case is open beside another open case for the same child (COM-DUPLICATE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_reason: Option<String>,
}

/// The last known school.
#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct School {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_area: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_attended: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_from_roll: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leaving_ground: Option<String>,
    /// The school the leaving school named as the pupil's next school, where it named one
    /// (an addition to the spec, needed by rules such as WOR-GROUND-B).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Whether that next school is in this authority's area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_in_area: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notified_la: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_ctf_uploaded: Option<NaiveDate>,
}

impl School {
    /// A school known only by name; the other fields are filled in as they are learnt.
    pub fn named(name: impl Into<String>) -> School {
        School {
            name: name.into(),
            urn: None,
            in_area: None,
            last_attended: None,
            removed_from_roll: None,
            leaving_ground: None,
            destination: None,
            destination_in_area: None,
            notified_la: None,
            documents: Vec::new(),
            missing_ctf_uploaded: None,
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SocialCare {
    pub open: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub social_worker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacted_on: Option<NaiveDate>,
}

/// One entry of the enquiry log.
#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Action {
    pub date: NaiveDate,
    pub kind: ActionKind,
    /// An officer's id, or [`SCHOOL`] for what the child's school did.
    pub by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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

/// A whereabouts-unknown review (Worcestershire's Missing Mondays, App F).
#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Review {
    pub date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cme_score: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safeguarding_score: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_off_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Closure {
    pub date: NaiveDate,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admitted_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joiner_notified: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_received: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_pupils_uploaded: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mash_referral: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Closure {
    /// Whether a closure field named as in the file (`authority`, `mash_referral`) is filled.
    pub fn has_field(&self, field: &str) -> Option<bool> {
        let filled = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        Some(match field {
            "date" | "outcome" => true,
            "school" => filled(&self.school),
            "admitted_on" => self.admitted_on.is_some(),
            "joiner_notified" => self.joiner_notified.is_some(),
            "authority" => filled(&self.authority),
            "confirmation_received" => self.confirmation_received.is_some(),
            "lost_pupils_uploaded" => self.lost_pupils_uploaded.is_some(),
            "mash_referral" => self.mash_referral.is_some(),
            "note" => filled(&self.note),
            _ => return None,
        })
    }

    /// A closure date field named as in the file, where it is one and is filled.
    pub fn date_field(&self, field: &str) -> Option<NaiveDate> {
        match field {
            "date" => Some(self.date),
            "admitted_on" => self.admitted_on,
            "joiner_notified" => self.joiner_notified,
            "confirmation_received" => self.confirmation_received,
            "lost_pupils_uploaded" => self.lost_pupils_uploaded,
            "mash_referral" => self.mash_referral,
            _ => None,
        }
    }

    /// The keys a `[closure]` table may hold.
    pub const FIELDS: &'static [&'static str] = &[
        "date",
        "outcome",
        "school",
        "admitted_on",
        "joiner_notified",
        "authority",
        "confirmation_received",
        "lost_pupils_uploaded",
        "mash_referral",
        "note",
    ];
}

/// New information reactivated a closed case.
#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Reopening {
    pub date: NaiveDate,
    pub reason: String,
    pub closed_on: NaiveDate,
    pub closed_outcome: Outcome,
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
