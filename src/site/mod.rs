//! `cme build`: the internal intranet site. Content is loaded and computed first (the same
//! `check`, `state`, `queue` and `stats` the terminal uses); templates only lay it out.
//! Templates and assets are embedded in the binary; a repository overrides any template by
//! putting a file of the same name in `templates/` (as mdBook and Zola do).

mod chart;
pub mod markdown;
pub mod serve;
mod view;

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
    Io(io::Error),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Template(m) => write!(f, "template error: {m}"),
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

/// Loads the templates: built-in ones, each replaced by `templates/<name>` where the
/// repository has one.
pub fn templates(repo_root: &Path) -> Result<Tera, BuildError> {
    let mut tera = Tera::default();
    let mut list = Vec::new();
    for (name, builtin) in TEMPLATES {
        let over = repo_root.join("templates").join(name);
        let text = match fs::read_to_string(&over) {
            Ok(t) => t,
            Err(_) => builtin.to_string(),
        };
        list.push((name.to_string(), text));
    }
    tera.add_raw_templates(list).map_err(tera_error)?;
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
    pub suppress_below: u32,
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
    pub stats: Stats,
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
            None => commit_of(&repo.root),
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
            .filter_map(|(i, f)| f.case.as_ref().map(|c| (i, CaseState::compute(repo, c, today))))
            .collect();
        states.sort_by(|a, b| a.1.queue_key().cmp(&b.1.queue_key()));
        timing("build: states computed", t);
        let cases: Vec<&Case> = files.iter().filter_map(|f| f.case.as_ref()).collect();
        let from = cases
            .iter()
            .map(|c| c.referral.received)
            .min()
            .unwrap_or(today)
            .min(today);
        let stats = stats::compute(&repo.pack, &repo.calendar, &cases, from, today);
        timing("build: stats computed", t);
        let p = &repo.pack.pack;
        let review_warning = match (p.review_due, &p.review_rule) {
            (Some(due), Some(rule)) if today > due && repo.pack.rule(rule).is_some() => format!(
                "This policy was due for review on {}. Check it against the council's current policy before relying on it.",
                date(due)
            ),
            _ => String::new(),
        };
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
            suppress_below: repo.pack.reports.suppress_below,
        };
        Content {
            info,
            trail,
            files,
            report,
            states,
            stats,
        }
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

/// The commit the repository's HEAD points at, or "" outside git.
pub fn commit_of(root: &Path) -> String {
    git2::Repository::discover(root)
        .ok()
        .and_then(|r| r.head().ok()?.peel_to_commit().ok().map(|c| c.id().to_string()))
        .unwrap_or_default()
}

/// Builds the site into `opts.out`, atomically: everything is written to a sibling
/// directory first, then swapped in, so a half-built site is never served.
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

/// Builds the site. The audit trail is read (`trail`) while the records are loaded,
/// checked and computed: the history walk's first pass uses one core, the loading the other.
pub fn build(
    repo: &Repo,
    opts: &Options,
    trail: impl FnOnce() -> Trail + Send,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    let t = std::time::Instant::now();
    let (mut content, trail) = rayon::join(
        || {
            Content::load(
                repo,
                opts.today,
                opts.live_reload,
                Trail::Unavailable(String::new()),
                progress,
            )
        },
        trail,
    );
    content.trail = trail;
    timing("build: content loaded", t);
    let summary = build_content(repo, &content, opts, progress);
    progress.finish();
    // Dropping everything loaded takes a while for a large repository: do it off the
    // caller's path (a command exits without waiting; `serve` lets it finish).
    std::thread::spawn(move || drop(content));
    summary
}

pub fn build_content(
    repo: &Repo,
    content: &Content,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    let tera = templates(&repo.root)?;
    let out = &opts.out;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir_all(&staging)?;
    let result = match opts.audience {
        Audience::Team => render_all(repo, content, &tera, &staging, out, progress),
        Audience::Board => render_board(repo, content, &tera, &staging),
    };
    match result {
        Ok(summary) => {
            let t = std::time::Instant::now();
            swap_in(&staging, out)?;
            timing("build: swapped in", t);
            Ok(summary)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            Err(e)
        }
    }
}

fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
    if out.exists() {
        let old = out.with_file_name(format!(
            ".{}.old-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        fs::rename(out, &old)?;
        fs::rename(staging, out)?;
        fs::remove_dir_all(&old)?;
    } else {
        fs::rename(staging, out)?;
    }
    Ok(())
}

/// A page to render: its path under the site, template and context.
struct Page {
    path: String,
    template: &'static str,
    context: Context,
}

/// Renders and writes the pages gathered so far, in parallel, and lets their contexts go
/// (a queue of thousands of rows is large as a template context).
fn flush(tera: &Tera, dir: &Path, pages: &mut Vec<Page>, progress: &dyn Progress) -> Result<usize, BuildError> {
    pages
        .par_iter()
        .map(|p| {
            let html = tera.render(p.template, &p.context).map_err(tera_error)?;
            write_file(dir, &p.path, html.as_bytes())?;
            progress.inc(1);
            Ok(())
        })
        .collect::<Result<Vec<()>, BuildError>>()?;
    let n = pages.len();
    pages.clear();
    Ok(n)
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
            id: r.id.clone(),
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

fn render_all(
    repo: &Repo,
    content: &Content,
    tera: &Tera,
    dir: &Path,
    previous: &Path,
    progress: &dyn Progress,
) -> Result<Summary, BuildError> {
    let t0 = std::time::Instant::now();
    let today = chrono::NaiveDate::parse_from_str(&content.info.as_of_iso, "%Y-%m-%d").expect("written above");
    let info = &content.info;
    let pack = &repo.pack;
    let mut pages: Vec<Page> = Vec::new();

    // Queues.
    let open_states: Vec<&(usize, CaseState)> = content
        .states
        .iter()
        .filter(|(_, s)| s.status == Status::Open)
        .collect();
    let rows_for = |filter: &dyn Fn(&CaseState) -> bool| -> Vec<QueueRow> {
        content
            .states
            .iter()
            .filter(|(_, s)| filter(s))
            .map(|(i, s)| queue_row(repo, content.case(*i), s, today))
            .collect()
    };
    let mut queue_links = Vec::new();
    let mut queue_pages = Vec::new();
    for q in Queue::ALL {
        let mut rows = rows_for(&|s| q.holds(pack, s));
        if q == Queue::Triage {
            rows.sort_by(|a, b| (a.priority, &a.received_iso, &a.id).cmp(&(b.priority, &b.received_iso, &b.id)));
        }
        if q == Queue::WhereaboutsUnknown {
            rows.sort_by(|a, b| {
                let rank = |r: &QueueRow| match r.risk.as_str() {
                    "HI" => 0,
                    "MED" => 1,
                    "LO" => 2,
                    _ => 3,
                };
                (rank(a), &a.decision_due_iso, &a.id).cmp(&(rank(b), &b.decision_due_iso, &b.id))
            });
        }
        queue_links.push(QueueLink {
            slug: q.slug(),
            title: q.title(),
            count: rows.len(),
        });
        queue_pages.push((q, rows));
    }
    let mut written = 0;
    for (q, rows) in queue_pages {
        let path = format!("queues/{}.html", q.slug());
        let mut c = base_context(info, &path, "queues", q.title());
        c.insert("queue_slug", q.slug());
        c.insert("queues", &queue_links);
        c.insert("rows", &rows);
        c.insert("review_pack", &(q == Queue::WhereaboutsUnknown));
        pages.push(Page {
            path,
            template: "queue.html",
            context: c,
        });
        written += flush(tera, dir, &mut pages, progress)?;
    }

    // Officers.
    let mut officer_rows = Vec::new();
    for o in &repo.config.officers {
        let rows = rows_for(&|s| s.status == Status::Open && s.assigned_to.as_deref() == Some(o.id.as_str()));
        officer_rows.push(OfficerRow {
            id: o.id.clone(),
            name: o.name.clone(),
            role: view::words(o.role.as_str()),
            open: rows.len(),
            overdue: rows.iter().filter(|r| r.overdue > 0).count(),
            active: o.active,
        });
        let path = format!("officers/{}.html", o.id);
        let title = format!("Cases assigned to {}", o.name);
        let mut c = base_context(info, &path, "officers", &title);
        c.insert("queue_slug", "officer");
        c.insert("rows", &rows);
        c.insert("review_pack", &false);
        pages.push(Page {
            path,
            template: "queue.html",
            context: c,
        });
        written += flush(tera, dir, &mut pages, progress)?;
    }
    let mut c = base_context(info, "officers/index.html", "officers", "Officers");
    c.insert("officers", &officer_rows);
    pages.push(Page {
        path: "officers/index.html".into(),
        template: "officers.html",
        context: c,
    });

    // Diagnostics by file.
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &content.report.diagnostics {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
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
    pages.push(Page {
        path: "queues/failing.html".into(),
        template: "failing.html",
        context: c,
    });

    // Dashboard.
    let risk_counts: Vec<RiskCount> = ["HI", "MED", "LO"]
        .iter()
        .map(|l| RiskCount {
            level: l.to_string(),
            tag: view::risk_tag(Some(l)),
            count: open_states
                .iter()
                .filter(|(_, s)| s.risk.as_deref() == Some(*l))
                .count(),
        })
        .collect();
    let mut c = base_context(info, "index.html", "home", "Dashboard");
    let count = |q: Queue| queue_links.iter().find(|l| l.slug == q.slug()).map_or(0, |l| l.count);
    c.insert("open", &open_states.len());
    c.insert("overdue", &count(Queue::Overdue));
    c.insert("due_soon", &count(Queue::DueSoon));
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
    pages.push(Page {
        path: "index.html".into(),
        template: "index.html",
        context: c,
    });

    // The list of all cases (case pages are rendered last, one at a time).
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
    pages.push(Page {
        path: "cases/index.html".into(),
        template: "cases.html",
        context: c,
    });
    written += flush(tera, dir, &mut pages, progress)?;

    // Search: a small index the page's script filters, built from the case list.
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
    pages.push(Page {
        path: "search.html".into(),
        template: "search.html",
        context: c,
    });

    // Policy text and rule catalogue.
    let (policy_title, policy_html, toc) = markdown::policy_parts(&repo.pack_text);
    let mut c = base_context(info, "policy/index.html", "policy", &pack.pack.name);
    c.insert("policy_title", &policy_title.unwrap_or_else(|| pack.pack.name.clone()));
    c.insert("policy_html", &policy_html);
    c.insert("toc", &toc.iter().filter(|h| h.level == 2).collect::<Vec<_>>());
    pages.push(Page {
        path: "policy/index.html".into(),
        template: "policy.html",
        context: c,
    });
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
    pages.push(Page {
        path: "policy/rules.html".into(),
        template: "rules.html",
        context: c,
    });

    // Statistics.
    let (stats_context, csvs) = stats_page(&content.stats, 0);
    let mut c = base_context(info, "stats/index.html", "stats", "Statistics");
    c.extend(stats_context);
    pages.push(Page {
        path: "stats/index.html".into(),
        template: "stats.html",
        context: c,
    });

    timing("build: pages prepared", t0);
    // Render and write what is left, in parallel.
    written += flush(tera, dir, &mut pages, progress)?;
    timing("build: pages rendered", t0);
    let reused = render_cases(repo, content, tera, dir, previous, &by_file, today, progress)?;
    timing("build: case pages rendered", t0);
    for (name, bytes) in ASSETS {
        let over = repo.root.join("templates").join(name.trim_start_matches("assets/"));
        match fs::read(&over) {
            Ok(b) => write_file(dir, name, &b)?,
            Err(_) => write_file(dir, name, bytes)?,
        }
    }
    write_file(dir, "assets/search-index.js", index_js.as_bytes())?;
    for (name, text) in csvs {
        write_file(dir, &format!("stats/{name}"), text.as_bytes())?;
    }
    Ok(Summary {
        pages: written + content.states.len(),
        reused,
        cases: content.states.len(),
        unreadable: content.files.iter().filter(|f| f.case.is_none()).count(),
    })
}

/// One case page, rendered alone with the built-in templates (for fuzzing and previews).
pub fn render_case_page(repo: &Repo, file: &CaseFile, today: NaiveDate) -> Result<String, BuildError> {
    let Some(case) = &file.case else {
        return Err(BuildError::Template("the file holds no readable case".into()));
    };
    let mut tera = Tera::default();
    tera.add_raw_templates(
        TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect::<Vec<_>>(),
    )
    .map_err(tera_error)?;
    tera.autoescape_on(vec![".html"]);
    let s = CaseState::compute(repo, case, today);
    let report = check::check_files(
        repo,
        today,
        std::slice::from_ref(file),
        std::slice::from_ref(&file.source.path),
    );
    let diags: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == file.source.path)
        .collect();
    let v = view::case_view(repo, &file.source.path, case, &s, &diags, today);
    let stub = Content::from_files(
        repo,
        today,
        false,
        Vec::new(),
        &[],
        String::new(),
        Trail::Unavailable(String::new()),
    );
    let mut c = base_context(&stub.info, "cases/x.html", "cases", &case.id);
    c.insert("case", &v);
    c.insert("history_note", "");
    tera.render("case.html", &c).map_err(tera_error)
}

/// The manifest of a built site: each case page and the hash of everything it shows.
const MANIFEST: &str = ".cme-build.json";

fn hash_of(parts: &[&[u8]]) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        h.write_usize(p.len());
        h.write(p);
    }
    h.finish()
}

