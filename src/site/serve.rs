//! `cme serve`: builds the site, serves it on 127.0.0.1 only, rebuilds when the records,
//! packs or templates change, and reloads open pages.

use super::Options;
use crate::load::Repo;
use chrono::NaiveDate;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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
        period: None,
    };
    let git = repo.git.clone();
    let trail = || match git.as_deref().and_then(|g| Some((g, g.head()?))) {
        Some((git, head)) => match crate::audit::history(git, head) {
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

/// The most a request's line and headers may take, and how many headers it may have.
pub const MAX_HEAD: usize = 16 * 1024;
pub const MAX_LINE: usize = 8 * 1024;
pub const MAX_HEADERS: usize = 64;
/// Connections served at once; more wait in the listener's queue.
const MAX_CONNECTIONS: usize = 32;

/// A request's method, target and `Host` header, or the status to refuse it with.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    pub host: Option<String>,
}

/// Reads and parses a request head, refusing one that is too long (414 for the request
/// line, 431 for the headers) or malformed (400), without reading more than [`MAX_HEAD`].
pub fn read_head(r: &mut impl Read) -> Result<Head, (u16, &'static str)> {
    let mut buf = Vec::with_capacity(1024);
    let mut byte = [0u8; 1];
    loop {
        match r.read(&mut byte) {
            Ok(0) => return Err((400, "Bad Request")),
            Ok(_) => buf.push(byte[0]),
            Err(_) => return Err((408, "Request Timeout")),
        }
        if buf.ends_with(b"\r\n\r\n") || buf.ends_with(b"\n\n") {
            break;
        }
        let first_line_done = buf.contains(&b'\n');
        if !first_line_done && buf.len() > MAX_LINE {
            return Err((414, "URI Too Long"));
        }
        if buf.len() > MAX_HEAD {
            return Err((431, "Request Header Fields Too Large"));
        }
    }
    let text = std::str::from_utf8(&buf).map_err(|_| (400, "Bad Request"))?;
    let mut lines = text.split('\n').map(|l| l.trim_end_matches('\r'));
    let request = lines.next().unwrap_or("");
    let mut parts = request.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err((400, "Bad Request"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err((400, "Bad Request"));
    }
    let mut host = None;
    let mut count = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        count += 1;
        if count > MAX_HEADERS {
            return Err((431, "Request Header Fields Too Large"));
        }
        let (name, value) = line.split_once(':').ok_or((400, "Bad Request"))?;
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err((400, "Bad Request"));
            }
            host = Some(value.trim().to_ascii_lowercase());
        }
    }
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        host,
    })
}

/// Whether a `Host` header names this server (a page of another site that resolves its own
/// name to 127.0.0.1, DNS rebinding, names that site instead and is refused).
pub fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return false };
    [format!("127.0.0.1:{port}"), format!("localhost:{port}")]
        .iter()
        .any(|h| h == host)
}

fn respond(stream: &mut TcpStream, status: u16, reason: &str, kind: &str, body: &[u8], head_only: bool) {
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if !head_only {
        let _ = stream.write_all(body);
    }
    let _ = stream.flush();
}

fn handle(mut stream: TcpStream, site: &Path, port: u16, version: &AtomicU64) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let head = match read_head(&mut stream) {
        Ok(h) => h,
        Err((status, reason)) => {
            respond(&mut stream, status, reason, "text/plain", reason.as_bytes(), false);
            return;
        }
    };
    if !host_allowed(head.host.as_deref(), port) {
        let body = format!("cme serve answers only requests for http://127.0.0.1:{port}/");
        respond(
            &mut stream,
            421,
            "Misdirected Request",
            "text/plain",
            body.as_bytes(),
            false,
        );
        return;
    }
    let head_only = head.method == "HEAD";
    if head.method != "GET" && !head_only {
        respond(
            &mut stream,
            405,
            "Method Not Allowed",
            "text/plain",
            b"Method Not Allowed",
            false,
        );
        return;
    }
    if head.target == "/__cme/version" {
        let v = version.load(Ordering::SeqCst).to_string();
        respond(&mut stream, 200, "OK", "text/plain", v.as_bytes(), head_only);
    } else if head.target == "/__cme/reload.js" {
        respond(
            &mut stream,
            200,
            "OK",
            "text/javascript",
            RELOAD_JS.as_bytes(),
            head_only,
        );
    } else {
        match resolve(site, &head.target).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
            Some((p, bytes)) => respond(&mut stream, 200, "OK", content_type(&p), &bytes, head_only),
            None => respond(&mut stream, 404, "Not Found", "text/plain", b"Not found", head_only),
        }
    }
}

/// Serves until interrupted. `today` fixes the date (else each rebuild uses the system date).
/// The site is built into a temporary folder only this user can read, removed on Ctrl-C,
/// SIGTERM or SIGHUP.
pub fn serve(root: &Path, port: u16, today: Option<NaiveDate>) -> io::Result<()> {
    let tmp = tempfile::Builder::new().prefix("cme-serve-").tempdir()?;
    let tmp_path = tmp.path().to_path_buf();
    // The site holds every case: readable by this user only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp_path, std::fs::Permissions::from_mode(0o700))?;
    }
    let out = tmp_path.join("site");
    {
        let tmp_path = tmp_path.clone();
        ctrlc::set_handler(move || {
            let _ = std::fs::remove_dir_all(&tmp_path);
            // Never a panic here (stderr may be closed): the process must exit.
            let _ = writeln!(io::stderr(), "\nstopped; the temporary site was removed");
            std::process::exit(130);
        })
        .map_err(|e| io::Error::other(format!("cannot watch for Ctrl-C: {e}")))?;
    }
    let root = root.to_path_buf();
    match rebuild(&root, &out, today) {
        Ok(n) => eprintln!("built {n} pages"),
        Err(e) => eprintln!("error: {e}"),
    }
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let port = listener.local_addr()?.port();
    eprintln!(
        "serving http://127.0.0.1:{port}/ (local only; the working tree, uncommitted edits included); rebuilding on changes; Ctrl+C to stop"
    );
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
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            drop(stream);
            continue;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let (out, version, open) = (out.clone(), version.clone(), open.clone());
        std::thread::spawn(move || {
            handle(stream, &out, port, &version);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
    drop(tmp);
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

    #[test]
    fn requests_for_another_host_or_too_long_are_refused() {
        assert!(host_allowed(Some("127.0.0.1:8000"), 8000));
        assert!(host_allowed(Some("localhost:8000"), 8000));
        assert!(!host_allowed(Some("evil.example:8000"), 8000));
        assert!(!host_allowed(Some("127.0.0.1:8001"), 8000));
        assert!(!host_allowed(None, 8000));
        let head = read_head(&mut &b"GET /a.html HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n"[..]).unwrap();
        assert_eq!(head.target, "/a.html");
        assert_eq!(head.host.as_deref(), Some("127.0.0.1:8000"));
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_LINE + 10));
        assert_eq!(read_head(&mut long_line.as_bytes()).unwrap_err().0, 414);
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X-A: b\r\n".repeat(MAX_HEADERS + 1));
        assert_eq!(read_head(&mut many.as_bytes()).unwrap_err().0, 431);
        let huge = format!("GET / HTTP/1.1\r\nX-A: {}\r\n\r\n", "b".repeat(MAX_HEAD));
        assert_eq!(read_head(&mut huge.as_bytes()).unwrap_err().0, 431);
        let two_hosts = "GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nHost: evil\r\n\r\n";
        assert_eq!(read_head(&mut two_hosts.as_bytes()).unwrap_err().0, 400);
    }
}
