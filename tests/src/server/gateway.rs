//! The API 3.0 gateway's decisions: who is calling (TC3 verification), whether the common
//! parameters are acceptable, which reply applies, and the error envelope it answers with.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::clock::{system_unix_secs, utc_date};
use super::http::Request;
use super::reply::{Plan, Reply};
use super::tc3;

/// How far `X-TC-Timestamp` may be from the server clock, as on the real endpoint.
pub(crate) const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// A key pair the server accepts.
#[derive(Debug, Clone)]
pub(crate) struct Credential {
    pub secret_key: String,
    /// Temporary (STS) keys are only valid together with this `X-TC-Token`.
    pub token: Option<String>,
}

/// What the gateway checks requests against.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub service: String,
    pub version: String,
    pub credentials: HashMap<String, Credential>,
}

/// An API-level error, answered as an HTTP 200 envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: String,
    pub message: String,
}

fn api_error(code: &str, message: impl Into<String>) -> ApiError {
    ApiError {
        code: code.to_owned(),
        message: message.into(),
    }
}

/// The result of checking who sent a request.
#[derive(Debug, Clone)]
pub(crate) struct Authentication {
    /// The signature matched for a known key, regardless of expiry or token.
    pub signature_ok: bool,
    /// The error the gateway answers with, if any.
    pub error: Option<ApiError>,
}

/// Verifies the TC3 signature, timestamp window and session token of `request` at server time `now`.
///
/// Order matters when several things are wrong: the header must parse, the SecretId must exist,
/// then expiry is reported before a signature mismatch (a stale request is stale whatever its
/// signature), and the token is checked last.
pub(crate) fn authenticate(config: &Config, request: &Request, now: i64) -> Authentication {
    let rejected = |signature_ok, error| Authentication {
        signature_ok,
        error: Some(error),
    };

    let Some(header) = request.header("authorization") else {
        return rejected(
            false,
            api_error(
                "AuthFailure.SignatureFailure",
                "The request has no Authorization header.",
            ),
        );
    };
    let Some(auth) = tc3::parse_authorization(header).filter(|a| a.algorithm == tc3::ALGORITHM)
    else {
        return rejected(
            false,
            api_error(
                "AuthFailure.InvalidAuthorization",
                format!(
                    "The Authorization header `{header}` is not a valid {} authorization.",
                    tc3::ALGORITHM
                ),
            ),
        );
    };
    let Some(credential) = config.credentials.get(&auth.secret_id) else {
        return rejected(
            false,
            api_error(
                "AuthFailure.SecretIdNotFound",
                format!(
                    "The SecretId `{}` is not found, please ensure that your SecretId is correct.",
                    auth.secret_id
                ),
            ),
        );
    };
    let Some(timestamp_text) = request.header("x-tc-timestamp") else {
        return rejected(
            false,
            api_error(
                "MissingParameter",
                "The request is missing a required parameter `Timestamp`.",
            ),
        );
    };
    let Ok(timestamp) = timestamp_text.parse::<i64>() else {
        return rejected(
            false,
            api_error(
                "InvalidParameterValue",
                format!("The value `{timestamp_text}` of parameter `Timestamp` is not a Unix time in seconds."),
            ),
        );
    };

    let signature_ok = expected_signature(
        config,
        credential,
        request,
        &auth,
        timestamp_text,
        timestamp,
    )
    .is_some_and(|expected| expected == auth.signature);

    if timestamp.abs_diff(now) > MAX_CLOCK_SKEW_SECS.unsigned_abs() {
        return rejected(
            signature_ok,
            api_error(
                "AuthFailure.SignatureExpire",
                format!(
                    "Signature expired. Timestamp of request is {timestamp}, server time is {now}; \
                     they must be within {MAX_CLOCK_SKEW_SECS} seconds."
                ),
            ),
        );
    }
    if !signature_ok {
        return rejected(
            false,
            api_error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            ),
        );
    }
    let sent_token = request.header("x-tc-token").filter(|t| !t.is_empty());
    if sent_token != credential.token.as_deref() {
        return rejected(
            true,
            api_error(
                "AuthFailure.TokenFailure",
                "The provided token is invalid or missing.",
            ),
        );
    }
    Authentication {
        signature_ok: true,
        error: None,
    }
}

/// The signature the client should have sent, or `None` when the request cannot have a valid one
/// (wrong scope, a required header not signed, a signed header absent).
fn expected_signature(
    config: &Config,
    credential: &Credential,
    request: &Request,
    auth: &tc3::ParsedAuthorization,
    timestamp_text: &str,
    timestamp: i64,
) -> Option<String> {
    // The server derives date and service itself; a client scope that disagrees cannot verify.
    let date = utc_date(timestamp);
    if auth.date != date || auth.service != config.service || auth.terminator != tc3::TERMINATOR {
        return None;
    }
    let must_sign = ["content-type", "host"];
    if !must_sign
        .iter()
        .all(|h| auth.signed_headers.iter().any(|s| s == h))
    {
        return None;
    }
    let signed: Vec<(&str, &str)> = auth
        .signed_headers
        .iter()
        .map(|name| request.header(name).map(|value| (name.as_str(), value)))
        .collect::<Option<_>>()?;

    let payload_hash = if request.header("x-tc-content-sha256") == Some(tc3::UNSIGNED_PAYLOAD) {
        tc3::sha256_hex(tc3::UNSIGNED_PAYLOAD.as_bytes())
    } else {
        tc3::sha256_hex(&request.body)
    };
    let (path, query) = request.path_and_query();
    let canonical = tc3::canonical_request(&request.method, path, query, &signed, &payload_hash);
    let to_sign = tc3::string_to_sign(timestamp_text, &date, &config.service, &canonical);
    Some(tc3::signature(
        &credential.secret_key,
        &date,
        &config.service,
        &to_sign,
    ))
}

