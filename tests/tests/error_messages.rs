//! What a failed call says: transport and timeout errors name the host and the root cause in
//! one line, and never a secret, on both built-in transports. Everything runs over loopback.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use iai_integration_tests::emulator::{TEST_SECRET_ID, TEST_SECRET_KEY};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint, SdkError};

const DEADLINE: Duration = Duration::from_secs(30);

/// A client on each built-in transport, by name.
fn clients(endpoint: &str) -> [(&'static str, Client); 2] {
    let builder = || {
        Config::builder()
            .credentials(Credentials::new(TEST_SECRET_ID, TEST_SECRET_KEY))
            .endpoint(Endpoint::parse(endpoint).expect("valid endpoint"))
            .max_attempts(1)
            .timeout(Duration::from_secs(10))
    };
    let client = |builder: tencentcloud_iai::ConfigBuilder| {
        Client::new(builder.build().expect("valid config"))
    };
    [
        ("reqwest", client(builder().reqwest_transport())),
        ("hyper", client(builder().hyper_transport())),
    ]
}

async fn group_info_error(client: &Client) -> String {
    let result = common::bounded_by(DEADLINE, client.get_group_info().group_id("g").send()).await;
    let err = result.expect_err("the call must fail");
    assert!(
        matches!(err, SdkError::Transport(ref e) if !e.maybe_sent),
        "expected a not-sent transport error, got {err:?}"
    );
    let shown = err.to_string();
    assert!(!shown.contains(TEST_SECRET_KEY), "{shown}");
    assert!(!shown.contains('\n'), "one line: {shown}");
    shown
}

/// A port nothing listens on: bound, then closed.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn connection_refused_names_host_and_cause() {
    let port = closed_port();
    for (name, client) in clients(&format!("http://127.0.0.1:{port}")) {
        let shown = group_info_error(&client).await;
        assert_eq!(
            shown,
            format!("cannot connect to 127.0.0.1:{port}: connection refused"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn tls_against_a_plain_http_server_suggests_http() {
    // Answers whatever arrives (here a TLS ClientHello) in plain HTTP, as a misconfigured
    // `https://` endpoint pointing at an HTTP server would.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let clients = clients(&format!("https://127.0.0.1:{port}"));
    let connections = clients.len();
    let server = std::thread::spawn(move || {
        for _ in 0..connections {
            let (mut stream, _) = listener.accept().unwrap();
            let mut hello = [0u8; 512];
            let _ = stream.read(&mut hello);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    for (name, client) in &clients {
        let shown = group_info_error(client).await;
        assert!(
            shown.starts_with(&format!("TLS handshake with 127.0.0.1:{port} failed: ")),
            "{name}: {shown}"
        );
        assert!(
            shown.ends_with("is the endpoint http? (then write http:// in its URL)"),
            "{name}: {shown}"
        );
    }
    server.join().unwrap();
}

#[test]
fn an_endpoint_with_a_non_numeric_port_is_refused_at_configuration() {
    let err = Endpoint::parse("http://127.0.0.1:abc").unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("the port \"abc\" is not a number"),
        "{shown}"
    );
    assert_eq!(shown.matches("configuration error").count(), 1, "{shown}");
}
