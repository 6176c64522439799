//! Two promises that need a modified copy of the workspace, checked with one copy and one
//! build of it:
//!
//! - A new action needs a YAML file and `cargo xtask regenerate`, nothing else. The test adds
//!   `DeleteGroup.yaml` to the copy, regenerates with the real command, checks the diff touched
//!   only YAML and generated files, then calls the new method against the emulator from a test
//!   added to the copy's `tests/` package.
//! - The output of `codegen/tests/fixtures/rich` (every feature of the spec format) compiles
//!   inside a copy of generated-client (package `codegen-rich-client`, added to the copied
//!   workspace) and passes `codegen/tests/fixtures/rich_client_tests.rs` plus the unit tests
//!   generated from its examples.
//!
//! The copy (`target/spec-only-addition/workspace`) has the same `Cargo.lock`, profiles and
//! features as this workspace, and its cargo commands use this workspace's build directory
//! (`CARGO_BUILD_BUILD_DIR`), so they compile only the copied workspace members and reuse every
//! compiled dependency. Final artifacts go to `target/spec-only-addition/target`, so nothing of
//! the real workspace's is overwritten. Cargo holds no lock on the build directory while tests
//! run, so the nested commands do not wait for this one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// This workspace's build directory: test binaries live in `<build dir>/<profile>/deps`.
fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "deps"))
        .and_then(|deps| deps.parent()?.parent())
        .unwrap_or_else(|| panic!("{} is not in <build dir>/<profile>/deps", exe.display()))
        .to_owned()
}

/// Cargo in the copy, sharing this workspace's build directory (see the module docs).
fn cargo(dir: &Path, target_dir: &Path) -> Command {
    let mut cmd = iai_integration_tests::cargo_command();
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_BUILD_BUILD_DIR", build_dir())
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

/// Cargo names a workspace member's artifacts by its path relative to the workspace root, so
/// the copy's members would overwrite this workspace's in the shared build directory (and this
/// workspace could then link the copy's code). A pre-release tag on each member's version
/// gives them names of their own; dependencies are untouched. The version requirements of
/// path dependencies between members (which publishing needs) go, since no requirement such
/// as `0.1.0` matches a pre-release.
fn give_members_their_own_artifacts(copy: &Path) {
    fn visit(dir: &Path, root: &Path) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path
                    .file_name()
                    .is_some_and(|n| n != "target" && n != ".git")
                {
                    visit(&path, root);
                }
            } else if path.file_name().is_some_and(|n| n == "Cargo.toml") && dir != root {
                let text = std::fs::read_to_string(&path).unwrap();
                let Some(start) = text.find("\nversion = \"") else {
                    continue;
                };
                let value_start = start + "\nversion = \"".len();
                let value_end = value_start + text[value_start..].find('"').unwrap();
                let mut tagged = text.clone();
                tagged.insert_str(value_end, "-workspace-copy");
                let tagged: String = tagged
                    .lines()
                    .map(|line| format!("{}\n", without_version_of_path_dependency(line)))
                    .collect();
                std::fs::write(&path, tagged).unwrap();
            }
        }
    }
    visit(copy, copy);
}

/// `x = { version = "0.1.0", path = "../x" }` without its `version = "..", `.
fn without_version_of_path_dependency(line: &str) -> String {
    let Some(start) = line.find("version = \"") else {
        return line.to_owned();
    };
    if !line.contains("path = \"") {
        return line.to_owned();
    }
    let value_start = start + "version = \"".len();
    let Some(value_len) = line[value_start..].find('"') else {
        return line.to_owned();
    };
    let mut end = value_start + value_len + 1;
    if line[end..].starts_with(", ") {
        end += 2;
    }
    format!("{}{}", &line[..start], &line[end..])
}

/// Added to the copy as `tests/tests/spec_only_probe.rs`: a user of the new method, against
/// the emulator, which routes the new action to its modelled semantics from the YAML alone.
const PROBE_TEST: &str = r##"
use iai_integration_tests::emulator::TestEmulator;
use tencentcloud_iai::operation::delete_group::DeleteGroupError;
use tencentcloud_iai::{Client, SdkError};

