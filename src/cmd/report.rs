//! `cme report`: the DfE's termly return (`cme report dfe`) and the governance reports the
//! pack names (`cme report --list`, `cme report NAME --period P`).

use crate::cli::{Cli, ReportArgs, ReportFormat};
use cme::check;
use cme::error::Error;
use cme::load::Repo;
use cme::pack::ReportAudience;
use cme::period::Period;
use std::io::Write;
use std::process::ExitCode;

/// The period a site or report for outside the team covers: given, and ended by `today`.
pub fn ended_period(cli: &Cli, today: chrono::NaiveDate, given: Option<&str>, what: &str) -> Result<Period, Error> {
    let Some(given) = given else {
        return Err(Error::Usage(format!(
            "{what} is built for one whole reporting period that has ended, so that two builds differ only by whole periods: add --period with a kind alone for the last that has ended ({}) or one period (2026-10, 2026-Q2, autumn-2026, 2026)",
            cme::period::Kind::ALL.map(|k| k.word()).join(", ")
        )));
    };
    let repo = Repo::open(&cli.repo)?;
    let p = cme::period::parse(given, today, repo.pack.reports.quarters, &repo.calendar).map_err(Error::Usage)?;
    if !p.kind.for_outside_the_team() {
        return Err(Error::Usage(format!(
            "{what} covers a quarter or a year that has ended: figures for outside the team are published by quarter, so that each reads the same wherever it is shown and none can be subtracted from another (a {} is not one)",
            p.kind
        )));
    }
    if !p.ended(today) {
        return Err(Error::Usage(format!(
            "{} has not ended yet (its last day is {}); {what} covers whole periods that have ended, so that two builds differ only by whole periods",
            p.label, p.end
        )));
    }
    Ok(p)
}

/// The records as they stood at the end of `period` (or now, while a team report's period
/// runs), read by the policy as HEAD has it, with git's history for each earlier day. A report
/// for outside the team needs that history; a team report without it says it counts the
/// records as they stand.
fn records_for(
    cli: &Cli,
    today: chrono::NaiveDate,
    period: &Period,
    audience: ReportAudience,
) -> Result<super::Records, Error> {
    let git = cme::git::Git::open(&cli.repo).ok().and_then(|g| g.head());
    match (git, audience) {
        (Some(_), _) if period.ended(today) => {
            super::Records::open(cli, today, Some(&period.end.to_string()), true, super::PolicyOf::Now)
        }
        (Some(_), _) => super::Records::open(cli, today, None, true, super::PolicyOf::Now),
        (None, ReportAudience::Board) => Err(Error::Usage(format!(
            "a report for outside the team gives the records as they stood at the end of its period, from git's history; {} is not a git repository with commits (commit the records first)",
            cli.repo.display()
        ))),
        (None, ReportAudience::Team) => {
            eprintln!(
                "warning: not a git repository with commits: the report counts the records as they stand now, not as they stood at the end of the period"
            );
            super::Records::open(cli, today, None, false, super::PolicyOf::Now)
        }
    }
}

