//! Reading a case file's TOML into a [`Case`], keeping the span of every value and
//! reporting every structural problem of the file at once (COM-SCHEMA).

use super::vocab::{Vocabulary, nearest};
use super::*;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The text fields that may run over several lines; every other one is one line.
const MULTILINE: &[&str] = &[
    "note",
    "comments",
    "outcome",
    "reason",
    "duplicate_reason",
    "last_known_address",
];

/// A structural problem in a case file: always rule COM-SCHEMA.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub path: String,
    pub span: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
}

/// Parses and decodes one case file. Returns the case when the file is structurally sound
/// (every required value present with the right type), the spans of everything written,
/// and every problem found.
pub fn decode_case(text: &str) -> (Option<Case>, Spans, Vec<Problem>) {
    let mut d = Decoder::default();
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            d.problems.push(Problem {
                path: String::new(),
                span,
                message: format!("this is not valid TOML: {}", e.message().trim_end()),
                hint: Some(
                    "check quotes, brackets and `=` on this line; dates are written without quotes, e.g. 2026-09-01"
                        .into(),
                ),
            });
            return (None, d.spans, d.problems);
        }
    };
    let mut root = Table {
        path: String::new(),
        name: "the file".into(),
        span: 0..0,
        entries: doc.get_ref(),
        known: Vec::new(),
    };
    let case = d.case(&mut root);
    d.finish(root);
    let case = if d.problems.is_empty() { case } else { None };
    (case, d.spans, d.problems)
}

#[derive(Default)]
struct Decoder {
    problems: Vec<Problem>,
    spans: Spans,
}

struct Table<'t, 'i> {
    path: String,
    /// How messages name the table: "[child]", "[[action]] 3", "the file".
    name: String,
    span: Range<usize>,
    entries: &'t DeTable<'i>,
    known: Vec<&'static str>,
}

impl<'t, 'i> Table<'t, 'i> {
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

    fn string(&mut self, t: &mut Table<'_, '_>, key: &'static str, required: bool) -> Option<String> {
        let (v, path) = self.take(t, key, required)?;
        match v.get_ref() {
            DeValue::String(s) if required && s.trim().is_empty() => {
                self.problem(path, v.span(), format!("`{key}` must not be empty"), None);
                None
            }
            DeValue::String(s) if !MULTILINE.contains(&key) && s.contains(['\n', '\r']) => {
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
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.wrong_type(path, v, "text in quotes", "\"...\"");
                None
            }
        }
    }

