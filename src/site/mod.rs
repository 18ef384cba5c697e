//! `cme build`: the internal intranet site. Content is loaded and computed first (the same
//! `check`, `state`, `queue` and `stats` the terminal uses); templates only lay it out.
//! Templates and assets are embedded in the binary; a repository overrides any template by
//! putting a file of the same name in `templates/` (as mdBook and Zola do).

mod board;
mod cases;
mod chart;
pub mod markdown;
pub mod output;
mod published;
pub mod report;
pub mod serve;
mod statistics;
pub mod theme;
mod view;

use board::render_board;
pub use cases::render_case_page;
use cases::render_cases;
use statistics::stats_page;

use crate::audit::History;
use crate::check;
use crate::diagnostic::{CheckReport, Diagnostic};
use crate::load::{self, CaseFile, Repo};
use crate::model::{Case, Status, Vocabulary, Whereabouts};
use crate::pack::Severity;
use crate::progress::Progress;
use crate::queue::Queue;
use crate::state::CaseState;
use crate::stats::{self, Stats};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use tera::{Context, Tera};
use view::{QueueRow, date, queue_row};

/// Templates built into the binary: (name, text).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("index.html", include_str!("templates/index.html")),
    ("queue.html", include_str!("templates/queue.html")),
    ("officers.html", include_str!("templates/officers.html")),
    ("cases.html", include_str!("templates/cases.html")),
    ("case.html", include_str!("templates/case.html")),
    ("failing.html", include_str!("templates/failing.html")),
    ("policy.html", include_str!("templates/policy.html")),
    ("rules.html", include_str!("templates/rules.html")),
    ("stats.html", include_str!("templates/stats.html")),
    ("search.html", include_str!("templates/search.html")),
    ("board.html", include_str!("templates/board.html")),
    ("board_stats.html", include_str!("templates/board_stats.html")),
    ("report.html", include_str!("templates/report.html")),
    ("reports.html", include_str!("templates/reports.html")),
    ("dfe.html", include_str!("templates/dfe.html")),
];

/// Static files built into the binary: (path under the site, bytes).
pub const ASSETS: &[(&str, &[u8])] = &[
    ("assets/cme.css", include_bytes!("assets/cme.css")),
    ("assets/cme.js", include_bytes!("assets/cme.js")),
];

/// Who the site is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Audience {
    /// The CME team: everything.
    #[default]
    Team,
    /// Managers and safeguarding boards: statistics and rule compliance only, with small
    /// counts suppressed; no names, dates of birth, UPNs, addresses, notes or case pages.
    Board,
}

/// How to build.
#[derive(Clone, Debug)]
pub struct Options {
    pub out: PathBuf,
    pub today: NaiveDate,
    /// Adds the live-reload script (`cme serve`).
    pub live_reload: bool,
    pub audience: Audience,
    /// The board's site is built for one whole reporting period that has ended; `today` is
    /// then its last day.
    pub period: Option<crate::period::Period>,
}

/// What a build wrote.
#[derive(Debug, Default)]
pub struct Summary {
    pub pages: usize,
    /// Case pages unchanged since the last build, linked rather than rendered again.
    pub reused: usize,
    pub cases: usize,
    pub unreadable: usize,
}

#[derive(Debug)]
pub enum BuildError {
    Template(String),
    /// The repository or the output folder is not fit to build from or into (exit 2, with
    /// what to do instead).
    Setup(String),
    Io(io::Error),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Template(m) => write!(f, "template error: {m}"),
            BuildError::Setup(m) => f.write_str(m),
            BuildError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for BuildError {
    fn from(e: io::Error) -> Self {
        BuildError::Io(e)
    }
}

fn tera_error(e: tera::Error) -> BuildError {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    BuildError::Template(msg)
}

/// A Tera that reads only what it is given: never the environment (a CI runner's secrets
/// would be published on a site, or printed in a letter and posted).
pub fn tera_without_env() -> Tera {
    let mut tera = Tera::default();
    tera.register_function(
        "get_env",
        |_: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
            Err(tera::Error::msg(
                "templates cannot read the environment (get_env is switched off)",
            ))
        },
    );
    tera
}

