//! The module files that tie generated files together.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::module_doc;
use super::operation::names;
use crate::model::Service;

/// `generated/mod.rs`.
pub fn root(service: &Service) -> TokenStream {
    let docs = module_doc(&format!(
        "Generated from spec/ for {} ({}) {}.",
        service.title, service.name, service.version
    ));
    quote! {
        #docs
        // rustfmt would reformat prettyplease's output and make the drift check fail.
        #[cfg(feature = "action-table")]
        #[rustfmt::skip]
        pub mod action_table;
        #[cfg(feature = "cli")]
        #[rustfmt::skip]
        pub mod cli;
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod common_error;
        #[rustfmt::skip]
        pub mod operation;
        #[rustfmt::skip]
        pub(crate) mod service;
        #[rustfmt::skip]
        pub mod types;
    }
}

/// " (deprecated; mainland_china only)": what the action tables say besides the title.
pub fn marks(action: &crate::model::Action) -> String {
    let mut marks = Vec::new();
    if action.deprecated {
        marks.push("deprecated".to_owned());
    }
    if let Some(sites) = &action.sites {
        marks.push(format!("{} only", sites.join(", ")));
    }
    if marks.is_empty() {
        String::new()
    } else {
        format!(" ({})", marks.join("; "))
    }
}

/// `generated/operation/mod.rs`: one module per action, with the main types re-exported.
pub fn operations(service: &Service) -> TokenStream {
    let mut list = String::from("One module per action: request, response, error enum and fluent builder.\n\n| Action | Method |\n|---|---|\n");
    for a in &service.actions {
        list.push_str(&format!(
            "| `{}` — {}{} | [`Client::{}`](crate::Client::{}) |\n",
            a.name,
            a.title,
            marks(a),
            a.snake_name,
            a.snake_name
        ));
    }
    let docs = module_doc(&list);
    let modules = service.actions.iter().map(|a| {
        let module = crate::model::names::action(a).module;
        let (request, response, error, builder) = names(a);
        let allow = if a.deprecated {
            quote!(#[allow(deprecated)])
        } else {
            TokenStream::new()
        };
        quote! {
            #[rustfmt::skip]
            pub mod #module;
            #allow
            pub use #module::{#request, #response, #error, #builder};
        }
    });
    quote! {
        #docs
        #(#modules)*
    }
}
