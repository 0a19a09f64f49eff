//! The pipeline runs one way: load → validate → resolve → render → write. Every `crate::`
//! path in the library's source is checked against the layer of the module that names
//! it; a module may use its own layer and the layers below, never one above. A back-edge
//! fails here with the file, the line and the two layers.

use std::path::{Path, PathBuf};

/// Layers from the bottom up, each with the modules in it. A module belongs to the layer
/// of the longest prefix listed for it.
const LAYERS: &[(&str, &[&str])] = &[
    // Primitives and form types, diagnostics, the PO format.
    ("leaf", &["model", "diagnostic", "i18n::po"]),
    // Reading the country folder.
    ("load", &["config"]),
    // Built-in assets (chapters, prose, print strings, forms, codes) and text keys.
    ("library", &["library", "i18n::keys"]),
    // Fonts and images: the glyph and logo checks read them too.
    ("typeset", &["typeset"]),
    // Translations laid over the texts, and tags as BCP 47 reads them.
    (
        "translations",
        &["i18n::overlay", "i18n::store", "i18n::tags"],
    ),
    // The built-in forms tailored to the configuration.
    ("forms", &["forms"]),
    ("validate", &["validate"]),
    // The resolved pack and the inventory of its texts.
    ("resolve", &["pack", "i18n::catalog"]),
    ("render", &["render"]),
    ("write", &["output"]),
    // Commands built on the whole pipeline, and the crate root that runs it.
    (
        "commands",
        &[
            "",
            "diff",
            "records",
            "serve",
            "init",
            "i18n",
            "i18n::workflow",
            "i18n::commands",
        ],
    ),
];

fn layer_of(module: &str) -> (usize, &'static str) {
    let mut best: Option<(usize, usize, &'static str)> = None;
    for (rank, (name, prefixes)) in LAYERS.iter().enumerate() {
        for prefix in *prefixes {
            let matches = prefix.is_empty()
                || module == *prefix
                || module.starts_with(&format!("{prefix}::"));
            if matches && best.is_none_or(|(len, _, _)| prefix.len() > len) {
                best = Some((prefix.len(), rank, name));
            }
        }
    }
    let (_, rank, name) = best.expect("the crate root matches every module");
    (rank, name)
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// `src/render/sop/mod.rs` → `render::sop`; `src/lib.rs` → the crate root.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "mod" && p != "lib")
        .collect();
    parts.join("::")
}

/// The `crate::` paths a line names, as module paths (`crate::config::Text` → `config`,
/// `crate::i18n::overlay::Overlay` → `i18n::overlay`), groups included
/// (`crate::{pack, render::Output}` → `pack`, `render`). An item of the crate root
/// (`crate::Checked`) names the root, `""`.
fn named_modules(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                found.push(module_path(item.trim()));
            }
            rest = &group[end..];
        } else {
            found.push(module_path(rest));
        }
    }
    found
}

/// The crate root names its modules without `crate::` (`validate::schema::repair`): the
/// paths of a root line that start with a module of the layers.
fn root_paths(line: &str) -> Vec<String> {
    let tops: std::collections::BTreeSet<&str> = LAYERS
        .iter()
        .flat_map(|(_, modules)| modules.iter())
        .filter_map(|m| m.split("::").next().filter(|t| !t.is_empty()))
        .collect();
    let mut found = Vec::new();
    for (at, _) in line.match_indices("::") {
        let start = line[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |i| i + 1);
        // Only a path's first segment, and not one that `crate::` already covers.
        let before = &line[..start];
        let word = &line[start..at];
        if !word.contains("::") && tops.contains(word) && !before.ends_with("crate::") {
            found.push(module_path(&line[start..]));
        }
    }
    found
}

/// The module part of a path that follows `crate::`: its lowercase segments, up to the
/// first capitalised one (an item).
fn module_path(path: &str) -> String {
    let path: String = path
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    let modules: Vec<&str> = path
        .split("::")
        .take_while(|s| !s.is_empty() && s.starts_with(|c: char| c.is_ascii_lowercase()))
        .collect();
    modules.join("::")
}

