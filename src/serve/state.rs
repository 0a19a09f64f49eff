//! What the preview holds: the last good build, kept in memory, and what the latest check
//! said. Outputs are rendered when first asked for and kept for that build; a printed form
//! is kept with the fingerprint of its layout input, so an edit re-typesets only the forms
//! it changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity, render_human};
use crate::pack::{Pack, Part, Selection};
use crate::render::Output;
use crate::{BuildError, Checked, Prepared};

/// The most diagnostics shown in full; `bipgen check` lists them all.
const SHOWN_DIAGNOSTICS: usize = 50;

/// What the event stream announces after every rebuild.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Status {
    /// Counts every rebuild, good or not.
    pub generation: u64,
    /// Whether the latest configuration built; if not, the page shows its errors over the
    /// last good preview.
    pub ok: bool,
    /// The generation the preview shows, if any build has been good yet.
    pub shown: Option<u64>,
    pub errors: usize,
    pub warnings: usize,
    /// How long the check and resolve took, in milliseconds.
    pub took_ms: u64,
    /// Why a configuration without errors did not build (e.g. `--lang` names a language
    /// it lacks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// One diagnostic as the page shows it: the terminal's rendering, and its place.
#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    /// As `bipgen check` prints it, without colours: message, file:line:column, the source
    /// lines around it, and the help.
    pub rendered: String,
    /// File (as the configuration names it), line and column, when it has a place.
    pub place: Option<(PathBuf, usize, usize)>,
}

/// What the latest check found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: usize,
    pub warnings: usize,
    /// Diagnostics beyond those shown.
    pub more: usize,
    /// A failure that is not the configuration's (an output folder that cannot be written).
    pub failure: Option<String>,
}

impl Report {
    fn from_checked(checked: &Checked) -> Report {
        let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
        // Errors first: they are what stops the preview.
        let mut ordered: Vec<&Diagnostic> = checked.diagnostics.iter().collect();
        ordered.sort_by_key(|d| std::cmp::Reverse(d.severity));
        let findings = ordered
            .iter()
            .take(SHOWN_DIAGNOSTICS)
            .map(|d| Finding {
                severity: d.severity,
                code: d.code,
                rendered: render_human(std::slice::from_ref(*d), &checked.sources, false),
                place: d.location.as_ref().map(|l| {
                    let (line, column) = checked.sources.line_column(l.file, l.span.start);
                    (PathBuf::from(checked.sources.name(l.file)), line, column)
                }),
            })
            .collect();
        Report {
            findings,
            errors,
            warnings: checked.diagnostics.len() - errors,
            more: checked.diagnostics.len().saturating_sub(SHOWN_DIAGNOSTICS),
            failure: None,
        }
    }
}

/// A build that checked and resolved: its pack, and the outputs rendered from it so far.
pub struct Snapshot {
    pub generation: u64,
    pub checked: Checked,
    pub prepared: Prepared,
    /// Rendered outputs by group (a part, or one language's SOP), each rendered once.
    groups: Mutex<HashMap<Group, Arc<OnceLock<Rendered>>>>,
}

/// A group's outputs, or why they could not be rendered.
type Rendered = Result<Arc<Vec<Output>>, String>;

/// Outputs rendered together.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Group {
    /// A part whose files hold every language (resolved configuration, definitions,
    /// schemas, XLSForms).
    Part(Part),
    /// One language's SOP as Markdown, HTML and flowcharts.
    SopText(String),
    /// One language's SOP in every format, PDF and DOCX included.
    SopLaidOut(String),
    /// Every printed-form PDF: the packs and the language pairs.
    Forms,
}

impl Snapshot {
    pub fn pack(&self) -> &Pack {
        &self.prepared.pack
    }

    /// The outputs of `group`, rendered on first use.
    pub fn group(&self, group: &Group) -> Result<Arc<Vec<Output>>, String> {
        let cell = {
            let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
            groups.entry(group.clone()).or_default().clone()
        };
        cell.get_or_init(|| self.render(group).map(Arc::new))
            .clone()
    }

    fn render(&self, group: &Group) -> Result<Vec<Output>, String> {
        let pack = self.pack();
        let language = |tag: &str| {
            pack.languages()
                .iter()
                .find(|l| l.tag.as_str() == tag)
                .ok_or_else(|| format!("no language `{tag}`"))
        };
        match group {
            Group::Part(part) => render_part(pack, *part),
            Group::Forms => render_part(pack, Part::Forms),
            Group::SopText(tag) => crate::render::sop::for_language(pack, language(tag)?, false),
            Group::SopLaidOut(tag) => crate::render::sop::for_language(pack, language(tag)?, true),
        }
    }
}

fn render_part(pack: &Pack, part: Part) -> Result<Vec<Output>, String> {
    let renderer = crate::render::renderers()
        .into_iter()
        .find(|r| r.part() == part)
        .ok_or_else(|| format!("no renderer for {part}"))?;
    renderer.render(pack).map_err(|e| e.to_string())
}

/// The latest layout of each printed form the preview has shown, by output path, with
/// the fingerprint of what it read: asked for again with the same fingerprint, it is not
/// laid out again. One entry per form and language bounds it.
#[derive(Default)]
struct FormCache {
    entries: HashMap<String, (String, Arc<Vec<u8>>)>,
}

impl FormCache {
    fn get(&self, path: &str, fingerprint: &str) -> Option<Arc<Vec<u8>>> {
        let (key, pdf) = self.entries.get(path)?;
        (key == fingerprint).then(|| pdf.clone())
    }

    fn put(&mut self, path: String, fingerprint: String, pdf: Arc<Vec<u8>>) {
        self.entries.insert(path, (fingerprint, pdf));
    }
}

