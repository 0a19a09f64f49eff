//! The SOP as one self-contained HTML file: inline CSS and SVG, `lang` and `dir` set,
//! a table of contents, print CSS with a running header and page numbers.

use std::collections::{BTreeMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::SopDocument;
use super::markdown::{anchor, plain_text};
use crate::config::Status;
use crate::pack::Pack;

const STYLE: &str = include_str!("../../../sop-templates/sop.css");

/// A heading of the table of contents.
pub struct TocEntry {
    pub level: u8,
    pub text: String,
    pub anchor: String,
}

/// Gives every chapter and section heading a unique anchor, in document order.
pub fn headings(events: &[Event<'_>]) -> Vec<TocEntry> {
    let mut out = Vec::new();
    let mut used = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[i] {
            let end = events[i..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                .map_or(events.len(), |p| i + p);
            let text = plain_text(&events[i + 1..end]);
            let mut id = anchor(&text);
            let base = id.clone();
            let mut n = 1;
            while !used.insert(id.clone()) {
                n += 1;
                id = format!("{base}-{n}");
            }
            out.push(TocEntry {
                level: heading_number(*level),
                text,
                anchor: id,
            });
            i = end;
        }
        i += 1;
    }
    out
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

pub fn escape_html(text: &str) -> String {
    super::escape::xml(text)
}

/// A CSS string literal: quotes and backslashes escaped, and `<` written as an escape
/// so that no value can close the `<style>` element.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '\n' | '\r' => out.push_str(&format!("\\{:X} ", c as u32)),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn page(
    document: &SopDocument,
    pack: &Pack,
    events: &[Event<'_>],
    svgs: &BTreeMap<String, String>,
) -> String {
    let tag = document.language.tag.as_str();
    let dir = if document.rtl() { "rtl" } else { "ltr" };
    let toc = headings(events);
    let title = toc.first().map(|h| h.text.clone()).unwrap_or_default();
    let prose = &document.prose;
    let page_label = prose.get("document.page");
    let (before, after) = page_label
        .split_once("{number}")
        .unwrap_or((&page_label, ""));
    let (middle, end) = after.split_once("{total}").unwrap_or((after, ""));
    // Printed page numbers in the language's digits (CSS counter styles).
    let style = match document.language.digits {
        crate::config::Digits::Arab => "arabic-indic",
        crate::config::Digits::Arabext => "persian",
        crate::config::Digits::Beng => "bengali",
        crate::config::Digits::Mymr => "myanmar",
        _ => "decimal",
    };
    let mut css = String::from(STYLE);
    css.push_str(&format!(
        "@page {{ @top-center {{ content: {}; }} @bottom-center {{ content: {} counter(page, {style}) {} counter(pages, {style}) {}; }} }}\n",
        css_string(&document.header(pack)),
        css_string(before),
        css_string(middle),
        css_string(end),
    ));
    let draft = pack.config.sop.status == Status::Draft;
    if draft {
        css.push_str(&format!(
            // The empty alternative after `/` keeps the mark from screen readers.
            "body::before {{ content: {} / \"\"; }}\n",
            css_string(&prose.get("document.draft_mark"))
        ));
    }
    let mut html = String::with_capacity(64 * 1024);
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"bipgen\">\n<title>{}</title>\n<style>\n{css}</style>\n</head>\n<body{}>\n<main>\n",
        escape_html(tag),
        escape_html(&title),
        if draft { " class=\"draft\"" } else { "" },
    ));
    let body = body_events(events, &toc, svgs, prose.get("document.contents"));
    pulldown_cmark::html::push_html(&mut html, body.into_iter());
    html.push_str("</main>\n</body>\n</html>\n");
    // Header cells name their column for screen readers, and each row's first cell
    // names its row. Text is escaped, so `<th` and `<td` can only be tags.
    let html = html
        .replace("<th>", "<th scope=\"col\">")
        .replace("<th style=", "<th scope=\"col\" style=");
    with_row_headers(&html)
}

/// The first cell of each body row as its row header (`<th scope="row">`).
fn with_row_headers(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(at) = rest.find("<tr>") {
        let (before, row) = rest.split_at(at + "<tr>".len());
        out.push_str(before);
        let cell = row.trim_start();
        if let Some(attributes) = cell.strip_prefix("<td")
            && let Some(end) = cell.find("</td>")
        {
            out.push_str(&row[..row.len() - cell.len()]);
            out.push_str("<th scope=\"row\"");
            out.push_str(&attributes[..end - "<td".len()]);
            out.push_str("</th>");
            rest = &cell[end + "</td>".len()..];
        } else {
            rest = row;
        }
    }
    out.push_str(rest);
    out
}

/// The events with anchors on headings, the table of contents before the first
/// chapter, and each flowchart as an inline SVG figure.
fn body_events<'a>(
    events: &'a [Event<'a>],
    toc: &[TocEntry],
    svgs: &BTreeMap<String, String>,
    contents: String,
) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len() + 16);
    let mut headings = toc.iter();
    let mut toc_written = false;
    // A figure may not sit inside a paragraph: a paragraph holding only a flowchart is
    // dropped around it.
    let mut in_figure_paragraph = false;
    // A flowchart's steps in words (an emphasised line, then a list) fold into a
    // `<details>` the figure names with `aria-describedby`.
    let mut in_words = InWords::None;
    // The last heading's text names the tables under it.
    let mut section = String::new();
    let mut tables = 0;
    let mut i = 0;
    while i < events.len() {
        match (&events[i], &in_words) {
            (Event::Start(Tag::Paragraph), InWords::Expected(id))
                if matches!(events.get(i + 1), Some(Event::Start(Tag::Emphasis))) =>
            {
                out.push(Event::Html(CowStr::from(format!(
                    "<details class=\"chart-text\" id=\"{}\"><summary>",
                    escape_html(id)
                ))));
                in_words = InWords::Summary;
                i += 1;
                continue;
            }
            (Event::End(TagEnd::Paragraph), InWords::Summary) => {
                out.push(Event::Html(CowStr::from("</summary>\n")));
                in_words = InWords::List(0);
                i += 1;
                continue;
            }
            (Event::Start(Tag::List(_)), InWords::List(depth)) => {
                in_words = InWords::List(depth + 1);
            }
            (Event::End(TagEnd::List(_)), InWords::List(depth)) => {
                out.push(events[i].clone());
                if *depth <= 1 {
                    out.push(Event::Html(CowStr::from("</details>\n")));
                    in_words = InWords::None;
                } else {
                    in_words = InWords::List(depth - 1);
                }
                i += 1;
                continue;
            }
            // The end of the paragraph that held the figure.
            (Event::End(TagEnd::Paragraph), InWords::Expected(_)) if in_figure_paragraph => {}
            (_, InWords::Expected(_)) => in_words = InWords::None,
            _ => {}
        }
        match &events[i] {
            Event::Start(Tag::Paragraph)
                if matches!(events.get(i + 1), Some(Event::Start(Tag::Image { .. }))) =>
            {
                in_figure_paragraph = true;
            }
            Event::End(TagEnd::Paragraph) if in_figure_paragraph => {
                in_figure_paragraph = false;
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let entry = headings.next();
                if *level == HeadingLevel::H2 && !toc_written {
                    out.push(Event::Html(CowStr::from(toc_html(toc, &contents))));
                    toc_written = true;
                }
                let n = heading_number(*level);
                let id = entry.map(|e| e.anchor.as_str()).unwrap_or_default();
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                section = plain_text(&events[i + 1..end]);
                out.push(Event::Html(CowStr::from(format!(
                    "<h{n} id=\"{}\">",
                    escape_html(id)
                ))));
                i += 1;
                while i < events.len() && !matches!(events[i], Event::End(TagEnd::Heading(_))) {
                    match &events[i] {
                        Event::Text(t) if super::passages::is_marked(t) => {
                            push_passages(&mut out, t)
                        }
                        other => out.push(other.clone()),
                    }
                    i += 1;
                }
                out.push(Event::Html(CowStr::from(format!("</h{n}>\n"))));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Image)))
                    .map_or(events.len(), |p| i + p);
                let caption = plain_text(&events[i + 1..end]);
                let svg = svgs
                    .get(dest_url.as_ref())
                    .map(|s| strip_prolog(s))
                    .unwrap_or_default();
                // The figure is named by its caption; the SVG (role img) by its own
                // title, the short text alternative; the steps in words describe both.
                let id = format!(
                    "{}-in-words",
                    dest_url
                        .trim_start_matches("flowcharts/")
                        .trim_end_matches(".svg")
                );
                out.push(Event::Html(CowStr::from(format!(
                    "<figure aria-describedby=\"{}\">{svg}<figcaption>{}</figcaption></figure>",
                    escape_html(&id),
                    escape_html(&caption)
                ))));
                in_words = InWords::Expected(id);
                i = end;
            }
            // A wide table scrolls in its own region, which keyboard users can reach and
            // screen readers name; its caption (for screen readers only) is the section's.
            Event::Start(Tag::Table(_)) => {
                tables += 1;
                let name = if section.is_empty() {
                    format!("{tables}")
                } else {
                    section.clone()
                };
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{0}\">\n",
                    escape_html(&name)
                ))));
                out.push(events[i].clone());
                out.push(Event::Html(CowStr::from(format!(
                    "<caption class=\"screen-reader\">{}</caption>\n",
                    escape_html(&name)
                ))));
            }
            Event::End(TagEnd::Table) => {
                out.push(events[i].clone());
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            // Quoted blocks are the SOP's notices (the draft notice): notes, not quotes.
            Event::Start(Tag::BlockQuote(_)) => {
                out.push(Event::Html(CowStr::from(
                    "<div class=\"notice\" role=\"note\">\n",
                )));
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Text(t) if super::passages::is_marked(t) => push_passages(&mut out, t),
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out
}

/// A text holding configuration values, as text and `<bdi>` events.
fn push_passages<'a>(out: &mut Vec<Event<'a>>, text: &str) {
    use super::passages::{Piece, html_open, pieces};
    for piece in pieces(text) {
        out.push(match piece {
            Piece::Text(t) => Event::Text(CowStr::from(t.to_owned())),
            Piece::Open { lang, dir } => Event::InlineHtml(CowStr::from(html_open(lang, dir))),
            Piece::Close => Event::InlineHtml(CowStr::from("</bdi>")),
        });
    }
}

