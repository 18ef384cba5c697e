//! `cme stats`: the report figures.

use crate::cli::Format;
use cme::check;
use cme::error::Error;
use cme::load::Repo;
use std::io::Write;
use std::process::ExitCode;

pub fn run(
    repo: &Repo,
    today: chrono::NaiveDate,
    format: Format,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<ExitCode, Error> {
    let (paths, _) = repo.store.case_paths();
    let files = cme::load::read_many(repo, &paths);
    let report = check::check_files(repo, today, &files, &paths);
    let to = to.unwrap_or(today);
    if let Some(from) = from
        && from > to
    {
        return Err(Error::Usage(format!("--from {from} is after --to {to}")));
    }
    let policy = repo.policy();
    let st = cme::stats::for_records(policy, &files, &report, from, to, |c| {
        cme::state::CaseState::compute(policy, c, to).occurrences(policy, c, to)
    });
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
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &st).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Human => cme::stats::render_human(&st, &repo.config.authority.name, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}
