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
    let (pack, renamed) = own_lists(&pack);
    // Its own word for the officers who make the enquiries.
    let pack = pack
        .replace("id = \"cme-officer\"", "id = \"caseworker\"")
        .replace("role = \"cme-officer\"", "role = \"caseworker\"")
        .replace(
            "label = \"Northshire: CME officer\"",
            "label = \"Northshire: education caseworker\"",
        );
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
        .replace("policy = \"worcestershire\"", "policy = \"northshire\"")
        .replace("role = \"cme-officer\"", "role = \"caseworker\"");
    write(r, "cme.toml", cfg);
    std::fs::copy(demo.join("terms.toml"), r.join("terms.toml")).unwrap();
    super::copy_dir(&demo.join("cases"), &r.join("cases"));
    // The cases use the new lists' ids.
    for e in walkdir::WalkDir::new(r.join("cases")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "toml") {
            let mut text = std::fs::read_to_string(e.path()).unwrap();
            for (old, new) in &renamed {
                text = text.replace(&format!("\"{old}\""), &format!("\"{new}\""));
            }
            std::fs::write(e.path(), text).unwrap();
        }
    }
    dir
}

/// Northshire's own lists: every vulnerability, check, escalation and document of the
/// pack it was made from gets another id and other words, one more vulnerability and one
/// more escalation route join them, and a ladder the original has not: whereabouts still
/// unknown 10 working days after assignment must go to the multi-agency panel.
fn own_lists(pack: &str) -> (String, Vec<(String, String)>) {
    let doc: toml::Table = pack.parse().unwrap();
    let mut renamed = Vec::new();
    for list in ["vulnerability", "check", "escalation", "document"] {
        for item in doc[list].as_array().unwrap() {
            let id = item["id"].as_str().unwrap();
            renamed.push((id.to_string(), format!("nsh-{id}")));
        }
    }
    let mut pack = pack.to_string();
    for (old, new) in &renamed {
        pack = pack.replace(&format!("\"{old}\""), &format!("\"{new}\""));
    }
    pack = pack.replace("label = \"", "label = \"Northshire: ");
    let extra = r#"
[[vulnerability]]
id = "nsh-seasonal-work"
label = "Northshire: family in seasonal agricultural work"

[[escalation]]
id = "nsh-multi-agency-panel"
label = "Northshire multi-agency panel"

[[escalation_expected]]
rule = "NSH-PANEL"
to = "nsh-multi-agency-panel"
whereabouts = ["unknown"]
after_working_days = 10

[[rule]]
id = "NSH-PANEL"
kind = "W"
title = "Whereabouts unknown 10 working days after assignment: refer to the multi-agency panel"
source = "9.4"
policy_ref = "northshire#9.4"
"#;
    (format!("{pack}{extra}"), renamed)
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
    let o = run_ok(r, &["status", "--format", "json", "--all"]);
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
    let human = stdout(&run(r, &["status"]));
    // The queue in its own words, its risk column as wide as its longest level name.
    insta::assert_snapshot!("northshire-status", human);
    // stats, history-free build, the board's site.
    assert_eq!(run(r, &["stats"]).status.code(), Some(0));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    run_ok(r, &["build", "--out", site.to_str().unwrap()]);
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
    // The board's site: the records as they stood at the end of the last quarter, from git.
    git(r, &["init", "-q"]);
    git(r, &["add", "-A"]);
    super::reports::commit_on(r, "2026-09-15", "Northshire's records");
    let board = out.path().join("board");
    run_ok(
        r,
        &[
            "build",
            "--audience",
            "board",
            "--period",
            "quarter",
            "--out",
            board.to_str().unwrap(),
        ],
    );
    let rules = std::fs::read_to_string(site.join("policy/rules.html")).unwrap();
    assert!(rules.contains("NSH-RISK"));
}

#[test]
fn an_invented_council_has_its_own_lists_and_ladder() {
    let repo = northshire();
    let r = repo.path();
    let (code, json) = check_json(r, &[]);
    assert!(code == 0 || code == 1, "{json:#}");
    let diagnostics = json["diagnostics"].as_array().unwrap();
    // Every id of its lists is known: nothing is read against another council's lists.
    for d in diagnostics {
        let m = d["message"].as_str().unwrap();
        assert!(!m.contains("is not a known"), "{m}");
        assert!(!m.contains("in the northshire pack"), "{m}");
    }
    // Its own roles: another council's word for a role is refused, naming its own.
    let cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap();
    std::fs::write(
        r.join("cme.toml"),
        cfg.replacen("role = \"caseworker\"", "role = \"cme-officer\"", 1),
    )
    .unwrap();
    let o = run(r, &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the northshire pack does not list"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("caseworker"), "{}", stderr(&o));
    std::fs::write(r.join("cme.toml"), cfg).unwrap();
    // Its own ladder: whereabouts-unknown cases not taken to its panel are flagged.
    let panel: Vec<&Value> = diagnostics.iter().filter(|d| d["rule"] == "NSH-PANEL").collect();
    assert!(
        !panel.is_empty(),
        "the demo has whereabouts-unknown cases without a panel referral"
    );
    assert!(
        panel[0]["message"]
            .as_str()
            .unwrap()
            .contains("Northshire multi-agency panel")
    );
    // A case referred to the panel is not.
    let file = panel[0]["file"].as_str().unwrap().to_string();
    let path = r.join(&file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[[action]]\ndate = 2026-11-20\nkind = \"escalation\"\nby = \"tgreen\"\nto = \"nsh-multi-agency-panel\"\n"),
    )
    .unwrap();
    let (_, json) = check_json(r, &[]);
    assert!(
        !json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "NSH-PANEL" && d["file"] == file.as_str()),
        "{json:#}"
    );
    // The case page and the schema speak its words.
    let o = run(r, &["schema"]);
    let schema: Value = serde_json::from_slice(&o.stdout).unwrap();
    let vulns = schema["$defs"]["Child"]["properties"]["vulnerabilities"]["items"]["enum"].to_string();
    assert!(
        vulns.contains("nsh-seasonal-work") && !vulns.contains("\"young-carer\""),
        "{vulns}"
    );
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    run_ok(r, &["build", "--working-tree", "--out", site.to_str().unwrap()]);
    let id = file.rsplit('/').next().unwrap().trim_end_matches(".toml");
    let page = std::fs::read_to_string(site.join(format!("cases/{id}.html"))).unwrap();
    assert!(
        page.contains("Northshire multi-agency panel"),
        "the ladder's words on the case page"
    );
}
