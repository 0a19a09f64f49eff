//! Text measured with the advance widths of bipgen's bundled fonts (no shaping: Arabic is
//! measured in isolated forms, which are wider than joined ones, and nodes keep padding),
//! and wrapped at spaces.

use std::sync::LazyLock;

use typst::layout::Abs;
use typst::text::{FontInstance, FontStyle, FontVariant, FontVariations, FontWeight};

use crate::typeset::FONTS;

/// The regular face of each bundled family, in bundling order.
static REGULAR: LazyLock<Vec<FontInstance>> = LazyLock::new(|| {
    FONTS
        .fonts
        .iter()
        .filter(|f| {
            let v = f.info().variant;
            v.style == FontStyle::Normal && v.weight == FontWeight::REGULAR
        })
        .map(|f| {
            f.clone().instantiate(
                FontVariant::default(),
                Abs::pt(10.0),
                &FontVariations::default(),
            )
        })
        .collect()
});

/// The fonts of one typeface: its families first, then every other bundled font (what
/// Typst and resvg fall back on).
pub struct Measure {
    fonts: Vec<&'static FontInstance>,
    /// Line height, and baseline below the top of the line, in em.
    pub line_height: f64,
    pub ascent: f64,
}

impl Measure {
    pub fn new(families: &[String]) -> Measure {
        let mut fonts: Vec<&'static FontInstance> = Vec::new();
        for family in families {
            for font in REGULAR.iter() {
                if font.font().info().family.eq_ignore_ascii_case(family)
                    && !fonts.iter().any(|f| std::ptr::eq(*f, font))
                {
                    fonts.push(font);
                }
            }
        }
        for font in REGULAR.iter() {
            if !fonts.iter().any(|f| std::ptr::eq(*f, font)) {
                fonts.push(font);
            }
        }
        // The first family sets the line: its ascender and descender centred in a line
        // of their height, kept between 1.3 and 1.5 em (Naskh's descender and Myanmar's
        // stacks would space lines too far apart; their glyphs rarely reach that far).
        let (ascent, descent) = fonts
            .first()
            .map(|f| (f.metrics().ascender.get(), -f.metrics().descender.get()))
            .unwrap_or((1.069, 0.293));
        let line_height = (ascent + descent).clamp(1.3, 1.5);
        Measure {
            fonts,
            line_height: round3(line_height),
            ascent: round3(line_height / 2.0 + (ascent - descent) / 2.0),
        }
    }

    /// Advance width of `c` in em, from the first font that has it.
    fn advance(&self, c: char) -> f64 {
        if is_invisible(c) {
            return 0.0;
        }
        let c = if c.is_whitespace() { ' ' } else { c };
        for font in &self.fonts {
            if let Some(glyph) = font.ttf().glyph_index(c) {
                return font.x_advance(glyph.0).map_or(0.0, |a| a.get());
            }
        }
        0.6
    }

    /// Width of `text` at `size` pt.
    pub fn width(&self, text: &str, size: f64) -> f64 {
        text.chars().map(|c| self.advance(c)).sum::<f64>() * size
    }

    /// `text` broken into lines no wider than `max` pt at `size` pt: at spaces (and at
    /// line breaks in the text), inside a word only when the word alone is too wide.
    #[cfg(test)]
    pub fn wrap(&self, text: &str, size: f64, max: f64) -> Vec<String> {
        self.wrap_measured(&self.measure_words(text), size, max)
    }

    /// As [`Measure::wrap`], with the same number of lines made as even as possible (the
    /// narrowest width that needs no more lines), so that no line is left with one word.
    pub fn wrap_balanced(&self, text: &str, size: f64, max: f64) -> Vec<String> {
        // Measured once: the search below wraps the same words at many widths.
        let paragraphs = self.measure_words(text);
        let lines = self.wrap_measured(&paragraphs, size, max);
        if lines.len() < 2 {
            return lines;
        }
        let widest_word = paragraphs
            .iter()
            .flatten()
            .map(|w| w.width() * size)
            .fold(0.0, f64::max);
        if widest_word > max {
            return lines;
        }
        let total = self.width(&lines.join(" "), size);
        let (mut lo, mut hi) = (widest_word.max(total / lines.len() as f64), max);
        let mut best = lines.clone();
        for _ in 0..14 {
            let mid = (lo + hi) / 2.0;
            let attempt = self.wrap_measured(&paragraphs, size, mid);
            if attempt.len() <= lines.len() {
                best = attempt;
                hi = mid;
            } else {
                lo = mid;
            }
        }
        best
    }

