//! Figures that leave the team: each past period counts each record as it stood at the
//! period's end (MAN-REPORTS, Revision 2), so a report run again gives the same numbers.

use super::*;
use serde_json::Value;

/// Commits everything in `dir` as made on `day` (author and committer dates alike).
pub fn commit_on(dir: &Path, day: &str, message: &str) {
    let stamp = format!("{day}T12:00:00+00:00");
    let o = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Olu Officer", "-c", "user.email=olu@example.invalid"])
        .args(["commit", "-q", "-a", "-m", message])
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn quarter<'a>(stats: &'a Value, label_part: &str) -> &'a Value {
    stats["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["label"].as_str().unwrap().contains(label_part))
        .unwrap_or_else(|| panic!("no quarter {label_part} in {stats:#}"))
}

fn stats(r: &Path, extra: &[&str]) -> Value {
    let o = run(
        r,
        &[&["stats", "--format", "json", "--from", "2026-04-01"][..], extra].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn a_past_quarter_counts_each_record_as_it_stood_at_its_end() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    git(r, &["init", "-q"]);
    // Referred in September (Q2 of the financial year), whereabouts unknown.
    let case = good_case("EXC-2026-0001")
        .replace("received = 2026-09-01", "received = 2026-09-10")
        .replace("assigned_on = 2026-09-02", "assigned_on = 2026-09-11")
        .replace("date = 2026-09-04", "date = 2026-09-14")
        .replace("known-in-area", "unknown");
    write(r, "cases/2026/EXC-2026-0001.toml", &case);
    git(r, &["add", "-A"]);
    commit_on(r, "2026-09-10", "EXC-2026-0001: new referral");
    let before = stats(r, &[]);
    let q2 = quarter(&before, "Q2");
    assert_eq!(
        (q2["registered"].as_u64(), q2["whereabouts_unknown"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(q2["active_unknown_at_end"].as_u64(), Some(1));
    // Found in November: the record now says known. September's figures do not move.
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        case.replace("\"unknown\"", "\"known-in-area\""),
    );
    commit_on(r, "2026-11-05", "EXC-2026-0001: found");
    // A case recorded in November with a September referral was not on September's register.
    write(
        r,
        "cases/2026/EXC-2026-0002.toml",
        good_case("EXC-2026-0002")
            .replace("received = 2026-09-01", "received = 2026-09-20")
            .replace("assigned_on = 2026-09-02", "assigned_on = 2026-09-21")
            .replace("date = 2026-09-04", "date = 2026-09-22"),
    );
    git(r, &["add", "-A"]);
    commit_on(r, "2026-11-06", "EXC-2026-0002: new referral, recorded late");
    let after = stats(r, &[]);
    assert_eq!(after["left_out"].as_u64(), Some(0), "{after:#}");
    let q2 = quarter(&after, "Q2");
    assert_eq!(q2["registered"].as_u64(), Some(1), "{q2:#}");
    assert_eq!(q2["whereabouts_unknown"].as_u64(), Some(1), "{q2:#}");
    assert_eq!(q2["active_unknown_at_end"].as_u64(), Some(1), "{q2:#}");
    assert_eq!(quarter(&before, "Q2"), q2, "the quarter's figures are as they were");
    // The current quarter counts the records as they stand.
    let q3 = quarter(&after, "Q3");
    assert_eq!(q3["active_unknown_at_end"].as_u64(), Some(0), "{q3:#}");
    assert_eq!(q3["active_at_end"].as_u64(), Some(2), "{q3:#}");
    // --as-of: every figure as the records stood on that day.
    let then = stats(r, &["--as-of", "2026-10-01"]);
    assert_eq!(then["to"], "2026-10-01");
    assert_eq!(quarter(&then, "Q2")["registered"].as_u64(), Some(1));
    let o = run(r, &["stats", "--as-of", "2020-01-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // ... or as they stood at a commit: the one that recorded the child found, before the
    // late case was committed.
    let found = git(r, &["rev-parse", "HEAD~1"]);
    let at_found = stats(r, &["--as-of", &found]);
    assert_eq!(at_found["to"], "2026-11-05");
    let q2 = quarter(&at_found, "Q2");
    assert_eq!(q2["registered"].as_u64(), Some(1), "{q2:#}");
    assert_eq!(q2["whereabouts_unknown"].as_u64(), Some(1), "{q2:#}");
    // The team's site counts its past quarters the same way (its figures are worked out once
    // the history is read): September's row still has the child whose whereabouts were unknown.
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = run(r, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(site.join("stats/quarters.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "Whereabouts unknown").unwrap();
    let q2 = csv
        .lines()
        .find(|l| l.contains("Q2"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(q2.split(',').nth(col), Some("1"), "{csv}");
}
