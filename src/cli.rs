//! The command line: clap definitions only.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use cme::edit::Given;
use cme::model::{Action, Closure, Gender, Kind, Reason, Record, Review, Source, Vocabulary, Whereabouts};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "cme",
    version,
    about = "Case records, policy checks and an intranet site for Children Missing Education teams"
)]
pub struct Cli {
    /// The case repository (default: the folder holding cme.toml, this one or the nearest
    /// above it, as git finds its repository).
    #[arg(long = "repo", global = true, value_name = "DIR", display_order = 900)]
    pub repo_given: Option<PathBuf>,
    /// The case repository the command works on (`--repo`, or found from here).
    #[arg(skip)]
    pub repo: PathBuf,
    /// Take this date as today (YYYY-MM-DD), so results are reproducible.
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date, display_order = 901)]
    pub today: Option<NaiveDate>,
    /// No progress bars (they are only drawn on a terminal anyway).
    #[arg(long, global = true, display_order = 902)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate case files against the authority's policy (all cases, or the files given).
    Check(CheckArgs),
    /// The work queue: every open case's deadlines, risk and priority, most urgent first.
    Status(StatusArgs),
    /// Render the intranet site: dashboard, queues, case pages, policy, statistics, search.
    Build(BuildArgs),
    /// Make a synthetic case repository with a realistic commit history (benchmarks, demos).
    Generate(GenerateArgs),
    /// Set up a new case repository: git, cme.toml, the pack, calendar, hooks, CI, schema.
    Init(InitArgs),
    /// Wire the merge driver and pre-commit hook into this clone (once per clone).
    ConfigureGit,
    /// Open a new case: allocates the next id of the year and writes the file.
    New(NewArgs),
    /// Assign a case to an officer.
    Assign(AssignArgs),
    /// Log something done on a case (a visit, a call, a check, an escalation ...).
    Act(ActArgs),
    /// Record a whereabouts-unknown review: scores, decision and sign-off.
    Review(ReviewArgs),
    /// Close a case with its outcome; refused, with what is missing, if the policy says no.
    Close(CloseArgs),
    /// Reopen a closed case when new information arrives.
    Reopen(ReopenArgs),
    /// Correct one field of a record (a date typed wrong, a misspelt name), saying why.
    Set(SetArgs),
    /// Open cases from a school's "missing" Common Transfer File (destination XXXXXXX).
    ImportCtf(ImportCtfArgs),
    /// Print the JSON Schema of the case format, with this repository's lists (or, with
    /// --write, refresh schema/case.schema.json, which editors read).
    Schema(SchemaArgs),
    /// The git merge driver for case files (git runs it: cme merge-driver %O %A %B).
    MergeDriver(MergeDriverArgs),
    /// The audit trail of one case from git, newest first.
    History(HistoryArgs),
    /// Build the site, serve it on 127.0.0.1, and rebuild and reload on every change.
    Serve(ServeArgs),
    /// The report figures the statistics pages show.
    Stats(StatsArgs),
    /// The DfE's termly return (cme report dfe) and the governance reports the policy names
    /// (cme report --list; cme report NAME --period PERIOD writes one, ready to print).
    Report(ReportArgs),
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Also check the git history: no case file deleted, no closed case edited without
    /// a reopening, no closure dated before the case was recorded, no enquiry rewritten.
    #[arg(long)]
    pub audit: bool,
    /// Check what changed since this branch or commit (`git diff REV...HEAD`, for CI on a
    /// pull request): the changed case files, or every case when cme.toml, policy/ or
    /// templates/ changed. Says so when there is nothing to check.
    #[arg(long, value_name = "REV", conflicts_with = "files")]
    pub changed_since: Option<String>,
    /// Case files to check (e.g. those a commit changed); default: every file under cases/.
    pub files: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Only cases assigned to this officer (an id from cme.toml).
    #[arg(long, value_name = "ID")]
    pub officer: Option<String>,
    /// Only cases with an overdue deadline.
    #[arg(long)]
    pub overdue: bool,
    /// Closed cases too.
    #[arg(long)]
    pub all: bool,
    /// Show these cases in full (open or closed).
    #[arg(value_name = "CASE_ID")]
    pub ids: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// Where to write the site (replaced atomically). Default: site/ in the repository.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Render the records as they stood on this day (the last commit made by then), or at
    /// this commit, with queues and deadlines computed for that day.
    #[arg(long, value_name = "DATE|COMMIT", conflicts_with = "working_tree")]
    pub as_of: Option<String>,
    /// Render the working tree, uncommitted changes included (default: the HEAD commit).
    #[arg(long)]
    pub working_tree: bool,
    /// team: everything, exact; board: statistics and rule compliance only, rounded,
    /// nothing personal, for a whole reporting period that has ended (--period).
    #[arg(long, value_enum, default_value_t = AudienceArg::Team)]
    pub audience: AudienceArg,
    /// The board's site: the reporting period it shows, as the records stood at its end
    /// (a kind alone is the last that has ended: week, month, quarter, half-term, term, year;
    /// or one period: 2026-10, 2026-Q2, autumn-2026, 2026).
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["as_of", "working_tree"])]
    pub period: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// A new (or empty) directory.
    pub dir: PathBuf,
    #[arg(long, default_value_t = 1000)]
    pub cases: usize,
    #[arg(long, default_value_t = 10000)]
    pub commits: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value = "manchester")]
    pub pack: String,
}

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    pub dir: PathBuf,
    #[arg(long, value_name = "PACK")]
    pub pack: String,
    #[arg(long, value_name = "NAME")]
    pub authority: String,
    /// Case id prefix: 2-5 capital letters.
    #[arg(long, value_name = "ABC")]
    pub code: String,
    /// Set up even if DIR is not empty.
    #[arg(long)]
    pub force: bool,
}

