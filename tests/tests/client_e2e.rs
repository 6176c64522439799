//! The generated client over real HTTP on 127.0.0.1 against the emulator: success, each
//! error class, malformed responses and timeouts. Every case ends in a value or
//! a typed error; a panic anywhere fails the test.

mod common;

use std::time::{Duration, Instant};

use common::{client_for, config_for};
use iai_integration_tests::emulator::{
    FaultStep, RawReply, TestEmulator, GET_GROUP_INFO_EXAMPLE, TEMP_SECRET_ID, TEMP_SECRET_KEY,
    TEMP_TOKEN, TEST_SECRET_ID,
};
use tencentcloud_iai::operation::get_group_info::{GetGroupInfoError, GetGroupInfoRequest};
use tencentcloud_iai::{Client, CommonCode, Credentials, Endpoint, SdkError};

#[tokio::test]
async fn documented_example_round_trips_with_a_valid_signature() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let group = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .expect("success");

    assert_eq!(group.group_name, "aaa");
    assert_eq!(group.group_id, "aaa");
    assert_eq!(group.group_ex_descriptions, vec!["24".to_owned()]);
    assert_eq!(group.tag, "fdsaf");
    assert_eq!(group.face_model_version, "3.0");
    // The emulator's own creation time and a fresh RequestId (exact parsing of the
    // documented values: `envelope_is_recognised_whatever_the_content_type`).
    assert_eq!(
        group.creation_timestamp,
        server.emulator().state().groups["aaa"].created_ms
    );
    assert_eq!(group.request_id.len(), 36, "{}", group.request_id);
    assert_eq!(
        group.request_id.matches('-').count(),
        4,
        "{}",
        group.request_id
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert!(
        sent.authenticated,
        "server rejected the signature: {sent:?}"
    );
    assert_eq!(sent.error_code, None);
    assert_eq!(sent.header("X-TC-Action"), Some("GetGroupInfo"));
    assert_eq!(sent.header("X-TC-Version"), Some("2020-03-03"));
    assert_eq!(sent.header("Content-Type"), Some("application/json"));
    assert_eq!(sent.header("Host"), Some(server.host().as_str()));
    assert_eq!(
        sent.header("X-TC-Region"),
        None,
        "GetGroupInfo needs no region and none was configured"
    );
    assert_eq!(sent.header("X-TC-Token"), None);
    assert!(sent
        .header("X-TC-RequestClient")
        .is_some_and(|v| v.starts_with("tencentcloud-iai-rs/")));
    assert_eq!(&sent.body[..], br#"{"GroupId":"aaa"}"#);
}

#[tokio::test]
async fn region_and_language_are_sent_when_configured() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let client = Client::new(
        config_for(&server)
            .region("ap-guangzhou")
            .language(tencentcloud_iai::Language::EnUs)
            .build()
            .unwrap(),
    );
    client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .expect("success");
    let sent = &server.requests()[0];
    assert!(sent.authenticated);
    assert_eq!(sent.header("X-TC-Region"), Some("ap-guangzhou"));
    assert_eq!(sent.header("X-TC-Language"), Some("en-US"));
}

#[tokio::test]
async fn temporary_credentials_send_the_session_token() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let with_token = Client::new(
        config_for(&server)
            .credentials(
                Credentials::new(TEMP_SECRET_ID, TEMP_SECRET_KEY).with_session_token(TEMP_TOKEN),
            )
            .build()
            .unwrap(),
    );
    with_token
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .expect("token accepted");
    assert_eq!(server.requests()[0].header("X-TC-Token"), Some(TEMP_TOKEN));

    let without_token = Client::new(
        config_for(&server)
            .credentials(Credentials::new(TEMP_SECRET_ID, TEMP_SECRET_KEY))
            .build()
            .unwrap(),
    );
    let err = without_token
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.service_error(),
            Some(GetGroupInfoError::Common(e)) if e.kind() == CommonCode::AuthFailureTokenFailure
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn documented_error_code_becomes_its_variant() {
    // No group `aaa`: the emulator's real answer.
    let server = TestEmulator::start();
    let err = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();

    let SdkError::Service(service) = &err else {
        panic!("expected a service error, got {err:?}")
    };
    let GetGroupInfoError::InvalidParameterValueGroupIdNotExist(meta) = service else {
        panic!("wrong variant: {service:?}")
    };
    assert_eq!(meta.code, "InvalidParameterValue.GroupIdNotExist");
    assert_eq!(service.code(), "InvalidParameterValue.GroupIdNotExist");
    assert_eq!(service.message(), "The group ID `aaa` does not exist.");
    assert!(service.request_id().is_some_and(|id| !id.is_empty()));
    assert!(!service.is_retryable());
    assert_eq!(err.code(), Some("InvalidParameterValue.GroupIdNotExist"));
    assert_eq!(err.request_id(), service.request_id());
    let shown = err.to_string();
    assert!(
        shown.contains("InvalidParameterValue.GroupIdNotExist")
            && shown.contains("The group ID `aaa` does not exist."),
        "{shown}"
    );
}

