//! Errors the client returns. Service errors (the API answered with an error code) are kept apart
//! from everything that went wrong before or around the call.

use std::fmt;
use std::time::Duration;

use super::credentials::{CredentialsError, SignedBy};

/// The error of one call: `E` is the action's own service error enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// A request parameter broke a rule from the spec; nothing was sent.
    InvalidRequest(ValidationError),
    /// No usable credentials; nothing was sent.
    Credentials(CredentialsError),
    /// The call did not complete in time.
    Timeout(TimeoutError),
    /// The connection failed (refused, reset, TLS, ...).
    Transport(TransportError),
    /// The server answered, but not with a well-formed Tencent Cloud response.
    Response(ResponseError),
    /// The API answered with an error code.
    Service(E),
}

impl<E: ServiceError> SdkError<E> {
    /// The service error, if the API answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            SdkError::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The API error code, e.g. `InvalidParameterValue.GroupIdNotExist`.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(|e| e.metadata().code.as_str())
    }

    /// The API's message for a service error.
    pub fn message(&self) -> Option<&str> {
        self.service_error().map(|e| e.metadata().message.as_str())
    }

    /// The `RequestId` the server assigned, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SdkError::Service(e) => e.metadata().request_id.as_deref(),
            SdkError::Response(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// For an authentication failure: which SecretId signed the call (masked) and where it
    /// came from.
    pub fn signed_by(&self) -> Option<&SignedBy> {
        self.service_error()
            .and_then(|e| e.metadata().signed_by.as_ref())
    }

    /// How many attempts were made before giving up (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            SdkError::InvalidRequest(_) | SdkError::Credentials(_) => 0,
            SdkError::Timeout(e) => e.attempts,
            SdkError::Transport(e) => e.attempts,
            SdkError::Response(e) => e.attempts,
            SdkError::Service(e) => e.metadata().attempts,
        }
    }
}

impl SdkError<ErrorMetadata> {
    /// The typed error of an action, from the untyped one the shared send path returns.
    pub(crate) fn map_service<F>(self, typed: impl FnOnce(ErrorMetadata) -> F) -> SdkError<F> {
        match self {
            SdkError::InvalidRequest(e) => SdkError::InvalidRequest(e),
            SdkError::Credentials(e) => SdkError::Credentials(e),
            SdkError::Timeout(e) => SdkError::Timeout(e),
            SdkError::Transport(e) => SdkError::Transport(e),
            SdkError::Response(e) => SdkError::Response(e),
            SdkError::Service(e) => SdkError::Service(typed(e)),
        }
    }
}

impl<E: ServiceError> SdkError<E> {
    /// The service refused the call for its rate, without processing it; retrying later is
    /// safe for any action.
    pub fn is_throttling(&self) -> bool {
        self.service_error()
            .is_some_and(ServiceError::is_throttling)
    }

    /// What the call names does not exist (see [`ErrorMetadata::is_not_found`]).
    pub fn is_not_found(&self) -> bool {
        self.service_error().is_some_and(ServiceError::is_not_found)
    }

    /// The credentials, signature or permissions were refused, or no credentials were found.
    pub fn is_auth_failure(&self) -> bool {
        matches!(self, SdkError::Credentials(_))
            || self
                .service_error()
                .is_some_and(ServiceError::is_auth_failure)
    }

    /// Whether the same call might succeed later: a code the spec marks retryable, a timeout,
    /// a transport failure, or a 5xx answer that is not an API response. The client already
    /// retried what was safe; for an action that is not idempotent, a failure after sending
    /// may mean the service applied it.
    pub fn is_retryable(&self) -> bool {
        match self {
            SdkError::Service(e) => e.is_retryable(),
            SdkError::Timeout(_) | SdkError::Transport(_) => true,
            SdkError::Response(e) => e.http_status >= 500,
            SdkError::InvalidRequest(_) | SdkError::Credentials(_) => false,
        }
    }
}

