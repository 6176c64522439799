//! The application's unit tests against the typed mock: no network, no server, and the whole
//! client path (validation, encoding, signing, retries, decoding) running for real.

use std::panic::{catch_unwind, AssertUnwindSafe};

use iai_mock_app::{DirectoryError, FaceBox, FaceDirectory};
use tencentcloud_iai::mock::{Answer, Mock};
use tencentcloud_iai::operation::create_person::{CreatePersonRequest, CreatePersonResponse};
use tencentcloud_iai::operation::detect_face::{DetectFaceRequest, DetectFaceResponse};
use tencentcloud_iai::operation::get_group_info::{
    GetGroupInfoError, GetGroupInfoRequest, GetGroupInfoResponse,
};
use tencentcloud_iai::types::FaceInfo;
use tencentcloud_iai::{ErrorMetadata, SdkError, TransportError};

fn staff_group() -> GetGroupInfoResponse {
    GetGroupInfoResponse::builder()
        .group_id("staff")
        .group_name("Staff")
        .group_ex_descriptions(vec!["desk".to_owned(), "badge".to_owned()])
        .face_model_version("3.0")
        .request_id("req-staff")
        .build()
}

fn face(x: i64, y: i64, size: i64) -> FaceInfo {
    FaceInfo::builder()
        .x(x)
        .y(y)
        .width(size)
        .height(size)
        .build()
}

/// The panic message of `run`, which must panic.
fn panic_message(run: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(run)).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[tokio::test]
async fn stubs_get_group_info_and_detect_face() {
    let mock = Mock::strict();
    let group_rule = mock
        .on::<GetGroupInfoRequest>()
        .when(|request| request.group_id == "staff")
        .then_output(staff_group());
    let detect_rule = mock.on::<DetectFaceRequest>().then_output(
        DetectFaceResponse::builder()
            .image_width(640)
            .image_height(480)
            .face_infos(vec![face(10, 20, 50), face(300, 40, 120)])
            .build(),
    );
    let app = FaceDirectory::new(mock.client());

    assert_eq!(
        app.describe_group("staff").await.unwrap(),
        "Staff (staff): 2 description fields, model 3.0"
    );
    assert_eq!(
        app.faces_in("https://example.invalid/team.jpg")
            .await
            .unwrap(),
        [
            FaceBox {
                x: 300,
                y: 40,
                width: 120,
                height: 120
            },
            FaceBox {
                x: 10,
                y: 20,
                width: 50,
                height: 50
            },
        ]
    );

    assert_eq!((group_rule.calls(), detect_rule.calls()), (1, 1));
    let detect = mock.requests::<DetectFaceRequest>();
    assert_eq!(detect.len(), 1);
    assert_eq!(
        detect[0].url.as_deref(),
        Some("https://example.invalid/team.jpg")
    );
    assert_eq!(detect[0].max_face_num, Some(5));
    assert_eq!(
        mock.requests::<GetGroupInfoRequest>(),
        [GetGroupInfoRequest::builder()
            .group_id("staff")
            .build()
            .expect("every required parameter is set")]
    );
    mock.assert_all_rules_used();
    mock.assert_all_calls_matched();
}

