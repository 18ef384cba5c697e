//! `cme letter CASE TEMPLATE`: writes a letter from the pack's template with the record's
//! details to `letters/<CASE>/<DATE>-<TEMPLATE>.md` (and a printable HTML page beside it),
//! and logs the action that sent it (its kind, addressee, and the reply date the template's
//! period gives), in one change that `--commit` commits whole. Whatever the letter needs and
//! the record lacks is refused before anything is written, naming the flag or key that
//! supplies it.

use super::commands::Done;
use super::{EditError, Given, Result, find_case, toml_date};
use crate::letter::{self, Sending, Template};
use crate::load::Repo;
use crate::model::{ActionKind, Vocabulary};
use chrono::NaiveDate;

/// What `cme letter` was given.
pub struct LetterArgs {
    pub template: String,
    pub to: Option<String>,
    pub date: Option<NaiveDate>,
    pub by: Option<String>,
    pub check: Option<String>,
    pub about: Option<usize>,
    pub school: Option<String>,
}

/// A letter sent: the action logged, and the two files written.
pub struct Sent {
    pub done: Done,
    /// Said when the letter takes a step of the ladder that the pack gives to another role.
    pub note: Option<String>,
    pub letter: String,
    pub page: String,
    pub recipient: String,
    pub reply_due: Option<NaiveDate>,
    /// The number (from 1, in the file's order) of the action that sent it: what
    /// `cme act --reply-to` takes.
    pub number: usize,
}

impl super::Written for Sent {
    fn files(&self) -> Vec<&str> {
        vec![self.done.path.as_str(), self.letter.as_str(), self.page.as_str()]
    }
    fn message(&self) -> String {
        self.done.message.clone()
    }
}

/// The template of that name, or what the names are.
pub fn template(repo: &Repo, name: &str) -> Result<Template> {
    let (all, problems) = letter::templates(repo);
    if let Some(t) = all.iter().find(|t| t.id == name) {
        return Ok(t.clone());
    }
    let names: Vec<&str> = all.iter().map(|t| t.id.as_str()).collect();
    let hint = crate::model::nearest(name, names.iter().copied())
        .map(|n| format!(" Did you mean \"{n}\"?"))
        .unwrap_or_default();
    let broken = problems
        .iter()
        .find(|p| p.contains(&format!("/{name}.md")))
        .map(|p| format!(" (a template of that name cannot be read: {p})"))
        .unwrap_or_default();
    Err(EditError::Usage(format!(
        "no letter template \"{name}\"{broken}.{hint} The templates are: {} (cme letter --list says what each is for)",
        names.join(", ")
    )))
}

/// The case's letters folder, `letters/<CASE>`, made if need be: a real folder inside the
/// repository, never one reached through a symbolic link (a letter names a child: it is
/// never written anywhere else). Whether it was made now.
fn letters_folder(root: &std::path::Path, case: &str) -> Result<bool> {
    let mut made = false;
    for rel in ["letters".to_string(), format!("letters/{case}")] {
        let path = root.join(&rel);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
                return Err(EditError::Usage(format!(
                    "{rel} is not a folder of the repository (it is {}): cme writes letters only into the repository's own letters/ folder; remove it, then send the letter again (nothing was written)",
                    if m.file_type().is_symlink() {
                        "a symbolic link"
                    } else {
                        "a file"
                    }
                )));
            }
            Ok(_) => {}
            Err(_) => {
                std::fs::create_dir(&path)?;
                made = rel.contains('/');
            }
        }
    }
    Ok(made)
}

