//! The audit trail: the history of every case file, read from git in one walk of the
//! commit graph, with each commit's changes in the record's own terms.
//!
//! One walk, not one `git log` per file: every commit's `cases/` tree is compared with its
//! parent's (identical subtrees are skipped by id, so only changed directories are read; for
//! very large folders `git log --raw` does this part, see `gitlog`), and each changed file's
//! two versions are compared field by field. Renamed case files are
//! followed. A merge commit is listed for a file only when the file differs from every parent
//! (as `git log -- FILE` does), so changes are never listed twice. The result is cached
//! inside `.git/` keyed by the commit walked (the branch tip, and the last older commit asked
//! for by `--as-of` or a board's site), so a rebuild after one new commit walks one
//! commit; a rewritten history (force-push) is detected and walked afresh.

mod cache;
pub mod diff;
mod gitlog;
pub mod trail;
mod tree;

pub use diff::Change;

use crate::git::Git;
use diff::{Flat, flatten};
use git2::{Oid, Repository, Sort};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use tree::{FileChange, Trees};

/// A commit that changed at least one case file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub commit: String,
    pub author: String,
    pub email: String,
    /// RFC 3339, with the author's offset.
    pub date: String,
    pub message: String,
    /// The commit's own committer time, and the latest committer time of its parents (Unix
    /// seconds): a commit cannot have been made before its parents, whatever its dates say.
    #[serde(default)]
    pub committed: i64,
    #[serde(default)]
    pub parents_committed: i64,
}

impl Commit {
    /// The earliest moment the commit can have been made, by the commit graph's order: the
    /// latest of its author date, its committer date and its parents' committer dates. An
    /// author date set back (`GIT_AUTHOR_DATE`) does not move it.
    pub fn not_before(&self) -> Option<chrono::NaiveDate> {
        let author = chrono::DateTime::parse_from_rfc3339(&self.date).ok()?;
        let latest = author.timestamp().max(self.committed).max(self.parents_committed);
        chrono::DateTime::from_timestamp(latest, 0).map(|d| d.with_timezone(author.offset()).date_naive())
    }
}

/// What one commit did to one case file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Index into [`History::commits`].
    pub commit: u32,
    /// The file's path in that commit.
    pub path: String,
    pub changes: Vec<Change>,
}

/// Every case's trail, newest first, keyed by case id (the file stem).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct History {
    pub head: String,
    /// Each commit once, newest first; entries refer to them by index.
    pub commits: Vec<Commit>,
    pub cases: HashMap<String, Vec<Entry>>,
    /// What the history shows that a record's history should not (`cme check --audit`).
    #[serde(default)]
    pub tampering: Vec<Tamper>,
    /// Commits walked to produce this (for measuring the cache).
    #[serde(skip)]
    pub walked: usize,
}

/// A sign that a record's history was rewritten rather than appended to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tamper {
    pub case: String,
    /// `AUDIT-DELETED`, `AUDIT-CLOSED-EDIT` or `AUDIT-REWRITTEN` (backdated closures are
    /// worked out on the whole history: [`History::backdated_closures`]).
    pub rule: crate::model::id::RuleId,
    /// Index into [`History::commits`]: the commit that did it.
    pub commit: u32,
    /// The earlier commit involved, where there is one (the one that recorded the case).
    #[serde(default)]
    pub earlier: Option<u32>,
    pub path: String,
    pub message: String,
}

impl History {
    /// Closures dated before the commit that first recorded their case
    /// (`AUDIT-BACKDATED-CLOSURE`). Worked out on the whole history, not per walk: a walk of
    /// the commits since the cache knows only the newest part of each trail.
    pub fn backdated_closures(&self) -> Vec<Tamper> {
        let mut found = Vec::new();
        for (id, entries) in &self.cases {
            let Some(first) = entries.last() else { continue };
            let Some(recorded) = self.commits.get(first.commit as usize).and_then(Commit::not_before) else {
                continue;
            };
            for e in entries {
                let closed = e
                    .changes
                    .iter()
                    .find(|c| c.field == "closure.date")
                    .and_then(|c| c.new.as_deref())
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                if let Some(d) = closed
                    && d < recorded
                {
                    found.push(Tamper {
                        case: id.clone(),
                        rule: "AUDIT-BACKDATED-CLOSURE".into(),
                        commit: e.commit,
                        earlier: Some(first.commit),
                        path: e.path.clone(),
                        message: format!(
                            "the closure is dated {d}, before the case was first recorded in git ({recorded})"
                        ),
                    });
                }
            }
        }
        found
    }

