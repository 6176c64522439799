//! Tokens → readable Rust: prettyplease, plus the header that marks the file as generated.

use proc_macro2::TokenStream;

use super::GeneratedFile;

/// The first line of every generated file; xtask uses it to tell generated files from others.
pub const HEADER_MARKER: &str = "// @generated";

pub fn file(path: &str, source: &str, tokens: TokenStream) -> GeneratedFile {
    let mut syntax: syn::File = syn::parse2(tokens.clone())
        .unwrap_or_else(|e| panic!("generator bug: {path} is not valid Rust ({e}):\n{tokens}"));
    super::inline::mark_methods(&mut syntax);
    let body = prettyplease::unparse(&syntax);
    GeneratedFile {
        path: path.into(),
        contents: format!(
            "{HEADER_MARKER} by `cargo xtask regenerate` from {source}. Do not edit by hand.\n\n{body}"
        ),
    }
}
