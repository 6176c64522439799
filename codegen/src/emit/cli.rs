//! The `iai` command line's dispatch: from action name to the typed request. Everything else
//! the command line knows about an action (parameters, docs, examples, skeleton, paging) it
//! reads from the action table (`action_table.rs`), which the emulator reads too.

use proc_macro2::TokenStream;
use quote::quote;

use super::operation::names;
use crate::model::Service;

pub fn emit(service: &Service) -> TokenStream {
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
        //! Dispatch for the `iai` command-line tool, generated from spec/actions; the actions
        //! themselves are described in `crate::action_table`.
        use crate::cli::call::{run, run_paged, Mode};
        use crate::cli::error::CliError;
        use crate::cli::output::Printer;

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
