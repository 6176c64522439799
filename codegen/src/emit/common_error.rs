//! The API 3.0 common codes (spec/common_errors.yaml) → `CommonCode` and `CommonCodeError`,
//! generated once: every action's error enum holds them in its one `Common` variant.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, module_doc};
use super::operation::retry_doc;
use crate::model::{RetryKind, Service};

pub fn emit(service: &Service) -> TokenStream {
    let module_docs = module_doc(
        "The API 3.0 common error codes, which any action can return: defined once, held by \
         the `Common` variant of every action's error enum.",
    );
    let errors = &service.common_errors;
    let variants: Vec<_> = errors
        .iter()
        .map(|e| format_ident!("{}", e.variant))
        .collect();
    let variant_docs = errors
        .iter()
        .map(|e| doc(&format!("`{}`: {}{}", e.code, e.doc, retry_doc(e.retry))));
    let codes: Vec<_> = errors.iter().map(|e| &e.code).collect();
    let of_kind = |kind: RetryKind| -> Vec<_> {
        errors
            .iter()
            .filter(|e| e.retry == Some(kind))
            .map(|e| format_ident!("{}", e.variant))
            .collect()
    };
    let throttling = of_kind(RetryKind::Throttling);
    let transient = of_kind(RetryKind::Transient);
    let throttling_arm = (!throttling.is_empty()).then(|| {
        quote!(#(Self::#throttling)|* => ::core::option::Option::Some(crate::runtime::retry::RetryKind::Throttling),)
    });
    let transient_arm = (!transient.is_empty()).then(|| {
        quote!(#(Self::#transient)|* => ::core::option::Option::Some(crate::runtime::retry::RetryKind::Transient),)
    });
    quote! {
        #module_docs

        /// Which API 3.0 common code a [`CommonCodeError`] is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CommonCode {
            #( #variant_docs #variants, )*
        }

        impl CommonCode {
            /// The kind of a common code; `None` for any other code.
            pub fn from_code(code: &str) -> ::core::option::Option<Self> {
                match code {
                    #( #codes => ::core::option::Option::Some(Self::#variants), )*
                    _ => ::core::option::Option::None,
                }
            }

            /// The exact code on the wire, e.g. `RequestLimitExceeded`.
            pub fn code(self) -> &'static str {
                match self {
                    #( Self::#variants => #codes, )*
                }
            }

            /// How the client may retry the code; `None`: never.
            pub fn retry_kind(self) -> ::core::option::Option<crate::runtime::retry::RetryKind> {
                match self {
                    #throttling_arm
                    #transient_arm
                    _ => ::core::option::Option::None,
                }
            }
        }

        /// An API 3.0 common error (authentication, throttling, quotas, ...), as the `Common`
        /// variant of every action's error enum holds it.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct CommonCodeError {
            kind: CommonCode,
            metadata: crate::runtime::error::ErrorMetadata,
        }

        impl CommonCodeError {
            /// A common error of `kind`; for mocks and tests. The metadata's code should be
            /// `kind.code()`.
            pub fn new(kind: CommonCode, metadata: crate::runtime::error::ErrorMetadata) -> Self {
                CommonCodeError { kind, metadata }
            }

            /// Which common code it is.
            pub fn kind(&self) -> CommonCode {
                self.kind
            }

            /// Code, message, RequestId, HTTP status, attempts and, for an authentication failure, the signer.
            pub fn metadata(&self) -> &crate::runtime::error::ErrorMetadata {
                &self.metadata
            }

            /// For an authentication failure: which SecretId signed the call (masked) and
            /// which source gave it.
            pub fn signed_by(&self) -> ::core::option::Option<&crate::runtime::credentials::SignedBy> {
                self.metadata.signed_by.as_ref()
            }

            pub(crate) fn metadata_mut(&mut self) -> &mut crate::runtime::error::ErrorMetadata {
                &mut self.metadata
            }
        }

        impl ::core::fmt::Display for CommonCodeError {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.metadata, f)
            }
        }

        impl ::std::error::Error for CommonCodeError {}
    }
}