    /// A case's trail, newest first, with each entry's commit.
    pub fn trail(&self, id: &str) -> Vec<(&Commit, &Entry)> {
        self.cases
            .get(id)
            .map(|es| {
                es.iter()
                    .filter_map(|e| Some((self.commits.get(e.commit as usize)?, e)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug)]
pub enum AuditError {
    NotGit(String),
    Git(git2::Error),
    /// An object the history needs is missing or corrupt: a set-up problem (exit 2), never a
    /// finding against a person.
    Damaged {
        object: String,
        path: String,
        commit: String,
        detail: String,
    },
}

impl std::fmt::Display for AuditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditError::NotGit(m) => write!(f, "{m}"),
            AuditError::Git(e) => write!(
                f,
                "cannot read the git history: {} (the repository may be damaged: run git fsck)",
                e.message()
            ),
            AuditError::Damaged {
                object,
                path,
                commit,
                detail,
            } => write!(
                f,
                "the git repository is damaged: object {object} ({path} as of commit {commit}) cannot be read ({detail}). Nothing was audited. Run git fsck to see what is missing, and restore the repository from a good clone or backup"
            ),
        }
    }
}

impl From<git2::Error> for AuditError {
    fn from(e: git2::Error) -> Self {
        AuditError::Git(e)
    }
}

fn stem(path: &str) -> String {
    crate::model::id::stem(path).to_string()
}

/// The history of every case up to `head`, from the cache where it can be.
pub fn history(repo: &Git, head: Oid) -> Result<History, AuditError> {
    let prefix = repo.cases_prefix();
    // The walk runs beside the reading of the records, which may read git too: it takes a
    // handle of its own on the repository already found (as each of its threads does), not
    // the shared one, which it would hold for the whole walk.
    let git = Repository::open(&repo.git_dir)?;
    let cache_file = repo
        .git_dir
        .join("cme")
        .join(format!("history-{}.bin", cache::key(&prefix)));
    if let Some(cached) = cache::load(&cache_file) {
        let cached_head = Oid::from_str(&cached.head).ok();
        match cached_head {
            Some(c) if c == head => return Ok(cached),
            // The cached head is an ancestor: walk only the new commits.
            Some(c) if git.graph_descendant_of(head, c).unwrap_or(false) => {
                let newer = walk(&git, &prefix, head, Some(c))?;
                let merged = merge(newer, cached);
                cache::store(&cache_file, &merged);
                return Ok(merged);
            }
            // `head` is older (an as-of build, a board's site for a past period): the trails
            // up to it are the cached trails' older part.
            Some(c) if git.graph_descendant_of(c, head).unwrap_or(false) => {
                if let Some(h) = at_ancestor(&cached, &git, head) {
                    return Ok(h);
                }
            }
            // History rewritten: walk afresh.
            _ => {}
        }
    }
    // An older commit (`--as-of`, a board's site for a past period) has a cache of its own,
    // for the last such commit asked for: the board's site for one period is built again
    // without walking the history again, and the branch tip's cache is left as it is.
    let tip = git.head().ok().and_then(|r| r.target());
    let as_of_file = cache_file.with_extension("as-of.bin");
    if tip != Some(head)
        && let Some(cached) = cache::load(&as_of_file)
        && Oid::from_str(&cached.head).ok() == Some(head)
    {
        return Ok(cached);
    }
    let h = walk(&git, &prefix, head, None)?;
    let t = std::time::Instant::now();
    cache::store(if tip == Some(head) { &cache_file } else { &as_of_file }, &h);
    if std::env::var_os("CME_TIMING").is_some() {
        eprintln!("history: cache stored in {:?}", t.elapsed());
    }
    Ok(h)
}

/// The history up to `head`, an ancestor of the history's own head: its commits reachable from
/// `head`, each case's trail keyed by the case's id as it was then (a later rename undone).
fn at_ancestor(h: &History, git: &Repository, head: Oid) -> Option<History> {
    let mut walk = git.revwalk().ok()?;
    walk.push(head).ok()?;
    let reachable: std::collections::HashSet<Oid> = walk.filter_map(Result::ok).collect();
    let mut index: Vec<Option<u32>> = vec![None; h.commits.len()];
    let mut commits = Vec::new();
    for (i, c) in h.commits.iter().enumerate() {
        if reachable.contains(&Oid::from_str(&c.commit).ok()?) {
            index[i] = Some(commits.len() as u32);
            commits.push(c.clone());
        }
    }
    let at = |i: u32| index.get(i as usize).copied().flatten();
    let mut cases: HashMap<String, Vec<Entry>> = HashMap::new();
    for (id, entries) in &h.cases {
        let mut key = id.clone();
        for e in entries {
            match at(e.commit) {
                Some(commit) => cases
                    .entry(key.clone())
                    .or_default()
                    .push(Entry { commit, ..e.clone() }),
                // A later commit renamed the file: before it, the case had the old name.
                None => {
                    if let Some(old) = e
                        .changes
                        .iter()
                        .find(|c| c.field == "(renamed from)")
                        .and_then(|c| c.old.as_deref())
                    {
                        key = stem(old);
                    }
                }
            }
        }
    }
    let tampering = h
        .tampering
        .iter()
        .filter_map(|t| {
            Some(Tamper {
                commit: at(t.commit)?,
                earlier: t.earlier.and_then(at),
                ..t.clone()
            })
        })
        .collect();
    Some(History {
        head: head.to_string(),
        commits,
        cases,
        tampering,
        walked: 0,
    })
}

/// Puts newer entries (walked from the new head down to the cached one) on top of the cache,
/// following renames the newer commits made.
fn merge(mut newer: History, older: History) -> History {
    let offset = newer.commits.len() as u32;
    let renames: HashMap<String, String> = newer
        .cases
        .iter()
        .flat_map(|(id, es)| {
            es.iter()
                .flat_map(|e| &e.changes)
                .filter(|c| c.field == "(renamed from)")
                .filter_map(move |c| {
                    let old = stem(c.old.as_deref()?);
                    (old != *id).then(|| (old, id.clone()))
                })
        })
        .collect();
    newer.tampering.extend(older.tampering.into_iter().map(|t| Tamper {
        commit: t.commit + offset,
        earlier: t.earlier.map(|e| e + offset),
        ..t
    }));
    newer.commits.extend(older.commits);
    newer.cases.reserve(older.cases.len());
    for (id, entries) in older.cases {
        let target = resolve_id(&renames, id);
        newer
            .cases
            .entry(target)
            .or_default()
            .extend(entries.into_iter().map(|e| Entry {
                commit: e.commit + offset,
                ..e
            }));
    }
    newer
}

fn resolve_id(alias: &HashMap<String, String>, mut id: String) -> String {
    for _ in 0..64 {
        match alias.get(&id) {
            Some(next) => id = next.clone(),
            None => break,
        }
    }
    id
}

/// Parses each version of a file once: walking a file's versions newest first, the version
/// a commit started from is the one the next (older) commit made.
struct Versions {
    seen: HashMap<String, (Oid, Flat)>,
}

impl Versions {
    fn flat(&mut self, git: &Repository, path: &str, oid: Oid) -> Result<Flat, Unreadable> {
        if oid.is_zero() {
            return Ok(Flat::default());
        }
        if self.seen.get(path).is_some_and(|(o, _)| *o == oid) {
            return Ok(self.seen.remove(path).map(|(_, f)| f).unwrap_or_default());
        }
        match git.find_blob(oid) {
            Ok(b) if b.size() <= 16 * 1024 * 1024 => Ok(flatten(b.content())),
            Ok(_) => Ok(Flat {
                values: vec![("(file)".into(), "over the size limit".into())],
            }),
            // A version the repository should hold and cannot give: damage, not a change
            // anyone made. Never turned into findings against whoever made the commit.
            Err(e) => Err(Unreadable {
                object: oid.to_string(),
                path: format!("cases/{path}"),
                detail: e.message().to_string(),
            }),
        }
    }
}

/// An object of the repository that cannot be read.
#[derive(Debug)]
struct Unreadable {
    object: String,
    path: String,
    detail: String,
}

/// Follows renames: old case id -> new case id.
fn resolve(alias: &HashMap<String, String>, path: &str) -> String {
    resolve_id(alias, stem(path))
}

fn rfc3339(t: git2::Time) -> String {
    let offset = chrono::FixedOffset::east_opt(t.offset_minutes() * 60)
        .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset"));
    chrono::DateTime::from_timestamp(t.seconds(), 0)
        .map(|d| d.with_timezone(&offset).to_rfc3339())
        .unwrap_or_default()
}

/// What a commit did to one file.
enum Kind {
    Added,
    Deleted,
    Modified,
    Renamed(String),
}

/// Whether two versions of a file are mostly the same lines (a rename with edits, such as a
/// renumbered case).
fn similar(git: &Repository, a: Oid, b: Oid) -> bool {
    let (Ok(x), Ok(y)) = (git.find_blob(a), git.find_blob(b)) else {
        return false;
    };
    let lines = |b: &git2::Blob<'_>| -> std::collections::HashSet<Vec<u8>> {
        b.content().split(|&c| c == b'\n').map(<[u8]>::to_vec).collect()
    };
    let (lx, ly) = (lines(&x), lines(&y));
    let common = lx.intersection(&ly).count();
    common * 2 >= lx.len().max(ly.len())
}

