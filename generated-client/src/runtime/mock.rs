//! A typed mock of the service for unit tests (cargo feature `test-util`).
//!
//! A [`Mock`] is an [`HttpTransport`]: the client validates, encodes, signs, retries, decodes
//! and traces exactly as in production, and only the network is replaced. Rules are typed per
//! action: each has conditions over the typed request and a typed answer (a response, a
//! service error, a transport failure, a sequence of those, or a closure). Rules are tried in
//! the order they were added; the first whose action and conditions match answers.
//!
//! ```
//! use tencentcloud_iai::mock::{Answer, Mock};
//! use tencentcloud_iai::operation::get_group_info::{
//!     GetGroupInfoError, GetGroupInfoRequest, GetGroupInfoResponse,
//! };
//! use tencentcloud_iai::SdkError;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = Mock::strict();
//! let known = mock
//!     .on::<GetGroupInfoRequest>()
//!     .when(|request| request.group_id == "staff")
//!     .then_output(GetGroupInfoResponse::builder().group_name("Staff").build());
//! mock.on::<GetGroupInfoRequest>().then(Answer::service_error(
//!     GetGroupInfoError::InvalidParameterValueGroupIdNotExist,
//!     "no such group",
//! ));
//! let client = mock.client();
//!
//! let group = client.get_group_info().group_id("staff").send().await.unwrap();
//! assert_eq!(group.group_name, "Staff");
//! let missing = client.get_group_info().group_id("visitors").send().await.unwrap_err();
//! assert!(matches!(
//!     missing,
//!     SdkError::Service(GetGroupInfoError::InvalidParameterValueGroupIdNotExist(_))
//! ));
//!
//! assert_eq!(known.calls(), 1);
//! let sent: Vec<String> = mock
//!     .requests::<GetGroupInfoRequest>()
//!     .into_iter()
//!     .map(|request| request.group_id)
//!     .collect();
//! assert_eq!(sent, ["staff", "visitors"]);
//! mock.assert_all_rules_used();
//! # }
//! ```
//!
//! A call that no rule answers panics with the action, the request and the rules tried in a
//! [`Mock::strict`] mock; a [`Mock::new`] mock answers it with a not-sent [`TransportError`]
//! (which the client retries like a refused connection) and lists it in
//! [`Mock::unmatched_calls`].

use std::collections::VecDeque;
use std::fmt;
use std::fmt::Write as _;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::action::Action;
use super::client::Client;
use super::config::{Config, ConfigBuilder};
use super::credentials::Credentials;
use super::error::{ErrorMetadata, ServiceError, TransportError};
use super::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport};

/// Request bodies in panic messages are cut here (images can be megabytes).
const SHOWN_BODY_CHARS: usize = 512;

/// The mock service: rules to answer calls, and a record of every call. Clones share both.
#[derive(Clone)]
pub struct Mock {
    inner: Arc<Inner>,
}

struct Inner {
    strict: bool,
    rules: Mutex<Vec<Arc<dyn ErasedRule>>>,
    calls: Mutex<Vec<Call>>,
}

impl Mock {
    /// A mock that answers an unmatched call with a not-sent [`TransportError`] explaining
    /// why no rule matched; see [`Mock::unmatched_calls`].
    pub fn new() -> Self {
        Self::with_strictness(false)
    }

    /// A mock that panics on a call no rule answers, failing the test with the action, the
    /// request and every rule tried.
    pub fn strict() -> Self {
        Self::with_strictness(true)
    }

