//! `Config::from_env()` finds credentials through `DefaultCredentialsChain`: proven with the
//! shipped example program run in a clean environment (so this test process's environment is
//! never changed) against the emulator, which checks every signature.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use iai_integration_tests::emulator::{
    TestEmulator, TEMP_SECRET_ID, TEMP_SECRET_KEY, TEMP_TOKEN, TEST_SECRET_ID, TEST_SECRET_KEY,
};

/// Runs the example with only `vars` (plus the endpoint) in its environment.
fn run(server: &TestEmulator, home: &Path, vars: &[(&str, &str)]) -> Output {
    let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    Command::new(common::example_binary())
        .arg("aaa")
        .env_clear()
        .env(home_var, home)
        .env("TENCENTCLOUD_IAI_ENDPOINT", server.url())
        .envs(vars.iter().copied())
        .output()
        .expect("the example runs")
}

fn write_home_credentials(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join(".tencentcloud")).unwrap();
    std::fs::write(home.join(".tencentcloud/credentials"), text).unwrap();
}

fn profiles() -> String {
    format!(
        "# written by credentials_chain.rs\n[default]\nsecret_id = {TEST_SECRET_ID}\n\
         secret_key = {TEST_SECRET_KEY}\n\n[temp]\nsecret_id = {TEMP_SECRET_ID}\n\
         secret_key = {TEMP_SECRET_KEY}\ntoken = {TEMP_TOKEN}\n"
    )
}

#[test]
fn default_profile_in_the_home_directory() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let home = tempfile::tempdir().unwrap();
    write_home_credentials(home.path(), &profiles());
    let out = run(&server, home.path(), &[]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = &server.requests()[0];
    assert!(sent.authenticated);
    assert!(sent
        .header("Authorization")
        .is_some_and(|a| a.contains(&format!("Credential={TEST_SECRET_ID}/"))));
}

#[test]
fn named_profile_from_a_named_file_with_a_session_token() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("elsewhere.ini");
    std::fs::write(&file, profiles()).unwrap();
    let out = run(
        &server,
        home.path(),
        &[
            ("TENCENTCLOUD_CREDENTIALS_FILE", file.to_str().unwrap()),
            ("TENCENTCLOUD_PROFILE", "temp"),
        ],
    );
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = &server.requests()[0];
    assert!(sent.authenticated);
    assert_eq!(sent.header("X-TC-Token"), Some(TEMP_TOKEN));
}

#[test]
fn environment_variables_come_before_the_profile_file() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let home = tempfile::tempdir().unwrap();
    write_home_credentials(
        home.path(),
        "[default]\nsecret_id = AKIDwrong\nsecret_key = x\n",
    );
    let out = run(
        &server,
        home.path(),
        &[
            ("TENCENTCLOUD_SECRET_ID", TEST_SECRET_ID),
            ("TENCENTCLOUD_SECRET_KEY", TEST_SECRET_KEY),
        ],
    );
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(server.requests()[0].authenticated);
}

/// A port that accepts connections and never answers, as a firewalled or hung metadata server
/// would: the connections are held open until the test ends.
fn silent_listener() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    format!("http://{addr}")
}

/// Off Tencent Cloud: nothing configured, and a metadata server that accepts the connection
/// but never answers. The run fails (bounded by a generous limit, not a speed claim), naming
/// every place tried, and sends nothing to the API.
#[test]
fn no_credentials_anywhere_lists_the_places_looked_and_sends_nothing() {
    let server = TestEmulator::start();
    let home = tempfile::tempdir().unwrap();
    let metadata = silent_listener();
    let started = std::time::Instant::now();
    let out = run(
        &server,
        home.path(),
        &[("TENCENTCLOUD_METADATA_ENDPOINT", metadata.as_str())],
    );
    let took = started.elapsed();
    eprintln!("off-cloud failure took {took:?}");
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !Path::new("/etc/tencentcloud/credentials").exists() {
        for place in [
            "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY not set",
            ".tencentcloud/credentials (not found)",
            "/etc/tencentcloud/credentials (not found)",
            "TKE OIDC (TKE_REGION, TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE, TKE_ROLE_ARN not set)",
            &format!("CVM role: metadata server at {metadata} did not answer within 2 s"),
        ] {
            assert!(stderr.contains(place), "missing {place:?} in {stderr}");
        }
    }
    assert!(server.requests().is_empty());
}
