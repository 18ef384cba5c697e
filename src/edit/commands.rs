//! `cme new`, `assign`, `act`, `review`, `close` and `reopen`.

use super::{EditError, Given, Result, Terms, new_table, open_case, save, toml_date};
use crate::diagnostic::CheckReport;
use crate::load::Repo;
use crate::model::id::CaseId;
use crate::model::*;
use chrono::NaiveDate;
use toml_edit::{DocumentMut, Item, Table, value};

/// What a command did, for the caller to print and (with `--commit`) to commit.
pub struct Done {
    pub path: String,
    pub message: String,
    /// Warnings the change brought to the record (shown by the command that wrote it).
    pub warnings: CheckReport,
}

fn officer(repo: &Repo, id: &str) -> Result<()> {
    if repo.config.officer(id).is_some() {
        return Ok(());
    }
    let ids = repo.policy().ids(crate::model::Ids::Officers);
    let hint = nearest(id, ids.iter().copied())
        .map(|n| format!(" Did you mean \"{n}\"?"))
        .unwrap_or_default();
    Err(EditError::Usage(format!(
        "\"{id}\" is not an officer in cme.toml.{hint} Officers: {}",
        ids.join(", ")
    )))
}

fn not_future(d: NaiveDate, today: NaiveDate, what: &str) -> Result<()> {
    if d > today {
        return Err(EditError::Usage(format!(
            "{what} {d} is in the future (today is {today}): record things once they have happened"
        )));
    }
    Ok(())
}

fn status_of(doc: &DocumentMut) -> Option<&str> {
    doc.get("status").and_then(|s| s.as_str())
}

fn set(t: &mut Table, key: &str, v: Option<toml_edit::Value>) {
    if let Some(v) = v {
        t.insert(key, Item::Value(v));
    }
}

