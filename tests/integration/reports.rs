//! Figures that leave the team: each past period counts each record as it stood at the
//! period's end (MAN-REPORTS, Revision 2), so a report run again gives the same numbers.

use super::*;
use serde_json::Value;

/// Commits everything in `dir` as made on `day` (author and committer dates alike).
pub fn commit_on(dir: &Path, day: &str, message: &str) {
    let stamp = format!("{day}T12:00:00+00:00");
    let o = git_command()
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
    let o = run_ok(
        r,
        &[&["stats", "--format", "json", "--from", "2026-04-01"][..], extra].concat(),
    );
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
    run_ok(r, &["build", "--out", site.to_str().unwrap()]);
    let csv = std::fs::read_to_string(site.join("stats/quarters.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "Whereabouts unknown").unwrap();
    let q2 = csv
        .lines()
        .find(|l| l.contains("Q2"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(q2.split(',').nth(col), Some("1"), "{csv}");
}

/// A Manchester case for the DfE return: its referral date, reason, sex and date of birth.
fn dfe_case(id: &str, received: &str, reason: &str, gender: &str, dob: &str) -> String {
    good_case(id)
        .replace("received = 2026-09-01", &format!("received = {received}"))
        .replace("assigned_on = 2026-09-02", &format!("assigned_on = {received}"))
        .replace("date = 2026-09-04", &format!("date = {received}"))
        .replace("reason = \"moved-unknown-school\"", &format!("reason = \"{reason}\""))
        .replace(
            "whereabouts = \"known-in-area\"",
            &format!("whereabouts = \"known-in-area\"\ngender = \"{gender}\""),
        )
        .lines()
        .map(|l| {
            if l.starts_with("date_of_birth") {
                format!("date_of_birth = {dob}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn dfe_json(r: &Path, extra: &[&str]) -> Value {
    let o = run_ok(
        r,
        &[
            &["report", "dfe", "--census", "2026-10-01", "--format", "json"][..],
            extra,
        ]
        .concat(),
    );
    let mut v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_object_mut().unwrap().remove("as_of");
    v
}

#[test]
fn the_dfe_return_is_a_hand_count_and_stays_true_to_its_census_day() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    git(r, &["init", "-q"]);
    // On the census day (Thursday 1 October 2026): A (Year 10, F, referred 21 days before)
    // and B (Year 8, M, referred in June: more than 12 weeks) are missing education; C was
    // referred and found on a roll in September (any time in the year, not on the day); D is
    // not yet of compulsory school age (left out, and said why).
    let a = dfe_case("EXC-2026-0001", "2026-09-10", "moved-unknown-school", "F", "2012-03-04");
    let b = dfe_case("EXC-2026-0002", "2026-06-01", "moved-abroad", "M", "2014-01-20");
    let c = dfe_case("EXC-2026-0003", "2026-09-14", "newly-arrived", "F", "2013-05-05")
        .replace("status = \"open\"", "status = \"closed\"")
        + "\n[closure]\ndate = 2026-09-25\noutcome = \"not-cme\"\nnote = \"On the roll of a school all along.\"\n";
    let d = dfe_case("EXC-2026-0004", "2026-09-15", "other", "M", "2022-08-01");
    for (id, text) in [("0001", &a), ("0002", &b), ("0003", &c), ("0004", &d)] {
        write(r, &format!("cases/2026/EXC-2026-{id}.toml"), text);
    }
    let (code, check) = check_json(r, &[]);
    let errors: Vec<&Value> = check["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "the fixtures are valid: {code} {errors:#?}");
    git(r, &["add", "-A"]);
    commit_on(r, "2026-09-28", "four referrals");
    let before = dfe_json(r, &[]);
    assert_eq!(before["census"], "2026-10-01");
    assert_eq!(before["total"], 2, "{before:#}");
    assert_eq!(
        before["by_sex"],
        serde_json::json!({"F": 1, "M": 1, "X": 0, "unknown": 0})
    );
    assert_eq!(before["by_year_group"]["10"], 1, "{before:#}");
    assert_eq!(before["by_year_group"]["8"], 1, "{before:#}");
    assert_eq!(
        before["by_time_missing"],
        serde_json::json!({"up-to-12-weeks": 1, "over-12-weeks": 1, "unknown": 0})
    );
    assert_eq!(before["by_reason"]["moved-in-uk"], 1, "{before:#}");
    assert_eq!(before["by_reason"]["moved-abroad"], 1, "{before:#}");
    assert_eq!(before["by_reason"]["unknown"], 0, "{before:#}");
    assert_eq!(before["any_time_in_year"], 3, "{before:#}");
    assert_eq!(before["left_out"][0]["case"], "EXC-2026-0004", "{before:#}");
    // After the census day: A is found to have been on a school's roll since 30 September
    // (closed with that date), and E, missing since 15 September, is recorded late.
    write(
        r,
        "cases/2026/EXC-2026-0001.toml",
        a.replace("status = \"open\"", "status = \"closed\"")
            + "\n[closure]\ndate = 2026-09-30\noutcome = \"not-cme\"\nnote = \"On a school roll from 30 September.\"\n",
    );
    write(
        r,
        "cases/2026/EXC-2026-0005.toml",
        dfe_case("EXC-2026-0005", "2026-09-15", "post-exclusion", "F", "2011-02-02"),
    );
    git(r, &["add", "-A"]);
    commit_on(r, "2026-10-20", "A found; E recorded late");
    // As of the census day, the return is what it was.
    assert_eq!(dfe_json(r, &["--as-of", "2026-10-01"]), before);
    // At HEAD, the corrected records speak: B and E on the day; A, B, C, E in the year.
    let now = dfe_json(r, &[]);
    assert_eq!(now["total"], 2, "{now:#}");
    assert_eq!(now["by_reason"]["moved-in-uk"], 0, "{now:#}");
    assert_eq!(now["by_reason"]["excluded"], 1, "{now:#}");
    assert_eq!(now["by_sex"]["F"], 1, "{now:#}");
    assert_eq!(now["any_time_in_year"], 4, "{now:#}");
    // The CSV: a fixed layout, one line per figure, every code listed.
    let o = run_ok(r, &["report", "dfe", "--census", "2026-10-01", "--format", "csv"]);
    let csv = stdout(&o);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "census,section,code,description,count");
    assert_eq!(
        lines[1],
        "2026-10-01,total,total,Children missing education at the end of the census day,2"
    );
    assert!(lines.contains(&"2026-10-01,sex,F,Female,1"), "{csv}");
    assert!(lines.contains(&"2026-10-01,year_group,R,Reception,0"), "{csv}");
    assert!(
        lines.contains(&"2026-10-01,time_missing,over-12-weeks,More than 12 weeks,1"),
        "{csv}"
    );
    assert_eq!(lines.len(), 1 + 1 + 4 + 13 + 3 + 8 + 1, "{csv}");
    assert!(
        lines.last().unwrap().starts_with("2026-10-01,any_time_in_year,total,"),
        "{csv}"
    );
    // The census day defaults to the pack's last one on or before today.
    let o = run(r, &["report", "dfe", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["census"], "2026-10-01");
    // The human form says the checks it passed and what it left out.
    let o = run(r, &["report", "dfe", "--census", "2026-10-01"]);
    let text = stdout(&o);
    assert!(text.contains("[passed] no child is counted twice"), "{text}");
    assert!(
        text.contains("EXC-2026-0004: not yet of compulsory school age"),
        "{text}"
    );
    assert!(stderr(&o).contains("have not been checked against the DfE's current collection guide"));
    // A census day in the future is refused.
    let o = run(r, &["report", "dfe", "--census", "2027-01-21"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn governance_reports_are_the_packs_and_print_for_their_period() {
    let out = tempfile::tempdir().unwrap();
    // Each report the pack names, and the DfE return.
    let o = run_ok(&root(), &["report", "--list"]);
    let list = stdout(&o);
    for id in [
        "dfe",
        "smt-monthly",
        "qa-board-quarterly",
        "safeguarding-board-quarterly",
        "annual",
    ] {
        assert!(list.contains(&format!("\n  {id}\n")), "{id} in {list}");
    }
    // The team's monthly report names each active case; its figures are exact.
    let file = out.path().join("smt.html");
    let o = run_ok(
        &root(),
        &[
            "report",
            "smt-monthly",
            "--period",
            "2026-10",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(stderr(&o).contains("keep it within the team"), "{}", stderr(&o));
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.contains("October 2026") && page.contains("Admissions Senior Management Team"));
    let o = run(
        &root(),
        &["report", "smt-monthly", "--period", "2026-10", "--format", "json"],
    );
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let active = json["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "active-cases")
        .unwrap()["cases"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!active.is_empty());
    for c in &active {
        assert!(page.contains(c["id"].as_str().unwrap()), "{} listed", c["id"]);
    }
    let figures = json["parts"][0]["total"].clone();
    assert_eq!(
        figures["active_at_end"].as_u64(),
        Some(active.len() as u64),
        "{figures:#}"
    );
    // A report for outside the team: rounded, no case named, and only for an ended period.
    let file = out.path().join("qa.html");
    run_ok(
        &root(),
        &[
            "report",
            "qa-board-quarterly",
            "--period",
            "2026-Q2",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.contains("rounded to the nearest 5"));
    assert!(!page.contains("EXC-20"), "no case id on a board's report");
    assert!(!page.contains("<script"), "nothing runs");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing is fetched"
    );
    let html = scraper::Html::parse_document(&page);
    for c in html.select(&scraper::Selector::parse("td.cme-num").unwrap()) {
        let t: String = c.text().collect();
        let t = t.trim();
        if let Ok(n) = t.parse::<u64>() {
            assert_eq!(n % 5, 0, "{n} unrounded");
        } else {
            assert!(["low", "-", "suppressed"].contains(&t) || t.ends_with('%'), "{t:?}");
        }
    }
    for (period, why) in [("2026-Q3", "has not ended yet"), ("soon", "is not a reporting period")] {
        let o = run(&root(), &["report", "qa-board-quarterly", "--period", period]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
    }
    let o = run(
        &root(),
        &[
            "report",
            "qa-board-quarterly",
            "--period",
            "2026-Q2",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "the exact figures stay in the team");
    let o = run(&root(), &["report", "no-such-report"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("one of: dfe, smt-monthly"), "{}", stderr(&o));
}

#[test]
fn the_missing_mondays_pack_has_an_app_f_form_for_each_whereabouts_unknown_case() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("mm.html");
    let demo = worcestershire_demo();
    run_ok(&demo, &["report", "missing-mondays", "--out", file.to_str().unwrap()]);
    let page = std::fs::read_to_string(&file).unwrap();
    // The current week, as the records stand today.
    assert!(page.contains("Week 47 of 2026"), "{page}");
    let status = run(&demo, &["status", "--format", "json"]);
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    let unknown: Vec<&str> = status["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["whereabouts"] == "unknown" && c["status"] == "open")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(unknown.len() > 3);
    let html = scraper::Html::parse_document(&page);
    let forms: Vec<String> = html
        .select(&scraper::Selector::parse("article.cme-form h3").unwrap())
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(forms.len(), unknown.len(), "{forms:?}");
    for id in &unknown {
        assert!(forms.iter().any(|f| f.starts_with(id)), "{id} has a form");
    }
    // Each form has App F's checks, the scores and matrix result, and the decision due.
    for want in [
        "NAFN",
        "Border Control",
        "Matrix result",
        "Decision due",
        "Safeguarding score",
    ] {
        assert!(page.matches(want).count() >= unknown.len(), "{want}");
    }
}

#[test]
fn the_pack_says_which_reports_may_leave_the_team() {
    let repo = empty_repo("manchester");
    let r = repo.path();
    let pack = std::fs::read_to_string(r.join("policy/manchester/policy.toml")).unwrap();
    write(
        r,
        "policy/manchester/policy.toml",
        pack.replacen(
            "  { kind = \"outcomes\" },\n]",
            "  { kind = \"outcomes\" },\n  { kind = \"active-cases\" },\n  { kind = \"deadlines\" },\n]",
            1,
        )
        .replacen(
            "referral_reasons = [\"moved-unknown-school\"]",
            "referral_reasons = [\"moved-unknown-school\", \"moved-abroad\"]",
            1,
        ),
    );
    let o = run(r, &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("\"qa-board-quarterly\" is for the board but holds the section \"active-cases\""),
        "{err}"
    );
    assert!(err.contains("\"moved-abroad\" is mapped to 2 DfE reasons"), "{err}");
    assert!(
        err.contains("\"qa-board-quarterly\" is for the board but holds the deadlines kept"),
        "{err}"
    );
}

#[test]
fn a_report_is_written_only_where_it_belongs() {
    // A repository of its own, with a .gitignore that lists reports/ as `cme init` writes it.
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(r, ".gitignore", "/site\n/reports\n");
    write(r, "README.md", "the council's notes\n");
    git(r, &["init", "-q"]);
    git(r, &["add", "-A"]);
    commit_on(r, "2026-09-02", "a referral");
    let report = |out: &str| run(r, &["report", "smt-monthly", "--period", "2026-10", "--out", out]);
    let outside = tempfile::tempdir().unwrap();
    let existing = outside.path().join("thesis.html");
    std::fs::write(&existing, "years of work").unwrap();
    for (out, why) in [
        (r.join(".git/HEAD"), "inside git's own folder"),
        (r.join("README.md"), "where git would see it"),
        (r.join("october.html"), "where git would see it"),
        (r.join("cases/2026/x.html"), "inside the repository's cases/ folder"),
        (existing.clone(), "is not a report cme wrote"),
        (outside.path().to_path_buf(), "it is a folder"),
    ] {
        let o = report(out.to_str().unwrap());
        assert_eq!(o.status.code(), Some(2), "{}: {}", out.display(), stderr(&o));
        assert!(stderr(&o).contains(why), "{}: {}", out.display(), stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "years of work");
    assert_eq!(
        std::fs::read_to_string(r.join("README.md")).unwrap(),
        "the council's notes\n"
    );
    assert!(
        git(r, &["status", "--porcelain"]).is_empty(),
        "nothing git would commit"
    );
    // By default: reports/ in the repository, which git ignores; written again, replaced.
    for _ in 0..2 {
        run_ok(r, &["report", "smt-monthly", "--period", "2026-10"]);
    }
    assert!(r.join("reports/smt-monthly-2026-10.html").is_file());
    assert!(git(r, &["status", "--porcelain"]).is_empty());
    // A team report's JSON goes where --out says, under the same rules.
    let json = outside.path().join("october.json");
    let o = run_ok(
        r,
        &[
            "report",
            "smt-monthly",
            "--period",
            "2026-10",
            "--format",
            "json",
            "--out",
            json.to_str().unwrap(),
        ],
    );
    assert!(stdout(&o).is_empty(), "nothing personal on the terminal");
    assert!(std::fs::read_to_string(&json).unwrap().contains("EXC-2026-0001"));
}

#[test]
fn figures_for_outside_the_team_need_git_whole_periods_and_the_reports_own_kind() {
    // Without git's history, a board report cannot say how the records stood: refused.
    let repo = empty_repo("manchester");
    let r = repo.path();
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let o = run(r, &["report", "qa-board-quarterly", "--period", "2026-Q2"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a git repository with commits"),
        "{}",
        stderr(&o)
    );
    // A board report is for its own kind of period; a board's site for a month or longer.
    for (args, why) in [
        (
            &["report", "qa-board-quarterly", "--period", "2026-10"][..],
            "a month is not one",
        ),
        (
            &["build", "--audience", "board", "--period", "2026-W46"][..],
            "a week is not one",
        ),
        (
            &["build", "--audience", "board", "--period", "half-term"][..],
            "a half-term is not one",
        ),
    ] {
        let o = run(&root(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(why), "{args:?}: {}", stderr(&o));
    }
    // A DfE return for a day that is not a census day says so; its JSON carries its checks.
    let o = run_ok(
        &root(),
        &["report", "dfe", "--census", "2026-10-02", "--format", "json"],
    );
    assert!(stderr(&o).contains("is not one of the census days"), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["checks"].as_array().unwrap().iter().all(|c| c["passed"] == true),
        "{v:#}"
    );
    // Read as of a day after today, the census day is still one that has come.
    let o = run(&root(), &["report", "dfe", "--as-of", "2030-01-01", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["census"], "2026-10-01", "{}", stderr(&o));
}

#[test]
fn past_figures_are_counted_by_the_policy_as_head_has_it() {
    // A closure in September, committed then; in November the pack's reading of success
    // changes. `stats --as-of` a day in October counts September by November's reading, as
    // the board's figures and the reports do, so the three never disagree.
    let repo = empty_repo("manchester");
    let r = repo.path();
    git(r, &["init", "-q"]);
    let closed = good_case("EXC-2026-0001").replace("status = \"open\"", "status = \"closed\"")
        + "\n[closure]\ndate = 2026-09-20\noutcome = \"not-cme\"\nnote = \"On a roll all along.\"\n";
    write(r, "cases/2026/EXC-2026-0001.toml", &closed);
    git(r, &["add", "-A"]);
    commit_on(r, "2026-09-21", "a closure");
    let excluded = |v: &Value| quarter(v, "Q2")["counted_closures"].as_u64();
    assert_eq!(
        excluded(&stats(r, &["--as-of", "2026-10-01"])),
        Some(0),
        "not-cme is left out"
    );
    let pack = std::fs::read_to_string(r.join("policy/manchester/policy.toml")).unwrap();
    write(
        r,
        "policy/manchester/policy.toml",
        pack.replacen("excluded_outcomes = [\"not-cme\"]", "excluded_outcomes = []", 1),
    );
    commit_on(r, "2026-11-05", "the pack counts every closure");
    assert_eq!(
        excluded(&stats(r, &["--as-of", "2026-10-01"])),
        Some(1),
        "HEAD's reading"
    );
}
