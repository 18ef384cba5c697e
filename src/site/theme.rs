//! The templates and assets a build uses, resolved once (as mdBook's `Theme::new` does):
//! each built-in file, or the repository's override of it in `templates/`.
//!
//! An override is read only from inside the repository: a symbolic link that leads out of it
//! (a committed `templates/cme.css -> /etc/...` would publish that file on the site) is an
//! error, and so is an override that cannot be read. Neither falls back silently to the
//! built-in file, so what is published is always what the repository says.

use super::{ASSETS, BuildError, TEMPLATES};
use std::fs;
use std::path::{Path, PathBuf};

/// The largest template or asset override read.
const MAX_OVERRIDE: u64 = 4 * 1024 * 1024;

pub struct Theme {
    /// (name, text) for every template.
    pub templates: Vec<(&'static str, String)>,
    /// (path under the site, bytes) for every asset.
    pub assets: Vec<(&'static str, Vec<u8>)>,
}

impl Theme {
    /// `own_dirs`: git's own folders, which no override may lead into.
    pub fn load(root: &Path, own_dirs: &[PathBuf]) -> Result<Theme, BuildError> {
        let mut templates = Vec::with_capacity(TEMPLATES.len());
        for (name, builtin) in TEMPLATES {
            let text = match override_file(root, own_dirs, name)? {
                Some(bytes) => String::from_utf8(bytes)
                    .map_err(|_| BuildError::Setup(format!("templates/{name} is not UTF-8 text")))?,
                None => builtin.to_string(),
            };
            templates.push((*name, text));
        }
        let mut assets = Vec::with_capacity(ASSETS.len());
        for (path, builtin) in ASSETS {
            let name = path.trim_start_matches("assets/");
            let bytes = override_file(root, own_dirs, name)?.unwrap_or_else(|| builtin.to_vec());
            assets.push((*path, bytes));
        }
        Ok(Theme { templates, assets })
    }

    /// Every byte of the theme, for knowing whether a page must be rendered again.
    pub fn fingerprint(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for (name, text) in &self.templates {
            all.extend_from_slice(name.as_bytes());
            all.extend_from_slice(text.as_bytes());
        }
        for (name, bytes) in &self.assets {
            all.extend_from_slice(name.as_bytes());
            all.extend_from_slice(bytes);
        }
        all
    }
}

/// The repository's `templates/<name>`, if it has one; an error if it has one that cannot
/// be read or that leads out of the repository.
pub fn override_file(root: &Path, own_dirs: &[PathBuf], name: &str) -> Result<Option<Vec<u8>>, BuildError> {
    let rel = format!("templates/{name}");
    let path = root.join(&rel);
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(None),
        Err(e) => return Err(BuildError::Setup(format!("{rel} cannot be read: {e}"))),
        Ok(_) => {}
    }
    inside(root, own_dirs, &path, &rel)?;
    let meta = fs::metadata(&path).map_err(|e| BuildError::Setup(format!("{rel} cannot be read: {e}")))?;
    if !meta.is_file() {
        return Err(BuildError::Setup(format!("{rel} is not a file")));
    }
    if meta.len() > MAX_OVERRIDE {
        return Err(BuildError::Setup(format!(
            "{rel} is {} bytes, over the limit of {MAX_OVERRIDE} bytes for a template",
            meta.len()
        )));
    }
    fs::read(&path)
        .map(Some)
        .map_err(|e| BuildError::Setup(format!("{rel} cannot be read: {e}")))
}

/// Refuses a path that resolves (through symbolic links) out of the repository, into git's
/// own files (its config can hold credentials) or into the case records (a template would
/// publish a child's record, even on the board's site).
fn inside(root: &Path, own_dirs: &[PathBuf], path: &Path, rel: &str) -> Result<(), BuildError> {
    let real = fs::canonicalize(path).map_err(|e| BuildError::Setup(format!("{rel} cannot be read: {e}")))?;
    match crate::load::out_of_bounds(root, own_dirs, &real, false) {
        Some(where_) => Err(BuildError::Setup(format!(
            "{rel} is a symbolic link to {where_}: cme publishes only the repository's own files, never git's or the case records (replace the link with the file itself)"
        ))),
        None => Ok(()),
    }
}
