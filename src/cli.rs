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
    #[arg(
        long = "repo",
        global = true,
        value_name = "DIR",
        display_order = 900,
        help_heading = "Global options"
    )]
    pub repo_given: Option<PathBuf>,
    /// The case repository the command works on (`--repo`, or found from here).
    #[arg(skip)]
    pub repo: PathBuf,
    /// Take this date as today (YYYY-MM-DD), so results are reproducible.
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date, display_order = 901, help_heading = "Global options")]
    pub today: Option<NaiveDate>,
    /// No progress bars (they are only drawn on a terminal anyway).
    #[arg(long, global = true, display_order = 902, help_heading = "Global options")]
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
    /// Write a letter from the policy's template (cme letter --list) with the case's details,
    /// and log it, with the day its reply is due.
    Letter(LetterArgs),
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
    /// human: rustc-style, for people; json: for tools; github: annotations for GitHub
    /// Actions; junit: a test report for GitLab and other CI.
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
    /// human: a table to read; json: for tools.
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
    /// The letters and enquiries still awaiting their replies (COM-REPLY), one line each,
    /// overdue first.
    #[arg(long, conflicts_with = "ids")]
    pub awaiting: bool,
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
    /// The board's site: the reporting period it shows, as the records stood at its end: a
    /// quarter or a year (quarter or year alone: the last that has ended; or one: 2026-Q2,
    /// 2026).
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
    /// A new (or empty) folder for the case repository.
    pub dir: PathBuf,
    /// The policy pack the authority follows (its rules, lists and deadlines).
    #[arg(long, value_name = "PACK", value_parser = clap::builder::PossibleValuesParser::new(cme::packs::PACKS))]
    pub pack: String,
    /// The authority's name, as its pages and reports show it.
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
#[command(
    after_help = "Example:\n  cme new --given-name Ava --family-name Example --dob 2014-05-14 --source school --reason moved-unknown-school --assign asmith --commit\n\nThe case gets the next id of the referral's year and its file is written under cases/<year>/."
)]
pub struct NewArgs {
    /// The child's given name, as the referral gives it.
    #[arg(long, value_name = "TEXT")]
    pub given_name: String,
    /// The child's family name.
    #[arg(long, value_name = "TEXT")]
    pub family_name: String,
    /// The child's date of birth.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub dob: NaiveDate,
    /// Who referred the child.
    #[arg(long, value_name = "WORD", value_parser = Word::<Source>::new())]
    pub source: Source,
    /// Why the child is thought to be missing education.
    #[arg(long, value_name = "WORD", value_parser = Word::<Reason>::new())]
    pub reason: Reason,
    /// The day the referral was received (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub received: Option<NaiveDate>,
    /// The person who referred the child (name and role).
    #[arg(long, value_name = "TEXT")]
    pub referrer: Option<String>,
    /// What is known of where the child is.
    #[arg(long, value_name = "WORD", value_parser = Word::<Whereabouts>::new(), default_value = "unknown")]
    pub whereabouts: Whereabouts,
    /// The Unique Pupil Number, where the child has one (13 characters, from the school or CTF).
    #[arg(long, value_name = "UPN")]
    pub upn: Option<String>,
    /// The child's sex as the school records it.
    #[arg(long, value_name = "WORD", value_parser = Word::<Gender>::new())]
    pub gender: Option<Gender>,
    /// The last known address, on one line.
    #[arg(long, value_name = "TEXT")]
    pub address: Option<String>,
    /// A vulnerability id from the pack (repeat for more).
    #[arg(long = "vulnerability", value_name = "ID")]
    pub vulnerabilities: Vec<String>,
    /// The last known school's name.
    #[arg(long, value_name = "TEXT")]
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
    /// The case id, as its file is named (e.g. ABC-2026-0042; lower case is read too).
    pub case: String,
    /// The officer's id, as cme.toml lists them.
    pub officer: String,
    /// The day it was assigned (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct ActArgs {
    /// The case id, as its file is named (e.g. ABC-2026-0042; lower case is read too).
    pub case: String,
    #[command(flatten)]
    pub fields: Flags<Action>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct ReviewArgs {
    /// The case id, as its file is named (e.g. ABC-2026-0042; lower case is read too).
    pub case: String,
    #[command(flatten)]
    pub fields: Flags<Review>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
pub struct CloseArgs {
    /// The case id, as its file is named (e.g. ABC-2026-0042; lower case is read too).
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
    /// The case id, as its file is named (e.g. ABC-2026-0042; lower case is read too).
    pub case: String,
    /// The new information that reactivates the case.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Reopen although the child has another open case, saying why (kept in the record).
    #[arg(long, value_name = "REASON")]
    pub allow_duplicate: Option<String>,
    /// The day it was reopened (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  cme set ABC-2026-0042 referral.received 2026-09-02 --reason \"typed the wrong day\" --commit\n  cme set ABC-2026-0042 child.upn A123456789012 --reason \"UPN from the CTF\"\n  cme set ABC-2026-0042 action.2.outcome \"Spoke to mother\" --reason \"outcome left out\"\n  cme set ABC-2026-0042 child.upn \"\" --reason \"the UPN was another child's\"\n\nA closed case is reopened first (cme reopen); a case is closed with cme close, not by setting its status."
)]
pub struct SetArgs {
    /// The case id, as its file is named (e.g. ABC-2026-0042; lower case is read too).
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
#[command(
    after_help = "Examples:\n  cme letter --list\n  cme letter ABC-2026-0042 first-letter --commit\n  cme letter ABC-2026-0042 school-request\n  cme letter ABC-2026-0042 agency-check --check border-force\n  cme letter ABC-2026-0042 other-la-enquiry --to \"CME Officer, Northshire Council\"\n  cme letter ABC-2026-0042 reminder --about 3\n\nThe letter is written to letters/<CASE>/<DATE>-<TEMPLATE>.md with a page to print beside it (.html), and the action that sent it is logged in the case with its reply date. Record the answer with cme act CASE --reply-to N ...; cme status --awaiting lists what is still awaited."
)]
pub struct LetterArgs {
    /// Name each template of this repository's policy: what it is for, who it goes to, how
    /// long the reply may take.
    #[arg(long, conflicts_with_all = ["case", "template"])]
    pub list: bool,
    /// The case id, as its file is named (e.g. ABC-2026-0042; lower case is read too).
    #[arg(required_unless_present = "list")]
    pub case: Option<String>,
    /// The template (see --list).
    #[arg(value_name = "TEMPLATE", required_unless_present = "list")]
    pub template: Option<String>,
    /// Whom it is addressed to, in place of the template's (e.g. "Mrs A Example").
    #[arg(long, value_name = "TEXT")]
    pub to: Option<String>,
    /// The letter's date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The officer who signs it (default: the case's officer).
    #[arg(long, value_name = "ID")]
    pub by: Option<String>,
    /// For a check's letter: which check of the pack.
    #[arg(long, value_name = "ID")]
    pub check: Option<String>,
    /// For a reminder: the number of the action it chases (counting from 1 in the file).
    #[arg(long, value_name = "N")]
    pub about: Option<usize>,
    /// For a School Attendance Order: the school it names.
    #[arg(long, value_name = "TEXT")]
    pub school: Option<String>,
    #[command(flatten)]
    pub commit: CommitArgs,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "The file: the Common Transfer File (CTF) XML a school uploads to School2School when pupils leave and it does not know where they went, with the destination LA XXX and school XXXX (XXXXXXX). Download it from S2S (the \"missing pupils\" CTF) and give its path. A CTF to a known school opens nothing. Each pupil whose details are wrong is named with why, and the rest are imported (exit 1); a file that is not a CTF is refused whole (exit 2); importing a file again skips the pupils already opened."
)]
pub struct ImportCtfArgs {
    /// The "missing" CTF: a school's CTF XML file with destination XXXXXXX (from S2S).
    #[arg(value_name = "FILE.xml")]
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
    /// human: a table to read; json: for tools.
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
    /// human: a table to read; json: for tools.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// First day counted (default: the earliest referral).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last day counted (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
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

/// A flag that takes one word of a vocabulary: `--help` lists the words, and a word typed
/// wrong is answered with the nearest one and the list.
#[derive(Clone)]
pub struct Word<V>(std::marker::PhantomData<V>);

impl<V> Word<V> {
    pub fn new() -> Self {
        Word(std::marker::PhantomData)
    }
}

impl<V: Vocabulary + Clone + Send + Sync + 'static> clap::builder::TypedValueParser for Word<V> {
    type Value = V;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<V, clap::Error> {
        let s = value.to_string_lossy();
        word::<V>(&s).map_err(|why| {
            let flag = arg.map(|a| a.to_string()).unwrap_or_default();
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("invalid value for {flag}: {why}\n"),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(V::NAMES.iter().map(|n| clap::builder::PossibleValue::new(*n))))
    }
}

/// `--help` that speaks of this repository: the officers, checks, escalations and
/// vulnerabilities a flag takes, and what each outcome needs before a case closes.
pub fn teach(cmd: clap::Command, repo: &cme::load::Repo) -> clap::Command {
    use cme::model::Ids;
    let policy = repo.policy();
    let list = |ids: Ids| policy.ids(ids).join(", ");
    let add = |a: clap::Arg, what: &str, ids: Ids| {
        let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
        if !help.is_empty() && !help.ends_with('.') {
            help.push('.');
        }
        a.help(format!("{help} {what}: {}.", list(ids)).trim_start().to_string())
    };
    let pack = &repo.pack.pack.id;
    let mut cmd = cmd;
    for (sub, arg, what, ids) in [
        (
            "new",
            "vulnerabilities",
            "The pack's vulnerabilities",
            Ids::Vulnerabilities,
        ),
        ("new", "assign", "Officers", Ids::Officers),
        ("act", "by", "Officers", Ids::Officers),
        ("act", "check", "The pack's checks", Ids::Checks),
        ("act", "to", "The pack's escalations", Ids::Escalations),
        ("review", "signed_off_by", "Officers", Ids::Officers),
        ("status", "officer", "Officers", Ids::Officers),
    ] {
        let (arg, what) = (arg.to_string(), what.to_string());
        cmd = cmd.mut_subcommand(sub, move |c| c.mut_arg(arg, |a| add(a, &what, ids)));
    }
    // A positional changed with mut_arg would move last: the officers are said after.
    let officers = format!("Officers in cme.toml: {}.", list(Ids::Officers));
    cmd = cmd.mut_subcommand("assign", |c| c.after_help(officers));
    // What each outcome needs, from the pack.
    let mut needs = format!("What each outcome needs under this repository's policy ({pack}):\n");
    for req in &repo.pack.closure_requirements {
        let flags: Vec<String> = req
            .fields
            .iter()
            .map(|f| format!("--{}", f.replace('_', "-")))
            .collect();
        needs.push_str(&format!(
            "  {}: {} ({})\n",
            req.outcome.as_str(),
            flags.join(" and "),
            req.rule
        ));
    }
    needs.push_str("A closure may need more than its fields (checks logged with cme act, a signed-off review): when it does, cme close refuses and says which, and writes nothing.");
    cmd.mut_subcommand("close", |c| c.after_help(needs))
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
