//! A large operation (`tests/support/operation.rs`): 200 services on every run, 2,000
//! with `--ignored`. The outputs must hold the whole directory once, and the printed
//! referral form must not grow with it. Time and memory are measured by
//! `cargo bench --bench scale`, not here.

use std::path::Path;

use crate::form_pdfs::{chad, page_texts, poppler};
use crate::operation;

/// Builds the generated operation in English (the SOP and the printed forms) and checks
/// what a user of a large operation relies on.
fn build_and_check(services: usize) {
    let dir = tempfile::tempdir().unwrap();
    let config = operation::write(&dir.path().join("operation"), services).unwrap();
    let out = dir.path().join("out");
    let options = bipgen::BuildOptions {
        selection: bipgen::pack::Selection {
            parts: [bipgen::pack::Part::Sop, bipgen::pack::Part::Forms].into(),
            languages: ["en".to_owned()].into(),
        },
        ..bipgen::BuildOptions::default()
    };
    let (checked, result) = bipgen::build(&config, &out, options, &|_| {});
    let summary = result.unwrap_or_else(|e| panic!("{e} {:#?}", checked.diagnostics));
    assert_eq!(checked.warnings().count(), 0, "{:#?}", checked.diagnostics);

    // Files: the SOP's four formats, a chart per pathway (12 areas × 30 concerns) and the
    // two general charts; beyond 500 services, each area's directory in the same four
    // formats; each form once, and the pack.
    let by_area = services > 500;
    let forms = chad_forms();
    let count = |prefix: &str| {
        summary
            .files
            .iter()
            .filter(|f| f.path.starts_with(prefix))
            .count()
    };
    let volumes = if by_area {
        4 * operation::AREA_COUNT
    } else {
        0
    };
    assert_eq!(count("sop/en/directory/"), volumes, "directory files");
    assert_eq!(count("sop/en/") - volumes, 4 + 360 + 2, "SOP files");
    let form_files = summary
        .files
        .iter()
        .filter(|f| f.path.starts_with("forms/"))
        .count();
    assert_eq!(form_files, forms + 1, "printed form files");

    // The directory is in the SOP once: every service's row, and its contact row. By
    // area, a service is in its area's document, or in every area's if it serves them all.
    let markdown = std::fs::read_to_string(out.join("sop/en/sop.md")).unwrap();
    let volume = |area: &str| {
        std::fs::read_to_string(out.join(format!("sop/en/directory/{area}.md"))).unwrap()
    };
    for i in [0, 9, services / 2, services - 1] {
        let email = format!("point{i}@");
        let in_sop = markdown.matches(&email).count();
        if !by_area {
            assert_eq!(
                in_sop, 1,
                "service {i}'s email is not in the SOP exactly once"
            );
            continue;
        }
        assert_eq!(
            in_sop, 0,
            "service {i} is in the SOP as well as its area's document"
        );
        match operation::service_area_id(i) {
            Some(area) => assert_eq!(volume(area).matches(&email).count(), 1, "service {i}"),
            None => assert!(
                summary
                    .files
                    .iter()
                    .filter(|f| f.path.starts_with("sop/en/directory/") && f.path.ends_with(".md"))
                    .all(|f| std::fs::read_to_string(out.join(&f.path))
                        .unwrap()
                        .contains(&email)),
                "service {i} serves every area but is missing from an area's document"
            ),
        }
    }

    if !poppler("pdfinfo") {
        return;
    }
    // The referral form prints the same pages as Chad's, whose directory has 16 services.
    let referral = page_texts(&out.join("forms/referral/en.pdf")).len();
    let chad_referral = page_texts(&chad().join("forms/referral/en.pdf")).len();
    assert_eq!(
        referral, chad_referral,
        "the referral grew with the directory"
    );
    // The SOP, or by area the service's area document, prints one of the last services
    // (one that serves a single area).
    let sop = page_texts(&out.join("sop/en/sop.pdf"));
    let late = services - 2;
    let last = format!("point{late}@");
    let printed = if by_area {
        let area = operation::service_area_id(late).expect("service serves one area");
        page_texts(&out.join(format!("sop/en/directory/{area}.pdf")))
    } else {
        sop.clone()
    };
    assert!(
        printed.iter().any(|page| page.contains(&last)),
        "the PDF does not print service {late}"
    );
    let chad_sop = page_texts(&chad().join("sop/en/sop.pdf")).len();
    assert!(
        sop.len() > chad_sop,
        "{} pages for {services} services, {chad_sop} for Chad's 16",
        sop.len()
    );
}

/// The number of forms the Chad example prints.
fn chad_forms() -> usize {
    std::fs::read_dir(chad().join("forms"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count()
}

#[test]
fn two_hundred_services_build_with_the_directory_once_and_the_referral_unchanged() {
    build_and_check(200);
}

#[test]
#[ignore = "2,000 services: about a minute in a debug build; run with --ignored"]
fn two_thousand_services_build_with_the_directory_once_and_the_referral_unchanged() {
    build_and_check(2_000);
}

#[test]
fn the_generator_writes_the_same_operation_twice() {
    let dir = tempfile::tempdir().unwrap();
    let a = operation::write(&dir.path().join("a"), 300).unwrap();
    let b = operation::write(&dir.path().join("b"), 300).unwrap();
    let read = |config: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(config.parent().unwrap())
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&path).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(read(&a), read(&b));
}
