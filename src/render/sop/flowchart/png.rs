//! An SVG chart rasterised by resvg with bipgen's own fonts only (never the machine's),
//! on white.

use std::sync::{Arc, LazyLock};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use crate::typeset::FONTS;

pub struct Png {
    pub bytes: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
}

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

/// Rasterises `svg` at `scale` pixels per point (the chart SVGs are sized in points).
pub fn to_png(svg: &str, scale: f32) -> Result<Png, String> {
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
    let mut pixmap = tiny_skia::Pixmap::new(width_px.max(1), height_px.max(1))
        .ok_or_else(|| format!("chart too large for a PNG ({width_px}×{height_px} px)"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(factor, factor),
        &mut pixmap.as_mut(),
    );
    let bytes = encode(&pixmap).map_err(|e| format!("chart PNG: {e}"))?;
    Ok(Png {
        bytes,
        width_px: pixmap.width(),
        height_px: pixmap.height(),
    })
}

/// The pixmap as an RGB PNG. It is opaque (drawn on white), so its premultiplied colours
/// are the colours and the alpha channel carries nothing. Fast deflate with the `Up`
/// filter: flat chart areas compress nearly as well as with the default, in a fraction
/// of the time.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|pixel| [pixel[0], pixel[1], pixel[2]])
        .collect();
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(bytes)
}
