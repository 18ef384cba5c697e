//! `cme status`: the work queue an officer starts the day with, and each case's computed
//! state as JSON. It presents what [`crate::state`] computed; it computes nothing itself.

use crate::deadline::{Deadline, State};
use crate::load::{self, Repo};
use crate::model::Vocabulary;
use crate::state::CaseState;
use chrono::NaiveDate;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use serde::Serialize;
use std::io::{self, Write};

/// Which cases to show.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only these cases (open or closed); all open cases when empty.
    pub ids: Vec<String>,
    pub officer: Option<String>,
    pub overdue_only: bool,
    /// Closed cases too.
    pub include_closed: bool,
}

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub today: NaiveDate,
    pub cases: Vec<CaseState>,
    /// Case files that could not be read: `cme check` says why.
    #[serde(skip)]
    pub unreadable: Vec<String>,
}

/// Why `cme status` cannot answer.
#[derive(Debug)]
pub enum StatusError {
    UnknownCase(String),
    UnknownOfficer(String),
}

impl std::fmt::Display for StatusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusError::UnknownCase(id) => write!(
                f,
                "no case {id} under cases/ (ids are the file names, e.g. EXC-2026-0042)"
            ),
            StatusError::UnknownOfficer(id) => write!(f, "\"{id}\" is not an officer in cme.toml"),
        }
    }
}

pub fn run(repo: &Repo, today: NaiveDate, filter: &Filter) -> Result<StatusReport, StatusError> {
    if let Some(o) = &filter.officer
        && repo.config.officer(o).is_none()
    {
        return Err(StatusError::UnknownOfficer(o.clone()));
    }
    let (paths, _) = repo.store.case_paths();
    let wanted: Vec<String> = if filter.ids.is_empty() {
        paths
    } else {
        let mut out = Vec::new();
        for id in &filter.ids {
            match paths.iter().find(|p| crate::model::id::CaseId::of_path(id).is_file(p)) {
                Some(p) => out.push(p.clone()),
                None => return Err(StatusError::UnknownCase(id.clone())),
            }
        }
        out
    };
    let mut report = StatusReport {
        today,
        cases: Vec::new(),
        unreadable: Vec::new(),
    };
    for file in load::read_many(repo, &wanted) {
        let Some(case) = &file.case else {
            report.unreadable.push(file.source.path.clone());
            continue;
        };
        if filter.ids.is_empty() && !case.is_open() && !filter.include_closed {
            continue;
        }
        let state = CaseState::compute(repo.policy(), case, today);
        if filter
            .officer
            .as_ref()
            .is_some_and(|o| state.assigned_to.as_ref() != Some(o))
        {
            continue;
        }
        if filter.overdue_only && state.overdue().next().is_none() {
            continue;
        }
        report.cases.push(state);
    }
    report.cases.sort_by(|a, b| a.queue_key().cmp(&b.queue_key()));
    Ok(report)
}

/// One reply still awaited, as `cme status --awaiting --format json` gives it.
#[derive(Serialize)]
struct Awaited<'a> {
    case: &'a str,
    child: &'a str,
    officer: Option<&'a str>,
    /// The action awaiting its reply (from 1, in the file's order).
    action: usize,
    asks: &'a str,
    due: Option<NaiveDate>,
    state: crate::deadline::State,
    #[serde(skip_serializing_if = "Option::is_none")]
    days_overdue: Option<i64>,
}

fn awaited(report: &StatusReport) -> Vec<Awaited<'_>> {
    let mut all: Vec<Awaited<'_>> = report
        .cases
        .iter()
        .filter(|c| c.status.as_str() == "open")
        .flat_map(|c| {
            c.awaited().into_iter().map(move |d| Awaited {
                case: &c.id,
                child: &c.child,
                officer: c.assigned_to.as_deref(),
                action: d.awaits.unwrap_or(0),
                asks: &d.asks,
                due: d.due,
                state: d.state,
                days_overdue: d.days_overdue,
            })
        })
        .collect();
    all.sort_by(|a, b| {
        (a.state != State::Overdue, a.due, a.case, a.action).cmp(&(b.state != State::Overdue, b.due, b.case, b.action))
    });
    all
}

