//! The built-in form library, embedded at build time (see `build.rs`) and parsed once.

use std::sync::LazyLock;

use serde_json::Value;

use super::model::{ChoiceList, ChoiceLists, FormDefinition};
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

fn parse<T: serde::de::DeserializeOwned>(
    name: &'static str,
    text: &'static str,
) -> Result<(T, LibraryFile), String> {
    let (document, map): (Value, SourceMap) = parse_builtin(text)?;
    let value = serde_path_to_error::deserialize(&document)
        .map_err(|e| format!("{}: {}", e.path(), e.inner()))?;
    Ok((value, LibraryFile { name, text, map }))
}

pub static LIBRARY: LazyLock<Library> = LazyLock::new(|| {
    let mut library = Library::default();
    for &(name, text) in BUILTIN_FORM_FILES {
        match parse::<FormDefinition>(name, text) {
            Ok((form, file)) => library.forms.push(BuiltinForm { file, form }),
            Err(e) => library.broken.push((name.to_owned(), e)),
        }
    }
    for &(name, text) in BUILTIN_CHOICE_FILES {
        match parse::<ChoiceLists>(name, text) {
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
    library
});
