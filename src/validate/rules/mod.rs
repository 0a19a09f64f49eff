//! Validation layer (b): semantic rules the schema cannot express. Each rule reads the
//! typed configuration (defaults already filled in) and reports through a [`Context`]
//! that turns JSON pointers into file, line and column.

mod bid;
mod codes;
mod consent;
mod identity;
mod references;
mod texts;
mod timeframes;

#[cfg(test)]
pub(crate) mod test_support;

use std::collections::BTreeSet;

pub use texts::for_each_text;

use serde_json::Value;

use crate::config::{Config, Id, SourceMap};
use crate::diagnostic::{Diagnostic, Location, did_you_mean};

/// What the rules read and where they write.
pub struct Context<'a> {
    pub config: &'a Config,
    /// The configuration as a JSON document, defaults included (for generic walks).
    pub document: &'a Value,
    pub map: &'a SourceMap,
    /// Sections filled from the built-in defaults, as JSON pointers.
    pub defaulted: &'a [&'static str],
    pub diagnostics: Vec<Diagnostic>,
}

impl Context<'_> {
    pub fn at(&self, pointer: &str) -> Option<Location> {
        self.map.value(pointer)
    }

    pub fn error(
        &mut self,
        code: &'static str,
        pointer: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let location = self.at(pointer);
        self.diagnostics.push(
            Diagnostic::error(code, message)
                .with_help(help)
                .at(location),
        );
    }

    pub fn warning(
        &mut self,
        code: &'static str,
        pointer: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let location = self.at(pointer);
        self.diagnostics.push(
            Diagnostic::warning(code, message)
                .with_help(help)
                .at(location),
        );
    }

    /// Reports `id` at `pointer` unless it is one of `known`, suggesting the closest.
    pub fn reference(
        &mut self,
        what: &str,
        id: &str,
        known: &IdSet,
        pointer: &str,
        define_where: &str,
    ) {
        if known.contains(id) {
            return;
        }
        let help = match did_you_mean(id, known.iter()) {
            Some(s) => {
                format!("did you mean `{s}`? Otherwise define {what} `{id}` in {define_where}")
            }
            None if known.is_empty() => format!("define {what} `{id}` in {define_where}"),
            None => format!(
                "known {what}s: {}; or define `{id}` in {define_where}",
                known.list()
            ),
        };
        self.error(
            "unknown-reference",
            pointer,
            format!("unknown {what} `{id}`"),
            help,
        );
    }
}

/// A set of ids one kind of reference may name.
#[derive(Debug, Default)]
pub struct IdSet(BTreeSet<String>);

impl IdSet {
    pub fn of<'a>(ids: impl IntoIterator<Item = &'a Id>) -> Self {
        IdSet(ids.into_iter().map(|i| i.as_str().to_owned()).collect())
    }

    pub fn of_str<'a>(ids: impl IntoIterator<Item = &'a str>) -> Self {
        IdSet(ids.into_iter().map(str::to_owned).collect())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.contains(id)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    fn list(&self) -> String {
        let mut names: Vec<String> = self.0.iter().take(12).map(|s| format!("`{s}`")).collect();
        if self.0.len() > 12 {
            names.push("…".into());
        }
        names.join(", ")
    }
}

/// Runs every semantic rule.
pub fn check_rules(
    config: &Config,
    document: &Value,
    map: &SourceMap,
    defaulted: &[&'static str],
) -> Vec<Diagnostic> {
    let mut cx = Context {
        config,
        document,
        map,
        defaulted,
        diagnostics: Vec::new(),
    };
    identity::check(&mut cx);
    codes::check(&mut cx);
    references::check(&mut cx);
    timeframes::check(&mut cx);
    consent::check(&mut cx);
    bid::check(&mut cx);
    texts::check(&mut cx);
    cx.diagnostics
}
