//! bipgen's integration tests, in one binary so the crate and its dependencies are
//! linked once. Each module tests one output or command as its users meet it; `support`
//! finds the external tools `.ci/run` installs.

mod accessibility;
mod accessibility_docx;
mod accessibility_html;
mod architecture;
mod cache;
mod case_list;
mod check_build;
mod cli;
mod codebook;
mod diff_mutations;
mod directory;
mod external_validators;
mod form_pdfs;
mod form_versions;
mod form_wording;
mod forms_external;
mod fuzz;
mod golden;
mod i18n;
mod invalid_corpus;
#[path = "../support/operation.rs"]
mod operation;
mod primero;
mod readme;
mod records_odk;
mod scale;
mod schema_sync;
mod schema_types;
mod serve;
mod serve_browser;
mod serve_cli;
mod sop;
mod sop_docx;
mod support;
mod translations;
mod xform_lint;
