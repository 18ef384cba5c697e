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

/// A TOML document being written, a line at a time.
pub struct Out(String);

impl Out {
    /// A text value, quoted and escaped.
    pub fn text(&mut self, k: &str, v: &str) {
        let _ = writeln!(self.0, "{k} = {}", q(v));
    }
    /// A date, number or true/false, as TOML writes it bare.
    pub fn raw(&mut self, k: &str, v: impl std::fmt::Display) {
        let _ = writeln!(self.0, "{k} = {v}");
    }
    pub fn list(&mut self, k: &str, v: &[String]) {
        if !v.is_empty() {
            let items: Vec<String> = v.iter().map(|x| q(x)).collect();
            let _ = writeln!(self.0, "{k} = [{}]", items.join(", "));
        }
    }
    /// A table's header, after a blank line.
    pub fn header(&mut self, h: &str) {
        let _ = writeln!(self.0, "\n{h}");
    }
}

/// The case as a TOML document, in the order the record's description gives.
pub fn to_toml(c: &Case) -> String {
    let mut o = Out(String::with_capacity(2048));
    c.write_fields(&mut o);
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
