//! `cme check`: validate every case file (or the files given) against the pack.

use crate::diagnostic::{CheckReport, Diagnostic, Finding};
use crate::duplicate::{self, Identity, Match};
use crate::load::{self, CaseFile, Repo};
use crate::pack::Severity;
use crate::rules;
use crate::source::SourceFile;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Which files to check.
pub enum Selection {
    All,
    /// Paths as the user gave them (relative to the working directory, or absolute).
    Files(Vec<PathBuf>),
}

/// Reads, decodes and validates the selected case files. Notes about arguments that are not
/// case files at all (deleted files, other files a CI job passes on) go to `notes`.
pub fn run(repo: &Repo, today: NaiveDate, selection: &Selection, notes: &mut Vec<String>) -> CheckReport {
    let (all, listing_problems) = repo.store.case_paths();
    let mut extra: Vec<(String, Finding)> = Vec::new();
    let selected: Vec<String> = match selection {
        Selection::All => {
            extra.extend(listing(&listing_problems));
            all.clone()
        }
        Selection::Files(files) => {
            let mut out = Vec::new();
            for f in files {
                let shown = f.display().to_string();
                let Some(rel) = repo.relative(f) else {
                    extra.push((
                        shown,
                        Finding::new(
                            "COM-SCHEMA",
                            Severity::Error,
                            None,
                            "this file is not inside the case repository",
                        ),
                    ));
                    continue;
                };
                if !rel.ends_with(".toml") || rel == crate::config::FILE || rel.starts_with("policy/") {
                    notes.push(format!("skipping {rel}: not a case file"));
                    continue;
                }
                let meta = std::fs::symlink_metadata(repo.root.join(&rel));
                if meta.is_err() {
                    notes.push(format!("skipping {rel}: no such file (deleted?)"));
                    continue;
                }
                if !rel.starts_with("cases/") {
                    extra.push((
                        rel,
                        Finding::new(
                            "COM-SCHEMA",
                            Severity::Error,
                            None,
                            "a case file must be under cases/ to be part of the register",
                        )
                        .hint("move it to cases/<year>/<id>.toml"),
                    ));
                    continue;
                }
                if meta.is_ok_and(|m| m.file_type().is_symlink()) {
                    extra.extend(listing(&listing_problems).into_iter().filter(|(p, _)| *p == rel));
                    continue;
                }
                if !out.contains(&rel) {
                    out.push(rel);
                }
            }
            out
        }
    };
    let files = load::read_many(repo, &selected);
    // One child, one open case: the files not selected are compared with too.
    let others: Vec<Identity> = if matches!(selection, Selection::All) || repo.pack.rule(duplicate::RULE).is_none() {
        Vec::new()
    } else {
        let rest: Vec<String> = all.iter().filter(|p| !selected.contains(p)).cloned().collect();
        load::read_many(repo, &rest)
            .iter()
            .filter_map(|f| f.case.as_ref())
            .filter(|c| c.is_open())
            .map(Identity::of)
            .collect()
    };
    let mut report = check_files_among(repo, today, &files, &all, &others);
    for (path, f) in extra {
        let src = Arc::new(SourceFile::new(path.clone(), ""));
        report
            .diagnostics
            .push(Diagnostic::place(f, &src, None, Some(&repo.pack)));
    }
    report.sort();
    report
}

/// Validates case files already read. `all` is every case path in the repository (for
/// duplicate ids). Pack-level findings are included.
pub fn check_files(repo: &Repo, today: NaiveDate, files: &[CaseFile], all: &[String]) -> CheckReport {
    check_files_among(repo, today, files, all, &[])
}

