//! The command line's parts: arguments, reporting, progress, and the commands.

pub(crate) mod args;
pub(crate) mod build;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod serve;
pub(crate) mod tools;
