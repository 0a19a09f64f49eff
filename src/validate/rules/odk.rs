//! `[forms.odk]`: the encryption key must be a base64 RSA public key, a submission URL
//! needs a key, and forms with highly confidential fields should be encrypted.

use base64::Engine;

use super::Context;
use crate::config::{Config, Sensitivity, SourceMap};
use crate::diagnostic::Diagnostic;
use crate::forms::case_list;
use crate::forms::resolve::{FormSet, all_fields};

pub fn check(cx: &mut Context<'_>) {
    let odk = &cx.config.forms.odk;
    if let Some(key) = &odk.public_key
        && let Err(why) = check_key(key)
    {
        cx.error(
            "invalid-public-key",
            "/forms/odk/public_key",
            format!("`public_key` is not a base64 RSA public key: {why}"),
            "paste the public key's base64 text on one line, without the `-----BEGIN PUBLIC KEY-----` and `-----END PUBLIC KEY-----` lines",
        );
    }
    if odk.public_key.is_none() && odk.submission_url.is_some() {
        cx.error(
            "invalid-value",
            "/forms/odk/submission_url",
            "`submission_url` is set without `public_key`",
            "set `public_key` too, or leave `submission_url` out: forms are sent to the server they came from",
        );
    }
    if let Some(url) = &odk.submission_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        cx.error(
            "invalid-value",
            "/forms/odk/submission_url",
            format!("`submission_url` `{url}` is not an http(s) address"),
            "write the full address, e.g. `https://central.example.org/v1/key/…/projects/1/submission`",
        );
    }
}

/// Why `key` is not a base64 DER public key, if it is not. An RSA key's DER starts with a
/// SEQUENCE (0x30) and is at least a few dozen bytes long.
fn check_key(key: &str) -> Result<(), String> {
    let key = key.trim();
    if key.contains("-----") {
        return Err("it holds PEM header lines".into());
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
    {
        return Err(format!("it holds {c:?}, which base64 does not use"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key)
        .map_err(|e| e.to_string())?;
    if bytes.len() < 32 || bytes[0] != 0x30 {
        return Err("the decoded bytes are not a DER-encoded public key".into());
    }
    Ok(())
}

/// Forms with highly confidential fields that are not encrypted: one warning that names
/// them all, with the fields of each, so a country is told once, not once a form. With
/// the case list on, the forms that change it stay unencrypted even with a key: Central
/// must read their submissions to update the list.
pub fn check_encryption(config: &Config, forms: &FormSet, map: &SourceMap) -> Vec<Diagnostic> {
    let odk = &config.forms.odk;
    let location = map.value("/forms/odk").or_else(|| map.value("/forms"));
    let exposed: Vec<String> = forms
        .forms
        .iter()
        .filter(|form| !case_list::encrypted(&config.forms.odk, form))
        .filter_map(|form| {
            let fields: Vec<String> = all_fields(form)
                .into_iter()
                .filter(|f| f.sensitivity == Sensitivity::HighlyConfidential)
                .map(|f| format!("`{}`", f.id))
                .collect();
            if fields.is_empty() {
                return None;
            }
            let shown = if fields.len() > 3 {
                format!("{} and {} more", fields[..3].join(", "), fields.len() - 3)
            } else {
                fields.join(", ")
            };
            Some(format!("`{}` ({shown})", form.id))
        })
        .collect();
    if exposed.is_empty() {
        return Vec::new();
    }
    let (why, help) = match (&odk.public_key, odk.entities) {
        (Some(_), _) => (
            "change the case list, so they are not encrypted,",
            "ODK Central must read these submissions to add or update cases: restrict the project on Central to the caseworkers of these cases and lock and encrypt the phones, or set `entities = false` to encrypt every form",
        ),
        (None, true) => (
            "are not encrypted",
            "set `[forms.odk] public_key` to encrypt the forms that only read the case list; the forms that change it stay readable by Central, so restrict the project to the caseworkers of these cases",
        ),
        (None, false) => (
            "are not encrypted",
            "set `[forms.odk] public_key` to the base64 RSA public key of your ODK Central project (or KoboToolbox encryption key)",
        ),
    };
    vec![
        Diagnostic::warning(
            "unencrypted-form",
            format!(
                "{} XLSForm(s) collect highly confidential fields and {why}: {}",
                exposed.len(),
                exposed.join("; ")
            ),
        )
        .with_help(help)
        .at(location),
    ]
}

/// With the case list on, one selected form must open cases, or the list stays empty.
pub fn check_case_list(config: &Config, forms: &FormSet, map: &SourceMap) -> Vec<Diagnostic> {
    if !config.forms.odk.entities
        || forms
            .forms
            .iter()
            .any(|f| matches!(case_list::role(f), case_list::Role::Opens))
    {
        return Vec::new();
    }
    let location = map
        .value("/forms/odk/entities")
        .or_else(|| map.value("/forms/odk"));
    vec![
        Diagnostic::warning(
            "case-list-without-registration",
            "the case list is on, but no selected form opens cases: the list holds only the cases uploaded to ODK Central",
        )
        .with_help("add `registration_intake` to `forms.selected`, or upload the cases to the entity list `cases` on Central")
        .at(location),
    ]
}

#[cfg(test)]
mod tests {
    use super::check_key;
    use crate::validate::rules::test_support::{MINIMAL, codes_for};

    /// A real 2048-bit RSA public key (SubjectPublicKeyInfo), made for these tests; its
    /// private key was not kept.
    pub const KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7Zm7t6QheR8XAPtiLNJg1qwpEJxEN3FQP0kc9PQRZ6XinHKSuL8YU/7H/hv/UrwirgFzlEGAjvaQ+NcvWiRS5/PIP8ixo3kLdZ8Kl8hwrKr+FcUWJVzuma7IISuDzxXPVbpC/sOC326kcuxqMx29Fofikva1EB7Oloqu4Lxb5lVqI1kNypxdd+ZIQ1j5NGdBD5JtZEYwYHyym+PBW/pT/Blj8oKt+t/O5fVcurToI0BxAXdq+dxgMZOBikrT+3WP+EXIO1rxCt3/3eUSjhwzNoDbNtaieXaRx2u1Sf3lf5s2YGV3bg/kE461Jkfup/hQX06vgltpRTlkXydiZWIe9wIDAQAB";

    #[test]
    fn a_real_key_passes_and_broken_ones_do_not() {
        assert_eq!(check_key(KEY), Ok(()));
        assert!(check_key("not base64!").is_err());
        assert!(check_key("QUJD").is_err(), "base64 of ABC is no key");
        assert!(check_key(&format!("-----BEGIN PUBLIC KEY-----{KEY}")).is_err());
        assert!(check_key(&KEY[1..]).is_err(), "a truncated key");
    }

    #[test]
    fn a_bad_key_is_an_error_and_a_url_needs_a_key() {
        let with = |odk: &str| format!("{MINIMAL}\n[forms.odk]\n{odk}\n");
        assert!(codes_for(&with("public_key = \"abc$\"")).contains(&"invalid-public-key"));
        assert!(
            !codes_for(&with(&format!("public_key = \"{KEY}\""))).contains(&"invalid-public-key")
        );
        assert!(
            codes_for(&with("submission_url = \"https://x.org/s\"")).contains(&"invalid-value")
        );
    }
}
