//! Spec prose → `#[doc]` attributes. Upstream docs are Markdown-ish; they must never turn into
//! doctests, so indentation is dropped and untagged code fences become `text`.

use proc_macro2::TokenStream;
use quote::quote;

pub fn doc(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// Inner (`//!`) documentation for a module.
pub fn module_doc(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #![doc = #lines] )* }
}

fn sanitize(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.trim()
        .lines()
        .map(|line| {
            let line = line.trim();
            if let Some(tag) = line.strip_prefix("```") {
                let opening = !in_fence;
                in_fence = !in_fence;
                if opening && tag.trim().is_empty() {
                    return " ```text".to_owned();
                }
            }
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_never_becomes_a_doctest() {
        assert_eq!(
            sanitize("a\n\n    indented\n```\nx\n```"),
            vec![" a", "", " indented", " ```text", " x", " ```"]
        );
    }
}
