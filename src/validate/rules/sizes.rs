//! A configuration text is a name, a sentence or a paragraph. One far longer than that is
//! almost always a paste gone wrong (a whole document in an eligibility cell), and it
//! would print as thousands of pages without a word of warning, so it is flagged with
//! its size where it is written.

use serde_json::Value;

use super::Context;
use crate::config::source::escape;
use crate::config::texts::for_each_text;

/// Characters above which a text is flagged: about three printed pages.
pub const LONG_TEXT: usize = 10_000;

/// Characters on a printed SOP page, for the estimate in the message.
const CHARACTERS_PER_PAGE: usize = 3_000;

pub fn check(cx: &mut Context<'_>) {
    let mut long: Vec<(String, usize, usize)> = Vec::new();
    for_each_text(cx.document, |pointer, value| match value {
        Value::String(text) => note(&mut long, pointer.to_owned(), text),
        Value::Object(map) => {
            for (language, text) in map {
                if let Value::String(text) = text {
                    note(&mut long, format!("{pointer}/{}", escape(language)), text);
                }
            }
        }
        _ => {}
    });
    for (pointer, characters, bytes) in long {
        cx.warning(
            "long-text",
            &pointer,
            format!(
                "this text is {} characters ({}), at least {} printed pages; a configuration text is at most a paragraph or two",
                group(characters),
                size(bytes),
                characters.div_ceil(CHARACTERS_PER_PAGE)
            ),
            format!(
                "check that the right text was pasted here, and shorten it to under {} characters; long guidance belongs in the country's SOP templates (templates/sop/)",
                group(LONG_TEXT)
            ),
        );
    }
}

fn note(long: &mut Vec<(String, usize, usize)>, pointer: String, text: &str) {
    // Counting stops at the limit, so a normal text costs nothing to check.
    if text.len() > LONG_TEXT && text.chars().nth(LONG_TEXT).is_some() {
        long.push((pointer, text.chars().count(), text.len()));
    }
}

/// 5242880 → `5,242,880`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn size(bytes: usize) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::LONG_TEXT;
    use crate::validate::rules::test_support::{MINIMAL, diagnostics_for};

    #[test]
    fn a_text_of_megabytes_is_flagged_with_its_size_at_its_line() {
        let huge = "Eligibility. ".repeat(400_000);
        let text = MINIMAL.replacen(
            "operation = \"Refugee response\"",
            &format!("operation = \"{huge}\""),
            1,
        );
        assert_ne!(text, MINIMAL, "the fixture has a [sop] table");
        let found = diagnostics_for(&text);
        let long: Vec<_> = found.iter().filter(|d| d.code == "long-text").collect();
        assert_eq!(long.len(), 1, "{found:#?}");
        assert!(
            long[0].message.contains("5,200,000 characters"),
            "{}",
            long[0].message
        );
        assert!(long[0].message.contains("5.0 MiB"), "{}", long[0].message);
        assert!(long[0].location.is_some(), "no location: {:#?}", long[0]);
    }

    #[test]
    fn a_long_paragraph_is_not_flagged() {
        let paragraph = "a".repeat(LONG_TEXT);
        let text = MINIMAL.replacen(
            "operation = \"Refugee response\"",
            &format!("operation = \"{paragraph}\""),
            1,
        );
        assert_ne!(text, MINIMAL);
        let found = diagnostics_for(&text);
        assert!(found.iter().all(|d| d.code != "long-text"), "{found:#?}");
    }
}
