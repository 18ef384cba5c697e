//! Comparing two git trees the way git does: by reading the raw tree objects and walking
//! their sorted entries side by side, descending only into subtrees whose ids differ.
//! No allocation per entry; trees already read are kept for the next commit, whose parent
//! tree is usually the tree just read.

use git2::{Odb, Oid};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

const TREE_MODE: &[u8] = b"40000";

/// One changed file: its path and the blob ids before and after (zero when absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub old: Oid,
    pub new: Oid,
    pub old_mode: u32,
    pub new_mode: u32,
    /// For a merge's own change: the file in the other parents that the merge also departs
    /// from (each is audited against the result too).
    pub also: Vec<Oid>,
}

struct Entry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    oid: &'a [u8],
}

impl Entry<'_> {
    /// The entry's length in the raw tree.
    fn len(&self) -> usize {
        self.mode.len() + 1 + self.name.len() + 1 + 20
    }

    fn is_tree(&self) -> bool {
        self.mode == TREE_MODE
    }
    fn mode_num(&self) -> u32 {
        std::str::from_utf8(self.mode)
            .ok()
            .and_then(|m| u32::from_str_radix(m, 8).ok())
            .unwrap_or(0)
    }
}

/// The entries of a raw tree object.
fn entries(raw: &[u8]) -> impl Iterator<Item = Entry<'_>> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let sp = memchr::memchr(b' ', rest)?;
        let nul = sp + 1 + memchr::memchr(0, &rest[sp + 1..])?;
        if rest.len() < nul + 21 {
            return None;
        }
        let e = Entry {
            mode: &rest[..sp],
            name: &rest[sp + 1..nul],
            oid: &rest[nul + 1..nul + 21],
        };
        rest = &rest[nul + 21..];
        Some(e)
    })
}

/// How many leading bytes two slices share (compared 64 bytes at a time).
fn mismatch(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// The offset of the entry that contains byte `at` (the start of the last entry that
/// begins at or before it).
fn entry_start(raw: &[u8], at: usize) -> usize {
    let mut pos = 0;
    let mut last = 0;
    while pos <= at && pos < raw.len() {
        last = pos;
        match memchr::memchr(0, &raw[pos..]) {
            Some(n) => pos += n + 21,
            None => break,
        }
    }
    last
}

/// git's order of tree entries: a tree sorts as if its name ended in '/'.
fn compare(a: &Entry<'_>, b: &Entry<'_>) -> Ordering {
    let n = a.name.len().min(b.name.len());
    match a.name[..n].cmp(&b.name[..n]) {
        Ordering::Equal => {}
        o => return o,
    }
    let ca = a.name.get(n).copied().unwrap_or(if a.is_tree() { b'/' } else { 0 });
    let cb = b.name.get(n).copied().unwrap_or(if b.is_tree() { b'/' } else { 0 });
    ca.cmp(&cb)
}

/// Reads trees through the object database, keeping recent ones.
pub struct Trees<'r> {
    odb: Odb<'r>,
    cache: HashMap<Oid, Arc<Vec<u8>>>,
}

impl<'r> Trees<'r> {
    pub fn new(odb: Odb<'r>) -> Self {
        Trees {
            odb,
            cache: HashMap::new(),
        }
    }

    pub fn read(&mut self, oid: Oid) -> Result<Arc<Vec<u8>>, git2::Error> {
        if let Some(t) = self.cache.get(&oid) {
            return Ok(t.clone());
        }
        let obj = Arc::new(self.odb.read(oid)?.data().to_vec());
        if self.cache.len() > 256 {
            self.cache.clear();
        }
        self.cache.insert(oid, obj.clone());
        Ok(obj)
    }

