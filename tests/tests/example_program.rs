//! The shipped example, `cargo run --example get_group_info -- <GroupId>`,
//! configured only by environment variables and pointed at the emulator.

use std::process::{Command, Output};

mod common;

use iai_integration_tests::emulator::{
    same_as_example_group, TestEmulator, TEST_SECRET_ID, TEST_SECRET_KEY,
};

fn run_example(server: &TestEmulator, secret_key: &str, group_id: &str) -> Output {
    Command::new(common::example_binary())
        .arg(group_id)
        .env_clear()
        .env("TENCENTCLOUD_SECRET_ID", TEST_SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", secret_key)
        .env("TENCENTCLOUD_IAI_ENDPOINT", server.url())
        .output()
        .expect("the example runs")
}

#[test]
fn example_prints_the_response_as_json_with_api_field_names() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let output = run_example(&server, TEST_SECRET_KEY, "aaa");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {stderr}",
        output.status
    );

    let printed: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert!(same_as_example_group(&printed), "{printed}");
    assert!(printed["CreationTimestamp"].as_u64().unwrap() > 1_700_000_000_000);
    assert!(server.requests()[0].authenticated);
}

#[test]
fn example_reports_service_errors_on_stderr_and_fails() {
    let server = TestEmulator::start();
    let output = run_example(&server, TEST_SECRET_KEY, "missing");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("InvalidParameterValue.GroupIdNotExist"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing"),
        "the message names the group: {stderr}"
    );
    assert!(stderr.contains("RequestId: "), "{stderr}");
}

#[test]
fn example_rejects_a_bad_signature_and_never_prints_the_key() {
    let server = TestEmulator::start();
    let output = run_example(&server, "not-the-right-key", "aaa");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("AuthFailure.SignatureFailure"), "{stderr}");
    assert!(!stderr.contains("not-the-right-key"), "{stderr}");
}

#[test]
fn example_refuses_an_invalid_group_id_without_calling_the_server() {
    let server = TestEmulator::start();
    let output = run_example(&server, TEST_SECRET_KEY, "bad/id");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("GroupId"), "{stderr}");
    assert!(server.requests().is_empty());
}
