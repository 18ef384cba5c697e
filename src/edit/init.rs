//! `cme init`: a ready case repository.

use super::{EditError, Result, atomic_write};
use std::path::Path;
use std::process::Command;

pub struct InitArgs {
    pub pack: String,
    pub authority: String,
    pub code: String,
    pub force: bool,
}

const HOOK: &str = r#"#!/bin/sh
# Installed by cme init (or cme configure-git): checks what this commit changes, and refuses
# the commit if a record breaks the authority's policy. A change to cme.toml, policy/ or
# templates/ can break any record, so then every case is checked, and the schema editors
# read (officers, the pack's ids) is refreshed into the commit. (Files are checked as they
# are on disk.)
# cme: the one on PATH, else the one that set this hook up.
CME=$(command -v cme)
if [ -z "$CME" ] && [ -x 'CME_BINARY' ]; then CME='CME_BINARY'; fi
if [ -z "$CME" ]; then
  echo "cme's pre-commit check cannot run: cme is not on PATH, and the cme that set this hook up is not there any more:" 'CME_BINARY' >&2
  echo "Install cme (ask IT, or: cargo install --locked --git <where your council keeps cme> cme), or put the folder that holds it on PATH; then commit again. (cme configure-git, run with the new cme, points this hook at it.)" >&2
  exit 1
fi
# The case repository, from the top of the git repository:
cd "CASE_REPOSITORY" || exit 1
staged=$(git diff --cached --name-only --relative --diff-filter=ACMRD)
if printf '%s\n' "$staged" | grep -qE '^(cme\.toml|policy/|templates/)'; then
  if [ -f schema/case.schema.json ]; then
    "$CME" schema --write --quiet && git add schema/case.schema.json || exit 1
  fi
  exec "$CME" check
fi
files=$(git diff --cached --name-only --relative --diff-filter=ACMR -- 'cases/*.toml' 'cases/**/*.toml')
[ -z "$files" ] && exit 0
exec "$CME" check $files
"#;

/// Whether a program of that name is on PATH (as the shell would find it).
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let p = dir.join(name);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::metadata(&p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            }
            #[cfg(not(unix))]
            {
                p.is_file() || p.with_extension("exe").is_file()
            }
        })
    })
}

/// This cme, as git should run it: `cme` when the shell finds it on PATH, else the full path
/// of the binary running now (quoted for the shell).
fn this_cme() -> String {
    if on_path("cme") {
        return "cme".into();
    }
    std::env::current_exe()
        .map(|p| shell_quote(&p.to_string_lossy()))
        .unwrap_or_else(|_| "cme".into())
}

/// `s` in single quotes for `sh`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

const GITHUB: &str = r#"# Checks every change to the case records against the authority's policy.
# Set the repository variable CME_GIT_URL to where your council keeps cme's source, and
# protect the default branch (Settings > Branches): its pushes are also audited.
name: cme check
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: dtolnay/rust-toolchain@stable
      - run: cargo install --locked --git "${{ vars.CME_GIT_URL }}" cme
      # A pull request: the case files it changes, or every case when it changes cme.toml,
      # policy/ or templates/ (cme says which, and says so when there is nothing to check).
      - name: Check the records
        run: |
          if [ "${{ github.event_name }}" = "pull_request" ]; then
            cme check --format github --changed-since "origin/${{ github.base_ref }}"
          else
            cme check --format github
          fi
      # The history: no case deleted, no enquiry rewritten, no closure backdated.
      - name: Audit the history
        if: github.event_name == 'pull_request' || github.ref == format('refs/heads/{0}', github.event.repository.default_branch)
        run: cme check --audit --format github
"#;

const GITLAB: &str = r#"# Checks every change to the case records against the authority's policy, and audits
# the history on the default branch (protect it: Settings > Repository > Protected branches).
# Set the CI/CD variable CME_GIT_URL to where your council keeps cme's source.
cme-check:
  image: rust:latest
  variables:
    GIT_DEPTH: 0
  script:
    - cargo install --locked --git "$CME_GIT_URL" cme
    - cme check --format junit > cme-check.xml || status=$?
    - cme check --format json > cme-check.json || true
    - if [ "$CI_COMMIT_BRANCH" = "$CI_DEFAULT_BRANCH" ] || [ -n "$CI_MERGE_REQUEST_IID" ]; then cme check --audit || status=$?; fi
    - exit ${status:-0}
  artifacts:
    when: always
    reports:
      junit: cme-check.xml
    paths:
      - cme-check.json
"#;

