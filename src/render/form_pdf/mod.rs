//! `forms/<form>/<lang>.pdf`, `forms/<form>/<a>+<b>.pdf` and `forms/all-<lang>.pdf`:
//! printable forms through the embedded Typst. The template (`forms/print/form.typ`)
//! reads the form as JSON data: labels are never spliced into markup.

mod data;
pub(crate) mod words;

use std::ops::Range;

use rayon::prelude::*;

use super::{Output, OutputKind, RenderError, Renderer};
use crate::pack::Pack;
use crate::typeset::{Document, Typeset, typeset};

pub use crate::library::print::{PRINT_STRINGS, print_strings_missing};

pub const FORM_TEMPLATE: &str = include_str!("../../../forms/print/form.typ");

/// The label of the metadata that opens each form in the template.
const FORM_MARK: &str = "bipgen-form";

pub struct FormPdfs;

/// One layout of every form: in one language with a cover and contents (the language's
/// blank form pack), or in a language pair. Each form's own PDF is cut out of it.
struct Book {
    primary: usize,
    second: Option<usize>,
    cover: bool,
}

/// A book laid out, with the pages each form takes.
struct LaidBook {
    typeset: Typeset,
    /// Per form (in pack order): its title and its pages. `None` when the template (a
    /// country's own) does not mark where forms start: each form is then laid out alone.
    parts: Option<Vec<(String, Range<usize>)>>,
}

/// One PDF to write: a whole book, or one form's pages of it.
struct Export<'a> {
    book: &'a Book,
    laid: &'a LaidBook,
    form: Option<LaidForm>,
}

/// A form of a laid-out book: its place among the book's forms, and in the pack.
#[derive(Clone, Copy)]
struct LaidForm {
    in_book: usize,
    in_pack: usize,
}

impl Renderer for FormPdfs {
    fn name(&self) -> &'static str {
        "printed forms"
    }

    fn part(&self) -> crate::pack::Part {
        crate::pack::Part::Forms
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        if pack.forms.forms.is_empty() {
            return Ok(Vec::new());
        }
        let books = books(pack);

        // Lay out each language's book once, then export it and its forms on every core.
        // Books go one at a time: a laid-out book holds a few hundred MB, and two at once
        // cost memory without saving time, since the exports already keep both cores busy.
        // A pair's book is never written whole, so its forms are laid out one by one
        // instead. A document whose layout input is in the cache is not laid out at all.
        let per_book: Result<Vec<Vec<Output>>, RenderError> = crate::typeset::in_pool(|| {
            books
                .iter()
                .map(|book| {
                    let forms = (0..pack.forms.forms.len()).map(Some);
                    let parts: Vec<Option<usize>> = book
                        .cover
                        .then_some(None)
                        .into_iter()
                        .chain(forms)
                        .collect();
                    let files = if book.cover {
                        book_files(pack, book, &parts)
                    } else {
                        form_by_form_files(pack, book)
                    };
                    let files = files.map_err(|message| RenderError {
                        renderer: self.name(),
                        message,
                    })?;
                    Ok(parts
                        .iter()
                        .zip(files)
                        .map(|(&form, (path, bytes))| book_output(pack, book, form, path, bytes))
                        .collect())
                })
                .collect()
        });
        Ok(per_book?.into_iter().flatten().collect())
    }
}

/// The books a build lays out: each printed language's pack, then each bilingual pair
/// whose two languages are printed.
fn books(pack: &Pack) -> Vec<Book> {
    // Languages by place in the pack, the ones this build prints only.
    let printed: Vec<(usize, &str)> = pack
        .printed_languages()
        .map(|(i, l)| (i, l.tag.as_str()))
        .collect();
    let index_of = |tag: &str| printed.iter().find(|(_, t)| *t == tag).map(|(i, _)| *i);
    let mut books: Vec<Book> = printed
        .iter()
        .map(|&(primary, _)| Book {
            primary,
            second: None,
            cover: true,
        })
        .collect();
    for pair in &pack.config.forms.bilingual {
        if let (Some(primary), Some(second)) =
            (index_of(pair[0].as_str()), index_of(pair[1].as_str()))
        {
            books.push(Book {
                primary,
                second: Some(second),
                cover: false,
            });
        }
    }
    books
}

