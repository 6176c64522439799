//! What a test needs besides state: the journal of received calls, raw and slow answers,
//! refused connections and a skewed clock, from the Rust API and the admin API.

use std::time::{Duration, Instant};

use tencentcloud_iai::SdkError;
use tencentcloud_iai_emulator::{Emulator, FaultStep, RawReply};

use crate::{client_for, start};

#[tokio::test]
async fn the_journal_records_each_call_with_headers_body_and_verdict() {
    let (emulator, client) = start().await;
    client
        .create_group()
        .group_name("Staff")
        .group_id("staff")
        .send()
        .await
        .unwrap();
    let _ = client
        .get_group_info()
        .group_id("missing")
        .send()
        .await
        .unwrap_err();

    let calls = emulator.requests();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].action.as_deref(), Some("CreateGroup"));
    assert_eq!(calls[0].method, "POST");
    assert!(calls[0].authenticated);
    assert_eq!(calls[0].error_code, None);
    assert_eq!(calls[0].header("X-TC-Version"), Some("2020-03-03"));
    let body: serde_json::Value = serde_json::from_slice(&calls[0].body).unwrap();
    assert_eq!(body["GroupId"], "staff");
    assert_eq!(
        calls[1].error_code.as_deref(),
        Some("InvalidParameterValue.GroupIdNotExist")
    );
    assert_eq!(emulator.request_count("GetGroupInfo"), 1);

    // A call with an unknown key is recorded as not authenticated.
    let stranger = tencentcloud_iai::Client::new(
        tencentcloud_iai::Config::builder()
            .credentials(tencentcloud_iai::Credentials::new("AKIDnobody", "nothing"))
            .endpoint(tencentcloud_iai::Endpoint::parse(&emulator.url()).unwrap())
            .max_attempts(1)
            .build()
            .unwrap(),
    );
    let _ = stranger.get_group_list().send().await.unwrap_err();
    let last = emulator.requests().pop().unwrap();
    assert!(!last.authenticated);
    assert_eq!(
        last.error_code.as_deref(),
        Some("AuthFailure.SecretIdNotFound")
    );

    let http = reqwest::Client::new();
    let listed = admin_json(&emulator, reqwest::Method::GET, "requests", None).await;
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!(listed[0]["action"], "CreateGroup");
    assert!(listed[0]["body"].as_str().unwrap().contains("staff"));
    http.delete(format!("{}/_emulator/requests", emulator.url()))
        .send()
        .await
        .unwrap();
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn a_journal_of_capacity_zero_records_nothing() {
    let emulator = Emulator::builder()
        .journal_capacity(0)
        .start()
        .await
        .unwrap();
    client_for(&emulator, 1)
        .get_group_list()
        .send()
        .await
        .unwrap();
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn raw_answers_reach_the_client_byte_for_byte() {
    let (emulator, client) = start().await;
    emulator.faults().push(
        "GetGroupList",
        [FaultStep::Respond(RawReply::new(
            502,
            "text/html",
            "<html>Bad Gateway</html>",
        ))],
    );
    let err = client.get_group_list().send().await.unwrap_err();
    let SdkError::Response(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.http_status, 502);
    assert!(e.body_excerpt.contains("Bad Gateway"));

    // An envelope given raw is recorded with its error code.
    let envelope =
        r#"{"Response":{"Error":{"Code":"ResourceNotFound","Message":"gone"},"RequestId":"r-1"}}"#;
    emulator.faults().push(
        "GetGroupList",
        [FaultStep::Respond(RawReply::json(envelope))],
    );
    let err = client.get_group_list().send().await.unwrap_err();
    assert_eq!(err.request_id(), Some("r-1"));
    assert_eq!(
        emulator.requests().pop().unwrap().error_code.as_deref(),
        Some("ResourceNotFound")
    );
}

#[tokio::test]
async fn a_slow_body_sends_headers_first() {
    let (emulator, client) = start().await;
    emulator
        .faults()
        .push("GetGroupList", [FaultStep::SlowBodyMs(300)]);
    let started = Instant::now();
    let list = client.get_group_list().send().await.unwrap();
    assert_eq!(list.group_num, Some(0));
    assert!(started.elapsed() >= Duration::from_millis(300));

    // The headers come at once: the response starts before the body's delay is over.
    emulator
        .faults()
        .push("GetGroupList", [FaultStep::SlowBodyMs(60_000)]);
    let call = emulator.requests().pop().unwrap();
    let mut request = reqwest::Client::new().post(emulator.url()).body(call.body);
    for (name, value) in &call.headers {
        request = request.header(name, value);
    }
    let response = tokio::time::timeout(Duration::from_secs(5), request.send())
        .await
        .expect("headers before the delay is over")
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = tokio::time::timeout(Duration::from_millis(200), response.bytes()).await;
    assert!(body.is_err(), "the body waits for its delay");
}

#[tokio::test]
async fn refused_connections_are_closed_before_anything_is_read() {
    let (emulator, _) = start().await;
    emulator.refuse_next_connections(2);
    // Three attempts: two refused connections, then one served.
    let client = client_for(&emulator, 3);
    client.get_group_list().send().await.unwrap();
    assert_eq!(emulator.connection_count(), 3);
    assert_eq!(emulator.request_count("GetGroupList"), 1);

    let status = admin_json(
        &emulator,
        reqwest::Method::PUT,
        "connections",
        Some(r#"{"refuse_next": 1}"#),
    )
    .await;
    assert_eq!(status["refuse_next"], 1);
    assert_eq!(status["accepted"], 4, "the admin call's own connection");
    assert_eq!(status["refused"], 2);
}

#[tokio::test]
async fn a_skewed_clock_expires_signatures_and_says_its_time() {
    let emulator = Emulator::builder()
        .clock_skew_secs(3600)
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let clock = admin_json(&emulator, reqwest::Method::GET, "clock", None).await;
    assert_eq!(clock["skew_secs"], 3600);

    // The client corrects its clock from the answer's Date header and retries once.
    let client = client_for(&emulator, 1);
    client.get_group_list().send().await.unwrap();
    let calls = emulator.requests();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0].error_code.as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    assert!(calls[1].authenticated);

    let clock = admin_json(
        &emulator,
        reqwest::Method::PUT,
        "clock",
        Some(r#"{"skew_secs": 0}"#),
    )
    .await;
    assert_eq!(clock["skew_secs"], 0);
    emulator.clear_requests();
    client_for(&emulator, 1)
        .get_group_list()
        .send()
        .await
        .unwrap();
    assert_eq!(emulator.requests().len(), 1, "no skew: no correction");

    let refused = http
        .put(format!("{}/_emulator/clock", emulator.url()))
        .body(r#"{"skew": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("skew_secs"));
}

/// An admin route's JSON answer.
async fn admin_json(
    emulator: &tencentcloud_iai_emulator::RunningEmulator,
    method: reqwest::Method,
    route: &str,
    body: Option<&'static str>,
) -> serde_json::Value {
    let url = format!("{}/_emulator/{route}", emulator.url());
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(body) = body {
        request = request.body(body);
    }
    let bytes = request.send().await.unwrap().bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}: {bytes:?}"))
}

#[tokio::test]
async fn a_call_the_client_gives_up_on_is_still_recorded() {
    let (emulator, _) = start().await;
    emulator
        .faults()
        .push("GetGroupList", [FaultStep::DelayMs(60_000)]);
    let impatient = tencentcloud_iai::Client::new(
        emulator
            .client_config_builder()
            .unwrap()
            .timeout(Duration::from_millis(200))
            .max_attempts(1)
            .build()
            .unwrap(),
    );
    let err = impatient.get_group_list().send().await.unwrap_err();
    assert!(matches!(err, SdkError::Timeout(_)), "{err:?}");
    // The emulator notices the closed connection and drops the call: recorded then.
    let deadline = Instant::now() + Duration::from_secs(5);
    while emulator.requests().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let calls = emulator.requests();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].action.as_deref(), Some("GetGroupList"));
    assert!(calls[0].authenticated);
    assert_eq!(calls[0].error_code, None, "never answered");
}
