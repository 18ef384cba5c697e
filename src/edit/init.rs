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
# Installed by cme init: checks what this commit changes, and refuses the commit if a record
# breaks the authority's policy. A change to cme.toml, policy/ or templates/ can break any
# record, so then every case is checked. (Files are checked as they are on disk.)
# The case repository, from the top of the git repository:
cd "CASE_REPOSITORY" || exit 1
staged=$(git diff --cached --name-only --relative --diff-filter=ACMRD)
if printf '%s\n' "$staged" | grep -qE '^(cme\.toml|policy/|templates/)'; then
  exec cme check
fi
files=$(git diff --cached --name-only --relative --diff-filter=ACMR -- 'cases/*.toml' 'cases/**/*.toml')
[ -z "$files" ] && exit 0
exec cme check $files
"#;

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
    git(dir, &["config", "merge.cme.driver", "cme merge-driver %O %A %B"])?;
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
        atomic_write(&hook, HOOK.replace("CASE_REPOSITORY", &sub).as_bytes(), false)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(())
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
            "# The authority, its policy pack and its team. Add every officer who records work:\n# ids are used in assigned_to, by and signed_off_by.\n\n[authority]\nname = \"{authority}\"\ncode = \"{}\"\npolicy = \"{}\"\nschool_calendar = \"policy/calendar/terms.toml\"\n\n[[officer]]\nid = \"lead\"\nname = \"CME Lead Officer\"\nrole = \"lead-officer\"\n",
            a.code, a.pack
        ),
    )?;
    for (path, text) in crate::packs::files_for(&a.pack) {
        put(path, text)?;
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
    put(
        crate::schema::FILE,
        &(serde_json::to_string_pretty(&crate::schema::schema(&repo)).unwrap_or_default() + "\n"),
    )?;
    configure_git(dir)?;
    Ok(written)
}
