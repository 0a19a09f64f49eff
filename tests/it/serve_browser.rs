//! `bipgen serve` in a real browser: headless Chromium, driven over WebDriver. The page
//! follows an edit without being reloaded, shows a broken configuration's errors over the
//! last good preview, and lays the Arabic SOP out right to left. Screenshots of the
//! preview and of the error panel go to `target/serve-screens/` to be looked at.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bipgen::serve::{App, Preview, Watch, router};
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// Stops chromedriver (and the browser it started) however the test ends.
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn start_driver(chromedriver: &Path) -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "chromedriver does not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (driver, port)
}

pub(crate) async fn connect(port: u16, chromium: &Path, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1200,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session")
}

/// Runs `script` (which returns a value) until `done` holds for its result.
async fn until(client: &Client, what: &str, script: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let value = client.execute(script, Vec::new()).await.unwrap();
        if done(&value) {
            return value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{what}: still {value} after 90 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the framed SOP or form, or "" while it loads.
const FRAME_TEXT: &str = "const f = document.getElementById('bipgen-frame'); \
     return (f && f.contentDocument && f.contentDocument.body) ? f.contentDocument.body.innerText : '';";

const OVERLAY: &str = "const o = document.getElementById('bipgen-overlay'); \
     return o.hidden ? null : o.innerText;";

fn screens() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-screens");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_preview_follows_edits_in_a_real_browser() {
    let Some(chromedriver) = crate::support::tool("chromedriver") else {
        return;
    };
    let Some(chromium) = crate::support::tool("chromium") else {
        return;
    };
    let (dir, config) = crate::serve::chad_copy();
    let good = std::fs::read_to_string(&config).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let bound: SocketAddr = listener.local_addr().unwrap();
        let preview = Preview::new(&config, Vec::new());
        assert!(preview.rebuild().ok);
        let app = Arc::new(App::new(preview, bound, None));
        let root = bipgen::serve::country_folder(&config);
        let _watch = Watch::start(app.clone(), &root, None, Arc::new(|_, _| {})).unwrap();
        tokio::spawn(axum::serve(listener, router(app.clone())).into_future());

        let (_driver, port) = start_driver(&chromedriver);
        let client = connect(port, &chromium, &dir.path().join("profile")).await;
        let base = format!("http://{bound}");

        client.goto(&base).await.unwrap();
        let heading = client
            .execute("return document.querySelector('h1').innerText;", Vec::new())
            .await
            .unwrap();
        assert!(
            heading
                .as_str()
                .unwrap()
                .starts_with("Procédures opérationnelles standard"),
            "{heading}"
        );

        // The French SOP, then a label edited on disk: the new words appear in the page,
        // which is never reloaded (the marker set on it survives).
        client.goto(&format!("{base}/sop/fr")).await.unwrap();
        until(&client, "the SOP loads", FRAME_TEXT, |v| {
            v.as_str()
                .unwrap()
                .contains("Procédures opérationnelles standard")
        })
        .await;
        client
            .execute("window.bipgenMarker = 42; return true;", Vec::new())
            .await
            .unwrap();
        let edited = good.replacen(
            "title.fr = \"Procédures opérationnelles standard",
            "title.fr = \"Procédures opérationnelles normalisées",
            1,
        );
        assert_ne!(edited, good);
        std::fs::write(&config, &edited).unwrap();
        until(&client, "the new title shows", FRAME_TEXT, |v| {
            v.as_str()
                .unwrap()
                .contains("Procédures opérationnelles normalisées")
        })
        .await;
        let marker = client
            .execute("return window.bipgenMarker;", Vec::new())
            .await
            .unwrap();
        assert_eq!(marker, json!(42), "the page was reloaded");
        std::fs::write(
            screens().join("preview-sop-fr.png"),
            client.screenshot().await.unwrap(),
        )
        .unwrap();

        // A broken reference: its error, with its line, over the last good preview.
        let broken = edited.replacen("owner = \"case_manager\"", "owner = \"case_manger\"", 1);
        let line = broken[..broken.find("case_manger").unwrap()]
            .lines()
            .count();
        std::fs::write(&config, &broken).unwrap();
        let overlay = until(&client, "the error panel shows", OVERLAY, Value::is_string).await;
        let overlay = overlay.as_str().unwrap();
        assert!(
            overlay.contains(&format!("country.toml:{line}:")),
            "{overlay}"
        );
        assert!(overlay.contains("case_manger"), "{overlay}");
        let behind = client.execute(FRAME_TEXT, Vec::new()).await.unwrap();
        assert!(
            behind
                .as_str()
                .unwrap()
                .contains("Procédures opérationnelles normalisées"),
            "the last good preview stays behind the errors"
        );
        std::fs::write(
            screens().join("preview-error.png"),
            client.screenshot().await.unwrap(),
        )
        .unwrap();

        // Fixed: the panel goes.
        std::fs::write(&config, &edited).unwrap();
        until(&client, "the error panel goes", OVERLAY, Value::is_null).await;

        // The Arabic SOP reads right to left.
        client.goto(&format!("{base}/sop/ar")).await.unwrap();
        until(&client, "the Arabic SOP loads", FRAME_TEXT, |v| {
            v.as_str().unwrap().contains("إجراءات التشغيل الموحّدة")
        })
        .await;
        let direction = client
            .execute(
                "const d = document.getElementById('bipgen-frame').contentDocument; \
                 return [d.documentElement.dir, getComputedStyle(d.body).direction];",
                Vec::new(),
            )
            .await
            .unwrap();
        assert_eq!(direction, json!(["rtl", "rtl"]));
        std::fs::write(
            screens().join("preview-sop-ar.png"),
            client.screenshot().await.unwrap(),
        )
        .unwrap();
        client.close().await.unwrap();
    });
}
