//! The policies read as a CME team reads them (Revision 2 of the rule catalogue): what the
//! rule fixtures cannot show, because it is about deadlines and figures rather than one
//! record's diagnostics.

use super::status::{deadline, status_json};
use super::*;

/// A Manchester case referred on 1 September, assigned on 2 September, with `actions` and
/// closed as `closure` (TOML) where given.
fn case_with(id: &str, actions: &str, closure: Option<&str>) -> String {
    let mut text = format!(
        r#"format = 1
id = "{id}"
status = "{}"

[child]
given_name = "Test"
family_name = "Reading{}"
date_of_birth = 2014-05-14
whereabouts = "known-in-area"

[referral]
received = 2026-09-01
source = "school"
reason = "moved-unknown-school"
assigned_to = "asmith"
assigned_on = 2026-09-02
"#,
        if closure.is_some() { "closed" } else { "open" },
        &id[id.len() - 4..]
    );
    text.push_str(actions);
    if let Some(c) = closure {
        text.push_str("\n[closure]\n");
        text.push_str(c);
    }
    text
}

#[test]
fn a_case_closed_without_its_contact_still_counts_against_the_deadline() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        case_with(
            "EXC-2026-0001",
            "",
            Some("date = 2026-11-02\noutcome = \"on-roll\"\nschool = \"Quillbury Academy\"\n"),
        ),
    );
    assert_eq!(check_json(r, &[]).0, 0);
    let (_, json, _) = status_json(r, &["EXC-2026-0001"]);
    let d = deadline(&json, "EXC-2026-0001", "MAN-ENQ-20WD");
    assert_eq!(d["state"], "missed", "{d:#}");
    assert_eq!(d["due"], "2026-09-30");
    // The statistics count it, in the quarter it fell due in.
    let o = run(r, &["stats", "--format", "json"]);
    let stats: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let enq = stats["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "MAN-ENQ-20WD")
        .unwrap();
    let q = enq["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["due"] == 1)
        .unwrap();
    assert_eq!(q["never_met"], 1, "{q:#}");
    assert_eq!(q["met"], 0);
    assert!(q["label"].as_str().unwrap().contains("Jul-Sep 2026"), "{q:#}");
    // The case page and the statistics page say so.
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(
        run(r, &["build", "--out", site.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let page = std::fs::read_to_string(site.join("cases/EXC-2026-0001.html")).unwrap();
    assert!(page.contains("Never met"), "the case page shows the deadline's outcome");
    let stats_page = std::fs::read_to_string(site.join("stats/index.html")).unwrap();
    assert!(stats_page.contains("Deadlines kept") && stats_page.contains("MAN-ENQ-20WD"));
}

#[test]
fn a_late_closure_meets_the_six_month_deadline_late() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let text = case_with(
        "EXC-2026-0002",
        "\n[[action]]\ndate = 2026-09-04\nkind = \"home-visit\"\nby = \"asmith\"\n",
        Some("date = 2026-11-02\noutcome = \"on-roll\"\nschool = \"Quillbury Academy\"\n"),
    )
    .replace("received = 2026-09-01", "received = 2026-03-02")
    .replace("assigned_on = 2026-09-02", "assigned_on = 2026-03-02")
    .replace("date = 2026-09-04", "date = 2026-03-04")
    .replace("whereabouts = \"known-in-area\"", "whereabouts = \"unknown\"");
    write(r, "cases/2026/EXC-2026-0002.toml", text);
    let (_, json, _) = status_json(r, &["EXC-2026-0002"]);
    let d = deadline(&json, "EXC-2026-0002", "MAN-UNTRACED-6M");
    assert_eq!(d["state"], "late", "{d:#}");
    assert_eq!(d["done_on"], "2026-11-02");
}

#[test]
fn the_schools_own_attempt_meets_the_twenty_day_contact() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let school = "\n[[action]]\ndate = 2026-07-10\nkind = \"phone\"\nby = \"school\"\noutcome = \"No answer.\"\n";
    write(
        r,
        "cases/2026/EXC-2026-0003.toml",
        case_with("EXC-2026-0003", school, None),
    );
    let (code, json) = check_json(r, &[]);
    assert_eq!(code, 0, "{json:#}");
    let (_, json, _) = status_json(r, &["EXC-2026-0003"]);
    let d = deadline(&json, "EXC-2026-0003", "MAN-ENQ-20WD");
    assert_eq!(d["state"], "met", "{d:#}");
    assert!(d["met_by"].as_str().unwrap().contains("by school"), "{d:#}");
}

#[test]
fn only_the_team_managers_audit_meets_the_audit_deadline() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let by = |who: &str| {
        format!(
            "\n[[action]]\ndate = 2026-09-04\nkind = \"home-visit\"\nby = \"asmith\"\n\n[[action]]\ndate = 2026-10-20\nkind = \"audit\"\nby = \"{who}\"\n"
        )
    };
    let text = case_with("EXC-2026-0004", &by("asmith"), None)
        .replace("received = 2026-09-01", "received = 2026-08-03")
        .replace("assigned_on = 2026-09-02", "assigned_on = 2026-08-03");
    write(r, "cases/2026/EXC-2026-0004.toml", &text);
    let (code, json) = check_json(r, &[]);
    assert_eq!(code, 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "COM-ROLE");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("lead-officer, senior-officer, group-manager"),
        "{d:#}"
    );
    let (_, json, _) = status_json(r, &["EXC-2026-0004"]);
    assert_eq!(deadline(&json, "EXC-2026-0004", "MAN-AUDIT-8W")["state"], "overdue");
    write(
        r,
        "cases/2026/EXC-2026-0004.toml",
        text.replace(
            "by = \"asmith\"\n\n[[action]]\ndate = 2026-10-20\nkind = \"audit\"\nby = \"asmith\"",
            "by = \"asmith\"\n\n[[action]]\ndate = 2026-10-20\nkind = \"audit\"\nby = \"eokafor\"",
        ),
    );
    assert_eq!(check_json(r, &[]).0, 0);
    let (_, json, _) = status_json(r, &["EXC-2026-0004"]);
    assert_eq!(deadline(&json, "EXC-2026-0004", "MAN-AUDIT-8W")["state"], "open");
}