/// Pairs deletions with additions: the same content, or the same case id (a file moved to
/// another year's folder, perhaps edited too), or mostly the same lines, is a rename.
fn classify(git: &Repository, changes: Vec<FileChange>) -> Vec<(Kind, FileChange)> {
    let (mut adds, mut rest): (Vec<FileChange>, Vec<FileChange>) = changes.into_iter().partition(|c| c.old.is_zero());
    let mut out = Vec::new();
    let mut dels = Vec::new();
    for c in rest.drain(..) {
        if c.new.is_zero() {
            dels.push(c)
        } else {
            out.push((Kind::Modified, c))
        }
    }
    for d in dels {
        let pos = adds
            .iter()
            .position(|a| a.new == d.old)
            .or_else(|| adds.iter().position(|a| stem(&a.path) == stem(&d.path)))
            .or_else(|| adds.iter().position(|a| similar(git, d.old, a.new)));
        match pos {
            Some(p) => {
                let a = adds.remove(p);
                out.push((
                    Kind::Renamed(d.path.clone()),
                    FileChange {
                        old: d.old,
                        old_mode: d.old_mode,
                        ..a
                    },
                ));
            }
            None => out.push((Kind::Deleted, d)),
        }
    }
    out.extend(adds.into_iter().map(|a| (Kind::Added, a)));
    out
}

/// One commit's change to one file, found by the tree walk.
struct Version {
    commit: usize,
    kind: Kind,
    change: FileChange,
}