#[tokio::test]
async fn retryable_codes_are_marked_from_the_spec() {
    let server = TestEmulator::start();
    server.script(
        "GetGroupInfo",
        [FaultStep::Error {
            code: "FailedOperation.ServerError".into(),
            message: Some("try again".into()),
        }],
    );
    let client = Client::new(config_for(&server).max_attempts(1).build().unwrap());
    let err = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.service_error(),
            Some(GetGroupInfoError::FailedOperationServerError(_))
        ),
        "{err:?}"
    );
    assert!(err.service_error().unwrap().is_retryable());
}

#[tokio::test]
async fn unknown_code_is_kept_intact() {
    let server = TestEmulator::start();
    server.script(
        "GetGroupInfo",
        [FaultStep::Error {
            code: "FailedOperation.SomethingNew".into(),
            message: Some("a brand new failure".into()),
        }],
    );
    let err = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let Some(GetGroupInfoError::Unhandled(meta)) = err.service_error() else {
        panic!("expected Unhandled: {err:?}")
    };
    assert_eq!(meta.code, "FailedOperation.SomethingNew");
    assert_eq!(meta.message, "a brand new failure");
    assert!(meta.request_id.is_some());
}

#[tokio::test]
async fn common_errors_are_variants_of_every_action() {
    let server = TestEmulator::start();
    let wrong_key = Client::new(
        config_for(&server)
            .credentials(Credentials::new(TEST_SECRET_ID, "wrong-key"))
            .build()
            .unwrap(),
    );
    let err = wrong_key
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.service_error(),
            Some(GetGroupInfoError::Common(e)) if e.kind() == CommonCode::AuthFailureSignatureFailure
        ),
        "{err:?}"
    );
    assert!(
        !err.to_string().contains("wrong-key"),
        "the secret key leaked into the error: {err}"
    );
}

#[tokio::test]
async fn http_5xx_with_an_envelope_is_a_service_error() {
    let server = TestEmulator::start();
    let envelope = r#"{"Response":{"Error":{"Code":"InternalError","Message":"backend down"},"RequestId":"req-503"}}"#;
    server.script(
        "GetGroupInfo",
        [FaultStep::Respond(RawReply::new(
            503,
            "application/json",
            envelope,
        ))],
    );
    let err = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let Some(GetGroupInfoError::Common(common)) = err.service_error() else {
        panic!("{err:?}")
    };
    assert_eq!(common.kind(), CommonCode::InternalError);
    let meta = common.metadata();
    assert_eq!(meta.http_status, 503);
    assert_eq!(meta.request_id.as_deref(), Some("req-503"));
}

#[tokio::test]
async fn envelope_is_recognised_whatever_the_content_type() {
    let server = TestEmulator::start();
    // The documented answer byte for byte, as text/plain.
    server.script(
        "GetGroupInfo",
        [FaultStep::Respond(RawReply::new(
            200,
            "text/plain",
            GET_GROUP_INFO_EXAMPLE,
        ))],
    );
    let group = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .expect("success despite text/plain");
    assert_eq!(group.group_name, "aaa");
    assert_eq!(group.creation_timestamp, 1_559_530_931_613_u64);
    assert_eq!(group.request_id, "6faa05d0-287b-464e-8755-cf3e8d0c703d");
}

