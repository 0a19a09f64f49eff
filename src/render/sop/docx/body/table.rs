//! GFM tables: full width, the header row repeated on every page.

use pulldown_cmark::Alignment;

use super::super::parts::TEXT_WIDTH;
use super::super::styles::HEADER_FILL;
use super::super::xml::escape;
use super::Writer;

pub struct Table {
    pub(super) alignments: Vec<Alignment>,
    pub(super) column: usize,
    pub(super) head: bool,
    pub(super) cell_has_paragraph: bool,
}

impl Writer<'_, '_> {
    pub(super) fn start_table(&mut self, alignments: &[Alignment]) {
        let columns = alignments.len().max(1);
        let grid: String = (0..columns)
            .map(|_| format!("<w:gridCol w:w=\"{}\"/>", TEXT_WIDTH as usize / columns))
            .collect();
        let bidi_visual = if self.doc.rtl { "<w:bidiVisual/>" } else { "" };
        // The table's title for screen readers (Word's "Alt Text" title): the section
        // it stands in, or the document's before the first section.
        let section = self
            .listed
            .checked_sub(1)
            .and_then(|n| self.contents.get(n));
        let caption = format!(
            "<w:tblCaption w:val=\"{}\"/>",
            escape(section.map_or(self.doc.title, |(_, text)| text.as_str()))
        );
        self.body.xml.push_str(&format!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>{bidi_visual}\
             <w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" \
             w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/>\
             {caption}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
        ));
        self.table = Some(Table {
            alignments: alignments.to_vec(),
            column: 0,
            head: false,
            cell_has_paragraph: false,
        });
    }

    pub(super) fn start_cell(&mut self) {
        let Some(table) = &mut self.table else {
            return;
        };
        table.cell_has_paragraph = false;
        let width = 5000 / table.alignments.len().max(1);
        let shading = if table.head {
            format!("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{HEADER_FILL}\"/>")
        } else {
            String::new()
        };
        self.body.xml.push_str(&format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"pct\"/>{shading}</w:tcPr>"
        ));
    }

    pub(super) fn end_cell(&mut self) {
        if self.table.is_none() {
            return;
        }
        self.close_paragraph();
        if self.table.as_ref().is_some_and(|t| !t.cell_has_paragraph) {
            // A cell must hold at least one paragraph.
            self.paragraph();
            self.close_paragraph();
        }
        self.body.xml.push_str("</w:tc>");
        if let Some(table) = &mut self.table {
            table.column += 1;
        }
    }
}
