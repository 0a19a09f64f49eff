//! Stage 5, write: put the rendered files in place atomically. Everything is written into
//! a temporary folder beside the target, which then replaces the target by rename; a
//! build that fails or is interrupted leaves the previous output as it was.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::render::{Output, OutputKind};

pub const MANIFEST: &str = "manifest.json";
const TMP_MARK: &str = ".bipgen-tmp-";
const OLD_MARK: &str = ".bipgen-old-";

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "`{0}` exists and was not made by bipgen (it has no bipgen manifest.json); refusing to replace it"
    )]
    NotOurs(PathBuf),
    #[error("`{0}` exists and is not a folder")]
    NotADirectory(PathBuf),
    #[error("output path `{0}` would leave the output folder")]
    UnsafePath(String),
    #[error("cannot write `{path}`: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("stopped after {0} files, as asked (fault injection)")]
    Injected(usize),
    #[error(
        "the output folder `{out}` holds the input `{input}`; replacing it would delete your configuration (choose another folder, e.g. `--out out`)"
    )]
    HoldsInput { out: PathBuf, input: PathBuf },
    #[error(
        "the output folder `{0}` is the current folder or holds it; choose a folder inside it, e.g. `--out out`"
    )]
    HoldsWorkingDirectory(PathBuf),
}

/// The output folder as an absolute path (`.` and `..` resolved, a symbolic link followed
/// to the folder it names), refused when replacing it would delete `input` (the
/// configuration) or the folder bipgen runs in.
pub fn resolve_out_dir(out_dir: &Path, input: &Path) -> Result<PathBuf, WriteError> {
    let absolute = absolute(out_dir)?;
    let input = fs::canonicalize(input).map_err(io_at(input))?;
    if input.starts_with(&absolute) {
        return Err(WriteError::HoldsInput {
            out: out_dir.to_path_buf(),
            input,
        });
    }
    if std::env::current_dir()
        .is_ok_and(|cwd| fs::canonicalize(&cwd).unwrap_or(cwd).starts_with(&absolute))
    {
        return Err(WriteError::HoldsWorkingDirectory(out_dir.to_path_buf()));
    }
    Ok(absolute)
}

/// `path` made absolute through its nearest existing ancestor, which is canonicalised.
fn absolute(path: &Path) -> Result<PathBuf, WriteError> {
    let path = std::path::absolute(path).map_err(io_at(path))?;
    let mut missing = Vec::new();
    let mut existing = path.as_path();
    loop {
        match fs::canonicalize(existing) {
            Ok(found) => {
                let mut resolved = found;
                for part in missing.iter().rev() {
                    match part {
                        Component::ParentDir => {
                            resolved.pop();
                        }
                        Component::Normal(name) => resolved.push(name),
                        _ => {}
                    }
                }
                return Ok(resolved);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let Some(parent) = existing.parent() else {
                    return Err(io_at(&path)(e));
                };
                missing.extend(existing.components().next_back());
                existing = parent;
            }
            Err(e) => return Err(io_at(existing)(e)),
        }
    }
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One file in the manifest.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Inside the output folder, with forward slashes.
    pub path: String,
    pub kind: OutputKind,
    /// The form the file belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// The languages whose text the file holds.
    pub languages: Vec<String>,
    /// Size in bytes.
    pub bytes: usize,
    pub sha256: String,
}

pub fn manifest_entry(output: &Output) -> ManifestFile {
    ManifestFile {
        path: output.path.clone(),
        kind: output.kind,
        form: output.form.clone(),
        languages: output.languages.clone(),
        bytes: output.bytes.len(),
        sha256: sha256_hex(&output.bytes),
    }
}

pub use crate::model::sha256_hex;

/// Options of [`write_atomically`].
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Replace a non-empty folder that bipgen did not make.
    pub force: bool,
    /// Fail after writing this many files (tests of the atomic replacement).
    pub fail_after: Option<usize>,
}

