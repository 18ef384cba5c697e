//! Case ids (`EXC-2026-0042`) and the files they live in (`cases/2026/EXC-2026-0042.toml`):
//! the one place where one is turned into the other.

use std::fmt;

/// A case id: the authority's code, the referral's year, a number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseId(String);

impl CaseId {
    /// `CODE-YEAR-NNNN` (at least four digits).
    pub fn new(code: &str, year: i32, number: u32) -> CaseId {
        CaseId(format!("{code}-{year}-{number:04}"))
    }

    /// The id a case file's path names (its file name without `.toml`).
    pub fn of_path(path: &str) -> CaseId {
        CaseId(stem(path).to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year part, where the id has the `CODE-YYYY-NNNN` shape.
    pub fn year(&self) -> Option<&str> {
        let mut parts = self.0.rsplitn(3, '-');
        let _number = parts.next()?;
        let year = parts.next()?;
        (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())).then_some(year)
    }

    /// The number, where the id starts with `prefix` (`CODE-YYYY-`).
    pub fn number_after(&self, prefix: &str) -> Option<u32> {
        self.0.strip_prefix(prefix)?.parse().ok()
    }

    /// Where the case's file lives in the repository: `cases/<year>/<id>.toml`.
    pub fn path(&self) -> String {
        match self.year() {
            Some(y) => format!("cases/{y}/{}.toml", self.0),
            None => format!("cases/{}.toml", self.0),
        }
    }

    /// Whether `path` is this case's file (in whichever year's folder).
    pub fn is_file(&self, path: &str) -> bool {
        stem(path) == self.0 && path.ends_with(".toml")
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A rule's id (`COM-DATES`, `WOR-GROUND-B`): one of the pack's `[[rule]]` ids. Packs,
/// findings, deadlines and figures hold it as this type, not as loose text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct RuleId(String);

impl RuleId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for RuleId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for RuleId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Padded where a table asks for a width.
        f.pad(&self.0)
    }
}

impl From<&str> for RuleId {
    fn from(s: &str) -> Self {
        RuleId(s.to_string())
    }
}

impl From<String> for RuleId {
    fn from(s: String) -> Self {
        RuleId(s)
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<RuleId> for &str {
    fn eq(&self, other: &RuleId) -> bool {
        *self == other.0
    }
}

impl PartialEq<RuleId> for str {
    fn eq(&self, other: &RuleId) -> bool {
        self == other.0
    }
}

/// The file name of a path without `.toml`: the case id the file must hold.
pub fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_paths_turn_into_each_other() {
        let id = CaseId::new("EXC", 2026, 42);
        assert_eq!(id.as_str(), "EXC-2026-0042");
        assert_eq!(id.path(), "cases/2026/EXC-2026-0042.toml");
        assert_eq!(CaseId::of_path("cases/2026/EXC-2026-0042.toml"), id);
        assert!(id.is_file("cases/2025/EXC-2026-0042.toml"));
        assert!(!id.is_file("cases/2026/EXC-2026-00420.toml"));
        assert_eq!(id.number_after("EXC-2026-"), Some(42));
        assert_eq!(CaseId::new("EXC", 2026, 12345).as_str(), "EXC-2026-12345");
        assert_eq!(CaseId::of_path("cases/x.toml").year(), None);
    }
}
