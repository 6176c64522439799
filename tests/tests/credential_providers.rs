//! The credential providers end to end on loopback: the emulator plays the CVM metadata
//! server and STS on its own port, and accepts the credentials it issued for IAI calls until
//! they expire. Bad answers come from the emulator where it gives them, else from a tiny
//! local server.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{bounded, config_for};
use iai_integration_tests::emulator::{TestEmulator, TEST_SECRET_ID, TEST_SECRET_KEY};
use tencentcloud_iai::runtime::credentials::{
    CvmRoleCredentials, OidcRoleArnCredentials, StsAssumeRoleCredentials,
};
use tencentcloud_iai::{
    Client, Credentials, DefaultCredentialsChain, Endpoint, ProvideCredentials,
};
use tencentcloud_iai_emulator::journal::REDACTED;

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/ci";
const ROLE_NAME: &str = "ci-instance-role";
const PROVIDER_ID: &str = "tke-oidc-provider";
const WEB_IDENTITY_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-SECRET";

fn emulator() -> TestEmulator {
    let server = TestEmulator::builder()
        .with(|b| {
            b.cvm_role(ROLE_NAME)
                .sts_role(ROLE_ARN)
                .oidc_provider(PROVIDER_ID, WEB_IDENTITY_TOKEN)
        })
        .start();
    server.seed_example_group();
    server.emulator().clear_requests();
    server
}

fn emulator_with_lifetime(lifetime: Duration) -> TestEmulator {
    let server = TestEmulator::builder()
        .with(|b| {
            b.cvm_role(ROLE_NAME)
                .sts_role(ROLE_ARN)
                .oidc_provider(PROVIDER_ID, WEB_IDENTITY_TOKEN)
                .issued_credentials_lifetime(lifetime)
        })
        .start();
    server.seed_example_group();
    server.emulator().clear_requests();
    server
}

fn endpoint(server: &TestEmulator) -> Endpoint {
    Endpoint::parse(&server.url()).unwrap()
}

fn test_keys() -> Credentials {
    Credentials::new(TEST_SECRET_ID, TEST_SECRET_KEY)
}

fn cvm(server: &TestEmulator) -> CvmRoleCredentials {
    CvmRoleCredentials::builder()
        .endpoint(server.url())
        .build()
        .unwrap()
}

fn sts(server: &TestEmulator) -> StsAssumeRoleCredentials {
    StsAssumeRoleCredentials::builder(test_keys(), ROLE_ARN, "e2e-session")
        .endpoint(endpoint(server))
        .build()
        .unwrap()
}

fn token_file(token: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), token).unwrap();
    file
}

fn oidc(server: &TestEmulator, token: &tempfile::NamedTempFile) -> OidcRoleArnCredentials {
    OidcRoleArnCredentials::builder(PROVIDER_ID, ROLE_ARN)
        .web_identity_token_file(token.path())
        .region("ap-shanghai")
        .endpoint(endpoint(server))
        .build()
        .unwrap()
}

fn client_with(server: &TestEmulator, provider: impl ProvideCredentials + 'static) -> Client {
    Client::new(
        config_for(server)
            .credentials_provider(provider)
            .build()
            .unwrap(),
    )
}

/// One IAI call with the provider's credentials; the emulator must accept the issued token.
async fn iai_call_succeeds(server: &TestEmulator, client: &Client) {
    let group = bounded(client.get_group_info().group_id("aaa").send())
        .await
        .expect("the issued credentials are accepted");
    assert_eq!(group.group_id, "aaa");
    let call = server
        .requests()
        .into_iter()
        .rev()
        .find(|c| c.action.as_deref() == Some("GetGroupInfo"))
        .unwrap();
    assert!(call.authenticated, "{call:?}");
    assert_eq!(
        call.header("X-TC-Token"),
        Some(REDACTED),
        "an issued token (the journal hides it)"
    );
}

// --- each provider end to end ------------------------------------------------------------

