//! The `bipgen` command line: argument parsing and terminal output only; the work is done
//! by the library, which tests and other programs call the same way.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use bipgen::diagnostic::{Diagnostic, render_human, render_json};
use bipgen::{BuildError, BuildOptions, Checked};

/// Exit codes: 0 success, 1 the configuration has errors, 2 usage or I/O problems.
const EXIT_INVALID: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "bipgen",
    version,
    about = "Generate a child protection SOP and its case management forms (Best Interests Procedure) from one country configuration",
    after_help = "Examples:\n  bipgen init countries/chad --country TD --languages fr,ar,en\n  bipgen check countries/chad/country.toml\n  bipgen build countries/chad/country.toml --out out/chad"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a configuration and report every problem with file, line and column
    #[command(
        after_help = "Examples:\n  bipgen check examples/chad/country.toml\n  bipgen check country.toml --format json --deny-warnings\n\nExit status: 0 valid (warnings allowed), 1 the configuration has errors, 2 usage or I/O error."
    )]
    Check {
        /// The country configuration (TOML)
        config: PathBuf,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Validate, then generate every output into a folder (replaced atomically)
    #[command(
        after_help = "Examples:\n  bipgen build examples/chad/country.toml --out out/chad\n  bipgen build country.toml --out out --quiet\n\nThe folder is replaced only when the whole build succeeds; a failed build leaves the previous output untouched."
    )]
    Build {
        /// The country configuration (TOML)
        config: PathBuf,
        /// Output folder; created or replaced
        #[arg(short, long)]
        out: PathBuf,
        /// Replace the output folder even if bipgen did not make it
        #[arg(long)]
        force: bool,
        /// Print nothing but errors
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Print the JSON Schema of the configuration (for editors and other tools)
    #[command(
        after_help = "Examples:\n  bipgen schema > country-config.schema.json\n  bipgen schema --form > form-definition.schema.json"
    )]
    Schema {
        /// Print the schema of a canonical form definition instead
        #[arg(long)]
        form: bool,
    },
    /// Write a commented starter configuration that passes `bipgen check`
    #[command(
        after_help = "Example:\n  bipgen init countries/chad --country TD --languages fr,ar,en\n\nThe first language is the default. Writes country.toml and country-config.schema.json."
    )]
    Init {
        /// Folder to create the configuration in
        dir: PathBuf,
        /// ISO 3166-1 alpha-2 code of the country, e.g. TD
        #[arg(long)]
        country: String,
        /// Comma-separated BCP 47 tags, the default language first
        #[arg(long, value_delimiter = ',', default_value = "en")]
        languages: Vec<String>,
        /// Overwrite an existing country.toml
        #[arg(long)]
        force: bool,
    },
    /// List the forms, or show one form's questions
    #[command(subcommand)]
    Forms(FormsCommand),
    /// Translate: export PO files, import translated ones, see what is left to translate
    #[command(subcommand)]
    I18n(I18nCommand),
    /// Turn submissions from phones into records that validate against the record schemas
    #[command(subcommand)]
    Records(RecordsCommand),
    /// Report everything that changed between two versions of a configuration, in SOP terms where it can
    #[command(
        after_help = "Examples:\n  bipgen diff old/country.toml country.toml\n  bipgen diff v1.toml v2.toml --format json\n\nReports every value that differs, translations, templates and logos included: in SOP terms where bipgen has them (roles, responsibilities per step, timeframes, pathways, services, the BID panel, forms, staffing), by its path otherwise (e.g. data_protection.retention_after_closure). Exit status, as diff(1): 0 no differences, 1 differences, 2 a version has errors, or a usage or I/O error."
    )]
    Diff {
        /// The earlier configuration
        old: PathBuf,
        /// The later configuration
        new: PathBuf,
        /// Text for people, or JSON for tools
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print shell completions
    #[command(after_help = "Example:\n  bipgen completions bash > /etc/bash_completion.d/bipgen")]
    Completions { shell: clap_complete::Shell },
}

