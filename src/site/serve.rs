//! `cme serve`: builds the site, serves it on 127.0.0.1 only, rebuilds when the records,
//! packs or templates change, and reloads open pages.

use super::Options;
use crate::load::Repo;
use chrono::NaiveDate;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const RELOAD_JS: &str = "(function () {\n  var seen = null;\n  function poll() {\n    fetch('/__cme/version', { cache: 'no-store' })\n      .then(function (r) { return r.text(); })\n      .then(function (v) { if (seen === null) seen = v; else if (v !== seen) window.location.reload(); })\n      .catch(function () {})\n      .then(function () { setTimeout(poll, 1000); });\n  }\n  poll();\n})();\n";

/// A cheap fingerprint of everything a build reads: paths, sizes and modification times.
pub fn fingerprint(root: &Path) -> u64 {
    let mut h = DefaultHasher::new();
    for top in ["cme.toml", "cases", "policy", "templates"] {
        for e in walkdir::WalkDir::new(root.join(top))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            e.path().hash(&mut h);
            if let Ok(m) = e.metadata() {
                m.len().hash(&mut h);
                m.modified().ok().hash(&mut h);
            }
        }
    }
    h.finish()
}

fn rebuild(root: &Path, out: &Path, today: Option<NaiveDate>) -> Result<usize, String> {
    let repo = Repo::open(root).map_err(|e| e.message())?;
    let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let opts = Options {
        out: out.to_path_buf(),
        today,
        live_reload: true,
        audience: super::Audience::Team,
    };
    let trail = || match crate::audit::head(root) {
        Some(head) => match crate::audit::history(root, head) {
            Ok(h) => super::Trail::History(h),
            Err(e) => super::Trail::Unavailable(e.to_string()),
        },
        None => super::Trail::Unavailable(
            "The audit trail comes from git; this folder is not a git repository with commits.".into(),
        ),
    };
    super::build(&repo, &opts, trail, &crate::progress::Quiet)
        .map(|s| s.pages)
        .map_err(|e| e.to_string())
}

/// The file a request path names inside the site, or `None` if it tries to leave it.
pub fn resolve(site: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let mut p = site.to_path_buf();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(part) => p.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if p.is_dir() {
        p.push("index.html");
    }
    Some(p)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).ok()?;
    (!text.contains('\0') && !text.contains('\\')).then_some(text)
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn header(k: &str, v: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("ASCII header")
}

/// Serves until interrupted. `today` fixes the date (else each rebuild uses the system date).
pub fn serve(root: &Path, port: u16, today: Option<NaiveDate>) -> io::Result<()> {
    let out = std::env::temp_dir()
        .join(format!("cme-serve-{}", std::process::id()))
        .join("site");
    let root = root.to_path_buf();
    match rebuild(&root, &out, today) {
        Ok(n) => eprintln!("built {n} pages"),
        Err(e) => eprintln!("error: {e}"),
    }
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| io::Error::other(e.to_string()))?;
    let addr = server.server_addr().to_ip().map(|a| a.to_string()).unwrap_or_default();
    eprintln!("serving http://{addr}/ (local only); rebuilding on changes; Ctrl+C to stop");
    let version = Arc::new(AtomicU64::new(1));
    let last = Arc::new(Mutex::new(fingerprint(&root)));
    {
        let (root, out, version, last) = (root.clone(), out.clone(), version.clone(), last.clone());
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(800));
                let now = fingerprint(&root);
                let changed = {
                    let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
                    let c = *l != now;
                    *l = now;
                    c
                };
                if changed {
                    match rebuild(&root, &out, today) {
                        Ok(n) => eprintln!("rebuilt {n} pages"),
                        Err(e) => eprintln!("error: {e} (still serving the last good build)"),
                    }
                    version.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
    for req in server.incoming_requests() {
        let url = req.url().to_string();
        let resp = if url == "/__cme/version" {
            tiny_http::Response::from_string(version.load(Ordering::SeqCst).to_string())
                .with_header(header("Content-Type", "text/plain"))
                .boxed()
        } else if url == "/__cme/reload.js" {
            tiny_http::Response::from_string(RELOAD_JS)
                .with_header(header("Content-Type", "text/javascript"))
                .boxed()
        } else {
            match resolve(&out, &url).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
                Some((p, bytes)) => tiny_http::Response::from_data(bytes)
                    .with_header(header("Content-Type", content_type(&p)))
                    .boxed(),
                None => tiny_http::Response::from_string("Not found")
                    .with_status_code(404)
                    .boxed(),
            }
        };
        let resp = resp
            .with_header(header("Cache-Control", "no-store"))
            .with_header(header("X-Content-Type-Options", "nosniff"));
        let _ = req.respond(resp);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cannot_leave_the_site() {
        let site = Path::new("/srv/site");
        assert_eq!(
            resolve(site, "/cases/EXC-2026-0001.html?x=1"),
            Some(PathBuf::from("/srv/site/cases/EXC-2026-0001.html"))
        );
        assert_eq!(resolve(site, "/../etc/passwd"), None);
        assert_eq!(resolve(site, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(site, "/a%5c..%5cb"), None);
        assert_eq!(resolve(site, "/%zz"), None);
    }
}
