//! Markdown as the single intermediate: escaping configuration values so they stay text,
//! numbering chapter headings, and the one parse every other format renders from.

use pulldown_cmark::{Event, Options, Parser};

/// The parser options every SOP renderer uses (GFM tables, strikethrough).
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Parses the SOP Markdown. Raw HTML in it (none comes from our templates; a country
/// template could add some) becomes literal text, so no format ever interprets it.
pub fn parse(markdown: &str) -> Vec<Event<'_>> {
    Parser::new_ext(markdown, options())
        .map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            other => other,
        })
        .collect()
}

/// Escapes a configuration value for use inline in Markdown (also inside a table cell):
/// every character Markdown could read as syntax is backslash-escaped and line breaks
/// become spaces, so the value renders exactly as written.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut at_start = true;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
                continue;
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' | '$'
            | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            // A value that starts a line must not start a list, a heading underline or
            // an ordered list item.
            '-' | '+' | '='
                if at_start && chars.peek().is_none_or(|n| n.is_whitespace() || *n == c) =>
            {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_start => {
                out.push(c);
                while let Some(&d) = chars.peek() {
                    if !d.is_ascii_digit() {
                        break;
                    }
                    out.push(d);
                    chars.next();
                }
                // `1.` or `1)` followed by a space or the end would start a list.
                let mut ahead = chars.clone();
                if let Some(next @ ('.' | ')')) = ahead.next()
                    && ahead.next().is_none_or(char::is_whitespace)
                {
                    out.push('\\');
                    out.push(next);
                    chars.next();
                }
            }
            _ => out.push(c),
        }
        at_start = false;
    }
    out.trim_end().to_owned()
}

/// Numbers a chapter's headings: `## Title` becomes `## 4. Title`, `### Part` becomes
/// `### 4.2 Part`. Deeper headings stay unnumbered. Values in headings were escaped, so
/// a line starting with `#` is always one of the template's own headings.
/// Numbers are written with `digits` (the language's own).
pub fn number_headings(markdown: &str, chapter: usize, digits: &dyn Fn(&str) -> String) -> String {
    let mut section = 0;
    let mut out = String::with_capacity(markdown.len() + 64);
    for line in markdown.split_inclusive('\n') {
        if let Some(title) = line.strip_prefix("## ") {
            out.push_str(&format!("## {}. {title}", digits(&chapter.to_string())));
        } else if let Some(title) = line.strip_prefix("### ") {
            section += 1;
            let number = digits(&format!("{chapter}.{section}"));
            out.push_str(&format!("### {number} {title}"));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Removes runs of blank lines that template conditionals leave behind.
pub fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = 0;
    for line in markdown.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() && blank > 0 {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Plain text of a run of inline events (headings, table of contents), without the
/// marks of passages in another language.
pub fn plain_text(events: &[Event<'_>]) -> String {
    let mut out = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    super::passages::plain(&out)
}

/// An anchor for a heading: `4.2 Who does what` becomes `s-4-2-who-does-what`; letters
/// of any script are kept, so anchors in Arabic stay distinct.
pub fn anchor(text: &str) -> String {
    let mut out = String::from("s-");
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(markdown: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, parse(markdown).into_iter());
        html
    }

    #[test]
    fn escaped_values_render_literally() {
        let hostile = [
            "*bold* _it_ `code` [link](http://x) <script>alert(1)</script>",
            "# heading",
            "- item",
            "1. item",
            "2)",
            "1.0.0",
            "+235 66",
            "+ item",
            "-- x",
            "===",
            "---",
            "| a | b |",
            "{{ tera }} {% if %}",
            "&amp; &#x41;",
            "![img](x.png)",
            "line\nbreak",
            "a\\b",
        ];
        for value in hostile {
            let html = rendered(&format!("Text {}\n", escape(value)));
            let text = html
                .trim()
                .strip_prefix("<p>Text ")
                .and_then(|s| s.strip_suffix("</p>"))
                .unwrap_or_else(|| panic!("{value:?} gave {html}"));
            let expected = value
                .replace('\n', " ")
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert_eq!(text, expected, "{value:?}");
            // At the start of a block as well.
            let html = rendered(&format!("{}\n", escape(value)));
            assert!(html.starts_with("<p>"), "{value:?} gave {html}");
        }
    }

    #[test]
    fn escaped_values_stay_inside_table_cells() {
        let html = rendered(&format!(
            "| a | b |\n|---|---|\n| {} | x |\n",
            escape("p|q")
        ));
        assert!(html.contains("<td>p|q</td>"), "{html}");
    }

    #[test]
    fn headings_are_numbered_per_chapter() {
        let numbered = number_headings("## Roles\n\ntext\n\n### Matrix\n\n### Forum\n", 3, &|s| {
            s.to_owned()
        });
        assert_eq!(
            numbered,
            "## 3. Roles\n\ntext\n\n### 3.1 Matrix\n\n### 3.2 Forum\n"
        );
    }

    #[test]
    fn anchors_keep_letters_of_any_script() {
        assert_eq!(anchor("4.2 Who does what"), "s-4-2-who-does-what");
        assert_eq!(anchor("٤ الأدوار"), "s-٤-الأدوار");
    }
}
