//! The HTML SOP against WCAG 2.2 AA, as axe-core (installed in `.ci/node` by
//! `.ci/run`) checks it in headless Chromium: zero violations of the WCAG 2.0 to 2.2
//! A and AA rules, and none of `aria-allowed-role`. Also at a 320 px wide screen, where
//! wide tables must scroll inside their own labelled region, not the page.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::form_pdfs::chad;
use crate::serve_browser::{connect, start_driver};

const WCAG: [&str; 6] = [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
];

fn axe_source() -> Option<String> {
    let path = Path::new(".ci/node/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(path) {
        Ok(source) => Some(source),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "axe-core is not installed in .ci/node; .ci/run installs it"
            );
            eprintln!("skipping: axe-core is not installed (bash .ci/run installs it)");
            None
        }
    }
}

/// What axe reports as violations, one line per rule with its first nodes.
async fn violations(client: &fantoccini::Client, axe: &str, options: Value) -> Vec<String> {
    client
        .execute(&format!("{axe}\nreturn true;"), Vec::new())
        .await
        .unwrap();
    let found = client
        .execute_async(
            "const [options, done] = arguments;
             axe.run(document, options).then(result => done(result.violations.map(v =>
               v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n =>
                 n.target.join(' ') + ' ' + n.html.slice(0, 160)).join(' | '))));",
            vec![options],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

#[test]
fn the_html_sop_passes_axe_in_french_and_arabic() {
    let Some(chromedriver) = crate::support::tool("chromedriver") else {
        return;
    };
    let Some(chromium) = crate::support::tool("chromium") else {
        return;
    };
    let Some(axe) = axe_source() else { return };
    let pages: Vec<PathBuf> = ["fr", "ar"]
        .iter()
        .map(|lang| std::fs::canonicalize(chad().join("sop").join(lang).join("sop.html")).unwrap())
        .collect();
    let profile = tempfile::tempdir().unwrap();
    let (_driver, port) = start_driver(&chromedriver);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = connect(port, &chromium, profile.path()).await;
        client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(std::time::Duration::from_secs(300)),
                None,
                None,
            ))
            .await
            .unwrap();
        let mut problems = Vec::new();
        for page in &pages {
            for width in [1200, 320] {
                client.set_window_size(width, 900).await.unwrap();
                client
                    .goto(&format!("file://{}", page.display()))
                    .await
                    .unwrap();
                let wcag = json!({ "runOnly": { "type": "tag", "values": WCAG } });
                let role =
                    json!({ "runOnly": { "type": "rule", "values": ["aria-allowed-role"] } });
                for options in [wcag, role] {
                    for violation in violations(&client, &axe, options).await {
                        problems.push(format!("{} at {width} px: {violation}", page.display()));
                    }
                }
                // Nothing but a table's own scroll region may be wider than the screen.
                let overflow = client
                    .execute(
                        "return document.documentElement.scrollWidth > window.innerWidth + 1;",
                        Vec::new(),
                    )
                    .await
                    .unwrap();
                if overflow == Value::Bool(true) {
                    problems.push(format!(
                        "{}: the page scrolls sideways at {width} px",
                        page.display()
                    ));
                }
            }
        }
        client.close().await.unwrap();
        assert!(problems.is_empty(), "axe found:\n{}", problems.join("\n"));
    });
}

#[test]
fn html_figures_point_to_their_steps_and_notices_are_notes() {
    for lang in ["en", "fr", "ar"] {
        let html = std::fs::read_to_string(chad().join("sop").join(lang).join("sop.html")).unwrap();
        let figures: Vec<&str> = html
            .match_indices("<figure ")
            .map(|(at, _)| &html[at..])
            .collect();
        assert!(figures.len() >= 3, "{lang}: {} figures", figures.len());
        for figure in figures {
            let id = figure
                .strip_prefix("<figure aria-describedby=\"")
                .and_then(|rest| rest.split_once('"'))
                .map(|(id, _)| id)
                .unwrap_or_else(|| panic!("{lang}: a figure without aria-describedby"));
            let details = html
                .find(&format!("<details class=\"chart-text\" id=\"{id}\">"))
                .unwrap_or_else(|| panic!("{lang}: {id} names no <details>"));
            let list = &html[details..details + html[details..].find("</details>").unwrap()];
            assert!(list.matches("<li>").count() >= 3, "{lang}: {id}: {list}");
        }
        assert!(
            !html.contains("role=\"group\""),
            "{lang}: figure role=group"
        );
        assert!(
            !html.contains("<blockquote"),
            "{lang}: the draft notice is a quotation"
        );
        assert!(
            html.contains("<div class=\"notice\" role=\"note\">"),
            "{lang}: no notice"
        );
        assert!(
            html.contains("<th scope=\"row\">"),
            "{lang}: no row headers"
        );
        assert!(
            html.contains("body::before { content: ") && html.contains(" / \"\"; }"),
            "{lang}: the watermark is read aloud"
        );
    }
}