impl<E: ServiceError> SdkError<E> {
    /// Whether the service may have applied the request although the call failed: the request
    /// may have reached it and no answer says it did not. For a write, the caller cannot know
    /// whether it happened and must check (read it back) before sending it again; the client
    /// itself never repeats such a write (an action not marked idempotent).
    ///
    /// True for a transport failure after the request may have been sent (the connection
    /// closed or reset before the answer: [`TransportError`]'s `maybe_sent`), a timeout while a
    /// request was in flight ([`TimeoutError::may_have_been_applied`]), an answer that is not
    /// a well-formed API response ([`ResponseError`], e.g. a gateway's HTML 502), and a
    /// service error the spec marks transient or `InternalError`. False when nothing was sent
    /// (invalid request, no credentials, connection refused) and for every other service
    /// error, which says the service refused the request.
    ///
    /// For a write this covers the whole call: the client only retries failures that were
    /// certainly not applied. An idempotent action is also retried after failures that may
    /// have been applied, so an earlier attempt of it may have been even when the last one
    /// says false; applying it twice is harmless by definition.
    pub fn may_have_been_applied(&self) -> bool {
        self.may_have_been_applied_given(|e| {
            service_error_may_have_applied(e.retry_kind(), e.metadata())
        })
    }
}

impl<E> SdkError<E> {
    /// [`SdkError::may_have_been_applied`], told by `service` for a service error (the shared
    /// send path knows retry kinds through the action, not the error type).
    pub(crate) fn may_have_been_applied_given(&self, service: impl FnOnce(&E) -> bool) -> bool {
        match self {
            SdkError::InvalidRequest(_) | SdkError::Credentials(_) => false,
            SdkError::Timeout(e) => e.may_have_been_applied(),
            SdkError::Transport(e) => e.maybe_sent,
            SdkError::Response(_) => true,
            SdkError::Service(e) => service(e),
        }
    }
}

/// A service error leaves the request's fate open when the spec marks its code transient (the
/// gateway got no answer from the service) or when the service failed inside (`InternalError`).
pub(crate) fn service_error_may_have_applied(
    retry_kind: Option<super::retry::RetryKind>,
    metadata: &ErrorMetadata,
) -> bool {
    retry_kind == Some(super::retry::RetryKind::Transient)
        || metadata.code == "InternalError"
        || metadata.code.starts_with("InternalError.")
}

impl<E: std::error::Error + 'static> SdkError<E> {
    /// The error inside, as a trait object.
    fn inner(&self) -> &(dyn std::error::Error + 'static) {
        match self {
            SdkError::InvalidRequest(e) => e,
            SdkError::Credentials(e) => e,
            SdkError::Timeout(e) => e,
            SdkError::Transport(e) => e,
            SdkError::Response(e) => e,
            SdkError::Service(e) => e,
        }
    }
}

/// Transparent: `Display` is the inner error's message and `source()` that error's own source,
/// so an error-chain printer (anyhow's `{:#}`) shows each message once, and `to_string()` alone
/// says what failed. Which kind of failure it was is the variant.
impl<E: std::error::Error + 'static> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner(), f)
    }
}

impl<E: std::error::Error + 'static> std::error::Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner().source()
    }
}

/// What every action's service error enum provides; implemented by generated code only
/// (sealed), so methods can be added without breaking users.
pub trait ServiceError:
    super::sealed::Sealed + std::error::Error + Send + Sync + Sized + 'static
{
    /// Maps an error code to its variant; unknown codes land in the fallback variant intact.
    fn from_metadata(metadata: ErrorMetadata) -> Self;
    fn metadata(&self) -> &ErrorMetadata;
    fn metadata_mut(&mut self) -> &mut ErrorMetadata;
    /// How the spec lets the client retry this error; `None`: never.
    fn retry_kind(&self) -> Option<super::retry::RetryKind>;
    /// Whether the spec marks this error retryable of either kind.
    fn is_retryable(&self) -> bool {
        self.retry_kind().is_some()
    }
    /// The service refused the call for its rate (`RequestLimitExceeded`, ...) without
    /// processing it.
    fn is_throttling(&self) -> bool {
        self.retry_kind() == Some(super::retry::RetryKind::Throttling)
    }
    /// What the call names does not exist (a group, person, face or job).
    fn is_not_found(&self) -> bool {
        self.metadata().is_not_found()
    }
    /// The credentials, signature or permissions were refused.
    fn is_auth_failure(&self) -> bool {
        self.metadata().is_auth_failure()
    }
}