#[derive(Subcommand)]
enum RecordsCommand {
    /// Convert ODK Central's submission export (OData JSON, or CSV with its repeat files)
    /// into one bipgen record per submission, each checked against the form's record schema
    #[command(
        name = "from-odk",
        after_help = "Examples:\n  bipgen records from-odk country.toml --form referral submissions.json --out records/\n  bipgen records from-odk country.toml --form registration_intake registration_intake.csv --keep-going\n\nThe CSV export's repeat files (<name>-<repeat>.csv) are read from beside it. Nothing is written if a submission is invalid, unless --keep-going is given: then the valid records are written with report.json listing the others. Exit status: 0 all converted, 1 a submission or the configuration is invalid, 2 usage or I/O error."
    )]
    FromOdk {
        /// The country configuration the forms were generated from
        config: PathBuf,
        /// Id of the form the submissions answer
        #[arg(long)]
        form: String,
        /// The export: `.json` (OData) or `.csv`
        input: PathBuf,
        /// Folder for the records
        #[arg(long, default_value = "records")]
        out: PathBuf,
        /// Write the valid records even if some submissions are invalid
        #[arg(long)]
        keep_going: bool,
    },
}

#[derive(Subcommand)]
enum FormsCommand {
    /// List the forms: the built-in library, or those a configuration produces
    #[command(
        after_help = "Examples:\n  bipgen forms list\n  bipgen forms list --config examples/chad/country.toml"
    )]
    List {
        /// Show the forms as this configuration tailors them
        #[arg(long)]
        config: Option<PathBuf>,
        /// Language of the titles
        #[arg(long)]
        lang: Option<String>,
    },
    /// Show one form's sections, questions, conditions and options
    #[command(
        after_help = "Examples:\n  bipgen forms show bia_short\n  bipgen forms show bia_short --config examples/chad/country.toml --lang ar"
    )]
    Show {
        /// Form id, e.g. bia_short
        id: String,
        /// Show the form as this configuration tailors it
        #[arg(long)]
        config: Option<PathBuf>,
        /// Language of the labels
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Subcommand)]
enum I18nCommand {
    /// Write one PO file per language with every string of the pack, for translators
    #[command(
        after_help = "Examples:\n  bipgen i18n export examples/ethiopia/country.toml --lang am --out translations/\n  bipgen i18n export country.toml --lang ti --lang so --out po/\n\nmsgctxt holds a stable key (e.g. form.bia_short.field.child_name.label), msgid the English source, and translator comments say where the string appears. Strings already translated come filled in. Exporting again over an earlier file keeps its translations: those whose English changed come back fuzzy, entries that no longer exist stay as obsolete."
    )]
    Export {
        /// The country configuration (TOML)
        config: PathBuf,
        /// Language(s) to export (BCP 47), e.g. am
        #[arg(long = "lang", required = true)]
        languages: Vec<String>,
        /// Folder to write <lang>.po into
        #[arg(long)]
        out: PathBuf,
    },
    /// Check translated PO files and merge them into the country folder (translations/)
    #[command(
        after_help = "Example:\n  bipgen i18n import --config examples/ethiopia/country.toml am.po\n\nEmpty translations stay missing, fuzzy ones are kept for the translator but not used, and a translation that drops a {placeholder} is refused. With any error nothing is written."
    )]
    Import {
        /// The country configuration whose folder receives the translations
        #[arg(long)]
        config: PathBuf,
        /// The translated PO files
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Per language: strings translated, fuzzy and missing, for the forms, the SOP and the configuration
    #[command(
        after_help = "Examples:\n  bipgen i18n status examples/ethiopia/country.toml\n  bipgen i18n status country.toml --lang am --missing"
    )]
    Status {
        /// The country configuration (TOML)
        config: PathBuf,
        /// Only these languages (default: every configured language)
        #[arg(long = "lang")]
        languages: Vec<String>,
        /// Also list the keys still missing or fuzzy
        #[arg(long)]
        missing: bool,
        /// Text for people, or JSON for tools
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Args)]
struct ReportArgs {
    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors
    #[arg(long)]
    deny_warnings: bool,
    /// When to colour the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`bipgen check … | head`) would
/// panic; like other command-line tools, bipgen ends quietly instead.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    match cli.command {
        Command::Check { config, report } => check(&config, &report),
        Command::Build {
            config,
            out,
            force,
            quiet,
            report,
        } => build(&config, &out, force, quiet, &report),
        Command::Schema { form } => {
            if form {
                print!("{}", bipgen::forms::form_definition_schema_text());
            } else {
                print!("{}", bipgen::config::schema::config_schema_text());
            }
            ExitCode::SUCCESS
        }
        Command::Init {
            dir,
            country,
            languages,
            force,
        } => init(&dir, &country, &languages, force),
        Command::Forms(command) => forms(command),
        Command::Diff { old, new, format } => diff(&old, &new, format),
        Command::I18n(command) => i18n(command),
        Command::Records(command) => records(command),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "bipgen", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

fn report(checked: &Checked, args: &ReportArgs) {
    report_only(checked, args, &checked.diagnostics);
}

/// Reports `diagnostics` (some of `checked`'s).
fn report_only(checked: &Checked, args: &ReportArgs, diagnostics: &[Diagnostic]) {
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

fn tally(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn exit_for(checked: &Checked, deny_warnings: bool) -> ExitCode {
    if checked.io_failure {
        ExitCode::from(EXIT_USAGE)
    } else if checked.has_errors() || (deny_warnings && checked.warnings().next().is_some()) {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

fn check(config: &Path, args: &ReportArgs) -> ExitCode {
    let checked = bipgen::check(config);
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
    exit_for(&checked, args.deny_warnings)
}

fn build(config: &Path, out: &Path, force: bool, quiet: bool, args: &ReportArgs) -> ExitCode {
    let options = BuildOptions {
        deny_warnings: args.deny_warnings,
        write: bipgen::output::WriteOptions {
            force,
            fail_after: None,
        },
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

trait MaxWith {
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

fn init(dir: &Path, country: &str, languages: &[String], force: bool) -> ExitCode {
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
fn today() -> bipgen::config::Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    bipgen::config::Date::from_days_since_epoch(days)
}

/// Shows the current stage on a terminal once a build has taken more than a second.
struct Progress {
    stage: Arc<Mutex<String>>,
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(enabled: bool) -> Self {
        let stage = Arc::new(Mutex::new(String::new()));
        let done = Arc::new(AtomicBool::new(false));
        let thread = enabled.then(|| {
            let (stage, done) = (Arc::clone(&stage), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut waited = Duration::ZERO;
                let mut shown = false;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    waited += Duration::from_millis(100);
                    if waited >= Duration::from_secs(1) {
                        let current = stage.lock().map(|s| s.clone()).unwrap_or_default();
                        eprint!("\r\x1b[2Kbuilding: {current}…");
                        let _ = std::io::stderr().flush();
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress {
            stage,
            done,
            thread,
        }
    }

    fn stage(&self, name: &str) {
        if let Ok(mut stage) = self.stage.lock() {
            name.clone_into(&mut stage);
        }
    }

    fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A configuration checked for a command that needs it free of errors; its problems are
/// reported, ending with `what` (e.g. "fix them first").
fn records(command: RecordsCommand) -> ExitCode {
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

fn checked_without_errors(path: &Path, what: &str) -> Result<Checked, ExitCode> {
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
fn checked_but_for_translations(path: &Path) -> Result<Checked, ExitCode> {
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

fn i18n(command: I18nCommand) -> ExitCode {
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
fn resolved_version(path: &Path) -> Result<bipgen::pack::Pack, ExitCode> {
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

fn diff(old: &Path, new: &Path, format: Format) -> ExitCode {
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

fn forms(command: FormsCommand) -> ExitCode {
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
