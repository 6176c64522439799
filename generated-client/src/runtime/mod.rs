//! Hand-written runtime: everything that is the same for every action. Generated code (in
//! `crate::generated`) only describes actions and types and calls into this.

pub mod action;
pub mod action_table;
pub mod client;
pub mod config;
pub mod credentials;
pub(crate) mod envelope;
#[doc(hidden)]
pub use envelope::decode_for_bench;
pub mod error;
pub(crate) mod header_value;
pub mod image;
#[cfg(feature = "test-util")]
pub mod mock;
pub mod paginator;
pub mod profile;
pub mod retry;
pub(crate) mod sealed;
pub mod signing;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod time;
pub mod transport;
pub mod validate;
