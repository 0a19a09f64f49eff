//! Watching the country folder, and writing good builds to `--out` in the background.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::App;
use super::state::Snapshot;

/// Changes closer together than this make one rebuild: editors often write a file in
/// several steps (a backup, the file, its metadata).
const DEBOUNCE: Duration = Duration::from_millis(40);

/// The watcher; dropping it stops the rebuilds.
pub struct Watch {
    _watcher: RecommendedWatcher,
}

impl Watch {
    /// Watches `root` and rebuilds `app`'s preview after each change that matters, then
    /// hands a good build to `writer`. `rebuilt` is told each new status.
    pub fn start(
        app: Arc<App>,
        root: &Path,
        writer: Option<Writer>,
        rebuilt: super::Rebuilt,
    ) -> Result<Watch, String> {
        let (sender, receiver) = mpsc::channel::<notify::Result<Event>>();
        let mut watcher = notify::recommended_watcher(sender).map_err(|e| e.to_string())?;
        watcher
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| format!("{}: {e}", root.display()))?;
        std::thread::Builder::new()
            .name("preview-watch".into())
            .spawn(move || {
                while let Ok(first) = receiver.recv() {
                    if !matters(&first) {
                        continue;
                    }
                    // Let the rest of the save arrive, then rebuild once for all of it.
                    std::thread::sleep(DEBOUNCE);
                    while receiver.try_recv().is_ok() {}
                    let status = app.preview.rebuild();
                    rebuilt(&status, &app.preview.report());
                    if let (true, Some(writer), Some(snapshot)) =
                        (status.ok, &writer, app.preview.shown())
                    {
                        writer.write(snapshot);
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(Watch { _watcher: watcher })
    }
}

/// Whether a change can affect the build. Reading a file (as each rebuild does) cannot,
/// nor can editors' swap, backup and lock files.
fn matters(result: &notify::Result<Event>) -> bool {
    let Ok(event) = result else {
        // The watcher lost track: rebuild rather than show something stale.
        return true;
    };
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let scratch = name.starts_with('.')
            || name.starts_with('#')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name == "4913";
        !scratch
    })
}

/// Writes good builds to `--out` one after another on its own thread; when builds come
/// faster than they are written, only the latest is.
pub struct Writer {
    sender: mpsc::Sender<Arc<Snapshot>>,
}

impl Writer {
    pub fn start(out: PathBuf, config: PathBuf, say: Arc<dyn Fn(String) + Send + Sync>) -> Writer {
        let (sender, receiver) = mpsc::channel::<Arc<Snapshot>>();
        let spawned = std::thread::Builder::new()
            .name("preview-write".into())
            .spawn(move || {
                while let Ok(mut snapshot) = receiver.recv() {
                    while let Ok(later) = receiver.try_recv() {
                        snapshot = later;
                    }
                    say(match write(&snapshot, &config, &out) {
                        Ok(count) => format!("wrote {count} files into {}", out.display()),
                        Err(e) => format!("error: not written to {}: {e}", out.display()),
                    });
                }
            });
        if let Err(e) = spawned {
            eprintln!("error: cannot start writing to --out: {e}");
        }
        Writer { sender }
    }

    pub fn write(&self, snapshot: Arc<Snapshot>) {
        let _ = self.sender.send(snapshot);
    }
}

/// Renders every output of `snapshot` and replaces `out` with them, as `build` does; the
/// form versions' record is left alone, since the preview writes nothing beside the
/// configuration.
fn write(snapshot: &Snapshot, config: &Path, out: &Path) -> Result<usize, String> {
    let outputs = crate::render_outputs(snapshot.pack(), &|_| {}).map_err(|e| e.to_string())?;
    crate::write_outputs(
        &snapshot.checked,
        &snapshot.prepared,
        config,
        &outputs,
        out,
        crate::output::WriteOptions::default(),
    )
    .map_err(|e| e.to_string())?;
    Ok(outputs.len() + 1)
}
