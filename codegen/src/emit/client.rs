//! One `Client` method per action, each returning the action's fluent builder.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc;
use super::operation::{deprecated_attr, names};
use crate::model::{Action, Service};

pub fn emit(service: &Service) -> TokenStream {
    let methods = service.actions.iter().map(method);
    quote! {
        //! `Client` methods, one per action in spec/actions.
        impl crate::Client {
            #(#methods)*
        }
    }
}

fn method(action: &Action) -> TokenStream {
    let (request, response, error, builder) = names(action);
    let crate::model::names::ActionNames { module, method, .. } =
        crate::model::names::action(action);
    let setter_list = |optional: bool| -> Vec<String> {
        action
            .input
            .iter()
            .filter(|f| f.is_optional() == optional)
            .map(|f| format!("`{}`", f.rust_name))
            .collect()
    };
    let (required, optional) = (setter_list(false), setter_list(true));
    let mut text = format!("{}.{}\n\n{}\n\nSends [`{request}`](crate::operation::{module}::{request}) and returns [`{response}`](crate::operation::{module}::{response}); a service error is a [`{error}`](crate::operation::{module}::{error}).", action.title, action.availability(), action.doc);
    if !required.is_empty() {
        text.push_str(&format!(
            "\n\nRequired parameters, set on the returned builder: {}; `send` refuses the call, before any network traffic, if one is missing.",
            required.join(", ")
        ));
    }
    if !optional.is_empty() {
        text.push_str(&format!(
            "\n\nOptional parameters: {}.",
            optional.join(", ")
        ));
    }
    let docs = doc(&text);
    let deprecated = deprecated_attr(action);
    let allow = if action.deprecated {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    quote! {
        #docs
        #deprecated
        #allow
        pub fn #method(&self) -> crate::operation::#module::#builder {
            crate::operation::#module::#builder::new(::core::clone::Clone::clone(self))
        }
    }
}
