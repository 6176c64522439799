//! The `iai` command line's view of the spec: one table row per action (parameters with type,
//! constraints and docs; examples; an input skeleton; paging) that the CLI turns into clap
//! commands and help, and a dispatch from action name to the typed request.

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::fields::describe_constraints;
use super::operation::names;
use crate::model::{Action, Field, Service, Type};

pub fn emit(service: &Service) -> TokenStream {
    let rows = service.actions.iter().map(|a| row(service, a));
    let arms = service.actions.iter().map(|a| {
        let (request, ..) = names(a);
        let module = crate::model::names::action(a).module;
        let name = &a.name;
        let run = if a.pagination.is_some() {
            quote!(run_paged)
        } else {
            quote!(run)
        };
        quote!(#name => #run::<crate::operation::#module::#request>(client, input, mode, out).await,)
    });
    quote! {
        //! Action table and dispatch for the `iai` command-line tool, generated from spec/actions.
        use crate::cli::call::{run, run_paged, Mode};
        use crate::cli::error::CliError;
        use crate::cli::output::Printer;
        use crate::cli::table::{ActionInfo, ExampleInfo, ParamInfo, ParamKind};

        /// Every action, in spec order.
        pub static ACTIONS: &[ActionInfo] = &[#(#rows),*];

        /// Sends (or with `Mode::DryRun`, only signs) the action named `action` with parameters
        /// `input`, a JSON object with the API's parameter names, and prints the result.
        #[allow(deprecated)]
        pub async fn dispatch(
            client: &crate::Client,
            action: &str,
            input: serde_json::Value,
            mode: Mode,
            out: &mut Printer<'_>,
        ) -> Result<(), CliError> {
            match action {
                #(#arms)*
                other => Err(CliError::usage(format!("unknown action `{other}`"))),
            }
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
    let params = action.input.iter().map(param);
    let examples = action.examples.iter().filter(|e| !e.is_error).map(|e| {
        let title = &e.title;
        let input = &e.input_json;
        quote!(ExampleInfo { title: #title, input_json: #input })
    });
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
    quote! {
        ActionInfo {
            name: #name,
            command: #command,
            title: #title,
            doc: #doc,
            deprecated: #deprecated,
            sites: &[#(#sites),*],
            idempotent: #idempotent,
            params: &[#(#params),*],
            examples: &[#(#examples),*],
            skeleton: #skeleton,
            paged_items: #paged_items,
        }
    }
}

fn param(field: &Field) -> TokenStream {
    let api_name = &field.api_name;
    let flag = field.api_name.to_kebab_case();
    let required = !field.is_optional();
    let doc = &field.doc;
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
