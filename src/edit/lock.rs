//! One editing command at a time per repository, and temporary files where git ignores them.
//!
//! Every command that writes case files takes [`EditLock`] first and holds it until it has
//! written (and committed) its change, so two officers' commands on one case never lose an
//! update: the second one waits, then reads the file as the first one left it. The lock is
//! an operating-system lock on a file inside `.git/cme/` (`.cme/` outside git): a process
//! that is killed releases it with its other files, so a lock is never left behind.
//!
//! Temporary files are written in the same place (`.git/cme/tmp/`), which git never shows or
//! stages, and renamed into `cases/`; any left by a killed process are removed by the next
//! command that takes the lock.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a command waits for another one to finish before giving up.
pub const WAIT: Duration = Duration::from_secs(60);

/// Locks held by this process (for `debug_assert!`s in the writers).
static HELD: AtomicUsize = AtomicUsize::new(0);

/// Where cme keeps its own files for a repository: `.git/cme/` (git ignores everything in
/// `.git`), or `.cme/` in a folder that is not in git.
pub fn work_dir(root: &Path) -> PathBuf {
    match git2::Repository::discover(root) {
        Ok(g) => g.path().join("cme"),
        Err(_) => root.join(".cme"),
    }
}

/// Temporary files of editing commands.
pub fn tmp_dir(root: &Path) -> PathBuf {
    work_dir(root).join("tmp")
}

/// Whether this process holds an [`EditLock`].
pub fn held() -> bool {
    HELD.load(Ordering::SeqCst) > 0
}

/// The repository's editing lock, held until dropped.
#[derive(Debug)]
pub struct EditLock {
    _file: File,
}

impl EditLock {
    /// Takes the lock, waiting up to [`WAIT`] for another command to finish. Removes the
    /// temporary files a killed command left.
    pub fn acquire(root: &Path) -> io::Result<EditLock> {
        Self::acquire_within(root, WAIT)
    }

    pub fn acquire_within(root: &Path, wait: Duration) -> io::Result<EditLock> {
        let dir = work_dir(root);
        fs::create_dir_all(&dir)?;
        let path = dir.join("edit.lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        format!(
                            "another cme command has been editing this repository's records for {} seconds ({} is locked); try again when it has finished",
                            wait.as_secs(),
                            path.display()
                        ),
                    ));
                }
                Err(fs::TryLockError::Error(e)) => return Err(e),
            }
        }
        HELD.fetch_add(1, Ordering::SeqCst);
        // Nobody else is writing: whatever is in tmp/ was left by a command that was killed.
        let tmp = dir.join("tmp");
        if let Ok(entries) = fs::read_dir(&tmp) {
            for e in entries.flatten() {
                let _ = fs::remove_file(e.path());
            }
        }
        fs::create_dir_all(&tmp)?;
        Ok(EditLock { _file: file })
    }
}

impl Drop for EditLock {
    fn drop(&mut self) {
        HELD.fetch_sub(1, Ordering::SeqCst);
        // Closing the file releases the operating system's lock.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_and_a_dropped_one_is_free_again() {
        let dir = tempfile::tempdir().unwrap();
        let first = EditLock::acquire(dir.path()).unwrap();
        assert!(held());
        let e = EditLock::acquire_within(dir.path(), Duration::from_millis(100)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        assert!(e.to_string().contains("another cme command"), "{e}");
        drop(first);
        let again = EditLock::acquire_within(dir.path(), Duration::from_millis(100));
        assert!(again.is_ok());
    }

    #[test]
    fn temporary_files_left_by_a_killed_command_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = tmp_dir(dir.path());
        fs::create_dir_all(&tmp).unwrap();
        fs::write(tmp.join("EXC-2026-0001.toml.4242"), "half").unwrap();
        let _lock = EditLock::acquire(dir.path()).unwrap();
        assert_eq!(fs::read_dir(&tmp).unwrap().count(), 0);
    }
}
