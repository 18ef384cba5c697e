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
        "policy/manchester/letters/agency-check.md",
        include_str!("../policy/manchester/letters/agency-check.md"),
    ),
    (
        "policy/manchester/letters/early-help-referral.md",
        include_str!("../policy/manchester/letters/early-help-referral.md"),
    ),
    (
        "policy/manchester/letters/first-letter.md",
        include_str!("../policy/manchester/letters/first-letter.md"),
    ),
    (
        "policy/manchester/letters/mash-referral.md",
        include_str!("../policy/manchester/letters/mash-referral.md"),
    ),
    (
        "policy/manchester/letters/other-la-enquiry.md",
        include_str!("../policy/manchester/letters/other-la-enquiry.md"),
    ),
    (
        "policy/manchester/letters/reminder.md",
        include_str!("../policy/manchester/letters/reminder.md"),
    ),
    (
        "policy/manchester/letters/sao-intention.md",
        include_str!("../policy/manchester/letters/sao-intention.md"),
    ),
    (
        "policy/manchester/letters/sao-notice.md",
        include_str!("../policy/manchester/letters/sao-notice.md"),
    ),
    (
        "policy/manchester/letters/sao-order.md",
        include_str!("../policy/manchester/letters/sao-order.md"),
    ),
    (
        "policy/manchester/letters/school-request.md",
        include_str!("../policy/manchester/letters/school-request.md"),
    ),
    (
        "policy/worcestershire/letters/agency-check.md",
        include_str!("../policy/worcestershire/letters/agency-check.md"),
    ),
    (
        "policy/worcestershire/letters/family-front-door.md",
        include_str!("../policy/worcestershire/letters/family-front-door.md"),
    ),
    (
        "policy/worcestershire/letters/first-letter.md",
        include_str!("../policy/worcestershire/letters/first-letter.md"),
    ),
    (
        "policy/worcestershire/letters/missing-mondays.md",
        include_str!("../policy/worcestershire/letters/missing-mondays.md"),
    ),
    (
        "policy/worcestershire/letters/other-la-enquiry.md",
        include_str!("../policy/worcestershire/letters/other-la-enquiry.md"),
    ),
    (
        "policy/worcestershire/letters/reminder.md",
        include_str!("../policy/worcestershire/letters/reminder.md"),
    ),
    (
        "policy/worcestershire/letters/sao-intention.md",
        include_str!("../policy/worcestershire/letters/sao-intention.md"),
    ),
    (
        "policy/worcestershire/letters/sao-notice.md",
        include_str!("../policy/worcestershire/letters/sao-notice.md"),
    ),
    (
        "policy/worcestershire/letters/sao-order.md",
        include_str!("../policy/worcestershire/letters/sao-order.md"),
    ),
    (
        "policy/worcestershire/letters/school-request.md",
        include_str!("../policy/worcestershire/letters/school-request.md"),
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
