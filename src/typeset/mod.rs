//! The embedded Typst: fonts shipped in the binary, a `World` that serves only in-memory
//! files, and compilation to PDF with a fixed date, so output is reproducible and nothing
//! is read from the machine or the network. Shared by printed forms and the SOP.

pub mod cache;
mod fonts;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{LazyLock, Mutex};

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Label, Selector, Smart, Value};
use typst::introspection::Introspector as _;
use typst::introspection::MetadataElem;
use typst::model::Document as _;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::{LazyHash, PicoStr};
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use fonts::{FONTS, covers, covers_any, fonts_for_script};

use crate::config::Date;

/// Stack of each typesetting thread. Typst lays out nested content recursively, and a
/// long SOP, or two builds in one process, can need more than the 2 MiB a new thread
/// gets by default. The memory is reserved, not used.
const STACK: usize = 64 * 1024 * 1024;

/// The threads every Typst layout and export runs on, each with [`STACK`].
static POOL: LazyLock<Option<rayon::ThreadPool>> = LazyLock::new(|| {
    rayon::ThreadPoolBuilder::new()
        .stack_size(STACK)
        .thread_name(|i| format!("typeset-{i}"))
        .build()
        .ok()
});

/// Runs `work` (and the parallel iterators inside it, Typst's own included) on the
/// typesetting threads; on the caller's thread if they could not be started.
pub fn in_pool<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match POOL.as_ref() {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// One document to compile: a main Typst source and the files it may read.
pub struct Document {
    pub main: String,
    /// Further files by absolute virtual path (`/data.json`, `/logos/0.png`).
    pub files: Vec<(String, Vec<u8>)>,
    /// The document date (never the clock).
    pub date: Date,
    /// A stable identifier for the PDF (e.g. `bipgen/td/bia_short/ar`).
    pub ident: String,
    /// What to call the main source in error messages (`templates/form.typ`).
    pub name: String,
}

impl Document {
    /// sha256 over everything the layout reads: the same fingerprint, the same PDF.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        field(self.main.as_bytes());
        for (path, bytes) in &self.files {
            field(path.as_bytes());
            field(bytes);
        }
        field(self.date.to_string().as_bytes());
        field(self.ident.as_bytes());
        field(self.name.as_bytes());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

struct InMemoryWorld {
    main: FileId,
    source: Source,
    /// Further Typst sources the main one imports or includes (`*.typ` files).
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> Option<FileId> {
    Some(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).ok()?).intern())
}

impl World for InMemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            return Ok(self.source.clone());
        }
        self.sources.get(&id).cloned().ok_or(FileError::NotSource)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        // No packages, no disk: only what the renderer handed over.
        if matches!(id.get().root(), VirtualRoot::Package(_)) {
            return Err(FileError::AccessDenied);
        }
        if id == self.main {
            return Ok(Bytes::from_string(self.source.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| {
            FileError::NotFound(std::path::PathBuf::from(
                id.get().vpath().get_without_slash(),
            ))
        })
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// The syntax errors of a Typst source (a country's own template), each with its byte
/// range in `text` and its message, hints included.
pub fn syntax_errors(text: &str) -> Vec<(Range<usize>, String)> {
    use typst::syntax::DiagSpanKind;
    let source = Source::detached(text);
    let (errors, _) = source.root().errors_and_warnings();
    errors
        .into_iter()
        .map(|error| {
            let range = match error.span.get() {
                DiagSpanKind::Number { num, sub_range, .. } => source.range(num, sub_range),
                DiagSpanKind::Range { range, .. } => Some(range),
                DiagSpanKind::Detached => None,
            };
            let hints: Vec<&str> = error.hints.iter().map(|h| h.v.as_str()).collect();
            let message = if hints.is_empty() {
                error.message.to_string()
            } else {
                format!("{} ({})", error.message, hints.join("; "))
            };
            (range.unwrap_or(0..0), message)
        })
        .collect()
}

/// Compiles `document` to PDF (PDF/A-2a, tagged, with title and language metadata).
pub fn compile_pdf(document: &Document) -> Result<Vec<u8>, String> {
    typeset(document)?.to_pdf()
}

/// Whether `bytes` decode as the image their file `extension` says (png, jpg/jpeg, svg),
/// with the decoders the printed forms use (Typst's for PNG and JPEG, usvg for SVG); the
/// reason when they do not.
pub fn check_image(bytes: &[u8], extension: &str) -> Result<(), String> {
    use typst::visualize::{ExchangeFormat, RasterImage};
    let data = || Bytes::new(bytes.to_vec());
    match extension.to_ascii_lowercase().as_str() {
        "svg" => resvg::usvg::Tree::from_data(bytes, &resvg::usvg::Options::default())
            .map(drop)
            .map_err(|e| e.to_string()),
        "png" => RasterImage::plain(data(), ExchangeFormat::Png)
            .map(drop)
            .map_err(|e| e.to_string()),
        "jpg" | "jpeg" => RasterImage::plain(data(), ExchangeFormat::Jpg)
            .map(drop)
            .map_err(|e| e.to_string()),
        other => Err(format!("`{other}` is not an image format bipgen prints")),
    }
}

/// Drops every layout Typst has memoised, so the next document is laid out from
/// scratch, as in a fresh process (benchmarks measure that).
pub fn forget_layouts() {
    typst::comemo::evict(0);
}

/// The standard library, built once: every document shares it (and its hash).
static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// A laid-out document: exported whole, or cut into parts that are documents of their
/// own (one layout of a form pack gives each form's PDF too).
pub struct Typeset {
    paged: PagedDocument,
    /// The main source, to place export errors (PDF/A checks) on a template line.
    source: Source,
    sources: HashMap<FileId, Source>,
    name: String,
    today: Datetime,
    ident: String,
}

/// How many layouts are running, so the last to finish can empty Typst's memo.
static RUNNING: Mutex<usize> = Mutex::new(0);

/// One running layout. Typst memoises layout results globally; within a document they
/// are what makes layout fast, across documents they are mostly dead weight (a book of
/// forms left about 250 MB behind). Evicting while another layout runs would throw away
/// that layout's own results, so the cache is emptied only when no layout is running.
struct Running;

impl Running {
    fn start() -> Self {
        *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        *running -= 1;
        if *running == 0 {
            // Held while evicting, so no layout starts half-way through.
            typst::comemo::evict(0);
        }
    }
}

/// Lays `document` out.
pub fn typeset(document: &Document) -> Result<Typeset, String> {
    let main = file_id("/main.typ").ok_or("invalid main path")?;
    let today = Datetime::from_ymd(
        i32::from(document.date.year),
        document.date.month,
        document.date.day,
    )
    .ok_or("invalid document date")?;
    let mut files = HashMap::new();
    let mut sources = HashMap::new();
    for (path, bytes) in &document.files {
        let id = file_id(path).ok_or_else(|| format!("invalid virtual path {path}"))?;
        if path.ends_with(".typ") {
            let text =
                String::from_utf8(bytes.clone()).map_err(|_| format!("{path} is not UTF-8"))?;
            sources.insert(id, Source::new(id, text));
        }
        files.insert(id, Bytes::new(bytes.clone()));
    }
    let world = InMemoryWorld {
        main,
        source: Source::new(main, document.main.clone()),
        sources,
        files,
        today,
    };
    let compiled = {
        let _running = Running::start();
        typst::compile::<PagedDocument>(&world)
    };
    let paged = compiled
        .output
        .map_err(|errors| describe(&errors, &world.source, &world.sources, &document.name))?;
    Ok(Typeset {
        paged,
        source: world.source,
        sources: world.sources,
        name: document.name.clone(),
        today,
        ident: document.ident.clone(),
    })
}

impl Typeset {
    pub fn page_count(&self) -> usize {
        self.paged.pages().len()
    }

    /// Where each `metadata(value) <label>` with a string value sits: the value and the
    /// index of its page, in document order.
    pub fn marks(&self, label: &str) -> Vec<(String, usize)> {
        let Some(label) = Label::new(PicoStr::intern(label)) else {
            return Vec::new();
        };
        let introspector = self.paged.introspector();
        introspector
            .query(&Selector::Label(label))
            .iter()
            .filter_map(|content| {
                let value = match &content.to_packed::<MetadataElem>()?.value {
                    Value::Str(s) => s.to_string(),
                    _ => return None,
                };
                let page = introspector.page(content.location()?)?;
                Some((value, page.get() - 1))
            })
            .collect()
    }

    /// The pages in `range` as a document of their own, titled `title` and identified
    /// by `ident`. The pages keep their layout (and tags), so the part prints exactly as
    /// it does in the whole.
    pub fn part(&self, range: Range<usize>, title: &str, ident: &str) -> Result<Typeset, String> {
        let pages = self
            .paged
            .pages()
            .get(range.clone())
            .ok_or_else(|| format!("pages {range:?} are outside the document"))?;
        let mut info = self.paged.info().clone();
        info.title = Some(title.into());
        Ok(Typeset {
            paged: PagedDocument::new(pages.iter().cloned().collect(), info),
            source: self.source.clone(),
            sources: self.sources.clone(),
            name: self.name.clone(),
            today: self.today,
            ident: ident.to_owned(),
        })
    }

    /// Exports to PDF/A-2a: tagged, with title and language metadata, dated by the
    /// document date; its `ident` keeps the PDF identifier stable across builds.
    pub fn to_pdf(&self) -> Result<Vec<u8>, String> {
        let options = PdfOptions {
            ident: Smart::Custom(self.ident.clone()),
            creator: Smart::Custom(Some(format!("bipgen {}", env!("CARGO_PKG_VERSION")))),
            timestamp: Some(Timestamp::new_utc(self.today)),
            standards: PdfStandards::new(&[PdfStandard::Ua_1, PdfStandard::A_2a])
                .map_err(|e| format!("{e:?}"))?,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&self.paged, &options)
            .map_err(|errors| describe(&errors, &self.source, &self.sources, &self.name))
    }
}

/// Typst's errors with the template file and line they point at: they are defects of a
/// template, never of the data, so a developer reads them. `main_name` names the main
/// template (the country's own file, or the built-in one).
fn describe(
    errors: &[SourceDiagnostic],
    main: &Source,
    others: &HashMap<FileId, Source>,
    main_name: &str,
) -> String {
    errors
        .iter()
        .map(|e| {
            // Hints about the typst command line (`--root`) do not apply here.
            let hints: Vec<&str> = e
                .hints
                .iter()
                .map(|h| h.v.as_str())
                .filter(|h| !h.contains("--"))
                .collect();
            let source = e.span.id().and_then(|id| {
                if id == main.id() {
                    Some((main_name.to_owned(), main))
                } else {
                    let name = id.get().vpath().get_without_slash().to_owned();
                    others.get(&id).map(|s| (name, s))
                }
            });
            let at = source
                .and_then(|(name, source)| {
                    let offset = match e.span.get() {
                        typst::syntax::DiagSpanKind::Number { num, sub_range, .. } => {
                            source.range(num, sub_range).map(|r| r.start)
                        }
                        typst::syntax::DiagSpanKind::Range { range, .. } => Some(range.start),
                        typst::syntax::DiagSpanKind::Detached => None,
                    }?;
                    let line = source.lines().byte_to_line(offset)? + 1;
                    Some(format!("{name}, line {line}: "))
                })
                .unwrap_or_default();
            if hints.is_empty() {
                format!("{at}{}", e.message)
            } else {
                format!("{at}{} ({})", e.message, hints.join("; "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