    fn with_strictness(strict: bool) -> Self {
        Mock {
            inner: Arc::new(Inner {
                strict,
                rules: Mutex::new(Vec::new()),
                calls: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Starts a rule for action `A`, named by its request type: add conditions with
    /// [`RuleBuilder::when`], then finish it with one of the `then…` methods.
    #[track_caller]
    pub fn on<A>(&self) -> RuleBuilder<A>
    where
        A: Action + DeserializeOwned + 'static,
        A::Output: Serialize,
    {
        RuleBuilder {
            mock: self.clone(),
            conditions: Vec::new(),
            location: Location::caller(),
        }
    }

    /// A configuration that sends through this mock: fixed dummy credentials, region
    /// `ap-guangzhou`, and a 1–10 ms retry backoff so retry tests stay fast. Change anything
    /// (timeouts, attempts, ...) before `.build()`.
    pub fn config_builder(&self) -> ConfigBuilder {
        Config::builder()
            .credentials(Credentials::new("AKIDmockEXAMPLE", "mockSecretKeyEXAMPLE"))
            .region("ap-guangzhou")
            .retry_backoff(Duration::from_millis(1), Duration::from_millis(10))
            .transport(self.clone())
    }

    /// A client that sends through this mock, configured by [`Mock::config_builder`].
    pub fn client(&self) -> Client {
        let config = self
            .config_builder()
            .build()
            .expect("the mock's fixed configuration is valid");
        Client::new(config)
    }

    /// Every HTTP request the mock received, in order; a retried call appears once per attempt.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.inner.calls).clone()
    }

    /// The requests of action `A` the mock received, decoded back into their typed form (one per
    /// attempt).
    pub fn requests<A>(&self) -> Vec<A>
    where
        A: Action + DeserializeOwned,
    {
        lock(&self.inner.calls)
            .iter()
            .filter(|call| call.action == A::NAME)
            .map(|call| {
                serde_json::from_slice(call.request.body()).unwrap_or_else(|e| {
                    panic!(
                        "a recorded {} request does not decode as its request type: {e}",
                        A::NAME
                    )
                })
            })
            .collect()
    }

    /// Calls no rule answered (each attempt of a retried call counts).
    pub fn unmatched_calls(&self) -> Vec<Call> {
        lock(&self.inner.calls)
            .iter()
            .filter(|call| call.rule.is_none())
            .cloned()
            .collect()
    }

    /// Panics, listing them, if some rules never answered a call.
    #[track_caller]
    pub fn assert_all_rules_used(&self) {
        let unused: Vec<String> = lock(&self.inner.rules)
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.calls() == 0)
            .map(|(index, rule)| describe_rule(index, rule.as_ref()))
            .collect();
        assert!(
            unused.is_empty(),
            "mock rules never used:\n  {}",
            unused.join("\n  ")
        );
    }

    /// Panics, listing them, if some calls were answered by no rule.
    #[track_caller]
    pub fn assert_all_calls_matched(&self) {
        let unmatched: Vec<String> = self
            .unmatched_calls()
            .iter()
            .map(|call| format!("{} {}", call.action, shown_body(call.request.body())))
            .collect();
        assert!(
            unmatched.is_empty(),
            "calls no mock rule matched:\n  {}",
            unmatched.join("\n  ")
        );
    }

    fn add_rule(&self, rule: Arc<dyn ErasedRule>) {
        lock(&self.inner.rules).push(rule);
    }

    /// Finds the first rule that answers `request`, records the call, and answers.
    fn answer(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let action = request.header("X-TC-Action").unwrap_or_default().to_owned();
        // A snapshot, so that no lock is held while user conditions and closures run.
        let rules: Vec<Arc<dyn ErasedRule>> = lock(&self.inner.rules).clone();
        let mut tried = Vec::new();
        let mut answered = None;
        for (index, rule) in rules.iter().enumerate() {
            if rule.action() != action {
                continue;
            }
            match rule.try_answer(request.body()) {
                Ok(answer) => {
                    answered = Some((index, answer));
                    break;
                }
                Err(why) => tried.push(format!("{}: {why}", describe_rule(index, rule.as_ref()))),
            }
        }
        let rule = answered.as_ref().map(|(index, _)| *index);
        let body = request.body().clone();
        lock(&self.inner.calls).push(Call {
            action: action.clone(),
            request,
            rule,
        });
        if let Some((_, answer)) = answered {
            return answer.into_result();
        }

        let mut message = format!(
            "no mock rule matched the {action} request {}",
            shown_body(&body)
        );
        if tried.is_empty() {
            let mut others: Vec<&'static str> = rules.iter().map(|rule| rule.action()).collect();
            others.sort_unstable();
            others.dedup();
            let _ = write!(message, "; there is no rule for {action}");
            if !others.is_empty() {
                let _ = write!(message, " (rules exist for {})", others.join(", "));
            }
        } else {
            let _ = write!(message, "; rules tried:\n  {}", tried.join("\n  "));
        }
        if self.inner.strict {
            panic!("{message}");
        }
        Err(TransportError::not_sent(message))
    }
}

impl Default for Mock {
    fn default() -> Self {
        Mock::new()
    }
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mock")
            .field("strict", &self.inner.strict)
            .field("rules", &lock(&self.inner.rules).len())
            .field("calls", &lock(&self.inner.calls).len())
            .finish()
    }
}

impl HttpTransport for Mock {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let result = self.answer(request);
        Box::pin(async move { result })
    }
}

/// One HTTP request the mock received, as the client signed it.
#[derive(Debug, Clone)]
pub struct Call {
    action: String,
    request: HttpRequest,
    rule: Option<usize>,
}

impl Call {
    /// The action, from the `X-TC-Action` header.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The signed request: URL, headers and the exact body bytes.
    pub fn http_request(&self) -> &HttpRequest {
        &self.request
    }

    /// The position (from 0, in the order rules were added) of the rule that answered, if any.
    pub fn rule(&self) -> Option<usize> {
        self.rule
    }
}

