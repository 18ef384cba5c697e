//! `cme status`: due dates checked by hand against a calendar, filters, JSON shape, and the
//! calendar's bad input.

use super::*;
use serde_json::Value;

pub(crate) fn status_json(repo: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["status", "--format", "json"];
    args.extend_from_slice(extra);
    let o = run(repo, &args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    (o.status.code().unwrap(), v, stderr(&o))
}

pub(crate) fn case<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} listed"))
}

pub(crate) fn deadline<'a>(json: &'a Value, id: &str, rule: &str) -> &'a Value {
    case(json, id)["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule)
        .unwrap_or_else(|| panic!("{id} has {rule}"))
}

/// (case, rule, due, met, overdue), each worked out by hand from a calendar; the reasoning
/// is beside each.
const MANCHESTER: &[(&str, &str, &str, bool, bool)] = &[
    // Received Mon 8 Dec 2025, whereabouts still unknown: 6 calendar months.
    ("EXC-2025-0074", "MAN-UNTRACED-6M", "2026-06-08", false, true),
    // Received Thu 12 Nov 2026, unassigned: Fri 13, Mon 16, Tue 17, Wed 18, Thu 19 = 5 working days.
    ("EXC-2026-0126", "COM-UNASSIGNED", "2026-11-19", false, true),
    // Received Fri 20 Nov 2026: Mon 23 .. Fri 27 = 5 working days; not yet due on Sun 22.
    ("EXC-2026-0130", "COM-UNASSIGNED", "2026-11-27", false, false),
    // Assigned Tue 15 Sep 2026, no home visit, letter or phone since: 20 working days is Tue 13 Oct.
    ("EXC-2026-0081", "MAN-ENQ-20WD", "2026-10-13", false, true),
    // Assigned Tue 6 Oct 2026: 20 working days is Tue 3 Nov; nothing logged.
    ("EXC-2026-0097", "MAN-ENQ-20WD", "2026-11-03", false, true),
    // Assigned Tue 10 Nov 2026: 20 working days is Tue 8 Dec.
    ("EXC-2026-0121", "MAN-ENQ-20WD", "2026-12-08", false, false),
    // Received Tue 10 Nov 2026, open to social care, worker not yet contacted: Wed 11, Thu 12.
    ("EXC-2026-0124", "COM-SOCIAL-CARE", "2026-11-12", false, true),
    // Received Mon 24 Aug 2026, worker never contacted: Tue 25, Wed 26 Aug.
    ("EXC-2026-0068", "COM-SOCIAL-CARE", "2026-08-26", false, true),
    // Reopened Mon 5 Oct 2026: the contact of May 2025 was for the first episode. Tue 6, Wed 7.
    ("EXC-2025-0066", "COM-SOCIAL-CARE", "2026-10-07", false, true),
    // Reopened Mon 5 Oct 2026: 20 working days is Mon 2 Nov; the phone call of Wed 7 Oct met it.
    ("EXC-2025-0066", "MAN-ENQ-20WD", "2026-11-02", true, false),
    // Last audit Fri 4 Sep 2026: 8 weeks is Fri 30 Oct.
    ("EXC-2026-0046", "MAN-AUDIT-8W", "2026-10-30", false, true),
    // Received Mon 28 Sep 2026, never audited: 8 weeks is Mon 23 Nov.
    ("EXC-2026-0093", "MAN-AUDIT-8W", "2026-11-23", false, false),
    // Born 30 May 2010: 16 on 30 May 2026, school year 2025/26, last Friday of June is 26 June.
    ("EXC-2025-0118", "COM-SCHOOL-AGE", "2026-06-26", false, true),
    // Received Mon 21 Sep 2026, assigned Tue 22 Sep: within 5 working days (Mon 28 Sep).
    ("EXC-2026-0089", "COM-UNASSIGNED", "2026-09-28", true, false),
];

const WORCESTERSHIRE: &[(&str, &str, &str, bool, bool)] = &[
    // HI review Mon 29 Jun 2026: reviewed again within 12 months.
    ("EXS-2025-0224", "WOR-HI-REVIEW-12M", "2027-06-29", false, false),
    // Last periodic check Mon 24 Aug 2026 (after that review): 4 weeks is Mon 21 Sep.
    ("EXS-2025-0224", "WOR-PERIODIC", "2026-09-21", false, true),
    // HI review Mon 27 Apr 2026 (CME 2, safeguarding 4), no check since: 4 weeks is Mon 25 May.
    ("EXS-2026-0047", "WOR-PERIODIC", "2026-05-25", false, true),
    ("EXS-2026-0047", "WOR-HI-REVIEW-12M", "2027-04-27", false, false),
    // Received Fri 13 Nov 2026, unassigned: Mon 16 .. Fri 20 = 5 working days.
    ("EXS-2026-0086", "COM-UNASSIGNED", "2026-11-20", false, true),
    // Born 3 Dec 2010: 16 on 3 Dec 2026, school year 2026/27, last Friday of June 2027 is 25 June.
    ("EXS-2026-0047", "COM-SCHOOL-AGE", "2027-06-25", false, false),
];

