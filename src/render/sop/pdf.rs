//! The SOP as PDF: the parsed Markdown written as Typst markup in which every piece of
//! text is a string literal (so nothing from the configuration can be read as Typst),
//! laid out by `sop-templates/sop.typ` through the embedded Typst.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Tag, TagEnd};
use serde_json::json;

use super::SopDocument;
use crate::config::{Digits, Paper, Status};
use crate::pack::Pack;
use crate::typeset::cache::cached;
use crate::typeset::{Document, compile_pdf, fonts_for_script};

const TEMPLATE: &str = include_str!("../../../sop-templates/sop.typ");
const FLOWCHART: &str = include_str!("../../../sop-templates/flowchart.typ");
const MAIN: &str = "#import \"/sop.typ\": sop\n#show: sop\n#include \"/body.typ\"\n";

/// The template in use: the country's `templates/sop/sop.typ`, or the built-in one.
fn template(pack: &Pack) -> &str {
    pack.templates
        .get("sop/sop.typ")
        .map_or(TEMPLATE, String::as_str)
}

pub fn render(
    document: &SopDocument,
    pack: &Pack,
    events: &[Event<'_>],
) -> Result<Vec<u8>, String> {
    let tag = document.language.tag.as_str();
    let prose = &document.prose;
    let sop = &pack.config.sop;
    let page = prose.get("document.page");
    let fonts: Vec<&str> = fonts_for_script(document.language.script.as_str())
        .map(<[&str]>::to_vec)
        .unwrap_or_else(|| vec!["Noto Sans"]);
    let meta = json!({
        "title": document.title,
        "header": document.header(pack),
        "page": page,
        "contents": prose.get("document.contents"),
        "lang": document.language.primary_subtag(),
        "dir": if document.rtl() { "rtl" } else { "ltr" },
        "fonts": fonts,
        "draft": sop.status == Status::Draft,
        "chapter_pages": document.is_sop(),
        "draft_mark": prose.get("document.draft_mark"),
        "paper": match pack.config.forms.paper { Paper::A4 => "a4", Paper::Letter => "us-letter" },
        // Page numbers in the language's digits, in the footer and the contents.
        "zero": document.language.digits.localise("0"),
        "numbering": match document.language.digits {
            Digits::Arab => "١",
            Digits::Arabext => "۱",
            Digits::Beng => "১",
            _ => "1",
        },
    });
    let mut files = vec![
        ("/sop.typ".to_owned(), template(pack).as_bytes().to_vec()),
        ("/flowchart.typ".to_owned(), FLOWCHART.as_bytes().to_vec()),
        (
            "/meta.json".to_owned(),
            serde_json::to_vec(&meta).unwrap_or_default(),
        ),
        (
            "/body.typ".to_owned(),
            markup(events, document.section_level()).into_bytes(),
        ),
    ];
    for chart in &document.charts {
        let path = format!("/{}.json", chart.url.trim_end_matches(".svg"));
        // The scene, and the figure's text alternative beside it.
        let mut scene = serde_json::to_value(&chart.scene).unwrap_or_default();
        if let Some(fields) = scene.as_object_mut() {
            fields.insert("alt".into(), chart.alt.clone().into());
        }
        files.push((path, serde_json::to_vec(&scene).unwrap_or_default()));
    }
    let typst = Document {
        main: MAIN.to_owned(),
        files,
        date: sop.effective_date,
        // The SOP keeps the identifier it always had; each directory document has its own.
        ident: match document.stem.as_str() {
            super::SOP_STEM => format!("bipgen/{}/sop/{tag}", sop.country),
            stem => format!("bipgen/{}/sop/{tag}/{stem}", sop.country),
        },
        name: "main.typ".into(),
    };
    let made = cached(
        pack.cache.as_deref(),
        "sop-pdf",
        &typst.fingerprint(),
        || Ok(vec![("sop.pdf".into(), compile_pdf(&typst)?)]),
    );
    made.map(|mut files| files.swap_remove(0).1)
        .map_err(|e| format!("SOP PDF ({tag}): {e}"))
}

/// A Typst string literal.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text as markup: an embedded string expression, ended by `;` so that nothing after it
/// can continue the expression.
fn text(out: &mut String, t: &str) {
    use super::passages::{Dir, Piece, pieces};
    for piece in pieces(t) {
        match piece {
            Piece::Text(t) if !t.is_empty() => {
                out.push('#');
                out.push_str(&string(t));
                out.push(';');
            }
            Piece::Text(_) => {}
            // A configuration value between Unicode isolates, in a content block; one in
            // another language also carries its language, for the PDF's /Lang.
            // A left-to-right value in the document's language (a phone number) is a box
            // of its own: in a right-to-left paragraph, Typst reorders the digit groups of
            // an inline run even between isolates.
            Piece::Open {
                lang: None,
                dir: Dir::Ltr,
            } => {
                out.push_str("#box[#set text(dir: ltr);");
                out.push_str(&format!("#{};", string(&Dir::Ltr.isolate().to_string())));
            }
            Piece::Open { lang, dir } => {
                match lang {
                    Some(lang) => out.push_str(&format!(
                        "#text(lang: {}, dir: {})[",
                        string(lang),
                        if dir == Dir::Rtl { "rtl" } else { "ltr" }
                    )),
                    None => out.push_str("#["),
                }
                out.push_str(&format!("#{};", string(&dir.isolate().to_string())));
            }
            Piece::Close => {
                out.push_str(&format!("#{};]", string(&super::passages::PDI.to_string())));
            }
        }
    }
}

fn level(h: HeadingLevel) -> u8 {
    match h {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 1,
        HeadingLevel::H3 => 2,
        HeadingLevel::H4 => 3,
        HeadingLevel::H5 | HeadingLevel::H6 => 4,
    }
}

/// Widths, as shares of the text width, for the columns of the table starting at
/// `start`. A column is at least as wide as its longest word needs (so no word runs into
/// the next column); the rest of the width goes by the square root of each column's
/// longest cell, so long sentences get room and one-word columns stay narrow.
fn column_widths(events: &[Event<'_>], start: usize, columns: usize) -> Vec<String> {
    // About the width of the text (A4 or Letter with 2 cm margins), of one character of
    // the 8.5 pt table text (bold headers included), and of a cell's two insets.
    const TEXT_WIDTH: f64 = 480.0;
    const CHARACTER: f64 = 5.2;
    const INSETS: f64 = 11.0;
    let mut longest = vec![(1usize, 1usize); columns];
    let mut column = 0;
    let mut length = 0;
    let mut word = 0;
    for event in &events[start..] {
        match event {
            Event::End(TagEnd::Table) => break,
            Event::Start(Tag::TableRow | Tag::TableHead) => column = 0,
            Event::Start(Tag::TableCell) => (length, word) = (0, 0),
            Event::Text(t) | Event::Code(t) => {
                // Measured as shown: the marks around configuration values take no room.
                let t = super::passages::plain(t);
                length += t.chars().count();
                // A word ends where a line may break: not at the no-break spaces that
                // keep a phone number on one line.
                let breaks = |c: char| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}');
                let words = t.split(breaks).map(|w| w.chars().count());
                word = word.max(words.max().unwrap_or(0));
            }
            Event::End(TagEnd::TableCell) => {
                if let Some((cell, widest)) = longest.get_mut(column) {
                    *cell = (*cell).max(length);
                    *widest = (*widest).max(word);
                }
                column += 1;
            }
            _ => {}
        }
    }
    let least: Vec<f64> = longest
        .iter()
        .map(|&(_, widest)| widest as f64 * CHARACTER + INSETS)
        .collect();
    let weight: Vec<f64> = longest
        .iter()
        .map(|&(cell, _)| (cell.clamp(6, 400) as f64).sqrt())
        .collect();
    // Share the width by weight; a column below its least width is fixed there and the
    // others share what is left, until no column is below.
    let mut fixed = vec![false; columns];
    let mut width = vec![0.0; columns];
    for _ in 0..columns {
        let left = TEXT_WIDTH
            - (0..columns)
                .filter(|&i| fixed[i])
                .map(|i| width[i])
                .sum::<f64>();
        let total: f64 = (0..columns).filter(|&i| !fixed[i]).map(|i| weight[i]).sum();
        let open: Vec<usize> = (0..columns).filter(|&i| !fixed[i]).collect();
        let mut changed = false;
        for i in open {
            width[i] = left * weight[i] / total.max(f64::EPSILON);
            if width[i] < least[i] {
                width[i] = least[i];
                fixed[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let sum: f64 = width.iter().sum::<f64>().max(f64::EPSILON);
    width
        .iter()
        .map(|w| format!("{:.1}%", 100.0 * w / sum))
        .collect()
}

/// When the paragraph starting at `start` is followed by a paragraph holding only a
/// figure, the index of that figure paragraph's end.
fn introduces_figure(events: &[Event<'_>], start: usize) -> Option<usize> {
    let end = start
        + events[start..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))?;
    if !matches!(events.get(end + 1), Some(Event::Start(Tag::Paragraph)))
        || !matches!(events.get(end + 2), Some(Event::Start(Tag::Image { .. })))
    {
        return None;
    }
    let figure_end = end
        + 1
        + events[end + 1..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))?;
    Some(figure_end)
}

/// The body: Markdown H1 is the title page's title, H2 chapters are level-1 headings
/// (each on a new page), H3 and H4 sections below them. A section at `sections` (H3 in
/// the SOP, H2 in a directory document) that fills pages of its own starts on a new one.
pub fn markup(events: &[Event<'_>], sections: HeadingLevel) -> String {
    let mut out = String::from("#import \"/sop.typ\": *\n");
    let own_page = super::own_page::sections_on_own_page(events, sections);
    // Open lists and tables, to close them with the right syntax.
    let mut contents_written = false;
    let mut table_cells: Vec<usize> = Vec::new();
    // Where the block that keeps a figure with the paragraph introducing it closes.
    let mut keep_until: Option<usize> = None;
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading { level: h, .. }) => {
                if *h == HeadingLevel::H1 {
                    out.push_str("#sop-title[");
                } else {
                    if *h == HeadingLevel::H2 && !contents_written {
                        out.push_str("#sop-contents()\n");
                        contents_written = true;
                    }
                    if own_page[i] {
                        out.push_str("#pagebreak(weak: true)\n");
                    }
                    out.push_str(&format!("#heading(level: {})[", level(*h)));
                }
            }
            Event::End(TagEnd::Heading(_)) => out.push_str("]\n"),
            Event::Start(Tag::Paragraph) => {
                if keep_until.is_none()
                    && let Some(figure_end) = introduces_figure(events, i)
                {
                    // A figure never stands at the top of a page apart from the
                    // paragraph that introduces it.
                    out.push_str("#block(breakable: false)[\n");
                    keep_until = Some(figure_end);
                }
            }
            Event::End(TagEnd::Paragraph) => {
                out.push_str("\n\n");
                if keep_until == Some(i) {
                    out.push_str("]\n\n");
                    keep_until = None;
                }
            }
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::Start(Tag::Strong) => out.push_str("#strong["),
            Event::Start(Tag::Strikethrough) => out.push_str("#strike["),
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => out.push(']'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                out.push_str(&format!("#link({})[", string(dest_url)));
            }
            Event::End(TagEnd::Link) => out.push(']'),
            Event::Start(Tag::BlockQuote(_)) => out.push_str("#sop-notice["),
            Event::End(TagEnd::BlockQuote(_)) => out.push_str("]\n\n"),
            Event::Start(Tag::List(Some(start))) => {
                out.push_str(&format!("#enum(start: {start}, tight: false,\n"));
            }
            Event::Start(Tag::List(None)) => out.push_str("#list(tight: false,\n"),
            Event::End(TagEnd::List(_)) => out.push_str(")\n\n"),
            Event::Start(Tag::Item) => out.push('['),
            Event::End(TagEnd::Item) => out.push_str("],\n"),
            Event::Start(Tag::Table(alignments)) => {
                let align: Vec<&str> = alignments
                    .iter()
                    .map(|a| match a {
                        Alignment::Center => "center",
                        Alignment::Right => "end",
                        _ => "start",
                    })
                    .collect();
                out.push_str(&format!(
                    "#sop-table(columns: ({},), align: ({},),\n",
                    column_widths(events, i, alignments.len()).join(", "),
                    align.join(", ")
                ));
                table_cells.push(alignments.len());
            }
            Event::End(TagEnd::Table) => {
                table_cells.pop();
                out.push_str(")\n\n");
            }
            Event::Start(Tag::TableHead) => out.push_str("table.header("),
            Event::End(TagEnd::TableHead) => out.push_str("),\n"),
            Event::Start(Tag::TableRow) | Event::End(TagEnd::TableRow) => {}
            Event::Start(Tag::TableCell) => out.push('['),
            Event::End(TagEnd::TableCell) => out.push_str("],"),
            Event::Start(Tag::Image { dest_url, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Image)))
                    .map_or(events.len(), |p| i + p);
                let caption = super::markdown::plain_text(&events[i + 1..end]);
                let data = format!("/{}.json", dest_url.trim_end_matches(".svg"));
                out.push_str(&format!(
                    "#sop-figure(json({}), {})\n",
                    string(&data),
                    string(&caption)
                ));
                i = end;
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => text(&mut out, t),
            Event::Code(t) => out.push_str(&format!("#raw({});", string(t))),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("#linebreak()\n"),
            Event::Rule => out.push_str("#line(length: 100%)\n\n"),
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The widths, in percent, of the first table of `markdown`.
    fn widths_of(markdown: &str, columns: usize) -> Vec<f64> {
        let events = super::super::markdown::parse(markdown);
        let start = events
            .iter()
            .position(|e| matches!(e, Event::Start(Tag::Table(_))))
            .expect("a table");
        column_widths(&events, start, columns)
            .iter()
            .map(|w| w.trim_end_matches('%').parse().expect("a percentage"))
            .collect()
    }

    #[test]
    fn table_columns_fit_their_longest_word_and_long_text_gets_the_room() {
        let widths = widths_of(
            "| Service | Eligibility | Languages |\n|---|---|---|\n| Clinic | Children and caregivers in psychosocial distress; severe conditions are followed up with the health centre's trained doctor, every weekday. | French |\n",
            3,
        );
        assert!(
            (widths.iter().sum::<f64>() - 100.0).abs() < 0.5,
            "{widths:?}"
        );
        assert!(widths[1] > widths[0] && widths[1] > widths[2], "{widths:?}");
        // "Languages" at 5.2 pt a character and 11 pt of insets needs 57.8 pt of 480.
        assert!(widths[2] >= 100.0 * 57.8 / 480.0 - 0.1, "{widths:?}");
    }

    #[test]
    fn a_phone_number_keeps_its_column_and_reads_left_to_right() {
        let phone = super::super::passages::isolate_ltr("+235\u{a0}66\u{a0}00\u{a0}01\u{a0}07");
        let table = format!(
            "| Name | Phone |\n|---|---|\n| Desk of the camp's case management office | {phone} |\n"
        );
        let widths = widths_of(&table, 2);
        // The number cannot break at its no-break spaces: all 16 characters need room.
        assert!(
            widths[1] >= 100.0 * (16.0 * 5.2 + 11.0) / 480.0 - 0.1,
            "{widths:?}"
        );
        // A box of its own, left to right, so a right-to-left line cannot move its `+`.
        let body = markup(&super::super::markdown::parse(&table), HeadingLevel::H3);
        assert!(body.contains("#box[#set text(dir: ltr);"), "{body}");
    }

    #[test]
    fn text_is_always_a_string_literal() {
        let body = markup(
            &super::super::markdown::parse(
                "## Title\n\n#set page(width: 1pt) *bold* \\$x\\$ \\<y> \"q\" \\\\ end\n",
            ),
            HeadingLevel::H3,
        );
        assert!(body.contains(r##"#"#set page(width: 1pt) ";"##), "{body}");
        assert!(body.contains(r#"\"q\" ";"#), "{body}");
        assert!(body.contains(r##"#"\\ end";"##), "{body}");
    }
}
