//! Configuration texts as passages of their own. Each is isolated from the sentence,
//! table or header it is set in, so its direction cannot reorder what surrounds it (an
//! Arabic name in a French sentence, a phone number in an Arabic one). A text shown in a
//! fallback language (an English contact role in the French SOP) also says which
//! language it is in, for screen readers (WCAG 3.1.2, PDF/UA `/Lang`).
//!
//! The template context wraps each value in private-use marks that carry its language
//! (none when it is the document's) and direction. They pass through the templates and
//! Markdown untouched, and each format turns them into its own marks: `<bdi>` (with
//! `lang` and `dir` for another language) in HTML, Unicode isolates (FSI, or LRI/RLI,
//! … PDI) in the Markdown file, the PDF and the DOCX, with `#text(lang:)` in Typst and
//! `w:lang` on DOCX runs for another language. Text meant for plain use (captions,
//! anchors, alternative texts) drops them.

/// Opens a passage; its language tag, `/` and its direction follow, then [`START`].
const OPEN: char = '\u{E0F0}';
/// Ends the language tag and direction; the passage's text follows.
const START: char = '\u{E0F1}';
/// Closes a passage.
const CLOSE: char = '\u{E0F2}';

/// The Unicode isolates, for the formats without an isolating element of their own.
pub const FSI: char = '\u{2068}';
pub const LRI: char = '\u{2066}';
pub const RLI: char = '\u{2067}';
pub const PDI: char = '\u{2069}';

/// The direction of a passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Ltr,
    Rtl,
    /// From the passage's first strong character.
    Auto,
}

impl Dir {
    /// The Unicode isolate that opens a passage of this direction ([`PDI`] closes it).
    pub fn isolate(self) -> char {
        match self {
            Dir::Ltr => LRI,
            Dir::Rtl => RLI,
            Dir::Auto => FSI,
        }
    }

    /// The HTML `dir` value.
    pub fn html(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
            Dir::Auto => "auto",
        }
    }
}

/// `text` marked as written in `lang`, right to left when `rtl`.
pub fn mark(text: &str, lang: &str, rtl: bool) -> String {
    let dir = if rtl { "rtl" } else { "ltr" };
    format!("{OPEN}{lang}/{dir}{START}{}{CLOSE}", clean(text))
}

/// `text` isolated, in the document's language, its direction taken from its first
/// strong character. An empty text stays empty, so templates still see it as empty.
pub fn isolate(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("{OPEN}/auto{START}{}{CLOSE}", clean(text))
}

/// `text` isolated as left to right whatever surrounds it: a phone number, whose digit
/// groups and `+` a right-to-left sentence would otherwise reorder.
pub fn isolate_ltr(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("{OPEN}/ltr{START}{}{CLOSE}", clean(text))
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
    /// A passage starts: in `lang`, or in the document's language when `None`.
    Open {
        lang: Option<&'a str>,
        dir: Dir,
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
            .unwrap_or((&after[..end], "auto"));
        out.push(Piece::Open {
            lang: (!lang.is_empty()).then_some(lang),
            dir: match dir {
                "ltr" => Dir::Ltr,
                "rtl" => Dir::Rtl,
                _ => Dir::Auto,
            },
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

/// The HTML element that opens a passage: `<bdi>`, with `lang` and `dir` for another
/// language. `</bdi>` closes it.
pub fn html_open(lang: Option<&str>, dir: Dir) -> String {
    match lang {
        Some(lang) => format!(
            "<bdi lang=\"{}\" dir=\"{}\">",
            super::escape::xml(lang),
            dir.html()
        ),
        None => "<bdi>".to_owned(),
    }
}

/// `text` for the Markdown file: a passage in another language as a `<bdi>` element
/// (Markdown keeps inline HTML), one in the document's language between Unicode
/// isolates, which Markdown viewers honour and nobody sees. The text itself is left as
/// it is: it is Markdown already.
pub fn for_markdown_file(text: &str) -> String {
    let mut open: Vec<bool> = Vec::new();
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_owned(),
            Piece::Open {
                lang: Some(lang),
                dir,
            } => {
                open.push(true);
                html_open(Some(lang), dir)
            }
            Piece::Open { lang: None, dir } => {
                open.push(false);
                dir.isolate().to_string()
            }
            Piece::Close => match open.pop() {
                Some(true) => "</bdi>".to_owned(),
                _ => PDI.to_string(),
            },
        })
        .collect()
}

/// `text` with every passage between Unicode isolates and no other mark, as a DOCX
/// heading shows it (the contents list it the same way).
pub fn with_isolates(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_owned(),
            Piece::Open { dir, .. } => dir.isolate().to_string(),
            Piece::Close => PDI.to_string(),
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
                    lang: Some("en"),
                    dir: Dir::Ltr
                },
                Piece::Text("Field officer"),
                Piece::Close,
                Piece::Text("."),
            ]
        );
        assert_eq!(plain(&marked), "Contact: Field officer.");
        assert_eq!(
            for_markdown_file(&marked),
            "Contact: <bdi lang=\"en\" dir=\"ltr\">Field officer</bdi>."
        );
    }

    #[test]
    fn a_value_in_the_documents_language_is_isolated() {
        let isolated = format!("Desk: {}.", isolate("مكتب البحث"));
        assert_eq!(
            pieces(&isolated)[1],
            Piece::Open {
                lang: None,
                dir: Dir::Auto
            }
        );
        assert_eq!(
            for_markdown_file(&isolated),
            "Desk: \u{2068}مكتب البحث\u{2069}."
        );
        assert_eq!(plain(&isolated), "Desk: مكتب البحث.");
        assert_eq!(isolate(""), "");
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
    }
}
