//! The policy packs and calendar built into the binary, so `cme init` and `cme generate`
//! can write a complete case repository anywhere.

/// (path in a case repository, text).
pub const FILES: &[(&str, &str)] = &[
    (
        "policy/manchester/policy.toml",
        include_str!("../policy/manchester/policy.toml"),
    ),
    (
        "policy/manchester/policy.md",
        include_str!("../policy/manchester/policy.md"),
    ),
    (
        "policy/worcestershire/policy.toml",
        include_str!("../policy/worcestershire/policy.toml"),
    ),
    (
        "policy/worcestershire/policy.md",
        include_str!("../policy/worcestershire/policy.md"),
    ),
    (
        "policy/calendar/bank-holidays.json",
        include_str!("../policy/calendar/bank-holidays.json"),
    ),
    (
        "policy/calendar/terms.toml",
        include_str!("../policy/calendar/terms.toml"),
    ),
];

/// The packs built in.
pub const PACKS: &[&str] = &["manchester", "worcestershire"];

/// The files of one pack plus the calendar.
pub fn files_for(pack: &str) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    FILES
        .iter()
        .copied()
        .filter(move |(p, _)| p.starts_with("policy/calendar/") || p.starts_with(&format!("policy/{pack}/")))
}