fn check_table(repo: &Path, table: &[(&str, &str, &str, bool, bool)]) {
    let (code, json, err) = status_json(repo, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json["today"], TODAY);
    for (id, rule, due, met, overdue) in table {
        let d = deadline(&json, id, rule);
        assert_eq!(d["due"], *due, "{id} {rule}: {d}");
        assert_eq!(d["met"], *met, "{id} {rule}: {d}");
        assert_eq!(d["overdue"], *overdue, "{id} {rule}: {d}");
    }
}

#[test]
fn manchester_due_dates_match_the_hand_calculations() {
    check_table(&root(), MANCHESTER);
}

#[test]
fn worcestershire_due_dates_match_the_hand_calculations() {
    check_table(&worcestershire_demo(), WORCESTERSHIRE);
}

#[test]
fn json_has_the_specified_keys_and_lists_every_open_case() {
    let (_, json, _) = status_json(&root(), &[]);
    let cases = json["cases"].as_array().unwrap();
    let open = std::fs::read_dir(root().join("cases/2026"))
        .unwrap()
        .chain(std::fs::read_dir(root().join("cases/2025")).unwrap())
        .chain(std::fs::read_dir(root().join("cases/2024")).unwrap())
        .filter(|e| {
            std::fs::read_to_string(e.as_ref().unwrap().path())
                .unwrap()
                .contains("status = \"open\"")
        })
        .count();
    assert_eq!(cases.len(), open);
    for c in cases {
        for k in ["id", "status", "school_age_ends", "risk", "priority", "deadlines"] {
            assert!(c.get(k).is_some(), "{k} missing in {c}");
        }
        assert_eq!(c["status"], "open");
        assert!(c["risk"].is_null(), "Manchester has no risk matrix");
        for d in c["deadlines"].as_array().unwrap() {
            for k in ["rule", "due", "met", "overdue"] {
                assert!(d.get(k).is_some(), "{k} missing in {d}");
            }
        }
    }
    // Overdue first, then by due date.
    let first_not_overdue = cases
        .iter()
        .position(|c| !c["deadlines"].as_array().unwrap().iter().any(|d| d["overdue"] == true))
        .unwrap();
    assert!(
        cases[first_not_overdue..].iter().all(|c| !c["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["overdue"] == true))
    );
}

#[test]
fn risk_and_priority() {
    let (_, json, _) = status_json(&worcestershire_demo(), &[]);
    assert_eq!(case(&json, "EXS-2025-0224")["risk"], "HI"); // CME 5, safeguarding 5
    assert_eq!(case(&json, "EXS-2026-0032")["risk"], "MED"); // CME 3, safeguarding 3
    assert_eq!(case(&json, "EXS-2026-0041")["risk"], "LO"); // CME 4, safeguarding 2
    assert_eq!(case(&json, "EXS-2026-0086")["risk"], Value::Null);
    assert_eq!(case(&json, "EXS-2026-0084")["priority"], 1); // child looked after
    assert_eq!(case(&json, "EXS-2026-0086")["priority"], 2); // missing / runaway
    assert_eq!(case(&json, "EXS-2026-0088")["priority"], 3); // none
}

#[test]
fn checklists_record_date_and_officer() {
    let (_, json, _) = status_json(&worcestershire_demo(), &["EXS-2025-0224"]);
    let c = case(&json, "EXS-2025-0224");
    let list = &c["checklists"][0];
    assert_eq!(list["rule"], "WOR-CHECKS");
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "LiquidLogic")
        .unwrap();
    assert_eq!(item["done"], true);
    assert_eq!(item["by"], "kmills");
    assert_eq!(item["date"], "2025-06-16");
    let undone = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "New address provided")
        .unwrap();
    assert_eq!(undone["done"], false);
}

