//! `bipgen serve`: a live preview. The country folder is watched; each save checks and
//! resolves the configuration again in memory, and the pages in the browser follow
//! through Server-Sent Events. Errors show over the last good preview. Nothing is written
//! into the country folder.

mod editor;
mod pages;
mod routes;
pub mod state;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use editor::Editor;
pub use routes::router;
pub use state::{Preview, Report, Status};

/// Told after each rebuild: the new status, and what the check found.
pub type Rebuilt = Arc<dyn Fn(&Status, &Report) + Send + Sync>;
pub use watch::Watch;

/// What `bipgen serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub config: PathBuf,
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Documents in these languages only; all when empty.
    pub languages: Vec<String>,
    /// Also write each good build here, atomically, as `build` does.
    pub out: Option<PathBuf>,
    pub editor: Option<Editor>,
}

/// The address the preview answers on, and the `Host` headers it accepts.
#[derive(Debug, Clone)]
pub struct Address {
    pub bound: SocketAddr,
}

impl Address {
    /// Whether a request's `Host` names this preview. Loopback names always do; a
    /// preview bound to another address accepts that address, and one bound to every
    /// address accepts any address literal, never a domain name (DNS rebinding).
    pub fn allows_host(&self, host: &str) -> bool {
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => (name, port.parse::<u16>().ok()),
            _ => (host, None),
        };
        if port.is_some_and(|p| p != self.bound.port()) {
            return false;
        }
        let name = name.trim_start_matches('[').trim_end_matches(']');
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        let Ok(ip) = name.parse::<IpAddr>() else {
            return false;
        };
        ip.is_loopback() || ip == self.bound.ip() || self.bound.ip().is_unspecified()
    }
}

/// The shared state of the routes.
pub struct App {
    pub preview: Preview,
    pub address: Address,
    /// The country folder: the editor opens files inside it only.
    pub root: PathBuf,
    pub editor: Option<Editor>,
    /// Set when the server stops: open event streams end, so that it can.
    closing: tokio::sync::watch::Sender<bool>,
}

impl App {
    /// Ends the event streams; the server stops once its last request is answered.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    pub fn new(preview: Preview, bound: SocketAddr, editor: Option<Editor>) -> App {
        let root = country_folder(preview.config());
        App {
            preview,
            address: Address { bound },
            root,
            editor,
            closing: tokio::sync::watch::channel(false).0,
        }
    }
}

/// The folder the configuration is in, as the watcher and the editor see it.
pub fn country_folder(config: &Path) -> PathBuf {
    let parent = config.parent().filter(|p| !p.as_os_str().is_empty());
    let folder = parent.unwrap_or(Path::new("."));
    folder
        .canonicalize()
        .unwrap_or_else(|_| folder.to_path_buf())
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("`{0}` is not a configuration file")]
    NoConfig(PathBuf),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("`--out {0}` is inside the country folder; the preview never writes there")]
    OutInside(PathBuf),
    #[error("cannot watch the country folder: {0}")]
    Watch(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ServeError {
    pub fn help(&self) -> Option<&'static str> {
        match self {
            ServeError::Bind { .. } => Some("another program uses the port: pass --port"),
            ServeError::OutInside(_) => Some("choose a folder outside the country folder"),
            ServeError::NoConfig(_) => Some("pass the path of the country's TOML file"),
            _ => None,
        }
    }
}

/// Runs the preview until Ctrl-C. `ready` is told the address once the server listens,
/// `rebuilt` each status after a rebuild, and `say` what else the user should know.
pub fn run(
    options: ServeOptions,
    ready: &dyn Fn(SocketAddr),
    rebuilt: Rebuilt,
    say: Arc<dyn Fn(String) + Send + Sync>,
) -> Result<(), ServeError> {
    if !options.config.is_file() {
        return Err(ServeError::NoConfig(options.config));
    }
    let root = country_folder(&options.config);
    if let Some(out) = &options.out {
        let absolute = std::path::absolute(out)?;
        if absolute.starts_with(&root) {
            return Err(ServeError::OutInside(out.clone()));
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let address = SocketAddr::new(options.host, options.port);
    let listener = std::net::TcpListener::bind(address)
        .map_err(|source| ServeError::Bind { address, source })?;
    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?;

    let preview = Preview::new(&options.config, options.languages.clone());
    let app = Arc::new(App::new(preview, bound, options.editor.clone()));
    rebuilt(&app.preview.rebuild(), &app.preview.report());
    let writer = options
        .out
        .clone()
        .map(|out| watch::Writer::start(out, options.config.clone(), say));
    if let (Some(writer), Some(snapshot)) = (&writer, app.preview.shown()) {
        writer.write(snapshot);
    }
    let _watch = Watch::start(app.clone(), &root, writer, rebuilt).map_err(ServeError::Watch)?;

    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        // Ctrl-C is caught from before the address is announced: a user (or a script) who
        // stops the preview the moment it is up must get a clean stop, not a killed process.
        let interrupted = interrupt()?;
        ready(bound);
        axum::serve(listener, router(app.clone()))
            .with_graceful_shutdown(async move {
                interrupted.await;
                app.close();
            })
            .await
    })?;
    Ok(())
}

/// A future that completes on Ctrl-C, listening from the moment it is made (tokio's
/// `ctrl_c()` only starts listening when first polled).
#[cfg(unix)]
fn interrupt() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut stream = signal(SignalKind::interrupt())?;
    Ok(async move {
        stream.recv().await;
    })
}

#[cfg(not(unix))]
fn interrupt() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
