//! A file's text with a line index, so byte spans become line and column numbers.

use std::ops::Range;

/// One file the tool read, named by its path relative to the repository root (with `/`).
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        (line + 1, column)
    }

    /// Byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The span of a whole 1-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Range<usize> {
        let start = self.line_start(line);
        let end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile::new("x.toml", "a = 1\nnamé = \"x\"\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        // 'é' is two bytes; the '=' after "namé " is the 6th character.
        assert_eq!(f.line_col(12), (2, 6));
        assert_eq!(f.line_span(2), 6..17);
    }
}

/// Characters a terminal acts on rather than shows: the C0 controls but tab, line feed and
/// carriage return (ESC starts the sequences that recolour, move or retitle a terminal),
/// DEL and the C1 controls. (Right-to-left text and its marks are text: the site isolates
/// it.)
pub fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Text for a terminal: each control character written as an escape (`\u{1b}`), so a record
/// or a commit message cannot act on the officer's terminal.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s, false)
}

/// Text for one line of a terminal: [`printable`], with line breaks escaped too, so that a
/// value cannot start a line of its own (a made-up entry of `cme history`, a row of the
/// work queue).
pub fn printable_line(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, breaks: bool) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| is_control(c) || (breaks && (c == '\n' || c == '\r'));
    if !s.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' if breaks => "\\n".to_string(),
                '\r' if breaks => "\\r".to_string(),
                c if escaped(c) => format!("\\u{{{:x}}}", c as u32),
                c => c.to_string(),
            })
            .collect(),
    )
}

/// The same text with each control character replaced by as many `?` as it takes bytes, so
/// that byte offsets (spans) still point at the same places.
pub fn printable_same_width(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if is_control(c) {
                    "?".repeat(c.len_utf8())
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod control_tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped_and_spans_still_fit() {
        let hostile = "Ava\u{1b}[2J\u{7}\u{9b}x";
        assert_eq!(printable(hostile), "Ava\\u{1b}[2J\\u{7}\\u{9b}x");
        let same = printable_same_width(hostile);
        assert_eq!(same.len(), hostile.len());
        assert!(!same.chars().any(is_control));
        assert_eq!(printable("line one\n\tline two"), "line one\n\tline two");
        assert_eq!(
            printable_line("fixed\n\n2026-11-29  Carys\rX"),
            "fixed\\n\\n2026-11-29  Carys\\rX"
        );
    }
}
