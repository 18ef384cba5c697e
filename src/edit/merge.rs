//! `cme merge-driver %O %A %B`: a git merge driver for case files.
//!
//! Entries of the enquiry log (and reviews and reopenings) that either side added are all
//! kept, in date order; fields changed on one side take that side's value; a field changed
//! two ways is a conflict, left in the file between standard markers and reported, so git
//! stops the merge for an officer to decide.

use std::collections::BTreeSet;
use toml_edit::{DocumentMut, Item, Table};

/// Arrays of tables merged by union.
const LOGS: &[&str] = &["action", "review", "reopened"];

/// The result of a merge: the text to leave in the file, and the conflicting fields.
pub struct Merged {
    pub text: String,
    pub conflicts: Vec<String>,
}

/// An entry's content: (key, value), sorted.
type EntryKey = Vec<(String, String)>;

fn entry_key(t: &Table) -> EntryKey {
    // An entry's identity is its content (without formatting).
    let mut parts: Vec<(String, String)> = t
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string().trim().to_string()))
        .collect();
    parts.sort();
    parts
}

fn date_of(t: &Table) -> String {
    t.get("date")
        .map(|d| d.to_string().trim().to_string())
        .unwrap_or_default()
}

fn value_text(i: Option<&Item>) -> Option<String> {
    i.map(|v| match v {
        Item::Value(v) => v.to_string().trim().to_string(),
        other => other.to_string().trim().to_string(),
    })
}

