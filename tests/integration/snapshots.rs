//! What officers read, as snapshots: a change to a message, a hint or a table is reviewed as
//! a diff of `tests/integration/snapshots/` (`cargo insta review`, or INSTA_UPDATE=always
//! and read the diff in git), rather than slipping past a `contains` check.

use super::*;

/// The human output of `cme check` over every rule fixture of a pack: every rule's
/// message, hint and policy reference, as an officer sees them.
fn check_fixtures(pack: &str) -> String {
    let repo = empty_repo(pack);
    for (dest, bytes) in super::rules::fixture_files(pack) {
        write(repo.path(), &dest, bytes);
    }
    let o = run(repo.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    stdout(&o)
}

#[test]
fn the_manchester_rules_speak_as_before() {
    insta::assert_snapshot!("check-manchester-fixtures", check_fixtures("manchester"));
}

#[test]
fn the_worcestershire_rules_speak_as_before() {
    insta::assert_snapshot!("check-worcestershire-fixtures", check_fixtures("worcestershire"));
}

#[test]
fn the_work_queue_reads_as_before() {
    let o = run_ok(&root(), &["status"]);
    insta::assert_snapshot!("status-demo", stdout(&o));
    let o = run(&root(), &["status", "EXC-2025-0058", "EXC-2026-0018"]);
    insta::assert_snapshot!("status-demo-cases", stdout(&o));
}

#[test]
fn the_figures_read_as_before() {
    let o = run_ok(&root(), &["stats"]);
    insta::assert_snapshot!("stats-demo", stdout(&o));
}

#[test]
fn refusals_read_as_before() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let mut all = String::new();
    for args in [
        vec!["close", "EXC-2026-0001", "--outcome", "confirmed-other-la"],
        vec!["close", "EXC-2026-0001", "--outcome", "untraceable"],
        vec!["act", "EXC-2026-0001", "--kind", "phone", "--by", "asmth"],
        vec!["reopen", "EXC-2026-0001", "--reason", "x"],
    ] {
        let o = run(r, &args);
        all.push_str(&format!(
            "$ cme {}\nexit {:?}\n{}\n",
            args.join(" "),
            o.status.code(),
            stderr(&o)
        ));
    }
    insta::assert_snapshot!("refusals", all);
}

/// The flags of the commands that write one table of the record come from its description
/// (`model/mod.rs`): a field added there, or its words changed, shows here as a diff.
#[test]
fn the_editing_flags_read_as_described() {
    let mut all = String::new();
    for cmd in ["act", "review", "close"] {
        let o = cme().args([cmd, "--help"]).env("COLUMNS", "100").output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        all.push_str(&format!("$ cme {cmd} --help\n{}\n", stdout(&o)));
    }
    insta::assert_snapshot!("editing-flags", all);
}
