//! Reading the configuration files: from bytes on disk to one JSON document plus a map
//! from JSON pointers back to the file and span they came from.
//!
//! TOML is turned into JSON (dates become `YYYY-MM-DD` strings) so that the JSON Schema
//! layer and serde see the same document, and so that any finding, from either layer,
//! can be traced back to a line and column.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use toml_edit::{InlineTable, Item, Table};

pub use super::source_map::SourceMap;
use super::source_map::{Mount, Tree};
use crate::diagnostic::{Diagnostic, FileId, Location, Sources};

/// Largest configuration file read. Country configurations are a few hundred KiB at most;
/// anything larger is almost certainly the wrong file.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The configuration as read: its sources, the merged JSON document and its source map.
#[derive(Debug, Clone)]
pub struct LoadedSource {
    pub sources: Sources,
    pub document: Value,
    pub map: SourceMap,
    /// The folder of the main file: includes and assets are read only from inside it.
    pub root_dir: PathBuf,
    /// sha256 over every file read, in order, as lowercase hex.
    pub sha256: String,
    /// Each file read (the main file, then the includes), by its path inside the folder,
    /// with its sha256.
    pub inputs: Vec<(String, String)>,
    /// Sections the built-in defaults filled (JSON pointers), once defaults are applied.
    pub defaulted: Vec<&'static str>,
    /// The folder's other inputs (translations, templates, logos, form versions).
    pub assets: super::assets::Assets,
}

/// Why loading stopped.
#[derive(Debug)]
pub struct LoadFailure {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// The main file itself could not be read (an I/O problem rather than a configuration error).
    pub io: bool,
}

/// Reads the main configuration file and the files it includes.
pub fn load_source(path: &Path) -> Result<LoadedSource, LoadFailure> {
    let mut sources = Sources::default();
    let mut hasher = Sha256::new();
    let display = path.display().to_string();

    let text = match read_text(path, &display, &mut sources) {
        Ok(text) => text,
        Err((diagnostic, io)) => {
            return Err(LoadFailure {
                sources,
                diagnostics: vec![diagnostic],
                io,
            });
        }
    };
    hasher.update(text.as_bytes());
    let main_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut inputs = vec![(main_name, crate::model::sha256_hex(text.as_bytes()))];
    let root_file = sources.add(display.clone(), text);
    let root_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let root_dir = if root_dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root_dir
    };

    let mut diagnostics = Vec::new();
    let Some(table) = parse_toml(&sources, root_file, &mut diagnostics) else {
        return Err(LoadFailure {
            sources,
            diagnostics,
            io: false,
        });
    };

    let mut map = SourceMap::new(root_file);
    map.push(
        root_file,
        Tree::new(sources.shared_text(root_file)),
        Mount::Root,
    );
    let mut document = Converter::new(root_file, &mut diagnostics).root(&table);

    // Read the included files in order, then parse and convert them on every core (a large
    // directory comes as several files of megabytes), then merge them in order again.
    let mut read = Vec::new();
    for (index, include) in include_list(&table) {
        let pointer = format!("/include/{index}");
        let at = map.value(&pointer);
        let included = match resolve_inside(&root_dir, &include) {
            Ok(p) => p,
            Err(why) => {
                diagnostics.push(
                    Diagnostic::error("include-outside-folder", format!("cannot include `{include}`: {why}"))
                        .with_help("name a .toml file inside the configuration's folder, e.g. `services.toml` or `data/services.toml`")
                        .at(at),
                );
                continue;
            }
        };
        let name = root_dir.join(&include).display().to_string();
        let text = match read_text(&included, &name, &mut sources) {
            Ok(text) => text,
            Err((diagnostic, _)) => {
                let help = if diagnostic.code == "file-not-found" {
                    Some("included files are named relative to the folder of the main configuration file".to_owned())
                } else {
                    diagnostic.help
                };
                diagnostics.push(Diagnostic {
                    location: diagnostic.location.or(at),
                    help,
                    ..diagnostic
                });
                continue;
            }
        };
        hasher.update(text.as_bytes());
        inputs.push((include.clone(), crate::model::sha256_hex(text.as_bytes())));
        read.push(sources.add(name, text));
    }
    let converted: Vec<(FileId, Result<IncludedFile, Diagnostic>)> = {
        use rayon::prelude::*;
        read.par_iter()
            .map(|&file| {
                (
                    file,
                    parse(&sources, file).map(|t| convert_included(file, t)),
                )
            })
            .collect()
    };
    for (file, included) in converted {
        let included = match included {
            Ok(included) => included,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                continue;
            }
        };
        let tree = Tree::new(sources.shared_text(file));
        merge_included(
            &mut document,
            &mut map,
            &mut diagnostics,
            (file, &tree),
            included,
        );
    }

    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(LoadFailure {
            sources,
            diagnostics,
            io: false,
        });
    }
    let logos: Vec<String> = document
        .get("forms")
        .and_then(|f| f.pointer("/header/logos"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str().map(str::to_owned))
        .collect();
    let assets = super::assets::Assets::load(&root_dir, &logos);
    Ok(LoadedSource {
        sources,
        document: Value::Object(document),
        map,
        root_dir,
        sha256: hex(&hasher.finalize()),
        inputs,
        defaulted: Vec::new(),
        assets,
    })
}