    /// The id of the entry at `path` (`a/b`) inside the tree `root`, if it is a tree.
    pub fn subtree(&mut self, root: Oid, path: &str) -> Result<Option<Oid>, git2::Error> {
        let mut cur = root;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let raw = self.read(cur)?;
            let found = entries(&raw)
                .find(|e| e.name == part.as_bytes() && e.is_tree())
                .map(|e| Oid::from_bytes(e.oid));
            match found {
                Some(Ok(o)) => cur = o,
                _ => return Ok(None),
            }
        }
        Ok(Some(cur))
    }

    /// The id of the entry at `path` (`a/b.toml`) inside the tree `root`.
    pub fn entry(&mut self, root: Oid, path: &str) -> Result<Option<Oid>, git2::Error> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let Some(tree) = self.subtree(root, dir)? else {
            return Ok(None);
        };
        let raw = self.read(tree)?;
        let found = entries(&raw)
            .find(|e| e.name == name.as_bytes())
            .map(|e| Oid::from_bytes(e.oid));
        found.transpose()
    }

    /// Every file that differs between two trees (either may be absent), with paths
    /// relative to them.
    pub fn diff(&mut self, old: Option<Oid>, new: Option<Oid>, out: &mut Vec<FileChange>) -> Result<(), git2::Error> {
        self.diff_at(old, new, "", out)
    }

    fn diff_at(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        prefix: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<(), git2::Error> {
        if old == new {
            return Ok(());
        }
        let a = old.map(|o| self.read(o)).transpose()?;
        let b = new.map(|o| self.read(o)).transpose()?;
        let (a, b) = (
            a.as_ref().map_or(&[][..], |o| o.as_slice()),
            b.as_ref().map_or(&[][..], |o| o.as_slice()),
        );
        // Entries the two trees share at the start are skipped whole, and the walk stops
        // once the rest of both trees is the same: a commit usually changes one file of a
        // large folder.
        let start = if a.is_empty() || b.is_empty() {
            0
        } else {
            entry_start(a, mismatch(a, b))
        };
        let (a, b) = (&a[start.min(a.len())..], &b[start.min(b.len())..]);
        let mut ia = entries(a).peekable();
        let mut ib = entries(b).peekable();
        let (mut pa, mut pb) = (0usize, 0usize);
        // Subtrees to descend into, handled after this level (the borrows end first).
        let mut descend: Vec<(Option<Oid>, Option<Oid>, String)> = Vec::new();
        let zero = Oid::ZERO_SHA1;
        let path = |name: &[u8]| format!("{prefix}{}", String::from_utf8_lossy(name));
        loop {
            let ord = match (ia.peek(), ib.peek()) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => compare(x, y),
            };
            match ord {
                Ordering::Less => {
                    let e = ia.next().expect("peeked");
                    pa += e.len();
                    let oid = Oid::from_bytes(e.oid)?;
                    if e.is_tree() {
                        descend.push((Some(oid), None, path(e.name)));
                    } else {
                        out.push(FileChange {
                            path: path(e.name),
                            old: oid,
                            new: zero,
                            old_mode: e.mode_num(),
                            new_mode: 0,
                            also: Vec::new(),
                        });
                    }
                }
                Ordering::Greater => {
                    let e = ib.next().expect("peeked");
                    pb += e.len();
                    let oid = Oid::from_bytes(e.oid)?;
                    if e.is_tree() {
                        descend.push((None, Some(oid), path(e.name)));
                    } else {
                        out.push(FileChange {
                            path: path(e.name),
                            old: zero,
                            new: oid,
                            old_mode: 0,
                            new_mode: e.mode_num(),
                            also: Vec::new(),
                        });
                    }
                }
                Ordering::Equal => {
                    let (x, y) = (ia.next().expect("peeked"), ib.next().expect("peeked"));
                    pa += x.len();
                    pb += y.len();
                    if x.oid == y.oid && x.mode == y.mode {
                        // Same entry: if everything after it is the same too, we are done.
                        if a.len() - pa == b.len() - pb && a[pa..] == b[pb..] {
                            break;
                        }
                        continue;
                    }
                    let (ox, oy) = (Oid::from_bytes(x.oid)?, Oid::from_bytes(y.oid)?);
                    match (x.is_tree(), y.is_tree()) {
                        (true, true) => descend.push((Some(ox), Some(oy), path(x.name))),
                        (false, false) => out.push(FileChange {
                            path: path(x.name),
                            old: ox,
                            new: oy,
                            old_mode: x.mode_num(),
                            new_mode: y.mode_num(),
                            also: Vec::new(),
                        }),
                        (true, false) => {
                            descend.push((Some(ox), None, path(x.name)));
                            out.push(FileChange {
                                path: path(y.name),
                                old: zero,
                                new: oy,
                                old_mode: 0,
                                new_mode: y.mode_num(),
                                also: Vec::new(),
                            });
                        }
                        (false, true) => {
                            out.push(FileChange {
                                path: path(x.name),
                                old: ox,
                                new: zero,
                                old_mode: x.mode_num(),
                                new_mode: 0,
                                also: Vec::new(),
                            });
                            descend.push((None, Some(oy), path(y.name)));
                        }
                    }
                }
            }
        }
        for (o, n, p) in descend {
            self.diff_at(o, n, &format!("{p}/"), out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(entries: &[(&str, u8)]) -> Vec<u8> {
        let mut v = Vec::new();
        for (name, id) in entries {
            v.extend_from_slice(b"100644 ");
            v.extend_from_slice(name.as_bytes());
            v.push(0);
            v.extend_from_slice(&[*id; 20]);
        }
        v
    }

    #[test]
    fn entry_starts_and_mismatches() {
        let a = raw(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
        let b = raw(&[("a", 1), ("b", 9), ("c", 3), ("d", 4)]);
        let m = mismatch(&a, &b);
        let one = raw(&[("a", 1)]).len();
        assert!(m > one);
        assert_eq!(entry_start(&a, m), one);
        assert_eq!(mismatch(&a, &a), a.len());
        assert_eq!(entry_start(&a, 0), 0);
    }

    /// The hand-written tree comparison finds exactly the files libgit2's diff finds, on
    /// every commit of a generated repository.
    #[test]
    fn agrees_with_libgit2_on_a_generated_history() {
        let dir = tempfile::tempdir().unwrap();
        let spec = crate::generate::Spec {
            cases: 80,
            commits: 600,
            seed: 3,
            pack: "worcestershire".into(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        };
        crate::generate::generate(dir.path(), &spec, &crate::progress::Quiet).unwrap();
        let git = git2::Repository::open(dir.path()).unwrap();
        let mut trees = Trees::new(git.odb().unwrap());
        let mut walk = git.revwalk().unwrap();
        walk.push_head().unwrap();
        let mut compared = 0;
        for oid in walk {
            let c = git.find_commit(oid.unwrap()).unwrap();
            let new = c.tree().unwrap();
            let old = c.parent(0).ok().map(|p| p.tree().unwrap());
            let mut ours = Vec::new();
            trees
                .diff(old.as_ref().map(|t| t.id()), Some(new.id()), &mut ours)
                .unwrap();
            let mut ours: Vec<(String, Oid, Oid)> = ours.into_iter().map(|f| (f.path, f.old, f.new)).collect();
            ours.sort();
            let d = git.diff_tree_to_tree(old.as_ref(), Some(&new), None).unwrap();
            let mut theirs: Vec<(String, Oid, Oid)> = d
                .deltas()
                .map(|x| {
                    let p = x
                        .new_file()
                        .path()
                        .or(x.old_file().path())
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    (p, x.old_file().id(), x.new_file().id())
                })
                .collect();
            theirs.sort();
            assert_eq!(ours, theirs, "commit {}", c.id());
            compared += 1;
        }
        assert_eq!(compared, 600);
    }

    #[test]
    fn trees_sort_as_if_ending_in_a_slash() {
        let file = Entry {
            mode: b"100644",
            name: b"a.toml",
            oid: &[0; 20],
        };
        let dir = Entry {
            mode: TREE_MODE,
            name: b"a",
            oid: &[0; 20],
        };
        // "a/" > "a." because '/' (0x2f) > '.' (0x2e).
        assert_eq!(compare(&dir, &file), Ordering::Greater);
        let plain = Entry {
            mode: b"100644",
            name: b"a",
            oid: &[0; 20],
        };
        assert_eq!(compare(&plain, &dir), Ordering::Less);
    }
}