fn tera_of(theme: &theme::Theme) -> Result<Tera, BuildError> {
    let mut tera = tera_without_env();
    tera.add_raw_templates(theme.templates.iter().map(|(n, t)| (*n, t.as_str())))
        .map_err(tera_error)?;
    tera.autoescape_on(vec![".html"]);
    Ok(tera)
}

/// What every page knows about the site.
#[derive(Clone, Debug, Serialize)]
pub struct SiteInfo {
    pub authority: String,
    pub code: String,
    pub pack_id: String,
    pub pack_name: String,
    pub pack_council: String,
    pub pack_source: String,
    pub review_due: String,
    /// Shown on every page while the policy is past its review date (WOR-POLICY-REVIEW).
    pub review_warning: String,
    pub review_rule: String,
    pub as_of: String,
    pub as_of_iso: String,
    pub built_at: String,
    pub commit: String,
    pub live_reload: bool,
    /// "team" or "board".
    pub audience: &'static str,
    /// The board's site: the reporting period it gives the figures of, and how they are
    /// rounded (empty on the team's site).
    pub period: String,
    pub rounding_note: String,
}

/// The warning every page carries while the policy is past its review date
/// (WOR-POLICY-REVIEW); empty otherwise.
pub(crate) fn review_warning(repo: &Repo, today: NaiveDate) -> String {
    let p = &repo.pack.pack;
    match (p.review_due, &p.review_rule) {
        (Some(due), Some(rule)) if today > due && repo.pack.rule(rule).is_some() => {
            match repo.config.authority.policy_checked.filter(|d| *d >= due) {
                Some(checked) => format!(
                    "This policy was due for review on {}. {} checked it against the council's current policy on {}.",
                    date(due),
                    repo.config.authority.name,
                    date(checked)
                ),
                None => format!(
                    "This policy was due for review on {}. Check it against the council's current policy before relying on it.",
                    date(due)
                ),
            }
        }
        _ => String::new(),
    }
}

/// The audit trail a build shows on case pages.
pub enum Trail {
    History(History),
    /// Why there is none (not a git repository, an unreadable history).
    Unavailable(String),
}

/// Everything loaded and computed for one build.
pub struct Content {
    pub info: SiteInfo,
    pub trail: Trail,
    pub files: Vec<CaseFile>,
    pub report: CheckReport,
    /// Parallel to the readable cases: (index into files, state).
    pub states: Vec<(usize, CaseState)>,
}

impl Content {
    pub fn load(repo: &Repo, today: NaiveDate, live_reload: bool, trail: Trail, progress: &dyn Progress) -> Content {
        let t = std::time::Instant::now();
        let (paths, _) = repo.store.case_paths();
        progress.stage("reading cases", paths.len() as u64);
        let files = load::read_many(repo, &paths);
        progress.inc(paths.len() as u64);
        timing("build: cases read", t);
        let commit = match repo.store.commit_id() {
            Some(c) => c.to_string(),
            None => repo
                .git
                .as_ref()
                .and_then(|g| g.head())
                .map(|c| c.to_string())
                .unwrap_or_default(),
        };
        progress.stage("checking", 0);
        Self::from_files(repo, today, live_reload, files, &paths, commit, trail)
    }

