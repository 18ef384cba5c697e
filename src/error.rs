//! Every way a command can fail, and the one map from a failure to its exit code: 1 when a
//! record would break (or breaks) the policy, 2 for a mistake in the command, a repository
//! that cannot be set up or read, or an I/O error. (A command that ran and found records
//! failing returns its exit code as an outcome, not as an error.)

use crate::audit::AuditError;
use crate::diagnostic::CheckReport;
use crate::edit::EditError;
use crate::load::SetupError;
use crate::site::BuildError;
use crate::status::StatusError;
use std::io;

#[derive(Debug)]
pub enum Error {
    /// `cme.toml`, the pack or the calendar cannot be used.
    Setup(SetupError),
    /// An editing command did not write (or wrote and could not commit).
    Edit(EditError),
    Build(BuildError),
    Audit(AuditError),
    Status(StatusError),
    /// A mistake in the command, saying what to do instead.
    Usage(String),
    /// The record was written but not committed: why, and the commands that commit it.
    NotCommitted {
        why: String,
        how: String,
    },
    Io(io::Error),
}

impl Error {
    /// The one map from a failure to the exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Edit(EditError::Refused { .. } | EditError::Duplicate(_)) => 1,
            // A reader that stopped reading (`cme status | head`) is not an error.
            Error::Io(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            _ => 2,
        }
    }

    /// The diagnostics that explain it, where it carries some.
    pub fn report(&self) -> Option<&CheckReport> {
        match self {
            Error::Setup(e) => Some(&e.report),
            Error::Edit(EditError::Refused { report, .. }) => Some(report),
            _ => None,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Setup(e) => f.write_str(&e.message()),
            Error::Edit(e) => write!(f, "{e}"),
            Error::Build(e) => write!(f, "{e}"),
            Error::Audit(e) => write!(f, "{e}"),
            Error::Status(e) => write!(f, "{e}"),
            Error::Usage(m) => f.write_str(m),
            Error::NotCommitted { why, how } => {
                write!(
                    f,
                    "the record was written but not committed: {why}\n  commit it with: {how}"
                )
            }
            Error::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Setup(e) => Some(e),
            Error::Edit(e) => Some(e),
            Error::Build(e) => Some(e),
            Error::Audit(e) => Some(e),
            Error::Status(e) => Some(e),
            Error::Io(e) => Some(e),
            Error::Usage(_) | Error::NotCommitted { .. } => None,
        }
    }
}

macro_rules! from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error::$v(e)
            }
        }
    )*};
}
from!(SetupError => Setup, EditError => Edit, BuildError => Build, AuditError => Audit, StatusError => Status, io::Error => Io);

impl std::error::Error for SetupError {}
impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}
impl std::error::Error for EditError {}
impl std::error::Error for BuildError {}
impl std::error::Error for AuditError {}
impl std::error::Error for StatusError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_map_from_failure_to_exit_code() {
        let refused = Error::Edit(EditError::Refused {
            message: "no".into(),
            report: Box::default(),
        });
        assert_eq!(refused.exit_code(), 1);
        assert!(refused.report().is_some());
        assert_eq!(Error::Edit(EditError::Duplicate("x".into())).exit_code(), 1);
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        assert_eq!(Error::Io(io::Error::from(io::ErrorKind::BrokenPipe)).exit_code(), 0);
        assert_eq!(Error::Io(io::Error::from(io::ErrorKind::NotFound)).exit_code(), 2);
        let e: Box<dyn std::error::Error> = Box::new(Error::Usage("say it".into()));
        assert_eq!(e.to_string(), "say it");
    }
}
