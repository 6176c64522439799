//! tccli, Tencent Cloud's own command line, against the emulator. tccli speaks only HTTPS and
//! verifies certificates against the `certifi` bundle, so the emulator serves TLS with a
//! self-signed certificate and tccli is given a `certifi` that names it (a module earlier on
//! `PYTHONPATH`; the README shows the same for manual use). `cargo xtask test` installs tccli
//! (emulator/tests/python/tccli-requirements.txt, then tccli-no-deps-requirements.txt).

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use tencentcloud_iai_emulator::testimage::marked_png;
use tencentcloud_iai_emulator::{Emulator, Marker, RunningEmulator};

mod common;

fn tccli_installed() -> Result<(), String> {
    common::python_module_available("tccli.main")
}

/// Runs `tccli iai <args>` against the emulator; HOME is a fresh directory, so no user
/// configuration or credentials file takes part.
fn tccli(emulator: &RunningEmulator, dir: &Path, secret_key: &str, args: &[&str]) -> Output {
    let credentials = emulator.credentials();
    let endpoint = emulator.addr().to_string();
    Command::new("python3")
        // What the `tccli` script runs (`-m tccli.main` would drop the exit status).
        .args([
            "-c",
            "import sys; from tccli.main import main; sys.exit(main())",
            "iai",
        ])
        .args(args)
        .args(["--endpoint", &endpoint, "--region", "ap-guangzhou"])
        .args([
            "--secretId",
            &credentials.secret_id,
            "--secretKey",
            secret_key,
        ])
        .env("HOME", dir)
        .env("PYTHONPATH", dir.join("shim"))
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY")
        .output()
        .expect("python3 runs")
}

fn json_of(output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tccli failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn failure_text(output: &Output) -> String {
    assert!(!output.status.success(), "expected tccli to fail");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tccli_creates_searches_and_gets_typed_errors() {
    if let Err(why) = tccli_installed() {
        panic!(
            "tccli is needed for this test: run the tests with `cargo xtask test`, which installs \
             it in a virtual environment, or install it for python3 with\n  \
             python3 -m pip install -r emulator/tests/python/tccli-requirements.txt\n  \
             python3 -m pip install --no-deps -r emulator/tests/python/tccli-no-deps-requirements.txt\n({why})"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let shim = dir.path().join("shim/certifi");
    std::fs::create_dir_all(&shim).unwrap();
    std::fs::write(
        shim.join("__init__.py"),
        format!(
            "def where():\n    return {:?}\n",
            cert.display().to_string()
        ),
    )
    .unwrap();
    let emulator = Emulator::builder().tls(&cert, &key).start().await.unwrap();
    let key = emulator.credentials().secret_key.clone();
    let b64 = |bytes: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(bytes);
    let alice = b64(marked_png(&Marker::person("alice"), 120, 90));
    let alice_again = b64(marked_png(&Marker::person("alice"), 160, 120));
    let bob = b64(marked_png(&Marker::person("bob"), 120, 90));

    // tccli is synchronous and slow to start; run it off the runtime's workers.
    let run = {
        let dir = dir.path().to_owned();
        move |emulator: &RunningEmulator, key: &str, args: Vec<String>| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            tokio::task::block_in_place(|| tccli(emulator, &dir, key, &args))
        }
    };
    let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    let created = json_of(&run(
        &emulator,
        &key,
        args(&["CreateGroup", "--GroupId", "staff", "--GroupName", "Staff"]),
    ));
    assert_eq!(created["FaceModelVersion"], "3.0", "{created}");
    json_of(&run(
        &emulator,
        &key,
        args(&[
            "CreatePerson",
            "--GroupId",
            "staff",
            "--PersonId",
            "alice",
            "--PersonName",
            "Alice",
            "--Image",
            &alice,
        ]),
    ));
    let found = json_of(&run(
        &emulator,
        &key,
        args(&[
            "SearchPersons",
            "--GroupIds",
            r#"["staff"]"#,
            "--Image",
            &alice_again,
        ]),
    ));
    let candidate = &found["Results"][0]["Candidates"][0];
    assert_eq!(candidate["PersonId"], "alice", "{found}");
    assert!(candidate["Score"].as_f64().unwrap() >= 80.0, "{found}");
    let stranger = json_of(&run(
        &emulator,
        &key,
        args(&[
            "SearchPersons",
            "--GroupIds",
            r#"["staff"]"#,
            "--Image",
            &bob,
            "--FaceMatchThreshold",
            "60",
        ]),
    ));
    let candidates = stranger["Results"][0]["Candidates"].as_array().unwrap();
    assert!(candidates.is_empty(), "{stranger}");

    let missing = failure_text(&run(
        &emulator,
        &key,
        args(&["GetGroupInfo", "--GroupId", "nope"]),
    ));
    assert!(
        missing.contains("InvalidParameterValue.GroupIdNotExist"),
        "{missing}"
    );
    let forged = failure_text(&run(&emulator, "not-the-key", args(&["GetGroupList"])));
    assert!(forged.contains("AuthFailure.SignatureFailure"), "{forged}");

    // The calls were tccli's: its request-client tag, TC3 signatures, over HTTPS.
    let calls = emulator.requests();
    assert_eq!(calls.len(), 6);
    for call in &calls {
        let client = call.header("X-TC-RequestClient").unwrap_or_default();
        assert!(client.contains("_CLI_"), "{client}");
        let authorization = call.header("Authorization").unwrap_or_default();
        assert!(authorization.starts_with("TC3-HMAC-SHA256 "), "{call:?}");
    }
    let state = emulator.state();
    assert_eq!(state.groups["staff"].members[0].person_id, "alice");
}