/// Renders a page per case. A page whose inputs (the file, its diagnostics and history, the
/// day, the pack, the configuration, the templates and this version of cme) are those of the
/// previous build is linked from it instead of rendered again.
#[allow(clippy::too_many_arguments)]
fn render_cases(
    repo: &Repo,
    content: &Content,
    tera: &Tera,
    dir: &Path,
    previous: &Path,
    by_file: &BTreeMap<&str, Vec<&Diagnostic>>,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<usize, BuildError> {
    let info = &content.info;
    let templates: Vec<u8> = TEMPLATES
        .iter()
        .flat_map(|(name, builtin)| {
            fs::read(repo.root.join("templates").join(name)).unwrap_or_else(|_| builtin.as_bytes().to_vec())
        })
        .collect();
    let salt = hash_of(&[
        env!("CARGO_PKG_VERSION").as_bytes(),
        &templates,
        repo.config_source.text.as_bytes(),
        repo.pack_source.text.as_bytes(),
        repo.pack_text.as_bytes(),
        // Case pages show neither the build time nor the commit (the dashboard does).
        serde_json::to_string(&SiteInfo {
            built_at: String::new(),
            commit: String::new(),
            ..info.clone()
        })
        .unwrap_or_default()
        .as_bytes(),
    ]);
    let old: HashMap<String, u64> = fs::read(previous.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    progress.stage("case pages", content.states.len() as u64);
    let done: Vec<(String, u64, bool)> = content
        .states
        .par_iter()
        .map(|(i, s)| -> Result<(String, u64, bool), BuildError> {
            let file = &content.files[*i];
            let case = content.case(*i);
            let path = format!("cases/{}.html", case.id);
            let diags: Vec<&Diagnostic> = by_file.get(file.source.path.as_str()).cloned().unwrap_or_default();
            let history: Option<Vec<(&crate::audit::Commit, &crate::audit::Entry)>> = match &content.trail {
                Trail::History(h) => Some(h.trail(file.stem())).filter(|t| !t.is_empty()),
                Trail::Unavailable(_) => None,
            };
            let commits: Vec<&str> = history
                .as_ref()
                .map(|t| t.iter().map(|(c, _)| c.commit.as_str()).collect())
                .unwrap_or_default();
            let diag_text: Vec<String> = diags
                .iter()
                .map(|d| format!("{}{}{}", d.rule, d.line, d.message))
                .collect();
            let key = hash_of(&[
                &salt.to_le_bytes(),
                file.source.text.as_bytes(),
                diag_text.join("\n").as_bytes(),
                commits.join(",").as_bytes(),
            ]);
            progress.inc(1);
            if old.get(&path) == Some(&key) {
                let target = dir.join(&path);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)?;
                }
                if fs::hard_link(previous.join(&path), &target).is_ok() {
                    return Ok((path, key, true));
                }
            }
            let v = view::case_view(repo, &file.source.path, case, s, &diags, today);
            let mut c = base_context(info, &path, "cases", &format!("{} - {}", case.id, s.child));
            c.insert("case", &v);
            match (&content.trail, history) {
                (Trail::History(_), Some(trail)) => {
                    let views: Vec<view::HistoryView> = trail.iter().map(|(c, e)| view::history_view(c, e)).collect();
                    c.insert("history", &views);
                }
                (Trail::History(_), None) => c.insert("history_note", "This record has no committed history yet."),
                (Trail::Unavailable(why), _) => c.insert("history_note", why),
            }
            let html = tera.render("case.html", &c).map_err(tera_error)?;
            write_file(dir, &path, html.as_bytes())?;
            Ok((path, key, false))
        })
        .collect::<Result<_, _>>()?;
    let reused = done.iter().filter(|d| d.2).count();
    let manifest: HashMap<String, u64> = done.into_iter().map(|(p, k, _)| (p, k)).collect();
    write_file(
        dir,
        MANIFEST,
        serde_json::to_string(&manifest).unwrap_or_default().as_bytes(),
    )?;
    Ok(reused)
}

