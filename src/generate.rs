//! `cme generate`: a synthetic case repository with invented cases and a realistic commit
//! history (several officers; referrals, assignments, enquiries appended over months,
//! reviews, closures and reopenings), written with `git fast-import`. Deterministic for a
//! given seed. For benchmarks and demos: every name and place is invented.

use crate::model::*;
use crate::progress::Progress;
use chrono::{Datelike, Duration, NaiveDate};
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// SplitMix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

const GIVEN: &[&str] = &[
    "Amara", "Leo", "Maya", "Oscar", "Zara", "Finn", "Isla", "Kai", "Nadia", "Reuben", "Sana", "Theo", "Yara", "Alfie",
    "Bea", "Cyrus", "Dara", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonah", "Kemi", "Lior", "Mila", "Nico", "Orla",
    "Pavel", "Quinn",
];
const FAMILY: &[&str] = &[
    "Ashdown",
    "Brightwell",
    "Calloway",
    "Dunmore",
    "Elstree",
    "Fairley",
    "Greaves",
    "Hallam",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Lowther",
    "Marchant",
    "Newbold",
    "Ormsby",
    "Pennock",
    "Quarrie",
    "Rowntree",
    "Selby",
    "Thursby",
    "Underhill",
    "Vardy",
];
const STREETS: &[&str] = &[
    "Elm Row",
    "Quarry Lane",
    "Mill Street",
    "Canal Side",
    "Orchard Rise",
    "Station Road",
    "Kiln Close",
    "Foundry Walk",
];
const SCHOOLS: &[&str] = &[
    "Synthetic Primary School",
    "Invented Academy",
    "Sampleton High School",
    "Fictional Vale Primary",
    "Placeholder Community School",
    "Madeup Lane Primary",
    "Notreal Park Academy",
    "Imaginary Hill High School",
];
const OUTCOMES: &[&str] = &[
    "No answer; card left.",
    "Spoke to a neighbour.",
    "No trace.",
    "Family confirmed at address.",
    "Message left.",
    "Letter returned.",
];

/// What to generate.
pub struct Spec {
    pub cases: usize,
    pub commits: usize,
    pub seed: u64,
    pub pack: String,
    pub today: NaiveDate,
}

struct Officer {
    id: String,
    name: String,
}

struct Live {
    case: Case,
    path: String,
}

fn officers() -> Vec<Officer> {
    let names = [
        ("aashby", "Ada Ashby"),
        ("bbrook", "Ben Brook"),
        ("ccole", "Cleo Cole"),
        ("ddrake", "Dev Drake"),
        ("eellis", "Eve Ellis"),
        ("ffenn", "Fay Fenn"),
        ("ggrove", "Gus Grove"),
        ("hhale", "Hana Hale"),
        ("iives", "Ivo Ives"),
        ("jjay", "Jo Jay"),
    ];
    names
        .iter()
        .map(|(id, n)| Officer {
            id: id.to_string(),
            name: n.to_string(),
        })
        .collect()
}

fn config(pack: &str) -> String {
    let mut s = format!(
        "# A synthetic authority made by `cme generate`. Every name in it is invented.\n\n[authority]\nname = \"Synthetic County Council\"\ncode = \"SYN\"\npolicy = \"{pack}\"\n"
    );
    for o in officers() {
        s.push_str(&format!(
            "\n[[officer]]\nid = \"{}\"\nname = \"{}\"\nrole = \"cme-officer\"\n",
            o.id, o.name
        ));
    }
    s.push_str("\n[[officer]]\nid = \"lead\"\nname = \"Lena Lead\"\nrole = \"lead-officer\"\n");
    s.push_str("\n[[officer]]\nid = \"senior\"\nname = \"Sam Senior\"\nrole = \"senior-officer\"\n");
    s
}

fn data(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    writeln!(out, "data {}", bytes.len())?;
    out.write_all(bytes)?;
    writeln!(out)
}

/// Writes the repository into `dir` (which must not exist, or be empty).
pub fn generate(dir: &Path, spec: &Spec, progress: &dyn Progress) -> io::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::other(format!("{} is not empty", dir.display())));
    }
    if !crate::packs::PACKS.contains(&spec.pack.as_str()) {
        return Err(io::Error::other(format!(
            "no built-in pack \"{}\" (packs: {})",
            spec.pack,
            crate::packs::PACKS.join(", ")
        )));
    }
    std::fs::create_dir_all(dir)?;
    let git = |args: &[&str]| -> io::Result<()> {
        let st = Command::new("git")
            .current_dir(dir)
            .args(args)
            .stdout(Stdio::null())
            .status()?;
        if st.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("git {} failed", args.join(" "))))
        }
    };
    git(&["init", "-q", "--initial-branch=main"])?;
    let mut child = Command::new("git")
        .current_dir(dir)
        .args(["fast-import", "--quiet", "--done"])
        .stdin(Stdio::piped())
        .spawn()?;
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| io::Error::other("no stdin for git fast-import"))?;
    let mut out = BufWriter::with_capacity(1 << 20, stdin);
    let result = stream(&mut out, spec, progress);
    let flushed = out.flush();
    drop(out);
    let status = child.wait()?;
    result?;
    flushed?;
    if !status.success() {
        return Err(io::Error::other("git fast-import failed"));
    }
    git(&["reset", "-q", "--hard", "main"])?;
    Ok(())
}