/// Walks from `head` (newest first), skipping commits reachable from `hide`.
///
/// Two passes. The first compares trees only (as `git log --name-only` does) and lists the
/// case files each commit changed, which are then grouped by case. The second reads and compares those versions, one
/// case at a time and in parallel: reading a file's versions one after another keeps git's
/// delta chains in cache, where reading them in commit order would unpack each chain again.
fn walk(git: &Repository, prefix: &str, head: Oid, hide: Option<Oid>) -> Result<History, AuditError> {
    let started = std::time::Instant::now();
    // First pass: which case files each commit changed, by comparing trees only (as
    // `git log --name-only` does). For large folders git itself does it faster.
    let from_git = gitlog::wanted(git, prefix, head)
        .then(|| gitlog::changes(git, prefix, head, hide))
        .flatten();
    let by_git = from_git.is_some();
    let (walked, listed) = match from_git {
        Some(listed) => listed,
        None => tree_pass(git, prefix, head, hide)?,
    };
    let mut metas: Vec<Commit> = Vec::with_capacity(listed.len());
    let mut by_case: HashMap<String, Vec<Version>> = HashMap::new();
    let mut alias: HashMap<String, String> = HashMap::new();
    let mut clock = Vec::new();
    for (oid, changed) in listed {
        let commit = git.find_commit(oid)?;
        metas.push(commit_meta(&commit));
        let index = metas.len() - 1;
        let author_time = commit.author().when().seconds();
        if let Some(first) = changed.first()
            && author_time < metas[index].parents_committed
        {
            let parent_day = chrono::DateTime::from_timestamp(metas[index].parents_committed, 0)
                .map(|d| d.date_naive().to_string())
                .unwrap_or_default();
            clock.push(Tamper {
                case: resolve(&alias, &first.path),
                rule: "AUDIT-CLOCK".into(),
                commit: index as u32,
                earlier: None,
                path: format!("cases/{}", first.path),
                message: format!(
                    "the commit's author date ({}) is earlier than its parent commit ({parent_day}): its date was set back, or it was rebased or cherry-picked (then this is expected); {} changed",
                    metas[index].date.get(..10).unwrap_or(&metas[index].date),
                    crate::model::count(changed.len(), "case file")
                ),
            });
        }
        for (kind, c) in classify(git, changed) {
            let id = resolve(&alias, &c.path);
            if let Kind::Renamed(from) = &kind {
                let old_id = stem(from);
                if old_id != id {
                    alias.insert(old_id, id.clone());
                }
            }
            by_case.entry(id).or_default().push(Version {
                commit: index,
                kind,
                change: c,
            });
        }
    }
    let timing = std::env::var_os("CME_TIMING").is_some();
    if timing {
        eprintln!(
            "history: tree pass ({}) over {walked} commits done at {:?}",
            if by_git { "git log" } else { "libgit2" },
            started.elapsed()
        );
    }
    // Second pass: each case's versions, in parallel, each thread with its own handle.
    use rayon::prelude::*;
    let mut tampering = clock;
    let git_dir = git.path().to_path_buf();
    let cases: HashMap<String, Vec<Entry>> = by_case
        .into_par_iter()
        .map_init(
            || Repository::open(&git_dir).ok(),
            |repo, (id, versions)| {
                let Some(repo) = repo.as_ref() else {
                    return Err((
                        Unreadable {
                            object: String::new(),
                            path: String::new(),
                            detail: format!("{} cannot be opened", git_dir.display()),
                        },
                        0,
                    ));
                };
                let mut vs = Versions { seen: HashMap::new() };
                let mut audit = Audit::default();
                let mut entries = Vec::with_capacity(versions.len());
                for v in versions {
                    let at = v.commit;
                    entries.push(entry(repo, &mut vs, &mut audit, &id, v).map_err(|u| (u, at))?);
                }
                Ok((id, (entries, audit.found)))
            },
        )
        .collect::<Result<HashMap<String, (Vec<Entry>, Vec<Tamper>)>, (Unreadable, usize)>>()
        .map_err(|(u, at)| AuditError::Damaged {
            object: u.object,
            path: u.path,
            commit: metas.get(at).map(|c| c.commit.clone()).unwrap_or_default(),
            detail: u.detail,
        })?
        .into_iter()
        .map(|(id, (entries, found))| {
            tampering.extend(found);
            (id, entries)
        })
        .collect();
    if timing {
        eprintln!("history: version pass done at {:?}", started.elapsed());
    }
    Ok(History {
        head: head.to_string(),
        commits: metas,
        cases,
        tampering,
        walked,
    })
}

/// What the first pass finds: how many commits it walked, and each commit that changed a
/// case file (newest first) with those changes.
type Listed = (usize, Vec<(Oid, Vec<FileChange>)>);

/// The first pass with libgit2: every commit from `head` (topological order, newest first)
/// and the case files it changed, in commit order, so each commit's parent tree is the tree
/// the previous step read. (libgit2 shares one cache of delta bases between threads, so more
/// threads do not help here.) Returns how many commits were walked.
fn tree_pass(git: &Repository, prefix: &str, head: Oid, hide: Option<Oid>) -> Result<Listed, AuditError> {
    let mut revwalk = git.revwalk()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    revwalk.push(head)?;
    if let Some(h) = hide {
        revwalk.hide(h)?;
    }
    let oids: Vec<Oid> = revwalk.collect::<Result<_, _>>()?;
    let mut trees = Trees::new(git.odb()?);
    let mut listed = Vec::new();
    for oid in &oids {
        let changed = commit_changes(git, &mut trees, prefix, *oid).map_err(|e| AuditError::Damaged {
            object: "(a tree or commit)".into(),
            path: format!("{prefix}/"),
            commit: oid.to_string(),
            detail: e.message().to_string(),
        })?;
        if let Some(changed) = changed {
            listed.push((*oid, changed));
        }
    }
    Ok((oids.len(), listed))
}

/// The lines of a commit message after its subject that say why (`Reason: ...`, as
/// `cme set` writes them), at most a few: what a history shows under the subject.
pub fn reasons(message: &str) -> Vec<&str> {
    message
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| l.starts_with("Reason:"))
        .take(3)
        .collect()
}

/// A commit's author, date and message.
fn commit_meta(commit: &git2::Commit<'_>) -> Commit {
    let author = commit.author();
    Commit {
        commit: commit.id().to_string(),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        date: rfc3339(author.when()),
        message: message_text(commit).trim().to_string(),
        committed: commit.time().seconds(),
        parents_committed: commit.parents().map(|p| p.time().seconds()).max().unwrap_or(0),
    }
}

