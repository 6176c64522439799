//! `tests/fixtures/rich` uses every feature of the spec format. Its output must be valid Rust,
//! and (the real proof) must compile inside a copy of generated-client and pass the tests in
//! `tests/fixtures/rich_client_tests.rs` plus the unit tests generated from its examples.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::emit::format::HEADER_MARKER;
use common::{copy_dir, sorted_entries, tests_dir, workspace_root, write};

/// Package name of the scratch copy, so its tests don't depend on the real crate's name.
const PACKAGE: &str = "codegen-rich-client";

fn rich_spec() -> PathBuf {
    tests_dir().join("fixtures/rich")
}

fn generate_rich() -> Vec<codegen::GeneratedFile> {
    codegen::generate(&rich_spec()).unwrap_or_else(|e| panic!("the rich fixture is refused:\n{e}"))
}

#[test]
fn every_generated_file_is_valid_rust_with_the_generated_header() {
    let files = generate_rich();
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    for want in [
        "mod.rs",
        "service.rs",
        "types.rs",
        "client.rs",
        "operation/mod.rs",
        "operation/create_container.rs",
        "operation/describe_items.rs",
    ] {
        assert!(paths.iter().any(|p| p == want), "{want} missing: {paths:?}");
    }
    for file in &files {
        assert!(
            file.contents.starts_with(HEADER_MARKER),
            "{} lacks the header",
            file.path.display()
        );
        if let Err(e) = syn::parse_file(&file.contents) {
            panic!(
                "{} does not parse: {e}\n{}",
                file.path.display(),
                file.contents
            );
        }
    }
    let text = |path: &str| {
        &files
            .iter()
            .find(|f| f.path == Path::new(path))
            .unwrap()
            .contents
    };
    // The keyword member, nested validation and the nested list type made it into the output.
    assert!(text("types.rs").contains("pub r#type: String"));
    assert!(text("types.rs").contains("fn validate_fields"));
    assert!(text("types.rs").contains("Option<Vec<Vec<String>>>"));
    assert!(text("operation/create_container.rs").contains("pub fn r#type("));
    assert!(text("service.rs").contains("fn secondary_site()"));
}

/// `name = value` lines of one `[section]` of a TOML file (single-line values only).
fn toml_section(text: &str, section: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == format!("[{section}]");
        } else if inside && !line.is_empty() && !line.starts_with('#') {
            let (key, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("unsupported TOML line in [{section}]: {line}"));
            out.insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    out
}

