//! Finding and reading what a case repository holds: `cme.toml`, the policy pack, the
//! calendar, and the case files under `cases/` (with a size limit; symlinks refused).

use crate::calendar::Calendar;
use crate::config::{self, Config};
use crate::diagnostic::{CheckReport, Diagnostic, Finding};
use crate::git::Git;
use crate::model::{Case, Spans};
use crate::pack::{self, Pack, Severity};
use crate::source::SourceFile;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The rule id of problems that stop the tool before any case is read (exit 2).
pub const SETUP: &str = "CONFIG";

/// A case repository with its configuration, pack and calendar loaded.
#[derive(Debug)]
pub struct Repo {
    pub root: PathBuf,
    /// Where the records are read from: the working tree or a commit.
    pub store: Store,
    pub config: Config,
    pub pack: Pack,
    /// The pack's policy text (Markdown).
    pub pack_text: String,
    pub calendar: Calendar,
    pub config_source: Arc<SourceFile>,
    pub pack_source: Arc<SourceFile>,
    /// The git repository holding it, opened once, if it is in one.
    pub git: Option<Arc<Git>>,
}

/// What the rules and computations read of a repository, and nothing else: the authority
/// (`cme.toml`), its pack and its calendar. A plain value (no files, no git), so each can be
/// given one directly, as the unit tests do.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    pub config: &'a Config,
    pub pack: &'a Pack,
    pub calendar: &'a Calendar,
}

impl<'a> Policy<'a> {
    /// The ids a field's values come from (`Lookup` in the record's description): the
    /// officers of `cme.toml` (and `school`, where the field takes one), or one of the pack's
    /// lists. One place, for the schema editors read and for COM-SCHEMA.
    pub fn ids(&self, which: crate::model::Ids) -> Vec<&'a str> {
        use crate::model::Ids;
        let pack = self.pack;
        match which {
            Ids::Officers => self.config.officers.iter().map(|o| o.id.as_str()).collect(),
            Ids::Actors => self
                .config
                .officers
                .iter()
                .map(|o| o.id.as_str())
                .chain([crate::model::SCHOOL])
                .collect(),
            Ids::Vulnerabilities => pack.vulnerabilities.iter().map(|v| v.id.as_str()).collect(),
            Ids::Checks => pack.checks.iter().map(|c| c.id.as_str()).collect(),
            Ids::Escalations => pack.escalations.iter().map(|c| c.id.as_str()).collect(),
            Ids::Documents => pack.documents.iter().map(|c| c.id.as_str()).collect(),
            Ids::Grounds => pack.grounds.iter().map(|g| g.code.as_str()).collect(),
        }
    }
}

/// The records of a commit, or why they cannot be read.
fn commit_store(git: Arc<Git>, commit: git2::Oid) -> Result<Store, SetupError> {
    Store::commit(git, commit).map_err(|e| {
        SetupError::one(
            config::FILE,
            None,
            None,
            format!("cannot read commit {commit}: {}", e.message()),
            None,
        )
    })
}

impl Repo {
    /// The authority, pack and calendar, for the rules and computations.
    pub fn policy(&self) -> Policy<'_> {
        Policy {
            config: &self.config,
            pack: &self.pack,
            calendar: &self.calendar,
        }
    }
}

/// The repository could not be set up: `cme.toml`, the pack or the calendar is missing or
/// broken. Holds the diagnostics to print.
#[derive(Debug)]
pub struct SetupError {
    pub report: Box<CheckReport>,
}

impl SetupError {
    fn one(
        file: &str,
        text: Option<&str>,
        span: Option<std::ops::Range<usize>>,
        message: String,
        hint: Option<String>,
    ) -> Self {
        let src = Arc::new(SourceFile::new(file, text.unwrap_or("")));
        let mut f = Finding::new(SETUP, Severity::Error, span, message);
        f.hint = hint;
        let d = Diagnostic::place(f, &src, None, None);
        let mut report = Box::<CheckReport>::default();
        report.sources.insert(file.to_string(), src);
        report.diagnostics.push(d);
        // No text of the file to point into: the message says which file, at no line.
        report.unwritten = text.is_none();
        SetupError { report }
    }

