//! Time and peak memory of bipgen at the sizes real operations have, measured the way a
//! user meets them: a new release process per run. Builds are cold (`--no-cache`) unless
//! the row says the cache is warm. Prints a Markdown table.
//!
//!   cargo bench --bench scale                     # Chad, 200, 2,000 and 20,000 services
//!   SIZES="200 2000" cargo bench --bench scale
//!
//! The generated operations (tests/support/operation.rs) are the Chad example with 12
//! areas, 30 concerns, 360 pathways and 3 languages, and the given number of services.

#[path = "../tests/support/operation.rs"]
mod operation;

use std::process::{Command, Stdio};
use std::time::Instant;

const BIPGEN: &str = env!("CARGO_BIN_EXE_bipgen");

fn main() {
    let sizes: Vec<usize> = std::env::var("SIZES")
        .unwrap_or_else(|_| "200 2000 20000".into())
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let work = tempfile::tempdir().unwrap();
    let out = |name: &str| work.path().join(name).to_string_lossy().into_owned();
    let cache = out("cache");
    let chad = "examples/chad/country.toml";

    println!("| case | wall | peak memory |");
    println!("| --- | --- | --- |");
    measure(
        "Chad, full build",
        &[
            "build",
            chad,
            "--out",
            &out("chad"),
            "--quiet",
            "--no-cache",
        ],
    );
    measure(
        "Chad, French SOP only (--only sop --lang fr)",
        &[
            "build",
            chad,
            "--out",
            &out("chad-sop"),
            "--quiet",
            "--no-cache",
            "--only",
            "sop",
            "--lang",
            "fr",
        ],
    );
    // The cache: filled once, then a rebuild with nothing changed, then after one label.
    let config = operation::copy_chad(&work.path().join("chad")).unwrap();
    let config = config.to_string_lossy().into_owned();
    let build_cached = [
        "build",
        &config,
        "--out",
        &out("cached"),
        "--quiet",
        "--force",
        "--cache-dir",
        &cache,
    ];
    run(&build_cached);
    measure(
        "Chad, rebuild with nothing changed (warm cache)",
        &build_cached,
    );
    let text = std::fs::read_to_string(&config).unwrap();
    let relabel = "\n[forms.tailoring.bia_short]\nrelabel = { agency = { fr = \"Organisme\", ar = \"الجهة\", en = \"Agency\" } }\n";
    std::fs::write(&config, format!("{text}{relabel}")).unwrap();
    measure(
        "Chad, rebuild after one form label (warm cache)",
        &build_cached,
    );

    for n in sizes {
        let folder = work.path().join(format!("op{n}"));
        let config = operation::write(&folder, n)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        measure(&format!("{n} services, check"), &["check", &config]);
        let target = out(&format!("out{n}"));
        measure(
            &format!("{n} services, full build"),
            &["build", &config, "--out", &target, "--quiet", "--no-cache"],
        );
        if n <= 2_000 {
            // A cache filled by one build, then a rebuild after one service's e-mail
            // changed: every SOP is laid out again, none of its charts is drawn again.
            let cache = out(&format!("cache{n}"));
            let build_cached = [
                "build",
                &config,
                "--out",
                &target,
                "--quiet",
                "--force",
                "--cache-dir",
                &cache,
            ];
            run(&build_cached);
            change_first_service_email(&folder);
            measure(
                &format!("{n} services, rebuild after one service's e-mail (warm cache)"),
                &build_cached,
            );
            let _ = std::fs::remove_dir_all(&cache);
        }
        let _ = std::fs::remove_dir_all(&target);
        let _ = std::fs::remove_dir_all(&folder);
    }
}

/// Gives the generated operation's first service another contact e-mail.
fn change_first_service_email(folder: &std::path::Path) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains("\"point0@") {
            std::fs::write(&path, text.replacen("\"point0@", "\"focal0@", 1)).unwrap();
            return;
        }
    }
    panic!("no service with the e-mail point0@ in {}", folder.display());
}

fn run(args: &[&str]) {
    let status = Command::new(BIPGEN).args(args).status().unwrap();
    assert!(status.success(), "bipgen {args:?}");
}

/// Runs bipgen once and prints its row: wall time, and the peak resident memory the
/// kernel recorded for the process.
fn measure(name: &str, args: &[&str]) {
    let started = Instant::now();
    // Reaped by `wait4`, which also reports its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(BIPGEN)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (status, peak_kib) = wait_with_peak(child.id());
    let wall = started.elapsed().as_secs_f64();
    let peak = peak_kib / 1024;
    if status == 0 {
        println!("| {name} | {wall:.2} s | {peak} MB |");
    } else {
        println!("| {name} | failed (exit {status}) | {peak} MB |");
    }
}

/// Waits for the child `pid`; its exit status and peak resident memory in KiB.
fn wait_with_peak(pid: u32) -> (i32, i64) {
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for the child this process
    // started and has not waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid as libc::pid_t, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss)
}
