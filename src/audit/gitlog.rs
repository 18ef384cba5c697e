//! The tree pass done by git itself, for large case folders.
//!
//! `git log --raw` lists, for every commit, the files it changed with their old and new ids:
//! what the tree pass computes. libgit2 keeps 16 MiB of delta bases where git keeps 96 MiB;
//! once a folder's tree is large (100 000 cases: a 526 KB tree for each year) libgit2 applies
//! the same delta chains again and again, and its pass took 589 s where `git log` takes 151 s
//! on the same repository. Below [`LARGE`] libgit2 is the faster (3.7 s against 4.2 s for
//! 10 000 cases, whose year trees are 53 KB), so it is used there.

use super::Listed;
use super::tree::FileChange;
use git2::{Oid, Repository};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// A tree under `cases/` this large (bytes) makes git the faster reader of the history.
pub const LARGE: usize = 192 * 1024;

/// Which tree pass to use: `CME_TREE_PASS=git` or `libgit2` says; otherwise git when a
/// folder under `prefix` at `head` holds a tree of [`LARGE`] bytes or more.
pub fn wanted(git: &Repository, prefix: &str, head: Oid) -> bool {
    match std::env::var("CME_TREE_PASS").as_deref() {
        Ok("git") => return true,
        Ok("libgit2") => return false,
        _ => {}
    }
    let largest = || -> Option<usize> {
        let tree = git.find_commit(head).ok()?.tree().ok()?;
        let cases = tree.get_path(std::path::Path::new(prefix)).ok()?;
        let cases = git.find_tree(cases.id()).ok()?;
        let odb = git.odb().ok()?;
        let mut largest = odb.read_header(cases.id()).ok()?.0;
        for e in cases.iter() {
            if e.kind() == Some(git2::ObjectType::Tree) {
                largest = largest.max(odb.read_header(e.id()).ok()?.0);
            }
        }
        Some(largest)
    };
    largest().is_some_and(|n| n >= LARGE)
}

/// Every commit from `head` (not reachable from `hide`), in `git log --date-order` (as libgit2 walks: parents after children, otherwise by date), with the
/// `.toml` files under `prefix` it changed (paths relative to `prefix`; for a merge, only
/// those that differ from every parent, as `git log -c` shows them), and how many commits
/// were listed. `None` when git cannot be run or says something unexpected: the caller then
/// walks with libgit2.
pub fn changes(git: &Repository, prefix: &str, head: Oid, hide: Option<Oid>) -> Option<Listed> {
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir")
        .arg(git.path())
        .args([
            "-c",
            "core.quotePath=false",
            "-c",
            "log.showSignature=false",
            "log",
            "--raw",
            "-c",
            "--root",
            "--no-renames",
            "--no-abbrev",
            "--no-color",
            "-z",
            "--date-order",
            "--format=%x01%H %P",
        ])
        .arg(head.to_string());
    if let Some(h) = hide {
        cmd.arg(format!("^{h}"));
    }
    cmd.arg("--")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().ok()?;
    let parsed = parse(BufReader::with_capacity(1 << 16, child.stdout.take()?), prefix);
    let status = child.wait().ok()?;
    if !status.success() {
        return None;
    }
    let (listed, commits, merges) = parsed?;
    // git's combined diff shows a merge's files only where they differ from every parent: a
    // merge that took an old version back would not show. Merges are few: judge each one
    // with the libgit2 pass's rules.
    let mut trees = super::tree::Trees::new(git.odb().ok()?);
    let mut out = Vec::with_capacity(commits.len());
    for (oid, changed) in commits {
        if merges.contains(&oid) {
            if let Some(c) = super::commit_changes(git, &mut trees, prefix, oid).ok()? {
                out.push((oid, c));
            }
        } else if !changed.is_empty() {
            out.push((oid, changed));
        }
    }
    Some((listed, out))
}

/// What [`parse`] reads: how many commits, each commit with the case files it changed (a
/// merge listed whether or not git showed a file for it), and which commits are merges.
type Parsed = (usize, Vec<(Oid, Vec<FileChange>)>, std::collections::HashSet<Oid>);

