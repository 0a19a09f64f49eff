//! Text for XML and HTML (DOCX parts, inline SVG, the HTML page): escaped, and stripped
//! of the characters XML 1.0 cannot carry at all.

/// Characters XML 1.0 allows: tab, line feed, carriage return, and everything from
/// U+0020 up except U+FFFE and U+FFFF (Rust `char`s are never surrogates).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes `text` for element content or a double-quoted attribute value. Line breaks
/// and tabs are written as character references so attribute normalisation keeps them.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}
