//! The country folder's other inputs, read once at load time: translations, templates,
//! logos and the form-version record. Later stages read them from here, never from the
//! disk, so a file that changes during a build cannot make `check` and `build` disagree,
//! and the manifest's hashes are the hashes of the bytes really used.

use std::collections::BTreeMap;
use std::path::Path;

use super::source::{MAX_FILE_BYTES, resolve_inside};

/// The folder of a country's translations (`translations/<lang>.po`).
pub const TRANSLATIONS: &str = "translations";
/// The folder of a country's template overrides.
pub const TEMPLATES: &str = "templates";
/// The form-version record beside the configuration.
pub const FORM_VERSIONS: &str = "form-versions.json";

/// The templates folder is walked this deep, and at most this many files are read: a
/// link that loops back on itself ends here.
const MAX_TEMPLATE_DEPTH: usize = 6;
const MAX_TEMPLATE_FILES: usize = 500;

/// One file read from the country folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Inside the configuration's folder, `/`-separated (`translations/fr.po`).
    pub path: String,
    pub bytes: Vec<u8>,
    /// Lowercase hex.
    pub sha256: String,
}

impl InputFile {
    fn new(path: String, bytes: Vec<u8>) -> Self {
        let sha256 = crate::model::sha256_hex(&bytes);
        Self {
            path,
            bytes,
            sha256,
        }
    }

    /// The file as UTF-8 text, without a byte order mark.
    pub fn text(&self) -> Result<&str, String> {
        let text = std::str::from_utf8(&self.bytes).map_err(|e| {
            format!(
                "it is not valid UTF-8 text (bad byte at offset {})",
                e.valid_up_to()
            )
        })?;
        Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
    }
}

/// Why a file could not be read; the validate stage turns it into a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unread {
    /// The path leaves the folder (absolute, `..`, or a link pointing out).
    Outside(String),
    NotFound,
    TooLarge(u64),
    Io(String),
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unread::Outside(why) => f.write_str(why),
            Unread::NotFound => f.write_str("the file does not exist"),
            Unread::TooLarge(bytes) => write!(
                f,
                "the file is {:.1} MiB; an input may be at most {} MiB",
                *bytes as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
            Unread::Io(why) => f.write_str(why),
        }
    }
}

pub type Read = Result<InputFile, Unread>;

/// Every input besides the configuration's TOML files.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// `translations/*.po`, by path, sorted.
    pub translations: BTreeMap<String, Read>,
    /// Files under `templates/`, by their name inside it (`sop/text/fr.toml`).
    pub templates: BTreeMap<String, Read>,
    /// The logos the configuration names, by the name it gives.
    pub logos: BTreeMap<String, Read>,
    /// `form-versions.json`; `None` when there is none yet.
    pub form_versions: Option<Read>,
    /// A folder that could not be listed: (folder, why).
    pub unlisted: Vec<(String, String)>,
}

impl Assets {
    /// Reads every input of the folder `root`; `logos` are the names the configuration
    /// gives (checked for their format by the validate stage, read here).
    pub fn load(root: &Path, logos: &[String]) -> Self {
        let mut assets = Assets::default();
        match list_files(&root.join(TRANSLATIONS), 1) {
            Ok(names) => {
                for name in names.into_iter().filter(|n| n.ends_with(".po")) {
                    let path = format!("{TRANSLATIONS}/{name}");
                    let read = read(root, &path);
                    assets.translations.insert(path, read);
                }
            }
            Err(why) => assets.unlisted.push((TRANSLATIONS.to_owned(), why)),
        }
        match list_files(&root.join(TEMPLATES), MAX_TEMPLATE_DEPTH) {
            Ok(names) => {
                for name in names.into_iter().take(MAX_TEMPLATE_FILES) {
                    let read = read(root, &format!("{TEMPLATES}/{name}"));
                    assets.templates.insert(name, read);
                }
            }
            Err(why) => assets.unlisted.push((TEMPLATES.to_owned(), why)),
        }
        for logo in logos {
            assets.logos.insert(logo.clone(), read(root, logo));
        }
        assets.form_versions = match read(root, FORM_VERSIONS) {
            Err(Unread::NotFound) => None,
            read => Some(read),
        };
        assets
    }

