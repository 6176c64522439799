//! Fault injection: throttling, server errors, broken connections, slow and malformed replies,
//! clock skew and concurrency, over real HTTP against the emulator, plus an in-memory
//! `HttpTransport` for faults a socket cannot produce on demand. Every case must end in a
//! value or a typed error: a panic fails the test, and every wait is bounded so a hang fails
//! it too (the bounds are deadlines, not speed claims).

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use common::{bounded, config_for};
use iai_integration_tests::emulator::{
    FaultStep, RawReply, RecordedCall, TestEmulator, GET_GROUP_INFO_EXAMPLE, TEST_SECRET_ID,
};
use tencentcloud_iai::operation::delete_group::DeleteGroupRequest;
use tencentcloud_iai::operation::detect_face::DetectFaceRequest;
use tencentcloud_iai::operation::get_group_info::{
    GetGroupInfoError, GetGroupInfoRequest, GetGroupInfoResponse,
};
use tencentcloud_iai::runtime::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport};
use tencentcloud_iai::{
    Client, ConfigBuilder, Credentials, CredentialsError, Image, ProvideCredentials, SdkError,
    TransportError,
};

/// Fast retries, so tests exercise backoff without waiting on it.
fn fast(builder: ConfigBuilder) -> ConfigBuilder {
    builder.retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(builder: ConfigBuilder) -> Client {
    Client::new(builder.build().expect("valid config"))
}

/// An emulator holding the documented example group `aaa`.
fn with_example_group() -> TestEmulator {
    let emulator = TestEmulator::start();
    emulator.seed_example_group();
    emulator
}

async fn get_group(client: &Client) -> Result<GetGroupInfoResponse, SdkError<GetGroupInfoError>> {
    bounded(client.get_group_info().group_id("aaa").send()).await
}

/// `err` is a timeout after `after`, reported after `attempts` attempts; `case` names the
/// scenario in the failure message.
fn assert_timed_out<E: std::fmt::Debug>(
    case: &str,
    err: &SdkError<E>,
    after: Duration,
    attempts: u32,
) {
    assert!(
        matches!(err, SdkError::Timeout(e) if e.after() == after && e.attempts() == attempts),
        "{case}: expected a timeout after {after:?} and {attempts} attempt(s), got {err:?}"
    );
}

fn error(code: &str, message: &str) -> FaultStep {
    FaultStep::Error {
        code: code.into(),
        message: Some(message.into()),
    }
}

fn html_502() -> FaultStep {
    FaultStep::Respond(RawReply::new(
        502,
        "text/html",
        "<html><body>502 Bad Gateway</body></html>",
    ))
}

// ---- retryable API errors -------------------------------------------------------------------

#[tokio::test]
async fn throttling_twice_then_success() {
    let server = with_example_group();
    server.script(
        "GetGroupInfo",
        [
            error("RequestLimitExceeded", "slow down"),
            error("RequestLimitExceeded", "slow down"),
        ],
    );
    let group = get_group(&client(fast(config_for(&server))))
        .await
        .expect("third attempt succeeds");
    assert_eq!(group.group_id, "aaa");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.authenticated));
    assert_eq!(
        requests[0].error_code.as_deref(),
        Some("RequestLimitExceeded")
    );
    assert_eq!(requests[2].error_code, None);
    // Each attempt is signed afresh, but always over the same body.
    assert!(requests
        .iter()
        .all(|r| &r.body[..] == br#"{"GroupId":"aaa"}"#));
}

#[tokio::test]
async fn persistent_throttling_gives_up_after_max_attempts() {
    let server = with_example_group();
    // A rate of 0 calls per second: every call is throttled, however many there are.
    server.emulator().faults().throttle("GetGroupInfo", Some(0));
    let err = get_group(&client(fast(config_for(&server))))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.service_error(),
            Some(GetGroupInfoError::Common(e))
                if e.kind() == tencentcloud_iai::CommonCode::RequestLimitExceeded
        ),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 3);
    assert_eq!(server.request_count("GetGroupInfo"), 3);

    server.emulator().clear_requests();
    let err = get_group(&client(fast(config_for(&server)).max_attempts(5)))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 5, "max_attempts is honoured");
    assert_eq!(server.request_count("GetGroupInfo"), 5);
}

