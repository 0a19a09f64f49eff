//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Folders `.ci/run` installs tools into, searched after `PATH`.
const CI_TOOL_DIRS: [&str; 2] = [".ci/venv/bin", ".ci/node/node_modules/.bin"];

/// The path of an external tool: where `.ci/run` installs it (`.ci/venv`, `.ci/node`),
/// or on `PATH`. The tool is looked up, not started (starting `soffice` launches
/// LibreOffice). In CI (`CI` set) a missing tool fails the test; elsewhere the test
/// says it is skipping.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = find_executable(name);
    if found.is_none() {
        missing(&format!("`{name}` is not installed"));
    }
    found
}

/// A Python interpreter that can import every module in `modules`: the one in
/// `.ci/venv` first, then `python3` on `PATH`. Missing modules are reported like a
/// missing tool: a failure in CI, a skip elsewhere.
pub fn python_with(modules: &[&str]) -> Option<PathBuf> {
    let Some(python) = find_executable("python3") else {
        missing("`python3` is not installed");
        return None;
    };
    let import = format!("import {}", modules.join(", "));
    let imports = Command::new(&python)
        .args(["-c", &import])
        .output()
        .is_ok_and(|out| out.status.success());
    if !imports {
        missing(&format!(
            "{} cannot import {}",
            python.display(),
            modules.join(", ")
        ));
        return None;
    }
    Some(python)
}

fn find_executable(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    CI_TOOL_DIRS
        .iter()
        .map(PathBuf::from)
        .chain(std::env::split_paths(&path))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

fn missing(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what}; .ci/run installs it"
    );
    eprintln!("skipping: {what} (bash .ci/run installs it)");
}

/// The text of one part of a ZIP package (a DOCX's `word/document.xml`, say).
pub fn zip_part(package: &Path, part: &str) -> String {
    let file = std::fs::File::open(package).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut text).unwrap();
    text
}

/// Whether this run refreshes the golden files (`BIPGEN_BLESS=1`) instead of comparing.
pub fn blessing() -> bool {
    std::env::var_os("BIPGEN_BLESS").is_some()
}

/// Compares `actual` with the golden file `golden`, or, when blessing, writes it there.
/// `same` says how they differ (`Err` with a sentence), for outputs compared by more than
/// their bytes (page images). The one bless mechanism of the golden tests.
pub fn golden(
    golden: &Path,
    actual: &[u8],
    same: impl Fn(&[u8], &[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let name = golden.display();
    if blessing() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(golden, actual).unwrap();
        return Ok(());
    }
    let Ok(expected) = std::fs::read(golden) else {
        return Err(format!(
            "{name} is missing: run the test with BIPGEN_BLESS=1, then review the new file"
        ));
    };
    same(actual, &expected).map_err(|why| {
        format!("{name}: {why}; review the change, then bless it with BIPGEN_BLESS=1")
    })
}

/// For [`golden`]: byte for byte.
pub fn identical(actual: &[u8], expected: &[u8]) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err("differs from the golden file".into())
    }
}