/// Lays out every document a build would, exporting nothing: each language's book, and
/// each form of a pair alone. With a country's own `templates/form.typ`, what only
/// compiling finds (an unknown function, a field the data does not have) is found here,
/// by `check`, rather than by `build`.
pub fn try_layout(pack: &Pack) -> Result<(), String> {
    if pack.forms.forms.is_empty() {
        return Ok(());
    }
    let all: Vec<usize> = (0..pack.forms.forms.len()).collect();
    let try_one = |book: &Book, forms: &[usize], form: Option<usize>| {
        let path = book_path(pack, book, form);
        typeset_forms(pack, book, forms, book.cover, &path)
            .map(|_| ())
            .map_err(|m| format!("{path}: {m}"))
    };
    crate::typeset::in_pool(|| {
        books(pack).iter().try_for_each(|book| {
            if book.cover {
                try_one(book, &all, None)
            } else {
                all.par_iter()
                    .try_for_each(|&form| try_one(book, &[form], Some(form)))
            }
        })
    })
}

/// The PDFs of a book's `parts` (the whole book for `None`, a form's pages for `Some`),
/// in order, each with its path: from the cache, or laid out and exported.
fn book_files(
    pack: &Pack,
    book: &Book,
    parts: &[Option<usize>],
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let whole = book_path(pack, book, None);
    let all: Vec<usize> = (0..pack.forms.forms.len()).collect();
    let (document, printable) =
        form_document(pack, book, &all, book.cover, &whole).map_err(|m| format!("{whole}: {m}"))?;
    let paths: Vec<String> = parts
        .iter()
        .map(|&form| book_path(pack, book, form))
        .collect();
    let fingerprint = format!("{}\n{}", document.fingerprint(), paths.join("\n"));
    let cache = pack.cache.as_deref();
    crate::typeset::cache::cached(cache, "form-book", &fingerprint, || {
        let laid =
            lay_out(pack, &document, printable, &all).map_err(|m| format!("{whole}: {m}"))?;
        let exports: Vec<Export> = parts
            .iter()
            .map(|&form| Export {
                book,
                laid: &laid,
                form: form.map(|f| LaidForm {
                    in_book: f,
                    in_pack: f,
                }),
            })
            .collect();
        exports
            .par_iter()
            .zip(&paths)
            .map(|(export, path)| {
                let bytes = export_pdf(pack, export, path).map_err(|m| format!("{path}: {m}"))?;
                Ok((path.clone(), bytes))
            })
            .collect()
    })
}

/// Every form's PDF of a book that is never written whole (a language pair), in pack
/// order. Each form is laid out alone, on every core, with its own cache entry: a change
/// to one form lays out that form again and no other, and no whole book is held in
/// memory. Forms start their own pages and page numbers, so a form alone prints as it
/// would in a book.
fn form_by_form_files(pack: &Pack, book: &Book) -> Result<Vec<(String, Vec<u8>)>, String> {
    let cache = pack.cache.as_deref();
    (0..pack.forms.forms.len())
        .into_par_iter()
        .map(|form| {
            let path = book_path(pack, book, Some(form));
            let located = |m: String| format!("{path}: {m}");
            let (document, printable) =
                form_document(pack, book, &[form], false, &path).map_err(located)?;
            let fingerprint = format!("{}\n{path}", document.fingerprint());
            let mut files =
                crate::typeset::cache::cached(cache, "form-alone", &fingerprint, || {
                    let laid = lay_out(pack, &document, printable, &[form]).map_err(located)?;
                    // Without marks (a country's own template), the document is the form.
                    let export = Export {
                        book,
                        laid: &laid,
                        form: laid.parts.is_some().then_some(LaidForm {
                            in_book: 0,
                            in_pack: form,
                        }),
                    };
                    let bytes = export_pdf(pack, &export, &path).map_err(located)?;
                    Ok(vec![(path.clone(), bytes)])
                })?;
            files
                .pop()
                .ok_or_else(|| format!("{path}: the cache entry holds no PDF"))
        })
        .collect()
}

/// A book's PDF as an output: the pack, or one form of it.
fn book_output(
    pack: &Pack,
    book: &Book,
    form: Option<usize>,
    path: String,
    bytes: Vec<u8>,
) -> Output {
    let languages = pack.languages();
    let mut tags = vec![languages[book.primary].tag.to_string()];
    tags.extend(book.second.map(|s| languages[s].tag.to_string()));
    Output {
        path,
        kind: if form.is_some() {
            OutputKind::FormPdf
        } else {
            OutputKind::FormPack
        },
        form: form.map(|f| pack.forms.forms[f].id.to_string()),
        languages: tags,
        bytes,
    }
}

