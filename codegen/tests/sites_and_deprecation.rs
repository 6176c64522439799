//! What `sites` and `deprecated` become: `#[deprecated]` on the method, request and builder of
//! a deprecated action (with `allow` where generated code uses them), site notes in the docs,
//! and the marks in the README table and the CLI help.

mod common;

use codegen::GeneratedFile;
use common::real_spec;

fn generated() -> Vec<GeneratedFile> {
    codegen::generate(&real_spec()).unwrap_or_else(|e| panic!("{e}"))
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path.to_str() == Some(path))
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn a_deprecated_action_is_deprecated_everywhere_a_user_touches_it() {
    let files = generated();
    let module = file(&files, "operation/upgrade_group_face_model_version.rs");
    let note = "#[deprecated(\n    note = \"the service marks `UpgradeGroupFaceModelVersion` deprecated; it may stop working without notice\"\n)]";
    assert_eq!(
        module.matches(note).count(),
        3,
        "request, request builder and fluent builder:\n{module}"
    );
    assert!(
        module.contains("#![allow(deprecated)]"),
        "its own module uses them"
    );
    assert!(module.contains("**Deprecated**"));

    let client = file(&files, "client.rs");
    let method = client
        .split("pub fn ")
        .find(|m| m.starts_with("upgrade_group_face_model_version("))
        .expect("the method");
    let before = &client[..client
        .find("pub fn upgrade_group_face_model_version(")
        .unwrap()];
    let attrs = &before[before.rfind("///").unwrap()..];
    assert!(attrs.contains("#[deprecated("), "{attrs}");
    assert!(attrs.contains("#[allow(deprecated)]"), "{attrs}");
    assert!(method.contains("UpgradeGroupFaceModelVersionFluentBuilder::new"));

    // A current action has neither.
    let current = file(&files, "operation/get_group_info.rs");
    assert!(!current.contains("#[deprecated") && !current.contains("allow(deprecated)"));
    let cli = file(&files, "cli.rs");
    assert!(cli.contains("#[allow(deprecated)]"));
    // The action table, which the command line and the emulator read.
    let table = file(&files, "action_table.rs");
    assert!(table.contains("#[allow(deprecated)]"));
    assert!(table.contains("Upgrades a group (deprecated; mainland_china only)"));
}

#[test]
fn sites_are_shown_in_docs_and_the_readme_table() {
    let files = generated();
    let dense = file(&files, "operation/analyze_dense_landmarks.rs");
    assert!(
        dense.contains("Offered only on the `mainland_china` endpoint ([`Endpoint::mainland_china`](crate::Endpoint::mainland_china)). The client sends it to any endpoint; the service decides."),
        "{dense}"
    );
    let compare = file(&files, "operation/compare_face.rs");
    assert!(compare.contains("Documented only on the `mainland_china` endpoint"));
    let low_balance = file(&files, "operation/detect_face_attributes.rs");
    assert!(low_balance.contains("`ResourceUnavailable.LowBalance`: Insufficient balance. Listed only on the `mainland_china` endpoint"));

    let service = codegen::model::resolve(&codegen::spec::load(&real_spec()).unwrap()).unwrap();
    let table = codegen::emit::readme::actions_table(&service);
    assert!(table.contains("| Action | Client method | `iai` command | Sites | |"));
    assert!(
        table
            .contains("`iai upgrade-group-face-model-version` | mainland_china | **deprecated** |"),
        "{table}"
    );
    assert!(table.contains("`iai get-group-info` | all |  |"), "{table}");
    assert!(table.contains("`iai get-upgrade-group-face-model-version-job-list` | mainland_china | **deprecated**, paginated |"), "{table}");
}