/// Splits the inside of an inline table at its top-level commas.
fn table_entries(inner: &str) -> Vec<(String, String)> {
    let mut entries = Vec::new();
    let (mut depth, mut quoted, mut start) = (0, false, 0);
    let bytes = inner.as_bytes();
    for i in 0..=bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b',');
        match c {
            b'"' => quoted = !quoted,
            b'[' | b'{' if !quoted => depth += 1,
            b']' | b'}' if !quoted => depth -= 1,
            b',' if !quoted && depth == 0 => {
                let entry = inner[start..i.min(inner.len())].trim();
                if !entry.is_empty() {
                    let (k, v) = entry.split_once('=').expect("key = value");
                    entries.push((k.trim().to_owned(), v.trim().to_owned()));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    entries
}

/// A dependency from `[workspace.dependencies]` as `(key, value)` entries.
fn workspace_dependency(value: &str) -> Vec<(String, String)> {
    if value.starts_with('"') {
        vec![("version".to_owned(), value.to_owned())]
    } else {
        let inner = value
            .strip_prefix('{')
            .and_then(|v| v.strip_suffix('}'))
            .unwrap_or_else(|| panic!("unsupported workspace dependency: {value}"));
        table_entries(inner)
    }
}

/// `{ workspace = true, optional = true }` + the workspace's definition → a concrete table.
fn concrete_dependency(name: &str, member: &str, workspace: &BTreeMap<String, String>) -> String {
    let ws = workspace
        .get(name)
        .unwrap_or_else(|| panic!("`{name}` is not in [workspace.dependencies]"));
    let mut entries = workspace_dependency(ws);
    let inner = member
        .trim()
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or("");
    for (key, value) in table_entries(inner) {
        if key == "workspace" {
            continue;
        }
        match entries.iter_mut().find(|(k, _)| *k == key) {
            // Features add up, as with `workspace = true`.
            Some((_, existing)) if key == "features" => {
                let a = existing.trim_end_matches(']').trim().trim_end_matches(',');
                let b = value.trim_start_matches('[');
                *existing = format!("{a}, {b}");
            }
            Some((_, existing)) => *existing = value,
            None => entries.push((key, value)),
        }
    }
    let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{ {} }}", body.join(", "))
}

/// generated-client's manifest as a workspace of its own: inherited keys made concrete, the
/// package renamed, and an empty `[workspace]` table.
fn standalone_manifest(member: &str, workspace: &str) -> String {
    let package = toml_section(workspace, "workspace.package");
    let dependencies = toml_section(workspace, "workspace.dependencies");
    let mut out = String::new();
    let mut section = String::new();
    for line in member.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.trim_matches(['[', ']']).to_owned();
            out.push_str(line);
        } else if section == "package" && trimmed.starts_with("name") {
            out.push_str(&format!("name = \"{PACKAGE}\""));
        } else if let Some(key) = trimmed.strip_suffix(".workspace = true") {
            if section == "package" {
                let value = package
                    .get(key)
                    .unwrap_or_else(|| panic!("`{key}` is not in [workspace.package]"));
                out.push_str(&format!("{key} = {value}"));
            } else {
                out.push_str(&format!(
                    "{key} = {}",
                    concrete_dependency(key, "{}", &dependencies)
                ));
            }
        } else if section.ends_with("dependencies") && trimmed.contains("workspace = true") {
            let (name, value) = trimmed.split_once('=').expect("dependency line");
            let name = name.trim();
            out.push_str(&format!(
                "{name} = {}",
                concrete_dependency(name, value, &dependencies)
            ));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(
        "\n# A workspace of its own, so the real workspace does not claim it.\n[workspace]\n",
    );
    out
}

#[test]
fn manifest_rewriting_makes_inherited_keys_concrete() {
    let workspace = r#"
[workspace.package]
edition = "2021"
license = "Apache-2.0"

[workspace.dependencies]
# comment
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }
sha2 = "0.10"
"#;
    let member = r#"[package]
name = "x"
edition.workspace = true
license.workspace = true

[dependencies]
reqwest = { workspace = true, optional = true, features = ["json"] }
sha2 = { workspace = true }
bytes = "1"

[dev-dependencies]
sha2.workspace = true
"#;
    let out = standalone_manifest(member, workspace);
    assert!(out.contains(&format!("name = \"{PACKAGE}\"")), "{out}");
    assert!(
        out.contains("edition = \"2021\"\nlicense = \"Apache-2.0\""),
        "{out}"
    );
    assert!(
        out.contains(r#"reqwest = { version = "0.12", default-features = false, features = ["rustls-tls", "json"], optional = true }"#),
        "{out}"
    );
    assert!(out.contains("sha2 = { version = \"0.10\" }"), "{out}");
    assert!(out.contains("bytes = \"1\""), "{out}");
    assert!(!out.contains("workspace = true"), "{out}");
    assert!(out.trim_end().ends_with("[workspace]"), "{out}");
}

/// Copies generated-client (manifest and `src/`, without its generated code), fills
/// `src/generated` from the rich fixture and adds the integration tests.
fn scratch_crate(dir: &Path) {
    let root = workspace_root();
    let client = root.join("generated-client");
    let manifest = standalone_manifest(
        &fs::read_to_string(client.join("Cargo.toml")).unwrap(),
        &fs::read_to_string(root.join("Cargo.toml")).unwrap(),
    );
    write(&dir.join("Cargo.toml"), manifest);
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    fs::create_dir_all(dir.join("src")).unwrap();
    for entry in sorted_entries(&client.join("src")) {
        let name = entry.file_name().unwrap();
        if name == "generated" {
            continue;
        }
        if entry.is_dir() {
            copy_dir(&entry, &dir.join("src").join(name));
        } else {
            fs::copy(&entry, dir.join("src").join(name)).unwrap();
        }
    }
    let generated = dir.join(codegen::GENERATED_DIR.trim_start_matches("generated-client/"));
    let plan = codegen::output::plan(&generated, &generate_rich()).unwrap();
    assert!(plan.deletes.is_empty() && plan.unchanged == 0);
    codegen::output::apply(&plan).unwrap();
    fs::create_dir_all(dir.join("tests")).unwrap();
    fs::copy(
        tests_dir().join("fixtures/rich_client_tests.rs"),
        dir.join("tests/rich.rs"),
    )
    .unwrap();
}

#[test]
fn the_rich_client_compiles_and_its_tests_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("client");
    scratch_crate(&dir);

    // Persistent, so only the first run compiles the dependencies.
    let target = workspace_root().join("target/codegen-rich");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = std::time::Instant::now();
    // `--tests`: the library's unit tests (the generated example tests among them) and
    // tests/rich.rs; not the doctests, whose examples name the real spec's actions.
    let output = Command::new(cargo)
        .args(["test", "--offline", "--tests"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo test on the rich client failed ({}):\n--- stderr ---\n{stderr}\n--- stdout ---\n{stdout}",
        output.status
    );
    // Users compile generated code; it must not warn.
    assert!(
        !stderr.contains("warning:"),
        "the rich client compiles with warnings:\n{stderr}"
    );
    // The generated example tests and tests/rich.rs both ran.
    for test in [
        "create_container::spec_tests::example_1_creating_a_container ... ok",
        "describe_items::spec_tests::example_1_first_page ... ok",
        "violations_in_nested_values_name_their_path ... ok",
        "the_client_sends_generated_requests_and_decodes_the_reply ... ok",
    ] {
        assert!(stdout.contains(test), "`{test}` did not run:\n{stdout}");
    }
    let passed: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert!(passed >= 10, "too few tests ran ({passed}):\n{stdout}");
    eprintln!(
        "rich client: {passed} tests passed in {:.1?}",
        started.elapsed()
    );
}
