//! Where a build writes, and the promise that it never deletes or overwrites anything it
//! did not create.
//!
//! A build is written into a staging folder beside the output folder, then swapped in. Every
//! build is marked (a [`MARKER`] file at its top), so a later build replaces only a folder
//! that is a previous build. A folder is refused (exit 2, saying why) when it is the
//! repository itself or holds it, is inside `cases/` or `.git`, holds `.git` or case files,
//! is a file, or is a non-empty folder that is not a previous build.
//!
//! The staging folder starts with a `.gitignore` that ignores everything in it (so git never
//! shows or stages a half-built site full of personal data, wherever it is), and is removed
//! on every failure (an error, a panic: [`Staging`] removes it when dropped). A staging folder
//! left by a build that was killed is removed by the next build into the same place.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file that marks a folder as a `cme` build.
pub const MARKER: &str = ".cme-site";
/// Names a build writes at its top (besides the marker): how a build made before builds were
/// marked is recognised.
const BUILD_NAMES: &[&str] = &[
    "index.html",
    "assets",
    "cases",
    "queues",
    "officers",
    "policy",
    "stats",
    "search.html",
    "failing.html",
    "board",
    ".gitignore",
    ".cme-manifest.json",
    MARKER,
];

/// Why a folder cannot be built into.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path made absolute and free of `.`/`..` (lexically) and of symbolic links (for the part
/// that exists).
fn resolve(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let lexical = crate::load::normalise(&abs);
    // Canonicalise the longest existing ancestor, then add the rest.
    let mut existing = lexical.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(&existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Ok(out);
        }
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(n), Some(parent)) => {
                rest.push(n);
                existing = parent.to_path_buf();
            }
            _ => return Ok(lexical),
        }
    }
}

/// The first line of a marker; the files the build wrote follow, one a line.
const MARKER_HEAD: &str = "# A site built by cme. Each build replaces all of it. Files it wrote, and their sizes:";

/// Whether a folder is a previous build: marked, or (made before builds were marked) holding
/// only what a build writes, with its front page and stylesheet.
pub fn is_build(dir: &Path) -> bool {
    if dir.join(MARKER).is_file() {
        return true;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    let names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.iter().all(|n| BUILD_NAMES.contains(&n.as_str()))
        && names.iter().any(|n| n == "index.html")
        && dir.join("assets/cme.css").is_file()
}

/// Whether a folder holds anything that must never be replaced: `.git`, a `.toml` file
/// (`cme.toml`, a pack) or a case folder (`cases/<year>/`: a build's `cases/` holds pages only).
fn holds_records(dir: &Path) -> Option<String> {
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == ".git" {
            return Some("it holds a git repository (.git)".into());
        }
        if name.ends_with(".toml") {
            return Some(format!("it holds {name}"));
        }
    }
    for e in fs::read_dir(dir.join("cases")).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") || e.file_type().is_ok_and(|t| t.is_dir()) {
            return Some(format!("it holds case records (cases/{name})"));
        }
    }
    None
}

/// Checks that `out` may be built into for the repository at `root`, whose git's own
/// folders are `own_dirs` ([`crate::git::Git::own_dirs`]).
/// The mark a report page carries, so that writing one again may replace it and nothing else.
pub const REPORT_MARK: &str = "<meta name=\"generator\" content=\"cme report\">";

/// Whether a report may be written to the file `out`: never into git's own folder or the
/// repository's records, policy or templates; inside the repository only where git ignores
/// it (a report may name children, and must not be committed by accident); and over an
/// existing file only when it is a report cme wrote. `ignored` says whether git ignores a
/// path (absolute, free of symbolic links) inside the repository.
pub fn check_report_file(
    out: &Path,
    root: &Path,
    own_dirs: &[std::path::PathBuf],
    ignored: &dyn Fn(&Path) -> bool,
) -> Result<(), Refused> {
    let shown = out.display();
    let real_out = resolve(out).map_err(|e| Refused(format!("cannot write {shown}: {e}")))?;
    let real_root = resolve(root).map_err(|e| Refused(format!("cannot read {}: {e}", root.display())))?;
    for real in own_dirs {
        if real_out.starts_with(real) {
            return Err(Refused(format!(
                "cannot write {shown}: it is inside git's own folder ({})",
                real.display()
            )));
        }
    }
    for inner in ["cases", ".git", "policy", "templates"] {
        if real_out.starts_with(real_root.join(inner)) {
            return Err(Refused(format!(
                "cannot write {shown}: it is inside the repository's {inner}/ folder"
            )));
        }
    }
    if real_out.starts_with(&real_root) && !ignored(&real_out) {
        return Err(Refused(format!(
            "cannot write {shown}: it is in the case repository where git would see it (a report may name children and must not be committed by accident). Write it outside the repository, or into a folder .gitignore lists (add /reports to .gitignore, then use --out reports/...)"
        )));
    }
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Refused(format!("cannot write {shown}: {e}"))),
        Ok(m) if m.file_type().is_symlink() => Err(Refused(format!(
            "cannot write {shown}: it is a symbolic link; name the file itself"
        ))),
        Ok(m) if m.is_dir() => Err(Refused(format!(
            "cannot write {shown}: it is a folder; name a file in it"
        ))),
        Ok(_) => {
            let mut head = vec![0u8; 4096];
            let n = fs::File::open(out)
                .and_then(|mut f| io::Read::read(&mut f, &mut head))
                .unwrap_or(0);
            if String::from_utf8_lossy(&head[..n]).contains(REPORT_MARK) {
                Ok(())
            } else {
                Err(Refused(format!(
                    "cannot write {shown}: the file exists and is not a report cme wrote; choose another --out, or remove it first"
                )))
            }
        }
    }
}