/// Parses built-in TOML (shipped with the binary) into a document and source map whose
/// file id is 0; callers re-home the origins with [`SourceMap::adopt`].
pub fn parse_builtin(text: &str) -> Result<(Value, SourceMap), String> {
    let table = toml_edit::Document::parse(text.to_owned())
        .map_err(|e| e.to_string())?
        .into_table();
    let mut map = SourceMap::default();
    map.push(0, Tree::new(Arc::from(text)), Mount::Root);
    let mut diagnostics = Vec::new();
    let document = Converter::new(0, &mut diagnostics).root(&table);
    match diagnostics.first() {
        Some(d) => Err(d.message.clone()),
        None => Ok((Value::Object(document), map)),
    }
}

/// Reads a whole file as UTF-8 text, with a diagnostic for each way that can fail. The
/// boolean says whether the failure is an I/O problem (missing, unreadable) rather than
/// bad content.
fn read_text(path: &Path, name: &str, sources: &mut Sources) -> Result<String, (Diagnostic, bool)> {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err((
                Diagnostic::error("file-not-found", format!("`{name}` does not exist"))
                    .with_help("check the path; `bipgen init <dir> --country XX` writes a starter configuration"),
                true,
            ));
        }
        Err(e) => {
            return Err((
                Diagnostic::error("unreadable-file", format!("cannot read `{name}`: {e}")),
                true,
            ));
        }
    };
    if metadata.is_dir() {
        return Err((
            Diagnostic::error(
                "not-a-file",
                format!("`{name}` is a directory, not a configuration file"),
            )
            .with_help(format!(
                "name the TOML file inside it, e.g. `{}`",
                Path::new(name).join("country.toml").display()
            )),
            true,
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err((
            Diagnostic::error(
                "file-too-large",
                format!("`{name}` is {:.1} MiB; a configuration file may be at most {} MiB", metadata.len() as f64 / 1048576.0, MAX_FILE_BYTES / 1048576),
            )
            .with_help("check that this is the right file; split a very large service directory with `include`"),
            false,
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        (
            Diagnostic::error("unreadable-file", format!("cannot read `{name}`: {e}")),
            true,
        )
    })?;
    match String::from_utf8(bytes) {
        Ok(text) if text.trim().is_empty() => {
            let file = sources.add(name, text);
            Err((
                Diagnostic::error("empty-file", format!("`{name}` is empty"))
                    .with_help("start from `bipgen init <dir> --country XX` or copy examples/minimal/country.toml")
                    .at(Some(Location { file, span: 0..0 })),
                false,
            ))
        }
        // A byte order mark is not part of the text: without it, columns on line 1 are
        // the ones an editor shows.
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        }),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = sources.add(name, lossy);
            Err((
                Diagnostic::error(
                    "not-utf8",
                    format!("`{name}` is not valid UTF-8 text (bad byte at offset {offset})"),
                )
                .with_help("save the file as UTF-8 (in most editors: Save with encoding → UTF-8)")
                .at(Some(Location {
                    file,
                    span: offset..offset + 1,
                })),
                false,
            ))
        }
    }
}

