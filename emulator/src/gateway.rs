//! The API gateway, as Tencent Cloud's behaves: reads the call (POST JSON or GET query),
//! verifies TC3-HMAC-SHA256, checks version and action against the spec, applies faults,
//! decodes and validates the parameters through the generated request type, runs the action,
//! and wraps the answer in the API 3.0 envelope with a fresh `RequestId`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hyper::header::HeaderMap;
use hyper::Method;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use tencentcloud_iai::action_table;
use tencentcloud_iai::runtime::action_table::{ActionEntry, RequestRejection};

use crate::faults::{Decision, FaultStep, RawReply};
use crate::issued::IssuedCredentials;
use crate::semantics::{self, Answer, ApiError, Handler};
use crate::tc3;
use crate::Shared;

/// The service name in credential scopes.
pub const SERVICE: &str = "iai";
/// The only API version served.
pub const VERSION: &str = "2020-03-03";
/// The largest request body accepted (API 3.0 refuses POST bodies over 10 MB).
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// How far `X-TC-Timestamp` may be from the emulator's clock.
const MAX_CLOCK_SKEW_SECS: u64 = 300;

/// What goes back on the wire.
#[derive(Debug)]
pub enum Reply {
    /// HTTP 200 with this JSON body.
    Json(Vec<u8>),
    /// This status with a plain-text body and no envelope (fault).
    Status(u16, String),
    /// Close the connection without an answer (fault).
    Drop,
    /// Announce this body's length, send its first half, close (fault).
    Truncated(Vec<u8>),
    /// Headers at once, this JSON body after the delay (fault).
    SlowBody(Vec<u8>, Duration),
    /// Exactly this (fault).
    Raw(RawReply),
}

/// How the action's own answer goes out (a fault may cut it short or hold its body back).
pub(crate) enum Delivery {
    Whole,
    Truncated,
    Slow(Duration),
    /// No answer at all: the connection is closed once the action has run.
    Dropped,
}

/// The reply, and the error code it carries (for the journal).
#[derive(Debug)]
pub struct Outcome {
    pub reply: Reply,
    pub error_code: Option<String>,
}

/// What is known of a call while it is handled, so a call the client gives up on (during a
/// delay, say) is still recorded with its action and verdict on authentication.
#[derive(Debug, Default)]
pub struct Progress {
    pub action: Option<String>,
    pub authenticated: bool,
}

/// Request parameters as a JSON object with API names.
pub(crate) type Params = Map<String, Value>;

/// One API call as received.
pub struct Call<'a> {
    pub method: &'a Method,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: Bytes,
}

/// Handles one API call, noting in `progress` what it learns as it goes. STS calls (API
/// version 2018-08-13) go to [`crate::sts`] before the IAI action table is looked at.
pub async fn handle(shared: &Shared, call: Call<'_>, progress: &mut Progress) -> Outcome {
    let request_id = shared.request_ids.next();
    progress.action = header(&call, "x-tc-action").map(str::to_owned);
    if crate::sts::is_sts_call(&call) {
        return crate::sts::handle(shared, &call, progress, &request_id).await;
    }
    let (action, legacy_params) = match admit(shared, &call) {
        Ok(admitted) => admitted,
        Err(e) => return refusal(e, &request_id),
    };
    progress.action = Some(action.name.to_owned());
    progress.authenticated = true;
    let delivery = match apply_faults(shared, action.name, &request_id).await {
        Ok(delivery) => delivery,
        Err(outcome) => return outcome,
    };
    let params = match legacy_params {
        Some(params) => Ok((params, true)),
        None => parameters(&call).map(|params| (params, call.method == Method::GET)),
    };
    let answer = match params.and_then(|(params, textual)| run(shared, action, params, textual)) {
        Ok(future) => future.await,
        Err(e) => Err(e),
    };
    let answer = answer.and_then(|mut map| {
        map.insert("RequestId".into(), json!(request_id));
        let value = Value::Object(map);
        (action.check_response)(&value).map_err(|why| {
            ApiError::new(
                "InternalError",
                format!("the emulator's answer does not match the spec: {why}"),
            )
        })?;
        match value {
            Value::Object(map) => Ok(map),
            _ => unreachable!("built as an object"),
        }
    });
    deliver(answer, &request_id, delivery)
}

/// An error answer before the action ran.
pub(crate) fn refusal(e: ApiError, request_id: &str) -> Outcome {
    Outcome {
        error_code: Some(e.code.clone()),
        reply: envelope(Err(e), request_id),
    }
}

