//! The contract between generated request types and the hand-written client.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{ServiceError, ValidationError};

/// One API action; implemented by each generated `...Request` type, and sealed: only this crate
/// implements it, so methods can be added without breaking users.
pub trait Action: super::sealed::Sealed + Serialize + Send + Sync {
    /// The API name sent as `X-TC-Action`, e.g. `GetGroupInfo`.
    const NAME: &'static str;
    /// Whether sending the request twice has the same effect as once (from the spec). Only such
    /// actions are retried when a failure leaves it unknown whether the server got the request.
    const IDEMPOTENT: bool;
    /// Whether the action needs `X-TC-Region`.
    const REGION_REQUIRED: bool;
    type Output: DeserializeOwned + Send;
    type Error: ServiceError;

    /// The name sent as `X-TC-Action` for this request: [`NAME`](Self::NAME) for generated
    /// actions; the common call ([`Client::call_json`](crate::Client::call_json)) names its
    /// action at run time.
    fn action_name(&self) -> &str {
        Self::NAME
    }

    /// Whether this request may be repeated safely: [`IDEMPOTENT`](Self::IDEMPOTENT) unless
    /// the action is only known at run time.
    fn is_idempotent(&self) -> bool {
        Self::IDEMPOTENT
    }

    /// Checks every constraint the spec states; called before anything is sent.
    fn validate(&self) -> Result<(), ValidationError>;

    /// The code the spec documents for `error`'s variant, `None` for the catch-all variant. Lets
    /// a typed error be written back to the wire, as the mock in `runtime::mock` does.
    fn error_code(error: &Self::Error) -> Option<&'static str> {
        let _ = error;
        None
    }

    /// The `RequestId` of a successful answer, for the call's tracing span (generated
    /// actions always have one).
    fn request_id(output: &Self::Output) -> Option<&str> {
        let _ = output;
        None
    }

    /// Expected size of the JSON body, so large bodies (images) are allocated once.
    fn body_size_hint(&self) -> usize {
        256
    }
}
