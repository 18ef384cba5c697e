//! The audit trail from git: `cme history`, renames, merges, the cache, time travel and the
//! synthetic repository generator, on real git repositories made in temp dirs.

use super::*;
use serde_json::Value;

/// Commits everything as `who`, at a fixed date (so tests do not depend on the clock).
pub(crate) fn commit(dir: &Path, who: &str, date: &str, message: &str) {
    git(dir, &["add", "-A"]);
    let o = git_command()
        .current_dir(dir)
        .args([
            "-c",
            &format!("user.name={who}"),
            "-c",
            &format!("user.email={who}@example.invalid"),
            "commit",
            "-q",
            "-m",
            message,
        ])
        .env("GIT_AUTHOR_DATE", format!("{date}T10:00:00+01:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T10:00:00+01:00"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

pub(crate) fn git_repo() -> tempfile::TempDir {
    let repo = empty_repo("manchester");
    git(repo.path(), &["init", "-q", "--initial-branch=main"]);
    commit(repo.path(), "Admin", "2026-08-01", "Set up");
    repo
}

pub(crate) fn history(repo: &Path, id: &str) -> Vec<Value> {
    history_by(repo, id, None)
}

/// `cme history ID --format json`, with the first pass chosen by `pass` where given.
fn history_by(repo: &Path, id: &str, pass: Option<&str>) -> Vec<Value> {
    let mut cmd = cme();
    cmd.arg("--repo").arg(repo).args(["history", id, "--format", "json"]);
    if let Some(p) = pass {
        cmd.env("CME_TREE_PASS", p).env("CME_TIMING", "1");
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    if let Some(p) = pass {
        // The pass asked for is the one that ran (git's would fall back to libgit2 silently).
        let label = if p == "git" { "git log" } else { p };
        assert!(stderr(&o).contains(&format!("tree pass ({label})")), "{}", stderr(&o));
    }
    serde_json::from_slice::<Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

pub(crate) fn changes(entry: &Value) -> Vec<String> {
    entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}: {} -> {}",
                c["field"].as_str().unwrap(),
                c["old"].as_str().unwrap_or("null"),
                c["new"].as_str().unwrap_or("null")
            )
        })
        .collect()
}

const ACTION2: &str = "\n[[action]]\ndate = 2026-09-10\nkind = \"phone\"\nby = \"bkhan\"\noutcome = \"No answer.\"\n";

#[test]
fn history_lists_field_changes_newest_first() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    commit(r, "Alex Smith", "2026-09-02", "New referral EXC-2026-0001");
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001") + ACTION2);
    commit(r, "Bilal Khan", "2026-09-10", "Phone call");
    let closed = good_case("EXC-2026-0001").replace("status = \"open\"", "status = \"closed\"")
        + ACTION2
        + "\n[closure]\ndate = 2026-10-01\noutcome = \"on-roll\"\nschool = \"Quillbury Academy\"\n";
    write(r, "cases/2026/EXC-2026-0001.toml", closed);
    commit(r, "Carys Jones", "2026-10-01", "Close: on roll");

    let h = history(r, "EXC-2026-0001");
    assert_eq!(h.len(), 3);
    assert_eq!(h[0]["author"], "Carys Jones");
    assert_eq!(h[0]["email"], "Carys Jones@example.invalid");
    assert_eq!(h[0]["message"], "Close: on roll");
    assert_eq!(h[0]["date"], "2026-10-01T10:00:00+01:00");
    assert_eq!(h[0]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(
        changes(&h[0]),
        [
            "status: open -> closed",
            "closure.date: null -> 2026-10-01",
            "closure.outcome: null -> on-roll",
            "closure.school: null -> Quillbury Academy"
        ]
    );
    assert_eq!(changes(&h[1]), ["action[2]: null -> phone by bkhan"]);
    assert!(changes(&h[2]).contains(&"(file): null -> cases/2026/EXC-2026-0001.toml".to_string()));
    // The spec's shape: exactly these keys.
    let mut keys: Vec<&str> = h[0].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["author", "changes", "commit", "date", "email", "message"]);
    // The human form reads in the record's terms.
    let out = stdout(&run(r, &["history", "EXC-2026-0001"]));
    assert!(out.contains("action[2] added: phone by bkhan"), "{out}");
    assert!(out.contains("closure.outcome: (none) -> on-roll"), "{out}");
    // An unknown case is a usage error.
    assert_eq!(run(r, &["history", "EXC-2099-0001"]).status.code(), Some(2));
}

