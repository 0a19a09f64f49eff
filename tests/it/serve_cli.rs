//! `bipgen serve` as a user starts it: the binary listens, serves, writes `--out` without
//! touching the country folder, and refuses what it cannot do with exit status 2.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stops the preview however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("bipgen")
}

/// Starts `bipgen serve` on a free port; the preview's base URL from what it prints, and
/// what it printed before.
fn start(args: &[&str]) -> (Running, String, Vec<String>) {
    let mut child = Command::new(bin())
        .arg("serve")
        .args(args)
        .args(["--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let running = Running(child);
    let mut lines = BufReader::new(stderr).lines();
    let mut before = Vec::new();
    let url = loop {
        let line = lines
            .next()
            .expect("bipgen serve says where it listens")
            .unwrap();
        if let Some(rest) = line.split_once(" at http://") {
            break rest
                .1
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_owned();
        }
        before.push(line);
    };
    // Keep reading what it prints, so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (running, url, before)
}

fn get(address: &str, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let status = String::from_utf8_lossy(&response[9..12]).parse().unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (status, response.split_off(split + 4))
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_binary_serves_the_preview_and_writes_out_beside_it() {
    let (dir, config) = crate::serve::chad_copy();
    let folder = config.parent().unwrap().to_path_buf();
    let before = listing(&folder);
    let out = dir.path().join("out");
    let (_running, address, _) = start(&[
        config.to_str().unwrap(),
        "--lang",
        "fr",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (status, index) = get(&address, "/");
    assert_eq!(status, 200);
    let index = String::from_utf8(index).unwrap();
    assert!(index.contains("href=\"/sop/fr\""));
    // `--lang fr`: the other languages' documents are not offered.
    assert!(!index.contains("href=\"/sop/ar\""));
    let (status, pdf) = get(&address, "/files/forms/referral/fr.pdf");
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));

    // `--out` gets a whole build, written atomically; the country folder gets nothing.
    let started = Instant::now();
    while !out.join("manifest.json").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "--out is never written"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f["path"] == "sop/fr/sop.pdf"));
    assert!(!files.iter().any(|f| f["path"] == "sop/ar/sop.pdf"));
    assert!(out.join("forms/referral/fr.pdf").exists());
    assert_eq!(
        listing(&folder),
        before,
        "the preview wrote into the country folder"
    );
}

#[test]
fn what_serve_cannot_do_exits_2_with_help() {
    let dir = tempfile::tempdir().unwrap();
    let (_copy, config) = crate::serve::chad_copy();
    let inside = config.parent().unwrap().join("out");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port().to_string();
    let missing = dir.path().join("missing.toml");
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec![missing.to_str().unwrap()],
            "is not a configuration file",
        ),
        (
            vec![config.to_str().unwrap(), "--out", inside.to_str().unwrap()],
            "inside the country folder",
        ),
        (
            vec![config.to_str().unwrap(), "--port", &busy_port],
            "cannot listen on",
        ),
        (
            vec![config.to_str().unwrap(), "--editor", " "],
            "editor command is empty",
        ),
    ];
    for (args, says) in cases {
        let output = Command::new(bin())
            .arg("serve")
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert!(!inside.exists());
}

#[test]
fn ctrl_c_stops_the_preview_while_a_page_follows_it() {
    let (_dir, config) = crate::serve::chad_copy();
    let (mut running, address, _) = start(&[config.to_str().unwrap()]);
    // An open page: its event stream stays open until the server stops.
    let mut events = TcpStream::connect(&address).unwrap();
    write!(events, "GET /events HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
    let mut first = [0u8; 64];
    events.read_exact(&mut first).unwrap();
    // SAFETY: sends SIGINT to the child this test started and still owns.
    let sent = unsafe { libc::kill(running.0.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "Ctrl-C did not stop it"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_terminal_shows_the_errors_the_page_shows() {
    let (_dir, config) = crate::serve::chad_copy();
    let good = std::fs::read_to_string(&config).unwrap();
    let broken = good.replacen("owner = \"case_manager\"", "owner = \"case_manger\"", 1);
    std::fs::write(&config, broken).unwrap();
    let (_running, address, printed) = start(&[config.to_str().unwrap()]);
    let printed = printed.join("\n");
    assert!(printed.contains("build 1: 1 error(s)"), "{printed}");
    assert!(printed.contains("error[unknown-reference]"), "{printed}");
    assert!(printed.contains("country.toml:"), "{printed}");
    // Nothing built yet: the index says so, with the error.
    let (status, index) = get(&address, "/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&index).contains("No preview yet"));
}
