//! Builders for values the service returns (responses and object types), so tests and mocks
//! can write any value the API could send; and spec examples turned into builder calls.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::docs::doc;
use super::fields::{ident, setter_param};
use crate::model::{Field, Service, Type};

/// `impl Target { fn builder() }` and `TargetBuilder` with one setter per field, plus `extra`
/// setters. `builder_path` is how `Target` names its builder (`builders::FaceRectBuilder`) and
/// `target_path` how the builder names `Target` (`super::FaceRect`).
pub fn builder(
    target: &Ident,
    target_path: TokenStream,
    builder: &Ident,
    builder_path: TokenStream,
    fields: &[Field],
    extra_setters: TokenStream,
) -> (TokenStream, TokenStream) {
    let builder_doc = doc(&format!(
        "Starts a {}: every field the API returns has a setter; fields not set keep \
         their default (empty, zero or `None`). For tests and mocks; the client decodes real \
         responses itself.",
        doc_link(builder, &builder_path)
    ));
    let target_impl = quote! {
        impl #target {
            #builder_doc
            pub fn builder() -> #builder_path {
                <#builder_path>::default()
            }
        }
    };
    let setters = fields.iter().map(setter);
    let type_doc = doc(&format!(
        "Builds a {} field by field; start with `{target}::builder()`.",
        doc_link(target, &target_path)
    ));
    let builder_type = quote! {
        #type_doc
        #[derive(Debug, Clone, Default)]
        #[must_use = "`.build()` returns the value"]
        pub struct #builder {
            value: #target_path,
        }

        impl #builder {
            #(#setters)*
            #extra_setters

            /// The value, with defaults for fields not set.
            pub fn build(self) -> #target_path {
                self.value
            }
        }
    };
    (target_impl, builder_type)
}

/// An intra-doc link to `name`, reached through `path` (`[`X`]` when the path is the name).
fn doc_link(name: &Ident, path: &TokenStream) -> String {
    let path = path.to_string().replace(' ', "");
    if *name == path {
        format!("[`{name}`]")
    } else {
        format!("[`{name}`]({path})")
    }
}

/// A setter in the style of the request setters: strings take `impl Into<String>`, optional
/// fields take the value itself.
fn setter(f: &Field) -> TokenStream {
    let name = ident(f);
    let docs = doc(&format!("Sets `{}`: {}", f.api_name, f.doc));
    let (param, value) = setter_param(f);
    let value = if f.is_optional() {
        quote!(Some(#value))
    } else {
        value
    };
    quote! {
        #docs
        pub fn #name(mut self, #param) -> Self {
            self.value.#name = #value;
            self
        }
    }
}

/// The setter every response builder has besides its fields.
pub fn request_id_setter() -> TokenStream {
    quote! {
        /// Sets `RequestId`, the unique ID the service gives every call.
        pub fn request_id(mut self, value: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.value.request_id = value.into();
            self
        }
    }
}

/// Builder calls that produce the value a spec example's JSON object decodes to: members in
/// `fields` become setters, JSON `null` and members the spec does not know are left out.
/// `types` is the path of the object types module (`crate::types` inside the crate, `types`
/// in docs); a response (`is_response`) also gets its `RequestId`.
pub fn example_value(
    service: &Service,
    types: &TokenStream,
    target: TokenStream,
    fields: &[Field],
    json: &serde_json::Map<String, Value>,
    is_response: bool,
) -> TokenStream {
    let setters = fields.iter().filter_map(|f| {
        let value = json.get(&f.api_name).filter(|v| !v.is_null())?;
        let name = ident(f);
        let expr = match (&f.value_set, &f.ty) {
            // Examples of nested lists of a set's values are left out.
            (Some(_), Type::List(inner)) if matches!(**inner, Type::List(_)) => return None,
            // A list holds the set's values, each made from its raw value.
            (Some(set), Type::List(inner)) => {
                let set = crate::model::names::value_set(set);
                let items = value
                    .as_array()?
                    .iter()
                    .map(|item| {
                        let raw = value_expr(service, types, inner, item, true)?;
                        Some(quote!(#types::#set::from(#raw)))
                    })
                    .collect::<Option<Vec<_>>>()?;
                quote!(Vec::from([#(#items),*]))
            }
            _ => value_expr(service, types, &f.ty, value, true)?,
        };
        Some(quote!(.#name(#expr)))
    });
    let request_id = json
        .get("RequestId")
        .and_then(Value::as_str)
        .filter(|_| is_response)
        .map(|id| {
            let id = Literal::string(id);
            quote!(.request_id(#id))
        });
    quote!(#target::builder() #(#setters)* #request_id .build())
}

/// A Rust expression for `value` as type `ty`; `None` if the JSON does not fit the type (the
/// example then leaves the member unset, as decoding would refuse it anyway).
fn value_expr(
    service: &Service,
    types: &TokenStream,
    ty: &Type,
    value: &Value,
    setter_argument: bool,
) -> Option<TokenStream> {
    Some(match ty {
        // Setters take `impl Into<String>`; list items must be `String`s already.
        Type::String if setter_argument => {
            let s = Literal::string(value.as_str()?);
            quote!(#s)
        }
        Type::String => {
            let s = Literal::string(value.as_str()?);
            quote!(String::from(#s))
        }
        Type::Bool => {
            let b = value.as_bool()?;
            quote!(#b)
        }
        Type::Int64 => {
            let n = Literal::i64_unsuffixed(value.as_i64()?);
            quote!(#n)
        }
        Type::Uint64 => {
            let n = Literal::u64_unsuffixed(value.as_u64()?);
            quote!(#n)
        }
        Type::Float => {
            let n = Literal::f64_unsuffixed(value.as_f64()?);
            quote!(#n)
        }
        Type::Image => return None,
        Type::List(inner) => {
            let items = value
                .as_array()?
                .iter()
                .map(|item| value_expr(service, types, inner, item, false))
                .collect::<Option<Vec<_>>>()?;
            // Not `vec![]`: prettyplease leaves macro arguments unformatted.
            quote!(Vec::from([#(#items),*]))
        }
        Type::Object(name) => {
            let object = service.types.iter().find(|t| &t.name == name)?;
            let (type_name, _) = crate::model::names::object_type(name);
            example_value(
                service,
                types,
                quote!(#types::#type_name),
                &object.fields,
                value.as_object()?,
                false,
            )
        }
    })
}

/// Statements as the body of a rustdoc example: formatted, without the `fn main` around them.
pub fn doc_code(statements: TokenStream) -> String {
    let file: syn::File = syn::parse2(quote!(fn main() { #statements }))
        .unwrap_or_else(|e| panic!("generator bug: example is not valid Rust ({e})"));
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    // `fn main() {` ... `}`: keep the body, one indentation level less.
    lines[1..lines.len() - 1]
        .iter()
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}