/// The scripted fault for this call of `action`, if any: either the whole outcome (an
/// error, a dropped connection, ...) or how the action's own answer is to be delivered.
pub(crate) async fn apply_faults(
    shared: &Shared,
    action: &str,
    request_id: &str,
) -> Result<Delivery, Outcome> {
    let outcome = |reply: Reply, error_code: Option<String>| Outcome { reply, error_code };
    match shared.faults.decide(action) {
        Decision::Proceed | Decision::Step(FaultStep::Pass) => Ok(Delivery::Whole),
        Decision::Throttled => {
            let e = ApiError::new(
                "RequestLimitExceeded",
                format!("{action} is throttled by an emulated fault."),
            );
            Err(refusal(e, request_id))
        }
        Decision::Step(FaultStep::Error { code, message }) => {
            let message = message.unwrap_or_else(|| format!("Emulated fault: {code}."));
            Err(refusal(ApiError { code, message }, request_id))
        }
        Decision::Step(FaultStep::DelayMs(ms)) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(Delivery::Whole)
        }
        Decision::Step(FaultStep::DropConnection) => Err(outcome(Reply::Drop, None)),
        Decision::Step(FaultStep::ApplyThenDrop) => Ok(Delivery::Dropped),
        Decision::Step(FaultStep::HttpStatus(status)) => {
            let reply = Reply::Status(status, format!("emulated fault: HTTP {status}\n"));
            Err(outcome(reply, None))
        }
        Decision::Step(FaultStep::Respond(raw)) => {
            let code = error_code_in(&raw.body);
            Err(outcome(Reply::Raw(raw), code))
        }
        Decision::Step(FaultStep::TruncatedBody) => Ok(Delivery::Truncated),
        Decision::Step(FaultStep::SlowBodyMs(ms)) => Ok(Delivery::Slow(Duration::from_millis(ms))),
    }
}

/// The answer in its envelope, delivered as a fault may have asked.
pub(crate) fn deliver(answer: Answer, request_id: &str, delivery: Delivery) -> Outcome {
    let error_code = answer.as_ref().err().map(|e| e.code.clone());
    let Reply::Json(body) = envelope(answer, request_id) else {
        unreachable!("an envelope is JSON")
    };
    let reply = match delivery {
        Delivery::Whole => Reply::Json(body),
        Delivery::Truncated => Reply::Truncated(body),
        Delivery::Slow(delay) => Reply::SlowBody(body, delay),
        Delivery::Dropped => Reply::Drop,
    };
    Outcome { reply, error_code }
}

/// `Response.Error.Code` of a JSON envelope, if the bytes are one.
fn error_code_in(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value
        .pointer("/Response/Error/Code")?
        .as_str()
        .map(str::to_owned)
}

/// Headers, signature, version and action; the action's table entry when all are fine.
/// Also returns the parameters of a call signed with the older HmacSHA256 method, whose
/// common parameters travel with them.
fn admit(
    shared: &Shared,
    call: &Call<'_>,
) -> Result<(&'static ActionEntry, Option<Params>), ApiError> {
    if call.method != Method::POST && call.method != Method::GET {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!(
                "HTTP method {} is not supported; use POST or GET.",
                call.method
            ),
        ));
    }
    let header = |name: &str| header(call, name);
    if header("authorization").is_none() && header("x-tc-action").is_none() {
        let (action, params) = crate::legacy::admit(shared, call)?;
        return Ok((action, Some(params)));
    }
    let action_name = header("x-tc-action")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| missing("X-TC-Action"))?;
    let version = header("x-tc-version")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("X-TC-Version"))?;
    authenticate(shared, call, SERVICE)?;
    Ok((find_action(version, action_name)?, None))
}