#[test]
fn imports_run_one_way_through_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut back_edges = Vec::new();
    let mut edges = std::collections::BTreeSet::new();
    let mut checked = 0;
    for file in &files {
        // The binary (main.rs and cli/) is the command line, above everything, and uses
        // the library by its public paths; tests may reach anywhere.
        let name = file.file_name().unwrap().to_string_lossy();
        let binary = file.ends_with("src/main.rs") || file.starts_with(src.join("cli"));
        if binary || name == "tests.rs" || name == "test_support.rs" {
            continue;
        }
        let module = module_of(&src, file);
        let (rank, layer) = layer_of(&module);
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("mod tests") {
                break; // unit tests close the file
            }
            let code = line.split("//").next().unwrap_or("");
            let mut targets = named_modules(code);
            if module.is_empty() {
                targets.extend(root_paths(code));
            }
            for target in targets {
                checked += 1;
                let (target_rank, target_layer) = layer_of(&target);
                if target_rank != rank {
                    edges.insert((rank, target_rank));
                }
                if target_rank > rank {
                    back_edges.push(format!(
                        "{}:{}: `{module}` ({layer}) uses `{target}` ({target_layer})",
                        file.strip_prefix(&src).unwrap().display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(
        checked > 200,
        "only {checked} paths found: is the scan broken?"
    );
    assert!(
        back_edges.is_empty(),
        "imports against the pipeline's direction:\n{}",
        back_edges.join("\n")
    );
    let picture = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/import-graph.md");
    crate::support::golden(
        &picture,
        import_graph(&edges).as_bytes(),
        crate::support::identical,
    )
    .unwrap();
}

/// The layers and the imports found between them, as a Mermaid flowchart (GitHub and most
/// Markdown viewers draw it): every arrow points down the pipeline.
fn import_graph(edges: &std::collections::BTreeSet<(usize, usize)>) -> String {
    let mut out = String::from(
        "# Import graph\n\n\
         Which layer of `src/` uses which, as `tests/it/architecture.rs` finds them in the code\n\
         (`crate::` paths; the command line in `src/main.rs` and `src/cli` sits above all of\n\
         them). An arrow goes from the layer that imports to the layer it uses. The test\n\
         fails on any arrow that points up, and when this picture no longer matches the code\n\
         (refresh it with `BIPGEN_BLESS=1 cargo test --test it architecture`).\n\n\
         ```mermaid\nflowchart TB\n",
    );
    for (rank, (name, modules)) in LAYERS.iter().enumerate().rev() {
        let modules: Vec<String> = modules
            .iter()
            .map(|m| {
                if m.is_empty() {
                    "crate root".to_owned()
                } else {
                    m.to_string()
                }
            })
            .collect();
        out.push_str(&format!(
            "    L{rank}[\"{name}<br/>{}\"]\n",
            modules.join(", ")
        ));
    }
    for (from, to) in edges.iter().rev() {
        out.push_str(&format!("    L{from} --> L{to}\n"));
    }
    out.push_str("```\n");
    out
}

#[test]
fn the_scan_sees_a_back_edge() {
    assert_eq!(
        named_modules("use crate::render::sop::text::Catalogue; crate::config::Text"),
        ["render::sop::text", "config"]
    );
    assert_eq!(
        named_modules("use crate::{Checked, pack::Pack, render};"),
        ["", "pack", "render"]
    );
    assert_eq!(
        root_paths("validate::schema::repair(x); serde_json::to_value(crate::config::X)"),
        // A function reads as a module; the layer goes by the longest prefix all the same.
        ["validate::schema::repair"]
    );
    let (validate, _) = layer_of("validate::rules::codes");
    let (render, _) = layer_of("render::sop");
    let (overlay, _) = layer_of("i18n::overlay");
    let (catalog, _) = layer_of("i18n::catalog");
    assert!(validate < render);
    assert!(overlay < catalog, "submodules take their own layer");
    assert_eq!(layer_of("").1, "commands");
}
