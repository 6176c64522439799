//! spec/service.yaml → constants the runtime signs with, and one `Endpoint` constructor per endpoint.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, module_doc};
use crate::model::Service;

pub fn emit(service: &Service) -> TokenStream {
    let module_docs = module_doc(&format!(
        "Metadata of {} ({}), API version {}.",
        service.title, service.name, service.version
    ));
    let name = &service.name;
    let version = &service.version;
    let default_host = &service.default_endpoint().host;
    let endpoint_env = service.endpoint_env();
    let constructors = service.endpoints.iter().map(|e| {
        let method = format_ident!("{}", e.name);
        let host = &e.host;
        let docs = doc(&format!("`https://{host}/`: {}", e.doc));
        quote! {
            #docs
            pub fn #method() -> Self {
                Self::https(#host)
            }
        }
    });
    quote! {
        #module_docs
        /// Service name used in signatures and credential scopes.
        pub(crate) const SERVICE: &str = #name;
        /// API version sent as `X-TC-Version`.
        pub(crate) const VERSION: &str = #version;
        /// Host used when no endpoint is configured.
        pub(crate) const DEFAULT_HOST: &str = #default_host;
        /// Environment variable holding an endpoint URL override.
        pub(crate) const ENDPOINT_ENV: &str = #endpoint_env;

        impl crate::Endpoint {
            #(#constructors)*
        }
    }
}