pub fn run(cli: &Cli, today: chrono::NaiveDate, a: &ReportArgs) -> Result<ExitCode, Error> {
    if a.list {
        return list(cli);
    }
    let name = a.name.as_deref().unwrap_or_default();
    if name == "dfe" {
        return dfe(cli, today, a);
    }
    if a.census.is_some() {
        return Err(Error::Usage(
            "--census is for the DfE return: cme report dfe --census DATE".into(),
        ));
    }
    if a.as_of.is_some() {
        return Err(Error::Usage(
            "--as-of is for the DfE return; a governance report reads the records as they stood at the end of its --period".into(),
        ));
    }
    let repo = Repo::open(&cli.repo)?;
    let Some(def) = repo.pack.report_defs.iter().find(|r| r.id == name).cloned() else {
        let known: Vec<&str> = std::iter::once("dfe")
            .chain(repo.pack.report_defs.iter().map(|r| r.id.as_str()))
            .collect();
        return Err(Error::Usage(format!(
            "\"{}\" is not a report of this policy; one of: {} (cme report --list says what each is)",
            cme::source::printable_line(name),
            known.join(", ")
        )));
    };
    let period = match (def.audience, a.period.as_deref()) {
        (ReportAudience::Board, p) => ended_period(cli, today, p, &format!("the report \"{}\"", def.id))?,
        (ReportAudience::Team, Some(p)) => {
            cme::period::parse(p, today, repo.pack.reports.quarters, &repo.calendar).map_err(Error::Usage)?
        }
        (ReportAudience::Team, None) => {
            cme::period::containing(def.period, today, repo.pack.reports.quarters, &repo.calendar).ok_or_else(|| {
                Error::Usage(format!(
                    "the calendar does not reach {today}, so there is no current {}: give --period",
                    def.period
                ))
            })?
        }
    };
    if period.start > today {
        return Err(Error::Usage(format!("{} has not started yet", period.label)));
    }
    if period.kind != def.period && def.audience == ReportAudience::Board {
        return Err(Error::Usage(format!(
            "\"{}\" is a report for each {}; {} is a {} (give --period {} for the last that has ended)",
            def.id, def.period, period.label, period.kind, def.period
        )));
    }
    if period.kind != def.period {
        eprintln!(
            "note: \"{}\" is a report for a {}; this one covers {}",
            def.id, def.period, period.label
        );
    }
    drop(repo);
    let at = records_for(cli, today, &period, def.audience)?;
    let repo = &at.repo;
    let (paths, _) = repo.store.case_paths();
    let files = cme::load::read_many(repo, &paths);
    let checked = check::check_files(repo, at.today, &files, &paths);
    let history = at.history();
    let report = cme::report::compute(
        &def,
        period,
        repo.policy(),
        &cme::report::Read {
            files: &files,
            check: &checked,
            as_of: at.today.min(today),
            history: history.as_ref(),
            authority: &repo.config.authority.name,
            commit: at.commit.map(|c| c.to_string()),
            shared: None,
        },
    );
    match a.format.unwrap_or(ReportFormat::Html) {
        ReportFormat::Json => {
            if def.audience == ReportAudience::Board {
                return Err(Error::Usage(
                    "a report for outside the team is written as a page (--format html), with its figures rounded; the exact figures are the team's (cme stats)".into(),
                ));
            }
            let mut text = serde_json::to_vec_pretty(&report).map_err(std::io::Error::from)?;
            text.push(b'\n');
            match &a.out {
                Some(path) => {
                    guard(repo, path)?;
                    write(path, &text)?;
                    eprintln!(
                        "wrote {}: it may name children; keep it within the team",
                        path.display()
                    );
                }
                None => std::io::stdout().lock().write_all(&text)?,
            }
        }
        ReportFormat::Html => {
            let html = cme::site::report::report_html(repo, &report).map_err(Error::from)?;
            let path = a.out.clone().unwrap_or_else(|| {
                repo.root
                    .join("reports")
                    .join(format!("{}-{}.html", def.id, report.period.id))
            });
            guard(repo, &path)?;
            write(&path, html.as_bytes())?;
            eprintln!(
                "wrote {} ({}, {}): open it in a browser and print it",
                path.display(),
                def.title,
                report.period.label
            );
            if def.audience == ReportAudience::Team {
                eprintln!("  it may name children: keep it within the team, and do not commit it");
            }
        }
        f => {
            return Err(Error::Usage(format!(
                "--format {} is for the DfE return; a governance report is html or json",
                f.word()
            )));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a report whole (a temporary file, then renamed), making its folder if need be.
fn write(path: &std::path::Path, bytes: &[u8]) -> Result<(), Error> {
    let failed = |e: std::io::Error| Error::Usage(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    cme::edit::atomic_write(path, bytes, false).map_err(failed)
}

/// Refuses a report file where it must not go (git's folder, the records, a file cme did not
/// write, a place in the repository git would commit).
fn guard(repo: &Repo, path: &std::path::Path) -> Result<(), Error> {
    let own_dirs = repo.git.as_ref().map(|g| g.own_dirs.clone()).unwrap_or_default();
    let ignored = |real: &std::path::Path| match repo.git.as_deref() {
        Some(g) => {
            let git = g.lock();
            let workdir = git.workdir().and_then(|w| w.canonicalize().ok());
            match workdir.as_deref().and_then(|w| real.strip_prefix(w).ok()) {
                Some(rel) => git.is_path_ignored(rel).unwrap_or(false),
                None => true,
            }
        }
        // Not in git: nothing would commit it.
        None => true,
    };
    cme::site::output::check_report_file(path, &repo.root, &own_dirs, &ignored).map_err(|e| Error::Usage(e.0))
}

fn list(cli: &Cli) -> Result<ExitCode, Error> {
    let repo = Repo::open(&cli.repo)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "Reports of {} ({}):", repo.pack.pack.name, repo.pack.pack.council)?;
    writeln!(out)?;
    if repo.pack.dfe.is_some() {
        writeln!(out, "  dfe")?;
        writeln!(
            out,
            "      The DfE's termly children missing education return, for a census day."
        )?;
        writeln!(
            out,
            "      cme report dfe [--census DATE] [--as-of DATE|COMMIT] [--format human|json|csv]"
        )?;
        writeln!(out)?;
    }
    for r in &repo.pack.report_defs {
        writeln!(out, "  {}", r.id)?;
        writeln!(out, "      {}: for {}, each {}.", r.title, r.recipient, r.period)?;
        writeln!(
            out,
            "      {} Asked for by {}.",
            match r.audience {
                ReportAudience::Team => "Exact figures, for the team; may name children.",
                ReportAudience::Board => "Rounded figures, for outside the team; whole ended periods only.",
            },
            r.source
        )?;
        writeln!(
            out,
            "      Holds: {}.",
            r.sections.iter().map(|s| s.word()).collect::<Vec<_>>().join(", ")
        )?;
        writeln!(out, "      cme report {} --period {}", r.id, r.period)?;
        writeln!(out)?;
    }
    if repo.pack.report_defs.is_empty() && repo.pack.dfe.is_none() {
        writeln!(out, "  (the policy pack names no reports)")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn dfe(cli: &Cli, today: chrono::NaiveDate, a: &ReportArgs) -> Result<ExitCode, Error> {
    if a.period.is_some() {
        return Err(Error::Usage(
            "the DfE return is for a census day: cme report dfe --census DATE (not --period)".into(),
        ));
    }
    let at = super::Records::open(cli, today, a.as_of.as_deref(), true, super::PolicyOf::Now)?;
    let repo = &at.repo;
    let Some(d) = repo.pack.dfe.as_ref() else {
        return Err(Error::Usage(format!(
            "the policy pack ({}) has no [dfe] section: it names no census days and no map onto the DfE's reasons",
            repo.pack.pack.id
        )));
    };
    // The records cannot speak of a day after the one they are read as of, nor after today.
    let latest = at.today.min(today);
    let census = match a.census {
        Some(c) => c,
        None => d.census_on_or_before(latest).map(|c| c.date).ok_or_else(|| {
            Error::Usage(format!(
                "no census day in the pack's [[dfe.census]] falls on or before {latest}: give --census DATE"
            ))
        })?,
    };
    if census > latest {
        return Err(Error::Usage(format!(
            "the census day {census} has not come yet (the records are read as of {latest})"
        )));
    }
    match d.census_days.iter().find(|c| c.date == census) {
        Some(c) => eprintln!("census day {census} ({})", c.term),
        None => eprintln!(
            "note: {census} is not one of the census days in [[dfe.census]] of policy/{}/policy.toml ({}); the DfE's return is for its census days",
            repo.pack.pack.id,
            d.census_days
                .iter()
                .map(|c| c.date.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    let (paths, _) = repo.store.case_paths();
    let files = cme::load::read_many(repo, &paths);
    let checked = check::check_files(repo, at.today, &files, &paths);
    let (cases, left_out) = cme::stats::countable(&files, &checked);
    let mut r = cme::report::dfe_return(repo.policy(), &cases, census).expect("the pack has [dfe]");
    r.as_of = at.commit.map(|c| c.to_string());
    if left_out > 0 {
        eprintln!(
            "note: {} failing validation {} left out of the return (cme check shows why); correct {} before submitting",
            cme::model::count(left_out, "case file"),
            if left_out == 1 { "is" } else { "are" },
            if left_out == 1 { "it" } else { "them" },
        );
    }
    if d.reasons_checked.is_none() {
        eprintln!(
            "warning: the DfE reasons in [dfe] of policy/{}/policy.toml have not been checked against the DfE's current collection guide; compare them, correct the pack, then set [dfe] reasons_checked to the day you did",
            repo.pack.pack.id
        );
    }
    let failed: Vec<String> = r.checks().into_iter().filter(|(_, ok)| !ok).map(|(c, _)| c).collect();
    let mut out = std::io::stdout().lock();
    match a.format.unwrap_or(ReportFormat::Human) {
        ReportFormat::Json => {
            // The return as case-format.md gives it, with what was left out and the checks.
            serde_json::to_writer_pretty(&mut out, &r).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ReportFormat::Csv => out.write_all(cme::dfe::csv(&r, d).as_bytes())?,
        ReportFormat::Human => cme::dfe::render_human(&r, d, &repo.config.authority.name, &mut out)?,
        ReportFormat::Html => {
            return Err(Error::Usage(
                "the DfE return is human, json or csv; the site's Reports page shows it as a page".into(),
            ));
        }
    }
    if !failed.is_empty() {
        eprintln!("error: the return fails its checks: {}", failed.join("; "));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
