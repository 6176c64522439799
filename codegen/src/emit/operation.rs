//! One action → its module: request, response, error enum, fluent builder and example tests.

use heck::ToSnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::builders::{builder, doc_code, example_value, request_id_setter};
use super::docs::{doc, module_doc};
use super::fields::{self, declarations, ident, rust_type, setter_param, validated_types};
use super::wire;
use crate::model::{Action, Field, RetryKind, Service, Type};

pub fn emit(service: &Service, action: &Action) -> TokenStream {
    let module_docs = module_doc(&format!(
        "`{}`: {}.{}\n\n{}{}",
        action.name,
        action.title,
        action.availability(),
        action.doc,
        examples_doc(action)
    ));
    // A deprecated action's own module uses its request and builder freely.
    let allow_deprecated = if action.deprecated {
        quote!(#![allow(deprecated)])
    } else {
        TokenStream::new()
    };
    let request = request(service, action);
    let response = response(service, action);
    let error = error_enum(action);
    let builder = fluent_builder(action);
    let examples = example_tests(service, action);
    quote! {
        #module_docs
        #allow_deprecated
        #request
        #response
        #error
        #builder
        #examples
    }
}

/// The action's type names, from the one naming layer.
pub fn names(
    action: &Action,
) -> (
    proc_macro2::Ident,
    proc_macro2::Ident,
    proc_macro2::Ident,
    proc_macro2::Ident,
) {
    let n = crate::model::names::action(action);
    (n.request, n.response, n.error, n.fluent_builder)
}

fn request_builder_name(action: &Action) -> proc_macro2::Ident {
    crate::model::names::action(action).request_builder
}

fn option_setter_name(f: &Field) -> proc_macro2::Ident {
    crate::model::names::option_setter(f)
}

fn request(service: &Service, action: &Action) -> TokenStream {
    let (request, response, error, _) = names(action);
    let request_builder = request_builder_name(action);
    let action_name = &action.name;
    let idempotent = action.idempotent;
    let region_required = action.region_required;
    let docs = doc(&format!(
        "Parameters of `{action_name}`: {}.{}\n\nBuild it with [`{request}::builder`]: a setter per parameter, required ones checked by `build()`.",
        action.title,
        action.availability()
    ));
    let deprecated = deprecated_attr(action);
    let fields = declarations(&action.input);
    let mut checks = fields::at_least_one_of_checks(&action.input, &action.at_least_one_of);
    checks.extend(fields::validation(&action.input, &validated_types(service)));
    let size_hint = body_size_hint(action);
    let paging = paginated(action);
    let error_code = error_code_fn(action);
    // With no required parameter, an empty request is valid, and `Default` makes it.
    let default = if action.input.iter().all(Field::is_optional) {
        quote!(Default,)
    } else {
        TokenStream::new()
    };
    let builder_fields = action.input.iter().map(|f| {
        let name = ident(f);
        let ty = fields::value_type(f);
        quote!(#name: ::core::option::Option<#ty>,)
    });
    let builder_setters = setters(action, false);
    let builds = action.input.iter().map(|f| {
        let name = ident(f);
        if f.is_optional() {
            quote!(#name: self.#name,)
        } else {
            let api_name = &f.api_name;
            let setter = f.rust_name.as_str();
            quote!(#name: self.#name.ok_or_else(|| crate::runtime::error::ValidationError::missing(#api_name, #setter))?,)
        }
    });
    let builder_docs = doc(&format!(
        "Builds a [`{request}`]: a setter per parameter, in any order; `build()` says which required one is missing."
    ));
    let wire_fields = wire::wire_fields(&action.input);
    let serialize = wire::serialize_impl(&request, &wire_fields, wire::Direction::Always);
    let deserialize = wire::deserialize_impl(
        &request,
        &wire_fields,
        wire::Partial::Builder(&request_builder),
        true,
        wire::Direction::OnFeature,
    );
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #request { #(#fields)* }

        #serialize
        #deserialize

        impl #request {
            /// Starts a request: every parameter has a setter; `build()` checks the required ones.
            pub fn builder() -> #request_builder {
                <#request_builder as ::core::default::Default>::default()
            }

            /// Checks every constraint from the spec; the client calls this before sending.
            pub fn validate(&self) -> ::core::result::Result<(), crate::runtime::error::ValidationError> {
                #(#checks)*
                Ok(())
            }
        }

        #builder_docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Default)]
        #[must_use = "`.build()` returns the request"]
        pub struct #request_builder { #(#builder_fields)* }

        impl #request_builder {
            #(#builder_setters)*

            /// The request, or a [`ValidationError`](crate::ValidationError) naming the first required parameter not
            /// set. The other constraints are checked when the request is sent.
            pub fn build(self) -> ::core::result::Result<#request, crate::runtime::error::ValidationError> {
                Ok(#request { #(#builds)* })
            }
        }

        impl crate::runtime::sealed::Sealed for #request {}

        impl crate::runtime::action::Action for #request {
            const NAME: &'static str = #action_name;
            const IDEMPOTENT: bool = #idempotent;
            const REGION_REQUIRED: bool = #region_required;
            type Output = #response;
            type Error = #error;

            fn validate(&self) -> ::core::result::Result<(), crate::runtime::error::ValidationError> {
                #request::validate(self)
            }

            #error_code

            fn request_id(output: &#response) -> ::core::option::Option<&str> {
                Some(&output.request_id)
            }

            #size_hint
        }

        #paging
    }
}

