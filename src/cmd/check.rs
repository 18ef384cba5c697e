//! `cme check`: validate the records (and, with `--audit`, their history).

use super::colour;
use crate::cli::{CheckArgs, CheckFormat};
use chrono::NaiveDate;
use cme::check::{self, Selection};
use cme::diagnostic;
use cme::error::Error;
use cme::load::Repo;
use codespan_reporting::term::termcolor::StandardStream;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub fn run(a: &CheckArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let selection = match &a.changed_since {
        Some(base) => match check::changed_since(&repo.root, base) {
            Ok(check::Changed::Everything(why)) => {
                eprintln!(
                    "note: {} since {}: checking every case",
                    cme::source::printable_line(&why),
                    cme::source::printable_line(base)
                );
                Selection::All
            }
            Ok(check::Changed::Files(f)) => {
                eprintln!(
                    "note: checking the {} changed since {base}",
                    cme::model::count(f.len(), "case file")
                );
                Selection::Files(f.iter().map(|p| repo.root.join(p)).collect())
            }
            Ok(check::Changed::Nothing) if !a.audit => {
                eprintln!("note: no case file, cme.toml, policy/ or templates/ changed since {base}: nothing to check");
                return Ok(ExitCode::SUCCESS);
            }
            Ok(check::Changed::Nothing) => Selection::Files(Vec::new()),
            Err(e) => return Err(Error::Usage(e)),
        },
        None if a.files.is_empty() => Selection::All,
        None => Selection::Files(a.files.clone()),
    };
    let mut notes = Vec::new();
    let mut report = check::run(repo, today, &selection, &mut notes);
    if a.audit {
        match cme::audit::findings(&repo.root, repo.git.as_deref(), &repo.config.audit) {
            Ok(found) => {
                report.diagnostics.extend(found);
                report.sort();
            }
            Err(e) => return Err(Error::Usage(e)),
        }
    }
    if cme::schema::stale(repo) == Some(true) {
        notes.push(format!(
            "{} is out of date (cme.toml's officers or the pack changed since it was written), so editors offer old lists: refresh it with cme schema --write, and commit it",
            cme::schema::FILE
        ));
    }
    for n in notes {
        eprintln!("note: {n}");
    }
    let stdout = std::io::stdout();
    match a.format {
        CheckFormat::Human => {
            let mut out = StandardStream::stdout(colour(stdout.is_terminal()));
            diagnostic::render_human(&report, &mut out)?;
            out.flush()?;
        }
        CheckFormat::Json => diagnostic::render_json(&report, &mut stdout.lock())?,
        CheckFormat::Github => diagnostic::render_github(&report, &mut stdout.lock())?,
        CheckFormat::Junit => diagnostic::render_junit(&report, &mut stdout.lock())?,
    }
    Ok(if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
