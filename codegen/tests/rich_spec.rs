//! `tests/fixtures/rich` uses every feature of the spec format. Its output must be valid Rust.
//! The real proof, that it compiles inside a copy of generated-client and passes the tests in
//! `tests/fixtures/rich_client_tests.rs` plus the unit tests generated from its examples, is in
//! `tests/tests/spec_only_addition.rs`, which builds one modified copy of the workspace for it
//! and for the spec-only addition, sharing this workspace's compiled dependencies.

mod common;

use std::path::{Path, PathBuf};

use codegen::emit::format::HEADER_MARKER;
use common::tests_dir;

fn rich_spec() -> PathBuf {
    tests_dir().join("fixtures/rich")
}

fn generate_rich() -> Vec<codegen::GeneratedFile> {
    codegen::generate(&rich_spec()).unwrap_or_else(|e| panic!("the rich fixture is refused:\n{e}"))
}

#[test]
fn every_generated_file_is_valid_rust_with_the_generated_header() {
    let files = generate_rich();
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    for want in [
        "mod.rs",
        "service.rs",
        "types.rs",
        "client.rs",
        "operation/mod.rs",
        "operation/create_container.rs",
        "operation/describe_items.rs",
    ] {
        assert!(paths.iter().any(|p| p == want), "{want} missing: {paths:?}");
    }
    for file in &files {
        assert!(
            file.contents.starts_with(HEADER_MARKER),
            "{} lacks the header",
            file.path.display()
        );
        if let Err(e) = syn::parse_file(&file.contents) {
            panic!(
                "{} does not parse: {e}\n{}",
                file.path.display(),
                file.contents
            );
        }
    }
    let text = |path: &str| {
        &files
            .iter()
            .find(|f| f.path == Path::new(path))
            .unwrap()
            .contents
    };
    // The keyword member, nested validation and the nested list type made it into the output.
    assert!(text("types.rs").contains("pub r#type: ::std::string::String"));
    assert!(text("types.rs").contains("fn validate_fields"));
    assert!(text("types.rs")
        .replace(char::is_whitespace, "")
        .contains("::std::vec::Vec<::std::vec::Vec<::std::string::String>>"));
    // Hygiene: an operation module imports nothing, so an action named `Sdk` (error type
    // `SdkError`) or `Validation` cannot clash with a runtime name; std items by full path.
    for module in [
        "operation/sdk.rs",
        "operation/validation.rs",
        "operation/service.rs",
    ] {
        assert!(!text(module).contains("\nuse "), "{module} has a `use`");
    }
    assert!(text("operation/sdk.rs").contains("pub enum SdkError"));
    assert!(text("operation/create_container.rs").contains("pub fn r#type("));
    assert!(text("service.rs").contains("fn secondary_site()"));
}