#[tokio::test]
async fn non_json_body_is_a_response_error() {
    let server = TestEmulator::start();
    // A 5xx is retried for GetGroupInfo: every attempt gets it.
    server.script(
        "GetGroupInfo",
        std::iter::repeat_n(
            FaultStep::Respond(RawReply::new(502, "text/html", "<html>Bad Gateway</html>")),
            10,
        ),
    );
    let err = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let SdkError::Response(e) = &err else {
        panic!("expected a response error, got {err:?}")
    };
    assert_eq!(e.http_status, 502);
    assert!(e.problem.contains("not JSON"), "{}", e.problem);
    assert!(e.body_excerpt.contains("Bad Gateway"));
}

#[tokio::test]
async fn truncated_json_is_a_response_error() {
    let server = TestEmulator::start();
    let cut = &GET_GROUP_INFO_EXAMPLE.as_bytes()[..40];
    server.script(
        "GetGroupInfo",
        [FaultStep::Respond(RawReply::new(
            200,
            "application/json",
            cut,
        ))],
    );
    let err = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let SdkError::Response(e) = &err else {
        panic!("expected a response error, got {err:?}")
    };
    assert!(e.problem.contains("truncated"), "{}", e.problem);
}

#[tokio::test]
async fn body_shorter_than_its_content_length_is_a_transport_error() {
    let server = TestEmulator::start();
    server.seed_example_group();
    // The full length of the group's answer announced, half of it sent.
    server.script("GetGroupInfo", [FaultStep::TruncatedBody]);
    let client = Client::new(config_for(&server).max_attempts(1).build().unwrap());
    let err = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let SdkError::Transport(e) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(e.maybe_sent, "the request reached the server");
    assert_eq!(server.request_count("GetGroupInfo"), 1);
}

#[tokio::test]
async fn response_missing_a_required_field_is_a_response_error_with_request_id() {
    let server = TestEmulator::start();
    server.script(
        "GetGroupInfo",
        [FaultStep::Respond(RawReply::json(
            r#"{"Response":{"GroupName":"aaa","RequestId":"req-1"}}"#,
        ))],
    );
    let err = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let SdkError::Response(e) = &err else {
        panic!("expected a response error, got {err:?}")
    };
    assert!(
        e.problem.contains("does not match the spec") && e.problem.contains("GroupId"),
        "{}",
        e.problem
    );
    assert_eq!(err.request_id(), Some("req-1"));
}

#[tokio::test]
async fn json_without_response_object_is_a_response_error() {
    let server = TestEmulator::start();
    server.script(
        "GetGroupInfo",
        [FaultStep::Respond(RawReply::json(r#"{"Result":"ok"}"#))],
    );
    let err = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::Response(e) if e.problem.contains("without a `Response`")),
        "{err:?}"
    );
}

#[tokio::test]
async fn slow_server_hits_the_timeout() {
    let server = TestEmulator::start();
    server.seed_example_group();
    server.script("GetGroupInfo", [FaultStep::DelayMs(3000)]);
    let client = Client::new(
        config_for(&server)
            .timeout(Duration::from_millis(200))
            .max_attempts(1)
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    let err = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let SdkError::Timeout(e) = &err else {
        panic!("expected a timeout, got {err:?}")
    };
    assert_eq!(e.after(), Duration::from_millis(200));
    // Not a speed claim: the call must give up instead of waiting for the slow server.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn slow_body_hits_the_timeout() {
    let server = TestEmulator::start();
    server.seed_example_group();
    server.script("GetGroupInfo", [FaultStep::SlowBodyMs(3000)]);
    let client = Client::new(
        config_for(&server)
            .timeout(Duration::from_millis(300))
            .max_attempts(1)
            .build()
            .unwrap(),
    );
    let err = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn connection_closed_after_the_request_is_a_transport_error() {
    let server = TestEmulator::start();
    server.script("GetGroupInfo", [FaultStep::DropConnection]);
    let client = Client::new(config_for(&server).max_attempts(1).build().unwrap());
    let err = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let SdkError::Transport(e) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(e.maybe_sent);
}

#[tokio::test]
async fn refused_connection_is_a_transport_error_before_sending() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(
        tencentcloud_iai::Config::builder()
            .credentials(Credentials::new(TEST_SECRET_ID, "k"))
            .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap())
            .max_attempts(1)
            .build()
            .unwrap(),
    );
    let err = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let SdkError::Transport(e) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(!e.maybe_sent);
}

#[tokio::test]
async fn constraint_violations_are_refused_before_any_network_call() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    // The groups the valid requests below ask for.
    for (name, group_id) in [
        ("Longest ID", "a".repeat(64)),
        ("Every character", "ok-%@#&_09AZaz".to_owned()),
    ] {
        client
            .create_group()
            .group_name(name)
            .group_id(group_id)
            .send()
            .await
            .expect("group created");
    }
    server.emulator().clear_requests();
    let cases = [
        ("a".repeat(65), "GroupId", "at most 64 characters"),
        ("bad/group".to_owned(), "GroupId", "'/'"),
        (String::new(), "GroupId", "at least 1 characters"),
    ];
    for (group_id, parameter, rule) in cases {
        let err = client
            .get_group_info()
            .group_id(group_id.clone())
            .send()
            .await
            .unwrap_err();
        let SdkError::InvalidRequest(e) = &err else {
            panic!("{group_id:?}: expected InvalidRequest, got {err:?}")
        };
        assert_eq!(e.parameter(), parameter);
        assert!(e.problem().contains(rule), "{group_id:?}: {}", e.problem());
        assert_eq!(err.attempts(), 0);
    }
    let longest = client
        .get_group_info()
        .group_id("a".repeat(64))
        .send()
        .await
        .expect("64 characters is within the limit");
    assert_eq!(longest.group_id, "a".repeat(64));
    let every_character = client
        .get_group_info()
        .group_id("ok-%@#&_09AZaz")
        .send()
        .await
        .expect("every allowed character");
    assert_eq!(every_character.group_id, "ok-%@#&_09AZaz");
    assert_eq!(
        server.requests().len(),
        2,
        "only the valid requests reached the server"
    );
}