/// The board's site: the dashboard's counts, the statistics and the rule catalogue, with
/// every count below the pack's `suppress_below` shown as "fewer than N", and nothing that
/// names or describes a child, a family or an officer.
fn render_board(repo: &Repo, content: &Content, tera: &Tera, dir: &Path) -> Result<Summary, BuildError> {
    let info = SiteInfo {
        audience: "board",
        ..content.info.clone()
    };
    let pack = &repo.pack;
    let below = u64::from(pack.reports.suppress_below);
    let mut pages: Vec<Page> = Vec::new();
    // Dashboard counts.
    let open: Vec<&CaseState> = content
        .states
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.status == Status::Open)
        .collect();
    let mut cells = Cells::default();
    let n_open = cells.add(open.len());
    let mut queue_cells = Vec::new();
    for q in Queue::ALL {
        let n = content.states.iter().filter(|(_, s)| q.holds(pack, s)).count();
        queue_cells.push((q.title(), cells.add(n)));
    }
    let failing = content
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.file.starts_with("cases/"))
        .map(|d| d.file.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let n_failing = cells.add(failing);
    let levels = ["HI", "MED", "LO"];
    let risk: Vec<usize> = levels
        .iter()
        .map(|l| cells.add(open.iter().filter(|s| s.risk.as_deref() == Some(*l)).count()))
        .collect();
    let unrated = cells.add_hidden(open.iter().filter(|s| s.risk.is_none()).count());
    cells.group(risk.iter().copied().chain([unrated]).collect(), n_open);
    let mut breaking: HashMap<&str, usize> = HashMap::new();
    for d in &content.report.diagnostics {
        *breaking.entry(d.rule.as_str()).or_default() += 1;
    }
    let rule_cells: Vec<[usize; 3]> = pack
        .rules
        .iter()
        .map(|r| {
            let overdue = open
                .iter()
                .filter(|s| {
                    s.deadlines
                        .iter()
                        .any(|d| d.rule == r.id && d.state == crate::deadline::State::Overdue)
                })
                .count();
            let owed = open
                .iter()
                .filter(|s| s.deadlines.iter().any(|d| d.rule == r.id && !d.state.is_done()))
                .count();
            [
                cells.add(breaking.get(r.id.as_str()).copied().unwrap_or(0)),
                cells.add(overdue),
                cells.add(owed),
            ]
        })
        .collect();
    cells.decide(below);
    let mut c = base_context(&info, "index.html", "home", "Dashboard");
    c.insert("open", &cells.show(n_open));
    c.insert(
        "queues",
        &queue_cells
            .iter()
            .map(|(t, i)| (t.to_string(), cells.show(*i)))
            .collect::<Vec<_>>(),
    );
    c.insert("failing", &cells.show(n_failing));
    c.insert("has_risk", &pack.risk.is_some());
    c.insert(
        "risk",
        &levels
            .iter()
            .zip(&risk)
            .map(|(l, i)| (l.to_string(), view::risk_tag(Some(l)), cells.show(*i)))
            .collect::<Vec<_>>(),
    );
    pages.push(Page {
        path: "index.html".into(),
        template: "board.html",
        context: c,
    });
    let rules: Vec<RuleRow> = pack
        .rules
        .iter()
        .zip(&rule_cells)
        .map(|(r, cs)| RuleRow::new(r, [cells.show(cs[0]), cells.show(cs[1]), cells.show(cs[2])]))
        .collect();
    let mut c = base_context(&info, "policy/rules.html", "rules", "Rule catalogue");
    c.insert("rules", &rules);
    pages.push(Page {
        path: "policy/rules.html".into(),
        template: "rules.html",
        context: c,
    });
    let (policy_title, policy_html, toc) = markdown::policy_parts(&repo.pack_text);
    let mut c = base_context(&info, "policy/index.html", "policy", &pack.pack.name);
    c.insert("policy_title", &policy_title.unwrap_or_else(|| pack.pack.name.clone()));
    c.insert("policy_html", &policy_html);
    c.insert("toc", &toc.iter().filter(|h| h.level == 2).collect::<Vec<_>>());
    pages.push(Page {
        path: "policy/index.html".into(),
        template: "policy.html",
        context: c,
    });
    let (stats_context, csvs) = stats_page(&content.stats, below);
    let mut c = base_context(&info, "stats/index.html", "stats", "Statistics");
    c.extend(stats_context);
    pages.push(Page {
        path: "stats/index.html".into(),
        template: "stats.html",
        context: c,
    });
    for p in &pages {
        let html = tera.render(p.template, &p.context).map_err(tera_error)?;
        write_file(dir, &p.path, html.as_bytes())?;
    }
    for (name, bytes) in ASSETS {
        write_file(dir, name, bytes)?;
    }
    for (name, text) in csvs {
        write_file(dir, &format!("stats/{name}"), text.as_bytes())?;
    }
    Ok(Summary {
        pages: pages.len(),
        reused: 0,
        cases: content.states.len(),
        unreadable: content.files.iter().filter(|f| f.case.is_none()).count(),
    })
}

