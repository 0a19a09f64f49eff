//! The built-in form library, embedded at build time (see `build.rs`) and parsed once.

use std::sync::LazyLock;

use serde_json::Value;

use super::model::{ChoiceList, ChoiceLists, FormDefinition};
use super::shared::SharedFields;
use crate::config::SourceMap;
use crate::config::source::parse_builtin;

include!(concat!(env!("OUT_DIR"), "/builtin_forms.rs"));

/// A built-in file, parsed, with the origin of every value for diagnostics.
#[derive(Debug)]
pub struct LibraryFile {
    /// Path inside the repository, e.g. `forms/bia_short.toml`.
    pub name: &'static str,
    pub text: &'static str,
    pub map: SourceMap,
}

#[derive(Debug)]
pub struct BuiltinForm {
    pub file: LibraryFile,
    pub form: FormDefinition,
}

#[derive(Debug)]
pub struct BuiltinList {
    pub file_index: usize,
    /// Pointer of the list inside its file, e.g. `/lists/3`.
    pub pointer: String,
    pub list: ChoiceList,
}

#[derive(Debug, Default)]
pub struct Library {
    pub forms: Vec<BuiltinForm>,
    pub choice_files: Vec<LibraryFile>,
    pub lists: Vec<BuiltinList>,
    /// Ids of the shared fields (`forms/fields/*.toml`) forms may `use`.
    pub shared_fields: Vec<String>,
    /// The shared fields themselves, for the fields a configuration adds.
    pub shared: SharedFields,
    /// Built-in files that do not parse: a defect of bipgen itself, reported by tests
    /// and as diagnostics rather than a crash.
    pub broken: Vec<(String, String)>,
}

impl Library {
    pub fn form(&self, id: &str) -> Option<&BuiltinForm> {
        self.forms.iter().find(|f| f.form.id.as_str() == id)
    }

    pub fn form_ids(&self) -> impl Iterator<Item = &str> {
        self.forms.iter().map(|f| f.form.id.as_str())
    }
}

/// Parses a built-in file, first passing its document through `prepare` (which expands
/// shared fields in forms).
fn parse<T: serde::de::DeserializeOwned>(
    name: &'static str,
    text: &'static str,
    prepare: impl FnOnce(&mut Value) -> Result<(), String>,
) -> Result<(T, LibraryFile), String> {
    let (mut document, map): (Value, SourceMap) = parse_builtin(text)?;
    prepare(&mut document)?;
    let value = serde_path_to_error::deserialize(&document)
        .map_err(|e| format!("{}: {}", e.path(), e.inner()))?;
    Ok((value, LibraryFile { name, text, map }))
}