/// Where `code` is in an action's table of its own codes: generated `from_metadata` functions
/// map the position to a variant, so the string comparisons are compiled once, here, rather
/// than once per code of every action.
pub(crate) fn code_position(codes: &[&str], code: &str) -> Option<usize> {
    codes.iter().position(|known| *known == code)
}

/// The parts of an API error response that every code shares.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorMetadata {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub http_status: u16,
    pub attempts: u32,
    /// Why the client did not retry a retryable code, e.g. a transient error on an action that
    /// is not idempotent; shown by `Display`.
    pub not_retried: Option<String>,
    /// For an authentication failure (`AuthFailure.*`, `UnauthorizedOperation*`): which
    /// SecretId signed the call, masked, and which source gave it; shown by `Display`.
    pub signed_by: Option<SignedBy>,
}

impl ErrorMetadata {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorMetadata {
            code: code.into(),
            message: message.into(),
            request_id: None,
            http_status: 200,
            attempts: 1,
            not_retried: None,
            signed_by: None,
        }
    }

    /// Which credentials signed the refused call (the `signed_by` field).
    pub fn signed_by(&self) -> Option<&SignedBy> {
        self.signed_by.as_ref()
    }
}

impl ErrorMetadata {
    /// Whether the code says that what the call names does not exist: a last segment ending
    /// in `NotExist` or `NotFound` (`InvalidParameterValue.GroupIdNotExist`,
    /// `ResourceNotFound`), except `ResourceUnavailable.NotExist`, which is about the service
    /// not being activated.
    pub fn is_not_found(&self) -> bool {
        let last = self.code.rsplit('.').next().unwrap_or_default();
        (last.ends_with("NotExist") || last.ends_with("NotFound"))
            && !self.code.starts_with("ResourceUnavailable")
    }

    /// Whether the code says the credentials, signature or permissions were refused: the
    /// `AuthFailure` family and `UnauthorizedOperation`.
    pub fn is_auth_failure(&self) -> bool {
        self.code == "AuthFailure"
            || self.code.starts_with("AuthFailure.")
            || self.code == "UnauthorizedOperation"
            || self.code.starts_with("UnauthorizedOperation.")
    }
}

/// The untyped service error, before it becomes the action's error enum.
impl std::error::Error for ErrorMetadata {}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (RequestId: {id})")?;
        }
        if let Some(reason) = &self.not_retried {
            write!(f, "; not retried: {reason}")?;
        }
        if let Some(signed_by) = &self.signed_by {
            write!(f, "; {signed_by}")?;
        }
        Ok(())
    }
}

/// A request parameter broke a constraint; reported before any network call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    parameter: String,
    kind: ValidationErrorKind,
    problem: String,
}

/// Which rule a [`ValidationError`] is about, for code that reacts to it (the emulator answers
/// with the service's code for it) rather than reading the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// A required parameter is not set.
    Missing,
    /// A string is shorter than its minimum length.
    TooShort,
    /// A string is longer than its maximum length.
    TooLong,
    /// A string holds a character the parameter does not allow.
    AllowedChars,
    /// A string is not one of the listed values.
    NotOneOf,
    /// A number is outside its range (or NaN).
    OutOfRange,
    /// A list has too few or too many items.
    ItemCount,
    /// None of a group of parameters of which one is needed is set (an image or its URL).
    OneOfRequired,
    /// An image holds no data.
    EmptyImage,
    /// An image is larger than the API accepts.
    ImageTooLarge,
    /// The action needs a region and the configuration has none.
    RegionRequired,
    /// The request cannot be encoded as JSON.
    Encoding,
}

