//! Stage 3: the validated model → Rust token streams → formatted files. One module per kind of
//! generated file; `format` turns tokens into text with the `@generated` header.

mod action_table;
mod builders;
mod cli;
mod client;
mod common_error;
mod docs;
mod fields;
pub mod format;
mod inline;
mod module_tree;
mod operation;
pub mod readme;
mod service;
mod types;
mod value_sets;
mod wire;

use std::path::PathBuf;

use crate::model::Service;

/// A file of the generated client, relative to the generated directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Every generated file, in a fixed order.
pub fn emit(service: &Service) -> Vec<GeneratedFile> {
    let mut files = vec![
        format::file("mod.rs", "spec/", module_tree::root(service)),
        format::file("service.rs", "spec/service.yaml", service::emit(service)),
        format::file("types.rs", "spec/types.yaml", types::emit(service)),
        format::file(
            "common_error.rs",
            "spec/common_errors.yaml",
            common_error::emit(service),
        ),
        format::file("client.rs", "spec/actions/", client::emit(service)),
        format::file("cli.rs", "spec/actions/", cli::emit(service)),
        format::file(
            "action_table.rs",
            "spec/actions/",
            action_table::emit(service),
        ),
        format::file(
            "operation/mod.rs",
            "spec/actions/",
            module_tree::operations(service),
        ),
    ];
    for action in &service.actions {
        files.push(format::file(
            &format!("operation/{}.rs", action.snake_name),
            &action.source,
            operation::emit(service, action),
        ));
    }
    files
}
