//! The build's progress on a terminal.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Shows the current stage on a terminal once a build has taken more than a second.
pub(crate) struct Progress {
    stage: Arc<Mutex<String>>,
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub(crate) fn start(enabled: bool) -> Self {
        let stage = Arc::new(Mutex::new(String::new()));
        let done = Arc::new(AtomicBool::new(false));
        let thread = enabled.then(|| {
            let (stage, done) = (Arc::clone(&stage), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut waited = Duration::ZERO;
                let mut shown = false;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    waited += Duration::from_millis(100);
                    if waited >= Duration::from_secs(1) {
                        let current = stage.lock().map(|s| s.clone()).unwrap_or_default();
                        eprint!("\r\x1b[2Kbuilding: {current}…");
                        let _ = std::io::stderr().flush();
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress {
            stage,
            done,
            thread,
        }
    }

    pub(crate) fn stage(&self, name: &str) {
        if let Ok(mut stage) = self.stage.lock() {
            name.clone_into(&mut stage);
        }
    }

    pub(crate) fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
