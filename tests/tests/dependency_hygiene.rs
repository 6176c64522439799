//! The generator's build-time crates must never reach the client users compile.

use std::process::Command;

#[test]
fn generator_crates_stay_out_of_the_client_dependency_tree() {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
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
        .current_dir(&workspace)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
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
