//! The other commands: `records`, `i18n`, `diff` and `forms`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bipgen::diagnostic::{Diagnostic, render_human, render_json};

use super::args::{Format, FormsCommand, I18nCommand, RecordsCommand};
use super::report::{
    EXIT_INVALID, EXIT_USAGE, checked_but_for_translations, checked_without_errors, tally,
};

pub(crate) fn records(command: RecordsCommand) -> ExitCode {
    let RecordsCommand::FromOdk {
        config,
        form,
        input,
        out,
        keep_going,
    } = command;
    let checked = match checked_without_errors(&config, "fix them first") {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let name = config
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("country.toml");
    let pack = match checked.resolve(name) {
        Some(Ok(pack)) => pack,
        Some(Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
        None => return ExitCode::from(EXIT_INVALID),
    };
    match bipgen::records::from_odk(&pack, &form, &input, &out, keep_going) {
        Ok(report) => {
            for (id, problems) in &report.rejected {
                for problem in problems {
                    let field = if problem.field.is_empty() {
                        "/"
                    } else {
                        &problem.field
                    };
                    eprintln!(
                        "error[invalid-submission]: {}: submission {id}, answer {field}: {}",
                        input.display(),
                        problem.message
                    );
                }
            }
            let written = report.written.len();
            if report.rejected.is_empty() {
                eprintln!("{written} records written to {}", out.display());
                ExitCode::SUCCESS
            } else if keep_going {
                eprintln!(
                    "{written} records written to {}; {} submissions rejected (see report.json)",
                    out.display(),
                    report.rejected.len()
                );
                ExitCode::from(EXIT_INVALID)
            } else {
                eprintln!(
                    "{} of {} submissions are invalid; nothing written (--keep-going writes the valid ones)",
                    report.rejected.len(),
                    report.rejected.len() + written
                );
                ExitCode::from(EXIT_INVALID)
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

pub(crate) fn i18n(command: I18nCommand) -> ExitCode {
    use bipgen::i18n::{commands, workflow::Workspace};
    let (I18nCommand::Export { config, .. }
    | I18nCommand::Import { config, .. }
    | I18nCommand::Status { config, .. }) = &command;
    // Status and export are how a team finds and fills what is missing: missing or
    // unfinished translations do not stop them; other errors do.
    let checked = match &command {
        I18nCommand::Import { .. } => checked_without_errors(config, "fix them first"),
        _ => checked_but_for_translations(config),
    };
    let checked = match checked {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let extra = match &command {
        I18nCommand::Export { languages, .. } | I18nCommand::Status { languages, .. } => {
            languages.clone()
        }
        I18nCommand::Import { .. } => Vec::new(),
    };
    let pack = match checked.resolve("country.toml") {
        Some(Ok(pack)) => pack,
        Some(Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
        None => return ExitCode::from(EXIT_INVALID),
    };
    let workspace = match Workspace::new(&checked, &pack, &extra) {
        Ok(workspace) => workspace,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match command {
        I18nCommand::Export { languages, out, .. } => {
            match commands::export(&workspace, &languages, &out) {
                Ok(written) => {
                    for file in written {
                        println!("{file}");
                    }
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    eprintln!("error: {}", failure.message);
                    ExitCode::from(if failure.invalid {
                        EXIT_INVALID
                    } else {
                        EXIT_USAGE
                    })
                }
            }
        }
        I18nCommand::Import { files, report, .. } => {
            let mut sources = checked.sources.clone();
            let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
            let outcome = workspace.import(&paths, &mut sources);
            match report.format {
                Format::Json => println!("{}", render_json(&outcome.diagnostics, &sources)),
                Format::Human => eprint!(
                    "{}",
                    render_human(
                        &outcome.diagnostics,
                        &sources,
                        std::io::stderr().is_terminal()
                    )
                ),
            }
            let errors = outcome.diagnostics.iter().any(Diagnostic::is_error);
            let warnings = outcome.diagnostics.iter().any(|d| !d.is_error());
            if errors || (report.deny_warnings && warnings) {
                eprintln!("nothing imported ({})", tally(&outcome.diagnostics));
                return ExitCode::from(EXIT_INVALID);
            }
            match workspace.write_store(&outcome) {
                Ok(written) => {
                    for (language, counts) in &outcome.languages {
                        println!(
                            "{language}: imported {} translated, {} fuzzy (kept, not used), {} still empty",
                            counts.translated, counts.fuzzy, counts.missing
                        );
                    }
                    for path in written {
                        println!("wrote {}", path.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_USAGE)
                }
            }
        }
        I18nCommand::Status {
            languages,
            missing,
            format,
            ..
        } => {
            let statuses = commands::statuses(&workspace, &languages);
            match format {
                Format::Json => println!("{}", commands::status_json(&statuses, missing)),
                Format::Human => print!("{}", commands::status_table(&statuses, missing)),
            }
            ExitCode::SUCCESS
        }
    }
}

/// Checks and resolves one version for `diff`, reporting its problems.
pub(crate) fn resolved_version(path: &Path) -> Result<bipgen::pack::Pack, ExitCode> {
    let checked = checked_without_errors(path, "fix them before comparing")?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match checked.resolve(&name) {
        Some(Ok(pack)) => Ok(pack),
        Some(Err(message)) => {
            eprintln!("error: {}: {message}", path.display());
            Err(ExitCode::from(EXIT_USAGE))
        }
        None => Err(ExitCode::from(EXIT_INVALID)),
    }
}

/// `diff`'s status for "the versions differ"; like diff(1), 0 is "the same" and 2 is
/// "could not compare".
const EXIT_DIFFERENT: u8 = 1;

pub(crate) fn diff(old: &Path, new: &Path, format: Format) -> ExitCode {
    let (old_pack, new_pack) = match (resolved_version(old), resolved_version(new)) {
        (Ok(a), Ok(b)) => (a, b),
        // A version with errors cannot be compared: status 2, never "different".
        (Err(_), _) | (_, Err(_)) => return ExitCode::from(EXIT_USAGE),
    };
    let changes = bipgen::diff::diff(&old_pack, &new_pack);
    match format {
        Format::Human => print!("{}", bipgen::diff::render_text(&changes)),
        Format::Json => match serde_json::to_string_pretty(&changes) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        },
    }
    if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DIFFERENT)
    }
}

pub(crate) fn forms(command: FormsCommand) -> ExitCode {
    let (config, lang) = match &command {
        FormsCommand::List { config, lang } | FormsCommand::Show { config, lang, .. } => {
            (config, lang)
        }
    };
    // With a configuration: its tailored forms and its lists; without: the library.
    let (forms, choices, default_language) = match config {
        Some(path) => {
            let checked = match checked_without_errors(path, "fix them to see its forms") {
                Ok(checked) => checked,
                Err(code) => return code,
            };
            let Some(set) = checked.forms.clone() else {
                return ExitCode::from(EXIT_INVALID);
            };
            let language = checked
                .config
                .as_ref()
                .map(|c| c.default_language.to_string())
                .unwrap_or_else(|| "en".into());
            (set.forms, set.choices, language)
        }
        None => {
            let library = &*bipgen::forms::library::LIBRARY;
            let forms = library.forms.iter().map(|f| f.form.clone()).collect();
            let choices = library
                .lists
                .iter()
                .map(|l| (l.list.id.clone(), l.list.clone()))
                .collect();
            (forms, choices, "en".to_owned())
        }
    };
    let language = lang.clone().unwrap_or(default_language);
    match command {
        FormsCommand::List { .. } => {
            let refs: Vec<_> = forms.iter().collect();
            print!("{}", bipgen::forms::outline::list(&refs, &language));
            ExitCode::SUCCESS
        }
        FormsCommand::Show { id, .. } => match forms.iter().find(|f| f.id.as_str() == id) {
            Some(form) => {
                print!(
                    "{}",
                    bipgen::forms::outline::show(form, &choices, &language)
                );
                ExitCode::SUCCESS
            }
            None => {
                let ids: Vec<&str> = forms.iter().map(|f| f.id.as_str()).collect();
                eprintln!("error: no form `{id}`");
                match bipgen::diagnostic::did_you_mean(&id, ids.iter().copied()) {
                    Some(s) => eprintln!("help: did you mean `{s}`?"),
                    None => eprintln!("help: the forms are: {}", ids.join(", ")),
                }
                ExitCode::from(EXIT_USAGE)
            }
        },
    }
}