/// Verifies a TC3-HMAC-SHA256 call for `service`: timestamp, a known SecretId (configured or
/// issued), credential scope, signed headers, the signature byte for byte, then the token.
pub(crate) fn authenticate(
    shared: &Shared,
    call: &Call<'_>,
    service: &str,
) -> Result<(), ApiError> {
    let header = |name: &str| header(call, name);
    let timestamp_text = header("x-tc-timestamp").ok_or_else(|| missing("X-TC-Timestamp"))?;
    let authorization = header("authorization").ok_or_else(|| missing("Authorization"))?;

    let auth = tc3::parse_authorization(authorization).ok_or_else(|| {
        ApiError::new(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is not a TC3-HMAC-SHA256 authorization.",
        )
    })?;
    let timestamp = check_timestamp(shared, timestamp_text)?;
    let credential = find_credential(shared, &auth.secret_id)?;
    if auth.service != service || auth.date != tc3::utc_date(timestamp) {
        return Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            format!(
                "The credential scope {}/{} does not match service `{service}` and the UTC date of X-TC-Timestamp ({}).",
                auth.date,
                auth.service,
                tc3::utc_date(timestamp)
            ),
        ));
    }
    for required in ["content-type", "host"] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(ApiError::new(
                "AuthFailure.InvalidAuthorization",
                format!("SignedHeaders must include `{required}`."),
            ));
        }
    }
    let mut signed = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let value = header(name).ok_or_else(|| {
            ApiError::new(
                "AuthFailure.InvalidAuthorization",
                format!("The signed header `{name}` is not in the request."),
            )
        })?;
        signed.push((name.clone(), value.to_owned()));
    }
    let unsigned_payload = header("x-tc-content-sha256") == Some("UNSIGNED-PAYLOAD");
    let parts = tc3::SignedParts {
        method: call.method.as_str(),
        query: call.query,
        headers: signed,
        timestamp: timestamp_text,
        payload: (!unsigned_payload).then_some(&call.body[..]),
    };
    let expected = tc3::expected_signature(&parts, credential.secret_key(), &auth.date, service);
    if !tc3::same_signature(&expected, &auth.signature) {
        return Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            "The signature does not match the request (checked byte for byte).",
        ));
    }
    check_token(shared, &credential, header("x-tc-token"))
}

/// A header's value, trimmed, if it is text.
pub(crate) fn header<'a>(call: &Call<'a>, name: &str) -> Option<&'a str> {
    call.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// `X-TC-Timestamp` (or `Timestamp`) as Unix seconds, within 5 minutes of the clock.
pub(crate) fn check_timestamp(shared: &Shared, text: &str) -> Result<u64, ApiError> {
    let timestamp: u64 = text.parse().map_err(|_| {
        ApiError::new(
            "InvalidParameter",
            format!("The timestamp `{text}` is not a Unix time in seconds."),
        )
    })?;
    let now = shared.clock.now_secs();
    if now.abs_diff(timestamp) > MAX_CLOCK_SKEW_SECS {
        return Err(ApiError::new(
            "AuthFailure.SignatureExpire",
            format!(
                "The signature expired: timestamp {timestamp} is more than {MAX_CLOCK_SKEW_SECS} s from the server time {now}."
            ),
        ));
    }
    Ok(timestamp)
}

/// A key pair the gateway knows: configured, or issued by the emulator's STS or metadata
/// server.
pub(crate) enum KnownCredential<'a> {
    Configured(&'a crate::TestCredentials),
    Issued(IssuedCredentials),
}

impl KnownCredential<'_> {
    pub(crate) fn secret_key(&self) -> &str {
        match self {
            KnownCredential::Configured(c) => &c.secret_key,
            KnownCredential::Issued(c) => &c.secret_key,
        }
    }
}

pub(crate) fn find_credential<'a>(
    shared: &'a Shared,
    secret_id: &str,
) -> Result<KnownCredential<'a>, ApiError> {
    if let Some(configured) = shared.credentials.iter().find(|c| c.secret_id == secret_id) {
        return Ok(KnownCredential::Configured(configured));
    }
    shared
        .issued
        .find(secret_id)
        .map(KnownCredential::Issued)
        .ok_or_else(|| {
            ApiError::new(
                "AuthFailure.SecretIdNotFound",
                format!("The SecretId `{secret_id}` is not known to this emulator."),
            )
        })
}

/// Temporary credentials must come with their token, and issued ones must not have expired
/// (`AuthFailure.TokenFailure`, the common code for a token the service does not accept).
pub(crate) fn check_token(
    shared: &Shared,
    credential: &KnownCredential<'_>,
    sent: Option<&str>,
) -> Result<(), ApiError> {
    let token_failure = |why: &str| Err(ApiError::new("AuthFailure.TokenFailure", why));
    match credential {
        KnownCredential::Configured(c) => match &c.token {
            Some(token) if sent != Some(token.as_str()) => {
                token_failure("Temporary credentials need their session token.")
            }
            _ => Ok(()),
        },
        KnownCredential::Issued(c) => {
            if sent.is_none() {
                token_failure("Temporary credentials need their session token (X-TC-Token).")
            } else if sent != Some(c.token.as_str()) {
                token_failure("The token does not belong to this SecretId.")
            } else if c.is_expired_at(shared.clock.now()) {
                token_failure(&format!("The token has expired (at {}).", c.expiration()))
            } else {
                Ok(())
            }
        }
    }
}