impl ValidationError {
    pub(crate) fn new(
        kind: ValidationErrorKind,
        parameter: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        ValidationError {
            parameter: parameter.into(),
            kind,
            problem: problem.into(),
        }
    }

    /// A required parameter is not set; `setter` is the builder method that sets it.
    pub(crate) fn missing(parameter: &str, setter: &str) -> Self {
        ValidationError::new(
            ValidationErrorKind::Missing,
            parameter,
            format!("is required; set it with `.{setter}(...)`"),
        )
    }

    /// The parameter's API name, with a path for nested values, e.g. `GroupId` or
    /// `Items[2].Name`; `Image or Url` for a group of which one is needed.
    pub fn parameter(&self) -> &str {
        &self.parameter
    }

    /// The rule that was broken.
    pub fn kind(&self) -> ValidationErrorKind {
        self.kind
    }

    /// The rule that was broken, in words, without the parameter.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// Prefixes the parameter path with the enclosing field: `X` within `Rect` is `Rect.X`, an
    /// item `[2]` within `Urls` is `Urls[2]`.
    pub(crate) fn within(mut self, outer: impl fmt::Display) -> Self {
        let outer = outer.to_string();
        self.parameter = if self.parameter.is_empty() {
            outer
        } else if outer.is_empty() || self.parameter.starts_with('[') {
            format!("{outer}{}", self.parameter)
        } else {
            format!("{outer}.{}", self.parameter)
        };
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid request parameter `{}`: {}",
            self.parameter, self.problem
        )
    }
}

impl std::error::Error for ValidationError {}

/// The call took longer than the configured timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeoutError {
    after: Duration,
    attempts: u32,
    host: String,
    last_failure: Option<String>,
    maybe_applied: bool,
}

impl TimeoutError {
    /// The timeout that ran out (the call's or one attempt's).
    pub fn after(&self) -> Duration {
        self.after
    }

    /// Attempts made, the one cut short included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The host that did not answer in time (empty if unknown).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// How the attempt before the time ran out failed, when one did (e.g. the connection
    /// was refused and the next retry could not start in time).
    pub fn last_failure(&self) -> Option<&str> {
        self.last_failure.as_deref()
    }

    /// Whether an attempt may have reached the service before the time ran out: one was in
    /// flight when it did, or an earlier one failed in a way that leaves its fate open. False
    /// when the time ran out before anything was sent (fetching credentials, say) or between
    /// attempts that were certainly not applied.
    pub fn may_have_been_applied(&self) -> bool {
        self.maybe_applied
    }

    pub fn new(after: Duration, attempts: u32) -> Self {
        TimeoutError {
            after,
            attempts,
            host: String::new(),
            last_failure: None,
            maybe_applied: false,
        }
    }

    /// See [`Self::may_have_been_applied`].
    pub fn with_maybe_applied(mut self, maybe_applied: bool) -> Self {
        self.maybe_applied = maybe_applied;
        self
    }

    pub fn with_host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    pub fn with_last_failure(mut self, failure: impl fmt::Display) -> Self {
        self.last_failure = Some(failure.to_string());
        self
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("request")?;
        if !self.host.is_empty() {
            write!(f, " to {}", self.host)?;
        }
        write!(
            f,
            " timed out after {:?} ({} attempt(s))",
            self.after, self.attempts
        )?;
        match &self.last_failure {
            // No attempt was made: it says why.
            Some(failure) if self.attempts == 0 => write!(f, "; {failure}"),
            Some(failure) => write!(f, "; the last attempt failed: {failure}"),
            None if self.attempts == 0 => f.write_str("; nothing was sent"),
            None => f.write_str("; no response in time"),
        }
    }
}

