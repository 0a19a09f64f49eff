//! The built-in library that a configuration is resolved against.

pub mod access;
pub mod forms;
pub mod provenance;
