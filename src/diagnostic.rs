//! Diagnostics: what every stage reports about the configuration, with the file and span
//! it concerns, rendered for people (source line and caret) or machines (JSON).

use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Range<usize>,
}

/// One finding about the configuration.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, e.g. `unknown-reference`; listed in the README.
    pub code: &'static str,
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            location: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            help: None,
            location: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The source files diagnostics point into, named as the user wrote them.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// Texts are shared: the source map reads them again to find a location, and the
    /// sources are cloned with every check's result.
    files: Vec<(String, Arc<str>)>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push((name.into(), Arc::from(text.into())));
        self.files.len() - 1
    }

    /// The text of `id`, shared rather than copied.
    pub fn shared_text(&self, id: FileId) -> Arc<str> {
        Arc::clone(&self.files[id].1)
    }

    pub fn name(&self, id: FileId) -> &str {
        &self.files[id].0
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.files[id].1
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &str, &str)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, (n, t))| (i, n.as_str(), &**t))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let offset = clamp_to_char_boundary(text, offset);
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}

fn clamp_to_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A diagnostic as machines read it (`--format json`).
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Diagnostic {
    pub fn to_json<'a>(&'a self, sources: &'a Sources) -> JsonDiagnostic<'a> {
        let (file, line, column) = match &self.location {
            Some(loc) => {
                let (line, column) = sources.line_column(loc.file, loc.span.start);
                (Some(sources.name(loc.file)), Some(line), Some(column))
            }
            None => (None, None, None),
        };
        JsonDiagnostic {
            code: self.code,
            severity: self.severity,
            message: &self.message,
            help: self.help.as_deref(),
            file,
            line,
            column,
        }
    }
}

/// A problem reported more often than this is grouped…
const GROUP_ABOVE: usize = 5;
/// …after this many shown in full…
const SHOWN_IN_FULL: usize = 3;
/// …with the places of this many more.
const LISTED: usize = 5;

