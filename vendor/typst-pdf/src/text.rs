use std::ops::Range;
use std::sync::Arc;

use bytemuck::TransparentWrapper;
use krilla::surface::{Location, Surface};
use krilla::text::GlyphId;
use typst_library::diag::{SourceResult, bail};
use typst_library::text::{FontInstance, Glyph, TextItem};
use typst_library::visualize::FillRule;
use typst_syntax::Span;
use typst_utils::defer;

use crate::convert::{FrameContext, GlobalContext};
use crate::util::{AbsExt, TransformExt, display_font};
use crate::{paint, tags};

#[typst_macros::time(name = "handle text")]
pub(crate) fn handle_text(
    fc: &mut FrameContext,
    t: &TextItem,
    surface: &mut Surface,
    gc: &mut GlobalContext,
) -> SourceResult<()> {
    let mut handle = tags::text(gc, fc, surface, t);
    let surface = handle.surface();

    let font = convert_font(gc, t.font.clone())?;
    let fill = paint::convert_fill(
        gc,
        &t.fill,
        FillRule::NonZero,
        true,
        surface,
        fc.state(),
        None,
    )?;
    let stroke = if let Some(stroke) = t.stroke.as_ref() {
        Some(paint::convert_stroke(gc, stroke, true, surface, fc.state(), None)?)
    } else {
        None
    };
    let text = t.text.as_str();
    let size = t.size;
    let glyphs = one_character_per_glyph(t);
    let glyphs: &[PdfGlyph] = TransparentWrapper::wrap_slice(glyphs.as_slice());

    surface.push_transform(&fc.state().transform().to_krilla());
    let mut surface = defer(surface, |s| s.pop());
    surface.set_fill(Some(fill));
    surface.set_stroke(stroke);
    surface.draw_glyphs(
        krilla::geom::Point::from_xy(0.0, 0.0),
        glyphs,
        font.clone(),
        text,
        size.to_f32(),
        false,
    );

    Ok(())
}

fn convert_font(
    gc: &mut GlobalContext,
    typst_font: FontInstance,
) -> SourceResult<krilla::text::Font> {
    if let Some(font) = gc.fonts_forward.get(&typst_font) {
        Ok(font.clone())
    } else {
        let font = build_font(typst_font.clone())?;

        gc.fonts_forward.insert(typst_font.clone(), font.clone());
        gc.fonts_backward.insert(font.clone(), typst_font.clone());

        Ok(font)
    }
}

#[comemo::memoize]
fn build_font(typst_font: FontInstance) -> SourceResult<krilla::text::Font> {
    let font_data: Arc<dyn AsRef<[u8]> + Send + Sync> =
        Arc::new(typst_font.data().clone());

    let variations = typst_font
        .variations()
        .0
        .iter()
        .map(|(tag, value)| (krilla::text::Tag::new(&tag.to_bytes()), value.0))
        .collect::<Vec<_>>();

    match krilla::text::Font::new_variable(
        font_data.into(),
        typst_font.index(),
        &variations,
    ) {
        Some(f) => Ok(f),
        None => {
            bail!(
                Span::detached(),
                "failed to process {}",
                display_font(Some(&typst_font)),
            )
        }
    }
}

#[derive(Debug, TransparentWrapper)]
#[repr(transparent)]
struct PdfGlyph(Glyph);

impl krilla::text::Glyph for PdfGlyph {
    #[inline(always)]
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(self.0.id as u32)
    }

    #[inline(always)]
    fn text_range(&self) -> Range<usize> {
        self.0.range.start as usize..self.0.range.end as usize
    }

    #[inline(always)]
    fn x_advance(&self, size: f32) -> f32 {
        // Don't use `Em::at`, because it contains an expensive check whether the result is finite.
        self.0.x_advance.get() as f32 * size
    }

    #[inline(always)]
    fn x_offset(&self, size: f32) -> f32 {
        // Don't use `Em::at`, because it contains an expensive check whether the result is finite.
        self.0.x_offset.get() as f32 * size
    }

    #[inline(always)]
    fn y_offset(&self, size: f32) -> f32 {
        // Don't use `Em::at`, because it contains an expensive check whether the result is finite.
        self.0.y_offset.get() as f32 * size
    }

    #[inline(always)]
    fn y_advance(&self, size: f32) -> f32 {
        // Don't use `Em::at`, because it contains an expensive check whether the result is finite.
        self.0.y_advance.get() as f32 * size
    }

    fn location(&self) -> Option<Location> {
        Some(self.0.span.0.into_raw())
    }
}

/// bipgen: whether the item's glyphs run against its text, as a right-to-left run's
/// glyphs do (they are drawn in visual order), or as the glyphs inside a cluster do
/// where the script draws a vowel before its consonant (Bengali ি, Myanmar ေ) or a
/// consonant above the next (Bengali reph): their characters, once each glyph has its
/// own, come out of order too.
pub(crate) fn drawn_out_of_order(t: &TextItem) -> bool {
    let against = |glyphs: &[Glyph]| {
        glyphs.windows(2).any(|pair| pair[1].range.start < pair[0].range.start)
    };
    against(&t.glyphs) || against(&one_character_per_glyph(t))
}

