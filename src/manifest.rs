//! `manifest.json`: what a build read and wrote, for the people and pipelines that pick
//! the output up. Its shape is published as `schemas/manifest.schema.json`.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::i18n::catalog::Domain;
use crate::i18n::workflow::Counts;
use crate::output::{self, ManifestFile};
use crate::{Checked, config, i18n, pack, render};

/// What one `bipgen build` read and wrote.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Manifest")]
#[serde(deny_unknown_fields)]
struct Manifest<'a> {
    /// The manifest's format: raised when its shape changes (3 added `partial`; 4 made
    /// `translations` one block per language and part of the pack; 5 added each
    /// language's `review`).
    format_version: u32,
    generator: Generator,
    config: ConfigIdentity<'a>,
    /// sha256 over every input: the sorted lines `kind` TAB `path` TAB `sha256` LF, one per
    /// entry of `inputs`. Equal exactly when the inputs are: cache on it.
    inputs_sha256: String,
    /// Every file the build read from the country folder, sorted by kind and path.
    inputs: Vec<InputFile>,
    /// Present when `--only` or `--lang` restricted the build: the outputs and languages it
    /// wrote. A manifest without it describes a whole build.
    #[serde(skip_serializing_if = "Option::is_none")]
    partial: Option<&'a pack::Selection>,
    /// Every file written, sorted by path.
    files: &'a [ManifestFile],
    /// Per language, how far each part of the pack is translated: the same counts as
    /// `bipgen i18n status`.
    translations: BTreeMap<String, LanguageTranslations>,
    /// The warnings of the build, as `bipgen check --format json` prints them, with files
    /// relative to the configuration's folder.
    warnings: Vec<Value>,
}

/// One file the build read.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct InputFile {
    /// `configuration` (the main file and its includes), `translation`, `template`, `logo`
    /// or `form-versions`. The version record is listed as the build leaves it, so a
    /// second build of the same inputs writes the same manifest as the first.
    #[schemars(extend("enum" = ["configuration", "translation", "template", "logo", "form-versions"]))]
    kind: &'static str,
    /// Inside the configuration's folder, with forward slashes.
    path: String,
    sha256: String,
}

/// How far one language is translated, per part of the pack. A string that is not
/// translated prints in the `fallback` language, marked as such; without a fallback the
/// build would have stopped.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct LanguageTranslations {
    /// The language that stands in for what is missing, if the configuration names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback: Option<String>,
    /// The forms' texts and choice lists, and the printed forms' fixed words.
    forms: Counts,
    /// The SOP's prose.
    sop: Counts,
    /// The configuration's own texts.
    config: Counts,
    /// Whether the translation is a draft or has been reviewed, for a language served by a
    /// built-in catalogue or whose PO file declares it (`X-Review-Status`). A draft is
    /// marked as such on the printed forms and in the SOP.
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<crate::i18n::po::Review>,
}

fn translations(checked: &Checked, pack: &pack::Pack) -> BTreeMap<String, LanguageTranslations> {
    let Ok(workspace) = i18n::workflow::Workspace::new(checked, pack, &[]) else {
        return BTreeMap::new();
    };
    pack.languages()
        .iter()
        .map(|language| {
            let tag = language.tag.to_string();
            let mut domains = workspace.status(&tag).domains;
            let mut take = |domain| domains.remove(&domain).unwrap_or_default();
            let counts = LanguageTranslations {
                fallback: language.fallback.as_ref().map(ToString::to_string),
                forms: take(Domain::Forms),
                sop: take(Domain::Sop),
                config: take(Domain::Config),
                review: pack.review.get(&tag).cloned(),
            };
            (tag, counts)
        })
        .collect()
}

/// Where the published schema lives, as its `$id`.
pub const SCHEMA_ID: &str = "https://bipgen.org/schemas/manifest.schema.json";

/// The JSON Schema (2020-12) of `manifest.json`.
pub fn schema() -> Value {
    config::schema::schema_for::<Manifest<'static>>(SCHEMA_ID, "bipgen build manifest")
}

/// The manifest schema as committed text (`schemas/manifest.schema.json`).
pub fn schema_text() -> String {
    config::schema::schema_text(&schema())
}

/// The kind of `form-versions.json` among the inputs.
const FORM_VERSIONS_KIND: &str = "form-versions";