fn parse(mut out: impl BufRead, prefix: &str) -> Option<Parsed> {
    let under = format!("{}/", prefix.trim_end_matches('/'));
    let mut listed = 0;
    let mut commits: Vec<(Oid, Vec<FileChange>)> = Vec::new();
    let mut current: Option<(Oid, Vec<FileChange>)> = None;
    let mut merges = std::collections::HashSet::new();
    // A raw record's fields, waiting for the path that follows it.
    let mut record: Option<(u32, u32, Oid, Oid)> = None;
    let mut token = Vec::new();
    loop {
        token.clear();
        if out.read_until(0, &mut token).ok()? == 0 {
            break;
        }
        if token.last() == Some(&0) {
            token.pop();
        }
        let t = token.strip_prefix(b"\n").unwrap_or(&token);
        if let Some((old_mode, new_mode, old, new)) = record.take() {
            let path = std::str::from_utf8(t).ok()?;
            if let Some(rel) = path.strip_prefix(&under)
                && rel.ends_with(".toml")
                && let Some((_, changed)) = current.as_mut()
            {
                changed.push(FileChange {
                    path: rel.to_string(),
                    old,
                    new,
                    old_mode,
                    new_mode,
                    also: Vec::new(),
                });
            }
        } else if let Some(line) = t.strip_prefix(b"\x01") {
            if let Some(done) = current.take().filter(|(o, c)| !c.is_empty() || merges.contains(o)) {
                commits.push(done);
            }
            let mut words = std::str::from_utf8(line).ok()?.split(' ');
            let oid = Oid::from_str(words.next()?).ok()?;
            if words.filter(|w| !w.is_empty()).count() > 1 {
                merges.insert(oid);
            }
            current = Some((oid, Vec::new()));
            listed += 1;
        } else if t.first() == Some(&b':') {
            record = Some(raw_record(t)?);
        } else if !t.is_empty() {
            return None;
        }
    }
    if record.is_some() {
        return None;
    }
    if let Some(done) = current.filter(|(o, c)| !c.is_empty() || merges.contains(o)) {
        commits.push(done);
    }
    Some((listed, commits, merges))
}

/// `:100644 100644 <old> <new> M` or, for a merge, `::100644 100644 100644 <p1> <p2> <new> MM`:
/// (the first parent's mode, the new mode, the first parent's id, the new id).
fn raw_record(t: &[u8]) -> Option<(u32, u32, Oid, Oid)> {
    let text = std::str::from_utf8(t).ok()?;
    let parents = text.bytes().take_while(|&b| b == b':').count();
    let fields: Vec<&str> = text[parents..].split(' ').collect();
    // parents + 1 modes, parents + 1 ids, the status letters.
    if parents == 0 || fields.len() != 2 * (parents + 1) + 1 {
        return None;
    }
    let mode = |s: &str| u32::from_str_radix(s, 8).ok();
    let old_mode = mode(fields[0])?;
    let new_mode = mode(fields[parents])?;
    let old = Oid::from_str(fields[parents + 1]).ok()?;
    let new = Oid::from_str(fields[2 * parents + 1]).ok()?;
    Some((old_mode, new_mode, old, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_raw_records_of_commits_and_merges() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let h1 = "1".repeat(40);
        let h2 = "2".repeat(40);
        let h3 = "3".repeat(40);
        let out = format!(
            "\x01{h1} {h2} {h3}\0\0::100644 100644 100644 {a} {b} {c} MM\0cases/2026/X-1.toml\0\
             \x01{h2} {h3}\0\n:000000 100644 {z} {a} A\0cases/2026/X-2.toml\0:100644 100644 {a} {b} M\0README.md\0\
             \x01{h3} \0\n:100644 000000 {a} {z} D\0docs/x.toml\0"
        );
        let (listed, commits, merges) = parse(out.as_bytes(), "cases").unwrap();
        assert_eq!(listed, 3, "every commit is counted, also one with no case");
        assert_eq!(commits.len(), 2);
        assert_eq!(merges.len(), 1, "the first commit has two parents");
        assert!(merges.contains(&Oid::from_str(&h1).unwrap()));
        let (oid, merge) = &commits[0];
        assert_eq!(oid.to_string(), h1);
        assert_eq!(merge[0].path, "2026/X-1.toml");
        assert_eq!(
            (merge[0].old.to_string(), merge[0].new.to_string()),
            (a.clone(), c.clone())
        );
        let (_, added) = &commits[1];
        assert_eq!(added.len(), 1, "README.md is not a case");
        assert!(added[0].old.is_zero());
        assert_eq!(added[0].new_mode, 0o100644);
        // Output cut short or not what was asked for: not trusted.
        assert!(parse(&out.as_bytes()[..out.len() - 5], "cases").is_some_and(|(n, _, _)| n == 3));
        assert!(parse(format!("\x01{h1}\0\n:100644 {a} M\0x\0").as_bytes(), "cases").is_none());
        assert!(parse(format!("\x01{h1}\0\n:100644 100644 {a} {b} M\0").as_bytes(), "cases").is_none());
    }
}