#[tokio::test]
async fn the_new_action_is_called_like_any_other() {
    let emulator = TestEmulator::start();
    let client = Client::new(emulator.config().build().unwrap());
    client.create_group().group_name("Dormitory").group_id("ZhuYuanDormitoryNo1").send().await.expect("created");

    let out = client.delete_group().group_id("ZhuYuanDormitoryNo1").send().await.expect("deleted");
    assert_eq!(out.request_id.len(), 36, "a fresh RequestId: {}", out.request_id);
    assert!(emulator.emulator().state().groups.is_empty(), "the group is gone");
    let sent = emulator.requests().pop().unwrap();
    assert_eq!(sent.header("X-TC-Action"), Some("DeleteGroup"));
    assert!(sent.authenticated);
    assert_eq!(&sent.body[..], br#"{"GroupId":"ZhuYuanDormitoryNo1"}"#);

    match client.delete_group().group_id("ZhuYuanDormitoryNo1").send().await {
        Err(SdkError::Service(DeleteGroupError::InvalidParameterValueGroupIdNotExist(meta))) => {
            assert!(meta.message.contains("ZhuYuanDormitoryNo1"), "{}", meta.message)
        }
        other => panic!("expected the typed error, got {other:?}"),
    }

    // Constraints from the YAML are enforced before anything is sent.
    let refused = client.delete_group().group_id("bad/group").send().await.unwrap_err();
    assert!(matches!(refused, SdkError::InvalidRequest(_)), "{refused}");
    assert!(refused.to_string().contains("GroupId"), "{refused}");
    assert_eq!(emulator.request_count("DeleteGroup"), 2);
}

/// The new action's response builder and typed mock support come from the YAML alone too.
#[tokio::test]
async fn the_new_action_can_be_mocked() {
    use tencentcloud_iai::operation::delete_group::{DeleteGroupRequest, DeleteGroupResponse};
    let mock = tencentcloud_iai::mock::Mock::strict();
    mock.on::<DeleteGroupRequest>()
        .then_output(DeleteGroupResponse::builder().request_id("mocked").build());
    let out = mock.client().delete_group().group_id("g1").send().await.expect("mocked call");
    assert_eq!(out.request_id, "mocked");
    assert_eq!(mock.requests::<DeleteGroupRequest>()[0].group_id, "g1");
}
"##;

/// Package name of the rich client, so its tests don't depend on the real crate's name.
const RICH_PACKAGE: &str = "codegen-rich-client";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

/// `manifest` without its `header` tables (each up to the next table).
fn without_tables(manifest: &str, header: &str) -> String {
    let mut kept = String::new();
    let mut skipping = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            skipping = line.trim() == header;
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

/// Adds `rich-client/` to the copied workspace: generated-client's manifest (package renamed)
/// and runtime, `src/generated` from the rich fixture, and its integration tests.
fn add_rich_client(root: &Path, copy: &Path) {
    let dir = copy.join("rich-client");
    let client = root.join("generated-client");
    let manifest = std::fs::read_to_string(client.join("Cargo.toml")).unwrap();
    let renamed = manifest.replacen(
        "name = \"tencentcloud-iai\"",
        &format!("name = \"{RICH_PACKAGE}\""),
        1,
    );
    assert_ne!(renamed, manifest, "generated-client's package name moved");
    // The examples call the real spec's actions and are not copied; drop their tables.
    let renamed = without_tables(&renamed, "[[example]]");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), renamed).unwrap();
    for entry in std::fs::read_dir(client.join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        if name == "generated" {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &dir.join("src").join(name));
        } else {
            std::fs::copy(&path, dir.join("src").join(name)).unwrap();
        }
    }
    let rich_spec = root.join("codegen/tests/fixtures/rich");
    let files = codegen::generate(&rich_spec)
        .unwrap_or_else(|e| panic!("the rich fixture is refused:\n{e}"));
    let generated = dir.join(codegen::GENERATED_DIR.trim_start_matches("generated-client/"));
    let plan = codegen::output::plan(&generated, &files).unwrap();
    assert!(plan.deletes.is_empty() && plan.unchanged == 0);
    codegen::output::apply(&plan).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(
        root.join("codegen/tests/fixtures/rich_client_tests.rs"),
        dir.join("tests/rich.rs"),
    )
    .unwrap();

    let workspace_manifest = copy.join("Cargo.toml");
    let text = std::fs::read_to_string(&workspace_manifest).unwrap();
    let with_member = text.replacen("members = [", "members = [\"rich-client\", ", 1);
    assert_ne!(with_member, text, "the workspace lists no members");
    std::fs::write(&workspace_manifest, with_member).unwrap();
}

/// The number of tests `cargo test` reported as passed in `stdout`.
fn passed(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum()
}

#[test]
fn adding_an_action_needs_only_yaml_and_the_rich_spec_compiles() {
    let root = workspace_root();
    let scratch = root.join("target").join("spec-only-addition");
    let target_dir = scratch.join("target");
    let copy = scratch.join("workspace");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).unwrap();
    }
    eprintln!(
        "building a modified copy of the workspace in {} (with the build directory {}: only the \
         copied workspace members compile)",
        copy.display(),
        build_dir().display()
    );
    copy_workspace(&root, &copy);
    give_members_their_own_artifacts(&copy);

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
    let regenerated = run(cargo(&copy, &target_dir).args(["xtask", "regenerate"]));
    assert!(
        String::from_utf8_lossy(&regenerated.stdout).contains("written"),
        "regenerate says what it wrote"
    );
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

    // One build and test run for both: the probe of the new action and the rich client.
    std::fs::write(copy.join("tests/tests/spec_only_probe.rs"), PROBE_TEST).unwrap();
    add_rich_client(&root, &copy);
    let started = std::time::Instant::now();
    let output = cargo(&copy, &target_dir)
        .args(["test", "-p", "iai-integration-tests", "-p", RICH_PACKAGE])
        // The rich client's unit tests (the generated example tests among them) and
        // tests/rich.rs; not the doctests, whose examples name the real spec's actions.
        .args(["--lib", "--test", "spec_only_probe", "--test", "rich"])
        // tests/rich.rs writes a response back to JSON, which is behind a feature.
        .args(["--features", &format!("{RICH_PACKAGE}/serde-serialize")])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo test in the copy failed ({}):\n--- stderr ---\n{stderr}\n--- stdout ---\n{stdout}",
        output.status
    );
    // Users compile generated code; it must not warn.
    assert!(
        !stderr.contains("warning:"),
        "the copy compiles with warnings:\n{stderr}"
    );
    for test in [
        "the_new_action_is_called_like_any_other ... ok",
        "the_new_action_can_be_mocked ... ok",
        "create_container::spec_tests::example_1_creating_a_container ... ok",
        "describe_items::spec_tests::example_1_first_page ... ok",
        "violations_in_nested_values_name_their_path ... ok",
        "the_client_sends_generated_requests_and_decodes_the_reply ... ok",
    ] {
        assert!(stdout.contains(test), "`{test}` did not run:\n{stdout}");
    }
    assert!(
        passed(&stdout) >= 11,
        "too few tests ran ({}):\n{stdout}",
        passed(&stdout)
    );
    eprintln!(
        "the copy: {} tests passed in {:.1?}",
        passed(&stdout),
        started.elapsed()
    );
}
