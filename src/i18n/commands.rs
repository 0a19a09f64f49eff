//! The `i18n` commands' work, apart from the command line: which problems stop them,
//! writing exported PO files, and the status report in its two formats.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::po;
use super::workflow::{LanguageStatus, Workspace};
use crate::diagnostic::Diagnostic;

/// Errors that say a translation is missing or unfinished: what `i18n status` reports
/// and `i18n export` helps to fill, so they do not stop those two commands.
pub const TRANSLATION_CODES: &[&str] = &[
    "missing-translation",
    "fallback-translation",
    "fuzzy-translation",
    "outdated-translation",
];

/// Whether every error in `diagnostics` is about a missing or unfinished translation.
pub fn only_translation_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .all(|d| TRANSLATION_CODES.contains(&d.code))
}

/// Why a command stopped; `invalid` says the input is at fault (a malformed file) rather
/// than the request or the disk.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub invalid: bool,
}

impl Failure {
    fn usage(message: String) -> Self {
        Self {
            message,
            invalid: false,
        }
    }
}

/// One PO file written by [`export`].
#[derive(Debug)]
pub struct Exported {
    pub path: PathBuf,
    pub total: usize,
    pub translated: usize,
    pub fuzzy: usize,
    pub obsolete: usize,
}

impl std::fmt::Display for Exported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} strings, {} translated, {} fuzzy, {} to translate",
            self.path.display(),
            self.total,
            self.translated,
            self.fuzzy,
            self.total.saturating_sub(self.translated + self.fuzzy)
        )?;
        if self.obsolete > 0 {
            write!(f, ", {} obsolete kept", self.obsolete)?;
        }
        Ok(())
    }
}

/// Writes `out/<language>.po` for each language, merged with the file already there: a
/// translator's earlier work is never lost.
pub fn export(
    workspace: &Workspace<'_>,
    languages: &[String],
    out: &Path,
) -> Result<Vec<Exported>, Failure> {
    std::fs::create_dir_all(out)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", out.display())))?;
    let mut written = Vec::new();
    for language in languages {
        if language.parse::<crate::config::LanguageTag>().is_err() {
            return Err(Failure::usage(format!(
                "`{language}` is not a BCP 47 language tag (e.g. am, ti, so, fa-AF)"
            )));
        }
        let path = out.join(format!("{language}.po"));
        let previous = match std::fs::read_to_string(&path) {
            Ok(text) => Some(po::parse(&text).map_err(|e| Failure {
                message: format!(
                    "{}:{e}; fix or move it before exporting over it",
                    path.display()
                ),
                invalid: true,
            })?),
            Err(_) => None,
        };
        let file = workspace.export(language, previous.as_ref());
        let status = workspace.status(language);
        std::fs::write(&path, po::write(&file))
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
        let live = || file.entries.iter().filter(|e| !e.obsolete);
        written.push(Exported {
            total: status.domains.values().map(|c| c.total).sum(),
            translated: live()
                .filter(|e| !e.fuzzy && !e.translation.is_empty())
                .count(),
            fuzzy: live().filter(|e| e.fuzzy).count(),
            obsolete: file.entries.iter().filter(|e| e.obsolete).count(),
            path,
        });
    }
    Ok(written)
}

/// The status of each of `languages`, or of every configured language when none is named.
pub fn statuses(workspace: &Workspace<'_>, languages: &[String]) -> Vec<(String, LanguageStatus)> {
    let configured: Vec<String>;
    let languages = if languages.is_empty() {
        configured = workspace
            .pack
            .languages()
            .iter()
            .map(|l| l.tag.to_string())
            .collect();
        &configured
    } else {
        languages
    };
    languages
        .iter()
        .map(|l| (l.clone(), workspace.status(l)))
        .collect()
}

/// The status as JSON: per language, its domains' counts, and with `missing` the keys
/// still missing or fuzzy.
pub fn status_json(statuses: &[(String, LanguageStatus)], missing: bool) -> String {
    let value: serde_json::Value = statuses
        .iter()
        .map(|(language, status)| {
            let mut value = serde_json::json!({ "language": language, "domains": status.domains });
            if let Some(review) = &status.review {
                value["review"] = serde_json::json!(review);
            }
            if missing {
                value["missing"] = serde_json::json!(status.missing_keys);
                value["fuzzy"] = serde_json::json!(status.fuzzy_keys);
            }
            value
        })
        .collect();
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// The status as a table, one row per language and domain; with `missing`, each
/// language's fuzzy and missing keys follow its rows.
pub fn status_table(statuses: &[(String, LanguageStatus)], missing: bool) -> String {
    let mut out = String::new();
    let row = |out: &mut String, cells: [&str; 6]| {
        let [language, domain, total, translated, fuzzy, left] = cells;
        let _ = writeln!(
            out,
            "{language:<10} {domain:<8} {total:>6} {translated:>11} {fuzzy:>6} {left:>8}"
        );
    };
    row(
        &mut out,
        [
            "language",
            "domain",
            "total",
            "translated",
            "fuzzy",
            "missing",
        ],
    );
    for (language, status) in statuses {
        for (domain, c) in &status.domains {
            let numbers = [c.total, c.translated, c.fuzzy, c.missing].map(|n| n.to_string());
            let [total, translated, fuzzy, left] = numbers.each_ref().map(String::as_str);
            row(
                &mut out,
                [language, domain.name(), total, translated, fuzzy, left],
            );
        }
        if let Some(review) = &status.review {
            let by = review.reviewer.as_deref().map(|r| format!(" by {r}"));
            let on = review.date.as_deref().map(|d| format!(" on {d}"));
            let (by, on) = (by.unwrap_or_default(), on.unwrap_or_default());
            let _ = writeln!(out, "{language:<10} review   {}{by}{on}", review.status);
        }
        if missing {
            for key in &status.fuzzy_keys {
                let _ = writeln!(out, "  fuzzy    {key}");
            }
            for key in &status.missing_keys {
                let _ = writeln!(out, "  missing  {key}");
            }
        }
    }
    out
}