/// One CSV cell, quoted when it must be (RFC 4180), and never read as a formula.
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = header.iter().map(|h| csv_cell(h)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[derive(Serialize)]
struct Chart {
    id: String,
    svg: String,
}

/// The counts of the statistics pages, with the groups that add up, so the board's site can
/// suppress small counts (and anything that would give one away).
#[derive(Default)]
struct Cells {
    values: Vec<u64>,
    hidden: Vec<bool>,
    groups: Vec<crate::disclosure::Group>,
    suppressed: Vec<bool>,
    below: u64,
}

impl Cells {
    fn add(&mut self, v: usize) -> usize {
        self.values.push(v as u64);
        self.hidden.push(false);
        self.values.len() - 1
    }
    fn add_hidden(&mut self, v: usize) -> usize {
        let i = self.add(v);
        self.hidden[i] = true;
        i
    }
    fn group(&mut self, parts: Vec<usize>, total: usize) {
        self.groups.push(crate::disclosure::Group { parts, total });
    }
    fn decide(&mut self, below: u64) {
        self.below = below;
        self.suppressed = crate::disclosure::suppress(&self.values, &self.hidden, &self.groups, below);
    }
    fn known(&self, i: usize) -> bool {
        !self.suppressed.get(i).copied().unwrap_or(false)
    }
    fn show(&self, i: usize) -> String {
        if self.known(i) {
            self.values[i].to_string()
        } else {
            crate::disclosure::fewer_than(self.below)
        }
    }
    /// A chart bar: a suppressed count is drawn as nothing, labelled as suppressed.
    fn bar(&self, label: String, i: usize) -> chart::Bar {
        chart::Bar {
            label,
            value: if self.known(i) { self.values[i] as f64 } else { 0.0 },
            text: (!self.known(i)).then(|| format!("<{}", self.below)),
        }
    }
}

/// A rate or median is shown only when the count behind it is large enough to show.
fn guarded(cells: &Cells, i: usize, v: Option<f64>, f: fn(Option<f64>) -> String) -> String {
    if cells.known(i) && (cells.below == 0 || cells.values[i] >= cells.below) {
        f(v)
    } else {
        "-".into()
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "-".into())
}

fn days(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "-".into())
}

