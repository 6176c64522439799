//! Helpers shared by the codegen integration tests.
#![allow(dead_code)] // Each test file uses a different subset.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The workspace root: codegen's manifest lives one level below it.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen is inside the workspace")
        .to_owned()
}

/// The project's real spec directory.
pub fn real_spec() -> PathBuf {
    workspace_root().join("spec")
}

/// This crate's `tests/` directory.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Copies `from` into `to` recursively, creating `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in sorted_entries(from) {
        let target = to.join(entry.file_name().expect("entries have names"));
        if entry.is_dir() {
            copy_dir(&entry, &target);
        } else {
            fs::copy(&entry, &target)
                .unwrap_or_else(|e| panic!("copy {} → {}: {e}", entry.display(), target.display()));
        }
    }
}

/// The entries of `dir`, sorted by name.
pub fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("readable directory entry").path())
        .collect();
    entries.sort();
    entries
}

/// Every file under `dir` (relative path → contents and modification time).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    snapshot_into(dir, dir, &mut out);
    out
}

fn snapshot_into(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, (Vec<u8>, SystemTime)>) {
    for entry in sorted_entries(dir) {
        if entry.is_dir() {
            snapshot_into(root, &entry, out);
        } else {
            let bytes = fs::read(&entry).expect("readable file");
            let modified = fs::metadata(&entry)
                .and_then(|m| m.modified())
                .expect("file has an mtime");
            let rel = entry.strip_prefix(root).expect("under root").to_owned();
            out.insert(rel, (bytes, modified));
        }
    }
}

/// What `cargo xtask regenerate` does, minus the working directory: generate, and only if that
/// succeeds, plan and apply. Errors are rendered as xtask prints them.
pub fn regenerate(spec_dir: &Path, out_dir: &Path) -> Result<codegen::output::Plan, String> {
    let files = codegen::generate(spec_dir).map_err(|e| e.to_string())?;
    let plan = codegen::output::plan(out_dir, &files).map_err(|e| format!("error: {e}"))?;
    codegen::output::apply(&plan).map_err(|e| format!("error: {e}"))?;
    Ok(plan)
}

/// Writes `contents` to `path`, creating parent directories.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent directory");
    }
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