/// Appends a table to an array of tables, keeping it in date order.
fn push_dated(doc: &mut DocumentMut, section: &str, table: Table, date: NaiveDate) {
    let mut table = table;
    let existing: Vec<(usize, NaiveDate, Option<isize>)> = doc
        .get(section)
        .and_then(|i| i.as_array_of_tables())
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let dt = t.get("date")?.as_datetime()?.date?;
                    Some((
                        i,
                        NaiveDate::from_ymd_opt(dt.year.into(), dt.month.into(), dt.day.into())?,
                        t.position(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    // After every entry dated on or before this one.
    let index = existing
        .iter()
        .filter(|(_, d, _)| *d <= date)
        .map(|(i, _, _)| i + 1)
        .max()
        .unwrap_or(0);
    if index < existing.len() {
        // Back-dated: the entries after it move down one, and a reply that names one of
        // them by its number follows it.
        if section == "action" {
            renumber_replies(doc, index);
        }
        // Slot it in before the first later entry.
        let before = existing
            .iter()
            .find(|(i, _, _)| *i == index)
            .and_then(|(_, _, p)| *p)
            .unwrap_or(0);
        super::shift_tables(doc, before);
        table.set_position(Some(before));
    }
    if doc.get(section).is_none() {
        doc.insert(section, Item::ArrayOfTables(toml_edit::ArrayOfTables::new()));
    }
    if let Some(a) = doc.get_mut(section).and_then(|i| i.as_array_of_tables_mut()) {
        a.insert(index.min(a.len()), table);
    }
}

/// An action is inserted at `index` (0-based): every `reply_to` and `chases` naming action
/// `index + 1` or later names the same action, now one further down.
fn renumber_replies(doc: &mut DocumentMut, index: usize) {
    let Some(actions) = doc.get_mut("action").and_then(|i| i.as_array_of_tables_mut()) else {
        return;
    };
    for t in actions.iter_mut() {
        for key in ["reply_to", "chases"] {
            if let Some(n) = t.get(key).and_then(|v| v.as_integer())
                && n > index as i64
                && let Some(v) = t.get_mut(key).and_then(|i| i.as_value_mut())
            {
                let decor = v.decor().clone();
                *v = toml_edit::Value::from(n + 1);
                *v.decor_mut() = decor;
            }
        }
    }
}

fn require_open(doc: &DocumentMut, id: &str, doing: &str) -> Result<()> {
    if status_of(doc) == Some("closed") {
        return Err(EditError::Usage(format!(
            "{id} is closed: reopen it first (cme reopen {id} --reason \"...\") before you {doing}"
        )));
    }
    Ok(())
}

/// `cme assign CASE OFFICER`.
pub fn assign(repo: &Repo, today: NaiveDate, id: &str, who: &str, date: Option<NaiveDate>) -> Result<Done> {
    officer(repo, who)?;
    let date = date.unwrap_or(today);
    not_future(date, today, "the assignment date")?;
    let mut opened = open_case(repo, id, today)?;
    let rel = opened.rel.clone();
    let doc = &mut opened.doc;
    require_open(doc, id, "assign it")?;
    let r = doc
        .get_mut("referral")
        .and_then(|i| i.as_table_mut())
        .ok_or_else(|| EditError::Usage(format!("{id} has no [referral]")))?;
    r.insert("assigned_to", value(who));
    r.insert("assigned_on", Item::Value(toml_date(date)));
    let terms = Terms::new(
        Some("referral"),
        vec![
            ("assigned_to".into(), "OFFICER".into()),
            ("assigned_on".into(), "--date YYYY-MM-DD".into()),
        ],
    );
    let warnings = save(repo, &opened, today, "the assignment", &terms)?;
    Ok(Done {
        path: rel,
        message: format!("{id}: assigned to {who}"),
        warnings,
    })
}

/// Says which flag a command cannot run without.
fn needed<T>(v: Option<T>, flag: &str, what: &str) -> Result<T> {
    v.ok_or_else(|| EditError::Usage(format!("say {what}: --{flag}")))
}

/// `cme act CASE --kind ... --by ...`: the flags are the `[[action]]` fields.
pub fn act(repo: &Repo, today: NaiveDate, id: &str, g: &Given) -> Result<Done> {
    let kind = needed(g.text("kind").and_then(ActionKind::parse), "kind", "what was done")?;
    let by = needed(g.text("by"), "by", "who did it")?;
    if by != SCHOOL {
        officer(repo, by)?;
    }
    let date = g.date("date").unwrap_or(today);
    not_future(date, today, "the action's date")?;
    let mut opened = open_case(repo, id, today)?;
    let rel = opened.rel.clone();
    let doc = &mut opened.doc;
    require_open(doc, id, "log more enquiries")?;
    let mut t = new_table(doc, "action");
    let mut g = g.clone();
    g.set("date", toml_date(date));
    g.fill::<Action>(&mut t);
    push_dated(doc, "action", t, date);
    let warnings = save(
        repo,
        &opened,
        today,
        "the action",
        &Terms::of::<Action>("action").for_case(id),
    )?;
    let detail = g
        .text("check")
        .or(g.text("to"))
        .map(|x| format!(" ({x})"))
        .unwrap_or_default();
    Ok(Done {
        path: rel,
        message: format!("{id}: {kind}{detail} by {by}"),
        warnings,
    })
}

/// `cme review CASE --cme-score N --safeguarding-score N --decision ... --signed-off-by ID`:
/// the flags are the `[[review]]` fields.
pub fn review(repo: &Repo, today: NaiveDate, id: &str, g: &Given) -> Result<Done> {
    let signed_off_by = needed(g.text("signed_off_by"), "signed-off-by", "who signed the review off")?;
    officer(repo, signed_off_by)?;
    let decision = needed(
        g.text("decision").and_then(Decision::parse),
        "decision",
        "what the review decided",
    )?;
    for f in Review::fields() {
        if let Some(n) = g.int(f.name)
            && let Some((lo, hi)) = f.off_scale(n)
        {
            return Err(EditError::Usage(format!(
                "--{} is {n}; scores run from {lo} to {hi}",
                f.flag_name()
            )));
        }
    }
    let scores = (g.int("cme_score"), g.int("safeguarding_score"));
    let date = g.date("date").unwrap_or(today);
    not_future(date, today, "the review's date")?;
    let mut opened = open_case(repo, id, today)?;
    let rel = opened.rel.clone();
    let doc = &mut opened.doc;
    require_open(doc, id, "review it")?;
    let mut t = new_table(doc, "review");
    let mut g = g.clone();
    g.set("date", toml_date(date));
    g.fill::<Review>(&mut t);
    push_dated(doc, "review", t, date);
    let warnings = save(
        repo,
        &opened,
        today,
        "the review",
        &Terms::of::<Review>("review").for_case(id),
    )?;
    let level = match (&repo.pack.risk, scores) {
        (Some(m), (Some(c), Some(s))) => m.level(c, s).map(|l| format!(", risk {l}")),
        _ => None,
    }
    .unwrap_or_default();
    Ok(Done {
        path: rel,
        message: format!("{id}: review, decision {decision}{level}"),
        warnings,
    })
}

/// `cme close CASE --outcome ...`: the flags are the `[closure]` fields. Refused with the
/// rule and what is missing when the closure would break the policy.
pub fn close(repo: &Repo, today: NaiveDate, id: &str, g: &Given) -> Result<Done> {
    let outcome = needed(
        g.text("outcome").and_then(Outcome::parse),
        "outcome",
        "how the case ends",
    )?;
    let date = g.date("date").unwrap_or(today);
    not_future(date, today, "the closure date")?;
    let mut opened = open_case(repo, id, today)?;
    let rel = opened.rel.clone();
    let doc = &mut opened.doc;
    if status_of(doc) == Some("closed") {
        return Err(EditError::Usage(format!(
            "{id} is already closed: to record something new, reopen it first (cme reopen {id} --reason \"...\")"
        )));
    }
    doc.insert("status", value("closed"));
    let mut t = new_table(doc, "closure");
    let mut g = g.clone();
    g.set("date", toml_date(date));
    g.fill::<Closure>(&mut t);
    doc.insert("closure", Item::Table(t));
    let warnings = save(
        repo,
        &opened,
        today,
        "the closure",
        &Terms::of::<Closure>("closure").for_case(id),
    )?;
    Ok(Done {
        path: rel,
        message: format!("{id}: closed, {outcome}"),
        warnings,
    })
}

/// `cme reopen CASE --reason ...`: the closure is undone and recorded in `[[reopened]]`.
pub fn reopen(
    repo: &Repo,
    today: NaiveDate,
    id: &str,
    reason: &str,
    date: Option<NaiveDate>,
    allow_duplicate: Option<&str>,
) -> Result<Done> {
    if reason.trim().is_empty() {
        return Err(EditError::Usage(
            "say why the case is reopened: --reason \"...\"".into(),
        ));
    }
    let date = date.unwrap_or(today);
    not_future(date, today, "the reopening date")?;
    let mut opened = open_case(repo, id, today)?;
    let rel = opened.rel.clone();
    let doc = &mut opened.doc;
    let closure = doc.get("closure").and_then(|c| c.as_table()).cloned();
    let (Some(closure), Some("closed")) = (closure, status_of(doc)) else {
        return Err(EditError::Usage(format!(
            "{id} is open: only a closed case can be reopened"
        )));
    };
    // One child, one open case: a child who has another open case now is not reopened here
    // unless the officer says why (kept in the record).
    let file = crate::load::parse_case(&rel, doc.to_string().into_bytes());
    if let Some(case) = &file.case {
        let me = crate::duplicate::Identity::of(case);
        let open = super::open_children(repo);
        if let Some((_, other)) = crate::duplicate::matches_of(&me, &open).first() {
            match allow_duplicate.map(str::trim).filter(|r| !r.is_empty()) {
                Some(why) => {
                    if let Some(r) = doc.get_mut("referral").and_then(|i| i.as_table_mut()) {
                        r.insert("duplicate_reason", value(why));
                    }
                }
                None => {
                    return Err(EditError::Duplicate(format!(
                        "{} {} has another open case, {}: one child has one open case. Record the new information in {} (cme act {} ...), or, if both must be open, run the command again with --allow-duplicate \"why\" (nothing was written)",
                        case.child.given_name, case.child.family_name, other.id, other.id, other.id
                    )));
                }
            }
        }
    }
    let closed_on = closure.get("date").and_then(|d| d.as_value()).cloned();
    let closed_outcome = closure.get("outcome").and_then(|d| d.as_value()).cloned();
    doc.remove("closure");
    doc.insert("status", value("open"));
    let mut t = new_table(doc, "reopened");
    t.insert("date", Item::Value(toml_date(date)));
    t.insert("reason", value(reason));
    set(&mut t, "closed_on", closed_on.map(|v| v.decorated(" ", "")));
    set(&mut t, "closed_outcome", closed_outcome.map(|v| v.decorated(" ", "")));
    push_dated(doc, "reopened", t, date);
    let terms = Terms::new(
        Some("reopened"),
        vec![
            ("reason".into(), "--reason TEXT".into()),
            ("date".into(), "--date YYYY-MM-DD".into()),
        ],
    );
    let warnings = save(repo, &opened, today, "the reopening", &terms)?;
    Ok(Done {
        path: rel,
        message: format!("{id}: reopened"),
        warnings,
    })
}

/// A new referral.
pub struct NewArgs {
    pub given_name: String,
    pub family_name: String,
    pub dob: NaiveDate,
    pub source: Source,
    pub reason: Reason,
    pub received: Option<NaiveDate>,
    pub referrer: Option<String>,
    pub whereabouts: Whereabouts,
    pub upn: Option<String>,
    pub gender: Option<Gender>,
    pub address: Option<String>,
    pub vulnerabilities: Vec<String>,
    pub school: Option<String>,
    pub assign: Option<String>,
    /// Open the case beside another open case for the same child, for this reason.
    pub allow_duplicate: Option<String>,
}

/// The next free id of a year: one more than the highest number used in the repository.
pub fn next_id(repo: &Repo, year: i32) -> CaseId {
    case_id(repo, year, next_number(repo, year))
}

/// The number the next case of `year` gets: one more than the highest there is.
pub fn next_number(repo: &Repo, year: i32) -> u32 {
    let prefix = format!("{}-{year}-", repo.config.authority.code);
    let (paths, _) = repo.store.case_paths();
    let max = paths
        .iter()
        .filter_map(|p| CaseId::of_path(p).number_after(&prefix))
        .max()
        .unwrap_or(0);
    max + 1
}

/// `EXC-2026-0042`.
pub fn case_id(repo: &Repo, year: i32, number: u32) -> CaseId {
    CaseId::new(&repo.config.authority.code, year, number)
}

/// `cme new ...`: allocates the next id of the referral's year and writes the file.
pub fn new(repo: &Repo, today: NaiveDate, a: &NewArgs) -> Result<Done> {
    let received = a.received.unwrap_or(today);
    not_future(received, today, "the referral date")?;
    if let Some(who) = &a.assign {
        officer(repo, who)?;
    }
    let case_id = next_id(repo, chrono::Datelike::year(&received));
    let rel = case_id.path();
    let id = case_id.to_string();
    // Every field named; one added to the record's description later takes its default.
    #[allow(clippy::needless_update)]
    let case = Case {
        format: FORMAT_VERSION,
        id: id.clone(),
        status: Status::Open,
        child: Child {
            given_name: a.given_name.clone(),
            family_name: a.family_name.clone(),
            date_of_birth: a.dob,
            upn: a.upn.clone(),
            gender: a.gender,
            last_known_address: a.address.clone(),
            whereabouts: a.whereabouts,
            vulnerabilities: a.vulnerabilities.clone(),
            ..Default::default()
        },
        referral: Referral {
            received,
            source: a.source,
            referrer: a.referrer.clone(),
            reason: a.reason,
            assigned_to: a.assign.clone(),
            assigned_on: a.assign.as_ref().map(|_| today.max(received)),
            duplicate_reason: a.allow_duplicate.clone(),
            ..Default::default()
        },
        school: a.school.as_ref().map(School::named),
        ..Default::default()
    };
    if case
        .referral
        .duplicate_reason
        .as_deref()
        .is_some_and(|r| r.trim().is_empty())
    {
        return Err(EditError::Usage(
            "--allow-duplicate needs the reason the child has two open cases".into(),
        ));
    }
    if case.referral.duplicate_reason.is_none() {
        let me = crate::duplicate::Identity::of(&case);
        let open = super::open_children(repo);
        if let Some((how, other)) = crate::duplicate::matches_of(&me, &open).first() {
            let why = match how {
                crate::duplicate::Match::Upn => format!(
                    "the UPN {} is in open case {}",
                    me.upn.as_deref().unwrap_or(""),
                    other.id
                ),
                crate::duplicate::Match::Name => format!(
                    "open case {} is for a child with the same date of birth, family name and a matching given name",
                    other.id
                ),
            };
            return Err(EditError::Duplicate(format!(
                "{} {} may already have an open case: {why}. One child has one open case: record this referral in {} (cme act {} ...), or, if it is a different child or a second case is right, run the command again with --allow-duplicate \"why\" (nothing was written)",
                a.given_name, a.family_name, other.id, other.id
            )));
        }
    }
    let warnings = write_new(repo, today, &rel, &case)?;
    Ok(Done {
        path: rel,
        message: format!("{id}: new referral"),
        warnings,
    })
}

/// Writes a new case file (never over an existing one), after checking it: its warnings.
pub fn write_new(repo: &Repo, today: NaiveDate, rel: &str, case: &Case) -> Result<CheckReport> {
    let mut text = String::new();
    if repo.root.join(crate::schema::FILE).exists() {
        text.push_str(&crate::schema::directive());
        text.push('\n');
    }
    text.push_str(&write::to_toml(case));
    let report = super::check_text(repo, rel, &text, today);
    if report.errors() > 0 {
        return Err(super::refused(
            report,
            &Terms::new_case(),
            format!(
                "{} was not created: the record would break the policy (nothing was written)",
                case.id
            ),
        ));
    }
    let path = repo.root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    super::write_record(&repo.root, rel, text.as_bytes(), true).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            EditError::Usage(format!(
                "{rel} already exists: another referral took that id; run the command again"
            ))
        } else {
            EditError::Io(e)
        }
    })?;
    Ok(super::new_warnings(report, &[]))
}