/// [`check_files`], comparing the open cases with `others` too (the open cases of files not
/// read) for COM-DUPLICATE.
pub fn check_files_among(
    repo: &Repo,
    today: NaiveDate,
    files: &[CaseFile],
    all: &[String],
    others: &[Identity],
) -> CheckReport {
    let mut duplicates_found = open_duplicates(repo, files, others);
    let mut report = CheckReport {
        today: today.to_string(),
        ..Default::default()
    };
    // Ids are file stems, so two files with one stem are two records with one id.
    let mut by_stem: HashMap<&str, Vec<&str>> = HashMap::new();
    for p in all {
        let stem = crate::model::id::stem(p);
        by_stem.entry(stem).or_default().push(p);
    }
    let checked: Vec<(&Arc<SourceFile>, Option<&str>, Vec<Finding>)> = files
        .par_iter()
        .map(|file| {
            let mut found = rules::check_file(repo.policy(), today, file, false);
            if let Some(case) = &file.case {
                found.extend(duplicate_ids(file, &by_stem));
                found.extend(missing_letters(repo, file, case));
            }
            (&file.source, file.case.as_ref().map(|c| c.id.as_str()), found)
        })
        .collect();
    report.cases = checked.len();
    for (k, (source, id, mut found)) in checked.into_iter().enumerate() {
        found.extend(duplicates_found.remove(&k).unwrap_or_default());
        report.files.push(source.path.clone());
        if found.is_empty() {
            continue;
        }
        for f in found {
            report
                .diagnostics
                .push(Diagnostic::place(f, source, id, Some(&repo.pack)));
        }
        report.sources.insert(source.path.clone(), source.clone());
    }
    let pack_findings = rules::check_pack(repo, today);
    if !pack_findings.is_empty() {
        for f in pack_findings {
            report
                .diagnostics
                .push(Diagnostic::place(f, &repo.pack_source, None, Some(&repo.pack)));
        }
        report
            .sources
            .insert(repo.pack_source.path.clone(), repo.pack_source.clone());
    }
    for r in &repo.pack.rules {
        report.rule_sources.insert(r.id.clone(), r.source.clone());
    }
    report.sort();
    report
}

/// A letter the record names that the repository does not hold (deleted, or left out of
/// the commit that logged it): the case page could not show it.
fn missing_letters(repo: &Repo, file: &CaseFile, case: &crate::model::Case) -> Vec<Finding> {
    case.actions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let path = a.letter.as_deref()?;
            if !crate::letter::is_letter_path(&case.id, path) || repo.store.exists(path) {
                return None;
            }
            let at = format!("{}.letter", crate::model::item("action", i));
            Some(
                Finding::new(
                    "COM-SCHEMA",
                    crate::pack::Severity::Error,
                    file.spans.get(&at),
                    format!("the letter {path} is not in the repository"),
                )
                .hint("commit it with the record (cme letter --commit does both), or restore it from git"),
            )
        })
        .collect()
}

fn duplicate_ids(file: &CaseFile, by_stem: &HashMap<&str, Vec<&str>>) -> Option<Finding> {
    let others: Vec<&str> = by_stem
        .get(file.stem())?
        .iter()
        .copied()
        .filter(|p| *p != file.source.path)
        .collect();
    if others.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            "COM-SCHEMA",
            Severity::Error,
            file.spans.get("id"),
            format!("the id {} is also used by {}", file.stem(), others.join(", ")),
        )
        .hint("each child's episode has one file; merge the two records, or give one a new id (and rename its file)"),
    )
}

/// COM-DUPLICATE: for each file (by index) whose case is open, the open cases that may be the
/// same child.
fn open_duplicates(repo: &Repo, files: &[CaseFile], others: &[Identity]) -> HashMap<usize, Vec<Finding>> {
    let mut out: HashMap<usize, Vec<Finding>> = HashMap::new();
    if repo.pack.rule(duplicate::RULE).is_none() {
        return out;
    }
    let mut open = Vec::new();
    let mut owner = Vec::new();
    for (k, f) in files.iter().enumerate() {
        if let Some(c) = f.case.as_ref().filter(|c| c.is_open()) {
            open.push(Identity::of(c));
            owner.push(Some(k));
        }
    }
    open.extend(others.iter().cloned());
    owner.resize(open.len(), None);
    for (i, j, how) in duplicate::pairs(&open) {
        let Some(k) = owner[i] else { continue };
        let (me, other) = (&open[i], &open[j]);
        let spans = &files[k].spans;
        let finding = match how {
            Match::Upn => Finding::new(
                duplicate::RULE,
                Severity::Error,
                spans.get("child.upn"),
                format!(
                    "the UPN {} is also in open case {}: one child has one open case",
                    me.upn.as_deref().unwrap_or(""),
                    other.id
                ),
            ),
            Match::Name => Finding::new(
                duplicate::RULE,
                Severity::Warning,
                spans.get("child.given_name"),
                format!(
                    "{} is an open case for a child with the same date of birth, family name and a matching given name: is it the same child?",
                    other.id
                ),
            ),
        }
        .hint(format!(
            "keep one open case per child: close one of the two (as not-cme, with a note naming the other) and record its enquiries in the one kept; if both must stay open, say why in [referral] duplicate_reason = \"...\" of {}",
            me.id
        ));
        out.entry(k).or_default().push(finding);
    }
    out
}

