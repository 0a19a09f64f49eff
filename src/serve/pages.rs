//! The preview's own pages: the index, the shells around the SOP and the printed forms,
//! and the diagnostics panel. Every text from the configuration is escaped: it is data.

use std::fmt::Write as _;

use super::state::{Finding, Report, Snapshot, Status};
use crate::diagnostic::Severity;
use crate::pack::{Pack, Part};
use crate::render::sop::escape::xml as escape;

pub const SCRIPT: &str = include_str!("assets/preview.js");
pub const STYLE: &str = include_str!("assets/preview.css");

/// The outputs the index offers for download, under these headings.
pub const DOWNLOADS: [(Part, &str); 6] = [
    (Part::Xlsform, "XLSForms (ODK, KoboToolbox)"),
    (Part::Codebook, "Codebook (data dictionary)"),
    (Part::Primero, "Primero configuration"),
    (Part::Schemas, "Record JSON Schemas"),
    (Part::Definitions, "Canonical form definitions"),
    (Part::Config, "Resolved configuration"),
];

/// A page of the preview: the bar with the build's status, the error panel over the
/// content, and the content. `shown` is the generation the content comes from.
fn page(title: &str, status: &Status, shown: Option<u64>, nav: &str, body: &str) -> String {
    let shown = shown.map_or(String::new(), |g| g.to_string());
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · bipgen preview</title>\n<link rel=\"stylesheet\" href=\"/preview.css\">\n\
         <script src=\"/preview.js\" defer></script>\n</head>\n\
         <body data-shown=\"{shown}\" data-generation=\"{generation}\">\n\
         <header class=\"bar\"><a href=\"/\">bipgen preview</a>{nav}\
         <span id=\"bipgen-status\" role=\"status\">{status_text}</span></header>\n\
         <section id=\"bipgen-overlay\" aria-live=\"assertive\" hidden></section>\n\
         {body}\n</body>\n</html>\n",
        title = escape(title),
        generation = status.generation,
        status_text = escape(&status_text(status)),
    )
}

/// The status line: what the page shows and whether it is current.
pub fn status_text(status: &Status) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (status.ok, status.shown) {
        (true, _) => format!(
            "up to date · checked in {} ms · {}",
            status.took_ms,
            plural(status.warnings, "warning")
        ),
        (false, Some(_)) => format!(
            "{}: showing the last good build",
            plural(status.errors, "error")
        ),
        (false, None) => format!("{}: nothing to show yet", plural(status.errors, "error")),
    }
}

/// `<span lang dir>` around a text in a configured language.
fn in_language(pack: &Pack, tag: &str, text: &str) -> String {
    let dir = pack
        .languages()
        .iter()
        .find(|l| l.tag.as_str() == tag)
        .map_or("auto", |l| match l.direction {
            crate::config::Direction::Rtl => "rtl",
            crate::config::Direction::Ltr => "ltr",
        });
    format!(
        "<span lang=\"{}\" dir=\"{dir}\">{}</span>",
        escape(tag),
        escape(text)
    )
}

/// The index: the SOP's identity, the diagnostics, and links to every output.
pub fn index(
    status: &Status,
    snapshot: Option<&Snapshot>,
    report: &Report,
    downloads: &[(Part, Vec<String>)],
    editor: bool,
) -> String {
    let mut body = String::from("<main id=\"content\">\n");
    let Some(snapshot) = snapshot else {
        body.push_str(
            "<h1>No preview yet</h1>\n<p>The configuration has not built yet. Fix the \
             problems below and save: the preview appears as soon as it builds.</p>\n",
        );
        body.push_str(&findings(report, editor));
        body.push_str("</main>");
        return page("No preview yet", status, None, "", &body);
    };
    let pack = snapshot.pack();
    let default = pack.config.default_language.as_str();
    let title = pack
        .text(&pack.config.sop.title, default)
        .map_or("SOP", |s| s.text);
    let _ = writeln!(
        body,
        "<h1>{}</h1>\n<p>Version {} · effective {} · {} language(s)</p>",
        in_language(pack, default, title),
        escape(&pack.config.sop.version.to_string()),
        pack.config.sop.effective_date,
        pack.printed_languages().count(),
    );
    body.push_str("<h2>Diagnostics</h2>\n");
    body.push_str(&findings(report, editor));

    body.push_str("<h2>The SOP</h2>\n<ul class=\"sop\">\n");
    for (_, language) in pack.printed_languages() {
        let tag = escape(language.tag.as_str());
        let _ = writeln!(
            body,
            "<li><a href=\"/sop/{tag}\">{}</a> · download \
             <a href=\"/files/sop/{tag}/sop.md\" download>Markdown</a>, \
             <a href=\"/files/sop/{tag}/sop.html\" download>HTML</a>, \
             <a href=\"/files/sop/{tag}/sop.pdf\" download>PDF</a>, \
             <a href=\"/files/sop/{tag}/sop.docx\" download>DOCX</a></li>",
            in_language(pack, language.tag.as_str(), &language.name),
        );
    }
    body.push_str("</ul>\n");

    body.push_str(&forms_table(pack));

    body.push_str("<h2>Files for systems</h2>\n");
    for (part, files) in downloads {
        let heading = DOWNLOADS
            .iter()
            .find(|(p, _)| p == part)
            .map_or("", |(_, h)| h);
        let _ = writeln!(body, "<h3>{heading}</h3>\n<ul class=\"files\">");
        for path in files {
            let path = escape(path);
            let _ = writeln!(
                body,
                "<li><a href=\"/files/{path}\" download>{path}</a></li>"
            );
        }
        body.push_str("</ul>\n");
    }
    body.push_str("</main>");
    page(title, status, Some(snapshot.generation), "", &body)
}

