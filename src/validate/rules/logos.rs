//! Logos printed in form headers: files inside the configuration's folder, in a format
//! the printed forms can embed.

use super::Context;
use crate::config::assets::Unread;

const FORMATS: &[&str] = &["png", "jpg", "jpeg", "svg"];

pub fn check(cx: &mut Context<'_>) {
    for (i, logo) in cx.config.forms.header.logos.iter().enumerate() {
        let pointer = format!("/forms/header/logos/{i}");
        let extension = std::path::Path::new(logo)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if !FORMATS.contains(&extension.as_str()) {
            cx.error(
                "invalid-value",
                &pointer,
                format!("`{logo}` is not a PNG, JPEG or SVG image"),
                "convert the logo to PNG or SVG",
            );
            continue;
        }
        let read = cx.assets.logos.get(logo).cloned();
        match read.unwrap_or(Err(Unread::NotFound)) {
            Err(Unread::Outside(why)) => cx.error(
                "file-outside-folder",
                &pointer,
                format!("cannot use `{logo}`: {why}"),
                "copy the logo into the configuration's folder, e.g. `logos/unhcr.png`",
            ),
            Err(Unread::NotFound) => cx.error(
                "file-not-found",
                &pointer,
                format!("`{logo}` does not exist in the configuration's folder"),
                "logo paths are relative to the folder of the main configuration file",
            ),
            read => {
                let decoded = read
                    .map_err(|why| why.to_string())
                    .and_then(|file| crate::typeset::check_image(&file.bytes, &extension));
                if let Err(why) = decoded {
                    cx.error(
                        "invalid-value",
                        &pointer,
                        format!(
                            "`{logo}` cannot be read as a {} image: {why}",
                            extension.to_ascii_uppercase()
                        ),
                        "export the logo again as PNG or SVG and check that it opens",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, codes_for};

    #[test]
    fn logos_must_be_images_inside_the_folder() {
        let with = |path: &str| format!("{MINIMAL}\n[forms.header]\nlogos = [\"{path}\"]\n");
        assert!(codes_for(&with("../../etc/logo.png")).contains(&"file-outside-folder"));
        assert!(codes_for(&with("logos/missing.png")).contains(&"file-not-found"));
        assert!(codes_for(&with("logo.exe")).contains(&"invalid-value"));
    }

    #[test]
    fn a_logo_that_does_not_decode_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fake.png"), "not a picture").unwrap();
        std::fs::write(dir.path().join("fake.svg"), "<svg").unwrap();
        for logo in ["fake.png", "fake.svg"] {
            let config = dir.path().join("country.toml");
            std::fs::write(
                &config,
                format!("{MINIMAL}\n[forms.header]\nlogos = [\"{logo}\"]\n"),
            )
            .unwrap();
            let checked = crate::check(&config);
            let found: Vec<_> = checked
                .diagnostics
                .iter()
                .filter(|d| d.code == "invalid-value" && d.message.contains(logo))
                .collect();
            assert_eq!(found.len(), 1, "{logo}: {:#?}", checked.diagnostics);
        }
    }
}
