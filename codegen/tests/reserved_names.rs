//! The names the checker reserves are tested against the hand-written runtime, so a method
//! added to `Client` cannot silently collide with a future action's method.

use std::path::PathBuf;

use codegen::model::check::RESERVED_ACTION_NAMES;

fn runtime_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../generated-client/src/runtime")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `pub fn` and `pub async fn` names inside the `impl Client { ... }` blocks of `source`.
fn client_methods(source: &str) -> Vec<String> {
    let mut methods = Vec::new();
    let mut depth_in_impl: Option<usize> = None;
    let mut depth = 0usize;
    for line in source.lines() {
        let trimmed = line.trim_start();
        if depth_in_impl.is_none() && trimmed.starts_with("impl Client {") {
            depth_in_impl = Some(depth);
        }
        if let Some(start) = depth_in_impl {
            for prefix in ["pub fn ", "pub async fn "] {
                if let Some(rest) = trimmed.strip_prefix(prefix) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    methods.push(name);
                }
            }
            depth += line.matches('{').count();
            depth -= line.matches('}').count();
            if depth == start {
                depth_in_impl = None;
            }
        } else {
            depth += line.matches('{').count();
            depth -= line.matches('}').count();
        }
    }
    methods
}

#[test]
fn every_public_client_method_is_a_reserved_action_name() {
    let mut methods = Vec::new();
    for file in ["client.rs", "common_call.rs"] {
        methods.extend(client_methods(&runtime_file(file)));
    }
    assert!(
        methods.iter().any(|m| m == "send") && methods.iter().any(|m| m == "call_json"),
        "the scan finds the client's methods: {methods:?}"
    );
    for method in &methods {
        assert!(
            RESERVED_ACTION_NAMES.contains(&method.as_str()),
            "`Client::{method}` is public, so an action whose method would be `{method}` must be refused: add it to RESERVED_ACTION_NAMES"
        );
    }
    // `Clone` is derived, not written in an impl block.
    assert!(RESERVED_ACTION_NAMES.contains(&"clone"));
}