/// Every form in every language, with the blank packs and the language pairs.
fn forms_table(pack: &Pack) -> String {
    let languages: Vec<_> = pack.printed_languages().map(|(_, l)| l).collect();
    let default = pack.config.default_language.as_str();
    let mut out = String::from(
        "<h2>Printed forms</h2>\n<table class=\"forms\">\n<thead><tr><th scope=\"col\">Form</th>",
    );
    for language in &languages {
        let _ = write!(
            out,
            "<th scope=\"col\">{}</th>",
            in_language(pack, language.tag.as_str(), &language.name)
        );
    }
    // Language pairs print side by side (`[forms] bilingual`), when both are shown.
    let shown = |tag: &str| languages.iter().any(|l| l.tag.as_str() == tag);
    let pairs: Vec<String> = pack
        .config
        .forms
        .bilingual
        .iter()
        .filter(|[a, b]| shown(a.as_str()) && shown(b.as_str()))
        .map(|[a, b]| format!("{a}+{b}"))
        .collect();
    for pair in &pairs {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(pair));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for form in &pack.forms.forms {
        let id = escape(form.id.as_str());
        let title = pack.text(&form.title, default).map_or("", |s| s.text);
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{} <code>{id}</code></th>",
            in_language(pack, default, title)
        );
        for language in &languages {
            let tag = escape(language.tag.as_str());
            let _ = write!(
                out,
                "<td><a href=\"/form/{id}/{tag}\">view</a> · \
                 <a href=\"/files/forms/{id}/{tag}.pdf\" download>PDF</a></td>"
            );
        }
        for pair in &pairs {
            let pair = escape(pair);
            let _ = write!(
                out,
                "<td><a href=\"/files/forms/{id}/{pair}.pdf\" download>PDF</a></td>"
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n<p>Blank form packs (laid out when asked for): ");
    let packs: Vec<String> = languages
        .iter()
        .map(|l| {
            let tag = escape(l.tag.as_str());
            format!("<a href=\"/files/forms/all-{tag}.pdf\" download>all-{tag}.pdf</a>")
        })
        .collect();
    out.push_str(&packs.join(", "));
    out.push_str("</p>\n");
    out
}

/// The shell around one language's SOP: the HTML the build writes, in a frame the
/// script reloads after each good build.
pub fn sop(status: &Status, snapshot: &Snapshot, tag: &str) -> String {
    let pack = snapshot.pack();
    let name = pack
        .languages()
        .iter()
        .find(|l| l.tag.as_str() == tag)
        .map_or(tag, |l| l.name.as_str());
    let tag = escape(tag);
    let body = format!(
        "<main id=\"content\" class=\"framed\"><iframe id=\"bipgen-frame\" \
         title=\"SOP ({tag})\" src=\"/files/sop/{tag}/sop.html\"></iframe></main>"
    );
    let nav = format!(
        " · SOP · {} · <a href=\"/files/sop/{tag}/sop.pdf\" download>PDF</a>",
        in_language(pack, &tag, name)
    );
    page(
        &format!("SOP ({tag})"),
        status,
        Some(snapshot.generation),
        &nav,
        &body,
    )
}

/// The shell around one printed form: the PDF as the build writes it, in a frame.
pub fn form(status: &Status, snapshot: &Snapshot, form: &str, tag: &str) -> String {
    let pack = snapshot.pack();
    let title = pack
        .forms
        .form(form)
        .and_then(|f| pack.text(&f.title, tag))
        .map_or(form, |s| s.text);
    let (form, tag_escaped) = (escape(form), escape(tag));
    let body = format!(
        "<main id=\"content\" class=\"framed\"><iframe id=\"bipgen-frame\" \
         title=\"{form} ({tag_escaped})\" \
         src=\"/files/forms/{form}/{tag_escaped}.pdf\"></iframe></main>"
    );
    let nav = format!(" · {}", in_language(pack, tag, title));
    page(
        &format!("{form} ({tag_escaped})"),
        status,
        Some(snapshot.generation),
        &nav,
        &body,
    )
}

/// The diagnostics panel: each finding as the terminal shows it, with a button that opens
/// its place in the editor when one is set.
pub fn findings(report: &Report, editor: bool) -> String {
    let mut out = String::new();
    if let Some(failure) = &report.failure {
        let _ = writeln!(
            out,
            "<div class=\"finding error\"><pre>error: {}</pre></div>",
            escape(failure)
        );
    }
    if report.findings.is_empty() && report.failure.is_none() {
        return "<p class=\"clean\">No errors, no warnings.</p>\n".into();
    }
    let _ = writeln!(
        out,
        "<p class=\"tally\">{} error(s), {} warning(s)</p>",
        report.errors, report.warnings
    );
    for (index, finding) in report.findings.iter().enumerate() {
        out.push_str(&one_finding(index, finding, editor));
    }
    if report.more > 0 {
        let _ = writeln!(
            out,
            "<p>…and {} more: <code>bipgen check</code> lists them all.</p>",
            report.more
        );
    }
    out
}

fn one_finding(index: usize, finding: &Finding, editor: bool) -> String {
    let class = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let open = match (&finding.place, editor) {
        (Some((file, line, column)), true) => format!(
            "<button type=\"button\" data-open=\"{index}\">open {}:{line}:{column} in the editor</button>",
            escape(&file.display().to_string())
        ),
        _ => String::new(),
    };
    format!(
        "<div class=\"finding {class}\" data-code=\"{}\"><pre>{}</pre>{open}</div>\n",
        finding.code,
        escape(&finding.rendered)
    )
}
