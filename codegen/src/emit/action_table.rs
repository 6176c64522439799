//! `generated/action_table.rs`: every action as a row of data (name, command, docs, parameters
//! with type, constraints and docs, examples, an input skeleton, paging, decode-and-check
//! functions over the typed request and response, documented error codes). The `iai` command
//! line and the emulator both read it, so code that serves or shows actions generically never
//! lists them by hand.

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::fields::describe_constraints;
use super::operation::names;
use crate::model::{Action, Field, Service, Type};

pub fn emit(service: &Service) -> TokenStream {
    let rows = service.actions.iter().map(|a| row(service, a));
    quote! {
        //! Every action of the spec as data, in spec order; see [`crate::runtime::action_table`].
        use crate::runtime::action_table::{
            check_request, check_response, ActionEntry, ActionExample, ParamInfo, ParamKind,
        };

        /// Every action, in spec order.
        // Deprecated actions are served, shown and inspected like the others.
        #[allow(deprecated)]
        pub static ACTIONS: &[ActionEntry] = &[#(#rows),*];

        /// The action named `name` (its API name), if the spec has it.
        pub fn find(name: &str) -> Option<&'static ActionEntry> {
            ACTIONS.iter().find(|entry| entry.name == name)
        }
    }
}

fn row(service: &Service, action: &Action) -> TokenStream {
    let name = &action.name;
    let command = action.name.to_kebab_case();
    let title = format!("{}{}", action.title, super::module_tree::marks(action));
    let doc = &action.doc;
    let deprecated = action.deprecated;
    let sites = action.sites.clone().unwrap_or_default();
    let idempotent = action.idempotent;
    let params = action.input.iter().map(|f| param(service, f));
    let skeleton = skeleton(service, &action.input);
    let paged_items = match &action.pagination {
        Some(p) => {
            let items = action
                .output
                .iter()
                .find(|f| f.rust_name == p.items)
                .map_or(p.items.as_str(), |f| f.api_name.as_str());
            quote!(Some(#items))
        }
        None => quote!(None),
    };
    let (request, response, ..) = names(action);
    let module = crate::model::names::action(action).module;
    let codes = action.errors.iter().map(|e| &e.code);
    let examples = action.examples.iter().map(|ex| {
        let (title, is_error, input, output) =
            (&ex.title, ex.is_error, &ex.input_json, &ex.output_json);
        quote! {
            ActionExample { title: #title, is_error: #is_error, input_json: #input, output_json: #output }
        }
    });
    quote! {
        ActionEntry {
            name: #name,
            command: #command,
            title: #title,
            doc: #doc,
            deprecated: #deprecated,
            sites: &[#(#sites),*],
            idempotent: #idempotent,
            params: &[#(#params),*],
            skeleton: #skeleton,
            paged_items: #paged_items,
            check_request: check_request::<crate::operation::#module::#request>,
            check_response: check_response::<crate::operation::#module::#response>,
            error_codes: &[#(#codes),*],
            examples: &[#(#examples),*],
        }
    }
}

fn param(service: &Service, field: &Field) -> TokenStream {
    let api_name = &field.api_name;
    let flag = field.api_name.to_kebab_case();
    let required = !field.is_optional();
    // The help lists a value set's known values; the flag still takes any raw value.
    let doc = match field
        .value_set
        .as_ref()
        .and_then(|name| service.value_sets.iter().find(|v| &v.name == name))
    {
        Some(set) => format!(
            "{}\nKnown values: {}; others are passed on as given.",
            field.doc,
            set.values
                .iter()
                .map(|v| match &v.value {
                    crate::model::KnownLiteral::String(text) => format!("{text} ({})", v.name),
                    other => format!("{other} ({})", v.name),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => field.doc.clone(),
    };
    let type_name = field.ty.to_string();
    let constraints = describe_constraints(&field.constraints).join("; ");
    let one_of = field.constraints.one_of.clone().unwrap_or_default();
    let sites = field.sites.clone().unwrap_or_default();
    let (kind, list) = match &field.ty {
        Type::List(inner) if !matches!(**inner, Type::List(_)) => (kind(inner), true),
        ty => (kind(ty), false),
    };
    quote! {
        ParamInfo {
            api_name: #api_name,
            flag: #flag,
            kind: #kind,
            list: #list,
            required: #required,
            type_name: #type_name,
            constraints: #constraints,
            one_of: &[#(#one_of),*],
            sites: &[#(#sites),*],
            doc: #doc,
        }
    }
}

fn kind(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(ParamKind::String),
        Type::Bool => quote!(ParamKind::Bool),
        Type::Int64 => quote!(ParamKind::Int),
        Type::Uint64 => quote!(ParamKind::Uint),
        Type::Float => quote!(ParamKind::Float),
        Type::Image => quote!(ParamKind::Image),
        // Objects and nested lists are written as JSON.
        Type::Object(_) | Type::List(_) => quote!(ParamKind::Json),
    }
}

/// A pretty-printed JSON object with every input parameter in API order and a placeholder of
/// its type, objects expanded and lists holding one element: what `--generate-skeleton` prints.
const MAX_SKELETON_DEPTH: usize = 8;

fn skeleton(service: &Service, fields: &[Field]) -> String {
    let mut out = String::new();
    write_object(service, fields, 0, &mut out);
    out.push('\n');
    out
}

fn write_object(service: &Service, fields: &[Field], depth: usize, out: &mut String) {
    if fields.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for (i, field) in fields.iter().enumerate() {
        indent(depth + 1, out);
        out.push_str(&serde_json::Value::from(field.api_name.as_str()).to_string());
        out.push_str(": ");
        write_value(service, &field.ty, depth + 1, out);
        if i + 1 < fields.len() {
            out.push(',');
        }
        out.push('\n');
    }
    indent(depth, out);
    out.push('}');
}

fn write_value(service: &Service, ty: &Type, depth: usize, out: &mut String) {
    match ty {
        Type::String | Type::Image => out.push_str("\"\""),
        Type::Bool => out.push_str("false"),
        Type::Int64 | Type::Uint64 => out.push('0'),
        Type::Float => out.push_str("0.0"),
        Type::List(inner) => {
            out.push_str("[\n");
            indent(depth + 1, out);
            write_value(service, inner, depth + 1, out);
            out.push('\n');
            indent(depth, out);
            out.push(']');
        }
        // A guard against self-referencing types: the skeleton stays finite.
        Type::Object(_) if depth > MAX_SKELETON_DEPTH => out.push_str("{}"),
        Type::Object(name) => write_object(service, &service.object(name).fields, depth, out),
    }
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}
