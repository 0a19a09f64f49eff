//! Helpers for rule tests: run the whole check on a configuration written as text.

use crate::diagnostic::Diagnostic;

/// The smallest valid configuration; tests append or replace parts of it.
pub const MINIMAL: &str = r#"default_language = "en"

[sop]
country = "TD"
title = "Child protection SOP"
operation = "Refugee response"
version = "1.0.0"
effective_date = 2026-01-15
review_date = 2027-01-15
status = "draft"
lead_agencies = ["unhcr"]

[[sop.changelog]]
version = "1.0.0"
date = 2026-01-15
summary = "First version."

[[languages]]
tag = "en"
script = "Latn"
direction = "ltr"
name = "English"

[[organisations]]
id = "unhcr"
name = "UNHCR"
type = "un"

[bid]
interim = "simplified"
"#;

/// All diagnostics for `text` saved as a configuration file.
pub fn diagnostics_for(text: &str) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("country.toml");
    std::fs::write(&path, text).expect("write test configuration");
    crate::check(&path).diagnostics
}

/// The codes of all diagnostics for `text`.
pub fn codes_for(text: &str) -> Vec<&'static str> {
    diagnostics_for(text).iter().map(|d| d.code).collect()
}

/// The whole check of `text`, kept for tests that need the typed configuration.
pub fn checked(text: &str) -> crate::Checked {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("country.toml");
    std::fs::write(&path, text).expect("write test configuration");
    crate::check(&path)
}
