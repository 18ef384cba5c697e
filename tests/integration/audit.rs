//! `cme check --audit` against what slipped past it: merges that take an old file back or
//! delete a case, a removed reopening, dates set back, unsigned commits where signatures are
//! required, and a damaged repository (a set-up error, never a finding against a person).

use super::history::{audit, changes, commit, git_repo, history as trail_of};
use super::*;
use serde_json::Value;

const ACTION2: &str = "\n[[action]]\ndate = 2026-09-10\nkind = \"phone\"\nby = \"bkhan\"\noutcome = \"No answer.\"\n";

fn git_at(dir: &Path, date: &str, args: &[&str]) -> std::process::Output {
    let o = git_command()
        .current_dir(dir)
        .args(["-c", "user.name=Mallory", "-c", "user.email=mallory@example.invalid"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", format!("{date}T10:00:00+01:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T10:00:00+01:00"))
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    o
}

/// The audit's findings with each first pass (libgit2's tree walk and `git log --raw`), which
/// must agree; the cache is removed before each.
fn audit_both(r: &Path) -> (i32, Vec<Value>) {
    let mut results = Vec::new();
    for pass in ["libgit2", "git"] {
        for e in std::fs::read_dir(r.join(".git/cme")).into_iter().flatten().flatten() {
            if e.file_name().to_string_lossy().starts_with("history-") {
                std::fs::remove_file(e.path()).unwrap();
            }
        }
        let o = cme()
            .arg("--repo")
            .arg(r)
            .args(["--today", TODAY, "check", "--audit", "--format", "json"])
            .env("CME_TREE_PASS", pass)
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
        let mut found: Vec<Value> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"].as_str().unwrap().starts_with("AUDIT-"))
            .cloned()
            .collect();
        found.sort_by_key(|d| (d["rule"].to_string(), d["case"].to_string()));
        results.push((o.status.code().unwrap(), found));
    }
    assert_eq!(results[0], results[1], "both first passes find the same");
    results.remove(0)
}

fn rules_of(found: &[Value]) -> Vec<(String, String, String)> {
    found
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["case"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_merge_that_takes_an_old_file_back_or_deletes_a_case_is_audited() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    commit(r, "Alex Smith", "2026-09-02", "Referral");
    git_at(r, "2026-09-02", &["branch", "side"]);
    // Main: a call logged, and a new case.
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001") + ACTION2);
    write(r, "cases/2026/EXC-2026-0002.toml", good_case("EXC-2026-0002"));
    commit(r, "Alex Smith", "2026-09-10", "A call; another referral");
    // Side: an unrelated new case.
    git_at(r, "2026-09-11", &["checkout", "-q", "side"]);
    write(r, "cases/2026/EXC-2026-0003.toml", good_case("EXC-2026-0003"));
    commit(r, "Bilal Khan", "2026-09-11", "Referral on a branch");
    git_at(r, "2026-09-11", &["checkout", "-q", "main"]);
    let (code, found) = audit_both(r);
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
    // An honest merge brings the sides together: nothing to report.
    let honest = tempfile::tempdir().unwrap();
    git_at(honest.path(), "2026-09-12", &["clone", "-q", r.to_str().unwrap(), "."]);
    git_at(
        honest.path(),
        "2026-09-12",
        &["merge", "-q", "--no-ff", "-m", "Merge side", "origin/side"],
    );
    let (code, found) = audit_both(honest.path());
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
    // The evil merge: the old version of 0001 taken back (the call is gone) and 0002 deleted.
    git_at(r, "2026-09-12", &["merge", "-q", "--no-ff", "--no-commit", "side"]);
    git_at(
        r,
        "2026-09-12",
        &["checkout", "side", "--", "cases/2026/EXC-2026-0001.toml"],
    );
    git_at(r, "2026-09-12", &["rm", "-q", "cases/2026/EXC-2026-0002.toml"]);
    git_at(r, "2026-09-12", &["commit", "-q", "-m", "Merge side"]);
    let (code, found) = audit_both(r);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&found),
        vec![
            ("AUDIT-DELETED".into(), "EXC-2026-0002".into(), "error".into()),
            ("AUDIT-REWRITTEN".into(), "EXC-2026-0001".into(), "error".into()),
        ],
        "{found:#?}"
    );
    for d in &found {
        assert!(d["message"].as_str().unwrap().contains("by Mallory"), "{d:#?}");
    }
    // The trail says what the merge did: the newest entry is the merge, removing the call.
    let trail = trail_of(r, "EXC-2026-0001");
    assert_eq!(trail[0]["message"], "Merge side");
    assert!(
        changes(&trail[0])
            .iter()
            .any(|c| c.starts_with("action[2]") && c.ends_with("-> null")),
        "{:?}",
        changes(&trail[0])
    );
    // The case added on the side branch came in cleanly: its trail is the branch's commit.
    assert_eq!(trail_of(r, "EXC-2026-0003").len(), 1);
}

#[test]
fn removing_a_reopening_is_a_rewrite() {
    let repo = git_repo();
    let r = repo.path();
    let closed = good_case("EXC-2026-0001").replace("status = \"open\"", "status = \"closed\"")
        + "\n[closure]\ndate = 2026-10-01\noutcome = \"on-roll\"\nschool = \"Quillbury Academy\"\n";
    write(r, "cases/2026/EXC-2026-0001.toml", &closed);
    commit(r, "Alex Smith", "2026-10-01", "Closed");
    let reopening = "\n[[reopened]]\ndate = 2026-10-10\nreason = \"New address.\"\nclosed_on = 2026-10-01\nclosed_outcome = \"on-roll\"\n";
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001") + reopening,
    );
    commit(r, "Alex Smith", "2026-10-10", "Reopened");
    let (code, found) = audit_both(r);
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001") + ACTION2);
    commit(r, "Mallory", "2026-10-12", "tidy");
    let (code, found) = audit_both(r);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&found),
        vec![("AUDIT-REWRITTEN".into(), "EXC-2026-0001".into(), "error".into())]
    );
    assert!(
        found[0]["message"].as_str().unwrap().contains("reopening"),
        "{found:#?}"
    );
}

