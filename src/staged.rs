//! Stages 4 and 5 joined: the selected renderers write each output into the staging
//! folder as they make it, the printed documents on one thread and the data files on
//! another.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::BuildError;
use crate::output::{Staging, WriteError};
use crate::pack::Pack;
use crate::render::{self, Renderer};

/// Renders every selected output into `staging` as it is made: a build holds one
/// document at a time, not the whole output folder. The data files are made on a thread
/// of their own while Typst lays out the printed documents: layout leaves part of a core
/// idle, and a large directory's data files take one core for seconds.
pub(crate) fn render_into(
    pack: &Pack,
    progress: &dyn Fn(&str),
    staging: &mut Staging,
) -> Result<(), BuildError> {
    let selected = render::renderers()
        .into_iter()
        .filter(|r| pack.selection.includes(r.part()));
    render_with(pack, selected.collect(), progress, staging)
}

/// [`render_into`] with the given renderers, the laid-out ones on the caller's thread.
fn render_with(
    pack: &Pack,
    renderers: Vec<Box<dyn Renderer>>,
    progress: &dyn Fn(&str),
    staging: &mut Staging,
) -> Result<(), BuildError> {
    let (laid_out, data): (Vec<_>, Vec<_>) =
        renderers.into_iter().partition(|r| r.part().is_laid_out());
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
                    return Err(STOPPED.to_owned());
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

/// Why a renderer stopped by the other thread's failure stopped; never reported, since
/// that failure is recorded first.
const STOPPED: &str = "stopped: another output failed";

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::output::WriteOptions;
    use crate::pack::Part;
    use crate::render::{Emit, Output, OutputKind, RenderError};

    /// Hands over numbered outputs until told to stop, or `limit` of them.
    struct Endless {
        part: Part,
        limit: usize,
        fails_after: Option<usize>,
        made: &'static AtomicUsize,
    }

    impl Renderer for Endless {
        fn name(&self) -> &'static str {
            if self.fails_after.is_some() {
                "broken data"
            } else {
                "many documents"
            }
        }

        fn part(&self) -> Part {
            self.part
        }

        fn render(&self, _: &Pack) -> Result<Vec<Output>, RenderError> {
            unreachable!("the staging calls render_each")
        }

        fn render_each(&self, _: &Pack, emit: &mut Emit<'_>) -> Result<(), RenderError> {
            for i in 0..self.limit {
                if self.fails_after == Some(i) {
                    return Err(RenderError {
                        renderer: self.name(),
                        message: "the disk went away".into(),
                    });
                }
                let output = Output {
                    path: format!("{}/{i}.txt", self.part),
                    kind: OutputKind::Codebook,
                    form: None,
                    languages: Vec::new(),
                    bytes: b"x".to_vec(),
                };
                emit(output).map_err(|message| RenderError {
                    renderer: self.name(),
                    message,
                })?;
                self.made.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }
    }

    fn minimal_pack() -> Pack {
        crate::check(Path::new("examples/minimal/country.toml"))
            .resolve("country.toml")
            .expect("the minimal example is valid")
            .expect("and resolves")
    }

    #[test]
    fn the_first_failure_of_either_thread_is_reported_and_stops_the_other() {
        static DATA: AtomicUsize = AtomicUsize::new(0);
        static DOCUMENTS: AtomicUsize = AtomicUsize::new(0);
        const LIMIT: usize = 100_000;
        let dir = tempfile::tempdir().unwrap();
        let mut staging = Staging::open(&dir.path().join("out"), WriteOptions::default()).unwrap();
        let renderers: Vec<Box<dyn Renderer>> = vec![
            Box::new(Endless {
                part: Part::Codebook,
                limit: LIMIT,
                fails_after: Some(3),
                made: &DATA,
            }),
            Box::new(Endless {
                part: Part::Forms,
                limit: LIMIT,
                fails_after: None,
                made: &DOCUMENTS,
            }),
        ];
        let result = render_with(&minimal_pack(), renderers, &|_| {}, &mut staging);
        match result {
            Err(BuildError::Render(e)) => {
                assert_eq!(e.renderer, "broken data");
                assert_eq!(e.message, "the disk went away");
            }
            other => panic!("expected the data renderer's failure, got {other:?}"),
        }
        assert_eq!(DATA.load(Ordering::Relaxed), 3);
        assert!(
            DOCUMENTS.load(Ordering::Relaxed) < LIMIT,
            "the other thread was stopped"
        );
    }

    #[test]
    fn a_failed_write_is_reported_as_a_write() {
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let dir = tempfile::tempdir().unwrap();
        let options = WriteOptions {
            fail_after: Some(5),
            ..Default::default()
        };
        let mut staging = Staging::open(&dir.path().join("out"), options).unwrap();
        let renderers: Vec<Box<dyn Renderer>> = [Part::Schemas, Part::Sop]
            .into_iter()
            .map(|part| -> Box<dyn Renderer> {
                Box::new(Endless {
                    part,
                    limit: 4,
                    fails_after: None,
                    made: &MADE,
                })
            })
            .collect();
        let result = render_with(&minimal_pack(), renderers, &|_| {}, &mut staging);
        assert!(
            matches!(result, Err(BuildError::Write(WriteError::Injected(5)))),
            "{result:?}"
        );
        assert_eq!(staging.files().len(), 5);
    }
}