/// A rule being written: `mock.on::<GetGroupInfoRequest>().when(..).then_output(..)`.
#[must_use = "a rule is added by one of the `then…` methods"]
pub struct RuleBuilder<A: Action> {
    mock: Mock,
    conditions: Vec<Condition<A>>,
    location: &'static Location<'static>,
}

type Condition<A> = Box<dyn Fn(&A) -> bool + Send + Sync>;
type Compute<A> = Box<dyn Fn(&A) -> Answer<A> + Send + Sync>;

impl<A> RuleBuilder<A>
where
    A: Action + DeserializeOwned + 'static,
    A::Output: Serialize,
{
    /// The rule answers only requests for which `condition` holds (all of them, if called more
    /// than once).
    pub fn when(mut self, condition: impl Fn(&A) -> bool + Send + Sync + 'static) -> Self {
        self.conditions.push(Box::new(condition));
        self
    }

    /// Answers every matching call with `output`.
    pub fn then_output(self, output: A::Output) -> Rule {
        self.then(Answer::output(output))
    }

    /// Answers every matching call with the service error `error`.
    pub fn then_error(self, error: A::Error) -> Rule {
        self.then(Answer::error(error))
    }

    /// Answers every matching call with `answer`.
    pub fn then(self, answer: Answer<A>) -> Rule {
        self.finish(Answers::Always(answer.wire))
    }

    /// Answers the matching calls with `answers` in order, one each; after the last the rule
    /// no longer matches, so later rules (or the unmatched-call handling) take over. For
    /// retry tests: a throttling error, then a response.
    pub fn then_sequence(self, answers: impl IntoIterator<Item = Answer<A>>) -> Rule {
        let queue = answers.into_iter().map(|answer| answer.wire).collect();
        self.finish(Answers::Sequence(Mutex::new(queue)))
    }

    /// Answers each matching call with what `compute` returns for its request.
    pub fn then_compute(self, compute: impl Fn(&A) -> Answer<A> + Send + Sync + 'static) -> Rule {
        self.finish(Answers::Computed(Box::new(compute)))
    }

    fn finish(self, answers: Answers<A>) -> Rule {
        let calls = Arc::new(AtomicUsize::new(0));
        self.mock.add_rule(Arc::new(TypedRule {
            conditions: self.conditions,
            answers,
            calls: Arc::clone(&calls),
            location: self.location,
        }));
        Rule {
            action: A::NAME,
            calls,
        }
    }
}

/// A rule that was added: how many calls it answered.
#[derive(Debug, Clone)]
pub struct Rule {
    action: &'static str,
    calls: Arc<AtomicUsize>,
}

impl Rule {
    /// The action the rule is for.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// How many calls (attempts) this rule answered.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// What a rule answers for action `A`, checked against `A`'s types when written and turned
/// into the HTTP response the service would send.
pub struct Answer<A: Action> {
    wire: WireAnswer,
    action: PhantomData<fn() -> A>,
}

impl<A: Action> Clone for Answer<A> {
    fn clone(&self) -> Self {
        Answer {
            wire: self.wire.clone(),
            action: PhantomData,
        }
    }
}

impl<A: Action> fmt::Debug for Answer<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Answer").field(&self.wire).finish()
    }
}