#[tokio::test]
async fn retryable_server_error_code_is_retried() {
    let server = with_example_group();
    server.script(
        "GetGroupInfo",
        [error("FailedOperation.ServerError", "try again")],
    );
    get_group(&client(fast(config_for(&server))))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.request_count("GetGroupInfo"), 2);
}

#[tokio::test]
async fn non_retryable_code_is_not_retried() {
    // No group `aaa`: the emulator answers the real error, and would answer it again.
    let server = TestEmulator::start();
    let err = get_group(&client(fast(config_for(&server))))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValue.GroupIdNotExist"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.request_count("GetGroupInfo"), 1);
}

// ---- retry kinds: throttling is retried for any action, transient only if idempotent --------

const FACE_URL: &str = "http://test.image.myqcloud.com/a.jpg";

/// An emulator holding person `person-1` (one face, from [`FACE_URL`]) in group `staff`; the
/// set-up calls are forgotten in the journal.
fn with_person() -> TestEmulator {
    let emulator = TestEmulator::start();
    let client = client(emulator.config());
    emulator.run(async move {
        client
            .create_group()
            .group_name("Staff")
            .group_id("staff")
            .send()
            .await
            .expect("group created");
        client
            .create_person()
            .group_id("staff")
            .person_name("Person One")
            .person_id("person-1")
            .url(FACE_URL)
            .send()
            .await
            .expect("person created");
    });
    emulator.emulator().clear_requests();
    emulator
}

/// How many faces `person-1` has now.
fn faces_of_person_1(emulator: &TestEmulator) -> usize {
    emulator.emulator().state().persons["person-1"].faces.len()
}

async fn create_face(
    client: &Client,
) -> Result<
    tencentcloud_iai::operation::create_face::CreateFaceResponse,
    SdkError<tencentcloud_iai::operation::create_face::CreateFaceError>,
> {
    bounded(
        client
            .create_face()
            .person_id("person-1")
            .urls(vec![FACE_URL.into()])
            .send(),
    )
    .await
}

#[tokio::test]
async fn a_backend_timeout_on_create_face_is_sent_once_and_says_why_it_was_not_retried() {
    let server = with_person();
    server.script(
        "CreateFace",
        [error("FailedOperation.RequestTimeout", "backend timed out")],
    );
    let err = create_face(&client(fast(config_for(&server))))
        .await
        .expect_err("a transient error on a write is not retried");
    assert_eq!(
        server.request_count("CreateFace"),
        1,
        "the face may have been added already"
    );
    assert_eq!(err.attempts(), 1);
    assert!(
        err.may_have_been_applied(),
        "a transient code leaves it open"
    );
    assert_eq!(faces_of_person_1(&server), 1, "no second attempt added one");
    let SdkError::Service(service) = &err else {
        panic!("expected the service error, got {err:?}");
    };
    assert_eq!(
        service.retry_kind(),
        Some(tencentcloud_iai::runtime::retry::RetryKind::Transient)
    );
    let text = err.to_string();
    assert!(text.contains("FailedOperation.RequestTimeout"), "{text}");
    assert!(text.contains("not retried"), "{text}");
    assert!(text.contains("`CreateFace` is not idempotent"), "{text}");
    assert!(text.contains("may already have applied"), "{text}");
}

#[tokio::test]
async fn a_backend_timeout_on_get_group_info_is_retried() {
    let server = with_example_group();
    server.script(
        "GetGroupInfo",
        [error("FailedOperation.RequestTimeout", "backend timed out")],
    );
    get_group(&client(fast(config_for(&server))))
        .await
        .expect("a read is repeated after a transient error");
    assert_eq!(server.request_count("GetGroupInfo"), 2);
}

#[tokio::test]
async fn throttling_on_create_face_is_retried() {
    let server = with_person();
    server.script(
        "CreateFace",
        [
            error("RequestLimitExceeded", "slow down"),
            error("FailedOperation.RequestLimitExceeded", "slow down"),
        ],
    );
    let out = create_face(&client(fast(config_for(&server))))
        .await
        .expect("throttled requests were never processed, so a write is retried");
    assert_eq!(out.suc_face_num, 1);
    assert_eq!(server.request_count("CreateFace"), 3);
    assert_eq!(
        faces_of_person_1(&server),
        2,
        "the face was added once, by the third attempt"
    );
}

