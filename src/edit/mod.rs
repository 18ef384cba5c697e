//! Officer workflow: commands that write case files. Each one edits the file with
//! `toml_edit` (so the comments and layout an officer wrote stay as they were), checks the
//! result against the pack before writing, writes atomically (a temporary file renamed into
//! place: never half-written), and with `--commit` commits the change.

pub mod commands;
pub mod ctf;
pub mod given;
pub mod init;
pub mod letter;
pub mod lock;
pub mod merge;
pub mod set;
pub mod terms;

pub use given::Given;
pub use terms::Terms;

use crate::diagnostic::{CheckReport, Diagnostic};
use crate::load::{self, Repo};
use crate::pack::Severity;
use crate::source::SourceFile;
use chrono::{Datelike, NaiveDate};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a command did not write.
#[derive(Debug)]
pub enum EditError {
    /// A mistake in the command (exit 2): says what to do instead.
    Usage(String),
    /// The child already has an open case (exit 1): names it, and how to go on.
    Duplicate(String),
    /// The record would fail (or already fails) the check (exit 1).
    Refused {
        message: String,
        report: Box<CheckReport>,
    },
    Io(io::Error),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::Usage(m) | EditError::Duplicate(m) => f.write_str(m),
            EditError::Refused { message, .. } => f.write_str(message),
            EditError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for EditError {
    fn from(e: io::Error) -> Self {
        EditError::Io(e)
    }
}

pub type Result<T> = std::result::Result<T, EditError>;

/// A TOML local date value.
pub fn toml_date(d: NaiveDate) -> toml_edit::Value {
    toml_edit::Value::from(toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: d.year() as u16,
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        time: None,
        offset: None,
    })
}

/// The case id as its file names it: an id typed in lower case (`exc-2026-0042`) is the case
/// `EXC-2026-0042` when that file exists; otherwise the id as given (refused later, by name).
pub fn case_id(repo: &Repo, id: &str) -> String {
    let upper = id.to_ascii_uppercase();
    if upper != id && find_case(repo, id).is_err() && find_case(repo, &upper).is_ok() {
        upper
    } else {
        id.to_string()
    }
}

/// The path of a case file, relative to the repository, from its id.
pub fn find_case(repo: &Repo, id: &str) -> Result<String> {
    let wanted = crate::model::id::CaseId::of_path(id);
    let (paths, _) = repo.store.case_paths();
    let mut found = paths.into_iter().filter(|p| wanted.is_file(p));
    match (found.next(), found.next()) {
        (Some(p), None) => Ok(p),
        (Some(a), Some(b)) => Err(EditError::Usage(format!(
            "{id} is in two files ({a}, {b}): run cme check and merge them first"
        ))),
        (None, _) => Err(EditError::Usage(format!(
            "no case {id}: there is no file cases/*/{id}.toml (ids look like {}-2026-0042)",
            repo.config.authority.code
        ))),
    }
}

/// Every open case's child, as COM-DUPLICATE compares them.
pub fn open_children(repo: &Repo) -> Vec<crate::duplicate::Identity> {
    let (paths, _) = repo.store.case_paths();
    load::read_many(repo, &paths)
        .iter()
        .filter_map(|f| f.case.as_ref())
        .filter(|c| c.is_open())
        .map(crate::duplicate::Identity::of)
        .collect()
}

/// Decodes and validates a case file's text: its errors and warnings (only errors refuse).
pub fn check_text(repo: &Repo, rel: &str, text: &str, today: NaiveDate) -> CheckReport {
    check_text_bytes(repo, rel, text.as_bytes().to_vec(), today, true)
}

/// The same for a file's bytes as read (not UTF-8 is one of its errors).
/// `recording`: the text is about to be written (held to the readings in force now), rather
/// than found on disk.
fn check_text_bytes(repo: &Repo, rel: &str, bytes: Vec<u8>, today: NaiveDate, recording: bool) -> CheckReport {
    let file = load::parse_case(rel, bytes);
    let found = crate::rules::check_file(repo.policy(), today, &file, recording);
    let source: Arc<SourceFile> = file.source.clone();
    let id = file.case.as_ref().map(|c| c.id.clone());
    let mut report = CheckReport {
        today: today.to_string(),
        cases: 1,
        ..Default::default()
    };
    report.diagnostics = found
        .into_iter()
        .map(|f| Diagnostic::place(f, &source, id.as_deref(), Some(&repo.pack)))
        .collect();
    for r in &repo.pack.rules {
        report.rule_sources.insert(r.id.clone(), r.source.clone());
    }
    report.sources.insert(rel.to_string(), source);
    report.sort();
    report
}