fn strip_prolog(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg,
    }
}

fn toc_html(toc: &[TocEntry], contents: &str) -> String {
    let mut html = format!(
        "<nav class=\"toc\" aria-labelledby=\"toc-title\"><h2 id=\"toc-title\">{}</h2>\n<ul>\n",
        escape_html(contents)
    );
    let link = |e: &TocEntry| {
        format!(
            "<a href=\"#{}\">{}</a>",
            escape_html(&e.anchor),
            escape_html(&e.text)
        )
    };
    let entries: Vec<&TocEntry> = toc
        .iter()
        .filter(|e| e.level == 2 || e.level == 3)
        .collect();
    let mut i = 0;
    while i < entries.len() {
        html.push_str("<li>");
        html.push_str(&link(entries[i]));
        let children: Vec<&&TocEntry> = entries[i + 1..]
            .iter()
            .take_while(|e| e.level == 3)
            .collect();
        if !children.is_empty() {
            html.push_str("\n<ul>\n");
            for child in &children {
                html.push_str(&format!("<li>{}</li>\n", link(child)));
            }
            html.push_str("</ul>\n");
        }
        html.push_str("</li>\n");
        i += 1 + children.len();
    }
    html.push_str("</ul>\n</nav>\n");
    html
}

/// Where the HTML writer is in a flowchart's steps in words.
enum InWords {
    None,
    /// A flowchart was just written; its steps in words come next, with this id.
    Expected(String),
    /// Inside the line that introduces them (the `<summary>`).
    Summary,
    /// Inside their list, this many lists deep.
    List(usize),
}
