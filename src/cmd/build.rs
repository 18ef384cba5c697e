//! `cme build`: the site, from HEAD, the working tree or a past commit or day.

use crate::cli::Cli;
use cme::error::Error;
use std::process::ExitCode;

/// `cme build`: from the HEAD commit by default, the working tree on request, or a commit
/// or day with `--as-of`.
pub fn run(
    cli: &Cli,
    today: chrono::NaiveDate,
    out: Option<&std::path::Path>,
    as_of: Option<&str>,
    working_tree: bool,
    audience: cme::site::Audience,
    period: Option<&str>,
) -> Result<ExitCode, Error> {
    use cme::site::Trail;
    let root = &cli.repo;
    let out = out
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| root.join("site"));
    let period = match (audience, period) {
        (cme::site::Audience::Board, p) => Some(super::report::ended_period(cli, today, p, "the board's site")?),
        (cme::site::Audience::Team, Some(_)) => {
            return Err(Error::Usage(
                "--period is for the board's site (--audience board); the team's site shows every period, exact".into(),
            ));
        }
        (cme::site::Audience::Team, None) => None,
    };
    // The board's figures are the records as they stood at the end of the period, from git.
    if period.is_some() && cme::git::Git::open(root).ok().and_then(|g| g.head()).is_none() {
        return Err(Error::Usage(format!(
            "the board's site gives the records as they stood at the end of its period, from git's history; {} is not a git repository with commits (commit the records first)",
            root.display()
        )));
    }
    let end = period.as_ref().map(|p| p.end.to_string());
    let at = super::Records::open(
        cli,
        today,
        end.as_deref().or(as_of),
        !working_tree,
        if end.is_some() {
            super::PolicyOf::Now
        } else {
            super::PolicyOf::ThatCommit
        },
    )?;
    let (repo, today, commit) = (at.repo, at.today, at.commit);
    let git = repo.git.clone();
    match at.read {
        super::Read::AsOf => eprintln!(
            "rendering the records as they stood at commit {}, as of {today}",
            commit.map(|c| c.to_string()).unwrap_or_default()
        ),
        super::Read::Head { from_disk: false } => {
            let t = std::time::Instant::now();
            let changed = git.as_deref().map(cme::audit::uncommitted).unwrap_or_default();
            cme::site::timing("build: status read", t);
            if !changed.is_empty() {
                eprintln!(
                    "warning: the site shows the committed records (HEAD); these case files have uncommitted changes and are shown as last committed:"
                );
                for f in &changed {
                    eprintln!("    {}", cme::source::printable_line(f));
                }
                eprintln!("  commit them, or build with --working-tree to preview them");
            }
        }
        super::Read::WorkingTree if commit.is_none() && !working_tree => {
            if git.is_some() {
                eprintln!(
                    "note: nothing is committed yet: rendering the working tree, with no audit trail (commit the set-up and the records with git add -A && git commit, and the site shows the committed records and their history)"
                )
            } else {
                eprintln!("note: not a git repository: rendering the working tree, with no audit trail")
            }
        }
        _ => {}
    }
    let progress = cme::progress::Bar::for_terminal(cli.quiet);
    let trail = || match (commit, git.as_deref()) {
        (Some(c), Some(g)) => {
            let t = std::time::Instant::now();
            let h = cme::audit::history(g, c);
            cme::site::timing("build: history read", t);
            match h {
                Ok(h) => Trail::History(h),
                Err(e) => {
                    eprintln!("warning: {e}; case pages will say the trail could not be read");
                    Trail::Unavailable(format!("The audit trail could not be read from git: {e}."))
                }
            }
        }
        (_, Some(_)) => Trail::Unavailable(
            "The audit trail comes from git, and this repository has no commits yet: it starts with the first commit."
                .into(),
        ),
        (_, None) => Trail::Unavailable(
            "The audit trail comes from git; this folder is not a git repository with commits.".into(),
        ),
    };
    let opts = cme::site::Options {
        out: out.clone(),
        today,
        live_reload: false,
        audience,
        period,
    };
    progress.stage("reading records and history", 0);
    let built = cme::site::build(&repo, &opts, trail, progress.as_ref());
    // Freeing a large repository's memory one allocation at a time takes longer than the
    // process needs to exit: let the operating system reclaim it.
    std::mem::forget(repo);
    match built {
        Ok(s) => {
            if !cli.quiet {
                eprintln!(
                    "built {} for {} into {} ({} unchanged since the last build)",
                    cme::model::count(s.pages, "page"),
                    cme::model::count(s.cases, "case"),
                    out.display(),
                    cme::model::count(s.reused, "case page"),
                );
            }
            if s.unreadable > 0 {
                eprintln!(
                    "warning: {} case files could not be read; see the failing-records queue or run cme check",
                    s.unreadable
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(e.into()),
    }
}
