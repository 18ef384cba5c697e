//! Nothing lost, nothing hidden: a build never deletes what it did not make, two edits at
//! once lose nothing, `--commit` commits only the command's own change, one child has one
//! open case. Each test reproduces a failure that was found, then shows it fixed.

use super::*;
use std::path::Path;

/// Git with the user's own configuration kept out (a global `commit.gpgsign` or identity
/// must not change what the tests see).
pub fn isolated_git(dir: &Path, args: &[&str]) -> std::process::Output {
    git_command()
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let o = isolated_git(dir, args);
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// `cme` in `dir` with an empty home (no global git identity or settings).
fn cme_home(dir: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    cme()
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .arg("--repo")
        .arg(dir)
        .args(["--today", TODAY])
        .args(args)
        .output()
        .unwrap()
}

/// A case repository in git with one committed case and an identity, and a home folder
/// with nothing in it.
struct GitRepo {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl GitRepo {
    fn new(identity: bool) -> GitRepo {
        let dir = empty_repo("manchester");
        write(dir.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
        git_ok(dir.path(), &["init", "-q", "-b", "main"]);
        if identity {
            git_ok(dir.path(), &["config", "user.name", "Alex Smith"]);
            git_ok(dir.path(), &["config", "user.email", "asmith@example.invalid"]);
        }
        git_ok(dir.path(), &["add", "-A"]);
        // Set up on the day the case was referred (a board's site reads the records as they
        // stood at the end of a month that has ended).
        let o = git_command()
            .current_dir(dir.path())
            .args(["-c", "user.name=Set Up", "-c", "user.email=setup@example.invalid"])
            .args(["commit", "-q", "-m", "Set up"])
            .env("GIT_AUTHOR_DATE", "2026-09-01T12:00:00+00:00")
            .env("GIT_COMMITTER_DATE", "2026-09-01T12:00:00+00:00")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        GitRepo {
            dir,
            home: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn cme(&self, args: &[&str]) -> std::process::Output {
        cme_home(self.path(), self.home.path(), args)
    }
    fn ok(&self, args: &[&str]) -> String {
        let o = self.cme(args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "cme {args:?}:\n{}\n{}",
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }
}

fn act_args<'a>(case: &'a str, outcome: &'a str) -> Vec<&'a str> {
    vec!["act", case, "--kind", "phone", "--by", "asmith", "--outcome", outcome]
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

fn leftovers(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| {
            p.contains("cme-staging") || p.contains(".building-") || p.contains(".tmp-") || p.contains("cme-old")
        })
        .collect()
}

// 1. Output folders.

#[test]
fn build_refuses_every_folder_it_did_not_make() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let other = tempfile::tempdir().unwrap();
    let docs = other.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("important.docx"), "minutes").unwrap();
    std::fs::create_dir_all(r.join(".git")).unwrap();
    let refused: Vec<(std::path::PathBuf, &str)> = vec![
        (r.join("cases"), "inside the repository's cases/"),
        (r.join("cases/2026/site"), "inside the repository's cases/"),
        (r.to_path_buf(), "it is the case repository"),
        (r.join(".."), "it is the case repository"),
        (r.join(".git/site"), "inside the repository's .git/"),
        (r.join("policy"), "inside the repository's policy/"),
        (docs.clone(), "not empty and is not a previous cme build"),
        (r.join("cme.toml"), "is a file"),
    ];
    let mut said = String::new();
    for (out, why) in &refused {
        let args = ["build", "--out", out.to_str().unwrap()];
        let o = run(r, &args);
        assert_eq!(o.status.code(), Some(2), "{}: {}", out.display(), stderr(&o));
        said.push_str(&format!("# {why}\n{}", shown(r, &args, &o)));
    }
    // Each refusal says why, and what to do instead.
    let other_path = std::fs::canonicalize(other.path()).unwrap();
    insta::assert_snapshot!(
        "build-refusals",
        said.replace(other_path.to_str().unwrap(), "[OTHER]")
            .replace(other.path().to_str().unwrap(), "[OTHER]")
    );
    // Everything is where it was, and no half-built site was left anywhere.
    assert!(r.join("cases/2026/EXC-2026-0001.toml").is_file());
    assert!(r.join("cme.toml").is_file());
    assert_eq!(std::fs::read_to_string(docs.join("important.docx")).unwrap(), "minutes");
    assert!(leftovers(r).is_empty(), "{:?}", leftovers(r));
    assert!(leftovers(other.path()).is_empty());
    // `--out .` from inside the repository.
    let o = cme()
        .current_dir(r)
        .args(["--today", TODAY, "build", "--out", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(leftovers(r).is_empty(), "{:?}", leftovers(r));
    // A folder holding case records is refused even when marked as a build.
    let marked = other.path().join("marked");
    write(&marked, ".cme-site", "");
    write(&marked, "cases/2026/EXC-2026-0009.toml", "x");
    let o = run(r, &["build", "--out", marked.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds case records"), "{}", stderr(&o));
}

#[test]
fn build_replaces_only_its_own_builds_and_cleans_up_after_a_failure() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("site");
    // A new folder, then the same folder again: a build replaces its own previous build.
    for _ in 0..2 {
        run_ok(r, &["build", "--out", out.to_str().unwrap()]);
    }
    assert!(out.join(".cme-site").is_file(), "builds are marked");
    assert_eq!(
        std::fs::read_to_string(out.join(".gitignore")).unwrap().lines().last(),
        Some("*")
    );
    // An empty folder is fine; so is a build made before builds were marked.
    let empty = parent.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(
        run(r, &["build", "--out", empty.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let legacy = parent.path().join("legacy");
    write(&legacy, "index.html", "<html></html>");
    write(&legacy, "assets/cme.css", "");
    write(&legacy, "cases/EXC-2026-0001.html", "");
    assert_eq!(
        run(r, &["build", "--out", legacy.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert!(legacy.join(".cme-site").is_file());
    // A staging folder left by a build that was killed is removed by the next build.
    let stale = parent.path().join(".site.cme-staging-999999999");
    write(&stale, ".cme-site", "");
    write(&stale, "index.html", "a child's name");
    assert_eq!(
        run(r, &["build", "--out", out.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert!(!stale.exists(), "the killed build's staging folder is gone");
    // A build that fails (a broken template override) leaves the previous build and no staging.
    write(r, "templates/index.html", "{% if %}");
    let o = run(r, &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(out.join("index.html").is_file(), "the previous build is still served");
    assert!(leftovers(parent.path()).is_empty(), "{:?}", leftovers(parent.path()));
}

#[test]
fn a_site_built_inside_a_repository_is_never_staged_by_git() {
    let g = GitRepo::new(true);
    let out = g.path().join("published");
    run_ok(g.path(), &["build", "--out", out.to_str().unwrap()]);
    git_ok(g.path(), &["add", "-A"]);
    let staged = git_ok(g.path(), &["diff", "--cached", "--name-only"]);
    assert!(!staged.contains("published"), "{staged}");
}

#[test]
fn a_template_override_cannot_publish_a_file_from_outside_the_repository() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("passwd"), "root:x:0:0").unwrap();
    std::fs::create_dir_all(r.join("templates")).unwrap();
    std::os::unix::fs::symlink(secret.path().join("passwd"), r.join("templates/cme.css")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = run(r, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("outside the repository"), "{}", stderr(&o));
    assert!(!site.exists());
    // A link to a file inside the repository is followed.
    write(r, "theme/cme.css", "body { color: black }");
    std::fs::remove_file(r.join("templates/cme.css")).unwrap();
    std::os::unix::fs::symlink(r.join("theme/cme.css"), r.join("templates/cme.css")).unwrap();
    run_ok(r, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(site.join("assets/cme.css")).unwrap(),
        "body { color: black }"
    );
}

// 2. Two edits at once.

#[test]
fn edits_at_the_same_time_lose_nothing() {
    let g = GitRepo::new(true);
    let pairs = 25;
    let outcomes: Vec<String> = (0..pairs * 2).map(|i| format!("Call number {i}.")).collect();
    let codes: Vec<Option<i32>> = std::thread::scope(|s| {
        let handles: Vec<_> = outcomes
            .iter()
            .map(|o| s.spawn(|| g.cme(&act_args("EXC-2026-0001", o)).status.code()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(codes.iter().all(|c| *c == Some(0)), "{codes:?}");
    let text = std::fs::read_to_string(g.path().join("cases/2026/EXC-2026-0001.toml")).unwrap();
    for o in &outcomes {
        assert_eq!(count(&text, &format!("\"{o}\"")), 1, "{o} was written once");
    }
    assert_eq!(run(g.path(), &["check"]).status.code(), Some(0));
    // No temporary file anywhere git would see it.
    assert!(leftovers(&g.path().join("cases")).is_empty());
    assert_eq!(
        git_ok(g.path(), &["status", "--porcelain", "--untracked-files=all"]),
        "M cases/2026/EXC-2026-0001.toml"
    );
}

#[test]
fn a_closure_racing_an_enquiry_loses_neither() {
    for round in 0..4 {
        let g = GitRepo::new(true);
        let (close, act) = std::thread::scope(|s| {
            let c = s.spawn(|| {
                g.cme(&[
                    "close",
                    "EXC-2026-0001",
                    "--outcome",
                    "on-roll",
                    "--school",
                    "Quillbury Academy",
                ])
            });
            let a = s.spawn(|| g.cme(&act_args("EXC-2026-0001", "Racing call.")));
            (c.join().unwrap(), a.join().unwrap())
        });
        let text = std::fs::read_to_string(g.path().join("cases/2026/EXC-2026-0001.toml")).unwrap();
        assert_eq!(close.status.code(), Some(0), "round {round}: {}", stderr(&close));
        assert!(
            text.contains("outcome = \"on-roll\""),
            "round {round}: the closure is kept"
        );
        match act.status.code() {
            // The enquiry came first: it is kept too.
            Some(0) => assert!(text.contains("Racing call."), "round {round}: the enquiry is kept"),
            // The closure came first: the enquiry was refused, saying so, not lost silently.
            _ => assert!(stderr(&act).contains("is closed"), "round {round}: {}", stderr(&act)),
        }
    }
}

#[test]
fn temporary_files_live_where_git_ignores_them_and_are_cleaned_up() {
    let g = GitRepo::new(true);
    // What a command killed in the middle of a write leaves behind.
    let tmp = g.path().join(".git/cme/tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("EXC-2026-0001.toml.4242"), "half a record").unwrap();
    assert_eq!(
        git_ok(g.path(), &["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    g.ok(&act_args("EXC-2026-0001", "After the crash."));
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "removed by the next edit");
}

// 3. `--commit` commits what the command did, and only that.

#[test]
fn a_commit_that_cannot_be_made_writes_nothing() {
    let g = GitRepo::new(false);
    let args = [
        "new",
        "--given-name",
        "Ava",
        "--family-name",
        "Example",
        "--dob",
        "2014-05-14",
        "--source",
        "school",
        "--reason",
        "other",
        "--commit",
    ];
    let o = g.cme(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    insta::assert_snapshot!("commit-without-an-identity", shown(g.path(), &args, &o));
    assert_eq!(std::fs::read_dir(g.path().join("cases/2026")).unwrap().count(), 1);
    // Set up, the retry opens exactly one case.
    git_ok(g.path(), &["config", "user.name", "Alex Smith"]);
    git_ok(g.path(), &["config", "user.email", "asmith@example.invalid"]);
    g.ok(&args);
    assert_eq!(std::fs::read_dir(g.path().join("cases/2026")).unwrap().count(), 2);
    assert_eq!(git_ok(g.path(), &["status", "--porcelain"]), "");
}

#[test]
fn a_commit_that_fails_after_the_write_says_so_and_how_to_commit() {
    let g = GitRepo::new(true);
    // Another git process holds the branch.
    std::fs::write(g.path().join(".git/refs/heads/main.lock"), "").unwrap();
    let o = g.cme(&[&act_args("EXC-2026-0001", "Written, not committed.")[..], &["--commit"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    insta::assert_snapshot!("commit-failed-after-the-write", shown(g.path(), &["act", "..."], &o));
    let text = std::fs::read_to_string(g.path().join("cases/2026/EXC-2026-0001.toml")).unwrap();
    assert!(text.contains("Written, not committed."));
}

#[test]
fn commit_takes_only_the_commands_own_change() {
    let g = GitRepo::new(true);
    write(g.path(), "cases/2026/EXC-2026-0002.toml", good_case("EXC-2026-0002"));
    git_ok(g.path(), &["add", "-A"]);
    git_ok(g.path(), &["commit", "-q", "-m", "Second case"]);
    // Another case's change is staged; this case has an officer's uncommitted hand edit.
    let other = g.path().join("cases/2026/EXC-2026-0002.toml");
    std::fs::write(&other, good_case("EXC-2026-0002").replace("known-in-area", "unknown")).unwrap();
    git_ok(g.path(), &["add", "cases/2026/EXC-2026-0002.toml"]);
    let mine = g.path().join("cases/2026/EXC-2026-0001.toml");
    std::fs::write(
        &mine,
        good_case("EXC-2026-0001").replace("known-in-area", "known-other-la"),
    )
    .unwrap();
    let head = git_ok(g.path(), &["rev-parse", "HEAD"]);
    let act = [&act_args("EXC-2026-0001", "Phoned the family.")[..], &["--commit"]].concat();
    let o = g.cme(&act);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    insta::assert_snapshot!(
        "commit-refused-over-hand-edits",
        shown(g.path(), &["act", "...", "--commit"], &o)
    );
    assert_eq!(git_ok(g.path(), &["rev-parse", "HEAD"]), head, "nothing committed");
    assert!(
        !std::fs::read_to_string(&mine).unwrap().contains("Phoned"),
        "nothing written"
    );
    // Asked to, it commits the earlier edit with its own, naming it; the staged change to the
    // other case stays staged and out of the commit.
    g.ok(&[&act[..], &["--include-uncommitted"]].concat());
    assert_eq!(
        git_ok(g.path(), &["show", "--name-only", "--format=", "HEAD"]),
        "cases/2026/EXC-2026-0001.toml"
    );
    let message = git_ok(g.path(), &["log", "-1", "--format=%B"]);
    assert!(
        message.contains("child.whereabouts: known-in-area -> known-other-la"),
        "{message}"
    );
    assert_eq!(
        git_ok(g.path(), &["diff", "--cached", "--name-only"]),
        "cases/2026/EXC-2026-0002.toml"
    );
    assert_eq!(
        git_ok(g.path(), &["diff", "--name-only"]),
        "",
        "the committed file matches the commit"
    );
}

// 4. One child, one open case.

fn new_child(g: &GitRepo, given: &str, family: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "new",
        "--given-name",
        given,
        "--family-name",
        family,
        "--dob",
        "2013-02-11",
        "--source",
        "school",
        "--reason",
        "other",
    ];
    args.extend_from_slice(extra);
    g.cme(&args)
}

#[test]
fn new_refuses_a_second_open_case_for_a_child() {
    let g = GitRepo::new(true);
    let first = new_child(&g, "Zoë-Anne", "Marchetti", &["--upn", "R674123101121"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let n = || std::fs::read_dir(g.path().join("cases/2026")).unwrap().count();
    assert_eq!(n(), 2);
    for (given, family, extra) in [
        ("Zoë-Anne", "Marchetti", vec![]),
        ("zoe anne", "MARCHETTI", vec![]),
        ("Zoe-Ane", "Marchetti", vec![]),
        ("Mia", "Other", vec!["--upn", "R674123101121"]),
    ] {
        let o = new_child(&g, given, family, &extra);
        assert_eq!(o.status.code(), Some(1), "{given} {family}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("EXC-2026-0002"),
            "names the open case: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("--allow-duplicate"), "{}", stderr(&o));
        assert_eq!(n(), 2, "nothing written");
    }
    // With a reason, kept in the record, and the check accepts the pair.
    let o = new_child(
        &g,
        "Zoe-Anne",
        "Marchetti",
        &["--allow-duplicate", "Second episode tracked for Leeds."],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(g.path().join("cases/2026/EXC-2026-0003.toml")).unwrap();
    assert!(
        text.contains("duplicate_reason = \"Second episode tracked for Leeds.\""),
        "{text}"
    );
    let (code, json) = check_json(g.path(), &[]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn check_finds_two_open_cases_for_one_child_even_when_checking_one_file() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let with_upn = |id: &str| good_case(id).replace("whereabouts = ", "upn = \"R674123101121\"\nwhereabouts = ");
    write(r, "cases/2026/EXC-2026-0001.toml", with_upn("EXC-2026-0001"));
    write(r, "cases/2026/EXC-2026-0002.toml", with_upn("EXC-2026-0002"));
    for args in [vec![], vec!["cases/2026/EXC-2026-0002.toml"]] {
        let files: Vec<String> = args.iter().map(|a| r.join(a).display().to_string()).collect();
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let (code, json) = check_json(r, &files);
        assert_eq!(code, 1, "{json:#}");
        let d: Vec<&serde_json::Value> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "COM-DUPLICATE" && d["file"] == "cases/2026/EXC-2026-0002.toml")
            .collect();
        assert_eq!(d.len(), 1, "{json:#}");
        assert_eq!(d[0]["severity"], "error");
        assert_eq!(d[0]["line"], 9);
        assert!(d[0]["message"].as_str().unwrap().contains("EXC-2026-0001"));
    }
}

#[test]
fn importing_a_ctf_twice_changes_nothing() {
    let g = GitRepo::new(true);
    let ctf = root().join("tests/fixtures/ctf/missing.xml");
    let first = g.ok(&["import-ctf", ctf.to_str().unwrap(), "--commit"]);
    assert!(first.contains("opened"), "{first}");
    let head = git_ok(g.path(), &["rev-parse", "HEAD"]);
    let files = || {
        let mut v: Vec<String> = walkdir::WalkDir::new(g.path().join("cases"))
            .into_iter()
            .flatten()
            .map(|e| e.path().display().to_string())
            .collect();
        v.sort();
        v
    };
    let before = files();
    let again = g.cme(&["import-ctf", ctf.to_str().unwrap(), "--commit"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(!stdout(&again).contains("opened"), "{}", stdout(&again));
    assert!(
        stdout(&again).contains("already imported from this file"),
        "{}",
        stdout(&again)
    );
    assert_eq!(files(), before);
    assert_eq!(git_ok(g.path(), &["rev-parse", "HEAD"]), head);
}

// 7. The CI that `cme init` writes.

#[test]
fn a_pull_request_that_changes_the_setup_checks_every_case() {
    let g = GitRepo::new(true);
    git_ok(g.path(), &["checkout", "-q", "-b", "feature"]);
    let check = |g: &GitRepo| g.cme(&["check", "--changed-since", "main"]);
    // Nothing that a check looks at: said, not silently passed.
    write(g.path(), "README.md", "notes");
    git_ok(g.path(), &["add", "-A"]);
    git_ok(g.path(), &["commit", "-q", "-m", "Notes"]);
    let o = check(&g);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("nothing to check"), "{}", stderr(&o));
    // A case file: that file is checked.
    write(g.path(), "cases/2026/EXC-2026-0002.toml", good_case("EXC-2026-0002"));
    git_ok(g.path(), &["add", "-A"]);
    git_ok(g.path(), &["commit", "-q", "-m", "Referral"]);
    let o = check(&g);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("checking the 1 case file changed since main"),
        "{}",
        stderr(&o)
    );
    // The officer who has the case removed from cme.toml: every case is checked, and fails.
    let cfg = std::fs::read_to_string(g.path().join("cme.toml")).unwrap();
    let without = cfg.replace(
        "[[officer]]\nid = \"asmith\"\nname = \"Alex Smith\"\nrole = \"cme-officer\"\n",
        "",
    );
    assert_ne!(cfg, without);
    std::fs::write(g.path().join("cme.toml"), without).unwrap();
    git_ok(g.path(), &["add", "-A"]);
    git_ok(g.path(), &["commit", "-q", "-m", "Team changes"]);
    let o = check(&g);
    assert!(
        stderr(&o).contains("cme.toml changed since main: checking every case"),
        "{}",
        stderr(&o)
    );
    assert_ne!(
        o.status.code(),
        Some(0),
        "the records that name the officer fail: {}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("EXC-2026-0001"), "{}", stdout(&o));
}

#[test]
fn the_ci_init_writes_checks_the_setup_and_audits_the_protected_branch() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let o = cme()
        .args(["init"])
        .arg(&repo)
        .args([
            "--pack",
            "manchester",
            "--authority",
            "Test Borough Council",
            "--code",
            "TBC",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let github = std::fs::read_to_string(repo.join(".github/workflows/cme.yml")).unwrap();
    assert!(github.contains("cme check --format github --changed-since"), "{github}");
    assert!(github.contains("cme check --audit"), "{github}");
    let gitlab = std::fs::read_to_string(repo.join(".gitlab-ci.yml")).unwrap();
    assert!(gitlab.contains("cme check --audit"), "{gitlab}");
    assert!(gitlab.contains("GIT_DEPTH: 0"), "the audit needs the whole history");
    let hook = std::fs::read_to_string(repo.join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("cme\\.toml|policy/|templates/"), "{hook}");
}

// 8. Hardening.

/// `cme serve --port 0` on `repo`, its temporary folder in `tmp`; the port it serves on.
fn start_serve(repo: &Path, tmp: &Path) -> (std::process::Child, u16) {
    use std::io::BufRead;
    let mut child = cme_process()
        .arg("--repo")
        .arg(repo)
        .args(["--today", TODAY, "serve", "--port", "0"])
        .env("TMPDIR", tmp)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut port = 0u16;
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 {
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            port = rest.split('/').next().unwrap().parse().unwrap();
            break;
        }
        line.clear();
    }
    assert_ne!(port, 0, "serve said where it serves");
    // Keep reading what it says, so that it never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    (child, port)
}

#[test]
fn serve_removes_its_site_on_ctrl_c() {
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, _) = start_serve(repo.path(), tmp.path());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "the temporary site is removed"
    );
}

#[test]
fn serve_answers_only_its_own_host_caps_requests_and_cleans_up_on_sigterm() {
    use std::io::{Read, Write};
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, port) = start_serve(repo.path(), tmp.path());
    let site: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert_eq!(site.len(), 1);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        site[0].metadata().unwrap().permissions().mode() & 0o777,
        0o700,
        "only this user can read it"
    );
    let ask = |request: &str| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    };
    let good = ask(&format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
    assert!(good.starts_with("HTTP/1.1 200"), "{good}");
    assert!(good.contains("Example City Council"));
    assert!(
        good.contains("it shows the working tree, uncommitted edits included"),
        "serve says what it shows"
    );
    let rebound = ask(&format!("GET / HTTP/1.1\r\nHost: attacker.example:{port}\r\n\r\n"));
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    assert!(!rebound.contains("Example City Council"));
    let long = ask(&format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000)));
    assert!(long.starts_with("HTTP/1.1 414"), "{}", &long[..long.len().min(80)]);
    let headers = ask(&format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{}\r\n",
        "X-Pad: y\r\n".repeat(200)
    ));
    assert!(
        headers.starts_with("HTTP/1.1 431"),
        "{}",
        &headers[..headers.len().min(80)]
    );
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "the temporary site is removed"
    );
}

#[test]
fn control_characters_are_refused_in_records_and_escaped_in_the_terminal() {
    let repo = super::history::git_repo();
    let r = repo.path();
    let hostile = good_case("EXC-2026-0001").replace(
        "by = \"asmith\"\n",
        "by = \"asmith\"\noutcome = \"Visited.\\u001b]0;owned\\u0007\\u001b[2J\"\n",
    );
    write(r, "cases/2026/EXC-2026-0001.toml", &hostile);
    let o = run(r, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("contains a control character (U+001B)"), "{out}");
    assert!(!out.contains('\u{1b}'), "nothing acts on the terminal");
    // What git holds is shown escaped: authors, messages, values.
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    git(r, &["add", "-A"]);
    let o = git_command()
        .current_dir(r)
        .args([
            "-c",
            "user.name=Mal\u{1b}[31mlory",
            "-c",
            "user.email=m@example.invalid",
            "commit",
            "-q",
            "-m",
            "tidy\u{1b}[2J",
        ])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_ok(r, &["history", "EXC-2026-0001"]);
    let out = stdout(&o);
    assert!(out.contains("Mal\\u{1b}[31mlory"), "{out}");
    assert!(out.contains("tidy\\u{1b}[2J"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
}

#[test]
fn no_date_typed_on_the_command_line_makes_a_command_panic() {
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    for today in [
        "+262142-12-31",
        "-262143-01-01",
        "9999-12-31",
        "0000-01-01",
        "2026-02-30",
        "20261122",
    ] {
        for args in [
            vec!["stats"],
            vec!["status"],
            vec!["check"],
            vec!["stats", "--from", today],
        ] {
            let o = cme()
                .arg("--repo")
                .arg(repo.path())
                .args(["--today", today])
                .args(&args)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "--today {today} {args:?}: {}", stderr(&o));
            assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        }
    }
    let o = run(repo.path(), &["stats", "--to", "2199-12-31"]);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn records_failing_validation_are_left_out_of_the_figures_and_the_page_says_so() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(
        r,
        "cases/2026/EXC-2026-0002.toml",
        good_case("EXC-2026-0002").replace("assigned_to = \"asmith\"", "assigned_to = \"nobody\""),
    );
    let o = run_ok(r, &["stats", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["left_out"], 1);
    assert_eq!(json["total"]["registered"], 1, "only the record that passes is counted");
    assert!(
        stderr(&o).contains("1 case file failing validation is left out"),
        "{}",
        stderr(&o)
    );
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(
        run(r, &["build", "--out", site.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let page = std::fs::read_to_string(site.join("stats/index.html")).unwrap();
    assert!(
        page.contains("1 case record failing validation is left out of these figures"),
        "{page}"
    );
}

#[test]
fn a_setup_file_reached_through_a_link_out_of_the_repository_is_refused() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::rename(r.join("policy"), elsewhere.path().join("policy")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("policy"), r.join("policy")).unwrap();
    let o = run(r, &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("outside the repository"), "{}", stderr(&o));
    // cases/ itself as a link is not followed either.
    std::fs::remove_file(r.join("policy")).unwrap();
    std::fs::rename(elsewhere.path().join("policy"), r.join("policy")).unwrap();
    std::fs::rename(r.join("cases"), elsewhere.path().join("cases")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("cases"), r.join("cases")).unwrap();
    let (code, json) = check_json(r, &[]);
    assert_eq!(code, 1, "{json:#}");
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("symbolic link"),
        "{json:#}"
    );
}

#[test]
fn an_edit_waits_for_the_lock_and_a_killed_holder_releases_it() {
    let g = GitRepo::new(true);
    let lock = g.path().join(".git/cme/edit.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    // Another process holds the editing lock (flock(1) takes the same kind of lock).
    let mut holder = std::process::Command::new("flock")
        .arg("--no-fork")
        .arg(&lock)
        .args(["sleep", "60"])
        .spawn()
        .expect("flock (util-linux) runs");
    // Wait until flock holds the lock (however slow the machine is to start it).
    let probe = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .unwrap();
    for _ in 0..500 {
        match probe.try_lock() {
            Ok(()) => {
                probe.unlock().unwrap();
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(_) => break,
        }
    }
    assert!(probe.try_lock().is_err(), "flock holds the lock");
    let mut waiting = cme_process()
        .current_dir(g.path())
        .env("HOME", g.home.path())
        .arg("--repo")
        .arg(g.path())
        .args(["--today", TODAY])
        .args(act_args("EXC-2026-0001", "After the wait."))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "the edit waits while another holds the lock"
    );
    // The holder is killed: the operating system releases its lock, and the edit goes on.
    holder.kill().unwrap();
    holder.wait().unwrap();
    let status = waiting.wait().unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(g.path().join("cases/2026/EXC-2026-0001.toml")).unwrap();
    assert!(text.contains("After the wait."));
}

// What a second look found (issue 11's review).

#[test]
fn a_build_keeps_what_someone_else_put_in_its_folder() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("site");
    assert_eq!(
        run(r, &["build", "--out", out.to_str().unwrap()]).status.code(),
        Some(0)
    );
    write(&out, "mine/notes.txt", "an officer's notes");
    let o = run(r, &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("mine/notes.txt"), "{}", stderr(&o));
    assert!(out.join("mine/notes.txt").is_file());
    // A marker someone wrote by hand does not make a folder a build.
    let docs = parent.path().join("docs");
    write(&docs, ".cme-site", "anything");
    write(&docs, "thesis.txt", "years of work");
    assert_eq!(
        run(r, &["build", "--out", docs.to_str().unwrap()]).status.code(),
        Some(2)
    );
    assert!(docs.join("thesis.txt").is_file());
    // An empty folder keeps its permissions.
    use std::os::unix::fs::PermissionsExt;
    let private = parent.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o750)).unwrap();
    assert_eq!(
        run(r, &["build", "--out", private.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert_eq!(std::fs::metadata(&private).unwrap().permissions().mode() & 0o777, 0o750);
}

#[test]
fn a_template_cannot_publish_git_config_or_a_case_record() {
    let g = GitRepo::new(true);
    let r = g.path();
    std::fs::create_dir_all(r.join("templates")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    for target in ["../.git/config", "../cases/2026/EXC-2026-0001.toml"] {
        let link = r.join("templates/cme.css");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();
        for audience in [&["--working-tree"][..], &["--audience", "board", "--period", "quarter"]] {
            let o = run(
                r,
                &[&["build"][..], audience, &["--out", site.to_str().unwrap()]].concat(),
            );
            assert_eq!(o.status.code(), Some(2), "{target} {audience:?}: {}", stderr(&o));
            assert!(stderr(&o).contains("never git's or the case records"), "{}", stderr(&o));
        }
    }
    assert!(!site.exists());
}

#[test]
fn reopening_does_not_open_a_second_case_for_a_child() {
    let g = GitRepo::new(true);
    let with_upn = |id: &str| good_case(id).replace("whereabouts = ", "upn = \"R674123101121\"\nwhereabouts = ");
    write(g.path(), "cases/2026/EXC-2026-0001.toml", with_upn("EXC-2026-0001"));
    g.ok(&[
        "close",
        "EXC-2026-0001",
        "--outcome",
        "on-roll",
        "--school",
        "Quillbury Academy",
    ]);
    write(g.path(), "cases/2026/EXC-2026-0002.toml", with_upn("EXC-2026-0002"));
    let before = std::fs::read_to_string(g.path().join("cases/2026/EXC-2026-0001.toml")).unwrap();
    let o = g.cme(&["reopen", "EXC-2026-0001", "--reason", "New address reported."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("EXC-2026-0002") && stderr(&o).contains("--allow-duplicate"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(g.path().join("cases/2026/EXC-2026-0001.toml")).unwrap(),
        before
    );
    g.ok(&[
        "reopen",
        "EXC-2026-0001",
        "--reason",
        "New address reported.",
        "--allow-duplicate",
        "Two authorities' episodes, merged next week.",
    ]);
    assert_eq!(check_json(g.path(), &[]).0, 0);
}

#[test]
fn line_breaks_cannot_fake_a_line_of_history_or_the_queue() {
    let repo = super::history::git_repo();
    let r = repo.path();
    let forged = good_case("EXC-2026-0001").replace(
        "given_name = \"Test\"",
        "given_name = \"Theo\\nEXC-2026-0999  Fake Row\"",
    );
    write(r, "cases/2026/EXC-2026-0001.toml", &forged);
    let (code, json) = check_json(r, &[]);
    assert_eq!(code, 1);
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("one line of text"),
        "{json:#}"
    );
    // What git holds (a value written before this check, a message) stays on its line.
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace(
            "by = \"asmith\"\n",
            "by = \"asmith\"\noutcome = \"fixed\\n\\n2026-11-29T09:00:00+00:00  Carys Jones <cjones@council.example>  0a1b2c3d4e\"\n",
        ),
    );
    super::history::commit(r, "Mallory", "2026-10-01", "tidy\rReviewed and approved");
    let out = stdout(&run(r, &["history", "EXC-2026-0001"]));
    assert!(!out.lines().any(|l| l.starts_with("2026-11-29")), "{out}");
    assert!(!out.contains('\r'), "{out}");
}

#[test]
fn a_locked_index_commits_nothing_and_says_how_to_commit() {
    let g = GitRepo::new(true);
    let head = git_ok(g.path(), &["rev-parse", "HEAD"]);
    std::fs::write(g.path().join(".git/index.lock"), "").unwrap();
    let o = g.cme(&[&act_args("EXC-2026-0001", "While git was busy.")[..], &["--commit"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the record was written but not committed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(git_ok(g.path(), &["rev-parse", "HEAD"]), head, "nothing committed");
    // The advice works once git is free.
    std::fs::remove_file(g.path().join(".git/index.lock")).unwrap();
    git_ok(g.path(), &["add", "cases/2026/EXC-2026-0001.toml"]);
    git_ok(
        g.path(),
        &["commit", "-q", "-m", "the call", "--", "cases/2026/EXC-2026-0001.toml"],
    );
    assert_eq!(git_ok(g.path(), &["status", "--porcelain"]), "");
}

#[test]
fn a_git_folder_on_another_file_system_still_edits_safely() {
    let shm = std::path::Path::new("/dev/shm");
    if !shm.is_dir() {
        eprintln!("skipped: no /dev/shm");
        return;
    }
    let gitdir = tempfile::tempdir_in(shm).unwrap();
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    git_ok(
        r,
        &[
            "init",
            "-q",
            "--separate-git-dir",
            gitdir.path().join("g").to_str().unwrap(),
        ],
    );
    git_ok(r, &["add", "-A"]);
    git_ok(
        r,
        &[
            "-c",
            "user.name=A",
            "-c",
            "user.email=a@example.invalid",
            "commit",
            "-q",
            "-m",
            "Set up",
        ],
    );
    run_ok(r, &act_args("EXC-2026-0001", "Across file systems."));
    assert!(
        std::fs::read_to_string(r.join("cases/2026/EXC-2026-0001.toml"))
            .unwrap()
            .contains("Across file systems.")
    );
    assert_eq!(
        git_ok(r, &["status", "--porcelain", "--untracked-files=all"]),
        "M cases/2026/EXC-2026-0001.toml"
    );
    // --commit finds the working tree where git does.
    git_ok(r, &["config", "user.name", "A"]);
    git_ok(r, &["config", "user.email", "a@example.invalid"]);
    run_ok(
        r,
        &[
            &act_args("EXC-2026-0001", "And committed.")[..],
            &["--commit", "--include-uncommitted"],
        ]
        .concat(),
    );
    assert_eq!(git_ok(r, &["status", "--porcelain", "--untracked-files=all"]), "");
}

#[test]
fn templates_cannot_read_the_environment() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let base = cme::site::TEMPLATES.iter().find(|(n, _)| *n == "base.html").unwrap().1;
    write(
        r,
        "templates/base.html",
        base.replace("</main>", "SECRET={{ get_env(name=\"CI_SECRET\") }}</main>"),
    );
    git_ok(r, &["init", "-q"]);
    git_ok(r, &["add", "-A"]);
    super::reports::commit_on(r, "2026-09-01", "a case and a template");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    for audience in [
        &["--audience", "team"][..],
        &["--audience", "board", "--period", "quarter"],
    ] {
        let o = cme()
            .arg("--repo")
            .arg(r)
            .args(["--today", TODAY, "build"])
            .args(audience)
            .arg("--out")
            .arg(&site)
            .env("CI_SECRET", "hunter2")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{audience:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("cannot read the environment"), "{}", stderr(&o));
    }
    assert!(!site.exists());
}

#[test]
fn a_hand_written_marker_does_not_make_a_folder_a_build() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("docs");
    write(
        &dir,
        ".cme-site",
        "# A site built by cme. Each build replaces all of it. Files it wrote, and their sizes:\nnotes.txt\n",
    );
    write(&dir, "notes.txt", "precious");
    assert_eq!(
        run(r, &["build", "--out", dir.to_str().unwrap()]).status.code(),
        Some(2)
    );
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "precious");
}

#[test]
fn set_up_names_are_one_line() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap();
    std::fs::write(
        r.join("cme.toml"),
        cfg.replace(
            "name = \"Example City Council\"",
            "name = \"Example\\r\\nFAKE ROW \\u001b[31m\"",
        ),
    )
    .unwrap();
    let o = run(r, &["status"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("one line of text"), "{}", stderr(&o));
    assert!(!stdout(&o).contains('\u{1b}') && !stdout(&o).contains('\r'));
}

#[test]
fn the_hook_checks_a_case_repository_in_a_subfolder() {
    let top = tempfile::tempdir().unwrap();
    let t = top.path();
    git_ok(t, &["init", "-q", "-b", "main"]);
    git_ok(t, &["config", "user.name", "A"]);
    git_ok(t, &["config", "user.email", "a@example.invalid"]);
    let repo = empty_repo("manchester");
    let cr = t.join("cr");
    std::fs::create_dir_all(&cr).unwrap();
    std::fs::copy(repo.path().join("cme.toml"), cr.join("cme.toml")).unwrap();
    let o = std::process::Command::new("cp")
        .arg("-r")
        .arg(repo.path().join("policy"))
        .arg(&cr)
        .status()
        .unwrap();
    assert!(o.success());
    write(&cr, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let o = cme().current_dir(&cr).args(["configure-git"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bin = assert_cmd::cargo::cargo_bin("cme");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commit = |msg: &str| {
        git_command()
            .current_dir(t)
            .args(["commit", "-q", "-m", msg])
            .env("PATH", &path)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap()
    };
    git_ok(t, &["add", "-A"]);
    let o = commit("Set up");
    assert!(o.status.success(), "{}", stderr(&o));
    write(
        &cr,
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace("known-in-area", "unkown"),
    );
    git_ok(t, &["add", "-A"]);
    let o = commit("A typo");
    assert!(!o.status.success(), "the hook refuses the broken record");
    // git shows a hook's output on its standard error.
    assert!(stderr(&o).contains("unkown"), "{}", stderr(&o));
}
