//! `cme set CASE FIELD VALUE --reason TEXT`: corrects one field of a record, named by its
//! dotted path (`referral.received`, `child.upn`, `action.2.outcome` for the second entry of
//! the enquiry log). The value is read as the field's kind, the record is checked before it
//! is written, an inline comment the officer wrote after the old value is kept, and the
//! reason goes in the commit message, where the audit trail shows it.

use super::commands::Done;
use super::{EditError, Result, Terms, open_case, save};
use crate::load::Repo;
use crate::model::{Case, Field, Kind, Record};
use chrono::NaiveDate;
use toml_edit::{DocumentMut, Item, Table};

/// What `cme set` was asked to do.
pub struct SetArgs<'a> {
    pub field: &'a str,
    /// The new value as typed; empty removes a field the record may leave out.
    pub value: &'a str,
    pub reason: &'a str,
}

/// One step of a dotted path, resolved against the record's description.
enum Step {
    /// A table (`referral`).
    Table(&'static str),
    /// The `n`th (1-based) table of an array of tables (`action.2`).
    Entry(&'static str, usize),
    /// The field itself, last.
    Field(&'static Field),
}

/// Resolves `referral.received` or `action.2.outcome` to the steps that reach it, or says
/// what the path may be.
fn resolve(path: &str) -> std::result::Result<Vec<Step>, String> {
    // `action[2].outcome`, as cme history writes it, is `action.2.outcome`.
    let path = path.replace('[', ".").replace(']', "");
    let mut fields: &'static [Field] = Case::fields();
    let mut steps = Vec::new();
    let mut parts = path.split('.').peekable();
    let mut so_far = String::new();
    while let Some(part) = parts.next() {
        let Some(f) = fields.iter().find(|f| f.name == part) else {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            let hint = crate::model::nearest(part, names.iter().copied())
                .map(|n| format!("did you mean \"{n}\"? "))
                .unwrap_or_default();
            let within = if so_far.is_empty() {
                "a record".to_string()
            } else {
                format!("[{so_far}]")
            };
            return Err(format!(
                "\"{part}\" is not a field of {within}: {hint}its fields are {}",
                names.join(", ")
            ));
        };
        if !so_far.is_empty() {
            so_far.push('.');
        }
        so_far.push_str(f.name);
        match f.kind {
            Kind::Table(shape) => {
                steps.push(Step::Table(f.name));
                fields = shape.fields;
            }
            Kind::Tables(shape) => {
                let n = parts
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        format!(
                            "{name} is a list: say which entry, counting from 1 in the file's order, e.g. {name}.1.{first}",
                            name = f.name,
                            first = shape.fields.first().map_or("date", |f| f.name)
                        )
                    })?;
                steps.push(Step::Entry(f.name, n));
                fields = shape.fields;
            }
            _ => {
                if let Some(rest) = parts.peek() {
                    return Err(format!("{so_far} is a value, so it has no \"{rest}\""));
                }
                steps.push(Step::Field(f));
                return Ok(steps);
            }
        }
    }
    Err(format!(
        "{path} is a table: name one of its fields, e.g. {path}.{}",
        fields.first().map_or("date", |f| f.name)
    ))
}

/// The text of a value as the file has it, for the message (`2026-09-01`, `"asmith"`).
fn shown(item: Option<&Item>) -> String {
    item.and_then(Item::as_value)
        .map(|v| v.clone().decorated("", "").to_string())
        .unwrap_or_else(|| "(not set)".into())
}

/// `cme set CASE FIELD VALUE --reason TEXT`.
pub fn set(repo: &Repo, today: NaiveDate, id: &str, a: &SetArgs<'_>) -> Result<Done> {
    let reason = a.reason.trim();
    if reason.is_empty() {
        return Err(EditError::Usage(
            "say why the record is corrected: --reason \"...\" (it goes in the commit message, for the audit trail)"
                .into(),
        ));
    }
    let steps = resolve(a.field).map_err(EditError::Usage)?;
    let Some(Step::Field(field)) = steps.last() else {
        return Err(EditError::Usage(format!("{} names no field", a.field)));
    };
    let key = &field.name;
    match *key {
        "format" | "id" => {
            return Err(EditError::Usage(format!(
                "`{key}` is the tool's, not a fact about the child: it is not corrected with cme set"
            )));
        }
        "status" => {
            return Err(EditError::Usage(format!(
                "a case is closed with cme close {id} --outcome ... and reopened with cme reopen {id} --reason \"...\", not with cme set"
            )));
        }
        _ => {}
    }
    let value = a.value.trim();
    let new = if value.is_empty() {
        if field.required {
            return Err(EditError::Usage(format!(
                "{} is required: give its corrected value",
                a.field
            )));
        }
        None
    } else {
        Some(super::given::parse(field, value).map_err(|e| EditError::Usage(format!("{}: {e}", a.field)))?)
    };
    let mut opened = open_case(repo, id, today)?;
    let rel = opened.rel.clone();
    let doc = &mut opened.doc;
    if doc.get("status").and_then(|s| s.as_str()) == Some("closed") {
        return Err(EditError::Usage(format!(
            "{id} is closed, and a closed record is not changed: reopen it first (cme reopen {id} --reason \"...\"), correct it, then close it again"
        )));
    }
    if matches!(steps.first(), Some(Step::Table("closure"))) && doc.get("closure").is_none() {
        return Err(EditError::Usage(format!(
            "{id} is open, so it has no closure to correct: a case is closed with cme close {id} --outcome ..."
        )));
    }
    let table = table_at(doc, &steps, id)?;
    let old = shown(table.get(key));
    let old_suffix = table
        .get(key)
        .and_then(Item::as_value)
        .and_then(|v| v.decor().suffix())
        .and_then(|s| s.as_str())
        .map(str::to_string);
    match new {
        Some(v) => {
            let v = v.decorated(" ", old_suffix.as_deref().unwrap_or(""));
            if table.contains_key(key) {
                table[*key] = Item::Value(v);
            } else {
                table.insert(key, Item::Value(v));
            }
        }
        None => {
            table.remove(key);
        }
    }
    let now = shown(table.get(key));
    if now == old {
        return Err(EditError::Usage(format!(
            "{} is already {old}: nothing to correct (nothing was written)",
            a.field
        )));
    }
    let warnings = save(repo, &opened, today, "the correction", &path_terms(&steps))?;
    Ok(Done {
        path: rel,
        message: format!("{id}: corrected {} from {old} to {now}\n\nReason: {reason}", a.field),
        warnings,
    })
}

/// The rules' words for the keys of the table corrected, as `cme set` names them: their
/// dotted paths (`referral.assigned_to`).
fn path_terms(steps: &[Step]) -> Terms {
    let mut prefix = String::new();
    let mut fields: &'static [Field] = Case::fields();
    for step in steps {
        let name = match step {
            Step::Table(n) => {
                prefix.push_str(&format!("{n}."));
                n
            }
            Step::Entry(n, i) => {
                prefix.push_str(&format!("{n}.{i}."));
                n
            }
            Step::Field(_) => break,
        };
        if let Some(Kind::Table(shape) | Kind::Tables(shape)) = fields.iter().find(|f| f.name == *name).map(|f| f.kind)
        {
            fields = shape.fields;
        }
    }
    Terms::new(
        None,
        fields
            .iter()
            .map(|f| (f.name.to_string(), format!("{prefix}{}", f.name)))
            .collect(),
    )
}

/// The table that holds the field, made when the record has none yet (a `[school]` for
/// `school.name`); an entry of a list must exist.
fn table_at<'d>(doc: &'d mut DocumentMut, steps: &[Step], id: &str) -> Result<&'d mut Table> {
    // Top-level tables first: a missing one is made in the format's place.
    if let Some(Step::Table(name)) = steps.first()
        && doc.get(name).is_none()
    {
        let t = super::new_table(doc, name);
        doc.insert(name, Item::Table(t));
    }
    let mut table: &mut Table = doc.as_table_mut();
    for step in steps {
        match step {
            Step::Table(name) => {
                if !table.contains_key(name) {
                    table.insert(name, Item::Table(Table::new()));
                }
                table = table
                    .get_mut(name)
                    .and_then(Item::as_table_mut)
                    .ok_or_else(|| EditError::Usage(format!("[{name}] of {id} is not a table")))?;
            }
            Step::Entry(name, n) => {
                let entries = table.get_mut(name).and_then(Item::as_array_of_tables_mut);
                let count = entries.as_ref().map_or(0, |e| e.len());
                table = entries.and_then(|e| e.get_mut(n - 1)).ok_or_else(|| {
                    EditError::Usage(match count {
                        0 => format!("{id} has no {name} entries: there is no {name}.{n}"),
                        1 => format!("{id} has 1 {name} entry: there is no {name}.{n}"),
                        _ => format!(
                            "{id} has {count} {name} entries, {name}.1 to {name}.{count}: there is no {name}.{n}"
                        ),
                    })
                })?;
            }
            Step::Field(..) => break,
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dotted_path_is_read_against_the_records_description() {
        assert!(matches!(resolve("referral.received").unwrap().last(), Some(Step::Field(f)) if f.name == "received"));
        assert!(matches!(
            resolve("action.2.outcome").unwrap()[0],
            Step::Entry("action", 2)
        ));
        let e = resolve("referral.recieved").err().unwrap();
        assert!(e.contains("did you mean \"received\""), "{e}");
        let e = resolve("action.outcome").err().unwrap();
        assert!(e.contains("say which entry"), "{e}");
        let e = resolve("referral").err().unwrap();
        assert!(e.contains("is a table"), "{e}");
        let e = resolve("child.upn.x").err().unwrap();
        assert!(e.contains("is a value"), "{e}");
    }
}
