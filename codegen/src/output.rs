//! Generated files vs. the directory they belong in: what would change, and writing it.
//! The generated directory is owned by the generator; a file there without the `@generated`
//! header is an error rather than something to overwrite or delete.

use std::collections::HashSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::format::HEADER_MARKER;
use crate::emit::GeneratedFile;

/// What regeneration would do to the generated directory.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files to create or overwrite, with their new contents.
    pub writes: Vec<(PathBuf, String)>,
    /// Generated files the spec no longer produces.
    pub deletes: Vec<PathBuf>,
    pub unchanged: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.deletes.is_empty()
    }

    /// One line per stale file, for `--check`.
    pub fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .writes
            .iter()
            .map(|(path, _)| {
                let what = if path.exists() { "stale" } else { "missing" };
                format!("{what}: {}", path.display())
            })
            .collect();
        lines.extend(
            self.deletes
                .iter()
                .map(|p| format!("no longer generated: {}", p.display())),
        );
        lines
    }
}

#[derive(Debug)]
pub enum OutputError {
    Io(PathBuf, io::Error),
    /// A file in the generated directory that the generator did not write.
    Foreign(PathBuf),
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Io(path, e) => write!(f, "{}: {e}", path.display()),
            OutputError::Foreign(path) => write!(
                f,
                "{}: not a generated file (no `{HEADER_MARKER}` header) inside the generated directory; move hand-written code to generated-client/src/runtime",
                path.display()
            ),
        }
    }
}

impl std::error::Error for OutputError {}

pub fn plan(out_dir: &Path, files: &[GeneratedFile]) -> Result<Plan, OutputError> {
    let mut plan = Plan::default();
    let mut produced = HashSet::new();
    for file in files {
        let path = out_dir.join(&file.path);
        produced.insert(path.clone());
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == file.contents => plan.unchanged += 1,
            Ok(_) => plan.writes.push((path, file.contents.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                plan.writes.push((path, file.contents.clone()))
            }
            Err(e) => return Err(OutputError::Io(path, e)),
        }
    }
    let mut existing = Vec::new();
    collect_rs_files(out_dir, &mut existing)?;
    existing.sort();
    for path in existing {
        if produced.contains(&path) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| OutputError::Io(path.clone(), e))?;
        if text.starts_with(HEADER_MARKER) {
            plan.deletes.push(path);
        } else {
            return Err(OutputError::Foreign(path));
        }
    }
    Ok(plan)
}

/// Writes each file through a temporary sibling and a rename, so no file is ever half-written.
pub fn apply(plan: &Plan) -> Result<(), OutputError> {
    for (path, contents) in &plan.writes {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| OutputError::Io(parent.to_owned(), e))?;
        }
        let tmp = path.with_extension("rs.tmp");
        std::fs::write(&tmp, contents).map_err(|e| OutputError::Io(tmp.clone(), e))?;
        std::fs::rename(&tmp, path).map_err(|e| OutputError::Io(path.clone(), e))?;
    }
    for path in &plan.deletes {
        std::fs::remove_file(path).map_err(|e| OutputError::Io(path.clone(), e))?;
    }
    Ok(())
}

fn collect_rs_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), OutputError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(OutputError::Io(dir.to_owned(), e)),
    };
    for entry in entries {
        let path = entry
            .map_err(|e| OutputError::Io(dir.to_owned(), e))?
            .path();
        if path.is_dir() {
            collect_rs_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}
