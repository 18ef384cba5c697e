//! The history cache: one file inside `.git/cme/`, written atomically, keyed by the commit
//! it was walked from. Never committed (it lives in `.git/`). Stored with postcard, a compact
//! binary serde format: a cache of 100 000 commits loads several times faster than as JSON.

use super::History;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::Path;

/// The cache format; bump to discard old caches.
const VERSION: u32 = 4;

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
