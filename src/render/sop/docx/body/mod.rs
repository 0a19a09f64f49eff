//! The body of `word/document.xml`, written from the pulldown-cmark events.
//!
//! Paragraphs are collected before they are written, so that what is only known at
//! their end (an image inside, which keeps the paragraph with its caption) can still
//! go into their properties.

mod image;
mod paragraph;
mod table;

use std::collections::BTreeMap;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::DocxDocument;
use super::Png;
use super::parts::{self, FIRST_FREE_RID, Relationship, bidi, run};
use super::xml::{escape, uri};
use image::Image;
use paragraph::Paragraph;
use table::Table;

/// Word has four list levels defined in numbering.xml; deeper lists stay at the last.
const LIST_LEVELS: usize = 4;

/// What the body needs to be packaged: its XML, relationships, images and lists.
pub struct Body<'p> {
    pub xml: String,
    pub relationships: Vec<Relationship>,
    /// Part name (`imageN.png`) and bytes of each embedded image.
    pub media: Vec<(String, &'p Png)>,
    /// Level and first number of each ordered list, in the order of their `w:num` ids.
    pub ordered: Vec<(usize, u64)>,
}

pub struct Writer<'d, 'p> {
    doc: &'d DocxDocument<'p>,
    body: Body<'p>,
    paragraph: Option<Paragraph>,
    captions: Vec<String>,
    bold: usize,
    italic: usize,
    strike: usize,
    superscript: usize,
    subscript: usize,
    /// One entry per open link: whether it became a `w:hyperlink`.
    links: Vec<bool>,
    image: Option<Image>,
    /// Text of an open code block (`true`) or raw HTML block, written as it is.
    literal: Option<(String, bool)>,
    heading: Option<HeadingLevel>,
    quote: usize,
    /// `w:numId` of each open list, outermost first.
    lists: Vec<usize>,
    /// The next paragraph is the first of a list item and carries its number.
    item_pending: bool,
    table: Option<Table>,
    last_was_table: bool,
    toc_written: bool,
    /// Open configuration values: their language when it is not the document's, and
    /// their direction.
    passages: Vec<(Option<String>, crate::render::sop::passages::Dir)>,
    /// The headings the contents list: Word level and text.
    contents: Vec<(usize, String)>,
    /// Headings written so far that the contents list; each is bookmarked `_Toc<n>`.
    listed: usize,
    link_ids: BTreeMap<String, String>,
    image_ids: BTreeMap<String, String>,
    drawings: usize,
}

impl<'d, 'p> Writer<'d, 'p> {
    pub fn new(doc: &'d DocxDocument<'p>, contents: Vec<(usize, String)>) -> Self {
        Writer {
            doc,
            body: Body {
                xml: String::new(),
                relationships: Vec::new(),
                media: Vec::new(),
                ordered: Vec::new(),
            },
            paragraph: None,
            captions: Vec::new(),
            bold: 0,
            italic: 0,
            strike: 0,
            superscript: 0,
            subscript: 0,
            links: Vec::new(),
            image: None,
            literal: None,
            heading: None,
            quote: 0,
            lists: Vec::new(),
            item_pending: false,
            table: None,
            last_was_table: false,
            toc_written: false,
            passages: Vec::new(),
            contents,
            listed: 0,
            link_ids: BTreeMap::new(),
            image_ids: BTreeMap::new(),
            drawings: 0,
        }
    }

