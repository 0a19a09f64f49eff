//! `check`, `build` and `init`: the main job and its first step.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bipgen::diagnostic::Diagnostic;
use bipgen::pack::Selection;
use bipgen::{BuildError, BuildOptions};

use super::args::{Format, ReportArgs};
use super::progress::Progress;
use super::report::{EXIT_INVALID, EXIT_USAGE, MaxWith, exit_for, report, report_only, tally};

pub(crate) fn check(config: &Path, args: &ReportArgs) -> ExitCode {
    let mut checked = bipgen::check(config);
    bipgen::trial::check_templates(&mut checked, config);
    report(&checked, args);
    if matches!(args.format, Format::Human) {
        let verdict = if checked.has_errors() {
            "has errors"
        } else if args.deny_warnings && checked.warnings().next().is_some() {
            "is valid, but has warnings and warnings are denied"
        } else {
            "is valid"
        };
        eprintln!(
            "{}: {verdict} ({})",
            config.display(),
            tally(&checked.diagnostics)
        );
    }
    let code = exit_for(&checked, args.deny_warnings);
    // The process ends here: handing a large configuration back to the allocator value by
    // value would cost more than the exit that frees it whole.
    std::mem::forget(checked);
    code
}

pub(crate) fn build(
    config: &Path,
    out: &Path,
    force: bool,
    quiet: bool,
    selection: Selection,
    cache: Option<PathBuf>,
    args: &ReportArgs,
) -> ExitCode {
    // A cache that cannot be opened costs time, not the build.
    let cache = cache.and_then(|dir| {
        match bipgen::typeset::cache::OutputCache::open(&dir, bipgen::typeset::cache::DEFAULT_LIMIT)
        {
            Ok(cache) => Some(std::sync::Arc::new(cache)),
            Err(e) => {
                eprintln!("warning: no cache ({e}); every document is laid out");
                None
            }
        }
    });
    let options = BuildOptions {
        cache,
        deny_warnings: args.deny_warnings,
        write: bipgen::output::WriteOptions {
            force,
            fail_after: None,
        },
        selection,
    };
    let progress = Progress::start(!quiet && std::io::stderr().is_terminal());
    let (checked, result) = bipgen::build(config, out, options, &|stage| progress.stage(stage));
    progress.finish();
    if !quiet {
        report(&checked, args);
    } else if checked.has_errors() || args.deny_warnings {
        // Quiet: errors only (warnings too when they are denied, since they failed it).
        let failing: Vec<Diagnostic> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error() || args.deny_warnings)
            .cloned()
            .collect();
        report_only(&checked, args, &failing);
    }
    match result {
        Ok(summary) => {
            if !quiet {
                let kinds: Vec<String> = summary
                    .counts()
                    .iter()
                    .map(|(k, n)| format!("{n} {}", k.describe()))
                    .collect();
                eprintln!(
                    "built {} files into {} in {:.2} s: {} ({} warnings)",
                    summary.files.len() + 1,
                    out.display(),
                    summary.elapsed.as_secs_f64(),
                    kinds.join(", "),
                    checked.warnings().count()
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid | BuildError::Warnings) => {
            eprintln!(
                "{}: not built ({}); {} left unchanged",
                config.display(),
                tally(&checked.diagnostics),
                out.display()
            );
            exit_for(&checked, true).max_with(EXIT_INVALID)
        }
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, BuildError::Write(bipgen::output::WriteError::NotOurs(_))) {
                eprintln!(
                    "help: choose an empty or new folder for --out, or pass --force to replace it"
                );
            }
            eprintln!("{} left unchanged", out.display());
            ExitCode::from(EXIT_USAGE)
        }
    }
}

pub(crate) fn init(dir: &Path, country: &str, languages: &[String], force: bool) -> ExitCode {
    let country = country.to_ascii_uppercase();
    let today = today();
    let text = match bipgen::init::starter_config(&country, languages, today) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("help: {}", e.help());
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let path = dir.join("country.toml");
    if path.exists() && !force {
        eprintln!(
            "error: `{}` already exists; pass --force to overwrite it",
            path.display()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let schema = bipgen::config::schema::config_schema_text();
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(dir.join("country-config.schema.json"), schema))
        .and_then(|()| std::fs::write(&path, text));
    if let Err(e) = written {
        eprintln!("error: cannot write `{}`: {e}", path.display());
        return ExitCode::from(EXIT_USAGE);
    }
    eprintln!(
        "wrote {} (check it with `bipgen check {}`)",
        path.display(),
        path.display()
    );
    ExitCode::SUCCESS
}

/// Today's date for the starter configuration (the only place bipgen reads the clock;
/// generated documents take their date from the configuration).
pub(crate) fn today() -> bipgen::config::Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    bipgen::config::Date::from_days_since_epoch(days)
}
