//! `generated/action_table.rs`: every action as a row of data (name, decode-and-check functions
//! over the typed request and response, documented error codes, examples), so code that serves
//! or inspects actions generically never lists them by hand.

use proc_macro2::TokenStream;
use quote::quote;

use super::operation::names;
use crate::model::{Action, Service};

pub fn emit(service: &Service) -> TokenStream {
    let rows = service.actions.iter().map(row);
    quote! {
        //! Every action of the spec as data, in spec order; see [`crate::runtime::action_table`].
        use crate::runtime::action_table::{check_request, check_response, ActionEntry, ActionExample};

        /// Every action, in spec order.
        // Deprecated actions are served and inspected like the others.
        #[allow(deprecated)]
        pub static ACTIONS: &[ActionEntry] = &[#(#rows),*];

        /// The action named `name`, if the spec has it.
        pub fn find(name: &str) -> Option<&'static ActionEntry> {
            ACTIONS.iter().find(|entry| entry.name == name)
        }
    }
}

fn row(action: &Action) -> TokenStream {
    let name = &action.name;
    let idempotent = action.idempotent;
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
            idempotent: #idempotent,
            check_request: check_request::<crate::operation::#module::#request>,
            check_response: check_response::<crate::operation::#module::#response>,
            error_codes: &[#(#codes),*],
            examples: &[#(#examples),*],
        }
    }
}
