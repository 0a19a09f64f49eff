//! Bidirectional controls in configuration strings. An override (LRO, RLO) shows its
//! characters in the reverse of the order they are stored in, so a desk called
//! "Family tracing \u{202e}exe.gnicart\u{202c}" prints as "tracing.exe": what a reader
//! sees is not what the data says. An embedding or isolate left open runs on into the
//! template's own text. Both are reported at the string; balanced embeddings and
//! isolates, and the directional marks, are legitimate and pass.

use super::Context;
use crate::config::texts::for_each_string;

const LRE: char = '\u{202A}';
const RLE: char = '\u{202B}';
const PDF: char = '\u{202C}';
const LRO: char = '\u{202D}';
const RLO: char = '\u{202E}';
const LRI: char = '\u{2066}';
const RLI: char = '\u{2067}';
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// What is wrong with one string's controls.
#[derive(Debug, PartialEq, Eq)]
enum Problem {
    Override,
    Unbalanced,
}

fn problem(text: &str) -> Option<Problem> {
    // Every control here is encoded starting with the byte 0xE2: most strings have none.
    if !text.as_bytes().contains(&0xE2) {
        return None;
    }
    if text.contains([LRO, RLO]) {
        return Some(Problem::Override);
    }
    // Embeddings close with PDF, isolates with PDI; each must close what it opened.
    let mut open: Vec<char> = Vec::new();
    for c in text.chars() {
        match c {
            LRE | RLE => open.push(PDF),
            LRI | RLI | FSI => open.push(PDI),
            PDF | PDI if open.pop() != Some(c) => return Some(Problem::Unbalanced),
            _ => {}
        }
    }
    (!open.is_empty()).then_some(Problem::Unbalanced)
}

pub fn check(cx: &mut Context<'_>) {
    let mut found = Vec::new();
    for_each_string(cx.document, |text, pointer| {
        if let Some(problem) = problem(text) {
            found.push((pointer(), problem));
        }
    });
    for (pointer, problem) in found {
        match problem {
            Problem::Override => cx.error(
                "bidi-override",
                &pointer,
                "this text holds a bidirectional override (U+202D or U+202E), which prints its characters in reverse order: readers would see something other than what is written",
                "remove the override and write the text in its natural order; the script's own direction needs no control characters",
            ),
            Problem::Unbalanced => cx.error(
                "bidi-unbalanced",
                &pointer,
                "this text opens a bidirectional embedding or isolate that it does not close (or closes one it did not open), so its direction would run on into the text around it",
                "close each U+202A/U+202B with U+202C and each U+2066/U+2067/U+2068 with U+2069, or remove the controls",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::test_support::{MINIMAL, diagnostics_for};

    #[test]
    fn overrides_and_unclosed_controls_are_found_and_marks_pass() {
        assert_eq!(
            problem("Family tracing \u{202e}exe.gnicart\u{202c} desk"),
            Some(Problem::Override)
        );
        assert_eq!(problem("UNHCR \u{2067}المفوضية"), Some(Problem::Unbalanced));
        assert_eq!(problem("a \u{2069} b"), Some(Problem::Unbalanced));
        assert_eq!(problem("\u{2067}المفوضية\u{2069} (UNHCR)"), None);
        assert_eq!(problem("UNHCR\u{200f}، UNICEF"), None);
        assert_eq!(problem("plain"), None);
    }

    #[test]
    fn a_spoofed_name_is_an_error_at_its_line() {
        let text = MINIMAL.replace(
            "name = \"UNHCR\"",
            "name = \"Family tracing \u{202e}exe.gnicart\u{202c} desk\"",
        );
        let diagnostics = diagnostics_for(&text);
        let found = diagnostics
            .iter()
            .find(|d| d.code == "bidi-override")
            .expect("reported");
        assert!(found.is_error());
        assert!(found.location.is_some(), "located");
    }
}
