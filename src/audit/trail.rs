//! One case's audit trail for the terminal and as JSON (`cme history`): the contract's
//! `[{"commit","author","email","date","message","changes":[{"field","old","new"}]}]`.

use super::{Change, Commit, Entry};
use std::io::{self, Write};

#[derive(serde::Serialize)]
struct Item<'a> {
    commit: &'a str,
    author: &'a str,
    email: &'a str,
    date: &'a str,
    message: &'a str,
    changes: &'a [Change],
}

pub fn render_json(entries: &[(&Commit, &Entry)], out: &mut dyn Write) -> io::Result<()> {
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
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// Newest first. Authors, messages and old values come from git, where anyone could have
/// written anything: control characters and line breaks are shown escaped.
pub fn render_human(case: &str, entries: &[(&Commit, &Entry)], out: &mut dyn Write) -> io::Result<()> {
    use crate::source::printable_line;
    writeln!(
        out,
        "{case}: {} commit{}, newest first",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" }
    )?;
    if entries.is_empty() {
        writeln!(out, "(the file has not been committed yet)")?;
    }
    for (commit, e) in entries {
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
        for r in super::reasons(&commit.message) {
            writeln!(out, "    {}", printable_line(r))?;
        }
        for c in &e.changes {
            writeln!(out, "    - {}", printable_line(&c.to_string()))?;
        }
    }
    Ok(())
}
