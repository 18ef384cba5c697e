//! Every rule has fixtures that break it and fixtures that pass, each asserting the rule id,
//! severity and line of every diagnostic its file gets. The fixtures live in
//! `tests/fixtures/rules/<pack>/RULE.fail-*.toml` and `RULE.pass*.toml`; their header
//! comments say where the file goes and what `cme check` must report:
//!
//! ```text
//! # file: EXC-2026-1907.toml     (optional: the name under cases/2026/; default <id>.toml)
//! # id: EXC-2026-1007
//! # expect: COM-SCHEMA error 9   (or "# expect: nothing")
//! ```

use super::*;
use std::collections::{BTreeMap, BTreeSet};

struct Fixture {
    name: String,
    dest: String,
    expect: BTreeSet<(String, String, u64)>,
}

fn fixtures(pack: &str) -> Vec<(Fixture, Vec<u8>)> {
    let dir = root().join("tests/fixtures/rules").join(pack);
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let bytes = std::fs::read(&path).unwrap();
        let head = String::from_utf8_lossy(&bytes);
        let mut file = None;
        let mut id = None;
        let mut expect = BTreeSet::new();
        for line in head.lines().take_while(|l| l.starts_with('#')) {
            if let Some(f) = line.strip_prefix("# file: ") {
                file = Some(f.trim().to_string());
            } else if let Some(i) = line.strip_prefix("# id: ") {
                id = Some(i.trim().to_string());
            } else if let Some(e) = line.strip_prefix("# expect: ") {
                if e.trim() == "nothing" {
                    continue;
                }
                let parts: Vec<&str> = e.split_whitespace().collect();
                assert_eq!(parts.len(), 3, "bad expect line in {}", path.display());
                expect.insert((parts[0].to_string(), parts[1].to_string(), parts[2].parse().unwrap()));
            }
        }
        let id = id.unwrap_or_else(|| panic!("{} has no # id: line", path.display()));
        let file = file.unwrap_or_else(|| format!("{id}.toml"));
        let year = &id[4..8];
        let name = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".toml")
            .to_string();
        out.push((
            Fixture {
                name,
                dest: format!("cases/{year}/{file}"),
                expect,
            },
            bytes,
        ));
    }
    out
}

fn check_pack(pack: &str) {
    let repo = empty_repo(pack);
    let fx = fixtures(pack);
    assert!(fx.len() > 10, "fixtures for {pack} are missing");
    for (f, bytes) in &fx {
        write(repo.path(), &f.dest, bytes);
    }
    let (code, json) = check_json(repo.path(), &[]);
    let mut got: BTreeMap<String, BTreeSet<(String, String, u64)>> = BTreeMap::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap().to_string();
        got.entry(file).or_default().insert((
            d["rule"].as_str().unwrap().to_string(),
            d["severity"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
        ));
    }
    let mut failures = Vec::new();
    for (f, _) in &fx {
        let actual = got.remove(&f.dest).unwrap_or_default();
        if actual != f.expect {
            failures.push(format!("{}: expected {:?}, got {:?}", f.name, f.expect, actual));
        }
    }
    // Nothing else may be reported, but for the pack's own review warning on policy.toml.
    got.retain(|file, _| !file.starts_with("policy/"));
    assert!(got.is_empty(), "diagnostics for unexpected files: {got:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(code, 1, "fixtures with errors make the check fail");
    assert_eq!(json["cases"].as_u64().unwrap() as usize, fx.len());
}

#[test]
fn manchester_fixtures_report_exactly_what_they_expect() {
    check_pack("manchester");
}

#[test]
fn worcestershire_fixtures_report_exactly_what_they_expect() {
    check_pack("worcestershire");
}

/// Every rule of kind E or W in either pack's catalogue has a failing and a passing fixture.
#[test]
fn every_validation_rule_has_a_failing_and_a_passing_fixture() {
    let mut names = Vec::new();
    for pack in ["manchester", "worcestershire"] {
        for (f, _) in fixtures(pack) {
            names.push(f.name);
        }
    }
    let mut missing = Vec::new();
    for pack in ["manchester", "worcestershire"] {
        let text = std::fs::read_to_string(root().join(format!("policy/{pack}/policy.toml"))).unwrap();
        let pack: toml::Value = toml::from_str(&text).unwrap();
        for rule in pack["rule"].as_array().unwrap() {
            let id = rule["id"].as_str().unwrap();
            let kind = rule["kind"].as_str().unwrap();
            // The review-date warning is about the pack, not a case: tested in check.rs.
            if !(kind.contains('E') || kind.contains('W')) || id == "WOR-POLICY-REVIEW" {
                continue;
            }
            for side in ["fail", "pass"] {
                let prefix = format!("{id}.{side}");
                if !names.iter().any(|n| n.starts_with(&prefix)) {
                    missing.push(prefix);
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

/// Every fixture of a pack as (where it goes in a repository, its bytes).
pub(crate) fn fixture_files(pack: &str) -> Vec<(String, Vec<u8>)> {
    fixtures(pack).into_iter().map(|(f, b)| (f.dest, b)).collect()
}
