//! The built-in library that a configuration is resolved against.

pub mod access;
pub mod cldr;
pub mod codes;
pub mod forms;
pub mod print;
pub mod prose;
pub mod provenance;
pub mod sop;
pub mod translations;