#[test]
fn a_date_set_back_does_not_hide_a_backdated_closure() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    commit(r, "Alex Smith", "2026-10-01", "Referral");
    // A case recorded on 5 October with its author date set back to 1 August, closed as of
    // 2 September: only the commit graph shows it cannot have been recorded before 1 October.
    let closed = good_case("EXC-2026-0002").replace("status = \"open\"", "status = \"closed\"")
        + "\n[closure]\ndate = 2026-09-05\noutcome = \"on-roll\"\nschool = \"Quillbury Academy\"\n";
    write(r, "cases/2026/EXC-2026-0002.toml", &closed);
    git(r, &["add", "-A"]);
    let o = git_command()
        .current_dir(r)
        .args([
            "-c",
            "user.name=Mallory",
            "-c",
            "user.email=m@example.invalid",
            "commit",
            "-q",
            "-m",
            "old case",
        ])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "2026-08-01T10:00:00+01:00")
        .env("GIT_COMMITTER_DATE", "2026-10-05T10:00:00+01:00")
        .output()
        .unwrap();
    assert!(o.status.success());
    let (code, found) = audit_both(r);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&found),
        vec![
            ("AUDIT-BACKDATED-CLOSURE".into(), "EXC-2026-0002".into(), "error".into()),
            ("AUDIT-CLOCK".into(), "EXC-2026-0002".into(), "warning".into()),
        ],
        "{found:#?}"
    );
    // Both dates set back: the parent commit still says when it was made.
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    commit(r, "Alex Smith", "2026-10-01", "Referral");
    write(r, "cases/2026/EXC-2026-0002.toml", &closed);
    commit(r, "Mallory", "2026-08-01", "old case");
    let (code, found) = audit_both(r);
    assert_eq!(code, 1);
    assert!(
        rules_of(&found).contains(&("AUDIT-BACKDATED-CLOSURE".into(), "EXC-2026-0002".into(), "error".into())),
        "{found:#?}"
    );
}

