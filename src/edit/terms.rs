//! A refused edit explained in the command's own terms. The rules speak of a record's keys
//! and lines ("add `authority = ...` to [closure]"); an officer who ran `cme close` wrote
//! no file and typed no key, so what the command refuses names its flags
//! (`--authority TEXT`), and points at no line of a file that was never written.

use crate::model::{Field, Record};

/// The flags of one editing command, by the record's key each one writes.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    /// The table the command writes (`closure`), whose name a hint need not repeat.
    table: Option<&'static str>,
    /// (key, `--flag VALUE`), longest key first, so that `confirmation_received` is
    /// read before `received`.
    flags: Vec<(String, String)>,
    /// The case the command works on, named where a hint says CASE.
    case: Option<String>,
}

impl Terms {
    /// A command whose flags are the fields of one table (`act`, `review`, `close`).
    pub fn of<T: Record>(table: &'static str) -> Terms {
        Terms::new(
            Some(table),
            T::fields()
                .iter()
                .filter(|f| f.flag().is_some())
                .map(|f: &Field| (f.name.to_string(), format!("--{} {}", f.flag_name(), f.value_name())))
                .collect(),
        )
    }

    /// A command with its own flags: (the key each writes, `--flag VALUE`).
    pub fn new(table: Option<&'static str>, flags: Vec<(String, String)>) -> Terms {
        let mut flags = flags;
        flags.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        Terms {
            table,
            flags,
            case: None,
        }
    }

    /// The same, for one case: a hint's `CASE` is its id.
    pub fn for_case(mut self, id: &str) -> Terms {
        self.case = Some(id.to_string());
        self
    }

    /// `cme new`'s flags.
    pub fn new_case() -> Terms {
        let f = |k: &str, v: &str| (k.to_string(), v.to_string());
        Terms::new(
            None,
            vec![
                f("given_name", "--given-name TEXT"),
                f("family_name", "--family-name TEXT"),
                f("date_of_birth", "--dob YYYY-MM-DD"),
                f("upn", "--upn TEXT"),
                f("gender", "--gender WORD"),
                f("last_known_address", "--address TEXT"),
                f("whereabouts", "--whereabouts WORD"),
                f("vulnerabilities", "--vulnerability ID"),
                f("received", "--received YYYY-MM-DD"),
                f("source", "--source WORD"),
                f("referrer", "--referrer TEXT"),
                f("reason", "--reason WORD"),
                f("assigned_to", "--assign ID"),
                f("duplicate_reason", "--allow-duplicate REASON"),
            ],
        )
    }

    /// `text` with each key the command has a flag for named by its flag.
    pub fn speak(&self, text: &str) -> String {
        let mut s = text.to_string();
        for (key, flag) in &self.flags {
            let dotted = self.table.map(|t| format!("`{t}.{key}`"));
            if let Some(d) = dotted {
                s = s.replace(&d, &format!("`{flag}`"));
            }
            s = s
                .replace(&format!("`{key} = ...`"), &format!("`{flag}`"))
                .replace(&format!("{key} = ..."), flag)
                .replace(&format!("`{key}`"), &format!("`{flag}`"));
        }
        if let Some(t) = self.table {
            for gone in [format!(" to [{t}]"), format!(" in [{t}]")] {
                s = s.replace(&gone, "");
            }
        }
        // What another command records, named by that command.
        for (record, command) in [
            ("as an [[action]] of kind", "with cme act --kind"),
            ("as an [[action]] (kind ", "with cme act (--kind "),
            ("with `check` = one of:", "and --check, one of:"),
            (
                "add a [[review]] with cme_score, safeguarding_score, decision and signed_off_by (cme review)",
                "record a review (cme review --cme-score N --safeguarding-score N --decision WORD --signed-off-by ID)",
            ),
            (
                "record where in [child] whereabouts",
                "record where with cme set CASE child.whereabouts WORD --reason TEXT",
            ),
        ] {
            s = s.replace(record, command);
        }
        if let Some(id) = &self.case {
            s = s.replace(" CASE ", &format!(" {id} "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Closure};

    #[test]
    fn a_closure_hint_names_the_flags_to_add() {
        let t = Terms::of::<Closure>("closure");
        assert_eq!(
            t.speak("add authority = ..., confirmation_received = ... to [closure]"),
            "add --authority TEXT, --confirmation-received YYYY-MM-DD"
        );
        assert_eq!(
            t.speak("closing as confirmed-other-la needs `authority` and `confirmation_received`: ..."),
            "closing as confirmed-other-la needs `--authority TEXT` and `--confirmation-received YYYY-MM-DD`: ..."
        );
        let a = Terms::of::<Action>("action");
        assert_eq!(
            a.speak("a database-check must say which check: add `check`"),
            "a database-check must say which check: add `--check ID`"
        );
        let c = Terms::of::<Closure>("closure");
        assert_eq!(
            c.speak("log each as an [[action]] of kind database-check with `check` = one of: a, b"),
            "log each with cme act --kind database-check and --check, one of: a, b"
        );
        // What the command has no flag for is left in the record's words.
        assert_eq!(
            a.speak("add `social_worker = \"...\"` to [social_care]"),
            "add `social_worker = \"...\"` to [social_care]"
        );
    }
}
