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