/// bipgen: the item's glyphs, with each glyph of a multi-glyph cluster mapped to
/// its own characters where the font says which glyph is which.
///
/// Shaping puts a base letter and its marks (Arabic "حّ") into one cluster, and
/// every glyph of a cluster gets the whole cluster's text. The PDF's Unicode map
/// then gives the shadda glyph "حّ", so extracted text repeats the letter. A mark
/// keeps its nominal glyph, so matching glyphs to characters through the font's
/// character map tells them apart; the one glyph left over (the letter in its
/// joining form) takes the characters left over. Invisible bidi controls inside a
/// cluster are left out of every glyph's text.
fn one_character_per_glyph(t: &TextItem) -> Vec<Glyph> {
    let mut glyphs = t.glyphs.clone();
    let mut start = 0;
    while start < glyphs.len() {
        let range = glyphs[start].range.clone();
        let mut end = start + 1;
        while end < glyphs.len() && glyphs[end].range == range {
            end += 1;
        }
        split_cluster(t, &mut glyphs[start..end]);
        start = end;
    }
    for glyph in &mut glyphs {
        trim_controls(&t.text, glyph);
    }
    glyphs
}

fn split_cluster(t: &TextItem, cluster: &mut [Glyph]) {
    if cluster.len() < 2 {
        return;
    }
    let offset = cluster[0].range.start;
    let ttf = t.font.ttf();
    let is_mark = |id: ttf_parser::GlyphId| {
        ttf.tables()
            .gdef
            .and_then(|gdef| gdef.glyph_class(id))
            .is_some_and(|class| class == ttf_parser::gdef::GlyphClass::Mark)
    };
    // The cluster's visible characters: range, nominal glyph, and whether a
    // glyph has claimed it yet.
    let mut chars: Vec<(Range<u16>, Option<ttf_parser::GlyphId>, bool)> = t.text
        [cluster[0].range()]
    .char_indices()
    .filter(|(_, c)| !is_bidi_control(*c))
    .map(|(i, c)| {
        let start = offset + i as u16;
        (start..start + c.len_utf8() as u16, ttf.glyph_index(c), false)
    })
    .collect();
    // First, glyphs that are some character's nominal glyph (most marks).
    let mut ranges: Vec<Option<Range<u16>>> = cluster
        .iter()
        .map(|glyph| {
            let (range, _, claimed) = chars.iter_mut().find(|(_, nominal, claimed)| {
                !claimed && nominal.is_some_and(|id| id.0 == glyph.id)
            })?;
            *claimed = true;
            Some(range.clone())
        })
        .collect();
    // Then the glyphs left: at most one base (the letter in its joining form) and
    // one mark (two marks drawn as one glyph) share the characters left, bases to
    // the base and marks to the mark. `left` spans the unclaimed characters that
    // `pick` accepts, when they are contiguous.
    let left = |pick: &dyn Fn(Option<ttf_parser::GlyphId>) -> bool| -> Option<Range<u16>> {
        let picked: Vec<&Range<u16>> = chars
            .iter()
            .filter(|(_, nominal, claimed)| !claimed && pick(*nominal))
            .map(|(range, _, _)| range)
            .collect();
        let contiguous = picked.windows(2).all(|pair| pair[0].end == pair[1].start);
        match (picked.first(), picked.last()) {
            (Some(first), Some(last)) if contiguous => Some(first.start..last.end),
            _ => None,
        }
    };
    let marks = |want: bool| move |nominal: Option<ttf_parser::GlyphId>| {
        nominal.is_some_and(|id| is_mark(id)) == want
    };
    let open: Vec<usize> = (0..cluster.len()).filter(|&i| ranges[i].is_none()).collect();
    let unclaimed_chars = chars.iter().any(|(_, _, claimed)| !claimed);
    match open.as_slice() {
        [] if !unclaimed_chars => {}
        [only] => match left(&|_| true) {
            Some(all) => ranges[*only] = Some(all),
            None => return,
        },
        [a, b] => {
            let (base, mark) = match (
                is_mark(ttf_parser::GlyphId(cluster[*a].id)),
                is_mark(ttf_parser::GlyphId(cluster[*b].id)),
            ) {
                (false, true) => (*a, *b),
                (true, false) => (*b, *a),
                _ => return,
            };
            match (left(&marks(false)), left(&marks(true))) {
                (Some(bases), Some(marks)) => {
                    ranges[base] = Some(bases);
                    ranges[mark] = Some(marks);
                }
                _ => return,
            }
        }
        // Anything else keeps the cluster's shared text.
        _ => return,
    }
    for (glyph, range) in cluster.iter_mut().zip(ranges) {
        if let Some(range) = range {
            glyph.range = range;
        }
    }
}

/// Leaves invisible bidi controls (e.g. a right-to-left mark after a list item)
/// out of a glyph's text when the glyph shows something else.
fn trim_controls(text: &str, glyph: &mut Glyph) {
    let mut range = glyph.range();
    let Some(shown) = text.get(range.clone()) else { return };
    let leading: usize =
        shown.chars().take_while(|c| is_bidi_control(*c)).map(char::len_utf8).sum();
    let trailing: usize =
        shown.chars().rev().take_while(|c| is_bidi_control(*c)).map(char::len_utf8).sum();
    if leading + trailing >= shown.len() {
        return;
    }
    range.start += leading;
    range.end -= trailing;
    glyph.range = range.start as u16..range.end as u16;
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