#[tokio::test]
async fn a_truncated_answer_to_create_group_is_not_retried_though_the_group_was_created() {
    // The emulator creates the group, then cuts its answer short: the client cannot know
    // whether the write happened, so it must not repeat it.
    let server = TestEmulator::start();
    server.script("CreateGroup", [FaultStep::TruncatedBody]);
    let client = client(fast(config_for(&server)));
    let err = bounded(
        client
            .create_group()
            .group_name("Staff")
            .group_id("staff")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, SdkError::Transport(e) if e.maybe_sent && e.attempts == 1),
        "{err:?}"
    );
    assert_eq!(server.request_count("CreateGroup"), 1, "sent once");
    let state = server.emulator().state();
    assert_eq!(state.groups["staff"].name, "Staff", "the write was applied");
    assert_eq!(state.groups.len(), 1);
}

#[tokio::test]
async fn a_dropped_connection_on_create_group_is_not_retried() {
    // Here the emulator drops the connection before the write, but the client cannot tell
    // that from the case above.
    let server = TestEmulator::start();
    server.script("CreateGroup", [FaultStep::DropConnection]);
    let client = client(fast(config_for(&server)));
    let err = bounded(
        client
            .create_group()
            .group_name("Staff")
            .group_id("staff")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, SdkError::Transport(e) if e.maybe_sent && e.attempts == 1),
        "{err:?}"
    );
    assert_eq!(server.request_count("CreateGroup"), 1, "sent once");
    assert!(server.emulator().state().groups.is_empty());
}

#[tokio::test]
async fn a_create_person_applied_then_dropped_says_it_may_have_been_applied_and_is_sent_once() {
    // The worst case for a write: the service applies it and the answer never arrives.
    let server = TestEmulator::start();
    let client = client(fast(config_for(&server)));
    bounded(
        client
            .create_group()
            .group_name("Staff")
            .group_id("staff")
            .send(),
    )
    .await
    .expect("group created");
    server.script("CreatePerson", [FaultStep::ApplyThenDrop]);
    let err = bounded(
        client
            .create_person()
            .group_id("staff")
            .person_name("Person One")
            .person_id("person-1")
            .url(FACE_URL)
            .send(),
    )
    .await
    .expect_err("no answer came");
    assert!(
        err.may_have_been_applied(),
        "the caller is told the write may have happened: {err:?}"
    );
    assert!(
        matches!(&err, SdkError::Transport(e) if e.maybe_sent),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 1, "not retried");
    assert_eq!(server.request_count("CreatePerson"), 1, "sent exactly once");
    let state = server.emulator().state();
    assert_eq!(
        state.persons["person-1"].name, "Person One",
        "it was applied"
    );
    assert_eq!(state.persons.len(), 1);
    assert_eq!(server.emulator().faults().injected()["apply_then_drop"], 1);

    // A refused write says the opposite: the service answered that it did not apply it.
    let refused = bounded(
        client
            .create_person()
            .group_id("staff")
            .person_name("Person One")
            .person_id("person-1")
            .url(FACE_URL)
            .send(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        refused.code(),
        Some("InvalidParameterValue.PersonIdAlreadyExist")
    );
    assert!(!refused.may_have_been_applied());
}

// ---- HTTP-level faults ----------------------------------------------------------------------

#[tokio::test]
async fn html_502_without_envelope_is_retried_for_an_idempotent_action() {
    let server = with_example_group();
    server.script("GetGroupInfo", [html_502()]);
    get_group(&client(fast(config_for(&server))))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.request_count("GetGroupInfo"), 2);

    // A gateway that keeps failing: more 502s than the client makes attempts.
    server.script("GetGroupInfo", std::iter::repeat_n(html_502(), 10));
    let err = get_group(&client(fast(config_for(&server))))
        .await
        .unwrap_err();
    let SdkError::Response(e) = &err else {
        panic!("expected a response error, got {err:?}")
    };
    assert_eq!((e.http_status, e.attempts), (502, 3));
    assert!(e.body_excerpt.contains("Bad Gateway"), "{e:?}");
    assert_eq!(server.request_count("GetGroupInfo"), 2 + 3);
}