fn parse_toml(sources: &Sources, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Option<Table> {
    parse(sources, file).map_err(|d| diagnostics.push(d)).ok()
}

/// One file's TOML, or the located syntax error.
fn parse(sources: &Sources, file: FileId) -> Result<Table, Diagnostic> {
    toml_edit::Document::parse(sources.text(file))
        .map(|doc| doc.into_table())
        .map_err(|e| {
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid TOML")
                .trim_end_matches('.')
                .to_owned();
            Diagnostic::error("toml-syntax", format!("TOML syntax error: {message}"))
                .with_help("see https://toml.io for the syntax; strings need quotes, tables are written [name], lists of tables [[name]]")
                .at(e.span().map(|span| Location { file, span }))
        })
}

fn include_list(table: &Table) -> Vec<(usize, String)> {
    table
        .get("include")
        .and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_str().map(|s| (i, s.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Resolves `relative` against `root` and refuses anything that would leave `root`:
/// absolute paths, `..`, and symbolic links pointing elsewhere.
/// The files of `dir` ending in `.extension`, sorted; none when the folder is absent.
pub fn files_with_extension(dir: &Path, extension: &str) -> std::io::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == extension))
        .collect();
    paths.sort();
    Ok(paths)
}

pub fn resolve_inside(root: &Path, relative: &str) -> Result<PathBuf, String> {
    let rel = Path::new(relative);
    if relative.is_empty() {
        return Err("the path is empty".into());
    }
    if rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(
            "the path must stay inside the configuration's folder (no absolute paths, no `..`)"
                .into(),
        );
    }
    let joined = root.join(rel);
    let (Ok(root_real), Ok(real)) = (root.canonicalize(), joined.canonicalize()) else {
        // A missing file is reported by the reader with its own message.
        return Ok(joined);
    };
    if real.starts_with(&root_real) {
        Ok(real)
    } else {
        Err("it leads outside the configuration's folder (through a symbolic link)".into())
    }
}

/// An included file, converted: its top-level entries in file order, and what the
/// conversion found wrong. Made on any core; merged into the document in file order.
struct IncludedFile {
    entries: Vec<TopEntry>,
    diagnostics: Vec<Diagnostic>,
}

/// One top-level entry of an included file.
struct TopEntry {
    key: String,
    key_span: Option<std::ops::Range<usize>>,
    /// A list (of tables, or of values) may extend the main file's list of that name.
    value: Option<Value>,
}

/// Converts an included file's entries, dropping its TOML tree on the same core.
fn convert_included(file: FileId, table: Table) -> IncludedFile {
    let mut diagnostics = Vec::new();
    let mut converter = Converter::new(file, &mut diagnostics);
    let entries = table
        .iter()
        .map(|(key, item)| TopEntry {
            key: key.to_owned(),
            key_span: table.key(key).and_then(|k| k.span()),
            value: converter.item(item),
        })
        .collect();
    IncludedFile {
        entries,
        diagnostics,
    }
}

