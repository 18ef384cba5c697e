//! `cme schema`: a JSON Schema of the case format, generated from the Rust types, with the
//! repository's own lists (officers, vulnerabilities, checks, escalations, documents,
//! grounds) filled in, so editors that understand TOML schemas (Even Better TOML, taplo)
//! complete keys and values and underline mistakes as officers type.

use crate::load::Repo;
use crate::model::Case;
use serde_json::{Value, json};

/// Where `cme init` puts the schema, and the directive case files point at it with.
pub const FILE: &str = "schema/case.schema.json";

/// The `#:schema` line for a case file at `cases/<year>/<id>.toml`.
pub fn directive() -> String {
    format!("#:schema ../../{FILE}")
}

pub fn schema(repo: &Repo) -> Value {
    let mut s = serde_json::to_value(schemars::schema_for!(Case)).unwrap_or(Value::Null);
    s["title"] = json!(format!(
        "A CME case record for {} ({} policy pack)",
        repo.config.authority.name, repo.pack.pack.id
    ));
    s["description"] = json!("Format version 1. One file per child per episode, under cases/<year>/<id>.toml.");
    let list = |ids: Vec<&str>| json!({ "type": "string", "enum": ids });
    let pack = &repo.pack;
    let officers = list(repo.config.officers.iter().map(|o| o.id.as_str()).collect());
    let defs = &mut s["$defs"];
    let set = |defs: &mut Value, def: &str, prop: &str, v: Value| {
        if let Some(p) = defs
            .get_mut(def)
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(prop))
        {
            let description = p.get("description").cloned();
            *p = v;
            if let Some(d) = description {
                p["description"] = d;
            }
        }
    };
    let vulns = list(pack.vulnerabilities.iter().map(|v| v.id.as_str()).collect());
    set(
        defs,
        "Child",
        "vulnerabilities",
        json!({ "type": "array", "items": vulns, "uniqueItems": true }),
    );
    set(defs, "Referral", "assigned_to", officers.clone());
    set(defs, "Action", "by", officers.clone());
    set(defs, "Review", "signed_off_by", officers);
    set(
        defs,
        "Action",
        "check",
        list(pack.checks.iter().map(|c| c.id.as_str()).collect()),
    );
    set(
        defs,
        "Action",
        "to",
        list(pack.escalations.iter().map(|c| c.id.as_str()).collect()),
    );
    let docs = list(pack.documents.iter().map(|c| c.id.as_str()).collect());
    set(defs, "School", "documents", json!({ "type": "array", "items": docs }));
    set(
        defs,
        "School",
        "leaving_ground",
        list(pack.grounds.iter().map(|g| g.code.as_str()).collect()),
    );
    for score in ["cme_score", "safeguarding_score"] {
        if let Some(p) = defs
            .get_mut("Review")
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(score))
        {
            p["minimum"] = json!(1);
            p["maximum"] = json!(5);
        }
    }
    if let Some(p) = s.get_mut("properties") {
        p["format"] = json!({ "const": 1, "description": "The format version: 1." });
        p["id"]["pattern"] = json!(format!("^{}-[0-9]{{4}}-[0-9]{{4,6}}$", repo.config.authority.code));
    }
    s
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
