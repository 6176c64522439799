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
    // test-util turns on both JSON directions (the mock reads requests and writes
    // responses); they are features of this crate alone and enable no dependency.
    assert_eq!(
        features["test-util"],
        serde_json::json!(["serde-serialize", "serde-deserialize"]),
        "test-util enables only the serde directions"
    );
    for direction in ["serde-serialize", "serde-deserialize"] {
        assert_eq!(
            features[direction],
            serde_json::json!([]),
            "{direction} enables nothing else"
        );
    }
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
    assert!(crates.contains(&"hyper-util"), "the tree was read: {tree}");
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

/// What hyper's transport adds to a reqwest-only build: its TLS provider, aws-lc-rs (reqwest
/// 0.12 builds ring's).
const TLS_PROVIDER_EXTRA: &[&str] = &["aws-lc-rs", "aws-lc-sys"];

#[test]
fn the_default_hyper_transport_leaves_reqwest_and_its_url_crates_out() {
    // Each crate once, by name and version.
    let crates = |tree: &str| -> std::collections::BTreeSet<String> {
        tree.lines()
            .map(|line| line.trim_end_matches(" (*)").to_owned())
            .collect()
    };
    let default = crates(&client_tree(&[]));
    assert!(
        default.iter().any(|c| c.starts_with("hyper-util "))
            && default.iter().any(|c| c.starts_with("rustls ")),
        "the tree was read: {default:?}"
    );
    for gone in ["reqwest", "url", "idna", "tower-http"] {
        assert!(
            !default.iter().any(|c| c.split(' ').next() == Some(gone)),
            "{gone} is in a default build: {default:?}"
        );
    }
    // The default is hyper's transport: the same tree as asking for it alone.
    assert_eq!(
        default,
        crates(&client_tree(&[
            "--no-default-features",
            "--features",
            "hyper-transport"
        ])),
        "the default is not hyper-transport alone"
    );
    // Adding reqwest's transport to the default adds reqwest's own crates; everything hyper's
    // transport needs is already in a reqwest-only build (the same hyper-util, hyper-rustls and
    // rustls), its TLS provider aside.
    let reqwest_only = crates(&client_tree(&[
        "--no-default-features",
        "--features",
        "reqwest-transport",
    ]));
    let both = crates(&client_tree(&["--features", "reqwest-transport"]));
    let extra: Vec<&str> = both
        .difference(&reqwest_only)
        .filter_map(|c| c.split(' ').next())
        .collect();
    assert_eq!(
        extra, TLS_PROVIDER_EXTRA,
        "hyper's transport adds crates to a reqwest build"
    );
}
