//! Reading a case file's TOML into a [`Case`], keeping the span of every value and
//! reporting every structural problem of the file at once (COM-SCHEMA).

use super::field::{Field, Record};
use super::vocab::{Vocabulary, nearest};
use super::*;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A structural problem in a case file: always rule COM-SCHEMA.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub path: String,
    pub span: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
    /// The text is not TOML at all: a matter of typing, not of the policy.
    pub syntax: bool,
}

/// Parses and decodes one case file. Returns the case when the file is structurally sound
/// (every required value present with the right type), the spans of everything written,
/// and every problem found.
pub fn decode_case(text: &str) -> (Option<Case>, Spans, Vec<Problem>) {
    let d = decode_case_full(text);
    (d.case, d.spans, d.problems)
}

/// A value the file gives for a field whose ids come from the repository's lists (an
/// officer, a pack's check): kept even when the file does not decode, so that an unknown
/// officer is reported in the same run as the file's other problems.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub path: String,
    pub ids: super::field::Ids,
    pub value: String,
    pub span: Range<usize>,
}

/// Everything read of a case file.
#[derive(Debug, Default)]
pub struct Decoded {
    pub case: Option<Case>,
    /// The case as far as it could be read, when the file has problems but every required
    /// value was found: the rules still run on it, so every problem is said in one run.
    pub partial: Option<Case>,
    pub spans: Spans,
    pub problems: Vec<Problem>,
    pub references: Vec<Reference>,
}

/// [`decode_case`], with the references the file makes.
pub fn decode_case_full(text: &str) -> Decoded {
    let mut d = Decoder::default();
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            d.problems.push(Problem {
                path: String::new(),
                span,
                syntax: true,
                message: format!("this is not valid TOML: {}", e.message().trim_end()),
                hint: Some(
                    "check quotes, brackets and `=` on this line; dates are written without quotes, e.g. 2026-09-01"
                        .into(),
                ),
            });
            return Decoded {
                spans: d.spans,
                problems: d.problems,
                ..Default::default()
            };
        }
    };
    let mut root = Table {
        path: String::new(),
        name: "the file".into(),
        span: 0..0,
        entries: doc.get_ref(),
        known: Vec::new(),
    };
    let case = Case::decode_fields(&mut d, &mut root);
    d.finish(root);
    let (case, partial) = if d.problems.is_empty() {
        (case, None)
    } else {
        (None, case)
    };
    Decoded {
        case,
        partial,
        spans: d.spans,
        problems: d.problems,
        references: d.references,
    }
}

/// Reads a file's tables, keeping every value's span and every problem found.
#[derive(Default)]
pub struct Decoder {
    problems: Vec<Problem>,
    spans: Spans,
    references: Vec<Reference>,
}

/// One table of the file being read.
pub struct Table<'t, 'i> {
    path: String,
    /// How messages name the table: "[child]", "[[action]] 3", "the file".
    name: String,
    span: Range<usize>,
    entries: &'t DeTable<'i>,
    /// The keys the description knows, as they are read.
    pub(super) known: Vec<&'static str>,
}

