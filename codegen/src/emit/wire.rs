//! The JSON form of request, response and object structs: `Serialize` written field by field,
//! `Deserialize` as a field table and one `match` for `crate::runtime::wire`, whose loop is
//! shared. serde's derive would expand about 200 lines per struct, most of the crate's debug
//! build time (docs/benchmarks.md); the wire names live here, not in field attributes.
//!
//! Each direction a struct does not need for calls (a request's `Deserialize`, a response's
//! `Serialize`) is compiled only for the crate's tests and behind the `serde-deserialize` /
//! `serde-serialize` features, which the mock and the action table turn on.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::fields::ident;
use crate::model::Field;

/// One member of a struct as the wire sees it.
pub struct WireField {
    api_name: String,
    ident: Ident,
    optional: bool,
}

impl WireField {
    pub fn from_spec(field: &Field) -> Self {
        WireField {
            api_name: field.api_name.clone(),
            ident: ident(field),
            optional: field.is_optional(),
        }
    }

    /// The `RequestId` every response ends with.
    pub fn request_id() -> Self {
        WireField {
            api_name: "RequestId".to_owned(),
            ident: quote::format_ident!("request_id"),
            optional: false,
        }
    }
}

pub fn wire_fields(fields: &[Field]) -> Vec<WireField> {
    fields.iter().map(WireField::from_spec).collect()
}

/// Whether a direction is always compiled or only for tests and its feature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Always,
    OnFeature,
}

impl Direction {
    pub fn from_use(needed: bool) -> Self {
        if needed {
            Direction::Always
        } else {
            Direction::OnFeature
        }
    }

    fn gate(self, feature: &str) -> TokenStream {
        match self {
            Direction::Always => TokenStream::new(),
            Direction::OnFeature => quote! {
                #[cfg(any(test, feature = #feature))]
                #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            },
        }
    }
}

/// `impl Serialize`: every field under its wire name, `None`s left out.
pub fn serialize_impl(ty: &Ident, fields: &[WireField], direction: Direction) -> TokenStream {
    let gate = direction.gate("serde-serialize");
    let name = Literal::string(&ty.to_string());
    // The number of fields written: the required ones, plus each optional one present.
    let required = fields.iter().filter(|f| !f.optional).count();
    let mut terms: Vec<TokenStream> = Vec::new();
    if required > 0 || fields.iter().all(|f| !f.optional) {
        let required = Literal::usize_unsuffixed(required);
        terms.push(quote!(#required));
    }
    terms.extend(fields.iter().filter(|f| f.optional).map(|f| {
        let field = &f.ident;
        quote!(usize::from(self.#field.is_some()))
    }));
    let writes = fields.iter().map(|f| {
        let field = &f.ident;
        let key = &f.api_name;
        if f.optional {
            quote! {
                match &self.#field {
                    ::core::option::Option::Some(value) => state.serialize_field(#key, value)?,
                    ::core::option::Option::None => state.skip_field(#key)?,
                }
            }
        } else {
            quote!(state.serialize_field(#key, &self.#field)?;)
        }
    });
    quote! {
        #gate
        impl ::serde::Serialize for #ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let mut state = serializer.serialize_struct(#name, #(#terms)+*)?;
                #(#writes)*
                state.end()
            }
        }
    }
}

/// What a struct's fields are read into before it exists.
pub enum Partial<'a> {
    /// The struct itself, from its `Default` (responses, objects).
    Itself,
    /// Its builder, whose fields are all `Option`s (requests with required parameters).
    Builder(&'a Ident),
}

/// `impl Deserialize` through `crate::runtime::wire`: the wire names, the required positions,
/// and a `match` that reads the field at a position. `strict` refuses unknown keys.
pub fn deserialize_impl(
    ty: &Ident,
    fields: &[WireField],
    partial: Partial<'_>,
    strict: bool,
    direction: Direction,
) -> TokenStream {
    let gate = direction.gate("serde-deserialize");
    let name = Literal::string(&ty.to_string());
    let keys = fields.iter().map(|f| &f.api_name);
    let required = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.optional)
        .map(|(i, _)| Literal::usize_unsuffixed(i));
    let into_builder = matches!(partial, Partial::Builder(_));
    let reads: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let field = &f.ident;
            if into_builder && !f.optional {
                quote!(partial.#field = ::core::option::Option::Some(map.next_value()?))
            } else {
                quote!(partial.#field = map.next_value()?)
            }
        })
        .collect();
    // `position` is always below the number of fields, so the last one takes the rest.
    let read = match reads.as_slice() {
        [] => quote!(let _ = (partial, position, map);),
        [only] => quote!(let _ = position; #only;),
        [first @ .., last] => {
            let positions = (0..first.len()).map(Literal::usize_unsuffixed);
            quote! {
                match position {
                    #(#positions => #first,)*
                    _ => #last,
                }
            }
        }
    };
    let (partial_ty, finish) = match partial {
        Partial::Itself => (quote!(Self), quote!(::core::result::Result::Ok(partial))),
        Partial::Builder(builder) => {
            let members = fields.iter().map(|f| {
                let field = &f.ident;
                let key = &f.api_name;
                if f.optional {
                    quote!(#field: partial.#field,)
                } else {
                    quote!(#field: match partial.#field {
                        ::core::option::Option::Some(value) => value,
                        ::core::option::Option::None => return ::core::result::Result::Err(#key),
                    },)
                }
            });
            (
                quote!(#builder),
                quote!(::core::result::Result::Ok(Self { #(#members)* })),
            )
        }
    };
    quote! {
        #gate
        impl crate::runtime::wire::WireStruct for #ty {
            type Partial = #partial_ty;
            const NAME: &'static str = #name;
            const FIELDS: &'static [&'static str] = &[#(#keys),*];
            const REQUIRED: &'static [usize] = &[#(#required),*];
            const STRICT: bool = #strict;
            fn read_field<'de, A: ::serde::de::MapAccess<'de>>(
                partial: &mut #partial_ty,
                position: usize,
                map: &mut A,
            ) -> ::core::result::Result<(), A::Error> {
                #read
                ::core::result::Result::Ok(())
            }
            fn finish(partial: #partial_ty) -> ::core::result::Result<Self, &'static str> {
                #finish
            }
        }
        #gate
        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                crate::runtime::wire::deserialize(deserializer)
            }
        }
    }
}
