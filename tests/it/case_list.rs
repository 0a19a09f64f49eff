//! The case list on phones (`[forms.odk] entities = true`), checked in the XForms pyxform
//! makes of bipgen's XLSForms: registration creates the case, every other case form picks
//! it from the list instead of typing its id, the forms that set the risk level or close
//! the case update it, and a key encrypts only the forms Central need not read.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::tool;

/// A 2048-bit RSA public key made for the tests (its private key was not kept).
const PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7Zm7t6QheR8XAPtiLNJg1qwpEJxEN3FQP0kc9PQRZ6XinHKSuL8YU/7H/hv/UrwirgFzlEGAjvaQ+NcvWiRS5/PIP8ixo3kLdZ8Kl8hwrKr+FcUWJVzuma7IISuDzxXPVbpC/sOC326kcuxqMx29Fofikva1EB7Oloqu4Lxb5lVqI1kNypxdd+ZIQ1j5NGdBD5JtZEYwYHyym+PBW/pT/Blj8oKt+t/O5fVcurToI0BxAXdq+dxgMZOBikrT+3WP+EXIO1rxCt3/3eUSjhwzNoDbNtaieXaRx2u1Sf3lf5s2YGV3bg/kE461Jkfup/hQX06vgltpRTlkXydiZWIe9wIDAQAB";

const ENTITIES_NS: &str = "http://www.opendatakit.org/xforms/entities";

fn minimal_with(dir: &Path, extra: &str) -> PathBuf {
    let config = dir.join("country.toml");
    let text = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    std::fs::write(&config, format!("{text}\n{extra}\n")).unwrap();
    config
}

