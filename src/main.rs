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
    if let Command::Serve { port } = &cli.command {
        return cme::site::serve::serve(&cli.repo, *port, cli.today).map(|_| ExitCode::SUCCESS);
    }
    let repo = match Repo::open(&cli.repo) {
        Ok(r) => r,
        Err(e) => {
            print_human_stderr(&e.report)?;
            return Ok(ExitCode::from(2));
        }
    };
    match &cli.command {
        Command::Check { format, files } => {
            let selection = if files.is_empty() {
                Selection::All
            } else {
                Selection::Files(files.clone())
            };
            let mut notes = Vec::new();
            let report = check::run(&repo, today, &selection, &mut notes);
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
        Command::Build { out } => build(cli, &repo, today, out),
        Command::Stats { format, from, to } => stats(&repo, today, *format, *from, *to),
        Command::Serve { .. } => unreachable!("handled before the repository is opened"),
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

fn build(cli: &Cli, repo: &Repo, today: chrono::NaiveDate, out: &std::path::Path) -> std::io::Result<ExitCode> {
    let out = if out.is_absolute() {
        out.to_path_buf()
    } else if out == std::path::Path::new("site") {
        cli.repo.join(out)
    } else {
        out.to_path_buf()
    };
    let opts = cme::site::Options {
        out: out.clone(),
        today,
        live_reload: false,
    };
    match cme::site::build(repo, &opts) {
        Ok(s) => {
            eprintln!("built {} pages for {} cases into {}", s.pages, s.cases, out.display());
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

fn stats(
    repo: &Repo,
    today: chrono::NaiveDate,
    format: Format,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> std::io::Result<ExitCode> {
    let (paths, _) = repo.store.case_paths();
    let files = cme::load::read_many(repo, &paths);
    let cases: Vec<&cme::model::Case> = files.iter().filter_map(|f| f.case.as_ref()).collect();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| cases.iter().map(|c| c.referral.received).min().unwrap_or(to).min(to));
    if from > to {
        eprintln!("error: --from {from} is after --to {to}");
        return Ok(ExitCode::from(2));
    }
    let st = cme::stats::compute(&repo.pack, &repo.calendar, &cases, from, to);
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
        }
    }
    Ok(ExitCode::SUCCESS)
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