/// `#[deprecated(note = ...)]` for a deprecated action's public items; nothing otherwise.
pub fn deprecated_attr(action: &Action) -> TokenStream {
    match action.deprecation_note() {
        Some(note) => quote!(#[deprecated(note = #note)]),
        None => TokenStream::new(),
    }
}

/// Actions with image inputs pre-size their body: base64 images dominate it.
fn body_size_hint(action: &Action) -> TokenStream {
    let terms: Vec<TokenStream> = action
        .input
        .iter()
        .filter_map(|f| {
            let name = ident(f);
            match (&f.ty, f.is_optional()) {
                (Type::Image, false) => Some(quote!(self.#name.encoded_len())),
                (Type::Image, true) => {
                    Some(quote!(self.#name.as_ref().map_or(0, |i| i.encoded_len())))
                }
                (Type::List(inner), optional) if **inner == Type::Image => {
                    let list = if optional {
                        quote!(self.#name.iter().flatten())
                    } else {
                        quote!(self.#name.iter())
                    };
                    Some(quote!(#list.map(|i| i.encoded_len() + 3).sum::<usize>()))
                }
                _ => None,
            }
        })
        .collect();
    if terms.is_empty() {
        return TokenStream::new();
    }
    quote! {
        fn body_size_hint(&self) -> usize {
            256 #(+ #terms)*
        }
    }
}

/// `Paginated` for actions whose spec declares offset/limit paging.
fn paginated(action: &Action) -> TokenStream {
    let Some(p) = &action.pagination else {
        return TokenStream::new();
    };
    let default_limit = Literal::u64_unsuffixed(p.default_limit);
    let (request, response, _, _) = names(action);
    let field = |name: &str| {
        action
            .input
            .iter()
            .find(|f| f.rust_name == name)
            .expect("check resolved offset and limit to request fields")
    };
    let offset_field = field(&p.offset);
    let offset = ident(offset_field);
    let limit_field = field(&p.limit);
    let limit = ident(limit_field);
    // Paging arithmetic is in u64; signed spec fields are converted, never cast blindly.
    let to_u64 = |expr: TokenStream, ty: &Type| match ty {
        Type::Int64 => quote!(u64::try_from(#expr).unwrap_or(0)),
        _ => expr,
    };
    let (limit_value, offset_value) = (
        if limit_field.is_optional() {
            quote!(self.#limit.unwrap_or(#default_limit))
        } else {
            quote!(self.#limit)
        },
        if offset_field.is_optional() {
            quote!(self.#offset.unwrap_or(0))
        } else {
            quote!(self.#offset)
        },
    );
    let page_size = to_u64(limit_value, &limit_field.ty);
    let start = to_u64(offset_value, &offset_field.ty);
    let next_value = match offset_field.ty {
        Type::Int64 => quote!(i64::try_from(next_offset).unwrap_or(i64::MAX)),
        _ => quote!(next_offset),
    };
    let next_value = if offset_field.is_optional() {
        quote!(Some(#next_value))
    } else {
        next_value
    };
    let items_field = action
        .output
        .iter()
        .find(|f| f.rust_name == p.items)
        .expect("items resolved");
    let items = ident(items_field);
    let item_type = rust_type(&p.item_type);
    let (page_len, into_items) = if items_field.is_optional() {
        (
            quote!(output.#items.as_ref().map_or(0, ::std::vec::Vec::len)),
            quote!(output.#items.unwrap_or_default()),
        )
    } else {
        (quote!(output.#items.len()), quote!(output.#items))
    };
    // A known total decides; without one, a short page is the last.
    let more = match &p.total {
        Some(total_name) => {
            let total_field = action
                .output
                .iter()
                .find(|f| &f.rust_name == total_name)
                .expect("total resolved");
            let total = ident(total_field);
            let total_value = if total_field.is_optional() {
                quote!(output.#total)
            } else {
                quote!(Some(output.#total))
            };
            let total_u64 = to_u64(quote!(total), &total_field.ty);
            quote! {
                match #total_value {
                    Some(total) => next_offset < #total_u64,
                    None => got >= page_size,
                }
            }
        }
        None => quote!(got >= page_size),
    };
    quote! {
        impl crate::runtime::paginator::Paginated for #request {
            type Item = #item_type;

            fn next_page(&self, output: &#response) -> ::core::option::Option<Self> {
                let page_size = #page_size;
                let got = #page_len as u64;
                let next_offset = #start + got;
                if got == 0 || !(#more) {
                    return None;
                }
                let mut next = self.clone();
                next.#offset = #next_value;
                Some(next)
            }

            fn into_items(output: #response) -> ::std::vec::Vec<Self::Item> {
                #into_items
            }
        }
    }
}

/// Two setters per input field, `name(value)` and `set_name(Option<value>)`, on the request
/// builder (`forward`: false) or on the fluent builder, which hands them to its request builder.
fn setters(action: &Action, forward: bool) -> Vec<TokenStream> {
    action
        .input
        .iter()
        .map(|f| {
            let name = ident(f);
            let set_name = option_setter_name(f);
            let ty = fields::value_type(f);
            let required = if f.is_optional() { "" } else { " Required." };
            let docs = doc(&format!("Sets `{}`:{required} {}", f.api_name, f.doc));
            let set_docs = doc(&format!(
                "Sets or clears `{}`, for a value that may be absent.",
                f.api_name
            ));
            let (param, value) = setter_param(f);
            if forward {
                quote! {
                    #docs
                    pub fn #name(mut self, #param) -> Self {
                        self.input = self.input.#name(value);
                        self
                    }
                    #set_docs
                    pub fn #set_name(mut self, value: ::core::option::Option<#ty>) -> Self {
                        self.input = self.input.#set_name(value);
                        self
                    }
                }
            } else {
                quote! {
                    #docs
                    pub fn #name(mut self, #param) -> Self {
                        self.#name = Some(#value);
                        self
                    }
                    #set_docs
                    pub fn #set_name(mut self, value: ::core::option::Option<#ty>) -> Self {
                        self.#name = value;
                        self
                    }
                }
            }
        })
        .collect()
}

fn response(service: &Service, action: &Action) -> TokenStream {
    let (_, response, _, _) = names(action);
    let builder_name = crate::model::names::action(action).response_builder;
    let docs = doc(&format!(
        "Result of `{}`: {}.{}",
        action.name,
        action.title,
        response_example_doc(service, action)
    ));
    let fields = declarations(&action.output);
    let mut wire_fields = wire::wire_fields(&action.output);
    wire_fields.push(wire::WireField::request_id());
    let serialize = wire::serialize_impl(&response, &wire_fields, wire::Direction::OnFeature);
    let deserialize = wire::deserialize_impl(
        &response,
        &wire_fields,
        wire::Partial::Itself,
        false,
        wire::Direction::Always,
    );
    let time_accessors = super::value_sets::time_accessors(&quote!(#response), &action.output);
    let (builder_fn, builder_type) = builder(
        &response,
        quote!(#response),
        &builder_name,
        quote!(#builder_name),
        &action.output,
        request_id_setter(),
    );
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #response {
            #(#fields)*
            /// Unique ID of the request; quote it when reporting a problem.
            pub request_id: ::std::string::String,
        }

        #serialize
        #deserialize

        #builder_fn
        #builder_type
        #time_accessors
    }
}

/// The first successful spec example, written with the builder: how a test makes the value.
fn response_example_doc(service: &Service, action: &Action) -> String {
    let Some(example) = action.examples.iter().find(|e| !e.is_error) else {
        return String::new();
    };
    let Ok(serde_json::Value::Object(json)) = serde_json::from_str(&example.output_json) else {
        return String::new();
    };
    let (_, response, _, _) = names(action);
    let value = example_value(
        service,
        &quote!(types),
        quote!(#response),
        &action.output,
        &json,
        true,
    );
    let uses_types = action
        .output
        .iter()
        .any(|f| matches!(f.ty.element(), Type::Object(_)));
    let types_use = if uses_types {
        quote!(
            use tencentcloud_iai::types;
        )
    } else {
        TokenStream::new()
    };
    let module = crate::model::names::action(action).module;
    let request_id = json
        .get("RequestId")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let code = doc_code(quote! {
        use tencentcloud_iai::operation::#module::#response;
        #types_use

        let response = #value;
        assert_eq!(response.request_id, #request_id);
    });
    format!(
        "\n\n# Example\n\nA value for a test or a mock, as in the spec's example \"{}\":\n\n```rust\n{code}\n```",
        example.title
    )
}

/// What a retryable code's doc says about how it is retried.
pub fn retry_doc(retry: Option<RetryKind>) -> &'static str {
    match retry {
        Some(RetryKind::Throttling) => " Retryable (throttling: the service did not process the request, so any action is retried).",
        Some(RetryKind::Transient) => " Retryable (transient: the service may have processed the request, so only idempotent actions are retried).",
        None => "",
    }
}

/// The action's own codes: the common ones it does not override are in `Common`.
/// `Action::error_code`: the variant's position in the error's `OWN_CODES` table (an index per
/// arm, not a string per arm: less code in every application).
fn error_code_fn(action: &Action) -> TokenStream {
    let (_, _, error, _) = names(action);
    let variants: Vec<_> = own_errors(action)
        .map(|e| crate::model::names::variant(&e.variant))
        .collect();
    if variants.is_empty() {
        return quote! {
            fn error_code(error: &#error) -> ::core::option::Option<&'static str> {
                match error {
                    #error::Common(e) => Some(e.kind().code()),
                    #error::Unhandled(_) => None,
                }
            }
        };
    }
    let positions = (0..variants.len()).map(Literal::usize_unsuffixed);
    quote! {
        fn error_code(error: &#error) -> ::core::option::Option<&'static str> {
            let position = match error {
                #( #error::#variants(_) => #positions, )*
                #error::Common(e) => return Some(e.kind().code()),
                #error::Unhandled(_) => return None,
            };
            #error::OWN_CODES.get(position).copied()
        }
    }
}

fn own_errors(action: &Action) -> impl Iterator<Item = &crate::model::ErrorCode> {
    action.errors.iter().filter(|e| !e.common)
}

fn error_enum(action: &Action) -> TokenStream {
    let (_, _, error, _) = names(action);
    let docs = doc(&format!(
        "Error codes `{}` can return: its own, the API 3.0 common ones (in `Common`), and any other code in `Unhandled`, with code and message intact.",
        action.name
    ));
    let variants: Vec<_> = own_errors(action)
        .map(|e| crate::model::names::variant(&e.variant))
        .collect();
    let variant_docs = own_errors(action).map(|e| {
        let sites = crate::model::sites_note(&e.sites, "Listed")
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        doc(&format!(
            "`{}`: {}{}{sites}",
            e.code,
            e.doc,
            retry_doc(e.retry)
        ))
    });
    let codes = own_errors(action).map(|e| &e.code);
    let positions = (0..variants.len()).map(Literal::usize_unsuffixed);
    let kind_of = |kind: RetryKind| -> Vec<_> {
        own_errors(action)
            .filter(|e| e.retry == Some(kind))
            .map(|e| crate::model::names::variant(&e.variant))
            .collect()
    };
    let throttling = kind_of(RetryKind::Throttling);
    let transient = kind_of(RetryKind::Transient);
    let throttling_arm = (!throttling.is_empty()).then(
        || quote!(#(Self::#throttling(_))|* => Some(crate::runtime::retry::RetryKind::Throttling),),
    );
    let transient_arm = (!transient.is_empty()).then(
        || quote!(#(Self::#transient(_))|* => Some(crate::runtime::retry::RetryKind::Transient),),
    );
    let own_arm = |body: TokenStream| {
        if variants.is_empty() {
            quote!(Self::Unhandled(m) => #body,)
        } else {
            quote!(#( Self::#variants(m) )|* | Self::Unhandled(m) => #body,)
        }
    };
    let metadata_arm = own_arm(quote!(m));
    let metadata_mut_arm = own_arm(quote!(m));
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #error {
            #( #variant_docs #variants(crate::runtime::error::ErrorMetadata), )*
            /// An API 3.0 common code (authentication, throttling, quotas, ...):
            /// [`CommonCodeError::kind`](crate::CommonCodeError::kind) says which.
            Common(crate::CommonCodeError),
            /// A code this version of the spec does not list; code and message are kept intact.
            Unhandled(crate::runtime::error::ErrorMetadata),
        }

        impl #error {
            /// The codes of the variants above `Common`, in their order: `from_metadata` and
            /// `error_code` go through positions in this table rather than a string per arm.
            const OWN_CODES: &'static [&'static str] = &[#(#codes),*];

            /// The exact error code on the wire, e.g. `InvalidParameterValue`.
            pub fn code(&self) -> &str {
                &self.metadata().code
            }

            /// The server's message.
            pub fn message(&self) -> &str {
                &self.metadata().message
            }

            /// The `RequestId` of the failed call.
            pub fn request_id(&self) -> ::core::option::Option<&str> {
                self.metadata().request_id.as_deref()
            }

            /// For an authentication failure: which SecretId signed the call (masked) and
            /// which source gave it (environment, profile file, role, ...).
            pub fn signed_by(&self) -> ::core::option::Option<&crate::runtime::credentials::SignedBy> {
                self.metadata().signed_by.as_ref()
            }

            /// Whether the spec marks this code retryable, of either [kind](Self::retry_kind).
            pub fn is_retryable(&self) -> bool {
                crate::runtime::error::ServiceError::is_retryable(self)
            }

            /// The service refused the call for its rate, without processing it.
            pub fn is_throttling(&self) -> bool {
                crate::runtime::error::ServiceError::is_throttling(self)
            }

            /// What the call names does not exist (a group, person, face or job).
            pub fn is_not_found(&self) -> bool {
                crate::runtime::error::ServiceError::is_not_found(self)
            }

            /// The credentials, signature or permissions were refused.
            pub fn is_auth_failure(&self) -> bool {
                crate::runtime::error::ServiceError::is_auth_failure(self)
            }

            /// How the client may retry this code: throttling codes for any action, transient
            /// ones only for idempotent actions; `None` for codes never retried.
            pub fn retry_kind(&self) -> ::core::option::Option<crate::runtime::retry::RetryKind> {
                match self {
                    #throttling_arm
                    #transient_arm
                    Self::Common(e) => e.kind().retry_kind(),
                    _ => None,
                }
            }

            /// Code, message, RequestId, HTTP status, attempts and, for an authentication failure, the signer.
            pub fn metadata(&self) -> &crate::runtime::error::ErrorMetadata {
                match self {
                    #metadata_arm
                    Self::Common(e) => e.metadata(),
                }
            }
        }

        impl crate::runtime::sealed::Sealed for #error {}

        impl crate::runtime::error::ServiceError for #error {
            fn from_metadata(metadata: crate::runtime::error::ErrorMetadata) -> Self {
                match crate::runtime::error::code_position(Self::OWN_CODES, &metadata.code) {
                    #( Some(#positions) => Self::#variants(metadata), )*
                    _ => match crate::CommonCode::from_code(&metadata.code) {
                        Some(kind) => Self::Common(crate::CommonCodeError::new(kind, metadata)),
                        None => Self::Unhandled(metadata),
                    },
                }
            }

            fn metadata(&self) -> &crate::runtime::error::ErrorMetadata {
                #error::metadata(self)
            }

            fn metadata_mut(&mut self) -> &mut crate::runtime::error::ErrorMetadata {
                match self {
                    #metadata_mut_arm
                    Self::Common(e) => e.metadata_mut(),
                }
            }

            fn retry_kind(&self) -> ::core::option::Option<crate::runtime::retry::RetryKind> {
                #error::retry_kind(self)
            }
        }

        impl ::core::fmt::Display for #error {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(self.metadata(), f)
            }
        }

        impl ::std::error::Error for #error {}

        // Not derived: the same comparison as the derive's, without a match arm per variant
        // (a variant holds only its metadata, `Common` its `CommonCodeError`).
        impl ::core::cmp::PartialEq for #error {
            fn eq(&self, other: &Self) -> bool {
                ::core::mem::discriminant(self) == ::core::mem::discriminant(other)
                    && match (self, other) {
                        (Self::Common(a), Self::Common(b)) => a == b,
                        _ => self.metadata() == other.metadata(),
                    }
            }
        }

        impl ::core::cmp::Eq for #error {}
    }
}

fn fluent_builder(action: &Action) -> TokenStream {
    let (request, response, error, builder) = names(action);
    let request_builder = request_builder_name(action);
    let method = crate::model::names::action(action).method;
    let docs = doc(&format!(
        "Builder returned by [`Client::{method}`](crate::Client::{method}): set the parameters, then `.send().await`. It owns a handle on the client, so the future of `send` is `'static` (it can be spawned)."
    ));
    let setters = setters(action, true);
    let into_paginator = if action.pagination.is_some() {
        quote! {
            /// Pages through every result from the offset set here: a `Stream` of pages, or of
            /// items with `.items()`. Each page is one call; a missing required parameter is
            /// the stream's first and only item.
            pub fn into_paginator(self) -> crate::runtime::paginator::Paginator<#request> {
                match self.input.build() {
                    Ok(request) => crate::runtime::paginator::Paginator::new(self.client, request),
                    Err(e) => crate::runtime::paginator::Paginator::failed(self.client, e),
                }
            }
        }
    } else {
        TokenStream::new()
    };
    let deprecated = deprecated_attr(action);
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone)]
        #[must_use = "nothing is sent until `.send().await`"]
        pub struct #builder {
            client: crate::Client,
            input: #request_builder,
        }

        impl #builder {
            pub(crate) fn new(client: crate::Client) -> Self {
                #builder { client, input: <#request_builder as ::core::default::Default>::default() }
            }

            #(#setters)*

            /// The parameters set so far.
            pub fn as_input(&self) -> &#request_builder {
                &self.input
            }

            /// The request, for sending later with [`Client::send`](crate::Client::send) or
            /// for a mock; fails as `send` would when a required parameter is not set.
            pub fn into_request(self) -> ::core::result::Result<#request, crate::runtime::error::ValidationError> {
                self.input.build()
            }

            /// Checks that the required parameters are set, then validates, signs and sends
            /// the request.
            pub async fn send(self) -> ::core::result::Result<#response, crate::runtime::error::SdkError<#error>> {
                let request = self.input.build().map_err(crate::runtime::error::SdkError::InvalidRequest)?;
                self.client.send(&request).await
            }

            #into_paginator
        }
    }
}

/// The spec's examples as Markdown: what a request and its response look like on the wire.
fn examples_doc(action: &Action) -> String {
    if action.examples.is_empty() {
        return String::new();
    }
    let pretty = |json: &str| {
        let value: serde_json::Value =
            serde_json::from_str(json).expect("the model holds valid JSON");
        serde_json::to_string_pretty(&value).expect("a JSON value serializes")
    };
    let mut out =
        String::from("\n\n# Examples\n\nFrom the API documentation, as JSON on the wire.");
    for example in &action.examples {
        out.push_str(&format!("\n\n## {}\n\n", example.title));
        if let Some(doc) = &example.doc {
            out.push_str(doc.trim());
            out.push_str("\n\n");
        }
        out.push_str(&format!(
            "Request parameters:\n```json\n{}\n```\nResponse:\n```json\n{}\n```",
            pretty(&example.input_json),
            pretty(&example.output_json)
        ));
    }
    out
}

/// Unit tests of the generated crate: each spec example must decode into the typed value and
/// encode back to the same JSON, and arbitrary response bodies must never make decoding panic.
fn example_tests(service: &Service, action: &Action) -> TokenStream {
    let (request, response, error, _) = names(action);
    let tests = action.examples.iter().enumerate().map(|(i, ex)| {
        let name = format_ident!(
            "example_{}_{}",
            i + 1,
            ex.title
                .to_snake_case()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        );
        let input = Literal::string(&ex.input_json);
        let output = Literal::string(&ex.output_json);
        if ex.is_error {
            // Error examples may show a request that breaks a constraint on purpose.
            quote! {
                #[test]
                fn #name() {
                    crate::runtime::testing::assert_error_example::<#request, #response, #error>(#input, #output);
                }
            }
        } else {
            let json: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&ex.output_json)
                .expect("the model holds a JSON object");
            let built = example_value(
                service,
                &quote!(crate::types),
                quote!(#response),
                &action.output,
                &json,
                true,
            );
            quote! {
                #[test]
                fn #name() {
                    let request = crate::runtime::testing::assert_round_trip::<#request>(#input);
                    request.validate().expect("the example request satisfies the spec's constraints");
                    let response = crate::runtime::testing::assert_round_trip::<#response>(#output);
                    assert_eq!(#built, response, "the builders make the example's value");
                }
            }
        }
    });
    quote! {
        #[cfg(test)]
        mod spec_tests {
            use super::*;

            #[test]
            fn decoding_arbitrary_responses_never_panics() {
                crate::runtime::testing::fuzz_decode::<#response, #error>();
            }

            #(#tests)*
        }
    }
}