#[tokio::test]
async fn every_call_is_signed_like_a_real_one() {
    let mock = Mock::strict();
    mock.on::<GetGroupInfoRequest>().then_output(staff_group());
    FaceDirectory::new(mock.client())
        .describe_group("staff")
        .await
        .unwrap();
    let calls = mock.calls();
    let sent = calls[0].http_request();
    assert_eq!(calls[0].action(), "GetGroupInfo");
    assert_eq!(calls[0].rule(), Some(0));
    assert_eq!(sent.header("X-TC-Version"), Some("2020-03-03"));
    assert_eq!(sent.header("X-TC-Region"), Some("ap-guangzhou"));
    let authorization = sent.header("Authorization").expect("signed");
    assert!(
        authorization.starts_with("TC3-HMAC-SHA256 Credential=AKIDmockEXAMPLE/"),
        "{authorization}"
    );
    assert_eq!(sent.body().as_ref(), br#"{"GroupId":"staff"}"#);
}

#[tokio::test]
async fn a_scripted_throttle_is_retried_by_the_client() {
    let mock = Mock::strict();
    let rule = mock.on::<GetGroupInfoRequest>().then_sequence([
        Answer::error_code("RequestLimitExceeded", "slow down"),
        Answer::service_error(
            GetGroupInfoError::FailedOperationRequestLimitExceeded,
            "still too fast",
        ),
        Answer::output(staff_group()),
    ]);
    let app = FaceDirectory::new(mock.client());

    assert!(app.describe_group("staff").await.is_ok());
    assert_eq!(rule.calls(), 3, "two throttles, then the answer");
    let attempts = mock.requests::<GetGroupInfoRequest>();
    assert_eq!(attempts.len(), 3);
    assert!(attempts.iter().all(|r| r.group_id == "staff"));
    // Each attempt is signed afresh, so each is its own HTTP request.
    assert_eq!(mock.calls().len(), 3);
}

#[tokio::test]
async fn throttling_that_lasts_ends_after_the_configured_attempts() {
    let mock = Mock::strict();
    mock.on::<GetGroupInfoRequest>()
        .then(Answer::error_code("RequestLimitExceeded", "slow down"));
    let client =
        tencentcloud_iai::Client::new(mock.config_builder().max_attempts(2).build().unwrap());
    let error = client
        .get_group_info()
        .group_id("staff")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            SdkError::Service(GetGroupInfoError::Common(e))
                if e.kind() == tencentcloud_iai::CommonCode::RequestLimitExceeded
        ),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 2);
    assert_eq!(error.code(), Some("RequestLimitExceeded"));
    assert_eq!(error.message(), Some("slow down"));
}

#[tokio::test]
async fn typed_errors_reach_the_application_with_their_request_id() {
    let mock = Mock::strict();
    mock.on::<GetGroupInfoRequest>().then(
        Answer::service_error(
            GetGroupInfoError::InvalidParameterValueGroupIdNotExist,
            "The group ID does not exist.",
        )
        .with_request_id("req-missing"),
    );
    let error = FaceDirectory::new(mock.client())
        .describe_group("visitors")
        .await
        .unwrap_err();
    match error {
        DirectoryError::UnknownGroup {
            group_id,
            request_id,
        } => {
            assert_eq!(group_id, "visitors");
            assert_eq!(request_id.as_deref(), Some("req-missing"));
        }
        other => panic!("expected UnknownGroup, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_value_keeps_its_metadata_and_unknown_codes_stay_intact() {
    let mock = Mock::strict();
    let mut metadata = ErrorMetadata::new("Brand.NewCode", "from a newer API");
    metadata.request_id = Some("req-new".to_owned());
    mock.on::<GetGroupInfoRequest>()
        .then_error(GetGroupInfoError::Unhandled(metadata));
    let error = mock
        .client()
        .get_group_info()
        .group_id("staff")
        .send()
        .await
        .unwrap_err();
    let SdkError::Service(GetGroupInfoError::Unhandled(meta)) = &error else {
        panic!("expected Unhandled, got {error:?}");
    };
    assert_eq!(
        (meta.code.as_str(), meta.message.as_str()),
        ("Brand.NewCode", "from a newer API")
    );
    assert_eq!(error.request_id(), Some("req-new"));
}

#[tokio::test]
async fn a_dynamic_answer_is_computed_from_the_typed_request() {
    let mock = Mock::strict();
    mock.on::<GetGroupInfoRequest>().then_compute(|request| {
        Answer::output(
            GetGroupInfoResponse::builder()
                .group_id(request.group_id.clone())
                .group_name(request.group_id.to_uppercase())
                .build(),
        )
    });
    let app = FaceDirectory::new(mock.client());
    assert!(app
        .describe_group("night-shift")
        .await
        .unwrap()
        .starts_with("NIGHT-SHIFT (night-shift)"));
}

#[tokio::test]
async fn a_write_that_may_have_been_applied_is_not_repeated() {
    let mock = Mock::strict();
    let rule = mock.on::<CreatePersonRequest>().then_sequence([
        Answer::transport_error(TransportError::maybe_sent("connection reset")),
        Answer::output(CreatePersonResponse::builder().face_id("face-1").build()),
    ]);
    let app = FaceDirectory::new(mock.client());
    let error = app
        .enroll("staff", "p1", "Ada", "https://example.invalid/ada.jpg")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SdkError::Transport(e) if e.maybe_sent),
        "{error:?}"
    );
    assert!(error.to_string().contains("connection reset"), "{error}");
    assert_eq!(rule.calls(), 1, "CreatePerson is not idempotent: no retry");

    // The next call gets the rest of the sequence.
    assert_eq!(
        app.enroll("staff", "p1", "Ada", "https://example.invalid/ada.jpg")
            .await
            .unwrap(),
        "face-1"
    );
}

