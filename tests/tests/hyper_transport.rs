//! The `hyper-transport` feature's transport (the default, `ConfigBuilder::hyper_transport`) keeps the
//! built-in transport's contract, over real HTTP on loopback: signed calls the emulator
//! accepts; failures marked as sent or not, so that a write is never repeated; body limits,
//! attempt timeouts and the `Date` header for clock-skew correction. (What a failed connection
//! says is tested for both transports in error_messages.rs, certificates in tls.rs; the retry
//! decisions themselves are the client's and are tested in faults.rs.)

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use common::{bounded, config_for};
use iai_integration_tests::emulator::{
    FaultStep, RawReply, TestEmulator, GET_GROUP_INFO_EXAMPLE, TEST_SECRET_KEY,
};
use tencentcloud_iai::operation::get_group_info::{GetGroupInfoError, GetGroupInfoResponse};
use tencentcloud_iai::runtime::transport::HyperTransport;
use tencentcloud_iai::{Client, ConfigBuilder, Endpoint, SdkError};

/// Through hyper's transport, with fast retries.
fn hyper_client(builder: ConfigBuilder) -> Client {
    Client::new(
        builder
            .hyper_transport()
            .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
            .build()
            .expect("valid config"),
    )
}

async fn get_group(client: &Client) -> Result<GetGroupInfoResponse, SdkError<GetGroupInfoError>> {
    bounded(client.get_group_info().group_id("aaa").send()).await
}

#[test]
fn the_builder_picks_hyper_and_its_debug_output_holds_no_secret() {
    let server = TestEmulator::start();
    let config = config_for(&server)
        .hyper_transport()
        .build()
        .expect("valid config");
    let shown = format!("{config:?}");
    assert!(shown.contains("HyperTransport"), "{shown}");
    assert!(!shown.contains(TEST_SECRET_KEY), "{shown}");
    // hyper's is the default; reqwest's is asked for.
    let default = format!("{:?}", config_for(&server).build().unwrap());
    assert!(default.contains("HyperTransport"), "{default}");
    let reqwest = format!(
        "{:?}",
        config_for(&server).reqwest_transport().build().unwrap()
    );
    assert!(reqwest.contains("ReqwestTransport"), "{reqwest}");
}

#[tokio::test]
async fn signed_calls_are_accepted_and_the_connection_is_reused() {
    let server = TestEmulator::start();
    let client = hyper_client(config_for(&server));
    bounded(
        client
            .create_group()
            .group_name("Staff")
            .group_id("staff")
            .send(),
    )
    .await
    .expect("CreateGroup");
    let group = bounded(client.get_group_info().group_id("staff").send())
        .await
        .expect("GetGroupInfo");
    assert_eq!(group.group_name, "Staff");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.authenticated), "{requests:?}");
    assert_eq!(server.connection_count(), 1, "one pooled connection");
}

#[tokio::test]
async fn a_transport_made_by_hand_works_as_well() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let transport = HyperTransport::new(Duration::from_secs(1), 1 << 20).expect("transport");
    let client = Client::new(
        config_for(&server)
            .transport(transport.clone())
            .build()
            .unwrap(),
    );
    assert_eq!(get_group(&client).await.expect("the call").group_id, "aaa");
}

#[tokio::test]
async fn a_write_cut_short_is_maybe_sent_and_not_repeated() {
    for fault in [FaultStep::TruncatedBody, FaultStep::DropConnection] {
        let server = TestEmulator::start();
        server.script("CreateGroup", [fault.clone()]);
        let client = hyper_client(config_for(&server));
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
            "{fault:?}: {err:?}"
        );
        assert_eq!(
            server.request_count("CreateGroup"),
            1,
            "{fault:?}: sent once"
        );
    }
}

#[tokio::test]
async fn an_answer_over_the_limit_is_refused_whether_its_length_is_declared_or_not() {
    // Declared: Content-Length says it at once.
    let server = TestEmulator::start();
    let body = GET_GROUP_INFO_EXAMPLE.replace("fdsaf", &"x".repeat(10 * 1024));
    server.script(
        "GetGroupInfo",
        std::iter::repeat_n(FaultStep::Respond(RawReply::json(body)), 2),
    );
    let limited = hyper_client(config_for(&server).max_response_bytes(1024).max_attempts(1));
    let err = get_group(&limited).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::Transport(e) if e.maybe_sent && e.message().contains("1024 byte limit")),
        "{err:?}"
    );
    let roomy = hyper_client(config_for(&server).max_response_bytes(64 * 1024));
    assert_eq!(get_group(&roomy).await.expect("fits").tag.len(), 10 * 1024);

    // Not declared: a chunked answer is cut off once it passes the limit.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let chunked = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let chunk = "x".repeat(1000);
        let mut answer =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec();
        for _ in 0..3 {
            answer.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
        }
        answer.extend_from_slice(b"0\r\n\r\n");
        let _ = stream.write_all(&answer);
    });
    let client = hyper_client(
        config_for(&server)
            .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap())
            .max_response_bytes(1024)
            .max_attempts(1),
    );
    let err = get_group(&client).await.unwrap_err();
    chunked.join().unwrap();
    assert!(
        matches!(&err, SdkError::Transport(e) if e.maybe_sent && e.message().contains("1024 byte limit")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_attempt_timeout_bounds_slow_headers_and_slow_bodies() {
    for slow in [FaultStep::DelayMs(5000), FaultStep::SlowBodyMs(5000)] {
        let server = TestEmulator::start();
        server.seed_example_group();
        server.script("GetGroupInfo", [slow.clone()]);
        let client = hyper_client(
            config_for(&server)
                .timeout(Duration::from_secs(10))
                .attempt_timeout(Duration::from_millis(200))
                .max_attempts(1),
        );
        let err = get_group(&client).await.unwrap_err();
        assert!(
            matches!(&err, SdkError::Timeout(e) if e.after() == Duration::from_millis(200) && e.attempts() == 1),
            "{slow:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn clock_skew_is_corrected_from_the_date_header() {
    let server = TestEmulator::builder().clock_skew_secs(3600).start();
    server.seed_example_group();
    let client = hyper_client(config_for(&server).max_attempts(1));
    get_group(&client)
        .await
        .expect("the signature made with the server's clock is accepted");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].error_code.as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    assert!(requests[1].authenticated);
}