fn merge_included(
    document: &mut Map<String, Value>,
    map: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    (file, tree): (FileId, &Arc<Tree>),
    included: IncludedFile,
) {
    diagnostics.extend(included.diagnostics);
    for entry in included.entries {
        let key = entry.key.as_str();
        let here = Some(Location {
            file,
            span: entry.key_span.clone().unwrap_or(0..0),
        });
        if key == "include" {
            diagnostics.push(
                Diagnostic::error(
                    "nested-include",
                    "an included file cannot include further files",
                )
                .with_help("list every file in the `include` of the main configuration file")
                .at(here),
            );
            continue;
        }
        match (document.get_mut(key), entry.value) {
            (None, value) => {
                map.push(file, Arc::clone(tree), Mount::Key(escape(key)));
                if let Some(value) = value {
                    document.insert(entry.key, value);
                }
            }
            (Some(Value::Array(existing)), Some(Value::Array(more))) => {
                let mount = Mount::Append {
                    key: escape(key),
                    offset: existing.len(),
                };
                map.push(file, Arc::clone(tree), mount);
                existing.extend(more);
            }
            (Some(_), _) => {
                let first = map.key(&format!("/{}", escape(key)));
                let first_at = first
                    .map(|l| format!(" (first set in the main file at byte {})", l.span.start))
                    .unwrap_or_default();
                diagnostics.push(
                    Diagnostic::error("duplicate-key", format!("`{key}` is set both here and in the main file{first_at}"))
                        .with_help("set each section in one file only; only lists of tables ([[name]]) may be split across files")
                        .at(here),
                );
            }
        }
    }
}