#[tokio::test]
async fn cvm_role_credentials_from_the_metadata_server_work_for_iai() {
    let server = emulator();
    let client = client_with(&server, cvm(&server));
    iai_call_succeeds(&server, &client).await;
    iai_call_succeeds(&server, &client).await;
    assert_eq!(server.emulator().issued_credentials_by_source().metadata, 1);
    let metadata: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|c| c.path.starts_with("/latest/"))
        .collect();
    assert_eq!(
        metadata.len(),
        2,
        "the role name, then its credentials: {metadata:?}"
    );
    assert!(metadata.iter().all(|c| c.method == "GET"));
    assert!(metadata[1].path.ends_with(ROLE_NAME));

    // A role given by name skips the discovery.
    let named = CvmRoleCredentials::builder()
        .endpoint(server.url())
        .role_name(ROLE_NAME)
        .build()
        .unwrap();
    server.emulator().clear_requests();
    iai_call_succeeds(&server, &client_with(&server, named)).await;
    assert_eq!(server.emulator().metadata_request_count(), 3);
}

#[tokio::test]
async fn sts_assume_role_credentials_work_for_iai() {
    let server = emulator();
    let client = client_with(&server, sts(&server));
    iai_call_succeeds(&server, &client).await;
    iai_call_succeeds(&server, &client).await;
    assert_eq!(server.request_count("AssumeRole"), 1, "cached");
    let assume = server
        .requests()
        .into_iter()
        .find(|c| c.action.as_deref() == Some("AssumeRole"))
        .unwrap();
    assert!(assume.authenticated, "TC3-signed for sts: {assume:?}");
    assert!(assume
        .header("Authorization")
        .is_some_and(|a| a.contains("/sts/tc3_request")));
    assert_eq!(assume.header("X-TC-Version"), Some("2018-08-13"));
    assert_eq!(assume.header("X-TC-Region"), Some("ap-guangzhou"));
    let body: serde_json::Value = serde_json::from_slice(&assume.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"RoleArn": ROLE_ARN, "RoleSessionName": "e2e-session", "DurationSeconds": 7200})
    );
}

#[tokio::test]
async fn oidc_credentials_are_asked_unsigned_and_work_for_iai() {
    let server = emulator();
    let token = token_file(WEB_IDENTITY_TOKEN);
    let client = client_with(&server, oidc(&server, &token));
    iai_call_succeeds(&server, &client).await;
    assert_eq!(server.request_count("AssumeRoleWithWebIdentity"), 1);
    let assume = server
        .requests()
        .into_iter()
        .find(|c| c.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .unwrap();
    // As the official Python SDK sends it (common/abstract_client.py, SkipSign).
    assert_eq!(assume.header("Authorization"), Some("SKIP"));
    assert_eq!(assume.header("X-TC-Token"), None);
    assert_eq!(assume.header("X-TC-Region"), Some("ap-shanghai"));
    assert_eq!(assume.header("X-TC-Version"), Some("2018-08-13"));
    assert_eq!(assume.header("Content-Type"), Some("application/json"));
    assert!(assume.header("X-TC-Timestamp").is_some());
    let body: serde_json::Value = serde_json::from_slice(&assume.body).unwrap();
    assert_eq!(body["ProviderId"], PROVIDER_ID);
    assert_eq!(body["RoleArn"], ROLE_ARN);
    assert_eq!(body["DurationSeconds"], 7200);
    assert!(body["RoleSessionName"]
        .as_str()
        .is_some_and(|n| n.starts_with("tencentcloud-rs-")));
}

#[tokio::test]
async fn the_web_identity_token_file_is_read_again_at_each_refresh() {
    let server = emulator_with_lifetime(Duration::from_secs(2));
    let token = token_file(WEB_IDENTITY_TOKEN);
    let provider = OidcRoleArnCredentials::builder(PROVIDER_ID, ROLE_ARN)
        .web_identity_token_file(token.path())
        .endpoint(endpoint(&server))
        .refresh_margin(Duration::from_secs(5))
        .build()
        .unwrap();
    // The margin is longer than the lifetime: every call refreshes, and once the first
    // credentials have expired a failed refresh has nothing to fall back on.
    bounded(provider.provide_credentials()).await.unwrap();
    std::fs::write(token.path(), "a-rotated-but-wrong-token").unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let err = bounded(provider.provide_credentials()).await.unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("InvalidParameter.WebIdentityTokenError"),
        "{shown}"
    );
    assert!(!shown.contains("a-rotated-but-wrong-token"), "{shown}");
}