#[test]
fn filters_and_closed_cases() {
    let (_, json, _) = status_json(&root(), &["--officer", "dnowak"]);
    assert!(
        json["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["assigned_to"] == "dnowak")
    );
    assert!(!json["cases"].as_array().unwrap().is_empty());
    let (_, json, _) = status_json(&root(), &["--overdue"]);
    assert!(
        json["cases"].as_array().unwrap().iter().all(|c| c["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["overdue"] == true))
    );
    // A closed case, asked for by id, keeps the deadlines that fell due while it was open,
    // each with its outcome; none is overdue or due any more.
    let (_, json, _) = status_json(&root(), &["EXC-2025-0058"]);
    assert_eq!(case(&json, "EXC-2025-0058")["status"], "closed");
    let deadlines = case(&json, "EXC-2025-0058")["deadlines"].as_array().unwrap().clone();
    assert!(!deadlines.is_empty());
    for d in &deadlines {
        assert!(
            ["met", "late", "missed"].contains(&d["state"].as_str().unwrap()),
            "{d:#}"
        );
        assert_eq!(d["overdue"], false);
    }
    // Unknown ids are usage errors.
    let o = run(&root(), &["status", "EXC-2099-0001"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no case EXC-2099-0001"));
    let o = run(&root(), &["status", "--officer", "nobody"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_terminal_queue_reads_well_without_colour_in_a_pipe() {
    let o = run(&root(), &["status"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.starts_with("Example City Council - work queue for Sun 22 Nov 2026"),
        "{out}"
    );
    assert!(out.contains("EXC-2025-0074  Kian Doyle"), "{out}");
    assert!(out.contains("overdue 167 days"), "{out}");
    assert!(out.contains("unassigned"));
    assert!(!out.contains('\u{1b}'), "no colour codes in a pipe");
    let o = run(&root(), &["status", "EXC-2025-0066"]);
    let out = stdout(&o);
    assert!(
        out.contains("[x] Locate and contact the family - 11 Jun 2025 by bkhan"),
        "{out}"
    );
}

#[test]
fn a_calendar_that_stops_short_is_an_error_not_a_wrong_date() {
    let repo = empty_repo("manchester");
    let text = std::fs::read_to_string(repo.path().join("policy/calendar/bank-holidays.json")).unwrap();
    let mut feed: Value = serde_json::from_str(&text).unwrap();
    let events = feed["england-and-wales"]["events"].as_array_mut().unwrap();
    // The file stops at the end of 2025: 2026's working days cannot be counted.
    events.retain(|e| e["date"].as_str().unwrap() < "2026-01-01");
    std::fs::write(repo.path().join("policy/calendar/bank-holidays.json"), feed.to_string()).unwrap();
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let (code, json, err) = status_json(repo.path(), &[]);
    assert_eq!(code, 2, "{err}");
    let d = deadline(&json, "EXC-2026-0001", "MAN-ENQ-20WD");
    assert_eq!(d["due"], Value::Null);
    assert_eq!(d["state"], "unknown");
    assert!(
        err.contains("policy/calendar/bank-holidays.json") && err.contains("GOV.UK"),
        "{err}"
    );
}

#[test]
fn an_unreadable_case_is_named_and_the_rest_still_listed() {
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(
        repo.path(),
        "cases/2026/EXC-2026-0002.toml",
        good_case("EXC-2026-0002").replace("format = 1\n", "format = 1\n[review]\ncme_score = 9\n"),
    );
    let (code, json, err) = status_json(repo.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(json["cases"].as_array().unwrap().len(), 1);
    assert!(
        err.contains("cases/2026/EXC-2026-0002.toml cannot be read as a case; run `cme check"),
        "{err}"
    );
}

#[test]
fn a_child_not_of_school_age_is_due_to_close() {
    let repo = empty_repo("manchester");
    write(
        repo.path(),
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace("date_of_birth = 2014-05-14", "date_of_birth = 2010-05-14"),
    );
    let (_, json, _) = status_json(repo.path(), &[]);
    let d = deadline(&json, "EXC-2026-0001", "COM-SCHOOL-AGE");
    assert_eq!(d["due"], "2026-06-26");
    assert_eq!(d["overdue"], true);
    assert_eq!(case(&json, "EXC-2026-0001")["school_age_ends"], "2026-06-26");
}

#[test]
fn done_after_the_due_date_is_late_not_met_and_not_overdue() {
    let repo = empty_repo("manchester");
    // Received Tue 1 Sep 2026: 5 working days is Tue 8 Sep; assigned only on Mon 14 Sep.
    write(
        repo.path(),
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace("assigned_on = 2026-09-02", "assigned_on = 2026-09-14"),
    );
    let (_, json, _) = status_json(repo.path(), &[]);
    let d = deadline(&json, "EXC-2026-0001", "COM-UNASSIGNED");
    assert_eq!(d["due"], "2026-09-08");
    assert_eq!((d["met"].as_bool(), d["overdue"].as_bool()), (Some(false), Some(false)));
    assert_eq!(d["done_on"], "2026-09-14");
    assert_eq!(d["state"], "late");
    // The home visit of Fri 4 Sep came before the assignment and still counts as the contact.
    let d = deadline(&json, "EXC-2026-0001", "MAN-ENQ-20WD");
    assert_eq!(d["met"], true);
    assert_eq!(d["met_by"], "action[1]: home-visit by asmith");
}
