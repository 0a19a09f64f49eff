//! `form-versions.json`, read at load time: what each form looked like when it was last
//! built, so a changed form always gets a new, higher XLSForm version
//! (`render::form_versions` assigns and writes them).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::assets::Read;

/// The record's file name, in the folder of the main configuration file.
pub const FILE: &str = crate::config::assets::FORM_VERSIONS;

/// `form-versions.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    #[serde(default, rename = "$comment")]
    pub comment: String,
    /// By form id.
    pub forms: BTreeMap<String, Entry>,
}

/// What one form last looked like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub sop_version: String,
    pub revision: u64,
    /// sha256 of the XLSForm's cells, version left out.
    pub content: String,
    /// The version the form was given (for people reading the file).
    pub version: String,
}

/// `.` for the empty parent of a bare file name.
pub fn folder(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// The record as load read it from `dir`; no file is an empty record.
pub fn load(dir: &Path, read: Option<&Read>) -> Result<Record, String> {
    let path = folder(dir).join(FILE);
    match read {
        None => Ok(Record::default()),
        Some(Ok(file)) => file
            .text()
            .and_then(|text| serde_json::from_str(text).map_err(|e| e.to_string()))
            .map_err(|e| format!("{}: {e} (fix or delete the file)", path.display())),
        Some(Err(why)) => Err(format!("{}: {why}", path.display())),
    }
}
