//! One integration-test binary, a module per command. Tests drive the real `cme` binary
//! against real repositories made in temporary directories.

mod audit;
mod browser;
mod check;
mod demo;
mod history;
mod integrity;
mod privacy;
mod readings;
mod reports;
mod robustness;
mod rules;
mod site;
mod snapshots;
mod status;
mod third_pack;
mod workflow;

use std::path::{Path, PathBuf};
use std::process::Output;

/// The tool's own repository (the Manchester demo authority).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Worcestershire demo authority.
pub fn worcestershire_demo() -> PathBuf {
    root().join("tests/fixtures/worcestershire-demo")
}

pub const TODAY: &str = "2026-11-22";

pub fn cme() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("cme").expect("the cme binary is built");
    for (k, v) in git_env() {
        c.env(k, v);
    }
    c
}

/// A home of the tests' own for git: the developer's global git configuration (a
/// `commit.gpgsign`, hooks, an identity) and the system's are never read, by git or by the
/// libgit2 inside cme. A test that needs git not to know who the user is sets
/// `GIT_CONFIG_GLOBAL=/dev/null` after this.
pub fn git_env() -> [(&'static str, std::ffi::OsString); 4] {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join(".gitconfig"),
            "[user]\n\tname = CME Tests\n\temail = tests@example.invalid\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n",
        )
        .unwrap();
        d
    });
    [
        ("HOME", home.path().into()),
        ("XDG_CONFIG_HOME", home.path().join(".config").into()),
        ("GIT_CONFIG_GLOBAL", home.path().join(".gitconfig").into()),
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
    ]
}

/// `git`, run with the tests' own configuration ([`git_env`]).
pub fn git_command() -> std::process::Command {
    let mut c = std::process::Command::new("git");
    c.envs(git_env());
    c
}

/// `cme` as a plain process (to wait on, kill or pipe), with the tests' git configuration.
pub fn cme_process() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("cme"));
    c.envs(git_env());
    c
}

/// Runs `cme --repo DIR --today 2026-11-22 ARGS...`.
pub fn run(repo: &Path, args: &[&str]) -> Output {
    cme()
        .arg("--repo")
        .arg(repo)
        .args(["--today", TODAY])
        .args(args)
        .output()
        .expect("cme runs")
}

/// [`run`], asserting that the command succeeds (its standard error is the message if not).
pub fn run_ok(repo: &Path, args: &[&str]) -> Output {
    let o = run(repo, args);
    assert_eq!(o.status.code(), Some(0), "cme {args:?}: {}", stderr(&o));
    o
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `cme check --format json` parsed.
pub fn check_json(repo: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let o = run(repo, &args);
    let code = o.status.code().expect("exited");
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json output ({e}): {}\nstderr: {}", stdout(&o), stderr(&o)));
    (code, v)
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        let meta = std::fs::metadata(e.path()).unwrap();
        if meta.is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A fresh case repository in a temp dir: the tool's packs and calendar, and the `cme.toml`
/// of one of the two demo authorities (`manchester` or `worcestershire`), with no cases.
pub fn empty_repo(pack: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("policy"), &dir.path().join("policy"));
    match pack {
        "manchester" => {
            std::fs::copy(root().join("cme.toml"), dir.path().join("cme.toml")).unwrap();
        }
        "worcestershire" => {
            let demo = worcestershire_demo();
            std::fs::copy(demo.join("cme.toml"), dir.path().join("cme.toml")).unwrap();
            std::fs::copy(demo.join("terms.toml"), dir.path().join("terms.toml")).unwrap();
        }
        other => panic!("no demo authority for pack {other}"),
    }
    std::fs::create_dir_all(dir.path().join("cases/2026")).unwrap();
    dir
}

/// Writes a case file at `rel` inside the repository.
pub fn write(repo: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = repo.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// Runs git in `dir`, asserting it succeeds; its standard output, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let o = git_command().current_dir(dir).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// A valid, quiet Manchester case (no diagnostics as of 2026-11-22). Each id's child has a
/// date of birth of its own, so that two good cases are two children (COM-DUPLICATE).
pub fn good_case(id: &str) -> String {
    let n: i64 = id.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let dob = chrono::NaiveDate::from_ymd_opt(2014, 5, 13).unwrap() + chrono::Duration::days(n % 300);
    format!(
        r#"format = 1
id = "{id}"
status = "open"

[child]
given_name = "Test"
family_name = "Good"
date_of_birth = {dob}
whereabouts = "known-in-area"

[referral]
received = 2026-09-01
source = "school"
reason = "moved-unknown-school"
assigned_to = "asmith"
assigned_on = 2026-09-02

[[action]]
date = 2026-09-04
kind = "home-visit"
by = "asmith"
"#
    )
}

/// A command's exit code and what it printed, for a snapshot: the temporary repository's
/// path is written `[REPO]`, so the snapshot is the same on every machine.
pub fn shown(repo: &Path, args: &[&str], o: &Output) -> String {
    let mut s = format!("$ cme {}\nexit {:?}\n", args.join(" "), o.status.code());
    for (name, text) in [("stdout", stdout(o)), ("stderr", stderr(o))] {
        if !text.is_empty() {
            s.push_str(&format!("--- {name}\n{text}"));
            if !text.ends_with('\n') {
                s.push('\n');
            }
        }
    }
    let mut out = s;
    for p in [
        repo.to_path_buf(),
        std::fs::canonicalize(repo).unwrap_or_else(|_| repo.to_path_buf()),
    ] {
        out = out.replace(p.to_string_lossy().as_ref(), "[REPO]");
    }
    out
}
