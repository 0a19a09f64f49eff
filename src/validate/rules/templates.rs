//! The country folder's `templates/`: every file is one bipgen uses, inside the folder and
//! readable as UTF-8 text. A misspelt override would otherwise be ignored in silence.

use super::Context;
use crate::config::assets::{TEMPLATES, Unread};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::library::sop::{is_template, overridable_templates};

pub fn check(cx: &mut Context<'_>) {
    for (folder, why) in &cx.assets.unlisted {
        if folder == TEMPLATES {
            cx.diagnostics.push(Diagnostic::error(
                "unreadable-template",
                format!("cannot read {folder}/: {why}"),
            ));
        }
    }
    for (name, read) in &cx.assets.templates {
        let path = format!("{TEMPLATES}/{name}");
        let diagnostic = match read {
            Err(Unread::Outside(why)) => {
                Diagnostic::error("input-outside-folder", format!("{path}: {why}")).with_help(
                    "copy the file into the configuration's folder instead of linking to it",
                )
            }
            Err(why) => {
                Diagnostic::error("unreadable-template", format!("cannot read {path}: {why}"))
                    .with_help("templates are UTF-8 text files")
            }
            Ok(_) if !is_template(name) => {
                let known = overridable_templates();
                let help = match did_you_mean(name, known.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean `{TEMPLATES}/{near}`?"),
                    None => format!(
                        "the templates a country can override are {}, and its own SOP sentences in sop/text/<language>.toml",
                        known.join(", ")
                    ),
                };
                Diagnostic::warning(
                    "unknown-template",
                    format!("{path} is not a template bipgen uses; it is ignored"),
                )
                .with_help(help)
            }
            Ok(file) => match file.text() {
                Ok(_) => continue,
                Err(why) => Diagnostic::error("unreadable-template", format!("{path}: {why}"))
                    .with_help("save the file as UTF-8"),
            },
        };
        cx.diagnostics.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::MINIMAL;

    fn codes_in(dir: &std::path::Path) -> Vec<(&'static str, String)> {
        let config = dir.join("country.toml");
        std::fs::write(&config, MINIMAL).unwrap();
        crate::check(&config)
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.message))
            .collect()
    }

    #[test]
    fn a_misspelt_or_unreadable_template_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/sop")).unwrap();
        std::fs::write(dir.path().join("templates/sop/procedures.md"), "x").unwrap();
        std::fs::write(dir.path().join("templates/form.typ"), [0xff, 0xfe, 0x00]).unwrap();
        let found = codes_in(dir.path());
        let unknown = found
            .iter()
            .find(|(code, _)| *code == "unknown-template")
            .expect("a misspelt chapter is reported");
        assert!(
            unknown.1.contains("templates/sop/procedures.md"),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(code, m)| *code == "unreadable-template" && m.contains("form.typ")),
            "{found:?}"
        );
    }

    #[test]
    fn the_templates_bipgen_uses_pass() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/sop/text")).unwrap();
        std::fs::write(dir.path().join("templates/sop/purpose.md"), "# Purpose\n").unwrap();
        std::fs::write(dir.path().join("templates/sop/text/en.toml"), "").unwrap();
        let found = codes_in(dir.path());
        assert!(
            !found.iter().any(|(code, _)| code.contains("template")),
            "{found:?}"
        );
    }
}
