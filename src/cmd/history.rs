//! `cme history CASE`: the audit trail of one case.

use crate::cli::{Cli, Format};
use cme::load::Repo;
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
        Format::Json => cme::audit::trail::render_json(&entries, &mut out)?,
        Format::Human => cme::audit::trail::render_human(case, &entries, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}
