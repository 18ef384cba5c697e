//! Charts drawn on the server as accessible SVG: a title and description for assistive
//! technology, every value written beside its bar, and the table beside it as the text
//! alternative. No script, no external font.

use std::fmt::Write;

pub struct Bar {
    pub label: String,
    pub value: f64,
    /// What to write instead of the value (a suppressed count).
    pub text: Option<String>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Horizontal bars: one row per category.
pub fn bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let row = 26;
    let label_w = 260;
    let plot_w = 360;
    let height = 30 + row * bars.len().max(1);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="cme-chart" id="{id}" viewBox="0 0 {w} {height}" width="{w}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>"#,
        w = label_w + plot_w + 60,
        t = esc(title),
        d = esc(desc)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 10 + i * row;
        let w = (b.value / max * plot_w as f64).round() as usize;
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ty}" text-anchor="end" class="cme-chart-label">{label}</text><rect x="{x}" y="{y}" width="{w}" height="18" class="cme-chart-bar"/><text x="{vx}" y="{ty}" class="cme-chart-value">{v}</text>"#,
            lx = label_w - 8,
            ty = y + 14,
            label = esc(&b.label),
            x = label_w,
            vx = label_w + w + 6,
            v = esc(&b.text.clone().unwrap_or_else(|| fmt_value(b.value)))
        );
    }
    s.push_str("</svg>");
    s
}

/// Vertical columns: one per period, in order.
pub fn columns(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let col = 28;
    let plot_h = 160;
    let width = 50 + col * bars.len().max(1);
    let height = plot_h + 80;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="cme-chart" id="{id}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc><line x1="40" y1="{base}" x2="{width}" y2="{base}" class="cme-chart-axis"/>"#,
        t = esc(title),
        d = esc(desc),
        base = plot_h + 20
    );
    for (i, b) in bars.iter().enumerate() {
        let x = 44 + i * col;
        let h = (b.value / max * plot_h as f64).round() as usize;
        let y = plot_h + 20 - h;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{y}" width="20" height="{h}" class="cme-chart-bar"/><text x="{cx}" y="{vy}" text-anchor="middle" class="cme-chart-value">{v}</text><text x="{cx}" y="{ly}" text-anchor="end" transform="rotate(-60 {cx} {ly})" class="cme-chart-label">{label}</text>"#,
            cx = x + 10,
            vy = y.saturating_sub(4).max(10),
            v = esc(&b.text.clone().unwrap_or_else(|| fmt_value(b.value))),
            ly = plot_h + 34,
            label = esc(&b.label)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_labelled_and_escaped() {
        let svg = bars(
            "c1",
            "By <source>",
            "Counts",
            &[
                Bar {
                    label: "a & b".into(),
                    value: 3.0,
                    text: None,
                },
                Bar {
                    label: "small".into(),
                    value: 0.0,
                    text: Some("<5".into()),
                },
            ],
        );
        assert!(svg.contains(">&lt;5</text>"), "a suppressed count is written, escaped");
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"c1-title\">By &lt;source&gt;</title>"));
        assert!(svg.contains("a &amp; b"));
        assert!(svg.contains(">3</text>"));
    }
}
