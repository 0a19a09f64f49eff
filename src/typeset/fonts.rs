//! The fonts bipgen ships (assets/fonts, Noto, OFL) and which of them serve each script.
//! Only these fonts are ever used: a machine's own fonts could lack glyphs silently.

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

macro_rules! font_files {
    ($($name:literal),* $(,)?) => {
        &[$(include_bytes!(concat!("../../assets/fonts/", $name))),*]
    };
}

const FONT_FILES: &[&[u8]] = font_files!(
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSans-Italic.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoSansEthiopic-Regular.ttf",
    "NotoSansEthiopic-Bold.ttf",
    "NotoSansMyanmar-Regular.ttf",
    "NotoSansMyanmar-Bold.ttf",
    "NotoSansBengali-Regular.ttf",
    "NotoSansBengali-Bold.ttf",
    "NotoSansMath-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
);

pub struct Fonts {
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
}

pub static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// The font families for text in `script` (ISO 15924), most specific first; Noto Sans
/// always comes along for Latin digits, punctuation and ids, and Noto Sans Math and
/// Symbols 2 for ≤ ≥ ≠ → ✓ (in conditions and targets). `None`: bipgen ships no
/// font for that script.
pub fn fonts_for_script(script: &str) -> Option<&'static [&'static str]> {
    Some(match script {
        "Latn" | "Cyrl" | "Grek" => &["Noto Sans", "Noto Sans Math", "Noto Sans Symbols2"],
        "Arab" | "Aran" => &[
            "Noto Naskh Arabic",
            "Noto Sans",
            "Noto Sans Math",
            "Noto Sans Symbols2",
        ],
        "Ethi" => &[
            "Noto Sans Ethiopic",
            "Noto Sans",
            "Noto Sans Math",
            "Noto Sans Symbols2",
        ],
        "Mymr" => &[
            "Noto Sans Myanmar",
            "Noto Sans",
            "Noto Sans Math",
            "Noto Sans Symbols2",
        ],
        "Beng" => &[
            "Noto Sans Bengali",
            "Noto Sans",
            "Noto Sans Math",
            "Noto Sans Symbols2",
        ],
        _ => return None,
    })
}

/// Whether one of `families` has a glyph for `c`. Characters that are never drawn
/// (spaces, line breaks, direction marks and isolates, joiners) count as covered.
pub fn covers(families: &[&str], c: char) -> bool {
    if c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2066}'..='\u{2069}' | '\u{202A}'..='\u{202E}' | '\u{FEFF}')
    {
        return true;
    }
    FONTS.fonts.iter().any(|font| {
        let info = font.info();
        families.iter().any(|f| info.family.eq_ignore_ascii_case(f))
            && info.coverage.contains(c as u32)
    })
}

/// Whether any shipped font has a glyph for `c` (what Typst falls back on).
pub fn covers_any(c: char) -> bool {
    let all: Vec<&str> = FONTS
        .fonts
        .iter()
        .map(|f| f.info().family.as_str())
        .collect();
    covers(&all, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_script_is_covered() {
        assert!(covers(fonts_for_script("Latn").unwrap(), 'é'));
        assert!(covers(fonts_for_script("Cyrl").unwrap(), 'ї'));
        assert!(
            covers(fonts_for_script("Arab").unwrap(), 'ښ'),
            "Pashto letters"
        );
        assert!(covers(fonts_for_script("Ethi").unwrap(), 'ሀ'));
        assert!(covers(fonts_for_script("Mymr").unwrap(), 'က'));
        assert!(covers(fonts_for_script("Beng").unwrap(), 'অ'));
        assert!(!covers(fonts_for_script("Latn").unwrap(), 'ሀ'));
        assert!(fonts_for_script("Hebr").is_none());
        for symbol in ['≤', '≥', '≠', '→', '✓', '†', '«', '»', '“', '”'] {
            assert!(
                covers(fonts_for_script("Latn").unwrap(), symbol),
                "{symbol}"
            );
        }
        assert_eq!(FONTS.fonts.len(), 13);
    }
}
