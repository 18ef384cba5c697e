//! `cme.toml`: the authority, its policy pack and its team.

use crate::model::Role;
use serde::Deserialize;

pub const FILE: &str = "cme.toml";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub authority: Authority,
    /// How families, schools and agencies reach the team: the letters `cme letter` writes
    /// carry it.
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default, rename = "officer")]
    pub officers: Vec<Officer>,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub audit: AuditSettings,
}

/// `[audit]`: what `cme check --audit` requires of the history.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// Every commit that touches `cases/` carries a good signature (`AUDIT-UNSIGNED`).
    #[serde(default)]
    pub require_signed: bool,
    /// The allowed-signers file for SSH signatures (git's `gpg.ssh.allowedSignersFile`),
    /// relative to the repository.
    #[serde(default)]
    pub allowed_signers: Option<String>,
    /// The commit that brought the authority's existing records into git (a migration from
    /// another system): closures of the cases it recorded are as old as the records, not
    /// backdated (`AUDIT-BACKDATED-CLOSURE` leaves them alone).
    #[serde(default)]
    pub imported_in: Option<String>,
}

/// `[contact]`: the team's name and contact details, as letters give them.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The team's name ("Children Missing Education team").
    pub team: String,
    /// The postal address, a line each.
    pub address: Vec<String>,
    pub phone: String,
    pub email: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub name: String,
    /// Case id prefix: 2-5 capital letters.
    pub code: String,
    /// Which `policy/<pack>/` applies.
    pub policy: String,
    #[serde(default = "default_terms")]
    pub school_calendar: String,
    #[serde(default = "default_bank_holidays")]
    pub bank_holidays: String,
    /// The day the authority last checked the pack against its current policy: once that is
    /// on or after the pack's review date, `cme check` no longer warns (WOR-POLICY-REVIEW),
    /// and the site says when it was checked.
    #[serde(default, deserialize_with = "crate::pack::opt_toml_date")]
    pub policy_checked: Option<chrono::NaiveDate>,
}

fn default_terms() -> String {
    "policy/calendar/terms.toml".into()
}

fn default_bank_holidays() -> String {
    "policy/calendar/bank-holidays.json".into()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// An officer who has left stays listed so old records still resolve.
    #[serde(default = "yes")]
    pub active: bool,
    /// Roles the officer held before this one, each until a day: a step they took then is
    /// judged by the role they had then (COM-ROLE), so a change of role never turns past
    /// records into errors.
    #[serde(default, rename = "previous_role")]
    pub previous_roles: Vec<PreviousRole>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousRole {
    pub role: Role,
    /// The last day the officer held it.
    #[serde(deserialize_with = "crate::pack::toml_date")]
    pub until: chrono::NaiveDate,
}

impl Officer {
    /// The officer's role on a day.
    pub fn role_on(&self, day: chrono::NaiveDate) -> Role {
        self.previous_roles
            .iter()
            .filter(|p| day <= p.until)
            .min_by_key(|p| p.until)
            .map_or_else(|| self.role.clone(), |p| p.role.clone())
    }
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Case files larger than this are refused unread.
    #[serde(default = "default_max_case_bytes")]
    pub max_case_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_case_bytes: default_max_case_bytes(),
        }
    }
}

fn default_max_case_bytes() -> u64 {
    16 * 1024 * 1024
}

impl Config {
    pub fn officer(&self, id: &str) -> Option<&Officer> {
        self.officers.iter().find(|o| o.id == id)
    }

    /// Problems `serde` cannot see: the code's shape, duplicate officers.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let one_line = |s: &str| {
            !s.chars()
                .any(|c| crate::source::is_control(c) || c == '\n' || c == '\r')
        };
        if !one_line(&self.authority.name) {
            out.push((
                "authority.name".into(),
                "the authority's name must be one line of text, with no control characters".into(),
            ));
        }
        for o in &self.officers {
            if !one_line(&o.name) {
                out.push((
                    "officer.name".into(),
                    format!(
                        "officer {}'s name must be one line of text, with no control characters",
                        o.id
                    ),
                ));
            }
        }
        let code = &self.authority.code;
        if !(2..=5).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            out.push((
                "authority.code".into(),
                format!("the authority code \"{code}\" must be 2 to 5 capital letters, e.g. \"EXC\""),
            ));
        }
        for (i, o) in self.officers.iter().enumerate() {
            if o.id.is_empty()
                || !o
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                out.push((
                    "officer.id".into(),
                    format!("officer id \"{}\" must be letters, digits, '-' or '_'", o.id),
                ));
            }
            if o.id == crate::model::SCHOOL {
                out.push((
                    "officer.id".into(),
                    "officer id \"school\" is kept for what a school did (`by = \"school\"`): choose another id".into(),
                ));
            }
            if self.officers[..i].iter().any(|p| p.id == o.id) {
                out.push(("officer.id".into(), format!("officer id \"{}\" is listed twice", o.id)));
            }
        }
        out
    }
}
