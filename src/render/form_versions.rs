//! The `version` of each XLSForm, and `form-versions.json`, the record that keeps it unique.
//!
//! ODK Central keeps `(form id, version)` forever and refuses to publish a changed form
//! under a version it has seen, so a version must never name two different forms. The
//! version is the SOP version (semantic version, build metadata left out) for the first
//! content a form has under that SOP version; each later change of content under the same
//! SOP version adds a revision: `1.0.0`, then `1.0.0_r1`, `1.0.0_r2`… (`_` never occurs in
//! a semantic version, so no two versions are spelt alike).
//!
//! Versions are ordered by the SOP version's semantic-version precedence
//! (`1.1.0-rc.1` < `1.1.0` < `1.99.99` < `1.100.0`), then by the revision (none = 0). The
//! effective date plays no part: a later SOP version with an earlier date is still higher.
//!
//! What each form last looked like is recorded beside the configuration in
//! `form-versions.json` (SOP version, revision and a sha256 of the XLSForm's cells), which
//! `build` writes and the country team commits with the configuration. A build whose SOP
//! version is lower than the recorded one is refused: ODK would see a lower version.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Version;
use crate::pack::Pack;

pub use crate::config::form_versions::{Entry, FILE, Record, folder, load};

const COMMENT: &str = "Written by bipgen build: the XLSForm version of each form and a fingerprint of its content, so that a changed form always gets a new, higher version. Commit this file with the configuration.";

/// The SOP version without build metadata: the part that orders.
fn base(sop: &semver::Version) -> semver::Version {
    semver::Version {
        build: semver::BuildMetadata::EMPTY,
        ..sop.clone()
    }
}

/// The version a form gets from the SOP version and a revision.
pub fn spell(sop: &semver::Version, revision: u64) -> String {
    if revision == 0 {
        base(sop).to_string()
    } else {
        format!("{}_r{revision}", base(sop))
    }
}

/// The version of a form with no record: revision 0.
pub fn first_version(sop: &Version) -> String {
    spell(&sop.0, 0)
}

/// Reads a version back into what orders it: the SOP version and the revision. `None`
/// for a string this module does not write.
pub fn parse(version: &str) -> Option<(semver::Version, u64)> {
    let (sop, revision) = match version.split_once("_r") {
        Some((sop, revision)) => (sop, revision.parse::<u64>().ok().filter(|r| *r > 0)?),
        None => (version, 0),
    };
    let sop = semver::Version::parse(sop).ok()?;
    sop.build.is_empty().then_some((sop, revision))
}

/// The documented order of two versions this module wrote.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parse(a)?, parse(b)?);
    Some(a.0.cmp_precedence(&b.0).then(a.1.cmp(&b.1)))
}

/// The record as [`save`] writes it.
pub fn to_bytes(record: &Record) -> Vec<u8> {
    // Plain data always serialises.
    let mut bytes = serde_json::to_vec_pretty(record).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Writes the record through a temporary file, so a reader never sees half of it.
pub fn save(dir: &Path, record: &Record) -> Result<(), String> {
    let dir = folder(dir);
    let path = dir.join(FILE);
    let bytes = to_bytes(record);
    let temporary = tempfile::NamedTempFile::new_in(dir)
        .and_then(|mut file| {
            std::io::Write::write_all(&mut file, &bytes)?;
            Ok(file)
        })
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    temporary
        .persist(&path)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The version of one form whose content has fingerprint `content`, and its new entry.
pub fn assign(
    previous: Option<&Entry>,
    form: &str,
    sop: &semver::Version,
    content: &str,
) -> Result<Entry, String> {
    let revision = match previous {
        None => 0,
        Some(entry) => {
            let recorded = semver::Version::parse(&entry.sop_version).map_err(|e| {
                format!(
                    "{FILE}: form `{form}`: `{}` is not a version: {e}",
                    entry.sop_version
                )
            })?;
            match sop.cmp_precedence(&recorded) {
                Ordering::Greater => 0,
                Ordering::Equal if entry.content == content => entry.revision,
                Ordering::Equal => entry.revision.checked_add(1).ok_or_else(|| {
                    format!("{FILE}: form `{form}` has run out of revisions: raise sop.version")
                })?,
                Ordering::Less => {
                    return Err(format!(
                        "sop.version {sop} is lower than {recorded}, under which form `{form}` was last built ({FILE}): ODK would receive a lower form version. Raise sop.version above {recorded}"
                    ));
                }
            }
        }
    };
    Ok(Entry {
        sop_version: base(sop).to_string(),
        revision,
        content: content.to_owned(),
        version: spell(sop, revision),
    })
}

/// Every form's version for this pack, and the record to write after the build. Forms not
/// built this time keep their entries.
pub fn assign_all(
    pack: &Pack,
    record: &Record,
) -> Result<(BTreeMap<String, String>, Record), String> {
    let sop = &pack.config.sop.version.0;
    let mut next = Record {
        comment: COMMENT.into(),
        forms: record.forms.clone(),
    };
    let mut versions = BTreeMap::new();
    for form in &pack.forms.forms {
        let id = form.id.to_string();
        let fingerprint = super::xlsform::content(form, pack).fingerprint();
        let entry = assign(record.forms.get(&id), &id, sop, &fingerprint)?;
        versions.insert(id.clone(), entry.version.clone());
        next.forms.insert(id, entry);
    }
    Ok((versions, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    #[test]
    fn the_order_follows_semver_precedence_then_the_revision() {
        let ordered = [
            "1.0.0",
            "1.0.0_r1",
            "1.0.0_r2",
            "1.0.0_r10",
            "1.1.0-rc.1",
            "1.1.0-rc.1_r1",
            "1.1.0-rc.2",
            "1.1.0",
            "1.99.99",
            "1.100.0",
            "2.0.0",
        ];
        for pair in ordered.windows(2) {
            assert_eq!(
                compare(pair[0], pair[1]),
                Some(Ordering::Less),
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
        assert_eq!(parse("1.0.0_r0"), None);
        assert_eq!(parse("20260301010000"), None);
    }

    #[test]
    fn a_changed_form_gets_the_next_revision_and_a_new_sop_version_starts_again() {
        let first = assign(None, "f", &v("1.0.0"), "a").unwrap();
        assert_eq!(first.version, "1.0.0");
        let same = assign(Some(&first), "f", &v("1.0.0+build.7"), "a").unwrap();
        assert_eq!(same.version, "1.0.0");
        let changed = assign(Some(&first), "f", &v("1.0.0"), "b").unwrap();
        assert_eq!(changed.version, "1.0.0_r1");
        let back = assign(Some(&changed), "f", &v("1.0.0"), "a").unwrap();
        assert_eq!(back.version, "1.0.0_r2");
        let bumped = assign(Some(&back), "f", &v("1.0.1"), "a").unwrap();
        assert_eq!(bumped.version, "1.0.1");
        let lower = assign(Some(&bumped), "f", &v("1.0.1-rc.1"), "a").unwrap_err();
        assert!(lower.contains("lower than 1.0.1"), "{lower}");
    }
}