/// The case files one commit changed; `None` when it changed no case.
///
/// A merge is judged file by file against its parents and their merge base: where every
/// parent holds either the base's version or the merge's, the merge only brought the sides
/// together (what each side did is listed at that side's own commits, as in `git log`).
/// Anything else is the merge's own change, listed at the merge and audited like any other
/// commit: an "evil merge" that takes an old version back (dropping an enquiry a side added),
/// deletes a file a side added, or writes what neither side had. It is compared with the first
/// parent that departs from both, and audited against every such parent (`also`).
fn commit_changes(
    git: &Repository,
    trees: &mut Trees<'_>,
    prefix: &str,
    oid: Oid,
) -> Result<Option<Vec<FileChange>>, git2::Error> {
    let commit = git.find_commit(oid)?;
    let new_cases = trees.subtree(commit.tree_id(), prefix)?;
    let mut parent_cases = Vec::with_capacity(commit.parent_count());
    for p in commit.parent_ids() {
        let tree = git.find_commit(p)?.tree_id();
        parent_cases.push(trees.subtree(tree, prefix)?);
    }
    let mut changed = Vec::new();
    if parent_cases.len() <= 1 {
        if parent_cases.contains(&new_cases) || (parent_cases.is_empty() && new_cases.is_none()) {
            return Ok(None);
        }
        trees.diff(parent_cases.first().copied().flatten(), new_cases, &mut changed)?;
    } else {
        changed = merge_changes(git, trees, prefix, &commit, new_cases, &parent_cases)?;
    }
    changed.retain(|c| c.path.ends_with(".toml"));
    Ok((!changed.is_empty()).then_some(changed))
}

/// A merge's own changes to case files (see [`commit_changes`]).
fn merge_changes(
    git: &Repository,
    trees: &mut Trees<'_>,
    prefix: &str,
    commit: &git2::Commit<'_>,
    new_cases: Option<Oid>,
    parent_cases: &[Option<Oid>],
) -> Result<Vec<FileChange>, git2::Error> {
    // Every parent's cases/ the same as the result: nothing to see.
    if parent_cases.iter().all(|p| *p == new_cases) {
        return Ok(Vec::new());
    }
    let parents: Vec<Oid> = commit.parent_ids().collect();
    let base_cases = match git.merge_base_many(&parents) {
        Ok(b) => trees.subtree(git.find_commit(b)?.tree_id(), prefix)?,
        // Unrelated histories: nothing in common.
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(e),
    };
    // The files that differ from some parent.
    let mut paths: std::collections::BTreeMap<String, (u32, u32)> = std::collections::BTreeMap::new();
    for p in parent_cases {
        let mut d = Vec::new();
        trees.diff(*p, new_cases, &mut d)?;
        for c in d {
            paths.entry(c.path).or_insert((c.old_mode, c.new_mode));
        }
    }
    let zero = Oid::ZERO_SHA1;
    let at = |trees: &mut Trees<'_>, tree: Option<Oid>, path: &str| -> Result<Oid, git2::Error> {
        Ok(match tree {
            Some(t) => trees.entry(t, path)?.unwrap_or(zero),
            None => zero,
        })
    };
    let mut out = Vec::new();
    for (path, (old_mode, new_mode)) in paths {
        let result = at(trees, new_cases, &path)?;
        let base = at(trees, base_cases, &path)?;
        let mut versions = Vec::with_capacity(parent_cases.len());
        for p in parent_cases {
            versions.push(at(trees, *p, &path)?);
        }
        // Clean: the result is some parent's version, and every parent holds the base's
        // version or the result. Otherwise the merge wrote something of its own: what no
        // parent had (a file neither side touched, deleted or edited at the merge), or a
        // version that drops what a side changed.
        let mut departed: Vec<Oid> = if versions.contains(&result) {
            versions
                .iter()
                .copied()
                .filter(|v| *v != base && *v != result)
                .collect()
        } else {
            versions.iter().copied().filter(|v| *v != result).collect()
        };
        departed.dedup();
        if departed.is_empty() {
            continue;
        }
        let old = departed.remove(0);
        out.push(FileChange {
            path,
            old,
            new: result,
            old_mode: if old.is_zero() { 0 } else { old_mode.max(0o100644) },
            new_mode: if result.is_zero() { 0 } else { new_mode.max(0o100644) },
            also: departed,
        });
    }
    Ok(out)
}

/// The audit checks of one case's versions (newest first).
#[derive(Default)]
struct Audit {
    found: Vec<Tamper>,
}

/// One entry of an array of tables (`action[3]`) as its whole content: (field, value), sorted.
type EntryContent = Vec<(String, String)>;

/// Each entry of an array of tables, for comparing.
fn entries_of(f: &Flat, table: &str) -> Vec<EntryContent> {
    let mut by: std::collections::BTreeMap<usize, EntryContent> = std::collections::BTreeMap::new();
    let prefix = format!("{table}[");
    for (k, v) in &f.values {
        if let Some(rest) = k.strip_prefix(&prefix)
            && let Some((n, field)) = rest.split_once("].")
            && let Ok(n) = n.parse::<usize>()
        {
            by.entry(n).or_default().push((field.to_string(), v.clone()));
        }
    }
    by.into_values()
        .map(|mut v| {
            v.sort();
            v
        })
        .collect()
}

fn get<'a>(f: &'a Flat, key: &str) -> Option<&'a str> {
    f.values.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