fn git(dir: &Path, args: &[&str]) -> Result<()> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| EditError::Usage(format!("cme init needs git on the PATH: {e}")))?;
    if !out.status.success() {
        return Err(EditError::Usage(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// Wires the merge driver and the pre-commit hook into a clone (`.git/config` and hooks are
/// not part of what a clone copies, so every clone needs this once).
pub fn configure_git(dir: &Path) -> Result<()> {
    git(
        dir,
        &["config", "merge.cme.name", "cme: merge case files field by field"],
    )?;
    git(
        dir,
        &[
            "config",
            "merge.cme.driver",
            &format!("{} merge-driver %O %A %B", this_cme()),
        ],
    )?;
    // The hooks folder git uses (core.hooksPath, a worktree's), not always .git/hooks.
    let hooks = Command::new("git")
        .current_dir(dir)
        .args(["rev-parse", "--git-path", "hooks"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| dir.join(String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|| dir.join(".git/hooks"));
    // Only a hooks folder of this repository: a global core.hooksPath would put cme's hook
    // into every repository of the user.
    let top = crate::load::boundary(dir)?;
    let real_hooks = {
        std::fs::create_dir_all(&hooks)?;
        std::fs::canonicalize(&hooks)?
    };
    let git_dir = crate::load::open_git(dir)
        .ok()
        .and_then(|g| std::fs::canonicalize(g.commondir()).ok());
    if !real_hooks.starts_with(&top) && !git_dir.is_some_and(|g| real_hooks.starts_with(g)) {
        return Err(EditError::Usage(format!(
            "git's hooks folder is {} (core.hooksPath), outside this repository: cme does not install its hook there, where every repository would run it. The merge driver is set up; to check case files before each commit, add to a pre-commit hook there: cme check $(git diff --cached --name-only --relative --diff-filter=ACMR -- 'cases/*.toml' 'cases/**/*.toml')",
            real_hooks.display()
        )));
    }
    // Where the case repository sits inside the git repository.
    let sub = crate::load::within_git(dir);
    let sub = if sub.is_empty() {
        ".".to_string()
    } else {
        sub.replace('"', "")
    };
    if hooks.is_dir() {
        let hook = hooks.join("pre-commit");
        if let Ok(existing) = std::fs::read_to_string(&hook)
            && !existing.contains("Installed by cme init")
        {
            return Err(EditError::Usage(format!(
                "{} is a pre-commit hook cme did not write: it was left as it is. To check case files before each commit, add this line to it: cme check $(git diff --cached --name-only --diff-filter=ACMR -- 'cases/*.toml' 'cases/**/*.toml')",
                hook.display()
            )));
        }
        // The binary that set the hook up, for a shell that does not find cme on PATH.
        let me = std::env::current_exe()
            .map(|p| p.to_string_lossy().replace('\'', "'\\''"))
            .unwrap_or_default();
        let text = HOOK.replace("CASE_REPOSITORY", &sub).replace("CME_BINARY", &me);
        atomic_write(&hook, text.as_bytes(), false)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(())
}

/// The built-in term dates, headed for the new authority: the dates are the demo's until its
/// officers put in their schools' own.
fn terms_for(built_in: &str, authority: &str) -> String {
    let body: String = built_in
        .lines()
        .skip_while(|l| l.starts_with('#') || l.starts_with("authority ="))
        .map(|l| format!("{l}\n"))
        .collect();
    format!(
        "# School term dates for {authority}, inclusive. School days are the working days inside a\n# term; where these dates do not reach, cme counts working days instead and says so.\n# THESE ARE EXAMPLE DATES, written by cme init: replace them with your schools' own term\n# dates before relying on deadlines counted in school days.\nauthority = \"{authority}\"\n{body}"
    )
}

pub fn init(dir: &Path, a: &InitArgs) -> Result<Vec<String>> {
    if !crate::packs::PACKS.contains(&a.pack.as_str()) {
        return Err(EditError::Usage(format!(
            "no pack \"{}\": the packs are {}",
            a.pack,
            crate::packs::PACKS.join(", ")
        )));
    }
    let code_ok = (2..=5).contains(&a.code.len()) && a.code.bytes().all(|b| b.is_ascii_uppercase());
    if !code_ok {
        return Err(EditError::Usage(format!(
            "--code \"{}\" must be 2 to 5 capital letters, e.g. EXC",
            a.code
        )));
    }
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() && !a.force {
        return Err(EditError::Usage(format!(
            "{} is not empty: choose a new folder, or add --force to set it up anyway",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir)?;
    if !dir.join(".git").exists() {
        git(dir, &["init", "-q"])?;
    }
    let mut written = Vec::new();
    let mut put = |rel: &str, text: &str| -> Result<()> {
        let p = dir.join(rel);
        // An authority's own team and term dates are never replaced (--force sets up around
        // them).
        if ["cme.toml", "policy/calendar/terms.toml"].contains(&rel) && p.exists() {
            written.push(format!("{rel} (kept: it was already there)"));
            return Ok(());
        }
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        atomic_write(&p, text.as_bytes(), false)?;
        written.push(rel.to_string());
        Ok(())
    };
    let authority = a.authority.replace('\\', "\\\\").replace('"', "\\\"");
    put(
        "cme.toml",
        &format!(
            "# The authority, its policy pack and its team. Add every officer who records work:\n# ids are used in assigned_to, by and signed_off_by.\n\n[authority]\nname = \"{authority}\"\ncode = \"{}\"\npolicy = \"{}\"\nschool_calendar = \"policy/calendar/terms.toml\"\n\n# The team's contact details, which the letters cme letter writes carry. Fill them in and\n# remove the # signs:\n# [contact]\n# team = \"Children Missing Education team\"\n# address = [\"Town Hall\", \"High Street\", \"Town AB1 2CD\"]\n# phone = \"01234 567890\"\n# email = \"cme@council.example\"\n\n[[officer]]\nid = \"lead\"\nname = \"CME Lead Officer\"\nrole = \"lead-officer\"\n",
            a.code, a.pack
        ),
    )?;
    for (path, text) in crate::packs::files_for(&a.pack) {
        if path == "policy/calendar/terms.toml" {
            put(path, &terms_for(text, &authority))?;
        } else {
            put(path, text)?;
        }
    }
    // The site, and reports written by `cme report` (they may name children).
    put(".gitignore", "/site\n/reports\n")?;
    put(
        ".gitattributes",
        "# Two officers' edits to one case file merge field by field (cme merge-driver).\ncases/**/*.toml merge=cme\n",
    )?;
    put(".github/workflows/cme.yml", GITHUB)?;
    put(".gitlab-ci.yml", GITLAB)?;
    put("cases/.gitkeep", "")?;
    let repo = crate::load::Repo::open(dir).map_err(|e| EditError::Usage(e.message()))?;
    put(crate::schema::FILE, &crate::schema::text(&repo))?;
    configure_git(dir)?;
    Ok(written)
}
