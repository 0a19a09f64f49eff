//! Opening a diagnostic's place in the user's editor (`--editor` or `BIPGEN_EDITOR`).

use std::path::Path;
use std::process::{Command, Stdio};

/// An editor command, e.g. `code -g {file}:{line}:{column}` or `vim +{line} {file}`. Its
/// words are split on spaces and run without a shell; `{file}`, `{line}` and `{column}`
/// are filled in, and a command without `{file}` gets `{file}:{line}:{column}` appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    program: String,
    args: Vec<String>,
}

impl Editor {
    pub fn parse(command: &str) -> Result<Editor, String> {
        let mut words = command.split_whitespace().map(str::to_owned);
        let program = words
            .next()
            .ok_or_else(|| "the editor command is empty".to_owned())?;
        let mut args: Vec<String> = words.collect();
        if !args.iter().any(|a| a.contains("{file}")) {
            args.push("{file}:{line}:{column}".into());
        }
        Ok(Editor { program, args })
    }

    /// The command line for a place, as words.
    pub fn command_line(&self, file: &Path, line: usize, column: usize) -> Vec<String> {
        let fill = |word: &str| {
            word.replace("{file}", &file.display().to_string())
                .replace("{line}", &line.to_string())
                .replace("{column}", &column.to_string())
        };
        std::iter::once(self.program.clone())
            .chain(self.args.iter().map(|a| fill(a)))
            .collect()
    }

    /// Opens `file` (a file the configuration read) at its place, if it lies inside the
    /// country folder `root`.
    pub fn open(&self, root: &Path, file: &Path, line: usize, column: usize) -> Result<(), String> {
        let real = file
            .canonicalize()
            .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
        if !real.starts_with(root) {
            return Err(format!("{} is outside the country folder", file.display()));
        }
        let words = self.command_line(&real, line, column);
        Command::new(&words[0])
            .args(&words[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(|mut child| {
                // Reaped when it ends, so that no finished editor lingers.
                std::thread::spawn(move || child.wait());
            })
            .map_err(|e| format!("cannot start the editor `{}`: {e}", words[0]))
    }
}
