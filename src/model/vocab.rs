//! The fixed vocabularies of format v1: every enum a case file or `cme.toml` may use.
//!
//! Each value is written in the file exactly as listed here. Lists that differ between
//! councils (vulnerabilities, checks, escalations, documents) are not here: they live in the
//! policy pack.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A vocabulary: a closed list of words with their Rust values.
pub trait Vocabulary: Sized + Copy + 'static {
    /// What the list is called in messages ("whereabouts", "referral source").
    const WHAT: &'static str;
    const NAMES: &'static [&'static str];
    fn parse(word: &str) -> Option<Self>;
    fn as_str(self) -> &'static str;
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
        }

        /// The first word of the list (for a record being filled in).
        impl Default for $name {
            fn default() -> Self {
                $name::ALL[0]
            }
        }

        $crate::model::field::word_field!($name);

        impl Vocabulary for $name {
            const WHAT: &'static str = $what;
            const NAMES: &'static [&'static str] = &[$($word),+];
            fn parse(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                <$name as Vocabulary>::parse(&word).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} \"{}\", expected one of: {}",
                        $what, word, <$name as Vocabulary>::NAMES.join(", ")
                    ))
                })
            }
        }
    };
}

vocabulary!(
    /// Whether the case is being worked.
    Status, "status" { Open = "open", Closed = "closed" }
);

vocabulary!(Gender, "gender" { F = "F", M = "M", X = "X" });

vocabulary!(
    /// What the team knows of where the child is.
    Whereabouts, "whereabouts" {
        Unknown = "unknown",
        KnownInArea = "known-in-area",
        KnownOtherLa = "known-other-la",
        KnownAbroad = "known-abroad",
    }
);

vocabulary!(
    /// Who told the local authority about the child.
    Source, "referral source" {
        School = "school",
        OtherLa = "other-la",
        Health = "health",
        Police = "police",
        SocialCare = "social-care",
        HomeOffice = "home-office",
        Housing = "housing",
        Public = "public",
        Parent = "parent",
        EheTeam = "ehe-team",
        Admissions = "admissions",
        Other = "other",
    }
);

vocabulary!(
    /// Why the child is thought to be missing education.
    Reason, "referral reason" {
        NewlyArrived = "newly-arrived",
        NotTakenUpPlace = "not-taken-up-place",
        PostExclusion = "post-exclusion",
        UnsuitableEhe = "unsuitable-ehe",
        RemovedInError = "removed-in-error",
        MovedUnknownSchool = "moved-unknown-school",
        MovedAbroad = "moved-abroad",
        NotReturnedFromLeave = "not-returned-from-leave",
        Other = "other",
    }
);

vocabulary!(
    /// One thing an officer did, as recorded in the enquiry log.
    ActionKind, "action kind" {
        HomeVisit = "home-visit",
        // A home visit judged not safe to make: why, in the note (Manchester s3).
        VisitNotSafe = "visit-not-safe",
        Letter = "letter",
        Phone = "phone",
        Email = "email",
        SchoolEnquiry = "school-enquiry",
        AgencyEnquiry = "agency-enquiry",
        DatabaseCheck = "database-check",
        OtherLaEnquiry = "other-la-enquiry",
        Escalation = "escalation",
        ProvisionOffered = "provision-offered",
        Sao = "sao",
        Audit = "audit",
        // The family will not engage (Manchester s3): what was tried, in the note.
        NonEngagement = "non-engagement",
        Note = "note",
    }
);

vocabulary!(
    /// A whereabouts-unknown review's decision.
    Decision, "review decision" { RemainOpen = "remain-open", Close = "close" }
);

vocabulary!(
    /// How a case ended.
    Outcome, "closure outcome" {
        OnRoll = "on-roll",
        HomeEducated = "home-educated",
        ConfirmedOtherLa = "confirmed-other-la",
        Untraceable = "untraceable",
        BeyondSchoolAge = "beyond-school-age",
        NotCme = "not-cme",
    }
);

/// An officer's role in `cme.toml`: one of the roles the pack lists (`[[role]]`), which it
/// reserves steps to (COM-ROLE, review sign-off).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Role(String);

impl Role {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Role {
    fn from(s: &str) -> Self {
        Role(s.to_string())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl ActionKind {
    /// Action kinds that name a check from the pack's `[[check]]` list.
    pub fn takes_check(self) -> bool {
        matches!(self, ActionKind::DatabaseCheck | ActionKind::AgencyEnquiry)
    }
}

/// A count and its noun, plural when it is not one: "1 case", "2 cases", "0 cases".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {}", plural(noun))
    }
}

/// A noun's plural: "cases", "vulnerabilities".
pub fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    }
}

/// "a" or "an" before a word, as it is spelt ("an action kind", "a closure outcome").
pub fn a_or_an(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The known word nearest to `word`, if it is near enough to be a likely typing slip.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(*o));
        }
        assert_eq!(Whereabouts::parse("unkown"), None);
    }

    #[test]
    fn nearest_suggests_close_words_only() {
        assert_eq!(nearest("unkown", Whereabouts::NAMES.iter().copied()), Some("unknown"));
        assert_eq!(
            nearest("date_of_brith", ["date_of_birth", "upn"]),
            Some("date_of_birth")
        );
        assert_eq!(nearest("banana", ["date_of_birth", "upn"]), None);
    }
}
