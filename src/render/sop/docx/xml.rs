//! The only way text reaches the XML parts: escaped, and stripped of the characters
//! XML 1.0 cannot carry at all (a single one would make Word refuse the whole file).

pub use super::super::escape::xml as escape;

/// A link target as Word accepts it: bytes that may not stand in a URI (spaces,
/// quotes, non-ASCII…) percent-encoded, as pulldown-cmark does for HTML. A target Word
/// cannot parse makes it call the whole file corrupt.
pub fn uri(url: &str) -> String {
    const KEEP: &[u8] = b"-_.~!*'();:@&=+$,/?#[]%";
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_alphanumeric() || KEEP.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The XML declaration every part starts with.
pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Namespace declarations of the WordprocessingML parts that hold paragraphs.
pub const W_NAMESPACES: &str = concat!(
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
    r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
    r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
    r#"xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#
);

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_stays_text() {
        assert_eq!(
            escape("<b>&amp;\"x\" ]]>"),
            "&lt;b&gt;&amp;amp;&quot;x&quot; ]]&gt;"
        );
    }

    #[test]
    fn forbidden_characters_are_dropped() {
        assert_eq!(escape("a\u{0}b\u{8}c\u{B}d\u{FFFE}e\u{FFFF}f"), "abcdef");
        assert_eq!(escape("\u{10000}\u{FFFD}"), "\u{10000}\u{FFFD}");
    }

    #[test]
    fn link_targets_are_uris() {
        assert_eq!(
            super::uri("https://e.org/a b?q=\"é\"&x=<1>#f"),
            "https://e.org/a%20b?q=%22%C3%A9%22&x=%3C1%3E#f"
        );
    }

    #[test]
    fn whitespace_survives_attributes() {
        assert_eq!(escape("a\tb\nc\r"), "a&#9;b&#10;c&#13;");
    }
}