pub static LIBRARY: LazyLock<Library> = LazyLock::new(|| {
    let mut library = Library::default();
    let mut shared = SharedFields::default();
    for &(name, text) in BUILTIN_FIELD_FILES {
        let added = parse_builtin(text).and_then(|(document, _)| shared.add_file(&document));
        if let Err(e) = added {
            library.broken.push((name.to_owned(), e));
        }
    }
    for &(name, text) in BUILTIN_FORM_FILES {
        match parse::<FormDefinition>(name, text, |form| shared.expand_form(form)) {
            Ok((form, file)) => library.forms.push(BuiltinForm { file, form }),
            Err(e) => library.broken.push((name.to_owned(), e)),
        }
    }
    for &(name, text) in BUILTIN_CHOICE_FILES {
        match parse::<ChoiceLists>(name, text, |_| Ok(())) {
            Ok((lists, file)) => {
                let file_index = library.choice_files.len();
                library.choice_files.push(file);
                for (i, list) in lists.lists.into_iter().enumerate() {
                    library.lists.push(BuiltinList {
                        file_index,
                        pointer: format!("/lists/{i}"),
                        list,
                    });
                }
            }
            Err(e) => library.broken.push((name.to_owned(), e)),
        }
    }
    // A case follows the order of the built-in catalogue.
    let order = |id: &str| {
        crate::library::forms::BUILTIN_FORMS
            .iter()
            .position(|f| *f == id)
            .unwrap_or(usize::MAX)
    };
    library
        .forms
        .sort_by_key(|f| (order(f.form.id.as_str()), f.form.id.clone()));
    library.shared_fields = shared.ids().map(str::to_owned).collect();
    library.shared = shared;
    library
});

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::forms::model::{Field, FieldType};

    fn walk<'a>(fields: &'a [Field], out: &mut Vec<&'a Field>) {
        for field in fields {
            out.push(field);
            walk(&field.fields, out);
        }
    }

    fn every_field() -> Vec<(&'static str, &'static Field)> {
        let mut all = Vec::new();
        for form in &LIBRARY.forms {
            let mut fields = Vec::new();
            for section in &form.form.sections {
                walk(&section.fields, &mut fields);
            }
            all.extend(fields.into_iter().map(|f| (form.file.name, f)));
        }
        all
    }

    #[test]
    fn every_builtin_file_parses() {
        assert!(LIBRARY.broken.is_empty(), "{:?}", LIBRARY.broken);
        assert!(LIBRARY.shared_fields.len() >= 10);
    }

    /// A field id means one thing across the library: same type, same list.
    #[test]
    fn a_field_id_has_one_type_and_one_list_everywhere() {
        let mut seen: BTreeMap<&str, (FieldType, Option<&str>, &str)> = BTreeMap::new();
        let mut clashes = Vec::new();
        for (file, field) in every_field() {
            let this = (field.kind, field.choices.as_ref().map(|c| c.as_str()), file);
            match seen.get(field.id.as_str()) {
                Some(first) if (first.0, first.1) != (this.0, this.1) => clashes.push(format!(
                    "`{}`: {:?} {:?} in {} but {:?} {:?} in {}",
                    field.id, first.0, first.1, first.2, this.0, this.1, file
                )),
                Some(_) => {}
                None => {
                    seen.insert(field.id.as_str(), this);
                }
            }
        }
        assert!(clashes.is_empty(), "{}", clashes.join("\n"));
    }

    /// A shared concept is defined once: every form that asks it asks the same question
    /// with the same label, and the identifying ones carry their `concept`.
    #[test]
    fn every_shared_concept_has_one_definition() {
        let mut labels: BTreeMap<&str, BTreeMap<String, Vec<&str>>> = BTreeMap::new();
        for (file, field) in every_field() {
            if LIBRARY.shared_fields.iter().any(|s| s == field.id.as_str()) {
                labels
                    .entry(field.id.as_str())
                    .or_default()
                    .entry(format!("{:?}", field.label))
                    .or_default()
                    .push(file);
            }
        }
        for (id, variants) in &labels {
            assert_eq!(
                variants.len(),
                1,
                "`{id}` is asked in different words: {variants:?}"
            );
        }
        for id in [
            "case_id",
            "name_first",
            "name_last",
            "sex",
            "date_of_birth",
            "nationality",
        ] {
            assert!(labels.contains_key(id), "no form asks the shared `{id}`");
            let concepts: Vec<_> = every_field()
                .into_iter()
                .filter(|(_, f)| f.id.as_str() == id)
                .map(|(_, f)| f.concept.clone())
                .collect();
            assert!(
                concepts.iter().all(Option::is_some),
                "`{id}` lacks its concept"
            );
        }
        // The concepts the forms used to ask in their own ways now have one list each.
        let list_of = |id: &str| {
            every_field()
                .into_iter()
                .filter(|(_, f)| f.id.as_str() == id)
                .filter_map(|(_, f)| f.choices.as_ref().map(|c| c.to_string()))
                .collect::<std::collections::BTreeSet<_>>()
        };
        for (field, list) in [
            ("nationality", "nationality"),
            ("legal_status", "legal_status"),
            ("specific_needs_codes", "specific_needs"),
            ("mother_alive", "alive_status"),
            ("father_alive", "alive_status"),
            ("languages_spoken", "spoken_languages"),
            ("interview_language", "spoken_languages"),
        ] {
            assert_eq!(list_of(field), [list.to_owned()].into(), "`{field}`");
        }
    }

    /// Nationality offers countries, not ISO's territories.
    #[test]
    fn nationality_lists_countries_by_their_names() {
        let list = &LIBRARY
            .lists
            .iter()
            .find(|l| l.list.id.as_str() == "nationality")
            .expect("a nationality list")
            .list;
        let english: Vec<_> = list
            .options
            .iter()
            .filter_map(|o| o.label.get("en", "en"))
            .collect();
        for country in [
            "Sudan",
            "South Sudan",
            "Chad",
            "Central African Republic",
            "Syria",
        ] {
            assert!(english.contains(&country), "{country} missing");
        }
        for territory in ["Antarctica", "Bouvet Island", "Heard & McDonald Islands"] {
            assert!(
                !english.contains(&territory),
                "{territory} is not a nationality"
            );
        }
        assert!(list.options.iter().any(|o| o.id.as_str() == "stateless"));
    }
}