#[test]
fn renames_are_followed() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0007.toml", good_case("EXC-2026-0007"));
    commit(r, "Alex Smith", "2026-09-02", "New referral");
    // Filed under the wrong year, then moved.
    std::fs::create_dir_all(r.join("cases/2025")).unwrap();
    git(
        r,
        &["mv", "cases/2026/EXC-2026-0007.toml", "cases/2025/EXC-2026-0007.toml"],
    );
    commit(r, "Alex Smith", "2026-09-03", "Move to the right folder");
    // Then renumbered: a new id and file name, the same record.
    let text = std::fs::read_to_string(r.join("cases/2025/EXC-2026-0007.toml")).unwrap();
    std::fs::remove_file(r.join("cases/2025/EXC-2026-0007.toml")).unwrap();
    write(
        r,
        "cases/2026/EXC-2026-0008.toml",
        text.replace("EXC-2026-0007", "EXC-2026-0008"),
    );
    commit(r, "Alex Smith", "2026-09-04", "Renumber");
    let h = history(r, "EXC-2026-0008");
    assert_eq!(h.len(), 3, "{h:#?}");
    assert!(
        changes(&h[0])
            .contains(&"(renamed from): cases/2025/EXC-2026-0007.toml -> cases/2026/EXC-2026-0008.toml".to_string())
    );
    assert!(changes(&h[0]).contains(&"id: EXC-2026-0007 -> EXC-2026-0008".to_string()));
    assert_eq!(
        changes(&h[1]),
        ["(renamed from): cases/2026/EXC-2026-0007.toml -> cases/2025/EXC-2026-0007.toml"]
    );
}