#[tokio::test]
async fn a_request_breaking_the_spec_never_reaches_the_mock() {
    let mock = Mock::strict();
    let app = FaceDirectory::new(mock.client());
    let error = app.describe_group("bad/group").await.unwrap_err();
    assert!(error.to_string().contains("GroupId"), "{error}");
    assert!(mock.calls().is_empty());
}

#[tokio::test]
async fn a_strict_mock_fails_the_test_on_an_unmatched_call_and_says_why() {
    let mock = Mock::strict();
    mock.on::<GetGroupInfoRequest>()
        .when(|request| request.group_id == "staff")
        .then_output(staff_group());
    mock.on::<DetectFaceRequest>()
        .then_output(DetectFaceResponse::builder().build());
    let client = mock.client();
    let outcome =
        tokio::spawn(async move { client.get_group_info().group_id("visitors").send().await })
            .await
            .expect_err("the call panics");
    let payload = outcome.into_panic();
    let message = payload
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert!(
        message.contains("no mock rule matched the GetGroupInfo request"),
        "{message}"
    );
    assert!(message.contains(r#"{"GroupId":"visitors"}"#), "{message}");
    assert!(
        message.contains("rule #0 for GetGroupInfo (added at ")
            && message.contains("with_mock.rs:")
            && message.contains("`when` condition 1 is false"),
        "{message}"
    );
    assert!(
        !message.contains("DetectFace"),
        "only rules for the action were tried: {message}"
    );
    assert_eq!(mock.unmatched_calls().len(), 1);
}

#[tokio::test]
async fn a_lenient_mock_reports_unmatched_calls_as_errors_and_lists_them() {
    let mock = Mock::new();
    mock.on::<DetectFaceRequest>()
        .then_output(DetectFaceResponse::builder().build());
    let client =
        tencentcloud_iai::Client::new(mock.config_builder().max_attempts(1).build().unwrap());
    let error = client
        .get_group_info()
        .group_id("staff")
        .send()
        .await
        .unwrap_err();
    let SdkError::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert!(!transport.maybe_sent);
    assert!(
        transport
            .message()
            .contains("there is no rule for GetGroupInfo (rules exist for DetectFace)"),
        "{error}"
    );
    assert_eq!(mock.unmatched_calls().len(), 1);
    assert_eq!(mock.unmatched_calls()[0].action(), "GetGroupInfo");
    let message = panic_message(|| mock.assert_all_calls_matched());
    assert!(
        message.contains(r#"GetGroupInfo {"GroupId":"staff"}"#),
        "{message}"
    );
}

#[test]
fn rules_that_were_never_used_are_reported() {
    let mock = Mock::strict();
    mock.on::<GetGroupInfoRequest>().then_output(staff_group());
    mock.on::<DetectFaceRequest>()
        .then_output(DetectFaceResponse::builder().build());
    let message = panic_message(|| mock.assert_all_rules_used());
    assert!(message.contains("mock rules never used"), "{message}");
    assert!(message.contains("rule #0 for GetGroupInfo"), "{message}");
    assert!(message.contains("rule #1 for DetectFace"), "{message}");
}

#[tokio::test]
async fn image_requests_are_recorded_as_sent() {
    let mock = Mock::strict();
    mock.on::<DetectFaceRequest>()
        .when(|request| request.image.is_some())
        .then_output(DetectFaceResponse::builder().build());
    mock.client()
        .detect_face()
        .image(tencentcloud_iai::Image::from_bytes(vec![1u8, 2, 3]))
        .send()
        .await
        .unwrap();
    let sent = mock.requests::<DetectFaceRequest>();
    // The mock sees the wire form: base64 text.
    assert_eq!(
        sent[0].image,
        Some(tencentcloud_iai::Image::from_base64("AQID").expect("valid base64"))
    );
}

#[tokio::test]
async fn a_used_up_sequence_says_so_when_a_call_goes_unanswered() {
    let mock = Mock::new();
    mock.on::<GetGroupInfoRequest>()
        .then_sequence([Answer::output(staff_group())]);
    let client =
        tencentcloud_iai::Client::new(mock.config_builder().max_attempts(1).build().unwrap());
    client
        .get_group_info()
        .group_id("staff")
        .send()
        .await
        .unwrap();
    let error = client
        .get_group_info()
        .group_id("staff")
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("rule #0 for GetGroupInfo (added at "),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("its sequence is used up after 1 answer(s)"),
        "{error}"
    );
}
