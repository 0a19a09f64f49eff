//! The SOP document: Tera Markdown chapters filled from the pack, then one parse of that
//! Markdown rendered to HTML, PDF (embedded Typst) and DOCX, so the four never disagree.

mod charts;
mod cite;
mod context;
pub mod docx;
mod engine;
pub mod escape;
pub mod flowchart;
mod html;
pub mod markdown;
mod own_page;
pub mod passages;
mod pdf;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use crate::config::{Direction, Language};
use crate::pack::Pack;

use super::{Output, OutputKind, RenderError, Renderer};
use text::{Catalogue, Prose};

pub use engine::{CHAPTERS, template_name};

const RENDERER: &str = "sop";

/// The largest Markdown, in bytes, whose languages are laid out side by side. With its
/// flowcharts, an SOP's layout holds roughly 1 MB per KiB of Markdown. Chad's SOPs are
/// 110–190 KiB; an operation with 200 services writes 400–670 KiB per language.
const SIDE_BY_SIDE_MARKDOWN: usize = 256 * 1024;

/// The same for two documents of an area's service directory. A larger one is laid out
/// alone, and uses both cores by itself: each long service type in it starts a page
/// (`own_page`), and Typst lays out the pages between breaks side by side. With 20,000
/// services in 12 areas a document is 1.6 to 3.2 MB of Markdown and about 400 pages;
/// alone, a build peaks at 1.1 GB against 1.5–1.9 GB two at a time, in about the same
/// time (only each PDF export leaves a core idle). With 2,000 services they are 175–350
/// KiB, and still go two by two.
const SIDE_BY_SIDE_VOLUME: usize = 512 * 1024;

pub struct Sop;

impl Renderer for Sop {
    fn name(&self) -> &'static str {
        RENDERER
    }

    fn part(&self) -> crate::pack::Part {
        crate::pack::Part::Sop
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        let mut outputs = Vec::new();
        self.render_each(pack, &mut |output| {
            outputs.push(output);
            Ok(())
        })?;
        Ok(outputs)
    }

    fn render_each(&self, pack: &Pack, emit: &mut super::Emit<'_>) -> Result<(), RenderError> {
        let tera = engine::load(&pack.templates).map_err(error)?;
        let languages: Vec<&Language> = pack.printed_languages().map(|(_, l)| l).collect();
        let mut hand_over =
            |outputs: Vec<Output>| outputs.into_iter().try_for_each(&mut *emit).map_err(error);
        if pack.directory.is_empty() {
            return sops(pack, &tera, &languages, &mut hand_over);
        }
        // With the directory by area, one language at a time: its SOP, then its areas'
        // documents two by two (one at a time when they are large), each laid out,
        // handed over and dropped before the next, so memory stays that of one or two
        // documents; the language's localised configuration serves all.
        for language in &languages {
            let mut writer = Writer::new(pack, &tera, language).map_err(error)?;
            let sop = writer.sop().map_err(error)?;
            hand_over(crate::typeset::in_pool(|| sop.outputs(pack)).map_err(error)?)?;
            drop(sop);
            for volumes in pack.directory.chunks(2) {
                let documents = volumes
                    .iter()
                    .map(|volume| writer.volume(volume))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(error)?;
                lay_out_in_order(pack, &documents, SIDE_BY_SIDE_VOLUME, &mut hand_over)?;
            }
        }
        Ok(())
    }
}

/// Every language's SOP in its four formats, with its flowcharts, handed over as made.
fn sops(
    pack: &Pack,
    tera: &tera::Tera,
    languages: &[&Language],
    hand_over: &mut dyn FnMut(Vec<Output>) -> Result<(), RenderError>,
) -> Result<(), RenderError> {
    use rayon::prelude::*;
    let documents = crate::typeset::in_pool(|| {
        languages
            .par_iter()
            .map(|language| write_markdown(pack, tera, language))
            .collect::<Result<Vec<SopDocument>, String>>()
    })
    .map_err(error)?;
    // Each language's formats already share the cores (`SopDocument::outputs`).
    // Languages also run side by side, unless their PDF layouts would be large.
    lay_out_in_order(pack, &documents, SIDE_BY_SIDE_MARKDOWN, hand_over)
}

