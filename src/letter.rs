//! Letters: the pack's templates (`policy/<pack>/letters/*.md`, overridden by the authority's
//! `templates/letters/*.md`), each a TOML front matter between `+++` lines and a Tera +
//! Markdown body, rendered with a case's details into the letter an officer sends. The
//! letter is Markdown (the case repository keeps it, so git is its audit trail) and a
//! printable HTML page made from it, sanitised like every note.

use crate::calendar::long_date;
use crate::config::Contact;
use crate::load::Repo;
use crate::model::{ActionKind, Case, Vocabulary};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where the authority's own templates override the pack's.
pub const OVERRIDE_DIR: &str = "templates/letters";

/// What a template's front matter says.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Front {
    pub title: String,
    /// What it is for, in a sentence (`cme letter --list`).
    pub purpose: String,
    /// The action logged when it is sent.
    pub kind: ActionKind,
    /// Who it goes to, in words ("the parent or carer, at the last known address").
    pub goes_to: String,
    /// The addressee as the letter names them (Tera); `--to` replaces it.
    #[serde(default)]
    pub recipient: Option<String>,
    /// `--to` must be given (another authority's officer, whom the record does not name).
    #[serde(default)]
    pub to_required: bool,
    /// Whose postal address the letter carries: the child's last known address, the last
    /// school's (none recorded: the name only), or none.
    #[serde(default)]
    pub address: AddressOf,
    /// The subject line (Tera); default: the child's name and date of birth.
    #[serde(default)]
    pub subject: Option<String>,
    /// An answer is due this many working days after the letter (COM-REPLY) ...
    #[serde(default)]
    pub reply_working_days: Option<u32>,
    /// ... or this many calendar days (a statutory notice: "not less than 15 days").
    #[serde(default)]
    pub reply_days: Option<u32>,
    /// The letter is one of the pack's checks, named with `--check ID`.
    #[serde(default)]
    pub check: bool,
    /// The letter escalates the case to this escalation of the pack (the action's `to`).
    #[serde(default)]
    pub escalation: Option<String>,
    /// The letter chases an earlier letter or enquiry, named with `--about N`.
    #[serde(default)]
    pub about: bool,
    /// The letter names the school the child is to attend (a School Attendance Order),
    /// given with `--school TEXT`.
    #[serde(default)]
    pub names_school: bool,
    /// A notice is served this many working days after it is posted (first-class post: 2),
    /// and `reply_days` count from that day, inclusive (s437(2): "not less than 15 days
    /// beginning with the day on which the notice is served").
    #[serde(default)]
    pub served_after_working_days: Option<u32>,
    /// The letter is served on the parent where the child is: refused while the child's
    /// whereabouts are unknown.
    #[serde(default)]
    pub whereabouts_known: bool,
    /// The letter follows this one (a template id), sent earlier in the case and given its
    /// full time to answer: the order follows the notice of intention, which follows the
    /// s437(1) notice.
    #[serde(default)]
    pub after: Option<String>,
    /// Values of the record the letter cannot go without (`child.last_known_address`).
    #[serde(default)]
    pub needs: Vec<String>,
    /// The policy paragraph it serves (`manchester#cme-team`).
    pub policy_ref: String,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum AddressOf {
    #[default]
    Child,
    School,
    None,
    /// A reminder: the child's address when what it chases went to the family (a letter, a
    /// notice), none when it went to a school or a service.
    AsChased,
}

/// One template.
#[derive(Clone, Debug)]
pub struct Template {
    /// The file name without `.md`: what `cme letter CASE ID` names.
    pub id: String,
    /// Where it was read from.
    pub path: String,
    pub front: Front,
    pub body: String,
}

impl Template {
    /// The reply period, in words.
    pub fn reply_period(&self) -> Option<String> {
        match (self.front.reply_working_days, self.front.reply_days) {
            (Some(n), _) => Some(format!("{n} working days")),
            (None, Some(n)) => Some(format!("{n} days")),
            _ => None,
        }
    }
}

