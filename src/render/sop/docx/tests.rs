use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::{DocxDocument, Png, write_docx};

const HOSTILE: &str = "<b>&amp;\"x\" ]]> {{ t }} #set page(width: 1pt)";
const HOSTILE_ESCAPED: &str =
    "&lt;b&gt;&amp;amp;&quot;x&quot; ]]&gt; {{ t }} #set page(width: 1pt)";

const SAMPLE: &str = "\
# The title

Before the contents.

## Chapter one

Some **bold**, *italic*, ~~struck~~ and `code` with a [link](https://example.org/a?b=1&c=2).

### Section

- first
  - nested
- second

3. three
4. four

Between.

1. again

#### Sub-section

| Name | Role | Phone |
|:-----|:----:|------:|
| A **b** | c | 1 |
| d | e |

![Case flow](flowcharts/case.svg)

> quoted

---
";

fn parse(markdown: &str) -> Vec<Event<'_>> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    Parser::new_ext(markdown, options).collect()
}

/// A 1×1 PNG: the signature is all the writer checks.
fn png(width_px: u32, height_px: u32) -> Png {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(b"rest of the image");
    Png {
        description: None,
        bytes,
        width_px,
        height_px,
    }
}

fn images() -> BTreeMap<String, Png> {
    BTreeMap::from([("flowcharts/case.svg".to_owned(), png(400, 200))])
}

fn doc<'a>(rtl: bool, images: &'a BTreeMap<String, Png>) -> DocxDocument<'a> {
    DocxDocument {
        title: "Chad BIP SOP",
        language: if rtl { "ar" } else { "fr" },
        rtl,
        font: if rtl {
            "Noto Naskh Arabic"
        } else {
            "Noto Sans"
        },
        header_text: "Chad BIP SOP · version 1.2.0",
        page_label: "Page {number} of {total}",
        toc_title: "Contents",
        toc_hint: "Update this field to show the table of contents.",
        created: "2026-03-01",
        images,
    }
}

/// The parts of a package, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut parts = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("an entry");
        let mut data = Vec::new();
        file.read_to_end(&mut data).expect("readable");
        let name = file.name().expect("a name").into_owned();
        parts.insert(name, data);
    }
    parts
}

fn part(parts: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(parts[name].clone()).expect("UTF-8")
}

/// Element nesting is balanced and nothing but markup follows `<`: enough to catch a
/// text that slipped through unescaped.
fn assert_well_formed(name: &str, xml: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        let text = &rest[..at];
        assert!(
            text.split('&')
                .skip(1)
                .all(|e| ["amp;", "lt;", "gt;", "quot;", "#9;", "#10;", "#13;"]
                    .iter()
                    .any(|ok| e.starts_with(ok))),
            "{name}: bare & in {text:?}"
        );
        let end = rest[at..].find('>').expect("closed tag") + at;
        let tag = &rest[at + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') {
            continue;
        }
        let tag_name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if let Some(closing) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(closing), "{name}: unbalanced </{closing}>");
        } else if !tag.ends_with('/') {
            open.push(tag_name);
        }
    }
    assert!(open.is_empty(), "{name}: unclosed {open:?}");
}

fn build(markdown: &str, rtl: bool) -> BTreeMap<String, Vec<u8>> {
    let images = images();
    let bytes = write_docx(&parse(markdown), &doc(rtl, &images)).expect("a DOCX");
    let parts = unzip(&bytes);
    for (name, data) in &parts {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            assert_well_formed(name, std::str::from_utf8(data).expect("UTF-8"));
        }
    }
    parts
}