/// Each document's outputs, handed over in order. Typst holds memory in proportion to
/// the document it lays out, so the documents are laid out side by side only when none
/// has more than `side_by_side` bytes of Markdown; otherwise one at a time, each handed
/// over and dropped before the next.
fn lay_out_in_order(
    pack: &Pack,
    documents: &[SopDocument],
    side_by_side: usize,
    hand_over: &mut dyn FnMut(Vec<Output>) -> Result<(), RenderError>,
) -> Result<(), RenderError> {
    use rayon::prelude::*;
    if documents.iter().all(|d| d.markdown.len() <= side_by_side) {
        let files: Vec<Vec<Output>> = crate::typeset::in_pool(|| {
            documents
                .par_iter()
                .map(|d| d.outputs(pack))
                .collect::<Result<_, _>>()
        })
        .map_err(error)?;
        return hand_over(files.into_iter().flatten().collect());
    }
    for document in documents {
        hand_over(crate::typeset::in_pool(|| document.outputs(pack)).map_err(error)?)?;
    }
    Ok(())
}

/// The SOP of one language without its page layouts (Markdown, HTML and flowcharts), as
/// a preview shows it; with them too when `laid_out` is set.
pub fn for_language(
    pack: &Pack,
    language: &Language,
    laid_out: bool,
) -> Result<Vec<Output>, String> {
    let tera = engine::load(&pack.templates)?;
    let document = write_markdown(pack, &tera, language)?;
    if laid_out {
        crate::typeset::in_pool(|| document.outputs(pack))
    } else {
        let events = markdown::parse(&document.markdown);
        Ok(document.text_outputs(pack, &events))
    }
}

/// The SOP of `language` written, and with `laid_out` typeset, without being kept: with a
/// country's own chapters or `sop.typ`, what only rendering finds (an unknown variable, a
/// Typst error) is found here, by `check`, rather than by `build`.
pub fn try_language(pack: &Pack, language: &Language, laid_out: bool) -> Result<(), String> {
    let tera = engine::load(&pack.templates)?;
    let mut writer = Writer::new(pack, &tera, language)?;
    let document = writer.sop()?;
    // The directory's template too, with one area, even while the SOP prints the directory.
    if pack.templates.contains_key(engine::DIRECTORY) {
        writer.volume(&crate::pack::first_volume(&pack.config))?;
    }
    if laid_out {
        let events = markdown::parse(&document.markdown);
        crate::typeset::in_pool(|| pdf::render(&document, pack, &events))?;
    }
    Ok(())
}

fn error(message: String) -> RenderError {
    RenderError {
        renderer: RENDERER,
        message,
    }
}

/// The SOP of one language, written as Markdown, with what the other formats need.
pub struct SopDocument {
    pub language: Language,
    /// The file name without extension: `sop`, or `directory/<area>` for one area's
    /// service directory.
    pub stem: String,
    /// The document's title, as its metadata and the DOCX carry it.
    pub title: String,
    pub prose: Arc<Prose>,
    pub markdown: String,
    pub charts: Vec<charts::Chart>,
}

/// The prose of `language`: the built-in catalogue with the country's own sentences over
/// it, then the same for each language of its fallback chain, as resolve walked it for the
/// configured language of that tag ([`Pack::fallback_chain`]).
pub fn prose_for(pack: &Pack, language: &Language) -> Prose {
    let chain = pack
        .fallback_chain(language.tag.as_str())
        .map(|lang| {
            let tag = lang.tag.to_string();
            let mut catalogue = Catalogue::built_in(&tag).unwrap_or_default();
            if let Some(own) = pack.sop_texts.get(&tag) {
                catalogue.overlay(own.clone());
            }
            (tag, catalogue)
        })
        .collect();
    Prose::new(language.clone(), chain)
}

