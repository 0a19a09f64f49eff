//! The SOP's built-in prose: one catalogue of sentences per language
//! (`sop-templates/text/`), and a country's own catalogues laid over them.

use std::collections::BTreeMap;

/// Built-in catalogues, by language tag.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../sop-templates/text/en.toml")),
    ("fr", include_str!("../../sop-templates/text/fr.toml")),
    ("es", include_str!("../../sop-templates/text/es.toml")),
    ("ar", include_str!("../../sop-templates/text/ar.toml")),
];

/// Languages whose prose bipgen ships.
pub fn built_in_languages() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(tag, _)| *tag)
}

/// Every sentence of one language, by dotted key (`steps.intro`).
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub entries: BTreeMap<String, String>,
}

impl Catalogue {
    /// Parses a catalogue file: nested TOML tables whose leaves are strings.
    pub fn parse(text: &str, name: &str) -> Result<Catalogue, String> {
        let document: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| format!("{name}: {e}"))?;
        let mut entries = BTreeMap::new();
        flatten(document.as_table(), "", &mut entries, name)?;
        Ok(Catalogue { entries })
    }

    /// The built-in catalogue of `tag`, if bipgen ships one (parsed once per process).
    pub fn built_in(tag: &str) -> Option<Catalogue> {
        static PARSED: std::sync::LazyLock<BTreeMap<&'static str, Catalogue>> =
            std::sync::LazyLock::new(|| {
                BUILT_IN
                    .iter()
                    .map(|(tag, text)| {
                        // The built-in files are checked by a unit test; a parse failure
                        // is a bug.
                        let name = format!("sop-templates/text/{tag}.toml");
                        (*tag, Catalogue::parse(text, &name).unwrap_or_default())
                    })
                    .collect()
            });
        // `ar-LB` speaks the built-in Arabic (BCP 47 lookup).
        let parsed: BTreeMap<String, &Catalogue> =
            PARSED.iter().map(|(t, c)| ((*t).to_owned(), c)).collect();
        crate::config::primitives::lookup(&parsed, tag).map(|(_, c)| (*c).clone())
    }

    /// The country's own catalogues among its templates (`sop/text/<lang>.toml`), by
    /// language.
    pub fn from_templates(
        templates: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, Catalogue>, String> {
        templates
            .iter()
            .filter_map(|(name, text)| {
                let tag = name.strip_prefix("sop/text/")?.strip_suffix(".toml")?;
                Some(
                    Catalogue::parse(text, &format!("templates/{name}"))
                        .map(|catalogue| (tag.to_owned(), catalogue)),
                )
            })
            .collect()
    }

    /// Keys of `reference` this catalogue has no sentence for.
    pub fn missing<'a>(&self, reference: &'a Catalogue) -> Vec<&'a str> {
        reference
            .entries
            .keys()
            .filter(|k| !is_plural_variant(k) && !self.entries.contains_key(*k))
            .map(String::as_str)
            .collect()
    }

    /// Adds (or replaces) entries from a country's own catalogue.
    pub fn overlay(&mut self, other: Catalogue) {
        self.entries.extend(other.entries);
    }
}

fn flatten(
    table: &toml_edit::Table,
    prefix: &str,
    out: &mut BTreeMap<String, String>,
    name: &str,
) -> Result<(), String> {
    for (key, item) in table.iter() {
        let full = if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        };
        match item {
            toml_edit::Item::Table(t) => flatten(t, &full, out, name)?,
            toml_edit::Item::Value(toml_edit::Value::String(s)) => {
                out.insert(full, s.value().clone());
            }
            toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => {
                flatten(&t.clone().into_table(), &full, out, name)?
            }
            _ => return Err(format!("{name}: `{full}` must be a text or a table")),
        }
    }
    Ok(())
}

/// Plural forms other than `one`/`other` exist only in some languages: their absence
/// elsewhere is not a gap.
pub fn is_plural_variant(key: &str) -> bool {
    key.starts_with("time.")
        && key
            .rsplit_once('.')
            .is_some_and(|(_, category)| PLURAL_VARIANTS.contains(&category))
}

/// The CLDR plural categories beyond English's `one` and `other`.
pub const PLURAL_VARIANTS: [&str; 4] = ["zero", "two", "few", "many"];