#[tokio::test]
async fn refused_connections_are_retried() {
    // The emulator accepts and closes at once. To the client that looks like a close after
    // sending (`maybe_sent`: it cannot know the request was never read), so it is retried
    // here because GetGroupInfo is idempotent; see the in-memory tests for the other case.
    let server = with_example_group();
    server.refuse_next_connections(2);
    get_group(&client(fast(config_for(&server))))
        .await
        .expect("the third connection is served");
    assert_eq!(server.request_count("GetGroupInfo"), 1);

    // Nothing listening at all: a connect error, so certainly not sent; retried, then typed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = fast(config_for(&server))
        .endpoint(tencentcloud_iai::Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap());
    let err = get_group(&client(nowhere)).await.unwrap_err();
    let SdkError::Transport(e) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(!e.maybe_sent);
    assert_eq!(e.attempts, 3, "not-sent failures are always retried");
}

#[tokio::test]
async fn connection_closed_after_the_request_is_retried_for_an_idempotent_action() {
    let server = with_example_group();
    server.script("GetGroupInfo", [FaultStep::DropConnection]);
    get_group(&client(fast(config_for(&server))))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.request_count("GetGroupInfo"), 2);
}

#[tokio::test]
async fn short_body_is_retried_and_truncated_json_is_a_response_error() {
    let server = with_example_group();
    server.script("GetGroupInfo", [FaultStep::TruncatedBody]);
    get_group(&client(fast(config_for(&server))))
        .await
        .expect("the connection broke mid-body; the retry succeeds");
    assert_eq!(server.request_count("GetGroupInfo"), 2);

    // A complete HTTP message whose JSON is cut: the server meant it, so no retry.
    let server = with_example_group();
    server.script(
        "GetGroupInfo",
        [FaultStep::Respond(RawReply::json(
            &GET_GROUP_INFO_EXAMPLE[..60],
        ))],
    );
    let err = get_group(&client(fast(config_for(&server))))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::Response(e) if e.problem.contains("truncated") && e.attempts == 1),
        "{err:?}"
    );
    assert_eq!(server.request_count("GetGroupInfo"), 1);
}

#[tokio::test]
async fn non_json_and_wrong_content_type() {
    let server = with_example_group();
    let client = client(fast(config_for(&server)));
    let cases: [(&str, &[u8]); 4] = [
        ("text/plain", b"OK"),
        ("application/json", b"\xff\xfe\x00garbage"),
        (
            "application/xml",
            b"<Response><RequestId>x</RequestId></Response>",
        ),
        ("application/json", b""),
    ];
    for (content_type, body) in cases {
        server.script(
            "GetGroupInfo",
            [FaultStep::Respond(RawReply::new(200, content_type, body))],
        );
        let err = get_group(&client).await.unwrap_err();
        let SdkError::Response(e) = &err else {
            panic!("{content_type} {body:?}: expected a response error, got {err:?}")
        };
        assert_eq!(e.http_status, 200);
        assert_eq!(e.attempts, 1, "a 200 answer is final");
    }

    // An error envelope is an error envelope whatever the Content-Type says.
    server.script(
        "GetGroupInfo",
        [FaultStep::Respond(RawReply::new(
            200,
            "text/html; charset=utf-8",
            r#"{"Response":{"Error":{"Code":"ResourceNotFound","Message":"gone"},"RequestId":"r-1"}}"#,
        ))],
    );
    let err = get_group(&client).await.unwrap_err();
    assert!(
        matches!(
            err.service_error(),
            Some(GetGroupInfoError::Common(e))
                if e.kind() == tencentcloud_iai::CommonCode::ResourceNotFound
        ),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("r-1"));
}

