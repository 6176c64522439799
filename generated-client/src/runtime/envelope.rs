//! Decoding the API 3.0 response envelope: `{"Response": {..., "RequestId": ...}}` on success,
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` on failure. The error form is
//! recognised whatever the HTTP status or Content-Type; anything else becomes a `ResponseError`.

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
    let unexpected = |problem: String, request_id: Option<String>| {
        SdkError::Response(ResponseError {
            http_status,
            request_id,
            problem,
            body_excerpt: excerpt(body),
            attempts,
        })
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
        return Err(SdkError::Service(E::from_metadata(ErrorMetadata {
            code: error.code,
            message: error.message.unwrap_or_default(),
            request_id: probe.request_id,
            http_status,
            attempts,
        })));
    }
    if !(200..300).contains(&http_status) {
        return Err(unexpected(
            format!("HTTP status {http_status} with a response that has no `Error`"),
            probe.request_id,
        ));
    }
    serde_json::from_str(envelope.response.get()).map_err(|e| {
        unexpected(
            format!("response does not match the spec: {e}"),
            probe.request_id,
        )
    })
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
