//! The `iai` command line, built from the same spec as the client: flags, `--input-json`,
//! per-action help, dry runs and exit codes, against the signature-checking server.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

mod common;

use iai_integration_tests::server::{
    Reply, TestServer, GET_GROUP_INFO_EXAMPLE, TEST_SECRET_ID, TEST_SECRET_KEY,
};

fn iai_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    common::workspace_binary(
        &BINARY,
        &[
            "-p",
            "tencentcloud-iai",
            "--features",
            "cli",
            "--bin",
            "iai",
        ],
        "iai",
    )
}

fn iai(server: Option<&TestServer>, args: &[&str]) -> Output {
    let mut cmd = Command::new(iai_binary());
    cmd.args(args)
        .env_clear()
        .env("TENCENTCLOUD_SECRET_ID", TEST_SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", TEST_SECRET_KEY);
    if let Some(server) = server {
        cmd.env("TENCENTCLOUD_IAI_ENDPOINT", server.url());
    }
    cmd.output().expect("iai runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn flags_call_the_action_and_print_json() {
    let server = TestServer::start();
    let out = iai(Some(&server), &["get-group-info", "--group-id", "aaa"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let documented: serde_json::Value = serde_json::from_str(GET_GROUP_INFO_EXAMPLE).unwrap();
    assert_eq!(printed, documented["Response"]);
    let sent = &server.requests()[0];
    assert!(sent.signature_ok);
    assert_eq!(sent.body, br#"{"GroupId":"aaa"}"#);
}

#[test]
fn typed_flags_lists_and_input_json_are_merged() {
    let server = TestServer::start();
    server.script(
        "SearchFaces",
        vec![Reply::json(
            r#"{"Response":{"Results":[],"FaceNum":0,"FaceModelVersion":"3.0","RequestId":"r1"}}"#,
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    std::fs::write(&input, r#"{"GroupIds":["from-file"],"MaxPersonNum":3}"#).unwrap();
    let out = iai(
        Some(&server),
        &[
            "--endpoint",
            &server.url(),
            "search-faces",
            "--input-json",
            &format!("@{}", input.display()),
            "--url",
            "https://example.com/face.jpg",
            "--max-face-num",
            "2",
            "--group-ids",
            "g1",
            "--group-ids",
            "g2",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let body: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(body["MaxFaceNum"], 2, "numbers are typed, not strings");
    assert_eq!(body["MaxPersonNum"], 3, "--input-json values are kept");
    assert_eq!(
        body["GroupIds"],
        serde_json::json!(["g1", "g2"]),
        "repeated flags build a list and override the file"
    );
    assert_eq!(body["Url"], "https://example.com/face.jpg");
}

#[test]
fn image_flags_read_and_encode_files() {
    let server = TestServer::start();
    server.script(
        "DetectLiveFaceAccurate",
        vec![Reply::json(
            r#"{"Response":{"Score":99,"FaceModelVersion":"3.0","RequestId":"r2"}}"#,
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("face.jpg");
    std::fs::write(&image, b"\xff\xd8\xff\xe0fake-jpeg").unwrap();
    let out = iai(
        Some(&server),
        &[
            "detect-live-face-accurate",
            "--image",
            &format!("@{}", image.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let body: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(body["Image"], "/9j/4GZha2UtanBlZw==");
}

#[test]
fn service_errors_go_to_stderr_with_code_message_and_request_id() {
    let server = TestServer::start();
    server.script(
        "GetGroupInfo",
        vec![Reply::error(
            "InvalidParameterValue.GroupIdNotExist",
            "no such group",
        )],
    );
    let out = iai(Some(&server), &["get-group-info", "--group-id", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("error: InvalidParameterValue.GroupIdNotExist"),
        "{err}"
    );
    assert!(err.contains("message: no such group"), "{err}");
    assert!(err.contains("RequestId: "), "{err}");
}

#[test]
fn usage_errors_exit_with_2_before_any_request() {
    let server = TestServer::start();
    for (args, expected) in [
        (&["get-group-info"][..], "needs --group-id"),
        (&["no-such-action"][..], "unknown action"),
        (
            &["get-group-info", "--group-id", "a", "--colour", "red"][..],
            "no parameter --colour",
        ),
        (
            &["detect-face", "--max-face-num", "many"][..],
            "expects an unsigned integer",
        ),
        (
            &["get-group-info", "--input-json", "{not json"][..],
            "not valid JSON",
        ),
        (
            &[
                "get-group-info",
                "--input-json",
                r#"{"GroupId":"a","Bogus":1}"#,
            ][..],
            "unknown field `Bogus`",
        ),
    ] {
        let out = iai(Some(&server), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = iai(Some(&server), &["get-group-info", "--group-id", "bad/id"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("GroupId"), "{}", stderr(&out));
    assert!(
        server.requests().is_empty(),
        "no invalid request reached the server"
    );
}

#[test]
fn help_comes_from_the_spec() {
    let overview = iai(None, &["--help"]);
    assert_eq!(overview.status.code(), Some(0));
    let text = stdout(&overview);
    for command in [
        "get-group-info",
        "search-persons-returns-by-group",
        "detect-live-face-accurate",
    ] {
        assert!(text.contains(command), "{command} missing from:\n{text}");
    }
    let help = iai(None, &["create-group", "--help"]);
    let text = stdout(&help);
    assert_eq!(help.status.code(), Some(0));
    assert!(text.contains("--group-name <string>, required"), "{text}");
    assert!(
        text.contains("--group-ex-descriptions <string>, repeatable"),
        "{text}"
    );
    assert!(
        text.contains("can contain 1 to 60 characters"),
        "docs come from the spec:\n{text}"
    );
}

#[test]
fn dry_run_prints_the_signed_request_without_sending_or_leaking_secrets() {
    let server = TestServer::start();
    let out = Command::new(iai_binary())
        .args([
            "--dry-run",
            "get-group-info",
            "--group-id",
            "aaa",
            "--region",
            "ap-guangzhou",
        ])
        .env_clear()
        .env("TENCENTCLOUD_SECRET_ID", "AKIDdryrun")
        .env("TENCENTCLOUD_SECRET_KEY", "dry-run-secret-key")
        .env("TENCENTCLOUD_SESSION_TOKEN", "dry-run-session-token")
        .env("TENCENTCLOUD_IAI_ENDPOINT", server.url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("POST {}/", server.url())),
        "{text}"
    );
    assert!(text.contains("X-TC-Action: GetGroupInfo"));
    assert!(text.contains("X-TC-Region: ap-guangzhou"));
    assert!(text.contains("Authorization: TC3-HMAC-SHA256 Credential=AKIDdryrun/"));
    assert!(text.contains(r#"{"GroupId":"aaa"}"#));
    assert!(
        !text.contains("dry-run-secret-key") && !text.contains("dry-run-session-token"),
        "{text}"
    );
    assert!(server.requests().is_empty(), "a dry run sends nothing");
}