#[tokio::test]
async fn oversized_body_is_refused_with_a_typed_error() {
    // A group's Tag holds at most 40 characters, so no real group answers this large: the
    // answer is given as it is, once for each of the two calls below.
    let server = TestEmulator::start();
    let big_tag = "x".repeat(10 * 1024);
    let body = GET_GROUP_INFO_EXAMPLE.replace("fdsaf", &big_tag);
    server.script(
        "GetGroupInfo",
        std::iter::repeat_n(FaultStep::Respond(RawReply::json(body)), 2),
    );
    let limited = client(
        fast(config_for(&server))
            .max_response_bytes(1024)
            .max_attempts(1),
    );
    let err = get_group(&limited).await.unwrap_err();
    let SdkError::Transport(e) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(e.message().contains("1024 byte limit"), "{e}");
    assert!(e.maybe_sent);

    // The same reply within a larger limit is fine.
    let roomy = client(fast(config_for(&server)).max_response_bytes(64 * 1024));
    let group = get_group(&roomy).await.expect("fits");
    assert_eq!(group.tag.len(), 10 * 1024);
}

// ---- timeouts -------------------------------------------------------------------------------

/// Headers (and the normal answer) only after 5 s.
fn slow_headers() -> FaultStep {
    FaultStep::DelayMs(5000)
}

/// Headers at once, the normal body after 5 s.
fn slow_body() -> FaultStep {
    FaultStep::SlowBodyMs(5000)
}

#[tokio::test]
async fn attempt_timeout_applies_to_slow_headers_and_slow_bodies() {
    for (name, slow) in [("slow headers", slow_headers()), ("slow body", slow_body())] {
        let server = with_example_group();
        server.script("GetGroupInfo", [slow]);
        let one_attempt = client(
            fast(config_for(&server))
                .timeout(Duration::from_secs(10))
                .attempt_timeout(Duration::from_millis(200))
                .max_attempts(1),
        );
        let err = get_group(&one_attempt).await.unwrap_err();
        assert_timed_out(name, &err, Duration::from_millis(200), 1);
    }
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried_for_an_idempotent_action() {
    // The journal records an abandoned call when the emulator notices the closed connection,
    // which may be just after the retry's answer: wait for both. A timed-out attempt's
    // connection is not reused.
    for (name, slow) in [("slow headers", slow_headers()), ("slow body", slow_body())] {
        let server = with_example_group();
        let connections_before = server.connection_count();
        server.script("GetGroupInfo", [slow]);
        let client = client(
            fast(config_for(&server))
                .timeout(Duration::from_secs(10))
                .attempt_timeout(Duration::from_millis(200)),
        );
        get_group(&client)
            .await
            .unwrap_or_else(|e| panic!("{name}: second attempt succeeds, got {e:?}"));
        assert!(
            server.emulator().faults().plan().is_empty(),
            "{name}: the first attempt took the slow step"
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while server.request_count("GetGroupInfo") < 2 && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            server.request_count("GetGroupInfo"),
            2,
            "{name}: two attempts"
        );
        assert!(server.requests().iter().all(|r| r.error_code.is_none()));
        assert_eq!(
            server.connection_count() - connections_before,
            2,
            "{name}: two attempts, one connection each"
        );
    }
}

#[tokio::test]
async fn whole_call_timeout_cuts_across_attempts() {
    for (name, slow) in [("slow headers", slow_headers()), ("slow body", slow_body())] {
        let server = with_example_group();
        // Every attempt the client may make is slow.
        server.script("GetGroupInfo", std::iter::repeat_n(slow, 10));
        let client = client(
            fast(config_for(&server))
                .timeout(Duration::from_millis(500))
                .attempt_timeout(Duration::from_millis(200))
                .max_attempts(10),
        );
        let err = get_group(&client).await.unwrap_err();
        let SdkError::Timeout(e) = &err else {
            panic!("{name}: expected a timeout, got {err:?}")
        };
        assert_eq!(
            e.after(),
            Duration::from_millis(500),
            "{name}: the whole call timed out, not one attempt"
        );
        assert!(e.attempts() >= 2, "{name}: {e:?}");
        assert!(e.attempts() < 10, "{name}: {e:?}");
    }
}

// ---- clock skew and concurrency -------------------------------------------------------------

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn timestamp_of(request: &RecordedCall) -> i64 {
    request
        .header("X-TC-Timestamp")
        .and_then(|t| t.parse().ok())
        .expect("X-TC-Timestamp is sent")
}

#[tokio::test]
async fn clock_skew_is_corrected_from_the_date_header() {
    let server = TestEmulator::builder().clock_skew_secs(3600).start();
    server.seed_example_group();
    // One attempt allowed: a skew correction is a new chance, not a spent attempt.
    let client = client(fast(config_for(&server)).max_attempts(1));
    get_group(&client)
        .await
        .expect("the corrected signature is accepted");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].error_code.as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    assert!(!requests[0].authenticated);
    assert!((timestamp_of(&requests[0]) - unix_now()).abs() < 120);
    let server_now = unix_now() + 3600;
    assert!(
        (timestamp_of(&requests[1]) - server_now).abs() < 120,
        "second attempt signed at {}, server clock {server_now}",
        timestamp_of(&requests[1])
    );
    assert!(requests[1].authenticated && requests[1].error_code.is_none());

    // The correction is kept: the next call is signed with server time straight away.
    get_group(&client).await.expect("success");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!((timestamp_of(&requests[2]) - server_now).abs() < 120);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_hundred_concurrent_calls_through_one_client() {
    let server = with_example_group();
    let client = client(config_for(&server).timeout(Duration::from_secs(15)));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_group_info().group_id("aaa").send().await })
        })
        .collect();
    for call in calls {
        let group = bounded(call).await.expect("no panic").expect("success");
        assert_eq!(group.group_id, "aaa");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 100);
    assert!(requests
        .iter()
        .all(|r| r.authenticated && r.error_code.is_none()));
}

