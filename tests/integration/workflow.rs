//! Officer workflow: `cme init`, `new`, `assign`, `act`, `review`, `close`, `reopen`,
//! `import-ctf`, `schema`, and the merge driver under real `git merge`s.

use super::*;

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    git_command()
        .current_dir(dir)
        .args(args)
        .env("PATH", path_with_cme())
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let o = git(dir, args);
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// PATH with the cme under test first, for git's merge driver.
fn path_with_cme() -> String {
    let bin = assert_cmd::cargo::cargo_bin("cme");
    format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// `cme --today DAY ARGS`, run in the repository `dir`.
fn cme_on(dir: &Path, day: &str, args: &[&str]) -> std::process::Output {
    cme()
        .current_dir(dir)
        .arg("--repo")
        .arg(dir)
        .args(["--today", day])
        .args(args)
        .output()
        .unwrap()
}

fn cme_in(dir: &Path, args: &[&str]) -> std::process::Output {
    cme_on(dir, TODAY, args)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    ok_on(dir, TODAY, args)
}

/// `cme new` for the test child (Ava Example, referred by her school on 2 November 2026),
/// with `extra` arguments.
fn new_ava(r: &Path, extra: &[&str]) -> String {
    let mut args = vec![
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
        "--received",
        "2026-11-02",
    ];
    args.extend_from_slice(extra);
    ok(r, &args)
}

fn check_green(dir: &Path) {
    let (code, json) = check_json(dir, &[]);
    assert_eq!(code, 0, "check after a step: {json:#}");
}

/// A fresh repository made by `cme init`, with a team and a git identity.
fn init(pack: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let o = cme()
        .args(["init"])
        .arg(&repo)
        .args(["--pack", pack, "--authority", "Test Borough Council", "--code", "TBC"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut cfg = std::fs::read_to_string(repo.join("cme.toml")).unwrap();
    cfg.push_str("\n[[officer]]\nid = \"ofc\"\nname = \"Olu Officer\"\nrole = \"cme-officer\"\n\n[[officer]]\nid = \"sen\"\nname = \"Sue Senior\"\nrole = \"senior-officer\"\n");
    std::fs::write(repo.join("cme.toml"), cfg).unwrap();
    git_ok(&repo, &["config", "user.name", "Olu Officer"]);
    git_ok(&repo, &["config", "user.email", "olu@example.invalid"]);
    git_ok(&repo, &["add", "-A"]);
    git_ok(&repo, &["commit", "-q", "--no-verify", "-m", "Set up"]);
    dir
}

#[test]
fn init_makes_a_ready_repository() {
    let dir = init("worcestershire");
    let r = dir.path().join("repo");
    for f in [
        "cme.toml",
        "policy/worcestershire/policy.toml",
        "policy/calendar/bank-holidays.json",
        ".gitignore",
        ".gitattributes",
        ".github/workflows/cme.yml",
        ".gitlab-ci.yml",
        "schema/case.schema.json",
    ] {
        assert!(r.join(f).exists(), "{f}");
    }
    assert!(std::fs::read_to_string(r.join(".gitignore")).unwrap().contains("/site"));
    assert!(
        std::fs::read_to_string(r.join(".gitattributes"))
            .unwrap()
            .contains("merge=cme")
    );
    // `cme` when the shell finds it on PATH, else the binary that set the clone up.
    let driver = git_ok(&r, &["config", "merge.cme.driver"]);
    assert!(
        driver == "cme merge-driver %O %A %B"
            || driver
                == format!(
                    "'{}' merge-driver %O %A %B",
                    assert_cmd::cargo::cargo_bin("cme").display()
                ),
        "{driver}"
    );
    let hook = r.join(".git/hooks/pre-commit");
    assert!(std::fs::read_to_string(&hook).unwrap().contains("\"$CME\" check"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111 != 0,
            "the hook is executable"
        );
    }
    let ci = std::fs::read_to_string(r.join(".github/workflows/cme.yml")).unwrap();
    assert!(ci.contains("cme check --format github"));
    check_green(&r);
    // A folder with something in it is refused, unless --force.
    let o = cme()
        .args(["init"])
        .arg(&r)
        .args(["--pack", "manchester", "--authority", "X", "--code", "XX"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not empty"));
    let o = cme()
        .args(["init"])
        .arg(dir.path().join("other"))
        .args(["--pack", "atlantis", "--authority", "X", "--code", "XX"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_case_goes_through_its_whole_life_with_commits_and_stays_green() {
    let dir = init("worcestershire");
    let r = dir.path().join("repo");
    // Referral.
    let path = ok(
        &r,
        &[
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
            "moved-unknown-school",
            "--received",
            "2026-09-01",
            "--upn",
            "B801200005001",
            "--vulnerability",
            "child-in-need",
            "--commit",
        ],
    );
    assert_eq!(path.trim(), "cases/2026/TBC-2026-0001.toml");
    let text = std::fs::read_to_string(r.join("cases/2026/TBC-2026-0001.toml")).unwrap();
    assert!(
        text.starts_with("#:schema ../../schema/case.schema.json\n"),
        "editors find the schema"
    );
    check_green(&r);
    // Assignment, enquiries (one back-dated), the review and its checks.
    ok(
        &r,
        &["assign", "TBC-2026-0001", "ofc", "--date", "2026-09-02", "--commit"],
    );
    check_green(&r);
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "home-visit",
            "--by",
            "ofc",
            "--date",
            "2026-09-05",
            "--outcome",
            "No answer",
            "--commit",
        ],
    );
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "phone",
            "--by",
            "ofc",
            "--date",
            "2026-09-03",
            "--outcome",
            "Number dead",
            "--commit",
        ],
    );
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "database-check",
            "--by",
            "ofc",
            "--check",
            "liquidlogic",
            "--date",
            "2026-09-10",
            "--note",
            "Nothing **new**.",
            "--commit",
        ],
    );
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "escalation",
            "--by",
            "ofc",
            "--to",
            "missing-mondays",
            "--date",
            "2026-10-01",
            "--commit",
        ],
    );
    check_green(&r);
    let text = std::fs::read_to_string(r.join("cases/2026/TBC-2026-0001.toml")).unwrap();
    let phone = text.find("kind = \"phone\"").unwrap();
    let visit = text.find("kind = \"home-visit\"").unwrap();
    assert!(phone < visit, "the back-dated call sits in date order");
    // Closing untraceable without a review is refused with the rule and what is missing.
    let o = cme_in(
        &r,
        &[
            "close",
            "TBC-2026-0001",
            "--outcome",
            "untraceable",
            "--date",
            "2026-10-06",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let mut refused = shown(&r, &["close", "TBC-2026-0001", "--outcome", "untraceable"], &o);
    assert_eq!(
        std::fs::read_to_string(r.join("cases/2026/TBC-2026-0001.toml")).unwrap(),
        text,
        "nothing written"
    );
    ok(
        &r,
        &[
            "review",
            "TBC-2026-0001",
            "--cme-score",
            "4",
            "--safeguarding-score",
            "1",
            "--decision",
            "close",
            "--signed-off-by",
            "sen",
            "--date",
            "2026-10-05",
            "--commit",
        ],
    );
    check_green(&r);
    // Untraceable only after every App F check (WOR-CHECKS): the closure says what is missing.
    let o = cme_in(
        &r,
        &[
            "close",
            "TBC-2026-0001",
            "--outcome",
            "untraceable",
            "--date",
            "2026-10-06",
            "--lost-pupils-uploaded",
            "2026-10-06",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    refused.push_str(&shown(&r, &["close", "TBC-2026-0001", "--outcome", "untraceable"], &o));
    // The closure says which rule refuses it and what is missing: WOR-MM-REVIEW (a senior
    // officer's sign-off), then WOR-CHECKS (every App F check, Border Control among them).
    insta::assert_snapshot!("worcestershire-closure-refusals", refused);
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "email",
            "--by",
            "ofc",
            "--date",
            "2026-09-11",
            "--commit",
        ],
    );
    for check in [
        "portal-leaver-form",
        "new-address",
        "new-school",
        "capita-one",
        "ehcp-record",
        "one-other-involvement",
        "school-admissions",
        "housing-benefit-council-tax",
        "child-health",
        "safeguarding-internet",
        "nafn",
        "wider-checks",
        "giap",
        "border-control",
    ] {
        ok(
            &r,
            &[
                "act",
                "TBC-2026-0001",
                "--kind",
                "database-check",
                "--by",
                "ofc",
                "--check",
                check,
                "--date",
                "2026-09-12",
                "--commit",
            ],
        );
    }
    ok(
        &r,
        &[
            "close",
            "TBC-2026-0001",
            "--outcome",
            "untraceable",
            "--date",
            "2026-10-06",
            "--lost-pupils-uploaded",
            "2026-10-06",
            "--commit",
        ],
    );
    check_green(&r);
    // Acting on a closed case is refused, saying what to do.
    let args = ["act", "TBC-2026-0001", "--kind", "phone", "--by", "ofc"];
    let o = cme_in(&r, &args);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!("acting-on-a-closed-case", shown(&r, &args, &o));
    // New information: reopened, then closed on roll.
    ok(
        &r,
        &[
            "reopen",
            "TBC-2026-0001",
            "--reason",
            "Health visitor found the family",
            "--date",
            "2026-11-02",
            "--commit",
        ],
    );
    check_green(&r);
    let text = std::fs::read_to_string(r.join("cases/2026/TBC-2026-0001.toml")).unwrap();
    assert!(
        text.contains("[[reopened]]")
            && text.contains("closed_on = 2026-10-06")
            && text.contains("closed_outcome = \"untraceable\"")
            && !text.contains("[closure]")
    );
    ok(
        &r,
        &[
            "close",
            "TBC-2026-0001",
            "--outcome",
            "on-roll",
            "--school",
            "Kitebrook High School",
            "--date",
            "2026-11-20",
            "--commit",
        ],
    );
    check_green(&r);
    // Every step is a commit naming the case, by the configured user.
    let log = git_ok(&r, &["log", "--format=%an|%s"]);
    assert!(log.lines().count() >= 11, "{log}");
    assert!(log.contains("Olu Officer|TBC-2026-0001: closed, on-roll"));
    assert!(log.contains("TBC-2026-0001: reopened"));
    assert!(log.contains("TBC-2026-0001: review, decision close, risk LO"));
    assert!(
        git_ok(&r, &["status", "--porcelain"]).is_empty(),
        "everything committed"
    );
    // The trail shows it all.
    let h = ok(&r, &["history", "TBC-2026-0001"]);
    assert!(h.contains("closure.outcome: (none) -> on-roll"), "{h}");
    // The next referral of the year gets the next id.
    let path = ok(
        &r,
        &[
            "new",
            "--given-name",
            "Ben",
            "--family-name",
            "Other",
            "--dob",
            "2013-01-02",
            "--source",
            "health",
            "--reason",
            "newly-arrived",
            "--received",
            "2026-11-20",
        ],
    );
    assert_eq!(path.trim(), "cases/2026/TBC-2026-0002.toml");
}

#[test]
fn edits_keep_what_the_officer_wrote() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    new_ava(&r, &["--assign", "ofc"]);
    let p = r.join("cases/2026/TBC-2026-0001.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text = text
        .replace("[child]\n", "# Sibling of TBC-2025-0110; same family.\n[child]\n")
        .replace(
            "whereabouts = \"unknown\"",
            "whereabouts = \"unknown\"   # as of the school's call",
        );
    std::fs::write(&p, &text).unwrap();
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "letter",
            "--by",
            "ofc",
            "--date",
            "2026-11-03",
        ],
    );
    let after = std::fs::read_to_string(&p).unwrap();
    assert!(after.starts_with(&text), "the officer's text is untouched:\n{after}");
    assert!(after.contains("# Sibling of TBC-2025-0110") && after.contains("# as of the school's call"));
}

