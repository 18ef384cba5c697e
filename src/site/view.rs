//! Page models: what each template shows, already computed and formatted. Templates only
//! lay these out; they never compute a date or a deadline.

use super::markdown;
use crate::deadline::{Deadline, State};
use crate::diagnostic::Diagnostic;
use crate::load::Repo;
use crate::model::{Case, Field, Ids, Record, Value, Vocabulary};
use crate::pack::Severity;
use crate::state::CaseState;
use chrono::NaiveDate;
use serde::Serialize;

/// "14 May 2026", as GOV.UK writes dates.
pub fn date(d: NaiveDate) -> String {
    crate::calendar::long_date(d)
}

pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

/// Words for a vocabulary value: "moved-unknown-school" -> "Moved unknown school",
/// "cme-officer" -> "CME officer".
pub fn words(s: &str) -> String {
    const ACRONYMS: &[&str] = &["cme", "la", "ehe", "sao", "ehcp", "upn", "mash", "ctf"];
    let t: Vec<String> = s
        .split('-')
        .map(|w| {
            if ACRONYMS.contains(&w) {
                w.to_uppercase()
            } else {
                w.to_string()
            }
        })
        .collect();
    let t = t.join(" ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The words for a counted key: a vocabulary value in words ("Confirmed other LA"), or the
/// pack's own label (a vulnerability's).
pub fn count_label(c: &crate::stats::Count) -> String {
    if c.label == c.key.replace('-', " ") {
        words(&c.key)
    } else {
        c.label.clone()
    }
}

/// A labelled value of a summary list.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub key: String,
    pub value: String,
}

fn row(key: &str, value: impl Into<String>) -> Row {
    Row {
        key: key.into(),
        value: value.into(),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct DeadlineView {
    pub rule: crate::model::id::RuleId,
    pub title: String,
    pub asks: String,
    pub due: String,
    pub due_iso: String,
    pub state: String,
    pub state_label: String,
    pub tag: &'static str,
    pub done_on: String,
    pub met_by: String,
    pub note: String,
}

pub fn state_label(d: &Deadline, today: NaiveDate) -> String {
    match d.state {
        State::Overdue => match d.days_overdue {
            Some(1) => "Overdue by 1 day".into(),
            Some(n) => format!("Overdue by {n} days"),
            None => "Overdue".into(),
        },
        State::DueSoon => match d.due.map(|due| (due - today).num_days()) {
            Some(0) => "Due today".into(),
            Some(1) => "Due tomorrow".into(),
            Some(n) if n > 1 => format!("Due in {n} days"),
            _ => "Due soon".into(),
        },
        State::Open => "Not yet due".into(),
        State::Late => "Done late".into(),
        State::Met => "Met".into(),
        State::Missed => "Never met (the case closed first)".into(),
        State::Unknown => "Calendar gap".into(),
    }
}

pub fn state_tag(s: State) -> &'static str {
    match s {
        State::Overdue | State::Unknown | State::Missed => "red",
        State::DueSoon => "orange",
        State::Open => "blue",
        State::Late => "purple",
        State::Met => "green",
    }
}

pub fn deadline_view(repo: &Repo, d: &Deadline, today: NaiveDate) -> DeadlineView {
    DeadlineView {
        rule: d.rule.clone(),
        title: d.title(&repo.pack).to_string(),
        asks: d.asks.clone(),
        due: opt_date(d.due),
        due_iso: d.due.map(|d| d.to_string()).unwrap_or_default(),
        state: serde_json::to_value(d.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        state_label: state_label(d, today),
        tag: state_tag(d.state),
        done_on: opt_date(d.done_on),
        met_by: d.met_by.clone().unwrap_or_default(),
        note: d.note.clone().or_else(|| d.problem.clone()).unwrap_or_default(),
    }
}

/// The tag colour of a risk level, by what the pack says its colour means.
pub fn risk_tag(pack: &crate::pack::Pack, level: Option<&str>) -> &'static str {
    level
        .and_then(|l| pack.risk.as_ref()?.tone(l))
        .map_or("grey", crate::pack::Tone::colour)
}

/// One row of a queue table.
#[derive(Clone, Debug, Serialize)]
pub struct QueueRow {
    pub id: String,
    pub child: String,
    pub officer: String,
    pub officer_id: String,
    pub priority: u8,
    pub risk: String,
    pub risk_tag: &'static str,
    pub whereabouts: String,
    pub received: String,
    pub received_iso: String,
    pub next: Option<DeadlineView>,
    pub overdue: usize,
    /// For the weekly review pack: checks done, the latest review, what is due next.
    pub checks_done: String,
    pub last_review: String,
    pub decision_due: String,
    pub decision_due_iso: String,
}

pub fn queue_row(repo: &Repo, case: &Case, s: &CaseState, today: NaiveDate) -> QueueRow {
    let officer = s
        .assigned_to
        .as_deref()
        .map(|id| repo.config.officer(id).map_or(id, |o| o.name.as_str()).to_string());
    let checks = s
        .checklists
        .iter()
        .map(|c| format!("{} of {}", c.done, c.items.len()))
        .collect::<Vec<_>>()
        .join("; ");
    let last_review = case.latest_review().map(|(_, r)| r.date);
    let decision = s
        .deadlines
        .iter()
        .filter(|d| !d.state.is_done() && d.due.is_some())
        .filter(|d| d.rule != "COM-SCHOOL-AGE")
        .min_by_key(|d| d.due);
    QueueRow {
        id: s.id.clone(),
        child: s.child.clone(),
        officer: officer.unwrap_or_default(),
        officer_id: s.assigned_to.clone().unwrap_or_default(),
        priority: s.priority,
        risk: s.risk.clone().unwrap_or_default(),
        risk_tag: risk_tag(&repo.pack, s.risk.as_deref()),
        whereabouts: words(s.whereabouts.as_str()),
        received: date(case.referral.received),
        received_iso: case.referral.received.to_string(),
        next: s.next().map(|d| deadline_view(repo, d, today)),
        overdue: s.overdue().count(),
        checks_done: checks,
        last_review: opt_date(last_review),
        decision_due: decision
            .map(|d| format!("{} ({})", opt_date(d.due), d.rule))
            .unwrap_or_default(),
        decision_due_iso: decision.and_then(|d| d.due).map(|d| d.to_string()).unwrap_or_default(),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionView {
    pub number: usize,
    pub date: String,
    pub kind: String,
    pub by: String,
    pub detail: String,
    pub outcome: String,
    pub note_html: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReviewView {
    pub number: usize,
    pub date: String,
    pub cme_score: String,
    pub safeguarding_score: String,
    pub level: String,
    pub tag: &'static str,
    pub meaning: String,
    pub decision: String,
    pub signed_off_by: String,
    pub comments: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChecklistView {
    pub rule: crate::model::id::RuleId,
    pub title: String,
    pub done: usize,
    pub total: usize,
    pub groups: Vec<ChecklistGroup>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChecklistGroup {
    pub name: String,
    pub items: Vec<ChecklistItemView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChecklistItemView {
    pub label: String,
    pub done: bool,
    pub when: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DiagnosticView {
    pub severity: String,
    pub tag: &'static str,
    pub rule: crate::model::id::RuleId,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
    pub policy_ref: String,
}

pub fn diagnostic_view(d: &Diagnostic) -> DiagnosticView {
    DiagnosticView {
        severity: d.severity.as_str().into(),
        tag: if d.severity == Severity::Error { "red" } else { "orange" },
        rule: d.rule.clone(),
        line: d.line,
        column: d.column,
        message: d.message.clone(),
        hint: d.hint.clone().unwrap_or_default(),
        policy_ref: d
            .policy_ref
            .as_deref()
            .and_then(|r| r.split_once('#'))
            .map(|(_, a)| a.to_string())
            .unwrap_or_default(),
    }
}

/// Everything the case page shows.
#[derive(Clone, Debug, Serialize)]
pub struct CaseView {
    pub id: String,
    pub file: String,
    pub child: String,
    pub status: String,
    pub status_tag: &'static str,
    pub risk: String,
    pub risk_tag: &'static str,
    pub risk_meaning: String,
    pub priority: u8,
    pub officer: String,
    pub whereabouts: String,
    pub child_rows: Vec<Row>,
    pub referral_rows: Vec<Row>,
    pub school_rows: Vec<Row>,
    pub social_care_rows: Vec<Row>,
    pub closure_rows: Vec<Row>,
    pub reopened: Vec<Vec<Row>>,
    pub deadlines: Vec<DeadlineView>,
    pub checklists: Vec<ChecklistView>,
    pub actions: Vec<ActionView>,
    pub reviews: Vec<ReviewView>,
    /// Letters and enquiries sent that ask for a reply, or were written by cme letter.
    pub letters: Vec<LetterView>,
    /// The escalation ladder, a step each.
    pub ladder: Vec<RungView>,
    pub diagnostics: Vec<DiagnosticView>,
    pub has_errors: bool,
}

/// One step of the escalation ladder on the case page.
#[derive(Clone, Debug, Serialize)]
pub struct RungView {
    pub title: String,
    pub trigger: String,
    pub role: String,
    pub letter: String,
    pub policy_ref: String,
    pub status: String,
    pub tag: &'static str,
}

fn rung_views(case: &Case, s: &CaseState) -> Vec<RungView> {
    let l = &s.ladder;
    l.rungs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (status, tag) = match (r.done_on, l.next) {
                (Some(d), _) => (format!("Taken {}", date(d)), "green"),
                (None, Some(n)) if n == i => (
                    match l.next_due {
                        Some(due) => format!("Next, due {}", date(due)),
                        None => "Next".into(),
                    },
                    "blue",
                ),
                (None, _) if l.at.is_some_and(|a| a > i) => ("Passed over".into(), "grey"),
                _ => ("Not yet".into(), "grey"),
            };
            RungView {
                title: r.title.clone(),
                trigger: r.trigger.clone(),
                role: r.role.clone(),
                letter: r
                    .letter
                    .as_ref()
                    .map(|t| format!("cme letter {} {t}", case.id))
                    .unwrap_or_default(),
                policy_ref: r.policy_ref.clone(),
                status,
                tag,
            }
        })
        .collect()
}

/// A letter or enquiry sent, and its reply.
#[derive(Clone, Debug, Serialize)]
pub struct LetterView {
    /// The action that sent it (from 1).
    pub number: usize,
    pub date: String,
    pub what: String,
    pub to: String,
    /// The page of the letter, from the site's root (`letters/<CASE>/<name>.html`).
    pub href: String,
    pub reply: String,
    pub tag: &'static str,
}

/// The site page of a letter kept at `path` (`letters/<CASE>/<name>.md`), if the path is one
/// `cme letter` writes for this case.
pub fn letter_page(case: &str, path: &str) -> Option<String> {
    crate::letter::is_letter_path(case, path).then(|| format!("{}.html", path.trim_end_matches(".md")))
}

fn letter_views(case: &Case, s: &CaseState, today: NaiveDate) -> Vec<LetterView> {
    case.actions
        .iter()
        .enumerate()
        .filter(|(_, a)| a.reply_due.is_some() || a.letter.is_some())
        .map(|(i, a)| {
            let number = i + 1;
            let awaited = s.deadlines.iter().find(|d| d.awaits == Some(number));
            let (reply, tag) = match awaited {
                Some(d) if d.state.is_done() => (
                    format!(
                        "Replied {}{}",
                        opt_date(d.done_on),
                        d.met_by.as_deref().map(|m| format!(" ({m})")).unwrap_or_default()
                    ),
                    "green",
                ),
                Some(d) => (
                    format!("{}, due {}", state_label(d, today), opt_date(d.due)),
                    state_tag(d.state),
                ),
                None if a.reply_due.is_some() => ("Reply no longer awaited (an earlier episode)".into(), "grey"),
                None => ("No reply asked for".into(), "grey"),
            };
            LetterView {
                number,
                date: date(a.date),
                what: a.outcome.clone().unwrap_or_else(|| words(a.kind.as_str())),
                to: a.recipient.clone().or_else(|| a.to.clone()).unwrap_or_default(),
                href: a
                    .letter
                    .as_deref()
                    .and_then(|p| letter_page(&case.id, p))
                    .unwrap_or_default(),
                reply,
                tag,
            }
        })
        .collect()
}

pub fn case_view(
    repo: &Repo,
    file: &str,
    case: &Case,
    s: &CaseState,
    diags: &[&Diagnostic],
    today: NaiveDate,
) -> CaseView {
    let pack = &repo.pack;
    CaseView {
        id: case.id.clone(),
        file: file.to_string(),
        child: s.child.clone(),
        status: words(case.status.as_str()),
        status_tag: if case.is_open() { "blue" } else { "grey" },
        risk: s.risk.clone().unwrap_or_default(),
        risk_tag: risk_tag(&repo.pack, s.risk.as_deref()),
        risk_meaning: s
            .risk
            .as_ref()
            .and_then(|l| pack.risk.as_ref().and_then(|m| m.meaning.get(l)).cloned())
            .unwrap_or_default(),
        priority: s.priority,
        officer: s
            .assigned_to
            .as_deref()
            .map(|id| officer_name(repo, id))
            .unwrap_or_else(|| "Unassigned".into()),
        whereabouts: words(case.child.whereabouts.as_str()),
        child_rows: child_rows(repo, case, s, today),
        referral_rows: referral_rows(repo, case),
        school_rows: school_rows(repo, case),
        social_care_rows: social_care_rows(repo, case),
        closure_rows: closure_rows(repo, case),
        reopened: reopened_rows(repo, case),
        deadlines: s.deadlines.iter().map(|d| deadline_view(repo, d, today)).collect(),
        checklists: checklist_views(repo, s),
        actions: action_views(repo, case),
        reviews: review_views(repo, case),
        letters: letter_views(case, s, today),
        ladder: rung_views(case, s),
        diagnostics: diags.iter().map(|d| diagnostic_view(d)).collect(),
        has_errors: diags.iter().any(|d| d.severity == Severity::Error),
    }
}

/// An officer as the case page names them: "Name (id)", or the id (a school, someone who
/// has left the list).
fn officer_name(repo: &Repo, id: &str) -> String {
    repo.config
        .officer(id)
        .map_or(id.to_string(), |o| format!("{} ({id})", o.name))
}

/// One row per field of a table that is filled, labelled and shown as its description
/// says (dates as GOV.UK writes them, words from the vocabularies, ids from the pack by
/// their labels). `custom` may show a field its own way (`Some(row)`) or leave it out
/// (`Some(None)`).
fn described_rows<T: Record>(
    repo: &Repo,
    table: &T,
    custom: impl Fn(&Field, &Value<'_>) -> Option<Option<Row>>,
) -> Vec<Row> {
    let pack = &repo.pack;
    let label = |ids: Option<Ids>, id: &str| -> String {
        let found = match ids {
            Some(Ids::Officers | Ids::Actors) => return officer_name(repo, id),
            Some(Ids::Vulnerabilities) => pack.vulnerability(id).map(|x| x.label.clone()),
            Some(Ids::Checks) => pack.check(id).map(|x| x.label.clone()),
            Some(Ids::Escalations) => pack.escalations.iter().find(|x| x.id == id).map(|x| x.label.clone()),
            Some(Ids::Documents) => pack.documents.iter().find(|x| x.id == id).map(|x| x.label.clone()),
            Some(Ids::Grounds) => pack.ground(id).map(|x| format!("{id} - {}", x.title)),
            None => None,
        };
        found.unwrap_or_else(|| id.to_string())
    };
    table
        .values()
        .into_iter()
        .filter_map(|(f, v)| {
            if let Some(shown) = custom(f, &v) {
                return shown;
            }
            let text = match v {
                Value::Absent | Value::Tables(_) => return None,
                Value::Text(t) if t.trim().is_empty() => return None,
                Value::Text(t) => label(f.lookup(), t),
                Value::Date(d) => date(d),
                Value::Bool(b) => (if b { "Yes" } else { "No" }).to_string(),
                Value::Int(n) => n.to_string(),
                Value::Word(w) => words(w),
                Value::Texts([]) => return None,
                Value::Texts(items) => items
                    .iter()
                    .map(|i| label(f.lookup(), i))
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            Some(row(f.label, text))
        })
        .collect()
}

fn child_rows(repo: &Repo, case: &Case, s: &CaseState, today: NaiveDate) -> Vec<Row> {
    let c = &case.child;
    let age_years = {
        let mut y = today.years_since(c.date_of_birth).unwrap_or(0);
        if y > 200 {
            y = 0;
        }
        y
    };
    let mut rows = vec![
        row("Name", format!("{} {}", c.given_name, c.family_name)),
        row("Date of birth", format!("{} (age {age_years})", date(c.date_of_birth))),
        row(
            "Compulsory school age",
            format!("{} to {}", date(s.school_age_starts), date(s.school_age_ends)),
        ),
    ];
    rows.extend(described_rows(repo, c, |f, v| match (f.name, v) {
        ("given_name" | "family_name" | "date_of_birth", _) => Some(None),
        ("vulnerabilities", Value::Texts([])) => Some(Some(row(f.label, "None recorded"))),
        _ => None,
    }));
    rows
}

fn referral_rows(repo: &Repo, case: &Case) -> Vec<Row> {
    let r = &case.referral;
    described_rows(repo, r, |f, _| match f.name {
        "assigned_to" => Some(Some(row(
            f.label,
            match (&r.assigned_to, r.assigned_on) {
                (Some(who), Some(on)) => format!("{} on {}", officer_name(repo, who), date(on)),
                (Some(who), None) => officer_name(repo, who),
                _ => "Not yet assigned".into(),
            },
        ))),
        "assigned_on" => Some(None),
        _ => None,
    })
}

fn school_rows(repo: &Repo, case: &Case) -> Vec<Row> {
    case.school
        .as_ref()
        .map(|sc| described_rows(repo, sc, |_, _| None))
        .unwrap_or_default()
}

fn social_care_rows(repo: &Repo, case: &Case) -> Vec<Row> {
    case.social_care
        .as_ref()
        .map(|sc| described_rows(repo, sc, |_, _| None))
        .unwrap_or_default()
}

fn closure_rows(repo: &Repo, case: &Case) -> Vec<Row> {
    case.closure
        .as_ref()
        .map(|cl| described_rows(repo, cl, |_, _| None))
        .unwrap_or_default()
}

fn reopened_rows(repo: &Repo, case: &Case) -> Vec<Vec<Row>> {
    case.reopened
        .iter()
        .map(|r| {
            described_rows(repo, r, |f, _| match f.name {
                "closed_on" => Some(Some(row(
                    f.label,
                    format!("{} ({})", date(r.closed_on), words(r.closed_outcome.as_str())),
                ))),
                "closed_outcome" => Some(None),
                _ => None,
            })
        })
        .collect()
}

fn action_views(repo: &Repo, case: &Case) -> Vec<ActionView> {
    let pack = &repo.pack;
    case.actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut detail = Vec::new();
            if let Some(ch) = &a.check {
                detail.push(pack.check(ch).map_or(ch.clone(), |x| x.label.clone()));
            }
            if let Some(to) = &a.to {
                detail.push(format!(
                    "to {}",
                    pack.escalations
                        .iter()
                        .find(|x| &x.id == to)
                        .map_or(to.as_str(), |x| x.label.as_str())
                ));
            }
            ActionView {
                number: i + 1,
                date: date(a.date),
                kind: words(a.kind.as_str()),
                by: officer_name(repo, &a.by),
                detail: detail.join("; "),
                outcome: a.outcome.clone().unwrap_or_default(),
                note_html: a.note.as_deref().map(markdown::note).unwrap_or_default(),
            }
        })
        .collect()
}

fn review_views(repo: &Repo, case: &Case) -> Vec<ReviewView> {
    let pack = &repo.pack;
    let scale = |v: &[String], n: Option<i64>| {
        n.map(|n| match v.get(usize::try_from(n - 1).unwrap_or(usize::MAX)) {
            Some(m) => format!("{n}: {m}"),
            None => n.to_string(),
        })
        .unwrap_or_default()
    };
    case.reviews
        .iter()
        .enumerate()
        .map(|(i, rv)| {
            let level = match (&pack.risk, rv.cme_score, rv.safeguarding_score) {
                (Some(m), Some(c), Some(sg)) => m.level(c, sg).map(str::to_string),
                _ => None,
            };
            ReviewView {
                number: i + 1,
                date: date(rv.date),
                cme_score: scale(&pack.review.cme_scale, rv.cme_score),
                safeguarding_score: scale(&pack.review.safeguarding_scale, rv.safeguarding_score),
                tag: risk_tag(pack, level.as_deref()),
                meaning: level
                    .as_ref()
                    .and_then(|l| pack.risk.as_ref().and_then(|m| m.meaning.get(l)).cloned())
                    .unwrap_or_default(),
                level: level.unwrap_or_default(),
                decision: rv.decision.map(|d| words(d.as_str())).unwrap_or_default(),
                signed_off_by: rv
                    .signed_off_by
                    .as_deref()
                    .map(|id| officer_name(repo, id))
                    .unwrap_or_default(),
                comments: rv.comments.clone().unwrap_or_default(),
            }
        })
        .collect()
}

fn checklist_views(repo: &Repo, s: &CaseState) -> Vec<ChecklistView> {
    s.checklists
        .iter()
        .map(|p| {
            let mut groups: Vec<ChecklistGroup> = Vec::new();
            for it in &p.items {
                let name = it.group.clone().unwrap_or_default();
                if groups.last().is_none_or(|g| g.name != name) {
                    groups.push(ChecklistGroup {
                        name,
                        items: Vec::new(),
                    });
                }
                let when = match (it.date, &it.by) {
                    (Some(d), Some(by)) => format!("{} by {}", date(d), officer_name(repo, by)),
                    (Some(d), None) => date(d),
                    _ => String::new(),
                };
                groups.last_mut().expect("pushed").items.push(ChecklistItemView {
                    label: it.label.clone(),
                    done: it.done,
                    when,
                });
            }
            ChecklistView {
                rule: p.rule.clone(),
                title: p.title.clone(),
                done: p.done,
                total: p.items.len(),
                groups,
            }
        })
        .collect()
}

/// One commit of a case's audit trail.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryView {
    pub date: String,
    pub author: String,
    pub short: String,
    pub message: String,
    /// Why, where the commit says (`Reason: ...`).
    pub reasons: Vec<String>,
    pub changes: Vec<ChangeView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChangeView {
    /// The change in the record's words: "Enquiry log 3 added: home-visit by asmith",
    /// "Closure: Outcome: (none) -> on-roll".
    pub text: String,
    /// The field's path in the file (`closure.outcome`).
    pub field: String,
    pub old: String,
    pub new: String,
}

pub fn history_view(commit: &crate::audit::Commit, e: &crate::audit::Entry) -> HistoryView {
    let date = chrono::DateTime::parse_from_rfc3339(&commit.date)
        .map(|d| d.format("%-d %B %Y %H:%M").to_string())
        .unwrap_or_else(|_| commit.date.clone());
    HistoryView {
        date,
        author: if commit.email.is_empty() {
            commit.author.clone()
        } else {
            format!("{} <{}>", commit.author, commit.email)
        },
        short: commit.commit.chars().take(10).collect(),
        message: commit.message.lines().next().unwrap_or("").to_string(),
        reasons: crate::audit::reasons(&commit.message)
            .into_iter()
            .map(str::to_string)
            .collect(),
        changes: e
            .changes
            .iter()
            .map(|c| ChangeView {
                text: match crate::model::label_of(&c.field) {
                    Some(label) => c.to_string().replacen(&c.field, &label, 1),
                    None => c.to_string(),
                },
                field: c.field.clone(),
                old: c.old.clone().unwrap_or_else(|| "(none)".into()),
                new: c.new.clone().unwrap_or_else(|| "(none)".into()),
            })
            .collect(),
    }
}
