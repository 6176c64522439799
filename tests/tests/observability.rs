//! Every call is a `tracing` span with action, region, attempts, RequestId, latency and outcome,
//! and nothing recorded ever holds a secret or the Authorization header.

mod common;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use iai_integration_tests::emulator::{FaultStep, TestEmulator};
use tencentcloud_iai::{Client, Credentials};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Records every span field and event field as `name=value` text.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Collect<'a>(&'a mut Vec<String>, &'a str);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .push(format!("{}:{}={:?}", self.1, field.name(), value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .push(format!("{}:{}={}", self.1, field.name(), value));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut lines = self.lines.lock().unwrap();
        let name = span.metadata().name();
        lines.push(format!("span:{name}"));
        span.record(&mut Collect(&mut lines, name));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Collect(&mut self.lines.lock().unwrap(), "record"));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        event.record(&mut Collect(&mut self.lines.lock().unwrap(), "event"));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn calls_are_traced_without_secrets() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());

    let secret_id = "AKIDtraceEXAMPLE";
    let secret_key = "trace-secret-key-value";
    let token = "trace-session-token-value";
    // The emulator accepts these temporary credentials, so the call really is signed with
    // them, throttled once, retried and answered.
    let server = TestEmulator::builder()
        .credential(secret_id, secret_key, Some(token))
        .start();
    server.seed_example_group();
    server.script(
        "GetGroupInfo",
        [FaultStep::Error {
            code: "RequestLimitExceeded".into(),
            message: Some("slow down".into()),
        }],
    );
    let client = Client::new(
        common::config_for(&server)
            .credentials(Credentials::new(secret_id, secret_key).with_session_token(token))
            .region("ap-guangzhou")
            .retry_backoff(
                std::time::Duration::from_millis(1),
                std::time::Duration::from_millis(2),
            )
            .build()
            .unwrap(),
    );
    let group = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(server.request_count("GetGroupInfo"), 2);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.authenticated && r.header("X-TC-Token") == Some(token)));

    let lines = recorder.lines.lock().unwrap().join("\n");
    for expected in [
        "span:tencentcloud_call",
        "tencentcloud_call:action=GetGroupInfo",
        "tencentcloud_call:region=ap-guangzhou",
        "tencentcloud_call:service=iai",
        "record:attempts=2",
        "record:latency_ms=",
        "record:outcome=success",
        &format!("record:request_id={}", group.request_id),
    ] {
        assert!(lines.contains(expected), "missing {expected} in:\n{lines}");
    }
    for secret in [secret_key, token, "TC3-HMAC-SHA256", "Signature="] {
        assert!(!lines.contains(secret), "{secret} was recorded:\n{lines}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_span_records_request_id_attempts_and_outcome() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    // No group `aaa`: the emulator answers `InvalidParameterValue.GroupIdNotExist`.
    let server = TestEmulator::start();
    let err = common::client_for(&server)
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValue.GroupIdNotExist"));
    let id = err
        .request_id()
        .expect("service errors carry a RequestId")
        .to_owned();

    let lines = recorder.lines.lock().unwrap().join("\n");
    assert!(
        lines.contains(&format!("record:request_id={id}")),
        "{lines}"
    );
    assert!(lines.contains("record:attempts=1"), "{lines}");
    assert!(lines.contains("record:outcome=service_error"), "{lines}");
}

/// The credential providers' own tracing (fetches, the STS calls they make, failed refreshes)
/// holds no secret key, session token or web identity token either.
#[tokio::test(flavor = "current_thread")]
async fn credential_providers_are_traced_without_secrets() {
    use std::time::Duration;
    use tencentcloud_iai::runtime::credentials::{
        CvmRoleCredentials, OidcRoleArnCredentials, StsAssumeRoleCredentials,
    };
    use tencentcloud_iai::{Endpoint, ProvideCredentials};

    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    const ROLE: &str = "qcs::cam::uin/100000000001:roleName/traced";
    const WEB_TOKEN: &str = "web-identity-token-trace-value";
    let server = TestEmulator::builder()
        .with(|b| {
            b.sts_role(ROLE)
                .oidc_provider("p", WEB_TOKEN)
                .cvm_role("traced-role")
        })
        .start();
    server.seed_example_group();
    let endpoint = Endpoint::parse(&server.url()).unwrap();
    let source_key = iai_integration_tests::emulator::TEST_SECRET_KEY;
    let providers: Vec<Arc<dyn ProvideCredentials>> = vec![
        Arc::new(
            StsAssumeRoleCredentials::builder(
                Credentials::new(iai_integration_tests::emulator::TEST_SECRET_ID, source_key),
                ROLE,
                "traced",
            )
            .endpoint(endpoint.clone())
            .build()
            .unwrap(),
        ),
        Arc::new(
            OidcRoleArnCredentials::builder("p", ROLE)
                .web_identity_token(WEB_TOKEN)
                .endpoint(endpoint.clone())
                .build()
                .unwrap(),
        ),
        Arc::new(
            CvmRoleCredentials::builder()
                .endpoint(server.url())
                .build()
                .unwrap(),
        ),
    ];
    let mut secrets = vec![source_key.to_owned(), WEB_TOKEN.to_owned()];
    for provider in providers {
        let credentials = provider.provide_credentials().await.unwrap();
        secrets.push(credentials.secret_key().to_owned());
        secrets.push(credentials.session_token().unwrap().to_owned());
        let client = Client::new(
            server
                .config()
                .credentials_provider(provider)
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap(),
        );
        client
            .get_group_info()
            .group_id("aaa")
            .send()
            .await
            .unwrap();
    }
    let lines = recorder.lines.lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("AssumeRoleWithWebIdentity")),
        "the STS calls are traced: {lines:?}"
    );
    for line in &lines {
        for secret in &secrets {
            assert!(!line.contains(secret.as_str()), "{line}");
        }
    }
}