#[test]
fn refusals_say_what_to_do_and_write_nothing() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    new_ava(&r, &[]);
    let p = r.join("cases/2026/TBC-2026-0001.toml");
    let mut refusals = String::new();
    for (args, needle) in [
        (
            vec!["act", "TBC-2026-0999", "--kind", "phone", "--by", "ofc"],
            "no case TBC-2026-0999",
        ),
        (
            vec!["act", "TBC-2026-0001", "--kind", "phone", "--by", "ofcc"],
            "Did you mean \"ofc\"?",
        ),
        (
            vec![
                "act",
                "TBC-2026-0001",
                "--kind",
                "phone",
                "--by",
                "ofc",
                "--date",
                "2027-01-01",
            ],
            "in the future",
        ),
        (
            vec![
                "act",
                "TBC-2026-0001",
                "--kind",
                "phone",
                "--by",
                "ofc",
                "--date",
                "2026-10-01",
            ],
            "before the referral",
        ),
        (
            vec![
                "review",
                "TBC-2026-0001",
                "--cme-score",
                "7",
                "--safeguarding-score",
                "1",
                "--decision",
                "close",
                "--signed-off-by",
                "sen",
            ],
            "scores run from 1 to 5",
        ),
        (
            vec!["reopen", "TBC-2026-0001", "--reason", "x"],
            "only a closed case can be reopened",
        ),
        (vec!["close", "TBC-2026-0001", "--outcome", "on-roll"], "COM-CLOSE"),
    ] {
        let before = std::fs::read(&p).unwrap();
        let o = cme_in(&r, &args);
        assert_ne!(o.status.code(), Some(0), "{args:?}");
        refusals.push_str(&format!("# {needle}\n{}", shown(&r, &args, &o)));
        assert_eq!(std::fs::read(&p).unwrap(), before, "{args:?} wrote nothing");
    }
    // A file broken by hand: the command shows the check's diagnostics instead of guessing.
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("reason = \"other\"", "reason = \"lost\"");
    std::fs::write(&p, &text).unwrap();
    let act = ["act", "TBC-2026-0001", "--kind", "phone", "--by", "ofc"];
    let o = cme_in(&r, &act);
    assert_eq!(o.status.code(), Some(1));
    refusals.push_str(&format!("# a file broken by hand\n{}", shown(&r, &act, &o)));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
    // A file that is not UTF-8 (a Latin-1 editor's save): refused, never rewritten with the
    // byte replaced.
    assert!(text.contains("\"Ava\""));
    let latin1 = text
        .replace("reason = \"lost\"", "reason = \"other\"")
        .replace("\"Ava\"", "\"Ava Fran\u{1}oise\"")
        .into_bytes()
        .into_iter()
        .map(|b| if b == 1 { 0xe7 } else { b })
        .collect::<Vec<u8>>();
    std::fs::write(&p, &latin1).unwrap();
    let o = cme_in(&r, &act);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    refusals.push_str(&format!("# a file that is not UTF-8\n{}", shown(&r, &act, &o)));
    insta::assert_snapshot!("editing-refusals", refusals);
    assert_eq!(std::fs::read(&p).unwrap(), latin1, "the file is as it was");
    // No temporary files are left behind by refusals.
    let left: Vec<_> = std::fs::read_dir(p.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn writes_are_atomic_and_new_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing-folder/case.toml");
    assert!(
        cme::edit::atomic_write(&target, b"x", false).is_err(),
        "a write that cannot happen fails"
    );
    assert!(!dir.path().join("missing-folder").exists());
    let existing = dir.path().join("case.toml");
    std::fs::write(&existing, "original").unwrap();
    let e = cme::edit::atomic_write(&existing, b"new", true).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "original");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    cme::edit::atomic_write(&existing, b"replaced", false).unwrap();
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "replaced");
}

#[test]
fn two_officers_branches_merge_with_the_driver() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    new_ava(&r, &["--assign", "ofc", "--commit"]);
    git_ok(&r, &["checkout", "-q", "-b", "olu"]);
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "phone",
            "--by",
            "ofc",
            "--date",
            "2026-11-06",
            "--outcome",
            "Olu's call",
            "--commit",
        ],
    );
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "letter",
            "--by",
            "ofc",
            "--date",
            "2026-11-09",
            "--commit",
        ],
    );
    git_ok(&r, &["checkout", "-q", "-"]);
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "home-visit",
            "--by",
            "sen",
            "--date",
            "2026-11-05",
            "--outcome",
            "Sue's visit",
            "--commit",
        ],
    );
    ok(
        &r,
        &["assign", "TBC-2026-0001", "sen", "--date", "2026-11-05", "--commit"],
    );
    let o = git(&r, &["merge", "--no-edit", "-q", "olu"]);
    assert!(
        o.status.success(),
        "merged without conflict: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(r.join("cases/2026/TBC-2026-0001.toml")).unwrap();
    let order: Vec<usize> = ["Sue's visit", "Olu's call", "kind = \"letter\""]
        .iter()
        .map(|n| text.find(n).unwrap())
        .collect();
    assert!(order[0] < order[1] && order[1] < order[2], "date order:\n{text}");
    assert!(
        text.contains("assigned_to = \"sen\""),
        "the field changed on one side is kept"
    );
    check_green(&r);

    // The same field changed two ways: a conflict with markers, reported.
    git_ok(&r, &["checkout", "-q", "-b", "a"]);
    let p = r.join("cases/2026/TBC-2026-0001.toml");
    std::fs::write(
        &p,
        std::fs::read_to_string(&p)
            .unwrap()
            .replace("whereabouts = \"unknown\"", "whereabouts = \"known-in-area\""),
    )
    .unwrap();
    git_ok(&r, &["commit", "-q", "--no-verify", "-am", "found in area"]);
    git_ok(&r, &["checkout", "-q", "-"]);
    std::fs::write(
        &p,
        std::fs::read_to_string(&p)
            .unwrap()
            .replace("whereabouts = \"unknown\"", "whereabouts = \"known-abroad\""),
    )
    .unwrap();
    git_ok(&r, &["commit", "-q", "--no-verify", "-am", "gone abroad"]);
    let o = git(&r, &["merge", "--no-edit", "a"]);
    assert!(!o.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(all.contains("child.whereabouts"), "reported: {all}");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.contains(
            "<<<<<<< ours\nwhereabouts = \"known-abroad\"\n=======\nwhereabouts = \"known-in-area\"\n>>>>>>> theirs"
        ),
        "{text}"
    );
    let (code, json) = check_json(&r, &[]);
    assert_eq!(code, 1);
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("merge conflict")
    );
}

