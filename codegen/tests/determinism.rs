//! The same spec always gives the same bytes: across runs, across copies in other directories
//! and whatever order the file system lists the actions in.

mod common;

use std::fs;
use std::path::Path;

use codegen::GeneratedFile;
use common::{copy_dir, real_spec, sorted_entries, tests_dir, write};

fn generate(spec: &Path) -> Vec<GeneratedFile> {
    codegen::generate(spec).unwrap_or_else(|e| panic!("{} is refused:\n{e}", spec.display()))
}

fn assert_same(a: &[GeneratedFile], b: &[GeneratedFile], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: different number of files");
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.path, y.path, "{what}: files in a different order");
        assert!(
            x.contents == y.contents,
            "{what}: {} differs",
            x.path.display()
        );
    }
}

/// A copy of `spec` plus `extra` actions, the actions directory filled in name order or reversed.
fn copy_with_actions(spec: &Path, to: &Path, extra: usize, reverse: bool) {
    fs::create_dir_all(to).unwrap();
    for entry in sorted_entries(spec) {
        let name = entry.file_name().unwrap();
        if name == "actions" {
            continue;
        }
        if entry.is_dir() {
            copy_dir(&entry, &to.join(name));
        } else {
            fs::copy(&entry, to.join(name)).unwrap();
        }
    }
    let mut actions: Vec<(String, String)> = sorted_entries(&spec.join("actions"))
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    // More actions make it likelier that directory order and name order differ.
    for i in 0..extra {
        let name = format!("Zz{}Action{i:02}", ["Mid", "Alpha", "Beta"][i % 3]);
        actions.push((
            format!("{name}.yaml"),
            format!(
                "action: {name}\ntitle: Does thing {i}\ndoc: Action number {i}.\ninput:\n  - name: Value{i}\n    type: string\n    required: true\n    doc: A value.\n"
            ),
        ));
    }
    if reverse {
        actions.reverse();
    }
    fs::create_dir_all(to.join("actions")).unwrap();
    for (name, text) in actions {
        write(&to.join("actions").join(name), text);
    }
}

#[test]
fn generating_twice_gives_identical_bytes() {
    for spec in [real_spec(), tests_dir().join("fixtures/rich")] {
        let first = generate(&spec);
        let second = generate(&spec);
        assert!(!first.is_empty());
        assert_same(&first, &second, &spec.display().to_string());
    }
}

#[test]
fn directory_order_and_location_do_not_change_the_output() {
    for spec in [real_spec(), tests_dir().join("fixtures/rich")] {
        let tmp = tempfile::tempdir().unwrap();
        let forward = tmp.path().join("forward/spec");
        let backward = tmp.path().join("backward/spec");
        copy_with_actions(&spec, &forward, 12, false);
        copy_with_actions(&spec, &backward, 12, true);
        let a = generate(&forward);
        let b = generate(&backward);
        assert_same(&a, &b, "actions created in reverse order");

        // Without extra actions, a copy elsewhere gives exactly what the original gives.
        let plain = tmp.path().join("plain/spec");
        copy_with_actions(&spec, &plain, 0, true);
        assert_same(
            &generate(&spec),
            &generate(&plain),
            "copy in another directory",
        );

        // Actions come out in file-name order, not in directory order.
        let operations = a
            .iter()
            .find(|f| f.path == Path::new("operation/mod.rs"))
            .unwrap();
        let modules: Vec<String> = operations
            .contents
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub mod "))
            .map(|m| m.trim_end_matches(';').to_owned())
            .collect();
        let by_file_name: Vec<String> = sorted_entries(&backward.join("actions"))
            .iter()
            .map(|p| codegen::model::names::snake(&p.file_stem().unwrap().to_string_lossy()))
            .collect();
        assert!(modules.len() >= 12, "{modules:?}");
        assert_eq!(modules, by_file_name);
    }
}
