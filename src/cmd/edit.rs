//! The editing commands: `new`, `assign`, `act`, `review`, `close`, `reopen`, `import-ctf`.
//! Each runs through [`cme::edit::transaction`]: the editing lock, the command, `--commit`.

use crate::cli;
use chrono::NaiveDate;
use cme::edit::commands;
use cme::error::Error;
use cme::load::Repo;
use std::process::ExitCode;

pub fn new(a: &cli::NewArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let args = commands::NewArgs {
        given_name: a.given_name.clone(),
        family_name: a.family_name.clone(),
        dob: a.dob,
        source: a.source,
        reason: a.reason,
        received: a.received,
        referrer: a.referrer.clone(),
        whereabouts: a.whereabouts,
        upn: a.upn.clone(),
        gender: a.gender,
        address: a.address.clone(),
        vulnerabilities: a.vulnerabilities.clone(),
        school: a.school.clone(),
        assign: a.assign.clone(),
        allow_duplicate: a.allow_duplicate.clone(),
    };
    edited(repo, None, a.commit, true, || commands::new(repo, today, &args))
}

pub fn assign(a: &cli::AssignArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let id = cme::edit::case_id(repo, &a.case);
    edited(repo, Some(&id), a.commit, false, || {
        commands::assign(repo, today, &id, &a.officer, a.date)
    })
}

pub fn act(a: &cli::ActArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let id = cme::edit::case_id(repo, &a.case);
    edited(repo, Some(&id), a.commit, false, || {
        commands::act(repo, today, &id, &a.fields.given)
    })
}

pub fn review(a: &cli::ReviewArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let id = cme::edit::case_id(repo, &a.case);
    edited(repo, Some(&id), a.commit, false, || {
        commands::review(repo, today, &id, &a.fields.given)
    })
}

pub fn close(a: &cli::CloseArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let id = cme::edit::case_id(repo, &a.case);
    edited(repo, Some(&id), a.commit, false, || {
        commands::close(repo, today, &id, &a.fields.given)
    })
}

pub fn reopen(a: &cli::ReopenArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let id = cme::edit::case_id(repo, &a.case);
    edited(repo, Some(&id), a.commit, false, || {
        commands::reopen(repo, today, &id, &a.reason, a.date, a.allow_duplicate.as_deref())
    })
}

pub fn set(a: &cli::SetArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let id = cme::edit::case_id(repo, &a.case);
    let args = cme::edit::set::SetArgs {
        field: &a.field,
        value: &a.value,
        reason: &a.reason,
    };
    let (done, committed) = cme::edit::transaction(repo, Some(&id), a.commit.into(), || {
        cme::edit::set::set(repo, today, &id, &args)
    })?;
    println!("{}: {}", done.path, done.message.lines().next().unwrap_or(""));
    show_warnings(&done.warnings);
    if !a.commit.commit {
        // The reason lives in the commit message: say how to keep it.
        eprintln!(
            "not committed: the reason is kept when you commit, e.g. git commit -m \"{}\" -m \"Reason: {}\" -- {}",
            done.message.lines().next().unwrap_or("").replace('"', "'"),
            a.reason.trim().replace('"', "'"),
            done.path
        );
    }
    report_commit(&committed)
}

pub fn letter(a: &cli::LetterArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let (Some(case), Some(template)) = (&a.case, &a.template) else {
        return list_letters(repo);
    };
    let id = cme::edit::case_id(repo, case);
    let args = cme::edit::letter::LetterArgs {
        template: template.clone(),
        to: a.to.clone(),
        date: a.date,
        by: a.by.clone(),
        check: a.check.clone(),
        about: a.about,
        school: a.school.clone(),
    };
    let (sent, committed) = cme::edit::transaction(repo, Some(&id), a.commit.into(), || {
        cme::edit::letter::send(repo, today, &id, &args)
    })?;
    println!("{}", sent.letter);
    println!("{}  (to print)", sent.page);
    println!("{}: {}", sent.done.path, sent.done.message.lines().next().unwrap_or(""));
    if let Some(d) = sent.reply_due {
        println!(
            "when the answer comes, record it: cme act {id} --reply-to {} --kind ... --by ... (the reply is due {d})",
            sent.number
        );
    }
    if let Some(n) = &sent.note {
        eprintln!("note: {n}");
    }
    show_warnings(&sent.done.warnings);
    report_commit(&committed)
}