    pub fn message(&self) -> String {
        self.report
            .diagnostics
            .iter()
            .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Reads a whole small file as text, or says why not.
fn read_text(store: &Store, rel: &str, max: u64) -> Result<String, String> {
    let bytes = store.read(rel, max).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| format!("is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

/// Where a repository's files are read from.
pub enum Store {
    /// The working tree.
    Dir { root: PathBuf, own_dirs: Vec<PathBuf> },
    /// A commit's tree: the records exactly as they stood at that commit.
    Commit {
        git: Arc<Git>,
        commit: git2::Oid,
        /// Every file of the commit's tree: path -> (blob, mode).
        files: std::collections::HashMap<String, (git2::Oid, i32)>,
    },
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Store::Dir { root, .. } => write!(f, "Store::Dir({})", root.display()),
            Store::Commit { commit, files, .. } => write!(f, "Store::Commit({commit}, {} files)", files.len()),
        }
    }
}

const SYMLINK_MODE: i32 = 0o120000;

impl Store {
    /// The working tree at `root`; `git` (if it is in one) says which folders are git's own.
    pub fn dir(root: &Path, git: Option<&Git>) -> Store {
        Store::Dir {
            root: root.to_path_buf(),
            own_dirs: git.map(|g| g.own_dirs.clone()).unwrap_or_default(),
        }
    }

    /// The tree of a commit of the git repository.
    pub fn commit(git: Arc<Git>, commit: git2::Oid) -> Result<Store, git2::Error> {
        // Paths inside the repository's working directory, relative to the case repository.
        let prefix = if git.within.is_empty() {
            String::new()
        } else {
            format!("{}/", git.within)
        };
        let mut files = std::collections::HashMap::new();
        let repo = git.lock();
        let tree = repo.find_commit(commit)?.tree()?;
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob)
                && let Ok(name) = entry.name()
            {
                let full = format!("{dir}{name}");
                if let Some(rel) = full.strip_prefix(&prefix) {
                    files.insert(rel.to_string(), (entry.id(), entry.filemode()));
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        drop(tree);
        drop(repo);
        Ok(Store::Commit { git, commit, files })
    }

    /// Reads at most `max` bytes of a file; a larger file, or a symbolic link, is refused.
    pub fn read(&self, rel: &str, max: u64) -> io::Result<Vec<u8>> {
        match self {
            Store::Dir { root, own_dirs } => {
                // Case files come from the walk of cases/, which follows no link; any other
                // file (cme.toml, the pack, the calendar) must not lead out of the repository.
                if !rel.starts_with("cases/") {
                    inside_repository(root, own_dirs, rel)?;
                }
                read_limited(&root.join(rel), max)
            }
            Store::Commit { git, files, commit } => {
                let (oid, mode) = files
                    .get(rel)
                    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("is not in commit {commit}")))?;
                if *mode == SYMLINK_MODE {
                    return Err(io::Error::other("is a symbolic link, which cme does not follow"));
                }
                let git = git.lock();
                let odb = git.odb().map_err(io::Error::other)?;
                let (size, _) = odb.read_header(*oid).map_err(io::Error::other)?;
                if size as u64 > max {
                    return Err(io::Error::other(format!(
                        "is {size} bytes, over the limit of {max} bytes"
                    )));
                }
                let blob = git.find_blob(*oid).map_err(io::Error::other)?;
                Ok(blob.content().to_vec())
            }
        }
    }

    /// The files directly inside a folder (`policy/manchester/letters`), sorted: regular files
    /// only (a symbolic link is not followed).
    pub fn list(&self, dir: &str) -> Vec<String> {
        self.entries(dir, false)
    }

    /// The symbolic links directly inside a folder, which [`Store::list`] leaves out: for a
    /// command to say so rather than skip them in silence.
    pub fn links_in(&self, dir: &str) -> Vec<String> {
        self.entries(dir, true)
    }

    /// The regular files (or, with `links`, the symbolic links) directly inside a folder.
    fn entries(&self, dir: &str, links: bool) -> Vec<String> {
        let dir = dir.trim_end_matches('/');
        let mut out: Vec<String> = match self {
            Store::Dir { root, own_dirs } => {
                if inside_repository(root, own_dirs, dir).is_err() {
                    return Vec::new();
                }
                std::fs::read_dir(root.join(dir))
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter(|e| {
                        e.file_type()
                            .is_ok_and(|t| if links { t.is_symlink() } else { t.is_file() })
                    })
                    .filter_map(|e| e.file_name().to_str().map(|n| format!("{dir}/{n}")))
                    .collect()
            }
            Store::Commit { files, .. } => files
                .iter()
                .filter(|(_, (_, mode))| (*mode == SYMLINK_MODE) == links)
                .filter_map(|(p, _)| {
                    let name = p.strip_prefix(dir)?.strip_prefix('/')?;
                    (!name.contains('/')).then(|| p.clone())
                })
                .collect(),
        };
        out.sort();
        out
    }

    pub fn exists(&self, rel: &str) -> bool {
        match self {
            Store::Dir { root, .. } => root.join(rel).exists(),
            Store::Commit { files, .. } => files.contains_key(rel),
        }
    }

    /// Every case file under `cases/`, sorted, and a finding for each entry that cannot be one.
    pub fn case_paths(&self) -> (Vec<String>, Vec<(String, ReadProblem)>) {
        match self {
            Store::Dir { root, .. } => case_paths(root),
            Store::Commit { files, .. } => {
                let mut paths = Vec::new();
                let mut problems = Vec::new();
                for (p, (_, mode)) in files {
                    if !p.starts_with("cases/") {
                        continue;
                    }
                    if *mode == SYMLINK_MODE {
                        problems.push((p.clone(), symlink_finding()));
                    } else if p.ends_with(".toml") {
                        paths.push(p.clone());
                    }
                }
                paths.sort();
                problems.sort_by(|a, b| a.0.cmp(&b.0));
                (paths, problems)
            }
        }
    }

    /// The commit the records come from, if they come from one.
    pub fn commit_id(&self) -> Option<git2::Oid> {
        match self {
            Store::Dir { .. } => None,
            Store::Commit { commit, .. } => Some(*commit),
        }
    }
}

/// The case repository a command run without `--repo` works on: this folder when it holds
/// `cme.toml`, else the nearest folder above it that does, as git finds its repository from
/// any folder inside it (the search stops at the top of the git repository). `.` when there
/// is none, so that the command says there is no case repository here.
pub fn find_root() -> PathBuf {
    let here = Path::new(".");
    if here.join(config::FILE).is_file() {
        return here.to_path_buf();
    }
    let Ok(cwd) = std::env::current_dir() else {
        return here.to_path_buf();
    };
    for dir in cwd.ancestors() {
        if dir.join(config::FILE).is_file() {
            return dir.to_path_buf();
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    here.to_path_buf()
}

/// A set-up file that is on disk but not in the commit the command reads (a new repository
/// whose set-up has not been committed yet): said as that, with what to do.
fn committed(store: &Store, root: &Path, rel: &str) -> Result<(), SetupError> {
    let Some(commit) = store.commit_id() else {
        return Ok(());
    };
    if store.exists(rel) || !root.join(rel).exists() {
        return Ok(());
    }
    let short: String = commit.to_string().chars().take(10).collect();
    Err(SetupError::one(
        rel,
        None,
        None,
        format!("{rel} is not committed yet (the last commit, {short}, has none), and this command reads the committed records"),
        Some("commit cme.toml and policy/ first (git add -A && git commit -m \"Set up cme\"), or, for cme build, use --working-tree to build what is on disk".into()),
    ))
}

impl Repo {
    /// The repository as it is in the working tree (git, if it is in a git repository, is
    /// opened here, once, for everything the command reads of it).
    pub fn open(root: &Path) -> Result<Repo, SetupError> {
        Repo::open_in(root, Git::open(root).ok())
    }

    /// The working tree, with the git repository the command has opened already.
    pub fn open_in(root: &Path, git: Option<Arc<Git>>) -> Result<Repo, SetupError> {
        let store = Store::dir(root, git.as_deref());
        Repo::open_store(root, store, git)
    }

    /// The repository as it stood at a commit (cme.toml, pack, calendar and cases alike).
    pub fn at_commit(root: &Path, git: Arc<Git>, commit: git2::Oid) -> Result<Repo, SetupError> {
        let store = commit_store(git.clone(), commit)?;
        Repo::open_store(root, store, Some(git))
    }

    /// This repository's policy (cme.toml, pack, calendar) with the case records as they
    /// stood at `commit`: a past period counted by the policy as it reads now.
    pub fn with_records_at(mut self, commit: git2::Oid) -> Result<Repo, SetupError> {
        let git = self
            .git
            .clone()
            .ok_or_else(|| SetupError::one(config::FILE, None, None, "not a git repository".into(), None))?;
        self.store = commit_store(git, commit)?;
        Ok(self)
    }

    fn open_store(root: &Path, store: Store, git: Option<Arc<Git>>) -> Result<Repo, SetupError> {
        let max = 4 * 1024 * 1024;
        committed(&store, root, config::FILE)?;
        if matches!(store, Store::Dir { .. }) && !root.join(config::FILE).exists() {
            return Err(SetupError::one(
                config::FILE,
                None,
                None,
                format!(
                    "{} is not a case repository: it has no cme.toml",
                    root.display()
                ),
                Some("run cme from inside a case repository (it looks in the folder it is run from and the folders above), or point at one with --repo DIR; set one up with cme init DIR --pack PACK --authority NAME --code ABC".into()),
            ));
        }
        let config_text = read_text(&store, config::FILE, max).map_err(|e| {
            SetupError::one(
                config::FILE,
                None,
                None,
                format!("{} in {}: {e}", config::FILE, root.display()),
                Some("run cme from a case repository, or point at one with --repo DIR".into()),
            )
        })?;
        let config: Config = toml::from_str(&config_text).map_err(|e| {
            SetupError::one(
                config::FILE,
                Some(&config_text),
                e.span(),
                format!("{} cannot be read: {}", config::FILE, e.message()),
                None,
            )
        })?;
        if let Some((_, msg)) = config.problems().into_iter().next() {
            return Err(SetupError::one(config::FILE, Some(&config_text), None, msg, None));
        }
        let id = &config.authority.policy;
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(SetupError::one(
                config::FILE,
                Some(&config_text),
                None,
                format!("policy \"{id}\" must be a pack folder name: lowercase letters, digits and '-'"),
                None,
            ));
        }
        let pack_file = format!("policy/{id}/policy.toml");
        committed(&store, root, &pack_file)?;
        if !config.authority.school_calendar.is_empty() {
            committed(&store, root, &config.authority.school_calendar)?;
        }
        let pack_text = read_text(&store, &pack_file, max).map_err(|e| {
            SetupError::one(
                &pack_file,
                None,
                None,
                format!("the policy pack \"{id}\" named in cme.toml cannot be read: {e}"),
                Some("check [authority] policy in cme.toml; the packs are the folders under policy/".into()),
            )
        })?;
        let pack: Pack = toml::from_str(&pack_text).map_err(|e| {
            SetupError::one(
                &pack_file,
                Some(&pack_text),
                e.span(),
                format!("the policy pack cannot be read: {}", e.message()),
                None,
            )
        })?;
        if pack.pack.id != *id {
            return Err(SetupError::one(
                &pack_file,
                Some(&pack_text),
                None,
                format!("the pack in policy/{id}/ says its id is \"{}\"", pack.pack.id),
                None,
            ));
        }
        let text_file = format!("policy/{id}/{}", pack.pack.text);
        if !is_plain_relative(&pack.pack.text) {
            return Err(SetupError::one(
                &pack_file,
                Some(&pack_text),
                None,
                "[pack] text must be a file name inside the pack folder".into(),
                None,
            ));
        }
        committed(&store, root, &text_file)?;
        let policy_md = read_text(&store, &text_file, max).map_err(|e| {
            SetupError::one(
                &text_file,
                None,
                None,
                format!("the policy text cannot be read: {e}"),
                None,
            )
        })?;
        // Every inconsistency at once, so that one edit can fix them all.
        let problems = pack.problems(&pack::anchors(&policy_md));
        if let Some((first, rest)) = problems.split_first() {
            let mut e = SetupError::one(
                &pack_file,
                Some(&pack_text),
                None,
                format!("the policy pack is inconsistent: {first}"),
                None,
            );
            for p in rest {
                let more = SetupError::one(
                    &pack_file,
                    Some(&pack_text),
                    None,
                    format!("the policy pack is inconsistent: {p}"),
                    None,
                );
                e.report.diagnostics.extend(more.report.diagnostics);
            }
            return Err(e);
        }
        // Each officer's role, now and before, is one of the pack's.
        let roles: Vec<&crate::model::Role> = pack.roles.iter().map(|r| &r.id).collect();
        for o in config.officers.iter().filter(|_| !roles.is_empty()) {
            for role in std::iter::once(&o.role).chain(o.previous_roles.iter().map(|p| &p.role)) {
                if !roles.contains(&role) {
                    let span = config_text
                        .find(&format!("\"{role}\""))
                        .map(|at| at..at + role.as_str().len() + 2);
                    let known: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                    return Err(SetupError::one(
                        config::FILE,
                        Some(&config_text),
                        span,
                        format!(
                            "officer \"{}\" has the role \"{role}\", which the {} pack does not list",
                            o.id, pack.pack.id
                        ),
                        Some(format!("the pack's roles are: {}", known.join(", "))),
                    ));
                }
            }
        }
        let calendar = load_calendar(&store, &config)?;
        Ok(Repo {
            root: root.to_path_buf(),
            store,
            git,
            config_source: Arc::new(SourceFile::new(config::FILE, config_text)),
            pack_source: Arc::new(SourceFile::new(pack_file, pack_text)),
            config,
            pack,
            pack_text: policy_md,
            calendar,
        })
    }

    /// The path of a case file relative to the repository root, with `/`, if it is inside.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(path)
        };
        let abs = normalise(&abs);
        let root = normalise(&fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone()));
        let abs = match (abs.parent().and_then(|p| fs::canonicalize(p).ok()), abs.file_name()) {
            (Some(dir), Some(name)) => dir.join(name),
            _ => abs,
        };
        let rel = abs.strip_prefix(&root).ok()?;
        Some(
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }
}

