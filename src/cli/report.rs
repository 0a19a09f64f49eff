//! How the commands report: diagnostics in the chosen format, a tally, exit codes, and
//! the configuration checked for commands that need it free of errors.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use bipgen::Checked;
use bipgen::diagnostic::{Diagnostic, render_human, render_json};

use super::args::{ColorChoice, Format, ReportArgs};

/// Exit codes: 0 success, 1 the configuration has errors, 2 usage or I/O problems.
pub(crate) const EXIT_INVALID: u8 = 1;
pub(crate) const EXIT_USAGE: u8 = 2;

pub(crate) fn report(checked: &Checked, args: &ReportArgs) {
    report_only(checked, args, &checked.diagnostics);
}

/// Reports `diagnostics` (some of `checked`'s).
pub(crate) fn report_only(checked: &Checked, args: &ReportArgs, diagnostics: &[Diagnostic]) {
    match args.format {
        Format::Json => println!("{}", render_json(diagnostics, &checked.sources)),
        Format::Human => {
            if diagnostics.is_empty() {
                return;
            }
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            eprint!("{}", render_human(diagnostics, &checked.sources, color));
        }
    }
}

pub(crate) fn tally(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

pub(crate) fn exit_for(checked: &Checked, deny_warnings: bool) -> ExitCode {
    if checked.io_failure {
        ExitCode::from(EXIT_USAGE)
    } else if checked.has_errors() || (deny_warnings && checked.warnings().next().is_some()) {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) trait MaxWith {
    fn max_with(self, code: u8) -> ExitCode;
}

impl MaxWith for ExitCode {
    /// An I/O failure (2) stays 2; anything else becomes `code`.
    fn max_with(self, code: u8) -> ExitCode {
        if self == ExitCode::from(EXIT_USAGE) {
            self
        } else {
            ExitCode::from(code)
        }
    }
}

/// A configuration checked for a command that needs it free of errors; its problems are
/// reported, ending with `what` (e.g. "fix them first").
pub(crate) fn checked_without_errors(path: &Path, what: &str) -> Result<Checked, ExitCode> {
    let checked = bipgen::check(path);
    if checked.has_errors() || checked.config.is_none() {
        eprint!(
            "{}",
            render_human(
                &checked.diagnostics,
                &checked.sources,
                std::io::stderr().is_terminal()
            )
        );
        eprintln!("{}: has errors; {what}", path.display());
        return Err(exit_for(&checked, false));
    }
    Ok(checked)
}

/// Like [`checked_without_errors`], but a configuration whose only errors are missing or
/// unfinished translations goes on, with a note of how many there are.
pub(crate) fn checked_but_for_translations(path: &Path) -> Result<Checked, ExitCode> {
    let checked = bipgen::check(path);
    let only_translations = bipgen::i18n::commands::only_translation_errors(&checked.diagnostics);
    if !only_translations || checked.config.is_none() {
        return checked_without_errors(path, "fix them first");
    }
    let missing = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    if missing > 0 {
        eprintln!(
            "{}: {missing} error(s) about missing or unfinished translations; `bipgen check` lists them",
            path.display()
        );
    }
    Ok(checked)
}
