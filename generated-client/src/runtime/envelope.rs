//! Decoding the API 3.0 response envelope: `{"Response": {..., "RequestId": ...}}` on success,
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` on failure. The error form is
//! recognised whatever the HTTP status or Content-Type; anything else becomes a `ResponseError`.

use std::sync::LazyLock;

use memchr::memmem::Finder;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::error::{ErrorMetadata, ResponseError, SdkError, ServiceError};

const EXCERPT_BYTES: usize = 256;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "Response", borrow)]
    response: &'a RawValue,
}

/// The success shape, decoded in one pass.
#[derive(Deserialize)]
struct TypedEnvelope<T> {
    #[serde(rename = "Response")]
    response: T,
}

/// Only the fields that tell success from failure; everything else is skipped cheaply.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "Error")]
    error: Option<ErrorBody>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message", default)]
    message: Option<String>,
}

/// Turns an HTTP response into the action's output or a typed error.
pub(crate) fn decode<T: DeserializeOwned, E: ServiceError>(
    http_status: u16,
    body: &[u8],
    attempts: u32,
) -> Result<T, SdkError<E>> {
    decode_output(http_status, body, attempts).map_err(|e| e.map_service(E::from_metadata))
}

/// The action's output from a response, or the error it is; a service error is still its
/// untyped metadata. The only part of decoding compiled per output type.
pub(crate) fn decode_output<T: DeserializeOwned>(
    http_status: u16,
    body: &[u8],
    attempts: u32,
) -> Result<T, SdkError<ErrorMetadata>> {
    // The common case in one pass: a 2xx body that cannot hold an `Error` member, which
    // decodes. Anything else takes the careful path, which explains what is wrong.
    if !may_be_error(http_status, body) {
        // UTF-8 checked once for the whole body is cheaper than string by string.
        if let Ok(text) = std::str::from_utf8(body) {
            if let Ok(envelope) = serde_json::from_str::<TypedEnvelope<T>>(text) {
                return Ok(envelope.response);
            }
        }
    }
    let (response, request_id) = success_envelope(http_status, body, attempts)?;
    serde_json::from_str(response.get()).map_err(|e| {
        unexpected(
            http_status,
            body,
            attempts,
            format!("response does not match the spec: {e}"),
            request_id,
        )
    })
}

/// Whether a response is a success (to be decoded as the output), or the error it is:
/// what the retry loop needs, for every action alike.
pub(crate) fn classify(
    http_status: u16,
    body: &[u8],
    attempts: u32,
) -> Result<(), SdkError<ErrorMetadata>> {
    if may_be_error(http_status, body) {
        success_envelope(http_status, body, attempts)?;
    }
    Ok(())
}

/// Whether a response might be a service error (or no answer at all): a status other than
/// 2xx, or a body that might have an `Error` key. Only such a response can decode to an error
/// that needs more than the body, such as the `Date` header for clock-skew correction.
pub(crate) fn may_be_error(http_status: u16, body: &[u8]) -> bool {
    !(200..300).contains(&http_status) || may_contain_error_key(body)
}

/// Whether `body` might have an `Error` key anywhere. JSON can spell a key only verbatim or
/// with `\u` escapes, so a body with neither `"Error"` nor `\u` has none. A `true` may be a
/// false alarm, such as a value that reads `"Error"`; it only costs the careful path.
fn may_contain_error_key(body: &[u8]) -> bool {
    // Searchers built once: building one costs more than searching a typical response.
    static ERROR_KEY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"Error\""));
    static UNICODE_ESCAPE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\\u"));
    ERROR_KEY.find(body).is_some() || UNICODE_ESCAPE.find(body).is_some()
}

fn unexpected(
    http_status: u16,
    body: &[u8],
    attempts: u32,
    problem: String,
    request_id: Option<String>,
) -> SdkError<ErrorMetadata> {
    SdkError::Response(ResponseError {
        http_status,
        request_id,
        problem,
        body_excerpt: excerpt(body),
        attempts,
    })
}

/// Two passes: the envelope, then whether `Response` is an error. A success gives the
/// `Response` object and its RequestId, for the typed decoding that follows.
fn success_envelope(
    http_status: u16,
    body: &[u8],
    attempts: u32,
) -> Result<(&RawValue, Option<String>), SdkError<ErrorMetadata>> {
    let unexpected = |problem: String, request_id: Option<String>| {
        unexpected(http_status, body, attempts, problem, request_id)
    };

    let envelope: Envelope<'_> = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(e) if body.is_empty() => return Err(unexpected(format!("empty body ({e})"), None)),
        Err(e) => {
            let what = if e.is_eof() {
                "body is truncated JSON"
            } else if e.is_data() {
                "body is JSON without a `Response` object"
            } else {
                "body is not JSON"
            };
            return Err(unexpected(format!("{what}: {e}"), None));
        }
    };
    let probe: Probe = serde_json::from_str(envelope.response.get()).map_err(|e| {
        unexpected(
            format!("`Response` is not a valid response object: {e}"),
            None,
        )
    })?;

    if let Some(error) = probe.error {
        return Err(SdkError::Service(ErrorMetadata {
            code: error.code,
            message: error.message.unwrap_or_default(),
            request_id: probe.request_id,
            http_status,
            attempts,
            not_retried: None,
            signed_by: None,
        }));
    }
    if !(200..300).contains(&http_status) {
        return Err(unexpected(
            format!("HTTP status {http_status} with a response that has no `Error`"),
            probe.request_id,
        ));
    }
    Ok((envelope.response, probe.request_id))
}

/// `decode` with one attempt, for the benchmarks in `tests/bench/` (not a stable API).
#[doc(hidden)]
pub fn decode_for_bench<T: DeserializeOwned, E: ServiceError>(
    http_status: u16,
    body: &[u8],
) -> Result<T, SdkError<E>> {
    decode(http_status, body, 1)
}

fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_BYTES)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if body.len() > EXCERPT_BYTES {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::testing::AnyServiceError;

    /// An output that is only a request id, like ModifyGroup's: an error body fits it too.
    #[derive(Debug, Deserialize)]
    struct OnlyRequestId {
        #[serde(rename = "RequestId")]
        request_id: String,
    }

    fn decode_request_id_only(
        status: u16,
        body: &str,
    ) -> Result<OnlyRequestId, SdkError<AnyServiceError>> {
        decode(status, body.as_bytes(), 1)
    }

    #[test]
    fn the_error_check_never_misses_an_error_key() {
        assert!(may_contain_error_key(br#"{"Response":{"Error":{}}}"#));
        assert!(may_contain_error_key(br#"{"Response":{"\u0045rror":{}}}"#));
        assert!(
            may_contain_error_key(br#"{"Response":{"Name":"Error"}}"#),
            "a false alarm"
        );
        assert!(!may_contain_error_key(
            br#"{"Response":{"ErrorCount":1,"Errors":[]}}"#
        ));
        assert!(!may_contain_error_key(br#"{"Response":{"RequestId":"r"}}"#));
    }

    #[test]
    fn an_error_decodes_as_one_even_where_the_output_shape_would_fit() {
        // The error body also fits the success shape; both spellings of the key must still
        // give the service error.
        for key in ["Error", "\\u0045rror"] {
            let body = format!(
                r#"{{"Response":{{"{key}":{{"Code":"InvalidParameterValue.GroupIdNotExist","Message":"m"}},"RequestId":"r-1"}}}}"#
            );
            match decode_request_id_only(200, &body) {
                Err(SdkError::Service(e)) => {
                    assert_eq!(e.metadata().code, "InvalidParameterValue.GroupIdNotExist");
                    assert_eq!(e.metadata().request_id.as_deref(), Some("r-1"));
                }
                other => panic!("{key}: expected a service error, got {other:?}"),
            }
        }
    }

    #[test]
    fn success_needs_a_2xx_status_on_either_path() {
        let ok = r#"{"Response":{"RequestId":"r-2"}}"#;
        assert_eq!(decode_request_id_only(200, ok).unwrap().request_id, "r-2");
        assert!(matches!(
            decode_request_id_only(502, ok),
            Err(SdkError::Response(e)) if e.request_id.as_deref() == Some("r-2")
        ));
        // A value that reads "Error" takes the careful path and still succeeds.
        let lookalike = r#"{"Response":{"RequestId":"r-3","Note":"Error"}}"#;
        assert_eq!(
            decode_request_id_only(200, lookalike).unwrap().request_id,
            "r-3"
        );
    }
}
