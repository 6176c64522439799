//! One `Client` method per action, each returning the action's fluent builder.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc;
use super::fields::ident;
use super::operation::{deprecated_attr, names, param_decl, required_params};
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
    let module = format_ident!("{}", action.snake_name);
    let method = format_ident!("{}", action.snake_name);
    let required = required_params(action);
    let params: Vec<_> = required.iter().map(|f| param_decl(f)).collect();
    let args: Vec<_> = required.iter().map(|f| ident(f)).collect();
    let optional: Vec<String> = action
        .input
        .iter()
        .filter(|f| f.is_optional())
        .map(|f| format!("`{}`", f.rust_name))
        .collect();
    let mut text = format!("{}.{}\n\n{}\n\nSends [`{request}`](crate::operation::{module}::{request}) and returns [`{response}`](crate::operation::{module}::{response}); a service error is a [`{error}`](crate::operation::{module}::{error}).", action.title, action.availability(), action.doc);
    if !optional.is_empty() {
        text.push_str(&format!(
            "\n\nOptional parameters are set on the returned builder: {}.",
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
        pub fn #method(&self, #(#params),*) -> crate::operation::#module::#builder<'_> {
            crate::operation::#module::#builder::new(self, crate::operation::#module::#request::new(#(#args),*))
        }
    }
}