    pub fn from_files(
        repo: &Repo,
        today: NaiveDate,
        live_reload: bool,
        mut files: Vec<CaseFile>,
        paths: &[String],
        commit: String,
        trail: Trail,
    ) -> Content {
        let t = std::time::Instant::now();
        let report = check::check_files(repo, today, &files, paths);
        timing("build: checked", t);
        // Positions were for the diagnostics, which now have them: free them.
        for f in &mut files {
            f.spans = Default::default();
        }
        let mut states: Vec<(usize, CaseState)> = files
            .par_iter()
            .enumerate()
            // A case whose id could not name a file (`../x`) gets no page; it is listed with
            // the records failing validation.
            .filter(|(_, f)| f.case.as_ref().is_some_and(|c| safe_id(&c.id)))
            .filter_map(|(i, f)| {
                f.case
                    .as_ref()
                    .map(|c| (i, CaseState::compute(repo.policy(), c, today)))
            })
            .collect();
        states.sort_by(|a, b| a.1.queue_key().cmp(&b.1.queue_key()));
        timing("build: states computed", t);
        let p = &repo.pack.pack;
        let review_warning = review_warning(repo, today);
        let info = SiteInfo {
            authority: repo.config.authority.name.clone(),
            code: repo.config.authority.code.clone(),
            pack_id: p.id.clone(),
            pack_name: p.name.clone(),
            pack_council: p.council.clone(),
            pack_source: p.source.clone(),
            review_due: p.review_due.map(date).unwrap_or_default(),
            review_warning,
            review_rule: p.review_rule.clone().unwrap_or_default(),
            as_of: today.format("%A %-d %B %Y").to_string(),
            as_of_iso: today.to_string(),
            built_at: chrono::Local::now().format("%-d %B %Y at %H:%M").to_string(),
            commit,
            live_reload,
            audience: "team",
            period: String::new(),
            rounding_note: String::new(),
        };
        Content {
            info,
            trail,
            files,
            report,
            states,
        }
    }

    /// The report figures, each period counting each case as it stood at the period's end
    /// (from the history, where the build has it); deadline occurrences from the states
    /// already computed (a case without one, its id unfit for a page, has them worked out).
    pub fn figures(&self, repo: &Repo, today: NaiveDate) -> Stats {
        let history = match &self.trail {
            Trail::History(h) => Some(h),
            Trail::Unavailable(_) => None,
        };
        let by_id: HashMap<&str, &CaseState> = self.states.iter().map(|(_, s)| (s.id.as_str(), s)).collect();
        let policy = repo.policy();
        stats::for_records(
            policy,
            &self.files,
            &self.report,
            None,
            today,
            |c| match by_id.get(c.id.as_str()) {
                Some(s) => s.occurrences(policy, c, today),
                None => CaseState::compute(policy, c, today).occurrences(policy, c, today),
            },
            history,
        )
    }

    fn case(&self, i: usize) -> &Case {
        self.files[i]
            .case
            .as_ref()
            .expect("states are built from readable cases")
    }
}

/// Whether an id can be used as a file name in the site: letters, digits, '-' and '_'.
pub fn safe_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Prints how long each stage took, with `CME_TIMING` set (for the benchmark).
pub fn timing(stage: &str, since: std::time::Instant) {
    if std::env::var_os("CME_TIMING").is_some() {
        let rss = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .map(|l| l[6..].trim().to_string())
            })
            .unwrap_or_default();
        eprintln!("{stage}: {:?} (resident {rss})", since.elapsed());
    }
}