/// Sentences the SOP needs that `language` lacks, fallbacks included.
pub fn missing_sentences(pack: &Pack, language: &Language) -> Vec<String> {
    let english = Catalogue::built_in("en").unwrap_or_default();
    prose_for(pack, language)
        .missing(&english)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Renders every chapter for `language` into one Markdown document. Chapters that come
/// out empty (their data is not configured) are left out and numbering closes up.
pub fn write_markdown(
    pack: &Pack,
    tera: &tera::Tera,
    language: &Language,
) -> Result<SopDocument, String> {
    Writer::new(pack, tera, language)?.sop()
}

/// One language's template engine and context, shared by the SOP and the directory's
/// own documents so that the configuration is localised once.
struct Writer<'p> {
    pack: &'p Pack,
    language: &'p Language,
    prose: Arc<Prose>,
    tera: tera::Tera,
    context: tera::Context,
    unknown: engine::Unknown,
    citer: Arc<cite::Citer>,
}

impl<'p> Writer<'p> {
    fn new(pack: &'p Pack, tera: &tera::Tera, language: &'p Language) -> Result<Self, String> {
        let tag = language.tag.as_str();
        let missing = missing_sentences(pack, language);
        if !missing.is_empty() {
            return Err(format!(
                "the SOP has {} sentence(s) with no `{tag}` text and no fallback language: {}{}; \
                 translate them in templates/sop/text/{tag}.toml or set `fallback` for `{tag}` in [[languages]]",
                missing.len(),
                missing
                    .iter()
                    .take(8)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() > 8 { ", …" } else { "" }
            ));
        }
        let prose = Arc::new(prose_for(pack, language));
        let english = Catalogue::built_in("en").unwrap_or_default();
        let fallback_used = !prose.from_fallback(&english).is_empty()
            || pack.translations.get(tag).is_some_and(|c| c.fallback > 0);
        let context_value = context::build(pack, language, &prose, fallback_used);
        let names = Arc::new(engine::names(&context_value));
        let context =
            tera::Context::from_value(context_value).map_err(|e| format!("SOP context: {e}"))?;
        let unknown: engine::Unknown = Arc::new(Mutex::new(BTreeSet::new()));
        let country_sources = pack
            .config
            .sources
            .iter()
            .filter_map(|(id, text)| Some((id.to_string(), pack.text(text, tag)?.text.to_owned())))
            .collect();
        let citer = Arc::new(cite::Citer::new(
            prose.clone(),
            country_sources,
            &pack.defaulted,
        ));
        let tera = engine::for_language(tera, prose.clone(), names, unknown.clone(), citer.clone());
        Ok(Self {
            pack,
            language,
            prose,
            tera,
            context,
            unknown,
            citer,
        })
    }

    /// The SOP: every chapter, numbered, with its flowcharts.
    fn sop(&self) -> Result<SopDocument, String> {
        let language = self.language;
        let mut markdown = String::new();
        let mut number = 0;
        let mut order = 0;
        for (chapter, _) in CHAPTERS {
            let text = engine::render_chapter(&self.tera, chapter, &self.context)?;
            if text.trim().is_empty() {
                continue;
            }
            let text = if *chapter == engine::FRONT {
                text
            } else {
                number += 1;
                markdown::number_headings(&text, number, &|n| language.digits.localise(n))
            };
            let text = self.citer.resolve(&text, &mut order);
            markdown.push_str(&text);
            markdown.push_str("\n\n");
        }
        self.no_unknown_keys()?;
        let charts = charts::build(self.pack, language, &self.prose)?;
        let markdown =
            charts::with_steps_in_words(&markdown::tidy(&markdown), &charts, &self.prose);
        let title = self
            .pack
            .text(&self.pack.config.sop.title, language.tag.as_str())
            .map(|s| s.text.to_owned())
            .unwrap_or_default();
        Ok(self.document(SOP_STEM.to_owned(), title, markdown, charts))
    }

