//! `bipgen serve`, in process: every route, the guards (traversal, Host, Origin), the
//! error panel over the last good preview, what an edit re-typesets, and the event stream
//! after a file changes on disk.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bipgen::serve::{App, Preview, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

const ADDRESS: &str = "127.0.0.1:8000";
const HOST: &str = "127.0.0.1:8000";

/// A copy of the Chad example to edit, and its configuration's path.
pub(crate) fn chad_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::operation::copy_chad(&dir.path().join("chad")).unwrap();
    (dir, config)
}

fn app(config: &Path) -> Arc<App> {
    let preview = Preview::new(config, Vec::new());
    let status = preview.rebuild();
    assert!(status.ok, "{:#?}", preview.report());
    let bound: SocketAddr = ADDRESS.parse().unwrap();
    Arc::new(App::new(preview, bound, None))
}

struct Got {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Got {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(app: &Arc<App>, request: Request<Body>) -> Got {
    let response = router(app.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Got {
        status,
        content_type,
        body: body.to_vec(),
    }
}

fn get_request(uri: &str, host: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri);
    if let Some(host) = host {
        request = request.header(header::HOST, host);
    }
    request.body(Body::empty()).unwrap()
}

async fn get(app: &Arc<App>, uri: &str) -> Got {
    send(app, get_request(uri, Some(HOST))).await
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn every_route_serves_the_build_in_memory() {
    let (_dir, config) = chad_copy();
    let app = app(&config);
    runtime().block_on(async {
        let index = get(&app, "/").await;
        assert_eq!(index.status, StatusCode::OK);
        assert!(index.content_type.starts_with("text/html"));
        let page = index.text();
        for link in [
            "href=\"/sop/fr\"",
            "href=\"/sop/ar\"",
            "href=\"/sop/en\"",
            "href=\"/form/bia_short/ar\"",
            "href=\"/files/forms/referral/fr.pdf\"",
            "href=\"/files/forms/referral/fr+ar.pdf\"",
            "href=\"/files/forms/all-ar.pdf\"",
            "href=\"/files/xlsform/referral.xlsx\"",
            "href=\"/files/schemas/referral.schema.json\"",
            "href=\"/files/config/resolved.json\"",
            "Version 1.",
        ] {
            assert!(page.contains(link), "the index lacks {link}");
        }
        // Texts in other languages carry their language and direction.
        assert!(page.contains("<span lang=\"ar\" dir=\"rtl\">"));

        for (uri, content_type, starts) in [
            ("/preview.js", "text/javascript", &b"//"[..]),
            ("/preview.css", "text/css", b"/*"),
            ("/diagnostics", "text/html", b""),
            ("/sop/ar", "text/html", b"<!DOCTYPE html>"),
            ("/form/referral/fr", "text/html", b"<!DOCTYPE html>"),
            ("/files/sop/fr/sop.html", "text/html", b"<!DOCTYPE html>"),
            ("/files/sop/fr/sop.md", "text/markdown", b""),
            ("/files/forms/referral/fr.pdf", "application/pdf", b"%PDF-"),
            (
                "/files/forms/referral/fr+ar.pdf",
                "application/pdf",
                b"%PDF-",
            ),
            (
                "/files/xlsform/referral.xlsx",
                "application/vnd.openxml",
                b"PK",
            ),
            (
                "/files/schemas/referral.schema.json",
                "application/json",
                b"{",
            ),
            ("/files/definitions/referral.json", "application/json", b"{"),
            ("/files/codebook/referral.csv", "text/csv", b"\xEF\xBB\xBF"),
            ("/files/codebook/all.xlsx", "application/vnd.openxml", b"PK"),
            ("/files/config/resolved.json", "application/json", b"{"),
        ] {
            let got = get(&app, uri).await;
            assert_eq!(got.status, StatusCode::OK, "{uri}: {}", got.text());
            assert!(
                got.content_type.starts_with(content_type),
                "{uri}: {}",
                got.content_type
            );
            assert!(got.body.starts_with(starts), "{uri}");
        }
        let sop = get(&app, "/sop/ar").await.text();
        assert!(sop.contains("src=\"/files/sop/ar/sop.html\""));

        // The preview's files are the build's: the same bytes `bipgen build` writes.
        let built = crate::form_pdfs::chad();
        for path in [
            "sop/fr/sop.html",
            "sop/ar/sop.md",
            "xlsform/referral.xlsx",
            "schemas/bia_short.schema.json",
        ] {
            let served = get(&app, &format!("/files/{path}")).await.body;
            let written = std::fs::read(built.join(path)).unwrap();
            assert!(served == written, "{path} differs from the build's");
        }

        for uri in [
            "/sop/xx",
            "/form/nope/fr",
            "/form/referral/xx",
            "/files/nope.json",
            "/files/sop/xx/sop.html",
            "/files/forms/referral/xx.pdf",
            "/nothing",
        ] {
            assert_eq!(get(&app, uri).await.status, StatusCode::NOT_FOUND, "{uri}");
        }
    });
}

#[test]
fn no_request_reaches_a_file_outside_the_build() {
    let (_dir, config) = chad_copy();
    let app = app(&config);
    let secret = std::fs::read_to_string(&config).unwrap();
    let marker = &secret[secret.find("[sop]").unwrap()..][..40];
    runtime().block_on(async {
        for uri in [
            "/files/../country.toml",
            "/files/..%2fcountry.toml",
            "/files/%2e%2e/country.toml",
            "/files/%2e%2e%2fcountry.toml",
            "/files/sop/fr/../../../country.toml",
            "/files/sop/fr/%2e%2e%2f%2e%2e%2f%2e%2e%2fcountry.toml",
            "/files/sop/fr/..%5c..%5c..%5ccountry.toml",
            "/files//etc/passwd",
            "/files/%2fetc%2fpasswd",
            "/files/sop/",
            "/files/sop/fr/",
            "/../country.toml",
            "/sop/..%2f..%2fcountry.toml",
        ] {
            let got = get(&app, uri).await;
            assert!(
                got.status == StatusCode::NOT_FOUND || got.status == StatusCode::BAD_REQUEST,
                "{uri}: {}",
                got.status
            );
            assert!(
                !got.text().contains(marker),
                "{uri} served the configuration"
            );
            assert!(!got.text().contains("root:"), "{uri} served /etc/passwd");
        }
    });
}

#[test]
fn requests_from_other_hosts_and_origins_are_refused() {
    let (_dir, config) = chad_copy();
    let app = app(&config);
    runtime().block_on(async {
        for host in [
            "localhost:8000",
            "127.0.0.1:8000",
            "[::1]:8000",
            "localhost",
        ] {
            let got = send(&app, get_request("/", Some(host))).await;
            assert_eq!(got.status, StatusCode::OK, "{host}");
        }
        // A name that resolves to 127.0.0.1 after a rebinding is still not the preview's.
        for host in [
            Some("evil.example:8000"),
            Some("evil.example"),
            Some("127.0.0.1:9000"),
            Some("192.168.1.10:8000"),
            Some("localhost.evil.example:8000"),
            None,
        ] {
            let got = send(&app, get_request("/files/sop/fr/sop.md", host)).await;
            assert_eq!(got.status, StatusCode::FORBIDDEN, "{host:?}");
        }
        // Acting (opening the editor) needs the preview's own origin.
        for origin in [None, Some("http://evil.example"), Some("null")] {
            let mut request = Request::post("/open/0").header(header::HOST, HOST);
            if let Some(origin) = origin {
                request = request.header(header::ORIGIN, origin);
            }
            let got = send(&app, request.body(Body::empty()).unwrap()).await;
            assert_eq!(got.status, StatusCode::FORBIDDEN, "{origin:?}");
        }
        let own = Request::post("/open/0")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, "http://127.0.0.1:8000")
            .body(Body::empty())
            .unwrap();
        // No editor is set: refused as such, not as a foreign origin.
        assert_eq!(send(&app, own).await.status, StatusCode::NOT_FOUND);
    });
}

#[test]
fn errors_show_over_the_last_good_preview_until_fixed() {
    let (_dir, config) = chad_copy();
    let app = app(&config);
    let good = std::fs::read_to_string(&config).unwrap();
    runtime().block_on(async {
        let before = get(&app, "/files/sop/fr/sop.html").await.body;
        // A broken reference, at a line and column the panel must show.
        let broken = good.replacen("owner = \"case_manager\"", "owner = \"case_manger\"", 1);
        let line = broken[..broken.find("case_manger").unwrap()]
            .lines()
            .count();
        std::fs::write(&config, &broken).unwrap();
        let status = app.preview.rebuild();
        assert!(!status.ok);
        assert_eq!(status.shown, Some(1), "the last good build stays shown");
        assert!(status.errors >= 1);

        let panel = get(&app, "/diagnostics").await.text();
        assert!(panel.contains("case_manger"), "{panel}");
        assert!(panel.contains(&format!("country.toml:{line}:")), "{panel}");
        assert!(panel.contains("data-code=\"unknown-reference\""), "{panel}");
        // The source lines around it, as the terminal shows them.
        assert!(panel.contains(&format!("{line} │")), "{panel}");
        // The last good preview is still served, unchanged.
        assert_eq!(get(&app, "/files/sop/fr/sop.html").await.body, before);
        assert!(
            get(&app, "/")
                .await
                .text()
                .contains("showing the last good build")
        );

        std::fs::write(&config, &good).unwrap();
        let status = app.preview.rebuild();
        assert!(status.ok);
        assert_eq!(status.shown, Some(3));
        assert!(
            !get(&app, "/diagnostics")
                .await
                .text()
                .contains("case_manger")
        );
    });
}

#[test]
fn a_configuration_that_never_built_shows_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("country.toml");
    std::fs::write(&config, "[sop\ncountry = \"TD\"\n").unwrap();
    let preview = Preview::new(&config, Vec::new());
    assert!(!preview.rebuild().ok);
    let app = Arc::new(App::new(preview, ADDRESS.parse().unwrap(), None));
    runtime().block_on(async {
        let index = get(&app, "/").await;
        assert_eq!(index.status, StatusCode::OK);
        assert!(index.text().contains("No preview yet"));
        assert!(index.text().contains("country.toml:1:"), "{}", index.text());
        assert_eq!(
            get(&app, "/sop/fr").await.status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            get(&app, "/files/sop/fr/sop.html").await.status,
            StatusCode::SERVICE_UNAVAILABLE
        );
    });
}

#[test]
fn a_label_edit_in_one_form_lays_out_that_form_only() {
    let (_dir, config) = chad_copy();
    let app = app(&config);
    let good = std::fs::read_to_string(&config).unwrap();
    runtime().block_on(async {
        let bia = get(&app, "/files/forms/bia_short/fr.pdf").await.body;
        let referral = get(&app, "/files/forms/referral/fr.pdf").await.body;
        let layouts = || {
            app.preview
                .layouts
                .load(std::sync::atomic::Ordering::Relaxed)
        };
        assert_eq!(layouts(), 2);
        // Asked again, the same build serves them from memory.
        get(&app, "/files/forms/referral/fr.pdf").await;
        assert_eq!(layouts(), 2);

        let relabel = "\n[forms.tailoring.bia_short]\nrelabel = { agency = { fr = \"Organisme du travailleur social\", ar = \"جهة الأخصائي\", en = \"Caseworker's agency\" } }\n";
        std::fs::write(&config, format!("{good}{relabel}")).unwrap();
        assert!(app.preview.rebuild().ok, "{:#?}", app.preview.report());
        let bia_after = get(&app, "/files/forms/bia_short/fr.pdf").await.body;
        let referral_after = get(&app, "/files/forms/referral/fr.pdf").await.body;
        assert_eq!(layouts(), 3, "only the relabelled form is laid out again");
        assert_ne!(bia_after, bia);
        assert_eq!(referral_after, referral);
    });
}

#[test]
fn the_event_stream_announces_a_rebuild_after_a_file_changes() {
    let (_dir, config) = chad_copy();
    let app = app(&config);
    let root = bipgen::serve::country_folder(&config);
    let _watch =
        bipgen::serve::Watch::start(app.clone(), &root, None, Arc::new(|_, _| {})).unwrap();
    runtime().block_on(async {
        let response = router(app.clone())
            .oneshot(get_request("/events", Some(HOST)))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/event-stream"
        );
        let mut body = response.into_body();
        let mut next_event = async || loop {
            let frame = tokio::time::timeout(Duration::from_secs(60), body.frame())
                .await
                .expect("an event within a minute")
                .unwrap()
                .unwrap();
            if let Ok(data) = frame.into_data() {
                let text = String::from_utf8(data.to_vec()).unwrap();
                if text.starts_with("event: build") {
                    return text;
                }
            }
        };
        let first = next_event().await;
        assert!(first.contains("\"generation\":1"), "{first}");
        assert!(first.contains("\"ok\":true"), "{first}");

        // Watchers may start a moment after they are set up.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, text.replace("Abéché", "Abeche")).unwrap();
        let second = next_event().await;
        assert!(second.contains("\"generation\":2"), "{second}");
        assert!(second.contains("\"shown\":2"), "{second}");
        // A scratch file an editor leaves does not rebuild.
        std::fs::write(config.with_file_name(".country.toml.swp"), "x").unwrap();
        std::fs::write(config.with_file_name("country.toml~"), "x").unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(app.preview.status().generation, 2);
    });
}

