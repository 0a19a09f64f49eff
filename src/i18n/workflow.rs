//! The translator's round trip: export a PO file per language, import translated files
//! back into the country folder, and count what is translated, fuzzy or missing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::catalog::{Domain, Message, messages};
use super::po::{self, Entry, Header, PoFile, Review};
use super::store;
use crate::Checked;
use crate::diagnostic::{Diagnostic, Sources};
use crate::library::cldr;
use crate::library::prose::{Catalogue, PLURAL_VARIANTS, built_in_languages, is_plural_variant};
use crate::pack::Pack;

/// Everything translatable in a checked configuration, with the stored translations.
pub struct Workspace<'a> {
    pub checked: &'a Checked,
    /// The pack resolved from `checked`.
    pub pack: &'a Pack,
    pub messages: Vec<Message>,
}

impl<'a> Workspace<'a> {
    /// An error when the configuration could not be read.
    pub fn new(
        checked: &'a Checked,
        pack: &'a Pack,
        extra_languages: &[String],
    ) -> Result<Workspace<'a>, String> {
        let source = checked
            .source
            .as_ref()
            .ok_or("the configuration could not be read")?;
        let forms = checked
            .forms
            .as_ref()
            .ok_or("the configuration has errors")?;
        let mut languages: BTreeSet<String> = built_in_languages().map(str::to_owned).collect();
        languages.extend(pack.languages().iter().map(|l| l.tag.to_string()));
        languages.extend(extra_languages.iter().cloned());
        let sop: BTreeMap<String, Catalogue> = languages
            .into_iter()
            .map(|lang| {
                let mut catalogue = Catalogue::built_in(&lang).unwrap_or_default();
                if let Some(own) = pack.sop_texts.get(&lang) {
                    catalogue.overlay(own.clone());
                }
                (lang, catalogue)
            })
            .collect();
        let default_language = pack.config.default_language.to_string();
        let messages = messages(
            &source.document,
            &default_language,
            forms,
            &pack.print_strings,
            &sop,
        );
        Ok(Workspace {
            checked,
            pack,
            messages,
        })
    }

    fn root_dir(&self) -> &Path {
        self.checked
            .source
            .as_ref()
            .map_or(Path::new("."), |s| s.root_dir.as_path())
    }

    /// A stored entry of `language` for `key`, if any.
    fn stored(&self, language: &str, key: &str) -> Option<&Entry> {
        self.checked
            .translations
            .files
            .get(language)?
            .entries
            .iter()
            .find(|e| !e.obsolete && e.context.as_deref() == Some(key))
    }

    /// The state of one message in one language.
    pub fn state(&self, message: &Message, language: &str) -> State {
        if message.is_translated(language) {
            return State::Translated;
        }
        match self.stored(language, &message.key) {
            Some(e) if !e.translation.trim().is_empty() => State::Fuzzy,
            _ => State::Missing,
        }
    }

    /// Counts per domain for `language`, and the keys not translated.
    pub fn status(&self, language: &str) -> LanguageStatus {
        let mut status = LanguageStatus {
            review: self
                .checked
                .translations
                .review(&[language.to_owned()])
                .remove(language),
            ..LanguageStatus::default()
        };
        for message in &self.messages {
            let counts = status.domains.entry(message.domain()).or_default();
            counts.total += 1;
            match self.state(message, language) {
                State::Translated => counts.translated += 1,
                State::Fuzzy => {
                    counts.fuzzy += 1;
                    status.fuzzy_keys.push(message.key.clone());
                }
                State::Missing => {
                    counts.missing += 1;
                    status.missing_keys.push(message.key.clone());
                }
            }
        }
        status
    }

    /// The PO file for `language`: every message, translated where a translation exists,
    /// merged with `previous` (an earlier export or the stored file): a translation whose
    /// source has changed since comes back fuzzy with the old source beside it, and
    /// entries that no longer exist are kept as obsolete. Nothing is ever dropped.
    pub fn export(&self, language: &str, previous: Option<&PoFile>) -> PoFile {
        let previous_entries: BTreeMap<&str, &Entry> = previous
            .into_iter()
            .flat_map(|f| f.entries.iter())
            .filter_map(|e| Some((e.context.as_deref()?, e)))
            .collect();
        let stored = self.checked.translations.files.get(language);
        let stored_entries: BTreeMap<&str, &Entry> = stored
            .into_iter()
            .flat_map(|f| f.entries.iter())
            .filter(|e| !e.obsolete)
            .filter_map(|e| Some((e.context.as_deref()?, e)))
            .collect();
        let mut entries = Vec::with_capacity(self.messages.len());
        for message in &self.messages {
            let mut entry = Entry {
                context: Some(message.key.clone()),
                id: message.source.clone(),
                extracted_comments: message.context.clone(),
                ..Entry::default()
            };
            if let Some(text) = message.texts.get(language) {
                entry.translation = text.clone();
            } else if let Some(old) = previous_entries
                .get(message.key.as_str())
                .or(stored_entries.get(message.key.as_str()))
                .filter(|e| !e.translation.trim().is_empty())
            {
                entry.translation = old.translation.clone();
                entry.fuzzy = true;
                if old.id != message.source {
                    entry.previous_id = Some(old.id.clone());
                }
            }
            entries.push(entry);
            entries.extend(self.plural_variants(
                message,
                language,
                &previous_entries,
                &stored_entries,
            ));
        }
        let mut current: BTreeSet<&str> = self.messages.iter().map(|m| m.key.as_str()).collect();
        let variants: Vec<String> = entries.iter().filter_map(|e| e.context.clone()).collect();
        current.extend(variants.iter().map(String::as_str));
        for old in previous_entries.values() {
            if let Some(key) = old.context.as_deref()
                && !current.contains(key)
                && !old.translation.trim().is_empty()
            {
                entries.push(Entry {
                    obsolete: true,
                    fuzzy: old.fuzzy,
                    line: 0,
                    ..(*old).clone()
                });
            }
        }
        let review = self.checked.translations.review(&[language.to_owned()]);
        PoFile {
            header: self.header(language, review.get(language)),
            entries,
        }
    }

    /// The plural forms of a duration that `language` has beyond English's `one` and
    /// `other` (CLDR: `few` and `many` in Ukrainian), each to translate from `other`.
    fn plural_variants(
        &self,
        message: &Message,
        language: &str,
        previous: &BTreeMap<&str, &Entry>,
        stored: &BTreeMap<&str, &Entry>,
    ) -> Vec<Entry> {
        let Some(base) = message
            .key
            .strip_prefix("sop.time.")
            .and_then(|k| k.strip_suffix(".other"))
        else {
            return Vec::new();
        };
        let own = self.pack.sop_texts.get(language);
        cldr::plural_categories(language)
            .into_iter()
            .filter(|category| PLURAL_VARIANTS.contains(category))
            .map(|category| {
                let key = format!("sop.time.{base}.{category}");
                let mut entry = Entry {
                    context: Some(key.clone()),
                    id: message.source.clone(),
                    extracted_comments: vec![format!(
                        "SOP duration, CLDR plural form `{category}` of `time.{base}` (translate from the plural); keep {{n}}"
                    )],
                    ..Entry::default()
                };
                let current = own.and_then(|c| c.entries.get(&format!("time.{base}.{category}")));
                if let Some(text) = current {
                    entry.translation = text.clone();
                } else if let Some(old) = previous
                    .get(key.as_str())
                    .or(stored.get(key.as_str()))
                    .filter(|e| !e.translation.trim().is_empty())
                {
                    entry.translation = old.translation.clone();
                    entry.fuzzy = true;
                }
                entry
            })
            .collect()
    }

    fn header(&self, language: &str, review: Option<&Review>) -> Header {
        let sop = &self.pack.config.sop;
        let mut header = Header {
            project: format!("bipgen {} SOP {}", sop.country, sop.version),
            language: language.to_owned(),
            extra: vec![
                // Dates come from the configuration, never the clock: exports are reproducible.
                (
                    "PO-Revision-Date".into(),
                    format!("{} 00:00+0000", sop.effective_date),
                ),
                ("Last-Translator".into(), "none yet".into()),
                ("Language-Team".into(), language.to_owned()),
                (
                    "X-Generator".into(),
                    format!("bipgen {}", env!("CARGO_PKG_VERSION")),
                ),
                ("X-Source-Language".into(), "en".into()),
            ],
        };
        // The review state travels with the file: a reviewer sets it to `reviewed`, with
        // their name and the date, and importing the file marks the language reviewed.
        if let Some(review) = review {
            header.extra.extend([
                (po::REVIEW_STATUS.into(), review.status.to_owned()),
                (
                    po::REVIEWED_BY.into(),
                    review.reviewer.clone().unwrap_or_default(),
                ),
                (
                    po::REVIEW_DATE.into(),
                    review.date.clone().unwrap_or_default(),
                ),
            ]);
        }
        header
    }

    /// Checks PO files and merges their translations into the country folder's store.
    /// Problems are diagnostics naming the PO file and line; with any error nothing is
    /// written.
    pub fn import(&self, files: &[&Path], sources: &mut Sources) -> ImportReport {
        let mut report = ImportReport::default();
        let by_key: BTreeMap<&str, &Message> =
            self.messages.iter().map(|m| (m.key.as_str(), m)).collect();
        let mut merged: BTreeMap<String, BTreeMap<String, Entry>> = BTreeMap::new();
        for path in files {
            let name = path.display().to_string();
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => {
                    report.diagnostics.push(Diagnostic::error(
                        "unreadable-translation",
                        format!("cannot read {name}: {e}"),
                    ));
                    continue;
                }
            };
            let file = match po::parse(&text) {
                Ok(file) => file,
                Err(e) => {
                    report.diagnostics.push(store::located(
                        sources,
                        &name,
                        &text,
                        e.line,
                        e.column,
                        Diagnostic::error("invalid-translation-file", e.message).with_help(
                            "fix the PO syntax (msgfmt --check reports the same problems)",
                        ),
                    ));
                    continue;
                }
            };
            let language = if file.header.language.is_empty() {
                path.file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            } else {
                file.header.language.clone()
            };
            if language.parse::<crate::config::LanguageTag>().is_err() {
                report.diagnostics.push(store::located(
                    sources,
                    &name,
                    &text,
                    1,
                    1,
                    Diagnostic::error(
                        "translation-language",
                        format!("{name} does not say which language it is in"),
                    )
                    .with_help("set the `Language:` header to a BCP 47 tag such as `am`"),
                ));
                continue;
            }
            if !file
                .entries
                .iter()
                .any(|e| !e.obsolete && e.context.is_some())
            {
                report.diagnostics.push(store::located(
                    sources,
                    &name,
                    &text,
                    1,
                    1,
                    Diagnostic::error(
                        "translation-language",
                        format!("{name} holds no translation of this configuration's strings"),
                    )
                    .with_help("export a file with `bipgen i18n export --lang <tag>` and translate that one"),
                ));
                continue;
            }
            let configured: Vec<&str> = self
                .pack
                .config
                .languages
                .iter()
                .map(|l| l.tag.as_str())
                .collect();
            if !configured.contains(&language.as_str()) {
                // Translating ahead of adding a language is fine; say when it takes effect.
                report.diagnostics.push(store::located(
                    sources,
                    &name,
                    &text,
                    1,
                    1,
                    Diagnostic::warning(
                        "translation-language",
                        format!(
                            "{name} is in `{language}`, which the configuration does not list yet (it has {}); its translations are stored and used once it does",
                            configured.join(", ")
                        ),
                    )
                    .with_help("add a [[languages]] entry for it, or set the file's `Language:` header to a configured language"),
                ));
            }
            match (file.header.review(), file.header.field(po::REVIEW_STATUS)) {
                (Some(review), _) => {
                    report.reviews.insert(language.clone(), review);
                }
                (None, Some(value)) => report.diagnostics.push(store::located(
                    sources,
                    &name,
                    &text,
                    1,
                    1,
                    Diagnostic::error(
                        "translation-review",
                        format!("{name}: `X-Review-Status: {value}` is neither `draft` nor `reviewed`"),
                    )
                    .with_help("a reviewer sets `X-Review-Status: reviewed`, with `X-Reviewed-By` and `X-Review-Date`"),
                )),
                (None, None) => {}
            }
            let target = merged.entry(language.clone()).or_default();
            let counts = report.languages.entry(language.clone()).or_default();
            for entry in file
                .entries
                .iter()
                .filter(|e| !e.obsolete && e.context.is_some())
            {
                let key = entry.context.clone().unwrap_or_default();
                let at = |d: Diagnostic, sources: &mut Sources| {
                    store::located(sources, &name, &text, entry.line.max(1), 1, d)
                };
                let message = by_key
                    .get(key.as_str())
                    .or_else(|| by_key.get(plural_base(&key)?.as_str()));
                let Some(message) = message else {
                    report.diagnostics.push(at(
                        Diagnostic::warning(
                            "unknown-translation-key",
                            format!("`{key}` is not a string of this configuration; ignored"),
                        )
                        .with_help(
                            "export a fresh file with `bipgen i18n export` and translate that one",
                        ),
                        sources,
                    ));
                    continue;
                };
                if entry.translation.trim().is_empty() {
                    counts.missing += 1;
                    continue;
                }
                let wanted = placeholders(&message.source);
                let found = placeholders(&entry.translation);
                if !placeholders_match(&key, &message.source, &entry.translation) {
                    report.diagnostics.push(at(
                        Diagnostic::error(
                            "translation-placeholders",
                            format!(
                                "`{key}`: the translation must keep the placeholders {} (it has {})",
                                list(&wanted),
                                list(&found)
                            ),
                        )
                        .with_help("placeholders in braces are filled by bipgen: copy them unchanged into the translation"),
                        sources,
                    ));
                    continue;
                }
                if entry.fuzzy {
                    counts.fuzzy += 1;
                    report.diagnostics.push(at(
                        Diagnostic::warning(
                            "fuzzy-translation",
                            format!("`{key}` is marked fuzzy: kept for the translator, not used"),
                        )
                        .with_help("review it and remove the fuzzy flag when it is right"),
                        sources,
                    ));
                } else if entry.id != message.source {
                    counts.fuzzy += 1;
                    report.diagnostics.push(at(
                        Diagnostic::warning(
                            "outdated-translation",
                            format!(
                                "`{key}` was translated from an older text; kept as fuzzy, not used"
                            ),
                        )
                        .with_help("export again: the entry comes back with the new text to check"),
                        sources,
                    ));
                } else {
                    counts.translated += 1;
                }
                let mut stored = entry.clone();
                stored.fuzzy = entry.fuzzy || entry.id != message.source;
                stored.extracted_comments = message.context.clone();
                stored.line = 0;
                target.insert(key, stored);
            }
        }
        report.merged = merged;
        report
    }

    /// Writes the merged translations: the stored file of each language with the
    /// imported entries over it, in message order.
    pub fn write_store(&self, report: &ImportReport) -> Result<Vec<std::path::PathBuf>, String> {
        let order: BTreeMap<&str, usize> = self
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (m.key.as_str(), i))
            .collect();
        let mut written = Vec::new();
        for (language, imported) in &report.merged {
            let mut entries: BTreeMap<String, Entry> = self
                .checked
                .translations
                .files
                .get(language)
                .into_iter()
                .flat_map(|f| f.entries.iter().cloned())
                .filter_map(|e| Some((e.context.clone()?, e)))
                .collect();
            entries.extend(imported.iter().map(|(k, e)| (k.clone(), e.clone())));
            let mut entries: Vec<Entry> = entries.into_values().collect();
            entries.sort_by_key(|e| {
                (
                    e.obsolete,
                    e.context
                        .as_deref()
                        .and_then(|k| order.get(k))
                        .copied()
                        .unwrap_or(usize::MAX),
                )
            });
            let review = report.reviews.get(language).cloned().or_else(|| {
                let stored = self.checked.translations.files.get(language)?;
                stored.header.review()
            });
            let file = PoFile {
                header: self.header(language, review.as_ref()),
                entries,
            };
            let path = store::file_for(self.root_dir(), language);
            std::fs::create_dir_all(store::folder(self.root_dir()))
                .map_err(|e| format!("cannot create translations/: {e}"))?;
            let temporary = path.with_extension("po.tmp");
            std::fs::write(&temporary, po::write(&file))
                .and_then(|()| std::fs::rename(&temporary, &path))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// The English key a plural form English lacks is translated from:
/// `sop.time.day.few` → `sop.time.day.other`.
fn plural_base(key: &str) -> Option<String> {
    let rest = key.strip_prefix("sop.")?;
    let (base, _) = key.rsplit_once('.')?;
    is_plural_variant(rest).then(|| format!("{base}.other"))
}

/// Whether a translation keeps its source's placeholders. The SOP's counted words
/// (`sop.time.*`: "{n} days", "every {n} weeks") may add or drop `{n}`: Arabic writes
/// "two days" as one word, and Ukrainian needs the number where English's `one` has none
/// (its `one` also serves 21, 31, …).
pub fn placeholders_match(key: &str, source: &str, translation: &str) -> bool {
    let (mut wanted, mut found) = (placeholders(source), placeholders(translation));
    if key.starts_with("sop.time.") {
        wanted.retain(|p| p != "n");
        found.retain(|p| p != "n");
    }
    wanted == found
}

/// `{name}` placeholders of a text, sorted.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect();
    found.sort();
    found
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("{{{n}}}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Translated,
    Fuzzy,
    Missing,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub total: usize,
    pub translated: usize,
    pub fuzzy: usize,
    pub missing: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LanguageStatus {
    pub domains: BTreeMap<Domain, Counts>,
    /// Draft or reviewed, for a language whose catalogue declares it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    #[serde(skip)]
    pub missing_keys: Vec<String>,
    #[serde(skip)]
    pub fuzzy_keys: Vec<String>,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub diagnostics: Vec<Diagnostic>,
    pub languages: BTreeMap<String, ImportCounts>,
    /// The review state each imported file declares, by language.
    pub reviews: BTreeMap<String, Review>,
    merged: BTreeMap<String, BTreeMap<String, Entry>>,
}

#[derive(Debug, Default)]
pub struct ImportCounts {
    pub translated: usize,
    pub fuzzy: usize,
    pub missing: usize,
}