/// Builds the site into `opts.out`, atomically: everything is written to a sibling directory
/// first, then swapped in, so a half-built site is never served. The audit trail is read (`trail`) while the records are loaded, checked
/// and computed and the pages that do not show the history are laid out: the history walk's
/// first pass uses one core, all that the other.
pub fn build(
    repo: &Repo,
    opts: &Options,
    trail: impl FnOnce() -> Trail + Send,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    let t = std::time::Instant::now();
    let own_dirs = repo.git.as_ref().map(|g| g.own_dirs.clone()).unwrap_or_default();
    output::check(&opts.out, &repo.root, &own_dirs).map_err(|e| BuildError::Setup(e.0))?;
    let theme = theme::Theme::load(&repo.root, &own_dirs)?;
    let tera = tera_of(&theme)?;
    // Removed on any failure (an error or a panic) when it goes out of scope.
    let staging = output::staging(&opts.out)?;
    let dir = staging.path.as_path();
    let team = matches!(opts.audience, Audience::Team);
    let load = || {
        let content = Content::load(
            repo,
            opts.today,
            opts.live_reload,
            Trail::Unavailable(String::new()),
            progress,
        );
        timing("build: content loaded", t);
        let front = team.then(|| render_front(repo, &content, &tera, &theme, dir, progress));
        (content, front)
    };
    // The history is read beside the records for both sites: the team's shows it, and both
    // count each past period's cases as they stood at its end.
    let ((content, front), trail) = rayon::join(load, trail);
    let content = Content { trail, ..content };
    timing("build: history joined", t);
    let figures = || {
        let stats = content.figures(repo, opts.today);
        timing("build: stats computed", t);
        stats
    };
    let result = match front {
        // The case pages are rendered while the figures are worked out.
        Some(front) => front.and_then(|written| {
            let (stats, rest) = rayon::join(figures, || {
                render_rest(repo, &content, &tera, &theme, dir, &opts.out, written, progress)
            });
            let mut summary = rest?;
            render_team_stats(&content, &stats, &tera, dir, progress)?;
            let tr = std::time::Instant::now();
            summary.pages += report::render_reports(repo, &content, &content.info, None, opts.today, &tera, dir)?;
            timing("build: reports rendered", tr);
            Ok(summary)
        }),
        None => render_board(repo, &content, opts.period.as_ref(), &figures(), &tera, &theme, dir).and_then(|mut s| {
            let info = board::board_info(repo, &content, opts.period.as_ref());
            s.pages += report::render_reports(repo, &content, &info, opts.period.as_ref(), opts.today, &tera, dir)?;
            Ok(s)
        }),
    };
    let summary = result.and_then(|summary| {
        let t = std::time::Instant::now();
        output::swap_in(staging, &opts.out)?;
        timing("build: swapped in", t);
        Ok(summary)
    });
    progress.finish();
    // Dropping everything loaded takes a while for a large repository: do it off the
    // caller's path (a command exits without waiting; `serve` lets it finish).
    std::thread::spawn(move || drop(content));
    summary
}

/// A page to render: its path under the site, template and context.
struct Page {
    path: String,
    template: &'static str,
    context: Context,
}

/// Renders one page and writes it.
fn render_page(
    tera: &Tera,
    dir: &Path,
    path: &str,
    template: &str,
    context: &Context,
    progress: &dyn Progress,
) -> Result<(), BuildError> {
    let html = tera.render(template, context).map_err(tera_error)?;
    write_file(dir, path, html.as_bytes())?;
    progress.inc(1);
    Ok(())
}

/// Renders and writes the pages gathered so far, in parallel, and lets their contexts go
/// (a queue of thousands of rows is large as a template context).
fn flush(tera: &Tera, dir: &Path, pages: &mut Vec<Page>, progress: &dyn Progress) -> Result<usize, BuildError> {
    pages
        .par_iter()
        .map(|p| render_page(tera, dir, &p.path, p.template, &p.context, progress))
        .collect::<Result<Vec<()>, BuildError>>()?;
    let n = pages.len();
    pages.clear();
    Ok(n)
}

/// The policy text as a page, numbered like the source, with its table of contents.
fn policy_page(info: &SiteInfo, repo: &Repo) -> Page {
    let name = &repo.pack.pack.name;
    let (policy_title, policy_html, toc) = markdown::policy_parts(&repo.pack_text);
    let mut c = base_context(info, "policy/index.html", "policy", name);
    c.insert("policy_title", &policy_title.unwrap_or_else(|| name.clone()));
    c.insert("policy_html", &policy_html);
    c.insert("toc", &toc.iter().filter(|h| h.level == 2).collect::<Vec<_>>());
    Page {
        path: "policy/index.html".into(),
        template: "policy.html",
        context: c,
    }
}

fn base_context(info: &SiteInfo, path: &str, nav: &str, title: &str) -> Context {
    let depth = path.matches('/').count();
    let mut c = Context::new();
    c.insert("site", info);
    c.insert("root", &"../".repeat(depth));
    c.insert("nav", nav);
    c.insert("title", title);
    c
}

fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(p, bytes)
}