/// The statistics page's context and its CSV files. `below` is the board's suppression
/// threshold (0 for the team's site: nothing suppressed).
fn stats_page(st: &Stats, below: u64) -> (Context, Vec<(String, String)>) {
    let mut cells = Cells::default();
    struct Period {
        label: String,
        r: usize,
        k: usize,
        u: usize,
        a: usize,
        au: usize,
        c: usize,
        outcomes: Vec<usize>,
        success: Option<f64>,
        median: Option<f64>,
    }
    let add_period = |cells: &mut Cells, f: &stats::Figures| {
        let p = Period {
            label: f.label.clone(),
            r: cells.add(f.registered),
            k: cells.add(f.whereabouts_known),
            u: cells.add(f.whereabouts_unknown),
            a: cells.add(f.active_at_end),
            au: cells.add(f.active_unknown_at_end),
            c: cells.add(f.closed),
            outcomes: f.closed_by_outcome.iter().map(|o| cells.add(o.count)).collect(),
            success: f.success_rate,
            median: f.median_days_to_resolution,
        };
        cells.group(vec![p.k, p.u], p.r);
        cells.group(p.outcomes.clone(), p.c);
        p
    };
    let quarters: Vec<Period> = st.quarters.iter().map(|f| add_period(&mut cells, f)).collect();
    let total = add_period(&mut cells, &st.total);
    // Quarters partition the period: their counts add up to the totals.
    for pick in [|p: &Period| p.r, |p: &Period| p.k, |p: &Period| p.u, |p: &Period| p.c] {
        cells.group(quarters.iter().map(pick).collect(), pick(&total));
    }
    for (o, &t) in total.outcomes.iter().enumerate() {
        cells.group(quarters.iter().map(|q| q.outcomes[o]).collect(), t);
    }
    // Months: registered adds up to its quarter's.
    let months: Vec<(String, usize, usize)> = st
        .months
        .iter()
        .map(|f| (f.label.clone(), cells.add(f.registered), cells.add(f.active_at_end)))
        .collect();
    for (q, f) in quarters.iter().zip(&st.quarters) {
        let parts: Vec<usize> = st
            .months
            .iter()
            .zip(&months)
            .filter(|(m, _)| m.start >= f.start && m.end <= f.end)
            .map(|(_, m)| m.1)
            .collect();
        if !parts.is_empty() {
            cells.group(parts, q.r);
        }
    }
    let counts = |cells: &mut Cells, v: &[stats::Count]| -> Vec<(String, usize)> {
        v.iter().map(|x| (view::words(&x.label), cells.add(x.count))).collect()
    };
    let sources = counts(&mut cells, &st.by_source);
    let reasons = counts(&mut cells, &st.by_reason);
    let vulnerabilities = counts(&mut cells, &st.by_vulnerability);
    cells.group(sources.iter().map(|x| x.1).collect(), total.r);
    cells.group(reasons.iter().map(|x| x.1).collect(), total.r);
    // Schools: on time + late + not recorded (never shown) = leavers; likewise joiners.
    let schools: Vec<(String, [usize; 6])> = st
        .schools
        .iter()
        .map(|s| {
            let l = cells.add(s.leavers);
            let (lo, ll) = (cells.add(s.leavers_on_time), cells.add(s.leavers_late));
            let lnr = cells.add_hidden(s.leavers - s.leavers_on_time - s.leavers_late);
            cells.group(vec![lo, ll, lnr], l);
            let j = cells.add(s.joiners);
            let (jo, jl) = (cells.add(s.joiners_on_time), cells.add(s.joiners_late));
            let jnr = cells.add_hidden(s.joiners - s.joiners_on_time - s.joiners_late);
            cells.group(vec![jo, jl, jnr], j);
            (s.school.clone(), [l, lo, ll, j, jo, jl])
        })
        .collect();
    cells.decide(below);

    let period_header = [
        "Period",
        "Registered",
        "Whereabouts known",
        "Whereabouts unknown",
        "Active at end",
        "Active, whereabouts unknown",
        "Closed",
        "Success rate",
        "Median days to resolution",
    ];
    let counted = |p: &Period| p.c;
    let period_row = |p: &Period| -> Vec<String> {
        vec![
            p.label.clone(),
            cells.show(p.r),
            cells.show(p.k),
            cells.show(p.u),
            cells.show(p.a),
            cells.show(p.au),
            cells.show(p.c),
            guarded(&cells, counted(p), p.success, pct),
            guarded(&cells, counted(p), p.median, days),
        ]
    };
    let quarter_rows: Vec<Vec<String>> = quarters.iter().map(period_row).collect();
    let month_header = ["Month", "Registered", "Active at end"];
    let month_rows: Vec<Vec<String>> = months
        .iter()
        .map(|(l, r, a)| vec![l.clone(), cells.show(*r), cells.show(*a)])
        .collect();
    let outcome_header: Vec<String> = std::iter::once("Period".to_string())
        .chain(st.total.closed_by_outcome.iter().map(|o| view::words(&o.key)))
        .collect();
    let outcome_rows: Vec<Vec<String>> = quarters
        .iter()
        .chain(std::iter::once(&total))
        .map(|q| {
            std::iter::once(q.label.clone())
                .chain(q.outcomes.iter().map(|&i| cells.show(i)))
                .collect()
        })
        .collect();
    let count_rows = |v: &[(String, usize)]| -> Vec<Vec<String>> {
        v.iter().map(|(l, i)| vec![l.clone(), cells.show(*i)]).collect()
    };
    let school_header = [
        "School",
        "Leavers",
        "Leavers notified on time",
        "Leavers notified late",
        "Joiners",
        "Joiners notified on time",
        "Joiners notified late",
    ];
    let school_rows: Vec<Vec<String>> = schools
        .iter()
        .map(|(n, c)| {
            std::iter::once(n.clone())
                .chain(c.iter().map(|&i| cells.show(i)))
                .collect()
        })
        .collect();
    let bars = |v: &[(String, usize)]| -> Vec<chart::Bar> { v.iter().map(|(l, i)| cells.bar(l.clone(), *i)).collect() };
    let outcome_bars: Vec<chart::Bar> = st
        .total
        .closed_by_outcome
        .iter()
        .zip(&total.outcomes)
        .map(|(o, &i)| cells.bar(view::words(&o.key), i))
        .collect();
    let note = if below > 0 {
        format!(" Counts from 1 to {} are shown as fewer than {below}.", below - 1)
    } else {
        String::new()
    };
    let charts = vec![
        Chart {
            id: "registered-by-month".into(),
            svg: chart::columns(
                "registered-by-month",
                "Referrals registered each month",
                &format!("Column chart of referrals registered per month; the table below gives the figures.{note}"),
                &st.months
                    .iter()
                    .zip(&months)
                    .map(|(f, m)| cells.bar(f.start.format("%b %Y").to_string(), m.1))
                    .collect::<Vec<_>>(),
            ),
        },
        Chart {
            id: "active-by-month".into(),
            svg: chart::columns(
                "active-by-month",
                "Active cases at the end of each month",
                &format!("Column chart of cases open at each month end; the table below gives the figures.{note}"),
                &st.months
                    .iter()
                    .zip(&months)
                    .map(|(f, m)| cells.bar(f.start.format("%b %Y").to_string(), m.2))
                    .collect::<Vec<_>>(),
            ),
        },
        Chart {
            id: "outcomes".into(),
            svg: chart::bars(
                "outcomes",
                "Closures by outcome",
                &format!("Bar chart of closures by outcome; the table gives the figures.{note}"),
                &outcome_bars,
            ),
        },
        Chart {
            id: "sources".into(),
            svg: chart::bars(
                "sources",
                "Referrals by source",
                &format!("Bar chart of referrals by who made them; the table gives the figures.{note}"),
                &bars(&sources),
            ),
        },
        Chart {
            id: "reasons".into(),
            svg: chart::bars(
                "reasons",
                "Referrals by reason",
                &format!("Bar chart of referrals by reason; the table gives the figures.{note}"),
                &bars(&reasons),
            ),
        },
        Chart {
            id: "vulnerabilities".into(),
            svg: chart::bars(
                "vulnerabilities",
                "Referrals by vulnerability",
                &format!("Bar chart of referrals by recorded vulnerability; the table gives the figures.{note}"),
                &bars(&vulnerabilities),
            ),
        },
    ];
    #[derive(Serialize)]
    struct CountTable {
        key: &'static str,
        title: &'static str,
        column: &'static str,
        rows: Vec<Vec<String>>,
    }
    let summary: Vec<(String, String)> = vec![
        ("Referrals registered".into(), cells.show(total.r)),
        (
            "Whereabouts known / unknown (as recorded now)".into(),
            format!("{} / {}", cells.show(total.k), cells.show(total.u)),
        ),
        (
            "Active cases at the end of the period".into(),
            format!("{} ({} whereabouts unknown)", cells.show(total.a), cells.show(total.au)),
        ),
        ("Closed".into(), cells.show(total.c)),
        ("Success rate".into(), guarded(&cells, total.c, total.success, pct)),
        (
            "Median days from referral to closure".into(),
            guarded(&cells, total.c, total.median, days),
        ),
    ];
    let mut c = Context::new();
    c.insert("stats", st);
    c.insert("summary", &summary);
    c.insert("suppression_note", &note.trim());
    c.insert("period_header", &period_header);
    c.insert("quarters", &quarter_rows);
    c.insert("month_header", &month_header);
    c.insert("months", &month_rows);
    c.insert("outcome_header", &outcome_header);
    c.insert("outcome_rows", &outcome_rows);
    c.insert(
        "count_tables",
        &[
            CountTable {
                key: "sources",
                title: "Referrals by source",
                column: "Source",
                rows: count_rows(&sources),
            },
            CountTable {
                key: "reasons",
                title: "Referrals by reason",
                column: "Reason",
                rows: count_rows(&reasons),
            },
            CountTable {
                key: "vulnerabilities",
                title: "Referrals by vulnerability",
                column: "Vulnerability",
                rows: count_rows(&vulnerabilities),
            },
        ],
    );
    c.insert("school_header", &school_header);
    c.insert("schools", &school_rows);
    c.insert(
        "charts",
        &charts
            .into_iter()
            .map(|ch| (ch.id.clone(), ch))
            .collect::<BTreeMap<_, _>>(),
    );
    let outcome_header_refs: Vec<&str> = outcome_header.iter().map(String::as_str).collect();
    let csvs = vec![
        ("months.csv".to_string(), csv(&month_header, month_rows)),
        ("quarters.csv".to_string(), csv(&period_header, quarter_rows)),
        (
            "outcomes-by-quarter.csv".to_string(),
            csv(&outcome_header_refs, outcome_rows),
        ),
        (
            "sources.csv".to_string(),
            csv(&["Source", "Referrals"], count_rows(&sources)),
        ),
        (
            "reasons.csv".to_string(),
            csv(&["Reason", "Referrals"], count_rows(&reasons)),
        ),
        (
            "vulnerabilities.csv".to_string(),
            csv(&["Vulnerability", "Referrals"], count_rows(&vulnerabilities)),
        ),
        ("schools.csv".to_string(), csv(&school_header, school_rows)),
    ];
    (c, csvs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
