//! A third council, invented here and known to no code: its own pack name and rule ids, a
//! risk matrix of four levels with other names, other deadline numbers. Every command and the
//! site must work with it, and show its levels in its own words.

use super::*;
use serde_json::Value;

const MATRIX: &str = r#"[risk]
rule = "NSH-RISK"
matrix = [
  ["Low",      "Low",      "Moderate", "Elevated", "Severe"],
  ["Low",      "Moderate", "Moderate", "Elevated", "Severe"],
  ["Moderate", "Moderate", "Elevated", "Severe",   "Severe"],
  ["Moderate", "Elevated", "Elevated", "Severe",   "Severe"],
  ["Elevated", "Elevated", "Severe",   "Severe",   "Severe"],
]

[[risk.level]]
id = "Severe"
label = "Severe risk"
tone = "high"

[[risk.level]]
id = "Elevated"
label = "Elevated risk"
tone = "medium"

[[risk.level]]
id = "Moderate"
label = "Moderate risk"
tone = "medium"

[[risk.level]]
id = "Low"
label = "Low risk"
tone = "low"

[risk.meaning]
Severe = "severe: the case stays open with checks every fortnight"

[risk.no_close]
rule = "NSH-HI-NO-CLOSE"
levels = ["Severe"]
outcomes = ["untraceable"]
whereabouts = ["unknown"]
except_outcomes = ["beyond-school-age"]

"#;

/// The Worcestershire demo's cases under an invented pack made from Worcestershire's by
/// renaming it and replacing its matrix and numbers.
fn northshire() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let src = root().join("policy/worcestershire");
    let pack = std::fs::read_to_string(src.join("policy.toml")).unwrap();
    let start = pack.find("[risk]\n").unwrap();
    let end = pack.find("[school_age]").unwrap();
    let pack = format!("{}{MATRIX}{}", &pack[..start], &pack[end..])
        .replace("WOR-", "NSH-")
        .replace("worcestershire#", "northshire#")
        .replace("id = \"worcestershire\"", "id = \"northshire\"")
        .replace(
            "Worcestershire Children Missing Education policy",
            "Northshire children missing education policy",
        )
        .replace("Worcestershire County Council", "Northshire Council")
        .replace("risk_levels = [\"HI\"]", "risk_levels = [\"Severe\"]")
        .replace(
            "weeks = 4\naction_kinds = [\"database-check\"]",
            "weeks = 2\naction_kinds = [\"database-check\"]",
        );
    assert!(!pack.contains("\"HI\""), "no trace of the old levels");
    write(r, "policy/northshire/policy.toml", pack);
    let text = std::fs::read_to_string(src.join("policy.md")).unwrap();
    write(
        r,
        "policy/northshire/policy.md",
        text.replace("Worcestershire", "Northshire"),
    );
    super::copy_dir(&root().join("policy/calendar"), &r.join("policy/calendar"));
    let demo = worcestershire_demo();
    let cfg = std::fs::read_to_string(demo.join("cme.toml"))
        .unwrap()
        .replace("policy = \"worcestershire\"", "policy = \"northshire\"");
    write(r, "cme.toml", cfg);
    std::fs::copy(demo.join("terms.toml"), r.join("terms.toml")).unwrap();
    super::copy_dir(&demo.join("cases"), &r.join("cases"));
    dir
}

#[test]
fn an_invented_council_works_everywhere_in_its_own_words() {
    let repo = northshire();
    let r = repo.path();
    // check: no set-up error; the rules run under the new ids.
    let (code, json) = check_json(r, &[]);
    assert!(code == 0 || code == 1, "{json:#}");
    for d in json["diagnostics"].as_array().unwrap() {
        let rule = d["rule"].as_str().unwrap();
        assert!(!rule.starts_with("WOR-"), "{rule}");
    }
    // status: risk in the pack's level names, of every level the matrix gives.
    let o = run(r, &["status", "--format", "json", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let status: Value = serde_json::from_slice(&o.stdout).unwrap();
    let levels: std::collections::BTreeSet<String> = status["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["risk"].as_str().map(str::to_string))
        .collect();
    assert!(levels.len() >= 2, "{levels:?}");
    for l in &levels {
        assert!(["Severe", "Elevated", "Moderate", "Low"].contains(&l.as_str()), "{l}");
    }
    // The human queue highlights the most serious level (its tone is "high").
    let human = stdout(&run(r, &["status", "--all"]));
    assert!(human.contains("Northshire") || human.contains("work queue"), "{human}");
    // stats, history-free build, the board's site.
    assert_eq!(run(r, &["stats"]).status.code(), Some(0));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = run(r, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dashboard = std::fs::read_to_string(site.join("index.html")).unwrap();
    for label in ["Severe risk", "Elevated risk", "Moderate risk", "Low risk"] {
        assert!(dashboard.contains(label), "the dashboard counts {label}");
    }
    assert!(dashboard.contains("Northshire"), "the pack's own name");
    // A case rated Severe is tagged as the pack's high tone says (red), not grey.
    let severe = status["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["risk"] == "Severe")
        .map(|c| c["id"].as_str().unwrap().to_string());
    let id = severe.expect("the demo's scores give a Severe case under this matrix");
    let page = std::fs::read_to_string(site.join(format!("cases/{id}.html"))).unwrap();
    assert!(page.contains("cme-tag--red"), "{id}'s page tags its risk red");
    let board = out.path().join("board");
    let o = run(r, &["build", "--audience", "board", "--out", board.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rules = std::fs::read_to_string(site.join("policy/rules.html")).unwrap();
    assert!(rules.contains("NSH-RISK"));
}
