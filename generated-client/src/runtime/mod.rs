//! Hand-written runtime: everything that is the same for every action of every API 3.0
//! service. The generated code describes the service ([`service::ServiceIdentity`]), its
//! actions and types, and calls into this; nothing here names a generated item.

pub mod action;
// Tools' view of every action (the CLI, the emulator): it compiles a JSON decoder per request
// and response type, which an application sending typed requests does not need.
#[cfg(feature = "action-table")]
#[cfg_attr(docsrs, doc(cfg(feature = "action-table")))]
pub mod action_table;
pub mod client;
pub mod common_call;
pub mod config;
pub mod credentials;
pub(crate) mod envelope;
#[doc(hidden)]
pub use envelope::decode_for_bench;
pub mod error;
pub mod failover;
pub(crate) mod header_value;
pub mod image;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod mock;
pub mod paginator;
pub(crate) mod payload;
pub mod profile;
pub mod retry;
pub(crate) mod sealed;
pub mod service;
pub mod signing;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod time;
pub mod transport;
pub mod validate;
pub(crate) mod wire;
