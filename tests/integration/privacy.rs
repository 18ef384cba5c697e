//! The board's site holds no personal value, rounds every count, and cannot be subtracted
//! back to a small count, on one site or across the sites built on every day of a term;
//! hostile input is refused or rendered inert.

use super::*;
use cme::load::Repo;
use scraper::{Html, Selector};

fn build_board(repo: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = cme()
        .arg("--repo")
        .arg(repo)
        .args([
            "--today",
            TODAY,
            "build",
            "--audience",
            "board",
            "--period",
            "quarter",
            "--out",
        ])
        .arg(dir.path().join("site"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

/// Every personal value of a demo authority: names, dates of birth, UPNs, addresses, free
/// text, officers, social workers, case ids.
fn personal_values(root: &Path) -> Vec<String> {
    let repo = Repo::open(root).unwrap();
    let (paths, _) = repo.store.case_paths();
    let mut v: Vec<String> = Vec::new();
    // Schools are institutions, not people: a school referring a child is not personal.
    let mut schools: Vec<String> = Vec::new();
    for f in cme::load::read_many(&repo, &paths) {
        let c = f.case.unwrap();
        schools.extend(c.school.as_ref().map(|s| s.name.clone()));
        schools.extend(c.closure.as_ref().and_then(|cl| cl.school.clone()));
        v.push(c.id.clone());
        v.push(format!("{} {}", c.child.given_name, c.child.family_name));
        v.push(c.child.given_name.clone());
        v.push(c.child.family_name.clone());
        v.push(c.child.date_of_birth.to_string());
        v.push(c.child.date_of_birth.format("%-d %B %Y").to_string());
        v.extend(c.child.upn.clone());
        v.extend(c.child.last_known_address.clone());
        // (Referrers are services in the demo - "Family Front Door", "Parent" - whose names
        // the policy text itself uses; no referrer is rendered on the board's site.)
        if let Some(sc) = &c.social_care {
            v.extend(sc.social_worker.clone());
        }
        for a in &c.actions {
            v.extend(a.outcome.clone());
            v.extend(a.note.clone());
        }
        for r in &c.reviews {
            v.extend(r.comments.clone());
        }
        for r in &c.reopened {
            v.push(r.reason.clone());
        }
        if let Some(cl) = &c.closure {
            v.extend(cl.note.clone());
        }
    }
    for o in &repo.config.officers {
        v.push(o.name.clone());
        v.push(o.id.clone());
    }
    v.sort();
    v.dedup();
    // Words of the format's own vocabulary ("Parent" as a referral source) are not personal.
    let vocabulary: Vec<String> = cme::model::Source::ALL
        .iter()
        .map(|x| cme::model::Vocabulary::as_str(*x).replace('-', " ").to_lowercase())
        .collect();
    v.retain(|s| s.trim().len() >= 3 && !schools.contains(s) && !vocabulary.contains(&s.to_lowercase()));
    v
}

/// Whole-word occurrence (so "Bell" does not match "Bellamy" or "bell").
fn contains_word(hay: &str, needle: &str) -> bool {
    let mut start = 0;
    while let Some(i) = hay[start..].find(needle) {
        let at = start + i;
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        if !word(before) && !word(after) {
            return true;
        }
        start = at + needle.len().max(1);
    }
    false
}

/// The Worcestershire demo's records committed on 1 September 2026 in a repository of their
/// own (the demo folder's history in this repository starts later than its dates).
fn worcestershire_committed() -> tempfile::TempDir {
    let repo = empty_repo("worcestershire");
    copy_dir(&worcestershire_demo().join("cases"), &repo.path().join("cases"));
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    super::reports::commit_on(repo.path(), "2026-09-01", "the demo's records");
    repo
}

#[test]
fn the_board_site_holds_no_personal_value() {
    let wor = worcestershire_committed();
    for repo in [root(), wor.path().to_path_buf()] {
        let values = personal_values(&repo);
        assert!(values.len() > 200, "the scan has something to look for");
        let dir = build_board(&repo);
        let site = dir.path().join("site");
        let mut files = 0;
        for e in walkdir::WalkDir::new(&site) {
            let e = e.unwrap();
            if !e.file_type().is_file() {
                continue;
            }
            files += 1;
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            for v in &values {
                assert!(!contains_word(&text, v), "{v:?} appears in {}", e.path().display());
            }
        }
        assert!(files >= 8);
        for gone in ["cases", "queues", "officers", "search.html", "assets/search-index.js"] {
            assert!(!site.join(gone).exists(), "no {gone} on the board's site");
        }
    }
}

/// The cells of one CSV line (RFC 4180 quoting).
fn csv_cells(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', q) => quoted = !q,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

/// Every count a board's site shows, as written: its tables' number cells (not the
/// percentages or medians), its summary lists and its CSV files.
fn shown_counts(site: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let skip = |h: &str| h.contains("Median") || h.contains("rate") || h.contains("On time") || h == "Quarter";
    for e in walkdir::WalkDir::new(site) {
        let e = e.unwrap();
        let p = e.path();
        match p.extension().and_then(|x| x.to_str()) {
            Some("html") => {
                let html = Html::parse_document(&std::fs::read_to_string(p).unwrap());
                for t in html.select(&Selector::parse("main table").unwrap()) {
                    let header: Vec<String> = t
                        .select(&Selector::parse("thead th").unwrap())
                        .map(|h| h.text().collect())
                        .collect();
                    for r in t.select(&Selector::parse("tbody tr").unwrap()) {
                        for (i, c) in r.select(&Selector::parse("th, td").unwrap()).enumerate() {
                            let text: String = c.text().collect::<String>().trim().to_string();
                            let is_num = c.value().attr("class").is_some_and(|k| k.contains("cme-num"));
                            if is_num && !header.get(i).is_some_and(|h| skip(h)) && !text.contains('%') {
                                out.push(text);
                            }
                        }
                    }
                }
                for row in html.select(&Selector::parse("main .cme-summary-list__row").unwrap()) {
                    let dt: String = row
                        .select(&Selector::parse("dt").unwrap())
                        .flat_map(|d| d.text())
                        .collect();
                    let dd: String = row
                        .select(&Selector::parse("dd").unwrap())
                        .flat_map(|d| d.text())
                        .collect();
                    if dt.contains("Referrals") || dt.contains("Whereabouts") || dt.contains("Active") || dt == "Closed"
                    {
                        out.extend(
                            dd.split(|c: char| !c.is_ascii_alphanumeric())
                                .filter(|w| !w.is_empty() && (w.parse::<u64>().is_ok() || *w == "low"))
                                .map(str::to_string),
                        );
                    }
                }
                for c in html.select(&Selector::parse(".cme-count").unwrap()) {
                    out.push(c.text().collect::<String>().trim().to_string());
                }
            }
            Some("csv") => {
                let text = std::fs::read_to_string(p).unwrap();
                let mut lines = text.lines();
                let header = csv_cells(lines.next().unwrap());
                for l in lines {
                    // The first column is the row's label.
                    for (i, c) in csv_cells(l).into_iter().enumerate().skip(1) {
                        if !header.get(i).is_some_and(|h| skip(h)) && !c.contains('%') {
                            out.push(c);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Every small count (1 to 4) that a reader could pin down exactly from a board site's
/// tables that add up: registered = known + unknown, and closed = the closures by outcome,
/// for each quarter. Empty when none can be.
fn pinned_small_counts(site: &Path) -> Vec<String> {
    use cme::disclosure::{Group, Rounding};
    let r = Rounding {
        base: 5,
        min_denominator: 10,
    };
    let read = |name: &str| -> Vec<Vec<String>> {
        std::fs::read_to_string(site.join("stats").join(name))
            .unwrap()
            .lines()
            .map(csv_cells)
            .collect()
    };
    let quarters = read("quarters.csv");
    let outcomes = read("outcomes-by-quarter.csv");
    let col = |t: &[Vec<String>], h: &str| t[0].iter().position(|x| x == h).unwrap();
    let (reg, known, unknown, closed) = (
        col(&quarters, "Registered"),
        col(&quarters, "Whereabouts known"),
        col(&quarters, "Whereabouts unknown"),
        col(&quarters, "Closed"),
    );
    let mut found = Vec::new();
    for q in &quarters[1..] {
        let by_outcome = outcomes.iter().find(|o| o[0] == q[0]).expect("the same quarter");
        let mut shown: Vec<&str> = vec![&q[reg], &q[known], &q[unknown], &q[closed]];
        shown.extend(by_outcome[1..].iter().map(String::as_str));
        let groups = [
            Group {
                parts: vec![1, 2],
                total: 0,
            },
            Group {
                parts: (4..shown.len()).collect(),
                total: 3,
            },
        ];
        for (i, (lo, hi)) in r.read_back(&shown, &groups).into_iter().enumerate() {
            if lo == hi && (1..5).contains(&lo) {
                found.push(format!("{}: cell {i} of {shown:?} is exactly {lo}", q[0]));
            }
        }
    }
    found
}

#[test]
fn every_count_is_rounded_and_the_team_keeps_exact_figures() {
    let dir = build_board(&root());
    let site = dir.path().join("site");
    let counts = shown_counts(&site);
    assert!(counts.len() > 100, "the scan finds the figures: {}", counts.len());
    let pinned = pinned_small_counts(&site);
    assert!(pinned.is_empty(), "{pinned:#?}");
    // The figures that added up to a small count before secondary suppression: one of each
    // such group now says "suppressed".
    let quarters = std::fs::read_to_string(site.join("stats/quarters.csv")).unwrap();
    assert!(quarters.contains("suppressed"), "{quarters}");
    // What is worked out over suppressed closures is suppressed with them, never "-" (which
    // would say there were none).
    for line in quarters.lines().skip(1) {
        let c = csv_cells(line);
        if c[6] == "suppressed" {
            assert_eq!((c[7].as_str(), c[8].as_str()), ("suppressed", "suppressed"), "{line}");
        }
    }
    // The rule catalogue gives no live counts (a rule every open case owes would be the open
    // cases again).
    let rules = std::fs::read_to_string(site.join("policy/rules.html")).unwrap();
    assert!(!rules.contains("Owed") && rules.contains("COM-SCHOOL-AGE"));
    let mut low = 0;
    for c in &counts {
        match c.as_str() {
            "low" => low += 1,
            "-" | "suppressed" => {}
            n => {
                let n: u64 = n.parse().unwrap_or_else(|_| panic!("not a count: {n:?}"));
                assert_eq!(n % 5, 0, "a count of {n} is shown unrounded");
            }
        }
    }
    assert!(low > 5, "the demo's small numbers are shown as low");
    let page = std::fs::read_to_string(site.join("stats/index.html")).unwrap();
    assert!(page.contains("rounded to the nearest 5"), "the page says how");
    assert!(!page.contains("fewer than"), "no range is given as a figure");
    assert!(
        std::fs::read_to_string(site.join("index.html"))
            .unwrap()
            .contains("July to September 2026")
    );
    // The team's site shows the real figures, none hidden.
    let o = run(&root(), &["stats", "--format", "json"]);
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["total"]["registered"], 44);
    let team = tempfile::tempdir().unwrap();
    run_ok(&root(), &["build", "--out", team.path().join("site").to_str().unwrap()]);
    let page = std::fs::read_to_string(team.path().join("site/stats/index.html")).unwrap();
    assert!(!page.contains("fewer than") && !page.contains(">low<") && !page.contains("suppressed"));
    // The board's site covers whole periods that have ended, and says so when asked otherwise.
    let o = run(
        &root(),
        &[
            "build",
            "--audience",
            "board",
            "--out",
            team.path().join("b").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("add --period"), "{}", stderr(&o));
    let o = run(
        &root(),
        &[
            "build",
            "--audience",
            "board",
            "--period",
            "2026-Q3",
            "--out",
            team.path().join("b").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("October to December 2026) has not ended yet"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn no_small_count_can_be_recovered_from_the_board_sites_of_every_day_of_a_term() {
    // Autumn term 2026 in the demo's calendar: the board's site built on each day of it, for
    // the last quarter that had ended.
    let (start, end) = (
        chrono::NaiveDate::from_ymd_opt(2026, 9, 3).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 18).unwrap(),
    );
    let out = tempfile::tempdir().unwrap();
    let mut sites: Vec<std::collections::BTreeSet<u64>> = Vec::new();
    let mut distinct: std::collections::BTreeSet<Vec<String>> = Default::default();
    let mut quarters: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut day = start;
    while day <= end {
        let site = out.path().join(day.to_string());
        let o = cme()
            .arg("--repo")
            .arg(root())
            .args([
                "--quiet",
                "--today",
                &day.to_string(),
                "build",
                "--audience",
                "board",
                "--period",
                "quarter",
                "--out",
            ])
            .arg(&site)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{day}: {}", stderr(&o));
        let counts = shown_counts(&site);
        let pinned = pinned_small_counts(&site);
        assert!(pinned.is_empty(), "{day}: {pinned:#?}");
        // A quarter reads the same on every site that shows it.
        let csv = std::fs::read_to_string(site.join("stats/quarters.csv")).unwrap();
        for line in csv.lines().skip(1) {
            let cells = csv_cells(line);
            let seen = quarters.entry(cells[0].clone()).or_insert_with(|| cells.clone());
            assert_eq!(*seen, cells, "{day}: the quarter reads differently");
        }
        sites.push(counts.iter().filter_map(|c| c.parse().ok()).collect());
        distinct.insert(counts);
        std::fs::remove_dir_all(&site).unwrap();
        day = day.succ_opt().unwrap();
    }
    assert_eq!(sites.len(), 107);
    // Builds differ only by whole quarters: one set of figures per quarter ended in the term
    // (April to June, then July to September).
    assert_eq!(distinct.len(), 2, "one site per ended quarter");
    let all: std::collections::BTreeSet<u64> = sites.iter().flatten().copied().collect();
    assert!(all.len() >= 2, "{all:?}");
    // The board's site for the year 2025/26 and the quality-assurance board's report for a
    // quarter of it give that quarter as the quarterly sites do.
    let year = out.path().join("year");
    run_ok(
        &root(),
        &[
            "build",
            "--audience",
            "board",
            "--period",
            "2025",
            "--out",
            year.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(year.join("stats/quarters.csv")).unwrap();
    let mut compared = 0;
    for line in csv.lines().skip(1) {
        let cells = csv_cells(line);
        if let Some(seen) = quarters.get(&cells[0]) {
            assert_eq!(*seen, cells, "the year's site reads the quarter differently");
            compared += 1;
        }
    }
    assert!(compared >= 4, "{compared} quarters compared");
    let report = out.path().join("qa.html");
    run_ok(
        &root(),
        &[
            "report",
            "qa-board-quarterly",
            "--period",
            "2026-Q1",
            "--out",
            report.to_str().unwrap(),
        ],
    );
    let html = Html::parse_document(&std::fs::read_to_string(&report).unwrap());
    let row: Vec<String> = html
        .select(&Selector::parse("main table tbody tr").unwrap())
        .next()
        .unwrap()
        .select(&Selector::parse("th, td").unwrap())
        .map(|c| c.text().collect::<String>().trim().to_string())
        .collect();
    let site_row = quarters
        .get(&row[0])
        .unwrap_or_else(|| panic!("{row:?} in {quarters:?}"));
    // The report shows registered, known, closed and the success rate, as the sites do.
    assert_eq!(
        row[1..],
        [
            site_row[1].clone(),
            site_row[2].clone(),
            site_row[6].clone(),
            site_row[7].clone()
        ]
    );
    for a in &all {
        for b in &all {
            let d = a.abs_diff(*b);
            assert!(d == 0 || d >= 5, "{a} - {b} gives a small count away");
        }
    }
}

#[test]
fn hostile_paths_and_ids_are_refused() {
    // A case whose id tries to leave the site: no page written anywhere.
    let repo = empty_repo("manchester");
    write(
        repo.path(),
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001").replace("id = \"EXC-2026-0001\"", "id = \"../../../escaped\""),
    );
    let out = repo.path().join("deep/er/site");
    let o = cme()
        .arg("--repo")
        .arg(repo.path())
        .args(["--today", TODAY, "build", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let escaped: Vec<_> = walkdir::WalkDir::new(repo.path())
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("escaped"))
        .collect();
    assert!(escaped.is_empty(), "{escaped:?}");
    let failing = std::fs::read_to_string(out.join("queues/failing.html")).unwrap();
    assert!(failing.contains("is not of the form EXC-YYYY-NNNN"));
    // Absolute and escaping paths in cme.toml are refused.
    let cfg = std::fs::read_to_string(repo.path().join("cme.toml")).unwrap();
    for bad in ["\"/etc/passwd\"", "\"../../outside.toml\""] {
        std::fs::write(
            repo.path().join("cme.toml"),
            cfg.replace("\"policy/calendar/terms.toml\"", bad),
        )
        .unwrap();
        let o = run(repo.path(), &["check"]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&o).contains("must be relative and stay inside the repository"),
            "{}",
            stderr(&o)
        );
    }
    std::fs::write(
        repo.path().join("cme.toml"),
        cfg.replace("policy = \"manchester\"", "policy = \"../manchester\""),
    )
    .unwrap();
    assert_eq!(run(repo.path(), &["check"]).status.code(), Some(2));
}

#[test]
fn a_case_with_a_hundred_thousand_actions_is_handled() {
    let repo = empty_repo("manchester");
    let mut text = good_case("EXC-2026-0001")
        .replace("received = 2026-09-01", "received = 2018-09-03")
        .replace("assigned_on = 2026-09-02", "assigned_on = 2018-09-04")
        .replace("date_of_birth = 2014-05-14", "date_of_birth = 2012-05-14")
        .replace("date = 2026-09-04", "date = 2018-09-05");
    let mut day = chrono::NaiveDate::from_ymd_opt(2018, 9, 5).unwrap();
    for i in 0..100_000 {
        if i % 40 == 0 {
            day = day.succ_opt().unwrap();
        }
        text.push_str(&format!(
            "\n[[action]]\ndate = {day}\nkind = \"note\"\nby = \"asmith\"\noutcome = \"Entry {i}\"\n"
        ));
    }
    assert!(text.len() > 5_000_000);
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", &text);
    let (code, json) = check_json(repo.path(), &[]);
    assert!(code == 0 || code == 1, "{json}");
    assert_eq!(json["cases"], 1);
    let o = run(repo.path(), &["status", "--format", "json"]);
    assert!(o.status.code().is_some_and(|c| c != 101), "{}", stderr(&o));
    let o = cme()
        .arg("--repo")
        .arg(repo.path())
        .args(["--today", TODAY, "build", "--out"])
        .arg(repo.path().join("site"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::metadata(repo.path().join("site/cases/EXC-2026-0001.html"))
            .unwrap()
            .len()
            > 1_000_000
    );
}

fn committed_repo() -> tempfile::TempDir {
    let repo = empty_repo("manchester");
    let r = repo.path();
    git(r, &["init", "-q", "--initial-branch=main"]);
    git(r, &["config", "user.name", "T"]);
    git(r, &["config", "user.email", "t@example.invalid"]);
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "set up"]);
    for i in 1..=3 {
        write(
            r,
            &format!("cases/2026/EXC-2026-{i:04}.toml"),
            good_case(&format!("EXC-2026-{i:04}")),
        );
        git(r, &["add", "-A"]);
        git(r, &["commit", "-q", "-m", &format!("referral {i}")]);
    }
    repo
}

#[test]
fn a_shallow_clone_builds_with_the_history_it_has() {
    let repo = committed_repo();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let o = git_command()
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(clone.path().join("c"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let c = clone.path().join("c");
    run_ok(&c, &["build"]);
    assert!(c.join("site/cases/EXC-2026-0001.html").exists());
    run_ok(&c, &["history", "EXC-2026-0003", "--format", "json"]);
}

#[test]
fn a_corrupt_history_still_builds_and_says_what_it_could_not_read() {
    let repo = committed_repo();
    let r = repo.path();
    // Remove the object of the first referral's commit: the history cannot be walked.
    let first = git(r, &["rev-parse", "HEAD~2"]);
    let obj = r.join(".git/objects").join(&first[..2]).join(&first[2..]);
    std::fs::remove_file(&obj).unwrap();
    let o = run_ok(r, &["build"]);
    assert!(stderr(&o).contains("cannot read the git history"), "{}", stderr(&o));
    let page = std::fs::read_to_string(r.join("site/cases/EXC-2026-0003.html")).unwrap();
    assert!(page.contains("could not be read from git"), "the trail says so");
    // And a folder that is not a git repository at all.
    let plain = empty_repo("manchester");
    write(
        plain.path(),
        "cases/2026/EXC-2026-0001.toml",
        good_case("EXC-2026-0001"),
    );
    let o = run(plain.path(), &["build"]);
    assert_eq!(o.status.code(), Some(0));
    let page = std::fs::read_to_string(plain.path().join("site/cases/EXC-2026-0001.html")).unwrap();
    assert!(page.contains("not a git repository"));
}

#[test]
fn odd_histories_still_build_no_commits_a_latin1_message_a_future_date() {
    // A repository with no commits yet: the site is built from the files, and says so.
    let repo = empty_repo("manchester");
    let r = repo.path();
    git(r, &["init", "-q"]);
    write(r, "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    run_ok(r, &["build"]);
    let page = std::fs::read_to_string(r.join("site/cases/EXC-2026-0001.html")).unwrap();
    assert!(page.contains("has no commits yet"), "the trail says there is none");

    // A commit message in Latin-1 (an old client's encoding) and a commit dated years ahead.
    git(r, &["add", "-A"]);
    std::fs::write(r.join(".msg"), b"Referral from the school nurse, Fran\xe7oise\n").unwrap();
    let o = git_command()
        .current_dir(r)
        .args(["-c", "i18n.commitEncoding=ISO-8859-1", "-c", "user.name=Old Client"])
        .args(["-c", "user.email=old@example.invalid", "commit", "-q", "-F", ".msg"])
        .env("GIT_AUTHOR_DATE", "2031-01-01T09:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2031-01-01T09:00:00+00:00")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_file(r.join(".msg")).unwrap();
    let o = run_ok(r, &["history", "EXC-2026-0001", "--format", "json"]);
    let trail: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let message = trail[0]["message"].as_str().unwrap();
    assert_eq!(
        message, "Referral from the school nurse, Fran\u{e7}oise",
        "read as the Latin-1 it says it is"
    );
    assert!(trail[0]["date"].as_str().unwrap().starts_with("2031-01-01"));
    run_ok(r, &["build"]);
    let page = std::fs::read_to_string(r.join("site/cases/EXC-2026-0001.html")).unwrap();
    assert!(page.contains("Referral from the school nurse, Fran"));
}

#[test]
fn a_template_override_cannot_show_the_board_an_unrounded_figure() {
    let repo = empty_repo("manchester");
    copy_dir(&root().join("cases"), &repo.path().join("cases"));
    // A council's override of the statistics page reaching for the raw figures.
    let builtin = std::fs::read_to_string(root().join("src/site/templates/board_stats.html")).unwrap();
    write(
        repo.path(),
        "templates/board_stats.html",
        builtin.replace(
            "{% block content %}",
            "{% block content %}<p id=\"raw\">[{{ stats.total.registered | default(value=\"absent\") }}]</p>",
        ),
    );
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    super::reports::commit_on(repo.path(), "2026-09-01", "the demo's records, and an override");
    let dir = build_board(repo.path());
    let page = std::fs::read_to_string(dir.path().join("site/stats/index.html")).unwrap();
    assert!(
        page.contains("<p id=\"raw\">[absent]</p>"),
        "the raw figures are not in the board's context"
    );
    assert!(page.contains("Report figures"), "the override was used");
}