    /// One area's service directory, as a document of its own.
    fn volume(&mut self, volume: &crate::pack::DirectoryVolume) -> Result<SopDocument, String> {
        let tag = self.language.tag.as_str();
        let area = match &volume.area {
            Some(id) => self
                .pack
                .config
                .areas
                .iter()
                .find(|a| &a.id == id)
                .and_then(|a| self.pack.text(&a.name, tag))
                .map(|s| s.text.to_owned())
                .unwrap_or_default(),
            None => self.prose.get("referral.all_areas"),
        };
        let title = self.prose.get("directory.title").replace("{area}", &area);
        // The context holds the whole directory: the volume joins it for this render
        // rather than being rendered with a copy of it.
        self.context.insert("volume", volume);
        let rendered = self.tera.render(engine::DIRECTORY, &self.context);
        self.context.remove("volume");
        let text = rendered.map_err(|e| engine::describe_error(&e))?;
        self.no_unknown_keys()?;
        // Sentences marked with their source (the directory's upkeep) carry the mark here too.
        let markdown = markdown::tidy(&self.citer.resolve(&text, &mut 0));
        Ok(self.document(volume.file.clone(), title, markdown, Vec::new()))
    }

    fn no_unknown_keys(&self) -> Result<(), String> {
        let unknown = self.unknown.lock().map(|u| u.clone()).unwrap_or_default();
        if unknown.is_empty() {
            return Ok(());
        }
        Err(format!(
            "SOP templates use sentence keys no catalogue has: {}",
            unknown.into_iter().collect::<Vec<_>>().join(", ")
        ))
    }

    fn document(
        &self,
        stem: String,
        title: String,
        markdown: String,
        charts: Vec<charts::Chart>,
    ) -> SopDocument {
        SopDocument {
            language: self.language.clone(),
            stem,
            title,
            prose: self.prose.clone(),
            markdown,
            charts,
        }
    }
}

/// The file name of the SOP itself, without extension.
const SOP_STEM: &str = "sop";

impl SopDocument {
    fn tag(&self) -> &str {
        self.language.tag.as_str()
    }

    fn rtl(&self) -> bool {
        self.language.direction == Direction::Rtl
    }

    /// The SOP itself, as opposed to one of its directory documents.
    fn is_sop(&self) -> bool {
        self.stem == SOP_STEM
    }

    /// The headings that divide the document into sections: the SOP's chapters hold
    /// sections (Markdown H3); a directory document is divided by service type (H2).
    fn section_level(&self) -> pulldown_cmark::HeadingLevel {
        if self.is_sop() {
            pulldown_cmark::HeadingLevel::H3
        } else {
            pulldown_cmark::HeadingLevel::H2
        }
    }

    /// The running header: title and version.
    fn header(&self, pack: &Pack) -> String {
        let title = pack
            .text(&pack.config.sop.title, self.tag())
            .map(|s| s.text)
            .unwrap_or_default();
        self.prose
            .get("document.header")
            .replace("{title}", title)
            .replace("{version}", &pack.config.sop.version.to_string())
    }

    /// The four formats and the flowcharts as SVG files beside the Markdown.
    pub fn outputs(&self, pack: &Pack) -> Result<Vec<Output>, String> {
        let events = markdown::parse(&self.markdown);
        // The PDF's layout runs on one core; the DOCX (its charts rasterised) on the other.
        let (pdf, docx) = rayon::join(
            || pdf::render(self, pack, &events),
            || self.docx(pack, &events),
        );
        let mut outputs = self.text_outputs(pack, &events);
        outputs.insert(2, self.file(&format!("{}.pdf", self.stem), pdf?));
        outputs.insert(3, self.file(&format!("{}.docx", self.stem), docx?));
        Ok(outputs)
    }

