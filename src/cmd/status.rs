//! `cme status`: the work queue, or cases in full.

use super::colour;
use crate::cli::{Format, StatusArgs};
use chrono::NaiveDate;
use cme::error::Error;
use cme::load::Repo;
use codespan_reporting::term::termcolor::StandardStream;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub fn run(a: &StatusArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let filter = cme::status::Filter {
        ids: a.ids.iter().map(|id| cme::edit::case_id(repo, id)).collect(),
        officer: a.officer.clone(),
        overdue_only: a.overdue,
        include_closed: a.all,
    };
    let report = cme::status::run(repo, today, &filter)?;
    let stdout = std::io::stdout();
    if a.awaiting {
        match a.format {
            Format::Human => cme::status::render_awaiting(repo, &report, &mut stdout.lock())?,
            Format::Json => cme::status::render_awaiting_json(&report, &mut stdout.lock())?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    match a.format {
        Format::Human => {
            let mut out = StandardStream::stdout(colour(stdout.is_terminal()));
            cme::status::render_human(repo, &report, !a.ids.is_empty(), &mut out)?;
            out.flush()?;
        }
        Format::Json => cme::status::render_json(&report, &mut stdout.lock())?,
    }
    let gaps: Vec<_> = report
        .cases
        .iter()
        .flat_map(|c| {
            c.deadlines
                .iter()
                .filter_map(move |d| d.problem.as_ref().map(|p| (c, d, p)))
        })
        .collect();
    for (c, d, p) in &gaps {
        eprintln!("error: {} {}: {p}", c.id, d.rule);
    }
    for f in &report.unreadable {
        eprintln!("error: {f} cannot be read as a case; run `cme check {f}` to see why");
    }
    Ok(if !gaps.is_empty() {
        ExitCode::from(2)
    } else if !report.unreadable.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
