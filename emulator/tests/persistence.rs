//! The `iai-emulator` binary: start-up lines, `--state` surviving a real `kill -9`, a corrupt
//! state file refused and left untouched, `--faults FILE`, `--clock-skew-secs` and
//! `--journal-capacity`, the STS and metadata roles, and consistent state under concurrent
//! calls.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use tencentcloud_iai::{Client, Config, Credentials, Endpoint, Image};
use tencentcloud_iai_emulator::testimage::marked_png;
use tencentcloud_iai_emulator::{Marker, DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY};

/// A running binary and the URL from its first line.
struct Binary {
    child: Child,
    url: String,
    lines: Vec<String>,
}

fn spawn(args: &[&str]) -> Binary {
    spawn_reading(args, 4)
}

/// Starts the binary and reads its first `lines` lines.
fn spawn_reading(args: &[&str], line_count: usize) -> Binary {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iai-emulator"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..line_count {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_owned());
    }
    let url = lines[0]
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {:?}", lines[0]))
        .to_owned();
    Binary { child, url, lines }
}

fn client(url: &str) -> Client {
    Client::new(
        Config::builder()
            .credentials(Credentials::new(DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY))
            .endpoint(Endpoint::parse(url).unwrap())
            .max_attempts(1)
            .build()
            .unwrap(),
    )
}

fn face(person: &str) -> Image {
    Image::from_bytes(marked_png(&Marker::person(person), 120, 90))
}

/// `kill -9`: std's `Child::kill` sends SIGKILL on Unix.
fn kill_9(binary: &mut Binary) {
    binary.child.kill().unwrap();
    binary.child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let mut first = spawn(&["--state", state_arg]);
    assert!(first.url.starts_with("http://127.0.0.1:"));
    assert_eq!(
        first.lines[1],
        format!("export TENCENTCLOUD_IAI_ENDPOINT={}", first.url)
    );
    assert_eq!(
        first.lines[2],
        format!("export TENCENTCLOUD_SECRET_ID={DEFAULT_SECRET_ID}")
    );
    assert_eq!(
        first.lines[3],
        format!("export TENCENTCLOUD_SECRET_KEY={DEFAULT_SECRET_KEY}")
    );

    let api = client(&first.url);
    api.create_group()
        .group_name("Staff")
        .group_id("staff")
        .send()
        .await
        .unwrap();
    // 32 clients at once: every acknowledged person is kept, none twice.
    let calls = (0..32).map(|i| {
        let api = client(&first.url);
        async move {
            api.create_person()
                .group_id("staff")
                .person_name(format!("P{i}"))
                .person_id(format!("p{i}"))
                .image(face(&format!("p{i}")))
                .send()
                .await
        }
    });
    let results = futures_join_all(calls).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let added = api
        .create_face()
        .person_id("p0")
        .images(vec![face("p0")])
        .send()
        .await
        .unwrap();
    kill_9(&mut first);

    let second = spawn(&["--state", state_arg]);
    let api = client(&second.url);
    let num = api
        .get_person_list_num()
        .group_id("staff")
        .send()
        .await
        .unwrap();
    assert_eq!((num.person_num, num.face_num), (32, 33));
    let p0 = api
        .get_person_base_info()
        .person_id("p0")
        .send()
        .await
        .unwrap();
    assert!(p0.face_ids.contains(&added.suc_face_ids[0]));
    let found = api
        .search_persons()
        .group_ids(vec!["staff".into()])
        .image(face("p7"))
        .face_match_threshold(80.0)
        .send()
        .await
        .unwrap();
    assert_eq!(found.results[0].candidates[0].person_id, "p7");
    let mut second = second;
    kill_9(&mut second);
}