impl std::error::Error for TimeoutError {}

/// The HTTP exchange failed below the API level. `Display` gives the message and the root
/// cause in one line, e.g. `cannot connect to 127.0.0.1:9: connection refused`.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    /// Whether the request may have reached the server; a retry then needs an idempotent action.
    pub maybe_sent: bool,
    pub attempts: u32,
    /// What to check, shown after the cause (e.g. `is the endpoint http?`).
    hint: Option<&'static str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// Failed before any byte of the request could have been processed (e.g. connection refused).
    pub fn not_sent(message: impl Into<String>) -> Self {
        TransportError {
            message: message.into(),
            maybe_sent: false,
            attempts: 1,
            hint: None,
            source: None,
        }
    }

    /// Failed after the request may have been delivered (e.g. reset while reading the response).
    pub fn maybe_sent(message: impl Into<String>) -> Self {
        TransportError {
            maybe_sent: true,
            ..TransportError::not_sent(message)
        }
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// [`with_source`](Self::with_source) for an error already boxed, as HTTP body errors are.
    pub fn with_boxed_source(mut self, source: Box<dyn std::error::Error + Send + Sync>) -> Self {
        self.source = Some(source);
        self
    }

    pub fn with_hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = &self.source {
            // The outer layers (`error sending request`, `client error (Connect)`) say less
            // than the innermost one; `source()` still leads through all of them.
            let cause = root_cause(source.as_ref()).to_string();
            if !self.message.contains(&cause) {
                write!(f, ": {cause}")?;
            }
        }
        if let Some(hint) = self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// The innermost error of a chain, in words: an operating-system error by its kind
/// (`connection refused` rather than `Connection refused (os error 111)`).
pub(crate) fn root_cause<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl fmt::Display + 'a {
    let mut root = error;
    while let Some(next) = cause_of(root) {
        root = next;
    }
    RootCause(root)
}

/// The error `error` wraps. An `io::Error` made from another error hands out that error's
/// source from `source()`, skipping the error itself; `get_ref` reaches it.
pub(crate) fn cause_of<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    match error.downcast_ref::<std::io::Error>() {
        Some(io) => match io.get_ref() {
            Some(inner) => Some(inner),
            None => std::error::Error::source(io),
        },
        None => error.source(),
    }
}

struct RootCause<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for RootCause<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.downcast_ref::<std::io::Error>() {
            Some(io) if io.raw_os_error().is_some() => write!(f, "{}", io.kind()),
            _ => write!(f, "{}", self.0),
        }
    }
}

