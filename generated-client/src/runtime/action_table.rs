//! Every action as data, for code that handles actions generically (the `iai` command line, the
//! local emulator, tools): the generated table in [`crate::action_table`] holds one
//! [`ActionEntry`] per spec action, with its parameters, docs and examples, and functions that
//! decode JSON through the generated request and response types.

use serde::de::DeserializeOwned;

use super::action::Action;
use super::error::ValidationError;

/// One action of the spec.
#[derive(Debug, Clone, Copy)]
pub struct ActionEntry {
    /// API name, e.g. `GetGroupInfo`.
    pub name: &'static str,
    /// The command-line name, e.g. `get-group-info`.
    pub command: &'static str,
    /// One line, with marks such as " (deprecated)" or " (mainland_china only)".
    pub title: &'static str,
    pub doc: &'static str,
    /// The service marks the action deprecated.
    pub deprecated: bool,
    /// The endpoints (spec names) that offer the action; empty when every endpoint does.
    pub sites: &'static [&'static str],
    /// Whether sending the request twice has the same effect as once.
    pub idempotent: bool,
    /// The request parameters, in API order.
    pub params: &'static [ParamInfo],
    /// Pretty JSON with every parameter and a placeholder value, in API order.
    pub skeleton: &'static str,
    /// For paged actions, the response's list of items (API name).
    pub paged_items: Option<&'static str>,
    /// Decodes request parameters (a JSON object with API names) into the typed request and
    /// checks every constraint of the spec.
    pub check_request: fn(&serde_json::Value) -> Result<(), RequestRejection>,
    /// Decodes a `Response` object (without the envelope) into the typed response.
    pub check_response: fn(&serde_json::Value) -> Result<(), String>,
    /// Every error code the spec documents for the action, common codes included.
    pub error_codes: &'static [&'static str],
    /// The spec's examples, in spec order.
    pub examples: &'static [ActionExample],
}

/// One request parameter of an action.
#[derive(Debug, Clone, Copy)]
pub struct ParamInfo {
    pub api_name: &'static str,
    /// The command-line flag without dashes, e.g. `group-id`.
    pub flag: &'static str,
    pub kind: ParamKind,
    /// A list of `kind`: the flag takes several values or is repeated.
    pub list: bool,
    pub required: bool,
    /// The type as the spec writes it, e.g. `list<string>`.
    pub type_name: &'static str,
    /// The spec's constraints in words, e.g. `1 to 64 characters`; empty when none.
    pub constraints: &'static str,
    /// The allowed values, when the spec lists them.
    pub one_of: &'static [&'static str],
    /// The endpoints (spec names) that accept the parameter; empty when every endpoint does.
    pub sites: &'static [&'static str],
    pub doc: &'static str,
}

/// What a parameter's value is, as a command line or a form reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Bool,
    Int,
    Uint,
    Float,
    /// Base64 text (the command line also takes `@path` to read and encode a file).
    Image,
    /// Objects and nested lists, written as JSON.
    Json,
}

/// One example of the spec: request parameters and the `Response` object, as compact JSON.
#[derive(Debug, Clone, Copy)]
pub struct ActionExample {
    pub title: &'static str,
    /// The response is an error (`{"Error": {...}}`).
    pub is_error: bool,
    pub input_json: &'static str,
    pub output_json: &'static str,
}

/// Why request parameters do not make a valid request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestRejection {
    /// A required parameter is absent; holds its API name.
    Missing(String),
    /// Unknown parameter, wrong JSON type, or not an object; holds the decoder's words.
    Malformed(String),
    /// Decoded, but a constraint of the spec is broken.
    Constraint(ValidationError),
}

impl std::fmt::Display for RequestRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestRejection::Missing(name) => write!(f, "missing required parameter `{name}`"),
            RequestRejection::Malformed(why) => write!(f, "malformed parameters: {why}"),
            RequestRejection::Constraint(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RequestRejection {}

/// [`ActionEntry::check_request`] for request type `R`.
pub fn check_request<R: Action + DeserializeOwned>(
    params: &serde_json::Value,
) -> Result<(), RequestRejection> {
    let request = from_value::<R>(params).map_err(rejection)?;
    request.validate().map_err(RequestRejection::Constraint)
}

/// Why a request did not decode; serde's wording is stable: "missing field `GroupId`".
fn rejection(text: String) -> RequestRejection {
    match text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        Some(name) => RequestRejection::Missing(name.to_owned()),
        None => RequestRejection::Malformed(text),
    }
}

/// [`ActionEntry::check_response`] for response type `T`.
pub fn check_response<T: DeserializeOwned>(response: &serde_json::Value) -> Result<(), String> {
    from_value::<T>(response).map(drop)
}

/// Decodes `value` as a `T` through the JSON text, with serde_json's message (without its
/// position) on failure.
///
/// Through the text rather than `T::deserialize(value)`: the client already compiles each type's
/// decoder for text (responses on every call), and a second one for `&Value` would be compiled
/// per type into every application, for the emulator's and the command line's sake only.
fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, String> {
    serde_json::from_str(&value.to_string()).map_err(without_position)
}

/// serde_json's message without the " at line 1 column 9" of the text made from the value.
fn without_position(e: serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::testing::AnyServiceError;
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    /// A request type of our own: the runtime is also compiled with other specs' code.
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Probe {
        #[serde(rename = "Name")]
        name: String,
    }

    #[derive(Debug, Deserialize)]
    struct ProbeOutput {
        #[serde(rename = "RequestId")]
        #[allow(dead_code)]
        request_id: String,
    }

    impl crate::runtime::sealed::Sealed for Probe {}
    impl Action for Probe {
        const NAME: &'static str = "Probe";
        const IDEMPOTENT: bool = true;
        const REGION_REQUIRED: bool = false;
        type Output = ProbeOutput;
        type Error = AnyServiceError;
        fn validate(&self) -> Result<(), ValidationError> {
            crate::runtime::validate::char_length("Name", &self.name, Some(1), Some(4))
        }
    }

    #[test]
    fn requests_are_decoded_and_validated() {
        let check = check_request::<Probe>;
        assert_eq!(check(&json!({"Name": "g1"})), Ok(()));
        assert_eq!(
            check(&json!({})),
            Err(RequestRejection::Missing("Name".into()))
        );
        assert!(matches!(
            check(&json!({"Name": 5})),
            Err(RequestRejection::Malformed(_))
        ));
        assert!(matches!(
            check(&json!({"Name": "g1", "Extra": 1})),
            Err(RequestRejection::Malformed(m)) if m.contains("Extra")
        ));
        assert!(matches!(
            check(&json!({"Name": "too long"})),
            Err(RequestRejection::Constraint(e)) if e.parameter() == "Name"
        ));
    }

    #[test]
    fn responses_are_decoded() {
        let check = check_response::<ProbeOutput>;
        assert!(check(&json!({"Other": "g"})).is_err());
        assert_eq!(check(&json!({"RequestId": "r"})), Ok(()));
    }
}
