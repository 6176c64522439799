//! Value sets (spec/types.yaml `value_sets`) → open newtypes in `crate::types`, as prost's
//! open enums and aws-sdk-rust's unknown variants do it: the documented values are constants,
//! any other value decodes, is kept and is sent back unchanged. And the `SystemTime`
//! accessors of timestamp fields (`unit:`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::doc;
use super::fields::ident;
use crate::model::{names, Field, KnownLiteral, TimeUnit, ValueKind, ValueSet};

pub fn emit(set: &ValueSet) -> TokenStream {
    let name = names::value_set(&set.name);
    let docs = doc(&format!(
        "{}\n\nThe documented values are the associated constants ({}). A value this version \
         of the crate does not know decodes, is kept as it is and is sent back unchanged; \
         [`is_known`]({}::is_known) tells them apart.",
        set.doc,
        set.values
            .iter()
            .map(|v| format!("[`{0}`]({1}::{0})", v.name, set.name))
            .collect::<Vec<_>>()
            .join(", "),
        set.name
    ));
    let consts = set.values.iter().map(|v| {
        let konst = names::known_value(&v.name);
        let docs = doc(&format!("`{}`: {}", v.value, v.doc));
        let value = match &v.value {
            KnownLiteral::Integer(n) => {
                let n = Literal::i64_unsuffixed(*n);
                quote!(Self(#n))
            }
            KnownLiteral::String(s) => quote!(Self(::std::borrow::Cow::Borrowed(#s))),
        };
        quote! { #docs pub const #konst: Self = #value; }
    });
    let known = set.values.iter().map(|v| {
        let konst = names::known_value(&v.name);
        quote!(Self::#konst)
    });
    let name_arms = set.values.iter().map(|v| {
        let text = &v.name;
        match &v.value {
            KnownLiteral::Integer(n) => {
                let n = Literal::i64_unsuffixed(*n);
                quote!(#n => ::core::option::Option::Some(#text),)
            }
            KnownLiteral::String(s) => quote!(#s => ::core::option::Option::Some(#text),),
        }
    });
    let common = quote! {
        /// Every documented value, in the order of the docs (for help texts and checks).
        pub const KNOWN: &'static [Self] = &[#(#known),*];

        /// Whether the value is one of the documented constants.
        pub fn is_known(&self) -> bool {
            self.name().is_some()
        }
    };
    let set_name = &set.name;
    let debug_prefix = format!("{set_name}::");
    let shared_impls = quote! {
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self.name() {
                    ::core::option::Option::Some(known) => {
                        f.write_str(#debug_prefix)?;
                        f.write_str(known)
                    }
                    ::core::option::Option::None => f.debug_tuple(#set_name).field(&self.0).finish(),
                }
            }
        }

        /// The value as it is on the wire (`3.0`, `2`), known or not: what a message or a URL
        /// should show. `Debug` and [`name`](Self::name) give the constant's name.
        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }
    };
    match set.kind {
        ValueKind::Integer => quote! {
            #docs
            #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(i64);

            impl #name {
                #(#consts)*
                #common

                /// Any value, documented or not.
                pub const fn from_i64(value: i64) -> Self {
                    Self(value)
                }

                /// The value as it is on the wire.
                pub const fn as_i64(&self) -> i64 {
                    self.0
                }

                /// The constant's name (`"MALE"`) for a documented value; `None` for any other.
                pub const fn name(&self) -> ::core::option::Option<&'static str> {
                    match self.0 {
                        #(#name_arms)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            impl ::core::convert::From<i64> for #name {
                fn from(value: i64) -> Self {
                    Self(value)
                }
            }

            impl ::core::convert::From<#name> for i64 {
                fn from(value: #name) -> Self {
                    value.0
                }
            }

            impl ::core::cmp::PartialEq<i64> for #name {
                fn eq(&self, other: &i64) -> bool {
                    self.0 == *other
                }
            }

            #shared_impls
        },
        ValueKind::String => quote! {
            #docs
            #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(::std::borrow::Cow<'static, str>);

            impl #name {
                #(#consts)*
                #common

                /// Any value, documented or not.
                pub const fn from_static(value: &'static str) -> Self {
                    Self(::std::borrow::Cow::Borrowed(value))
                }

                /// The value as it is on the wire.
                pub fn as_str(&self) -> &str {
                    &self.0
                }

                /// The constant's name (`"V3_0"`) for a documented value; `None` for any other.
                pub fn name(&self) -> ::core::option::Option<&'static str> {
                    match &*self.0 {
                        #(#name_arms)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            impl ::core::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    Self(::std::borrow::Cow::Owned(value.to_owned()))
                }
            }

            impl ::core::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    Self(::std::borrow::Cow::Owned(value))
                }
            }

            impl ::core::convert::From<#name> for ::std::string::String {
                fn from(value: #name) -> Self {
                    value.0.into_owned()
                }
            }

            impl ::core::convert::AsRef<str> for #name {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }

            impl ::core::cmp::PartialEq<str> for #name {
                fn eq(&self, other: &str) -> bool {
                    *self.0 == *other
                }
            }

            impl ::core::cmp::PartialEq<&str> for #name {
                fn eq(&self, other: &&str) -> bool {
                    *self.0 == **other
                }
            }

            #shared_impls
        },
    }
}

/// `impl Target { fn creation_time(&self) -> SystemTime }` for each timestamp field, beside
/// the raw value (which is what is sent and compared); empty when there is none.
pub fn time_accessors(target: &TokenStream, fields: &[Field]) -> TokenStream {
    let accessors: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let unit = f.unit?;
            let field = ident(f);
            let accessor = names::time_accessor(f);
            let (per_second, unit_name) = match unit {
                TimeUnit::Milliseconds => (1000_u32, "milliseconds"),
                TimeUnit::Seconds => (1_u32, "seconds"),
            };
            let per_second = Literal::u32_unsuffixed(per_second);
            let docs = doc(&format!(
                "`{}` (in {unit_name} since the UNIX epoch) as a `SystemTime`. A value before \
                 the epoch gives the epoch, one after the year 9999 its last second; the raw \
                 field keeps the value as sent.",
                f.api_name
            ));
            Some(if f.is_optional() {
                quote! {
                    #docs
                    pub fn #accessor(&self) -> ::core::option::Option<::std::time::SystemTime> {
                        self.#field.map(|value| crate::runtime::time::from_unix(value, #per_second))
                    }
                }
            } else {
                quote! {
                    #docs
                    pub fn #accessor(&self) -> ::std::time::SystemTime {
                        crate::runtime::time::from_unix(self.#field, #per_second)
                    }
                }
            })
        })
        .collect();
    if accessors.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #target {
            #(#accessors)*
        }
    }
}