/// `cme status --awaiting`: each reply still awaited, overdue first.
pub fn render_awaiting(repo: &Repo, report: &StatusReport, out: &mut dyn Write) -> io::Result<()> {
    let all = awaited(report);
    writeln!(
        out,
        "{} - replies awaited on {}: {}, {} overdue",
        repo.config.authority.name,
        long_date(report.today),
        crate::model::count(all.len(), "reply"),
        all.iter().filter(|a| a.state == State::Overdue).count()
    )?;
    if all.is_empty() {
        return writeln!(out, "Nothing awaited.");
    }
    writeln!(out)?;
    for a in &all {
        let state = match (a.state, a.days_overdue) {
            (State::Overdue, Some(n)) => format!("overdue {}", crate::model::count(n as usize, "day")),
            (State::DueSoon, _) => "due soon".into(),
            _ => "waiting".into(),
        };
        writeln!(
            out,
            "{}  action {:<3} due {:<12} {:<16} {} ({})",
            a.case,
            a.action,
            short_date(a.due),
            state,
            crate::source::printable_line(a.asks),
            a.officer.unwrap_or("unassigned")
        )?;
    }
    writeln!(
        out,
        "\nRecord a reply: cme act CASE --reply-to N --kind ... --by ...; chase one: cme letter CASE reminder --about N"
    )
}

pub fn render_awaiting_json(report: &StatusReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &awaited(report))?;
    writeln!(out)
}

pub fn render_json(report: &StatusReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

fn long_date(d: NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

fn short_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "?".into(), |d| d.format("%-d %b %Y").to_string())
}