/// `cme letter --list`.
fn list_letters(repo: &Repo) -> Result<ExitCode, Error> {
    let (all, problems) = cme::letter::templates(repo);
    if all.is_empty() {
        println!(
            "no letter templates: the pack's are in policy/{}/letters/, an authority's own in templates/letters/",
            repo.pack.pack.id
        );
    }
    for t in &all {
        let reply = t
            .reply_period()
            .map(|p| format!("; a reply within {p}"))
            .unwrap_or_default();
        let needs: String = [
            (t.front.check, " --check ID"),
            (t.front.about, " --about N"),
            (t.front.to_required, " --to TEXT"),
            (t.front.names_school, " --school TEXT"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, f)| *f)
        .collect();
        println!("{}{needs}", t.id);
        println!("    {}: {}", t.front.title, t.front.purpose);
        println!("    to {}{reply} ({}, {})", t.front.goes_to, t.front.policy_ref, t.path);
    }
    for p in &problems {
        eprintln!("warning: {p}");
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn import_ctf(a: &cli::ImportCtfArgs, repo: &Repo, today: NaiveDate) -> Result<ExitCode, Error> {
    let (done, committed) = cme::edit::transaction(repo, None, a.commit.into(), || {
        cme::edit::ctf::import(repo, today, &a.file)
    })?;
    for c in &done.created {
        println!("opened {c}");
    }
    for s in &done.skipped {
        println!("skipped: {s}");
    }
    for s in &done.possible_duplicates {
        println!("not opened: {s}");
    }
    for s in &done.refused {
        println!("not imported: {s}");
    }
    if a.commit.commit && done.created.is_empty() {
        eprintln!("nothing to commit: no case was opened from this file");
    }
    let code = report_commit(&committed)?;
    let pupils = |n: usize| cme::model::count(n, "pupil");
    let opened = format!("{} opened", pupils(done.created.len()));
    if code == ExitCode::SUCCESS && !done.refused.is_empty() {
        eprintln!(
            "error: {} not imported, each with why (above); {opened}. Put the details right (ask the school for a corrected CTF, or open the case with cme new), then import the file again: the pupils already opened are skipped",
            pupils(done.refused.len())
        );
    }
    if code == ExitCode::SUCCESS && !done.possible_duplicates.is_empty() {
        eprintln!(
            "error: {} not opened: they may already have an open case (see above); {opened}. If one is a different child, open their case with cme new --allow-duplicate \"why\"",
            pupils(done.possible_duplicates.len())
        );
    }
    if code == ExitCode::SUCCESS && (!done.refused.is_empty() || !done.possible_duplicates.is_empty()) {
        return Ok(ExitCode::from(1));
    }
    Ok(code)
}

/// Runs an editing command under the editing lock, reports what it did, and commits it
/// when asked.
fn edited(
    repo: &Repo,
    case: Option<&str>,
    commit: cli::CommitArgs,
    print_path: bool,
    command: impl FnOnce() -> cme::edit::Result<cme::edit::commands::Done>,
) -> Result<ExitCode, Error> {
    let (done, committed) = cme::edit::transaction(repo, case, commit.into(), command)?;
    if print_path {
        println!("{}", done.path);
    } else {
        println!("{}: {}", done.path, done.message.lines().next().unwrap_or(""));
    }
    show_warnings(&done.warnings);
    report_commit(&committed)
}

/// The warnings a command's change brought to the record it wrote, at their lines: written
/// all the same (a warning does not refuse), and said now rather than at the next check.
fn show_warnings(warnings: &cme::diagnostic::CheckReport) {
    let n = warnings.warnings();
    if n == 0 {
        return;
    }
    let _ = super::print_human_stderr(warnings);
    eprintln!(
        "the record was written, with {} (above) to look at",
        cme::model::count(n, "warning")
    );
}

/// Says what became of `--commit`: an error when the record was written but not committed.
fn report_commit(committed: &cme::edit::Committed) -> Result<ExitCode, Error> {
    match committed {
        cme::edit::Committed::No => Ok(ExitCode::SUCCESS),
        cme::edit::Committed::Yes(c) => {
            eprintln!("committed {}", &c[..c.len().min(10)]);
            Ok(ExitCode::SUCCESS)
        }
        cme::edit::Committed::Failed { why, how } => Err(Error::NotCommitted {
            why: why.clone(),
            how: how.clone(),
        }),
    }
}
