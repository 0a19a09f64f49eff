//! bipgen: generates a Best Interests Procedure SOP and its case management forms from
//! one country configuration.
//!
//! The pipeline is load → validate → resolve → render → write. [`check`] runs the first
//! two stages, [`build`] all five; the command line is a thin layer over both.

pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod forms;
pub mod i18n;
pub mod init;
pub mod library;
pub mod manifest;
pub mod model;
pub mod output;
pub mod pack;
pub mod records;
pub mod render;
pub mod serve;
mod staged;
pub mod trial;
pub mod typeset;
pub mod validate;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use config::{Config, LoadedSource, load_source};
use diagnostic::{Diagnostic, Sources};
use output::{ManifestFile, WriteError, WriteOptions};
use render::{Output, OutputKind};

/// What [`check`] found.
#[derive(Debug)]
pub struct Checked {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// The typed configuration with defaults applied, when it could be read.
    pub config: Option<Config>,
    /// The configuration document (defaults applied) and where it came from.
    pub source: Option<LoadedSource>,
    /// The forms the configuration produces, resolved (when the configuration was read).
    pub forms: Option<forms::resolve::FormSet>,
    /// The main file could not be read at all (missing, unreadable, a directory).
    pub io_failure: bool,
    /// The country's translation files (`translations/<lang>.po`).
    pub translations: i18n::store::Store,
}

