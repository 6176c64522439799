//! The generator's build-time crates must never reach the client users compile, and optional
//! test helpers must not change what a default build depends on.

use std::process::Command;

fn workspace() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `cargo tree` of the client's normal dependencies, one crate per line, with `extra` args.
fn client_tree(extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-p",
            "tencentcloud-iai",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(extra)
        .current_dir(workspace())
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_test_util_feature_is_off_by_default_and_adds_no_dependency() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--offline",
            "--no-deps",
            "--format-version",
            "1",
        ])
        .current_dir(workspace())
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success());
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let client = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "tencentcloud-iai")
        .expect("the client is a workspace member");
    let features = &client["features"];
    assert_eq!(
        features["test-util"],
        serde_json::json!([]),
        "test-util enables nothing else"
    );
    let default = features["default"].as_array().unwrap();
    assert!(
        !default.iter().any(|f| f == "test-util"),
        "test-util is not a default feature: {default:?}"
    );

    let plain = client_tree(&[]);
    assert!(plain.contains("serde_json"), "the tree was read: {plain}");
    assert_eq!(
        plain,
        client_tree(&["--features", "test-util"]),
        "test-util changes the client's dependencies"
    );
}

#[test]
fn generator_crates_stay_out_of_the_client_dependency_tree() {
    let tree = client_tree(&[]);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(crates.contains(&"reqwest"), "the tree was read: {tree}");
    for build_time in [
        "codegen",
        "xtask",
        "serde_yaml",
        "yaml-rust2",
        "prettyplease",
        "heck",
        "criterion",
        "proptest",
        // The `iai` command line's crates come only with the `cli` feature.
        "clap",
        "clap_complete",
        "jmespath",
        "rpassword",
    ] {
        assert!(
            !crates.contains(&build_time),
            "{build_time} is in the client's dependencies:\n{tree}"
        );
    }
}
