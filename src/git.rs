//! The git repository that holds a case repository, opened once by a command and shared
//! by everything that reads it: the records at a commit (`load`), the audit trail
//! (`audit`), the site's footer and the output-folder check (`site`).

use git2::{Oid, Repository};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// An opened git repository and what is known of where it lies.
pub struct Git {
    repo: Mutex<Repository>,
    /// git's own folder (`.git`, or a worktree's), where cme keeps its lock and cache.
    pub git_dir: PathBuf,
    /// git's own folders, resolved: the repository's and, for a worktree, the common one.
    /// Nothing is read from them as a set-up file or template, nor built into them.
    pub own_dirs: Vec<PathBuf>,
    /// Where the case repository sits in the working tree: "" at the top, else
    /// `sub/folder`, with forward slashes.
    pub within: String,
}

impl std::fmt::Debug for Git {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Git({})", self.git_dir.display())
    }
}

impl Git {
    /// The git repository holding `root`, if it is in one.
    pub fn open(root: &Path) -> Result<Arc<Git>, git2::Error> {
        let repo = crate::load::open_git(root)?;
        let git_dir = repo.path().to_path_buf();
        let own_dirs = [repo.path(), repo.commondir()]
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        Ok(Arc::new(Git {
            repo: Mutex::new(repo),
            git_dir,
            own_dirs,
            within: crate::load::within_git(root),
        }))
    }

    /// The repository, for one thread at a time.
    pub fn lock(&self) -> MutexGuard<'_, Repository> {
        self.repo.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The commit HEAD points at, if there is one.
    pub fn head(&self) -> Option<Oid> {
        self.lock().head().ok()?.peel_to_commit().ok().map(|c| c.id())
    }

    /// Where `cases/` sits in the repository's trees.
    pub fn cases_prefix(&self) -> String {
        if self.within.is_empty() {
            "cases".into()
        } else {
            format!("{}/cases", self.within)
        }
    }

    pub fn is_shallow(&self) -> bool {
        self.lock().is_shallow()
    }
}
