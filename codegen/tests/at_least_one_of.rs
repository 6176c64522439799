//! The spec's `at_least_one_of` rules cover what the API's own docs demand: every input field
//! documented with "Either `Url` or `Image` must be provided" (or its variants) is in a group
//! of its action, so the client refuses a request with neither before sending it. That the
//! key survives `cargo xtask import` is covered by `import.rs`, which re-imports the committed
//! spec (14 actions with the key) and requires it to come out unchanged.

mod common;

#[test]
fn every_documented_either_or_parameter_is_in_a_group() {
    let files = codegen::spec::load(&common::real_spec()).expect("the real spec loads");
    let service = codegen::model::resolve(&files).expect("the real spec is valid");
    let mut documented = 0;
    let mut missing = Vec::new();
    for action in &service.actions {
        for (index, field) in action.input.iter().enumerate() {
            let doc = &field.doc;
            if !(doc.contains("Either") && doc.contains("must be provided")) {
                continue;
            }
            documented += 1;
            if !action.at_least_one_of.iter().any(|g| g.contains(&index)) {
                missing.push(format!("{}.{}", action.name, field.api_name));
            }
        }
    }
    assert!(
        documented >= 14,
        "the docs of at least 14 actions say so; found {documented}"
    );
    assert!(
        missing.is_empty(),
        "add these to their action's `at_least_one_of`: {missing:?}"
    );
}
