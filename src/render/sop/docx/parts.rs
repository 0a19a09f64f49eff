//! The parts around the body and the styles: settings, running header and footer,
//! package relationships, content types and document properties.

use super::DocxDocument;
use super::xml::{DECLARATION, W_NAMESPACES, escape};

/// A4 in twentieths of a point, with 2 cm margins and the header 1 cm from the edge.
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
pub const MARGIN: u32 = 1134;
pub const TEXT_WIDTH: u32 = PAGE_WIDTH - 2 * MARGIN;

/// Relationship ids of the fixed parts; images and hyperlinks number on from `FIRST_FREE_RID`.
pub const HEADER_RID: &str = "rId4";
pub const FOOTER_RID: &str = "rId5";
pub const FIRST_FREE_RID: usize = 6;

const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// `<w:bidi/>` for right-to-left documents, in a paragraph's properties.
pub fn bidi(doc: &DocxDocument<'_>) -> &'static str {
    if doc.rtl { "<w:bidi/>" } else { "" }
}

/// Run properties every run needs: `<w:rtl/>` for right-to-left documents. Word shows
/// such runs with the complex-script font, size, bold and italic (`w:cs`, `w:bCs`…).
pub fn rtl_run(doc: &DocxDocument<'_>) -> &'static str {
    if doc.rtl { "<w:rtl/>" } else { "" }
}

/// One run of text; tabs and line breaks become `w:tab` and `w:br`.
pub fn run(rpr: &str, text: &str) -> String {
    let mut out = String::from("<w:r>");
    if !rpr.is_empty() {
        out.push_str(&format!("<w:rPr>{rpr}</w:rPr>"));
    }
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            let piece = piece.replace('\r', "");
            if !piece.is_empty() {
                out.push_str(&format!(
                    "<w:t xml:space=\"preserve\">{}</w:t>",
                    escape(&piece)
                ));
            }
        }
    }
    out.push_str("</w:r>");
    out
}