/// What changed between a base revision and HEAD, as `--changed-since` sees it.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    /// The set-up changed (`cme.toml`, `policy/`, `templates/`): every record must be checked
    /// again; the reason says which.
    Everything(String),
    /// Only these case files (relative to the repository) changed.
    Files(Vec<String>),
    /// Nothing that a check looks at changed.
    Nothing,
}

/// The files changed on HEAD's side since it left `base` (`git diff base...HEAD`), for CI on
/// a pull request: a change to `cme.toml` (an officer removed who still has cases), to
/// `policy/` (a pack setting) or to `templates/` can break every record, so it asks for the
/// whole check; otherwise only the changed case files are checked.
pub fn changed_since(root: &std::path::Path, base: &str) -> Result<Changed, String> {
    let git = git2::Repository::discover(root).map_err(|_| {
        format!(
            "--changed-since needs a git repository; {} is not in one",
            root.display()
        )
    })?;
    let head = git
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| format!("cannot read HEAD: {}", e.message()))?;
    let base_commit = git
        .revparse_single(base)
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| {
            format!("\"{base}\" is not a commit or branch of this repository (fetch it first, with the full history)")
        })?;
    let fork = git
        .merge_base(base_commit.id(), head.id())
        .map_err(|_| format!("{base} and HEAD have no commit in common"))?;
    let old = git
        .find_commit(fork)
        .and_then(|c| c.tree())
        .map_err(|e| e.message().to_string())?;
    let new = head.tree().map_err(|e| e.message().to_string())?;
    let diff = git
        .diff_tree_to_tree(Some(&old), Some(&new), None)
        .map_err(|e| e.message().to_string())?;
    // Paths are the git repository's; the case repository may be a folder inside it.
    let sub = crate::load::within_git(root);
    let prefix = if sub.is_empty() {
        String::new()
    } else {
        format!("{sub}/")
    };
    let mut files = Vec::new();
    let mut setup = Vec::new();
    for d in diff.deltas() {
        for f in [d.old_file().path(), d.new_file().path()].into_iter().flatten() {
            let Some(rel) = f.to_str().and_then(|p| p.strip_prefix(prefix.as_str())) else {
                continue;
            };
            if rel == crate::config::FILE || rel.starts_with("policy/") || rel.starts_with("templates/") {
                setup.push(rel.to_string());
            } else if rel.starts_with("cases/") && rel.ends_with(".toml") && !files.contains(&rel.to_string()) {
                files.push(rel.to_string());
            }
        }
    }
    setup.sort();
    setup.dedup();
    Ok(if !setup.is_empty() {
        let shown: Vec<&str> = setup.iter().take(3).map(String::as_str).collect();
        let more = if setup.len() > 3 {
            format!(" and {} more", setup.len() - 3)
        } else {
            String::new()
        };
        Changed::Everything(format!("{}{more} changed", shown.join(", ")))
    } else if files.is_empty() {
        Changed::Nothing
    } else {
        Changed::Files(files)
    })
}

/// Entries of cases/ that cannot be case files (links, unreadable folders), as findings.
fn listing(problems: &[(String, crate::load::ReadProblem)]) -> Vec<(String, Finding)> {
    problems
        .iter()
        .flat_map(|(path, p)| {
            rules::read_problems(std::slice::from_ref(p))
                .into_iter()
                .map(move |f| (path.clone(), f))
        })
        .collect()
}
