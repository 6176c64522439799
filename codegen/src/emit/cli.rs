//! The `iai` command line's view of the spec: one table row per action (flags from scalar
//! parameters, help from the docs) and a dispatch from action name to the typed request.

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operation::names;
use crate::model::{Action, Field, Service, Type};

pub fn emit(service: &Service) -> TokenStream {
    let rows = service.actions.iter().map(row);
    let arms = service.actions.iter().map(|a| {
        let (request, ..) = names(a);
        let module = format_ident!("{}", a.snake_name);
        let name = &a.name;
        quote!(#name => run::<crate::operation::#module::#request>(client, input, dry_run).await,)
    });
    quote! {
        //! Action table and dispatch for the `iai` command-line tool, generated from spec/actions.
        use crate::runtime::cli::{run, ActionInfo, CliError, Outcome, ParamInfo, ParamKind};

        /// Every action, in spec order.
        pub static ACTIONS: &[ActionInfo] = &[#(#rows),*];

        /// Sends (or with `dry_run`, only signs) the action named `action` with parameters
        /// `input`, a JSON object with the API's parameter names.
        #[allow(deprecated)]
        pub async fn dispatch(
            client: &crate::Client,
            action: &str,
            input: serde_json::Value,
            dry_run: bool,
        ) -> Result<Outcome, CliError> {
            match action {
                #(#arms)*
                other => Err(CliError::usage(format!("unknown action `{other}`"))),
            }
        }
    }
}

fn row(action: &Action) -> TokenStream {
    let name = &action.name;
    let command = action.name.to_kebab_case();
    let title = format!("{}{}", action.title, super::module_tree::marks(action));
    let doc = &action.doc;
    let params = action.input.iter().map(param);
    quote! {
        ActionInfo {
            name: #name,
            command: #command,
            title: #title,
            doc: #doc,
            params: &[#(#params),*],
        }
    }
}

fn param(field: &Field) -> TokenStream {
    let api_name = &field.api_name;
    let flag = field.api_name.to_kebab_case();
    let required = !field.is_optional();
    let doc = &field.doc;
    let (kind, list) = match &field.ty {
        Type::List(inner) => (kind(inner), true),
        ty => (kind(ty), false),
    };
    quote! {
        ParamInfo {
            api_name: #api_name,
            flag: #flag,
            kind: #kind,
            list: #list,
            required: #required,
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
        // Objects and nested lists go through --input-json.
        Type::Object(_) | Type::List(_) => quote!(ParamKind::Json),
    }
}
