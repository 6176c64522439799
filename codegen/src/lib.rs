//! Spec-driven generator for Tencent Cloud API 3.0 clients.
//!
//! Data flows in three stages, one module each:
//! 1. [`spec`]: read the YAML files as written (unknown keys rejected), remembering positions;
//! 2. [`model`]: validate everything into a resolved model, reporting file, line and fix;
//! 3. [`emit`]: turn the model into Rust tokens and format them with prettyplease.
//!
//! [`output`] compares the result with what is on disk and writes it, for `cargo xtask`;
//! [`semver`] compares two resolved specs and classifies each change for the crate's version.

pub mod diagnostics;
pub mod emit;
pub mod import;
pub mod model;
pub mod output;
pub mod semver;
pub mod spec;

use std::path::Path;

pub use diagnostics::{Diagnostic, SpecErrors};
pub use emit::GeneratedFile;

/// Reads, validates and emits the whole spec. Pure: nothing is written.
pub fn generate(spec_dir: &Path) -> Result<Vec<GeneratedFile>, SpecErrors> {
    let files = spec::load(spec_dir)?;
    let service = model::resolve(&files)?;
    Ok(emit::emit(&service))
}

/// Reads and validates a spec directory into the resolved model, without emitting.
pub fn resolve(spec_dir: &Path) -> Result<model::Service, SpecErrors> {
    let files = spec::load(spec_dir)?;
    model::resolve(&files)
}

/// The README's table of supported actions, from the same validated spec.
pub fn readme_actions(spec_dir: &Path) -> Result<String, SpecErrors> {
    let files = spec::load(spec_dir)?;
    let service = model::resolve(&files)?;
    Ok(emit::readme::actions_table(&service))
}

/// Where the generated files go, relative to the workspace root.
pub const GENERATED_DIR: &str = "generated-client/src/generated";

/// The README whose actions table regeneration keeps current, relative to the workspace root.
pub const README: &str = "README.md";
