//! The form-version record against the configuration: a lower SOP version than the one
//! the forms were last built under would give ODK lower form versions.

use std::cmp::Ordering;
use std::path::Path;

use crate::config::assets::Read;
use crate::config::form_versions::{FILE, load};

/// What `build` would refuse, told by `check`: `form-versions.json` unreadable, or an
/// SOP version lower than one the forms were built under.
pub fn check(
    config: &crate::config::Config,
    dir: &Path,
    read: Option<&Read>,
    map: &crate::config::SourceMap,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::Diagnostic;
    let record = match load(dir, read) {
        Ok(record) => record,
        Err(e) => {
            return vec![
                Diagnostic::error("form-versions", e)
                    .with_help(format!("restore {FILE} from version control; without it, versions start again and ODK Central refuses a version it has seen")),
            ];
        }
    };
    let sop = &config.sop.version.0;
    let mut higher: Vec<(semver::Version, &str)> = record
        .forms
        .iter()
        .filter_map(|(form, entry)| {
            let recorded = semver::Version::parse(&entry.sop_version).ok()?;
            (sop.cmp_precedence(&recorded) == Ordering::Less).then_some((recorded, form.as_str()))
        })
        .collect();
    if higher.is_empty() {
        return Vec::new();
    }
    higher.sort_by(|a, b| b.0.cmp_precedence(&a.0).then(a.1.cmp(b.1)));
    let top = higher[0].0.clone();
    let forms: Vec<String> = higher.iter().map(|(_, f)| format!("`{f}`")).collect();
    vec![
        Diagnostic::error(
            "form-version-lower",
            format!(
                "sop.version {sop} is lower than {top}, under which {} {} last built ({FILE}): ODK would receive lower form versions",
                forms.join(", "),
                if forms.len() == 1 { "was" } else { "were" },
            ),
        )
        .with_help(format!("raise `sop.version` above {top}"))
        .at(map.value("/sop/version")),
    ]
}
