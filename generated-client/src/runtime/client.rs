//! The client: validate → serialize once → (sign → send → decode) per attempt, with retries.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
// Tokio's clock, not std's: a test that pauses and advances it moves every deadline with it.
use tokio::time::Instant;
use tracing::Instrument;

use super::action::Action;
use super::config::{Config, Endpoint};
use super::credentials::{Credentials, SignedBy};
use super::envelope;
use super::error::{
    service_error_may_have_applied, ErrorMetadata, SdkError, ServiceError, TimeoutError,
    ValidationError, ValidationErrorKind,
};
use super::failover::{BreakerState, Destination, RegionBreaker};
use super::header_value::HeaderValue;
use super::image::{to_json_placing_images, JsonBody};
use super::payload::{Payload, OFF_WORKER_BODY};
use super::retry::RetryKind;
use super::signing::{authorization_with_payload_hash, payload_hash, RequestToSign, SigningKey};
use super::time::{parse_http_date, unix_now};
use super::transport::{HttpRequest, HttpResponse, SharedParts};

const CONTENT_TYPE: &str = "application/json";
/// Sent as `X-TC-RequestClient` so Tencent Cloud can tell which SDK made a call.
pub const REQUEST_CLIENT: &str = concat!(env!("CARGO_PKG_NAME"), "-rs/", env!("CARGO_PKG_VERSION"));
const SIGNATURE_EXPIRED: &str = "AuthFailure.SignatureExpire";

/// A client of one Tencent Cloud API 3.0 service (the crate's own unless the [`Config`] names
/// another). Cheap to clone; clones share connections and the clock-skew correction.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    /// Server time minus local time, in seconds, learned from `AuthFailure.SignatureExpire`.
    clock_offset: AtomicI64,
    /// The day's signing key, derived once per secret key and UTC day.
    signing_key: RwLock<Option<SigningKey>>,
    /// The URL and headers every request carries.
    shared: Arc<SharedParts>,
    /// With region failover: the breaker, and the backup's URL and headers.
    failover: Option<(RegionBreaker, Arc<SharedParts>)>,
}