fn load_calendar(store: &Store, config: &Config) -> Result<Calendar, SetupError> {
    let max = 8 * 1024 * 1024;
    let bh = &config.authority.bank_holidays;
    let terms = &config.authority.school_calendar;
    for f in [bh, terms] {
        if !is_plain_relative(f) {
            return Err(SetupError::one(
                config::FILE,
                None,
                None,
                format!("calendar path \"{f}\" must be relative and stay inside the repository"),
                None,
            ));
        }
    }
    let bh_text = read_text(store, bh, max).map_err(|e| {
        SetupError::one(
            bh,
            None,
            None,
            format!("the bank holidays file {e}"),
            Some("copy https://www.gov.uk/bank-holidays.json there".into()),
        )
    })?;
    let terms_text = match read_text(store, terms, max) {
        Ok(t) => Some(t),
        Err(_) if !store.exists(terms) => None,
        Err(e) => {
            return Err(SetupError::one(
                terms,
                None,
                None,
                format!("the term dates file {e}"),
                None,
            ));
        }
    };
    Calendar::from_texts(bh, &bh_text, terms, terms_text.as_deref()).map_err(|e| {
        SetupError::one(
            &e.file,
            e.text.as_deref(),
            e.span,
            format!("{} {}", e.file, e.message),
            None,
        )
    })
}