/// Joins futures without pulling in a futures crate: spawn each on the runtime.
async fn futures_join_all<F, T>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[test]
fn a_corrupt_state_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, b"{\"groups\": 42").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_iai-emulator"))
        .args(["--port", "0", "--state", state.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("state.json") && stderr.contains("left untouched"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&state).unwrap(), b"{\"groups\": 42");
    assert!(!Path::new(&format!("{}.tmp", state.display())).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_state_starts_empty_and_faults_come_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let faults = dir.path().join("faults.json");
    std::fs::write(
        &faults,
        r#"{"GetGroupList": {"script": [{"error": {"code": "FailedOperation.ServerError"}}]}}"#,
    )
    .unwrap();
    let state = dir.path().join("new-state.json");
    let mut binary = spawn(&[
        "--state",
        state.to_str().unwrap(),
        "--faults",
        faults.to_str().unwrap(),
    ]);
    let api = client(&binary.url);
    let err = api.get_group_list().send().await.unwrap_err();
    assert_eq!(err.code(), Some("FailedOperation.ServerError"));
    let list = api.get_group_list().send().await.unwrap();
    assert_eq!(
        list.group_num,
        Some(0),
        "a missing state file is an empty account"
    );
    kill_9(&mut binary);
}

#[test]
fn help_lists_every_option() {
    let output = Command::new(env!("CARGO_BIN_EXE_iai-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for option in [
        "--port",
        "--secret-id",
        "--secret-key",
        "--state",
        "--faults",
        "--tls-cert",
        "--tls-key",
        "--clock-skew-secs",
        "--journal-capacity",
        "--cvm-role",
        "--sts-role",
        "--oidc-provider",
        "--web-identity-token",
        "--credentials-lifetime-secs",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clock_skew_and_journal_capacity_come_from_flags() {
    let mut binary = spawn(&["--clock-skew-secs", "-3600", "--journal-capacity", "2"]);
    let http = reqwest::Client::new();
    let admin = |route: &str| format!("{}/_emulator/{route}", binary.url.trim_end_matches('/'));
    let get_json = |route: &str| {
        let request = http.get(admin(route));
        async move {
            let body = request.send().await.unwrap().bytes().await.unwrap();
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()
        }
    };
    let clock = get_json("clock").await;
    assert_eq!(clock["skew_secs"], -3600, "{clock}");

    // A client on the system clock is an hour ahead of the emulator: within TC3's five
    // minutes only once it has corrected its clock from the Date header.
    let api = client(&binary.url);
    for _ in 0..3 {
        api.get_group_list().send().await.unwrap();
    }
    let journal = get_json("requests").await;
    let calls = journal.as_array().unwrap_or_else(|| panic!("{journal}"));
    assert_eq!(
        calls.len(),
        2,
        "the journal keeps the last 2 calls: {journal}"
    );
    assert!(
        calls.iter().all(|call| call["action"] == "GetGroupList"),
        "{journal}"
    );
    kill_9(&mut binary);
}

#[test]
fn a_bad_number_for_a_flag_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_iai-emulator"))
        .args(["--port", "0", "--journal-capacity", "lots"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--journal-capacity"), "{stderr}");
}

/// `--cvm-role`, `--sts-role`, `--oidc-provider` with `--web-identity-token`, and
/// `--credentials-lifetime-secs`: the start-up lines name the endpoints the client reads,
/// never the token, and both sources hand out credentials of that lifetime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_roles_come_from_flags() {
    const ROLE: &str = "qcs::cam::uin/100000000001:roleName/from-flags";
    const TOKEN: &str = "eyJ.flag-web-identity-secret.sig";
    let mut binary = spawn_reading(
        &[
            "--cvm-role",
            "flag-role",
            "--sts-role",
            ROLE,
            "--oidc-provider",
            "flag-provider",
            "--web-identity-token",
            TOKEN,
            "--credentials-lifetime-secs",
            "30",
        ],
        10,
    );
    let url = binary.url.clone();
    let lines = binary.lines.join("\n");
    for expected in [
        format!("export TENCENTCLOUD_METADATA_ENDPOINT={url}"),
        format!("export TENCENTCLOUD_STS_ENDPOINT={url}"),
        "export TKE_PROVIDER_ID=flag-provider".to_owned(),
        format!("export TKE_ROLE_ARN={ROLE}"),
    ] {
        assert!(
            lines.contains(&expected),
            "{expected} missing from:\n{lines}"
        );
    }
    assert!(!lines.contains(TOKEN), "{lines}");

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let http = reqwest::Client::new();
    let role = http
        .get(format!("{url}/latest/meta-data/cam/security-credentials/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(role, "flag-role");
    let metadata: serde_json::Value = serde_json::from_slice(
        &http
            .get(format!(
                "{url}/latest/meta-data/cam/security-credentials/flag-role"
            ))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(
        metadata["ExpiredTime"].as_u64().unwrap().abs_diff(now + 30) <= 2,
        "{metadata}"
    );
    let body = serde_json::json!({"ProviderId": "flag-provider", "WebIdentityToken": TOKEN,
        "RoleArn": ROLE, "RoleSessionName": "from-flags"});
    let answer: serde_json::Value = serde_json::from_slice(
        &http
            .post(format!("{url}/"))
            .header("Content-Type", "application/json")
            .header("X-TC-Action", "AssumeRoleWithWebIdentity")
            .header("X-TC-Version", "2018-08-13")
            .header("X-TC-Timestamp", now.to_string())
            .header("Authorization", "SKIP")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    let expired_time = answer["Response"]["ExpiredTime"].as_u64();
    assert!(
        expired_time.is_some_and(|t| t.abs_diff(now + 30) <= 2),
        "the lifetime overrides the default 7200 s: {answer}"
    );

    // The admin API counts what was issued, and can end it all at once.
    let counts = |http: reqwest::Client| {
        let route = format!("{url}/_emulator/credentials");
        async move {
            let body = http.get(route).send().await.unwrap().bytes().await.unwrap();
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()
        }
    };
    let before = counts(http.clone()).await;
    assert_eq!(
        before,
        serde_json::json!({"assume_role": 0, "web_identity": 1, "metadata": 1,
                           "metadata_requests": 2})
    );
    let expired = http
        .post(format!("{}/_emulator/credentials/expire", binary.url))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 200);
    http.get(format!(
        "{}/latest/meta-data/cam/security-credentials/flag-role",
        binary.url
    ))
    .send()
    .await
    .unwrap();
    let after = counts(http.clone()).await;
    assert_eq!(
        after["metadata"], 2,
        "expired metadata credentials rotate: {after}"
    );
    kill_9(&mut binary);
}