#[derive(clap::Args, Debug)]
pub struct NewArgs {
    #[arg(long)]
    pub given_name: String,
    #[arg(long)]
    pub family_name: String,
    #[arg(long, value_parser = parse_date)]
    pub dob: NaiveDate,
    #[arg(long, value_parser = word::<Source>)]
    pub source: Source,
    #[arg(long, value_parser = word::<Reason>)]
    pub reason: Reason,
    /// The day the referral was received (default: today).
    #[arg(long, value_parser = parse_date)]
    pub received: Option<NaiveDate>,
    #[arg(long)]
    pub referrer: Option<String>,
    #[arg(long, value_parser = word::<Whereabouts>, default_value = "unknown")]
    pub whereabouts: Whereabouts,
    #[arg(long)]
    pub upn: Option<String>,
    #[arg(long, value_parser = word::<Gender>)]
    pub gender: Option<Gender>,
    #[arg(long)]
    pub address: Option<String>,
    /// A vulnerability id from the pack (repeat for more).
    #[arg(long = "vulnerability", value_name = "ID")]
    pub vulnerabilities: Vec<String>,
    /// The last known school.
    #[arg(long)]
    pub school: Option<String>,
    /// Assign to this officer now.
    #[arg(long, value_name = "ID")]
    pub assign: Option<String>,
    /// Open the case although the child already has an open case, saying why (kept in
    /// the record as referral.duplicate_reason).
    #[arg(long, value_name = "REASON")]
    pub allow_duplicate: Option<String>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct AssignArgs {
    pub case: String,
    pub officer: String,
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct ActArgs {
    pub case: String,
    #[command(flatten)]
    pub fields: Flags<Action>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct ReviewArgs {
    pub case: String,
    #[command(flatten)]
    pub fields: Flags<Review>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct CloseArgs {
    pub case: String,
    #[command(flatten)]
    pub fields: Flags<Closure>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

/// The flags of a command that writes one table of the record: one per field its
/// description marks `Flag` (`model/mod.rs`), named as the field with dashes.
pub struct Flags<T> {
    pub given: Given,
    table: std::marker::PhantomData<T>,
}

impl<T> std::fmt::Debug for Flags<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.given.fmt(f)
    }
}

impl<T: Record> clap::FromArgMatches for Flags<T> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Given::default();
        for f in T::fields() {
            if f.flag().is_some()
                && let Some(v) = m.get_one::<toml_edit::Value>(f.name)
            {
                given.set(f.name, v.clone());
            }
        }
        Ok(Flags {
            given,
            table: std::marker::PhantomData,
        })
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl<T: Record> clap::Args for Flags<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        T::fields().iter().fold(cmd, |cmd, f| {
            let Some(required) = f.flag() else {
                return cmd;
            };
            let mut help = f.description();
            if help.is_empty() {
                help = format!("{}.", f.label);
            }
            if let Kind::Word { names, .. } = f.kind {
                help.push_str(&format!(" One of: {}.", names.join(", ")));
            }
            let value_name = f.value_name();
            cmd.arg(
                clap::Arg::new(f.name)
                    .long(f.flag_name())
                    .required(required)
                    .value_name(value_name)
                    .help(help)
                    .value_parser(clap::builder::ValueParser::new(move |s: &str| {
                        cme::edit::given::parse(f, s)
                    })),
            )
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

#[derive(clap::Args, Debug)]
pub struct ReopenArgs {
    pub case: String,
    #[arg(long)]
    pub reason: String,
    /// Reopen although the child has another open case, saying why (kept in the record).
    #[arg(long, value_name = "REASON")]
    pub allow_duplicate: Option<String>,
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  cme set MAN-2026-0042 referral.received 2026-09-02 --reason \"typed the wrong day\" --commit\n  cme set MAN-2026-0042 child.upn A123456789012 --reason \"UPN from the CTF\"\n  cme set MAN-2026-0042 action.2.outcome \"Spoke to mother\" --reason \"outcome left out\"\n  cme set MAN-2026-0042 child.upn \"\" --reason \"the UPN was another child's\"\n\nA closed case is reopened first (cme reopen); a case is closed with cme close, not by setting its status."
)]
pub struct SetArgs {
    pub case: String,
    /// The field as a dotted path: referral.received, child.date_of_birth, school.name;
    /// an entry of the enquiry log or the reviews by its number in the file, from 1:
    /// action.2.outcome, review.1.decision.
    #[arg(value_name = "FIELD")]
    pub field: String,
    /// The corrected value, written as the field takes it (a date as YYYY-MM-DD; a list as
    /// a,b); "" removes a field the record may leave out.
    #[arg(value_name = "VALUE", allow_hyphen_values = true)]
    pub value: String,
    /// Why: kept in the commit message, which the case's history shows.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct ImportCtfArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct SchemaArgs {
    /// Write it to schema/case.schema.json (the file case files point editors at), rather
    /// than print it: run after adding officers to cme.toml or changing the pack, and commit it.
    #[arg(long)]
    pub write: bool,
}

#[derive(clap::Args, Debug)]
pub struct MergeDriverArgs {
    pub base: PathBuf,
    pub ours: PathBuf,
    pub theirs: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct HistoryArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    pub case: String,
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
}

#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// First day counted (default: the earliest referral).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last day counted (default: today).
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// The figures as the records stood on this day (the last commit made by then), or at
    /// this commit, counted as of that day.
    #[arg(long, value_name = "DATE|COMMIT")]
    pub as_of: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Name each report of this repository's policy: what it holds, who it is for, how often.
    #[arg(long, conflicts_with = "name")]
    pub list: bool,
    /// `dfe` (the DfE's termly return) or a report the policy names (see --list).
    #[arg(value_name = "NAME", required_unless_present = "list")]
    pub name: Option<String>,
    /// The DfE return's census day (default: the policy's last census day on or before today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub census: Option<NaiveDate>,
    /// The DfE return as the records stood on this day (the last commit made by then) or at
    /// this commit (default: HEAD).
    #[arg(long, value_name = "DATE|COMMIT")]
    pub as_of: Option<String>,
    /// The period a governance report covers: a kind alone for the last that has ended
    /// (week, month, quarter, half-term, term, year), or one period (2026-W48, 2026-10,
    /// 2026-Q2, autumn-1-2026, autumn-2026, 2026). Default for a team report: the current one.
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// The DfE return: human (default), json or csv. A governance report: html (default,
    /// a page to print) or json (team reports).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Where to write a governance report (default: reports/NAME-PERIOD.html in the
    /// repository, a folder git ignores). Never into git's folder or the records, never over
    /// a file cme did not write, and inside the repository only where git ignores it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Human,
    Json,
    Csv,
    Html,
}

impl ReportFormat {
    pub fn word(self) -> &'static str {
        match self {
            ReportFormat::Human => "human",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
        }
    }
}

/// `--commit` and what it may include.
#[derive(clap::Args, Clone, Copy, Debug, Default)]
pub struct CommitArgs {
    /// Commit the change (only this command's change to its own file) as the configured git user.
    #[arg(long)]
    pub commit: bool,
    /// With --commit: when the case file already has uncommitted edits, commit them too
    /// (the commit message names them). Without it such a file is refused.
    #[arg(long, requires = "commit")]
    pub include_uncommitted: bool,
}

impl From<CommitArgs> for cme::edit::CommitOptions {
    fn from(c: CommitArgs) -> Self {
        cme::edit::CommitOptions {
            commit: c.commit,
            include_uncommitted: c.include_uncommitted,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum AudienceArg {
    Team,
    Board,
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
    cme::calendar::parse_input_date(s)
}

fn word<V: Vocabulary>(s: &str) -> Result<V, String> {
    V::parse(s).ok_or_else(|| {
        let hint = cme::model::nearest(s, V::NAMES.iter().copied())
            .map(|n| format!(" Did you mean \"{n}\"?"))
            .unwrap_or_default();
        format!(
            "\"{s}\" is not {} {}.{hint} One of: {}",
            cme::model::a_or_an(V::WHAT),
            V::WHAT,
            V::NAMES.join(", ")
        )
    })
}