/// Each form's XForm, as pyxform (with ODK Validate) writes it from bipgen's XLSForm.
fn xforms(xls2xform: &Path, out: &Path, scratch: &Path) -> Vec<(String, String)> {
    let mut forms: Vec<PathBuf> = std::fs::read_dir(out.join("xlsform"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    forms.sort();
    forms
        .iter()
        .map(|form| {
            let id = form.file_stem().unwrap().to_string_lossy().into_owned();
            let xml = scratch.join(format!("{id}.xml"));
            let output = Command::new(xls2xform)
                .arg("--json")
                .arg(form)
                .arg(&xml)
                .output()
                .unwrap();
            let report = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(
                report.contains("\"code\": 100") && report.contains("\"warnings\": []"),
                "{id}: {report}"
            );
            (id, std::fs::read_to_string(&xml).unwrap())
        })
        .collect()
}

#[test]
fn registration_opens_the_case_and_the_other_case_forms_pick_and_update_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = minimal_with(
        dir.path(),
        &format!("[forms.odk]\nentities = true\npublic_key = \"{PUBLIC_KEY}\""),
    );
    let out = dir.path().join("out");
    let (checked, result) = bipgen::build(&config, &out, bipgen::BuildOptions::default(), &|_| {});
    assert!(result.is_ok(), "{:#?}", checked.diagnostics);
    // The forms that change the list cannot be encrypted, and check says so.
    let warning = checked
        .warnings()
        .find(|d| d.code == "unencrypted-form")
        .expect("a warning about the forms left unencrypted");
    assert!(
        warning.message.contains("registration_intake")
            && warning.message.contains("change the case list"),
        "{}",
        warning.message
    );
    let Some(xls2xform) = tool("xls2xform") else {
        return;
    };
    let mut picking = 0;
    let mut updating = Vec::new();
    for (id, xml) in xforms(&xls2xform, &out, dir.path()) {
        let document = roxmltree::Document::parse(&xml).unwrap();
        let binds: Vec<_> = document
            .descendants()
            .filter(|n| n.has_tag_name("bind"))
            .collect();
        let bind = |path_end: &str| {
            binds
                .iter()
                .find(|b| {
                    b.attribute("nodeset")
                        .is_some_and(|p| p.ends_with(path_end))
                })
                .copied()
        };
        let entity = document.descendants().find(|n| n.has_tag_name("entity"));
        let encrypted = document
            .descendants()
            .any(|n| n.has_tag_name("submission") && n.attribute("base64RsaPublicKey").is_some());
        let reads_list = document.descendants().any(|n| {
            n.has_tag_name("instance")
                && n.attribute("id") == Some("cases")
                && n.attribute("src") == Some("jr://file-csv/cases.csv")
        });
        let saved: Vec<&str> = binds
            .iter()
            .filter_map(|b| b.attribute((ENTITIES_NS, "saveto")))
            .collect();
        assert_eq!(crate::xform_lint::lint(&xml), [], "{id}");
        match id.as_str() {
            "registration_intake" => {
                let entity = entity.expect("registration declares the case");
                assert_eq!(entity.attribute("dataset"), Some("cases"));
                assert_eq!(entity.attribute("create"), Some("1"));
                let mut saved = saved.clone();
                saved.sort_unstable();
                assert_eq!(
                    saved,
                    [
                        "area",
                        "case_id",
                        "family_name",
                        "given_name",
                        "risk_level",
                        "status"
                    ]
                );
                assert!(!reads_list && !encrypted);
            }
            "confidentiality_undertaking" | "temporary_care_checklist" => {
                assert!(!reads_list && entity.is_none() && encrypted, "{id}");
            }
            _ => {
                // The case is picked from the list, and its id read from it.
                assert!(reads_list, "{id} reads the case list");
                let pick = document
                    .descendants()
                    .find(|n| {
                        n.has_tag_name("select1")
                            && n.attribute("ref")
                                .is_some_and(|r| r.ends_with("/case_entity"))
                    })
                    .unwrap_or_else(|| panic!("{id}: no case picker"));
                assert_eq!(pick.attribute("appearance"), Some("autocomplete"));
                let case_id = bind("/case_id").unwrap_or_else(|| panic!("{id}: no case_id"));
                assert!(
                    case_id
                        .attribute("calculate")
                        .is_some_and(|c| c.contains("instance('cases')")),
                    "{id}: the case id comes from the list"
                );
                assert!(
                    !document.descendants().any(|n| n.has_tag_name("input")
                        && n.attribute("ref").is_some_and(|r| r.ends_with("/case_id"))),
                    "{id}: the case id is not typed"
                );
                match entity {
                    Some(entity) => {
                        assert_eq!(entity.attribute("dataset"), Some("cases"));
                        assert!(entity.attribute("update").is_some(), "{id}");
                        assert!(
                            bind("/meta/entity/@id")
                                .and_then(|b| b.attribute("calculate"))
                                .is_some_and(|c| c.trim().ends_with("/case_entity")),
                            "{id}: updates the case picked"
                        );
                        assert!(saved.contains(&"risk_level") || saved.contains(&"status"));
                        assert!(!encrypted, "{id} changes the list: Central must read it");
                        updating.push(id.clone());
                    }
                    None => {
                        assert!(saved.is_empty(), "{id}");
                        assert!(encrypted, "{id} only reads the list: it is encrypted");
                    }
                }
                picking += 1;
            }
        }
    }
    assert!(picking >= 15, "only {picking} forms pick the case");
    for id in [
        "bia_short",
        "bia_comprehensive",
        "case_plan",
        "case_conference",
        "follow_up_review",
        "case_closure",
    ] {
        assert!(updating.iter().any(|u| u == id), "{id} updates the case");
    }
}

#[test]
fn a_form_field_cannot_take_a_case_list_name() {
    let dir = tempfile::tempdir().unwrap();
    let config = minimal_with(
        dir.path(),
        "[[forms.tailoring.referral.add]]\nsection = \"referral_details\"\n[[forms.tailoring.referral.add.fields]]\nid = \"case_entity\"\ntype = \"text\"\nlabel = \"Case\"\nsensitivity = \"internal\"",
    );
    let checked = bipgen::check(&config);
    let error = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "duplicate-id")
        .unwrap_or_else(|| panic!("{:#?}", checked.diagnostics));
    assert!(error.message.contains("reserved"), "{}", error.message);
    let json = error.to_json(&checked.sources);
    assert!(json.line.is_some(), "located");
}
