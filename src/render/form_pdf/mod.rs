//! `forms/<form>/<lang>.pdf`, `forms/<form>/<a>+<b>.pdf` and `forms/all-<lang>.pdf`:
//! printable forms through the embedded Typst. The template (`forms/print/form.typ`)
//! reads the form as JSON data: labels are never spliced into markup.

mod data;
mod words;

use std::sync::Mutex;

use super::{Output, OutputKind, RenderError, Renderer};
use crate::pack::Pack;
use crate::typeset::{Document, compile_pdf};

pub use data::{PRINT_STRINGS, print_strings_missing};

pub const FORM_TEMPLATE: &str = include_str!("../../../forms/print/form.typ");

pub struct FormPdfs;

/// One PDF to make: the forms it holds, its languages, where it goes.
struct Job {
    path: String,
    forms: Vec<usize>,
    primary: usize,
    second: Option<usize>,
    pack: bool,
}

impl Renderer for FormPdfs {
    fn name(&self) -> &'static str {
        "printed forms"
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        let languages = pack.languages();
        let index_of = |tag: &str| languages.iter().position(|l| l.tag.as_str() == tag);
        let all: Vec<usize> = (0..pack.forms.forms.len()).collect();
        let mut jobs = Vec::new();
        for (f, form) in pack.forms.forms.iter().enumerate() {
            for (l, language) in languages.iter().enumerate() {
                jobs.push(Job {
                    path: format!("forms/{}/{}.pdf", form.id, language.tag),
                    forms: vec![f],
                    primary: l,
                    second: None,
                    pack: false,
                });
            }
            for pair in &pack.config.forms.bilingual {
                if let (Some(a), Some(b)) = (index_of(pair[0].as_str()), index_of(pair[1].as_str()))
                {
                    jobs.push(Job {
                        path: format!("forms/{}/{}+{}.pdf", form.id, pair[0], pair[1]),
                        forms: vec![f],
                        primary: a,
                        second: Some(b),
                        pack: false,
                    });
                }
            }
        }
        if !all.is_empty() {
            for (l, language) in languages.iter().enumerate() {
                jobs.push(Job {
                    path: format!("forms/all-{}.pdf", language.tag),
                    forms: all.clone(),
                    primary: l,
                    second: None,
                    pack: true,
                });
            }
        }

        // Compile on every core; each job is independent and its output deterministic.
        let results: Mutex<Vec<(usize, Result<Output, String>)>> = Mutex::new(Vec::new());
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(jobs.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let result = render_job(pack, job);
                        if let Ok(mut results) = results.lock() {
                            results.push((i, result));
                        }
                    }
                });
            }
        });
        let mut results = results.into_inner().map_err(|_| RenderError {
            renderer: self.name(),
            message: "a worker failed".into(),
        })?;
        results.sort_by_key(|(i, _)| *i);
        results
            .into_iter()
            .map(|(i, result)| {
                result.map_err(|message| RenderError {
                    renderer: self.name(),
                    message: format!("{}: {message}", jobs[i].path),
                })
            })
            .collect()
    }
}

fn render_job(pack: &Pack, job: &Job) -> Result<Output, String> {
    let languages = pack.languages();
    let primary = &languages[job.primary];
    let second = job.second.map(|i| &languages[i]);
    let printable = data::print_data(pack, &job.forms, primary, second, job.pack);
    let json = serde_json::to_vec(&printable).map_err(|e| e.to_string())?;
    let mut files = vec![("/data.json".to_owned(), json)];
    files.extend(
        pack.logos
            .iter()
            .enumerate()
            .map(|(i, logo)| (format!("/logos/{i}.{}", logo.extension), logo.bytes.clone())),
    );
    let country = pack.config.sop.country.as_str().to_ascii_lowercase();
    let document = Document {
        main: pack
            .templates
            .get("form.typ")
            .map_or(FORM_TEMPLATE, String::as_str)
            .to_owned(),
        files,
        date: pack.config.sop.effective_date,
        ident: format!("bipgen/{country}/{}", job.path),
    };
    let bytes = compile_pdf(&document)?;
    let mut tags = vec![primary.tag.to_string()];
    tags.extend(second.map(|s| s.tag.to_string()));
    Ok(Output {
        path: job.path.clone(),
        kind: if job.pack {
            OutputKind::FormPack
        } else {
            OutputKind::FormPdf
        },
        form: (!job.pack).then(|| pack.forms.forms[job.forms[0]].id.to_string()),
        languages: tags,
        bytes,
    })
}
