//! The common call: any action of the client's service by name, with a JSON body, for actions
//! the spec does not describe yet (the official SDKs' `CommonClient`). Signed, sent, retried
//! and decoded by the same code as a typed call.

use std::fmt;

use serde::Serialize;

use super::action::Action;
use super::client::Client;
use super::error::{ErrorMetadata, SdkError, ServiceError, ValidationError, ValidationErrorKind};
use super::retry::RetryKind;
use super::transport::HttpRequest;

impl Client {
    /// Calls `action` with `parameters` (a JSON object) and returns the answer's `Response`
    /// object as it came, `RequestId` included.
    ///
    /// The request is signed and sent like a typed call; an error answer is an
    /// [`SdkError::Service`] holding a [`CommonError`] with the code, message and `RequestId`.
    /// An action known only by name is not known to be idempotent, so only throttling
    /// (`RequestLimitExceeded...`) and failures before the request was sent are retried.
    ///
    /// ```no_run
    /// # async fn run(client: tencentcloud_iai::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let response = client
    ///     .call_json("GetGroupList", serde_json::json!({ "Limit": 10 }))
    ///     .await?;
    /// println!("{} groups", response["GroupNum"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call_json(
        &self,
        action: &str,
        parameters: serde_json::Value,
    ) -> Result<serde_json::Value, SdkError<CommonError>> {
        let call = JsonCall { action, parameters };
        self.send(&call).await
    }

    /// The signed request [`call_json`](Self::call_json) would send first, without sending
    /// it (a dry run); its `Debug` output hides the signature and session token.
    pub async fn prepare_json(
        &self,
        action: &str,
        parameters: serde_json::Value,
    ) -> Result<HttpRequest, SdkError<CommonError>> {
        let call = JsonCall { action, parameters };
        self.prepare(&call).await
    }
}

/// An action named at run time, with its parameters as JSON.
struct JsonCall<'a> {
    action: &'a str,
    parameters: serde_json::Value,
}

impl Serialize for JsonCall<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.parameters.serialize(serializer)
    }
}

impl super::sealed::Sealed for JsonCall<'_> {}

impl Action for JsonCall<'_> {
    /// Never sent: `action_name` gives the real one.
    const NAME: &'static str = "";
    const IDEMPOTENT: bool = false;
    /// Unknown; the service says so if it needs one.
    const REGION_REQUIRED: bool = false;
    type Output = serde_json::Value;
    type Error = CommonError;

    fn action_name(&self) -> &str {
        self.action
    }

    fn validate(&self) -> Result<(), ValidationError> {
        let mut chars = self.action.chars();
        let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric());
        if !well_formed {
            return Err(ValidationError::new(
                ValidationErrorKind::AllowedChars,
                "Action",
                format!(
                    "{:?} is not an action name (letters and digits, such as `DescribeRegions`)",
                    self.action
                ),
            ));
        }
        if !self.parameters.is_object() {
            return Err(ValidationError::new(
                ValidationErrorKind::Encoding,
                self.action,
                "the parameters must be a JSON object",
            ));
        }
        Ok(())
    }

    fn request_id(output: &serde_json::Value) -> Option<&str> {
        output.get("RequestId")?.as_str()
    }
}

/// An error answer to a common call: the code, message and `RequestId`, without a typed
/// variant (the action's codes are not in the spec).
#[derive(Debug)]
pub struct CommonError {
    metadata: ErrorMetadata,
}

impl CommonError {
    /// The API error code, e.g. `AuthFailure.SecretIdNotFound`.
    pub fn code(&self) -> &str {
        &self.metadata.code
    }

    pub fn message(&self) -> &str {
        &self.metadata.message
    }

    pub fn request_id(&self) -> Option<&str> {
        self.metadata.request_id.as_deref()
    }
}

impl fmt::Display for CommonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.metadata.fmt(f)
    }
}

impl std::error::Error for CommonError {}

impl super::sealed::Sealed for CommonError {}

impl ServiceError for CommonError {
    fn from_metadata(metadata: ErrorMetadata) -> Self {
        CommonError { metadata }
    }

    fn metadata(&self) -> &ErrorMetadata {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ErrorMetadata {
        &mut self.metadata
    }

    /// The common throttling codes of every API 3.0 service: the gateway refused the request
    /// before the service saw it. Nothing else is retried.
    fn retry_kind(&self) -> Option<RetryKind> {
        let code = self.metadata.code.as_str();
        let throttled = code == "RequestLimitExceeded" || code.starts_with("RequestLimitExceeded.");
        throttled.then_some(RetryKind::Throttling)
    }
}