    pub fn finish(mut self) -> Body<'p> {
        self.close_paragraph();
        if self.last_was_table || self.body.xml.is_empty() {
            self.empty_paragraph();
        }
        self.body
    }

    pub fn event(&mut self, event: &Event<'_>) -> Result<(), String> {
        if self.image.is_some() {
            return self.alt_text(event);
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => self.text(text),
            Event::Code(text) => {
                let rpr = self.formatting(true);
                self.paragraph().push_text(rpr, text);
            }
            Event::FootnoteReference(label) => self.text(&format!("[{label}]")),
            Event::TaskListMarker(done) => self.text(if *done { "☒ " } else { "☐ " }),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => {
                let rpr = self.formatting(false);
                self.paragraph().push_text(rpr, "\n");
            }
            Event::Rule => {
                self.close_paragraph();
                self.block(&format!(
                    "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" \
                     w:color=\"auto\"/></w:pBdr>{}</w:pPr></w:p>",
                    bidi(self.doc)
                ));
            }
        }
        Ok(())
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.close_paragraph();
                self.paragraph();
            }
            Tag::Heading { level, .. } => {
                self.close_paragraph();
                if *level == HeadingLevel::H2 && !self.toc_written {
                    self.table_of_contents();
                }
                self.heading = Some(*level);
                let listed = matches!(
                    level,
                    HeadingLevel::H2 | HeadingLevel::H3 | HeadingLevel::H4
                );
                let bookmark = listed.then_some(self.listed);
                self.listed += usize::from(listed);
                self.paragraph().bookmark = bookmark;
            }
            Tag::BlockQuote(_) => {
                self.close_paragraph();
                self.quote += 1;
            }
            Tag::CodeBlock(_) | Tag::HtmlBlock => {
                self.close_paragraph();
                self.literal = Some((String::new(), matches!(tag, Tag::CodeBlock(_))));
            }
            Tag::List(start) => {
                // A list right at the start of an item still shows the item's number.
                if self.item_pending {
                    self.paragraph();
                }
                self.close_paragraph();
                let level = self.lists.len().min(LIST_LEVELS - 1);
                let id = match start {
                    Some(start) => {
                        self.body.ordered.push((level, *start));
                        self.body.ordered.len() + 1
                    }
                    None => 1,
                };
                self.lists.push(id);
            }
            Tag::Item => {
                self.close_paragraph();
                self.item_pending = true;
            }
            Tag::Table(alignments) => {
                self.close_paragraph();
                if self.last_was_table {
                    // Two tables in a row would merge into one.
                    self.empty_paragraph();
                }
                self.start_table(alignments);
            }
            Tag::TableHead | Tag::TableRow => {
                let head = matches!(tag, Tag::TableHead);
                let Some(table) = &mut self.table else {
                    return;
                };
                table.head = head;
                table.column = 0;
                // The header row repeats on every page; body rows do not split.
                self.body.xml.push_str(if head {
                    "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                } else {
                    "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                });
            }
            Tag::TableCell => self.start_cell(),
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Superscript => self.superscript += 1,
            Tag::Subscript => self.subscript += 1,
            Tag::Link { dest_url, .. } => self.start_link(dest_url),
            Tag::Image { dest_url, .. } => {
                self.image = Some(Image {
                    url: dest_url.to_string(),
                    alt: String::new(),
                    nested: 0,
                });
            }
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.close_paragraph(),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.close_paragraph();
                self.heading = None;
            }
            TagEnd::BlockQuote(_) => {
                self.close_paragraph();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                let (text, code) = self.literal.take().unwrap_or_default();
                let mut paragraph = self.new_paragraph();
                if code {
                    paragraph.style = Some("SourceCode");
                }
                paragraph.runs = run(parts::rtl_run(self.doc), text.trim_end_matches('\n'));
                self.paragraph = Some(paragraph);
                self.close_paragraph();
            }
            TagEnd::List(_) => {
                self.close_paragraph();
                self.lists.pop();
            }
            TagEnd::Item => {
                if self.item_pending {
                    self.paragraph();
                }
                self.close_paragraph();
            }
            TagEnd::Table => {
                self.close_paragraph();
                if self.table.take().is_some() {
                    self.body.xml.push_str("</w:tbl>");
                    self.last_was_table = true;
                }
            }
            TagEnd::TableHead | TagEnd::TableRow if self.table.is_some() => {
                while self
                    .table
                    .as_ref()
                    .is_some_and(|t| t.column < t.alignments.len())
                {
                    self.start_cell();
                    self.end_cell();
                }
                self.body.xml.push_str("</w:tr>");
            }
            TagEnd::TableCell => self.end_cell(),
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Superscript => self.superscript = self.superscript.saturating_sub(1),
            TagEnd::Subscript => self.subscript = self.subscript.saturating_sub(1),
            TagEnd::Link => {
                if self.links.pop() == Some(true) {
                    self.paragraph().push_xml("</w:hyperlink>");
                }
            }
            TagEnd::Paragraph
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.close_paragraph(),
            // Images end in `alt_text`; the parser never ends what it did not start.
            TagEnd::Image | TagEnd::TableHead | TagEnd::TableRow => {}
        }
    }

    fn text(&mut self, text: &str) {
        use crate::render::sop::passages::{PDI, Piece, pieces, plain};
        if let Some((literal, _)) = &mut self.literal {
            literal.push_str(&plain(text));
            return;
        }
        // A configuration value between Unicode isolates, which take the formatting
        // around it; one in another language also carries its language on its runs.
        for piece in pieces(text) {
            match piece {
                Piece::Text(text) => self.push_formatted(text),
                Piece::Open { lang, dir } => {
                    self.push_formatted(&dir.isolate().to_string());
                    self.passages.push((lang.map(str::to_owned), dir));
                }
                Piece::Close => {
                    self.passages.pop();
                    self.push_formatted(&PDI.to_string());
                }
            }
        }
    }

    /// `text` in the open paragraph, with the run properties of where it stands.
    fn push_formatted(&mut self, text: &str) {
        let rpr = self.formatting(false);
        self.paragraph().push_text(rpr, text);
    }

    /// Run properties from the open inline tags, in the schema's order (one style only:
    /// code inside a link looks like a link).
    fn formatting(&self, code: bool) -> String {
        let mut rpr = String::new();
        if self.links.last() == Some(&true) {
            rpr.push_str("<w:rStyle w:val=\"Hyperlink\"/>");
        } else if code {
            rpr.push_str("<w:rStyle w:val=\"VerbatimChar\"/>");
        }
        if self.bold > 0 || self.table.as_ref().is_some_and(|t| t.head) {
            rpr.push_str("<w:b/><w:bCs/>");
        }
        if self.italic > 0 {
            rpr.push_str("<w:i/><w:iCs/>");
        }
        if self.strike > 0 {
            rpr.push_str("<w:strike/>");
        }
        if self.superscript > 0 {
            rpr.push_str("<w:vertAlign w:val=\"superscript\"/>");
        } else if self.subscript > 0 {
            rpr.push_str("<w:vertAlign w:val=\"subscript\"/>");
        }
        // A passage in another language: its own direction and `w:lang` (`w:bidi` for
        // a right-to-left language), after `w:rtl` as the schema orders them.
        let other = self
            .passages
            .iter()
            .rev()
            .find_map(|(lang, dir)| lang.as_deref().map(|lang| (lang, *dir)));
        match other {
            Some((lang, dir)) => {
                let rtl = dir == crate::render::sop::passages::Dir::Rtl;
                if rtl {
                    rpr.push_str("<w:rtl/>");
                }
                let attribute = if rtl { "w:bidi" } else { "w:val" };
                rpr.push_str(&format!("<w:lang {attribute}=\"{}\"/>", escape(lang)));
            }
            None => rpr.push_str(parts::rtl_run(self.doc)),
        }
        rpr
    }

    /// The contents title and a TOC field (headings 1–3, hyperlinked). The field comes
    /// filled with the headings, each linked to its bookmark, so the contents read right
    /// before Word updates the field (and adds page numbers); with no headings it shows
    /// a hint.
    fn table_of_contents(&mut self) {
        self.toc_written = true;
        let rtl = parts::rtl_run(self.doc);
        let xml = format!(
            "<w:p><w:pPr><w:pStyle w:val=\"TOCHeading\"/>{}</w:pPr>{}</w:p>",
            bidi(self.doc),
            run(rtl, self.doc.toc_title),
        );
        self.block(&xml);
        let instruction = r#"TOC \o "1-3" \h \z \u"#;
        if self.contents.is_empty() {
            let mut field = self.new_paragraph();
            field.runs = parts::field(rtl, instruction, self.doc.toc_hint);
            self.paragraph = Some(field);
            self.close_paragraph();
            return;
        }
        let (begin, end) = parts::field_around(rtl, instruction);
        let last = self.contents.len() - 1;
        let entries: Vec<String> = self
            .contents
            .iter()
            .enumerate()
            .map(|(n, (level, text))| {
                format!(
                    "<w:p><w:pPr><w:pStyle w:val=\"TOC{level}\"/>{}</w:pPr>{}\
                     <w:hyperlink w:anchor=\"_Toc{n}\" w:history=\"1\">{}</w:hyperlink>{}</w:p>",
                    bidi(self.doc),
                    if n == 0 { begin.as_str() } else { "" },
                    run(rtl, text),
                    if n == last { end.as_str() } else { "" },
                )
            })
            .collect();
        for entry in entries {
            self.block(&entry);
        }
    }

    fn start_link(&mut self, url: &str) {
        // Links inside the document have no bookmark to point at: their text stays.
        if url.is_empty() || url.starts_with('#') {
            self.links.push(false);
            return;
        }
        let next = FIRST_FREE_RID + self.body.relationships.len();
        let id = self
            .link_ids
            .entry(url.to_owned())
            .or_insert_with(|| format!("rId{next}"))
            .clone();
        if self.body.relationships.iter().all(|r| r.id != id) {
            self.body.relationships.push(Relationship {
                id: id.clone(),
                kind: "hyperlink",
                target: uri(url),
                external: true,
            });
        }
        self.links.push(true);
        self.paragraph()
            .push_xml(&format!("<w:hyperlink r:id=\"{id}\" w:history=\"1\">"));
    }
}