/// `forms/<form>/<lang>.pdf`, `forms/<form>/<a>+<b>.pdf`, or `forms/all-<lang>.pdf`.
fn book_path(pack: &Pack, book: &Book, form: Option<usize>) -> String {
    let languages = pack.languages();
    let mut tags = languages[book.primary].tag.to_string();
    if let Some(second) = book.second {
        tags = format!("{tags}+{}", languages[second].tag);
    }
    match form {
        Some(form) => format!("forms/{}/{tags}.pdf", pack.forms.forms[form].id),
        None if book.cover => format!("forms/all-{tags}.pdf"),
        // A pair has no book: its forms are laid out one by one.
        None => format!("forms/*/{tags}.pdf"),
    }
}

/// Lays out the document of `forms` and finds the pages of each.
fn lay_out(
    pack: &Pack,
    document: &Document,
    printable: data::PrintData,
    forms: &[usize],
) -> Result<LaidBook, String> {
    let typeset = typeset(document)?;

    // Each form starts at its mark and runs to the next form's (or the end).
    let marks = typeset.marks(FORM_MARK);
    let ids: Vec<&str> = marks.iter().map(|(id, _)| id.as_str()).collect();
    let expected: Vec<&str> = forms
        .iter()
        .map(|&f| pack.forms.forms[f].id.as_str())
        .collect();
    if ids != expected {
        return Ok(LaidBook {
            typeset,
            parts: None,
        });
    }
    let starts: Vec<usize> = marks.iter().map(|(_, page)| *page).collect();
    let ends = starts.iter().skip(1).copied().chain([typeset.page_count()]);
    let parts = printable
        .form_titles()
        .zip(starts.iter().zip(ends))
        .map(|(title, (&start, end))| (title.to_owned(), start..end))
        .collect();
    Ok(LaidBook {
        typeset,
        parts: Some(parts),
    })
}

/// Lays out `forms` in the book's language(s), behind a cover when `cover` is set.
fn typeset_forms(
    pack: &Pack,
    book: &Book,
    forms: &[usize],
    cover: bool,
    path: &str,
) -> Result<(Typeset, data::PrintData), String> {
    let (document, printable) = form_document(pack, book, forms, cover, path)?;
    Ok((typeset(&document)?, printable))
}

/// `form` alone in `language`, as the document to lay out: what a preview shows of
/// `forms/<form>/<language>.pdf`. `None` when the pack has no such form or language.
pub fn single_form(pack: &Pack, form: &str, language: &str) -> Option<Result<Document, String>> {
    let form = pack
        .forms
        .forms
        .iter()
        .position(|f| f.id.as_str() == form)?;
    let primary = pack
        .languages()
        .iter()
        .position(|l| l.tag.as_str() == language)?;
    let book = Book {
        primary,
        second: None,
        cover: false,
    };
    let path = book_path(pack, &book, Some(form));
    Some(form_document(pack, &book, &[form], false, &path).map(|(document, _)| document))
}

/// The Typst document of `forms` in the book's language(s): template, data and logos.
fn form_document(
    pack: &Pack,
    book: &Book,
    forms: &[usize],
    cover: bool,
    path: &str,
) -> Result<(Document, data::PrintData), String> {
    let languages = pack.languages();
    let printable = data::print_data(
        pack,
        forms,
        &languages[book.primary],
        book.second.map(|i| &languages[i]),
        cover,
    );
    let json = serde_json::to_vec(&printable).map_err(|e| e.to_string())?;
    let mut files = vec![("/data.json".to_owned(), json)];
    files.extend(
        pack.logos
            .iter()
            .enumerate()
            .map(|(i, logo)| (format!("/logos/{i}.{}", logo.extension), logo.bytes.clone())),
    );
    let document = Document {
        main: pack
            .templates
            .get("form.typ")
            .map_or(FORM_TEMPLATE, String::as_str)
            .to_owned(),
        files,
        date: pack.config.sop.effective_date,
        ident: ident(pack, path),
        name: if pack.templates.contains_key("form.typ") {
            "templates/form.typ".into()
        } else {
            "the built-in form template (forms/print/form.typ)".into()
        },
    };
    Ok((document, printable))
}

fn export_pdf(pack: &Pack, export: &Export, path: &str) -> Result<Vec<u8>, String> {
    match (export.form, &export.laid.parts) {
        (None, _) => export.laid.typeset.to_pdf(),
        (Some(form), Some(parts)) => {
            let (title, pages) = &parts[form.in_book];
            let ident = ident(pack, path);
            export
                .laid
                .typeset
                .part(pages.clone(), title, &ident)?
                .to_pdf()
        }
        (Some(form), None) => typeset_forms(pack, export.book, &[form.in_pack], false, path)?
            .0
            .to_pdf(),
    }
}

/// A stable PDF identifier per output path.
fn ident(pack: &Pack, path: &str) -> String {
    let country = pack.config.sop.country.as_str().to_ascii_lowercase();
    format!("bipgen/{country}/{path}")
}