#[tokio::test]
async fn requests_can_be_built_and_sent_separately() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let request = GetGroupInfoRequest::builder()
        .group_id("aaa")
        .build()
        .expect("every required parameter is set");
    assert!(request.validate().is_ok());
    let group = client_for(&server).send(&request).await.expect("success");
    assert_eq!(group.group_id, "aaa");
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output() {
    let server = TestEmulator::start();
    let config = config_for(&server)
        .credentials(
            Credentials::new("AKIDvisible", "very-secret-key")
                .with_session_token("very-secret-token"),
        )
        .build()
        .unwrap();
    let shown = format!("{config:?} {:?}", Client::new(config.clone()));
    assert!(shown.contains("AKIDvisible"));
    assert!(
        !shown.contains("very-secret-key") && !shown.contains("very-secret-token"),
        "{shown}"
    );
}

#[test]
fn endpoints_come_from_the_spec() {
    assert_eq!(Endpoint::default().host(), "iai.intl.tencentcloudapi.com");
    assert_eq!(
        Endpoint::international().url(),
        "https://iai.intl.tencentcloudapi.com/"
    );
    assert_eq!(Endpoint::mainland_china().host(), "iai.tencentcloudapi.com");
}

#[test]
fn config_without_credentials_is_refused() {
    let err = tencentcloud_iai::Config::builder().build().unwrap_err();
    assert!(err.to_string().contains("no credentials"), "{err}");
}

#[tokio::test]
async fn calls_reuse_one_connection_across_calls_and_clones() {
    let server = TestEmulator::start();
    server.seed_example_group();
    // The seeding client's connection is counted already.
    let connections_before = server.connection_count();
    let client = client_for(&server);
    let clone = client.clone();
    for _ in 0..3 {
        client
            .get_group_info()
            .group_id("aaa")
            .send()
            .await
            .expect("success");
        clone
            .get_group_info()
            .group_id("aaa")
            .send()
            .await
            .expect("success");
    }
    assert_eq!(server.requests().len(), 6);
    assert_eq!(
        server.connection_count() - connections_before,
        1,
        "sequential calls share one pooled keep-alive connection"
    );
}

