//! `cme check`: bad input, output formats, exit codes, checking a subset of files.

use super::*;

fn diagnostics_for<'a>(json: &'a serde_json::Value, file: &str) -> Vec<&'a serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .collect()
}

#[test]
fn each_bad_file_gets_one_clear_diagnostic_and_the_check_goes_on() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(
        r,
        "cases/2026/EXC-2026-0002.toml",
        "format = 1\nid = \"EXC-2026-0002\nstatus = \"open\"\n",
    );
    write(
        r,
        "cases/2026/EXC-2026-0003.toml",
        good_case("EXC-2026-0003").replace("received = 2026-09-01", "received = \"2026-09-01\""),
    );
    write(
        r,
        "cases/2026/EXC-2026-0004.toml",
        good_case("EXC-2026-0004").replace("by = \"asmith\"", "by = \"nobody\""),
    );
    write(r, "cases/2026/EXC-2026-0005.toml", good_case("EXC-2026-0099"));
    write(
        r,
        "cases/2026/EXC-2026-0006.toml",
        b"format = 1\nid = \"EXC-2026-0006\"\nnote = \"\xff\xfe\"\n",
    );
    write(r, "cases/2026/EXC-2026-0007.toml", "");
    write(
        r,
        "cases/2026/EXC-2026-0008.toml",
        good_case("EXC-2026-0008").replace(
            "kind = \"home-visit\"",
            "<<<<<<< HEAD\nkind = \"home-visit\"\n=======\nkind = \"phone\"\n>>>>>>> theirs",
        ),
    );
    write(r, "cases/2025/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(
        r,
        "cases/2026/EXC-2026-0009.toml",
        good_case("EXC-2026-0009").replace("whereabouts = \"known-in-area\"", "whereabouts = 3"),
    );
    // 50 MB: refused by its size, not read.
    let big = std::fs::File::create(r.join("cases/2026/EXC-2026-0010.toml")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();

    let (code, json) = check_json(r, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["cases"], 11);
    assert!(
        diagnostics_for(&json, "cases/2026/EXC-2026-0001.toml").len() == 1,
        "duplicate id reported on both files"
    );
    for (file, line, needle) in [
        ("cases/2026/EXC-2026-0002.toml", 2, "not valid TOML"),
        ("cases/2026/EXC-2026-0003.toml", 12, "written as text in quotes"),
        ("cases/2026/EXC-2026-0004.toml", 21, "\"nobody\" is not an officer"),
        ("cases/2026/EXC-2026-0005.toml", 2, "does not match the file name"),
        ("cases/2026/EXC-2026-0006.toml", 3, "not UTF-8"),
        ("cases/2026/EXC-2026-0007.toml", 1, "empty"),
        ("cases/2026/EXC-2026-0008.toml", 20, "merge conflict"),
        (
            "cases/2025/EXC-2026-0001.toml",
            2,
            "also used by cases/2026/EXC-2026-0001.toml",
        ),
        (
            "cases/2026/EXC-2026-0009.toml",
            9,
            "must be one of the whereabouts values",
        ),
        ("cases/2026/EXC-2026-0010.toml", 1, "over the limit"),
    ] {
        let ds = diagnostics_for(&json, file);
        assert_eq!(ds.len(), 1, "{file}: {ds:#?}");
        let d = ds[0];
        assert_eq!(d["rule"], "COM-SCHEMA", "{file}");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["line"], line, "{file}: {d}");
        assert!(d["message"].as_str().unwrap().contains(needle), "{file}: {d}");
        assert!(d["column"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn json_has_exactly_the_specified_shape() {
    let repo = empty_repo("manchester");
    write(
        repo.path(),
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace("by = \"asmith\"", "by = \"asmyth\""),
    );
    let (code, json) = check_json(repo.path(), &[]);
    assert_eq!(code, 1);
    let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["cases", "diagnostics", "errors", "today", "warnings"]);
    // ... printed in the order the spec shows them.
    let text = stdout(&run(repo.path(), &["check", "--format", "json"]));
    let at = |k: &str| text.find(&format!("\"{k}\":")).unwrap();
    assert!(
        at("today") < at("cases")
            && at("cases") < at("errors")
            && at("errors") < at("warnings")
            && at("warnings") < at("diagnostics")
    );
    assert_eq!(json["today"], TODAY);
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 0);
    let d = &json["diagnostics"][0];
    for k in [
        "file",
        "line",
        "column",
        "case",
        "severity",
        "rule",
        "message",
        "policy_ref",
    ] {
        assert!(d.get(k).is_some(), "missing {k}");
    }
    assert_eq!(d["file"], "cases/2026/EXC-2026-0001.toml");
    assert_eq!(d["case"], "EXC-2026-0001");
    assert_eq!(d["line"], 21);
    assert_eq!(d["column"], 6);
    assert_eq!(d["policy_ref"], "manchester#records");
    assert!(d["hint"].as_str().unwrap().contains("did you mean \"asmith\""));
}

#[test]
fn human_output_points_at_the_line_with_policy_and_hint() {
    let repo = empty_repo("manchester");
    write(
        repo.path(),
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace("\"known-in-area\"", "\"unkown\""),
    );
    let o = run(repo.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        !stdout(&o).contains("\u{1b}["),
        "no colour when stdout is not a terminal"
    );
    // The rule, file:line:column, the source line underlined, the policy and the hint.
    insta::assert_snapshot!("check-one-error", shown(repo.path(), &["check"], &o));
}

#[test]
fn github_format_prints_workflow_commands() {
    let repo = empty_repo("manchester");
    write(
        repo.path(),
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace("date = 2026-09-04", "date = 2027-01-04"),
    );
    let o = run(repo.path(), &["check", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.starts_with("::error file=cases/2026/EXC-2026-0001.toml,line=19,col=8,title=COM-DATES::`date` is 2027-01-04, which is after today (2026-11-22)"),
        "{out}"
    );
}

#[test]
fn junit_format_has_a_test_case_per_file() {
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(
        repo.path(),
        "cases/2026/EXC-2026-0002.toml",
        good_case("EXC-2026-0002").replace("format = 1", "format = 9"),
    );
    let o = run(repo.path(), &["check", "--format", "junit"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("<?xml"));
    assert!(out.contains(r#"tests="2" failures="1""#), "{out}");
    assert!(out.contains(r#"<testcase classname="cme.check" name="cases/2026/EXC-2026-0001.toml""#));
    assert!(
        out.contains(r#"<failure type="COM-SCHEMA" message="format 9 is not one this version of cme reads"#),
        "{out}"
    );
}

#[test]
fn exit_codes_are_zero_one_two() {
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    assert_eq!(run(repo.path(), &["check"]).status.code(), Some(0));
    // Warnings alone do not fail the check.
    write(
        repo.path(),
        "cases/2026/EXC-2026-0002.toml",
        good_case("EXC-2026-0002").replace("\"known-in-area\"", "\"unknown\""),
    );
    let (code, json) = check_json(repo.path(), &[]);
    assert_eq!((code, json["warnings"].as_u64()), (0, Some(1)));
    write(repo.path(), "cases/2026/EXC-2026-0003.toml", "nonsense");
    assert_eq!(run(repo.path(), &["check"]).status.code(), Some(1));
    // Usage errors.
    assert_eq!(run(repo.path(), &["check", "--format", "yaml"]).status.code(), Some(2));
    assert_eq!(run(repo.path(), &["frobnicate"]).status.code(), Some(2));
    let o = cme().args(["--today", "22/11/2026", "check"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a date like 2026-11-22"));
}

#[test]
fn a_broken_setup_is_a_clear_exit_two() {
    let mut all = String::new();
    let empty = tempfile::tempdir().unwrap();
    let o = run(empty.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    all.push_str(&shown(empty.path(), &["check"], &o));

    let repo = empty_repo("manchester");
    let cfg = std::fs::read_to_string(repo.path().join("cme.toml")).unwrap();
    let broken = [
        (
            "cme.toml",
            cfg.replace("policy = \"manchester\"", "policy = \"atlantis\""),
        ),
        ("cme.toml", cfg.replace("role = \"cme-officer\"", "role = \"boss\"")),
        ("policy/calendar/bank-holidays.json", "{".to_string()),
    ];
    for (file, text) in broken {
        std::fs::write(repo.path().join("cme.toml"), &cfg).unwrap();
        std::fs::write(repo.path().join(file), text).unwrap();
        let o = run(repo.path(), &["check"]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        all.push_str(&format!("# {file} broken\n{}", shown(repo.path(), &["check"], &o)));
    }
    insta::assert_snapshot!("setup-errors", all);
}

#[test]
fn a_pack_with_a_dangling_policy_reference_is_refused() {
    let repo = empty_repo("manchester");
    let p = repo.path().join("policy/manchester/policy.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        text.replace("policy_ref = \"manchester#upn\"", "policy_ref = \"manchester#nowhere\""),
    )
    .unwrap();
    let o = run(repo.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!("setup-dangling-policy-ref", shown(repo.path(), &["check"], &o));
}

#[test]
fn a_subset_of_files_is_checked_against_the_whole_repository() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(r, "cases/2026/EXC-2026-0002.toml", "broken");
    write(r, "cases/2025/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(r, "notes/EXC-2026-0003.toml", good_case("EXC-2026-0003"));
    write(r, "README.md", "not a case");
    // Paths as CI passes them: relative to the repository root, run from the root.
    let o = cme()
        .current_dir(r)
        .args([
            "--today",
            TODAY,
            "check",
            "--format",
            "json",
            "cases/2026/EXC-2026-0001.toml",
            "README.md",
            "cases/2026/EXC-2026-0404.toml",
            "notes/EXC-2026-0003.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["cases"], 1, "only the case file given is checked");
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["cases/2026/EXC-2026-0001.toml", "notes/EXC-2026-0003.toml"],
        "duplicate found across the repository; file outside cases/ refused"
    );
    let err = stderr(&o);
    assert!(err.contains("skipping README.md: not a case file"), "{err}");
    assert!(
        err.contains("skipping cases/2026/EXC-2026-0404.toml: no such file"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_in_cases_are_not_followed() {
    let repo = empty_repo("manchester");
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    std::os::unix::fs::symlink(
        outside.path().join("EXC-2026-0001.toml"),
        repo.path().join("cases/2026/EXC-2026-0001.toml"),
    )
    .unwrap();
    let (code, json) = check_json(repo.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(json["cases"], 0);
    let d = &json["diagnostics"][0];
    assert!(d["message"].as_str().unwrap().contains("symbolic link"), "{d}");
}

#[test]
fn the_policy_review_date_warns_once_against_the_pack() {
    let repo = empty_repo("worcestershire");
    let (code, json) = check_json(repo.path(), &[]);
    assert_eq!(code, 0);
    let ds = json["diagnostics"].as_array().unwrap();
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0]["rule"], "WOR-POLICY-REVIEW");
    assert_eq!(ds[0]["severity"], "warning");
    assert_eq!(ds[0]["file"], "policy/worcestershire/policy.toml");
    let text = std::fs::read_to_string(root().join("policy/worcestershire/policy.toml")).unwrap();
    let line = text.lines().position(|l| l.starts_with("review_due")).unwrap() + 1;
    assert_eq!(ds[0]["line"], line);
    // Before the review date there is nothing to say.
    let o = cme()
        .arg("--repo")
        .arg(repo.path())
        .args(["--today", "2024-07-01", "check", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["warnings"], 0);
    // Manchester's source has no review date.
    let repo = empty_repo("manchester");
    let (_, json) = check_json(repo.path(), &[]);
    assert_eq!(json["warnings"], 0);
}
