//! `manifest.json`: what a build read and wrote, for the people and pipelines that pick
//! the output up. Its shape is published as `schemas/manifest.schema.json`.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::output::{self, ManifestFile};
use crate::{Checked, config, i18n, pack, render};

/// What one `bipgen build` read and wrote.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Manifest")]
#[serde(deny_unknown_fields)]
struct Manifest<'a> {
    /// The manifest's format: raised when its shape changes (3 added `partial`).
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
    /// Per language: how many configuration texts are written, stand in from a fallback
    /// language, or are missing.
    translations: &'a BTreeMap<String, pack::Completeness>,
    /// Per language and domain (forms, SOP, configuration): translated, fuzzy, missing.
    translation_status: BTreeMap<String, BTreeMap<i18n::catalog::Domain, i18n::workflow::Counts>>,
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

/// The manifest's format: 2 added the inputs, 3 the `partial` selection.
const MANIFEST_FORMAT: u32 = 3;

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

/// `manifest.json`. Warning locations are relative to the configuration's folder, so the
/// manifest does not depend on where bipgen was run from.
pub(crate) fn manifest_bytes(
    pack: &pack::Pack,
    files: &[ManifestFile],
    checked: &Checked,
    config_dir: &Path,
    record: &[u8],
) -> Vec<u8> {
    let sop = &pack.config.sop;
    let inputs = inputs(checked, record);
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
        translations: &pack.translations,
        translation_status: i18n::workflow::Workspace::new(checked, pack, &[])
            .map(|w| i18n::workflow::status_of_all(&w))
            .unwrap_or_default(),
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
    };
    // Plain data always serialises.
    let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