/// Reads a case for editing: refuses a file that already fails the check (an officer's
/// hand edit gone wrong), rather than guessing what it meant.
/// A case file opened for editing: its document, and the findings it had then (rule,
/// message), so that [`save`] shows only the warnings the change brings.
pub struct Opened {
    pub rel: String,
    pub doc: toml_edit::DocumentMut,
    pub before: Vec<(String, String)>,
}

pub fn open_for_edit(repo: &Repo, rel: &str, today: NaiveDate) -> Result<Opened> {
    let bytes = repo.store.read(rel, repo.config.limits.max_case_bytes)?;
    // Not UTF-8: refused like any other failing file (`check_text` on the raw bytes says so),
    // never read lossily and written back with the bytes replaced.
    let report = check_text_bytes(repo, rel, bytes.clone(), today, false);
    let text = match String::from_utf8(bytes) {
        Ok(text) if report.errors() == 0 => text,
        _ => {
            let mut report = report;
            report.diagnostics.retain(|d| d.severity == Severity::Error);
            return Err(EditError::Refused {
                message: format!(
                    "{rel} already fails the check; fix it by hand first (cme check {rel} shows how), then run the command again"
                ),
                report: Box::new(report),
            });
        }
    };
    let doc = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| EditError::Usage(format!("{rel} cannot be read as TOML: {e}")))?;
    let before = report
        .diagnostics
        .into_iter()
        .map(|d| (d.rule.to_string(), d.message))
        .collect();
    Ok(Opened {
        rel: rel.to_string(),
        doc,
        before,
    })
}

/// Opens a case by its id for editing.
pub fn open_case(repo: &Repo, id: &str, today: NaiveDate) -> Result<Opened> {
    let rel = find_case(repo, id)?;
    open_for_edit(repo, &rel, today)
}

/// Checks the new text and writes it atomically; refuses (writing nothing) if the record
/// would fail the check, saying so in the command's terms. Returns the warnings the change
/// brings (those the file did not have before), for the command to show. The caller holds
/// the repository's [`lock::EditLock`].
pub fn save(repo: &Repo, opened: &Opened, today: NaiveDate, what: &str, terms: &Terms) -> Result<CheckReport> {
    let (rel, text) = (opened.rel.as_str(), &opened.doc.to_string());
    let report = check_text(repo, rel, text, today);
    if report.errors() > 0 {
        return Err(refused(
            report,
            terms,
            format!("{what} was not saved: the record would break the policy (nothing was written)"),
        ));
    }
    write_record(&repo.root, rel, text.as_bytes(), false)?;
    Ok(new_warnings(report, &opened.before))
}

/// The warnings of a record just written that it did not have before.
pub fn new_warnings(report: CheckReport, before: &[(String, String)]) -> CheckReport {
    let mut report = report;
    report.diagnostics.retain(|d| {
        d.severity == Severity::Warning && !before.iter().any(|(r, m)| r == d.rule.as_str() && *m == d.message)
    });
    report
}

/// A refusal of what a command would have written: its errors in the command's terms (its
/// flags), at no line, since no file was written.
pub fn refused(report: CheckReport, terms: &Terms, message: String) -> EditError {
    let mut report = report;
    report.diagnostics.retain(|d| d.severity == Severity::Error);
    for d in &mut report.diagnostics {
        d.message = terms.speak(&d.message);
        d.hint = d.hint.as_deref().map(|h| terms.speak(h));
        d.span = None;
    }
    report.unwritten = true;
    EditError::Refused {
        message,
        report: Box::new(report),
    }
}