#[test]
fn dating_a_closure_back_does_not_escape_the_reading_in_force() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let checks: String = [
        "revenue-benefits",
        "border-force",
        "other-la-cme",
        "key-to-success",
        "social-media",
        "social-care-housing",
        "lost-pupils-database",
    ]
    .iter()
    .map(|c| format!("\n[[action]]\ndate = 2026-06-10\nkind = \"database-check\"\nby = \"asmith\"\ncheck = \"{c}\"\n"))
    .collect();
    let text = case_with(
        "EXC-2026-0005",
        &format!("\n[[action]]\ndate = 2026-06-04\nkind = \"home-visit\"\nby = \"asmith\"\n{checks}"),
        None,
    )
    .replace("received = 2026-09-01", "received = 2026-06-01")
    .replace("assigned_on = 2026-09-02", "assigned_on = 2026-06-02")
    .replace("whereabouts = \"known-in-area\"", "whereabouts = \"unknown\"");
    write(r, "cases/2026/EXC-2026-0005.toml", &text);
    // Recorded today with a date before the reading took effect: held to it all the same.
    let o = run(
        r,
        &[
            "close",
            "EXC-2026-0005",
            "--outcome",
            "untraceable",
            "--date",
            "2026-08-31",
            "--lost-pupils-uploaded",
            "2026-08-31",
            "--mash-referral",
            "2026-08-31",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("minimum contact enquiries"), "{}", stderr(&o));
}

#[test]
fn every_audit_counts_in_the_compliance_figures() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    // Referred in June; audits every 8 weeks by the lead officer: on time, on time, late.
    let audits: String = ["2026-07-20", "2026-09-10", "2026-11-20"]
        .iter()
        .map(|d| format!("\n[[action]]\ndate = {d}\nkind = \"audit\"\nby = \"eokafor\"\n"))
        .collect();
    let text = case_with(
        "EXC-2026-0006",
        &format!("\n[[action]]\ndate = 2026-06-04\nkind = \"home-visit\"\nby = \"asmith\"\n{audits}"),
        None,
    )
    .replace("received = 2026-09-01", "received = 2026-06-01")
    .replace("assigned_on = 2026-09-02", "assigned_on = 2026-06-02");
    write(r, "cases/2026/EXC-2026-0006.toml", &text);
    assert_eq!(check_json(r, &[]).0, 0);
    let o = run(r, &["stats", "--format", "json"]);
    let stats: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let audit = stats["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "MAN-AUDIT-8W")
        .unwrap();
    let (due, met, late): (u64, u64, u64) =
        audit["periods"]
            .as_array()
            .unwrap()
            .iter()
            .fold((0, 0, 0), |(a, b, c), p| {
                (
                    a + p["due"].as_u64().unwrap(),
                    b + p["met"].as_u64().unwrap(),
                    c + p["late"].as_u64().unwrap(),
                )
            });
    assert_eq!((due, met, late), (3, 2, 1), "{audit:#}");
}

#[test]
fn a_change_of_role_does_not_turn_past_audits_into_errors() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let text = case_with(
        "EXC-2026-0007",
        "\n[[action]]\ndate = 2026-09-04\nkind = \"home-visit\"\nby = \"asmith\"\n\n[[action]]\ndate = 2026-10-20\nkind = \"audit\"\nby = \"eokafor\"\n",
        None,
    );
    write(r, "cases/2026/EXC-2026-0007.toml", &text);
    assert_eq!(check_json(r, &[]).0, 0);
    // Esther moves to a CME officer's post on 1 November: her October audit stands.
    let cfg = std::fs::read_to_string(r.join("cme.toml")).unwrap();
    let moved = cfg.replace(
        "id = \"eokafor\"\nname = \"Esther Okafor\"\nrole = \"lead-officer\"\n",
        "id = \"eokafor\"\nname = \"Esther Okafor\"\nrole = \"cme-officer\"\n\n[[officer.previous_role]]\nrole = \"lead-officer\"\nuntil = 2026-10-31\n",
    );
    assert_ne!(cfg, moved);
    std::fs::write(r.join("cme.toml"), &moved).unwrap();
    let (code, json) = check_json(r, &[]);
    assert_eq!(code, 0, "{json:#}");
    // Without the record of her previous role, the audit is not hers to make.
    std::fs::write(
        r.join("cme.toml"),
        moved.replace(
            "\n[[officer.previous_role]]\nrole = \"lead-officer\"\nuntil = 2026-10-31\n",
            "",
        ),
    )
    .unwrap();
    let (code, json) = check_json(r, &[]);
    assert_eq!(code, 1);
    assert!(
        json["diagnostics"][0]["hint"]
            .as_str()
            .unwrap()
            .contains("previous_role"),
        "{json:#}"
    );
}
