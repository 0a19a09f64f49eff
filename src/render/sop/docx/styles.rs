//! `styles.xml` and `numbering.xml`: the named styles the body uses (real heading
//! styles with outline levels) and the list definitions.

use super::parts::{bidi, rtl_run};
use super::xml::{DECLARATION, W_NAMESPACES, escape};
use super::{DocxDocument, MONO_FONT};

/// The shading of table header rows.
pub const HEADER_FILL: &str = "D9E2F3";

/// `w:lang`: the language for every script, and for complex scripts too when the
/// document is right to left.
fn lang(doc: &DocxDocument<'_>) -> String {
    let tag = escape(doc.language);
    if doc.rtl {
        format!("<w:lang w:val=\"{tag}\" w:bidi=\"{tag}\"/>")
    } else {
        format!("<w:lang w:val=\"{tag}\"/>")
    }
}

fn style(kind: &str, id: &str, name: &str, based_on: Option<&str>, body: &str) -> String {
    let based = based_on
        .map(|b| format!("<w:basedOn w:val=\"{b}\"/><w:next w:val=\"Normal\"/>"))
        .unwrap_or_default();
    format!(
        "<w:style w:type=\"{kind}\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{based}<w:qFormat/>{body}</w:style>"
    )
}

fn paragraph_style(id: &str, name: &str, ppr: &str, rpr: &str) -> String {
    style(
        "paragraph",
        id,
        name,
        Some("Normal"),
        &format!("<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr>"),
    )
}

const BOLD: &str = "<w:b/><w:bCs/>";
const ITALIC: &str = "<w:i/><w:iCs/>";
const HEADING_COLOR: &str = "<w:color w:val=\"1F3864\"/>";

fn size(half_points: u32) -> String {
    format!("<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/>")
}