    fn date(&mut self, t: &mut Table<'_, '_>, key: &'static str, required: bool) -> Option<NaiveDate> {
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
                None
            }
            _ => {
                self.wrong_type(path, v, "a date", "2026-09-01");
                None
            }
        }
    }

    fn boolean(&mut self, t: &mut Table<'_, '_>, key: &'static str, required: bool) -> Option<bool> {
        let (v, path) = self.take(t, key, required)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(path, v, "true or false (without quotes)", "true");
                None
            }
        }
    }

    fn integer(&mut self, t: &mut Table<'_, '_>, key: &'static str, required: bool) -> Option<i64> {
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

    fn word<V: Vocabulary>(&mut self, t: &mut Table<'_, '_>, key: &'static str, required: bool) -> Option<V> {
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
    fn strings(&mut self, t: &mut Table<'_, '_>, key: &'static str) -> Option<Vec<String>> {
        let Some((v, path)) = self.take(t, key, false) else {
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
                DeValue::String(s) => out.push(s.to_string()),
                _ => {
                    ok = false;
                    self.wrong_type(item_path, item, "text in quotes", "\"...\"");
                }
            }
        }
        ok.then_some(out)
    }

    fn table<'t, 'i>(&mut self, t: &mut Table<'t, 'i>, key: &'static str, required: bool) -> Option<Table<'t, 'i>> {
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
    fn tables<'t, 'i>(&mut self, t: &mut Table<'t, 'i>, key: &'static str) -> Option<Vec<Table<'t, 'i>>> {
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
    fn finish(&mut self, t: Table<'_, '_>) {
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

    fn case(&mut self, root: &mut Table<'_, '_>) -> Option<Case> {
        let format = self.integer(root, "format", true);
        if let Some(f) = format
            && f != FORMAT_VERSION
        {
            let span = self.spans.get("format").unwrap_or(0..0);
            self.problem(
                "format".into(),
                span,
                format!("format {f} is not one this version of cme reads (it reads format {FORMAT_VERSION})"),
                Some("write `format = 1`, or upgrade cme".into()),
            );
        }
        let id = self.string(root, "id", true);
        let status = self.word::<Status>(root, "status", true);
        let child = self.table(root, "child", true).and_then(|mut t| {
            let c = self.child(&mut t);
            self.finish(t);
            c
        });
        let referral = self.table(root, "referral", true).and_then(|mut t| {
            let r = self.referral(&mut t);
            self.finish(t);
            r
        });
        let school = self.optional_table(root, "school", Self::school);
        let social_care = self.optional_table(root, "social_care", Self::social_care);
        let actions = self.table_list(root, "action", Self::action);
        let reviews = self.table_list(root, "review", Self::review);
        let closure = self.optional_table(root, "closure", Self::closure);
        let reopened = self.table_list(root, "reopened", Self::reopening);
        Some(Case {
            format: format?,
            id: id?,
            status: status?,
            child: child?,
            referral: referral?,
            school: school?,
            social_care: social_care?,
            actions: actions?,
            reviews: reviews?,
            closure: closure?,
            reopened: reopened?,
        })
    }

    /// Decodes an optional section: `Some(None)` when absent, `None` when broken.
    fn optional_table<T>(
        &mut self,
        root: &mut Table<'_, '_>,
        key: &'static str,
        f: fn(&mut Self, &mut Table<'_, '_>) -> Option<T>,
    ) -> Option<Option<T>> {
        if !root.entries.contains_key(key) {
            root.known.push(key);
            return Some(None);
        }
        let mut t = self.table(root, key, false)?;
        let v = f(self, &mut t);
        self.finish(t);
        v.map(Some)
    }

    fn table_list<T>(
        &mut self,
        root: &mut Table<'_, '_>,
        key: &'static str,
        f: fn(&mut Self, &mut Table<'_, '_>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let tables = self.tables(root, key)?;
        let mut out = Vec::with_capacity(tables.len());
        let mut ok = true;
        for mut t in tables {
            match f(self, &mut t) {
                Some(v) => out.push(v),
                None => ok = false,
            }
            self.finish(t);
        }
        ok.then_some(out)
    }

    fn child(&mut self, t: &mut Table<'_, '_>) -> Option<Child> {
        let given_name = self.string(t, "given_name", true);
        let family_name = self.string(t, "family_name", true);
        let date_of_birth = self.date(t, "date_of_birth", true);
        let upn = self.string(t, "upn", false);
        let gender = self.word(t, "gender", false);
        let last_known_address = self.string(t, "last_known_address", false);
        let whereabouts = self.word(t, "whereabouts", true);
        let vulnerabilities = self.strings(t, "vulnerabilities");
        Some(Child {
            given_name: given_name?,
            family_name: family_name?,
            date_of_birth: date_of_birth?,
            upn,
            gender,
            last_known_address,
            whereabouts: whereabouts?,
            vulnerabilities: vulnerabilities?,
        })
    }

    fn referral(&mut self, t: &mut Table<'_, '_>) -> Option<Referral> {
        let received = self.date(t, "received", true);
        let source = self.word(t, "source", true);
        let referrer = self.string(t, "referrer", false);
        let reason = self.word(t, "reason", true);
        let assigned_to = self.string(t, "assigned_to", false);
        let assigned_on = self.date(t, "assigned_on", false);
        let duplicate_reason = self.string(t, "duplicate_reason", false);
        Some(Referral {
            received: received?,
            source: source?,
            referrer,
            reason: reason?,
            assigned_to,
            assigned_on,
            duplicate_reason,
        })
    }

    fn school(&mut self, t: &mut Table<'_, '_>) -> Option<School> {
        let name = self.string(t, "name", true);
        let urn = self.string(t, "urn", false);
        if let Some(u) = &urn
            && !(u.len() == 6 && u.bytes().all(|b| b.is_ascii_digit()))
        {
            let span = self.spans.get("school.urn").unwrap_or(t.span.clone());
            self.problem(
                "school.urn".into(),
                span,
                format!("a school URN is 6 digits; \"{u}\" is not"),
                Some("copy the URN from Get Information about Schools, or leave `urn` out".into()),
            );
        }
        let in_area = self.boolean(t, "in_area", false);
        let last_attended = self.date(t, "last_attended", false);
        let removed_from_roll = self.date(t, "removed_from_roll", false);
        let leaving_ground = self.string(t, "leaving_ground", false);
        let destination = self.string(t, "destination", false);
        let destination_in_area = self.boolean(t, "destination_in_area", false);
        let notified_la = self.date(t, "notified_la", false);
        let documents = self.strings(t, "documents");
        let missing_ctf_uploaded = self.date(t, "missing_ctf_uploaded", false);
        Some(School {
            name: name?,
            urn,
            in_area,
            last_attended,
            removed_from_roll,
            leaving_ground,
            destination,
            destination_in_area,
            notified_la,
            documents: documents?,
            missing_ctf_uploaded,
        })
    }

    fn social_care(&mut self, t: &mut Table<'_, '_>) -> Option<SocialCare> {
        let open = self.boolean(t, "open", true);
        let social_worker = self.string(t, "social_worker", false);
        let contacted_on = self.date(t, "contacted_on", false);
        Some(SocialCare {
            open: open?,
            social_worker,
            contacted_on,
        })
    }

    fn action(&mut self, t: &mut Table<'_, '_>) -> Option<Action> {
        let date = self.date(t, "date", true);
        let kind = self.word(t, "kind", true);
        let by = self.string(t, "by", true);
        let check = self.string(t, "check", false);
        let to = self.string(t, "to", false);
        let outcome = self.string(t, "outcome", false);
        let note = self.string(t, "note", false);
        Some(Action {
            date: date?,
            kind: kind?,
            by: by?,
            check,
            to,
            outcome,
            note,
        })
    }

    fn score(&mut self, t: &mut Table<'_, '_>, key: &'static str) -> Option<i64> {
        let n = self.integer(t, key, false)?;
        if !(1..=5).contains(&n) {
            let path = t.child_path(key);
            let span = self.spans.get(&path).unwrap_or(t.span.clone());
            self.problem(
                path,
                span,
                format!("`{key}` is {n}, but scores run from 1 to 5"),
                Some("use the scale on the review form: 1 (lowest) to 5 (highest)".into()),
            );
        }
        Some(n)
    }

    fn review(&mut self, t: &mut Table<'_, '_>) -> Option<Review> {
        let date = self.date(t, "date", true);
        let cme_score = self.score(t, "cme_score");
        let safeguarding_score = self.score(t, "safeguarding_score");
        let decision = self.word(t, "decision", false);
        let signed_off_by = self.string(t, "signed_off_by", false);
        let comments = self.string(t, "comments", false);
        Some(Review {
            date: date?,
            cme_score,
            safeguarding_score,
            decision,
            signed_off_by,
            comments,
        })
    }

    fn closure(&mut self, t: &mut Table<'_, '_>) -> Option<Closure> {
        let date = self.date(t, "date", true);
        let outcome = self.word(t, "outcome", true);
        let school = self.string(t, "school", false);
        let admitted_on = self.date(t, "admitted_on", false);
        let joiner_notified = self.date(t, "joiner_notified", false);
        let authority = self.string(t, "authority", false);
        let confirmation_received = self.date(t, "confirmation_received", false);
        let lost_pupils_uploaded = self.date(t, "lost_pupils_uploaded", false);
        let mash_referral = self.date(t, "mash_referral", false);
        let note = self.string(t, "note", false);
        Some(Closure {
            date: date?,
            outcome: outcome?,
            school,
            admitted_on,
            joiner_notified,
            authority,
            confirmation_received,
            lost_pupils_uploaded,
            mash_referral,
            note,
        })
    }

    fn reopening(&mut self, t: &mut Table<'_, '_>) -> Option<Reopening> {
        let date = self.date(t, "date", true);
        let reason = self.string(t, "reason", true);
        let closed_on = self.date(t, "closed_on", true);
        let closed_outcome = self.word(t, "closed_outcome", true);
        Some(Reopening {
            date: date?,
            reason: reason?,
            closed_on: closed_on?,
            closed_outcome: closed_outcome?,
        })
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
