//! Case pages: one per case, rendered again only when what it shows has changed.

use super::*;

/// One case page, rendered alone with the built-in templates (for fuzzing and previews).
pub fn render_case_page(repo: &Repo, file: &CaseFile, today: NaiveDate) -> Result<String, BuildError> {
    let Some(case) = &file.case else {
        return Err(BuildError::Template("the file holds no readable case".into()));
    };
    let mut tera = super::tera_without_env();
    tera.add_raw_templates(
        TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect::<Vec<_>>(),
    )
    .map_err(tera_error)?;
    tera.autoescape_on(vec![".html"]);
    let s = CaseState::compute(repo.policy(), case, today);
    let report = check::check_files(
        repo,
        today,
        std::slice::from_ref(file),
        std::slice::from_ref(&file.source.path),
    );
    let diags: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == file.source.path)
        .collect();
    let v = view::case_view(repo, &file.source.path, case, &s, &diags, today);
    let stub = Content::from_files(
        repo,
        today,
        false,
        Vec::new(),
        &[],
        String::new(),
        Trail::Unavailable(String::new()),
    );
    let mut c = base_context(&stub.info, "cases/x.html", "cases", &case.id);
    c.insert("case", &v);
    c.insert("history_note", "");
    tera.render("case.html", &c).map_err(tera_error)
}

/// The letters a case's actions name, each as a page to print, made from the Markdown the
/// repository keeps (sanitised as every note is: never the HTML file beside it, which
/// anyone could have edited). A letter the records do not hold is left out.
fn write_letters(repo: &Repo, dir: &Path, case: &crate::model::Case) -> Result<(), BuildError> {
    for a in &case.actions {
        let Some(md) = a.letter.as_deref() else { continue };
        let Some(page) = view::letter_page(&case.id, md) else {
            continue;
        };
        let Ok(bytes) = repo.store.read(md, 1024 * 1024) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let title = a.outcome.as_deref().unwrap_or("Letter");
        write_file(dir, &page, crate::letter::html_page(title, &text).as_bytes())?;
    }
    Ok(())
}

/// The manifest of a built site: each case page and the hash of everything it shows.
const MANIFEST: &str = ".cme-build.json";

pub(super) fn hash_of(parts: &[&[u8]]) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        h.write_usize(p.len());
        h.write(p);
    }
    h.finish()
}

/// Renders a page per case. A page whose inputs (the file, its diagnostics and history, the
/// day, the pack, the configuration, the templates and this version of cme) are those of the
/// previous build is linked from it instead of rendered again.
#[allow(clippy::too_many_arguments)]
pub(super) fn render_cases(
    repo: &Repo,
    content: &Content,
    tera: &Tera,
    theme: &super::theme::Theme,
    dir: &Path,
    previous: &Path,
    by_file: &BTreeMap<&str, Vec<&Diagnostic>>,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<usize, BuildError> {
    let info = &content.info;
    let templates = theme.fingerprint();
    let salt = hash_of(&[
        env!("CARGO_PKG_VERSION").as_bytes(),
        &templates,
        repo.config_source.text.as_bytes(),
        repo.pack_source.text.as_bytes(),
        repo.pack_text.as_bytes(),
        // Case pages show neither the build time nor the commit (the dashboard does).
        serde_json::to_string(&SiteInfo {
            built_at: String::new(),
            commit: String::new(),
            ..info.clone()
        })
        .unwrap_or_default()
        .as_bytes(),
    ]);
    let old: HashMap<String, u64> = fs::read(previous.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    progress.stage("case pages", content.states.len() as u64);
    let done: Vec<(String, u64, bool)> = content
        .states
        .par_iter()
        .map(|(i, s)| -> Result<(String, u64, bool), BuildError> {
            let file = &content.files[*i];
            let case = content.case(*i);
            let path = format!("cases/{}.html", case.id);
            let diags: Vec<&Diagnostic> = by_file.get(file.source.path.as_str()).cloned().unwrap_or_default();
            let history: Option<Vec<(&crate::audit::Commit, &crate::audit::Entry)>> = match &content.trail {
                Trail::History(h) => Some(h.trail(file.stem())).filter(|t| !t.is_empty()),
                Trail::Unavailable(_) => None,
            };
            let commits: Vec<&str> = history
                .as_ref()
                .map(|t| t.iter().map(|(c, _)| c.commit.as_str()).collect())
                .unwrap_or_default();
            let diag_text: Vec<String> = diags
                .iter()
                .map(|d| format!("{}{}{}", d.rule, d.line, d.message))
                .collect();
            let key = hash_of(&[
                &salt.to_le_bytes(),
                file.source.text.as_bytes(),
                diag_text.join("\n").as_bytes(),
                commits.join(",").as_bytes(),
            ]);
            progress.inc(1);
            // The letters are written whether or not the page is (they are read afresh).
            write_letters(repo, dir, case)?;
            if old.get(&path) == Some(&key) {
                let target = dir.join(&path);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)?;
                }
                if fs::hard_link(previous.join(&path), &target).is_ok() {
                    return Ok((path, key, true));
                }
            }
            let v = view::case_view(repo, &file.source.path, case, s, &diags, today);
            let mut c = base_context(info, &path, "cases", &format!("{} - {}", case.id, s.child));
            c.insert("case", &v);
            match (&content.trail, history) {
                (Trail::History(_), Some(trail)) => {
                    let views: Vec<view::HistoryView> = trail.iter().map(|(c, e)| view::history_view(c, e)).collect();
                    c.insert("history", &views);
                }
                (Trail::History(_), None) => c.insert("history_note", "This record has no committed history yet."),
                (Trail::Unavailable(why), _) => c.insert("history_note", why),
            }
            let html = tera.render("case.html", &c).map_err(tera_error)?;
            write_file(dir, &path, html.as_bytes())?;
            Ok((path, key, false))
        })
        .collect::<Result<_, _>>()?;
    let reused = done.iter().filter(|d| d.2).count();
    let manifest: HashMap<String, u64> = done.into_iter().map(|(p, k, _)| (p, k)).collect();
    write_file(
        dir,
        MANIFEST,
        serde_json::to_string(&manifest).unwrap_or_default().as_bytes(),
    )?;
    Ok(reused)
}