pub(crate) fn find_action(version: &str, action: &str) -> Result<&'static ActionEntry, ApiError> {
    if version != VERSION {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!("The API version `{version}` does not exist; this service has {VERSION}."),
        ));
    }
    action_table::find(action).ok_or_else(|| {
        ApiError::new(
            "InvalidAction",
            format!("The action `{action}` does not exist."),
        )
    })
}

pub(crate) fn missing(name: &str) -> ApiError {
    ApiError::new(
        "MissingParameter",
        format!("The request is missing `{name}`."),
    )
}

/// Request parameters as a JSON object: the POST body, or the GET query string.
pub(crate) fn parameters(call: &Call<'_>) -> Result<Map<String, Value>, ApiError> {
    if call.method == Method::GET {
        return Ok(crate::query::to_json(call.query));
    }
    if call.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(&call.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(
            "InvalidParameter",
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::new(
            "InvalidParameter",
            format!("The request body is not valid JSON: {e}."),
        )),
    }
}

/// Checks the parameters against the generated request type, then runs the action.
fn run<'a>(
    shared: &'a Shared,
    action: &'static ActionEntry,
    params: Map<String, Value>,
    from_query: bool,
) -> Result<impl std::future::Future<Output = Answer> + 'a, ApiError> {
    let mut params = Value::Object(params);
    let mut checked = (action.check_request)(&params);
    if from_query && matches!(checked, Err(RequestRejection::Malformed(_))) {
        // A query string carries every value as text: numbers and booleans are spelled out.
        let coerced = crate::query::coerce(params.clone());
        if (action.check_request)(&coerced).is_ok() {
            params = coerced;
            checked = Ok(());
        }
    }
    checked.map_err(|rejection| match rejection {
        RequestRejection::Missing(name) => ApiError::new(
            "MissingParameter",
            format!("The required parameter `{name}` is missing."),
        ),
        RequestRejection::Malformed(why) => {
            ApiError::new("InvalidParameter", format!("Invalid parameters: {why}."))
        }
        RequestRejection::Constraint(e) => constraint_error(action, e),
    })?;
    let Value::Object(params) = params else {
        unreachable!("parameters are an object")
    };
    Ok(async move {
        match semantics::handler(action.name) {
            None => semantics::example_answer(action),
            Some(Handler::Read(read)) => {
                let state = shared.read_state();
                read(&state, &semantics::Params(&params))
            }
            Some(Handler::Write(write)) => shared.write(action.name, write, params).await,
        }
    })
}

/// The API 3.0 envelope around an answer.
fn envelope(answer: Answer, request_id: &str) -> Reply {
    let response = match answer {
        Ok(map) => Value::Object(map),
        Err(e) => json!({"Error": {"Code": e.code, "Message": e.message}, "RequestId": request_id}),
    };
    let body =
        serde_json::to_vec(&json!({ "Response": response })).expect("JSON values always serialise");
    Reply::Json(body)
}

/// Fresh, unique, UUID-shaped request IDs.
pub struct RequestIds {
    seed: [u8; 16],
    counter: AtomicU64,
}

impl RequestIds {
    pub fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut seed = [0u8; 16];
        seed.copy_from_slice(&Sha256::digest(format!("{nanos}/{}", std::process::id()))[..16]);
        RequestIds {
            seed,
            counter: AtomicU64::new(0),
        }
    }

    pub fn next(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut hasher = Sha256::new();
        hasher.update(self.seed);
        hasher.update(n.to_be_bytes());
        let d = hasher.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&d[..16]);
        b[6] = (b[6] & 0x0f) | 0x40; // version 4 layout
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}

/// A broken spec constraint, answered with the action's own code where it documents one: a
/// missing or empty image (no `Image` nor `Url`, or an empty `Image`) is
/// `InvalidParameterValue.ImageEmpty` on the actions that list it, as the service answers.
fn constraint_error(action: &ActionEntry, e: tencentcloud_iai::ValidationError) -> ApiError {
    use tencentcloud_iai::ValidationErrorKind as Kind;
    const IMAGE_EMPTY: &str = "InvalidParameterValue.ImageEmpty";
    let no_image = e.parameter().starts_with("Image")
        && matches!(e.kind(), Kind::OneOfRequired | Kind::EmptyImage);
    if no_image && action.error_codes.contains(&IMAGE_EMPTY) {
        return ApiError::new(IMAGE_EMPTY, e.to_string());
    }
    ApiError::new("InvalidParameterValue", e.to_string())
}