// ---- in-memory transport --------------------------------------------------------------------

/// What the in-memory transport does for one request.
#[derive(Debug, Clone)]
enum Step {
    NotSent,
    MaybeSent,
    Respond(u16, &'static str),
    /// Never answers.
    Hang,
}

/// Plays `steps` in order, repeating the last; counts requests.
#[derive(Debug)]
struct ScriptedTransport {
    steps: Mutex<VecDeque<Step>>,
    calls: AtomicUsize,
}

impl ScriptedTransport {
    fn new(steps: Vec<Step>) -> Arc<Self> {
        Arc::new(ScriptedTransport {
            steps: Mutex::new(steps.into()),
            calls: AtomicUsize::new(0),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// `HttpTransport` for a shared handle, so the test keeps one to count calls.
#[derive(Debug)]
struct Shared(Arc<ScriptedTransport>);

impl HttpTransport for Shared {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let transport = &self.0;
        transport.calls.fetch_add(1, Ordering::SeqCst);
        assert!(
            request
                .header("Authorization")
                .is_some_and(|value| value.starts_with("TC3-HMAC-SHA256")),
            "requests reach the transport signed"
        );
        let step = {
            let mut steps = transport.steps.lock().unwrap();
            if steps.len() > 1 {
                steps.pop_front().unwrap()
            } else {
                steps.front().cloned().expect("a script")
            }
        };
        Box::pin(async move {
            match step {
                Step::NotSent => Err(TransportError::not_sent("injected: connection refused")),
                Step::MaybeSent => Err(TransportError::maybe_sent("injected: connection reset")),
                Step::Respond(status, body) => Ok(HttpResponse {
                    status,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: Bytes::from_static(body.as_bytes()),
                }),
                Step::Hang => std::future::pending().await,
            }
        })
    }
}

fn in_memory(transport: &Arc<ScriptedTransport>) -> ConfigBuilder {
    fast(
        tencentcloud_iai::Config::builder()
            .credentials(Credentials::new(TEST_SECRET_ID, "k"))
            .timeout(Duration::from_secs(10))
            .transport(Shared(Arc::clone(transport))),
    )
}

/// A call of an action that is not idempotent (DeleteGroup); its output, a RequestId, also
/// decodes from GetGroupInfo's example.
fn create_something() -> DeleteGroupRequest {
    DeleteGroupRequest::builder()
        .group_id("aaa")
        .build()
        .expect("every required parameter is set")
}

#[tokio::test]
async fn unsent_failures_are_retried_for_any_action() {
    let transport = ScriptedTransport::new(vec![
        Step::NotSent,
        Step::NotSent,
        Step::Respond(200, GET_GROUP_INFO_EXAMPLE),
    ]);
    let client = client(in_memory(&transport));
    let group = bounded(
        client.send(
            &GetGroupInfoRequest::builder()
                .group_id("aaa")
                .build()
                .expect("every required parameter is set"),
        ),
    )
    .await
    .expect("third attempt succeeds");
    assert_eq!(group.group_id, "aaa");
    assert_eq!(transport.calls(), 3);

    let transport = ScriptedTransport::new(vec![
        Step::NotSent,
        Step::NotSent,
        Step::Respond(200, GET_GROUP_INFO_EXAMPLE),
    ]);
    let client = self::client(in_memory(&transport));
    bounded(client.send(&create_something()))
        .await
        .expect("nothing was sent, so even a non-idempotent action is retried");
    assert_eq!(transport.calls(), 3);
}

#[tokio::test]
async fn possibly_sent_failures_are_retried_only_for_idempotent_actions() {
    let idempotent = ScriptedTransport::new(vec![
        Step::MaybeSent,
        Step::Respond(200, GET_GROUP_INFO_EXAMPLE),
    ]);
    bounded(
        client(in_memory(&idempotent)).send(
            &GetGroupInfoRequest::builder()
                .group_id("aaa")
                .build()
                .expect("every required parameter is set"),
        ),
    )
    .await
    .expect("GetGroupInfo is idempotent");
    assert_eq!(idempotent.calls(), 2);

    let not_idempotent = ScriptedTransport::new(vec![
        Step::MaybeSent,
        Step::Respond(200, GET_GROUP_INFO_EXAMPLE),
    ]);
    let err = bounded(client(in_memory(&not_idempotent)).send(&create_something()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::Transport(e) if e.maybe_sent && e.attempts == 1),
        "{err:?}"
    );
    assert!(err.may_have_been_applied());
    assert_eq!(not_idempotent.calls(), 1, "a second create could duplicate");

    let html = ScriptedTransport::new(vec![
        Step::Respond(502, "<html>Bad Gateway</html>"),
        Step::Respond(200, GET_GROUP_INFO_EXAMPLE),
    ]);
    let err = bounded(client(in_memory(&html)).send(&create_something()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::Response(e) if e.http_status == 502),
        "{err:?}"
    );
    assert!(
        err.may_have_been_applied(),
        "a gateway's 502 hides the fate"
    );
    assert_eq!(html.calls(), 1);

    let hangs = ScriptedTransport::new(vec![Step::Hang]);
    let err = bounded(
        client(in_memory(&hangs).attempt_timeout(Duration::from_millis(50)))
            .send(&create_something()),
    )
    .await
    .unwrap_err();
    assert_timed_out("hanging transport", &err, Duration::from_millis(50), 1);
    assert!(
        err.may_have_been_applied(),
        "in flight when the time ran out"
    );
    assert_eq!(hangs.calls(), 1);
}

#[tokio::test]
async fn retryable_codes_are_retried_even_for_non_idempotent_actions() {
    // The API answered "not done, try again": retrying cannot duplicate anything.
    let transport = ScriptedTransport::new(vec![
        Step::Respond(
            200,
            r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"r"}}"#,
        ),
        Step::Respond(200, GET_GROUP_INFO_EXAMPLE),
    ]);
    bounded(client(in_memory(&transport)).send(&create_something()))
        .await
        .expect("success");
    assert_eq!(transport.calls(), 2);
}

#[derive(Debug)]
struct BrokenProvider;

impl ProvideCredentials for BrokenProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async { Err(CredentialsError::new("vault sealed")) })
    }
}

