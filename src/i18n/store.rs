//! The country's translations as translators deliver them: one PO file per language in
//! `translations/<lang>.po` beside the configuration. Read at load time; a translated,
//! non-fuzzy entry whose source is still current is used, anything else is not.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::overlay::{Overlay, Translated};
use super::po::{self, PoFile, Review};
use crate::config::assets::{Assets, Unread};
use crate::diagnostic::{Diagnostic, Location, Sources};
use crate::library::translations;

/// The folder of a country's translations.
pub fn folder(root_dir: &Path) -> PathBuf {
    root_dir.join("translations")
}

pub fn file_for(root_dir: &Path, language: &str) -> PathBuf {
    folder(root_dir).join(format!("{language}.po"))
}

/// The stored PO files by language, as parsed.
#[derive(Debug, Clone, Default)]
pub struct Store {
    pub files: BTreeMap<String, PoFile>,
}

impl Store {
    /// The translations in use for the `configured` languages: the country's translated,
    /// non-fuzzy entries, over the built-in catalogue that serves each configured tag
    /// (`pt-MZ` is served by `pt`), key by key.
    pub fn overlay(&self, configured: &[String]) -> Overlay {
        let mut overlay = Overlay::default();
        for (language, file) in &self.files {
            let entries = overlay.languages.entry(language.clone()).or_default();
            for entry in &file.entries {
                let Some(key) = &entry.context else { continue };
                if entry.obsolete || entry.fuzzy || entry.translation.trim().is_empty() {
                    continue;
                }
                entries.insert(
                    key.clone(),
                    Translated {
                        source: entry.id.clone(),
                        text: entry.translation.clone(),
                    },
                );
            }
        }
        for tag in configured {
            let Some(built_in) = translations::for_tag(tag) else {
                continue;
            };
            let entries = overlay.languages.entry(tag.clone()).or_default();
            for (key, source, text) in built_in.translations() {
                // The country's translation wins while it translates the current English;
                // one made from an older text gives way to the built-in one, which is kept
                // current with the library.
                let own = entries.get(key).filter(|own| own.source == source);
                if own.is_none() {
                    let built_in = Translated {
                        source: source.to_owned(),
                        text: text.to_owned(),
                    };
                    entries.insert(key.to_owned(), built_in);
                }
            }
        }
        overlay
    }

    /// The review state of each configured language that is not written into the library
    /// itself: what the country's own file declares (a reviewed PO file imported marks
    /// the language reviewed), else the built-in catalogue's. Languages with neither are
    /// the country's own translations and carry no state.
    pub fn review(&self, configured: &[String]) -> BTreeMap<String, Review> {
        configured
            .iter()
            .filter_map(|tag| {
                let own = self.files.get(tag).and_then(|file| file.header.review());
                let built_in = translations::for_tag(tag)
                    .filter(|b| b.translations().next().is_some())
                    .map(|b| b.review.clone());
                let state = own.or(built_in)?;
                Some((tag.clone(), state))
            })
            .collect()
    }
}

/// Byte offset of a 1-based line and column in `text`.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// A diagnostic at a line of a PO file registered in `sources`.
pub fn located(
    sources: &mut Sources,
    name: &str,
    text: &str,
    line: usize,
    column: usize,
    diagnostic: Diagnostic,
) -> Diagnostic {
    let file = sources.add(name.to_owned(), text.to_owned());
    let start = offset_of(text, line, column);
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |n| start + n)
        .max(start + 1);
    diagnostic.at(Some(Location {
        file,
        span: start..end.min(text.len().max(start)),
    }))
}

/// Parses the folder's `translations/*.po`, as load read them. Unreadable or malformed
/// files are reported, not skipped silently, and contribute nothing.
pub fn load(assets: &Assets, sources: &mut Sources) -> (Store, Vec<Diagnostic>) {
    let mut store = Store::default();
    let mut diagnostics = Vec::new();
    for (folder, why) in &assets.unlisted {
        if folder == crate::config::assets::TRANSLATIONS {
            diagnostics.push(Diagnostic::error(
                "unreadable-translation",
                format!("cannot read {folder}/: {why}"),
            ));
        }
    }
    for (name, read) in &assets.translations {
        let language = Path::new(name)
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = match read
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|file| file.text().map_err(Unread::Io))
        {
            Ok(text) => text.to_owned(),
            // Like includes, translation files stay inside the folder.
            Err(Unread::Outside(why)) => {
                diagnostics.push(
                    Diagnostic::error("input-outside-folder", format!("{name}: {why}")).with_help(
                        "copy the file into the configuration's folder instead of linking to it",
                    ),
                );
                continue;
            }
            Err(why) => {
                diagnostics.push(
                    Diagnostic::error(
                        "unreadable-translation",
                        format!("cannot read {name}: {why}"),
                    )
                    .with_help("translation files are UTF-8 gettext PO files"),
                );
                continue;
            }
        };
        match po::parse(&text) {
            Ok(file) => {
                if !file.header.language.is_empty() && file.header.language != language {
                    diagnostics.push(located(
                        sources,
                        name,
                        &text,
                        1,
                        1,
                        Diagnostic::error(
                            "translation-language-mismatch",
                            format!(
                                "{name} says it is in `{}` but its name says `{language}`",
                                file.header.language
                            ),
                        )
                        .with_help(format!(
                            "rename the file to {}.po, or fix its Language header",
                            file.header.language
                        )),
                    ));
                    continue;
                }
                store.files.insert(language, file);
            }
            Err(e) => diagnostics.push(located(
                sources,
                name,
                &text,
                e.line,
                e.column,
                Diagnostic::error("invalid-translation-file", format!("{name}: {}", e.message))
                    .with_help("fix the PO syntax (msgfmt --check reports the same problems)"),
            )),
        }
    }
    (store, diagnostics)
}