#[test]
fn unsigned_commits_are_found_where_signatures_are_required() {
    if std::process::Command::new("ssh-keygen").arg("-?").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "ssh-keygen is needed for the signature test (Debian: openssh-client)"
        );
        eprintln!("skipped: no ssh-keygen");
        return;
    }
    let repo = git_repo();
    let r = repo.path();
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("officer");
    let o = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "officer", "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    write(r, "signers", format!("officer@example.invalid {public}"));
    let mut cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap();
    cfg.push_str("\n[audit]\nrequire_signed = true\nallowed_signers = \"signers\"\n");
    std::fs::write(r.join("cme.toml"), cfg).unwrap();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    git(r, &["add", "-A"]);
    git_at(
        r,
        "2026-09-02",
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &format!("user.signingkey={}", key.display()),
            "-c",
            "user.email=officer@example.invalid",
            "commit",
            "-q",
            "-S",
            "-m",
            "Signed referral",
        ],
    );
    let (code, found) = audit(r);
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
    write(r, "cases/2026/EXC-2026-0002.toml", good_case("EXC-2026-0002"));
    commit(r, "Mallory", "2026-09-03", "Unsigned referral");
    let (code, found) = audit(r);
    assert_eq!(code, 1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["rule"], "AUDIT-UNSIGNED");
    assert_eq!(found[0]["case"], "EXC-2026-0002");
    assert!(
        found[0]["message"].as_str().unwrap().contains("no signature"),
        "{found:#?}"
    );
    // --commit cannot sign, so it is refused before anything is written.
    let o = run(r, &["assign", "EXC-2026-0002", "bkhan", "--commit"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("git commit -S"), "{}", stderr(&o));
}

#[test]
fn a_damaged_repository_is_a_setup_error_not_a_finding() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    commit(r, "Alex Smith", "2026-09-02", "Referral");
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001") + ACTION2);
    commit(r, "Alex Smith", "2026-09-10", "A call");
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001") + ACTION2 + &ACTION2.replace("2026-09-10", "2026-09-11"),
    );
    commit(r, "Alex Smith", "2026-09-11", "Another call");
    let blob = git(r, &["rev-parse", "HEAD~1:cases/2026/EXC-2026-0001.toml"]);
    std::fs::remove_file(r.join(format!(".git/objects/{}/{}", &blob[..2], &blob[2..]))).unwrap();
    for args in [vec!["check", "--audit"], vec!["history", "EXC-2026-0001"]] {
        let o = run(r, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}{}", stdout(&o), stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&blob), "names the object: {err}");
        assert!(err.contains("cases/2026/EXC-2026-0001.toml"), "names the file: {err}");
        assert!(err.contains("git fsck"), "{err}");
        assert!(
            !stdout(&o).contains("AUDIT-"),
            "no finding against a person: {}",
            stdout(&o)
        );
    }
}

#[test]
fn a_merge_that_changes_a_case_neither_side_touched_is_audited() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001") + ACTION2);
    write(r, "cases/2026/EXC-2026-0002.toml", good_case("EXC-2026-0002"));
    write(r, "cases/2026/EXC-2026-0003.toml", good_case("EXC-2026-0003"));
    commit(r, "Alex Smith", "2026-09-10", "Referrals");
    git_at(r, "2026-09-10", &["branch", "side"]);
    write(r, "cases/2026/EXC-2026-0003.toml", good_case("EXC-2026-0003") + ACTION2);
    commit(r, "Alex Smith", "2026-09-11", "A call on main");
    git_at(r, "2026-09-11", &["checkout", "-q", "side"]);
    write(r, "cases/2026/EXC-2026-0004.toml", good_case("EXC-2026-0004"));
    commit(r, "Bilal Khan", "2026-09-11", "A referral on a branch");
    git_at(r, "2026-09-11", &["checkout", "-q", "main"]);
    // At the merge: a case neither side touched deleted, another's enquiry removed.
    git_at(r, "2026-09-12", &["merge", "-q", "--no-ff", "--no-commit", "side"]);
    git_at(r, "2026-09-12", &["rm", "-q", "cases/2026/EXC-2026-0002.toml"]);
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    git_at(r, "2026-09-12", &["add", "-A"]);
    git_at(r, "2026-09-12", &["commit", "-q", "-m", "Merge side"]);
    let (code, found) = audit_both(r);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&found),
        vec![
            ("AUDIT-DELETED".into(), "EXC-2026-0002".into(), "error".into()),
            ("AUDIT-REWRITTEN".into(), "EXC-2026-0001".into(), "error".into()),
        ],
        "{found:#?}"
    );
    assert_eq!(trail_of(r, "EXC-2026-0001")[0]["message"], "Merge side");
}

