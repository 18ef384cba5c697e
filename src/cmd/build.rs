//! `cme build`: the site, from HEAD, the working tree or a past commit or day.

use crate::cli::Cli;
use cme::error::Error;
use cme::load::Repo;
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
) -> Result<ExitCode, Error> {
    use cme::site::Trail;
    let root = &cli.repo;
    let out = out
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| root.join("site"));
    // git is opened once, here, for everything the build reads of it.
    let git = cme::git::Git::open(root).ok();
    let head = git.as_ref().and_then(|g| g.head());
    let (commit, today) = match (as_of, head, working_tree, &git) {
        (Some(spec), _, _, Some(g)) => match cme::audit::resolve_as_of(g, spec) {
            Ok((c, day)) => (Some(c), day),
            Err(e) => return Err(Error::Usage(e)),
        },
        (Some(_), _, _, None) => {
            return Err(Error::Usage(format!(
                "--as-of needs a git repository; {} is not in one",
                root.display()
            )));
        }
        (None, Some(h), false, _) => (Some(h), today),
        _ => (None, today),
    };
    let t = std::time::Instant::now();
    // HEAD's records are read from disk when the working tree holds exactly them (faster).
    let from_disk = commit.is_some() && as_of.is_none() && git.as_deref().is_some_and(cme::audit::matches_head);
    let opened = match (commit, &git) {
        (Some(c), Some(g)) if !from_disk => Repo::at_commit(root, g.clone(), c),
        _ => Repo::open_in(root, git.clone()),
    };
    cme::site::timing("build: repository opened", t);
    let repo = opened?;
    match (commit, as_of) {
        (Some(c), Some(_)) => eprintln!("rendering the records as they stood at commit {c}, as of {today}"),
        (Some(_), None) => {
            let t = std::time::Instant::now();
            // The working tree matched HEAD a moment ago: no second status over every file.
            let changed = match &git {
                Some(g) if !from_disk => cme::audit::uncommitted(g),
                _ => Vec::new(),
            };
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
        (None, _) if head.is_none() && !working_tree => {
            eprintln!("note: not a git repository with commits: rendering the working tree, with no audit trail")
        }
        _ => {}
    }
    let progress = cme::progress::Bar::for_terminal(cli.quiet);
    let trail = || match (commit.or(head), git.as_deref()) {
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
                    "built {} pages for {} cases into {} ({} case pages unchanged since the last build)",
                    s.pages,
                    s.cases,
                    out.display(),
                    s.reused
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