/// Splits a template file into its front matter and body, or says what is wrong.
pub fn parse(id: &str, path: &str, text: &str) -> Result<Template, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .ok_or_else(|| format!("{path} does not start with a +++ front matter line"))?;
    let end = rest
        .find("\n+++")
        .ok_or_else(|| format!("{path}: the front matter has no closing +++ line"))?;
    let front: Front = toml::from_str(&rest[..end]).map_err(|e| format!("{path}: {}", e.message()))?;
    if front.reply_working_days.is_some() && front.reply_days.is_some() {
        return Err(format!("{path}: give reply_working_days or reply_days, not both"));
    }
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']).to_string();
    // The body must be a template Tera can read: found now, not when a letter is sent.
    tera::Tera::default()
        .add_raw_template("check", &body)
        .map_err(|e| format!("{path}: the body cannot be read as a template: {}", error_chain(&e)))?;
    Ok(Template {
        id: id.to_string(),
        path: path.to_string(),
        front,
        body,
    })
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

/// The pack's templates, with the authority's overriding those of the same name (and adding
/// its own); each one that cannot be read is said, not skipped silently.
pub fn templates(repo: &Repo) -> (Vec<Template>, Vec<String>) {
    let mut found: std::collections::BTreeMap<String, Template> = Default::default();
    let mut problems = Vec::new();
    let pack_dir = format!("policy/{}/letters", repo.pack.pack.id);
    for dir in [pack_dir.as_str(), OVERRIDE_DIR] {
        for link in repo.store.links_in(dir) {
            problems.push(format!(
                "{link} is a symbolic link, which cme does not follow: copy the template there instead"
            ));
        }
        for path in repo.store.list(dir) {
            let Some(id) = path.rsplit('/').next().and_then(|n| n.strip_suffix(".md")) else {
                continue;
            };
            if !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                problems.push(format!(
                    "{path}: a template's name is lower-case letters, digits and hyphens"
                ));
                continue;
            }
            let text = match repo.store.read(&path, 256 * 1024) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => {
                    problems.push(format!("{path} cannot be read: it {e}"));
                    continue;
                }
            };
            match parse(id, &path, &text) {
                Ok(t) => {
                    found.insert(id.to_string(), t);
                }
                Err(e) => problems.push(e),
            }
        }
    }
    (found.into_values().collect(), problems)
}

/// What a letter is sent with, beyond the record.
#[derive(Clone, Debug, Default)]
pub struct Sending {
    pub date: NaiveDate,
    /// `--to`: the addressee, replacing the template's.
    pub to: Option<String>,
    /// The officer who signs it.
    pub officer: String,
    /// `--check ID`.
    pub check: Option<String>,
    /// `--about N`: the action it chases (1-based).
    pub about: Option<usize>,
    /// `--school TEXT`: the school a School Attendance Order names.
    pub school: Option<String>,
}

/// A letter made: its Markdown, and what the action that records it says.
#[derive(Clone, Debug)]
pub struct Letter {
    pub markdown: String,
    pub title: String,
    pub recipient: String,
    pub reply_due: Option<NaiveDate>,
}

/// Why a letter cannot be made: each thing missing, with the flag or key that supplies it.
#[derive(Clone, Debug)]
pub struct Missing(pub Vec<String>);

