//! Helpers for the unit tests generated from the spec's examples.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::ServiceError;

mod fuzz;
pub(crate) use fuzz::fuzz_decode;

/// A service error type for runtime tests, which cannot name any generated action's: the
/// runtime is also compiled with other specs' generated code.
#[derive(Debug)]
pub(crate) struct AnyServiceError(pub(crate) crate::runtime::error::ErrorMetadata);

impl std::fmt::Display for AnyServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for AnyServiceError {}

impl crate::runtime::sealed::Sealed for AnyServiceError {}
impl ServiceError for AnyServiceError {
    fn from_metadata(metadata: crate::runtime::error::ErrorMetadata) -> Self {
        AnyServiceError(metadata)
    }
    fn metadata(&self) -> &crate::runtime::error::ErrorMetadata {
        &self.0
    }
    fn metadata_mut(&mut self) -> &mut crate::runtime::error::ErrorMetadata {
        &mut self.0
    }
    fn retry_kind(&self) -> Option<crate::runtime::retry::RetryKind> {
        None
    }
}

/// Decodes `json` into `T`, encodes it again and checks nothing was lost or renamed. Absent and
/// `null` count as the same, since optional fields are omitted when encoding.
pub(crate) fn assert_round_trip<T: Serialize + DeserializeOwned>(json: &str) -> T {
    let value: T = serde_json::from_str(json).unwrap_or_else(|e| {
        panic!(
            "example does not decode into {}: {e}\n{json}",
            std::any::type_name::<T>()
        )
    });
    let original: serde_json::Value = serde_json::from_str(json).expect("examples are JSON");
    let encoded = serde_json::to_value(&value).expect("typed values encode");
    assert_eq!(
        without_nulls(encoded),
        without_nulls(original),
        "round trip changed the example"
    );
    value
}

/// An example of a failed call. Its request may break a rule on purpose (then it need not
/// decode); its output must decode into a typed error — with the example's code when it has an
/// `Error` — or, where the docs show only a `RequestId`, at least never panic.
#[allow(dead_code)] // called by generated tests only when the spec has error examples
pub(crate) fn assert_error_example<R, T, E>(input: &str, response: &str)
where
    R: Serialize + DeserializeOwned,
    T: DeserializeOwned,
    E: ServiceError + std::fmt::Debug,
{
    if serde_json::from_str::<R>(input).is_ok() {
        assert_round_trip::<R>(input);
    }
    let body = format!("{{\"Response\":{response}}}");
    let expected: serde_json::Value = serde_json::from_str(response).expect("examples are JSON");
    let decoded = crate::runtime::envelope::decode::<T, E>(200, body.as_bytes(), 1);
    if let Some(code) = expected["Error"]["Code"].as_str() {
        match decoded {
            Err(crate::SdkError::Service(e)) => assert_eq!(e.metadata().code, code),
            Err(other) => panic!("error example did not decode into a service error: {other:?}"),
            Ok(_) => panic!("error example decoded as a success"),
        }
    }
}

/// Numbers compare by value: the API writes `100` where the spec says float and we write `100.0`.
fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (None, None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        other => other,
    }
}