/// Merges `ours` and `theirs`, both descended from `base`. Works on text; a side that is not
/// TOML makes the whole file a conflict.
pub fn merge(base: &str, ours: &str, theirs: &str) -> Merged {
    let parse = |s: &str| s.parse::<DocumentMut>().ok();
    let (Some(b), Some(mut o), Some(t)) = (parse(base), parse(ours), parse(theirs)) else {
        return Merged {
            text: format!("<<<<<<< ours\n{ours}=======\n{theirs}>>>>>>> theirs\n"),
            conflicts: vec!["(the whole file: one side is not valid TOML)".into()],
        };
    };
    let mut conflicts = Vec::new();
    let mut marks: Vec<(String, String, String)> = Vec::new();
    // Top-level keys and the keys of each section.
    merge_table(
        b.as_table(),
        t.as_table(),
        o.as_table_mut(),
        "",
        &mut conflicts,
        &mut marks,
        true,
    );
    // Logs: everything either side has, each once, in date order.
    for log in LOGS {
        let list = |d: &DocumentMut| -> Vec<Table> {
            d.get(log)
                .and_then(|i| i.as_array_of_tables())
                .map(|a| a.iter().cloned().collect())
                .unwrap_or_default()
        };
        let (lb, lo, lt) = (list(&b), list(&o), list(&t));
        let base_keys: BTreeSet<EntryKey> = lb.iter().map(entry_key).collect();
        let ours_keys: BTreeSet<EntryKey> = lo.iter().map(entry_key).collect();
        let theirs_keys: BTreeSet<EntryKey> = lt.iter().map(entry_key).collect();
        // Kept: ours (minus what theirs removed from base), plus what theirs added; each with
        // the side it came from (true: theirs).
        let mut kept: Vec<(Table, bool)> = lo
            .iter()
            .filter(|e| {
                let k = entry_key(e);
                !base_keys.contains(&k) || theirs_keys.contains(&k)
            })
            .map(|e| (e.clone(), false))
            .collect();
        kept.extend(
            lt.iter()
                .filter(|e| {
                    let k = entry_key(e);
                    !base_keys.contains(&k) && !ours_keys.contains(&k)
                })
                .map(|e| (e.clone(), true)),
        );
        if kept.len() == lo.len() && kept.iter().zip(&lo).all(|((a, _), b)| entry_key(a) == entry_key(b)) {
            continue;
        }
        // Stable by date: entries of one day keep ours-then-theirs order.
        kept.sort_by_key(|(e, _)| date_of(e));
        // An entry that names another by its number (`reply_to`, `chases`) names it as its own
        // side numbered the log: it names the same entry in the merged log.
        let keys: Vec<EntryKey> = kept.iter().map(|(e, _)| entry_key(e)).collect();
        let new_number = |side: &[Table], n: i64| -> Option<i64> {
            let old = side.get(usize::try_from(n).ok()?.checked_sub(1)?)?;
            let k = entry_key(old);
            keys.iter().position(|x| *x == k).map(|p| p as i64 + 1)
        };
        let kept: Vec<Table> = kept
            .into_iter()
            .map(|(mut e, theirs)| {
                for key in ["reply_to", "chases"] {
                    let side: &[Table] = if theirs { &lt } else { &lo };
                    if let Some(n) = e.get(key).and_then(|v| v.as_integer())
                        && let Some(m) = new_number(side, n).filter(|m| *m != n)
                        && let Some(v) = e.get_mut(key).and_then(|i| i.as_value_mut())
                    {
                        let decor = v.decor().clone();
                        *v = toml_edit::Value::from(m);
                        *v.decor_mut() = decor;
                    }
                }
                e
            })
            .collect();
        let anchor = lo
            .iter()
            .filter_map(|t| t.position())
            .min()
            .unwrap_or_else(|| super::position_for(&mut o, log));
        let mut aot = toml_edit::ArrayOfTables::new();
        for mut e in kept {
            e.set_position(Some(anchor));
            if e.decor().prefix().is_none() {
                e.decor_mut().set_prefix("\n");
            }
            aot.push(e);
        }
        o.insert(log, Item::ArrayOfTables(aot));
        renumber(&mut o);
    }
    let mut text = o.to_string();
    for (placeholder, ours_line, theirs_line) in marks {
        let block = format!("<<<<<<< ours\n{ours_line}\n=======\n{theirs_line}\n>>>>>>> theirs");
        text = text
            .lines()
            .map(|l| {
                if l.contains(&placeholder) {
                    block.clone()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
    }
    Merged { text, conflicts }
}

/// Gives the document's tables positions 0, 1, 2 ... in their current order (ties broken by
/// the format's section order, then by order within an array of tables).
fn renumber(doc: &mut DocumentMut) {
    let order = |k: &str| super::ORDER.iter().position(|s| *s == k).unwrap_or(99);
    let mut all: Vec<(isize, usize, usize, String)> = Vec::new();
    for (k, item) in doc.as_table().iter() {
        match item {
            Item::Table(t) => all.push((t.position().unwrap_or(isize::MAX), order(k), 0, k.to_string())),
            Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    all.push((t.position().unwrap_or(isize::MAX), order(k), i, k.to_string()));
                }
            }
            _ => {}
        }
    }
    all.sort();
    for (n, (_, _, i, k)) in all.into_iter().enumerate() {
        match doc.get_mut(&k) {
            Some(Item::Table(t)) => t.set_position(Some(n as isize)),
            Some(Item::ArrayOfTables(a)) => {
                if let Some(t) = a.get_mut(i) {
                    t.set_position(Some(n as isize));
                }
            }
            _ => {}
        }
    }
}

/// Git's merge driver: reads the three versions, writes the merge over `ours` (atomically),
/// and returns the fields changed two ways (empty when the merge is clean).
pub fn driver(
    base: &std::path::Path,
    ours: &std::path::Path,
    theirs: &std::path::Path,
) -> std::io::Result<Vec<String>> {
    let read = |p: &std::path::Path| std::fs::read(p).map(|b| String::from_utf8_lossy(&b).into_owned());
    let merged = merge(&read(base)?, &read(ours)?, &read(theirs)?);
    super::atomic_write(ours, merged.text.as_bytes(), false)?;
    Ok(merged.conflicts)
}

fn merge_table(
    base: &dyn toml_edit::TableLike,
    theirs: &dyn toml_edit::TableLike,
    ours: &mut Table,
    prefix: &str,
    conflicts: &mut Vec<String>,
    marks: &mut Vec<(String, String, String)>,
    top: bool,
) {
    let keys: BTreeSet<String> = ours
        .iter()
        .map(|(k, _)| k.to_string())
        .chain(theirs.iter().map(|(k, _)| k.to_string()))
        .chain(base.iter().map(|(k, _)| k.to_string()))
        .collect();
    for key in keys {
        if top && LOGS.contains(&key.as_str()) {
            continue;
        }
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let (b, t) = (base.get(&key), theirs.get(&key));
        // A section on both sides: merge inside it.
        if let (Some(Item::Table(ot)), Some(Item::Table(tt))) = (ours.get_mut(&key), t) {
            let empty = Table::new();
            let bt = b.and_then(|x| x.as_table()).unwrap_or(&empty);
            merge_table(bt, tt, ot, &path, conflicts, marks, false);
            continue;
        }
        let (vb, vo, vt) = (value_text(b), value_text(ours.get(&key)), value_text(t));
        if vo == vt || vt == vb {
            continue;
        }
        if vo == vb {
            // Only theirs changed it.
            match t {
                Some(item) => {
                    ours.insert(&key, item.clone());
                }
                None => {
                    ours.remove(&key);
                }
            }
            continue;
        }
        // Changed two ways.
        conflicts.push(path.clone());
        let placeholder = format!("__cme_conflict_{}__", marks.len());
        let line = |v: &Option<String>| match v {
            Some(v) => format!("{key} = {v}"),
            None => format!("# ({key} removed)"),
        };
        marks.push((placeholder.clone(), line(&vo), line(&vt)));
        ours.insert(&key, toml_edit::value(placeholder));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "format = 1\nid = \"X\"\nstatus = \"open\" # still looking\n\n[child]\nwhereabouts = \"unknown\"\n\n[[action]]\ndate = 2026-09-01\nkind = \"letter\"\nby = \"a\"\n";

    #[test]
    fn a_reply_names_the_same_letter_after_the_merge() {
        // Ours answers the base's letter (action 1) on 9 Sept; theirs adds a visit on
        // 3 Sept and a letter on 4 Sept awaiting a reply, answered (their action 3) on 10 Sept.
        let ours = format!("{BASE}\n[[action]]\ndate = 2026-09-09\nkind = \"phone\"\nby = \"a\"\nreply_to = 1\n");
        let theirs = format!(
            "{BASE}\n[[action]]\ndate = 2026-09-03\nkind = \"home-visit\"\nby = \"b\"\n\n[[action]]\ndate = 2026-09-04\nkind = \"letter\"\nby = \"b\"\nreply_due = 2026-09-18\n\n[[action]]\ndate = 2026-09-10\nkind = \"phone\"\nby = \"b\"\nreply_to = 3\n"
        );
        let m = merge(BASE, &ours, &theirs);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let doc: DocumentMut = m.text.parse().unwrap();
        let log: Vec<(String, Option<i64>)> = doc["action"]
            .as_array_of_tables()
            .unwrap()
            .iter()
            .map(|t| (date_of(t), t.get("reply_to").and_then(|v| v.as_integer())))
            .collect();
        // 1 Sept letter, 3 Sept visit, 4 Sept letter, 9 Sept ours (answers 1), 10 Sept theirs
        // (answers the 4 Sept letter, now number 3).
        assert_eq!(
            log,
            [
                ("2026-09-01".to_string(), None),
                ("2026-09-03".into(), None),
                ("2026-09-04".into(), None),
                ("2026-09-09".into(), Some(1)),
                ("2026-09-10".into(), Some(3)),
            ]
        );
        // Ours answering what is now moved down: ours adds a letter (2) and its answer (3);
        // theirs adds a visit dated before both.
        let ours = format!(
            "{BASE}\n[[action]]\ndate = 2026-09-05\nkind = \"letter\"\nby = \"a\"\nreply_due = 2026-09-19\n\n[[action]]\ndate = 2026-09-08\nkind = \"phone\"\nby = \"a\"\nreply_to = 2\n"
        );
        let theirs = format!("{BASE}\n[[action]]\ndate = 2026-09-02\nkind = \"home-visit\"\nby = \"b\"\n");
        let m = merge(BASE, &ours, &theirs);
        let doc: DocumentMut = m.text.parse().unwrap();
        let last = doc["action"]
            .as_array_of_tables()
            .unwrap()
            .iter()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last.get("reply_to").and_then(|v| v.as_integer()), Some(3), "{}", m.text);
    }

    #[test]
    fn both_sides_add_actions() {
        let ours = format!("{BASE}\n[[action]]\ndate = 2026-09-05\nkind = \"phone\"\nby = \"a\"\n");
        let theirs = format!("{BASE}\n[[action]]\ndate = 2026-09-03\nkind = \"home-visit\"\nby = \"b\"\n");
        let m = merge(BASE, &ours, &theirs);
        assert!(m.conflicts.is_empty());
        let letter = m.text.find("letter").unwrap();
        let visit = m.text.find("home-visit").unwrap();
        let phone = m.text.find("phone").unwrap();
        assert!(letter < visit && visit < phone, "date order: {}", m.text);
        assert!(m.text.contains("# still looking"), "comments kept");
        assert_eq!(m.text.matches("[[action]]").count(), 3);
    }

    #[test]
    fn different_fields_merge_and_one_field_two_ways_conflicts() {
        let ours = BASE.replace("\"unknown\"", "\"known-in-area\"");
        let theirs = BASE.replace("status = \"open\"", "status = \"closed\"");
        let m = merge(BASE, &ours, &theirs);
        assert!(m.conflicts.is_empty());
        assert!(
            m.text.contains("known-in-area") && m.text.contains("status = \"closed\""),
            "{}",
            m.text
        );
        let theirs2 = BASE.replace("\"unknown\"", "\"known-abroad\"");
        let m = merge(BASE, &ours, &theirs2);
        assert_eq!(m.conflicts, ["child.whereabouts"]);
        assert!(
            m.text.contains(
                "<<<<<<< ours\nwhereabouts = \"known-in-area\"\n=======\nwhereabouts = \"known-abroad\"\n>>>>>>> theirs"
            ),
            "{}",
            m.text
        );
    }
}