impl Checked {
    /// Drops the configuration's document, typed configuration and forms, keeping the
    /// diagnostics and the files they point into: what is left once a pack is resolved.
    fn release_model(&mut self) {
        self.config = None;
        self.forms = None;
        if let Some(source) = &mut self.source {
            source.document = serde_json::Value::Null;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Resolves the checked configuration into the pack renderers read. `None` when the
    /// configuration could not be read; an error only for a defect of bipgen.
    pub fn resolve(&self, config_file: &str) -> Option<Result<pack::Pack, String>> {
        let (source, forms) = (self.source.as_ref()?, self.forms.clone()?);
        let logos = match pack::logos(self.config.as_ref()?, &source.assets) {
            Ok(logos) => logos,
            Err(message) => return Some(Err(message)),
        };
        let templates = library::sop::overrides(&source.assets);
        let configured = self.configured_languages();
        let pack = pack::resolve(
            &source.document,
            forms,
            logos,
            templates,
            &self.translations.overlay(&configured),
            pack::ConfigOrigin {
                file: config_file.to_owned(),
                sha256: source.sha256.clone(),
                defaulted: source.defaulted.clone(),
            },
        );
        Some(pack.map(|mut pack| {
            pack.review = self.translations.review(&configured);
            pack
        }))
    }

    /// The configured language tags, in the configuration's order.
    pub fn configured_languages(&self) -> Vec<String> {
        self.config
            .iter()
            .flat_map(|config| &config.languages)
            .map(|language| language.tag.to_string())
            .collect()
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }
}

/// Loads and validates a configuration: all diagnostics of all files in one pass.
pub fn check(path: &Path) -> Checked {
    let mut loaded = match load_source(path) {
        Ok(loaded) => loaded,
        Err(failure) => {
            return Checked {
                sources: failure.sources,
                diagnostics: failure.diagnostics,
                config: None,
                source: None,
                forms: None,
                io_failure: failure.io,
                translations: Default::default(),
            };
        }
    };
    let mut diagnostics = validate::schema::check_schema(&loaded.document, &loaded.map);
    // Fields a configuration adds may name a shared field, as the library's forms do.
    for (pointer, problem) in forms::library::LIBRARY
        .shared
        .expand_tailoring(&mut loaded.document)
    {
        diagnostics.push(
            Diagnostic::error("shared-field-use", problem)
                .with_help(format!(
                    "shared fields: {}",
                    forms::library::LIBRARY.shared_fields.join(", ")
                ))
                .at(loaded.map.value(&format!("{pointer}/use"))),
        );
    }
    let failed = |loaded: LoadedSource, diagnostics| Checked {
        sources: loaded.sources.clone(),
        diagnostics,
        config: None,
        source: Some(loaded),
        forms: None,
        io_failure: false,
        translations: Default::default(),
    };
    // Unknown keys and values outside their lists do not stop the check: without the keys,
    // and with the nearest allowed value standing in, the document is well formed, and the
    // rules below still find the other problems in the same run.
    let errors: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect();
    let only_schema = errors
        .iter()
        .all(|code| matches!(*code, "unknown-key" | "invalid-value"));
    let well_formed =
        errors.is_empty() || (only_schema && validate::schema::repair(&mut loaded.document));
    if !well_formed {
        return failed(loaded, diagnostics);
    }

    // `AR` is `ar`: tags are compared as BCP 47 compares them, before defaults join.
    i18n::tags::canonical_case(&mut loaded.document);
    i18n::tags::default_digits(&mut loaded.document);
    let defaulted = config::defaults::apply_defaults(
        &mut loaded.document,
        &mut loaded.map,
        &mut loaded.sources,
    );
    loaded.defaulted = defaulted.clone();
    // Translations delivered as PO files join the texts before anything reads them.
    let (translations, translation_diagnostics) =
        i18n::store::load(&loaded.assets, &mut loaded.sources);
    diagnostics.extend(translation_diagnostics);
    // The country's templates are parsed here, so that `build` never meets a broken one.
    diagnostics.extend(validate::overrides::check(
        &loaded.assets,
        &loaded.root_dir,
        &mut loaded.sources,
    ));
    let configured: Vec<String> = loaded.document["languages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["tag"].as_str().map(str::to_owned))
        .collect();
    let overlay = translations.overlay(&configured);
    diagnostics.extend(validate::review::draft_in_final(
        &loaded.document,
        &translations.review(&configured),
        &loaded.map,
    ));
    let default_language = loaded.document["default_language"]
        .as_str()
        .unwrap_or("en")
        .to_owned();
    overlay.apply_to_document(&mut loaded.document, &default_language);
    // `ar` serves `ar-LB` (BCP 47 lookup), for the configuration's texts and the defaults'.
    i18n::tags::serve_regional_tags(&mut loaded.document, &configured);
    let config: Config = match serde_path_to_error::deserialize(&loaded.document) {
        Ok(config) => config,
        Err(e) => {
            let pointer = to_pointer(e.path());
            let location = loaded.map.value(&pointer);
            diagnostics.push(
                Diagnostic::error("invalid-value", e.inner().to_string())
                    .with_help("see the key's description in schemas/country-config.schema.json")
                    .at(location),
            );
            return failed(loaded, diagnostics);
        }
    };
    // The configuration's own rules read neither the forms nor the prose: they run on one
    // core while the forms are resolved and the printed texts checked on the other.
    let (rule_diagnostics, (forms, form_diagnostics)) = rayon::join(
        || {
            validate::rules::check_rules(
                &config,
                &loaded.document,
                &loaded.map,
                &defaulted,
                &loaded.assets,
            )
        },
        || {
            check_forms_and_printing(
                &config,
                &overlay,
                &loaded.document,
                &loaded.map,
                &loaded.assets,
                &loaded.root_dir,
                &mut loaded.sources,
            )
        },
    );
    diagnostics.extend(form_diagnostics);
    diagnostics.extend(rule_diagnostics);
    diagnostics.sort_by_key(|d| d.location.as_ref().map(|l| (l.file, l.span.start)));
    Checked {
        sources: loaded.sources.clone(),
        diagnostics,
        config: Some(config),
        source: Some(loaded),
        forms: Some(forms),
        io_failure: false,
        translations,
    }
}

/// Resolves the forms and checks what is printed: the forms' encryption and case list,
/// their recorded versions, the glyphs of every printed text and the SOP's prose.
fn check_forms_and_printing(
    config: &Config,
    overlay: &i18n::overlay::Overlay,
    document: &serde_json::Value,
    map: &config::SourceMap,
    assets: &config::assets::Assets,
    root_dir: &Path,
    sources: &mut Sources,
) -> (forms::resolve::FormSet, Vec<Diagnostic>) {
    let (mut diagnostics, forms) = forms::resolve::check_forms(config, map, sources, overlay);
    diagnostics.extend(validate::rules::odk::check_encryption(config, &forms, map));
    diagnostics.extend(validate::rules::odk::check_case_list(config, &forms, map));
    diagnostics.extend(validate::form_versions::check(
        config,
        root_dir,
        assets.form_versions.as_ref(),
        map,
    ));
    diagnostics.extend(validate::printing::check_glyphs(
        config, document, &forms, map,
    ));
    let print_strings = overlay.print_strings();
    diagnostics.extend(validate::printing::check_print_strings(
        config,
        map,
        &print_strings,
    ));
    let (catalogues, prose_problems) = validate::prose::catalogues(config, overlay, assets);
    diagnostics.extend(prose_problems);
    diagnostics.extend(validate::prose::check(config, &catalogues, map));
    diagnostics.extend(i18n::completeness::form_fallbacks(
        config,
        document,
        &forms,
        &print_strings,
        &catalogues,
        map,
    ));
    diagnostics.extend(validate::printing::check_prose_glyphs(
        &catalogues,
        &print_strings,
        assets,
        root_dir,
        sources,
    ));
    (forms, diagnostics)
}

fn to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", config::source::escape(key))),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// Options of [`build`].
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Treat warnings as errors.
    pub deny_warnings: bool,
    pub write: WriteOptions,
    /// The outputs and languages to write; the default is all of them.
    pub selection: pack::Selection,
    /// Laid-out outputs kept between builds; `None` lays everything out.
    pub cache: Option<std::sync::Arc<typeset::cache::OutputCache>>,
}

/// What a successful build produced.
#[derive(Debug)]
pub struct BuildSummary {
    pub files: Vec<ManifestFile>,
    pub elapsed: Duration,
}

impl BuildSummary {
    /// Number of files per kind, in output order.
    pub fn counts(&self) -> BTreeMap<OutputKind, usize> {
        let mut counts = BTreeMap::new();
        for file in &self.files {
            *counts.entry(file.kind).or_default() += 1;
        }
        counts
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the configuration has errors")]
    Invalid,
    #[error("the configuration has warnings, and warnings are denied")]
    Warnings,
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The XLSForm versions cannot be assigned or recorded (`form-versions.json`).
    #[error("form versions: {0}")]
    FormVersions(String),
    /// `--lang` names a language the configuration does not have.
    #[error("`--lang {tag}`: the configuration has no such language; it has {configured}")]
    UnknownLanguage { tag: String, configured: String },
}

/// A checked configuration resolved for rendering, each XLSForm's version assigned.
pub struct Prepared {
    pub pack: pack::Pack,
    /// `form-versions.json` as the last build left it.
    pub record: render::form_versions::Record,
    /// The record this build leaves (equal to `record` when no form changed).
    pub next_record: render::form_versions::Record,
}

/// Resolves a configuration `check` found free of errors into the pack renderers read, for
/// the outputs and languages `selection` names. Reads nothing but the checked inputs.
pub fn prepare(
    checked: &Checked,
    config_path: &Path,
    selection: &pack::Selection,
) -> Result<Prepared, BuildError> {
    let file_name = config_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut pack = match checked.resolve(&file_name) {
        Some(Ok(pack)) => pack,
        Some(Err(message)) => {
            let error = render::RenderError {
                renderer: "resolve",
                message,
            };
            return Err(error.into());
        }
        None => return Err(BuildError::Invalid),
    };
    let configured: Vec<&str> = pack.languages().iter().map(|l| l.tag.as_str()).collect();
    if let Some(tag) = selection.unknown_language(&configured) {
        return Err(BuildError::UnknownLanguage {
            tag: tag.to_owned(),
            configured: configured.join(", "),
        });
    }
    pack.selection = selection.clone();

    // Each XLSForm's version, from what the forms looked like at the last build.
    let config_dir = config_path.parent().unwrap_or(Path::new(""));
    let assets = checked.source.as_ref().map(|s| &s.assets);
    let recorded = assets.and_then(|a| a.form_versions.as_ref());
    let record =
        render::form_versions::load(config_dir, recorded).map_err(BuildError::FormVersions)?;
    let (versions, next_record) =
        render::form_versions::assign_all(&pack, &record).map_err(BuildError::FormVersions)?;
    pack.form_versions = versions;
    Ok(Prepared {
        pack,
        record,
        next_record,
    })
}

/// Every output the pack's selection asks for, sorted by path. `progress` is told each
/// renderer as it starts.
pub fn render_outputs(
    pack: &pack::Pack,
    progress: &dyn Fn(&str),
) -> Result<Vec<Output>, render::RenderError> {
    let mut outputs: Vec<Output> = Vec::new();
    let selected = render::renderers()
        .into_iter()
        .filter(|r| pack.selection.includes(r.part()));
    for renderer in selected {
        progress(renderer.name());
        outputs.append(&mut renderer.render(pack)?);
    }
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outputs)
}

/// Writes rendered outputs and their manifest into `out_dir`, atomically.
pub fn write_outputs(
    checked: &Checked,
    prepared: &Prepared,
    config_path: &Path,
    outputs: &[Output],
    out_dir: &Path,
    options: WriteOptions,
) -> Result<Vec<ManifestFile>, WriteError> {
    let files: Vec<ManifestFile> = outputs.iter().map(output::manifest_entry).collect();
    let manifest = manifest_draft(checked, prepared, config_path).bytes(&prepared.pack, &files);
    output::write_atomically(out_dir, outputs, &manifest, options)?;
    Ok(files)
}

/// The manifest's draft: everything it takes from the checked configuration.
fn manifest_draft(checked: &Checked, prepared: &Prepared, config_path: &Path) -> manifest::Draft {
    let config_dir = config_path.parent().unwrap_or(Path::new(""));
    let record_bytes = render::form_versions::to_bytes(&prepared.next_record);
    manifest::Draft::of(&prepared.pack, checked, config_dir, &record_bytes)
}

/// Checks, resolves, renders and writes. `progress` is told each stage as it starts.
/// The [`Checked`] is returned in every case so callers can show its diagnostics. Once
/// the configuration has resolved, the returned one no longer holds the configuration
/// itself (its `config`, `forms` and document are released before rendering, for
/// memory): the build's `config/resolved.json` shows it, or [`check`] reads it again.
pub fn build(
    config_path: &Path,
    out_dir: &Path,
    options: BuildOptions,
    progress: &dyn Fn(&str),
) -> (Checked, Result<BuildSummary, BuildError>) {
    let started = Instant::now();
    progress("checking the configuration");
    let mut checked = check(config_path);
    // Refuse a folder whose replacement would delete the input, before any work.
    let out_dir = match output::resolve_out_dir(out_dir, config_path) {
        Ok(dir) => dir,
        Err(e) if checked.config.is_some() => return (checked, Err(e.into())),
        Err(_) => out_dir.to_path_buf(),
    };
    if checked.has_errors() || checked.config.is_none() {
        return (checked, Err(BuildError::Invalid));
    }
    if options.deny_warnings && checked.warnings().next().is_some() {
        return (checked, Err(BuildError::Warnings));
    }
    progress("resolving");
    let result =
        render_and_write(&mut checked, config_path, &out_dir, options, progress).map(|files| {
            BuildSummary {
                files,
                elapsed: started.elapsed(),
            }
        });
    (checked, result)
}

/// Resolves, renders into the staging folder and commits it with its manifest. What the
/// manifest needs from the checked configuration is taken first; the configuration's
/// document, typed configuration and forms are then released (the pack holds its own),
/// so that a large directory is not held twice while documents are laid out.
fn render_and_write(
    checked: &mut Checked,
    config_path: &Path,
    out_dir: &Path,
    options: BuildOptions,
    progress: &dyn Fn(&str),
) -> Result<Vec<ManifestFile>, BuildError> {
    let mut prepared = prepare(checked, config_path, &options.selection)?;
    prepared.pack.cache = options.cache;
    let manifest = manifest_draft(checked, &prepared, config_path);
    checked.release_model();
    let mut staging = output::Staging::open(out_dir, options.write)?;
    staged::render_into(&prepared.pack, progress, &mut staging)?;
    progress("writing");
    let files = staging.files();
    staging.commit(&manifest.bytes(&prepared.pack, &files))?;
    // Recorded once the forms are written, and only when something changed.
    if prepared.next_record != prepared.record {
        let config_dir = config_path.parent().unwrap_or(Path::new(""));
        render::form_versions::save(config_dir, &prepared.next_record)
            .map_err(BuildError::FormVersions)?;
    }
    Ok(files)
}
