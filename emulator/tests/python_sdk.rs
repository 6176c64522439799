//! The emulator driven by Tencent Cloud's official Python SDK (pinned in
//! tests/signing/requirements.txt; `cargo xtask test` installs it): POST and GET calls signed by the
//! SDK, search by a marked image, typed errors for each not-found.

use std::process::Command;

use base64::Engine;
use tencentcloud_iai_emulator::testimage::{marked_jpeg, marked_png};
use tencentcloud_iai_emulator::{Emulator, Marker};

mod common;

fn sdk_installed() -> Result<(), String> {
    common::python_module_available("tencentcloud.common.common_client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_scenario() {
    if let Err(why) = sdk_installed() {
        panic!(
            "the official Python SDK is needed for this test: run the tests with `cargo xtask test`, \
             which installs it in a virtual environment, or install it for python3 with\n  \
             python3 -m pip install -r tests/signing/requirements.txt\n({why})"
        );
    }
    let emulator = Emulator::builder().start().await.unwrap();
    let b64 = |bytes: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(bytes);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/sdk_scenario.py");
    let credentials = emulator.credentials().clone();
    let host = emulator.addr().to_string();
    // The SDK is synchronous; run it off the runtime's workers.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .env("IAI_EMULATOR_HOST", host)
            .env("TENCENTCLOUD_SECRET_ID", &credentials.secret_id)
            .env("TENCENTCLOUD_SECRET_KEY", &credentials.secret_key)
            .env(
                "IMAGE_ALICE",
                b64(marked_png(&Marker::person("alice"), 240, 180)),
            )
            .env(
                "IMAGE_ALICE_AGAIN",
                b64(marked_jpeg(&Marker::person("alice"), 320, 240)),
            )
            .env(
                "IMAGE_BOB",
                b64(marked_png(&Marker::person("bob"), 240, 180)),
            )
            .output()
            .expect("python3 runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("all checks passed"),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert_eq!(stdout.matches("typed error").count(), 6, "{stdout}");
}

/// HTTPS and the SDK's other signature method, HmacSHA256 (common parameters in the body). The
/// emulator serves TLS with a certificate the SDK is told to trust. tccli itself, which signs
/// with TC3, is driven in tccli.rs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_the_hmac_sha256_signature() {
    if let Err(why) = sdk_installed() {
        panic!(
            "the official Python SDK is needed for this test: run the tests with `cargo xtask test`, \
             which installs it in a virtual environment, or install it for python3 with\n  \
             python3 -m pip install -r tests/signing/requirements.txt\n({why})"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let emulator = Emulator::builder().tls(&cert, &key).start().await.unwrap();
    assert!(emulator.url().starts_with("https://127.0.0.1:"));
    let credentials = emulator.credentials().clone();
    let host = emulator.addr().to_string();
    let script = r#"
import os
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
http = HttpProfile(endpoint=os.environ["HOST"], certification=os.environ["CERT"])
profile = ClientProfile(httpProfile=http, signMethod="HmacSHA256")
cred = credential.Credential(os.environ["TENCENTCLOUD_SECRET_ID"], os.environ["TENCENTCLOUD_SECRET_KEY"])
client = CommonClient("iai", "2020-03-03", cred, "", profile=profile)
client.call_json("CreateGroup", {"GroupName": "Tls", "GroupId": "tls"})
print(client.call_json("GetGroupList", {})["Response"]["GroupNum"])
"#;
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .args(["-c", script])
            .env("HOST", host)
            .env("CERT", cert)
            .env("TENCENTCLOUD_SECRET_ID", &credentials.secret_id)
            .env("TENCENTCLOUD_SECRET_KEY", &credentials.secret_key)
            .output()
            .expect("python3 runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.trim() == "1",
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(emulator.state().groups.contains_key("tls"));
}
