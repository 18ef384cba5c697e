//! Officer workflow: commands that write case files. Each one edits the file with
//! `toml_edit` (so the comments and layout an officer wrote stay as they were), checks the
//! result against the pack before writing, writes atomically (a temporary file renamed into
//! place: never half-written), and with `--commit` commits the change.

pub mod commands;
pub mod ctf;
pub mod init;
pub mod merge;

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
            EditError::Usage(m) => f.write_str(m),
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

/// The path of a case file, relative to the repository, from its id.
pub fn find_case(repo: &Repo, id: &str) -> Result<String> {
    let name = format!("{id}.toml");
    let (paths, _) = repo.store.case_paths();
    let mut found = paths
        .into_iter()
        .filter(|p| p.rsplit('/').next() == Some(name.as_str()));
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

/// Decodes and validates a case file's text: its errors (warnings are not a refusal).
pub fn check_text(repo: &Repo, rel: &str, text: &str, today: NaiveDate) -> CheckReport {
    check_text_bytes(repo, rel, text.as_bytes().to_vec(), today)
}

/// The same for a file's bytes as read (not UTF-8 is one of its errors).
fn check_text_bytes(repo: &Repo, rel: &str, bytes: Vec<u8>, today: NaiveDate) -> CheckReport {
    let file = load::parse_case(rel, bytes);
    let mut found = file.problems.clone();
    if let Some(case) = &file.case {
        found.extend(crate::rules::check_case(repo, today, file.stem(), case, &file.spans));
    }
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
        .filter(|d| d.severity == Severity::Error)
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
pub fn open_for_edit(repo: &Repo, rel: &str, today: NaiveDate) -> Result<(String, toml_edit::DocumentMut)> {
    let bytes = repo.store.read(rel, repo.config.limits.max_case_bytes)?;
    // Not UTF-8: refused like any other failing file (`check_text` on the raw bytes says so),
    // never read lossily and written back with the bytes replaced.
    let report = check_text_bytes(repo, rel, bytes.clone(), today);
    let text = match String::from_utf8(bytes) {
        Ok(text) if report.errors() == 0 => text,
        _ => {
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
    Ok((text, doc))
}

/// Checks the new text and writes it atomically; refuses (writing nothing) if the record
/// would fail the check.
pub fn save(repo: &Repo, rel: &str, text: &str, today: NaiveDate, what: &str) -> Result<()> {
    let report = check_text(repo, rel, text, today);
    if report.errors() > 0 {
        return Err(EditError::Refused {
            message: format!("{what} was not saved: the record would break the policy"),
            report: Box::new(report),
        });
    }
    atomic_write(&repo.root.join(rel), text.as_bytes(), false)?;
    Ok(())
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
    let tmp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if create_new {
            // A hard link fails if the target exists: never overwrite a case.
            std::fs::hard_link(&tmp, path)?;
            std::fs::remove_file(&tmp)?;
        } else {
            std::fs::rename(&tmp, path)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Commits the given files (relative to the repository) as the configured git user.
pub fn commit(root: &Path, files: &[&str], message: &str) -> Result<String> {
    let git = git2::Repository::discover(root).map_err(|_| {
        EditError::Usage(format!(
            "--commit needs a git repository; {} is not in one",
            root.display()
        ))
    })?;
    let sig = git.signature().map_err(|_| {
        EditError::Usage("git does not know who you are: run git config user.name \"Your Name\" and git config user.email you@council.example".into())
    })?;
    let workdir = git
        .workdir()
        .ok_or_else(|| EditError::Usage("the git repository has no working tree".into()))?;
    let base = std::fs::canonicalize(root)?
        .strip_prefix(std::fs::canonicalize(workdir)?)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let gerr = |e: git2::Error| EditError::Io(io::Error::other(e.message().to_string()));
    let mut index = git.index().map_err(gerr)?;
    for f in files {
        index.add_path(&base.join(f)).map_err(gerr)?;
    }
    index.write().map_err(gerr)?;
    let tree = git.find_tree(index.write_tree().map_err(gerr)?).map_err(gerr)?;
    let parent = git.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let oid = git
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .map_err(gerr)?;
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
