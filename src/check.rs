//! `cme check`: validate every case file (or the files given) against the pack.

use crate::diagnostic::{CheckReport, Diagnostic, Finding};
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
            extra.extend(listing_problems);
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
                    extra.extend(listing_problems.iter().filter(|(p, _)| *p == rel).cloned());
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
    let mut report = check_files(repo, today, &files, &all);
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
    let mut report = CheckReport {
        today: today.to_string(),
        ..Default::default()
    };
    // Ids are file stems, so two files with one stem are two records with one id.
    let mut by_stem: HashMap<&str, Vec<&str>> = HashMap::new();
    for p in all {
        let stem = p.rsplit('/').next().unwrap_or(p).trim_end_matches(".toml");
        by_stem.entry(stem).or_default().push(p);
    }
    let checked: Vec<(&Arc<SourceFile>, Option<&str>, Vec<Finding>)> = files
        .par_iter()
        .map(|file| {
            let mut found = file.problems.clone();
            if let Some(case) = &file.case {
                found.extend(duplicates(file, &by_stem));
                found.extend(rules::check_case(repo, today, file.stem(), case, &file.spans));
            }
            (&file.source, file.case.as_ref().map(|c| c.id.as_str()), found)
        })
        .collect();
    report.cases = checked.len();
    for (source, id, found) in checked {
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

fn duplicates(file: &CaseFile, by_stem: &HashMap<&str, Vec<&str>>) -> Option<Finding> {
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