    /// The formats that need no page layout: Markdown, HTML and the flowcharts.
    fn text_outputs(&self, pack: &Pack, events: &[pulldown_cmark::Event<'_>]) -> Vec<Output> {
        let svgs: BTreeMap<String, String> = self
            .charts
            .iter()
            .map(|c| (c.url.clone(), c.svg.clone()))
            .collect();
        let html = html::page(self, pack, events, &svgs);
        let mut outputs = vec![
            // Configuration texts isolated; passages in another language as `<bdi>` elements.
            self.file(
                &format!("{}.md", self.stem),
                passages::for_markdown_file(&self.markdown).into_bytes(),
            ),
            self.file(&format!("{}.html", self.stem), html.into_bytes()),
        ];
        for chart in &self.charts {
            outputs.push(self.file(&chart.url, chart.svg.clone().into_bytes()));
        }
        outputs
    }

    fn file(&self, name: &str, bytes: Vec<u8>) -> Output {
        Output {
            path: format!("sop/{}/{name}", self.tag()),
            kind: OutputKind::Sop,
            form: None,
            languages: vec![self.tag().to_owned()],
            bytes,
        }
    }

    /// The DOCX, with the charts as PNG images.
    fn docx(&self, pack: &Pack, events: &[pulldown_cmark::Event<'_>]) -> Result<Vec<u8>, String> {
        let tag = self.tag();
        let title = self.title.as_str();
        let header = self.header(pack);
        let font = crate::typeset::fonts_for_script(self.language.script.as_str())
            .and_then(|f| f.first().copied())
            .unwrap_or("Noto Sans");
        let created = pack.config.sop.effective_date.to_string();
        let labels =
            ["document.page", "document.contents", "document.toc_hint"].map(|k| self.prose.get(k));
        // Everything the DOCX is made of, so that the cache can tell it unchanged.
        let fingerprint = {
            let mut parts: Vec<&str> = vec![&self.markdown, title, tag, &header, font, &created];
            parts.push(if self.rtl() { "rtl" } else { "ltr" });
            parts.extend(labels.iter().map(String::as_str));
            for chart in &self.charts {
                parts.extend([chart.url.as_str(), chart.svg.as_str()]);
            }
            let joined: Vec<u8> = parts
                .iter()
                .flat_map(|p| (p.len() as u64).to_le_bytes().into_iter().chain(p.bytes()))
                .collect();
            crate::model::sha256_hex(&joined)
        };
        let cache = pack.cache.as_deref();
        let made = crate::typeset::cache::cached(cache, "sop-docx", &fingerprint, || {
            Ok(vec![(
                "sop.docx".into(),
                self.write_docx(cache, events, title, &header, font, &created, &labels)?,
            )])
        });
        made.map(|mut files| files.swap_remove(0).1)
    }

    #[allow(clippy::too_many_arguments)]
    fn write_docx(
        &self,
        cache: Option<&crate::typeset::cache::OutputCache>,
        events: &[pulldown_cmark::Event<'_>],
        title: &str,
        header: &str,
        font: &str,
        created: &str,
        labels: &[String; 3],
    ) -> Result<Vec<u8>, String> {
        let tag = self.tag();
        // Rasterising is the DOCX's main cost with hundreds of pathways: use every core.
        let images = {
            use rayon::prelude::*;
            self.charts
                .par_iter()
                .map(|c| Ok((c.url.clone(), c.png(cache)?)))
                .collect::<Result<BTreeMap<_, _>, String>>()?
        };
        docx::write_docx(
            events,
            &docx::DocxDocument {
                title,
                language: tag,
                rtl: self.rtl(),
                font,
                header_text: header,
                page_label: &labels[0],
                toc_title: &labels[1],
                toc_hint: &labels[2],
                created,
                images: &images,
            },
        )
    }
}