/// The runs that open a complex field (begin, instruction, separate) and the run that
/// closes it, for a field whose result spans paragraphs (the contents).
pub fn field_around(rpr: &str, instruction: &str) -> (String, String) {
    let plain = |inner: &str| {
        if rpr.is_empty() {
            format!("<w:r>{inner}</w:r>")
        } else {
            format!("<w:r><w:rPr>{rpr}</w:rPr>{inner}</w:r>")
        }
    };
    let begin = [
        plain(r#"<w:fldChar w:fldCharType="begin" w:dirty="true"/>"#),
        plain(&format!(
            "<w:instrText xml:space=\"preserve\"> {} </w:instrText>",
            escape(instruction)
        )),
        plain(r#"<w:fldChar w:fldCharType="separate"/>"#),
    ]
    .concat();
    (begin, plain(r#"<w:fldChar w:fldCharType="end"/>"#))
}

/// A complex field (`PAGE`, `TOC …`) with `shown` as its result until Word updates it.
pub fn field(rpr: &str, instruction: &str, shown: &str) -> String {
    let (begin, end) = field_around(rpr, instruction);
    format!("{begin}{}{end}", run(rpr, shown))
}

/// The section: A4, margins, header and footer, right-to-left page order when needed.
pub fn section(doc: &DocxDocument<'_>) -> String {
    format!(
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"{HEADER_RID}\"/>\
         <w:footerReference w:type=\"default\" r:id=\"{FOOTER_RID}\"/>\
         <w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/>\
         <w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/><w:cols w:space=\"708\"/>{}\
         <w:docGrid w:linePitch=\"360\"/></w:sectPr>",
        bidi(doc)
    )
}

pub fn header(doc: &DocxDocument<'_>) -> String {
    format!(
        "{DECLARATION}<w:hdr {W_NAMESPACES}><w:p><w:pPr><w:pStyle w:val=\"Header\"/>{}</w:pPr>{}</w:p></w:hdr>",
        bidi(doc),
        run(rtl_run(doc), doc.header_text)
    )
}

/// The footer: `page_label` with `{number}` and `{total}` as PAGE and NUMPAGES fields.
pub fn footer(doc: &DocxDocument<'_>) -> String {
    let rpr = rtl_run(doc);
    let mut runs = String::new();
    let mut rest = doc.page_label;
    loop {
        let next = [("{number}", "PAGE"), ("{total}", "NUMPAGES")]
            .into_iter()
            .filter_map(|(p, f)| rest.find(p).map(|at| (at, p, f)))
            .min();
        let Some((at, placeholder, name)) = next else {
            break;
        };
        if at > 0 {
            runs.push_str(&run(rpr, &rest[..at]));
        }
        runs.push_str(&field(rpr, name, "1"));
        rest = &rest[at + placeholder.len()..];
    }
    if !rest.is_empty() {
        runs.push_str(&run(rpr, rest));
    }
    format!(
        "{DECLARATION}<w:ftr {W_NAMESPACES}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>{}</w:pPr>{runs}</w:p></w:ftr>",
        bidi(doc)
    )
}

/// Settings: Word asks to update fields on opening, which fills the table of contents.
pub fn settings() -> String {
    format!(
        "{DECLARATION}<w:settings {W_NAMESPACES}><w:zoom w:percent=\"100\"/>\
         <w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>\
         <w:updateFields w:val=\"true\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" \
         w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>"
    )
}

/// A relationship of the document part: an image or an external hyperlink.
pub struct Relationship {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub external: bool,
}

pub fn document_relationships(extra: &[Relationship]) -> String {
    let mut out = format!(
        "{DECLARATION}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{REL}/numbering\" Target=\"numbering.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{REL}/settings\" Target=\"settings.xml\"/>\
         <Relationship Id=\"{HEADER_RID}\" Type=\"{REL}/header\" Target=\"header1.xml\"/>\
         <Relationship Id=\"{FOOTER_RID}\" Type=\"{REL}/footer\" Target=\"footer1.xml\"/>"
    );
    for rel in extra {
        out.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"{REL}/{}\" Target=\"{}\"{}/>",
            rel.id,
            rel.kind,
            escape(&rel.target),
            if rel.external {
                " TargetMode=\"External\""
            } else {
                ""
            }
        ));
    }
    out.push_str("</Relationships>");
    out
}

pub fn package_relationships() -> String {
    format!(
        "{DECLARATION}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"word/document.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{REL}/extended-properties\" Target=\"docProps/app.xml\"/>\
         </Relationships>"
    )
}

pub fn content_types() -> String {
    const WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    let overrides: String = [
        ("/word/document.xml", format!("{WML}.document.main+xml")),
        ("/word/styles.xml", format!("{WML}.styles+xml")),
        ("/word/numbering.xml", format!("{WML}.numbering+xml")),
        ("/word/settings.xml", format!("{WML}.settings+xml")),
        ("/word/header1.xml", format!("{WML}.header+xml")),
        ("/word/footer1.xml", format!("{WML}.footer+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".to_owned(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_owned(),
        ),
    ]
    .iter()
    .map(|(part, kind)| format!("<Override PartName=\"{part}\" ContentType=\"{kind}\"/>"))
    .collect();
    format!(
        "{DECLARATION}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Default Extension=\"png\" ContentType=\"image/png\"/>{overrides}</Types>"
    )
}

pub fn core_properties(doc: &DocxDocument<'_>) -> String {
    let date = format!("{}T00:00:00Z", escape(doc.created));
    format!(
        "{DECLARATION}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>bipgen</dc:creator><dc:language>{}</dc:language>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified></cp:coreProperties>",
        escape(doc.title),
        escape(doc.language)
    )
}

pub fn app_properties() -> String {
    format!(
        "{DECLARATION}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>bipgen</Application></Properties>"
    )
}