/// The manifest's format: 2 added the inputs, 3 the `partial` selection, 4 made
/// `translations` the one translation block (per language and part of the pack), 5 the
/// translations' `review` state.
const MANIFEST_FORMAT: u32 = 5;

/// Every input of a build, as load read it, sorted by kind and path; the version record
/// as `record`, the bytes the build leaves in `form-versions.json`.
fn inputs(checked: &Checked, record: &[u8]) -> Vec<InputFile> {
    let Some(source) = &checked.source else {
        return Vec::new();
    };
    let mut inputs: Vec<InputFile> = source
        .inputs
        .iter()
        .map(|(path, sha256)| InputFile {
            kind: "configuration",
            path: path.clone(),
            sha256: sha256.clone(),
        })
        .collect();
    for (kind, file) in source.assets.files() {
        if kind != FORM_VERSIONS_KIND {
            inputs.push(InputFile {
                kind,
                path: file.path.clone(),
                sha256: file.sha256.clone(),
            });
        }
    }
    inputs.push(InputFile {
        kind: FORM_VERSIONS_KIND,
        path: render::form_versions::FILE.to_owned(),
        sha256: output::sha256_hex(record),
    });
    inputs.sort_by(|a, b| (a.kind, &a.path).cmp(&(b.kind, &b.path)));
    inputs
}

/// sha256 over the sorted inputs, one line each: `kind`, TAB, `path`, TAB, `sha256`, LF.
/// Paths hold neither TAB nor LF, so the framing cannot be confused.
fn inputs_sha256(inputs: &[InputFile]) -> String {
    let lines: String = inputs
        .iter()
        .map(|i| format!("{}\t{}\t{}\n", i.kind, i.path, i.sha256))
        .collect();
    output::sha256_hex(lines.as_bytes())
}

/// The program that wrote the build.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Generator {
    /// Always `bipgen`.
    name: &'static str,
    /// bipgen's version.
    version: &'static str,
}

/// The configuration built: its main file, and the SOP's identity.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ConfigIdentity<'a> {
    /// The main configuration file's name, without folders.
    file: &'a str,
    /// sha256 of the configuration files read, main file and includes.
    sha256: &'a str,
    /// ISO 3166-1 alpha-2 code of the SOP's country.
    country: &'a str,
    /// The SOP's version (semantic versioning).
    version: String,
    status: config::Status,
    /// YYYY-MM-DD.
    effective_date: String,
}

/// What `manifest.json` says about the inputs, the translations and the warnings, taken
/// from the checked configuration before rendering: a build then need not keep the
/// configuration's document while it lays out documents.
pub(crate) struct Draft {
    inputs: Vec<InputFile>,
    translations: BTreeMap<String, LanguageTranslations>,
    warnings: Vec<Value>,
}

impl Draft {
    /// Warning locations are relative to the configuration's folder, so the manifest does
    /// not depend on where bipgen was run from.
    pub(crate) fn of(
        pack: &pack::Pack,
        checked: &Checked,
        config_dir: &Path,
        record: &[u8],
    ) -> Draft {
        Draft {
            inputs: inputs(checked, record),
            translations: translations(checked, pack),
            warnings: checked
                .warnings()
                .map(|d| {
                    let mut json = d.to_json(&checked.sources);
                    json.file = json.file.map(|f| {
                        Path::new(f)
                            .strip_prefix(config_dir)
                            .map_or(f, |p| p.to_str().unwrap_or(f))
                    });
                    serde_json::to_value(json).unwrap_or_default()
                })
                .collect(),
        }
    }

    /// `manifest.json`, once the files are written.
    pub(crate) fn bytes(self, pack: &pack::Pack, files: &[ManifestFile]) -> Vec<u8> {
        let Draft {
            inputs,
            translations,
            warnings,
        } = self;
        let sop = &pack.config.sop;
        let manifest = Manifest {
            format_version: MANIFEST_FORMAT,
            inputs_sha256: inputs_sha256(&inputs),
            inputs,
            partial: (!pack.selection.is_whole()).then_some(&pack.selection),
            generator: Generator {
                name: "bipgen",
                version: env!("CARGO_PKG_VERSION"),
            },
            config: ConfigIdentity {
                file: &pack.config_file,
                sha256: &pack.config_sha256,
                country: sop.country.as_str(),
                version: sop.version.to_string(),
                status: sop.status,
                effective_date: sop.effective_date.to_string(),
            },
            files,
            translations,
            warnings,
        };
        // Plain data always serialises.
        let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}
