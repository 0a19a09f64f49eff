//! Stage 4, render: each output kind is a pure function of the `Pack`, returning files as
//! bytes. Nothing here touches the disk; the write stage does.

mod codebook;
mod definition;
pub mod form_pdf;
pub mod form_versions;
mod primero;
pub mod record_schema;
pub mod resolved;
mod rule_words;
pub mod sop;
mod xlsform;

pub use record_schema::record_schema;
pub use xlsform::column_language;

use serde::Serialize;

use crate::pack::{Pack, Part};

/// One file to write, relative to the output folder.
#[derive(Debug, Clone)]
pub struct Output {
    /// Forward-slash path inside the output folder, e.g. `config/resolved.json`.
    pub path: String,
    pub kind: OutputKind,
    /// The form this file belongs to, if any.
    pub form: Option<String>,
    /// Languages whose text the file holds.
    pub languages: Vec<String>,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OutputKind {
    ResolvedConfig,
    FormDefinition,
    RecordSchema,
    XlsForm,
    Codebook,
    PrimeroConfig,
    FormPdf,
    FormPack,
    Sop,
}

impl OutputKind {
    pub fn describe(self) -> &'static str {
        match self {
            OutputKind::ResolvedConfig => "resolved configuration",
            OutputKind::FormDefinition => "form definitions",
            OutputKind::RecordSchema => "record JSON Schemas",
            OutputKind::XlsForm => "XLSForms",
            OutputKind::Codebook => "codebooks",
            OutputKind::PrimeroConfig => "Primero configuration",
            OutputKind::FormPdf => "printed forms",
            OutputKind::FormPack => "blank form packs",
            OutputKind::Sop => "SOP documents",
        }
    }
}

/// A renderer: one kind of output from the pack.
pub trait Renderer: Sync {
    fn name(&self) -> &'static str;
    /// The part of a build (`--only`) this renderer writes.
    fn part(&self) -> Part;
    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError>;

    /// The outputs handed to `emit` as they are made, so that a caller writing them out
    /// need not hold them all; `emit`'s error stops the rendering. By default, `render`'s
    /// outputs one by one; a renderer of many large documents makes and hands over one
    /// at a time.
    fn render_each(&self, pack: &Pack, emit: &mut Emit<'_>) -> Result<(), RenderError> {
        for output in self.render(pack)? {
            emit(output).map_err(|message| RenderError {
                renderer: self.name(),
                message,
            })?;
        }
        Ok(())
    }
}

/// Where a renderer hands each output it makes.
pub type Emit<'a> = dyn FnMut(Output) -> Result<(), String> + 'a;

#[derive(Debug, thiserror::Error)]
#[error("{renderer}: {message}")]
pub struct RenderError {
    pub renderer: &'static str,
    pub message: String,
}

/// Every renderer bipgen has, in output order.
pub fn renderers() -> Vec<Box<dyn Renderer>> {
    vec![
        Box::new(resolved::ResolvedConfig),
        Box::new(definition::Definitions),
        Box::new(record_schema::RecordSchemas),
        Box::new(xlsform::XlsForms),
        Box::new(codebook::Codebook),
        Box::new(primero::Primero),
        Box::new(form_pdf::FormPdfs),
        Box::new(sop::Sop),
    ]
}

/// A new workbook dated by the SOP's effective date, never the clock, so that the same
/// configuration gives the same bytes.
pub(crate) fn dated_workbook(
    pack: &Pack,
    title: &str,
) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let date = pack.config.sop.effective_date;
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(date.year, date.month, date.day)?;
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&created)
            .set_title(title),
    );
    Ok(workbook)
}

/// Pretty JSON with a final newline, the form of every JSON file bipgen writes.
pub(crate) fn to_json_bytes(
    value: &impl Serialize,
    renderer: &'static str,
) -> Result<Vec<u8>, RenderError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| RenderError {
        renderer,
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
