//! Paragraphs: opened where text starts, with the properties of where they stand.

use pulldown_cmark::{Alignment, HeadingLevel};

use super::super::parts::{self, bidi, run};
use super::{LIST_LEVELS, Writer};

#[derive(Default)]
pub struct Paragraph {
    pub(super) style: Option<&'static str>,
    /// Holds an image: kept with its caption, centred, single line spacing (a
    /// proportional spacing lets the image ride up over what is above it).
    pub(super) figure: bool,
    /// List numbering: `w:numId` and level.
    pub(super) number: Option<(usize, usize)>,
    /// List level of a continuation paragraph (indented like the item, no number).
    pub(super) indent: Option<usize>,
    pub(super) align: Option<&'static str>,
    /// A heading the contents link to: its bookmark is `_Toc<n>`.
    pub(super) bookmark: Option<usize>,
    pub(super) runs: String,
    /// Text not yet written, and its run properties: neighbouring texts with the same
    /// formatting share one run (the parser splits text at every entity and bracket).
    pending: Option<(String, String)>,
}

impl Paragraph {
    pub(super) fn push_text(&mut self, rpr: String, text: &str) {
        match &mut self.pending {
            Some((pending_rpr, pending)) if *pending_rpr == rpr => pending.push_str(text),
            _ => {
                self.flush();
                self.pending = Some((rpr, text.to_owned()));
            }
        }
    }

    pub(super) fn push_xml(&mut self, xml: &str) {
        self.flush();
        self.runs.push_str(xml);
    }

    fn flush(&mut self) {
        if let Some((rpr, text)) = self.pending.take() {
            self.runs.push_str(&run(&rpr, &text));
        }
    }
}

impl Writer<'_, '_> {
    /// The open paragraph, opened with the properties of where it stands if needed.
    pub(super) fn paragraph(&mut self) -> &mut Paragraph {
        if self.paragraph.is_none() {
            let paragraph = self.new_paragraph();
            self.paragraph = Some(paragraph);
        }
        self.paragraph.get_or_insert_with(Paragraph::default)
    }

    pub(super) fn new_paragraph(&mut self) -> Paragraph {
        let mut paragraph = Paragraph::default();
        if let Some(level) = self.heading {
            paragraph.style = Some(match level {
                HeadingLevel::H1 => "Title",
                HeadingLevel::H2 => "Heading1",
                HeadingLevel::H3 => "Heading2",
                HeadingLevel::H4 => "Heading3",
                HeadingLevel::H5 | HeadingLevel::H6 => "Heading4",
            });
        } else if let Some(&id) = self.lists.last() {
            let level = (self.lists.len() - 1).min(LIST_LEVELS - 1);
            paragraph.style = Some("ListParagraph");
            if std::mem::take(&mut self.item_pending) {
                paragraph.number = Some((id, level));
            } else {
                paragraph.indent = Some(level);
            }
        } else if self.quote > 0 {
            paragraph.style = Some("Quote");
        }
        if let Some(table) = &self.table {
            paragraph.align = match table.alignments.get(table.column) {
                Some(Alignment::Left) => Some("left"),
                Some(Alignment::Center) => Some("center"),
                Some(Alignment::Right) => Some("right"),
                _ => None,
            };
        }
        paragraph
    }

    pub(super) fn close_paragraph(&mut self) {
        let Some(mut p) = self.paragraph.take() else {
            return;
        };
        p.flush();
        let mut ppr = String::new();
        if let Some(style) = p.style {
            ppr.push_str(&format!("<w:pStyle w:val=\"{style}\"/>"));
        }
        if p.figure {
            ppr.push_str("<w:keepNext/>");
        }
        if let Some((id, level)) = p.number {
            ppr.push_str(&format!(
                "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{id}\"/></w:numPr>"
            ));
        }
        ppr.push_str(bidi(self.doc));
        if p.figure {
            ppr.push_str("<w:spacing w:before=\"120\" w:line=\"240\" w:lineRule=\"auto\"/>");
        } else if p.style.is_none() && self.last_was_table && self.table.is_none() {
            // Tables have no space after them of their own.
            ppr.push_str("<w:spacing w:before=\"160\"/>");
        }
        if let Some(level) = p.indent {
            ppr.push_str(&format!("<w:ind w:left=\"{}\"/>", 720 * (level + 1)));
        }
        if let Some(align) = p.align.or(p.figure.then_some("center")) {
            ppr.push_str(&format!("<w:jc w:val=\"{align}\"/>"));
        }
        let ppr = if ppr.is_empty() {
            String::new()
        } else {
            format!("<w:pPr>{ppr}</w:pPr>")
        };
        let runs = match p.bookmark {
            Some(n) => format!(
                "<w:bookmarkStart w:id=\"{n}\" w:name=\"_Toc{n}\"/>{}<w:bookmarkEnd w:id=\"{n}\"/>",
                p.runs
            ),
            None => p.runs,
        };
        self.block(&format!("<w:p>{ppr}{runs}</w:p>"));
        for caption in std::mem::take(&mut self.captions) {
            self.block(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"Caption\"/>{}</w:pPr>{}</w:p>",
                bidi(self.doc),
                run(parts::rtl_run(self.doc), &caption)
            ));
        }
    }

    /// Writes a finished paragraph at body level or into the open table cell.
    pub(super) fn block(&mut self, xml: &str) {
        self.body.xml.push_str(xml);
        self.last_was_table = false;
        if let Some(table) = &mut self.table {
            table.cell_has_paragraph = true;
        }
    }

    pub(super) fn empty_paragraph(&mut self) {
        let xml = format!("<w:p><w:pPr>{}</w:pPr></w:p>", bidi(self.doc));
        self.block(&xml);
    }
}