#[test]
fn import_ctf_opens_cases_for_missing_pupils() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    let ctf = root().join("tests/fixtures/ctf");
    // One pupil already has an open case.
    new_ava(&r, &["--upn", "B801200005001"]);
    let o = cme_in(
        &r,
        &["import-ctf", ctf.join("missing.xml").to_str().unwrap(), "--commit"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("skipped: Ava Example (UPN B801200005001): already open as TBC-2026-0001"),
        "{out}"
    );
    assert!(out.contains("opened cases/2026/TBC-2026-0002.toml"), "{out}");
    let text = std::fs::read_to_string(r.join("cases/2026/TBC-2026-0002.toml")).unwrap();
    for needle in [
        "given_name = \"Mateo\"",
        "family_name = \"Quinlan\"",
        "date_of_birth = 2013-03-09",
        "upn = \"R674123101121\"",
        "gender = \"M\"",
        "last_known_address = \"4, Hawthorn Close, Exampletown, EX2 4HD\"",
        "vulnerabilities = [\"child-looked-after\"]",
        "name = \"Sampleford Primary School\"",
        "urn = \"951001\"",
        "missing_ctf_uploaded = 2026-07-16",
        "reason = \"moved-unknown-school\"",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
    check_green(&r);
    assert!(git_ok(&r, &["log", "-1", "--format=%s"]).contains("missing CTF missing.xml"));
    // Importing again opens nothing new, and with --commit says there is nothing to commit.
    let o = cme_in(
        &r,
        &["import-ctf", ctf.join("missing.xml").to_str().unwrap(), "--commit"],
    );
    assert!(stderr(&o).contains("nothing to commit"), "{}", stderr(&o));
    let o = cme_in(&r, &["import-ctf", ctf.join("missing.xml").to_str().unwrap()]);
    assert!(
        stdout(&o).contains("Mateo Quinlan: already imported from this file as TBC-2026-0002"),
        "{}",
        stdout(&o)
    );
    // A CTF to a known school opens nothing; a malformed one is refused whole.
    assert!(
        stdout(&cme_in(
            &r,
            &["import-ctf", ctf.join("known-destination.xml").to_str().unwrap()]
        ))
        .contains("not unknown")
    );
    let before = std::fs::read_dir(r.join("cases/2026")).unwrap().count();
    let o = cme_in(&r, &["import-ctf", ctf.join("truncated.xml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing was imported"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(r.join("cases/2026")).unwrap().count(), before);
}

#[test]
fn import_ctf_imports_the_good_pupils_and_names_each_bad_one() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    let ctf = root().join("tests/fixtures/ctf");
    // Ava's record is right; Mateo's UPN has a wrong check letter.
    let o = cme_in(
        &r,
        &["import-ctf", ctf.join("bad-upn.xml").to_str().unwrap(), "--commit"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("opened cases/2026/TBC-2026-0001.toml"), "{out}");
    assert!(
        out.contains("not imported: pupil 2 (Mateo Quinlan): the UPN \"R674123101122\" is not valid"),
        "{out}"
    );
    let err = stderr(&o);
    assert!(
        err.contains("1 pupil not imported") && err.contains("1 pupil opened"),
        "{err}"
    );
    let text = std::fs::read_to_string(r.join("cases/2026/TBC-2026-0001.toml")).unwrap();
    assert!(text.contains("given_name = \"Ava\""), "{text}");
    assert!(!r.join("cases/2026/TBC-2026-0002.toml").exists());
    assert!(git_ok(&r, &["log", "-1", "--format=%s"]).contains("Import 1 case"));
    check_green(&r);
    // A pupil the file cannot describe (a date of birth that is not a date) is refused alone.
    let xml = std::fs::read_to_string(ctf.join("missing.xml"))
        .unwrap()
        .replace("<DOB>2013-03-09</DOB>", "<DOB>09/03/2013</DOB>");
    let f = dir.path().join("bad-dob.xml");
    std::fs::write(&f, xml).unwrap();
    let o = cme_in(&r, &["import-ctf", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("<DOB>09/03/2013</DOB>, not a date"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn schema_is_generated_from_the_types() {
    let o = run(&root(), &["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(s["$defs"]["Action"]["properties"]["kind"].is_object() || s["$defs"]["ActionKind"].is_object());
    assert_eq!(s["$defs"]["Closure"]["additionalProperties"], false);
    assert!(
        s["$defs"]["Referral"]["properties"]["assigned_to"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "asmith")
    );
}

/// A field is described once (`model/mod.rs`) and every surface follows: the flag of the
/// command that writes it, the file, the JSON Schema, the case page's label and the audit
/// trail's words.
#[test]
fn a_closure_field_reaches_every_surface_from_its_description() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let mut case = good_case("EXC-2026-0001");
    case = case.replace("whereabouts = \"known-in-area\"", "whereabouts = \"known-other-la\"");
    write(r, "cases/2026/EXC-2026-0001.toml", case);
    git(r, &["init", "-q"]);
    git(r, &["add", "-A"]);
    git(
        r,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-qm",
            "first",
        ],
    );
    let help = stdout(&run(r, &["close", "--help"]));
    assert!(help.contains("--lost-pupils-uploaded <YYYY-MM-DD>"), "{help}");
    assert!(
        help.contains("Lost Pupils database"),
        "the flag's help is the field's doc: {help}"
    );
    run_ok(
        r,
        &[
            "close",
            "EXC-2026-0001",
            "--outcome",
            "confirmed-other-la",
            "--authority",
            "Elsewhere Borough",
            "--confirmation-received",
            "2026-11-01",
            "--lost-pupils-uploaded",
            "2026-11-02",
        ],
    );
    let text = std::fs::read_to_string(r.join("cases/2026/EXC-2026-0001.toml")).unwrap();
    assert!(
        text.ends_with(
            "[closure]\ndate = 2026-11-22\noutcome = \"confirmed-other-la\"\nauthority = \"Elsewhere Borough\"\nconfirmation_received = 2026-11-01\nlost_pupils_uploaded = 2026-11-02\n"
        ),
        "written in the described order: {text}"
    );
    // A date that is not one is refused by the flag, in the field's own terms.
    let o = run(
        r,
        &[
            "close",
            "EXC-2026-0001",
            "--outcome",
            "not-cme",
            "--mash-referral",
            "soon",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--mash-referral"), "{}", stderr(&o));
    let o = run(r, &["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let field = &schema["$defs"]["Closure"]["properties"]["lost_pupils_uploaded"];
    assert_eq!(field["format"], "date");
    assert_eq!(field["title"], "Lost Pupils database upload");
    git(
        r,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-qam",
            "closed",
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    run_ok(r, &["build", "--out", site.to_str().unwrap()]);
    let page = std::fs::read_to_string(site.join("cases/EXC-2026-0001.html")).unwrap();
    assert!(page.contains("Lost Pupils database upload"), "the page's label");
    assert!(page.contains("2 November 2026"));
    assert!(
        page.contains("Closure: Lost Pupils database upload: (none) -&gt; 2026-11-02"),
        "the audit trail names the field in the record's words"
    );
}

#[test]
fn a_case_id_typed_in_lower_case_is_the_case_and_a_closed_case_points_at_reopen() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    run_ok(
        r,
        &[
            "act",
            "exc-2026-0001",
            "--kind",
            "phone",
            "--by",
            "asmith",
            "--outcome",
            "No answer.",
        ],
    );
    let text = std::fs::read_to_string(r.join("cases/2026/EXC-2026-0001.toml")).unwrap();
    assert!(text.contains("No answer."), "{text}");
    assert!(!r.join("cases/2026/exc-2026-0001.toml").exists());
    let o = run(r, &["status", "exc-2026-0001"]);
    assert!(stdout(&o).contains("EXC-2026-0001"), "{}", stdout(&o));
    // An id that names no case is still refused, by the name typed.
    let o = run(
        r,
        &[
            "act",
            "exc-2026-0999",
            "--kind",
            "phone",
            "--by",
            "asmith",
            "--outcome",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no case exc-2026-0999"), "{}", stderr(&o));
    // Closing a closed case says how to record something new.
    let closed = good_case("EXC-2026-0002").replace("status = \"open\"", "status = \"closed\"")
        + "\n[closure]\ndate = 2026-09-25\noutcome = \"not-cme\"\nnote = \"On a roll all along.\"\n";
    write(r, "cases/2026/EXC-2026-0002.toml", closed);
    let o = run(r, &["close", "EXC-2026-0002", "--outcome", "not-cme"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cme reopen EXC-2026-0002"), "{}", stderr(&o));
}

#[test]
fn every_problem_of_a_file_is_reported_in_one_run() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    // A quoted date, an unknown key, a misspelt check and an unknown officer: the file does
    // not decode, and still every one of them is reported, at its line.
    let text = good_case("EXC-2026-0001").replace("received = 2026-09-01", "received = \"2026-09-01\"")
        + "\n[[action]]\ndate = 2026-09-05\nkind = \"database-check\"\ncheck = \"border-farce\"\nby = \"nobody\"\ncolour = \"red\"\n";
    write(r, "cases/2026/EXC-2026-0001.toml", &text);
    let (code, json) = check_json(r, &[]);
    assert_eq!(code, 1);
    let found: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["message"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap()))
        .collect();
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i as u64 + 1)
            .unwrap()
    };
    for (says, at) in [
        ("is a date, but it is written as text", line_of("received = ")),
        ("unknown key `colour`", line_of("colour")),
        ("\"border-farce\" is not a check", line_of("border-farce")),
        ("\"nobody\" is not an officer in cme.toml", line_of("\"nobody\"")),
    ] {
        assert!(
            found.iter().any(|(m, l)| m.contains(says) && *l == at),
            "{says} at line {at}: {found:?}"
        );
    }
    assert!(
        found
            .iter()
            .all(|(m, _)| !m.contains("is not an officer") || m.contains("nobody")),
        "no officer reported twice or wrongly: {found:?}"
    );
}

#[test]
fn a_refused_edit_names_the_flags_to_add_and_a_written_one_its_warnings() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let before = std::fs::read_to_string(r.join("cases/2026/EXC-2026-0001.toml")).unwrap();
    // The closure needs the other authority's confirmation: the command says which flags
    // give it, and points at no line of a file it never wrote.
    let o = run(r, &["close", "EXC-2026-0001", "--outcome", "confirmed-other-la"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("error[MAN-CLOSE-OTHER-LA]"), "{err}");
    assert!(
        err.contains("hint: add --authority TEXT, --confirmation-received YYYY-MM-DD"),
        "{err}"
    );
    assert!(!err.contains("authority = ..."), "no key to add to a file: {err}");
    assert!(
        !err.contains("EXC-2026-0001.toml:"),
        "no line of an unwritten file: {err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(
        std::fs::read_to_string(r.join("cases/2026/EXC-2026-0001.toml")).unwrap(),
        before
    );
    // An action that needs a check says `--check ID` and lists the pack's check ids.
    let o = run(
        r,
        &["act", "EXC-2026-0001", "--kind", "database-check", "--by", "asmith"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("add `--check ID`"), "{err}");
    assert!(err.contains("border-force"), "the pack's check ids: {err}");
    // A record written with a warning: the command that wrote it shows it, at its line.
    let o = run_ok(
        r,
        &[
            "new",
            "--given-name",
            "Bo",
            "--family-name",
            "Older",
            "--dob",
            "2005-01-01",
            "--source",
            "school",
            "--reason",
            "other",
            "--received",
            "2026-11-02",
        ],
    );
    let err = stderr(&o);
    assert!(err.contains("warning[COM-SCHOOL-AGE]"), "{err}");
    let written = std::fs::read_to_string(r.join("cases/2026/EXC-2026-0002.toml")).unwrap();
    let line = written.lines().position(|l| l.starts_with("received")).unwrap() + 1;
    assert!(
        err.contains(&format!("EXC-2026-0002.toml:{line}:")),
        "at the line written: {err}"
    );
    assert!(err.contains("cme close EXC-2026-0002 --outcome not-cme"), "{err}");
    assert!(err.contains("the record was written, with 1 warning"), "{err}");
    // A change that brings no new warning says none.
    let o = run_ok(
        r,
        &[
            "act",
            "EXC-2026-0002",
            "--kind",
            "phone",
            "--by",
            "asmith",
            "--outcome",
            "No answer.",
        ],
    );
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn set_corrects_one_field_with_its_reason_in_the_audit_trail() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    new_ava(&r, &["--upn", "A123456789012", "--commit"]);
    let file = r.join("cases/2026/TBC-2026-0001.toml");
    // An officer's comment after a value stays when the value is corrected.
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "received = 2026-11-02",
        "received = 2026-11-02 # from the referral form",
    );
    std::fs::write(&file, text).unwrap();
    git_ok(&r, &["commit", "-q", "--no-verify", "-am", "A comment"]);
    ok(
        &r,
        &[
            "set",
            "tbc-2026-0001",
            "referral.received",
            "2026-11-03",
            "--reason",
            "Typed the day the form was scanned",
            "--commit",
        ],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("received = 2026-11-03 # from the referral form"),
        "{text}"
    );
    let message = git_ok(&r, &["log", "-1", "--format=%B"]);
    assert!(
        message.starts_with("TBC-2026-0001: corrected referral.received from 2026-11-02 to 2026-11-03"),
        "{message}"
    );
    assert!(
        message.contains("Reason: Typed the day the form was scanned"),
        "{message}"
    );
    let history = ok(&r, &["history", "TBC-2026-0001"]);
    assert!(
        history.contains("Reason: Typed the day the form was scanned"),
        "{history}"
    );
    assert!(
        history.contains("referral.received: 2026-11-02 -> 2026-11-03"),
        "{history}"
    );
    // An entry of the log by its number; a table the record lacks is made; "" removes.
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "phone",
            "--by",
            "ofc",
            "--outcome",
            "No answer",
            "--date",
            "2026-11-04",
        ],
    );
    ok(
        &r,
        &[
            "set",
            "TBC-2026-0001",
            "action.1.outcome",
            "Spoke to mother",
            "--reason",
            "wrong call",
        ],
    );
    ok(
        &r,
        &[
            "set",
            "TBC-2026-0001",
            "school.name",
            "Oak Hill Primary",
            "--reason",
            "from the CTF",
        ],
    );
    ok(
        &r,
        &[
            "set",
            "TBC-2026-0001",
            "child.upn",
            "",
            "--reason",
            "the UPN was another child's",
        ],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("outcome = \"Spoke to mother\""), "{text}");
    assert!(text.contains("[school]\nname = \"Oak Hill Primary\""), "{text}");
    assert!(!text.contains("upn"), "{text}");
    check_green(&r);
    // Mistakes are refused, saying what to type, and nothing is written.
    let before = std::fs::read_to_string(&file).unwrap();
    for (args, code, says) in [
        (vec!["referral.recieved", "2026-11-03"], 2, "did you mean \"received\""),
        (vec!["action.3.outcome", "x"], 2, "has 1 action entry"),
        (vec!["action.outcome", "x"], 2, "say which entry"),
        (vec!["child.whereabouts", "unknwn"], 2, "Did you mean \"unknown\""),
        (vec!["status", "closed"], 2, "cme close TBC-2026-0001"),
        (vec!["child.date_of_birth", "2014-05-14"], 2, "already 2014-05-14"),
        (vec!["child.given_name", ""], 2, "is required"),
        // The record would break the policy: an action before the referral.
        (vec!["referral.received", "2026-11-20"], 1, "error[COM-DATES]"),
    ] {
        let mut all = vec!["set", "TBC-2026-0001"];
        all.extend(args.iter().copied());
        all.extend(["--reason", "testing"]);
        let o = cme_in(&r, &all);
        assert_eq!(o.status.code(), Some(code), "{all:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{all:?}: {}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "{all:?} wrote nothing");
    }
    let o = cme_in(&r, &["set", "TBC-2026-0001", "child.upn", "x", "--reason", " "]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("say why"), "{}", stderr(&o));
    // A closed case is reopened before it is corrected.
    ok(
        &r,
        &[
            "close",
            "TBC-2026-0001",
            "--outcome",
            "not-cme",
            "--note",
            "On roll",
            "--date",
            "2026-11-05",
        ],
    );
    let o = cme_in(
        &r,
        &["set", "TBC-2026-0001", "child.given_name", "Eva", "--reason", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("reopen it first"), "{}", stderr(&o));
}

/// PATH with git on it and no cme.
fn path_without_cme() -> String {
    let git = std::process::Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    let git = String::from_utf8_lossy(&git.stdout).trim().to_string();
    let dir = Path::new(&git).parent().unwrap();
    assert!(
        !dir.join("cme").exists(),
        "a cme beside git would make this test prove nothing"
    );
    format!("{}:/bin:/usr/bin", dir.display())
}

#[test]
fn set_up_works_the_first_time() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("repo");
    let o = cme()
        .args(["init"])
        .arg(&r)
        .args([
            "--pack",
            "manchester",
            "--authority",
            "Newtown Council",
            "--code",
            "NEW",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("cme schema --write"), "{}", stdout(&o));
    // The term dates are headed for this authority, and say they are examples.
    let terms = std::fs::read_to_string(r.join("policy/calendar/terms.toml")).unwrap();
    assert!(terms.starts_with("# School term dates for Newtown Council"), "{terms}");
    assert!(terms.contains("EXAMPLE DATES"), "{terms}");
    assert!(!terms.contains("Example City Council"), "{terms}");
    git_ok(&r, &["config", "user.name", "Olu Officer"]);
    git_ok(&r, &["config", "user.email", "olu@example.invalid"]);
    // Before anything is committed, build says what to do rather than "not a case repository".
    git_ok(&r, &["commit", "-q", "--allow-empty", "--no-verify", "-m", "Empty"]);
    let o = cme_in(&r, &["build", "--out", r.join("site").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("cme.toml is not committed yet"), "{err}");
    assert!(
        err.contains("commit cme.toml and policy/ first") && err.contains("--working-tree"),
        "{err}"
    );
    // An officer added: check says the schema editors read is out of date ...
    let mut cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap();
    cfg.push_str("\n[[officer]]\nid = \"ofc\"\nname = \"Olu Officer\"\nrole = \"cme-officer\"\n");
    std::fs::write(r.join("cme.toml"), cfg).unwrap();
    let o = cme_in(&r, &["check"]);
    assert!(
        stderr(&o).contains("schema/case.schema.json is out of date"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("cme schema --write"), "{}", stderr(&o));
    // ... and the pre-commit hook, run where cme is not on PATH, finds the cme that set it
    // up, refreshes the schema into the commit, and checks.
    let commit = |msg: &str, path: &str| {
        git_command()
            .current_dir(&r)
            .env("PATH", path)
            .args(["commit", "-q", "-m", msg])
            .output()
            .unwrap()
    };
    git_ok(&r, &["add", "-A"]);
    let o = commit("Set up", &path_without_cme());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(git_ok(&r, &["show", "--name-only", "--format=", "HEAD"]).contains("schema/case.schema.json"));
    let schema = std::fs::read_to_string(r.join("schema/case.schema.json")).unwrap();
    assert!(schema.contains("\"ofc\""), "the schema lists the new officer");
    let o = cme_in(&r, &["check"]);
    assert!(!stderr(&o).contains("out of date"), "{}", stderr(&o));
    // The hook refuses a record that breaks the policy, with cme found off PATH.
    write(
        &r,
        "cases/2026/NEW-2026-0001.toml",
        good_case("NEW-2026-0001").replace("asmith", "nobody"),
    );
    git_ok(&r, &["add", "-A"]);
    let o = commit("A bad case", &path_without_cme());
    assert!(!o.status.success());
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("\"nobody\" is not an officer"), "{out}");
    // With no cme anywhere, the hook says how to install one rather than "cme: not found".
    let hook = r.join(".git/hooks/pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    let me = assert_cmd::cargo::cargo_bin("cme").display().to_string();
    std::fs::write(&hook, text.replace(&me, "/nowhere/cme")).unwrap();
    let o = commit("A bad case", &path_without_cme());
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cme is not on PATH") && err.contains("Install cme"),
        "{err}"
    );
    // Commands run from any folder inside the repository find it, as git does.
    let o = cme()
        .current_dir(r.join("cases/2026"))
        .args(["--today", TODAY, "status", "--all"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("NEW-2026-0001"), "{}", stdout(&o));
}

#[test]
fn help_teaches_the_values_each_flag_takes() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let help = |args: &[&str]| {
        let o = cme().current_dir(r).args(args).arg("--help").output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        // As one line: the terminal's width wraps it anywhere.
        stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ")
    };
    // close: which fields each outcome needs under this repository's pack, as flags.
    let close = help(&["close"]);
    assert!(
        close.contains("What each outcome needs under this repository's policy (manchester)"),
        "{close}"
    );
    assert!(
        close.contains("confirmed-other-la: --authority and --confirmation-received (MAN-CLOSE-OTHER-LA)"),
        "{close}"
    );
    // act: the pack's check ids and the officers.
    let act = help(&["act"]);
    assert!(
        act.contains("The pack's checks: revenue-benefits, border-force"),
        "{act}"
    );
    assert!(act.contains("Officers: asmith"), "{act}");
    // new: every option says what it takes; words are listed.
    let new = help(&["new"]);
    assert!(
        new.contains("--dob <YYYY-MM-DD>") && new.contains("The child's date of birth"),
        "{new}"
    );
    assert!(new.contains("[possible values: school, other-la"), "{new}");
    // Global options apart; import-ctf says what file it expects; init names its packs.
    assert!(help(&[]).contains("Global options: --repo <DIR>"));
    assert!(help(&["import-ctf"]).contains("destination XXXXXXX"));
    assert!(help(&["init"]).contains("[possible values: manchester, worcestershire]"));
    // A word typed wrong is answered with the nearest one.
    let o = run(
        r,
        &[
            "new",
            "--given-name",
            "A",
            "--family-name",
            "B",
            "--dob",
            "2015-01-01",
            "--source",
            "scool",
            "--reason",
            "other",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Did you mean \"school\"?"), "{}", stderr(&o));
    let o = run(r, &["act", "EXC-2026-0001", "--kind", "home-vist", "--by", "asmith"]);
    assert!(stderr(&o).contains("Did you mean \"home-visit\"?"), "{}", stderr(&o));
}

#[test]
fn the_policy_review_warning_is_one_line_once_and_can_be_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    copy_dir(&worcestershire_demo(), r);
    let o = run(r, &["check"]);
    let err_out = stdout(&o);
    let lines: Vec<&str> = err_out.lines().filter(|l| l.contains("WOR-POLICY-REVIEW")).collect();
    assert_eq!(lines.len(), 1, "once, in one line: {err_out}");
    assert!(lines[0].contains("policy_checked = YYYY-MM-DD"), "{}", lines[0]);
    let (_, json) = check_json(r, &[]);
    let warnings = json["warnings"].as_u64().unwrap();
    // The authority checked its current policy on 1 October 2026: no warning, and the site
    // says when it was checked.
    let cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap().replacen(
        "[authority]\n",
        "[authority]\npolicy_checked = 2026-10-01\n",
        1,
    );
    std::fs::write(r.join("cme.toml"), cfg).unwrap();
    let (_, json) = check_json(r, &[]);
    assert_eq!(json["warnings"].as_u64().unwrap(), warnings - 1, "{json:#}");
    assert!(!stdout(&run(r, &["check"])).contains("WOR-POLICY-REVIEW"));
    let site = dir.path().join("out");
    run_ok(r, &["build", "--working-tree", "--out", site.to_str().unwrap()]);
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        index.contains("checked it against the council&#x27;s current policy on 1 October 2026")
            || index.contains("checked it against the council's current policy on 1 October 2026"),
        "the site still says it"
    );
    // A file that is not TOML at all is a typing matter: no policy paragraph is cited.
    write(r, "cases/2026/WOR-2026-0999.toml", "x = [\n");
    let bad = r.join("cases/2026/WOR-2026-0999.toml");
    let (_, json) = check_json(r, &[bad.to_str().unwrap()]);
    let d = &json["diagnostics"][0];
    assert!(d["message"].as_str().unwrap().contains("not valid TOML"), "{json:#}");
    assert!(d["policy_ref"].is_null(), "{json:#}");
}

#[test]
fn counts_of_one_read_in_the_singular() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let site = r.join("out");
    let o = run_ok(r, &["build", "--working-tree", "--out", site.to_str().unwrap()]);
    assert!(stderr(&o).contains("for 1 case into"), "{}", stderr(&o));
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains(">1 open case on"), "the dashboard");
    let cases = std::fs::read_to_string(site.join("cases/index.html")).unwrap();
    assert!(
        cases.contains("<p>1 case, newest referral first.</p>"),
        "the cases page"
    );
    let o = run(r, &["status"]);
    assert!(
        stdout(&o).lines().nth(1).unwrap().starts_with("1 case:"),
        "{}",
        stdout(&o)
    );
    let o = run(r, &["check"]);
    assert!(stdout(&o).contains("1 case checked, 0 errors"), "{}", stdout(&o));
}

#[test]
fn a_reader_that_stops_reading_is_not_a_panic() {
    let bin = assert_cmd::cargo::cargo_bin("cme");
    for cmd in ["check", "status", "schema"] {
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "'{}' --repo '{}' --today {TODAY} {cmd} | head -c 1 >/dev/null",
                bin.display(),
                worcestershire_demo().display()
            ))
            .output()
            .unwrap();
        let err = stderr(&o);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{cmd}: {err}"
        );
    }
}

/// The tests run git with a configuration of their own: a developer whose global git
/// configuration signs every commit (with a gpg that is not there) still gets green tests.
#[test]
fn tests_run_git_with_the_users_configuration_set_aside() {
    let hostile = tempfile::tempdir().unwrap();
    std::fs::write(
        hostile.path().join(".gitconfig"),
        "[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = /nowhere/gpg\n[core]\n\thooksPath = /nowhere/hooks\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let run_git = |args: &[&str]| {
        // The user's HOME, then the tests' own settings over it (as every helper does).
        let mut c = std::process::Command::new("git");
        c.env("HOME", hostile.path())
            .env("GIT_CONFIG_GLOBAL", hostile.path().join(".gitconfig"));
        c.envs(git_env());
        let o = c.current_dir(r).args(args).output().unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    run_git(&["init", "-q"]);
    std::fs::write(r.join("a.txt"), "a").unwrap();
    run_git(&["add", "a.txt"]);
    run_git(&["commit", "-q", "-m", "signed? no"]);
    // And the hostile configuration does break git when it is read: the test proves something.
    let o = std::process::Command::new("git")
        .env("HOME", hostile.path())
        .env("GIT_CONFIG_GLOBAL", hostile.path().join(".gitconfig"))
        .current_dir(r)
        .args(["commit", "-q", "--allow-empty", "-m", "signed"])
        .output()
        .unwrap();
    assert!(!o.status.success(), "a gpg that is not there fails the commit");
    // cme's own commits (libgit2) read the tests' identity, not the user's.
    let o = cme()
        .current_dir(r)
        .args([
            "init",
            "repo",
            "--pack",
            "manchester",
            "--authority",
            "T",
            "--code",
            "TST",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_quoted_date_does_not_hide_what_the_rules_find() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    // A quoted date of birth (a format problem), a UPN with a wrong check letter, an
    // assignment before the referral and an action in the future (rule findings).
    let text = "format = 1\nid = \"EXC-2026-0001\"\nstatus = \"open\"\n\n[child]\ngiven_name = \"Test\"\nfamily_name = \"Good\"\ndate_of_birth = \"2014-05-14\"\nupn = \"A123456789013\"\nwhereabouts = \"known-in-area\"\n\n[referral]\nreceived = 2026-09-01\nsource = \"school\"\nreason = \"other\"\nassigned_to = \"asmith\"\nassigned_on = 2026-08-20\n\n[[action]]\ndate = 2026-12-04\nkind = \"home-visit\"\nby = \"asmith\"\n".to_string();
    assert!(text.contains("date_of_birth = \"2014-"), "{text}");
    write(r, "cases/2026/EXC-2026-0001.toml", &text);
    let (_, json) = check_json(r, &[]);
    let messages: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["rule"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    for says in [
        "is written as text in quotes",
        "COM-UPN",
        "before the referral",
        "after today",
    ] {
        assert!(messages.iter().any(|m| m.contains(says)), "{says}: {messages:#?}");
    }
}

#[test]
fn a_correction_with_its_reason_passes_the_audit_and_a_silent_rewrite_does_not() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    new_ava(&r, &["--commit"]);
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--kind",
            "phone",
            "--by",
            "ofc",
            "--outcome",
            "No answr",
            "--date",
            "2026-11-04",
            "--commit",
        ],
    );
    ok(
        &r,
        &[
            "set",
            "TBC-2026-0001",
            "action[1].outcome",
            "No answer",
            "--reason",
            "typing slip",
            "--commit",
        ],
    );
    let o = cme_in(&r, &["check", "--audit"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("warning[AUDIT-REWRITTEN]") && out.contains("Reason: typing slip"),
        "{out}"
    );
    // The same change made by hand, with no reason: an error, pointing at cme set.
    let file = r.join("cases/2026/TBC-2026-0001.toml");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("No answer", "Spoke to mother");
    std::fs::write(&file, text).unwrap();
    git_ok(&r, &["commit", "-q", "--no-verify", "-am", "tidy"]);
    let o = cme_in(&r, &["check", "--audit"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("error[AUDIT-REWRITTEN]") && stdout(&o).contains("cme set CASE FIELD VALUE --reason"),
        "{}",
        stdout(&o)
    );
}

/// `cme --today DAY ARGS` in `dir`, asserting it succeeds; its standard output.
fn ok_on(dir: &Path, day: &str, args: &[&str]) -> String {
    let o = cme_on(dir, day, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "cme {args:?}:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Gives the test authority its team's contact details, which letters carry.
fn add_contact(r: &Path) {
    let mut cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap();
    cfg.push_str(CONTACT);
    std::fs::write(r.join("cme.toml"), cfg).unwrap();
}

const CONTACT: &str = "\n[contact]\nteam = \"Children Missing Education team\"\naddress = [\"Test Borough Council\", \"1 Sample Street\", \"Testtown TE1 1ST\"]\nphone = \"01632 960123\"\nemail = \"cme@test-borough.example\"\n";

#[test]
fn a_case_runs_from_referral_to_closure_with_every_letter_from_cme_letter() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    // The hostile-input rules hold for letters: a name that is Markdown or HTML stays text.
    ok_on(
        &r,
        "2026-10-01",
        &[
            "new",
            "--given-name",
            "Ava <script>alert(1)</script>",
            "--family-name",
            "Example",
            "--dob",
            "2014-05-14",
            "--source",
            "school",
            "--reason",
            "moved-unknown-school",
            "--received",
            "2026-10-01",
            "--school",
            "Sampleford Primary School",
            "--commit",
        ],
    );
    let id = "TBC-2026-0001";
    ok_on(&r, "2026-10-01", &["assign", id, "ofc", "--commit"]);
    // On no step yet: the first is next, due when MAN-ENQ-20WD says (20 working days from
    // the assignment on 1 October), with its letter.
    let status = ok_on(&r, "2026-10-01", &["status", id]);
    assert!(
        status.contains("ladder: not yet on its first step (of 5); next: Enquiries")
            && status.contains("due 29 Oct 2026, letter: first-letter"),
        "{status}"
    );
    // No address yet, no contact details: refused, naming what supplies each, nothing written.
    let o = cme_on(&r, "2026-10-02", &["letter", id, "first-letter"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("cme set {id} child.last_known_address VALUE")),
        "{err}"
    );
    assert!(err.contains("add [contact]"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!r.join("letters").exists(), "nothing written");
    add_contact(&r);
    git_ok(&r, &["commit", "-q", "--no-verify", "-am", "Contact details"]);
    ok_on(
        &r,
        "2026-10-02",
        &[
            "set",
            id,
            "child.last_known_address",
            "4, Hawthorn Close, Exampletown, EX2 4HD",
            "--reason",
            "from the school",
            "--commit",
        ],
    );

    // 1. The first letter: the letter and its page are written, the action logged with the
    //    reply date, all in one commit.
    let out = ok_on(&r, "2026-10-02", &["letter", id, "first-letter", "--commit"]);
    assert!(
        out.contains(&format!("cme act {id} --reply-to 1 ")),
        "the number to answer: {out}"
    );
    let md = format!("letters/{id}/2026-10-02-first-letter.md");
    assert!(out.contains(&md), "{out}");
    let letter = std::fs::read_to_string(r.join(&md)).unwrap();
    for needle in [
        "**Test Borough Council**",
        "Our reference: TBC-2026-0001",
        "4 Hawthorn Close  \nExampletown  \nEX2 4HD",
        "Please contact us by **16 October 2026**",
        "Olu Officer",
        "01632 960123",
    ] {
        assert!(letter.contains(needle), "{needle} in\n{letter}");
    }
    assert!(letter.contains("Ava \\<script\\>"), "the name stays text: {letter}");
    let page = std::fs::read_to_string(r.join(format!("letters/{id}/2026-10-02-first-letter.html"))).unwrap();
    assert!(!page.contains("<script>"), "{page}");
    assert!(
        page.contains("@page") && page.contains("default-src 'none'"),
        "printable, fetches nothing"
    );
    let files = git_ok(&r, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.lines().count(), 3, "case, letter and page in one commit: {files}");
    let case_file = r.join(format!("cases/2026/{id}.toml"));
    let text = std::fs::read_to_string(&case_file).unwrap();
    assert!(
        text.contains("kind = \"letter\"")
            && text.contains("reply_due = 2026-10-16")
            && text.contains(&format!("letter = \"{md}\"")),
        "{text}"
    );

    // 2. The school, and a check by letter: each its own kind, addressee and reply date.
    ok_on(&r, "2026-10-02", &["letter", id, "school-request", "--commit"]);
    ok_on(
        &r,
        "2026-10-05",
        &["letter", id, "agency-check", "--check", "revenue-benefits", "--commit"],
    );
    let text = std::fs::read_to_string(&case_file).unwrap();
    assert!(
        text.contains("kind = \"school-enquiry\"")
            && text.contains("recipient = \"The Headteacher, Sampleford Primary School\""),
        "{text}"
    );
    assert!(
        text.contains("kind = \"agency-enquiry\"\nby = \"ofc\"\ncheck = \"revenue-benefits\""),
        "{text}"
    );
    // A check that is not the pack's is refused with the list.
    let o = cme_on(&r, "2026-10-05", &["letter", id, "agency-check", "--check", "revenue"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("revenue-benefits"), "{}", stderr(&o));

    // 3. Waiting: the school answers in time; the family does not. `status --awaiting` and
    //    the case page say what is still awaited, overdue first.
    ok_on(
        &r,
        "2026-10-07",
        &[
            "act",
            id,
            "--reply-to",
            "2",
            "--kind",
            "school-enquiry",
            "--by",
            "ofc",
            "--outcome",
            "Last attended 10 September; no forwarding address",
            "--commit",
        ],
    );
    let awaiting = ok_on(&r, "2026-10-20", &["status", "--awaiting"]);
    assert!(awaiting.contains("2 replies, 2 overdue"), "{awaiting}");
    let first = awaiting.lines().find(|l| l.starts_with(id)).unwrap();
    assert!(
        first.contains("action 1") && first.contains("overdue 4 days"),
        "overdue first: {awaiting}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok_on(&r, "2026-10-20", &["status", "--awaiting", "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[0]["action"], 1);
    assert_eq!(json[0]["state"], "overdue");
    // A reminder chases it.
    ok_on(
        &r,
        "2026-10-20",
        &["letter", id, "reminder", "--about", "1", "--commit"],
    );
    let reminder = std::fs::read_to_string(r.join(format!("letters/{id}/2026-10-20-reminder.md"))).unwrap();
    assert!(reminder.contains("On 2 October 2026 we wrote to you"), "{reminder}");

    // 4. The ladder: enquiries taken; next, the Early Help Hub, with its letter.
    let status = ok_on(&r, "2026-10-20", &["status", id]);
    assert!(status.contains("ladder: step 1 of 5 (Enquiries"), "{status}");
    assert!(
        status.contains("next: Early Help Hub") && status.contains(&format!("cme letter {id} early-help-referral")),
        "{status}"
    );
    ok_on(&r, "2026-10-21", &["letter", id, "early-help-referral", "--commit"]);
    let status = ok_on(&r, "2026-10-21", &["status", id]);
    assert!(
        status.contains("ladder: step 2 of 5 (Early Help Hub), taken 21 Oct 2026; next: MASH enquiry"),
        "{status}"
    );

    // 5. The other authority confirms: a letter to its CME officer, the reply recorded, and
    //    the case closed as confirmed in that authority.
    let o = cme_on(&r, "2026-10-22", &["letter", id, "other-la-enquiry"]);
    assert!(stderr(&o).contains("--to"), "{}", stderr(&o));
    ok_on(
        &r,
        "2026-10-22",
        &[
            "letter",
            id,
            "other-la-enquiry",
            "--to",
            "CME Officer, Northshire Council",
            "--commit",
        ],
    );
    let n = std::fs::read_to_string(&case_file)
        .unwrap()
        .matches("[[action]]")
        .count();
    ok_on(
        &r,
        "2026-10-29",
        &[
            "act",
            id,
            "--reply-to",
            &n.to_string(),
            "--kind",
            "other-la-enquiry",
            "--by",
            "ofc",
            "--outcome",
            "Northshire confirms the child is on roll at Northshire Academy",
            "--commit",
        ],
    );
    ok_on(
        &r,
        "2026-10-29",
        &[
            "set",
            id,
            "child.whereabouts",
            "known-other-la",
            "--reason",
            "Northshire confirms",
            "--commit",
        ],
    );
    ok_on(
        &r,
        "2026-10-29",
        &[
            "close",
            id,
            "--outcome",
            "confirmed-other-la",
            "--authority",
            "Northshire Council",
            "--confirmation-received",
            "2026-10-29",
            "--commit",
        ],
    );
    let (code, json) = check_json(&r, &[]);
    assert_eq!(code, 0, "{json:#}");

    // 6. The site: the case page lists the letters with links that resolve, and what was
    //    awaited; the board's site holds no letter.
    let site = dir.path().join("site");
    let o = cme()
        .current_dir(&r)
        .args(["--today", "2026-10-29", "build", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(site.join(format!("cases/{id}.html"))).unwrap();
    assert!(
        page.contains("Letters and replies")
            && page.contains("letters&#x2F;TBC-2026-0001&#x2F;2026-10-02-first-letter.html"),
        "case page"
    );
    assert!(site.join(format!("letters/{id}/2026-10-02-first-letter.html")).exists());
    assert!(
        page.contains("Escalation") && page.contains("Early Help Hub"),
        "the ladder on the case page"
    );
    let queue = std::fs::read_to_string(site.join("queues/awaiting-replies.html")).unwrap();
    assert!(!queue.contains(id), "closed: nothing awaited any more");
    let board = dir.path().join("board");
    // The commits are dated by the clock: 100 days on, the last quarter ended holds them.
    let later = (chrono::Local::now().date_naive() + chrono::Duration::days(100)).to_string();
    let o = cme()
        .current_dir(&r)
        .args([
            "--today",
            &later,
            "build",
            "--audience",
            "board",
            "--period",
            "quarter",
            "--out",
        ])
        .arg(&board)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !board.join("letters").exists(),
        "letters are personal data: never on the board's site"
    );
    let all: Vec<String> = walkdir::WalkDir::new(&board)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(
        all.iter()
            .all(|t| !t.contains("Hawthorn Close") && !t.contains("first-letter")),
        "nothing of a letter"
    );
}

/// Every template of both packs renders for a full record, with the flags `--list` says it
/// takes; the School Attendance Order notice gives the parent 15 days, the order names the
/// school it is given.
#[test]
fn every_letter_of_both_packs_is_written_for_a_full_record() {
    for pack in ["manchester", "worcestershire"] {
        let dir = init(pack);
        let r = dir.path().join("repo");
        add_contact(&r);
        ok_on(
            &r,
            "2026-10-01",
            &[
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
                "moved-unknown-school",
                "--received",
                "2026-10-01",
                "--school",
                "Sampleford Primary School",
                "--address",
                "4, Hawthorn Close, Exampletown, EX2 4HD",
                "--upn",
                "A123456789012",
                "--assign",
                "ofc",
                "--whereabouts",
                "known-in-area",
            ],
        );
        let list = ok_on(&r, "2026-10-01", &["letter", "--list"]);
        let templates: Vec<(String, String)> = list
            .lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| {
                let mut parts = l.splitn(2, ' ');
                (
                    parts.next().unwrap().to_string(),
                    parts.next().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert!(templates.len() >= 8, "{pack}: {list}");
        for want in [
            "first-letter",
            "school-request",
            "other-la-enquiry",
            "agency-check",
            "reminder",
            "sao-notice",
            "sao-order",
        ] {
            assert!(templates.iter().any(|(t, _)| t == want), "{pack} has {want}: {list}");
        }
        let check = if pack == "manchester" {
            "border-force"
        } else {
            "border-control"
        };
        // The School Attendance Order's steps come in their order, each after the last has
        // had its time: the notice, the notice of intention, then the order.
        let (sao, others): (Vec<_>, Vec<_>) = templates
            .iter()
            .partition(|(t, _)| t == "sao-intention" || t == "sao-order");
        assert_eq!(sao.len(), 2, "{pack}: {list}");
        for (t, needs) in &others {
            let mut args = vec!["letter".to_string(), "TBC-2026-0001".into(), t.clone()];
            if needs.contains("--check") {
                args.extend(["--check".into(), check.into()]);
            }
            if needs.contains("--about") {
                args.extend(["--about".into(), "1".into()]);
            }
            if needs.contains("--to") {
                args.extend(["--to".into(), "CME Officer, Northshire Council".into()]);
            }
            if needs.contains("--school") {
                args.extend(["--school".into(), "Oakfield Academy".into()]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = ok_on(&r, "2026-10-02", &args);
            let md = out.lines().next().unwrap();
            let text = std::fs::read_to_string(r.join(md)).unwrap();
            assert!(
                text.contains("Our reference: TBC-2026-0001") && text.contains("Yours sincerely"),
                "{pack} {t}:\n{text}"
            );
            assert!(
                !text.contains("{{") && !text.contains("{%"),
                "{pack} {t} rendered whole:\n{text}"
            );
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if t == "sao-notice" {
                // Posted on Friday 2 October, served on Tuesday 6 October (the second working
                // day), 15 days beginning that day: to Tuesday 20 October.
                assert!(
                    flat.contains("that is by **20 October 2026**"),
                    "15 days from service: {text}"
                );
                assert!(flat.contains("you are required to satisfy the authority"), "{text}");
            }
        }
        let refused = |day: &str, args: &[&str], says: &str| {
            let o = cme()
                .current_dir(&r)
                .args(["--today", day])
                .args(args)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        };
        // Not before the notice has had its 15 days; the order not before the intention.
        let intention = [
            "letter",
            "TBC-2026-0001",
            "sao-intention",
            "--school",
            "Oakfield Academy",
        ];
        let order = ["letter", "TBC-2026-0001", "sao-order", "--school", "Oakfield Academy"];
        refused("2026-10-20", &intention, "time to answer to run out");
        refused("2026-10-21", &order, "the sao-intention letter first");
        let out = ok_on(&r, "2026-10-21", &intention);
        let text = std::fs::read_to_string(r.join(out.lines().next().unwrap())).unwrap();
        assert!(
            text.contains("**Oakfield Academy**") && text.contains("section 438"),
            "{text}"
        );
        refused("2026-11-04", &order, "time to answer to run out");
        let out = ok_on(&r, "2026-11-10", &order);
        let text = std::fs::read_to_string(r.join(out.lines().next().unwrap())).unwrap();
        assert!(
            text.contains("**Oakfield Academy**") && text.contains("section 437(3)"),
            "{text}"
        );
        let (code, json) = check_json(&r, &[]);
        assert_eq!(code, 0, "{pack}: {json:#}");
        // The letters took the ladder's steps: Worcestershire's enquiries, then Missing Mondays.
        if pack == "worcestershire" {
            let status = ok_on(&r, "2026-11-10", &["status", "TBC-2026-0001"]);
            assert!(
                status.contains("ladder: step 2 of 4 (Missing Mondays)")
                    && status.contains("next: Whereabouts unknown review (App F)"),
                "{status}"
            );
        }
    }
}

/// An authority's own template in templates/letters/ replaces the pack's of the same name;
/// one that cannot be read is said by --list, not skipped in silence.
#[test]
fn an_authoritys_template_overrides_the_packs() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    add_contact(&r);
    write(
        &r,
        "templates/letters/first-letter.md",
        "+++\ntitle = \"Our own first letter\"\npurpose = \"The authority's wording\"\nkind = \"letter\"\ngoes_to = \"the family\"\nreply_working_days = 5\nneeds = [\"child.last_known_address\"]\npolicy_ref = \"manchester#cme-team\"\n+++\nDear family of {{ child.given_name }}, please ring {{ authority.phone }}.\n",
    );
    write(&r, "templates/letters/broken.md", "+++\ntitle = \"x\"\n+++\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", r.join("templates/letters/linked.md")).unwrap();
    let o = cme().current_dir(&r).args(["letter", "--list"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("Our own first letter") && stdout(&o).contains("templates/letters/first-letter.md"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("templates/letters/broken.md"), "{}", stderr(&o));
    #[cfg(unix)]
    assert!(
        stderr(&o).contains("templates/letters/linked.md is a symbolic link"),
        "{}",
        stderr(&o)
    );
    new_ava(&r, &["--address", "1 Elm Row, Testtown", "--assign", "ofc"]);
    let o = cme_in(&r, &["letter", "TBC-2026-0001", "first-letter"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o).lines().next().unwrap().to_string();
    let text = std::fs::read_to_string(r.join(md)).unwrap();
    assert!(text.contains("Dear family of Ava, please ring 01632 960123."), "{text}");
    let o = cme_in(&r, &["letter", "TBC-2026-0001", "first-leter"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Did you mean \"first-letter\"?"), "{}", stderr(&o));
}

/// A letter names a child: it is written into the repository's own letters/ folder and
/// nowhere else, and a template reads only what the letter is given.
#[cfg(unix)]
#[test]
fn letters_stay_inside_the_repository_and_templates_read_nothing_else() {
    let dir = init("manchester");
    let r = dir.path().join("repo");
    add_contact(&r);
    new_ava(&r, &["--address", "1 Elm Row, Testtown", "--assign", "ofc"]);
    // letters/<CASE> made a link to a folder outside: refused, nothing written there.
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(r.join("letters")).unwrap();
    std::os::unix::fs::symlink(&outside, r.join("letters/TBC-2026-0001")).unwrap();
    let o = cme_in(&r, &["letter", "TBC-2026-0001", "first-letter"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a symbolic link"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "nothing outside");
    assert!(
        !std::fs::read_to_string(r.join("cases/2026/TBC-2026-0001.toml"))
            .unwrap()
            .contains("[[action]]")
    );
    std::fs::remove_file(r.join("letters/TBC-2026-0001")).unwrap();
    // A template that asks for the environment gets nothing.
    write(
        &r,
        "templates/letters/first-letter.md",
        "+++\ntitle = \"T\"\npurpose = \"P\"\nkind = \"letter\"\ngoes_to = \"g\"\npolicy_ref = \"manchester#cme-team\"\n+++\nPATH is {{ get_env(name=\"PATH\") }}\n",
    );
    let o = cme_in(&r, &["letter", "TBC-2026-0001", "first-letter"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read the environment"), "{}", stderr(&o));
    assert!(
        !r.join("letters/TBC-2026-0001").exists(),
        "a refused letter leaves no folder"
    );
    std::fs::remove_file(r.join("templates/letters/first-letter.md")).unwrap();
    // A letter dated before the referral is refused.
    let o = cme_in(&r, &["letter", "TBC-2026-0001", "first-letter", "--date", "2026-10-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("before TBC-2026-0001's referral"), "{}", stderr(&o));
    // A check the team makes itself is not asked for by letter.
    let o = cme_in(
        &r,
        &["letter", "TBC-2026-0001", "agency-check", "--check", "social-media"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--kind database-check --check social-media"),
        "{}",
        stderr(&o)
    );
    // A reply to the reminder answers the letter it chased; a letter the record names but
    // the repository lacks is an error of the record.
    ok(&r, &["letter", "TBC-2026-0001", "first-letter", "--date", "2026-11-03"]);
    ok(
        &r,
        &[
            "letter",
            "TBC-2026-0001",
            "reminder",
            "--about",
            "1",
            "--date",
            "2026-11-18",
        ],
    );
    ok(
        &r,
        &[
            "act",
            "TBC-2026-0001",
            "--reply-to",
            "2",
            "--kind",
            "phone",
            "--by",
            "ofc",
            "--outcome",
            "Father rang",
            "--date",
            "2026-11-20",
        ],
    );
    let awaiting = ok(&r, &["status", "--awaiting"]);
    assert!(
        awaiting.contains("0 replies"),
        "the letter chased is answered too: {awaiting}"
    );
    check_green(&r);
    let letter = std::fs::read_dir(r.join("letters/TBC-2026-0001"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("first-letter.md"))
        .unwrap();
    std::fs::remove_file(letter).unwrap();
    let (code, json) = check_json(&r, &[]);
    assert_eq!(code, 1);
    assert!(json.to_string().contains("is not in the repository"), "{json:#}");
}
