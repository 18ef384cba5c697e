//! A real browser: headless Chromium loads the built sites, axe-core checks WCAG 2.2 A and
//! AA on each page, the pages are loaded again with JavaScript off, search and table sorting
//! are exercised under the site's own Content-Security-Policy, and a screenshot of every
//! page is saved under `target/screenshots/`.
//!
//! Needs Debian's `chromium` and `npm ci --prefix tests/browser` (CI installs both). Where
//! they are missing the test says so and passes, unless `CME_REQUIRE_BROWSER=1` (as in CI).

use super::*;

fn tools_missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("no Chromium at {chromium}"));
    }
    if std::process::Command::new("node").arg("--version").output().is_err() {
        return Some("no node".into());
    }
    if !root().join("tests/browser/node_modules/axe-core").exists() {
        return Some("axe-core not installed: run npm ci --prefix tests/browser".into());
    }
    None
}

fn run_axe(repo: &Path, name: &str, pages: &[&str], search_for: &str) {
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
    let shots = root().join("target/screenshots").join(name);
    let o = std::process::Command::new("node")
        .arg(root().join("tests/browser/axe.mjs"))
        .arg(site)
        .arg(&shots)
        .args(pages)
        .env("CME_SEARCH_FOR", search_for)
        .output()
        .unwrap();
    let out = format!("{}\n{}", stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(0), "accessibility or behaviour failures:\n{out}");
    assert_eq!(out.matches(" 0 violations").count(), pages.len(), "{out}");
    for p in pages {
        let shot = shots.join(format!("{}.png", p.replace(['/', '.'], "_")));
        assert!(
            std::fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false),
            "no screenshot {}",
            shot.display()
        );
    }
}

#[test]
fn the_site_passes_axe_in_headless_chromium() {
    if let Some(why) = tools_missing() {
        assert!(
            std::env::var("CME_REQUIRE_BROWSER").is_err(),
            "browser test required but {why}"
        );
        eprintln!("skipping the browser test: {why}");
        return;
    }
    run_axe(
        &root(),
        "manchester",
        &[
            "index.html",
            "cases/EXC-2025-0066.html",
            "cases/EXC-2025-0058.html",
            "queues/overdue.html",
            "queues/triage.html",
            "queues/whereabouts-unknown.html",
            "queues/failing.html",
            "officers/index.html",
            "officers/bkhan.html",
            "cases/index.html",
            "policy/index.html",
            "policy/rules.html",
            "stats/index.html",
            "search.html",
            "reports/index.html",
            "reports/dfe.html",
            "reports/smt-monthly-2026-11.html",
            "reports/qa-board-quarterly-2026-Q2.html",
        ],
        "EXC-2025-0066",
    );
    run_axe(
        &worcestershire_demo(),
        "worcestershire",
        &[
            "index.html",
            "cases/EXS-2025-0224.html",
            "queues/whereabouts-unknown.html",
            "stats/index.html",
            "search.html",
            "reports/missing-mondays-2026-W47.html",
        ],
        "Bailey",
    );
}

/// The number of pages of a PDF Chromium wrote, and whether they are A4 (595 x 842 points).
fn pdf_pages(pdf: &[u8]) -> (usize, bool) {
    let text = String::from_utf8_lossy(pdf);
    let pages = text
        .match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + 11..].starts_with('s'))
        .count();
    (
        pages,
        text.contains("/MediaBox [0 0 594.95996 841.91998]") || text.contains("/MediaBox [0 0 595"),
    )
}

fn print_to_pdf(html: &Path, pdf: &Path) {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let o = std::process::Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(pdf.exists(), "no PDF: {}", stderr(&o));
}

#[test]
fn reports_print_on_a4_with_each_review_form_on_its_own_pages() {
    if let Some(why) = tools_missing() {
        assert!(
            std::env::var("CME_REQUIRE_BROWSER").is_err(),
            "browser test required but {why}"
        );
        eprintln!("skipping the print test: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The weekly Missing Mondays pack: one App F form per whereabouts-unknown case.
    let html = dir.path().join("mm.html");
    run_ok(
        &worcestershire_demo(),
        &["report", "missing-mondays", "--out", html.to_str().unwrap()],
    );
    let forms = std::fs::read_to_string(&html)
        .unwrap()
        .matches("<article class=\"cme-form\"")
        .count();
    assert!(forms > 3);
    let pdf = dir.path().join("mm.pdf");
    print_to_pdf(&html, &pdf);
    let (pages, a4) = pdf_pages(&std::fs::read(&pdf).unwrap());
    assert!(a4, "printed on A4");
    assert!(
        pages > forms,
        "each form starts a page after the summary: {pages} pages, {forms} forms"
    );
    // A board's quarterly report: a couple of pages, nothing personal, no navigation.
    let html = dir.path().join("qa.html");
    run_ok(
        &root(),
        &[
            "report",
            "qa-board-quarterly",
            "--period",
            "2026-Q2",
            "--out",
            html.to_str().unwrap(),
        ],
    );
    let pdf = dir.path().join("qa.pdf");
    print_to_pdf(&html, &pdf);
    let (pages, a4) = pdf_pages(&std::fs::read(&pdf).unwrap());
    assert!(a4 && (1..=3).contains(&pages), "{pages} pages");
    let shots = root().join("target/screenshots/reports");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::copy(&pdf, shots.join("qa-board-quarterly.pdf")).unwrap();
}

/// A letter prints on A4, on a page or two, and its page and the case page that links to it
/// pass axe, in headless Chromium.
#[test]
fn a_letter_prints_on_a4_and_its_pages_pass_axe() {
    if let Some(why) = tools_missing() {
        assert!(
            std::env::var("CME_REQUIRE_BROWSER").is_err(),
            "browser test required but {why}"
        );
        eprintln!("skipping the browser test: {why}");
        return;
    }
    let repo = empty_repo("manchester");
    let r = repo.path();
    run_ok(
        r,
        &[
            "new",
            "--given-name",
            "Ava",
            "--family-name",
            "Example",
            "--dob",
            "2014-05-14",
            "--source",
            "school",
            "--reason",
            "moved-unknown-school",
            "--received",
            "2026-11-02",
            "--address",
            "4, Hawthorn Close, Exampletown, EX2 4HD",
            "--school",
            "Sampleford Primary School",
            "--assign",
            "asmith",
        ],
    );
    run_ok(r, &["letter", "EXC-2026-0001", "first-letter"]);
    let page = "letters/EXC-2026-0001/2026-11-22-first-letter.html";
    let pdf = repo.path().join("letter.pdf");
    print_to_pdf(&r.join(page), &pdf);
    let (pages, a4) = pdf_pages(&std::fs::read(&pdf).unwrap());
    assert!(a4 && (1..=2).contains(&pages), "{pages} pages, A4: {a4}");
    run_axe(r, "letter", &["cases/EXC-2026-0001.html", page], "Example");
}
