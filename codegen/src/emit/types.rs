//! Shared object types (spec/types.yaml) → `crate::types`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, module_doc};
use super::fields::{declarations, validated_types, validation};
use crate::model::Service;

pub fn emit(service: &Service) -> TokenStream {
    let validated = validated_types(service);
    let module_docs = module_doc("Object types shared by several actions.");
    let types = service.types.iter().map(|t| {
        let name = format_ident!("{}", t.name);
        let docs = doc(&t.doc);
        let fields = declarations(&t.fields);
        let strict = if t.request_only {
            quote!(#[serde(deny_unknown_fields)])
        } else {
            TokenStream::new()
        };
        let validate = if t.needs_validation {
            let checks = validation(&t.fields, &validated);
            quote! {
                impl #name {
                    /// Checks the constraints of every member; errors name the member path.
                    pub(crate) fn validate_fields(&self) -> ::core::result::Result<(), crate::runtime::error::ValidationError> {
                        #(#checks)*
                        Ok(())
                    }
                }
            }
        } else {
            TokenStream::new()
        };
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
            #strict
            #[non_exhaustive]
            pub struct #name { #(#fields)* }
            #validate
        }
    });
    quote! {
        #module_docs
        #(#types)*
    }
}
