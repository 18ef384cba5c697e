//! A case written out as TOML in the canonical layout (the order `case-format.md` shows).
//! Used where the tool writes a whole new file; edits of existing files keep the officer's
//! layout instead.

use super::*;
use std::fmt::Write;

fn q(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(o, "\\u{:04X}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

struct Out(String);

impl Out {
    fn s(&mut self, k: &str, v: &str) {
        let _ = writeln!(self.0, "{k} = {}", q(v));
    }
    fn os(&mut self, k: &str, v: &Option<String>) {
        if let Some(v) = v {
            self.s(k, v);
        }
    }
    fn d(&mut self, k: &str, v: NaiveDate) {
        let _ = writeln!(self.0, "{k} = {v}");
    }
    fn od(&mut self, k: &str, v: Option<NaiveDate>) {
        if let Some(v) = v {
            self.d(k, v);
        }
    }
    fn w(&mut self, k: &str, v: impl Vocabulary) {
        self.s(k, v.as_str());
    }
    fn list(&mut self, k: &str, v: &[String]) {
        if !v.is_empty() {
            let items: Vec<String> = v.iter().map(|x| q(x)).collect();
            let _ = writeln!(self.0, "{k} = [{}]", items.join(", "));
        }
    }
    fn header(&mut self, h: &str) {
        let _ = writeln!(self.0, "\n{h}");
    }
}

/// The case as a TOML document.
pub fn to_toml(c: &Case) -> String {
    let mut o = Out(String::with_capacity(2048));
    let _ = writeln!(o.0, "format = {}", c.format);
    o.s("id", &c.id);
    o.w("status", c.status);
    o.header("[child]");
    o.s("given_name", &c.child.given_name);
    o.s("family_name", &c.child.family_name);
    o.d("date_of_birth", c.child.date_of_birth);
    o.os("upn", &c.child.upn);
    if let Some(g) = c.child.gender {
        o.w("gender", g);
    }
    o.os("last_known_address", &c.child.last_known_address);
    o.w("whereabouts", c.child.whereabouts);
    o.list("vulnerabilities", &c.child.vulnerabilities);
    let r = &c.referral;
    o.header("[referral]");
    o.d("received", r.received);
    o.w("source", r.source);
    o.os("referrer", &r.referrer);
    o.w("reason", r.reason);
    o.os("assigned_to", &r.assigned_to);
    o.od("assigned_on", r.assigned_on);
    o.os("duplicate_reason", &r.duplicate_reason);
    if let Some(s) = &c.school {
        o.header("[school]");
        o.s("name", &s.name);
        o.os("urn", &s.urn);
        if let Some(b) = s.in_area {
            let _ = writeln!(o.0, "in_area = {b}");
        }
        o.od("last_attended", s.last_attended);
        o.od("removed_from_roll", s.removed_from_roll);
        o.os("leaving_ground", &s.leaving_ground);
        o.os("destination", &s.destination);
        if let Some(b) = s.destination_in_area {
            let _ = writeln!(o.0, "destination_in_area = {b}");
        }
        o.od("notified_la", s.notified_la);
        o.list("documents", &s.documents);
        o.od("missing_ctf_uploaded", s.missing_ctf_uploaded);
    }
    if let Some(s) = &c.social_care {
        o.header("[social_care]");
        let _ = writeln!(o.0, "open = {}", s.open);
        o.os("social_worker", &s.social_worker);
        o.od("contacted_on", s.contacted_on);
    }
    for a in &c.actions {
        o.header("[[action]]");
        o.d("date", a.date);
        o.w("kind", a.kind);
        o.s("by", &a.by);
        o.os("check", &a.check);
        o.os("to", &a.to);
        o.os("outcome", &a.outcome);
        o.os("note", &a.note);
    }
    for rv in &c.reviews {
        o.header("[[review]]");
        o.d("date", rv.date);
        if let Some(n) = rv.cme_score {
            let _ = writeln!(o.0, "cme_score = {n}");
        }
        if let Some(n) = rv.safeguarding_score {
            let _ = writeln!(o.0, "safeguarding_score = {n}");
        }
        if let Some(d) = rv.decision {
            o.w("decision", d);
        }
        o.os("signed_off_by", &rv.signed_off_by);
        o.os("comments", &rv.comments);
    }
    if let Some(cl) = &c.closure {
        o.header("[closure]");
        o.d("date", cl.date);
        o.w("outcome", cl.outcome);
        o.os("school", &cl.school);
        o.od("admitted_on", cl.admitted_on);
        o.od("joiner_notified", cl.joiner_notified);
        o.os("authority", &cl.authority);
        o.od("confirmation_received", cl.confirmation_received);
        o.od("lost_pupils_uploaded", cl.lost_pupils_uploaded);
        o.od("mash_referral", cl.mash_referral);
        o.os("note", &cl.note);
    }
    for ro in &c.reopened {
        o.header("[[reopened]]");
        o.d("date", ro.date);
        o.s("reason", &ro.reason);
        o.d("closed_on", ro.closed_on);
        o.w("closed_outcome", ro.closed_outcome);
    }
    o.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_case_round_trips() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for e in walkdir::WalkDir::new(root.join("cases")) {
            let e = e.unwrap();
            if e.path().extension().is_none_or(|x| x != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            let (case, _, problems) = decode_case(&text);
            assert!(problems.is_empty());
            let case = case.unwrap();
            let (again, _, problems) = decode_case(&to_toml(&case));
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(again.unwrap(), case, "{}", e.path().display());
        }
    }

    #[test]
    fn strings_are_escaped() {
        let s = q("a \"b\" \\ c\nd\u{1}");
        assert_eq!(s, r#""a \"b\" \\ c\nd\u0001""#);
    }
}
