//! `cme stats`: the report figures, each past period counting each record as it stood at the
//! period's end (from git's history), as of today or of `--as-of`, by the policy as HEAD has it.

use crate::cli::{Cli, Format, StatsArgs};
use cme::check;
use cme::error::Error;
use std::io::Write;
use std::process::ExitCode;

pub fn run(cli: &Cli, today: chrono::NaiveDate, a: &StatsArgs) -> Result<ExitCode, Error> {
    let at = super::Records::open(cli, today, a.as_of.as_deref(), false, super::PolicyOf::Now)?;
    let (repo, today) = (&at.repo, at.today);
    let (paths, _) = repo.store.case_paths();
    let files = cme::load::read_many(repo, &paths);
    let report = check::check_files(repo, today, &files, &paths);
    let to = a.to.unwrap_or(today);
    if let Some(from) = a.from
        && from > to
    {
        return Err(Error::Usage(format!("--from {from} is after --to {to}")));
    }
    let history = at.history();
    let policy = repo.policy();
    let st = cme::stats::for_records(
        policy,
        &files,
        &report,
        a.from,
        to,
        |c| cme::state::CaseState::compute(policy, c, to).occurrences(policy, c, to),
        history.as_ref(),
    );
    let left_out = st.left_out;
    if left_out > 0 {
        let (files, are) = if left_out == 1 {
            ("file", "is")
        } else {
            ("files", "are")
        };
        eprintln!(
            "note: {left_out} case {files} failing validation {are} left out of the figures (cme check shows why)"
        );
    }
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &st).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Human => cme::stats::render_human(&st, &repo.config.authority.name, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}