#[tokio::test]
async fn a_profile_with_role_arn_assumes_it_with_its_own_keys() {
    let server = emulator();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".tencentcloud")).unwrap();
    std::fs::write(
        home.path().join(".tencentcloud/credentials"),
        format!(
            "[default]\nsecret_id = {TEST_SECRET_ID}\nsecret_key = {TEST_SECRET_KEY}\n\
             role_arn = {ROLE_ARN}\nrole_session_name = from-profile\nduration_seconds = 900\n"
        ),
    )
    .unwrap();
    let chain = DefaultCredentialsChain::new()
        .environment([("HOME", home.path().to_str().unwrap())])
        .sts_endpoint(endpoint(&server));
    let client = client_with(&server, chain);
    iai_call_succeeds(&server, &client).await;
    let assume = server
        .requests()
        .into_iter()
        .find(|c| c.action.as_deref() == Some("AssumeRole"))
        .expect("the profile's role is assumed");
    assert!(assume
        .header("Authorization")
        .is_some_and(|a| a.contains(&format!("Credential={TEST_SECRET_ID}/"))));
    let body: serde_json::Value = serde_json::from_slice(&assume.body).unwrap();
    assert_eq!(body["RoleSessionName"], "from-profile");
    assert_eq!(body["DurationSeconds"], 900);
}

// --- across an expiry ------------------------------------------------------------------