    /// Every file read, with its kind (`translation`, `template`, `logo`,
    /// `form-versions`), sorted by kind then path.
    pub fn files(&self) -> Vec<(&'static str, &InputFile)> {
        let mut files: Vec<(&'static str, &InputFile)> = Vec::new();
        for (kind, map) in [
            ("translation", &self.translations),
            ("template", &self.templates),
            ("logo", &self.logos),
        ] {
            files.extend(
                map.values()
                    .filter_map(|r| r.as_ref().ok())
                    .map(|f| (kind, f)),
            );
        }
        if let Some(Ok(file)) = &self.form_versions {
            files.push(("form-versions", file));
        }
        files.sort_by(|a, b| (a.0, &a.1.path).cmp(&(b.0, &b.1.path)));
        files.dedup_by(|a, b| a.0 == b.0 && a.1.path == b.1.path);
        files
    }

    /// A template read as text: `None` when the country does not override it.
    pub fn template(&self, name: &str) -> Option<Result<&str, String>> {
        self.templates.get(name).map(|read| match read {
            Ok(file) => file.text(),
            Err(why) => Err(format!("{TEMPLATES}/{name}: {why}")),
        })
    }
}

/// Reads `relative` inside `root`, refusing a path or link that leaves it.
fn read(root: &Path, relative: &str) -> Read {
    let path = resolve_inside(root, relative).map_err(Unread::Outside)?;
    let metadata = std::fs::metadata(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Unread::NotFound,
        _ => Unread::Io(e.to_string()),
    })?;
    if metadata.is_dir() {
        return Err(Unread::Io("it is a folder, not a file".into()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(Unread::TooLarge(metadata.len()));
    }
    let bytes = std::fs::read(&path).map_err(|e| Unread::Io(e.to_string()))?;
    Ok(InputFile::new(relative.to_owned(), bytes))
}

/// The files under `dir`, `/`-separated and relative to it, sorted; none when `dir` does
/// not exist. Hidden files (editor swap files, `.DS_Store`) are left out.
fn list_files(dir: &Path, depth: usize) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    if dir.is_dir() {
        walk(dir, "", depth, &mut found).map_err(|e| e.to_string())?;
    }
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, prefix: &str, depth: usize, found: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let relative = format!("{prefix}{name}");
        if path.is_dir() {
            if depth > 1 && found.len() < MAX_TEMPLATE_FILES {
                walk(&path, &format!("{relative}/"), depth - 1, found)?;
            }
        } else {
            found.push(relative);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_input_once_with_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("translations")).unwrap();
        std::fs::create_dir_all(root.join("templates/sop/text")).unwrap();
        std::fs::write(root.join("translations/fr.po"), "msgid \"\"\n").unwrap();
        std::fs::write(root.join("translations/notes.txt"), "not a catalogue").unwrap();
        std::fs::write(root.join("templates/form.typ"), "#let x = 1").unwrap();
        std::fs::write(root.join("templates/sop/text/fr.toml"), "").unwrap();
        std::fs::write(root.join("templates/.form.typ.swp"), "").unwrap();
        std::fs::write(root.join("logo.png"), [0x89, b'P']).unwrap();
        let assets = Assets::load(root, &["logo.png".into(), "missing.png".into()]);
        let kinds: Vec<(&str, &str)> = assets
            .files()
            .into_iter()
            .map(|(kind, f)| (kind, f.path.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("logo", "logo.png"),
                ("template", "templates/form.typ"),
                ("template", "templates/sop/text/fr.toml"),
                ("translation", "translations/fr.po"),
            ]
        );
        assert_eq!(assets.logos["missing.png"], Err(Unread::NotFound));
        assert!(assets.form_versions.is_none());
        assert_eq!(assets.template("form.typ"), Some(Ok("#let x = 1")));
        let fr = assets.translations["translations/fr.po"].as_ref().unwrap();
        assert_eq!(fr.sha256, crate::model::sha256_hex(b"msgid \"\"\n"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_folder_is_refused_not_read() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.po"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("translations")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.po"),
            dir.path().join("translations/fr.po"),
        )
        .unwrap();
        // A folder that links to itself does not loop.
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("templates"),
            dir.path().join("templates/again"),
        )
        .unwrap();
        let assets = Assets::load(dir.path(), &[]);
        assert!(matches!(
            assets.translations["translations/fr.po"],
            Err(Unread::Outside(_))
        ));
        assert!(assets.files().is_empty());
    }
}
