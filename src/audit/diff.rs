//! Field-level differences between two versions of a case file, in the record's own terms:
//! `closure.outcome: (none) -> on-roll`, `action[3] added: home-visit by asmith`,
//! `review[1].safeguarding_score: 3 -> 4`. Works on any TOML, so a broken version still diffs.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toml::de::{DeTable, DeValue};

/// One changed field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A file's values in document order: path -> value as text. Entries of arrays of tables
/// (`action[3]`) also get a one-line summary under their own path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flat {
    pub values: Vec<(String, String)>,
}

/// Whether `key` is one of the record's arrays of tables, whose entries are reported as
/// added or removed whole.
fn entry_table(key: &str) -> bool {
    crate::model::entry_tables().any(|t| t == key)
}

/// Whether a path is a whole entry of one (`action[3]`, not `action[3].note`).
fn an_entry(path: &str) -> bool {
    path.split_once('[')
        .is_some_and(|(t, rest)| entry_table(t) && !rest.contains('.'))
}

pub fn flatten(bytes: &[u8]) -> Flat {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Flat {
            values: vec![("(file)".into(), "not UTF-8 text".into())],
        };
    };
    let Ok(doc) = DeTable::parse(text) else {
        return Flat {
            values: vec![("(file)".into(), "not valid TOML".into())],
        };
    };
    let mut values = Vec::new();
    table(&mut values, "", doc.get_ref());
    Flat { values }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn scalar(v: &DeValue<'_>) -> Option<String> {
    Some(match v {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        _ => return None,
    })
}

fn table(out: &mut Vec<(String, String)>, prefix: &str, t: &DeTable<'_>) {
    for (k, v) in t.iter() {
        let path = join(prefix, k.get_ref());
        match v.get_ref() {
            DeValue::Table(inner) => table(out, &path, inner),
            DeValue::Array(items)
                if items.iter().all(|i| matches!(i.get_ref(), DeValue::Table(_))) && !items.is_empty() =>
            {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{}]", i + 1);
                    if let DeValue::Table(inner) = item.get_ref() {
                        if prefix.is_empty() && entry_table(k.get_ref()) {
                            out.push((item_path.clone(), summary(k.get_ref(), inner)));
                        }
                        table(out, &item_path, inner);
                    }
                }
            }
            DeValue::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|i| scalar(i.get_ref()).unwrap_or_else(|| "...".into()))
                    .collect();
                out.push((path, format!("[{}]", parts.join(", "))));
            }
            other => {
                if let Some(s) = scalar(other) {
                    out.push((path, s));
                }
            }
        }
    }
}

/// "home-visit by asmith", "review of 2026-10-05", "reopened on 2026-12-01".
fn summary(kind: &str, t: &DeTable<'_>) -> String {
    let get = |k: &str| t.get(k).and_then(|v| scalar(v.get_ref())).unwrap_or_default();
    match kind {
        "action" => {
            let mut s = format!("{} by {}", get("kind"), get("by"));
            let check = get("check");
            if !check.is_empty() {
                s.push_str(&format!(" ({check})"));
            }
            s
        }
        "review" => format!("review of {}", get("date")),
        _ => format!("reopened on {}", get("date")),
    }
}

/// The changes from `old` to `new` (either may be a missing file).
pub fn diff(old: Option<&Flat>, new: Option<&Flat>) -> Vec<Change> {
    let empty = Flat::default();
    let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let old_map: HashMap<&str, &str> = old.values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let new_map: HashMap<&str, &str> = new.values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // An entry added or removed whole is one change; its fields are not listed.
    let whole = |path: &str, other: &HashMap<&str, &str>| -> bool {
        path.split_once('[').is_some_and(|(t, _)| entry_table(t)) && {
            let entry = path.split(']').next().map(|p| format!("{p}]")).unwrap_or_default();
            !other.contains_key(entry.as_str())
        }
    };
    let mut out = Vec::new();
    for (k, v) in &new.values {
        match old_map.get(k.as_str()) {
            Some(o) if *o == v => {}
            Some(o) => out.push(Change {
                field: k.clone(),
                old: Some(o.to_string()),
                new: Some(v.clone()),
            }),
            None => {
                if whole(k, &old_map) && k.contains("].") {
                    continue;
                }
                out.push(Change {
                    field: k.clone(),
                    old: None,
                    new: Some(v.clone()),
                })
            }
        }
    }
    for (k, v) in &old.values {
        if !new_map.contains_key(k.as_str()) {
            if whole(k, &new_map) && k.contains("].") {
                continue;
            }
            out.push(Change {
                field: k.clone(),
                old: Some(v.clone()),
                new: None,
            });
        }
    }
    out
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entry = an_entry(&self.field);
        match (&self.old, &self.new) {
            (None, Some(n)) if entry => write!(f, "{} added: {n}", self.field),
            (Some(o), None) if entry => write!(f, "{} removed: {o}", self.field),
            (o, n) => write!(
                f,
                "{}: {} -> {}",
                self.field,
                o.as_deref().unwrap_or("(none)"),
                n.as_deref().unwrap_or("(none)")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "format = 1\nid = \"X\"\nstatus = \"open\"\n[child]\nwhereabouts = \"unknown\"\nvulnerabilities = [\"a\"]\n[[action]]\ndate = 2026-09-05\nkind = \"phone\"\nby = \"asmith\"\n[[review]]\ndate = 2026-10-05\nsafeguarding_score = 3\n";

    #[test]
    fn changes_in_the_records_terms() {
        let v2 = V1
            .replace("status = \"open\"", "status = \"closed\"")
            .replace("safeguarding_score = 3", "safeguarding_score = 4")
            + "[[action]]\ndate = 2026-10-06\nkind = \"home-visit\"\nby = \"asmith\"\n[closure]\ndate = 2026-10-20\noutcome = \"on-roll\"\n";
        let changes = diff(Some(&flatten(V1.as_bytes())), Some(&flatten(v2.as_bytes())));
        let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "status: open -> closed",
                "action[2] added: home-visit by asmith",
                "review[1].safeguarding_score: 3 -> 4",
                "closure.date: (none) -> 2026-10-20",
                "closure.outcome: (none) -> on-roll",
            ]
        );
        assert_eq!(
            changes[4],
            Change {
                field: "closure.outcome".into(),
                old: None,
                new: Some("on-roll".into())
            }
        );
    }

    #[test]
    fn a_new_file_and_a_broken_one() {
        let created = diff(None, Some(&flatten(V1.as_bytes())));
        assert!(
            created
                .iter()
                .any(|c| c.to_string() == "action[1] added: phone by asmith")
        );
        let broken = diff(Some(&flatten(V1.as_bytes())), Some(&flatten(b"id = ")));
        assert!(
            broken
                .iter()
                .any(|c| c.field == "(file)" && c.new.as_deref() == Some("not valid TOML"))
        );
    }
}