#[test]
fn package_has_every_part() {
    let parts = build(SAMPLE, false);
    let names: Vec<&str> = parts.keys().map(String::as_str).collect();
    for name in [
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/app.xml",
        "docProps/core.xml",
        "word/_rels/document.xml.rels",
        "word/document.xml",
        "word/footer1.xml",
        "word/header1.xml",
        "word/media/image1.png",
        "word/numbering.xml",
        "word/settings.xml",
        "word/styles.xml",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let core = part(&parts, "docProps/core.xml");
    assert!(core.contains("<dc:title>Chad BIP SOP</dc:title>"));
    assert!(core.contains("<dc:language>fr</dc:language>"));
    assert!(core.contains("<dc:creator>bipgen</dc:creator>"));
    assert!(core.contains(">2026-03-01T00:00:00Z</dcterms:created>"));
    assert!(part(&parts, "word/settings.xml").contains("<w:updateFields w:val=\"true\"/>"));
    let footer = part(&parts, "word/footer1.xml");
    assert!(footer.contains(" PAGE </w:instrText>") && footer.contains(" NUMPAGES </w:instrText>"));
    assert!(footer.contains(">Page </w:t>") && footer.contains("> of </w:t>"));
    assert!(!footer.contains("{number}") && !footer.contains("{total}"));
    assert!(part(&parts, "word/header1.xml").contains("Chad BIP SOP · version 1.2.0"));
}

#[test]
fn headings_contents_and_styles() {
    let parts = build(SAMPLE, false);
    let document = part(&parts, "word/document.xml");
    for style in ["Title", "Heading1", "Heading2", "Heading3", "TOCHeading"] {
        assert!(
            document.contains(&format!("<w:pStyle w:val=\"{style}\"/>")),
            "{style} unused"
        );
    }
    // The contents come after the front matter and before the first chapter.
    let toc = document
        .find("TOC \\o &quot;1-3&quot; \\h \\z \\u")
        .expect("a TOC field");
    assert!(document.find("Before the contents.").expect("front matter") < toc);
    assert!(toc < document.find("Chapter one").expect("chapter"));
    let styles = part(&parts, "word/styles.xml");
    for id in [
        "Normal",
        "Title",
        "Heading1",
        "Heading2",
        "Heading3",
        "Heading4",
        "TOCHeading",
        "ListParagraph",
        "Quote",
        "TableGrid",
        "Caption",
        "Hyperlink",
    ] {
        assert!(
            styles.contains(&format!("w:styleId=\"{id}\"")),
            "{id} undefined"
        );
    }
    for level in 0..4 {
        assert!(styles.contains(&format!("<w:outlineLvl w:val=\"{level}\"/>")));
    }
}

#[test]
fn inline_formatting_links_lists_tables() {
    let parts = build(SAMPLE, false);
    let document = part(&parts, "word/document.xml");
    assert!(document.contains("<w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">bold"));
    assert!(document.contains("<w:i/><w:iCs/></w:rPr><w:t xml:space=\"preserve\">italic"));
    assert!(document.contains("<w:strike/></w:rPr><w:t xml:space=\"preserve\">struck"));
    assert!(document.contains("VerbatimChar\"/></w:rPr><w:t xml:space=\"preserve\">code"));
    assert!(document.contains("<w:hyperlink r:id=\"rId6\""));
    let rels = part(&parts, "word/_rels/document.xml.rels");
    assert!(
        rels.contains("Target=\"https://example.org/a?b=1&amp;c=2\" TargetMode=\"External\"/>")
    );
    // Bullets share num 1 (nested at level 1); each ordered list restarts.
    assert!(document.contains("<w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/>"));
    assert!(document.contains("<w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/>"));
    assert!(document.contains("<w:ilvl w:val=\"0\"/><w:numId w:val=\"3\"/>"));
    let numbering = part(&parts, "word/numbering.xml");
    assert!(numbering.contains(
        "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"3\"/>"
    ));
    assert!(numbering.contains("<w:num w:numId=\"3\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/>"));
    // The table: full width, header row repeated and bold, short rows padded.
    assert!(
        document.contains("<w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>")
    );
    assert_eq!(document.matches("<w:tblHeader/>").count(), 1);
    assert_eq!(document.matches("<w:tc>").count(), 9);
    assert!(
        document.contains("<w:jc w:val=\"center\"/>")
            && document.contains("<w:jc w:val=\"right\"/>")
    );
    assert!(document.contains("<w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">Phone"));
    assert!(document.contains("<w:pStyle w:val=\"Quote\"/>"));
    assert!(document.contains("<w:pBdr><w:bottom"));
}

#[test]
fn images_are_embedded_with_alt_text_and_caption() {
    let parts = build(SAMPLE, false);
    let document = part(&parts, "word/document.xml");
    let rels = part(&parts, "word/_rels/document.xml.rels");
    let rel = rels
        .split("<Relationship ")
        .find(|r| r.contains("Target=\"media/image1.png\""))
        .expect("an image relationship");
    assert!(rel.contains("relationships/image\""));
    let id = rel.split('"').nth(1).expect("an id");
    assert!(document.contains(&format!("<a:blip r:embed=\"{id}\"/>")));
    assert!(document.contains("descr=\"Case flow\""));
    // 16 cm wide, half as high.
    assert!(document.contains("<wp:extent cx=\"5760000\" cy=\"2880000\"/>"));
    assert!(document.contains(
        "<w:pStyle w:val=\"Caption\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Case flow</w:t>"
    ));
    assert_eq!(
        parts["word/media/image1.png"],
        images()["flowcharts/case.svg"].bytes
    );
    assert!(part(&parts, "[Content_Types].xml").contains("Extension=\"png\""));
}

#[test]
fn unknown_image_is_an_error_naming_it() {
    let images = images();
    let error = write_docx(&parse("![x](flowcharts/missing.svg)"), &doc(false, &images))
        .expect_err("an unknown image");
    assert!(error.contains("flowcharts/missing.svg"), "{error}");
}

#[test]
fn right_to_left_only_when_asked() {
    let ltr = build(SAMPLE, false);
    for name in [
        "word/document.xml",
        "word/styles.xml",
        "word/header1.xml",
        "word/footer1.xml",
    ] {
        let xml = part(&ltr, name);
        assert!(
            !xml.contains("<w:bidi/>") && !xml.contains("<w:rtl/>"),
            "{name}"
        );
    }
    assert!(!part(&ltr, "word/document.xml").contains("bidiVisual"));

    let rtl = build(SAMPLE, true);
    let document = part(&rtl, "word/document.xml");
    assert_eq!(
        document.matches("<w:p>").count() + document.matches("<w:p ").count(),
        document.matches("<w:bidi/>").count() - 1, // the section's
        "every paragraph is bidirectional"
    );
    assert_eq!(
        document.matches("<w:r>").count(),
        document.matches("<w:rtl/>").count(),
        "every run is right to left"
    );
    assert!(document.contains("<w:bidiVisual/>"));
    let styles = part(&rtl, "word/styles.xml");
    assert!(styles.contains("<w:rtl/><w:lang w:val=\"ar\" w:bidi=\"ar\"/>"));
    assert!(styles.contains("w:cs=\"Noto Naskh Arabic\""));
    assert!(
        styles.contains(
            "w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/><w:pPr><w:bidi/>"
        )
    );
}

#[test]
fn text_is_never_markup() {
    for event in [
        Event::Text(CowStr::from(HOSTILE)),
        Event::Html(CowStr::from(HOSTILE)),
        Event::InlineHtml(CowStr::from(HOSTILE)),
        Event::Code(CowStr::from(HOSTILE)),
    ] {
        let events = [
            Event::Start(Tag::Paragraph),
            event,
            Event::End(TagEnd::Paragraph),
        ];
        let images = BTreeMap::new();
        let bytes = write_docx(&events, &doc(false, &images)).expect("a DOCX");
        let document = part(&unzip(&bytes), "word/document.xml");
        assert_eq!(document.matches(HOSTILE_ESCAPED).count(), 1, "{document}");
        assert!(!document.contains("<b>"));
        assert_well_formed("document", &document);
    }
    // Through the parser, in a table cell, a heading and a link target too.
    let markdown = format!(
        "## {h}\n\n| a |\n|---|\n| {c} |\n\n[x](<https://e.org/?q=\"&>)\n",
        h = "a <i>&amp; ]]>",
        c = "<b>"
    );
    let parts = build(&markdown, false);
    let document = part(&parts, "word/document.xml");
    assert!(document.contains("a &lt;i&gt;&amp; ]]&gt;"), "{document}");
    let rels = part(&parts, "word/_rels/document.xml.rels");
    assert!(
        rels.contains("Target=\"https://e.org/?q=%22&amp;\" TargetMode=\"External\""),
        "{rels}"
    );
    assert!(!document.contains("<i>") && !document.contains("<b>"));
}

#[test]
fn forbidden_characters_and_other_values_are_dropped_or_escaped() {
    let text = "a\u{0}b\u{8}c\u{FFFE}d";
    let events = [
        Event::Start(Tag::Paragraph),
        Event::Text(text.into()),
        Event::End(TagEnd::Paragraph),
    ];
    let images = BTreeMap::new();
    let mut document = doc(false, &images);
    document.title = "T<i>\u{1}";
    document.header_text = "H&\u{FFFF}";
    let parts = unzip(&write_docx(&events, &document).expect("a DOCX"));
    assert!(part(&parts, "word/document.xml").contains(">abcd</w:t>"));
    assert!(part(&parts, "docProps/core.xml").contains("<dc:title>T&lt;i&gt;</dc:title>"));
    assert!(part(&parts, "word/header1.xml").contains(">H&amp;</w:t>"));
}

#[test]
fn created_must_be_a_date() {
    let images = BTreeMap::new();
    let mut document = doc(false, &images);
    document.created = "2026-03-01T10:00:00Z\"><x/>";
    assert!(write_docx(&[], &document).is_err());
}

#[test]
fn same_input_same_bytes() {
    let images = images();
    let events = parse(SAMPLE);
    let first = write_docx(&events, &doc(true, &images)).expect("a DOCX");
    let second = write_docx(&events, &doc(true, &images)).expect("a DOCX");
    assert!(first == second, "two runs differ");
}

#[test]
fn blocks_inside_list_items_code_and_raw_html() {
    let markdown = "\
1. First paragraph of the item.

   Second paragraph of the item.

   - nested under it

```
let x = 1;
```

<div class=\"x\">raw & kept</div>
";
    let parts = build(markdown, false);
    let document = part(&parts, "word/document.xml");
    // Only the first paragraph of an item carries the number; the next is indented.
    assert_eq!(document.matches("<w:numId w:val=\"2\"/>").count(), 1);
    assert!(document.contains(
        "<w:pStyle w:val=\"ListParagraph\"/><w:ind w:left=\"720\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Second"
    ));
    assert!(document.contains("<w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/>"));
    assert!(document.contains(
        "<w:pStyle w:val=\"SourceCode\"/></w:pPr><w:r><w:t xml:space=\"preserve\">let x = 1;</w:t></w:r></w:p>"
    ));
    assert!(document.contains(
        "<w:p><w:r><w:t xml:space=\"preserve\">&lt;div class=&quot;x&quot;&gt;raw &amp; kept&lt;/div&gt;</w:t></w:r></w:p>"
    ));
}

#[test]
fn tall_images_fit_the_page_height() {
    let images = BTreeMap::from([("tall.png".to_owned(), png(100, 1000))]);
    let bytes = write_docx(&parse("![tall](tall.png)"), &doc(false, &images)).expect("a DOCX");
    let document = part(&unzip(&bytes), "word/document.xml");
    // 22 cm high, a tenth of that wide.
    assert!(
        document.contains("<wp:extent cx=\"792000\" cy=\"7920000\"/>"),
        "{document}"
    );
}