pub fn check(out: &Path, root: &Path, own_dirs: &[std::path::PathBuf]) -> Result<(), Refused> {
    let shown = out.display();
    let real_out = resolve(out).map_err(|e| Refused(format!("cannot build into {shown}: {e}")))?;
    let real_root = resolve(root).map_err(|e| Refused(format!("cannot read {}: {e}", root.display())))?;
    if real_root.starts_with(&real_out) {
        return Err(Refused(format!(
            "cannot build into {shown}: it is the case repository{} (a build replaces its output folder). Use a folder of its own, such as --out site",
            if real_root == real_out {
                ""
            } else {
                "'s folder or one that holds it"
            }
        )));
    }
    // git's own folder, wherever it is (a worktree's, or above a case repository in a
    // subfolder).
    for real in own_dirs {
        if real_out.starts_with(real) {
            return Err(Refused(format!(
                "cannot build into {shown}: it is inside git's own folder ({}). Use a folder of its own, such as --out site",
                real.display()
            )));
        }
    }
    for inner in ["cases", ".git", "policy", "templates"] {
        if real_out.starts_with(real_root.join(inner)) {
            return Err(Refused(format!(
                "cannot build into {shown}: it is inside the repository's {inner}/ folder. Use a folder of its own, such as --out site"
            )));
        }
    }
    let meta = match fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Refused(format!("cannot build into {shown}: {e}"))),
    };
    if meta.file_type().is_symlink() {
        return Err(Refused(format!(
            "cannot build into {shown}: it is a symbolic link; name the folder itself"
        )));
    }
    if !meta.is_dir() {
        return Err(Refused(format!(
            "cannot build into {shown}: it is a file, not a folder"
        )));
    }
    if let Some(why) = holds_records(out) {
        return Err(Refused(format!(
            "cannot build into {shown}: {why}, and a build replaces everything in its output folder"
        )));
    }
    let empty = fs::read_dir(out)
        .map_err(|e| Refused(format!("cannot build into {shown}: {e}")))?
        .next()
        .is_none();
    if !empty && !is_build(out) {
        return Err(Refused(format!(
            "cannot build into {shown}: it is not empty and is not a previous cme build (a build replaces everything in its output folder, and cme deletes only what it made). Use an empty or new folder"
        )));
    }
    if let Some(extra) = not_written_by_cme(out) {
        return Err(Refused(format!(
            "cannot build into {shown}: it holds {extra}, which the previous build did not write or which was changed since (a build replaces everything in its output folder, and cme deletes only what it made). Move it out of the folder first"
        )));
    }
    Ok(())
}

