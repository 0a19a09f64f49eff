//! `bipgen serve`, driven as a browser drives it: save an edit to a copy of Chad, wait for
//! the server's event over HTTP, then fetch what the page shows. Reports save-to-update
//! latency for a one-label SOP edit and a one-label form edit, and the process's memory
//! over 100 edits.
//!
//! Run with `cargo bench --bench serve` (`EDITS=20` for a shorter run).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bipgen::serve::{App, Preview, Watch, router};

// Only the copy of Chad is used here, not the generator.
#[allow(dead_code)]
#[path = "../tests/support/operation.rs"]
mod operation;

fn main() {
    let edits: usize = std::env::var("EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let config = operation::copy_chad(&dir.path().join("chad")).unwrap();
    let good = std::fs::read_to_string(&config).unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let bound = listener.local_addr().unwrap();
    let preview = Preview::new(&config, Vec::new());
    assert!(preview.rebuild().ok);
    let app = Arc::new(App::new(preview, bound, None));
    let root = bipgen::serve::country_folder(&config);
    let _watch = Watch::start(app.clone(), &root, None, Arc::new(|_, _| {})).unwrap();
    runtime.spawn(axum::serve(listener, router(app.clone())).into_future());

    let mut events = Events::open(bound);
    events.next();
    // Warm: the pages a reader has open are rendered once before the edits start.
    get(bound, "/files/sop/fr/sop.html");
    get(bound, "/files/forms/bia_short/fr.pdf");
    std::thread::sleep(Duration::from_millis(300));
    let start_rss = rss_mib();

    let mut sop_times = Vec::new();
    let mut form_times = Vec::new();
    let mut memory = Vec::new();
    for edit in 1..=edits {
        // A one-label edit of the SOP (its title), then of one form (a field's label).
        let title = format!("Procédures opérationnelles standard, édition {edit}");
        let text = good.replacen(
            "title.fr = \"Procédures opérationnelles standard",
            &format!("title.fr = \"{title}"),
            1,
        );
        sop_times.push(save_and_fetch(
            &config,
            &text,
            &mut events,
            bound,
            "/files/sop/fr/sop.html",
            &title,
        ));
        let label = format!("Organisme du travailleur social {edit}");
        let text = format!(
            "{text}\n[forms.tailoring.bia_short]\nrelabel = {{ agency = {{ fr = \"{label}\", ar = \"جهة الأخصائي\", en = \"Caseworker's agency\" }} }}\n"
        );
        form_times.push(save_and_fetch(
            &config,
            &text,
            &mut events,
            bound,
            "/files/forms/bia_short/fr.pdf",
            "",
        ));
        if edit % 10 == 0 || edit == 1 {
            memory.push((edit, rss_mib()));
        }
    }

    println!("serve, Chad, {edits} edits of one label each, warm, save to updated page:");
    report("SOP title (event + SOP HTML)", &mut sop_times);
    report("form label (event + form PDF)", &mut form_times);
    println!("resident memory: {start_rss:.0} MiB before the edits");
    for (edit, mib) in memory {
        println!("  after edit {edit:>3}: {mib:.0} MiB");
    }
    println!("peak resident memory: {:.0} MiB", peak_mib());
}

/// Saves `text`, waits for the build event, and fetches `path` until it holds `expect`.
fn save_and_fetch(
    config: &Path,
    text: &str,
    events: &mut Events,
    bound: SocketAddr,
    path: &str,
    expect: &str,
) -> Duration {
    let started = Instant::now();
    std::fs::write(config, text).unwrap();
    let event = events.next();
    assert!(event.contains("\"ok\":true"), "{event}");
    let body = get(bound, path);
    assert!(
        String::from_utf8_lossy(&body).contains(expect),
        "{path} lacks {expect}"
    );
    started.elapsed()
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "  {what}: median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        ms(at(0.5)),
        ms(at(0.9)),
        ms(times[times.len() - 1])
    );
}

/// The server's event stream, read as a browser's EventSource reads it.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(bound: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(bound).unwrap();
        write!(
            stream,
            "GET /events HTTP/1.1\r\nHost: {bound}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        Events(BufReader::new(stream))
    }

    /// The data of the next `build` event.
    fn next(&mut self) -> String {
        let mut line = String::new();
        let mut in_build = false;
        loop {
            line.clear();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "the stream ended");
            if line.starts_with("event: build") {
                in_build = true;
            } else if in_build && let Some(data) = line.strip_prefix("data: ") {
                return data.to_owned();
            }
        }
    }
}

/// GET over a new connection, as a page's fetch does; the body.
fn get(bound: SocketAddr, path: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(bound).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {bound}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response");
    assert!(response.starts_with(b"HTTP/1.1 200"), "{path}");
    response.split_off(split + 4)
}

fn status_field(name: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn rss_mib() -> f64 {
    status_field("VmRSS:")
}

fn peak_mib() -> f64 {
    status_field("VmHWM:")
}
