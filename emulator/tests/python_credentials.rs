//! Cross-implementation: the official Python SDK's `STSAssumeRoleCredential`,
//! `OIDCRoleArnCredential` and `CVMRoleCredential` (tencentcloud-sdk-python-common), pointed
//! at the emulator, get credentials; the SDK's IAI client calls with them and the emulator
//! accepts (script emulator/tests/python/sdk_credentials.py); then this repository's client
//! calls with the same credentials and is accepted too. The SDK speaks HTTPS to STS, so the
//! emulator serves TLS with a self-signed certificate the SDK trusts through a `certifi` shim
//! on `PYTHONPATH` (as in tccli.rs) and `urlopen` through `SSL_CERT_FILE`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use tencentcloud_iai::{Client, Config, Credentials, Endpoint};
use tencentcloud_iai_emulator::{CredentialSource, Emulator, RunningEmulator};

mod common;

const ROLE: &str = "qcs::cam::uin/100000000001:roleName/python-sdk";
const PROVIDER: &str = "tke-oidc";
const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.python-sdk-web-identity.sig";

fn require_sdk() {
    let sdk = common::python_module_available("tencentcloud.common.credential")
        .and_then(|()| common::python_module_available("tencentcloud.iai.v20200303.iai_client"));
    if let Err(why) = sdk {
        panic!(
            "the official Python SDK (common and iai) is needed for this test; install it with\n  \
             python3 -m pip install -r emulator/tests/python/tccli-requirements.txt\n({why})"
        );
    }
}

/// A TLS emulator with every credential source, and the certificate it serves.
struct Setup {
    _dir: tempfile::TempDir,
    cert: PathBuf,
    shim: PathBuf,
    emulator: RunningEmulator,
}

async fn setup() -> Setup {
    require_sdk();
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let shim = dir.path().join("shim");
    std::fs::create_dir_all(shim.join("certifi")).unwrap();
    std::fs::write(
        shim.join("certifi/__init__.py"),
        format!(
            "def where():\n    return {:?}\n",
            cert.display().to_string()
        ),
    )
    .unwrap();
    let emulator = Emulator::builder()
        .tls(&cert, &key)
        .sts_role(ROLE)
        .oidc_provider(PROVIDER, WEB_TOKEN)
        .cvm_role("python-cvm-role")
        .start()
        .await
        .unwrap();
    Setup {
        _dir: dir,
        cert,
        shim,
        emulator,
    }
}

/// Runs the script in `mode`; the credentials it obtained, after checking its IAI call.
async fn python(setup: &Setup, mode: &str) -> (String, String, String) {
    let answer = run_script(setup, mode, WEB_TOKEN).await;
    assert_eq!(answer["GroupNum"], 0, "the SDK's IAI call was answered");
    let field = |name: &str| answer[name].as_str().unwrap().to_owned();
    (field("TmpSecretId"), field("TmpSecretKey"), field("Token"))
}

/// Runs the script in `mode` with `web_token`; the JSON line it printed.
async fn run_script(setup: &Setup, mode: &str, web_token: &str) -> Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/sdk_credentials.py"
    );
    let c = setup.emulator.credentials().clone();
    let mut command = Command::new("python3");
    command
        .args([script, mode])
        .env("HOST", setup.emulator.addr().to_string())
        .env("PYTHONPATH", &setup.shim)
        .env("SSL_CERT_FILE", &setup.cert)
        .env("TENCENTCLOUD_SECRET_ID", &c.secret_id)
        .env("TENCENTCLOUD_SECRET_KEY", &c.secret_key)
        .env("ROLE_ARN", ROLE)
        .env("PROVIDER_ID", PROVIDER)
        .env("WEB_IDENTITY_TOKEN", web_token)
        .env("METADATA_URL", setup.emulator.url());
    // The SDK is synchronous; run it off the runtime's workers.
    let output = tokio::task::spawn_blocking(move || command.output().expect("python3 runs"))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{mode}: stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{mode}: not JSON ({e}): {stdout}"))
}