    /// The words of each line of `text`, with the advance of each character.
    fn measure_words<'t>(&self, text: &'t str) -> Vec<Vec<Word<'t>>> {
        text.split('\n')
            .map(|paragraph| {
                words(paragraph)
                    .map(|text| Word {
                        text,
                        advances: text.chars().map(|c| self.advance(c)).collect(),
                    })
                    .collect()
            })
            .collect()
    }

    /// Wrapping on measured words. A line's width is summed character by character in
    /// reading order, exactly as [`Measure::width`] sums it, so both agree to the bit.
    fn wrap_measured(&self, paragraphs: &[Vec<Word>], size: f64, max: f64) -> Vec<String> {
        let space = self.advance(' ');
        let mut lines = Vec::new();
        for paragraph in paragraphs {
            let mut line = String::new();
            let mut line_em = 0.0;
            for word in paragraph {
                let candidate_em = if line.is_empty() {
                    word.width()
                } else {
                    word.advances.iter().fold(line_em + space, |sum, a| sum + a)
                };
                if candidate_em * size <= max {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word.text);
                    line_em = candidate_em;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if word.width() * size <= max {
                    line = word.text.to_owned();
                    line_em = word.width();
                } else {
                    let mut pieces = self.break_word(word, size, max);
                    line = pieces.pop().unwrap_or_default();
                    line_em = self.width(&line, 1.0);
                    lines.extend(pieces);
                }
            }
            if !line.is_empty() {
                lines.push(line);
            }
        }
        lines
    }

    /// A word too wide for a line, cut between characters (never before a combining mark).
    fn break_word(&self, word: &Word, size: f64, max: f64) -> Vec<String> {
        let mut pieces = Vec::new();
        let mut piece = String::new();
        let mut width = 0.0;
        for (c, advance) in word.text.chars().zip(&word.advances) {
            let w = advance * size;
            if !piece.is_empty() && width + w > max && !is_mark(c) {
                pieces.push(std::mem::take(&mut piece));
                width = 0.0;
            }
            piece.push(c);
            width += w;
        }
        if !piece.is_empty() {
            pieces.push(piece);
        }
        pieces
    }

    /// The widest of `lines` at `size`.
    pub fn widest(&self, lines: &[String], size: f64) -> f64 {
        lines
            .iter()
            .map(|l| self.width(l, size))
            .fold(0.0, f64::max)
    }
}

/// A word and the advance of each of its characters, in em.
struct Word<'t> {
    text: &'t str,
    advances: Vec<f64>,
}

impl Word<'_> {
    /// Summed in order from zero, as [`Measure::width`] sums a text.
    fn width(&self) -> f64 {
        self.advances.iter().sum()
    }
}

/// The words of `text`: split at spaces, but not at no-break spaces.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{202F}' | '\u{2007}'))
        .filter(|w| !w.is_empty())
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Characters that take no room (direction marks, joiners, controls).
fn is_invisible(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2066}'..='\u{2069}' | '\u{202A}'..='\u{202E}' | '\u{FEFF}')
}

/// Combining marks of the scripts bipgen ships (approximate; enough not to orphan a mark).
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{135D}'..='\u{135F}'
        | '\u{102B}'..='\u{103E}'
        | '\u{1056}'..='\u{1059}'
        | '\u{09BC}'..='\u{09D7}'
        | '\u{0981}'..='\u{0983}'
        | '\u{200C}' | '\u{200D}'
    )
}