/// What the generated cases take from the pack: some of its vulnerabilities, and reviews
/// where it has a risk matrix to score them on.
struct Lists {
    vulnerabilities: Vec<String>,
    reviews: bool,
}

impl Lists {
    fn of(pack: &str) -> io::Result<Lists> {
        let text = crate::packs::files_for(pack)
            .find(|(p, _)| p.ends_with("/policy.toml"))
            .map(|(_, t)| t)
            .ok_or_else(|| io::Error::other(format!("no built-in pack \"{pack}\"")))?;
        let pack: crate::pack::Pack = toml::from_str(text).map_err(io::Error::other)?;
        let vulnerabilities = pack.vulnerabilities.iter().take(6).map(|v| v.id.clone()).collect();
        Ok(Lists {
            vulnerabilities,
            reviews: pack.risk.is_some(),
        })
    }
}

fn stream(out: &mut impl Write, spec: &Spec, progress: &dyn Progress) -> io::Result<()> {
    let lists = Lists::of(&spec.pack)?;
    let mut rng = Rng::new(spec.seed);
    let team = officers();
    let commits = spec.commits.max(spec.cases + 1);
    // Commits are spread over the years before `today` (but not before 2018, where the
    // built-in bank holidays begin).
    let years = ((commits as f64 / 12_000.0).ceil() as i32).clamp(1, (spec.today.year() - 2018).max(1));
    let start = NaiveDate::from_ymd_opt(spec.today.year() - years, 1, 4).expect("a date");
    let span = (spec.today - start).num_seconds().max(commits as i64 * 60);
    let t0 = start.and_hms_opt(9, 0, 0).expect("a time").and_utc().timestamp();
    let ts = |i: usize| t0 + span * i as i64 / commits as i64;
    let day = |t: i64| chrono::DateTime::from_timestamp(t, 0).expect("a time").date_naive();

    // The first commit: configuration, pack and calendar.
    writeln!(
        out,
        "commit refs/heads/main\nmark :1\nauthor Lena Lead <lead@synthetic.invalid> {} +0000\ncommitter Lena Lead <lead@synthetic.invalid> {} +0000",
        ts(0),
        ts(0)
    )?;
    data(out, b"Set up the case repository")?;
    for (path, text) in crate::packs::files_for(&spec.pack) {
        writeln!(out, "M 100644 inline {path}")?;
        data(out, text.as_bytes())?;
    }
    writeln!(out, "M 100644 inline cme.toml")?;
    data(out, config(&spec.pack).as_bytes())?;
    writeln!(out, "M 100644 inline .gitignore")?;
    data(out, b"/site\n")?;
    writeln!(out)?;

    progress.stage("generating", commits as u64);
    let mut live: Vec<Live> = Vec::new();
    let mut created = 0usize;
    let mut per_year: std::collections::HashMap<i32, usize> = std::collections::HashMap::new();
    for i in 1..commits {
        let t = ts(i);
        let today = day(t);
        let left_commits = commits - i;
        let left_cases = spec.cases - created;
        let create = left_cases > 0 && (live.is_empty() || rng.below(left_commits as u64) < left_cases as u64);
        let officer = rng.pick(&team);
        let (idx, message) = if create {
            let n = per_year.entry(today.year()).or_default();
            *n += 1;
            let id = format!("SYN-{}-{:05}", today.year(), n);
            let case = new_case(&mut rng, &id, today, &lists);
            live.push(Live {
                path: format!("cases/{}/{id}.toml", today.year()),
                case,
            });
            created += 1;
            (live.len() - 1, format!("{id}: new referral"))
        } else {
            let idx = rng.below(live.len() as u64) as usize;
            let msg = advance(&mut rng, &mut live[idx].case, today, officer, &lists);
            (idx, format!("{}: {msg}", live[idx].case.id))
        };
        let l = &live[idx];
        writeln!(
            out,
            "commit refs/heads/main\nmark :{}\nauthor {} <{}@synthetic.invalid> {t} +0000\ncommitter {} <{}@synthetic.invalid> {t} +0000",
            i + 1,
            officer.name,
            officer.id,
            officer.name,
            officer.id
        )?;
        data(out, message.as_bytes())?;
        writeln!(out, "from :{i}")?;
        writeln!(out, "M 100644 inline {}", l.path)?;
        data(out, write::to_toml(&l.case).as_bytes())?;
        writeln!(out)?;
        progress.inc(1);
    }
    writeln!(out, "done")?;
    progress.finish();
    Ok(())
}