fn is_plain_relative(p: &str) -> bool {
    let p = Path::new(p);
    !p.as_os_str().is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// A path with `.` and `..` taken away lexically (no file system access).
pub(crate) fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Reads at most `max` bytes; a larger file is refused without reading it whole.
/// The folder files must stay inside: the git working tree that holds `root` (its files are
/// committed with it), or `root` itself outside git; made canonical.
pub fn boundary(root: &Path) -> io::Result<PathBuf> {
    // The nearest folder at or above `root` that holds `.git` (a folder, or the file of a
    // worktree or a separate git folder), as git finds its working tree.
    let root = fs::canonicalize(root)?;
    Ok(root
        .ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&root)
        .to_path_buf())
}

/// Why a file that resolves (through symbolic links) to `real` may not be read as one of the
/// repository's set-up files or templates: outside the repository, inside git's own files
/// (its config can hold credentials), or, for what the site publishes, inside `cases/`.
/// `own_dirs` are git's own folders ([`Git::own_dirs`]).
pub fn out_of_bounds(root: &Path, own_dirs: &[PathBuf], real: &Path, allow_cases: bool) -> Option<String> {
    let real_root = boundary(root).ok()?;
    if !real.starts_with(&real_root) {
        return Some(format!("{}, outside the repository", real.display()));
    }
    let mut forbidden: Vec<PathBuf> = own_dirs.to_vec();
    if !allow_cases {
        forbidden.extend(fs::canonicalize(root.join("cases")).ok());
    }
    forbidden
        .iter()
        .find(|p| real.starts_with(p))
        .map(|p| format!("{}, inside {}", real.display(), p.display()))
}

