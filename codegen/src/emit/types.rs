//! Shared object types (spec/types.yaml) → `crate::types`.

use proc_macro2::TokenStream;
use quote::quote;

use super::builders::builder;
use super::docs::{doc, module_doc};
use super::fields::{declarations, validated_types, validation};
use crate::model::Service;

pub fn emit(service: &Service) -> TokenStream {
    let validated = validated_types(service);
    let module_docs =
        module_doc("Object types shared by several actions, and the value sets fields hold.");
    let mut builder_types = Vec::new();
    let types = service.types.iter().map(|t| {
        let (name, builder_name) = crate::model::names::object_type(&t.name);
        let (builder_fn, builder_type) = builder(
            &name,
            quote!(super::#name),
            &builder_name,
            quote!(builders::#builder_name),
            &t.fields,
            TokenStream::new(),
        );
        builder_types.push(builder_type);
        let docs = doc(&t.doc);
        let fields = declarations(&t.fields);
        let wire_fields = super::wire::wire_fields(&t.fields);
        let serialize = super::wire::serialize_impl(
            &name,
            &wire_fields,
            super::wire::Direction::from_use(t.in_requests),
        );
        let deserialize = super::wire::deserialize_impl(
            &name,
            &wire_fields,
            super::wire::Partial::Itself,
            t.request_only(),
            super::wire::Direction::from_use(t.in_responses),
        );
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
        let time_accessors = super::value_sets::time_accessors(&quote!(#name), &t.fields);
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Default)]
            #[non_exhaustive]
            pub struct #name { #(#fields)* }
            #serialize
            #deserialize
            #builder_fn
            #validate
            #time_accessors
        }
    });
    let types: Vec<TokenStream> = types.collect();
    let value_sets = service.value_sets.iter().map(super::value_sets::emit);
    quote! {
        #module_docs
        #(#types)*
        #(#value_sets)*

        /// Builders for the object types: `FaceRect::builder().x(10).build()`.
        pub mod builders {
            #(#builder_types)*
        }
    }
}
