//! The country's own templates tried as `build` will use them. Parsing (in `validate`)
//! finds syntax errors; only rendering finds an unknown variable, function or data field.
//! `bipgen check` runs the templates a country overrides against its resolved
//! configuration, writing nothing, so that what `check` accepts `build` builds.

use std::path::Path;

use crate::config::assets::TEMPLATES;
use crate::diagnostic::{Diagnostic, Location};
use crate::{Checked, pack, prepare, render};

/// Tries each overridden template against the configuration `checked` holds, and adds a
/// located `template-error` for each that fails. Does nothing when the configuration has
/// errors (it cannot be resolved) or overrides no template; the cost, a few layouts, is
/// paid only for templates a country wrote.
pub fn check_templates(checked: &mut Checked, config_path: &Path) {
    if checked.has_errors() {
        return;
    }
    let Some(source) = &checked.source else {
        return;
    };
    let overrides = crate::library::sop::overrides(&source.assets);
    let chapters: Vec<&String> = overrides.keys().filter(|n| n.ends_with(".md")).collect();
    let sop_typ = overrides.contains_key("sop/sop.typ");
    let form_typ = overrides.contains_key("form.typ");
    if chapters.is_empty() && !sop_typ && !form_typ {
        return;
    }
    let Ok(prepared) = prepare(checked, config_path, &pack::Selection::default()) else {
        return; // build reports what prepare refuses
    };
    let pack = &prepared.pack;
    let mut failures: Vec<(&str, String)> = Vec::new();
    if !chapters.is_empty() || sop_typ {
        for (_, language) in pack.printed_languages() {
            if let Err(message) = render::sop::try_language(pack, language, sop_typ) {
                // A Typst error names `sop.typ`; a chapter's names the chapter.
                let template = chapters
                    .iter()
                    .find(|name| message.contains(name.as_str()))
                    .map(|name| name.as_str())
                    .or(sop_typ.then_some("sop/sop.typ"))
                    .unwrap_or(chapters[0]);
                let tag = language.tag.as_str();
                let message = if message.contains(&format!("({tag})")) {
                    message
                } else {
                    format!("SOP ({tag}): {message}")
                };
                failures.push((template, message));
                break; // the same template fails the same way in every language
            }
        }
    }
    if form_typ && let Err(message) = render::form_pdf::try_layout(pack) {
        failures.push(("form.typ", message));
    }

    let root = source.root_dir.join(TEMPLATES);
    for (template, message) in failures {
        let text = overrides[template].clone();
        let offset = line_of(&message, template)
            .map(|line| crate::i18n::store::offset_of(&text, line, 1))
            .or_else(|| named_in(&message, &text))
            .unwrap_or(0);
        let file = checked
            .sources
            .add(root.join(template).display().to_string(), text);
        checked.diagnostics.push(
            Diagnostic::error(
                "template-error",
                format!("{TEMPLATES}/{template} fails on this configuration: {message}"),
            )
            .with_help("build would stop here; correct the template, or compare it with the built-in one it replaces")
            .at(Some(Location {
                file,
                span: offset..offset,
            })),
        );
    }
}

/// The line a render error gives for `template`: Typst's messages say
/// `…form.typ, line 12: …` (the SOP's template is `sop.typ` inside its document).
fn line_of(message: &str, template: &str) -> Option<usize> {
    let file = template.rsplit('/').next()?;
    let after = &message[message.find(&format!("{file}, line "))? + file.len() + 7..];
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Where the name Tera's message quotes (`Variable `x` not found…`) first appears in the
/// template: Tera's render errors give no line.
fn named_in(message: &str, text: &str) -> Option<usize> {
    let name = message.split('`').nth(1).filter(|n| !n.is_empty())?;
    text.find(name)
}

#[cfg(test)]
mod tests {
    use super::{line_of, named_in};

    #[test]
    fn a_name_tera_quotes_is_found_in_the_template() {
        let message =
            "Failed to render 'sop/bid.md'\n  Variable `panel.chair` not found in context";
        assert_eq!(named_in(message, "## BID\n{{ panel.chair }}\n"), Some(10));
        assert_eq!(named_in("no name here", "{{ x }}"), None);
    }

    #[test]
    fn the_line_comes_from_the_message_about_the_template() {
        let form =
            "forms/all-en.pdf: templates/form.typ, line 417: dictionary does not contain key";
        assert_eq!(line_of(form, "form.typ"), Some(417));
        let sop = "SOP PDF (en): sop.typ, line 3: unknown variable: no_such_function";
        assert_eq!(line_of(sop, "sop/sop.typ"), Some(3));
        assert_eq!(line_of("body.typ, line 2: oops", "sop/sop.typ"), None);
        assert_eq!(line_of("Failed to render 'sop/bid.md'", "sop/bid.md"), None);
    }
}
