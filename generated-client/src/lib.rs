//! Typed async client for Tencent Cloud Face Recognition (IAI), API version 2020-03-03.
//!
//! Everything under [`operation`] and [`types`] is generated from the YAML spec in the
//! repository's `spec/` directory; [`runtime`] is the hand-written part shared by all actions
//! (signing, transport, envelope decoding, credentials, errors).
//!
//! ```no_run
//! use tencentcloud_iai::{Client, Config};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(Config::from_env()?);
//! let group = client.get_group_info().group_id("my-group").send().await?;
//! println!("{} was created at {} ms", group.group_name, group.creation_timestamp);
//! # Ok(())
//! # }
//! ```
//!
//! Errors are [`SdkError`]s: `SdkError::Service` holds the action's own error enum (one
//! variant per documented code, plus `Unhandled` for codes the spec does not list); the other
//! variants say that nothing was sent (invalid request, credentials), or that the transport,
//! the timeout or the response itself failed.
//!
#![doc = include_str!("testing_guide.md")]
// The mock's example needs the feature (on in `cargo test --workspace` through tests/mock-app).
#![cfg_attr(feature = "test-util", doc = include_str!("testing_guide_mock_example.md"))]
#![cfg_attr(
    not(feature = "test-util"),
    doc = "*(The example is shown when the documentation is built with `--features test-util`.)*\n"
)]
#![doc = include_str!("testing_guide_other_ways.md")]
// docs.rs (`--cfg docsrs`, nightly) marks each feature-gated item with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Upstream API prose becomes rustdoc as written; these lints judge its Markdown, not our code.
#[allow(
    clippy::doc_lazy_continuation,
    clippy::doc_overindented_list_items,
    clippy::too_long_first_doc_paragraph
)]
mod generated;
pub mod runtime;

/// The `iai` command line (feature `cli`).
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;
#[cfg(feature = "action-table")]
#[cfg_attr(docsrs, doc(cfg(feature = "action-table")))]
pub use generated::action_table;
pub use generated::common_error::{CommonCode, CommonCodeError};
pub use generated::{operation, types};
pub use runtime::client::Client;
pub use runtime::common_call::CommonError;
pub use runtime::config::{Config, ConfigBuilder, Endpoint, Language};
pub use runtime::credentials::{
    Credentials, CredentialsError, CredentialsSource, DefaultCredentialsChain, ProvideCredentials,
    RefreshingCredentials, SignedBy,
};
pub use runtime::error::{
    ConfigError, ErrorMetadata, ResponseError, SdkError, ServiceError, TimeoutError,
    TransportError, ValidationError, ValidationErrorKind,
};
pub use runtime::image::{Image, ImageError};
/// A typed mock of the service for unit tests (feature `test-util`); see [the testing guide](crate#testing-code-that-uses-the-client).
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub use runtime::mock;
pub use runtime::signing;