impl<'t, 'i> Table<'t, 'i> {
    pub(super) fn has(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

impl Decoder {
    fn problem(&mut self, path: String, span: Range<usize>, message: String, hint: Option<String>) {
        self.problems.push(Problem {
            path,
            span,
            message,
            hint,
            syntax: false,
        });
    }

    /// Looks a key up, records it as known and its span.
    fn take<'t, 'i>(
        &mut self,
        t: &mut Table<'t, 'i>,
        key: &'static str,
        required: bool,
    ) -> Option<(&'t Spanned<DeValue<'i>>, String)> {
        t.known.push(key);
        let path = t.child_path(key);
        match t.entries.get_key_value(key) {
            Some((k, v)) => {
                self.spans.insert(path.clone(), Some(k.span()), v.span());
                Some((v, path))
            }
            None => {
                if required {
                    let hint = format!("add a line `{key} = ...` to {}", t.name);
                    self.problem(
                        path,
                        t.span.clone(),
                        format!("{} has no `{key}`, which is required", t.name),
                        Some(hint),
                    );
                }
                None
            }
        }
    }

    fn wrong_type(&mut self, path: String, v: &Spanned<DeValue<'_>>, expected: &str, example: &str) {
        let key = path.rsplit('.').next().unwrap_or(&path).to_string();
        self.problem(
            path,
            v.span(),
            format!("`{key}` must be {expected}, not {}", type_name(v.get_ref())),
            Some(format!("write it as `{key} = {example}`")),
        );
    }

    /// A value read that the description's own check refuses.
    pub(super) fn invalid(&mut self, t: &Table<'_, '_>, key: &str, message: String, hint: String) {
        let path = t.child_path(key);
        let span = self.spans.get(&path).unwrap_or(t.span.clone());
        self.problem(path, span, message, Some(hint));
    }

    pub(super) fn string(&mut self, t: &mut Table<'_, '_>, f: &'static Field, required: bool) -> Option<String> {
        let key = f.name;
        let (v, path) = self.take(t, key, required)?;
        match v.get_ref() {
            DeValue::String(s) if required && s.trim().is_empty() => {
                self.problem(path, v.span(), format!("`{key}` must not be empty"), None);
                None
            }
            DeValue::String(s) if !f.multiline() && s.contains(['\n', '\r']) => {
                self.problem(
                    path,
                    v.span(),
                    format!("`{key}` is one line of text: it contains a line break"),
                    Some("put it on one line (notes, comments and outcomes may run over several lines)".into()),
                );
                None
            }
            DeValue::String(s) if s.chars().any(crate::source::is_control) => {
                let c = s.chars().find(|c| crate::source::is_control(*c)).unwrap_or('\0');
                self.problem(
                    path,
                    v.span(),
                    format!(
                        "`{key}` contains a control character (U+{:04X}), which can change what a terminal or page shows",
                        c as u32
                    ),
                    Some("remove it: retype the text, or paste it as plain text".into()),
                );
                None
            }
            DeValue::String(s) => {
                if let Some(ids) = f.lookup() {
                    self.references.push(Reference {
                        path,
                        ids,
                        value: s.to_string(),
                        span: v.span(),
                    });
                }
                Some(s.to_string())
            }
            _ => {
                self.wrong_type(path, v, "text in quotes", "\"...\"");
                None
            }
        }
    }

    pub(super) fn date(&mut self, t: &mut Table<'_, '_>, f: &'static Field, required: bool) -> Option<NaiveDate> {
        let key = f.name;
        let (v, path) = self.take(t, key, required)?;
        match v.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(date), None, None) => {
                    let day = NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into());
                    if day.is_none() {
                        self.problem(path, v.span(), format!("`{key}` is not a real date"), None);
                    }
                    day
                }
                _ => {
                    self.problem(
                        path,
                        v.span(),
                        format!("`{key}` must be a date alone, without a time of day"),
                        dt.date.map(|d| format!("write `{key} = {d}`")),
                    );
                    None
                }
            },
            DeValue::String(s) => {
                let as_date = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
                let hint = match as_date {
                    Some(d) => format!("remove the quotes: `{key} = {}`", d.format("%Y-%m-%d")),
                    None => format!("write the date as year-month-day without quotes, e.g. `{key} = 2026-09-01`"),
                };
                self.problem(
                    path,
                    v.span(),
                    format!("`{key}` is a date, but it is written as text in quotes"),
                    Some(hint),
                );
                // Read all the same, so the rules can still say what else is wrong.
                as_date
            }
            _ => {
                self.wrong_type(path, v, "a date", "2026-09-01");
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, t: &mut Table<'_, '_>, f: &'static Field, required: bool) -> Option<bool> {
        let (v, path) = self.take(t, f.name, required)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(path, v, "true or false (without quotes)", "true");
                None
            }
        }
    }

    pub(super) fn integer(&mut self, t: &mut Table<'_, '_>, f: &'static Field, required: bool) -> Option<i64> {
        let key = f.name;
        let (v, path) = self.take(t, key, required)?;
        match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.problem(path, v.span(), format!("`{key}` is too large"), None);
                    None
                }
            },
            _ => {
                self.wrong_type(path, v, "a whole number (without quotes)", "1");
                None
            }
        }
    }

    pub(super) fn word<V: Vocabulary>(
        &mut self,
        t: &mut Table<'_, '_>,
        key: &'static str,
        required: bool,
    ) -> Option<V> {
        let (v, path) = self.take(t, key, required)?;
        match v.get_ref() {
            DeValue::String(s) => match V::parse(s) {
                Some(w) => Some(w),
                None => {
                    let hint = match nearest(s, V::NAMES.iter().copied()) {
                        Some(n) => format!(
                            "did you mean \"{n}\"? The {} values are: {}",
                            V::WHAT,
                            V::NAMES.join(", ")
                        ),
                        None => format!("the {} values are: {}", V::WHAT, V::NAMES.join(", ")),
                    };
                    self.problem(
                        path,
                        v.span(),
                        format!("\"{s}\" is not a known {}", V::WHAT),
                        Some(hint),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(
                    path,
                    v,
                    &format!("one of the {} values in quotes", V::WHAT),
                    &format!("\"{}\"", V::NAMES[0]),
                );
                None
            }
        }
    }

    /// A list of strings; absent means empty.
    pub(super) fn strings(&mut self, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Vec<String>> {
        let Some((v, path)) = self.take(t, f.name, false) else {
            return Some(Vec::new());
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(path, v, "a list of texts", "[\"...\"]");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let item_path = super::item(&path, i);
            self.spans.insert(item_path.clone(), None, item.span());
            match item.get_ref() {
                DeValue::String(s) => {
                    if let Some(ids) = f.lookup() {
                        self.references.push(Reference {
                            path: item_path,
                            ids,
                            value: s.to_string(),
                            span: item.span(),
                        });
                    }
                    out.push(s.to_string())
                }
                _ => {
                    ok = false;
                    self.wrong_type(item_path, item, "text in quotes", "\"...\"");
                }
            }
        }
        ok.then_some(out)
    }

    pub(super) fn table<'t, 'i>(
        &mut self,
        t: &mut Table<'t, 'i>,
        key: &'static str,
        required: bool,
    ) -> Option<Table<'t, 'i>> {
        let (v, path) = self.take(t, key, required)?;
        match v.get_ref() {
            DeValue::Table(entries) => Some(Table {
                name: format!("[{path}]"),
                path,
                span: v.span(),
                entries,
                known: Vec::new(),
            }),
            DeValue::Array(_) => {
                self.problem(
                    path.clone(),
                    v.span(),
                    format!("`{key}` must be one table [{path}], not a list [[{path}]]"),
                    Some(format!("write the header with single brackets: [{path}]")),
                );
                None
            }
            _ => {
                self.wrong_type(path, v, "a table", &format!("{{ ... }}` or a [{key}] section`"));
                None
            }
        }
    }

    /// An array of tables (`[[action]]`); absent means empty.
    pub(super) fn tables<'t, 'i>(&mut self, t: &mut Table<'t, 'i>, key: &'static str) -> Option<Vec<Table<'t, 'i>>> {
        let Some((v, path)) = self.take(t, key, false) else {
            return Some(Vec::new());
        };
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    let item_path = super::item(&path, i);
                    self.spans.insert(item_path.clone(), None, item.span());
                    match item.get_ref() {
                        DeValue::Table(entries) => out.push(Table {
                            name: format!("[[{key}]] number {}", i + 1),
                            path: item_path,
                            span: item.span(),
                            entries,
                            known: Vec::new(),
                        }),
                        _ => {
                            ok = false;
                            self.wrong_type(item_path, item, "a table", "{ ... }");
                        }
                    }
                }
                ok.then_some(out)
            }
            DeValue::Table(_) => {
                self.problem(
                    path.clone(),
                    v.span(),
                    format!("`{key}` is a list: each entry starts with [[{key}]], not [{key}]"),
                    Some(format!("write the header with double brackets: [[{key}]]")),
                );
                None
            }
            _ => {
                self.wrong_type(path, v, "a list of tables", &format!("...` under a [[{key}]] header`"));
                None
            }
        }
    }

    /// Reports every key of the table that the format does not know.
    pub(super) fn finish(&mut self, t: Table<'_, '_>) {
        for (k, _) in t.entries.iter() {
            let key: &str = k.get_ref();
            if t.known.contains(&key) {
                continue;
            }
            let hint = match nearest(key, t.known.iter().copied()) {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("the keys {} may hold are: {}", t.name, t.known.join(", ")),
            };
            self.problem(
                t.child_path(key),
                k.span(),
                format!("unknown key `{key}` in {}", t.name),
                Some(hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"format = 1
id = "EXC-2026-0042"
status = "open"

[child]
given_name = "Ava"
family_name = "Example"
date_of_birth = 2014-05-14
whereabouts = "unknown"
vulnerabilities = ["young-carer"]

[referral]
received = 2026-09-01
source = "school"
reason = "moved-unknown-school"

[[action]]
date = 2026-09-05
kind = "home-visit"
by = "asmith"
"#;

    #[test]
    fn decodes_a_sound_file_with_spans() {
        let (case, spans, problems) = decode_case(GOOD);
        assert_eq!(problems, vec![]);
        let case = case.unwrap();
        assert_eq!(case.child.date_of_birth, NaiveDate::from_ymd_opt(2014, 5, 14).unwrap());
        assert_eq!(case.actions[0].kind, ActionKind::HomeVisit);
        let s = spans.get("action[1].by").unwrap();
        assert_eq!(&GOOD[s], "\"asmith\"");
        let s = spans.get("child.vulnerabilities[1]").unwrap();
        assert_eq!(&GOOD[s], "\"young-carer\"");
    }

    #[test]
    fn reports_every_problem_with_a_suggestion() {
        let bad = GOOD
            .replace("date_of_birth = 2014-05-14", "date_of_brith = 2014-05-14")
            .replace("\"unknown\"", "\"unkown\"")
            .replace("received = 2026-09-01", "received = \"2026-09-01\"");
        let (case, _, problems) = decode_case(&bad);
        assert!(case.is_none());
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("has no `date_of_birth`")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("unknown key `date_of_brith`")));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("\"unkown\" is not a known whereabouts"))
        );
        assert!(messages.iter().any(|m| m.contains("written as text in quotes")));
        let typo = problems.iter().find(|p| p.message.contains("date_of_brith")).unwrap();
        assert_eq!(typo.hint.as_deref(), Some("did you mean `date_of_birth`?"));
    }

    #[test]
    fn single_bracket_action_is_explained() {
        let bad = GOOD.replace("[[action]]", "[action]");
        let (_, _, problems) = decode_case(&bad);
        assert!(problems[0].message.contains("not [action]"), "{problems:?}");
    }

    #[test]
    fn syntax_errors_have_a_span() {
        let (case, _, problems) = decode_case("format = 1\nid = \"x\nstatus = \"open\"\n");
        assert!(case.is_none());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.starts_with("this is not valid TOML"));
    }
}