/// Markdown's own characters in a value from the record are written as themselves, so a
/// name or address never turns into a link, emphasis or HTML.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (n, line) in s.split('\n').enumerate() {
        if n > 0 {
            out.push(' ');
        }
        // What makes a line a list item, a heading or a fence only at its start: `- `,
        // `+ `, `=== `, `1. `, `2) `.
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let marker = match line.chars().next() {
            Some('-' | '+' | '=') => Some(0),
            Some(c) if c.is_ascii_digit() && matches!(line[digits..].chars().next(), Some('.' | ')')) => Some(digits),
            _ => None,
        };
        for (i, c) in line.char_indices() {
            if Some(i) == marker
                || matches!(
                    c,
                    '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '{' | '}' | '~'
                )
            {
                out.push('\\');
            }
            if c.is_control() {
                out.push(' ');
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// An address written on one line ("4, Hawthorn Close, Exampletown, EX2 4HD") as the lines of
/// an envelope; a house number alone joins the street that follows it.
pub fn address_lines(one_line: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for part in one_line.split([',', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        match pending.take() {
            Some(n) => lines.push(format!("{n} {part}")),
            None if part.bytes().all(|b| b.is_ascii_digit() || b == b'-') => pending = Some(part.to_string()),
            None => lines.push(part.to_string()),
        }
    }
    lines.extend(pending);
    lines
}

/// The record's value at a dotted path, as text (`child.last_known_address`).
fn value_at(case: &Case, path: &str) -> Option<String> {
    let (table, key) = path.split_once('.')?;
    let v = match table {
        "child" => crate::model::Record::value(&case.child, key),
        "referral" => crate::model::Record::value(&case.referral, key),
        "school" => case.school.as_ref().and_then(|s| crate::model::Record::value(s, key)),
        _ => None,
    }?;
    v.is_filled().then_some(())?;
    Some(match v {
        crate::model::Value::Text(t) => t.to_string(),
        crate::model::Value::Word(w) => w.to_string(),
        crate::model::Value::Date(d) => d.to_string(),
        other => format!("{other:?}"),
    })
}

/// Makes the letter, or says everything it lacks at once.
pub fn make(repo: &Repo, case: &Case, t: &Template, s: &Sending) -> Result<Letter, Missing> {
    let mut missing = Vec::new();
    let id = &case.id;
    for path in &t.front.needs {
        if value_at(case, path).is_none() {
            let label = crate::model::label_of(path).unwrap_or_else(|| path.clone());
            missing.push(format!(
                "{label} ({path}), which {id} does not record: add it with cme set {id} {path} VALUE --reason \"...\""
            ));
        }
    }
    let contact = repo.config.contact.as_ref();
    if contact.is_none() {
        missing.push(
            "the team's contact details, which cme.toml does not give: add [contact] with team, address (a list of lines), phone and email"
                .into(),
        );
    }
    let officer = repo.config.officer(&s.officer);
    if officer.is_none() {
        missing.push(format!(
            "an officer to sign it: \"{}\" is not an officer in cme.toml (--by ID)",
            s.officer
        ));
    }
    if t.front.to_required && s.to.as_deref().is_none_or(|t| t.trim().is_empty()) {
        missing.push(format!("whom it goes to ({}): --to \"...\"", t.front.goes_to));
    }
    let by_letter: Vec<&str> = repo
        .pack
        .checks
        .iter()
        .filter(|x| x.by_letter)
        .map(|x| x.id.as_str())
        .collect();
    let check = match (&s.check, t.front.check) {
        (Some(c), true) => match repo.pack.checks.iter().find(|x| &x.id == c) {
            Some(x) if x.by_letter => Some(x),
            Some(x) => {
                missing.push(format!(
                    "a check asked for in writing: {} is one the team makes itself; log it with cme act {id} --kind database-check --check {c} (by letter: {})",
                    x.label,
                    by_letter.join(", ")
                ));
                None
            }
            None => {
                missing.push(format!(
                    "a check of the pack asked for in writing: \"{c}\" is not one (--check ID: {})",
                    by_letter.join(", ")
                ));
                None
            }
        },
        (None, true) => {
            missing.push(format!(
                "which check it asks for: --check ID ({})",
                by_letter.join(", ")
            ));
            None
        }
        (Some(_), false) => {
            missing.push(format!("no --check: the {} letter is not a check", t.id));
            None
        }
        (None, false) => None,
    };
    let about = match (s.about, t.front.about) {
        (Some(n), true) => match n.checked_sub(1).and_then(|i| case.actions.get(i)) {
            Some(a) => Some((n, a)),
            None => {
                missing.push(format!(
                    "the letter or enquiry it chases: {id} has no action {n} (--about N, counting from 1)"
                ));
                None
            }
        },
        (None, true) => {
            let awaited: Vec<String> = case
                .actions
                .iter()
                .enumerate()
                .filter(|(i, a)| a.reply_due.is_some() && crate::deadline::answer(case, i + 1).is_none())
                .map(|(i, a)| format!("{} ({} {})", i + 1, a.kind, a.date))
                .collect();
            missing.push(format!(
                "the letter or enquiry it chases: --about N ({})",
                if awaited.is_empty() {
                    "no action of this case awaits a reply".to_string()
                } else {
                    format!("awaiting a reply: {}", awaited.join(", "))
                }
            ));
            None
        }
        (Some(_), false) => {
            missing.push(format!("no --about: the {} letter chases nothing", t.id));
            None
        }
        (None, false) => None,
    };
    if t.front.whereabouts_known && case.child.whereabouts == crate::model::Whereabouts::Unknown {
        missing.push(format!(
            "where the child is: the {} is served on the parent, and {id}'s whereabouts are unknown (record them with cme set {id} child.whereabouts WORD --reason \"...\")",
            t.front.title
        ));
    }
    if let Some(before) = &t.front.after {
        let since = case.episode_start();
        let earlier = case
            .actions
            .iter()
            .filter(|a| a.date >= since)
            .filter(|a| {
                a.letter
                    .as_deref()
                    .and_then(|l| l.rsplit('/').next())
                    .is_some_and(|name| {
                        name.strip_suffix(".md")
                            .is_some_and(|n| n[n.len().min(11)..].starts_with(before.as_str()))
                    })
            })
            .max_by_key(|a| a.date);
        match earlier {
            None => missing.push(format!(
                "the {before} letter first: the {} follows it (cme letter {id} {before})",
                t.front.title
            )),
            Some(a) if a.reply_due.is_some_and(|due| s.date <= due) => missing.push(format!(
                "the {before} letter's time to answer to run out: it was sent on {} and gives until {} (send this after that day)",
                a.date,
                a.reply_due.map(|d| d.to_string()).unwrap_or_default()
            )),
            Some(_) => {}
        }
    }
    match (&s.school, t.front.names_school) {
        (None, true) => missing.push("the school the child is to attend: --school \"...\"".into()),
        (Some(_), false) => missing.push(format!("no --school: the {} letter names no school", t.id)),
        _ => {}
    }
    let escalation = match &t.front.escalation {
        Some(e) => match repo.pack.escalations.iter().find(|x| &x.id == e) {
            Some(x) => Some(x),
            None => {
                missing.push(format!(
                    "the escalation it names, \"{e}\", which the pack does not have ({})",
                    t.path
                ));
                None
            }
        },
        None => None,
    };
    if !missing.is_empty() {
        return Err(Missing(missing));
    }
    let (Some(contact), Some(officer)) = (contact, officer) else {
        return Err(Missing(vec!["the team's contact details and an officer".into()]));
    };
    let reply_due = match (t.front.reply_working_days, t.front.reply_days) {
        (Some(n), _) => match repo.calendar.add_working_days(s.date, n) {
            Ok(d) => Some(d),
            Err(e) => return Err(Missing(vec![format!("a reply date the calendar can count: {e}")])),
        },
        (None, Some(n)) => {
            // Counted from the day it is served, that day included, where the template says
            // when a posted letter is served.
            let served = match t.front.served_after_working_days {
                Some(w) => repo
                    .calendar
                    .add_working_days(s.date, w)
                    .map_err(|e| Missing(vec![format!("a service date the calendar can count: {e}")]))?,
                None => s.date,
            };
            let days = if t.front.served_after_working_days.is_some() {
                n.saturating_sub(1)
            } else {
                n
            };
            Some(
                served
                    .checked_add_signed(chrono::Duration::days(days.into()))
                    .filter(|d| (*d - s.date).num_days() <= 366)
                    .ok_or_else(|| Missing(vec![format!("a reply period of a year or less ({})", t.path)]))?,
            )
        }
        _ => None,
    };
    let mut ctx = context(repo, case, contact, officer, s, check, escalation, about, reply_due);
    ctx.insert("goes_to", &t.front.goes_to);
    let render = |name: &str, text: &str| -> Result<String, Missing> {
        let mut tera = crate::site::tera_without_env();
        tera.autoescape_on(vec![".md"]);
        tera.set_escape_fn(escape_markdown);
        tera.add_raw_template(name, text)
            .and_then(|_| tera.render(name, &ctx))
            .map_err(|e| {
                Missing(vec![format!(
                    "a template that renders ({}): {}",
                    t.path,
                    error_chain(&e)
                )])
            })
    };
    let recipient = match &s.to {
        Some(to) if !to.trim().is_empty() => to.trim().to_string(),
        _ => render("recipient.md", t.front.recipient.as_deref().unwrap_or("{{ goes_to }}"))?.replace('\\', ""),
    };
    let subject = render(
        "subject.md",
        t.front
            .subject
            .as_deref()
            .unwrap_or("{{ child.name }}, born {{ child.date_of_birth }}"),
    )?;
    let body = render("body.md", &t.body)?;
    let mut md = String::new();
    let line = |md: &mut String, l: &str| {
        md.push_str(l);
        md.push_str("  \n");
    };
    line(
        &mut md,
        &format!("**{}**", escape_markdown(&repo.config.authority.name)),
    );
    line(&mut md, &escape_markdown(&contact.team));
    for l in &contact.address {
        line(&mut md, &escape_markdown(l));
    }
    line(&mut md, &format!("Telephone: {}", escape_markdown(&contact.phone)));
    md.push_str(&format!("Email: {}\n\n", escape_markdown(&contact.email)));
    md.push_str(&format!("{}\n\n", long_date(s.date)));
    md.push_str(&format!("Our reference: {}\n\n", escape_markdown(id)));
    let address: Vec<String> = match t.front.address {
        AddressOf::Child => case
            .child
            .last_known_address
            .as_deref()
            .map(address_lines)
            .unwrap_or_default(),
        AddressOf::AsChased if about.is_some_and(|(_, a)| matches!(a.kind, ActionKind::Letter | ActionKind::Sao)) => {
            case.child
                .last_known_address
                .as_deref()
                .map(address_lines)
                .unwrap_or_default()
        }
        AddressOf::School | AddressOf::None | AddressOf::AsChased => Vec::new(),
    };
    let mut block = vec![escape_markdown(&recipient)];
    block.extend(address.iter().map(|l| escape_markdown(l)));
    md.push_str(&block.join("  \n"));
    md.push_str("\n\n");
    md.push_str(&format!("**{}**\n\n", subject.trim()));
    md.push_str(body.trim());
    md.push_str("\n\nYours sincerely,\n\n");
    line(&mut md, &escape_markdown(&officer.name));
    let role = repo.pack.role_label(&officer.role_on(s.date));
    md.push_str(&format!(
        "{}, {}\n",
        escape_markdown(&role),
        escape_markdown(&contact.team)
    ));
    Ok(Letter {
        markdown: md,
        title: t.front.title.clone(),
        recipient,
        reply_due,
    })
}

#[allow(clippy::too_many_arguments)]
fn context(
    repo: &Repo,
    case: &Case,
    contact: &Contact,
    officer: &crate::config::Officer,
    s: &Sending,
    check: Option<&crate::pack::Check>,
    escalation: Option<&crate::pack::Listed>,
    about: Option<(usize, &crate::model::Action)>,
    reply_due: Option<NaiveDate>,
) -> tera::Context {
    let child = &case.child;
    let mut c = tera::Context::new();
    c.insert(
        "child",
        &serde_json::json!({
            "given_name": child.given_name,
            "family_name": child.family_name,
            "name": format!("{} {}", child.given_name, child.family_name),
            "date_of_birth": long_date(child.date_of_birth),
            "upn": child.upn,
            "address": child.last_known_address,
            "address_lines": child.last_known_address.as_deref().map(address_lines).unwrap_or_default(),
        }),
    );
    c.insert(
        "school",
        &case.school.as_ref().map(|sc| {
            serde_json::json!({
                "name": sc.name,
                "urn": sc.urn,
                "last_attended": sc.last_attended.map(crate::calendar::long_date),
            })
        }),
    );
    c.insert(
        "case",
        &serde_json::json!({ "id": case.id, "received": long_date(case.referral.received) }),
    );
    c.insert("officer", &serde_json::json!({ "name": officer.name }));
    c.insert(
        "authority",
        &serde_json::json!({
            "name": repo.config.authority.name,
            "team": contact.team,
            "address_lines": contact.address,
            "phone": contact.phone,
            "email": contact.email,
        }),
    );
    c.insert("date", &long_date(s.date));
    c.insert(
        "reply_by",
        &reply_due.map(crate::calendar::long_date).unwrap_or_default(),
    );
    c.insert("to", &s.to.clone().unwrap_or_default());
    c.insert("named_school", &s.school.clone().unwrap_or_default());
    c.insert(
        "check",
        &check.map(|x| serde_json::json!({ "id": x.id, "label": x.label, "group": x.group })),
    );
    c.insert(
        "escalation",
        &escalation.map(|x| serde_json::json!({ "id": x.id, "label": x.label })),
    );
    c.insert(
        "about",
        &about.map(|(n, a)| {
            serde_json::json!({
                "number": n,
                "date": long_date(a.date),
                "kind": a.kind.as_str(),
                "recipient": a.recipient,
            })
        }),
    );
    c.insert("policy", &repo.pack.pack.name);
    c
}

/// The file a letter is kept in: `letters/<CASE-ID>/<DATE>-<TEMPLATE>.md`, numbered when
/// the same letter went out twice on one day.
pub fn file_name(case: &str, date: NaiveDate, template: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = format!("letters/{case}/{date}-{template}");
    let mut path = format!("{base}.md");
    let mut n = 2;
    while taken(&path) {
        path = format!("{base}-{n}.md");
        n += 1;
    }
    path
}

/// Whether a path is one `cme letter` writes for this case (what a record's `letter` may
/// name: nothing outside the case's own letters folder).
pub fn is_letter_path(case: &str, path: &str) -> bool {
    let Some(name) = path
        .strip_prefix("letters/")
        .and_then(|p| p.strip_prefix(case))
        .and_then(|p| p.strip_prefix('/'))
    else {
        return false;
    };
    name.ends_with(".md")
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        && !name.contains("..")
}

/// A letter as a page to print: its Markdown rendered and sanitised like every note, on an
/// A4 page of its own, with nothing fetched from elsewhere.
pub fn html_page(title: &str, markdown: &str) -> String {
    let body = crate::site::markdown::note(markdown);
    let title = crate::site::markdown::note(title);
    let title = title.trim().trim_start_matches("<p>").trim_end_matches("</p>");
    format!(
        r#"<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
@page {{ size: A4; margin: 20mm; }}
body {{ font-family: Arial, Helvetica, sans-serif; font-size: 12pt; line-height: 1.45; color: #0b0c0c; max-width: 170mm; margin: 2em auto; padding: 0 1em; }}
main > p:first-child {{ text-align: right; }}
strong {{ font-weight: 700; }}
a {{ color: #1d70b8; }}
.cme-visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
@media print {{ body {{ margin: 0; max-width: none; padding: 0; }} }}
</style>
</head>
<body>
<main>
<h1 class="cme-visually-hidden">{title}</h1>
{body}
</main>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_set_out_as_an_envelope_has_them() {
        assert_eq!(
            address_lines("4, Hawthorn Close, Exampletown, EX2 4HD"),
            ["4 Hawthorn Close", "Exampletown", "EX2 4HD"]
        );
        assert_eq!(address_lines("Flat 2\n12 Elm Row"), ["Flat 2", "12 Elm Row"]);
    }

    #[test]
    fn a_value_from_the_record_stays_text() {
        assert_eq!(
            escape_markdown("[x](javascript:1) <b>*"),
            "\\[x\\](javascript:1) \\<b\\>\\*"
        );
        // Nothing that starts a list, a heading or a code block.
        for (value, tag) in [
            ("~~~", "<pre"),
            ("===", "<h1"),
            ("+ Testtown", "<li"),
            ("1. CME Officer", "<ol"),
            ("- x", "<li"),
            ("12) y", "<ol"),
        ] {
            let html = crate::site::markdown::note(&format!("Dear\n{}\n", escape_markdown(value)));
            assert!(!html.contains(tag), "{value}: {html}");
        }
        assert_eq!(escape_markdown("12-14 Elm Row"), "12-14 Elm Row");
        let html = html_page("T", &format!("Dear {}", escape_markdown("<script>alert(1)</script>")));
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains("Content-Security-Policy"));
    }

    #[test]
    fn a_letters_page_has_its_title_as_its_heading() {
        let html = html_page("First letter to the family", "Dear parent or carer,");
        assert!(
            html.contains("<h1 class=\"cme-visually-hidden\">First letter to the family</h1>"),
            "{html}"
        );
    }

    #[test]
    fn a_letter_is_kept_in_its_cases_folder() {
        assert!(is_letter_path(
            "MAN-2026-0001",
            "letters/MAN-2026-0001/2026-11-30-first-letter.md"
        ));
        assert!(!is_letter_path("MAN-2026-0001", "letters/MAN-2026-0002/x.md"));
        assert!(!is_letter_path("MAN-2026-0001", "letters/MAN-2026-0001/../../cme.toml"));
        assert!(!is_letter_path("MAN-2026-0001", "letters/MAN-2026-0001/x.html"));
        let taken = |p: &str| p.ends_with("first.md");
        assert_eq!(
            file_name("C", NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), "first", taken),
            "letters/C/2026-11-30-first-2.md"
        );
    }

    #[test]
    fn a_template_is_front_matter_and_a_body() {
        let t = parse(
            "first",
            "x.md",
            "+++\ntitle = \"T\"\npurpose = \"P\"\nkind = \"letter\"\ngoes_to = \"the parent\"\nreply_working_days = 10\npolicy_ref = \"manchester#cme-team\"\n+++\n\nDear {{ to }},\n",
        )
        .unwrap();
        assert_eq!(t.front.kind, ActionKind::Letter);
        assert_eq!(t.reply_period().as_deref(), Some("10 working days"));
        assert!(t.body.starts_with("Dear"));
        assert!(parse("x", "x.md", "no front matter").is_err());
        let e = parse("x", "x.md", "+++\ntitle = \"T\"\n+++\nbody").unwrap_err();
        assert!(e.contains("x.md"), "{e}");
        let e = parse(
            "x",
            "x.md",
            "+++\ntitle = \"T\"\npurpose = \"P\"\nkind = \"letter\"\ngoes_to = \"g\"\npolicy_ref = \"r\"\n+++\n{% if %}",
        )
        .unwrap_err();
        assert!(e.contains("cannot be read as a template"), "{e}");
    }
}
