//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The path of an external tool: on PATH, or where `.ci/run` installs it (`.ci/venv`,
/// `.ci/node`). In CI (`CI` set) a missing tool fails the test; elsewhere the test says
/// it is skipping.
pub fn tool(name: &str) -> Option<PathBuf> {
    let candidates = [
        PathBuf::from(name),
        Path::new(".ci/venv/bin").join(name),
        Path::new(".ci/node/node_modules/.bin").join(name),
    ];
    for candidate in candidates {
        // The tool exists when it can be started (`ajv` has no `--version` of its own).
        if Command::new(&candidate).arg("help").output().is_ok() {
            return Some(candidate);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "`{name}` is not installed; .ci/run installs it"
    );
    eprintln!("skipping: `{name}` is not installed (bash .ci/run installs it)");
    None
}
