//! The promise of the project: a new action needs a YAML file and `cargo xtask regenerate`,
//! nothing else. This test copies the workspace, adds `DeleteGroup.yaml`, regenerates with the
//! real command, checks the diff touched only YAML and generated files, then builds a small
//! user program against the copy and calls the new method over loopback.
//!
//! Builds use their own persistent target directory (`target/spec-only-addition/target`), so
//! only the first run compiles the dependencies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use iai_integration_tests::server::{Reply, TestServer, TEST_SECRET_ID, TEST_SECRET_KEY};

const NEW_ACTION: &str = "spec/actions/DeleteGroup.yaml";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn run(cmd: &mut Command) -> Output {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        output.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn cargo(dir: &Path, target_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_NET_OFFLINE", "true");
    cmd
}

/// The files a clean clone would have: tracked plus untracked-but-not-ignored.
fn copy_workspace(from: &Path, to: &Path) {
    let listing = run(Command::new("git").current_dir(from).args([
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ]));
    for name in listing.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let rel = Path::new(std::str::from_utf8(name).unwrap());
        let source = from.join(rel);
        if !source.is_file() {
            continue; // deleted in the working tree
        }
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&source, &dest).unwrap();
    }
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_owned(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn changed_paths(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = after
        .iter()
        .filter(|(path, contents)| before.get(*path) != Some(*contents))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    changed.sort();
    changed
}

const PROBE_MAIN: &str = r#"
use tencentcloud_iai::operation::delete_group::{DeleteGroupError, DeleteGroupRequest, DeleteGroupResponse};
use tencentcloud_iai::{Client, Config, SdkError};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let group_id = std::env::args().nth(1).expect("group id");
    if group_id == "--mock" {
        // The new action's builder and typed mock support, also generated from the YAML alone.
        let mock = tencentcloud_iai::mock::Mock::strict();
        mock.on::<DeleteGroupRequest>().then_output(DeleteGroupResponse::builder().request_id("mocked").build());
        let out = mock.client().delete_group("g1").send().await.expect("mocked call");
        assert_eq!(mock.requests::<DeleteGroupRequest>()[0].group_id, "g1");
        println!("mocked; RequestId={}", out.request_id);
        return;
    }
    let client = Client::new(Config::from_env().expect("config from env"));
    match client.delete_group(group_id).send().await {
        Ok(out) => println!("deleted; RequestId={}", out.request_id),
        Err(SdkError::Service(DeleteGroupError::InvalidParameterValueGroupIdNotExist(meta))) => {
            println!("typed error GroupIdNotExist: {}", meta.message);
            std::process::exit(3);
        }
        Err(other) => {
            println!("other error: {other}");
            std::process::exit(4);
        }
    }
}
"#;