#[test]
fn a_finding_opens_in_the_editor_at_its_place() {
    let (dir, config) = chad_copy();
    let script = dir.path().join("editor.sh");
    let record = dir.path().join("opened.txt");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$@\" > {}\n", record.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let editor =
        bipgen::serve::Editor::parse(&format!("{} --goto {{file}}:{{line}}", script.display()))
            .unwrap();
    let good = std::fs::read_to_string(&config).unwrap();
    let broken = good.replacen("owner = \"case_manager\"", "owner = \"case_manger\"", 1);
    let line = broken[..broken.find("case_manger").unwrap()]
        .lines()
        .count();
    std::fs::write(&config, &broken).unwrap();
    let preview = Preview::new(&config, Vec::new());
    assert!(!preview.rebuild().ok);
    let app = Arc::new(App::new(preview, ADDRESS.parse().unwrap(), Some(editor)));
    runtime().block_on(async {
        assert!(
            get(&app, "/diagnostics")
                .await
                .text()
                .contains("data-open=\"0\"")
        );
        let request = Request::post("/open/0")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, "http://127.0.0.1:8000")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, request).await.status, StatusCode::NO_CONTENT);
        let request = Request::post("/open/99")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, "http://localhost:8000")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, request).await.status, StatusCode::NOT_FOUND);
    });
    // The shell creates the file before it writes the line: wait for the whole line.
    let started = std::time::Instant::now();
    let mut opened = String::new();
    while !opened.ends_with('\n') && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
        opened = std::fs::read_to_string(&record).unwrap_or_default();
    }
    let real = config.canonicalize().unwrap();
    assert_eq!(opened.trim(), format!("--goto {}:{line}", real.display()));
}

/// Each page of `pdf` as a PNG, through poppler.
fn page_images(pdftoppm: &Path, pdf: &[u8]) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("form.pdf");
    std::fs::write(&file, pdf).unwrap();
    let status = std::process::Command::new(pdftoppm)
        .args(["-r", "50", "-png"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .status()
        .unwrap();
    assert!(status.success());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    pages.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn a_form_laid_out_alone_has_the_pages_the_build_cuts_from_the_pack() {
    let Some(pdftoppm) = crate::support::tool("pdftoppm") else {
        return;
    };
    let (_dir, config) = chad_copy();
    let app = app(&config);
    let built = crate::form_pdfs::chad();
    runtime().block_on(async {
        for path in ["forms/referral/fr.pdf", "forms/bia_short/ar.pdf"] {
            let served = get(&app, &format!("/files/{path}")).await.body;
            let written = std::fs::read(built.join(path)).unwrap();
            let (served, written) = (
                page_images(&pdftoppm, &served),
                page_images(&pdftoppm, &written),
            );
            assert!(!served.is_empty());
            assert_eq!(served.len(), written.len(), "{path}: page count");
            assert!(served == written, "{path}: the pages differ");
        }
    });
}