#[derive(Serialize)]
struct QueueLink {
    slug: &'static str,
    title: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct OfficerRow {
    id: String,
    name: String,
    role: String,
    open: usize,
    overdue: usize,
    active: bool,
}

#[derive(Serialize)]
struct RiskCount {
    level: String,
    tag: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct FailingFile {
    file: String,
    case: String,
    diagnostics: Vec<view::DiagnosticView>,
}

impl RuleRow {
    /// A catalogue row with its three counts (findings now, overdue, owed), as shown.
    fn new(r: &crate::pack::RuleInfo, [breaking, overdue, open]: [String; 3]) -> RuleRow {
        RuleRow {
            id: r.id.to_string(),
            kind: serde_json::to_value(r.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            title: r.title.clone(),
            source: r.source.clone(),
            anchor: r
                .policy_ref
                .split_once('#')
                .map(|(_, a)| a.to_string())
                .unwrap_or_default(),
            breaking,
            overdue,
            open,
        }
    }
}

#[derive(Serialize)]
struct RuleRow {
    id: String,
    kind: String,
    title: String,
    source: String,
    anchor: String,
    breaking: String,
    overdue: String,
    open: String,
}

#[derive(Serialize)]
struct CaseListRow {
    id: String,
    child: String,
    upn: String,
    school: String,
    status: String,
    officer: String,
    received: String,
    received_iso: String,
    whereabouts: String,
}

/// Every page of the team's site except the case pages: those show the history, which may
/// still be being read while these are laid out. Returns the number of pages written.
fn render_front(
    repo: &Repo,
    content: &Content,
    tera: &Tera,
    theme: &theme::Theme,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<usize, BuildError> {
    let t0 = std::time::Instant::now();
    let today = chrono::NaiveDate::parse_from_str(&content.info.as_of_iso, "%Y-%m-%d").expect("written above");
    let info = &content.info;
    let pack = &repo.pack;
    let mut pages: Vec<Page> = Vec::new();

    let open_states: Vec<&(usize, CaseState)> = content
        .states
        .iter()
        .filter(|(_, s)| s.status == Status::Open)
        .collect();
    timing("build: render started", t0);
    let queue_links: Vec<QueueLink> = Queue::ALL
        .iter()
        .map(|q| QueueLink {
            slug: q.slug(),
            title: q.title(),
            count: content.states.iter().filter(|(_, s)| q.holds(pack, s)).count(),
        })
        .collect();
    timing("build: queues counted", t0);
    let mut written = queue_pages(repo, content, tera, dir, &queue_links, today, progress)?;
    timing("build: queue pages rendered", t0);
    let officer_rows = officer_pages(repo, content, tera, dir, today, progress)?;
    written += officer_rows.len();
    timing("build: officer pages rendered", t0);
    let mut c = base_context(info, "officers/index.html", "officers", "Officers");
    c.insert("officers", &officer_rows);
    pages.push(Page {
        path: "officers/index.html".into(),
        template: "officers.html",
        context: c,
    });

    let (page, failing_count) = failing_page(info, content);
    pages.push(page);

    pages.push(dashboard_page(
        info,
        pack,
        content,
        &open_states,
        &queue_links,
        &officer_rows,
        failing_count,
    ));

    let (page, list) = cases_page(info, content);
    pages.push(page);
    written += flush(tera, dir, &mut pages, progress)?;

    let (page, index_js) = search_page(info, &list);
    pages.push(page);

    // Policy text and rule catalogue.
    pages.push(policy_page(info, repo));
    pages.push(rules_page(info, pack, content));

    timing("build: pages prepared", t0);
    // Render and write what is left, in parallel.
    written += flush(tera, dir, &mut pages, progress)?;
    timing("build: pages rendered", t0);
    for (name, bytes) in &theme.assets {
        write_file(dir, name, bytes)?;
    }
    write_file(dir, "assets/search-index.js", index_js.as_bytes())?;
    Ok(written)
}

/// A queue's rows: one per case the filter keeps.
fn rows_for(repo: &Repo, content: &Content, today: NaiveDate, filter: &dyn Fn(&CaseState) -> bool) -> Vec<QueueRow> {
    content
        .states
        .iter()
        .filter(|(_, s)| filter(s))
        .map(|(i, s)| queue_row(repo, content.case(*i), s, today))
        .collect()
}

/// The work queues, a page each. The queue pages and the officers' pages are large (a row
/// per case): each is laid out and written by whichever core is free, its rows and context
/// built there and dropped after, so that no more than two are held at once.
fn queue_pages(
    repo: &Repo,
    content: &Content,
    tera: &Tera,
    dir: &Path,
    queue_links: &[QueueLink],
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<usize, BuildError> {
    let pack = &repo.pack;
    let info = &content.info;
    Ok(Queue::ALL
        .par_iter()
        .map(|&q| {
            let mut rows = rows_for(repo, content, today, &|s| q.holds(pack, s));
            if q == Queue::Triage {
                rows.sort_by(|a, b| (a.priority, &a.received_iso, &a.id).cmp(&(b.priority, &b.received_iso, &b.id)));
            }
            if q == Queue::AwaitingReplies {
                // Each case shows the reply it has waited on longest, overdue first.
                let by_id: std::collections::HashMap<&str, &CaseState> =
                    content.states.iter().map(|(_, s)| (s.id.as_str(), s)).collect();
                for r in rows.iter_mut() {
                    let awaited = by_id
                        .get(r.id.as_str())
                        .and_then(|s| s.awaited().first().map(|d| view::deadline_view(repo, d, today)));
                    if awaited.is_some() {
                        r.next = awaited;
                    }
                }
                rows.sort_by(|a, b| {
                    let key = |r: &view::QueueRow| {
                        r.next
                            .as_ref()
                            .map(|n| (n.tag != "red", n.due_iso.clone()))
                            .unwrap_or((true, String::new()))
                    };
                    (key(a), &a.id).cmp(&(key(b), &b.id))
                });
            }
            if q == Queue::WhereaboutsUnknown {
                rows.sort_by(|a, b| {
                    let rank = |r: &QueueRow| pack.risk.as_ref().and_then(|m| m.rank(&r.risk)).unwrap_or(usize::MAX);
                    (rank(a), &a.decision_due_iso, &a.id).cmp(&(rank(b), &b.decision_due_iso, &b.id))
                });
            }
            let path = format!("queues/{}.html", q.slug());
            let mut c = base_context(info, &path, "queues", q.title());
            c.insert("queue_slug", q.slug());
            c.insert("queues", &queue_links);
            c.insert("rows", &rows);
            drop(rows);
            c.insert("review_pack", &(q == Queue::WhereaboutsUnknown));
            render_page(tera, dir, &path, "queue.html", &c, progress)
        })
        .collect::<Result<Vec<()>, BuildError>>()?
        .len())
}

/// Each officer's open cases, a page each; a row per officer for the officers' index.
fn officer_pages(
    repo: &Repo,
    content: &Content,
    tera: &Tera,
    dir: &Path,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<Vec<OfficerRow>, BuildError> {
    let info = &content.info;
    repo.config
        .officers
        .par_iter()
        .map(|o| {
            let rows = rows_for(repo, content, today, &|s| {
                s.status == Status::Open && s.assigned_to.as_deref() == Some(o.id.as_str())
            });
            let path = format!("officers/{}.html", o.id);
            let title = format!("Cases assigned to {}", o.name);
            let mut c = base_context(info, &path, "officers", &title);
            c.insert("queue_slug", "officer");
            c.insert("rows", &rows);
            c.insert("review_pack", &false);
            render_page(tera, dir, &path, "queue.html", &c, progress)?;
            Ok(OfficerRow {
                id: o.id.clone(),
                name: o.name.clone(),
                role: view::words(o.role.as_str()),
                open: rows.len(),
                overdue: rows.iter().filter(|r| r.overdue > 0).count(),
                active: o.active,
            })
        })
        .collect()
}

/// Records failing validation, with their diagnostics; and how many.
fn failing_page(info: &SiteInfo, content: &Content) -> (Page, usize) {
    let by_file = diagnostics_by_file(&content.report);
    let failing: Vec<FailingFile> = by_file
        .iter()
        .filter(|(f, ds)| f.starts_with("cases/") && ds.iter().any(|d| d.severity == Severity::Error))
        .map(|(f, ds)| FailingFile {
            file: f.to_string(),
            case: ds.iter().find_map(|d| d.case.clone()).unwrap_or_default(),
            diagnostics: ds.iter().map(|d| view::diagnostic_view(d)).collect(),
        })
        .collect();
    let mut c = base_context(info, "queues/failing.html", "queues", "Records failing validation");
    c.insert("failing", &failing);
    let failing_count = failing.len();

    (
        Page {
            path: "queues/failing.html".into(),
            template: "failing.html",
            context: c,
        },
        failing_count,
    )
}

/// The dashboard: the counts of the day, the queues, the officers, risk by level.
fn dashboard_page(
    info: &SiteInfo,
    pack: &crate::pack::Pack,
    content: &Content,
    open_states: &[&(usize, CaseState)],
    queue_links: &[QueueLink],
    officer_rows: &[OfficerRow],
    failing_count: usize,
) -> Page {
    let risk_counts: Vec<RiskCount> = pack
        .risk
        .as_ref()
        .map(|m| m.ordered())
        .unwrap_or_default()
        .iter()
        .map(|l| RiskCount {
            level: l.label.clone().unwrap_or_else(|| l.id.clone()),
            tag: l.tone.colour(),
            count: open_states
                .iter()
                .filter(|(_, s)| s.risk.as_deref() == Some(l.id.as_str()))
                .count(),
        })
        .collect();
    let mut c = base_context(info, "index.html", "home", "Dashboard");
    let count = |q: Queue| queue_links.iter().find(|l| l.slug == q.slug()).map_or(0, |l| l.count);
    c.insert("open", &open_states.len());
    c.insert("overdue", &count(Queue::Overdue));
    c.insert("due_soon", &count(Queue::DueSoon));
    c.insert("due_soon_means", &Queue::DueSoon.definition());
    c.insert("unassigned", &count(Queue::Triage));
    c.insert(
        "unknown",
        &open_states
            .iter()
            .filter(|(_, s)| s.whereabouts == Whereabouts::Unknown)
            .count(),
    );
    c.insert("failing", &failing_count);
    c.insert("has_risk", &pack.risk.is_some());
    c.insert("risk_counts", &risk_counts);
    c.insert("queues", &queue_links);
    c.insert(
        "officers",
        &officer_rows
            .iter()
            .filter(|o| o.open > 0 || o.active)
            .collect::<Vec<_>>(),
    );
    c.insert("cases_total", &content.states.len());

    Page {
        path: "index.html".into(),
        template: "index.html",
        context: c,
    }
}

/// The list of all cases (case pages are rendered last, one at a time); and its rows.
fn cases_page(info: &SiteInfo, content: &Content) -> (Page, Vec<CaseListRow>) {
    let mut list = Vec::new();
    for (i, s) in &content.states {
        let case = content.case(*i);
        list.push(CaseListRow {
            id: case.id.clone(),
            child: s.child.clone(),
            upn: case.child.upn.clone().unwrap_or_default(),
            school: case.school.as_ref().map(|x| x.name.clone()).unwrap_or_default(),
            status: view::words(case.status.as_str()),
            officer: s.assigned_to.clone().unwrap_or_default(),
            received: date(case.referral.received),
            received_iso: case.referral.received.to_string(),
            whereabouts: view::words(case.child.whereabouts.as_str()),
        });
    }
    list.sort_by(|a, b| b.received_iso.cmp(&a.received_iso).then(a.id.cmp(&b.id)));
    let mut c = base_context(info, "cases/index.html", "cases", "All cases");
    c.insert("cases", &list);
    (
        Page {
            path: "cases/index.html".into(),
            template: "cases.html",
            context: c,
        },
        list,
    )
}

/// Search: the page, and the small index its script filters, built from the case list.
fn search_page(info: &SiteInfo, list: &[CaseListRow]) -> (Page, String) {
    let index: Vec<[&str; 5]> = list
        .iter()
        .map(|r| {
            [
                r.id.as_str(),
                r.child.as_str(),
                r.upn.as_str(),
                r.school.as_str(),
                r.status.as_str(),
            ]
        })
        .collect();
    let index_js = format!(
        "window.CME_SEARCH = {};\n",
        serde_json::to_string(&index)
            .expect("strings serialise")
            .replace('<', "\\u003c")
    );
    let mut c = base_context(info, "search.html", "search", "Search");
    c.insert("total", &list.len());

    (
        Page {
            path: "search.html".into(),
            template: "search.html",
            context: c,
        },
        index_js,
    )
}

/// The rule catalogue, with how many records break each rule and its deadlines' state.
fn rules_page(info: &SiteInfo, pack: &crate::pack::Pack, content: &Content) -> Page {
    let mut breaking: HashMap<&str, usize> = HashMap::new();
    for d in &content.report.diagnostics {
        *breaking.entry(d.rule.as_str()).or_default() += 1;
    }
    let mut overdue: HashMap<&str, usize> = HashMap::new();
    let mut open: HashMap<&str, usize> = HashMap::new();
    for (_, s) in &content.states {
        for d in &s.deadlines {
            if d.state == crate::deadline::State::Overdue {
                *overdue.entry(d.rule.as_str()).or_default() += 1;
            }
            if !d.state.is_done() {
                *open.entry(d.rule.as_str()).or_default() += 1;
            }
        }
    }
    let rules: Vec<RuleRow> = pack
        .rules
        .iter()
        .map(|r| {
            RuleRow::new(
                r,
                [
                    breaking.get(r.id.as_str()).copied().unwrap_or(0).to_string(),
                    overdue.get(r.id.as_str()).copied().unwrap_or(0).to_string(),
                    open.get(r.id.as_str()).copied().unwrap_or(0).to_string(),
                ],
            )
        })
        .collect();
    let mut c = base_context(info, "policy/rules.html", "rules", "Rule catalogue");
    c.insert("rules", &rules);

    Page {
        path: "policy/rules.html".into(),
        template: "rules.html",
        context: c,
    }
}

/// The team's statistics page (exact figures), and its CSV files.
/// The team's statistics page and its CSV files, once the history has said how each past
/// period's cases stood.
fn render_team_stats(
    content: &Content,
    stats: &Stats,
    tera: &Tera,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<(), BuildError> {
    let (page, csvs) = team_stats_page(&content.info, stats);
    flush(tera, dir, &mut vec![page], progress)?;
    for (name, text) in csvs {
        write_file(dir, &format!("stats/{name}"), text.as_bytes())?;
    }
    Ok(())
}

fn team_stats_page(info: &SiteInfo, stats: &Stats) -> (Page, Vec<(String, String)>) {
    let (stats_context, csvs) = stats_page(stats);
    let mut c = base_context(info, "stats/index.html", "stats", "Statistics");
    c.extend(stats_context);
    // The team's page only: exact counts of how each deadline was kept.
    c.insert("deadline_rows", &statistics::deadline_rows(stats));

    (
        Page {
            path: "stats/index.html".into(),
            template: "stats.html",
            context: c,
        },
        csvs,
    )
}

fn diagnostics_by_file(report: &CheckReport) -> BTreeMap<&str, Vec<&Diagnostic>> {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    by_file
}

/// The case pages, once the history is read, after [`render_front`] wrote `written` pages.
#[allow(clippy::too_many_arguments)]
fn render_rest(
    repo: &Repo,
    content: &Content,
    tera: &Tera,
    theme: &theme::Theme,
    dir: &Path,
    previous: &Path,
    written: usize,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    let t0 = std::time::Instant::now();
    let today = chrono::NaiveDate::parse_from_str(&content.info.as_of_iso, "%Y-%m-%d").expect("written above");
    let by_file = diagnostics_by_file(&content.report);
    let reused = render_cases(repo, content, tera, theme, dir, previous, &by_file, today, progress)?;
    timing("build: case pages rendered", t0);
    Ok(Summary {
        pages: written + 1 + content.states.len(),
        reused,
        cases: content.states.len(),
        unreadable: content.files.iter().filter(|f| f.case.is_none()).count(),
    })
}