#[tokio::test]
async fn failing_credentials_provider_sends_nothing() {
    let transport = ScriptedTransport::new(vec![Step::Respond(200, GET_GROUP_INFO_EXAMPLE)]);
    let client = client(in_memory(&transport).credentials_provider(BrokenProvider));
    let err = bounded(client.get_group_info().group_id("aaa").send())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::Credentials(e) if e.to_string().contains("vault sealed")),
        "{err:?}"
    );
    assert_eq!(transport.calls(), 0);
}

/// A credentials source that never answers, like an unreachable metadata service.
#[derive(Debug)]
struct HangingProvider;

impl ProvideCredentials for HangingProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_hanging_credentials_provider_is_cut_off_by_the_call_timeout() {
    let transport = ScriptedTransport::new(vec![Step::Respond(200, GET_GROUP_INFO_EXAMPLE)]);
    let client = client(
        in_memory(&transport)
            .credentials_provider(HangingProvider)
            .timeout(Duration::from_millis(100))
            .attempt_timeout(Duration::from_millis(50)),
    );
    let err = bounded(client.get_group_info().group_id("aaa").send())
        .await
        .unwrap_err();
    assert_timed_out("hanging credentials", &err, Duration::from_millis(100), 1);
    assert!(!err.may_have_been_applied());
    assert_eq!(transport.calls(), 0, "nothing is sent unsigned");
}