fn cut(s: &str, width: usize) -> String {
    // Whatever a record holds, one cell of one line.
    let s = crate::source::printable_line(s);
    if s.chars().count() <= width {
        format!("{s:width$}")
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn state_words(d: &Deadline, today: NaiveDate) -> String {
    match d.state {
        State::Overdue => match d.days_overdue.unwrap_or(0) {
            1 => "overdue 1 day".into(),
            n => format!("overdue {n} days"),
        },
        State::DueSoon => match d.due {
            Some(due) if due == today => "due today".into(),
            Some(due) if due == today + chrono::Duration::days(1) => "due tomorrow".into(),
            Some(due) if due > today => format!("due in {} days", (due - today).num_days()),
            _ => "due soon".into(),
        },
        State::Open => "open".into(),
        State::Late => format!("done late {}", short_date(d.done_on)),
        State::Met => format!("met {}", short_date(d.done_on)),
        State::Missed => "never met".into(),
        State::Unknown => "calendar gap".into(),
    }
}

fn colour_for(state: State) -> Option<Color> {
    match state {
        State::Overdue | State::Unknown | State::Missed => Some(Color::Red),
        State::DueSoon => Some(Color::Yellow),
        State::Met => Some(Color::Green),
        _ => None,
    }
}

fn coloured(out: &mut dyn WriteColor, colour: Option<Color>, bold: bool, text: &str) -> io::Result<()> {
    out.set_color(ColorSpec::new().set_fg(colour).set_bold(bold))?;
    write!(out, "{text}")?;
    out.reset()
}

/// The work queue: one line per case, most urgent first; with case ids given, each case's
/// deadlines and checklists in full.
pub fn render_human(repo: &Repo, report: &StatusReport, detailed: bool, out: &mut dyn WriteColor) -> io::Result<()> {
    let today = report.today;
    // The site's queues, by the one definition each (`queue.rs`): the dashboard's figures.
    let count = |q: crate::queue::Queue| report.cases.iter().filter(|c| q.holds(&repo.pack, c)).count();
    let overdue = count(crate::queue::Queue::Overdue);
    let soon = count(crate::queue::Queue::DueSoon);
    let unassigned = report
        .cases
        .iter()
        .filter(|c| c.assigned_to.is_none() && c.status.as_str() == "open")
        .count();
    coloured(
        out,
        None,
        true,
        &format!("{} - work queue for {}", repo.config.authority.name, long_date(today)),
    )?;
    writeln!(out, " ({})", repo.pack.pack.name)?;
    writeln!(
        out,
        "{}: {overdue} with an overdue deadline, {soon} with {} (a case with both counts in both), {unassigned} unassigned\n",
        crate::model::count(report.cases.len(), "case"),
        crate::queue::Queue::DueSoon.definition()
    )?;
    if report.cases.is_empty() {
        writeln!(out, "Nothing to show.")?;
        return Ok(());
    }
    // The risk column is as wide as the pack's longest level name ("Elevated"), at least 4.
    let rw = report
        .cases
        .iter()
        .filter_map(|c| c.risk.as_deref())
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    coloured(
        out,
        None,
        true,
        &format!(
            "{:<14} {:<18} {:<10} {} {:<rw$} {:<11} {:<20} {}",
            "CASE", "CHILD", "OFFICER", "P", "RISK", "DUE", "STATE", "NEXT DEADLINE"
        ),
    )?;
    writeln!(out)?;
    for c in &report.cases {
        write!(out, "{:<14} {} ", c.id, cut(&c.child, 18))?;
        match &c.assigned_to {
            None if c.status.as_str() == "open" => coloured(out, Some(Color::Magenta), false, "unassigned")?,
            who => write!(out, "{}", cut(who.as_deref().unwrap_or("-"), 10))?,
        }
        write!(out, " {} ", c.priority)?;
        let risk = c.risk.as_deref().unwrap_or("-");
        let high = repo.pack.risk.as_ref().and_then(|m| m.tone(risk)) == Some(crate::pack::Tone::High);
        coloured(out, high.then_some(Color::Red), high, &format!("{risk:<rw$}"))?;
        match c.next() {
            Some(d) => {
                write!(out, " {:<11} ", short_date(d.due))?;
                let more = c.overdue().count().saturating_sub(1);
                let mut words = state_words(d, today);
                if d.state == State::Overdue && more > 0 {
                    words.push_str(&format!(" +{more}"));
                }
                coloured(
                    out,
                    colour_for(d.state),
                    d.state == State::Overdue,
                    &format!("{words:<20}"),
                )?;
                write!(out, " {} {}", d.rule, d.asks)?;
            }
            None if c.status.as_str() == "closed" => write!(out, " {:<11} {:<20}", "-", "closed")?,
            None => write!(out, " {:<11} {:<20}", "-", "nothing due")?,
        }
        writeln!(out)?;
        if detailed {
            details(repo, c, today, out)?;
        }
    }
    Ok(())
}

fn details(repo: &Repo, c: &CaseState, today: NaiveDate, out: &mut dyn WriteColor) -> io::Result<()> {
    writeln!(
        out,
        "    whereabouts {}; compulsory school age {} to {}",
        c.whereabouts,
        short_date(Some(c.school_age_starts)),
        short_date(Some(c.school_age_ends))
    )?;
    if let Some(l) = c.ladder.summary() {
        writeln!(out, "    ladder: {}", crate::source::printable_line(&l))?;
        if let Some(letter) = c.ladder.next.and_then(|i| c.ladder.rungs[i].letter.as_deref()) {
            writeln!(out, "      its letter: cme letter {} {letter}", c.id)?;
        }
    }
    for d in &c.deadlines {
        let title = d.title(&repo.pack);
        write!(out, "    {:<18} {:<12} ", d.rule, short_date(d.due))?;
        coloured(
            out,
            colour_for(d.state),
            false,
            &format!("{:<22}", state_words(d, today)),
        )?;
        write!(out, " {title}")?;
        if let Some(by) = &d.met_by {
            write!(out, " [{by}]")?;
        }
        writeln!(out)?;
        for extra in d.note.iter().chain(d.problem.iter()) {
            writeln!(out, "      note: {extra}")?;
        }
    }
    for list in &c.checklists {
        writeln!(
            out,
            "    {} ({}): {} of {} done",
            list.title,
            list.rule,
            list.done,
            list.items.len()
        )?;
        for i in &list.items {
            let mark = if i.done { "[x]" } else { "[ ]" };
            let when = match (&i.date, &i.by) {
                (Some(d), Some(by)) => format!(" - {} by {by}", short_date(Some(*d))),
                (Some(d), None) => format!(" - {}", short_date(Some(*d))),
                _ => String::new(),
            };
            writeln!(out, "      {mark} {}{when}", i.label)?;
        }
    }
    writeln!(out)
}