/// Converts TOML items to JSON values. Where each value came from is left to the source
/// map, which reads it from the same TOML tree when a diagnostic needs it; the converter
/// itself needs only its file, so that each file converts on a core of its own.
struct Converter<'a> {
    file: FileId,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Converter<'a> {
    fn new(file: FileId, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Converter { file, diagnostics }
    }

    /// Every top-level entry of a file.
    fn root(&mut self, table: &Table) -> Map<String, Value> {
        self.table_entries(table.iter())
    }

    fn item(&mut self, item: &Item) -> Option<Value> {
        match item {
            Item::None => None,
            Item::Value(v) => self.value(v),
            Item::Table(t) => Some(Value::Object(self.table_entries(t.iter()))),
            Item::ArrayOfTables(a) => Some(Value::Array(
                a.iter()
                    .map(|t| Value::Object(self.table_entries(t.iter())))
                    .collect(),
            )),
        }
    }

    fn table_entries<'t>(
        &mut self,
        entries: impl Iterator<Item = (&'t str, &'t Item)>,
    ) -> Map<String, Value> {
        let mut object = Map::new();
        for (key, item) in entries {
            if let Some(value) = self.item(item) {
                object.insert(key.to_owned(), value);
            }
        }
        object
    }

    fn inline_table(&mut self, table: &InlineTable) -> Value {
        let mut object = Map::new();
        for (key, value) in table.iter() {
            if let Some(value) = self.value(value) {
                object.insert(key.to_owned(), value);
            }
        }
        Value::Object(object)
    }

    fn value(&mut self, value: &toml_edit::Value) -> Option<Value> {
        use toml_edit::Value as T;
        Some(match value {
            T::String(s) => Value::String(s.value().clone()),
            T::Integer(i) => Value::from(*i.value()),
            T::Float(f) => match serde_json::Number::from_f64(*f.value()) {
                Some(n) => Value::Number(n),
                None => {
                    let at = f.span().map(|span| Location {
                        file: self.file,
                        span,
                    });
                    self.diagnostics.push(
                        Diagnostic::error("invalid-number", "`nan` and `inf` are not allowed here")
                            .with_help("write a finite number")
                            .at(at),
                    );
                    return None;
                }
            },
            T::Boolean(b) => Value::Bool(*b.value()),
            T::Datetime(d) => Value::String(d.value().to_string()),
            T::Array(a) => Value::Array(a.iter().filter_map(|v| self.value(v)).collect()),
            T::InlineTable(t) => self.inline_table(t),
        })
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn spans_point_at_values_and_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.toml",
            "a = 1\n[[orgs]]\nid = \"x\"\nname = { en = \"X\" }\n",
        );
        let loaded = load_source(&path).unwrap();
        let loc = loaded.map.value("/orgs/0/id").unwrap();
        assert_eq!(loaded.sources.line_column(loc.file, loc.span.start), (3, 6));
        let loc = loaded.map.key("/orgs/0/name/en").unwrap();
        assert_eq!(
            loaded.sources.line_column(loc.file, loc.span.start),
            (4, 10)
        );
        // A pointer with no origin of its own falls back to its parent.
        let loc = loaded.map.value("/orgs/0/missing").unwrap();
        assert_eq!(loaded.sources.line_column(loc.file, loc.span.start), (2, 1));
    }

    #[test]
    fn dates_become_strings() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "c.toml", "d = 2026-01-15\n");
        let loaded = load_source(&path).unwrap();
        assert_eq!(loaded.document["d"], "2026-01-15");
    }

    #[test]
    fn includes_append_lists_and_keep_their_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "more.toml", "[[s]]\nid = \"b\"\n");
        let path = write(
            dir.path(),
            "c.toml",
            "include = [\"more.toml\"]\n[[s]]\nid = \"a\"\n",
        );
        let loaded = load_source(&path).unwrap();
        assert_eq!(loaded.document["s"][1]["id"], "b");
        let loc = loaded.map.value("/s/1/id").unwrap();
        assert!(loaded.sources.name(loc.file).ends_with("more.toml"));
    }

    #[test]
    fn an_included_file_may_not_set_a_section_again_nor_include_more() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "more.toml",
            "include = [\"x.toml\"]\n[sop]\ntitle = \"b\"\n[[s]]\nid = \"b\"\n",
        );
        let path = write(
            dir.path(),
            "c.toml",
            "include = [\"more.toml\"]\n[sop]\ntitle = \"a\"\n[[s]]\nid = \"a\"\n",
        );
        let failure = load_source(&path).unwrap_err();
        let found: Vec<(&str, (usize, usize))> = failure
            .diagnostics
            .iter()
            .map(|d| {
                let at = d.location.clone().unwrap();
                assert!(failure.sources.name(at.file).ends_with("more.toml"));
                (d.code, failure.sources.line_column(at.file, at.span.start))
            })
            .collect();
        assert_eq!(
            found,
            [("nested-include", (1, 1)), ("duplicate-key", (2, 2))]
        );
    }

    #[test]
    fn a_bad_number_in_an_included_file_is_found_at_its_value() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "more.toml", "[[s]]\nid = \"b\"\nscore = nan\n");
        let path = write(
            dir.path(),
            "c.toml",
            "include = [\"more.toml\"]\n[[s]]\nid = \"a\"\n",
        );
        let failure = load_source(&path).unwrap_err();
        let bad = &failure.diagnostics[0];
        assert_eq!(bad.code, "invalid-number");
        let at = bad.location.clone().unwrap();
        assert!(failure.sources.name(at.file).ends_with("more.toml"));
        assert_eq!(failure.sources.line_column(at.file, at.span.start), (3, 9));
    }

    #[test]
    fn includes_cannot_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("country");
        std::fs::create_dir(&inner).unwrap();
        write(dir.path(), "secret.toml", "x = 1\n");
        let path = write(&inner, "c.toml", "include = [\"../secret.toml\"]\n");
        let failure = load_source(&path).unwrap_err();
        assert_eq!(failure.diagnostics[0].code, "include-outside-folder");
        let path = write(&inner, "c.toml", "include = [\"/etc/passwd\"]\n");
        assert_eq!(
            load_source(&path).unwrap_err().diagnostics[0].code,
            "include-outside-folder"
        );
    }

    #[test]
    fn unreadable_inputs_get_their_own_codes() {
        let dir = tempfile::tempdir().unwrap();
        let code = |p: &Path| load_source(p).unwrap_err().diagnostics[0].code;
        assert_eq!(code(&dir.path().join("nope.toml")), "file-not-found");
        assert_eq!(code(dir.path()), "not-a-file");
        assert_eq!(code(&write(dir.path(), "e.toml", "  \n")), "empty-file");
        let bad = dir.path().join("b.toml");
        std::fs::write(&bad, b"a = \"\xff\"\n").unwrap();
        assert_eq!(code(&bad), "not-utf8");
        assert_eq!(code(&write(dir.path(), "s.toml", "a = \n")), "toml-syntax");
        let huge = dir.path().join("huge.toml");
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(50 * 1024 * 1024)
            .unwrap();
        assert_eq!(code(&huge), "file-too-large");
    }
}
