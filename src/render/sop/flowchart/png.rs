//! An SVG chart rasterised by resvg with bipgen's own fonts only (never the machine's),
//! on white.

use std::sync::{Arc, LazyLock};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};
use rustc_hash::FxHashMap;

use crate::typeset::FONTS;

/// The bundled font files, each once.
pub(super) static FONT_DB: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
    let mut db = fontdb::Database::new();
    let mut loaded: Vec<*const u8> = Vec::new();
    for font in &FONTS.fonts {
        let data = font.data();
        if loaded.contains(&data.as_ptr()) {
            continue;
        }
        loaded.push(data.as_ptr());
        db.load_font_source(fontdb::Source::Binary(Arc::new(data.clone())));
    }
    db.set_sans_serif_family("Noto Sans");
    db.set_serif_family("Noto Sans");
    Arc::new(db)
});

/// Rasterises `svg` at `scale` pixels per point (the chart SVGs are sized in points), as
/// PNG bytes; [`png_size`] reads their size back.
pub fn to_png(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(format!("invalid PNG scale {scale}"));
    }
    let options = usvg::Options {
        fontdb: FONT_DB.clone(),
        font_family: "Noto Sans".to_owned(),
        // Nothing from outside the SVG: no files, no embedded images.
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("chart SVG: {e}"))?;
    // usvg sizes in CSS pixels (96 per inch); one point is 4/3 of them.
    let size = tree.size();
    let factor = scale * 0.75;
    let width_px = (size.width() * factor).ceil() as u32;
    let height_px = (size.height() * factor).ceil() as u32;
    let too_large = || format!("chart too large for a PNG ({width_px}×{height_px} px)");
    let pixmap_size =
        tiny_skia::IntSize::from_wh(width_px.max(1), height_px.max(1)).ok_or_else(too_large)?;
    let pixels = (pixmap_size.width() as usize)
        .checked_mul(pixmap_size.height() as usize)
        .and_then(|n| n.checked_mul(4))
        .ok_or_else(too_large)?;
    // Drawn in this thread's canvas, kept from chart to chart: hundreds of fresh
    // multi-megabyte pixmaps would each be new memory for the kernel to clear.
    let mut canvas = CANVAS.take();
    canvas.clear();
    canvas.resize(pixels, 255); // opaque white
    let mut pixmap = tiny_skia::Pixmap::from_vec(canvas, pixmap_size).ok_or_else(too_large)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(factor, factor),
        &mut pixmap.as_mut(),
    );
    let encoded = encode(&pixmap).map_err(|e| format!("chart PNG: {e}"));
    CANVAS.set(pixmap.take());
    encoded
}

/// The width and height in pixels of the PNG `bytes`, from its header.
pub fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().map_err(|e| format!("chart PNG: {e}"))?;
    let info = reader.info();
    Ok((info.width, info.height))
}

thread_local! {
    static CANVAS: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The pixmap as a PNG. It is opaque (drawn on white), so its premultiplied colours are
/// the colours and the alpha channel carries nothing. A chart has few colours (its inks
/// and their anti-aliased blends): when they fit in a palette the PNG is indexed, a third
/// of the pixel data to compress and a third of the file, with every pixel unchanged.
/// Fast deflate with the `Up` filter: flat chart areas compress nearly as well as with
/// the default, in a fraction of the time.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, pixmap.width(), pixmap.height());
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Up);
    let data = match indexed(pixmap.data()) {
        Some((palette, indices)) => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(palette);
            indices
        }
        None => {
            encoder.set_color(png::ColorType::Rgb);
            pixmap
                .data()
                .chunks_exact(4)
                .flat_map(|pixel| [pixel[0], pixel[1], pixel[2]])
                .collect()
        }
    };
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(bytes)
}

/// The RGBA pixels as a palette (RGB triples, in order of first appearance) and one
/// index per pixel; `None` when they have more than 256 colours.
fn indexed(rgba: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut palette: Vec<u8> = Vec::new();
    let mut index_of: FxHashMap<u32, u8> = FxHashMap::default();
    let mut indices = Vec::with_capacity(rgba.len() / 4);
    // Runs of one colour are the rule (background, fills, rules): skip the lookup.
    let mut last: Option<(u32, u8)> = None;
    for pixel in rgba.chunks_exact(4) {
        let colour = u32::from_le_bytes([pixel[0], pixel[1], pixel[2], 0]);
        let index = match last {
            Some((seen, index)) if seen == colour => index,
            _ => {
                let index = match index_of.get(&colour) {
                    Some(&index) => index,
                    None => {
                        let index = u8::try_from(index_of.len()).ok()?;
                        index_of.insert(colour, index);
                        palette.extend_from_slice(&pixel[..3]);
                        index
                    }
                };
                last = Some((colour, index));
                index
            }
        };
        indices.push(index);
    }
    Some((palette, indices))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pixmap of `width` × 2 pixels, coloured by `colour(x, y)`.
    fn pixmap(width: u32, colour: impl Fn(u32, u32) -> [u8; 3]) -> tiny_skia::Pixmap {
        let mut pixmap = tiny_skia::Pixmap::new(width, 2).unwrap();
        for (i, pixel) in pixmap.data_mut().chunks_exact_mut(4).enumerate() {
            let [r, g, b] = colour(i as u32 % width, i as u32 / width);
            pixel.copy_from_slice(&[r, g, b, 255]);
        }
        pixmap
    }

    fn decoded(bytes: &[u8]) -> (png::ColorType, Vec<u8>) {
        let image = image::load_from_memory(bytes).unwrap().to_rgba8();
        let colour = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap()
            .info()
            .color_type;
        (colour, image.into_raw())
    }

    #[test]
    fn a_few_colours_make_an_indexed_png_with_every_pixel_kept() {
        let few = pixmap(300, |x, y| [(x % 100) as u8, y as u8 * 40, 255]);
        let (colour, pixels) = decoded(&encode(&few).unwrap());
        assert_eq!(colour, png::ColorType::Indexed);
        assert_eq!(pixels, few.data());
    }

    #[test]
    fn more_than_256_colours_stay_rgb_with_every_pixel_kept() {
        let many = pixmap(300, |x, y| [(x % 256) as u8, (x / 256) as u8, y as u8]);
        let (colour, pixels) = decoded(&encode(&many).unwrap());
        assert_eq!(colour, png::ColorType::Rgb);
        assert_eq!(pixels, many.data());
        // Exactly 256 colours still fit.
        let full = pixmap(256, |x, _| [x as u8, 0, 0]);
        assert_eq!(decoded(&encode(&full).unwrap()).0, png::ColorType::Indexed);
    }
}
