//! Findings of the rules, resolved to diagnostics (file, line, column, rule, policy paragraph),
//! and their renderers: `human` (rustc-style), `json`, `github` and `junit`.

use crate::model::id::RuleId;
use crate::pack::{Pack, Severity};
use crate::source::SourceFile;
use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::WriteColor};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

/// What a rule found, before it is placed in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: crate::model::id::RuleId,
    pub severity: Severity,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub hint: Option<String>,
    /// Said in one line, once per run (a finding about the pack, not a record).
    pub brief: bool,
    /// Points at a paragraph of the policy (a file that is not TOML at all does not).
    pub cites_policy: bool,
}

impl Finding {
    pub fn new(rule: &str, severity: Severity, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.into(),
            severity,
            span,
            message: message.into(),
            hint: None,
            brief: false,
            cites_policy: true,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Said in one line.
    pub fn brief(mut self) -> Self {
        self.brief = true;
        self
    }
}

/// A finding placed in a file: the shape `cme check --format json` prints.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub case: Option<String>,
    pub severity: Severity,
    pub rule: crate::model::id::RuleId,
    pub message: String,
    pub policy_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    #[serde(skip)]
    pub brief: bool,
}

impl Diagnostic {
    /// Places a finding in its file and looks its rule up in the pack's catalogue (which may
    /// override the severity and gives the policy paragraph).
    pub fn place(f: Finding, source: &SourceFile, case: Option<&str>, pack: Option<&Pack>) -> Diagnostic {
        let (line, column) = f.span.as_ref().map_or((1, 1), |s| source.line_col(s.start));
        let info = pack.and_then(|p| p.rule(&f.rule));
        Diagnostic {
            file: source.path.clone(),
            line,
            column,
            case: case.map(str::to_string),
            severity: info.and_then(|i| i.severity).unwrap_or(f.severity),
            rule: f.rule,
            message: f.message,
            policy_ref: info.filter(|_| f.cites_policy).map(|i| i.policy_ref.clone()),
            hint: f.hint,
            span: f.span,
            brief: f.brief,
        }
    }
}

/// The result of `cme check`.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub today: String,
    pub cases: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file a diagnostic points into, for the human renderer.
    pub sources: BTreeMap<String, Arc<SourceFile>>,
    /// Where each policy reference is explained ("s3 Outcomes"), for the human renderer.
    pub rule_sources: BTreeMap<RuleId, String>,
    /// Every case file checked, for the junit renderer.
    pub files: Vec<String>,
    /// The diagnostics point at no line: about a record a command would have written and
    /// did not (the file on disk is as it was), or a file with no text to show.
    pub unwritten: bool,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Sorts diagnostics by file, line, column, then rule, so output is stable.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.rule, &a.message).cmp(&(&b.file, b.line, b.column, &b.rule, &b.message))
        });
    }
}

/// rustc-style: the rule, the file and line, the source line underlined, the policy
/// paragraph, and a hint.
pub fn render_human(report: &CheckReport, out: &mut dyn WriteColor) -> io::Result<()> {
    render_diagnostics(report, out)?;
    let (e, w) = (report.errors(), report.warnings());
    let verdict = if e == 0 { "passed" } else { "failed" };
    writeln!(
        out,
        "check {verdict}: {} case{} checked, {e} error{}, {w} warning{} (as of {})",
        report.cases,
        plural(report.cases),
        plural(e),
        plural(w),
        report.today
    )
}