pub fn styles(doc: &DocxDocument<'_>) -> String {
    let font = escape(doc.font);
    let mono = MONO_FONT;
    let border = |side: &str| {
        format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>")
    };
    let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
        .into_iter()
        .map(border)
        .collect();
    let mut out = format!(
        "{DECLARATION}<w:styles {W_NAMESPACES}><w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"{font}\" w:eastAsia=\"{font}\" w:hAnsi=\"{font}\" w:cs=\"{font}\"/>{}{}{}\
         </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"276\" \
         w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>",
        size(22),
        rtl_run(doc),
        lang(doc)
    );
    out.push_str(&format!(
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>\
         <w:qFormat/><w:pPr>{}</w:pPr></w:style>\
         <w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">\
         <w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar>\
         <w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar>\
         </w:tblPr></w:style>",
        bidi(doc)
    ));
    out.push_str(&paragraph_style(
        "Title",
        "Title",
        "<w:spacing w:before=\"480\" w:after=\"360\"/>",
        &format!("{BOLD}{HEADING_COLOR}{}", size(48)),
    ));
    // Chapters start on a new page and headings stay with what follows, as in the
    // HTML's print CSS. The outline level is what Word's navigation pane, the TOC
    // field and other readers go by.
    for (level, (half_points, before)) in [(32, 360), (28, 280), (24, 240), (22, 200)]
        .into_iter()
        .enumerate()
    {
        let page_break = if level == 0 {
            "<w:pageBreakBefore/>"
        } else {
            ""
        };
        out.push_str(&paragraph_style(
            &format!("Heading{}", level + 1),
            &format!("heading {}", level + 1),
            &format!(
                "<w:keepNext/><w:keepLines/>{page_break}<w:spacing w:before=\"{before}\" \
                 w:after=\"120\"/><w:outlineLvl w:val=\"{level}\"/>"
            ),
            &format!("{BOLD}{HEADING_COLOR}{}", size(half_points)),
        ));
    }
    out.push_str(&paragraph_style(
        "TOCHeading",
        "TOC Heading",
        "<w:keepNext/><w:pageBreakBefore/><w:spacing w:before=\"360\" w:after=\"240\"/>",
        &format!("{BOLD}{HEADING_COLOR}{}", size(32)),
    ));
    for level in 1..=3 {
        out.push_str(&paragraph_style(
            &format!("TOC{level}"),
            &format!("toc {level}"),
            &format!(
                "<w:spacing w:after=\"60\"/><w:ind w:left=\"{}\"/>",
                (level - 1) * 220
            ),
            "",
        ));
    }
    out.push_str(&paragraph_style(
        "ListParagraph",
        "List Paragraph",
        "<w:spacing w:after=\"60\"/><w:ind w:left=\"720\"/><w:contextualSpacing/>",
        "",
    ));
    out.push_str(&paragraph_style(
        "Quote",
        "Quote",
        "<w:spacing w:before=\"120\" w:after=\"120\"/><w:ind w:left=\"720\" w:right=\"720\"/>",
        &format!("{ITALIC}<w:color w:val=\"404040\"/>"),
    ));
    out.push_str(&paragraph_style(
        "Caption",
        "caption",
        "<w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/>",
        &format!("{ITALIC}<w:color w:val=\"44546A\"/>{}", size(18)),
    ));
    out.push_str(&paragraph_style(
        "SourceCode",
        "Source Code",
        "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
        &format!(
            "<w:rFonts w:ascii=\"{mono}\" w:hAnsi=\"{mono}\" w:cs=\"{mono}\"/>{}",
            size(20)
        ),
    ));
    for (id, name) in [("Header", "header"), ("Footer", "footer")] {
        out.push_str(&paragraph_style(
            id,
            name,
            "<w:jc w:val=\"center\"/>",
            &format!("<w:color w:val=\"595959\"/>{}", size(18)),
        ));
    }
    out.push_str(&style(
        "character",
        "Hyperlink",
        "Hyperlink",
        None,
        "<w:rPr><w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/></w:rPr>",
    ));
    out.push_str(&style(
        "character",
        "VerbatimChar",
        "Verbatim Char",
        None,
        &format!(
            "<w:rPr><w:rFonts w:ascii=\"{mono}\" w:hAnsi=\"{mono}\" w:cs=\"{mono}\"/></w:rPr>"
        ),
    ));
    // Table Grid: borders everywhere; its first row (the Markdown header row, repeated
    // on every page) bold and shaded.
    out.push_str(&format!(
        "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/>\
         <w:basedOn w:val=\"TableNormal\"/><w:qFormat/><w:pPr><w:spacing w:before=\"40\" \
         w:after=\"40\"/></w:pPr><w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>\
         <w:top w:w=\"40\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"40\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar>\
         </w:tblPr><w:tblStylePr w:type=\"firstRow\"><w:rPr>{BOLD}</w:rPr><w:tcPr>\
         <w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{HEADER_FILL}\"/></w:tcPr></w:tblStylePr></w:style>"
    ));
    out.push_str("</w:styles>");
    out
}

/// One bullet list definition, one decimal; every ordered list gets its own `w:num`
/// restarting at its first number, every bullet list shares `w:num` 1.
pub fn numbering(doc: &DocxDocument<'_>, ordered: &[(usize, u64)]) -> String {
    let font = escape(doc.font);
    let levels = |bullet: bool| -> String {
        (0..4)
            .map(|level| {
                let (format, text) = if bullet {
                    ("bullet", ["•", "◦", "▪", "•"][level].to_owned())
                } else {
                    ("decimal", format!("%{}.", level + 1))
                };
                format!(
                    "<w:lvl w:ilvl=\"{level}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{format}\"/>\
                     <w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/><w:pPr>\
                     <w:ind w:left=\"{}\" w:hanging=\"360\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"{font}\" \
                     w:hAnsi=\"{font}\" w:cs=\"{font}\"/>{}</w:rPr></w:lvl>",
                    720 * (level + 1),
                    rtl_run(doc)
                )
            })
            .collect()
    };
    let mut out = format!(
        "{DECLARATION}<w:numbering {W_NAMESPACES}>\
         <w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"hybridMultilevel\"/>{}</w:abstractNum>\
         <w:abstractNum w:abstractNumId=\"1\"><w:multiLevelType w:val=\"hybridMultilevel\"/>{}</w:abstractNum>\
         <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>",
        levels(true),
        levels(false)
    );
    for (i, (level, start)) in ordered.iter().enumerate() {
        out.push_str(&format!(
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"{level}\">\
             <w:startOverride w:val=\"{}\"/></w:lvlOverride></w:num>",
            i + 2,
            (*start).min(i32::MAX as u64)
        ));
    }
    out.push_str("</w:numbering>");
    out
}