/// The server answered with something that is not a well-formed API response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    pub http_status: u16,
    pub request_id: Option<String>,
    /// What was wrong with the response.
    pub problem: String,
    /// The start of the body, for diagnosis (lossy UTF-8, at most a few hundred bytes).
    pub body_excerpt: String,
    pub attempts: u32,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected response (HTTP {}): {}",
            self.http_status, self.problem
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (RequestId: {id})")?;
        }
        if !self.body_excerpt.is_empty() {
            write!(f, "; body starts with: {:?}", self.body_excerpt)?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseError {}

/// The configuration is unusable (bad endpoint URL, missing environment variable, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }

    /// The problem without the `configuration error:` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Says where the problem came from: `context: <message>`.
    pub(crate) fn context(self, context: impl fmt::Display) -> Self {
        ConfigError::new(format!("{context}: {}", self.message))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl From<CredentialsError> for ConfigError {
    fn from(e: CredentialsError) -> Self {
        ConfigError::new(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each error's message in the chain `error`, `error.source()`, ... as an error-chain
    /// printer (anyhow's `{:#}`) shows them.
    fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
        let mut out = vec![error.to_string()];
        let mut next = error.source();
        while let Some(e) = next {
            out.push(e.to_string());
            next = e.source();
        }
        out
    }

    #[test]
    fn an_error_chain_shows_each_message_once() {
        let mut service = ErrorMetadata::new("ResourceNotFound", "no group g1");
        service.request_id = Some("r-1".to_owned());
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by h");
        let errors: Vec<SdkError<ErrorMetadata>> = vec![
            SdkError::Service(service),
            SdkError::InvalidRequest(ValidationError::missing("GroupId", "group_id")),
            SdkError::Timeout(TimeoutError::new(Duration::from_secs(1), 2).with_host("h")),
            SdkError::Transport(
                TransportError::not_sent("cannot connect to h").with_source(refused),
            ),
        ];
        // A transport error names its root cause in its own message too (it is what a log
        // line must say); the SdkError layer adds no repetition of its own to any of them.
        for error in &errors[..3] {
            let messages = chain(error);
            let printed = messages.join(": ");
            for message in &messages {
                assert_eq!(
                    printed.matches(message.as_str()).count(),
                    1,
                    "{message:?} is repeated in {printed:?}"
                );
            }
        }
        assert_eq!(
            errors[0].to_string(),
            "ResourceNotFound: no group g1 (RequestId: r-1)",
            "the message alone says what failed"
        );
        let transport = chain(&errors[3]);
        assert_eq!(
            transport,
            ["cannot connect to h: refused by h", "refused by h"],
            "the SdkError layer is transparent; the transport's cause is kept"
        );
    }

    #[test]
    fn categories_follow_the_code() {
        let category = |code: &str| {
            let m = ErrorMetadata::new(code, "m");
            (m.is_not_found(), m.is_auth_failure())
        };
        assert_eq!(
            category("InvalidParameterValue.GroupIdNotExist"),
            (true, false)
        );
        assert_eq!(category("ResourceNotFound"), (true, false));
        assert_eq!(category("ResourceUnavailable.NotExist"), (false, false));
        assert_eq!(category("AuthFailure.SignatureExpire"), (false, true));
        assert_eq!(category("UnauthorizedOperation"), (false, true));
        assert_eq!(category("InvalidParameter"), (false, false));
    }

    #[test]
    fn a_transport_error_shows_its_root_cause_once() {
        let refused = std::io::Error::from_raw_os_error(111); // ECONNREFUSED on Linux
        let wrapped = std::io::Error::other(refused);
        let err = TransportError::not_sent("cannot connect to h:9").with_source(wrapped);
        assert_eq!(err.to_string(), "cannot connect to h:9: connection refused");
        assert!(
            std::error::Error::source(&err).is_some(),
            "the chain is kept"
        );

        let err = TransportError::maybe_sent("reset: broken pipe")
            .with_source(std::io::Error::other("broken pipe"))
            .with_hint("check the proxy");
        assert_eq!(err.to_string(), "reset: broken pipe; check the proxy");
    }

    #[test]
    fn a_timeout_names_the_host_and_the_last_failure() {
        let plain = TimeoutError::new(Duration::from_secs(2), 1).with_host("127.0.0.1:8080");
        assert_eq!(
            plain.to_string(),
            "request to 127.0.0.1:8080 timed out after 2s (1 attempt(s)); no response in time"
        );
        let after_failures =
            plain.with_last_failure("cannot connect to 127.0.0.1:8080: connection refused");
        assert_eq!(
            after_failures.to_string(),
            "request to 127.0.0.1:8080 timed out after 2s (1 attempt(s)); \
             the last attempt failed: cannot connect to 127.0.0.1:8080: connection refused"
        );
    }

    #[test]
    fn a_wrapped_configuration_error_has_one_prefix() {
        let err = ConfigError::new("invalid endpoint URL").context("TENCENTCLOUD_IAI_ENDPOINT");
        assert_eq!(
            err.to_string(),
            "configuration error: TENCENTCLOUD_IAI_ENDPOINT: invalid endpoint URL"
        );
    }
}