/// Writes a case file atomically, its temporary file kept where git ignores it. The caller
/// holds the repository's [`lock::EditLock`].
pub fn write_record(root: &Path, rel: &str, bytes: &[u8], create_new: bool) -> io::Result<()> {
    debug_assert!(lock::held(), "case files are written under the editing lock");
    atomic_write_via(&lock::tmp_dir(root), &root.join(rel), bytes, create_new)
}

/// Writes `bytes` to `path` through a temporary file in the same folder, then renames it
/// into place: a reader sees the old file or the new one, never half of one. With
/// `create_new`, an existing file is never replaced.
pub fn atomic_write(path: &Path, bytes: &[u8], create_new: bool) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    write_then_rename(
        &dir.join(format!(".{name}.tmp-{}", std::process::id())),
        path,
        bytes,
        create_new,
    )
}

/// [`atomic_write`] with the temporary file in `tmp_dir` (on the same file system; if it is
/// not, beside the file as before).
pub fn atomic_write_via(tmp_dir: &Path, path: &Path, bytes: &[u8], create_new: bool) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if path.parent().is_some_and(|p| !p.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the folder of {} does not exist", path.display()),
        ));
    }
    std::fs::create_dir_all(tmp_dir)?;
    let tmp = tmp_dir.join(format!("{name}.{}", std::process::id()));
    match write_then_rename(&tmp, path, bytes, create_new) {
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
            // git's folder is on another file system: a folder beside the file that ignores
            // itself, emptied of what a killed command left (the caller holds the lock).
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join(".cme-tmp");
            std::fs::create_dir_all(&dir)?;
            for e in std::fs::read_dir(&dir)?.flatten() {
                if e.file_name() != ".gitignore" {
                    let _ = std::fs::remove_file(e.path());
                }
            }
            std::fs::write(dir.join(".gitignore"), "# cme's temporary files: never committed.\n*\n")?;
            write_then_rename(
                &dir.join(format!("{name}.{}", std::process::id())),
                path,
                bytes,
                create_new,
            )
        }
        other => other,
    }
}

