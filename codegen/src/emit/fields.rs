//! What request, response and object structs share: field declarations and constraint checks.
//! Their JSON form is `wire`'s.

use std::collections::HashSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::doc;
use crate::model::{
    check::field_needs_validation, CharClass, Constraints, Field, Number, Service, Type,
};

/// A field's identifier; keywords become raw identifiers (`r#type`).
pub fn ident(field: &Field) -> Ident {
    crate::model::names::field(field)
}

pub fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(::std::string::String),
        Type::Bool => quote!(bool),
        Type::Int64 => quote!(i64),
        Type::Uint64 => quote!(u64),
        Type::Float => quote!(f64),
        Type::Image => quote!(crate::Image),
        Type::List(inner) => {
            let inner = rust_type(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Type::Object(name) => {
            let name = format_ident!("{}", name);
            quote!(crate::types::#name)
        }
    }
}

/// A field's value type: its spec type, with the value set's newtype in place of the
/// element type when it has one (`u64` → `crate::types::QualityControl`).
pub fn value_type(field: &Field) -> TokenStream {
    fn with_set(ty: &Type, set: &proc_macro2::Ident) -> TokenStream {
        match ty {
            Type::List(inner) => {
                let inner = with_set(inner, set);
                quote!(::std::vec::Vec<#inner>)
            }
            _ => quote!(crate::types::#set),
        }
    }
    match &field.value_set {
        Some(set) => with_set(&field.ty, &crate::model::names::value_set(set)),
        None => rust_type(&field.ty),
    }
}

/// The declared type: `T`, or `Option<T>` for a field that may be absent.
pub fn field_type(field: &Field) -> TokenStream {
    let ty = value_type(field);
    if field.is_optional() {
        quote!(::core::option::Option<#ty>)
    } else {
        ty
    }
}

/// A setter's parameter and the expression that stores it, in the style every generated setter
/// shares: strings take `impl Into<String>`, images `impl Into<Image>`, a value set
/// `impl Into<Set>` (so a raw `1` or `"3.0"` still works), anything else its type.
pub fn setter_param(field: &Field) -> (TokenStream, TokenStream) {
    if let (Some(set), false) = (&field.value_set, matches!(field.ty, Type::List(_))) {
        let set = crate::model::names::value_set(set);
        return (
            quote!(value: impl ::core::convert::Into<crate::types::#set>),
            quote!(value.into()),
        );
    }
    match &field.ty {
        Type::String => (
            quote!(value: impl ::core::convert::Into<::std::string::String>),
            quote!(value.into()),
        ),
        Type::Image => (
            quote!(value: impl ::core::convert::Into<crate::Image>),
            quote!(value.into()),
        ),
        _ => {
            let ty = value_type(field);
            (quote!(value: #ty), quote!(value))
        }
    }
}

pub fn declarations(fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let docs = doc(&field_doc(f));
            let name = ident(f);
            let ty = field_type(f);
            quote! { #docs pub #name: #ty, }
        })
        .collect()
}

fn field_doc(f: &Field) -> String {
    let mut text = f.doc.clone();
    let rules = describe_constraints(&f.constraints);
    if !rules.is_empty() {
        text.push_str(&format!("\n\nConstraints: {}.", rules.join("; ")));
    }
    if let Some(set) = &f.value_set {
        text.push_str(&format!(
            "\n\nA [`{set}`](crate::types::{set}): the documented values are its constants; \
             any other value is kept as it is."
        ));
    }
    if let Some(unit) = f.unit {
        let unit = match unit {
            crate::model::TimeUnit::Milliseconds => "milliseconds",
            crate::model::TimeUnit::Seconds => "seconds",
        };
        text.push_str(&format!(
            "\n\nIn {unit} since the UNIX epoch; `{}()` gives it as a `SystemTime`.",
            crate::model::names::time_accessor(f)
        ));
    }
    if f.nullable {
        text.push_str("\n\nMay be `null` in responses.");
    }
    if let Some(note) = crate::model::sites_note(&f.sites, "Documented") {
        text.push_str(&format!("\n\n{note}"));
    }
    text
}

pub(super) fn describe_constraints(c: &Constraints) -> Vec<String> {
    let mut out = Vec::new();
    match (c.min_length, c.max_length) {
        (Some(lo), Some(hi)) => out.push(format!("{lo} to {hi} characters")),
        (Some(lo), None) => out.push(format!("at least {lo} characters")),
        (None, Some(hi)) => out.push(format!("at most {hi} characters")),
        (None, None) => {}
    }
    if let Some(class) = &c.allowed_chars {
        out.push(format!("only {}", class.describe().replace('"', "`")));
    }
    if let Some(values) = &c.one_of {
        out.push(format!(
            "one of {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(min) = c.min {
        out.push(format!("at least {}", number_text(min)));
    }
    if let Some(max) = c.max {
        out.push(format!("at most {}", number_text(max)));
    }
    match (c.min_items, c.max_items) {
        (Some(lo), Some(hi)) => out.push(format!("{lo} to {hi} items")),
        (Some(lo), None) => out.push(format!("at least {lo} items")),
        (None, Some(hi)) => out.push(format!("at most {hi} items")),
        (None, None) => {}
    }
    out
}

fn number_text(n: Number) -> String {
    match n {
        Number::Int(v) => v.to_string(),
        Number::Uint(v) => v.to_string(),
        Number::Float(v) => v.to_string(),
    }
}

/// Names of object types whose values need checking.
pub fn validated_types(service: &Service) -> HashSet<String> {
    service
        .types
        .iter()
        .filter(|t| t.needs_validation)
        .map(|t| t.name.clone())
        .collect()
}

/// Statements checking every constrained field of `self`; each ends in `?`.
pub fn validation(fields: &[Field], validated: &HashSet<String>) -> Vec<TokenStream> {
    fields
        .iter()
        .filter(|f| field_needs_validation(f, validated))
        .map(|f| {
            let name = ident(f);
            let checks = value_checks(
                &quote!(value),
                &f.ty,
                &f.constraints,
                &f.api_name,
                true,
                validated,
            );
            if f.is_optional() {
                quote! { if let Some(value) = &self.#name { #(#checks)* } }
            } else {
                quote! { { let value = &self.#name; #(#checks)* } }
            }
        })
        .collect()
}

fn value_checks(
    value: &TokenStream,
    ty: &Type,
    c: &Constraints,
    name: &str,
    top: bool,
    validated: &HashSet<String>,
) -> Vec<TokenStream> {
    let v = quote!(crate::runtime::validate);
    let mut out = Vec::new();
    match ty {
        Type::String => {
            if c.min_length.is_some() || c.max_length.is_some() {
                let min = opt_usize(c.min_length);
                let max = opt_usize(c.max_length);
                out.push(quote!(#v::char_length(#name, #value, #min, #max)?;));
            }
            if let Some(class) = &c.allowed_chars {
                let matcher = char_matcher(class);
                let described = class.describe();
                out.push(quote!(#v::allowed_chars(#name, #value, #matcher, #described)?;));
            }
            if let Some(values) = &c.one_of {
                out.push(quote!(#v::one_of(#name, #value, &[#(#values),*])?;));
            }
        }
        Type::Int64 | Type::Uint64 | Type::Float => {
            if c.min.is_some() || c.max.is_some() {
                let min = opt_number(c.min);
                let max = opt_number(c.max);
                out.push(quote!(#v::range(#name, *#value, #min, #max)?;));
            }
        }
        Type::Image => {
            out.push(quote!(#v::image_not_empty(#name, #value)?;));
            if let Some(max) = c.max_length {
                let max = Literal::usize_unsuffixed(max as usize);
                out.push(quote!(#v::image_size(#name, #value, #max)?;));
            }
        }
        Type::Bool => {}
        Type::Object(type_name) => {
            if validated.contains(type_name) {
                out.push(quote!(#value.validate_fields().map_err(|e| e.within(#name))?;));
            }
        }
        Type::List(inner) => {
            if top && (c.min_items.is_some() || c.max_items.is_some()) {
                let min = opt_usize(c.min_items);
                let max = opt_usize(c.max_items);
                out.push(quote!(#v::item_count(#name, #value.len(), #min, #max)?;));
            }
            let item_checks = value_checks(&quote!(item), inner, c, "", false, validated);
            if !item_checks.is_empty() {
                out.push(quote! {
                    #v::each(#name, #value, |item| { #(#item_checks)* Ok(()) })?;
                });
            }
        }
    }
    out
}

/// Statements refusing a request that sets none of a group's fields (`at_least_one_of`).
pub fn at_least_one_of_checks(input: &[Field], groups: &[Vec<usize>]) -> Vec<TokenStream> {
    let v = quote!(crate::runtime::validate);
    groups
        .iter()
        .map(|group| {
            let names = group.iter().map(|&i| input[i].api_name.as_str());
            let given = group.iter().map(|&i| {
                let field = &input[i];
                let name = ident(field);
                // An empty string or list says nothing, as if unset.
                match &field.ty {
                    Type::String | Type::List(_) => {
                        quote!(self.#name.as_ref().is_some_and(|value| !value.is_empty()))
                    }
                    _ => quote!(self.#name.is_some()),
                }
            });
            quote!(#v::at_least_one_of(&[#(#names),*], &[#(#given),*])?;)
        })
        .collect()
}

fn opt_usize(n: Option<u64>) -> TokenStream {
    match n {
        Some(n) => {
            let lit = Literal::usize_unsuffixed(n as usize);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}

fn opt_number(n: Option<Number>) -> TokenStream {
    match n {
        Some(Number::Int(v)) => {
            let lit = Literal::i64_suffixed(v);
            quote!(Some(#lit))
        }
        Some(Number::Uint(v)) => {
            let lit = Literal::u64_suffixed(v);
            quote!(Some(#lit))
        }
        Some(Number::Float(v)) => {
            let lit = Literal::f64_suffixed(v);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}

/// `|c: char| matches!(c, 'A'..='Z' | '-')`: compiled to a match, so the client needs no regex.
fn char_matcher(class: &CharClass) -> TokenStream {
    let patterns = class.ranges.iter().map(|&(lo, hi)| {
        let lo_lit = Literal::character(lo);
        if lo == hi {
            quote!(#lo_lit)
        } else {
            let hi_lit = Literal::character(hi);
            quote!(#lo_lit..=#hi_lit)
        }
    });
    quote!(|c: char| matches!(c, #(#patterns)|*))
}