impl Audit {
    fn check(&mut self, id: &str, commit: u32, path: &str, kind: &Kind, old: &Flat, new: &Flat) {
        let mut flag = |rule: &str, message: String| {
            self.found.push(Tamper {
                case: id.to_string(),
                rule: rule.into(),
                commit,
                earlier: None,
                path: path.to_string(),
                message,
            });
        };
        if matches!(kind, Kind::Deleted) {
            flag(
                "AUDIT-DELETED",
                format!("the case file {path} was deleted: a record is closed, never removed"),
            );
            return;
        }
        if matches!(kind, Kind::Added) {
            return;
        }
        fn content(f: &Flat) -> Vec<&(String, String)> {
            let mut v: Vec<&(String, String)> = f.values.iter().collect();
            v.sort();
            v
        }
        if get(old, "status") == Some("closed") && content(old) != content(new) {
            let reopenings = |f: &Flat| {
                f.values
                    .iter()
                    .filter(|(k, _)| k.starts_with("reopened[") && !k.contains("]."))
                    .count()
            };
            if reopenings(new) <= reopenings(old) {
                flag(
                    "AUDIT-CLOSED-EDIT",
                    "a closed case was edited without a [[reopened]] entry".into(),
                );
            }
        }
        for table in ["action", "review", "reopened"] {
            let mut after = entries_of(new, table);
            for e in entries_of(old, table) {
                match after.iter().position(|x| *x == e) {
                    Some(i) => {
                        after.swap_remove(i);
                    }
                    None => {
                        let what = e
                            .iter()
                            .filter(|(field, _)| ["date", "kind", "by"].contains(&field.as_str()))
                            .map(|(field, value)| format!("{field}={value}"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let entry = match table {
                            "action" => "an enquiry ([[action]])",
                            "review" => "a review ([[review]])",
                            _ => "a reopening ([[reopened]])",
                        };
                        flag(
                            "AUDIT-REWRITTEN",
                            format!(
                                "{entry} recorded earlier was changed or removed ({what}): the record is appended to, not rewritten"
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn entry(git: &Repository, vs: &mut Versions, audit: &mut Audit, id: &str, v: Version) -> Result<Entry, Unreadable> {
    let c = v.change;
    let old_path = match &v.kind {
        Kind::Renamed(p) => p.clone(),
        _ => c.path.clone(),
    };
    let old_flat = vs.flat(git, &old_path, c.old)?;
    let new_flat = vs.flat(git, &c.path, c.new)?;
    let mut changes = match v.kind {
        Kind::Added => diff::diff(None, Some(&new_flat)),
        Kind::Deleted => diff::diff(Some(&old_flat), None),
        Kind::Modified | Kind::Renamed(_) => diff::diff(Some(&old_flat), Some(&new_flat)),
    };
    let file = |p: &str| Some(format!("cases/{p}"));
    match &v.kind {
        Kind::Deleted => changes.insert(
            0,
            Change {
                field: "(file)".into(),
                old: file(&c.path),
                new: None,
            },
        ),
        Kind::Added => changes.insert(
            0,
            Change {
                field: "(file)".into(),
                old: None,
                new: file(&c.path),
            },
        ),
        Kind::Renamed(from) => changes.insert(
            0,
            Change {
                field: "(renamed from)".into(),
                old: file(from),
                new: file(&c.path),
            },
        ),
        Kind::Modified => {}
    }
    audit.check(
        id,
        v.commit as u32,
        &format!("cases/{}", c.path),
        &v.kind,
        &old_flat,
        &new_flat,
    );
    // A merge's own change is audited against every parent it departs from.
    if !c.new.is_zero() {
        for other in c.also.iter().filter(|o| !o.is_zero()) {
            let other_flat = Versions { seen: HashMap::new() }.flat(git, &old_path, *other)?;
            audit.check(
                id,
                v.commit as u32,
                &format!("cases/{}", c.path),
                &Kind::Modified,
                &other_flat,
                &new_flat,
            );
        }
    }
    vs.seen.insert(old_path, (c.old, old_flat));
    Ok(Entry {
        commit: v.commit as u32,
        path: format!("cases/{}", c.path),
        changes,
    })
}

/// A commit's message as text: UTF-8 as git writes it; Latin-1 where the commit says so (an
/// old client's `i18n.commitEncoding`); otherwise with the bytes it cannot read replaced,
/// rather than dropped.
fn message_text(commit: &git2::Commit<'_>) -> String {
    let bytes = commit.message_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let latin1 =
        commit.message_encoding().ok().flatten().is_some_and(|e| {
            ["iso-8859-1", "iso8859-1", "latin1", "latin-1"].contains(&e.to_ascii_lowercase().as_str())
        });
    if latin1 {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Case files under `cases/` with changes not yet committed (modified, new or deleted).
pub fn uncommitted(git: &Git) -> Vec<String> {
    changes_under(git, &["cases"])
}

/// Whether the working tree holds exactly what HEAD holds for everything a build reads
/// (`cme.toml`, `policy/`, `cases/`), so the files can be read from disk instead.
pub fn matches_head(git: &Git) -> bool {
    changes_under(git, &["cases", "policy", "cme.toml"]).is_empty()
}

fn changes_under(repo: &Git, parts: &[&str]) -> Vec<String> {
    let git = repo.lock();
    let prefix = repo.cases_prefix();
    let base = prefix.strip_suffix("cases").unwrap_or("").to_string();
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    for p in parts {
        opts.pathspec(format!("{base}{p}"));
    }
    let Ok(statuses) = git.statuses(Some(&mut opts)) else {
        return vec!["(git status could not be read)".into()];
    };
    statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT && !s.status().contains(git2::Status::IGNORED))
        .filter_map(|s| {
            s.path()
                .ok()
                .map(|p| p.strip_prefix(base.as_str()).unwrap_or(p).to_string())
        })
        .collect()
}

/// Resolves `--as-of`: a date (the last commit on the first-parent line from HEAD made on or
/// before the end of that day) or any revision git understands. Returns the commit and the
/// day to compute deadlines for.
pub fn resolve_as_of(repo: &Git, spec: &str) -> Result<(Oid, chrono::NaiveDate), String> {
    let git = repo.lock();
    let looks_like_date = spec.len() == 10 && spec.as_bytes().get(4) == Some(&b'-');
    if looks_like_date {
        let day = crate::calendar::parse_input_date(spec).map_err(|e| format!("--as-of: {e}"))?;
        let end = day.and_hms_opt(23, 59, 59).expect("a valid time").and_utc().timestamp();
        let mut c = git
            .head()
            .and_then(|h| h.peel_to_commit())
            .map_err(|e| format!("cannot read HEAD: {}", e.message()))?;
        loop {
            if c.time().seconds() <= end {
                return Ok((c.id(), day));
            }
            match c.parent(0) {
                Ok(p) => c = p,
                Err(_) => return Err(format!("the repository has no commit on or before {day}")),
            }
        }
    }
    let obj = git
        .revparse_single(spec)
        .map_err(|_| format!("\"{spec}\" is neither a date (YYYY-MM-DD) nor a commit of this repository"))?;
    let c = obj
        .peel_to_commit()
        .map_err(|_| format!("\"{spec}\" does not name a commit"))?;
    let day = chrono::DateTime::from_timestamp(c.time().seconds(), 0)
        .map(|d| {
            d.with_timezone(
                &chrono::FixedOffset::east_opt(c.time().offset_minutes() * 60)
                    .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero")),
            )
            .date_naive()
        })
        .ok_or("the commit's date cannot be read")?;
    Ok((c.id(), day))
}

/// `cme check --audit`: what the git history shows that a record's history should not.
pub fn findings(
    root: &Path,
    git: Option<&Git>,
    settings: &crate::config::AuditSettings,
) -> Result<Vec<crate::diagnostic::Diagnostic>, String> {
    let not_git = || {
        format!(
            "--audit reads the git history, and {} is not a git repository with commits",
            root.display()
        )
    };
    let git = git.ok_or_else(not_git)?;
    let head = git.head().ok_or_else(not_git)?;
    let h = history(git, head).map_err(|e| e.to_string())?;
    let mut found = h.tampering.clone();
    // The history is read without re-hashing every object (most of a walk's cost): before a
    // finding is laid against a person, the versions it rests on are checked to be what
    // their ids say. A corrupt object is damage, not tampering.
    verify(git, &h, &found).map_err(|e| e.to_string())?;
    if settings.require_signed {
        found.extend(unsigned(root, &h, settings)?);
    }
    // In a shallow clone the first commit seen is not the one that recorded a case.
    if git.is_shallow() {
        eprintln!(
            "note: this is a shallow clone: closures cannot be compared with when each case was first recorded; audit a full clone"
        );
    } else {
        // Records brought in by a migration are as old as they say.
        let imported = match &settings.imported_in {
            Some(spec) => {
                let repo = git.lock();
                let c = repo
                    .revparse_single(spec)
                    .and_then(|o| o.peel_to_commit())
                    .map_err(|_| {
                        format!("cme.toml [audit] imported_in = \"{spec}\" is not a commit of this repository")
                    })?;
                Some(c.id().to_string())
            }
            None => None,
        };
        // Only closures the import itself recorded: a case imported open and closed later is
        // compared as usual.
        found.extend(h.backdated_closures().into_iter().filter(|t| {
            let closed_in = h.commits.get(t.commit as usize).map(|c| c.commit.as_str());
            imported.is_none() || closed_in != imported.as_deref()
        }));
    }
    found.sort_by(|a, b| b.commit.cmp(&a.commit).then_with(|| a.case.cmp(&b.case)));
    Ok(found
        .iter()
        .map(|t| {
            let who = |i: u32| {
                h.commits
                    .get(i as usize)
                    .map(|c| format!("commit {} by {} on {}", &c.commit[..c.commit.len().min(10)], c.author, c.date.get(..10).unwrap_or(&c.date)))
                    .unwrap_or_default()
            };
            let earlier = t.earlier.map(|e| format!("; first recorded in {}", who(e))).unwrap_or_default();
            // An entry corrected in the open, with the reason in the commit message (what
            // cme set writes): accountable, so said as a warning to look at, not a rewrite.
            let reason = (t.rule == "AUDIT-REWRITTEN")
                .then(|| h.commits.get(t.commit as usize))
                .flatten()
                .and_then(|c| reasons(&c.message).first().map(|r| r.to_string()));
            let corrected = reason
                .as_deref()
                .map(|r| format!("; corrected with the reason given, {r}"))
                .unwrap_or_default();
            crate::diagnostic::Diagnostic {
                file: t.path.clone(),
                line: 1,
                column: 1,
                case: Some(t.case.clone()),
                severity: if t.rule == "AUDIT-CLOCK" || reason.is_some() {
                    crate::pack::Severity::Warning
                } else {
                    crate::pack::Severity::Error
                },
                rule: t.rule.clone(),
                message: format!("{} ({}{earlier}{corrected})", t.message, who(t.commit)),
                policy_ref: None,
                brief: false,
                hint: Some(match t.rule.as_str() {
                    "AUDIT-CLOCK" => "ask who made the commit why its date is earlier than the commit before it; keep the branch protected so that every push is audited".into(),
                    "AUDIT-UNSIGNED" => "commits to cases/ must be signed (git commit -S) with a key in the allowed signers file; have the change signed by a current officer".into(),
                    _ if reason.is_some() => "a correction made with cme set --reason: check that the reason holds; nothing else to do".into(),
                    _ => "history is appended to, never rewritten: restore what the commit changed, and make a correction with cme set CASE FIELD VALUE --reason \"why\" (the reason goes in the commit message), or record new information as a new entry (or a reopening)".into(),
                }),
                span: None,
            }
        })
        .collect())
}

/// `AUDIT-UNSIGNED`: each commit that changed a case file and does not carry a good signature
/// (`git log %G?` is `G`), checked against the allowed-signers file `cme.toml` names.
fn unsigned(root: &Path, h: &History, settings: &crate::config::AuditSettings) -> Result<Vec<Tamper>, String> {
    use std::io::Write;
    let mut cmd = std::process::Command::new("git");
    cmd.arg("-C").arg(root).args(["-c", "log.showSignature=false"]);
    if let Some(file) = &settings.allowed_signers {
        let path = root.join(file);
        if !path.is_file() {
            return Err(format!(
                "cme.toml names the allowed signers file {file}, and there is no such file: signatures cannot be checked"
            ));
        }
        cmd.arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", path.display()));
    }
    cmd.args(["log", "--no-walk=unsorted", "--stdin", "--format=%H %G?"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("[audit] require_signed needs git to check signatures, and git cannot be run: {e}"))?;
    {
        let mut stdin = child.stdin.take().ok_or("git's input could not be opened")?;
        let ids: String = h.commits.iter().map(|c| format!("{}\n", c.commit)).collect();
        // git reads everything before it writes much; a large list is written from a thread.
        let writer = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        let _ = writer.join();
        if !out.status.success() {
            return Err("git could not check the commits' signatures".into());
        }
        let status: HashMap<&str, &str> = std::str::from_utf8(&out.stdout)
            .unwrap_or("")
            .lines()
            .filter_map(|l| l.split_once(' '))
            .collect();
        let mut found = Vec::new();
        let first_case: HashMap<u32, (&String, &Entry)> = h
            .cases
            .iter()
            .flat_map(|(id, es)| es.iter().map(move |e| (e.commit, (id, e))))
            .collect();
        for (i, c) in h.commits.iter().enumerate() {
            let s = status.get(c.commit.as_str()).copied().unwrap_or("N");
            if s == "G" {
                continue;
            }
            let Some((id, e)) = first_case.get(&(i as u32)) else {
                continue;
            };
            let what = match s {
                "N" => "carries no signature",
                "B" => "carries a bad signature",
                "U" => "is signed by a key not in the allowed signers file",
                "X" | "Y" => "is signed with an expired signature or key",
                "R" => "is signed with a revoked key",
                _ => "carries a signature that cannot be checked",
            };
            found.push(Tamper {
                case: (*id).clone(),
                rule: "AUDIT-UNSIGNED".into(),
                commit: i as u32,
                earlier: None,
                path: e.path.clone(),
                message: format!("the commit that changed this case {what}"),
            });
        }
        Ok(found)
    }
}

/// Re-reads, with their hashes checked, the versions of each file a finding rests on (at the
/// commit and at each of its parents), and the trees that lead to them.
fn verify(repo: &Git, h: &History, found: &[Tamper]) -> Result<(), AuditError> {
    if found.is_empty() {
        return Ok(());
    }
    let git = repo.lock();
    let prefix = repo.cases_prefix();
    let base = prefix.strip_suffix("cases").unwrap_or("").to_string();
    let odb = git.odb()?;
    let hashed = |oid: Oid, kind: git2::ObjectType| -> Result<(), String> {
        let object = odb.read(oid).map_err(|e| e.message().to_string())?;
        let actual = Oid::hash_object(kind, object.data()).map_err(|e| e.message().to_string())?;
        if actual == oid {
            Ok(())
        } else {
            Err(format!("its content hashes to {actual}"))
        }
    };
    for t in found {
        let Some(meta) = h.commits.get(t.commit as usize) else {
            continue;
        };
        let Ok(oid) = Oid::from_str(&meta.commit) else { continue };
        let commit = git.find_commit(oid)?;
        let path = format!("{base}{}", t.path);
        let parts: Vec<&str> = path.split('/').collect();
        let mut commits = vec![commit.clone()];
        commits.extend(commit.parents());
        for c in commits {
            let damaged = |object: Oid, detail: String| AuditError::Damaged {
                object: object.to_string(),
                path: t.path.clone(),
                commit: c.id().to_string(),
                detail,
            };
            let mut tree_id = c.tree_id();
            hashed(tree_id, git2::ObjectType::Tree).map_err(|d| damaged(tree_id, d))?;
            for (i, part) in parts.iter().enumerate() {
                let tree = git
                    .find_tree(tree_id)
                    .map_err(|e| damaged(tree_id, e.message().to_string()))?;
                let Some(entry) = tree.get_name(part) else { break };
                let (id, kind) = (entry.id(), entry.kind());
                if i + 1 == parts.len() {
                    if kind == Some(git2::ObjectType::Blob) {
                        hashed(id, git2::ObjectType::Blob).map_err(|d| damaged(id, d))?;
                    }
                } else if kind == Some(git2::ObjectType::Tree) {
                    hashed(id, git2::ObjectType::Tree).map_err(|d| damaged(id, d))?;
                    tree_id = id;
                } else {
                    break;
                }
            }
        }
    }
    Ok(())
}
