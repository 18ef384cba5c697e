//! The `cme` binary: parse arguments, call the library, map the outcome to an exit code
//! (0 success, 1 records fail validation, 2 usage or I/O error).

mod cli;

use clap::Parser;
use cli::{CheckFormat, Cli, Command, Format};
use cme::check::{self, Selection};
use cme::diagnostic::{self, CheckReport};
use cme::load::Repo;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// mimalloc rather than the system allocator: loading and laying out thousands of records
/// allocates many small strings from both cores, where glibc's malloc spent a quarter of the
/// time (measured with `perf` on the 10 000-case benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let today = cli.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    match run(&cli, today) {
        Ok(code) => code,
        // A reader that stopped reading (`cme status | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli, today: chrono::NaiveDate) -> std::io::Result<ExitCode> {
    // Serving and building choose where the records come from themselves.
    let repo = match &cli.command {
        Command::Serve { port } => {
            return cme::site::serve::serve(&cli.repo, *port, cli.today).map(|_| ExitCode::SUCCESS);
        }
        Command::Build {
            out,
            as_of,
            working_tree,
            audience,
        } => {
            let audience = match audience {
                cli::AudienceArg::Team => cme::site::Audience::Team,
                cli::AudienceArg::Board => cme::site::Audience::Board,
            };
            return build(cli, today, out.as_deref(), as_of.as_deref(), *working_tree, audience);
        }
        Command::Init {
            dir,
            pack,
            authority,
            code,
            force,
        } => {
            let args = cme::edit::init::InitArgs {
                pack: pack.clone(),
                authority: authority.clone(),
                code: code.clone(),
                force: *force,
            };
            return match cme::edit::init::init(dir, &args) {
                Ok(files) => {
                    println!("set up a case repository in {} ({} files)", dir.display(), files.len());
                    println!(
                        "next: add your officers to cme.toml, check the term dates in policy/calendar/terms.toml, and commit"
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => edit_failed(e),
            };
        }
        Command::ConfigureGit => {
            return match cme::edit::init::configure_git(&cli.repo) {
                Ok(()) => {
                    println!("merge driver and pre-commit hook set up in {}", cli.repo.display());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => edit_failed(e),
            };
        }
        Command::MergeDriver { base, ours, theirs } => return merge_driver(base, ours, theirs),
        Command::Generate {
            dir,
            cases,
            commits,
            seed,
            pack,
        } => {
            let spec = cme::generate::Spec {
                cases: *cases,
                commits: *commits,
                seed: *seed,
                pack: pack.clone(),
                today,
            };
            let progress = cme::progress::Bar::for_terminal(cli.quiet);
            return match cme::generate::generate(dir, &spec, progress.as_ref()) {
                Ok(()) => {
                    if !cli.quiet {
                        eprintln!(
                            "generated {} cases in {} commits in {}",
                            cases,
                            commits.max(&(cases + 1)),
                            dir.display()
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Ok(ExitCode::from(2))
                }
            };
        }
        _ => match Repo::open(&cli.repo) {
            Ok(r) => r,
            Err(e) => {
                print_human_stderr(&e.report)?;
                return Ok(ExitCode::from(2));
            }
        },
    };
    match &cli.command {
        Command::Serve { .. }
        | Command::Build { .. }
        | Command::Generate { .. }
        | Command::Init { .. }
        | Command::ConfigureGit
        | Command::MergeDriver { .. } => Ok(ExitCode::SUCCESS),
        Command::Schema => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &cme::schema::schema(&repo))?;
            writeln!(out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New {
            given_name,
            family_name,
            dob,
            source,
            reason,
            received,
            referrer,
            whereabouts,
            upn,
            gender,
            address,
            vulnerabilities,
            school,
            assign,
            allow_duplicate,
            commit,
        } => {
            let args = cme::edit::commands::NewArgs {
                given_name: given_name.clone(),
                family_name: family_name.clone(),
                dob: *dob,
                source: *source,
                reason: *reason,
                received: *received,
                referrer: referrer.clone(),
                whereabouts: *whereabouts,
                upn: upn.clone(),
                gender: *gender,
                address: address.clone(),
                vulnerabilities: vulnerabilities.clone(),
                school: school.clone(),
                assign: assign.clone(),
                allow_duplicate: allow_duplicate.clone(),
            };
            edited(&repo, None, *commit, true, || {
                cme::edit::commands::new(&repo, today, &args)
            })
        }
        Command::Assign {
            case,
            officer,
            date,
            commit,
        } => edited(&repo, Some(case), *commit, false, || {
            cme::edit::commands::assign(&repo, today, case, officer, *date)
        }),
        Command::Act {
            case,
            kind,
            by,
            check,
            to,
            outcome,
            note,
            date,
            commit,
        } => {
            let args = cme::edit::commands::ActArgs {
                kind: *kind,
                by: by.clone(),
                check: check.clone(),
                to: to.clone(),
                outcome: outcome.clone(),
                note: note.clone(),
                date: *date,
            };
            edited(&repo, Some(case), *commit, false, || {
                cme::edit::commands::act(&repo, today, case, &args)
            })
        }
        Command::Review {
            case,
            cme_score,
            safeguarding_score,
            decision,
            signed_off_by,
            comments,
            date,
            commit,
        } => {
            let args = cme::edit::commands::ReviewArgs {
                cme_score: *cme_score,
                safeguarding_score: *safeguarding_score,
                decision: *decision,
                signed_off_by: signed_off_by.clone(),
                comments: comments.clone(),
                date: *date,
            };
            edited(&repo, Some(case), *commit, false, || {
                cme::edit::commands::review(&repo, today, case, &args)
            })
        }
        Command::Close {
            case,
            outcome,
            date,
            school,
            admitted_on,
            joiner_notified,
            authority,
            confirmation_received,
            lost_pupils_uploaded,
            mash_referral,
            note,
            commit,
        } => {
            let args = cme::edit::commands::CloseArgs {
                outcome: Some(*outcome),
                date: *date,
                school: school.clone(),
                admitted_on: *admitted_on,
                joiner_notified: *joiner_notified,
                authority: authority.clone(),
                confirmation_received: *confirmation_received,
                lost_pupils_uploaded: *lost_pupils_uploaded,
                mash_referral: *mash_referral,
                note: note.clone(),
            };
            edited(&repo, Some(case), *commit, false, || {
                cme::edit::commands::close(&repo, today, case, &args)
            })
        }
        Command::Reopen {
            case,
            reason,
            allow_duplicate,
            date,
            commit,
        } => edited(&repo, Some(case), *commit, false, || {
            cme::edit::commands::reopen(&repo, today, case, reason, *date, allow_duplicate.as_deref())
        }),
        Command::ImportCtf { file, commit } => {
            let (done, committed) = match cme::edit::transaction(&repo, None, (*commit).into(), || {
                cme::edit::ctf::import(&repo, today, file)
            }) {
                Ok(d) => d,
                Err(e) => return edit_failed(e),
            };
            for c in &done.created {
                println!("opened {c}");
            }
            for s in &done.skipped {
                println!("skipped: {s}");
            }
            for s in &done.possible_duplicates {
                println!("not opened: {s}");
            }
            let code = report_commit(&committed)?;
            if code == ExitCode::SUCCESS && !done.possible_duplicates.is_empty() {
                eprintln!(
                    "error: {} pupil(s) not opened: they may already have an open case (see above); if one is a different child, open their case with cme new --allow-duplicate \"why\"",
                    done.possible_duplicates.len()
                );
                return Ok(ExitCode::from(1));
            }
            Ok(code)
        }
        Command::Check {
            format,
            files,
            audit,
            changed_since,
        } => {
            let selection = match changed_since {
                Some(base) => match check::changed_since(&repo.root, base) {
                    Ok(check::Changed::Everything(why)) => {
                        eprintln!(
                            "note: {} since {}: checking every case",
                            cme::source::printable_line(&why),
                            cme::source::printable_line(base)
                        );
                        Selection::All
                    }
                    Ok(check::Changed::Files(f)) => {
                        eprintln!("note: checking the {} case file(s) changed since {base}", f.len());
                        Selection::Files(f.iter().map(|p| repo.root.join(p)).collect())
                    }
                    Ok(check::Changed::Nothing) if !*audit => {
                        eprintln!(
                            "note: no case file, cme.toml, policy/ or templates/ changed since {base}: nothing to check"
                        );
                        return Ok(ExitCode::SUCCESS);
                    }
                    Ok(check::Changed::Nothing) => Selection::Files(Vec::new()),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return Ok(ExitCode::from(2));
                    }
                },
                None if files.is_empty() => Selection::All,
                None => Selection::Files(files.clone()),
            };
            let mut notes = Vec::new();
            let mut report = check::run(&repo, today, &selection, &mut notes);
            if *audit {
                match cme::audit::findings(&cli.repo, &repo.config.audit) {
                    Ok(found) => {
                        report.diagnostics.extend(found);
                        report.sort();
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        return Ok(ExitCode::from(2));
                    }
                }
            }
            for n in notes {
                eprintln!("note: {n}");
            }
            let stdout = std::io::stdout();
            match format {
                CheckFormat::Human => {
                    let mut out = StandardStream::stdout(colour(stdout.is_terminal()));
                    diagnostic::render_human(&report, &mut out)?;
                    out.flush()?;
                }
                CheckFormat::Json => diagnostic::render_json(&report, &mut stdout.lock())?,
                CheckFormat::Github => diagnostic::render_github(&report, &mut stdout.lock())?,
                CheckFormat::Junit => diagnostic::render_junit(&report, &mut stdout.lock())?,
            }
            Ok(if report.errors() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::History { format, case } => history(cli, &repo, *format, case),
        Command::Stats { format, from, to } => stats(&repo, today, *format, *from, *to),
        Command::Status {
            format,
            officer,
            overdue,
            all,
            ids,
        } => {
            let filter = cme::status::Filter {
                ids: ids.clone(),
                officer: officer.clone(),
                overdue_only: *overdue,
                include_closed: *all,
            };
            let report = match cme::status::run(&repo, today, &filter) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let stdout = std::io::stdout();
            match format {
                Format::Human => {
                    let mut out = StandardStream::stdout(colour(stdout.is_terminal()));
                    cme::status::render_human(&repo, &report, !ids.is_empty(), &mut out)?;
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
    }
}

/// `cme build`: from the HEAD commit by default, the working tree on request, or a commit
/// or day with `--as-of`.
fn build(
    cli: &Cli,
    today: chrono::NaiveDate,
    out: Option<&std::path::Path>,
    as_of: Option<&str>,
    working_tree: bool,
    audience: cme::site::Audience,
) -> std::io::Result<ExitCode> {
    use cme::site::Trail;
    let root = &cli.repo;
    let out = out
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| root.join("site"));
    let head = cme::audit::head(root);
    let (commit, today) = match (as_of, head, working_tree) {
        (Some(spec), _, _) => match cme::audit::resolve_as_of(root, spec) {
            Ok((c, day)) => (Some(c), day),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(2));
            }
        },
        (None, Some(h), false) => (Some(h), today),
        _ => (None, today),
    };
    let t = std::time::Instant::now();
    // HEAD's records are read from disk when the working tree holds exactly them (faster).
    let from_disk = commit.is_some() && as_of.is_none() && cme::audit::matches_head(root);
    let opened = match commit {
        Some(c) if !from_disk => Repo::at_commit(root, c),
        _ => Repo::open(root),
    };
    cme::site::timing("build: repository opened", t);
    let repo = match opened {
        Ok(r) => r,
        Err(e) => {
            print_human_stderr(&e.report)?;
            return Ok(ExitCode::from(2));
        }
    };
    match (commit, as_of) {
        (Some(c), Some(_)) => eprintln!("rendering the records as they stood at commit {c}, as of {today}"),
        (Some(_), None) => {
            let t = std::time::Instant::now();
            // The working tree matched HEAD a moment ago: no second status over every file.
            let changed = if from_disk {
                Vec::new()
            } else {
                cme::audit::uncommitted(root)
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
    let trail = || match commit.or(head) {
        Some(c) => {
            let t = std::time::Instant::now();
            let h = cme::audit::history(root, c);
            cme::site::timing("build: history read", t);
            match h {
                Ok(h) => Trail::History(h),
                Err(e) => {
                    eprintln!("warning: {e}; case pages will say the trail could not be read");
                    Trail::Unavailable(format!("The audit trail could not be read from git: {e}."))
                }
            }
        }
        None if cme::audit::is_repository(root) => Trail::Unavailable(
            "The audit trail comes from git, and this repository has no commits yet: it starts with the first commit."
                .into(),
        ),
        None => Trail::Unavailable(
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
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

/// `cme history CASE`: the case's audit trail from git.
fn history(cli: &Cli, repo: &Repo, format: Format, case: &str) -> std::io::Result<ExitCode> {
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

fn stats(
    repo: &Repo,
    today: chrono::NaiveDate,
    format: Format,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> std::io::Result<ExitCode> {
    let (paths, _) = repo.store.case_paths();
    let files = cme::load::read_many(repo, &paths);
    let report = check::check_files(repo, today, &files, &paths);
    let (cases, left_out) = cme::stats::countable(&files, &report);
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| cases.iter().map(|c| c.referral.received).min().unwrap_or(to).min(to));
    if from > to {
        eprintln!("error: --from {from} is after --to {to}");
        return Ok(ExitCode::from(2));
    }
    let mut st = cme::stats::Stats {
        left_out,
        ..cme::stats::compute(&repo.pack, &repo.calendar, &cases, from, to)
    };
    let occurrences: Vec<cme::deadline::Deadline> = cases
        .iter()
        .flat_map(|c| cme::state::CaseState::occurrences(repo, c, to))
        .collect();
    st.deadlines = cme::stats::deadline_compliance(&repo.pack, &st.quarters, occurrences.iter());
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
            serde_json::to_writer_pretty(&mut out, &st)?;
            writeln!(out)?;
        }
        Format::Human => {
            writeln!(
                out,
                "{} - report figures ({}) from {from} to {to}\n",
                repo.config.authority.name, st.rule
            )?;
            writeln!(
                out,
                "{:<32} {:>6} {:>6} {:>8} {:>7} {:>7} {:>7} {:>8}",
                "period", "reg", "known", "unknown", "active", "closed", "success", "med.days"
            )?;
            for f in st.quarters.iter().chain(std::iter::once(&st.total)) {
                writeln!(
                    out,
                    "{:<32} {:>6} {:>6} {:>8} {:>7} {:>7} {:>7} {:>8}",
                    f.label,
                    f.registered,
                    f.whereabouts_known,
                    f.whereabouts_unknown,
                    f.active_at_end,
                    f.closed,
                    f.success_rate.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "-".into()),
                    f.median_days_to_resolution
                        .map(|v| format!("{v:.0}"))
                        .unwrap_or_else(|| "-".into())
                )?;
            }
            writeln!(out, "\ndeadlines by the quarter they fell due in (met on time / due)")?;
            for d in &st.deadlines {
                let cells: Vec<String> = d
                    .periods
                    .iter()
                    .filter(|p| p.due > 0)
                    .map(|p| format!("{}: {}/{}", p.label, p.met, p.due))
                    .collect();
                if !cells.is_empty() {
                    writeln!(out, "  {:<20} {}", d.rule, cells.join("; "))?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs an editing command under the editing lock, reports what it did, and commits it
/// when asked.
fn edited(
    repo: &Repo,
    case: Option<&str>,
    commit: cli::CommitArgs,
    print_path: bool,
    command: impl FnOnce() -> cme::edit::Result<cme::edit::commands::Done>,
) -> std::io::Result<ExitCode> {
    let (done, committed) = match cme::edit::transaction(repo, case, commit.into(), command) {
        Ok(d) => d,
        Err(e) => return edit_failed(e),
    };
    if print_path {
        println!("{}", done.path);
    } else {
        println!("{}: {}", done.path, done.message);
    }
    report_commit(&committed)
}

/// Says what became of `--commit`: exit 2 when the record was written but not committed.
fn report_commit(committed: &cme::edit::Committed) -> std::io::Result<ExitCode> {
    match committed {
        cme::edit::Committed::No => Ok(ExitCode::SUCCESS),
        cme::edit::Committed::Yes(c) => {
            eprintln!("committed {}", &c[..c.len().min(10)]);
            Ok(ExitCode::SUCCESS)
        }
        cme::edit::Committed::Failed { why, how } => {
            eprintln!("error: the record was written but not committed: {why}");
            eprintln!("  commit it with: {how}");
            Ok(ExitCode::from(2))
        }
    }
}

fn edit_failed(e: cme::edit::EditError) -> std::io::Result<ExitCode> {
    match e {
        cme::edit::EditError::Refused { message, report } => {
            print_human_stderr(&report)?;
            eprintln!("error: {message}");
            Ok(ExitCode::from(1))
        }
        cme::edit::EditError::Duplicate(message) => {
            eprintln!("error: {message}");
            Ok(ExitCode::from(1))
        }
        other => {
            eprintln!("error: {other}");
            Ok(ExitCode::from(2))
        }
    }
}

/// `cme merge-driver %O %A %B`: writes the merge into %A; exit 1 leaves a conflict for git.
fn merge_driver(base: &std::path::Path, ours: &std::path::Path, theirs: &std::path::Path) -> std::io::Result<ExitCode> {
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

fn colour(terminal: bool) -> ColorChoice {
    if terminal {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

fn print_human_stderr(report: &CheckReport) -> std::io::Result<()> {
    let choice = if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let mut err = StandardStream::stderr(choice);
    diagnostic::render_diagnostics(report, &mut err)?;
    err.flush()
}
