//! The preview's HTTP routes. Only the build in memory is served: a file is found by its
//! exact output path in that build, never on disk, so no request can reach another file.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::Stream;

use super::App;
use super::pages;
use super::state::Status;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/preview.js", get(script))
        .route("/preview.css", get(style))
        .route("/events", get(events))
        .route("/diagnostics", get(diagnostics))
        .route("/sop/{tag}", get(sop))
        .route("/form/{form}/{tag}", get(form))
        .route("/files/{*path}", get(file))
        .route("/open/{index}", post(open))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// Refuses requests whose `Host` is not the preview's own (DNS rebinding), and requests
/// that change something (opening the editor) from another origin.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| app.address.allows_host(h)) {
        return (
            StatusCode::FORBIDDEN,
            "bipgen preview: this address is not the preview's own (Host header refused)\n",
        )
            .into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|h| h.to_str().ok());
        let same = origin
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|h| app.address.allows_host(h));
        if !same {
            return (
                StatusCode::FORBIDDEN,
                "bipgen preview: requests that act must come from the preview's own pages\n",
            )
                .into_response();
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn index(State(app): State<Arc<App>>) -> Response {
    let task = tokio::task::spawn_blocking(move || {
        let shown = app.preview.shown();
        // The files for systems are cheap to render, and listing them names every one.
        let downloads = shown
            .as_ref()
            .map(|snapshot| {
                pages::DOWNLOADS
                    .iter()
                    .map(|(part, _)| {
                        let files = snapshot
                            .group(&super::state::Group::Part(*part))
                            .map(|outputs| outputs.iter().map(|o| o.path.clone()).collect())
                            .unwrap_or_default();
                        (*part, files)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        pages::index(
            &app.preview.status(),
            shown.as_deref(),
            &app.preview.report(),
            &downloads,
            app.editor.is_some(),
        )
    });
    match task.await {
        Ok(page) => Html(page).into_response(),
        Err(e) => internal(e.to_string()),
    }
}

async fn script() -> Response {
    typed(
        "text/javascript; charset=utf-8",
        pages::SCRIPT.as_bytes().to_vec(),
    )
}

async fn style() -> Response {
    typed("text/css; charset=utf-8", pages::STYLE.as_bytes().to_vec())
}

/// What the event stream sends: the status and the line the bar shows.
fn build_event(status: &Status) -> Event {
    let mut value = serde_json::to_value(status).unwrap_or_default();
    value["text"] = pages::status_text(status).into();
    Event::default().event("build").data(value.to_string())
}

/// Server-Sent Events: the current status at once, then one event per rebuild.
async fn events(State(app): State<Arc<App>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let start = (app.preview.subscribe(), app.closing(), true);
    let stream =
        futures_util::stream::unfold(start, |(mut receiver, mut closing, first)| async move {
            if !first {
                tokio::select! {
                    changed = receiver.changed() => changed.ok()?,
                    _ = closing.wait_for(|closed| *closed) => return None,
                }
            }
            let status = receiver.borrow_and_update().clone();
            Some((Ok(build_event(&status)), (receiver, closing, false)))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn diagnostics(State(app): State<Arc<App>>) -> Html<String> {
    Html(pages::findings(&app.preview.report(), app.editor.is_some()))
}

async fn sop(State(app): State<Arc<App>>, Path(tag): Path<String>) -> Response {
    let Some(snapshot) = app.preview.shown() else {
        return nothing_yet();
    };
    if !snapshot
        .pack()
        .printed_languages()
        .any(|(_, l)| l.tag.as_str() == tag)
    {
        return not_found().await;
    }
    Html(pages::sop(&app.preview.status(), &snapshot, &tag)).into_response()
}

async fn form(State(app): State<Arc<App>>, Path((form, tag)): Path<(String, String)>) -> Response {
    let Some(snapshot) = app.preview.shown() else {
        return nothing_yet();
    };
    let pack = snapshot.pack();
    let known = pack.forms.form(&form).is_some()
        && pack.printed_languages().any(|(_, l)| l.tag.as_str() == tag);
    if !known {
        return not_found().await;
    }
    Html(pages::form(&app.preview.status(), &snapshot, &form, &tag)).into_response()
}

/// One output of the shown build, rendered on first use.
async fn file(State(app): State<Arc<App>>, Path(path): Path<String>) -> Response {
    let Some(snapshot) = app.preview.shown() else {
        return nothing_yet();
    };
    let lookup = path.clone();
    let task = tokio::task::spawn_blocking(move || app.preview.file(&snapshot, &lookup));
    match task.await {
        Ok(Some(Ok(bytes))) => typed(content_type(&path), bytes.to_vec()),
        Ok(Some(Err(e))) => internal(e),
        Ok(None) => not_found().await,
        Err(e) => internal(e.to_string()),
    }
}

/// Opens a diagnostic's place in the editor set with `--editor` or `BIPGEN_EDITOR`.
async fn open(State(app): State<Arc<App>>, Path(index): Path<usize>) -> Response {
    let Some(editor) = &app.editor else {
        return (StatusCode::NOT_FOUND, "no editor is set (--editor)\n").into_response();
    };
    let report = app.preview.report();
    let Some((file, line, column)) = report.findings.get(index).and_then(|f| f.place.clone())
    else {
        return not_found().await;
    };
    match editor.open(&app.root, &file, line, column) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response(),
    }
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html("<!DOCTYPE html>\n<title>Not found</title>\n<p>The preview has no such page. <a href=\"/\">Back to the index</a>.</p>\n"),
    )
        .into_response()
}

fn nothing_yet() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html("<!DOCTYPE html>\n<title>No preview yet</title>\n<p>The configuration has not built yet: see <a href=\"/\">the index</a> for its errors.</p>\n"),
    )
        .into_response()
}

fn internal(message: String) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, format!("{message}\n")).into_response()
}

fn typed(content_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    (headers, bytes).into_response()
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "html" => "text/html; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}
