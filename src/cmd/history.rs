//! `cme history CASE`: the audit trail of one case.

use crate::cli::{Cli, Format};
use cme::load::Repo;
use std::io::Write;
use std::process::ExitCode;

/// `cme history CASE`: the case's audit trail from git.
pub fn run(cli: &Cli, repo: &Repo, format: Format, case: &str) -> std::io::Result<ExitCode> {
    let Some(head) = cme::audit::head(&cli.repo) else {
        eprintln!(
            "error: the audit trail comes from git, and {} is not a git repository with commits",
            cli.repo.display()
        );
        return Ok(ExitCode::from(2));
    };
    let h = match cme::audit::history(&cli.repo, head) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let entries = h.trail(case);
    let exists = repo
        .store
        .case_paths()
        .0
        .iter()
        .any(|p| p.ends_with(&format!("/{case}.toml")));
    if entries.is_empty() && !exists {
        eprintln!("error: no case {case}: no file cases/*/{case}.toml and nothing in the git history");
        return Ok(ExitCode::from(2));
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Item<'a> {
                commit: &'a str,
                author: &'a str,
                email: &'a str,
                date: &'a str,
                message: &'a str,
                changes: &'a [cme::audit::Change],
            }
            let items: Vec<Item<'_>> = entries
                .iter()
                .map(|(c, e)| Item {
                    commit: &c.commit,
                    author: &c.author,
                    email: &c.email,
                    date: &c.date,
                    message: &c.message,
                    changes: &e.changes,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &items)?;
            writeln!(out)?;
        }
        Format::Human => {
            writeln!(
                out,
                "{case}: {} commit{}, newest first",
                entries.len(),
                if entries.len() == 1 { "" } else { "s" }
            )?;
            if entries.is_empty() {
                writeln!(out, "(the file has not been committed yet)")?;
            }
            // Authors, messages and old values come from git, where anyone could have written
            // anything: control characters are shown escaped.
            use cme::source::printable_line;
            for (commit, e) in &entries {
                let short = &commit.commit[..commit.commit.len().min(10)];
                writeln!(
                    out,
                    "\n{}  {} <{}>  {short}",
                    commit.date,
                    printable_line(&commit.author),
                    printable_line(&commit.email)
                )?;
                writeln!(
                    out,
                    "    {}",
                    printable_line(commit.message.lines().next().unwrap_or(""))
                )?;
                for c in &e.changes {
                    writeln!(out, "    - {}", printable_line(&c.to_string()))?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
