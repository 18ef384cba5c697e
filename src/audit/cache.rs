//! The history cache: one file inside `.git/cme/`, written atomically, keyed by the commit
//! it was walked from. Never committed (it lives in `.git/`). Stored with postcard, a compact
//! binary serde format: a cache of 100 000 commits loads several times faster than as JSON.

use super::History;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::Path;

/// The cache format; bump to discard old caches.
const VERSION: u32 = 7;

#[derive(serde::Deserialize)]
struct Stored {
    version: u32,
    history: History,
}

#[derive(serde::Serialize)]
struct StoredRef<'a> {
    version: u32,
    history: &'a History,
}

pub fn key(prefix: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    prefix.hash(&mut h);
    format!("{:016x}", h.finish())
}

pub fn load(path: &Path) -> Option<History> {
    let bytes = std::fs::read(path).ok()?;
    let s: Stored = postcard::from_bytes(&bytes).ok()?;
    (s.version == VERSION).then_some(s.history)
}

/// Best effort: a cache that cannot be written only costs time next run.
pub fn store(path: &Path, h: &History) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ));
    let ok = std::fs::File::create(&tmp)
        .map(std::io::BufWriter::new)
        .and_then(|mut f| {
            postcard::to_io(
                &StoredRef {
                    version: VERSION,
                    history: h,
                },
                &mut f,
            )
            .map_err(std::io::Error::other)?;
            f.flush()
        })
        .is_ok();
    if !ok || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        // Versions before 0.1.0's binary cache kept it as JSON beside it.
        let _ = std::fs::remove_file(path.with_extension("json"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::diff::Change;
    use crate::audit::{Commit, Entry};

    fn sample() -> History {
        let mut h = History {
            head: "0123456789012345678901234567890123456789".into(),
            commits: vec![Commit {
                commit: "0123456789012345678901234567890123456789".into(),
                author: "Ann Ashby".into(),
                email: "aashby@example.invalid".into(),
                date: "2026-11-20T09:30:00+00:00".into(),
                message: "Home visit: nobody in \u{2014} card left".into(),
                committed: 1_795_000_000,
                parents_committed: 1_794_000_000,
            }],
            ..History::default()
        };
        h.cases.insert(
            "EXC-2026-0001".into(),
            vec![Entry {
                commit: 0,
                path: "cases/2026/EXC-2026-0001.toml".into(),
                changes: vec![Change {
                    field: "closure.outcome".into(),
                    old: None,
                    new: Some("on-roll".into()),
                }],
            }],
        );
        h
    }

    #[test]
    fn what_is_stored_loads_back_and_a_damaged_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cme").join("history-x.bin");
        let legacy = path.with_extension("json");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&legacy, "{}").unwrap();
        store(&path, &sample());
        let back = load(&path).expect("the stored cache loads");
        assert_eq!(back.head, sample().head);
        assert_eq!(back.commits.len(), 1);
        assert_eq!(back.commits[0].message, sample().commits[0].message);
        assert_eq!(back.cases["EXC-2026-0001"], sample().cases["EXC-2026-0001"]);
        assert!(!legacy.exists(), "the old JSON cache is removed");

        // Cut short, or from another version of cme: not used, and nothing panics.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(load(&path).is_none());
        let mut other = bytes.clone();
        other[0] = other[0].wrapping_add(1);
        std::fs::write(&path, &other).unwrap();
        assert!(load(&path).is_none());
    }
}