fn new_case(rng: &mut Rng, id: &str, today: NaiveDate, lists: &Lists) -> Case {
    let age_days = 365 * 5 + rng.below(365 * 10) as i64 + 200;
    let dob = today - Duration::days(age_days);
    let mut vulnerabilities = Vec::new();
    if rng.chance(40) && !lists.vulnerabilities.is_empty() {
        vulnerabilities.push(rng.pick(&lists.vulnerabilities).clone());
    }
    let school = rng.chance(60).then(|| School {
        urn: Some(format!("9{:05}", rng.below(99_999))),
        in_area: Some(true),
        ..School::named(rng.pick(SCHOOLS).to_string())
    });
    Case {
        format: 1,
        id: id.to_string(),
        status: Status::Open,
        child: Child {
            given_name: rng.pick(GIVEN).to_string(),
            family_name: rng.pick(FAMILY).to_string(),
            date_of_birth: dob,
            gender: Some(*rng.pick(Gender::ALL)),
            last_known_address: Some(format!(
                "{} {}, Synthetown, SY{} {}AA",
                1 + rng.below(120),
                rng.pick(STREETS),
                1 + rng.below(9),
                rng.below(10)
            )),
            whereabouts: Whereabouts::Unknown,
            vulnerabilities,
            ..Default::default()
        },
        referral: Referral {
            received: today,
            source: *rng.pick(Source::ALL),
            referrer: Some("Synthetic referrer".into()),
            reason: *rng.pick(Reason::ALL),
            ..Default::default()
        },
        school,
        ..Default::default()
    }
}

/// One step in a case's life; returns the commit message.
fn advance(rng: &mut Rng, c: &mut Case, today: NaiveDate, officer: &Officer, lists: &Lists) -> String {
    if let Some(cl) = &c.closure {
        // A closed case is reopened when new information arrives.
        c.reopened.push(Reopening {
            date: today,
            reason: "New information from a partner agency.".into(),
            closed_on: cl.date,
            closed_outcome: cl.outcome,
        });
        c.closure = None;
        c.status = Status::Open;
        return "reopened: new information".into();
    }
    if c.referral.assigned_to.is_none() {
        c.referral.assigned_to = Some(officer.id.clone());
        c.referral.assigned_on = Some(today);
        return format!("assigned to {}", officer.id);
    }
    let enough = c.actions.len() >= 4 + (rng.below(6) as usize);
    if enough && rng.chance(35) {
        let outcome = if rng.chance(70) {
            Outcome::OnRoll
        } else {
            Outcome::ConfirmedOtherLa
        };
        c.child.whereabouts = if outcome == Outcome::OnRoll {
            Whereabouts::KnownInArea
        } else {
            Whereabouts::KnownOtherLa
        };
        c.status = Status::Closed;
        c.closure = Some(Closure {
            date: today,
            outcome,
            school: (outcome == Outcome::OnRoll).then(|| rng.pick(SCHOOLS).to_string()),
            authority: (outcome == Outcome::ConfirmedOtherLa).then(|| "Elsewhere Borough Council".to_string()),
            confirmation_received: (outcome == Outcome::ConfirmedOtherLa).then_some(today),
            ..Default::default()
        });
        return format!("closed: {outcome}");
    }
    if lists.reviews && c.actions.len() > 3 && c.reviews.is_empty() && rng.chance(20) {
        c.reviews.push(Review {
            date: today,
            cme_score: Some(1 + rng.below(5) as i64),
            safeguarding_score: Some(1 + rng.below(5) as i64),
            decision: Some(Decision::RemainOpen),
            signed_off_by: Some("senior".into()),
            comments: Some("Reviewed at the whereabouts-unknown review.".into()),
        });
        return "whereabouts-unknown review".into();
    }
    let kinds = [
        ActionKind::HomeVisit,
        ActionKind::Letter,
        ActionKind::Phone,
        ActionKind::Email,
        ActionKind::SchoolEnquiry,
        ActionKind::Audit,
        ActionKind::Note,
    ];
    let kind = *rng.pick(&kinds);
    // Audits are the team manager's (COM-ROLE): the lead officer's.
    let by = if kind == ActionKind::Audit {
        "lead".to_string()
    } else {
        officer.id.clone()
    };
    c.actions.push(Action {
        date: today,
        kind,
        by: by.clone(),
        outcome: Some(rng.pick(OUTCOMES).to_string()),
        ..Default::default()
    });
    format!("{kind} by {by}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(8).next_u64(), Rng::new(7).next_u64());
    }
}