/// The preview of one configuration.
pub struct Preview {
    config: PathBuf,
    languages: Selection,
    inner: Mutex<Inner>,
    forms: Mutex<FormCache>,
    /// How many printed forms were laid out (for tests of what an edit re-typesets).
    pub layouts: std::sync::atomic::AtomicUsize,
    status: tokio::sync::watch::Sender<Status>,
}

struct Inner {
    generation: u64,
    shown: Option<Arc<Snapshot>>,
    report: Arc<Report>,
}

impl Preview {
    /// A preview of `config`, in the languages `languages` names (all when empty); nothing
    /// is built until [`Preview::rebuild`].
    pub fn new(config: &Path, languages: Vec<String>) -> Preview {
        let (status, _) = tokio::sync::watch::channel(Status {
            generation: 0,
            ok: false,
            shown: None,
            errors: 0,
            warnings: 0,
            took_ms: 0,
            failure: None,
        });
        Preview {
            config: config.to_path_buf(),
            languages: Selection {
                parts: Default::default(),
                languages: languages.into_iter().collect(),
            },
            inner: Mutex::new(Inner {
                generation: 0,
                shown: None,
                report: Arc::default(),
            }),
            forms: Mutex::default(),
            layouts: Default::default(),
            status,
        }
    }

    pub fn config(&self) -> &Path {
        &self.config
    }

    /// Checks and resolves the configuration as it is on disk now. A good result replaces
    /// the preview; a bad one leaves it and reports why. Returns the new status.
    pub fn rebuild(&self) -> Status {
        let started = Instant::now();
        let checked = crate::check(&self.config);
        let mut report = Report::from_checked(&checked);
        let prepared = if checked.has_errors() || checked.config.is_none() {
            None
        } else {
            match crate::prepare(&checked, &self.config, &self.languages) {
                Ok(prepared) => Some(prepared),
                Err(BuildError::Invalid) => None,
                Err(e) => {
                    report.failure = Some(e.to_string());
                    None
                }
            }
        };
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.generation += 1;
        let generation = inner.generation;
        let ok = prepared.is_some();
        if let Some(prepared) = prepared {
            inner.shown = Some(Arc::new(Snapshot {
                generation,
                checked,
                prepared,
                groups: Mutex::default(),
            }));
        }
        let status = Status {
            generation,
            ok,
            shown: inner.shown.as_ref().map(|s| s.generation),
            errors: report.errors + usize::from(report.failure.is_some()),
            warnings: report.warnings,
            took_ms: started.elapsed().as_millis() as u64,
            failure: report.failure.clone(),
        };
        inner.report = Arc::new(report);
        drop(inner);
        self.status.send_replace(status.clone());
        status
    }

    /// The build the preview shows, if one has been good.
    pub fn shown(&self) -> Option<Arc<Snapshot>> {
        self.lock().shown.clone()
    }

    pub fn report(&self) -> Arc<Report> {
        self.lock().report.clone()
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<Status> {
        self.status.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The file at `path` of the shown build, as `bipgen build` would write it (a form's
    /// PDF laid out alone). `None` when the build has no such file.
    pub fn file(&self, snapshot: &Snapshot, path: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        let group = match path.split('/').collect::<Vec<_>>().as_slice() {
            ["config", ..] => Group::Part(Part::Config),
            ["definitions", ..] => Group::Part(Part::Definitions),
            ["schemas", ..] => Group::Part(Part::Schemas),
            ["xlsform", ..] => Group::Part(Part::Xlsform),
            ["codebook", ..] => Group::Part(Part::Codebook),
            ["primero", ..] => Group::Part(Part::Primero),
            ["sop", tag, "sop.pdf" | "sop.docx"] => Group::SopLaidOut((*tag).to_owned()),
            ["sop", tag, ..] => Group::SopText((*tag).to_owned()),
            ["forms", form, name] if !name.contains('+') => {
                let tag = name.strip_suffix(".pdf")?;
                return self.form_pdf(snapshot, form, tag);
            }
            ["forms", ..] => Group::Forms,
            _ => return None,
        };
        if let Group::SopText(tag) | Group::SopLaidOut(tag) = &group
            && !snapshot
                .pack()
                .printed_languages()
                .any(|(_, l)| l.tag.as_str() == tag)
        {
            return None;
        }
        match snapshot.group(&group) {
            Ok(outputs) => {
                let output = outputs.iter().find(|o| o.path == path)?;
                Some(Ok(Arc::new(output.bytes.clone())))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// One form in one language, laid out alone, or taken from the cache when nothing its
    /// layout reads has changed.
    fn form_pdf(
        &self,
        snapshot: &Snapshot,
        form: &str,
        tag: &str,
    ) -> Option<Result<Arc<Vec<u8>>, String>> {
        let pack = snapshot.pack();
        if !pack.printed_languages().any(|(_, l)| l.tag.as_str() == tag) {
            return None;
        }
        let document = match crate::render::form_pdf::single_form(pack, form, tag)? {
            Ok(document) => document,
            Err(e) => return Some(Err(e)),
        };
        let key = document.fingerprint();
        let path = format!("forms/{form}/{tag}.pdf");
        let cached = self
            .forms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&path, &key);
        if let Some(pdf) = cached {
            return Some(Ok(pdf));
        }
        self.layouts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let pdf = crate::typeset::in_pool(|| crate::typeset::compile_pdf(&document));
        Some(pdf.map(|bytes| {
            let pdf = Arc::new(bytes);
            self.forms
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .put(path, key, pdf.clone());
            pdf
        }))
    }
}