/// In a marked build, the first file (or folder) the marker does not list.
fn not_written_by_cme(dir: &Path) -> Option<String> {
    let marker = fs::read_to_string(dir.join(MARKER)).ok()?;
    let listed: std::collections::HashMap<&str, u64> = marker
        .lines()
        .skip_while(|l| *l != MARKER_HEAD)
        .skip(1)
        .filter_map(|l| {
            let (path, size) = l.rsplit_once('\t')?;
            Some((path, size.parse().ok()?))
        })
        .collect();
    for e in walkdir::WalkDir::new(dir).min_depth(1).into_iter() {
        let Ok(e) = e else {
            return Some("a file that cannot be read".into());
        };
        if e.file_type().is_dir() {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(dir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let written = listed.get(rel.as_str());
        let size = e.metadata().map(|m| m.len()).ok();
        if rel != MARKER && (written.is_none() || written.copied() != size) {
            return Some(rel);
        }
    }
    None
}

/// A folder a build is written into; removed when dropped unless it was swapped in.
pub struct Staging {
    pub path: PathBuf,
    done: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

fn out_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into())
}

fn parent_of(out: &Path) -> &Path {
    out.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Whether process `pid` is still running (Linux: `/proc`; elsewhere assumed so).
fn alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes staging and old folders beside `out` left by builds that were killed.
fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefixes = [
        format!(".{name}.cme-staging-"),
        format!(".{name}.cme-old-"),
        // Made by versions before builds were marked.
        format!(".{name}.building-"),
        format!(".{name}.old-"),
    ];
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = prefixes
            .iter()
            .find_map(|p| file.strip_prefix(p.as_str()))
            .and_then(|rest| rest.parse::<u32>().ok())
        else {
            continue;
        };
        let path = e.path();
        if pid != std::process::id() && !alive(pid) && (is_build(&path) || is_empty_dir(&path)) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

fn is_empty_dir(p: &Path) -> bool {
    fs::read_dir(p).map(|mut d| d.next().is_none()).unwrap_or(false)
}

/// A new, marked, git-ignored staging folder beside `out`.
pub fn staging(out: &Path) -> io::Result<Staging> {
    let parent = parent_of(out);
    fs::create_dir_all(parent)?;
    let name = out_name(out);
    clean_leftovers(parent, &name);
    let path = parent.join(format!(".{name}.cme-staging-{}", std::process::id()));
    if path.exists() && is_build(&path) {
        fs::remove_dir_all(&path)?;
    }
    fs::create_dir(&path)?;
    let staging = Staging { path, done: false };
    fs::write(
        staging.path.join(".gitignore"),
        "# A site built by cme: never committed.\n*\n",
    )?;
    fs::write(staging.path.join(MARKER), format!("{MARKER_HEAD}\n"))?;
    Ok(staging)
}

/// Writes the marker: every file the build wrote, so that the next build replaces only a
/// folder holding nothing else.
fn mark(dir: &Path) -> io::Result<()> {
    let mut text = format!("{MARKER_HEAD}\n");
    for e in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let e = e.map_err(io::Error::other)?;
        if e.file_type().is_dir() {
            continue;
        }
        if let Ok(rel) = e.path().strip_prefix(dir) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel != MARKER {
                let size = e.metadata().map_err(io::Error::other)?.len();
                text.push_str(&format!("{rel}\t{size}\n"));
            }
        }
    }
    fs::write(dir.join(MARKER), text)
}

/// Puts the finished build in place of `out` (checked by [`check`]): the previous build is
/// moved aside, the new one renamed in, the previous one removed.
pub fn swap_in(mut staging: Staging, out: &Path) -> io::Result<()> {
    mark(&staging.path)?;
    if let Ok(meta) = fs::symlink_metadata(out) {
        // The folder keeps the permissions it had (a site readable only by the team stays so),
        // and its group, for the folder and everything in it.
        fs::set_permissions(&staging.path, meta.permissions())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let gid = meta.gid();
            if fs::metadata(&staging.path)?.gid() != gid {
                for e in walkdir::WalkDir::new(&staging.path).into_iter().flatten() {
                    let _ = std::os::unix::fs::lchown(e.path(), None, Some(gid));
                }
            }
        }
        let old = parent_of(out).join(format!(".{}.cme-old-{}", out_name(out), std::process::id()));
        fs::rename(out, &old)?;
        if let Err(e) = fs::rename(&staging.path, out) {
            // Put the previous build back.
            let _ = fs::rename(&old, out);
            return Err(e);
        }
        staging.done = true;
        fs::remove_dir_all(&old)?;
    } else {
        fs::rename(&staging.path, out)?;
        staging.done = true;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_dots_in_paths_that_do_not_exist_yet() {
        let tmp = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(tmp.path()).unwrap();
        assert_eq!(resolve(&tmp.path().join("a/../b/./c")).unwrap(), real.join("b/c"));
        assert_eq!(resolve(&tmp.path().join("x/..")).unwrap(), real);
    }

    #[test]
    fn a_folder_is_a_build_only_when_marked_or_holding_only_what_a_build_writes() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        fs::create_dir_all(d.join("assets")).unwrap();
        fs::write(d.join("assets/cme.css"), "").unwrap();
        fs::write(d.join("index.html"), "").unwrap();
        assert!(is_build(d));
        fs::write(d.join("important.docx"), "").unwrap();
        assert!(!is_build(d));
        fs::write(d.join(MARKER), "").unwrap();
        assert!(is_build(d));
    }
}