#[tokio::test]
async fn a_backoff_that_would_overrun_the_call_timeout_ends_the_call_at_once() {
    let throttled = ScriptedTransport::new(vec![Step::Respond(
        200,
        r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},"RequestId":"r"}}"#,
    )]);
    let client = client(
        in_memory(&throttled)
            .timeout(Duration::from_millis(300))
            // Full jitter draws the delay from [0, ceiling]; with this ceiling the chance of a
            // draw under the timeout is about 3 in 10 million.
            .retry_backoff(
                Duration::from_secs(1_000_000),
                Duration::from_secs(1_000_000),
            )
            .max_attempts(3),
    );
    let started = std::time::Instant::now();
    let err = bounded(client.get_group_info().group_id("aaa").send())
        .await
        .unwrap_err();
    assert_timed_out("overrunning backoff", &err, Duration::from_millis(300), 1);
    assert!(
        !err.may_have_been_applied(),
        "a throttled attempt was refused unprocessed"
    );
    assert_eq!(throttled.calls(), 1);
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "no point sleeping towards a deadline the retry cannot meet: {:?}",
        started.elapsed()
    );
}

/// As in the load harness: a 3.7 MB image, 4.93 MB once base64-encoded.
fn big_image() -> Image {
    Image::from_bytes(vec![0x5a; 3_700_000])
}

#[tokio::test(start_paused = true)]
async fn a_deadline_that_passes_while_a_big_body_is_prepared_sends_nothing() {
    let transport = ScriptedTransport::new(vec![Step::Respond(
        200,
        r#"{"Response":{"RequestId":"r"}}"#,
    )]);
    let client = client(in_memory(&transport).timeout(Duration::from_secs(2)));
    let call = client.detect_face().image(big_image()).send();
    // `join!` polls the call first: its deadline is set and the body goes to a blocking
    // thread to be encoded and hashed. Then the paused clock jumps past the deadline, before
    // the call is polled again: whether the timer or the end of the work is seen first, the
    // call must end late without sending anything.
    let (result, ()) = tokio::join!(call, tokio::time::advance(Duration::from_secs(3)));
    let err = result.unwrap_err();
    assert_timed_out(
        "deadline during preparation",
        &err,
        Duration::from_secs(2),
        0,
    );
    assert!(!err.may_have_been_applied(), "nothing was sent: {err}");
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert_eq!(transport.calls(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_big_body_prepared_in_time_is_sent_once() {
    let transport = ScriptedTransport::new(vec![Step::Respond(
        200,
        r#"{"Response":{"ImageWidth":1,"ImageHeight":1,"FaceInfos":[],"FaceModelVersion":"3.0","RequestId":"r"}}"#,
    )]);
    let client = client(in_memory(&transport).timeout(Duration::from_secs(2)));
    let request = DetectFaceRequest::builder()
        .image(big_image())
        .build()
        .expect("a valid request");
    let prepared = client.prepare(&request).await.expect("a prepared request");
    // The body encoded off the async workers is the plain serialization, and is signed.
    assert!(*prepared.body() == serde_json::to_vec(&request).unwrap());
    assert!(prepared.header("Authorization").is_some());
    let sent = client.send(&request).await;
    assert!(sent.is_ok(), "{sent:?}");
    assert_eq!(transport.calls(), 1);
}