/// Our client, trusting the emulator's certificate, with the Python SDK's credentials.
async fn our_client_accepts(setup: &Setup, (id, key, token): &(String, String, String)) {
    let config = Config::builder()
        .credentials(Credentials::new(id, key).with_session_token(token))
        .endpoint(Endpoint::parse(&setup.emulator.url()).unwrap())
        .add_root_certificates_pem(std::fs::read(&setup.cert).unwrap())
        .max_attempts(1)
        .build()
        .unwrap();
    let groups = Client::new(config)
        .get_group_list()
        .send()
        .await
        .expect("our client is accepted with the SDK's credentials");
    assert_eq!(groups.group_num, Some(0));
}

/// The SDK's IAI call and ours were both signed with the issued SecretId and token.
fn both_calls_used(emulator: &RunningEmulator, secret_id: &str) {
    let calls: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|c| c.action.as_deref() == Some("GetGroupList"))
        .collect();
    assert_eq!(calls.len(), 2);
    for call in &calls {
        assert!(call.authenticated, "{call:?}");
        let authorization = call.header("Authorization").unwrap();
        assert!(authorization.contains(secret_id), "{authorization}");
        assert_eq!(call.header("X-TC-Token"), Some("** redacted **"));
    }
    assert!(calls[0]
        .header("X-TC-RequestClient")
        .unwrap()
        .starts_with("SDK_PYTHON_"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_assume_role_credential_of_the_python_sdk() {
    let setup = setup().await;
    let credentials = python(&setup, "assume-role").await;
    our_client_accepts(&setup, &credentials).await;
    let emulator = &setup.emulator;
    assert_eq!(emulator.request_count("AssumeRole"), 1);
    assert_eq!(
        emulator
            .issued_credentials_by_source()
            .from(CredentialSource::AssumeRole),
        1
    );
    let call = emulator
        .requests()
        .into_iter()
        .find(|c| c.action.as_deref() == Some("AssumeRole"))
        .unwrap();
    assert!(call
        .header("Authorization")
        .unwrap()
        .contains("/sts/tc3_request"));
    both_calls_used(emulator, &credentials.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_role_arn_credential_of_the_python_sdk() {
    let setup = setup().await;
    let credentials = python(&setup, "oidc").await;
    our_client_accepts(&setup, &credentials).await;
    let emulator = &setup.emulator;
    assert_eq!(emulator.issued_credentials_by_source().web_identity, 1);
    let call = emulator
        .requests()
        .into_iter()
        .find(|c| c.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .unwrap();
    assert_eq!(
        call.header("Authorization"),
        Some("SKIP"),
        "what the SDK sends"
    );
    assert_eq!(call.error_code, None);
    both_calls_used(emulator, &credentials.0);
}

/// The SDK reads STS's refusal as a typed error: code and RequestId.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_reads_a_refused_web_identity_token() {
    let setup = setup().await;
    let refused = run_script(&setup, "oidc-refused", "eyJ.not-the-token.sig").await;
    assert_eq!(refused["Code"], "InvalidParameter.WebIdentityTokenError");
    assert_eq!(
        refused["RequestId"].as_str().map(str::len),
        Some(36),
        "{refused}"
    );
    setup.emulator.set_oidc_token_expired(true);
    let expired = run_script(&setup, "oidc-refused", WEB_TOKEN).await;
    assert_eq!(expired["Code"], "InvalidParameter.WebIdentityTokenError");
    assert_eq!(setup.emulator.issued_credentials_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cvm_role_credential_of_the_python_sdk() {
    let setup = setup().await;
    let credentials = python(&setup, "cvm").await;
    our_client_accepts(&setup, &credentials).await;
    let emulator = &setup.emulator;
    assert_eq!(emulator.issued_credentials_by_source().metadata, 1);
    let metadata_paths: Vec<String> = emulator
        .requests()
        .into_iter()
        .filter(|c| c.path.starts_with("/latest/"))
        .map(|c| c.path)
        .collect();
    assert_eq!(
        metadata_paths,
        [
            "/latest/meta-data/cam/security-credentials/",
            "/latest/meta-data/cam/security-credentials/python-cvm-role",
        ],
        "the SDK asks for the role name, then its credentials, once"
    );
    both_calls_used(emulator, &credentials.0);
}
