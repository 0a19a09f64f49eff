//! Images: embedded PNGs, sized to the text width, with alternative text and a caption.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::super::Png;
use super::super::parts::{FIRST_FREE_RID, Relationship};
use super::super::xml::escape;
use super::Writer;

/// Images are at most 16 cm wide (the text is 17 cm) and 22 cm high, in EMU.
const IMAGE_MAX_WIDTH: u64 = 16 * 360_000;
const IMAGE_MAX_HEIGHT: u64 = 22 * 360_000;

pub struct Image {
    pub(super) url: String,
    pub(super) alt: String,
    pub(super) nested: usize,
}

impl Writer<'_, '_> {
    /// Inside an image only its alternative text is collected, as plain text.
    pub(super) fn alt_text(&mut self, event: &Event<'_>) -> Result<(), String> {
        let Some(image) = &mut self.image else {
            return Ok(());
        };
        match event {
            Event::Start(Tag::Image { .. }) => image.nested += 1,
            Event::End(TagEnd::Image) if image.nested > 0 => image.nested -= 1,
            Event::End(TagEnd::Image) => {
                if let Some(image) = self.image.take() {
                    self.insert_image(image)?;
                }
            }
            Event::Text(text)
            | Event::Code(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text) => image
                .alt
                .push_str(&crate::render::sop::passages::plain(text)),
            Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
            _ => {}
        }
        Ok(())
    }

    pub(super) fn insert_image(&mut self, image: Image) -> Result<(), String> {
        let png = self.doc.images.get(&image.url).ok_or_else(|| {
            format!(
                "the SOP shows image `{}`, which was not supplied to the DOCX writer",
                image.url
            )
        })?;
        if png.width_px == 0 || png.height_px == 0 || !png.bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(format!("image `{}` is not a PNG with a size", image.url));
        }
        let next = FIRST_FREE_RID + self.body.relationships.len();
        let id = match self.image_ids.get(&image.url) {
            Some(id) => id.clone(),
            None => {
                let name = format!("image{}.png", self.body.media.len() + 1);
                let id = format!("rId{next}");
                self.body.relationships.push(Relationship {
                    id: id.clone(),
                    kind: "image",
                    target: format!("media/{name}"),
                    external: false,
                });
                self.body.media.push((name, png));
                self.image_ids.insert(image.url.clone(), id.clone());
                id
            }
        };
        let (cx, cy) = extent(png);
        let rpr = if self.doc.rtl {
            "<w:rPr><w:rtl/></w:rPr>"
        } else {
            ""
        };
        self.drawings += 1;
        let n = self.drawings;
        let alt = escape(png.description.as_deref().unwrap_or(&image.alt));
        let drawing = format!(
            "<w:r>{rpr}<w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
             <wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>\
             <wp:docPr id=\"{n}\" name=\"Picture {n}\" descr=\"{alt}\"/><wp:cNvGraphicFramePr>\
             <a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic>\
             <a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
             <pic:pic><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"Picture {n}\" descr=\"{alt}\"/>\
             <pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"{id}\"/><a:stretch>\
             <a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>\
             <a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/>\
             </a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>\
             </w:drawing></w:r>"
        );
        let paragraph = self.paragraph();
        paragraph.figure = true;
        paragraph.push_xml(&drawing);
        if !image.alt.trim().is_empty() {
            self.captions.push(image.alt);
        }
        Ok(())
    }
}

/// The image's size in EMU: the full image width, or less when it would be too tall,
/// keeping its aspect ratio.
fn extent(png: &Png) -> (u64, u64) {
    let (w, h) = (u64::from(png.width_px), u64::from(png.height_px));
    let height = IMAGE_MAX_WIDTH * h / w;
    if height <= IMAGE_MAX_HEIGHT {
        (IMAGE_MAX_WIDTH, height)
    } else {
        (IMAGE_MAX_HEIGHT * w / h, IMAGE_MAX_HEIGHT)
    }
}