/// Writes `outputs` (and the manifest bytes) so that `out_dir` holds exactly them, or, on
/// failure, exactly what it held before.
pub fn write_atomically(
    out_dir: &Path,
    outputs: &[Output],
    manifest: &[u8],
    options: WriteOptions,
) -> Result<(), WriteError> {
    for output in outputs {
        check_relative(&output.path)?;
    }
    let mut staging = Staging::open(out_dir, options)?;
    for output in outputs {
        staging.add(output)?;
    }
    staging.commit(manifest)
}

/// An output folder being written: each output goes to a hidden folder beside `out_dir`
/// as soon as it is made, so a build holds no more than the document at hand; the folder
/// replaces `out_dir` only on [`Staging::commit`]. Dropped uncommitted, it is removed and
/// `out_dir` keeps what it held.
pub struct Staging {
    out_dir: PathBuf,
    parent: PathBuf,
    name: String,
    exists: bool,
    dir: tempfile::TempDir,
    options: WriteOptions,
    files: Vec<ManifestFile>,
}

impl Staging {
    /// Refuses a folder bipgen did not make (unless `force`) before any work is done.
    pub fn open(out_dir: &Path, options: WriteOptions) -> Result<Self, WriteError> {
        let exists = match fs::metadata(out_dir) {
            Ok(m) if m.is_dir() => true,
            Ok(_) => return Err(WriteError::NotADirectory(out_dir.to_path_buf())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(io_at(out_dir)(e)),
        };
        if exists && !options.force && !is_ours_or_empty(out_dir)? {
            return Err(WriteError::NotOurs(out_dir.to_path_buf()));
        }
        let parent = match out_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        remove_leftovers(&parent, &name);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}{TMP_MARK}{}-", std::process::id()))
            .tempdir_in(&parent)
            .map_err(io_at(&parent))?;
        Ok(Self {
            out_dir: out_dir.to_path_buf(),
            parent,
            name,
            exists,
            dir,
            options,
            files: Vec::new(),
        })
    }

    /// Writes one output into the staging folder and keeps only its manifest entry.
    pub fn add(&mut self, output: &Output) -> Result<(), WriteError> {
        check_relative(&output.path)?;
        if self.options.fail_after == Some(self.files.len()) {
            return Err(WriteError::Injected(self.files.len()));
        }
        let path = self.dir.path().join(&output.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_at(dir))?;
        }
        fs::write(&path, &output.bytes).map_err(io_at(&path))?;
        self.files.push(manifest_entry(output));
        Ok(())
    }

    /// The entries of the outputs written so far, in path order.
    pub fn files(&self) -> Vec<ManifestFile> {
        let mut files = self.files.clone();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    /// Writes the manifest and puts the staged folder in the place of `out_dir`.
    pub fn commit(self, manifest: &[u8]) -> Result<(), WriteError> {
        let manifest_path = self.dir.path().join(MANIFEST);
        fs::write(&manifest_path, manifest).map_err(io_at(&manifest_path))?;
        let (out_dir, parent, name) = (self.out_dir, self.parent, self.name);
        let staged = self.dir.keep();
        if self.exists {
            let old = parent.join(format!(".{name}{OLD_MARK}{}", std::process::id()));
            let _ = fs::remove_dir_all(&old);
            if let Err(e) = fs::rename(&out_dir, &old) {
                let _ = fs::remove_dir_all(&staged);
                return Err(io_at(&out_dir)(e));
            }
            if let Err(e) = fs::rename(&staged, &out_dir) {
                // Put the previous output back before reporting.
                let _ = fs::rename(&old, &out_dir);
                let _ = fs::remove_dir_all(&staged);
                return Err(io_at(&out_dir)(e));
            }
            let _ = fs::remove_dir_all(&old);
        } else if let Err(e) = fs::rename(&staged, &out_dir) {
            let _ = fs::remove_dir_all(&staged);
            return Err(io_at(&out_dir)(e));
        }
        Ok(())
    }
}

fn check_relative(path: &str) -> Result<(), WriteError> {
    let p = Path::new(path);
    let safe = !path.is_empty()
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && path != MANIFEST;
    if safe {
        Ok(())
    } else {
        Err(WriteError::UnsafePath(path.to_owned()))
    }
}

