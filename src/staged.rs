//! Stages 4 and 5 joined: the selected renderers write each output into the staging
//! folder as they make it, the printed documents on one thread and the data files on
//! another.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::BuildError;
use crate::output::{Staging, WriteError};
use crate::pack::Pack;
use crate::render::{self, RenderError, Renderer};

/// Renders every selected output into `staging` as it is made: a build holds one
/// document at a time, not the whole output folder. The data files are made on a thread
/// of their own while Typst lays out the printed documents: layout leaves part of a core
/// idle, and a large directory's data files take one core for seconds.
pub(crate) fn render_into(
    pack: &Pack,
    progress: &dyn Fn(&str),
    staging: &mut Staging,
) -> Result<(), BuildError> {
    let (laid_out, data): (Vec<_>, Vec<_>) = render::renderers()
        .into_iter()
        .filter(|r| pack.selection.includes(r.part()))
        .partition(|r| r.part().is_laid_out());
    let shared = SharedStaging {
        staging: Mutex::new(staging),
        failure: Mutex::new(None),
    };
    std::thread::scope(|scope| {
        let data_side = scope.spawn(|| shared.run(pack, &data, &|_| {}));
        shared.run(pack, &laid_out, progress);
        if let Err(panic) = data_side.join() {
            std::panic::resume_unwind(panic);
        }
    });
    // A lock is poisoned only by a panic, which the scope has passed on already.
    match shared
        .failure
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
    {
        None => Ok(()),
        Some(failure) => Err(failure),
    }
}

/// The staging folder, written by the renderers of both threads, and the first failure
/// of either, which stops the other at its next output.
struct SharedStaging<'s> {
    staging: Mutex<&'s mut Staging>,
    failure: Mutex<Option<BuildError>>,
}

impl SharedStaging<'_> {
    fn failed(&self) -> bool {
        self.first_failure().is_some()
    }

    fn first_failure(&self) -> MutexGuard<'_, Option<BuildError>> {
        self.failure.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records `failure` unless an earlier one stopped this renderer.
    fn fail(&self, failure: BuildError) {
        self.first_failure().get_or_insert(failure);
    }

    fn run(&self, pack: &Pack, renderers: &[Box<dyn Renderer>], progress: &dyn Fn(&str)) {
        for renderer in renderers {
            if self.failed() {
                return;
            }
            progress(renderer.name());
            // A failed write stops the renderer; it is reported as itself, not as rendering.
            let mut failed_write: Option<WriteError> = None;
            let rendered = renderer.render_each(pack, &mut |output| {
                if self.failed() {
                    return Err(stopped(renderer.name()).message);
                }
                let mut staging = self.staging.lock().unwrap_or_else(PoisonError::into_inner);
                staging.add(&output).map_err(|e| {
                    let message = e.to_string();
                    failed_write = Some(e);
                    message
                })
            });
            if let Err(e) = rendered {
                self.fail(failed_write.map_or(BuildError::Render(e), BuildError::Write));
                return;
            }
        }
    }
}

/// What a renderer stopped by the other thread's failure returns; never reported, since
/// that failure is recorded first.
fn stopped(renderer: &'static str) -> RenderError {
    RenderError {
        renderer,
        message: "stopped: another output failed".to_owned(),
    }
}