/// The Chad example with Arabic falling back to French, and one organisation's name
/// left untranslated: the Arabic SOP shows it in French.
fn arabic_with_a_french_passage() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::operation::copy_chad(dir.path()).unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replacen(
            "direction = \"rtl\"\nname = \"العربية\"",
            "direction = \"rtl\"\nname = \"العربية\"\nfallback = \"fr\"",
            1,
        )
        .replacen(", ar = \"وزارة المرأة وحماية الطفولة المبكرة\"", "", 1);
    assert!(
        text.contains("fallback = \"fr\"")
            && !text.contains("وزارة المرأة وحماية الطفولة المبكرة\"")
    );
    std::fs::write(&config, text).unwrap();
    let out = dir.path().join("out");
    let options = bipgen::BuildOptions {
        selection: bipgen::pack::Selection {
            parts: [bipgen::pack::Part::Sop, bipgen::pack::Part::Forms].into(),
            languages: ["ar".to_owned()].into(),
        },
        ..bipgen::BuildOptions::default()
    };
    let (checked, result) = bipgen::build(&config, &out, options, &|_| {});
    assert!(result.is_ok(), "{result:?} {:#?}", checked.diagnostics);
    (dir, out)
}

#[test]
fn a_passage_in_the_fallback_language_is_marked_in_every_format() {
    let (_dir, out) = arabic_with_a_french_passage();
    let sop = out.join("sop/ar");
    let name = "Ministère de la Femme et de la Protection de la Petite Enfance";
    let span = format!("<bdi lang=\"fr\" dir=\"ltr\">{name}</bdi>");
    let html = std::fs::read_to_string(sop.join("sop.html")).unwrap();
    assert!(html.contains(&span), "HTML: no {span}");
    let markdown = std::fs::read_to_string(sop.join("sop.md")).unwrap();
    assert!(markdown.contains(&span), "Markdown: no {span}");
    for text in [&html, &markdown] {
        assert!(
            !text.contains(['\u{E0F0}', '\u{E0F1}', '\u{E0F2}']),
            "a mark leaked"
        );
    }
    // DOCX: the run carries the passage's language, left to right.
    let document = crate::support::zip_part(&sop.join("sop.docx"), "word/document.xml");
    let run = format!(
        "<w:lang w:val=\"fr\"/></w:rPr><w:t xml:space=\"preserve\">{}",
        name.replace('\'', "&apos;")
    );
    let plain_run = format!("<w:lang w:val=\"fr\"/></w:rPr><w:t>{name}");
    assert!(
        document.contains(&run) || document.contains(&plain_run),
        "DOCX: no w:lang run for {name}"
    );
    // PDFs (the SOP and a printed form): the passage is read as French, through its
    // element's /Lang or an ancestor's.
    let pdfs = [sop.join("sop.pdf"), out.join("forms/bia_short/ar.pdf")];
    let Some(read) = crate::accessibility::read_trees(&pdfs) else {
        return;
    };
    let reads = |e: &Value| e["text"].as_str().is_some_and(|t| t.contains(name));
    for (path, pdf) in &read {
        // The deepest elements that read the whole name.
        let found: Vec<&str> = crate::accessibility::with_languages(pdf)
            .into_iter()
            .filter(|(element, _)| {
                reads(element)
                    && element["kids"]
                        .as_array()
                        .is_none_or(|kids| !kids.iter().any(reads))
            })
            .map(|(_, lang)| lang)
            .collect();
        assert!(!found.is_empty(), "{}: {name:?} not found", path.display());
        assert!(
            found.iter().all(|lang| *lang == "fr"),
            "{}: {name:?} read as {found:?}",
            path.display()
        );
    }
}