/// Where the case repository sits inside its git working tree ("" at the top, else
/// `sub/folder`, with forward slashes).
pub fn within_git(root: &Path) -> String {
    (|| {
        let real = fs::canonicalize(root).ok()?;
        let top = boundary(root).ok()?;
        real.strip_prefix(top)
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
    })()
    .unwrap_or_default()
}

/// The git repository holding `root`, with its working tree where git itself finds it (the
/// folder holding `.git`): libgit2 takes the git folder's parent for a repository whose git
/// folder lives elsewhere (`git init --separate-git-dir`).
pub fn open_git(root: &Path) -> Result<git2::Repository, git2::Error> {
    let git = git2::Repository::discover(root)?;
    if let Ok(top) = boundary(root)
        && top.join(".git").is_file()
        && git.workdir().and_then(|w| fs::canonicalize(w).ok()).as_deref() != Some(top.as_path())
    {
        git.set_workdir(&top, false)?;
    }
    Ok(git)
}

/// Refuses a file whose path passes through a symbolic link leading out of the repository.
fn inside_repository(root: &Path, own_dirs: &[PathBuf], rel: &str) -> io::Result<()> {
    let Ok(real) = fs::canonicalize(root.join(rel)) else {
        // Missing: the read says so.
        return Ok(());
    };
    match out_of_bounds(root, own_dirs, &real, false) {
        Some(where_) => Err(io::Error::other(format!(
            "leads through a symbolic link to {where_}, which cme does not follow"
        ))),
        None => Ok(()),
    }
}