/// `cme letter CASE TEMPLATE`.
pub fn send(repo: &Repo, today: NaiveDate, id: &str, a: &LetterArgs) -> Result<Sent> {
    let t = template(repo, &a.template)?;
    let rel = find_case(repo, id)?;
    let file = crate::load::read_case(&repo.store, &rel, repo.config.limits.max_case_bytes);
    let Some(case) = file.case else {
        return Err(EditError::Usage(format!(
            "{rel} fails the check; fix it first (cme check {rel} shows how), then send the letter (nothing was written)"
        )));
    };
    if !case.is_open() {
        return Err(EditError::Usage(format!(
            "{id} is closed: reopen it first (cme reopen {id} --reason \"...\") before you send a letter on it (nothing was written)"
        )));
    }
    let date = a.date.unwrap_or(today);
    if date > today {
        return Err(EditError::Usage(format!(
            "the letter's date {date} is in the future (today is {today}): write a letter on the day it goes (nothing was written)"
        )));
    }
    if date < case.episode_start() {
        return Err(EditError::Usage(format!(
            "the letter's date {date} is before {id}'s referral (or reopening) on {}: a letter on the case is sent after it (nothing was written)",
            case.episode_start()
        )));
    }
    let officer = match a.by.clone().or_else(|| case.referral.assigned_to.clone()) {
        Some(o) => o,
        None => {
            return Err(EditError::Usage(format!(
                "the letter is signed by the case's officer, and {id} is not assigned: assign it (cme assign {id} OFFICER) or give --by ID (nothing was written)"
            )));
        }
    };
    let sending = Sending {
        date,
        to: a.to.clone(),
        officer: officer.clone(),
        check: a.check.clone(),
        about: a.about,
        school: a.school.clone(),
    };
    let made = letter::make(repo, &case, &t, &sending).map_err(|m| {
        EditError::Usage(format!(
            "the {} letter needs what {id} or the command does not give (nothing was written):\n  - {}",
            t.id,
            m.0.join("\n  - ")
        ))
    })?;
    // The letter and its page, never over an earlier one.
    let md = letter::file_name(&case.id, date, &t.id, |p| repo.root.join(p).exists());
    let page = format!("{}.html", md.trim_end_matches(".md"));
    let made_folder = letters_folder(&repo.root, &case.id)?;
    let written = [
        (md.clone(), made.markdown.clone()),
        (page.clone(), letter::html_page(&made.title, &made.markdown)),
    ];
    let undo = |upto: usize| {
        for (p, _) in &written[..upto] {
            let _ = std::fs::remove_file(repo.root.join(p));
        }
        if made_folder {
            let _ = std::fs::remove_dir(repo.root.join(format!("letters/{}", case.id)));
        }
    };
    for (i, (path, text)) in written.iter().enumerate() {
        if let Err(e) = super::write_record(&repo.root, path, text.as_bytes(), true) {
            undo(i);
            return Err(EditError::Io(e));
        }
    }
    // The action that records it, checked and written like any `cme act`.
    let mut g = Given::default();
    g.set("date", toml_date(date));
    g.set("kind", t.front.kind.as_str());
    g.set("by", officer.as_str());
    if let Some(c) = &a.check {
        g.set("check", c.as_str());
    }
    if let Some(e) = &t.front.escalation {
        g.set("to", e.as_str());
    }
    if let Some(n) = a.about {
        let chased = case.actions.get(n.saturating_sub(1));
        g.set(
            "outcome",
            format!(
                "{}: chases the {} of {}",
                made.title,
                chased.map(|x| x.kind.as_str()).unwrap_or("letter"),
                chased.map(|x| x.date.to_string()).unwrap_or_default()
            ),
        );
        g.set("chases", n as i64);
    } else {
        g.set("outcome", format!("{} sent", made.title));
    }
    g.set("recipient", made.recipient.as_str());
    if let Some(d) = made.reply_due {
        g.set("reply_due", toml_date(d));
    }
    g.set("letter", md.as_str());
    let done = match super::commands::act(repo, today, id, &g) {
        Ok(d) => d,
        Err(e) => {
            undo(written.len());
            return Err(e);
        }
    };
    let due = made.reply_due.map(|d| format!(", reply due {d}")).unwrap_or_default();
    let kind = match t.front.kind {
        ActionKind::Letter => String::new(),
        k => format!(" ({k})"),
    };
    // The ladder says who takes the step this letter takes: said, not refused (a team
    // covers for its members), and kept in the record as who sent it.
    let note = repo
        .pack
        .ladder
        .iter()
        .find(|step| step.letter.as_deref() == Some(t.id.as_str()))
        .and_then(|step| {
            let who = repo.config.officer(&officer)?;
            let role = who.role_on(date);
            (role != step.role).then(|| {
                format!(
                    "the policy gives this step ({}) to a {}; {} is a {}",
                    step.title,
                    repo.pack.role_label(&step.role),
                    who.name,
                    repo.pack.role_label(&role)
                )
            })
        });
    Ok(Sent {
        note,
        done: Done {
            message: format!("{id}: letter {}{kind} to {}{due}\n\n{}", t.id, made.recipient, md),
            ..done
        },
        letter: md,
        page,
        recipient: made.recipient,
        reply_due: made.reply_due,
        // The action goes after every entry dated on or before it (`cme act`'s order).
        number: case.actions.iter().filter(|x| x.date <= date).count() + 1,
    })
}
