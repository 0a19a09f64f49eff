//! Shared primitives and form data types: the leaf every stage builds on. Nothing here
//! imports another module of bipgen.

pub mod form;
pub mod primitives;

/// sha256 of `bytes` as lowercase hex: how inputs, outputs and form contents are
/// fingerprinted.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
