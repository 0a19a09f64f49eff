//! The command line's arguments, as clap reads them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "bipgen",
    version,
    about = "Generate a child protection SOP and its case management forms (Best Interests Procedure) from one country configuration",
    after_help = "Examples:\n  bipgen init countries/chad --country TD --languages fr,ar,en\n  bipgen check countries/chad/country.toml\n  bipgen build countries/chad/country.toml --out out/chad"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
        /// Write only these outputs: config, definitions, schemas, xlsform, codebook, forms, sop
        #[arg(long, value_delimiter = ',', value_name = "OUTPUTS")]
        only: Vec<bipgen::pack::Part>,
        /// Write documents (SOP, printed forms) in these languages only
        #[arg(long, value_delimiter = ',', value_name = "TAGS")]
        lang: Vec<String>,
        /// Lay out every document again instead of reusing unchanged ones from the cache
        #[arg(long)]
        no_cache: bool,
        /// Where laid-out documents are kept between builds (default: $XDG_CACHE_HOME/bipgen or ~/.cache/bipgen)
        #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
        cache_dir: Option<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Preview the SOP and forms in the browser, rebuilt each time the configuration is saved
    #[command(
        after_help = "Examples:\n  bipgen serve examples/chad/country.toml --open\n  bipgen serve country.toml --lang fr --editor 'code -g {file}:{line}:{column}'\n\nThe preview listens on 127.0.0.1 only, unless --host says otherwise; it has no authentication. It watches the configuration's folder and never writes into it. Errors show over the last good preview. Stop it with Ctrl-C."
    )]
    Serve {
        /// The country configuration (TOML)
        config: PathBuf,
        /// Port to listen on (0: any free port)
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on. Anyone who can reach it sees the preview: it has no authentication
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Open the preview in the default browser
        #[arg(long)]
        open: bool,
        /// Show documents in these languages only
        #[arg(long, value_delimiter = ',', value_name = "TAGS")]
        lang: Vec<String>,
        /// Also write each good build into this folder (replaced atomically, as `build` does)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Editor command that opens an error's place, e.g. 'code -g {file}:{line}:{column}' (default: $BIPGEN_EDITOR)
        #[arg(long, value_name = "COMMAND")]
        editor: Option<String>,
    },
    /// Print the JSON Schema of the configuration (for editors and other tools)
    #[command(
        after_help = "Examples:\n  bipgen schema > country-config.schema.json\n  bipgen schema --form > form-definition.schema.json\n  bipgen schema --manifest > manifest.schema.json\n  bipgen schema --resolved > resolved-config.schema.json"
    )]
    Schema {
        /// Print the schema of a canonical form definition instead
        #[arg(long, conflicts_with_all = ["manifest", "resolved"])]
        form: bool,
        /// Print the schema of a build's manifest.json instead
        #[arg(long, conflicts_with = "resolved")]
        manifest: bool,
        /// Print the schema of a build's config/resolved.json instead
        #[arg(long)]
        resolved: bool,
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
pub(crate) enum RecordsCommand {
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
pub(crate) enum FormsCommand {
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
pub(crate) enum I18nCommand {
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
pub(crate) struct ReportArgs {
    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Treat warnings as errors
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// When to colour the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}
