//! `cme stats`: the report figures.

use crate::cli::Format;
use cme::check;
use cme::load::Repo;
use std::io::Write;
use std::process::ExitCode;

pub fn run(
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
