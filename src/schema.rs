//! `cme schema`: a JSON Schema of the case format, generated from the record's description
//! (`model/mod.rs`), with the
//! repository's own lists (officers, vulnerabilities, checks, escalations, documents,
//! grounds) filled in, so editors that understand TOML schemas (Even Better TOML, taplo)
//! complete keys and values and underline mistakes as officers type.

use crate::load::Repo;
use crate::model::field::{Shape, description};
use crate::model::{Case, FORMAT_VERSION, Field, Ids, Kind, Record};
use serde_json::{Map, Value, json};

/// Where `cme init` puts the schema, and the directive case files point at it with.
pub const FILE: &str = "schema/case.schema.json";

/// The `#:schema` line for a case file at `cases/<year>/<id>.toml`.
pub fn directive() -> String {
    format!("#:schema ../../{FILE}")
}

/// The schema file's text, as `cme init` and `cme schema --write` write it.
pub fn text(repo: &Repo) -> String {
    serde_json::to_string_pretty(&schema(repo)).unwrap_or_default() + "\n"
}

/// Whether the repository's schema file differs from what its officers and pack make now
/// (an officer added to cme.toml since it was written): `None` when there is no such file.
pub fn stale(repo: &Repo) -> Option<bool> {
    let on_disk = std::fs::read(repo.root.join(FILE)).ok()?;
    Some(on_disk != text(repo).into_bytes())
}

/// Writes the schema file (atomically); whether it changed.
pub fn write(repo: &Repo) -> std::io::Result<bool> {
    if stale(repo) == Some(false) {
        return Ok(false);
    }
    let path = repo.root.join(FILE);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::edit::atomic_write(&path, text(repo).as_bytes(), false)?;
    Ok(true)
}

pub fn schema(repo: &Repo) -> Value {
    let policy = repo.policy();
    let ids = |which: Ids| policy.ids(which);
    let mut defs = Map::new();
    let mut s = table(&Case::SHAPE, &ids, &mut defs);
    s["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    s["title"] = json!(format!(
        "A CME case record for {} ({} policy pack)",
        repo.config.authority.name, repo.pack.pack.id
    ));
    s["description"] = json!("Format version 1. One file per child per episode, under cases/<year>/<id>.toml.");
    s["$defs"] = Value::Object(defs);
    if let Some(p) = s.get_mut("properties") {
        p["format"] = json!({ "const": FORMAT_VERSION, "description": "The format version: 1." });
        p["id"]["pattern"] = json!(format!("^{}-[0-9]{{4}}-[0-9]{{4,6}}$", repo.config.authority.code));
    }
    s
}

/// A table of the record as a JSON Schema object; its sub-tables go into `defs`.
fn table<'a>(shape: &Shape, ids: &dyn Fn(Ids) -> Vec<&'a str>, defs: &mut Map<String, Value>) -> Value {
    let mut properties = Map::new();
    for f in shape.fields {
        properties.insert(f.name.to_string(), field(f, ids, defs));
    }
    let required: Vec<&str> = shape.fields.iter().filter(|f| f.required).map(|f| f.name).collect();
    json!({
        "type": "object",
        "description": description(shape.doc),
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn field<'a>(f: &Field, ids: &dyn Fn(Ids) -> Vec<&'a str>, defs: &mut Map<String, Value>) -> Value {
    let reference = |shape: &Shape, defs: &mut Map<String, Value>| {
        if !defs.contains_key(shape.name) {
            let t = table(shape, ids, defs);
            defs.insert(shape.name.to_string(), t);
        }
        json!({ "$ref": format!("#/$defs/{}", shape.name) })
    };
    let one = match f.lookup() {
        Some(which) => json!({ "type": "string", "enum": ids(which) }),
        None => json!({ "type": "string" }),
    };
    let mut v = match f.kind {
        Kind::Text => one,
        Kind::Date => json!({ "type": "string", "format": "date" }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Int => json!({ "type": "integer", "format": "int64" }),
        Kind::Word { names, .. } => json!({ "type": "string", "enum": names }),
        Kind::Texts => json!({ "type": "array", "items": one, "uniqueItems": true }),
        Kind::Table(shape) => reference(shape, defs),
        Kind::Tables(shape) => json!({ "type": "array", "items": reference(shape, defs) }),
    };
    if let Some((lo, hi)) = f.scale() {
        v["minimum"] = json!(lo);
        v["maximum"] = json!(hi);
    }
    v["title"] = json!(f.label);
    let d = f.description();
    v["description"] = json!(match f.kind {
        Kind::Word { what, .. } if d.is_empty() => format!("A {what}."),
        _ if d.is_empty() => format!("{}.", f.label),
        _ => d,
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_knows_the_format_and_the_pack() {
        let repo = Repo::open(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let s = schema(&repo);
        let text = s.to_string();
        assert_eq!(s["properties"]["format"]["const"], 1);
        assert!(s["required"].as_array().unwrap().iter().any(|r| r == "child"));
        let child = &s["$defs"]["Child"];
        assert_eq!(child["additionalProperties"], false, "unknown keys are flagged");
        assert!(
            child["properties"]["vulnerabilities"]["items"]["enum"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v == "young-carer")
        );
        assert!(text.contains("\"home-visit\""), "action kinds from the Rust enum");
        assert!(
            s["$defs"]["Action"]["properties"]["by"]["enum"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v == "asmith")
        );
        assert_eq!(s["$defs"]["Child"]["properties"]["date_of_birth"]["format"], "date");
        assert_eq!(s["$defs"]["Review"]["properties"]["cme_score"]["maximum"], 5);
        assert!(
            !s["$defs"]["Child"]["required"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "vulnerabilities")
        );
    }
}