/// The diagnostics alone, rustc-style, without the closing summary line.
pub fn render_diagnostics(report: &CheckReport, out: &mut dyn WriteColor) -> io::Result<()> {
    let mut files = SimpleFiles::new();
    let mut ids = BTreeMap::new();
    for (path, src) in &report.sources {
        let text = crate::source::printable_same_width(src.text.as_str()).into_owned();
        ids.insert(
            path.clone(),
            files.add(crate::source::printable(path).into_owned(), text),
        );
    }
    let config = term::Config::default();
    for d in &report.diagnostics {
        let mut notes = Vec::new();
        if let Some(r) = &d.policy_ref {
            match report.rule_sources.get(d.rule.as_str()) {
                Some(src) => notes.push(format!("policy: {r} ({src})")),
                None => notes.push(format!("policy: {r}")),
            }
        }
        if let Some(h) = &d.hint {
            notes.push(format!("hint: {}", crate::source::printable_line(h)));
        }
        let message = crate::source::printable_line(&d.message);
        let base = match d.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        };
        if d.brief {
            // One line: where, what, and what to do.
            let hint = d.hint.as_deref().map(crate::source::printable_line).unwrap_or_default();
            writeln!(
                out,
                "{}[{}]: {message} ({}:{}); {hint}",
                d.severity.as_str(),
                d.rule,
                crate::source::printable(&d.file),
                d.line
            )?;
            continue;
        }
        let mut rep = base.with_code(&d.rule).with_message(message.as_ref()).with_notes(notes);
        match (ids.get(&d.file), &d.span) {
            (Some(id), Some(span)) => {
                rep = rep.with_labels(vec![Label::primary(*id, span.clone())]);
                if term::emit_to_write_style(out, &config, &files, &rep).is_err() {
                    // A span that no longer fits its file: fall back to the location line.
                    writeln!(
                        out,
                        "{}[{}]: {}\n  --> {}:{}:{}",
                        d.severity.as_str(),
                        d.rule,
                        message,
                        crate::source::printable(&d.file),
                        d.line,
                        d.column
                    )?;
                }
            }
            _ if report.unwritten => {
                let mut buf = String::new();
                term::emit_to_string(&mut buf, &config, &SimpleFiles::<String, String>::new(), &rep)
                    .map_err(io::Error::other)?;
                write!(out, "{buf}")?;
            }
            _ => {
                // No text to show (unreadable file): print the location rustc-style.
                let mut buf = String::new();
                term::emit_to_string(&mut buf, &config, &SimpleFiles::<String, String>::new(), &rep)
                    .map_err(io::Error::other)?;
                let mut lines = buf.lines();
                if let Some(head) = lines.next() {
                    writeln!(out, "{head}")?;
                }
                writeln!(
                    out,
                    "  --> {}:{}:{}",
                    crate::source::printable(&d.file),
                    d.line,
                    d.column
                )?;
                for l in lines {
                    writeln!(out, "{l}")?;
                }
            }
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    today: &'a str,
    cases: usize,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

pub fn render_json(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let j = JsonReport {
        today: &report.today,
        cases: report.cases,
        errors: report.errors(),
        warnings: report.warnings(),
        diagnostics: &report.diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &j)?;
    writeln!(out)
}

/// GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=RULE::message`.
pub fn render_github(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(r) = &d.policy_ref {
            message.push_str(&format!(" (policy: {r})"));
        }
        if let Some(h) = &d.hint {
            message.push_str(&format!(" Hint: {h}"));
        }
        writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            github_property(&d.file),
            d.line,
            d.column,
            github_property(&d.rule),
            github_data(&message)
        )?;
    }
    Ok(())
}

fn github_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// JUnit XML: one test case per case file, failing with each error (warnings as output).
pub fn render_junit(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for f in &report.files {
        by_file.entry(f.as_str()).or_default();
    }
    for d in &report.diagnostics {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let failures = by_file
        .values()
        .filter(|ds| ds.iter().any(|d| d.severity == Severity::Error))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="cme check" tests="{}" failures="{failures}">"#,
        by_file.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="cme check" tests="{}" failures="{failures}" errors="0" timestamp="{}">"#,
        by_file.len(),
        xml(&report.today)
    )?;
    for (file, ds) in &by_file {
        writeln!(
            out,
            r#"    <testcase classname="cme.check" name="{}" file="{}">"#,
            xml(file),
            xml(file)
        )?;
        for d in ds.iter().filter(|d| d.severity == Severity::Error) {
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}:{}:{} {}{}</failure>"#,
                xml(&d.rule),
                xml(&d.message),
                xml(&d.file),
                d.line,
                d.column,
                xml(&d.message),
                d.policy_ref
                    .as_deref()
                    .map(|r| format!(" (policy: {})", xml(r)))
                    .unwrap_or_default()
            )?;
        }
        let warnings: Vec<String> = ds
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| format!("warning[{}] {}:{}:{} {}", d.rule, d.file, d.line, d.column, d.message))
            .collect();
        if !warnings.is_empty() {
            writeln!(out, "      <system-out>{}</system-out>", xml(&warnings.join("\n")))?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>\n</testsuites>")
}

/// Escapes text for XML, dropping characters XML 1.0 cannot hold.
fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\t' | '\n' | '\r' => o.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CheckReport {
        let src = Arc::new(SourceFile::new(
            "cases/2026/EXC-2026-0001.toml",
            "id = \"x\"\nupn = \"A1\"\n",
        ));
        let d = Diagnostic::place(
            Finding::new(
                "COM-UPN",
                Severity::Error,
                Some(15..19),
                "a UPN has 13 characters, this one has 2",
            )
            .hint("copy it again"),
            &src,
            Some("EXC-2026-0001"),
            None,
        );
        let mut r = CheckReport {
            today: "2026-11-22".into(),
            cases: 1,
            diagnostics: vec![d],
            ..Default::default()
        };
        r.files.push(src.path.clone());
        r.sources.insert(src.path.clone(), src);
        r
    }

    #[test]
    fn human_points_at_the_line() {
        let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        render_human(&sample(), &mut out).unwrap();
        let text = String::from_utf8(out.into_inner()).unwrap();
        assert!(text.contains("error[COM-UPN]: a UPN has 13 characters"), "{text}");
        assert!(text.contains("cases/2026/EXC-2026-0001.toml:2:7"), "{text}");
        assert!(text.contains("hint: copy it again"), "{text}");
        assert!(text.contains("1 error"), "{text}");
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let mut r = sample();
        r.diagnostics[0].message = "50% done\nnext: line".into();
        let mut out = Vec::new();
        render_github(&r, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "::error file=cases/2026/EXC-2026-0001.toml,line=2,col=7,title=COM-UPN::50%25 done%0Anext: line Hint: copy it again\n"
        );
    }

    #[test]
    fn junit_fails_the_file_with_errors() {
        let mut out = Vec::new();
        render_junit(&sample(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r#"failures="1""#));
        assert!(text.contains(r#"<failure type="COM-UPN""#));
    }
}
