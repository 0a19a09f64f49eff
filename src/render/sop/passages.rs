//! Passages in another language: a configuration text shown in a fallback language (an
//! English contact role in the French SOP) must say so, for screen readers (WCAG 3.1.2,
//! PDF/UA `/Lang`) and for its direction.
//!
//! The template context wraps such a value in private-use marks that carry its language
//! and direction. They pass through the templates and Markdown untouched, and each
//! format turns them into its own mark: `<span lang dir>` in HTML and in the Markdown
//! file, `#text(lang:, dir:)` in Typst, `w:lang` on DOCX runs. Text meant for plain use
//! (captions, anchors, alternative texts) drops them.

/// Opens a passage; the language tag and direction follow, then [`START`].
const OPEN: char = '\u{E0F0}';
/// Ends the language tag and direction; the passage's text follows.
const START: char = '\u{E0F1}';
/// Closes a passage.
const CLOSE: char = '\u{E0F2}';

/// `text` marked as written in `lang`, right to left when `rtl`.
pub fn mark(text: &str, lang: &str, rtl: bool) -> String {
    let dir = if rtl { "rtl" } else { "ltr" };
    format!("{OPEN}{lang}/{dir}{START}{}{CLOSE}", clean(text))
}

/// A configuration value with any of the marks' characters removed, so no value can
/// open or close a passage of its own.
pub fn clean(value: &str) -> String {
    value.replace([OPEN, START, CLOSE], "")
}

/// One piece of a marked text.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// A passage in `lang` starts.
    Open {
        lang: &'a str,
        rtl: bool,
    },
    /// The passage ends.
    Close,
}

/// Whether `text` holds any mark.
pub fn is_marked(text: &str) -> bool {
    text.contains([OPEN, CLOSE])
}

/// `text` split into its pieces, in order.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find([OPEN, CLOSE]) {
        if at > 0 {
            out.push(Piece::Text(&rest[..at]));
        }
        if rest[at..].starts_with(CLOSE) {
            out.push(Piece::Close);
            rest = &rest[at + CLOSE.len_utf8()..];
            continue;
        }
        let after = &rest[at + OPEN.len_utf8()..];
        let Some(end) = after.find(START) else {
            // A broken mark (a template cut the value): keep the text, drop the mark.
            rest = after;
            continue;
        };
        let (lang, dir) = after[..end]
            .split_once('/')
            .unwrap_or((&after[..end], "ltr"));
        out.push(Piece::Open {
            lang,
            rtl: dir == "rtl",
        });
        rest = &after[end + START.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// `text` without its marks (for captions, anchors and alternative texts).
pub fn plain(text: &str) -> String {
    pieces(text)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Text(text) => Some(text),
            _ => None,
        })
        .collect()
}

/// `text` with its marks as HTML spans. The text itself is left as it is: the HTML and
/// Markdown around it escape it.
pub fn as_html_spans(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_owned(),
            Piece::Open { lang, rtl } => format!(
                "<span lang=\"{}\" dir=\"{}\">",
                super::escape::xml(lang),
                if rtl { "rtl" } else { "ltr" }
            ),
            Piece::Close => "</span>".to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_value_splits_into_its_language_and_text() {
        let marked = format!("Contact: {}.", mark("Field officer", "en", false));
        assert!(is_marked(&marked));
        assert_eq!(
            pieces(&marked),
            [
                Piece::Text("Contact: "),
                Piece::Open {
                    lang: "en",
                    rtl: false
                },
                Piece::Text("Field officer"),
                Piece::Close,
                Piece::Text("."),
            ]
        );
        assert_eq!(plain(&marked), "Contact: Field officer.");
        assert_eq!(
            as_html_spans(&marked),
            "Contact: <span lang=\"en\" dir=\"ltr\">Field officer</span>."
        );
    }

    #[test]
    fn values_cannot_forge_a_mark() {
        let forged = format!("{OPEN}xx/rtl{START}evil{CLOSE}");
        assert_eq!(clean(&forged), "xx/rtlevil");
        let marked = mark(&forged, "ar", true);
        assert_eq!(plain(&marked), "xx/rtlevil");
        assert_eq!(pieces(&marked).len(), 3);
    }

    #[test]
    fn a_cut_mark_keeps_its_text() {
        let cut = format!("{OPEN}en/ltr");
        assert_eq!(plain(&cut), "en/ltr");
        assert!(!plain("plain").is_empty());
    }
}
