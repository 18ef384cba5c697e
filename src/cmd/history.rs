//! `cme history CASE`: the audit trail of one case.

use crate::cli::{Cli, Format};
use cme::error::Error;
use cme::load::Repo;
use std::process::ExitCode;

/// `cme history CASE`: the case's audit trail from git.
pub fn run(cli: &Cli, repo: &Repo, format: Format, case: &str) -> Result<ExitCode, Error> {
    let case = &cme::edit::case_id(repo, case);
    let Some((git, head)) = repo.git.as_deref().and_then(|g| Some((g, g.head()?))) else {
        return Err(Error::Usage(format!(
            "the audit trail comes from git, and {} is not a git repository with commits",
            cli.repo.display()
        )));
    };
    let h = cme::audit::history(git, head)?;
    let entries = h.trail(case);
    let exists = repo
        .store
        .case_paths()
        .0
        .iter()
        .any(|p| p.ends_with(&format!("/{case}.toml")));
    if entries.is_empty() && !exists {
        return Err(Error::Usage(format!(
            "no case {case}: no file cases/*/{case}.toml and nothing in the git history"
        )));
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => cme::audit::trail::render_json(&entries, &mut out)?,
        Format::Human => cme::audit::trail::render_human(case, &entries, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}