#[test]
fn adding_an_action_needs_only_yaml() {
    let root = workspace_root();
    let scratch = root.join("target").join("spec-only-addition");
    let target_dir = scratch.join("target");
    let copy = scratch.join("workspace");
    let probe = scratch.join("probe");
    for dir in [&copy, &probe] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }
    copy_workspace(&root, &copy);

    // Start from a workspace without the action, whether or not the real spec has it.
    if copy.join(NEW_ACTION).exists() {
        std::fs::remove_file(copy.join(NEW_ACTION)).unwrap();
        run(cargo(&copy, &target_dir).args(["xtask", "regenerate"]));
    }
    let before = snapshot(&copy);
    assert!(!before.keys().any(|p| p.ends_with("delete_group.rs")));

    std::fs::copy(
        root.join("tests/fixtures/spec_only_addition/DeleteGroup.yaml"),
        copy.join(NEW_ACTION),
    )
    .unwrap();
    run(cargo(&copy, &target_dir).args(["xtask", "regenerate"]));
    run(cargo(&copy, &target_dir).args(["xtask", "regenerate", "--check"]));

    let after = snapshot(&copy);
    let changed = changed_paths(&before, &after);
    let generated = Path::new(codegen::GENERATED_DIR);
    let readme = Path::new(codegen::README);
    let hand_edits: Vec<_> = changed
        .iter()
        .filter(|p| {
            !p.starts_with(generated)
                && p.as_path() != Path::new(NEW_ACTION)
                && p.as_path() != readme
        })
        .collect();
    assert!(
        hand_edits.is_empty(),
        "adding an action changed non-generated files: {hand_edits:?}"
    );
    assert!(changed.contains(&PathBuf::from(NEW_ACTION)));
    // The README changes only inside its generated actions table, which now lists the action.
    let outside_table = |bytes: &Vec<u8>| {
        let text = String::from_utf8(bytes.clone()).unwrap();
        codegen::emit::readme::replace_section(&text, "").expect("README has the actions markers")
    };
    assert_eq!(
        outside_table(&before[readme]),
        outside_table(&after[readme])
    );
    assert!(String::from_utf8_lossy(&after[readme]).contains("`delete_group(group_id)`"));
    let module = generated.join("operation/delete_group.rs");
    assert!(
        changed.contains(&module),
        "no module generated for the new action: {changed:?}"
    );
    let source = std::fs::read_to_string(copy.join(&module)).unwrap();
    assert!(source.starts_with("// @generated"));
    assert!(
        source.contains("delete a group and all persons in it"),
        "docs come from the spec"
    );

    // A user program depending on the copied client, built with the same locked versions.
    std::fs::create_dir_all(probe.join("src")).unwrap();
    std::fs::write(
        probe.join("Cargo.toml"),
        format!(
            "[package]\nname = \"spec-only-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ntencentcloud-iai = {{ path = {:?}, features = [\"test-util\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\", \"time\"] }}\n\n[workspace]\n",
            copy.join("generated-client")
        ),
    )
    .unwrap();
    std::fs::write(probe.join("src/main.rs"), PROBE_MAIN).unwrap();
    std::fs::copy(root.join("Cargo.lock"), probe.join("Cargo.lock")).unwrap();
    run(cargo(&probe, &target_dir).args(["build", "--quiet"]));
    let binary = target_dir
        .join("debug")
        .join(format!("spec-only-probe{}", std::env::consts::EXE_SUFFIX));

    let server = TestServer::start();
    let call = |group_id: &str| {
        Command::new(&binary)
            .arg(group_id)
            .env_clear()
            .env("TENCENTCLOUD_SECRET_ID", TEST_SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", TEST_SECRET_KEY)
            .env("TENCENTCLOUD_IAI_ENDPOINT", server.url())
            .output()
            .unwrap()
    };

    let mocked = call("--mock");
    let stdout = String::from_utf8_lossy(&mocked.stdout);
    assert!(
        stdout.contains("mocked; RequestId=mocked"),
        "{stdout}{}",
        String::from_utf8_lossy(&mocked.stderr)
    );

    server.script(
        "DeleteGroup",
        vec![Reply::json(
            r#"{"Response":{"RequestId":"2ff7181c-ef20-4f02-b4ed-13924b381368"}}"#,
        )],
    );
    let ok = call("ZhuYuanDormitoryNo1");
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        stdout.contains("RequestId=2ff7181c-ef20-4f02-b4ed-13924b381368"),
        "{stdout}"
    );
    let sent = &server.requests()[0];
    assert_eq!(sent.header("X-TC-Action"), Some("DeleteGroup"));
    assert!(sent.signature_ok);
    assert_eq!(sent.body, br#"{"GroupId":"ZhuYuanDormitoryNo1"}"#);

    server.script(
        "DeleteGroup",
        vec![Reply::error(
            "InvalidParameterValue.GroupIdNotExist",
            "no such group",
        )],
    );
    let typed = call("ZhuYuanDormitory");
    assert_eq!(
        typed.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&typed.stdout)
    );
    assert!(String::from_utf8_lossy(&typed.stdout).contains("no such group"));

    let refused = call("bad/group");
    assert_eq!(refused.status.code(), Some(4));
    assert!(
        String::from_utf8_lossy(&refused.stdout).contains("GroupId"),
        "constraints from the YAML are enforced"
    );
    assert_eq!(
        server.request_count("DeleteGroup"),
        2,
        "the invalid id never reached the server"
    );
}
