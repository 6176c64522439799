//! Cross-implementation, ours → its: temporary credentials our STS and OIDC providers get from
//! the emulator are used by the official Python SDK (tencentcloud-sdk-python-common and -iai)
//! for an IAI call, which the emulator accepts. (The other direction, the SDK's providers →
//! our client, is emulator/tests/python_credentials.rs.) Needs `python3` with the SDK on
//! PATH, e.g. `PATH=/work/venv/bin:$PATH`.

mod common;

use std::process::Command;

use common::bounded;
use iai_integration_tests::emulator::{TestEmulator, TEST_SECRET_ID, TEST_SECRET_KEY};
use tencentcloud_iai::runtime::credentials::{OidcRoleArnCredentials, StsAssumeRoleCredentials};
use tencentcloud_iai::{Credentials, Endpoint, ProvideCredentials};

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/python-uses-ours";
const PROVIDER_ID: &str = "tke-oidc";
const WEB_IDENTITY_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.ours-to-its.sig";

/// The SDK's IAI client, with the credentials given, calls GetGroupList over plain HTTP.
const SCRIPT: &str = r#"
import sys
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.iai.v20200303 import iai_client, models
secret_id, secret_key, token, host = sys.argv[1:5]
profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=host))
client = iai_client.IaiClient(credential.Credential(secret_id, secret_key, token), "ap-guangzhou", profile)
print(client.GetGroupList(models.GetGroupListRequest()).to_json_string())
"#;

fn require_sdk() {
    let probe = Command::new("python3")
        .args([
            "-c",
            "import tencentcloud.common.credential, tencentcloud.iai.v20200303.iai_client",
        ])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        other => panic!(
            "the official Python SDK (common and iai) is needed for this test: put a venv that \
             has it first on PATH (PATH=/work/venv/bin:$PATH), or install it with\n  \
             python3 -m pip install -r emulator/tests/python/tccli-requirements.txt\n({other:?})"
        ),
    }
}

fn python_calls_iai_with(server: &TestEmulator, credentials: &Credentials) {
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .args([
            credentials.secret_id(),
            credentials.secret_key(),
            credentials.session_token().expect("temporary credentials"),
            &server.host(),
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the SDK's call failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(answer["RequestId"].is_string(), "{answer}");
    let call = server
        .requests()
        .into_iter()
        .rev()
        .find(|c| c.action.as_deref() == Some("GetGroupList"))
        .expect("the SDK called");
    assert!(call.authenticated, "{call:?}");
    assert!(call
        .header("Authorization")
        .is_some_and(|a| a.contains(&format!("Credential={}/", credentials.secret_id()))));
}

fn emulator() -> TestEmulator {
    TestEmulator::builder()
        .with(|b| {
            b.sts_role(ROLE_ARN)
                .oidc_provider(PROVIDER_ID, WEB_IDENTITY_TOKEN)
        })
        .start()
}

#[tokio::test]
async fn the_python_sdk_calls_iai_with_credentials_our_sts_provider_assumed() {
    require_sdk();
    let server = emulator();
    let provider = StsAssumeRoleCredentials::builder(
        Credentials::new(TEST_SECRET_ID, TEST_SECRET_KEY),
        ROLE_ARN,
        "ours-to-its",
    )
    .endpoint(Endpoint::parse(&server.url()).unwrap())
    .build()
    .unwrap();
    let credentials = bounded(provider.provide_credentials()).await.unwrap();
    assert_eq!(
        server.emulator().issued_credentials_by_source().assume_role,
        1
    );
    python_calls_iai_with(&server, &credentials);
}

#[tokio::test]
async fn the_python_sdk_calls_iai_with_credentials_our_oidc_provider_got() {
    require_sdk();
    let server = emulator();
    let provider = OidcRoleArnCredentials::builder(PROVIDER_ID, ROLE_ARN)
        .web_identity_token(WEB_IDENTITY_TOKEN)
        .endpoint(Endpoint::parse(&server.url()).unwrap())
        .build()
        .unwrap();
    let credentials = bounded(provider.provide_credentials()).await.unwrap();
    assert_eq!(
        server
            .emulator()
            .issued_credentials_by_source()
            .web_identity,
        1
    );
    python_calls_iai_with(&server, &credentials);
}
