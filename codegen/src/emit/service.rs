//! spec/service.yaml → the service's identity (a runtime value the client signs and sends
//! with), `Config::builder()` for it, and one `Endpoint` constructor per endpoint.

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
        /// The service's identity, which the runtime signs and sends with.
        pub(crate) static IDENTITY: crate::runtime::service::ServiceIdentity =
            crate::runtime::service::ServiceIdentity::new(#name, #version, #default_host)
                .with_endpoint_env(#endpoint_env);

        impl crate::Config {
            /// A builder for a client of this service; only credentials are required.
            pub fn builder() -> crate::ConfigBuilder {
                crate::ConfigBuilder::for_service(&IDENTITY)
            }

            /// Configuration from the environment, for this service: see
            /// [`ConfigBuilder::from_env`](crate::ConfigBuilder::from_env).
            pub fn from_env() -> ::core::result::Result<crate::Config, crate::ConfigError> {
                Self::builder().from_env()?.build()
            }
        }

        impl crate::Endpoint {
            #(#constructors)*
        }

        /// The service's default endpoint.
        impl ::core::default::Default for crate::Endpoint {
            fn default() -> Self {
                Self::https(#default_host)
            }
        }
    }
}