pub fn read_limited(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(io::Error::other("is a symbolic link, which cme does not follow"));
    }
    if meta.len() > max {
        return Err(io::Error::other(format!(
            "is {} bytes, over the limit of {} bytes",
            meta.len(),
            max
        )));
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    fs::File::open(path)?.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Err(io::Error::other(format!("is over the limit of {max} bytes")));
    }
    Ok(buf)
}

/// One case file as read: its text, the case if it decoded, and what was wrong with it.
#[derive(Debug)]
pub struct CaseFile {
    pub source: Arc<SourceFile>,
    pub case: Option<Case>,
    pub spans: Spans,
    /// Why the file could not be read or decoded (the rules report each as COM-SCHEMA).
    pub problems: Vec<ReadProblem>,
    /// The officers and pack ids it names, read even when it does not decode.
    pub references: Vec<crate::model::Reference>,
    /// The case as far as it could be read, when it does not decode (for the rules only).
    pub partial: Option<Case>,
}

/// Something that stops a case file being read or decoded: where, what, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadProblem {
    pub span: Option<std::ops::Range<usize>>,
    pub message: String,
    pub hint: Option<String>,
    /// Whether it is a matter of the record format the policy's paragraph on records covers
    /// (an unknown key), rather than of a file that is not a readable TOML text at all.
    pub cites_policy: bool,
}

impl ReadProblem {
    fn new(span: Option<std::ops::Range<usize>>, message: impl Into<String>, hint: Option<&str>) -> Self {
        ReadProblem {
            span,
            message: message.into(),
            hint: hint.map(str::to_string),
            cites_policy: false,
        }
    }
}

impl CaseFile {
    /// The file name without `.toml`: what the case id must be.
    pub fn stem(&self) -> &str {
        crate::model::id::stem(&self.source.path)
    }

    fn broken(path: &str, text: String, span: Option<std::ops::Range<usize>>, message: String, hint: &str) -> Self {
        CaseFile {
            source: Arc::new(SourceFile::new(path, text)),
            case: None,
            spans: Spans::default(),
            problems: vec![ReadProblem::new(span, message, Some(hint))],
            references: Vec::new(),
            partial: None,
        }
    }
}

/// Reads and decodes one case file, given its path relative to the repository root.
pub fn read_case(store: &Store, rel: &str, max_bytes: u64) -> CaseFile {
    match store.read(rel, max_bytes) {
        Ok(bytes) => parse_case(rel, bytes),
        Err(e) => CaseFile::broken(
            rel,
            String::new(),
            None,
            format!("the file cannot be read: it {e}"),
            "a case file is one child's record, far smaller than this; check it is the right file",
        ),
    }
}

