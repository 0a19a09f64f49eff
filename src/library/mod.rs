//! The built-in library that a configuration is resolved against.

pub mod forms;
