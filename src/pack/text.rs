//! The anchors a pack's Markdown text defines, which `policy_ref`s point at.
//!
//! Two kinds: headings with an explicit id (`## Outcomes {#outcomes}`), and numbered
//! paragraphs that start with their number in bold (`**10.3** Using the review form ...`),
//! whose anchor is the number (`10.3`).

/// Every anchor the text defines, in order.
pub fn anchors(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in markdown.lines() {
        let line = line.trim_start();
        if line.starts_with('#') {
            if let Some(open) = line.rfind("{#")
                && let Some(len) = line[open..].find('}')
            {
                out.push(line[open + 2..open + len].trim().to_string());
            }
        } else if let Some(num) = paragraph_number(line) {
            out.push(num.to_string());
        }
    }
    out
}

/// The number of a paragraph written `**10.3** ...`.
pub fn paragraph_number(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("**")?;
    let end = rest.find("**")?;
    let num = &rest[..end];
    let ok = !num.is_empty()
        && num.starts_with(|c: char| c.is_ascii_digit())
        && num.chars().all(|c| c.is_ascii_digit() || c == '.');
    ok.then_some(num)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_heading_ids_and_numbered_paragraphs() {
        let md = "# Policy {#top}\n\n## Outcomes {#outcomes}\n\n**10.3** Using the form.\n\n**Note** not numbered.\n";
        assert_eq!(anchors(md), vec!["top", "outcomes", "10.3"]);
    }
}