/// Decodes a case file's bytes (`rel` names it in diagnostics).
pub fn parse_case(rel: &str, bytes: Vec<u8>) -> CaseFile {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // The lossy text has the same bytes up to the first bad one.
            return CaseFile::broken(
                rel,
                text,
                Some(at..at),
                format!("the file is not UTF-8 text: byte {at} cannot be read"),
                "save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")",
            );
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    if text.trim().is_empty() {
        return CaseFile::broken(
            rel,
            text,
            None,
            "the file is empty".into(),
            "restore the case from git (git checkout -- FILE), or delete the file",
        );
    }
    if let Some((at, len)) = conflict_marker(&text) {
        return CaseFile::broken(
            rel,
            text,
            Some(at..at + len),
            "the file holds an unresolved git merge conflict".into(),
            "keep the right lines between <<<<<<<, ======= and >>>>>>>, delete the markers, and commit again",
        );
    }
    let crate::model::Decoded {
        case,
        partial,
        spans,
        problems,
        references,
    } = crate::model::decode_case_full(&text);
    let problems = problems
        .into_iter()
        .map(|p| ReadProblem {
            span: Some(p.span),
            message: p.message,
            hint: p.hint,
            cites_policy: !p.syntax,
        })
        .collect();
    CaseFile {
        source: Arc::new(SourceFile::new(rel, text)),
        case,
        spans,
        problems,
        references,
        partial,
    }
}

/// The first git conflict marker line: its offset and length.
fn conflict_marker(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_marker = ["<<<<<<<", "=======", ">>>>>>>", "|||||||"].iter().any(|m| {
            bare.strip_prefix(m)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        });
        if is_marker {
            return Some((offset, bare.len()));
        }
        offset += line.len();
    }
    None
}

/// Every case file under `cases/` (paths relative to the root, sorted), and a finding for
/// each entry that cannot be a case file (symbolic links are not followed).
pub fn case_paths(root: &Path) -> (Vec<String>, Vec<(String, ReadProblem)>) {
    let mut paths = Vec::new();
    let mut problems = Vec::new();
    let dir = root.join("cases");
    if fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
        problems.push(("cases".into(), symlink_finding()));
        return (paths, problems);
    }
    if !dir.is_dir() {
        return (paths, problems);
    }
    for entry in walkdir::WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map(|p| rel_string(root, p)).unwrap_or_else(|| "cases".into());
                problems.push((p, ReadProblem::new(None, format!("cannot be read: {e}"), None)));
                continue;
            }
        };
        let rel = rel_string(root, entry.path());
        let ft = entry.file_type();
        if ft.is_symlink() {
            problems.push((rel, symlink_finding()));
        } else if ft.is_file() && rel.ends_with(".toml") {
            paths.push(rel);
        }
    }
    (paths, problems)
}

/// Reads and decodes many case files in parallel.
pub fn read_many(repo: &Repo, paths: &[String]) -> Vec<CaseFile> {
    use rayon::prelude::*;
    let max = repo.config.limits.max_case_bytes;
    paths.par_iter().map(|p| read_case(&repo.store, p, max)).collect()
}

fn symlink_finding() -> ReadProblem {
    ReadProblem::new(
        None,
        "a symbolic link under cases/ is not followed: case files must be real files in the repository",
        Some("replace the link with the file itself, or remove it"),
    )
}

fn rel_string(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_markers_are_found() {
        let t = "a = 1\n<<<<<<< HEAD\nb = 2\n=======\nb = 3\n>>>>>>> other\n";
        assert_eq!(conflict_marker(t), Some((6, 12)));
        assert_eq!(conflict_marker("note = \"\"\"\n======== heading\n\"\"\"\n"), None);
    }

    #[test]
    fn bad_bytes_empty_files_and_markers_are_one_problem_each() {
        let f = parse_case("cases/x.toml", b"id = \"\xff\"\n".to_vec());
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.problems[0].span, Some(6..6));
        let f = parse_case("cases/x.toml", b"  \n".to_vec());
        assert_eq!(f.problems[0].message, "the file is empty");
        let f = parse_case("cases/x.toml", b"a = 1\n>>>>>>> theirs\n".to_vec());
        assert!(f.problems[0].message.contains("merge conflict"));
    }
}
