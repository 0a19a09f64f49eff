//! The service directory by area (`[sop] service_directory = "by_area"`): one document
//! per area beside the SOP, each with exactly the services that serve its area, and the
//! SOP listing the documents instead of printing the directory.

use std::path::Path;

use crate::form_pdfs::{page_texts, poppler};
use crate::operation;

/// Chad with its directory by area, built in English (the SOP only).
fn build_by_area(dir: &Path) -> (bipgen::config::Config, std::path::PathBuf) {
    let config = operation::copy_chad(&dir.join("chad")).unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen("[sop]\n", "[sop]\nservice_directory = \"by_area\"\n", 1);
    std::fs::write(&config, text).unwrap();
    let out = dir.join("out");
    let options = bipgen::BuildOptions {
        selection: bipgen::pack::Selection {
            parts: [bipgen::pack::Part::Sop, bipgen::pack::Part::Config].into(),
            languages: ["en".to_owned()].into(),
        },
        ..bipgen::BuildOptions::default()
    };
    let (checked, result) = bipgen::build(&config, &out, options, &|_| {});
    result.unwrap_or_else(|e| panic!("{e} {:#?}", checked.diagnostics));
    let read = bipgen::check(&config).config;
    (read.expect("the configuration was read"), out)
}

/// A configuration text in English, as the Markdown shows it (between isolates).
fn shown(text: &bipgen::config::Text) -> String {
    format!("\u{2068}{}\u{2069}", text.get("en", "fr").unwrap())
}

#[test]
fn each_area_gets_the_services_that_serve_it_and_the_sop_lists_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (config, out) = build_by_area(dir.path());
    assert!(!config.areas.is_empty());
    let sop = std::fs::read_to_string(out.join("sop/en/sop.md")).unwrap();
    assert!(
        !sop.contains("| Service | Provider |"),
        "the SOP still prints the directory's table"
    );
    let resolved = std::fs::read_to_string(out.join("config/resolved.json")).unwrap();
    assert!(resolved.contains("\"service_directory\": \"by_area\""));

    for area in &config.areas {
        let volume = out.join(format!("sop/en/directory/{}", area.id));
        for extension in ["md", "html", "pdf", "docx"] {
            assert!(
                volume.with_extension(extension).is_file(),
                "no {extension} for {}",
                area.id
            );
        }
        let markdown = std::fs::read_to_string(volume.with_extension("md")).unwrap();
        assert!(markdown.starts_with(&format!("# Service directory: {}", shown(&area.name))));
        let mut expected = 0;
        for service in &config.services {
            let serves = service.areas.is_empty() || service.areas.contains(&area.id);
            let name = format!("**{}**", shown(&service.name));
            assert_eq!(
                markdown.matches(&name).count(),
                usize::from(serves),
                "{} in the directory of {}",
                service.id,
                area.id
            );
            expected += usize::from(serves);
        }
        // The SOP's list of documents: the area, its number of services, the file.
        let row = format!(
            "| {} | {expected} | directory/{}.pdf |",
            shown(&area.name),
            area.id.as_str().replace('_', "\\_")
        );
        assert!(sop.contains(&row), "the SOP does not list {row}");
    }

    if !poppler("pdftotext") {
        return;
    }
    // A printed area document: its own title, and a service that serves the area.
    let area = &config.areas[0];
    let pages = page_texts(&out.join(format!("sop/en/directory/{}.pdf", area.id)));
    let service = config
        .services
        .iter()
        .find(|s| s.areas.contains(&area.id))
        .or(config.services.first())
        .unwrap();
    let name = service.name.get("en", "fr").unwrap();
    assert!(pages[0].contains("Service directory"), "{}", pages[0]);
    assert!(
        pages.iter().any(|p| p.contains(name)),
        "{name} is not printed in {}'s directory",
        area.id
    );
}

#[test]
fn check_tries_a_countrys_own_directory_template_even_while_the_sop_prints_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let config = operation::copy_chad(&dir.path().join("chad")).unwrap();
    let templates = config.parent().unwrap().join("templates/sop");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("directory.md"),
        "# {{ t(k=\"directory.title\", area=\"x\") }}\n\n{{ volume.no_such_field.name }}\n",
    )
    .unwrap();
    // As `bipgen check` does: the configuration, then the country's own templates.
    let mut checked = bipgen::check(&config);
    bipgen::trial::check_templates(&mut checked, &config);
    let error = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "template-error")
        .unwrap_or_else(|| panic!("no template-error: {:#?}", checked.diagnostics));
    let shown = format!("{error:?}");
    assert!(shown.contains("directory.md"), "{shown}");
}
