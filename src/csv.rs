//! CSV as officers open it in a spreadsheet: RFC 4180 quoting, CRLF line ends, and no cell a
//! spreadsheet would run as a formula.

/// One cell, quoted when it must be, and never read as a formula.
pub fn cell(s: &str) -> String {
    // A spreadsheet runs a cell that starts with one of these as a formula.
    // A cell of a lone "-" (no figure) is text to a spreadsheet, and left as it is.
    let s = if s != "-" && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A table: its header and rows, each line ended CRLF.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        for hostile in ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            let c = cell(hostile);
            assert!(c.starts_with("'") || c.starts_with("\"'"), "{hostile:?} -> {c:?}");
        }
        assert_eq!(cell("12"), "12", "numbers are left as they are");
        assert_eq!(cell("-"), "-", "no figure");
        assert_eq!(
            table(&["a", "b"], vec![vec!["1".into(), "x,y".into()]]),
            "a,b\r\n1,\"x,y\"\r\n"
        );
    }
}
