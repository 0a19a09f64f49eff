//! `serve`: the live preview, and what it tells the terminal.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use bipgen::diagnostic::Severity;
use bipgen::serve::{Editor, Report, ServeOptions, Status};

use super::report::EXIT_USAGE;

#[allow(clippy::too_many_arguments)]
pub(crate) fn serve(
    config: PathBuf,
    host: IpAddr,
    port: u16,
    open: bool,
    languages: Vec<String>,
    out: Option<PathBuf>,
    editor: Option<String>,
) -> ExitCode {
    let editor = match editor.or_else(|| std::env::var("BIPGEN_EDITOR").ok()) {
        Some(command) => match Editor::parse(&command) {
            Ok(editor) => Some(editor),
            Err(e) => {
                eprintln!("error: --editor: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        },
        None => None,
    };
    if !host.is_loopback() {
        eprintln!(
            "warning: the preview listens on {host}: anyone who can reach this address can read \
             the SOP and forms, since the preview has no authentication"
        );
    }
    let shown_config = config.display().to_string();
    let options = ServeOptions {
        config,
        host,
        port,
        languages,
        out,
        editor,
    };
    let ready = |address: SocketAddr| {
        let url = if address.ip().is_unspecified() {
            format!("http://127.0.0.1:{}/", address.port())
        } else {
            format!("http://{address}/")
        };
        eprintln!("previewing {shown_config} at {url} (Ctrl-C stops)");
        if open && let Err(e) = opener::open_browser(&url) {
            eprintln!("warning: cannot open a browser: {e}; open {url} yourself");
        }
    };
    let rebuilt = Arc::new(|status: &Status, report: &Report| {
        eprintln!("build {}: {}", status.generation, status_line(status));
        // The errors, as `check` prints them; the page shows them too, with the warnings.
        if !status.ok {
            for finding in report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
            {
                eprint!("{}", finding.rendered);
            }
        }
    });
    let say = Arc::new(|message: String| eprintln!("{message}"));
    match bipgen::serve::run(options, &ready, rebuilt, say) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(help) = e.help() {
                eprintln!("help: {help}");
            }
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn status_line(status: &Status) -> String {
    if let Some(failure) = &status.failure {
        format!("not built: {failure}")
    } else if status.ok {
        format!(
            "good, checked in {} ms ({} warnings)",
            status.took_ms, status.warnings
        )
    } else {
        format!(
            "{} error(s); the page shows them over the last good preview",
            status.errors
        )
    }
}
