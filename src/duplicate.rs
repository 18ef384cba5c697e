//! One child, one open case (`COM-DUPLICATE`): finding the open cases that may be the same
//! child. The same UPN is the same child (an error); the same date of birth and family name
//! with given names that match once case, accents, hyphens and spaces are set aside, or that
//! differ by a typing slip, may be (a warning). A case that records why it is open beside
//! another (`referral.duplicate_reason`) accepts the pair.

use crate::model::Case;
use chrono::NaiveDate;
use std::collections::HashMap;

pub const RULE: &str = "COM-DUPLICATE";

/// How two open cases match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// The same UPN: the same child.
    Upn,
    /// The same date of birth and family name, and given names that match.
    Name,
}

/// A name as compared: ASCII letters and digits only, lower case ("Zoë-Anne" = "zoeanne").
pub fn normalise(name: &str) -> String {
    deunicode::deunicode(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether two normalised given names are the same child's: equal, or within a typing slip
/// (one edit for names up to 6 letters, two for longer ones). One-letter names must be equal.
pub fn given_names_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let shorter = a.len().min(b.len());
    if shorter < 3 {
        return false;
    }
    let allowed = if shorter <= 6 { 1 } else { 2 };
    strsim::damerau_levenshtein(a, b) <= allowed
}

/// What is compared of a case.
#[derive(Clone, Debug)]
pub struct Identity {
    pub id: String,
    pub upn: Option<String>,
    pub dob: NaiveDate,
    pub family: String,
    pub given: String,
    pub acknowledged: bool,
}

impl Identity {
    pub fn of(c: &Case) -> Identity {
        Identity {
            id: c.id.clone(),
            upn: c.child.upn.as_ref().map(|u| u.trim().to_ascii_uppercase()),
            dob: c.child.date_of_birth,
            family: normalise(&c.child.family_name),
            given: normalise(&c.child.given_name),
            acknowledged: c
                .referral
                .duplicate_reason
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty()),
        }
    }

    /// How this child matches another (`None`: different children, as far as the record says).
    pub fn matches(&self, other: &Identity) -> Option<Match> {
        match (&self.upn, &other.upn) {
            (Some(a), Some(b)) if a == b => return Some(Match::Upn),
            // Two different UPNs: two different children.
            (Some(_), Some(_)) => return None,
            _ => {}
        }
        (self.dob == other.dob
            && !self.family.is_empty()
            && self.family == other.family
            && given_names_match(&self.given, &other.given))
        .then_some(Match::Name)
    }
}

/// The open cases that match `child` (not itself), strongest match first.
pub fn matches_of<'a>(child: &Identity, open: &'a [Identity]) -> Vec<(Match, &'a Identity)> {
    let mut out: Vec<(Match, &Identity)> = open
        .iter()
        .filter(|o| o.id != child.id)
        .filter_map(|o| child.matches(o).map(|m| (m, o)))
        .collect();
    out.sort_by_key(|(m, o)| (*m != Match::Upn, o.id.clone()));
    out
}

/// Every pair of open cases that may be one child, as (case, other case, how), each pair
/// given from both sides, leaving out pairs one of whose cases records why it is a duplicate.
/// Grouped by UPN and by (date of birth, family name), so it stays fast for large registers.
pub fn pairs(open: &[Identity]) -> Vec<(usize, usize, Match)> {
    let mut groups: HashMap<(NaiveDate, &str), Vec<usize>> = HashMap::new();
    let mut by_upn: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in open.iter().enumerate() {
        groups.entry((c.dob, c.family.as_str())).or_default().push(i);
        if let Some(u) = &c.upn {
            by_upn.entry(u.as_str()).or_default().push(i);
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for members in by_upn.values().chain(groups.values()) {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if !seen.insert((i.min(j), i.max(j))) {
                    continue;
                }
                let (a, b) = (&open[i], &open[j]);
                // Two files with one id are reported as that (COM-SCHEMA), not as two children.
                if a.acknowledged || b.acknowledged || a.id == b.id {
                    continue;
                }
                if let Some(m) = a.matches(b) {
                    out.push((i, j, m));
                    out.push((j, i, m));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(id: &str, upn: Option<&str>, given: &str, family: &str) -> Identity {
        Identity {
            id: id.into(),
            upn: upn.map(str::to_string),
            dob: NaiveDate::from_ymd_opt(2014, 5, 14).unwrap(),
            family: normalise(family),
            given: normalise(given),
            acknowledged: false,
        }
    }

    #[test]
    fn names_are_compared_without_case_accents_hyphens_or_spaces() {
        assert_eq!(normalise("Zoë-Anne O'Brien"), "zoeanneobrien");
        assert!(given_names_match(&normalise("Zoë Anne"), &normalise("zoe-anne")));
        assert!(given_names_match("jayden", "jaydon"), "one slip");
        assert!(given_names_match("muhammad", "mohamad"), "two slips in a long name");
        assert!(!given_names_match("ava", "eve"), "two slips in a short name");
        assert!(!given_names_match("al", "ali"));
    }

    #[test]
    fn the_same_upn_is_the_same_child_and_different_upns_are_not() {
        let a = id("A", Some("B801200005001"), "Ava", "Example");
        let b = id("B", Some("B801200005001"), "Mia", "Other");
        let c = id("C", Some("R674123101121"), "Ava", "Example");
        let d = id("D", None, "Ava", "Example");
        assert_eq!(a.matches(&b), Some(Match::Upn));
        assert_eq!(a.matches(&c), None);
        assert_eq!(a.matches(&d), Some(Match::Name));
        let found = pairs(&[a, b, c, d]);
        assert!(found.contains(&(0, 1, Match::Upn)));
        assert!(found.contains(&(1, 0, Match::Upn)));
        assert!(found.contains(&(0, 3, Match::Name)));
        assert!(found.contains(&(2, 3, Match::Name)));
        assert!(!found.iter().any(|(i, j, _)| (*i, *j) == (0, 2)));
    }

    #[test]
    fn a_recorded_reason_accepts_the_pair() {
        let a = id("A", Some("B801200005001"), "Ava", "Example");
        let mut b = id("B", Some("B801200005001"), "Ava", "Example");
        b.acknowledged = true;
        assert!(pairs(&[a, b]).is_empty());
    }
}