impl Client {
    pub fn new(config: Config) -> Self {
        Client {
            inner: Arc::new(Inner {
                shared: Arc::new(shared_parts(&config, &config.endpoint)),
                failover: config.failover.clone().map(|settings| {
                    // A built config's failover always names its backup.
                    let endpoint = settings.backup_endpoint().unwrap_or(&config.endpoint);
                    let backup = Arc::new(shared_parts(&config, endpoint));
                    (RegionBreaker::new(settings), backup)
                }),
                config,
                clock_offset: AtomicI64::new(0),
                signing_key: RwLock::new(None),
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The region failover breaker's state, if failover is on.
    pub fn region_failover_state(&self) -> Option<BreakerState> {
        self.inner
            .failover
            .as_ref()
            .map(|(breaker, _)| breaker.state())
    }

    /// Where a new call goes, and (with failover) the generation its outcome counts in.
    fn route(&self) -> (Destination, Option<u64>) {
        match &self.inner.failover {
            Some((breaker, _)) => {
                let (destination, generation) = breaker.route();
                (destination, Some(generation))
            }
            None => (Destination::Endpoint, None),
        }
    }

    /// The URL and shared headers, and the host, of `destination`.
    fn target(&self, destination: Destination) -> (&Arc<SharedParts>, &str) {
        match (&self.inner.failover, destination) {
            (Some((breaker, backup)), Destination::Backup) => {
                let endpoint = breaker.settings().backup_endpoint();
                let endpoint = endpoint.unwrap_or(&self.inner.config.endpoint);
                (backup, endpoint.host())
            }
            _ => (&self.inner.shared, self.inner.config.endpoint.host()),
        }
    }

    /// Sends any action's request; the per-action methods (`get_group_info`, ...) end here.
    ///
    /// Retries codes the spec marks retryable and failures before the request was sent; a
    /// failure after sending is retried only for idempotent actions. Each attempt is signed
    /// afresh. On `AuthFailure.SignatureExpire` the clock is corrected from the response's
    /// `Date` header and the call is retried once.
    ///
    /// The call's timeout counts from here: encoding and hashing the body are part of it,
    /// and an attempt the deadline has passed is not sent.
    ///
    /// Only encoding and the final decoding are compiled per action: the retry loop, signing
    /// and tracing are one non-generic path over bytes and an action descriptor.
    pub async fn send<A: Action>(&self, request: &A) -> Result<A::Output, SdkError<A::Error>> {
        let deadline = Instant::now() + self.inner.config.timeout;
        let meta = ActionMeta::of(request);
        let body = encode(request, &self.inner.config, &meta);
        let trace = CallTrace::start(&self.inner.config, &meta);
        let exchanged = match &trace.span {
            None => self.send_with_retries(&meta, body, deadline).await,
            Some(span) => {
                self.send_with_retries(&meta, body, deadline)
                    .instrument(span.clone())
                    .await
            }
        };
        let (result, attempts) = match exchanged {
            (Ok(response), attempts) => (
                envelope::decode_output::<A::Output>(response.status, &response.body, attempts),
                attempts,
            ),
            (Err(e), attempts) => (Err(e), attempts),
        };
        if trace.span.is_some() {
            let outcome = match &result {
                Ok(output) => Ok(A::request_id(output)),
                Err(e) => Err(e),
            };
            trace.finish(attempts, outcome);
        }
        result.map_err(|e| e.map_service(A::Error::from_metadata))
    }

    /// The retry loop, the same for every action. The whole-call `deadline` bounds every wait
    /// in it: finishing and hashing the body, the credentials, each attempt (as the earlier of
    /// its own timeout and the deadline) and each backoff. A success is the response, not yet
    /// decoded.
    async fn send_with_retries(
        &self,
        meta: &ActionMeta<'_>,
        body: Result<JsonBody, SdkError<ErrorMetadata>>,
        deadline: Instant,
    ) -> (Result<HttpResponse, SdkError<ErrorMetadata>>, u32) {
        let config = &self.inner.config;
        let body = match body {
            Ok(body) => body,
            Err(error) => return (Err(error), 0),
        };
        // Prepared once: every attempt signs and sends these same bytes with this hash.
        let len = body.len();
        let hash = !config.unsigned;
        let prepared = if len <= OFF_WORKER_BODY {
            // Small calls take the fast path: no timer, no other thread.
            Ok(Ok(Payload::now(body, hash)))
        } else {
            tokio::time::timeout_at(deadline, Payload::prepare(body, hash)).await
        };
        let payload = match prepared {
            Ok(Ok(payload)) => payload,
            Ok(Err(error)) => return (Err(error), 0),
            Err(_elapsed) => {
                let timeout = call_timeout(config, 0).with_last_failure(format_args!(
                    "the time ran out while the {len}-byte request body was being encoded and hashed; nothing was sent"
                ));
                return (Err(SdkError::Timeout(timeout)), 0);
            }
        };

        // Chosen once: every attempt goes where the first went (failover never repeats a write).
        let (destination, generation) = self.route();
        let mut skew_corrected = false;
        let mut budget = config.retry.max_attempts;
        let mut attempt = 0;
        // Whether a failed attempt so far may have been applied (told by a call timeout).
        let mut maybe_applied = false;
        loop {
            attempt += 1;
            let result = self
                .attempt(meta, &payload, attempt, deadline, destination)
                .await;
            if let (Some(generation), Some((breaker, _))) = (generation, &self.inner.failover) {
                if let Some(answered) = region_answered(&result) {
                    breaker.record(generation, answered);
                }
            }
            let Failure {
                mut error,
                response,
                ends_call,
            } = match result {
                Ok(response) => return (Ok(response), attempt),
                Err(failure) => failure,
            };
            if let SdkError::Timeout(timeout) = &mut error {
                // A timeout while fetching credentials sent nothing itself, but an earlier
                // attempt of the call may have been applied.
                let earlier = maybe_applied || timeout.may_have_been_applied();
                *timeout = timeout.clone().with_maybe_applied(earlier);
            }
            maybe_applied |= may_have_been_applied(meta, &error);
            if ends_call {
                return (Err(error), attempt);
            }
            let signature_expired =
                matches!(&error, SdkError::Service(e) if e.code == SIGNATURE_EXPIRED);
            let retry = if signature_expired && !skew_corrected {
                skew_corrected = true;
                if response.is_some_and(|r| self.learn_clock_offset(&r)) {
                    // A corrected clock is a new chance, not a spent attempt.
                    budget += 1;
                    Retry::Now
                } else {
                    Retry::No
                }
            } else {
                retry_decision(meta, &error)
            };
            if matches!(retry, Retry::No) {
                explain_no_retry(meta, &mut error);
                return (Err(error), attempt);
            }
            if attempt >= budget {
                return (Err(error), attempt);
            }
            let delay = match retry {
                Retry::Now => Duration::ZERO,
                _ => config.retry.backoff(attempt + 1),
            };
            if Instant::now() + delay >= deadline {
                // The next attempt could not start in time; waiting would only delay the news,
                // and the failure that led here is the cause worth reporting.
                let timeout = call_timeout(config, attempt)
                    .with_last_failure(&error)
                    .with_maybe_applied(maybe_applied);
                return (Err(SdkError::Timeout(timeout)), attempt);
            }
            tracing::debug!(attempt, error = %error, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// One signed exchange, bounded by the attempt timeout or the call's deadline, whichever
    /// comes first.
    async fn attempt(
        &self,
        meta: &ActionMeta<'_>,
        payload: &Payload,
        attempt: u32,
        deadline: Instant,
        destination: Destination,
    ) -> Result<HttpResponse, Failure> {
        let config = &self.inner.config;
        let (http_request, fetched) = self
            .sign(meta, payload, Some((deadline, attempt)), destination)
            .await
            .map_err(|error| Failure {
                // Signing waits only for credentials; timing out there is the call's timeout.
                ends_call: matches!(error, SdkError::Timeout(_)),
                ..Failure::without_response(error)
            })?;
        if Instant::now() >= deadline {
            // Late already (a busy machine, a slow credentials source): sending would only add
            // load for an answer nobody waits for. This attempt was not sent.
            let timeout = call_timeout(config, attempt - 1);
            return Err(Failure {
                ends_call: true,
                ..Failure::without_response(SdkError::Timeout(timeout))
            });
        }

        let attempt_deadline = Instant::now() + config.attempt_timeout;
        let (limit, limit_is_call_deadline) = if attempt_deadline < deadline {
            (attempt_deadline, false)
        } else {
            (deadline, true)
        };
        let response =
            match tokio::time::timeout_at(limit, config.transport.send(http_request)).await {
                // The request may have been written before the time ran out.
                Err(_elapsed) if limit_is_call_deadline => {
                    let timeout = call_timeout(config, attempt).with_maybe_applied(true);
                    return Err(Failure {
                        ends_call: true,
                        ..Failure::without_response(SdkError::Timeout(timeout))
                    });
                }
                Err(_elapsed) => {
                    return Err(Failure::without_response(SdkError::Timeout(
                        TimeoutError::new(config.attempt_timeout, attempt)
                            .with_host(self.target(destination).1)
                            .with_maybe_applied(true),
                    )))
                }
                Ok(Err(mut e)) => {
                    e.attempts = attempt;
                    return Err(Failure::without_response(SdkError::Transport(e)));
                }
                Ok(Ok(response)) => response,
            };
        match envelope::classify(response.status, &response.body, attempt) {
            Ok(()) => Ok(response),
            Err(mut error) => {
                if let SdkError::Service(metadata) = &mut error {
                    if metadata.is_auth_failure() && !config.unsigned {
                        // Which key to check, and where it is set: the credentials that
                        // signed this attempt, fetched for it or fixed in the config.
                        let signer = fetched
                            .as_ref()
                            .or_else(|| config.credentials.fixed_credentials());
                        metadata.signed_by = signer.map(SignedBy::new);
                    }
                }
                Err(Failure {
                    error,
                    response: Some(response),
                    ends_call: false,
                })
            }
        }
    }

    /// The signed HTTP request `send` would make first, without sending it: validation,
    /// encoding and signing exactly as for a real call (to the backup endpoint while region
    /// failover sends calls there). For dry runs and debugging; its `Debug` output hides the
    /// Authorization header and session token.
    pub async fn prepare<A: Action>(&self, request: &A) -> Result<HttpRequest, SdkError<A::Error>> {
        let meta = ActionMeta::of(request);
        let prepared = match encode(request, &self.inner.config, &meta) {
            Ok(body) => match Payload::prepare(body, !self.inner.config.unsigned).await {
                Ok(payload) => self
                    .sign(&meta, &payload, None, self.route().0)
                    .await
                    .map(|(request, _)| request),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        prepared.map_err(|e| e.map_service(A::Error::from_metadata))
    }

    /// Signs `payload` for the action with current credentials and the (skew-corrected) time.
    /// Constant header values are shared; the signing key is reused for the whole UTC day.
    /// Within a call, fetching credentials is bounded by the call's deadline. Returns the
    /// credentials fetched for this request, if they were not the config's fixed ones.
    async fn sign(
        &self,
        meta: &ActionMeta<'_>,
        payload: &Payload,
        call: Option<(Instant, u32)>,
        destination: Destination,
    ) -> Result<(HttpRequest, Option<Credentials>), SdkError<ErrorMetadata>> {
        let config = &self.inner.config;
        let body = payload.body.clone();
        let action = meta.name;
        // Generated actions name theirs with a constant, shared rather than copied.
        let action_header = match meta.static_name {
            Some(name) => HeaderValue::from_static(name),
            None => HeaderValue::from(action.to_owned()),
        };
        if config.unsigned {
            // As the official SDKs send it: the same headers, no token, `Authorization: SKIP`.
            let headers = vec![
                ("X-TC-Action", action_header),
                ("X-TC-Timestamp", HeaderValue::decimal(self.now())),
                ("Authorization", HeaderValue::from_static("SKIP")),
            ];
            return Ok((
                HttpRequest::from_parts(Arc::clone(self.target(destination).0), headers, body),
                None,
            ));
        }
        let mut provided = None;
        let credentials = match config.credentials.fixed_credentials() {
            Some(fixed) => fixed,
            None => {
                let fetch = config.credentials.provide_credentials();
                let fetched = match call {
                    Some((deadline, attempt)) => tokio::time::timeout_at(deadline, fetch)
                        .await
                        .map_err(|_elapsed| SdkError::Timeout(call_timeout(config, attempt)))?,
                    None => fetch.await,
                };
                &*provided.insert(fetched.map_err(SdkError::Credentials)?)
            }
        };
        let timestamp = self.now();
        let (shared, host) = self.target(destination);
        let to_sign = RequestToSign {
            secret_id: credentials.secret_id(),
            secret_key: credentials.secret_key(),
            token: credentials.session_token(),
            service: config.service.name(),
            host,
            action,
            version: config.service.version(),
            region: config.region.as_deref(),
            language: config.language.map(|l| l.as_str()),
            content_type: CONTENT_TYPE,
            timestamp,
            payload: &body,
        };
        // Hashed once per call, before taking the key's lock: an image payload takes milliseconds.
        let payload_hash = match &payload.hash {
            Some(hash) => *hash,
            None => payload_hash(&body),
        };
        let authorization = self.with_signing_key(credentials.secret_key(), timestamp, |key| {
            authorization_with_payload_hash(&to_sign, key, &payload_hash)
        });
        let mut headers = Vec::with_capacity(4);
        headers.push(("X-TC-Action", action_header));
        headers.push(("X-TC-Timestamp", HeaderValue::decimal(timestamp)));
        if let Some(token) = credentials.session_token() {
            headers.push(("X-TC-Token", HeaderValue::from(token.to_owned())));
        }
        headers.push(("Authorization", HeaderValue::from(authorization)));
        Ok((
            HttpRequest::from_parts(Arc::clone(shared), headers, body),
            provided,
        ))
    }

    /// Runs `sign` with the cached signing key if it fits, else with a freshly derived one,
    /// which is then cached. Callers share the read lock, so signing never waits on another
    /// call except on the rare change of key (new UTC day or secret).
    fn with_signing_key<R>(
        &self,
        secret_key: &str,
        timestamp: u64,
        sign: impl FnOnce(&SigningKey) -> R,
    ) -> R {
        {
            let cached = self
                .inner
                .signing_key
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(key) = cached
                .as_ref()
                .filter(|key| key.matches(secret_key, timestamp, self.inner.config.service.name()))
            {
                return sign(key);
            }
        }
        let key = SigningKey::derive(secret_key, timestamp, self.inner.config.service.name())
            .for_host(CONTENT_TYPE, self.inner.config.endpoint.host());
        let result = sign(&key);
        *self
            .inner
            .signing_key
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(key);
        result
    }

    /// The (skew-corrected) time to sign with.
    fn now(&self) -> u64 {
        unix_now().saturating_add_signed(self.inner.clock_offset.load(Ordering::Relaxed))
    }

    /// Sets the clock offset from the server's `Date` header; false if there is none to use.
    fn learn_clock_offset(&self, response: &HttpResponse) -> bool {
        let Some(server_now) = response.header("date").and_then(parse_http_date) else {
            return false;
        };
        let offset = server_now as i64 - unix_now() as i64;
        tracing::debug!(
            offset_secs = offset,
            "correcting clock skew from the server's Date header"
        );
        self.inner.clock_offset.store(offset, Ordering::Relaxed);
        true
    }
}

/// The headers that are the same on every call: with the per-call ones `sign` adds, the set
/// `signing::sign_request` produces (checked by a test), plus the request client.
fn shared_parts(config: &Config, endpoint: &Endpoint) -> SharedParts {
    let mut headers = vec![
        ("Content-Type", HeaderValue::from_static(CONTENT_TYPE)),
        ("Host", HeaderValue::from(endpoint.host().to_owned())),
        (
            "X-TC-Version",
            HeaderValue::from_static(config.service.version()),
        ),
    ];
    if let Some(region) = &config.region {
        headers.push(("X-TC-Region", HeaderValue::from(region.clone())));
    }
    if let Some(language) = config.language {
        headers.push(("X-TC-Language", HeaderValue::from_static(language.as_str())));
    }
    headers.push((
        "X-TC-RequestClient",
        HeaderValue::from_static(REQUEST_CLIENT),
    ));
    SharedParts {
        url: endpoint.url().to_owned(),
        headers,
    }
}

/// For region failover: whether an attempt's outcome shows the region answering (`Some(true)`),
/// failing (`Some(false)`: no answer, an answer without a RequestId, or the service's own
/// `InternalError`, as the Go SDK counts it), or nothing (the request was never sent).
/// Untyped: it reads the error metadata the shared send path works on.
fn region_answered(result: &Result<HttpResponse, Failure>) -> Option<bool> {
    let failure = match result {
        Ok(_) => return Some(true),
        Err(failure) => failure,
    };
    match &failure.error {
        SdkError::Service(metadata) => {
            Some(metadata.request_id.is_some() && metadata.code != "InternalError")
        }
        // A timeout before sending (credentials, a late start) says nothing about the region.
        SdkError::Timeout(timeout) => timeout.may_have_been_applied().then_some(false),
        SdkError::Transport(_) | SdkError::Response(_) => Some(false),
        SdkError::InvalidRequest(_) | SdkError::Credentials(_) => None,
    }
}

/// What the shared send path needs to know about an action: its name, idempotency, region
/// need, and how to tell a retryable code.
#[derive(Clone, Copy)]
struct ActionMeta<'a> {
    /// Sent as `X-TC-Action`; named at run time by the common call.
    name: &'a str,
    /// The name when it is the generated constant, shared rather than copied into headers.
    static_name: Option<&'static str>,
    idempotent: bool,
    region_required: bool,
    /// The retry kind the action's spec gives a code.
    retry_kind: fn(&ErrorMetadata) -> Option<RetryKind>,
}

impl<'a> ActionMeta<'a> {
    fn of<A: Action>(request: &'a A) -> Self {
        let name = request.action_name();
        ActionMeta {
            name,
            static_name: (name == A::NAME).then_some(A::NAME),
            idempotent: request.is_idempotent(),
            region_required: A::REGION_REQUIRED,
            retry_kind: retry_kind_of::<A>,
        }
    }
}

/// Typed only on the error path: the action's error enum knows each code's retry kind.
fn retry_kind_of<A: Action>(metadata: &ErrorMetadata) -> Option<RetryKind> {
    A::Error::from_metadata(metadata.clone()).retry_kind()
}

/// The call's tracing span, when anyone listens, and when the call started.
struct CallTrace {
    span: Option<tracing::Span>,
    started: Instant,
}

impl CallTrace {
    fn start(config: &Config, meta: &ActionMeta<'_>) -> Self {
        let span = tracing::debug_span!(
            "tencentcloud_call",
            service = config.service.name(),
            action = meta.name,
            region = config.region.as_deref().unwrap_or(""),
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
            outcome = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        CallTrace {
            // Nobody listens: no span to enter at every poll, no clock read or recording after.
            span: (!span.is_disabled()).then_some(span),
            started: Instant::now(),
        }
    }

    /// Records how the call ended: the success's RequestId, or the error.
    fn finish(self, attempts: u32, outcome: Result<Option<&str>, &SdkError<ErrorMetadata>>) {
        let Some(span) = self.span else { return };
        span.record("attempts", attempts);
        span.record("latency_ms", self.started.elapsed().as_millis() as u64);
        match outcome {
            Ok(request_id) => {
                if let Some(id) = request_id {
                    span.record("request_id", id);
                }
                span.record("outcome", "success")
            }
            Err(e) => {
                let request_id = match e {
                    SdkError::Service(m) => m.request_id.as_deref(),
                    SdkError::Response(r) => r.request_id.as_deref(),
                    _ => None,
                };
                if let Some(id) = request_id {
                    span.record("request_id", id);
                }
                span.record("outcome", outcome_name(e))
            }
        };
        span.in_scope(|| tracing::debug!("call finished"));
    }
}

/// Validates the request and encodes its JSON body, sized for large (image) bodies up front.
/// Raw images are left for [`Payload::prepare`] to encode into place.
fn encode<A: Action>(
    request: &A,
    config: &Config,
    meta: &ActionMeta<'_>,
) -> Result<JsonBody, SdkError<ErrorMetadata>> {
    request.validate().map_err(SdkError::InvalidRequest)?;
    if meta.region_required && config.region.is_none() {
        return Err(SdkError::InvalidRequest(ValidationError::new(
            ValidationErrorKind::RegionRequired,
            "Region",
            format!(
                "{} needs a region; set it with `Config::builder().region(...)` or TENCENTCLOUD_REGION",
                meta.name
            ),
        )));
    }
    let hint = request.body_size_hint();
    if hint > LARGE_BODY {
        // Only image data makes a body this large: encode it straight into place.
        if let Some(body) = to_json_placing_images(request).map_err(|e| cannot_encode(meta, e))? {
            return Ok(body);
        }
    }
    let mut body = Vec::with_capacity(hint);
    serde_json::to_writer(&mut body, request).map_err(|e| cannot_encode(meta, e))?;
    Ok(JsonBody::Ready(Bytes::from(body)))
}

fn cannot_encode(meta: &ActionMeta<'_>, e: serde_json::Error) -> SdkError<ErrorMetadata> {
    SdkError::InvalidRequest(ValidationError::new(
        ValidationErrorKind::Encoding,
        meta.name,
        format!("cannot be encoded as JSON: {e}"),
    ))
}

/// Hinted body sizes above this take the image path of [`encode`].
const LARGE_BODY: usize = 16 * 1024;

struct Failure {
    error: SdkError<ErrorMetadata>,
    /// The HTTP response, when the failure came from one (for its `Date` header).
    response: Option<HttpResponse>,
    /// The call's deadline passed: no retry can help.
    ends_call: bool,
}

impl Failure {
    fn without_response(error: SdkError<ErrorMetadata>) -> Self {
        Failure {
            error,
            response: None,
            ends_call: false,
        }
    }
}

/// The whole call ran out of time.
fn call_timeout(config: &Config, attempts: u32) -> TimeoutError {
    TimeoutError::new(config.timeout, attempts).with_host(config.endpoint.host())
}

enum Retry {
    No,
    Now,
    AfterBackoff,
}

/// Retry only what is safe: codes the spec marks retryable, failures before sending, and —
/// for idempotent actions only — failures after the request may have been processed.
fn retry_decision(meta: &ActionMeta<'_>, error: &SdkError<ErrorMetadata>) -> Retry {
    let safe = match error {
        SdkError::Service(e) => {
            (meta.retry_kind)(e).is_some_and(|kind| kind.allows_retry(meta.idempotent))
        }
        SdkError::Transport(e) => !e.maybe_sent || meta.idempotent,
        SdkError::Timeout(_) => meta.idempotent,
        SdkError::Response(e) => e.http_status >= 500 && meta.idempotent,
        SdkError::InvalidRequest(_) | SdkError::Credentials(_) => false,
    };
    if safe {
        Retry::AfterBackoff
    } else {
        Retry::No
    }
}

/// [`SdkError::may_have_been_applied`] on the untyped error of the shared send path.
fn may_have_been_applied(meta: &ActionMeta<'_>, error: &SdkError<ErrorMetadata>) -> bool {
    error.may_have_been_applied_given(|e| service_error_may_have_applied((meta.retry_kind)(e), e))
}

/// A retryable code that was not retried says why, so nobody retries it blindly by hand.
fn explain_no_retry(meta: &ActionMeta<'_>, error: &mut SdkError<ErrorMetadata>) {
    if let SdkError::Service(e) = error {
        if (meta.retry_kind)(e) == Some(RetryKind::Transient) && !meta.idempotent {
            e.not_retried = Some(format!(
                "`{}` is transient, so the service may already have applied the request, and `{}` is not idempotent: a retry could apply it twice",
                e.code, meta.name
            ));
        }
    }
}

fn outcome_name<E>(error: &SdkError<E>) -> &'static str {
    match error {
        SdkError::InvalidRequest(_) => "invalid_request",
        SdkError::Credentials(_) => "credentials_error",
        SdkError::Timeout(_) => "timeout",
        SdkError::Transport(_) => "transport_error",
        SdkError::Response(_) => "response_error",
        SdkError::Service(_) => "service_error",
    }
}
