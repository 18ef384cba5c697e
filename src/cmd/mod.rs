//! One module per command, as Zola's and mdBook's `src/cmd/` are; `main.rs` only parses the
//! command line and exits with the code a command returns (0 success, 1 records fail
//! validation, 2 usage or set-up error).

mod build;
mod check;
mod edit;
mod history;
mod report;
mod stats;
mod status;

use crate::cli::{Cli, Command};
use cme::diagnostic::{self, CheckReport};
use cme::error::Error;
use cme::load::Repo;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Runs the command the command line names.
pub fn run(cli: &Cli, today: chrono::NaiveDate) -> Result<ExitCode, Error> {
    // Commands that do not need a case repository, or open it themselves.
    match &cli.command {
        Command::Serve(a) => {
            cme::site::serve::serve(&cli.repo, a.port, cli.today)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Build(a) => {
            let audience = match a.audience {
                crate::cli::AudienceArg::Team => cme::site::Audience::Team,
                crate::cli::AudienceArg::Board => cme::site::Audience::Board,
            };
            return build::run(
                cli,
                today,
                a.out.as_deref(),
                a.as_of.as_deref(),
                a.working_tree,
                audience,
                a.period.as_deref(),
            );
        }
        Command::Init(a) => return init(a),
        Command::ConfigureGit => return configure_git(cli),
        Command::MergeDriver(a) => return merge_driver(&a.base, &a.ours, &a.theirs),
        Command::Generate(a) => return generate(cli, a, today),
        Command::Stats(a) => return stats::run(cli, today, a),
        Command::Report(a) => return report::run(cli, today, a),
        _ => {}
    }
    let repo = Repo::open(&cli.repo)?;
    match &cli.command {
        Command::Check(a) => check::run(a, &repo, today),
        Command::Status(a) => status::run(a, &repo, today),
        Command::History(a) => history::run(cli, &repo, a.format, &a.case),
        Command::Schema(a) if a.write => {
            let changed = cme::schema::write(&repo)?;
            if !cli.quiet {
                if changed {
                    println!(
                        "{} refreshed: commit it with the change that made it",
                        cme::schema::FILE
                    );
                } else {
                    println!("{} is up to date", cme::schema::FILE);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema(_) => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &cme::schema::schema(&repo)).map_err(std::io::Error::from)?;
            writeln!(out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New(a) => edit::new(a, &repo, today),
        Command::Assign(a) => edit::assign(a, &repo, today),
        Command::Act(a) => edit::act(a, &repo, today),
        Command::Review(a) => edit::review(a, &repo, today),
        Command::Close(a) => edit::close(a, &repo, today),
        Command::Reopen(a) => edit::reopen(a, &repo, today),
        Command::Set(a) => edit::set(a, &repo, today),
        Command::Letter(a) => edit::letter(a, &repo, today),
        Command::ImportCtf(a) => edit::import_ctf(a, &repo, today),
        // Handled above, before the repository is opened.
        Command::Serve(_)
        | Command::Build(_)
        | Command::Stats(_)
        | Command::Report(_)
        | Command::Init(_)
        | Command::ConfigureGit
        | Command::MergeDriver(_)
        | Command::Generate(_) => Ok(ExitCode::SUCCESS),
    }
}

/// `cme init DIR`.
fn init(a: &crate::cli::InitArgs) -> Result<ExitCode, Error> {
    let args = cme::edit::init::InitArgs {
        pack: a.pack.clone(),
        authority: a.authority.clone(),
        code: a.code.clone(),
        force: a.force,
    };
    match cme::edit::init::init(&a.dir, &args) {
        Ok(files) => {
            println!(
                "set up a case repository in {} ({})",
                a.dir.display(),
                cme::model::count(files.len(), "file")
            );
            for kept in files.iter().filter(|f| f.ends_with("(kept: it was already there)")) {
                println!("  {kept}");
            }
            println!(
                "next: add your officers to cme.toml, put your schools' term dates in policy/calendar/terms.toml, refresh the schema editors read (cme schema --write), and commit (git add -A && git commit -m \"Set up cme\")"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(e.into()),
    }
}

/// `cme configure-git`.
fn configure_git(cli: &Cli) -> Result<ExitCode, Error> {
    match cme::edit::init::configure_git(&cli.repo) {
        Ok(()) => {
            println!("merge driver and pre-commit hook set up in {}", cli.repo.display());
            println!(
                "the hook checks each commit's case files, and refreshes {} when cme.toml or policy/ change (cme schema --write does it by hand)",
                cme::schema::FILE
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(e.into()),
    }
}

/// `cme generate DIR`.
fn generate(cli: &Cli, a: &crate::cli::GenerateArgs, today: chrono::NaiveDate) -> Result<ExitCode, Error> {
    let spec = cme::generate::Spec {
        cases: a.cases,
        commits: a.commits,
        seed: a.seed,
        pack: a.pack.clone(),
        today,
    };
    let progress = cme::progress::Bar::for_terminal(cli.quiet);
    match cme::generate::generate(&a.dir, &spec, progress.as_ref()) {
        Ok(()) => {
            if !cli.quiet {
                eprintln!(
                    "generated {} cases in {} commits in {}",
                    a.cases,
                    a.commits.max(a.cases + 1),
                    a.dir.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(e.into()),
    }
}

/// `cme merge-driver %O %A %B`: writes the merge into %A; exit 1 leaves a conflict for git.
fn merge_driver(base: &std::path::Path, ours: &std::path::Path, theirs: &std::path::Path) -> Result<ExitCode, Error> {
    let conflicts = cme::edit::merge::driver(base, ours, theirs)?;
    if conflicts.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "cme: the same field was changed two ways: {} (left between <<<<<<< and >>>>>>> markers)",
        conflicts.join(", ")
    );
    Ok(ExitCode::from(1))
}

pub(crate) fn colour(terminal: bool) -> ColorChoice {
    if terminal {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

/// Says what went wrong: the diagnostics that explain it, where it has some, then the error.
pub(crate) fn report(e: &Error) {
    if let Some(r) = e.report() {
        let _ = print_human_stderr(r);
    }
    match e {
        // The diagnostic above says it all, with the line: not again in one line.
        Error::Setup(_) => eprintln!("error: cme cannot read this repository's set-up (above); nothing else was done"),
        _ if e.exit_code() != 0 => eprintln!("error: {e}"),
        _ => {}
    }
}

pub(crate) fn print_human_stderr(report: &CheckReport) -> std::io::Result<()> {
    let choice = if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let mut err = StandardStream::stderr(choice);
    diagnostic::render_diagnostics(report, &mut err)?;
    err.flush()
}

/// The records a command reads, resolved once: with `--as-of DATE|COMMIT`, as they stood at
/// that commit (the last one made by the end of that day), as of that day; otherwise the
/// working tree or HEAD's commit, as the command's default says, as of today. git's history
/// is read up to the commit in each case.
pub(crate) struct Records {
    pub repo: Repo,
    pub today: chrono::NaiveDate,
    /// The commit whose history is read (HEAD, or the `--as-of` commit).
    pub commit: Option<git2::Oid>,
    pub read: Read,
}

/// Where the records were read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// The working tree, uncommitted changes included.
    WorkingTree,
    /// HEAD's commit; `from_disk` when the working tree held exactly it.
    Head { from_disk: bool },
    /// The `--as-of` commit.
    AsOf,
}

/// Which policy reads records of an earlier commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PolicyOf {
    /// The policy of that commit too (`build --as-of`: the site as it stood).
    ThatCommit,
    /// The policy as HEAD has it (reports and the board's site: a past period counted by
    /// the policy's current reading, so a report and the site agree).
    Now,
}

impl Records {
    /// `head`: read HEAD's commit by default (the site), not the working tree (reports).
    pub fn open(
        cli: &Cli,
        today: chrono::NaiveDate,
        as_of: Option<&str>,
        head: bool,
        policy: PolicyOf,
    ) -> Result<Records, Error> {
        let root = &cli.repo;
        let t = std::time::Instant::now();
        // git is opened once, here, for everything the command reads of it.
        let git = cme::git::Git::open(root).ok();
        let at = match (as_of, git) {
            (Some(spec), Some(g)) => {
                let (commit, day) = cme::audit::resolve_as_of(&g, spec).map_err(Error::Usage)?;
                let repo = match (policy, g.head()) {
                    (PolicyOf::Now, Some(tip)) => {
                        let now = if cme::audit::matches_head(&g) {
                            Repo::open_in(root, Some(g))?
                        } else {
                            Repo::at_commit(root, g, tip)?
                        };
                        now.with_records_at(commit)?
                    }
                    _ => Repo::at_commit(root, g, commit)?,
                };
                Records {
                    repo,
                    today: day,
                    commit: Some(commit),
                    read: Read::AsOf,
                }
            }
            (Some(_), None) => {
                return Err(Error::Usage(format!(
                    "--as-of needs a git repository; {} is not in one",
                    root.display()
                )));
            }
            (None, git) => {
                let commit = git.as_ref().and_then(|g| g.head());
                match (commit, git) {
                    (Some(c), Some(g)) if head => {
                        // HEAD's records are read from disk when the working tree holds
                        // exactly them (faster).
                        let from_disk = cme::audit::matches_head(&g);
                        let repo = if from_disk {
                            Repo::open_in(root, Some(g))?
                        } else {
                            Repo::at_commit(root, g, c)?
                        };
                        Records {
                            repo,
                            today,
                            commit,
                            read: Read::Head { from_disk },
                        }
                    }
                    (_, git) => Records {
                        repo: Repo::open_in(root, git)?,
                        today,
                        commit,
                        read: Read::WorkingTree,
                    },
                }
            }
        };
        cme::site::timing("records opened", t);
        Ok(at)
    }

    /// git's history of the cases up to the commit, if there is one to read (a history that
    /// cannot be read is said, and the figures count the records as they stand).
    pub fn history(&self) -> Option<cme::audit::History> {
        let (git, commit) = (self.repo.git.as_deref()?, self.commit?);
        match cme::audit::history(git, commit) {
            Ok(h) => Some(h),
            Err(e) => {
                eprintln!("warning: {e}; past periods are counted from the records as they stand");
                None
            }
        }
    }
}