impl<A> Answer<A>
where
    A: Action,
    A::Output: Serialize,
{
    /// A successful response (HTTP 200) with `output`, its `RequestId` included.
    pub fn output(output: A::Output) -> Self {
        let body = serde_json::to_vec(&json!({ "Response": output }))
            .expect("generated responses serialize to JSON");
        Self::from_wire(WireAnswer::Http(HttpResponse {
            status: 200,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: Bytes::from(body),
        }))
    }

    /// The service error `error`, as the API sends it: HTTP status, `Code` (the one the spec
    /// documents for the variant; the metadata's own code for `Unhandled`), `Message` and
    /// `RequestId` from its metadata.
    pub fn error(error: A::Error) -> Self {
        let metadata = error.metadata();
        let code = A::error_code(&error).unwrap_or(metadata.code.as_str());
        let mut response = json!({ "Error": { "Code": code, "Message": metadata.message } });
        if let Some(id) = &metadata.request_id {
            response["RequestId"] = Value::from(id.as_str());
        }
        let body = serde_json::to_vec(&json!({ "Response": response }))
            .expect("an error envelope serializes to JSON");
        Self::from_wire(WireAnswer::Http(HttpResponse {
            status: metadata.http_status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: Bytes::from(body),
        }))
    }

    /// The service error of `variant` with `message`, e.g.
    /// `Answer::error_code("RequestLimitExceeded", "slow down")`; the code
    /// is the one the spec documents for the variant.
    pub fn service_error(variant: fn(ErrorMetadata) -> A::Error, message: &str) -> Self {
        let error = variant(ErrorMetadata::new("", message));
        Self::error(error)
    }

    /// The service error with `code` and `message`, as the client decodes it: an API 3.0
    /// common code such as `RequestLimitExceeded` lands in the error enum's `Common` variant,
    /// a code the spec does not list in `Unhandled`.
    pub fn error_code(code: &str, message: &str) -> Self {
        Self::error(A::Error::from_metadata(ErrorMetadata::new(code, message)))
    }

    /// A failure below the API: connection refused, reset, ... `maybe_sent` decides, as for a
    /// real transport, whether the client may retry a non-idempotent action.
    pub fn transport_error(error: TransportError) -> Self {
        Self::from_wire(WireAnswer::Transport {
            // The source, if any, is kept as text: an answer may be given many times.
            message: match std::error::Error::source(&error) {
                Some(source) => format!("{}: {source}", error.message()),
                None => error.message().to_owned(),
            },
            maybe_sent: error.maybe_sent,
        })
    }

    /// Any HTTP response, e.g. a 502 from a proxy or a malformed body.
    pub fn http(response: HttpResponse) -> Self {
        Self::from_wire(WireAnswer::Http(response))
    }

    /// Replaces the `RequestId` of a response or service error.
    pub fn with_request_id(mut self, request_id: &str) -> Self {
        if let WireAnswer::Http(response) = &mut self.wire {
            if let Ok(mut value) = serde_json::from_slice::<Value>(&response.body) {
                if let Some(inner) = value.get_mut("Response").and_then(Value::as_object_mut) {
                    inner.insert("RequestId".to_owned(), Value::from(request_id));
                    if let Ok(body) = serde_json::to_vec(&value) {
                        response.body = Bytes::from(body);
                    }
                }
            }
        }
        self
    }

    fn from_wire(wire: WireAnswer) -> Self {
        Answer {
            wire,
            action: PhantomData,
        }
    }
}

/// An answer as bytes on the wire: what the transport returns.
#[derive(Debug, Clone)]
enum WireAnswer {
    Http(HttpResponse),
    Transport { message: String, maybe_sent: bool },
}

impl WireAnswer {
    fn into_result(self) -> Result<HttpResponse, TransportError> {
        match self {
            WireAnswer::Http(response) => Ok(response),
            WireAnswer::Transport {
                message,
                maybe_sent: true,
            } => Err(TransportError::maybe_sent(message)),
            WireAnswer::Transport {
                message,
                maybe_sent: false,
            } => Err(TransportError::not_sent(message)),
        }
    }
}

enum Answers<A: Action> {
    Always(WireAnswer),
    Sequence(Mutex<VecDeque<WireAnswer>>),
    Computed(Compute<A>),
}

struct TypedRule<A: Action> {
    conditions: Vec<Condition<A>>,
    answers: Answers<A>,
    calls: Arc<AtomicUsize>,
    location: &'static Location<'static>,
}

/// A rule with its request type erased, so rules for every action share one list.
trait ErasedRule: Send + Sync {
    fn action(&self) -> &'static str;
    fn location(&self) -> &'static Location<'static>;
    fn calls(&self) -> usize;
    /// The answer for a request body of this rule's action, or why the rule does not answer.
    fn try_answer(&self, body: &[u8]) -> Result<WireAnswer, String>;
}

impl<A> ErasedRule for TypedRule<A>
where
    A: Action + DeserializeOwned + 'static,
    A::Output: Serialize,
{
    fn action(&self) -> &'static str {
        A::NAME
    }

    fn location(&self) -> &'static Location<'static> {
        self.location
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn try_answer(&self, body: &[u8]) -> Result<WireAnswer, String> {
        let request: A = serde_json::from_slice(body)
            .map_err(|e| format!("the body is not a valid {} request: {e}", A::NAME))?;
        if let Some(position) = self.conditions.iter().position(|holds| !holds(&request)) {
            return Err(format!("`when` condition {} is false", position + 1));
        }
        let answer = match &self.answers {
            Answers::Always(answer) => answer.clone(),
            Answers::Sequence(queue) => lock(queue).pop_front().ok_or_else(|| {
                format!(
                    "its sequence is used up after {} answer(s)",
                    self.calls.load(Ordering::SeqCst)
                )
            })?,
            Answers::Computed(compute) => compute(&request).wire,
        };
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(answer)
    }
}

fn describe_rule(index: usize, rule: &dyn ErasedRule) -> String {
    let at = rule.location();
    format!(
        "rule #{index} for {} (added at {}:{})",
        rule.action(),
        at.file(),
        at.line()
    )
}

fn shown_body(body: &Bytes) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(SHOWN_BODY_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], body.len()),
        None => text.into_owned(),
    }
}

/// A panic in a user condition poisons nothing worth refusing: the data stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