#[test]
fn merges_list_each_change_once() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(r, "cases/2026/EXC-2026-0002.toml", good_case("EXC-2026-0002"));
    commit(r, "Alex Smith", "2026-09-02", "Two referrals");
    git(r, &["checkout", "-q", "-b", "bilal"]);
    write(r, "cases/2026/EXC-2026-0002.toml", good_case("EXC-2026-0002") + ACTION2);
    commit(r, "Bilal Khan", "2026-09-10", "Phone call on 0002");
    git(r, &["checkout", "-q", "main"]);
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001") + ACTION2);
    commit(r, "Alex Smith", "2026-09-11", "Phone call on 0001");
    let o = git_command()
        .current_dir(r)
        .args([
            "-c",
            "user.name=Merger",
            "-c",
            "user.email=m@example.invalid",
            "merge",
            "-q",
            "--no-edit",
            "bilal",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let h1 = history(r, "EXC-2026-0001");
    let h2 = history(r, "EXC-2026-0002");
    assert_eq!(h1.len(), 2, "{h1:#?}");
    assert_eq!(h2.len(), 2, "the merge commit is not listed again: {h2:#?}");
    assert_eq!(h2[0]["message"], "Phone call on 0002");
}

#[test]
fn the_cache_walks_only_new_commits_and_survives_a_rewrite() {
    let repo = git_repo();
    let r = repo.path();
    for i in 1..=5 {
        write(
            r,
            &format!("cases/2026/EXC-2026-{i:04}.toml"),
            good_case(&format!("EXC-2026-{i:04}")),
        );
        commit(r, "Alex Smith", "2026-09-02", &format!("Referral {i}"));
    }
    let head = cme::git::Git::open(r).unwrap().head().unwrap();
    let h = cme::audit::history(&cme::git::Git::open(r).unwrap(), head).unwrap();
    assert!(h.walked >= 5);
    let cached = cme::audit::history(&cme::git::Git::open(r).unwrap(), head).unwrap();
    assert_eq!(cached.walked, 0, "served from the cache");
    assert_eq!(cached.cases, h.cases);
    // One new commit: one commit walked.
    write(r, "cases/2026/EXC-2026-0003.toml", good_case("EXC-2026-0003") + ACTION2);
    commit(r, "Bilal Khan", "2026-09-10", "Phone call");
    let head2 = cme::git::Git::open(r).unwrap().head().unwrap();
    let h2 = cme::audit::history(&cme::git::Git::open(r).unwrap(), head2).unwrap();
    assert_eq!(h2.walked, 1);
    assert_eq!(h2.trail("EXC-2026-0003").len(), 2);
    assert_eq!(h2.trail("EXC-2026-0001").len(), 1);
    // A force-push rewrites history: the cache is not trusted, the result is right.
    git(r, &["reset", "-q", "--hard", "HEAD~2"]);
    write(r, "cases/2026/EXC-2026-0004.toml", good_case("EXC-2026-0004") + ACTION2);
    commit(r, "Dorota Nowak", "2026-09-12", "Rewritten");
    let head3 = cme::git::Git::open(r).unwrap().head().unwrap();
    let h3 = cme::audit::history(&cme::git::Git::open(r).unwrap(), head3).unwrap();
    assert!(h3.walked >= 4, "walked afresh");
    assert_eq!(h3.trail("EXC-2026-0003").len(), 1, "the dropped commit is gone");
    assert_eq!(h3.trail("EXC-2026-0004").len(), 2);
    assert!(h3.trail("EXC-2026-0005").is_empty(), "the dropped referral is gone");
    // An older commit (a board's site for a past period): its trails are the older part of
    // the tip's cache, without a walk, and the same as a walk gives.
    let older = git(r, &["rev-parse", "HEAD~1"]);
    let older = git2::Oid::from_str(&older).unwrap();
    let derived = cme::audit::history(&cme::git::Git::open(r).unwrap(), older).unwrap();
    assert_eq!(derived.walked, 0, "from the tip's cache");
    assert_eq!(derived.trail("EXC-2026-0004").len(), 1, "as it stood then");
    std::fs::remove_dir_all(r.join(".git/cme")).unwrap();
    let walked = cme::audit::history(&cme::git::Git::open(r).unwrap(), older).unwrap();
    assert!(walked.walked >= 3, "walked");
    assert_eq!(derived.commits, walked.commits);
    assert_eq!(derived.cases, walked.cases);
    assert_eq!(derived.head, walked.head);
    // Without the tip's cache, the older commit has a cache of its own.
    let again = cme::audit::history(&cme::git::Git::open(r).unwrap(), older).unwrap();
    assert_eq!(again.walked, 0, "the past commit from its own cache");
    let tip = cme::audit::history(&cme::git::Git::open(r).unwrap(), head3).unwrap();
    assert_eq!(tip.trail("EXC-2026-0004").len(), 2);
    // The cache lives in .git, never in the work tree.
    assert!(r.join(".git/cme").is_dir());
    assert!(git(r, &["status", "--porcelain"]).is_empty());
}

#[test]
fn the_site_is_built_from_committed_data_and_can_travel_in_time() {
    let repo = git_repo();
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    commit(r, "Alex Smith", "2026-09-02", "Referral 1");
    write(
        r,
        "cases/2026/EXC-2026-0002.toml",
        good_case("EXC-2026-0002")
            .replace("2026-09-01", "2026-10-01")
            .replace("2026-09-02", "2026-10-02")
            .replace("2026-09-04", "2026-10-04"),
    );
    commit(r, "Alex Smith", "2026-10-05", "Referral 2");
    // An uncommitted edit: the default build shows the committed record and says so.
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace("Good", "Uncommitted"),
    );
    let o = run_ok(r, &["build"]);
    let err = stderr(&o);
    assert!(
        err.contains("uncommitted changes") && err.contains("cases/2026/EXC-2026-0001.toml"),
        "{err}"
    );
    let page = std::fs::read_to_string(r.join("site/cases/EXC-2026-0001.html")).unwrap();
    assert!(page.contains("Test Good") && !page.contains("Uncommitted"));
    assert!(page.contains("Referral 1"), "the trail is on the case page");
    // --working-tree previews the edit.
    run_ok(r, &["build", "--working-tree"]);
    assert!(
        std::fs::read_to_string(r.join("site/cases/EXC-2026-0001.html"))
            .unwrap()
            .contains("Uncommitted")
    );
    // As of 30 September: the second referral did not exist yet; deadlines are for that day.
    let out = r.join("asof");
    let o = cme()
        .arg("--repo")
        .arg(r)
        .args(["build", "--as-of", "2026-09-30", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("cases/EXC-2026-0001.html").exists());
    assert!(!out.join("cases/EXC-2026-0002.html").exists());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("as of <strong>Wednesday 30 September 2026</strong>"),
        "deadlines computed for that day"
    );
    // A commit id works too, and a date before the first commit is refused.
    let first = git(r, &["rev-list", "--max-parents=0", "HEAD"]);
    let o = cme()
        .arg("--repo")
        .arg(r)
        .args(["build", "--as-of", &first, "--out"])
        .arg(r.join("first"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!r.join("first/cases/EXC-2026-0001.html").exists());
    let o = cme()
        .arg("--repo")
        .arg(r)
        .args(["build", "--as-of", "2020-01-01"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no commit on or before 2020-01-01"));
}

#[test]
fn generate_makes_a_valid_repository_deterministically() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [a.path(), b.path()] {
        let o = cme()
            .args(["--today", TODAY, "generate"])
            .arg(d.join("repo"))
            .args(["--cases", "60", "--commits", "400", "--seed", "9"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("generated 60 cases in 400 commits"),
            "{}",
            stderr(&o)
        );
    }
    let (ra, rb) = (a.path().join("repo"), b.path().join("repo"));
    assert_eq!(
        git(&ra, &["rev-parse", "HEAD"]),
        git(&rb, &["rev-parse", "HEAD"]),
        "same seed, same repository"
    );
    assert_eq!(git(&ra, &["rev-list", "--count", "HEAD"]), "400");
    let (code, json) = check_json(&ra, &[]);
    assert_eq!((code, json["errors"].as_u64()), (0, Some(0)), "{json:#}");
    assert_eq!(json["cases"], 60);
    let authors = git(&ra, &["log", "--format=%an"]);
    let distinct: std::collections::BTreeSet<&str> = authors.lines().collect();
    assert!(distinct.len() >= 5, "several officers");
    let log = git(&ra, &["log", "--format=%s"]);
    assert!(
        log.contains("closed:") && log.contains("assigned to") && log.contains("reopened"),
        "a realistic life: {log}"
    );
    // Refuses a directory that is not empty.
    let o = cme().args(["generate"]).arg(&ra).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    // Quiet in a pipe: no progress bar characters on stderr.
    let o = cme()
        .args(["--today", TODAY, "generate"])
        .arg(a.path().join("again"))
        .args(["--cases", "5", "--commits", "20"])
        .output()
        .unwrap();
    assert!(!stderr(&o).contains('['));

    // Every case's trail is the commits git lists for its file (closures, reopenings and
    // officers' edits over the generated months).
    let files = git(&ra, &["ls-files", "cases"]);
    let mut compared = 0;
    for path in files.lines() {
        let id = path.rsplit('/').next().unwrap().trim_end_matches(".toml");
        let theirs = git_trail(&ra, path);
        assert!(!theirs.is_empty(), "{path}");
        assert_eq!(our_trail(&ra, id), theirs, "{id}: cme history and git log differ");
        compared += 1;
    }
    assert_eq!(compared, 60);
}

pub(crate) fn audit(repo: &Path) -> (i32, Vec<Value>) {
    let (code, json) = check_json(repo, &["--audit"]);
    let found: Vec<Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("AUDIT-"))
        .cloned()
        .collect();
    (code, found)
}

#[test]
fn audit_finds_each_planted_tampering() {
    let repo = git_repo();
    let r = repo.path();
    let closed = |id: &str, date: &str| {
        good_case(id).replace("status = \"open\"", "status = \"closed\"")
            + &format!("\n[closure]\ndate = {date}\noutcome = \"on-roll\"\nschool = \"Quillbury Academy\"\n")
    };
    for i in 1..=5 {
        write(
            r,
            &format!("cases/2026/EXC-2026-{i:04}.toml"),
            good_case(&format!("EXC-2026-{i:04}")),
        );
    }
    commit(r, "Alex Smith", "2026-09-02", "Five referrals");
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001") + ACTION2);
    write(
        r,
        "cases/2026/EXC-2026-0002.toml",
        closed("EXC-2026-0002", "2026-10-01"),
    );
    commit(r, "Alex Smith", "2026-10-01", "A call; a closure");
    let (code, found) = audit(r);
    assert_eq!((code, found.len()), (0, 0), "an honest history: {found:#?}");

    // 1. A case file deleted.
    std::fs::remove_file(r.join("cases/2026/EXC-2026-0003.toml")).unwrap();
    commit(r, "Mallory", "2026-10-02", "tidy up");
    // 2. A closed case edited without a reopening.
    write(
        r,
        "cases/2026/EXC-2026-0002.toml",
        closed("EXC-2026-0002", "2026-10-01").replace("Quillbury Academy", "Another School"),
    );
    commit(r, "Mallory", "2026-10-03", "fix school");
    // 3. An enquiry already recorded, changed.
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001") + &ACTION2.replace("No answer.", "Spoke to mother."),
    );
    commit(r, "Mallory", "2026-10-04", "better wording");
    // 4. A closure dated before the case was first recorded.
    write(
        r,
        "cases/2026/EXC-2026-0006.toml",
        closed("EXC-2026-0006", "2026-09-04"),
    );
    commit(r, "Mallory", "2026-10-05", "old case");
    // Not tampering: a case recorded on 2 September, closed on 6 October with the date the
    // child went back on roll. (This audit walks only the commits since the first one's cache,
    // and must still know when the case was first recorded.)
    write(
        r,
        "cases/2026/EXC-2026-0004.toml",
        closed("EXC-2026-0004", "2026-09-30"),
    );
    commit(r, "Alex Smith", "2026-10-06", "Closed: on roll since 30 September");

    let (code, found) = audit(r);
    assert_eq!(code, 1);
    let rules: std::collections::BTreeSet<(&str, &str)> = found
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["case"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules,
        std::collections::BTreeSet::from([
            ("AUDIT-DELETED", "EXC-2026-0003"),
            ("AUDIT-CLOSED-EDIT", "EXC-2026-0002"),
            ("AUDIT-REWRITTEN", "EXC-2026-0001"),
            ("AUDIT-BACKDATED-CLOSURE", "EXC-2026-0006"),
        ]),
        "{found:#?}"
    );
    for d in &found {
        let m = d["message"].as_str().unwrap();
        assert!(
            m.contains("commit ") && m.contains("by Mallory"),
            "names the commit: {m}"
        );
    }
    let backdated = found.iter().find(|d| d["rule"] == "AUDIT-BACKDATED-CLOSURE").unwrap();
    assert!(
        backdated["message"]
            .as_str()
            .unwrap()
            .contains("first recorded in commit")
    );
    // A reopening is the honest way to change a closed case.
    let repo2 = git_repo();
    let r2 = repo2.path();
    write(
        r2,
        "cases/2026/EXC-2026-0001.toml",
        closed("EXC-2026-0001", "2026-10-01"),
    );
    commit(r2, "Alex Smith", "2026-10-01", "closed");
    write(
        r2,
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001")
            + "\n[[reopened]]\ndate = 2026-10-10\nreason = \"New address.\"\nclosed_on = 2026-10-01\nclosed_outcome = \"on-roll\"\n",
    );
    commit(r2, "Alex Smith", "2026-10-10", "reopened");
    let (code, found) = audit(r2);
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
}

#[test]
fn the_demo_histories_pass_the_audit_and_travel_in_time() {
    let shallow = git_command()
        .current_dir(root())
        .args(["rev-parse", "--is-shallow-repository"])
        .output()
        .unwrap();
    if String::from_utf8_lossy(&shallow.stdout).trim() != "false" {
        eprintln!("skipping: the demo history needs a full clone");
        return;
    }
    for repo in [root(), worcestershire_demo()] {
        let (code, found) = audit(&repo);
        assert_eq!((code, found.len()), (0, 0), "{}: {found:#?}", repo.display());
    }
    // The demo cases were committed as they happened: the site as of 30 June 2025.
    let dir = tempfile::tempdir().unwrap();
    let o = cme()
        .arg("--repo")
        .arg(root())
        .args(["build", "--as-of", "2025-06-30", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("cases/EXC-2025-0041.html").exists());
    assert!(
        !dir.path().join("cases/EXC-2026-0005.html").exists(),
        "not referred yet"
    );
    let page = std::fs::read_to_string(dir.path().join("cases/EXC-2025-0058.html")).unwrap();
    assert!(!page.contains("Reopened on"), "the reopening had not happened");
    let h = history(&root(), "EXC-2025-0066");
    assert!(h.len() >= 8);
    assert_eq!(h.last().unwrap()["author"], "Gita Patel");
}

/// The commits git lists for a file, newest first: `git log --follow`, which follows a move
/// but shows no diff for a merge and so leaves out a merge that changed the file against
/// every parent (a conflict resolved by hand); plain `git log --merges -- FILE` lists those,
/// and an audit trail must show them.
fn git_trail(r: &Path, path: &str) -> Vec<String> {
    let mut theirs: Vec<String> = git(r, &["log", "--follow", "--format=%H", "--", path])
        .lines()
        .map(str::to_string)
        .collect();
    theirs.extend(
        git(r, &["log", "--merges", "--format=%H", "--", path])
            .lines()
            .map(str::to_string),
    );
    let order: Vec<String> = git(r, &["log", "--format=%H"]).lines().map(str::to_string).collect();
    theirs.sort_by_key(|c| order.iter().position(|o| o == c));
    theirs.dedup();
    theirs
}

/// The commits `cme history` lists for a case, newest first.
fn our_trail(r: &Path, id: &str) -> Vec<String> {
    history(r, id)
        .iter()
        .map(|e| e["commit"].as_str().unwrap().to_string())
        .collect()
}

/// The same with the first pass done by `pass` (`git` or `libgit2`), the cache cleared first.
fn our_trail_by(r: &Path, id: &str, pass: &str) -> Vec<String> {
    let _ = std::fs::remove_dir_all(r.join(".git/cme"));
    history_by(r, id, Some(pass))
        .iter()
        .map(|e| e["commit"].as_str().unwrap().to_string())
        .collect()
}

/// An action appended to a case file, distinct for each `n`.
fn action(n: u32) -> String {
    format!("\n[[action]]\ndate = 2026-10-{n:02}\nkind = \"phone\"\nby = \"bkhan\"\noutcome = \"Call {n}.\"\n")
}

/// Runs git as `who` at `date` (author and committer), asserting it succeeds.
fn git_at(dir: &Path, who: &str, date: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec![
        "-c".to_string(),
        format!("user.name={who}"),
        "-c".into(),
        format!("user.email={who}@example.invalid"),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    git_command()
        .current_dir(dir)
        .args(&all)
        .env("GIT_AUTHOR_DATE", format!("{date}T10:00:00+01:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T10:00:00+01:00"))
        .output()
        .unwrap()
}

/// The commits `cme history` lists for a case are exactly those `git log --follow` lists for
/// its file (with the merges `git log` shows for it), in the same order, through branches and merges (one with a conflict resolved by
/// hand), a move to another folder, a revert and a deletion.
#[test]
fn history_lists_exactly_the_commits_git_log_lists() {
    let repo = git_repo();
    let r = repo.path();
    let case = |id: &str| good_case(id);
    for n in 1..=5 {
        write(
            r,
            &format!("cases/2026/EXC-2026-000{n}.toml"),
            case(&format!("EXC-2026-000{n}")),
        );
    }
    commit(r, "Alex Smith", "2026-09-02", "Five referrals");
    write(r, "cases/2026/EXC-2026-0001.toml", case("EXC-2026-0001") + &action(1));
    commit(r, "Alex Smith", "2026-09-03", "Call on 0001");

    // Two officers on two branches; both add to 0003, so the merge is resolved by hand.
    git(r, &["checkout", "-q", "-b", "bilal"]);
    write(r, "cases/2026/EXC-2026-0002.toml", case("EXC-2026-0002") + &action(2));
    commit(r, "Bilal Khan", "2026-09-04", "Call on 0002");
    write(r, "cases/2026/EXC-2026-0003.toml", case("EXC-2026-0003") + &action(3));
    commit(r, "Bilal Khan", "2026-09-05", "Call on 0003 (Bilal)");
    git(r, &["checkout", "-q", "main"]);
    write(r, "cases/2026/EXC-2026-0003.toml", case("EXC-2026-0003") + &action(4));
    commit(r, "Alex Smith", "2026-09-06", "Call on 0003 (Alex)");
    write(r, "cases/2026/EXC-2026-0005.toml", case("EXC-2026-0005") + &action(5));
    commit(r, "Alex Smith", "2026-09-07", "Call on 0005");
    let merged = git_at(r, "Merger", "2026-09-08", &["merge", "-q", "--no-edit", "bilal"]);
    assert!(!merged.status.success(), "0003 conflicts");
    write(
        r,
        "cases/2026/EXC-2026-0003.toml",
        case("EXC-2026-0003") + &action(3) + &action(4),
    );
    commit(r, "Merger", "2026-09-08", "Merge bilal: both calls on 0003");

    // A case moved to another year's folder, then edited.
    std::fs::create_dir_all(r.join("cases/2025")).unwrap();
    git(
        r,
        &["mv", "cases/2026/EXC-2026-0004.toml", "cases/2025/EXC-2026-0004.toml"],
    );
    commit(r, "Alex Smith", "2026-09-09", "Move 0004");
    write(r, "cases/2025/EXC-2026-0004.toml", case("EXC-2026-0004") + &action(6));
    commit(r, "Alex Smith", "2026-09-10", "Call on 0004");

    // A mistaken entry, reverted.
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        case("EXC-2026-0001") + &action(1) + &action(7),
    );
    commit(r, "Alex Smith", "2026-09-11", "Call on 0001 (wrong case)");
    let reverted = git_at(r, "Alex Smith", "2026-09-12", &["revert", "--no-edit", "HEAD"]);
    assert!(
        reverted.status.success(),
        "{}",
        String::from_utf8_lossy(&reverted.stderr)
    );

    // A case file deleted (what AUDIT-DELETED exists to catch).
    git(r, &["rm", "-q", "cases/2026/EXC-2026-0005.toml"]);
    commit(r, "Alex Smith", "2026-09-13", "Remove 0005");

    // A branch merged without conflict, touching only 0002.
    git(r, &["checkout", "-q", "-b", "dorota"]);
    write(
        r,
        "cases/2026/EXC-2026-0002.toml",
        case("EXC-2026-0002") + &action(2) + &action(8),
    );
    commit(r, "Dorota Nowak", "2026-09-14", "Call on 0002 (Dorota)");
    git(r, &["checkout", "-q", "main"]);
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        case("EXC-2026-0001") + &action(1) + &action(9),
    );
    commit(r, "Alex Smith", "2026-09-15", "Call on 0001");
    let merged = git_at(r, "Merger", "2026-09-16", &["merge", "-q", "--no-edit", "dorota"]);
    assert!(merged.status.success(), "{}", String::from_utf8_lossy(&merged.stderr));

    // (case, its last path, how many commits changed it)
    for (id, path, count) in [
        // referral, call, wrong call, revert, call
        ("EXC-2026-0001", "cases/2026/EXC-2026-0001.toml", 5),
        // referral, Bilal's call, Dorota's call
        ("EXC-2026-0002", "cases/2026/EXC-2026-0002.toml", 3),
        // referral, Bilal's call, Alex's call, the merge that kept both
        ("EXC-2026-0003", "cases/2026/EXC-2026-0003.toml", 4),
        // referral, move, call
        ("EXC-2026-0004", "cases/2025/EXC-2026-0004.toml", 3),
        // referral, call, deletion
        ("EXC-2026-0005", "cases/2026/EXC-2026-0005.toml", 3),
    ] {
        let theirs = git_trail(r, path);
        // Both ways of finding each commit's changes: libgit2's tree walk (small folders)
        // and `git log --raw` (large ones).
        for pass in ["libgit2", "git"] {
            let ours = our_trail_by(r, id, pass);
            assert_eq!(ours.len(), count, "{id} ({pass}): {ours:?}");
            assert_eq!(ours, theirs, "{id} ({pass}): cme history and git log --follow differ");
        }
    }
}

#[test]
fn a_past_commits_trails_from_the_tips_cache_are_those_a_walk_gives() {
    // The demo's own history, cloned: every older commit's trails worked out from the tip's
    // cache are what walking up to that commit gives (renames included).
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("repo");
    let o = git_command()
        .args(["clone", "-q"])
        .arg(root())
        .arg(&r)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let open = || cme::git::Git::open(&r).unwrap();
    let tip = open().head().unwrap();
    cme::audit::history(&open(), tip).unwrap();
    let olders: Vec<String> = git(&r, &["rev-list", "--before=2026-06-01", "-n", "3", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!olders.is_empty(), "the demo's history reaches back before June 2026");
    for older in olders {
        let older = git2::Oid::from_str(&older).unwrap();
        let derived = cme::audit::history(&open(), older).unwrap();
        assert_eq!(derived.walked, 0);
        let cache = r.join(".git/cme");
        let kept = dir.path().join("kept");
        std::fs::rename(&cache, &kept).unwrap();
        let walked = cme::audit::history(&open(), older).unwrap();
        std::fs::remove_dir_all(&cache).unwrap();
        std::fs::rename(&kept, &cache).unwrap();
        assert!(walked.walked > 0);
        assert_eq!(derived.commits, walked.commits, "{older}");
        let mut a: Vec<_> = derived.cases.iter().collect();
        let mut b: Vec<_> = walked.cases.iter().collect();
        a.sort_by(|x, y| x.0.cmp(y.0));
        b.sort_by(|x, y| x.0.cmp(y.0));
        assert_eq!(a, b, "{older}");
    }
}