/// An existing output folder may be replaced if it is empty or holds a bipgen manifest.
fn is_ours_or_empty(dir: &Path) -> Result<bool, WriteError> {
    let mut entries = fs::read_dir(dir).map_err(io_at(dir))?;
    if entries.next().is_none() {
        return Ok(true);
    }
    let manifest = fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default();
    let parsed: serde_json::Value = serde_json::from_str(&manifest).unwrap_or_default();
    Ok(parsed.pointer("/generator/name").and_then(|v| v.as_str()) == Some("bipgen"))
}

/// Removes staging and old folders an interrupted build of the same target left behind.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}{TMP_MARK}"), format!(".{name}{OLD_MARK}")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        // A build still running stages its outputs there for as long as it renders.
        if !running(rest) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether the process whose id starts `rest` (`<pid>-…` or `<pid>`) is still running.
fn running(rest: &str) -> bool {
    let pid = rest.split('-').next().and_then(|p| p.parse::<i32>().ok());
    match pid {
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        #[cfg(unix)]
        Some(pid) if pid > 0 => unsafe {
            libc::kill(pid, 0) == 0
                || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(path: &str, text: &str) -> Output {
        Output {
            path: path.into(),
            kind: OutputKind::ResolvedConfig,
            form: None,
            languages: vec![],
            bytes: text.as_bytes().to_vec(),
        }
    }

    const MANIFEST_BYTES: &[u8] = br#"{"generator":{"name":"bipgen"}}"#;

    #[test]
    fn a_failed_write_leaves_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_atomically(
            &out,
            &[output("a/one.txt", "old")],
            MANIFEST_BYTES,
            WriteOptions::default(),
        )
        .unwrap();
        let outputs = [output("a/one.txt", "new"), output("b/two.txt", "new")];
        let failed = write_atomically(
            &out,
            &outputs,
            MANIFEST_BYTES,
            WriteOptions {
                fail_after: Some(1),
                ..Default::default()
            },
        );
        assert!(matches!(failed, Err(WriteError::Injected(1))));
        assert_eq!(fs::read_to_string(out.join("a/one.txt")).unwrap(), "old");
        assert!(!out.join("b").exists());
        // Nothing but the output folder is left beside it.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out")]);
        write_atomically(&out, &outputs, MANIFEST_BYTES, WriteOptions::default()).unwrap();
        assert_eq!(fs::read_to_string(out.join("b/two.txt")).unwrap(), "new");
    }

    #[test]
    fn leftovers_of_ended_builds_go_and_a_running_builds_staging_stays() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        // A build that ended without cleaning up (no such process), an older leftover
        // without a process id, and a build still running: this one.
        let ended = dir.path().join(format!(".out{TMP_MARK}{}-abc", i32::MAX));
        let unnamed = dir.path().join(format!(".out{TMP_MARK}xyz"));
        let running = dir
            .path()
            .join(format!(".out{TMP_MARK}{}-def", std::process::id()));
        for folder in [&ended, &unnamed, &running] {
            fs::create_dir_all(folder.join("sop")).unwrap();
        }
        let staging = Staging::open(&out, WriteOptions::default()).unwrap();
        assert!(!ended.exists() && !unnamed.exists());
        assert!(running.join("sop").is_dir());
        staging.commit(MANIFEST_BYTES).unwrap();
        assert!(out.join(MANIFEST).is_file());
    }

    #[test]
    fn folders_not_made_by_bipgen_are_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        let result = write_atomically(
            dir.path(),
            &[output("x.txt", "x")],
            MANIFEST_BYTES,
            WriteOptions::default(),
        );
        assert!(matches!(result, Err(WriteError::NotOurs(_))));
        assert_eq!(
            fs::read_to_string(dir.path().join("precious.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn output_paths_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/x", "", "manifest.json"] {
            let result = write_atomically(
                &dir.path().join("out"),
                &[output(bad, "x")],
                MANIFEST_BYTES,
                WriteOptions::default(),
            );
            assert!(matches!(result, Err(WriteError::UnsafePath(_))), "{bad}");
        }
    }
}