/// Renders diagnostics for a terminal (colours when `color` is set) with source excerpts.
/// A problem repeated many times is shown a few times in full, then counted.
pub fn render_human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let mut files = SimpleFiles::new();
    for (_, name, text) in sources.iter() {
        files.add(name, text);
    }
    let config = term::Config::default();
    let mut buffer = if color {
        term::termcolor::Buffer::ansi()
    } else {
        term::termcolor::Buffer::no_color()
    };
    // The same problem many times (a language with no texts yet): the first few in full,
    // then one line with the count and where the next ones are.
    let key = |d: &Diagnostic| (d.code, d.message.clone(), d.help.clone());
    let mut totals: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for diagnostic in diagnostics {
        *totals.entry(key(diagnostic)).or_default() += 1;
    }
    let mut seen: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for diagnostic in diagnostics {
        let total = totals[&key(diagnostic)];
        let nth = seen.entry(key(diagnostic)).or_default();
        *nth += 1;
        if total > GROUP_ABOVE && *nth > SHOWN_IN_FULL {
            if *nth == SHOWN_IN_FULL + 1 {
                use std::io::Write;
                let rest: Vec<String> = diagnostics
                    .iter()
                    .filter(|d| key(d) == key(diagnostic))
                    .skip(SHOWN_IN_FULL)
                    .take(LISTED)
                    .filter_map(|d| d.location.as_ref())
                    .map(|l| {
                        let (line, column) = sources.line_column(l.file, l.span.start);
                        format!("{}:{line}:{column}", sources.name(l.file))
                    })
                    .collect();
                let more = total - SHOWN_IN_FULL;
                let _ = writeln!(
                    buffer,
                    "{}[{}]: {more} more like this: {}{} (`--format json` lists every one)\n",
                    if diagnostic.is_error() {
                        "error"
                    } else {
                        "warning"
                    },
                    diagnostic.code,
                    rest.join(", "),
                    if more > rest.len() { ", …" } else { "" },
                );
            }
            continue;
        }
        if let Some(excerpt) = long_line_excerpt(diagnostic, sources) {
            use std::io::Write;
            let _ = write!(buffer, "{excerpt}");
            continue;
        }
        let severity = match diagnostic.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let mut rendered = cs::Diagnostic::new(severity)
            .with_code(diagnostic.code)
            .with_message(&diagnostic.message);
        if let Some(loc) = &diagnostic.location {
            let text = sources.text(loc.file);
            let start = clamp_to_char_boundary(text, loc.span.start);
            let end = clamp_to_char_boundary(text, loc.span.end.max(start));
            rendered = rendered.with_labels(vec![cs::Label::primary(loc.file, start..end)]);
        }
        if let Some(help) = &diagnostic.help {
            rendered = rendered.with_notes(vec![format!("help: {help}")]);
        }
        // Rendering into memory only fails when a span lies outside its file, which the
        // clamping above rules out; fall back to the plain message all the same.
        if term::emit_to_write_style(&mut buffer, &config, &files, &rendered).is_err() {
            use std::io::Write;
            let _ = writeln!(buffer, "{}: {}", diagnostic.code, diagnostic.message);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Lines longer than this are cut around the diagnostic's column.
const LONG_LINE: usize = 160;
/// Characters shown on each side of the column on a cut line.
const AROUND: usize = 60;

/// A diagnostic on a very long line (a minified include, a generated condition), laid out
/// as the usual excerpt but with the line cut around its column, so the terminal shows
/// the place and not a screenful of text. `None` for ordinary lines.
fn long_line_excerpt(diagnostic: &Diagnostic, sources: &Sources) -> Option<String> {
    let loc = diagnostic.location.as_ref()?;
    let text = sources.text(loc.file);
    let start = clamp_to_char_boundary(text, loc.span.start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    if line.chars().count() <= LONG_LINE {
        return None;
    }
    let (number, column) = sources.line_column(loc.file, start);
    let chars: Vec<char> = line.chars().collect();
    let at = column - 1;
    let from = at.saturating_sub(AROUND);
    let to = (at + AROUND).min(chars.len());
    let marked = text[start..clamp_to_char_boundary(text, loc.span.end.max(start))]
        .chars()
        .take_while(|c| *c != '\n')
        .count()
        .clamp(1, to - at.min(to));
    let shown: String = chars[from..to].iter().collect();
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < chars.len() { "…" } else { "" };
    let gutter = " ".repeat(number.to_string().len());
    let severity = if diagnostic.is_error() {
        "error"
    } else {
        "warning"
    };
    let mut out = format!(
        "{severity}[{}]: {}\n{gutter} ┌─ {}:{number}:{column}\n{gutter} │\n{number} │ {lead}{shown}{tail}\n{gutter} │ {}{}\n{gutter} │\n",
        diagnostic.code,
        diagnostic.message,
        sources.name(loc.file),
        " ".repeat(lead.chars().count() + at - from),
        "^".repeat(marked),
    );
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("{gutter} = help: {help}\n"));
    }
    out.push('\n');
    Some(out)
}

/// Renders diagnostics as a JSON array.
pub fn render_json(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let items: Vec<_> = diagnostics.iter().map(|d| d.to_json(sources)).collect();
    // Serialising plain strings and numbers cannot fail.
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}

/// "did you mean" over a set of candidates: the closest one within a small edit distance.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&wrong.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let mut sources = Sources::default();
        let id = sources.add("a.toml", "x = 1\nname = \"é\"\nbad");
        assert_eq!(sources.line_column(id, 0), (1, 1));
        assert_eq!(sources.line_column(id, 6), (2, 1));
        let bad = sources.text(id).find("bad").unwrap();
        assert_eq!(sources.line_column(id, bad), (3, 1));
        let after_e = sources.text(id).find('é').unwrap() + 'é'.len_utf8();
        assert_eq!(sources.line_column(id, after_e), (2, 10));
    }

    #[test]
    fn suggestions_pick_the_closest_name() {
        let names = ["caseworker", "case_manager", "interpreter"];
        assert_eq!(did_you_mean("casewroker", names), Some("caseworker"));
        assert_eq!(did_you_mean("zzz", names), None);
    }

    #[test]
    fn human_output_names_file_line_and_code() {
        let mut sources = Sources::default();
        let id = sources.add("country.toml", "a = 1\nb = 2\n");
        let d = Diagnostic::error("duplicate-id", "twice")
            .with_help("rename one")
            .at(Some(Location {
                file: id,
                span: 6..7,
            }));
        let out = render_human(&[d], &sources, false);
        assert!(out.contains("error[duplicate-id]: twice"), "{out}");
        assert!(out.contains("country.toml:2:1"), "{out}");
        assert!(out.contains("help: rename one"), "{out}");
    }

    #[test]
    fn a_problem_repeated_many_times_is_counted_after_the_first_few() {
        let mut sources = Sources::default();
        let text: String = (0..10).map(|i| format!("k{i} = 1\n")).collect();
        let id = sources.add("country.toml", &text);
        let at = |line: usize| {
            Some(Location {
                file: id,
                span: line * 7..line * 7 + 2,
            })
        };
        let mut all: Vec<Diagnostic> = (0..10)
            .map(|i| Diagnostic::error("missing-translation", "no `pt` text").at(at(i)))
            .collect();
        all.push(Diagnostic::error("duplicate-id", "twice").at(at(9)));
        let out = render_human(&all, &sources, false);
        assert_eq!(
            out.matches("error[missing-translation]: no `pt` text")
                .count(),
            3
        );
        assert!(
            out.contains(
                "error[missing-translation]: 7 more like this: country.toml:4:1, country.toml:5:1"
            ),
            "{out}"
        );
        assert!(out.contains("error[duplicate-id]: twice"), "{out}");
        // A few of one kind are all shown.
        let out = render_human(&all[..5], &sources, false);
        assert_eq!(out.matches("error[missing-translation]").count(), 5);
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let mut sources = Sources::default();
        let line = format!(
            "relevant = \"{}x{}\"\n",
            "(".repeat(5_000),
            ")".repeat(5_000)
        );
        let id = sources.add("country.toml", format!("a = 1\n{line}"));
        let at = 6 + line.find('x').unwrap();
        let d = Diagnostic::error("invalid-expression", "too deep").at(Some(Location {
            file: id,
            span: at..at + 1,
        }));
        let out = render_human(&[d], &sources, false);
        assert!(out.contains("country.toml:2:5013"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
        let excerpt = out.lines().find(|l| l.starts_with("2 │")).unwrap();
        let caret = out.lines().find(|l| l.contains('^')).unwrap();
        // The caret stands under the `x`.
        let x = excerpt.chars().position(|c| c == 'x').unwrap();
        assert_eq!(caret.chars().position(|c| c == '^'), Some(x), "{out}");
    }
}