#[test]
fn a_corrupt_object_is_damage_not_a_rewrite() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001") + ACTION2);
    commit(r, "Alex Smith", "2026-09-10", "A call");
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001") + ACTION2 + &ACTION2.replace("2026-09-10", "2026-09-11"),
    );
    commit(r, "Alex Smith", "2026-09-11", "Another call");
    // The older version's object replaced by another valid object: its hash no longer fits.
    let blob = git(r, &["rev-parse", "HEAD~1:cases/2026/EXC-2026-0001.toml"]);
    let other = {
        write(
            r,
            "other.txt",
            good_case("EXC-2026-0001") + &ACTION2.replace("No answer.", "Spoke to mother."),
        );
        git(r, &["hash-object", "-w", "other.txt"])
    };
    let path = |oid: &str| r.join(format!(".git/objects/{}/{}", &oid[..2], &oid[2..]));
    let target = path(&blob);
    let mut perms = std::fs::metadata(&target).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&target, perms).unwrap();
    std::fs::copy(path(&other), &target).unwrap();
    let o = run(r, &["check", "--audit"]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains(&blob) && stderr(&o).contains("git fsck"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("AUDIT-REWRITTEN"), "{}", stdout(&o));
}

#[test]
fn records_brought_in_by_a_migration_are_not_backdated() {
    let repo = git_repo();
    let r = repo.path();
    let closed = good_case("EXC-2026-0001").replace("status = \"open\"", "status = \"closed\"")
        + "\n[closure]\ndate = 2026-09-20\noutcome = \"on-roll\"\nschool = \"Quillbury Academy\"\n";
    write(r, "cases/2026/EXC-2026-0001.toml", &closed);
    commit(r, "Gita Patel", "2026-10-15", "Import the records kept before cme");
    let (code, found) = audit(r);
    assert_eq!(code, 1);
    assert_eq!(found[0]["rule"], "AUDIT-BACKDATED-CLOSURE");
    let import = git(r, &["rev-parse", "HEAD"]);
    let mut cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap();
    cfg.push_str(&format!("\n[audit]\nimported_in = \"{import}\"\n"));
    std::fs::write(r.join("cme.toml"), cfg).unwrap();
    let (code, found) = audit(r);
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
    // A case recorded after the import is still compared.
    write(
        r,
        "cases/2026/EXC-2026-0002.toml",
        closed.replace("EXC-2026-0001", "EXC-2026-0002"),
    );
    commit(r, "Mallory", "2026-10-20", "old case");
    let (code, found) = audit(r);
    assert_eq!(code, 1);
    assert_eq!(found[0]["case"], "EXC-2026-0002");
    // So is a case the import brought in open and that was closed later, dated back.
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0003.toml", good_case("EXC-2026-0003"));
    commit(r, "Gita Patel", "2026-10-15", "Import the records kept before cme");
    let import = git(r, &["rev-parse", "HEAD"]);
    let mut cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap();
    cfg.push_str(&format!("\n[audit]\nimported_in = \"{import}\"\n"));
    std::fs::write(r.join("cme.toml"), cfg).unwrap();
    write(
        r,
        "cases/2026/EXC-2026-0003.toml",
        closed.replace("EXC-2026-0001", "EXC-2026-0003"),
    );
    commit(r, "Mallory", "2026-10-20", "closed as of September");
    let (code, found) = audit(r);
    assert_eq!(code, 1, "{found:#?}");
    assert_eq!(found[0]["rule"], "AUDIT-BACKDATED-CLOSURE");
}
