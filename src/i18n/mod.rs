//! Translation workflow: every translatable string of a pack, keyed stably, exported to
//! gettext PO files for translators and read back from the country folder.

pub mod catalog;
pub mod commands;
pub mod completeness;
pub mod keys;
pub mod overlay;
pub mod po;
pub mod store;
pub mod tags;
pub mod workflow;
