//! Progress of long work on stderr: a bar when stderr is a terminal, silence in CI, pipes
//! and with `--quiet`.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;

pub trait Progress: Sync {
    /// A new stage of `total` steps (0 when unknown).
    fn stage(&self, _name: &str, _total: u64) {}
    fn inc(&self, _n: u64) {}
    fn finish(&self) {}
}

/// Reports nothing.
pub struct Quiet;

impl Progress for Quiet {}

/// A bar on stderr.
pub struct Bar(Mutex<Option<ProgressBar>>);

impl Bar {
    /// A bar when stderr is a terminal and not `quiet`; otherwise nothing.
    pub fn for_terminal(quiet: bool) -> Box<dyn Progress> {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            Box::new(Quiet)
        } else {
            Box::new(Bar(Mutex::new(None)))
        }
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = slot.take() {
            old.finish_and_clear();
        }
        let bar = if total > 0 {
            ProgressBar::new(total)
        } else {
            ProgressBar::new_spinner()
        };
        let template = if total > 0 {
            "{msg:>18} [{bar:40}] {pos}/{len} ({eta})"
        } else {
            "{msg:>18} {spinner} {pos}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(name.to_string());
        *slot = Some(bar);
    }

    fn inc(&self, n: u64) {
        if let Some(b) = self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            b.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(b) = self.0.lock().unwrap_or_else(|p| p.into_inner()).take() {
            b.finish_and_clear();
        }
    }
}
