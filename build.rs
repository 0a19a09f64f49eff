//! Embeds the built-in form library (`forms/*.toml`, `forms/choices/*.toml`,
//! `forms/fields/*.toml`) into the binary, so bipgen works from any folder without its
//! sources.

use std::fmt::Write;
use std::path::Path;

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut code = String::new();
    for (constant, folder) in [
        ("BUILTIN_FORM_FILES", "forms"),
        ("BUILTIN_CHOICE_FILES", "forms/choices"),
        ("BUILTIN_FIELD_FILES", "forms/fields"),
    ] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let _ = writeln!(code, "pub const {constant}: &[(&str, &str)] = &[");
        for name in list(&dir) {
            let path = dir.join(&name);
            println!("cargo:rerun-if-changed={}", path.display());
            let _ = writeln!(
                code,
                "    ({:?}, include_str!({:?})),",
                format!("{folder}/{name}"),
                path.display().to_string()
            );
        }
        let _ = writeln!(code, "];");
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"))
        .join("builtin_forms.rs");
    std::fs::write(out, code).expect("write builtin_forms.rs");
}
