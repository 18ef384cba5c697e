//! The command line: clap definitions only.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "cme",
    version,
    about = "Case records, policy checks and an intranet site for Children Missing Education teams"
)]
pub struct Cli {
    /// The case repository (default: the current directory).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Take this date as today (YYYY-MM-DD), so results are reproducible.
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// No progress bars (they are only drawn on a terminal anyway).
    #[arg(long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate case files against the authority's policy (all cases, or the files given).
    Check {
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Case files to check (e.g. those a commit changed); default: every file under cases/.
        files: Vec<PathBuf>,
    },
    /// The work queue: every open case's deadlines, risk and priority, most urgent first.
    Status {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Only cases assigned to this officer (an id from cme.toml).
        #[arg(long, value_name = "ID")]
        officer: Option<String>,
        /// Only cases with an overdue deadline.
        #[arg(long)]
        overdue: bool,
        /// Closed cases too.
        #[arg(long)]
        all: bool,
        /// Show these cases in full (open or closed).
        #[arg(value_name = "CASE_ID")]
        ids: Vec<String>,
    },
    /// Render the intranet site: dashboard, queues, case pages, policy, statistics, search.
    Build {
        /// Where to write the site (replaced atomically). Default: site/ in the repository.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Render the records as they stood on this day (the last commit made by then), or at
        /// this commit, with queues and deadlines computed for that day.
        #[arg(long, value_name = "DATE|COMMIT", conflicts_with = "working_tree")]
        as_of: Option<String>,
        /// Render the working tree, uncommitted changes included (default: the HEAD commit).
        #[arg(long)]
        working_tree: bool,
    },
    /// Make a synthetic case repository with a realistic commit history (benchmarks, demos).
    Generate {
        /// A new (or empty) directory.
        dir: PathBuf,
        #[arg(long, default_value_t = 1000)]
        cases: usize,
        #[arg(long, default_value_t = 10000)]
        commits: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "manchester")]
        pack: String,
    },
    /// The audit trail of one case from git, newest first.
    History {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        case: String,
    },
    /// Build the site, serve it on 127.0.0.1, and rebuild and reload on every change.
    Serve {
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// The report figures the statistics pages show.
    Stats {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// First day counted (default: the earliest referral).
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// Last day counted (default: today).
        #[arg(long, value_parser = parse_date)]
        to: Option<NaiveDate>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
    Junit,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("\"{s}\" is not a date like 2026-11-22"))
}
