//! `cme build`: the site is checked with an HTML parser. Every case has a page, every queue
//! lists exactly the cases `cme status` puts in it, every internal link resolves, nothing
//! is fetched from another origin, and hostile text renders as inert text.

use super::*;
use scraper::{Html, Selector};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

pub struct Built {
    _dir: tempfile::TempDir,
    pub site: PathBuf,
}

/// Builds a repository's site into a temporary directory, as of the test day.
pub fn build(repo: &Path) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let o = cme()
        .arg("--repo")
        .arg(repo)
        .args(["--today", TODAY, "build", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    Built { _dir: dir, site }
}

fn manchester() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build(&root()))
}

fn worcestershire() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build(&worcestershire_demo()))
}

fn page(site: &Path, rel: &str) -> Html {
    let text = std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn html_files(site: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// The case ids a queue page's table links to.
fn listed(site: &Path, rel: &str) -> BTreeSet<String> {
    page(site, rel)
        .select(&sel("main table tbody tr td:first-child a"))
        .map(|a| a.text().collect::<String>())
        .collect()
}

fn status(repo: &Path) -> Value {
    let o = run(repo, &["status", "--format", "json"]);
    serde_json::from_slice(&o.stdout).unwrap()
}

fn ids_where(status: &Value, f: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    status["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| f(c))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn any_deadline(c: &Value, f: impl Fn(&Value) -> bool) -> bool {
    c["deadlines"].as_array().unwrap().iter().any(f)
}

#[test]
fn every_case_has_a_page() {
    for (repo, built) in [(root(), manchester()), (worcestershire_demo(), worcestershire())] {
        let (paths, _) = cme::load::case_paths(&repo);
        assert!(paths.len() >= 25);
        for p in paths {
            let id = p.rsplit('/').next().unwrap().trim_end_matches(".toml");
            let doc = page(&built.site, &format!("cases/{id}.html"));
            let caption: String = doc.select(&sel("main .cme-caption")).next().unwrap().text().collect();
            assert_eq!(caption, id);
            assert_eq!(doc.select(&sel("main h1")).count(), 1, "one h1 on {id}");
        }
    }
}

#[test]
fn every_queue_lists_exactly_the_cases_status_puts_in_it() {
    for (repo, built, audit_rules) in [
        (root(), manchester(), vec!["MAN-AUDIT-8W"]),
        (
            worcestershire_demo(),
            worcestershire(),
            vec!["WOR-PERIODIC", "WOR-HI-REVIEW-12M"],
        ),
    ] {
        let st = status(&repo);
        let expect = [
            ("overdue", ids_where(&st, |c| any_deadline(c, |d| d["overdue"] == true))),
            (
                "due-soon",
                ids_where(&st, |c| any_deadline(c, |d| d["state"] == "due-soon")),
            ),
            ("triage", ids_where(&st, |c| c["assigned_to"].is_null())),
            ("whereabouts-unknown", ids_where(&st, |c| c["whereabouts"] == "unknown")),
            (
                "audit-due",
                ids_where(&st, |c| {
                    any_deadline(c, |d| {
                        audit_rules.contains(&d["rule"].as_str().unwrap())
                            && (d["state"] == "overdue" || d["state"] == "due-soon")
                    })
                }),
            ),
            (
                "school-age-ended",
                ids_where(&st, |c| {
                    any_deadline(c, |d| d["rule"] == "COM-SCHOOL-AGE" && d["overdue"] == true)
                }),
            ),
        ];
        for (slug, ids) in expect {
            assert_eq!(
                listed(&built.site, &format!("queues/{slug}.html")),
                ids,
                "queue {slug} of {}",
                repo.display()
            );
        }
        let officers: Vec<String> = page(&built.site, "officers/index.html")
            .select(&sel("main tbody a"))
            .map(|a| a.value().attr("href").unwrap().trim_end_matches(".html").to_string())
            .collect();
        assert!(officers.len() >= 5);
        for o in officers {
            let ids = ids_where(&st, |c| c["assigned_to"] == o.as_str());
            assert_eq!(listed(&built.site, &format!("officers/{o}.html")), ids, "officer {o}");
        }
    }
    // The demo data makes every Manchester queue non-empty.
    for slug in [
        "overdue",
        "due-soon",
        "triage",
        "whereabouts-unknown",
        "audit-due",
        "school-age-ended",
    ] {
        assert!(
            !listed(&manchester().site, &format!("queues/{slug}.html")).is_empty(),
            "{slug} is empty"
        );
    }
}

#[test]
fn every_internal_link_resolves_and_nothing_is_external() {
    for built in [manchester(), worcestershire()] {
        let site = &built.site;
        let mut ids: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
        let files = html_files(site);
        for f in &files {
            let doc = Html::parse_document(&std::fs::read_to_string(f).unwrap());
            ids.insert(
                f.clone(),
                doc.select(&sel("[id]"))
                    .map(|e| e.value().attr("id").unwrap().to_string())
                    .collect(),
            );
        }
        let mut checked = 0;
        for f in &files {
            let doc = Html::parse_document(&std::fs::read_to_string(f).unwrap());
            for (selector, attr) in [
                ("a[href]", "href"),
                ("link[href]", "href"),
                ("script[src]", "src"),
                ("img[src]", "src"),
                ("form[action]", "action"),
            ] {
                for e in doc.select(&sel(selector)) {
                    let url = e.value().attr(attr).unwrap();
                    if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//") {
                        // Only an officer's note or the policy text may link out, and only as a link.
                        let inside_text = e
                            .ancestors()
                            .filter_map(scraper::ElementRef::wrap)
                            .any(|a| a.value().classes().any(|c| c == "cme-note" || c == "cme-prose"));
                        assert!(
                            selector == "a[href]" && inside_text,
                            "external URL {url} in {}",
                            f.display()
                        );
                        continue;
                    }
                    assert!(
                        !url.contains(':') || url.starts_with("mailto:"),
                        "{url} in {}",
                        f.display()
                    );
                    let (path, frag) = url.split_once('#').map_or((url, None), |(p, h)| (p, Some(h)));
                    let path = path.split('?').next().unwrap();
                    let target = if path.is_empty() {
                        f.clone()
                    } else {
                        normalise(&f.parent().unwrap().join(path))
                    };
                    assert!(target.exists(), "{url} from {} -> {}", f.display(), target.display());
                    if let Some(frag) = frag.filter(|h| !h.is_empty()) {
                        let known = ids
                            .get(&target)
                            .unwrap_or_else(|| panic!("{} is not HTML", target.display()));
                        assert!(
                            known.contains(frag),
                            "#{frag} missing in {} (from {})",
                            target.display(),
                            f.display()
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "only {checked} links checked");
        let css = std::fs::read_to_string(site.join("assets/cme.css")).unwrap();
        assert!(!css.contains("url("), "the stylesheet fetches nothing");
        assert!(!css.contains("@import"));
    }
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn rule_ids_link_to_the_catalogue_and_the_catalogue_to_the_policy() {
    let site = &worcestershire().site;
    let rules = page(site, "policy/rules.html");
    let rows: Vec<_> = rules.select(&sel("main tbody tr")).collect();
    assert!(rows.len() >= 24);
    let policy = page(site, "policy/index.html");
    for r in rows {
        let id = r.value().attr("id").unwrap();
        let link = r.select(&sel("a")).next().unwrap().value().attr("href").unwrap();
        let anchor = link.split_once('#').unwrap().1;
        assert!(
            policy.select(&sel(&format!("[id=\"{anchor}\"]"))).next().is_some(),
            "{id} -> #{anchor}"
        );
    }
    // The numbered paragraph 10.3 is its own anchor.
    assert!(policy.select(&sel("p[id=\"10.3\"]")).next().is_some());
    // The review warning is on every page.
    for f in html_files(site) {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            text.contains("WOR-POLICY-REVIEW"),
            "no review warning on {}",
            f.display()
        );
    }
    let man = std::fs::read_to_string(manchester().site.join("index.html")).unwrap();
    assert!(!man.contains("was due for review"));
}

#[test]
fn the_dashboard_says_when_from_what_and_as_of() {
    let doc = page(&manchester().site, "index.html");
    let footer: String = doc.select(&sel("footer")).next().unwrap().text().collect();
    assert!(footer.contains("as of Sunday 22 November 2026"), "{footer}");
    assert!(footer.contains("Built "), "{footer}");
    let cards: Vec<String> = doc
        .select(&sel(".cme-card a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(cards.contains(&"queues/overdue.html".to_string()));
    let numbers: Vec<String> = doc
        .select(&sel(".cme-card__number"))
        .map(|n| n.text().collect())
        .collect();
    let overdue = listed(&manchester().site, "queues/overdue.html").len();
    assert_eq!(numbers[0], overdue.to_string());
}

#[test]
fn statistics_have_tables_accessible_charts_and_csv() {
    let site = &manchester().site;
    let doc = page(site, "stats/index.html");
    let charts: Vec<_> = doc.select(&sel("svg[role=img]")).collect();
    assert!(charts.len() >= 6);
    for c in charts {
        let labelled = c.value().attr("aria-labelledby").unwrap();
        for id in labelled.split_whitespace() {
            assert!(c.select(&sel(&format!("[id=\"{id}\"]"))).next().is_some());
        }
    }
    let csv = std::fs::read_to_string(site.join("stats/quarters.csv")).unwrap();
    assert!(csv.starts_with("Period,Registered,"));
    let total_registered: usize = std::fs::read_to_string(site.join("stats/months.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(total_registered, 44, "every referral counted once across the months");
    let sources = std::fs::read_to_string(site.join("stats/sources.csv")).unwrap();
    assert!(sources.contains("School,12"), "{sources}");
}

#[test]
fn search_works_from_static_files() {
    let site = &manchester().site;
    let js = std::fs::read_to_string(site.join("assets/search-index.js")).unwrap();
    assert!(js.starts_with("window.CME_SEARCH = ["));
    assert!(
        js.contains("\"EXC-2025-0066\",\"Sofia Lindqvist\",\"W951100813066\""),
        "{}",
        &js[..200]
    );
    let doc = page(site, "search.html");
    assert!(
        doc.select(&sel("[data-search-noscript] a[href=\"cases/index.html\"]"))
            .next()
            .is_some()
    );
    assert!(
        doc.select(&sel("script[src=\"assets/search-index.js\"]"))
            .next()
            .is_some()
    );
    // Every page has the search box.
    assert!(
        page(site, "cases/EXC-2025-0066.html")
            .select(&sel("form[role=search] input[name=q]"))
            .next()
            .is_some()
    );
}

#[test]
fn every_page_has_a_content_security_policy_and_no_inline_script() {
    for f in html_files(&manchester().site) {
        let doc = Html::parse_document(&std::fs::read_to_string(&f).unwrap());
        let csp = doc
            .select(&sel("meta[http-equiv=Content-Security-Policy]"))
            .next()
            .expect("CSP meta");
        let content = csp.value().attr("content").unwrap();
        assert!(content.contains("default-src 'none'") && content.contains("script-src 'self'"));
        for s in doc.select(&sel("script")) {
            assert!(s.value().attr("src").is_some(), "inline script in {}", f.display());
        }
        for e in doc.select(&sel("*")) {
            assert!(
                !e.value().attrs().any(|(k, _)| k.starts_with("on")),
                "event handler in {}",
                f.display()
            );
            assert!(e.value().attr("style").is_none(), "inline style in {}", f.display());
        }
    }
}

#[test]
fn hostile_text_renders_as_inert_text() {
    let repo = empty_repo("manchester");
    let evil = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let long = "A".repeat(5000);
    let rtl = "\u{202e}gnp.exe \u{5e9}\u{5dc}\u{5d5}\u{5dd}";
    let case = format!(
        r#"format = 1
id = "EXC-2026-0001"
status = "open"

[child]
given_name = "{evil}"
family_name = "{rtl}"
date_of_birth = 2014-05-14
last_known_address = "javascript:alert(3)"
whereabouts = "known-in-area"

[referral]
received = 2026-09-01
source = "school"
referrer = "{long}"
reason = "other"
assigned_to = "asmith"
assigned_on = 2026-09-02

[school]
name = "</title><script>alert(4)</script>"
leaving_ground = "<b>I</b>"
destination = "{evil}"

[social_care]
open = true
social_worker = "{evil}"

[[action]]
date = 2026-09-04
kind = "home-visit"
by = "asmith"
outcome = "{evil}"
note = """
[click](javascript:alert(5)) [data](data:text/html;base64,PHNjcmlwdD4=) ![remote](https://tracker.example/p.png)
<iframe src="https://evil.example"></iframe> <a href="javascript:alert(6)" onclick="alert(7)">x</a>
"""

[[review]]
date = 2026-10-05
cme_score = 3
safeguarding_score = 3
comments = "{evil}"
"#,
        evil = evil.replace('"', "\\\""),
    );
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", case);
    let built = build(repo.path());
    for f in html_files(&built.site) {
        let text = std::fs::read_to_string(&f).unwrap();
        let doc = Html::parse_document(&text);
        for s in doc.select(&sel("script")) {
            let src = s.value().attr("src").unwrap_or("");
            assert!(
                src.ends_with("assets/cme.js") || src.ends_with("assets/search-index.js"),
                "script {src} in {}",
                f.display()
            );
        }
        assert!(doc.select(&sel("img, iframe")).next().is_none(), "{}", f.display());
        for e in doc.select(&sel("*")) {
            assert!(
                !e.value().attrs().any(|(k, _)| k.starts_with("on")),
                "handler in {}",
                f.display()
            );
            for attr in ["href", "src"] {
                if let Some(v) = e.value().attr(attr) {
                    assert!(
                        !v.trim_start().to_lowercase().starts_with("javascript:") && !v.starts_with("data:"),
                        "{v} in {}",
                        f.display()
                    );
                }
            }
        }
        for e in doc.select(&sel("*")) {
            for (_, v) in e.value().attrs() {
                assert!(
                    !v.contains("tracker.example") && !v.contains("evil.example"),
                    "{v} in {}",
                    f.display()
                );
            }
        }
    }
    let doc = page(&built.site, "cases/EXC-2026-0001.html");
    let body: String = doc.select(&sel("main")).next().unwrap().text().collect();
    assert!(body.contains("<script>alert(1)</script>"), "shown as text");
    assert!(
        body.contains("<iframe src=\"https://evil.example\"></iframe>"),
        "raw HTML in a note is shown as text"
    );
    assert!(body.contains(&long));
    assert!(body.contains(rtl));
    let index = std::fs::read_to_string(built.site.join("assets/search-index.js")).unwrap();
    assert!(!index.contains("</script"), "the index cannot close a script element");
}

#[test]
fn the_build_is_atomic_and_templates_can_be_overridden() {
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let out = repo.path().join("site");
    run_ok(repo.path(), &["build"]);
    assert!(
        out.join("cases/EXC-2026-0001.html").exists(),
        "default output is site/ in the repository"
    );
    let before = std::fs::read_to_string(out.join("cases/EXC-2026-0001.html")).unwrap();
    // An override with a syntax error fails the build and leaves the last site untouched.
    write(
        repo.path(),
        "templates/case.html",
        "{% extends \"base.html\" %}{% block content %}{{ case.id ",
    );
    let o = run(repo.path(), &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("template"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("cases/EXC-2026-0001.html")).unwrap(),
        before,
        "the old site is still served"
    );
    let leftovers: Vec<_> = std::fs::read_dir(repo.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("building"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A good override replaces the built-in template; the swap replaces what was there.
    write(
        repo.path(),
        "templates/case.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Custom {{ case.id }}</h1>{% endblock content %}",
    );
    run_ok(repo.path(), &["build"]);
    assert_ne!(
        std::fs::read_to_string(out.join("cases/EXC-2026-0001.html")).unwrap(),
        before
    );
    let html = std::fs::read_to_string(out.join("cases/EXC-2026-0001.html")).unwrap();
    assert!(html.contains("<h1>Custom EXC-2026-0001</h1>"));
}

#[test]
fn records_failing_validation_are_listed_with_their_diagnostics() {
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    write(
        repo.path(),
        "cases/2026/EXC-2026-0002.toml",
        good_case("EXC-2026-0002").replace("by = \"asmith\"", "by = \"ghost\""),
    );
    write(repo.path(), "cases/2026/EXC-2026-0003.toml", "not toml at all");
    let built = build(repo.path());
    let doc = page(&built.site, "queues/failing.html");
    let text: String = doc.select(&sel("main")).next().unwrap().text().collect();
    assert!(text.contains("\"ghost\" is not an officer"), "{text}");
    assert!(text.contains("cases/2026/EXC-2026-0003.toml"), "{text}");
    assert!(!text.contains("EXC-2026-0001"));
}

fn http_get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let code = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (code, body)
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_binds_locally_rebuilds_on_change_and_reloads() {
    use std::io::BufRead;
    let repo = empty_repo("manchester");
    write(repo.path(), "cases/2026/EXC-2026-0001.toml", good_case("EXC-2026-0001"));
    let child = cme_process()
        .arg("--repo")
        .arg(repo.path())
        .args(["--today", TODAY, "serve", "--port", "0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut lines = std::io::BufReader::new(server.0.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(rest) = line.strip_prefix("serving http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let (code, body) = http_get(&addr, "/");
    assert_eq!(code, 200);
    assert!(body.contains("/__cme/reload.js"), "pages served live reload");
    let (code, _) = http_get(&addr, "/../../etc/passwd");
    assert_eq!(code, 404);
    let (_, v1) = http_get(&addr, "/__cme/version");
    write(repo.path(), "cases/2026/EXC-2026-0002.toml", good_case("EXC-2026-0002"));
    let mut rebuilt = false;
    for _ in 0..40 {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let (_, v2) = http_get(&addr, "/__cme/version");
        if v2 != v1 && http_get(&addr, "/cases/EXC-2026-0002.html").0 == 200 {
            rebuilt = true;
            break;
        }
    }
    assert!(rebuilt, "the new case appears after a rebuild");
}

#[test]
fn stats_command_gives_the_figures_the_site_shows() {
    let o = run(&root(), &["stats", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let st: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["rule"], "MAN-REPORTS");
    assert_eq!(st["total"]["registered"], 44);
    assert_eq!(st["total"]["active_at_end"], 24, "the open cases today");
    let closed: u64 = st["total"]["closed_by_outcome"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(closed, st["total"]["closed"].as_u64().unwrap());
    // A quarter: financial 2025/26 Q4 (Jan-Mar 2026).
    let q = st["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["label"] == "2025/26 Q4 (Jan-Mar 2026)")
        .unwrap();
    assert_eq!(q["registered"], 7);
    let o = run(
        &root(),
        &[
            "stats",
            "--format",
            "json",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
        ],
    );
    let st: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["total"]["registered"], 7);
    assert_eq!(st["months"].as_array().unwrap().len(), 3);
    let o = run(&root(), &["stats", "--from", "2026-05-01", "--to", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(2));
}

/// "Due soon" has one definition: `cme status`'s summary line and the dashboard's cards
/// count the same cases, and both say what they count.
#[test]
fn status_and_the_dashboard_count_due_soon_alike() {
    for (repo, built) in [(root(), manchester()), (worcestershire_demo(), worcestershire())] {
        let o = run(&repo, &["status"]);
        let text = stdout(&o);
        let line = text.lines().nth(1).unwrap().to_string();
        let number_before = |words: &str| -> usize {
            let at = line.find(words).unwrap_or_else(|| panic!("{words}: {line}"));
            line[..at]
                .rsplit([' ', ','])
                .find(|w| !w.is_empty())
                .unwrap()
                .parse()
                .unwrap()
        };
        let index = page(&built.site, "index.html");
        let card = |href: &str| -> (usize, String) {
            let a = index
                .select(&sel(&format!(".cme-card a[href=\"{href}\"]")))
                .next()
                .unwrap_or_else(|| panic!("{href}"));
            let n = a
                .select(&sel(".cme-card__number"))
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            let label = a
                .select(&sel(".cme-card__label"))
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            (n.trim().parse().unwrap(), label)
        };
        let (soon, label) = card("queues/due-soon.html");
        assert_eq!(number_before(" with a deadline due in the next 7 days"), soon, "{line}");
        assert!(label.contains("a deadline due in the next 7 days"), "{label}");
        let (overdue, _) = card("queues/overdue.html");
        assert_eq!(number_before(" with an overdue deadline"), overdue, "{line}");
        // The queue page lists exactly the cases counted.
        assert_eq!(listed(&built.site, "queues/due-soon.html").len(), soon);
        assert!(soon > 0, "the demo has cases due soon on the test day: {line}");
    }
}
