//! Markdown to safe HTML: officers' notes (no raw HTML, no scripts, no remote images, only
//! http, https and mailto links) and the policy text (with stable anchors).

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use std::collections::HashSet;

/// An officer's note: Markdown rendered, then sanitised. Raw HTML in the note is shown as
/// text; images are dropped (their alt text kept); links open nothing but web and mail.
pub fn note(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        // Raw HTML is never rendered: show it as the text it is.
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut raw = String::new();
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .rm_tags(["img"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

/// A heading of the policy text, for a table of contents.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The policy text: headings keep their `{#id}`; a paragraph that starts with its number in
/// bold (`**10.3** ...`) gets that number as its id, so `policy_ref`s land on it.
/// The policy text split into its title (the first level-1 heading, left out of the HTML so
/// the page can place it) and the rest.
pub fn policy_parts(markdown: &str) -> (Option<String>, String, Vec<Heading>) {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, opts)
        .map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            other => other,
        })
        .collect();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut headings = Vec::new();
    let mut i = 0;
    let mut title = None;
    if let Some(Event::Start(Tag::Heading {
        level: HeadingLevel::H1,
        ..
    })) = events.first()
    {
        let end = events
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
            .unwrap_or(0);
        title = Some(
            events[1..end]
                .iter()
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect::<String>(),
        );
        i = end + 1;
    }
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Paragraph) => {
                if let (Some(Event::Start(Tag::Strong)), Some(Event::Text(t)), Some(Event::End(TagEnd::Strong))) =
                    (events.get(i + 1), events.get(i + 2), events.get(i + 3))
                    && crate::pack::text_paragraph_number(&format!("**{t}**")).is_some()
                {
                    out.push(Event::Html(CowStr::from(format!(
                        "<p id=\"{}\"><a class=\"cme-para\" href=\"#{}\">{}</a>",
                        t, t, t
                    ))));
                    i += 4;
                    continue;
                }
                out.push(events[i].clone());
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                let text: String = events[i + 1..]
                    .iter()
                    .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                if let Some(id) = id {
                    headings.push(Heading {
                        level: heading_level(*level),
                        id: id.to_string(),
                        text,
                    });
                }
                out.push(events[i].clone());
            }
            _ => out.push(events[i].clone()),
        }
        i += 1;
    }
    let mut raw = String::new();
    html::push_html(&mut raw, out.into_iter());
    let clean = ammonia::Builder::default()
        .add_generic_attributes(["id"])
        .add_tag_attributes("a", ["class"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"))
        .id_prefix(None)
        .clean(&raw)
        .to_string();
    (title, clean, headings)
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_inert() {
        let html = note(
            "Hi <script>alert(1)</script> [x](javascript:alert(1)) ![p](https://evil.example/p.png) <img src=x onerror=alert(1)> [ok](https://www.gov.uk)",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "raw HTML shown as text: {html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("evil.example"), "{html}");
        assert!(html.contains(r#"href="https://www.gov.uk""#), "{html}");
        assert!(html.contains("noopener"), "{html}");
    }

    #[test]
    fn data_urls_are_dropped() {
        let html = note("[x](data:text/html;base64,PHNjcmlwdD4=)");
        assert!(!html.contains("data:"), "{html}");
    }

    #[test]
    fn policy_anchors() {
        let (title, html, headings) =
            policy_parts("# The policy\n\n## Outcomes {#outcomes}\n\n**10.3** The form.\n\nPlain **bold** text.\n");
        assert_eq!(title.as_deref(), Some("The policy"));
        assert!(!html.contains("<h1"), "the title is placed by the page");
        assert!(html.contains(r#"<h2 id="outcomes">"#), "{html}");
        assert!(html.contains(r#"<p id="10.3">"#), "{html}");
        assert_eq!(headings[0].id, "outcomes");
        assert_eq!(headings[0].text, "Outcomes");
    }
}
