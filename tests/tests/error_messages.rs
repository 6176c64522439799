//! What a failed call says: transport and timeout errors name the host and the root cause in
//! one line, and never a secret, on both built-in transports; an authentication failure names
//! the SecretId that signed (masked) and where it came from. Everything runs over loopback.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use iai_integration_tests::emulator::{
    TestEmulator, TEMP_SECRET_ID, TEMP_SECRET_KEY, TEMP_TOKEN, TEST_SECRET_ID, TEST_SECRET_KEY,
};
use tencentcloud_iai::operation::get_group_info::GetGroupInfoError;
use tencentcloud_iai::{
    Client, Config, Credentials, CredentialsSource, DefaultCredentialsChain, Endpoint, SdkError,
};

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

/// The error of a GetGroupInfo call the emulator refuses, and both of its printed forms.
fn refused_call(
    server: &TestEmulator,
    config: tencentcloud_iai::ConfigBuilder,
) -> (SdkError<GetGroupInfoError>, String) {
    let client = Client::new(config.max_attempts(1).build().expect("valid config"));
    let err = server
        .run(async move { client.get_group_info().group_id("g").send().await })
        .expect_err("the emulator refuses the call");
    let shown = format!("{err}\n{err:?}");
    (err, shown)
}

#[test]
fn a_wrong_secret_key_names_the_masked_secret_id_and_the_environment() {
    let server = TestEmulator::start();
    let wrong_key = "wrong-secret-key-from-env";
    let chain = DefaultCredentialsChain::new().environment([
        ("TENCENTCLOUD_SECRET_ID", TEST_SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", wrong_key),
    ]);
    let endpoint = Endpoint::parse(&server.url()).unwrap();
    let config = Config::builder()
        .credentials_provider(chain)
        .endpoint(endpoint);
    let (err, shown) = refused_call(&server, config);

    assert_eq!(err.code(), Some("AuthFailure.SignatureFailure"), "{shown}");
    let signed_by = err.signed_by().expect("an auth failure names its signer");
    assert_eq!(signed_by.masked_secret_id(), "AKID…0000");
    assert_eq!(signed_by.source(), &CredentialsSource::Environment);
    // The typed error says the same.
    let typed = err.service_error().unwrap();
    assert_eq!(typed.signed_by(), Some(signed_by));
    assert!(
        err.to_string().ends_with(
            "; signed with SecretId AKID…0000 from the environment variables \
             TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"
        ),
        "{err}"
    );
    for secret in [wrong_key, TEST_SECRET_KEY, TEST_SECRET_ID] {
        assert!(!shown.contains(secret), "{secret:?} shown in {shown}");
    }
}

#[test]
fn a_refused_token_names_the_profile_file_and_shows_no_token() {
    // The emulator knows the temporary key pair with its token (TEMP_TOKEN).
    let server = TestEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credentials");
    let wrong_token = "a-token-the-emulator-never-issued";
    std::fs::write(
        &file,
        format!(
            "[ci]\nsecret_id = {TEMP_SECRET_ID}\nsecret_key = {TEMP_SECRET_KEY}\ntoken = {wrong_token}\n"
        ),
    )
    .unwrap();
    let chain = DefaultCredentialsChain::new()
        .environment([("HOME", dir.path().to_str().unwrap())])
        .profile_file(&file)
        .profile("ci");
    let config = Config::builder()
        .credentials_provider(chain)
        .endpoint(Endpoint::parse(&server.url()).unwrap());
    let (err, shown) = refused_call(&server, config);

    assert_eq!(err.code(), Some("AuthFailure.TokenFailure"), "{shown}");
    let signed_by = err.signed_by().expect("an auth failure names its signer");
    assert_eq!(
        signed_by.source(),
        &CredentialsSource::ProfileFile {
            path: file.clone(),
            profile: "ci".to_owned()
        }
    );
    assert!(
        err.to_string().contains(&format!(
            "signed with SecretId AK…LE from profile `ci` of {}",
            file.display()
        )),
        "{err}"
    );
    for secret in [wrong_token, TEMP_TOKEN, TEMP_SECRET_KEY, TEMP_SECRET_ID] {
        assert!(!shown.contains(secret), "{secret:?} shown in {shown}");
    }
}

#[test]
fn other_service_errors_name_no_signer() {
    let server = TestEmulator::start();
    let (err, shown) = refused_call(&server, server.config());
    assert_eq!(err.code(), Some("InvalidParameterValue.GroupIdNotExist"));
    assert_eq!(err.signed_by(), None);
    assert!(!shown.contains("signed with"), "{shown}");
}

#[test]
fn credentials_given_in_code_are_named_so() {
    let server = TestEmulator::start();
    let config = Config::builder()
        .credentials(Credentials::new(TEST_SECRET_ID, "a-wrong-key-in-code"))
        .endpoint(Endpoint::parse(&server.url()).unwrap());
    let (err, shown) = refused_call(&server, config);
    let signed_by = err.signed_by().expect("an auth failure names its signer");
    assert_eq!(signed_by.source(), &CredentialsSource::Code);
    assert!(
        err.to_string()
            .ends_with("; signed with SecretId AKID…0000 from credentials given in code"),
        "{err}"
    );
    assert!(!shown.contains("a-wrong-key-in-code"), "{shown}");
}
