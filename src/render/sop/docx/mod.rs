//! The SOP as a Word document (WordprocessingML, `.docx`), written from the same
//! pulldown-cmark events as the HTML and PDF. The XML is written by hand: every text
//! goes through [`xml::escape`], so no configuration value can become markup.
//!
//! Markdown H1 is the document title, H2–H6 are Word headings 1–4 (real heading styles
//! with outline levels, which the navigation pane, the TOC field, LibreOffice and pandoc
//! all read). A table of contents field stands before the first H2; Word fills it when
//! it opens the file.

mod body;
mod parts;
mod styles;
mod xml;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use pulldown_cmark::Event;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The monospace font of inline code and code blocks.
const MONO_FONT: &str = "Noto Sans Mono";

/// What the document needs beyond its Markdown.
pub struct DocxDocument<'a> {
    /// `dc:title` of the document properties (the visible title is the Markdown H1).
    pub title: &'a str,
    /// BCP 47 tag: `dc:language` and `w:lang` of the styles.
    pub language: &'a str,
    /// Right-to-left: bidirectional paragraphs, right-to-left runs and tables.
    pub rtl: bool,
    /// Font family for the language's script.
    pub font: &'a str,
    /// Running header text.
    pub header_text: &'a str,
    /// Footer text; `{number}` and `{total}` become the PAGE and NUMPAGES fields.
    pub page_label: &'a str,
    /// Heading above the table of contents.
    pub toc_title: &'a str,
    /// What the contents field shows until Word updates it (how to update it).
    pub toc_hint: &'a str,
    /// ISO date (`2026-03-01`) for the created and modified properties, so that the
    /// same input always gives the same bytes.
    pub created: &'a str,
    /// Markdown image URL → PNG.
    pub images: &'a BTreeMap<String, Png>,
}

/// A PNG image and its size in pixels (for its aspect ratio).
pub struct Png {
    pub bytes: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
    /// The image's description for assistive technology, when it says more than the
    /// caption (a flowchart's, pointing to its steps in words).
    pub description: Option<String>,
}

/// Writes the `.docx` package. Fails on an image the Markdown shows that `doc.images`
/// does not have, and on a `created` date that is not `YYYY-MM-DD`.
pub fn write_docx(
    markdown_events: &[Event<'_>],
    doc: &DocxDocument<'_>,
) -> Result<Vec<u8>, String> {
    if !is_date(doc.created) {
        return Err(format!(
            "the DOCX creation date `{}` is not a date like 2026-03-01",
            doc.created
        ));
    }
    let mut writer = body::Writer::new(doc, contents(markdown_events));
    for event in markdown_events {
        writer.event(event)?;
    }
    let body = writer.finish();
    let document = format!(
        "{}<w:document {}><w:body>{}{}</w:body></w:document>",
        xml::DECLARATION,
        xml::W_NAMESPACES,
        body.xml,
        parts::section(doc)
    );
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), parts::content_types().into()),
        ("_rels/.rels".into(), parts::package_relationships().into()),
        (
            "docProps/core.xml".into(),
            parts::core_properties(doc).into(),
        ),
        ("docProps/app.xml".into(), parts::app_properties().into()),
        ("word/document.xml".into(), document.into()),
        ("word/styles.xml".into(), styles::styles(doc).into()),
        (
            "word/numbering.xml".into(),
            styles::numbering(doc, &body.ordered).into(),
        ),
        ("word/settings.xml".into(), parts::settings().into()),
        ("word/header1.xml".into(), parts::header(doc).into()),
        ("word/footer1.xml".into(), parts::footer(doc).into()),
        (
            "word/_rels/document.xml.rels".into(),
            parts::document_relationships(&body.relationships).into(),
        ),
    ];
    for (name, png) in &body.media {
        files.push((format!("word/media/{name}"), png.bytes.clone()));
    }
    package(&files).map_err(|e| format!("writing the DOCX package: {e}"))
}

fn is_date(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// Zips the parts in the given order with a fixed timestamp, so equal input gives
/// byte-identical files. PNGs are already compressed and are stored as they are.
fn package(files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        let method = if name.ends_with(".png") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The headings the contents list (Markdown levels 2 to 4, Word's Heading 1 to 3), with
/// their Word level and text, in order.
fn contents(events: &[Event<'_>]) -> Vec<(usize, String)> {
    use pulldown_cmark::{HeadingLevel, Tag, TagEnd};
    let mut found = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let Event::Start(Tag::Heading { level, .. }) = event else {
            continue;
        };
        let word_level = match level {
            HeadingLevel::H2 => 1,
            HeadingLevel::H3 => 2,
            HeadingLevel::H4 => 3,
            _ => continue,
        };
        let end = events[i..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(events.len(), |p| i + p);
        // As the heading shows it: its configuration values between isolates.
        let text: String = events[i + 1..end]
            .iter()
            .filter_map(|event| match event {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                Event::SoftBreak | Event::HardBreak => Some(" "),
                _ => None,
            })
            .collect();
        found.push((word_level, super::passages::with_isolates(&text)));
    }
    found
}