/// Credentials live 4 s and are refreshed 2 s before expiry. Three rounds of 32 concurrent
/// calls, each round after the previous credentials entered the margin: every call succeeds
/// and each round costs exactly one fetch.
async fn one_fetch_per_refresh(
    server: &TestEmulator,
    provider: impl ProvideCredentials + 'static,
    fetches: impl Fn(&TestEmulator) -> usize,
) {
    let client = client_with(server, provider);
    for round in 1..=3 {
        let calls: Vec<_> = (0..32)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get_group_info().group_id("aaa").send().await })
            })
            .collect();
        for call in calls {
            bounded(call)
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        assert_eq!(fetches(server), round, "one fetch in round {round}");
        tokio::time::sleep(Duration::from_millis(2300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_credentials_refresh_once_under_32_concurrent_calls() {
    let server = emulator_with_lifetime(Duration::from_secs(4));
    let provider = StsAssumeRoleCredentials::builder(test_keys(), ROLE_ARN, "refresh")
        .endpoint(endpoint(&server))
        .refresh_margin(Duration::from_secs(2))
        .build()
        .unwrap();
    one_fetch_per_refresh(&server, provider, |s| {
        s.emulator().issued_credentials_by_source().assume_role
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cvm_role_credentials_refresh_once_under_32_concurrent_calls() {
    let server = emulator_with_lifetime(Duration::from_secs(4));
    let provider = CvmRoleCredentials::builder()
        .endpoint(server.url())
        .role_name(ROLE_NAME)
        .refresh_margin(Duration::from_secs(2))
        .build()
        .unwrap();
    one_fetch_per_refresh(&server, provider, |s| {
        s.emulator().issued_credentials_by_source().metadata
    })
    .await;
}

// --- bad answers -------------------------------------------------------------------------

/// Answers every request with `status` and `body`, on a port of its own.
fn tiny_server(status: u16, body: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

async fn cvm_error(endpoint: &str) -> String {
    let provider = CvmRoleCredentials::builder()
        .endpoint(endpoint)
        .role_name("r")
        .build()
        .unwrap();
    bounded(provider.provide_credentials())
        .await
        .unwrap_err()
        .to_string()
}

#[tokio::test]
async fn metadata_server_bad_answers_are_clear_errors() {
    // The emulator without a CVM role answers 404, as an instance without a role does.
    let server = TestEmulator::start();
    let shown = cvm_error(&server.url()).await;
    assert!(
        shown.contains(&format!(
            "metadata server at {} answered HTTP 404",
            server.url()
        )),
        "{shown}"
    );

    let not_json = tiny_server(200, "<html>captive portal</html>");
    let shown = cvm_error(&not_json).await;
    assert!(
        shown.contains(&format!("metadata server at {not_json}"))
            && shown.contains("not the expected JSON"),
        "{shown}"
    );

    let failed = tiny_server(
        200,
        r#"{"Code":"Failure","TmpSecretId":"AKIDx","TmpSecretKey":"leakedKeyValue","Token":"t","ExpiredTime":1}"#,
    );
    let shown = cvm_error(&failed).await;
    assert!(shown.contains(r#"answered Code "Failure""#), "{shown}");
    assert!(!shown.contains("leakedKeyValue"), "{shown}");

    let refused = {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        format!("http://127.0.0.1:{port}")
    };
    let shown = cvm_error(&refused).await;
    assert!(
        shown.contains(&format!(
            "metadata server at {refused} could not be reached"
        )) && shown.contains("refused"),
        "{shown}"
    );
}

#[tokio::test]
async fn sts_refusals_carry_the_code_and_request_id() {
    let server = emulator();
    let wrong_key = StsAssumeRoleCredentials::builder(
        Credentials::new(TEST_SECRET_ID, "notTheKeyValue"),
        ROLE_ARN,
        "session",
    )
    .endpoint(endpoint(&server))
    .build()
    .unwrap();
    let unknown_role = StsAssumeRoleCredentials::builder(
        test_keys(),
        "qcs::cam::uin/100000000001:roleName/nobody",
        "session",
    )
    .endpoint(endpoint(&server))
    .build()
    .unwrap();
    let expired_token = TestEmulator::builder()
        .with(|b| {
            b.sts_role(ROLE_ARN)
                .oidc_provider(PROVIDER_ID, WEB_IDENTITY_TOKEN)
                .oidc_token_expired(true)
        })
        .start();
    let token = token_file(WEB_IDENTITY_TOKEN);
    let oidc = oidc(&expired_token, &token);
    for (provider, code) in [
        (
            Arc::new(wrong_key) as Arc<dyn ProvideCredentials>,
            "AuthFailure.SignatureFailure",
        ),
        (Arc::new(unknown_role), "ResourceNotFound.RoleNotFound"),
        (Arc::new(oidc), "InvalidParameter.WebIdentityTokenError"),
    ] {
        let err = bounded(provider.provide_credentials()).await.unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("STS AssumeRole"), "{shown}");
        assert!(shown.contains(code), "expected {code}: {shown}");
        assert!(shown.contains("(RequestId: "), "{shown}");
        for secret in ["notTheKeyValue", TEST_SECRET_KEY, WEB_IDENTITY_TOKEN] {
            assert!(!shown.contains(secret), "{shown}");
        }
        // Through a client the same error is SdkError::Credentials, and nothing reaches IAI.
        let client = client_with(&server, provider);
        let call = bounded(client.get_group_info().group_id("aaa").send())
            .await
            .unwrap_err();
        assert!(
            matches!(call, tencentcloud_iai::SdkError::Credentials(_)),
            "{call:?}"
        );
    }
    assert_eq!(server.request_count("GetGroupInfo"), 0);
}

#[test]
fn a_bad_duration_or_session_name_is_refused_before_any_call() {
    for (duration, name) in [
        (43201, "ok-name"),
        (0, "ok-name"),
        (7200, "x"),
        (7200, "has space"),
    ] {
        let err = StsAssumeRoleCredentials::builder(test_keys(), ROLE_ARN, name)
            .endpoint(Endpoint::parse("http://127.0.0.1:9").unwrap())
            .duration_seconds(duration)
            .build()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("DurationSeconds") || err.contains("RoleSessionName"),
            "{duration} {name}: {err}"
        );
    }
    assert!(
        StsAssumeRoleCredentials::builder(test_keys(), ROLE_ARN, "ok-name")
            .duration_seconds(43200)
            .build()
            .is_ok()
    );
}

// --- off Tencent Cloud, and the chain's order ------------------------------------------

#[tokio::test]
async fn off_cloud_the_chain_fails_naming_every_place_tried() {
    let home = tempfile::tempdir().unwrap();
    let metadata = common::silent_listener();
    let chain = DefaultCredentialsChain::new().environment([
        ("HOME", home.path().to_str().unwrap()),
        ("TENCENTCLOUD_METADATA_ENDPOINT", metadata.as_str()),
    ]);
    let err = bounded(chain.provide_credentials()).await.unwrap_err();
    let shown = err.to_string();
    for place in [
        "explicit credentials (none given)",
        "environment (TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY not set)",
        ".tencentcloud/credentials (not found)",
        "TKE OIDC (TKE_REGION, TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE, TKE_ROLE_ARN not set)",
        &format!("CVM role: metadata server at {metadata} did not answer within 2 s"),
    ] {
        assert!(shown.contains(place), "missing {place:?} in {shown}");
    }
}

#[tokio::test]
async fn environment_keys_beat_every_other_source() {
    let server = emulator();
    let token = token_file(WEB_IDENTITY_TOKEN);
    let chain = DefaultCredentialsChain::new().environment([
        ("TENCENTCLOUD_SECRET_ID", TEST_SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", TEST_SECRET_KEY),
        ("TKE_REGION", "ap-guangzhou"),
        ("TKE_PROVIDER_ID", PROVIDER_ID),
        (
            "TKE_WEB_IDENTITY_TOKEN_FILE",
            token.path().to_str().unwrap(),
        ),
        ("TKE_ROLE_ARN", ROLE_ARN),
        ("TENCENTCLOUD_STS_ENDPOINT", &server.url()),
        ("TENCENTCLOUD_METADATA_ENDPOINT", &server.url()),
    ]);
    let credentials = bounded(chain.provide_credentials()).await.unwrap();
    assert_eq!(credentials.secret_id(), TEST_SECRET_ID);
    assert_eq!(credentials.session_token(), None);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn in_a_tke_pod_on_a_cvm_node_the_pods_oidc_role_wins() {
    let server = emulator();
    let token = token_file(WEB_IDENTITY_TOKEN);
    let home = tempfile::tempdir().unwrap();
    let chain = DefaultCredentialsChain::new().environment([
        ("HOME", home.path().to_str().unwrap()),
        ("TKE_REGION", "ap-guangzhou"),
        ("TKE_PROVIDER_ID", PROVIDER_ID),
        (
            "TKE_WEB_IDENTITY_TOKEN_FILE",
            token.path().to_str().unwrap(),
        ),
        ("TKE_ROLE_ARN", ROLE_ARN),
        ("TENCENTCLOUD_STS_ENDPOINT", &server.url()),
        ("TENCENTCLOUD_METADATA_ENDPOINT", &server.url()),
    ]);
    let client = client_with(&server, chain);
    iai_call_succeeds(&server, &client).await;
    let issued = server.emulator().issued_credentials_by_source();
    assert_eq!((issued.web_identity, issued.metadata), (1, 0));
    assert_eq!(server.emulator().metadata_request_count(), 0);

    // With only some TKE variables set the chain says which are missing.
    let partial = DefaultCredentialsChain::new().environment([
        ("HOME", home.path().to_str().unwrap()),
        ("TKE_ROLE_ARN", ROLE_ARN),
    ]);
    let shown = bounded(partial.provide_credentials())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        shown.contains("TKE OIDC is partly configured") && shown.contains("TKE_PROVIDER_ID"),
        "{shown}"
    );
}

// --- no secret shows ---------------------------------------------------------------------

#[tokio::test]
async fn no_secret_token_or_web_identity_token_in_debug_output_or_errors() {
    let server = emulator();
    let token = token_file(WEB_IDENTITY_TOKEN);
    let providers: Vec<Arc<dyn ProvideCredentials>> = vec![
        Arc::new(cvm(&server)),
        Arc::new(sts(&server)),
        Arc::new(oidc(&server, &token)),
        Arc::new(
            OidcRoleArnCredentials::builder(PROVIDER_ID, ROLE_ARN)
                .web_identity_token(WEB_IDENTITY_TOKEN)
                .endpoint(endpoint(&server))
                .build()
                .unwrap(),
        ),
    ];
    for provider in providers {
        let credentials = bounded(provider.provide_credentials()).await.unwrap();
        let secrets = [
            credentials.secret_key().to_owned(),
            credentials.session_token().unwrap().to_owned(),
            WEB_IDENTITY_TOKEN.to_owned(),
            TEST_SECRET_KEY.to_owned(),
        ];
        let shown = format!("{provider:?} {credentials:?}");
        assert!(shown.contains(credentials.secret_id()), "{shown}");
        for secret in &secrets {
            assert!(!shown.contains(secret.as_str()), "{shown}");
        }
    }
}