/// The common-parameter checks that follow authentication.
fn check_common_parameters(config: &Config, request: &Request) -> Result<(), ApiError> {
    if request.header("x-tc-action").is_none_or(str::is_empty) {
        return Err(api_error(
            "MissingParameter",
            "The request is missing a required parameter `Action`.",
        ));
    }
    let Some(version) = request.header("x-tc-version").filter(|v| !v.is_empty()) else {
        return Err(api_error(
            "MissingParameter",
            "The request is missing a required parameter `Version`.",
        ));
    };
    if version != config.version {
        return Err(api_error(
            "InvalidParameterValue",
            format!(
                "The value `{version}` of parameter `Version` is not supported by service `{}`; use `{}`.",
                config.service, config.version
            ),
        ));
    }
    Ok(())
}

/// API actions take a JSON object as body.
fn check_body(request: &Request) -> Result<(), ApiError> {
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(_)) => Ok(()),
        Ok(_) => Err(api_error(
            "InvalidParameter",
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(api_error(
            "InvalidParameter",
            format!("The request body is not valid JSON: {e}."),
        )),
    }
}

/// The gateway's answer to one request.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub plan: Plan,
    pub signature_ok: bool,
    /// The `Error.Code` the reply carries, if any.
    pub verdict: Option<String>,
}

/// Decides the answer to `request`. `next_reply` hands out the scripted reply for an action
/// (consuming it); it is only asked once the action name is known.
pub(crate) fn handle(
    config: &Config,
    request: &Request,
    now: i64,
    next_reply: impl FnOnce(&str) -> Option<Reply>,
) -> Outcome {
    let auth = authenticate(config, request, now);
    let outcome = |(plan, verdict)| Outcome {
        plan,
        signature_ok: auth.signature_ok,
        verdict,
    };

    if request.method != "POST" {
        let body = format!(
            "{} is not supported here; API 3.0 requests are POST /.",
            request.method
        );
        return outcome((
            Plan::Respond {
                status: 405,
                content_type: "text/plain; charset=utf-8".to_owned(),
                body: body.into_bytes(),
            },
            None,
        ));
    }

    let gateway_checks = || {
        auth.error.clone().map_or(Ok(()), Err)?;
        check_common_parameters(config, request)
    };
    let action = request.header("x-tc-action").filter(|a| !a.is_empty());
    match action.and_then(next_reply) {
        Some(reply) => outcome(resolve(reply, &|| {
            gateway_checks().and_then(|()| check_body(request))
        })),
        None => {
            let error = gateway_checks().err().unwrap_or_else(|| {
                api_error(
                    "InvalidAction",
                    format!(
                        "The action `{}` is not found in version `{}` of service `{}`.",
                        action.unwrap_or_default(),
                        config.version,
                        config.service
                    ),
                )
            });
            outcome(error_reply(&error))
        }
    }
}

/// Turns a scripted reply into a plan, running `checks` first for API replies.
fn resolve(reply: Reply, checks: &dyn Fn() -> Result<(), ApiError>) -> (Plan, Option<String>) {
    match reply {
        Reply::Json { status, body } => match checks() {
            Err(error) => error_reply(&error),
            Ok(()) => {
                let verdict = error_code_in(body.as_bytes());
                (Plan::json(status, body), verdict)
            }
        },
        Reply::Error { code, message } => {
            error_reply(&checks().err().unwrap_or(ApiError { code, message }))
        }
        Reply::SlowBody { delay, body } => match checks() {
            Err(error) => error_reply(&error),
            Ok(()) => {
                let verdict = error_code_in(body.as_bytes());
                let body = body.into_bytes();
                (Plan::SlowBody { delay, body }, verdict)
            }
        },
        Reply::Raw {
            status,
            content_type,
            body,
        } => (
            Plan::Respond {
                status,
                content_type,
                body,
            },
            None,
        ),
        Reply::Truncated { declared_len, body } => (Plan::Truncated { declared_len, body }, None),
        Reply::DelayHeaders { delay, then } => {
            let (then, verdict) = resolve(*then, checks);
            (
                Plan::DelayHeaders {
                    delay,
                    then: Box::new(then),
                },
                verdict,
            )
        }
        Reply::CloseAfterRequest | Reply::CloseBeforeRequest => (Plan::Close, None),
    }
}

/// The HTTP 200 error envelope the real API answers with.
fn error_reply(error: &ApiError) -> (Plan, Option<String>) {
    let body = json!({
        "Response": {
            "Error": { "Code": error.code, "Message": error.message },
            "RequestId": new_request_id(),
        }
    });
    (Plan::json(200, body.to_string()), Some(error.code.clone()))
}

/// `Response.Error.Code` of a JSON body, if it has one.
fn error_code_in(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value
        .pointer("/Response/Error/Code")?
        .as_str()
        .map(str::to_owned)
}

/// A UUID-shaped id, unique within the process (counter) and unlikely to repeat across runs
/// (a per-process prefix), so tests can tell replies apart.
pub(crate) fn new_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    static PREFIX: OnceLock<u32> = OnceLock::new();
    let prefix =
        *PREFIX.get_or_init(|| std::process::id().rotate_left(16) ^ system_unix_secs() as u32);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix:08x}-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff)
}
