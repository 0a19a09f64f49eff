//! Validation layer (b): semantic rules the schema cannot express. Each rule reads the
//! typed configuration (defaults already filled in) and reports through a [`Context`]
//! that turns JSON pointers into file, line and column.

mod bid;
mod bidi;
mod codes;
mod consent;
mod identity;
mod logos;
mod norms;
pub mod odk;
mod pathways;
mod references;
mod sizes;
mod templates;
mod texts;
mod timeframes;

#[cfg(test)]
pub(crate) mod test_support;

use std::collections::{BTreeMap, BTreeSet};

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
    /// The folder's other inputs, as load read them.
    pub assets: &'a crate::config::assets::Assets,
    pub diagnostics: Vec<Diagnostic>,
    /// Broken references from built-in sections: (section, kind, where defined) → ids.
    builtin_refs: BTreeMap<(&'static str, &'static str, &'static str), BTreeSet<String>>,
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

    /// The built-in section `pointer` lies in, if the configuration took it from the defaults.
    pub fn builtin_section(&self, pointer: &str) -> Option<&'static str> {
        self.defaulted
            .iter()
            .copied()
            .find(|d| pointer == *d || pointer.starts_with(&format!("{d}/")))
    }

    /// Reports `id` at `pointer` unless it is one of `known`, suggesting the closest.
    /// References from built-in sections are gathered and reported once per section at
    /// the user's own definitions (the user cannot edit the defaults).
    pub fn reference(
        &mut self,
        what: &'static str,
        id: &str,
        known: &IdSet,
        pointer: &str,
        define_where: &'static str,
    ) {
        if known.contains(id) {
            return;
        }
        if let Some(section) = self.builtin_section(pointer) {
            self.builtin_refs
                .entry((section, what, define_where))
                .or_default()
                .insert(id.to_owned());
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

    /// One diagnostic per built-in section whose references the configuration broke.
    fn report_builtin_refs(&mut self) {
        let gathered = std::mem::take(&mut self.builtin_refs);
        for ((section, what, define_where), ids) in gathered {
            let list = ids
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let target = define_where
                .trim_start_matches('[')
                .trim_end_matches(']')
                .replace('.', "/");
            let pointer = format!("/{target}");
            self.error(
                "unknown-reference",
                &pointer,
                format!("the built-in `{}` refer to {what} {list}, which this configuration does not define", &section[1..]),
                format!("define {list} in {define_where} as well, or define your own `{}`", &section[1..]),
            );
        }
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
    assets: &crate::config::assets::Assets,
) -> Vec<Diagnostic> {
    let mut cx = Context {
        config,
        document,
        map,
        defaulted,
        assets,
        diagnostics: Vec::new(),
        builtin_refs: BTreeMap::new(),
    };
    identity::check(&mut cx);
    codes::check(&mut cx);
    references::check(&mut cx);
    cx.report_builtin_refs();
    timeframes::check(&mut cx);
    consent::check(&mut cx);
    bid::check(&mut cx);
    pathways::check(&mut cx);
    norms::check(&mut cx);
    texts::check(&mut cx);
    sizes::check(&mut cx);
    bidi::check(&mut cx);
    logos::check(&mut cx);
    templates::check(&mut cx);
    odk::check(&mut cx);
    cx.diagnostics
}