fn write_then_rename(tmp: &Path, path: &Path, bytes: &[u8], create_new: bool) -> io::Result<()> {
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if create_new {
            // A hard link fails if the target exists: never overwrite a case.
            std::fs::hard_link(tmp, path)?;
            std::fs::remove_file(tmp)?;
        } else {
            std::fs::rename(tmp, path)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// What `--commit` asks for.
#[derive(Clone, Copy, Debug, Default)]
pub struct CommitOptions {
    pub commit: bool,
    /// Commit the file's earlier uncommitted edits too (named in the message).
    pub include_uncommitted: bool,
}

/// What became of a command's change.
#[derive(Debug)]
pub enum Committed {
    /// Not asked to commit.
    No,
    /// The new commit's id.
    Yes(String),
    /// Written, but the commit failed: why, and the commands that commit it by hand.
    Failed { why: String, how: String },
}

/// Runs one editing command the way every editing command must run: under the repository's
/// editing lock (so it reads the file as the last command left it, and no update is lost),
/// and, with `--commit`, committing exactly the command's own change to its own file.
///
/// `case` is the case the command edits (none for a new case). With `--commit`, a file with
/// uncommitted edits is refused before anything is written, unless `include_uncommitted`;
/// whether git can commit at all (who the committer is) is checked before writing too, so a
/// failed commit does not leave a written record behind unannounced.
pub fn transaction<D: Written>(
    repo: &Repo,
    case: Option<&str>,
    how: CommitOptions,
    command: impl FnOnce() -> Result<D>,
) -> Result<(D, Committed)> {
    let _lock = lock::EditLock::acquire(&repo.root)?;
    let mut earlier = Vec::new();
    if how.commit {
        ready_to_commit(repo)?;
        if let Some(id) = case {
            let rel = find_case(repo, id)?;
            earlier = uncommitted_fields(repo, &rel)?;
            if !earlier.is_empty() && !how.include_uncommitted {
                let shown: Vec<&str> = earlier.iter().take(4).map(String::as_str).collect();
                let more = match earlier.len().saturating_sub(shown.len()) {
                    0 => String::new(),
                    n => format!("; and {n} more"),
                };
                return Err(EditError::Usage(format!(
                    "{rel} has uncommitted edits ({}{more}), and --commit commits only this command's change: commit or undo them first (git diff {rel} shows them), or add --include-uncommitted to commit them with it (nothing was written)",
                    shown.join("; ")
                )));
            }
        }
    }
    let done = command()?;
    let files = done.files();
    if !how.commit || files.is_empty() {
        return Ok((done, Committed::No));
    }
    let mut message = done.message();
    if !earlier.is_empty() {
        message.push_str("\n\nAlso commits earlier uncommitted edits to this record:\n");
        for e in &earlier {
            message.push_str(&format!("- {e}\n"));
        }
    }
    let committed = match commit(repo, &files, &message) {
        Ok(oid) => Committed::Yes(oid),
        Err(e) => Committed::Failed {
            why: e.to_string(),
            how: format!(
                "git add {p} && git commit -m \"{}\" -- {p}",
                done.message().lines().next().unwrap_or("").replace('"', "'"),
                p = files.join(" ")
            ),
        },
    };
    Ok((done, committed))
}

/// What an editing command wrote: the files to commit and the commit message.
pub trait Written {
    fn files(&self) -> Vec<&str>;
    fn message(&self) -> String;
}

impl Written for commands::Done {
    fn files(&self) -> Vec<&str> {
        vec![self.path.as_str()]
    }
    fn message(&self) -> String {
        self.message.clone()
    }
}

/// Refuses `--commit` where it could not succeed, before anything is written.
pub fn ready_to_commit(repo: &Repo) -> Result<()> {
    let git = repo.git.as_ref().ok_or_else(|| {
        EditError::Usage(format!(
            "--commit needs a git repository; {} is not in one (nothing was written)",
            repo.root.display()
        ))
    })?;
    git.lock().signature().map_err(|_| {
        EditError::Usage("git does not know who you are, so --commit cannot say who made the change (nothing was written): run git config user.name \"Your Name\" and git config user.email you@council.example".into())
    })?;
    if repo.config.audit.require_signed {
        return Err(EditError::Usage(
            "cme.toml requires signed commits ([audit] require_signed), and cme does not sign: run the command without --commit, then commit with git commit -S (nothing was written)".into(),
        ));
    }
    Ok(())
}

/// The fields of a case file whose working copy differs from what HEAD (or the index) holds,
/// in the record's own terms; empty when it has no uncommitted edits or is not in git yet.
pub fn uncommitted_fields(repo: &Repo, rel: &str) -> Result<Vec<String>> {
    let Some(g) = repo.git.as_deref() else {
        return Ok(Vec::new());
    };
    let root = &repo.root;
    let git = g.lock();
    let path = repo_path(g, &git, rel)?;
    let status = git.status_file(&path).unwrap_or(git2::Status::CURRENT);
    if status == git2::Status::CURRENT || status.contains(git2::Status::IGNORED) {
        return Ok(Vec::new());
    }
    let committed = git
        .head()
        .ok()
        .and_then(|h| h.peel_to_tree().ok())
        .and_then(|t| t.get_path(&path).ok())
        .and_then(|e| git.find_blob(e.id()).ok())
        .map(|b| crate::audit::diff::flatten(b.content()));
    let now = std::fs::read(root.join(rel)).map(|b| crate::audit::diff::flatten(&b))?;
    let mut changes: Vec<String> = crate::audit::diff::diff(committed.as_ref(), Some(&now))
        .iter()
        .map(|c| c.to_string())
        .collect();
    if changes.is_empty() {
        // The same as HEAD field by field: comments or layout changed.
        changes.push("comments or layout changed".into());
    }
    Ok(changes)
}

/// `rel` (relative to the case repository) as a path inside the git repository.
fn repo_path(g: &crate::git::Git, git: &git2::Repository, rel: &str) -> Result<PathBuf> {
    if git.workdir().is_none() {
        return Err(EditError::Usage("the git repository has no working tree".into()));
    }
    Ok(PathBuf::from(&g.within).join(rel))
}

/// Commits the working-tree content of `files` (relative to the repository) on top of HEAD,
/// as the configured git user, and nothing else: changes staged to other files stay staged
/// and out of the commit. The index is updated for these files only.
pub fn commit(repo: &Repo, files: &[&str], message: &str) -> Result<String> {
    let root = &repo.root;
    let g = repo.git.as_deref().ok_or_else(|| {
        EditError::Usage(format!(
            "--commit needs a git repository; {} is not in one",
            root.display()
        ))
    })?;
    let git = g.lock();
    let sig = git.signature().map_err(|_| {
        EditError::Usage("git does not know who you are: run git config user.name \"Your Name\" and git config user.email you@council.example".into())
    })?;
    let gerr = |e: git2::Error| EditError::Io(io::Error::other(e.message().to_string()));
    let parent = git.head().ok().and_then(|h| h.peel_to_commit().ok());
    let base_tree = match &parent {
        Some(c) => c.tree().map_err(gerr)?,
        None => {
            let empty = git.treebuilder(None).map_err(gerr)?.write().map_err(gerr)?;
            git.find_tree(empty).map_err(gerr)?
        }
    };
    let mut update = git2::build::TreeUpdateBuilder::new();
    let mut paths = Vec::with_capacity(files.len());
    for f in files {
        let path = repo_path(g, &git, f)?;
        let bytes = std::fs::read(root.join(f))?;
        let blob = git.blob(&bytes).map_err(gerr)?;
        update.upsert(path.to_string_lossy().replace('\\', "/"), blob, git2::FileMode::Blob);
        paths.push(path);
    }
    let tree_id = update.create_updated(&git, &base_tree).map_err(gerr)?;
    let tree = git.find_tree(tree_id).map_err(gerr)?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    // The index first, so that it agrees with the commit for these files (other entries are
    // untouched): if it cannot be written (another git process holds it), nothing is
    // committed; if the commit then fails, the change is staged, ready for git commit.
    let locked = |e: git2::Error| {
        let why = e.message().trim_end_matches([':', ' ']).to_string();
        EditError::Io(io::Error::other(format!(
            "{why} (another git process is using the repository; if none is running, remove the .lock file git names)"
        )))
    };
    let mut index = git.index().map_err(gerr)?;
    for p in &paths {
        index.add_path(p).map_err(gerr)?;
    }
    index.write().map_err(locked)?;
    let oid = git
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .map_err(locked)?;
    Ok(oid.to_string())
}

/// Sections of a case file in the order the format lists them.
pub(super) const ORDER: &[&str] = &[
    "child",
    "referral",
    "school",
    "social_care",
    "action",
    "review",
    "closure",
    "reopened",
];

fn positions(item: &toml_edit::Item) -> Vec<isize> {
    match item {
        toml_edit::Item::Table(t) => t.position().into_iter().collect(),
        toml_edit::Item::ArrayOfTables(a) => a.iter().filter_map(|t| t.position()).collect(),
        _ => Vec::new(),
    }
}

/// Makes room for a new table of `section` after the last table of the sections that come
/// before it (or of the same section), and returns the position to give it.
pub fn position_for(doc: &mut toml_edit::DocumentMut, section: &str) -> isize {
    let upto = ORDER.iter().position(|s| *s == section).unwrap_or(ORDER.len() - 1);
    let anchor = ORDER[..=upto]
        .iter()
        .filter_map(|s| doc.get(s))
        .flat_map(positions)
        .max()
        .unwrap_or(0);
    shift_tables(doc, anchor + 1);
    anchor + 1
}

/// Moves every top-level table at `from` or later one place down, to make room.
pub fn shift_tables(doc: &mut toml_edit::DocumentMut, from: isize) {
    let bump = |t: &mut toml_edit::Table| {
        if let Some(p) = t.position().filter(|p| *p >= from) {
            t.set_position(Some(p + 1));
        }
    };
    for (_, item) in doc.as_table_mut().iter_mut() {
        match item {
            toml_edit::Item::Table(t) => bump(t),
            toml_edit::Item::ArrayOfTables(a) => a.iter_mut().for_each(bump),
            _ => {}
        }
    }
}

/// A new table for an array of tables or a section, placed in the format's order.
pub fn new_table(doc: &mut toml_edit::DocumentMut, section: &str) -> toml_edit::Table {
    let mut t = toml_edit::Table::new();
    t.set_position(Some(position_for(doc, section)));
    t.decor_mut().set_prefix("\n");
    t
}
