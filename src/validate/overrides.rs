//! The country's own templates, parsed as `build` will parse them: `templates/form.typ`
//! and `templates/sop/sop.typ` as Typst, `templates/sop/<chapter>.md` as Tera. A syntax
//! error is reported at its line in the template, by `check`, before any build.

use std::ops::Range;
use std::path::Path;

use crate::config::assets::{Assets, TEMPLATES};
use crate::diagnostic::{Diagnostic, Location, Sources};

/// Diagnostics for the templates of `assets` that do not parse; the broken files join
/// `sources` so that the diagnostics can show their lines.
pub fn check(assets: &Assets, root_dir: &Path, sources: &mut Sources) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (name, text) in crate::library::sop::overrides(assets) {
        let (problems, help): (Vec<(Range<usize>, String)>, &str) = if name.ends_with(".typ") {
            (
                crate::typeset::syntax_errors(&text),
                "the template is Typst (https://typst.app/docs); start from a copy of the built-in one",
            )
        } else if name.ends_with(".md") {
            (
                tera_errors(&name, &text),
                "the chapter is a Tera template (https://keats.github.io/tera/docs); start from a copy of the built-in one",
            )
        } else {
            continue;
        };
        // A chapter's own words are printed as they are.
        let unprintable = if name.ends_with(".md") {
            super::printing::in_chapter(&name, &text)
        } else {
            Vec::new()
        };
        if problems.is_empty() && unprintable.is_empty() {
            continue;
        }
        let path = root_dir.join(TEMPLATES).join(&name);
        let file = sources.add(path.display().to_string(), text);
        for (span, message) in problems {
            diagnostics.push(
                Diagnostic::error("template-syntax", format!("{TEMPLATES}/{name}: {message}"))
                    .with_help(help)
                    .at(Some(Location { file, span })),
            );
        }
        for (at, diagnostic) in unprintable {
            let width = sources.text(file)[at..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            diagnostics.push(diagnostic.at(Some(Location {
                file,
                span: at..at + width,
            })));
        }
    }
    diagnostics
}

/// Tera's parse error, placed at the `line:column` its message gives.
fn tera_errors(name: &str, text: &str) -> Vec<(Range<usize>, String)> {
    let Err(error) = tera::Tera::default().add_raw_template(name, text) else {
        return Vec::new();
    };
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        message = inner.to_string();
        cause = inner.source();
    }
    // Tera writes `--> 3:12` above an excerpt, and what it expected below.
    let place = message
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .and_then(|at| at.split_once(':'))
        .and_then(|(l, c)| {
            Some((
                l.trim().parse::<usize>().ok()?,
                c.trim().parse::<usize>().ok()?,
            ))
        });
    let offset = place.map_or(0, |(line, column)| {
        crate::i18n::store::offset_of(text, line, column)
    });
    let said: Vec<&str> = message
        .lines()
        .filter_map(|l| l.trim().strip_prefix("= "))
        .collect();
    let said = if said.is_empty() {
        message.lines().next().unwrap_or("").to_owned()
    } else {
        said.join("; ")
    };
    vec![(offset..offset, said)]
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::MINIMAL;

    #[test]
    fn broken_templates_are_errors_at_their_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/sop")).unwrap();
        std::fs::write(dir.path().join("country.toml"), MINIMAL).unwrap();
        std::fs::write(
            dir.path().join("templates/sop/glossary.md"),
            "## Glossary\n\nTerms {{ oops | }} here.\n\nMore.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("templates/form.typ"),
            "#let a = 1\n#let x = (\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("templates/sop/sop.typ"), "#let a = 1\n").unwrap();
        let checked = crate::check(&dir.path().join("country.toml"));
        let found: Vec<(String, usize)> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code == "template-syntax")
            .map(|d| {
                let at = d.location.as_ref().unwrap();
                let (line, _) = checked.sources.line_column(at.file, at.span.start);
                (checked.sources.name(at.file).to_owned(), line)
            })
            .collect();
        assert_eq!(found.len(), 2, "{:#?}", checked.diagnostics);
        assert!(
            found
                .iter()
                .any(|(f, l)| f.ends_with("templates/sop/glossary.md") && *l == 3)
        );
        assert!(
            found
                .iter()
                .any(|(f, l)| f.ends_with("templates/form.typ") && *l == 2)
        );
        assert!(checked.has_errors());
    }

    #[test]
    fn a_chapter_character_no_font_draws_is_an_error_at_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/sop")).unwrap();
        std::fs::write(dir.path().join("country.toml"), MINIMAL).unwrap();
        std::fs::write(
            dir.path().join("templates/sop/glossary.md"),
            "## Glossary\n\nAsk the desk 🧒 first.\n",
        )
        .unwrap();
        let checked = crate::check(&dir.path().join("country.toml"));
        let d = checked
            .diagnostics
            .iter()
            .find(|d| d.code == "missing-glyph")
            .expect("reported");
        let at = d.location.as_ref().unwrap();
        assert_eq!(checked.sources.line_column(at.file, at.span.start), (3, 14));
        assert!(
            d.message.contains("Ask the desk 🧒 first."),
            "{}",
            d.message
        );
    }
}
