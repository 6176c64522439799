//! Fails when the committed generated code differs from what the spec produces, so the README's
//! test command catches drift as `cargo xtask regenerate --check` does.

use std::path::Path;

#[test]
fn committed_generated_code_matches_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = codegen::generate(&root.join("spec"))
        .unwrap_or_else(|e| panic!("the spec is invalid:\n{e}"));
    let plan = codegen::output::plan(&root.join(codegen::GENERATED_DIR), &files)
        .expect("generated dir is readable");
    assert!(
        plan.is_empty(),
        "generated code is stale; run `cargo xtask regenerate`:\n{}",
        plan.describe().join("\n")
    );
    assert!(
        plan.unchanged >= 6,
        "expected the module files and one file per action"
    );
}

#[test]
fn readme_lists_exactly_the_spec_actions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let table = codegen::readme_actions(&root.join("spec"))
        .unwrap_or_else(|e| panic!("the spec is invalid:\n{e}"));
    let readme = std::fs::read_to_string(root.join(codegen::README)).unwrap();
    let updated = codegen::emit::readme::replace_section(&readme, &table)
        .expect("README has the actions markers");
    assert!(
        updated == readme,
        "the README's actions table is stale; run `cargo xtask regenerate`"
    );
    assert!(readme.contains("`get_group_info(group_id)`"));
}