#[tokio::test]
async fn unknown_response_fields_are_ignored() {
    let server = TestEmulator::start();
    server.script(
        "GetGroupInfo",
        [FaultStep::Respond(RawReply::json(
            r#"{"Response":{"GroupName":"aaa","GroupId":"aaa","GroupExDescriptions":[],"Tag":"","FaceModelVersion":"3.0","CreationTimestamp":1,"BrandNewField":{"nested":[1,2]},"RequestId":"r-1"}}"#,
        ))],
    );
    let group = client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .expect("a newer API's extra fields don't break the client");
    assert_eq!(group.request_id, "r-1");
    assert_eq!(group.creation_timestamp, 1);
}

/// The builder owns a handle on the client, so the call's future is `'static` and `Send`: it
/// can be spawned, and outlive the `client` variable it came from.
#[tokio::test]
async fn a_call_can_be_spawned_because_its_builder_owns_the_client() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let client = client_for(&server);
    let call = tokio::spawn(client.get_group_info().group_id("aaa").send());
    drop(client);
    let group = call.await.expect("the task ran").expect("success");
    assert_eq!(group.group_id, "aaa");
}

/// Required parameters are named setters, so two strings cannot be swapped silently; one not
/// set is refused before anything is sent, naming the parameter and its setter.
#[tokio::test]
async fn a_missing_required_parameter_is_refused_before_sending() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    let err = client
        .create_group()
        .group_id("staff")
        .send()
        .await
        .expect_err("GroupName is required");
    match &err {
        SdkError::InvalidRequest(e) => {
            assert_eq!(e.kind(), tencentcloud_iai::ValidationErrorKind::Missing);
            assert_eq!(e.parameter(), "GroupName");
            assert!(e.problem().contains("`.group_name(...)`"), "{e}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(err.attempts(), 0);
    assert!(server.requests().is_empty(), "nothing was sent");

    // Order does not matter: the names say which value is which.
    let request = tencentcloud_iai::operation::create_group::CreateGroupRequest::builder()
        .group_id("staff")
        .group_name("Staff")
        .build()
        .expect("both set");
    assert_eq!(
        (request.group_id.as_str(), request.group_name.as_str()),
        ("staff", "Staff")
    );
}

/// Common codes are one `Common` variant with a kind; `code()` is the exact wire code, and the
/// category helpers answer on `SdkError` and on the action's error alike.
#[tokio::test]
async fn errors_say_their_exact_code_and_category() {
    let server = TestEmulator::start();
    let err = client_for(&server)
        .get_group_info()
        .group_id("absent")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValue.GroupIdNotExist"));
    assert!(
        err.is_not_found() && !err.is_throttling() && !err.is_auth_failure(),
        "{err:?}"
    );
    let service = err.service_error().expect("a service error");
    assert!(matches!(
        service,
        GetGroupInfoError::InvalidParameterValueGroupIdNotExist(_)
    ));
    assert!(service.is_not_found() && !service.is_retryable());

    server.script(
        "GetGroupInfo",
        [FaultStep::Error {
            code: "RequestLimitExceeded.UinLimitExceeded".into(),
            message: Some("slow".into()),
        }],
    );
    let client = Client::new(config_for(&server).max_attempts(1).build().unwrap());
    let err = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    let Some(GetGroupInfoError::Common(common)) = err.service_error() else {
        panic!("{err:?}")
    };
    assert_eq!(
        common.kind(),
        CommonCode::RequestLimitExceededUinLimitExceeded
    );
    assert_eq!(
        common.kind().code(),
        "RequestLimitExceeded.UinLimitExceeded"
    );
    assert_eq!(err.code(), Some("RequestLimitExceeded.UinLimitExceeded"));
    assert!(err.is_throttling() && err.is_retryable(), "{err:?}");
}

// --- the common call ---------------------------------------------------------------------

#[tokio::test]
async fn call_json_sends_any_action_signed_and_returns_the_response_object() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let response = client_for(&server)
        .call_json("GetGroupInfo", serde_json::json!({ "GroupId": "aaa" }))
        .await
        .expect("success");
    assert_eq!(response["GroupName"], "aaa");
    assert_eq!(response["FaceModelVersion"], "3.0");
    assert!(
        response["RequestId"]
            .as_str()
            .is_some_and(|id| id.len() == 36),
        "the Response object comes whole, RequestId included: {response}"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].authenticated, "{:?}", requests[0]);
    assert_eq!(requests[0].header("X-TC-Action"), Some("GetGroupInfo"));
    assert_eq!(requests[0].header("X-TC-Version"), Some("2020-03-03"));
    assert_eq!(&requests[0].body[..], br#"{"GroupId":"aaa"}"#);
}

#[tokio::test]
async fn call_json_errors_carry_code_message_and_request_id() {
    let server = TestEmulator::start();
    let err = client_for(&server)
        .call_json("GetGroupInfo", serde_json::json!({ "GroupId": "nope" }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValue.GroupIdNotExist"));
    assert!(err.message().is_some_and(|m| m.contains("nope")), "{err}");
    let request_id = err.request_id().expect("a RequestId").to_owned();
    assert!(err.to_string().contains(&request_id), "{err}");
    assert_eq!(
        err.service_error().map(|e| e.code()),
        Some("InvalidParameterValue.GroupIdNotExist")
    );
}

#[tokio::test]
async fn call_json_retries_throttling_only() {
    let server = TestEmulator::start();
    server.seed_example_group();
    server.script(
        "GetGroupInfo",
        [FaultStep::Error {
            code: "RequestLimitExceeded".into(),
            message: None,
        }],
    );
    let client = client_for(&server);
    let response = client
        .call_json("GetGroupInfo", serde_json::json!({ "GroupId": "aaa" }))
        .await
        .expect("throttling is retried");
    assert_eq!(response["GroupId"], "aaa");
    assert_eq!(server.request_count("GetGroupInfo"), 2);

    // A transient code is not: an action known only by name is not known to be idempotent.
    server.script(
        "GetGroupInfo",
        [FaultStep::Error {
            code: "FailedOperation.ServerError".into(),
            message: None,
        }],
    );
    let err = client
        .call_json("GetGroupInfo", serde_json::json!({ "GroupId": "aaa" }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("FailedOperation.ServerError"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.request_count("GetGroupInfo"), 3);
}

#[tokio::test]
async fn call_json_refuses_a_bad_action_name_or_parameters_before_sending() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    for (action, parameters) in [
        ("", serde_json::json!({})),
        ("Get Group", serde_json::json!({})),
        ("GetGroupInfo\r\nX-Evil: 1", serde_json::json!({})),
        ("GetGroupInfo", serde_json::json!(["not", "an", "object"])),
    ] {
        let err = client.call_json(action, parameters).await.unwrap_err();
        assert!(
            matches!(err, SdkError::InvalidRequest(_)),
            "{action:?}: {err:?}"
        );
    }
    assert!(server.requests().is_empty());
}

/// The error enums' `PartialEq` is written out (not derived, to save build time); it must
/// still compare as the derive would: variant first, then what the variant holds.
#[test]
fn error_values_compare_by_variant_and_by_what_they_hold() {
    use tencentcloud_iai::ErrorMetadata;
    let meta = |code: &str, message: &str| ErrorMetadata::new(code, message);
    let not_exist = |message: &str| {
        GetGroupInfoError::InvalidParameterValueGroupIdNotExist(meta(
            "InvalidParameterValue.GroupIdNotExist",
            message,
        ))
    };
    assert_eq!(not_exist("a"), not_exist("a"));
    assert_eq!(not_exist("a"), not_exist("a").clone());
    assert_ne!(
        not_exist("a"),
        not_exist("b"),
        "same variant, other message"
    );
    // Same metadata, other variant: different, as with a derived `PartialEq`.
    let same_meta_unhandled =
        GetGroupInfoError::Unhandled(meta("InvalidParameterValue.GroupIdNotExist", "a"));
    assert_ne!(not_exist("a"), same_meta_unhandled);
    let common = |kind| {
        GetGroupInfoError::Common(tencentcloud_iai::CommonCodeError::new(
            kind,
            meta("InternalError", "x"),
        ))
    };
    assert_eq!(
        common(CommonCode::InternalError),
        common(CommonCode::InternalError)
    );
    assert_ne!(
        common(CommonCode::InternalError),
        common(CommonCode::RequestLimitExceeded),
        "same metadata, other common kind"
    );
    assert_ne!(
        common(CommonCode::InternalError),
        GetGroupInfoError::Unhandled(meta("InternalError", "x"))
    );
}
